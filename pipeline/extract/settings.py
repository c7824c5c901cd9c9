"""The layout tolerances the extractors read the document by, in one place.

Each is measured in em of the local text size (or as a ratio of sizes), never in
points: a document set larger or smaller reads the same.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayoutSettings:
    # A policy heading is set larger than the body text: its size over the body size is
    # at least this (a list item "① …" in the text is set at the body size).
    heading_min_size_ratio: float = 1.08
    # … and starts at the text block's left edge: within this many em of the leftmost
    # line of its page (an indented "② …" inside a card title is not a heading).
    heading_left_edge_em: float = 1.0
    # Text set in columns: pieces of one line separated by at least this many em of
    # white space (running text never leaves such a gap, a table row does).
    column_gap_em: float = 1.5
    # Two pieces start in the same column when their left edges are this close, in em.
    column_align_em: float = 1.0


LAYOUT = LayoutSettings()
