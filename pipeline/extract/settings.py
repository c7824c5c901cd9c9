"""The layout tolerances the extractors read the document by, in one place.

Each is measured in em of the local text size (or as a ratio of sizes), never in
points: a document set larger or smaller reads the same. The one exception is where
rulings meet (`TableSettings.edge_tol`): a rule's end is drawn, not typeset, and
producers miss by a stroke width whatever the text size.
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


@dataclass(frozen=True)
class TableSettings:
    """How the table finder (extract/tables.py) reads rulings and white space, as
    pdfplumber's TableSettings does."""

    # Rules whose ends (or a rule and a crossing one) are this many points apart share
    # an edge: a stroke's width and a producer's rounding.
    edge_tol: float = 2.5
    # A vertical strip this many em wide with no text through the whole table parts two
    # inferred columns (a table without vertical rules).
    column_gap_em: float = 1.0
    # A horizontal strip this many em tall with no text parts two unruled rows.
    row_gap_em: float = 0.45
    # White space this many em wide between glyphs of a table's body can part two cells:
    # values that nearly fill their columns leave less than an em, running text less
    # than this between its glyphs (but at a full-width space).
    cell_gap_em: float = 0.5
    # Rules farther apart than this many em do not bound one row (unless the text
    # between keeps to the header's columns: a booktabs body).
    max_row_em: float = 8.0
    # Text pieces whose left edges are this many em apart share a left edge (an aligned
    # column, such as sub-labels under their parent).
    left_edge_em: float = 0.1
    # Rows run on unruled at a page's top: lines closer than this many em are one block
    # (a row's lines and the padding between rows); a wider gap starts the next block.
    run_on_gap_em: float = 1.5
    # Booktabs trims a rule under a column group (cmidrule) short of the group's edges,
    # by up to this many em on each side: two such rules' facing ends closer than this
    # mark one column boundary.
    rule_trim_em: float = 1.5
    # A header text centred over empty cells beside its own spans them (a column group)
    # when the span's centre is this many em from the text's: inferred column edges sit
    # in the white between values, off the drawn edges by up to about an em.
    group_centre_em: float = 1.5
    # A table at the top of a page, with no header of its own, runs on the program list
    # of the page before (a spreadsheet printed without repeated titles) when its column
    # edges stand within this many em of that list table's.
    continuation_edge_em: float = 1.0


LAYOUT = LayoutSettings()
TABLES = TableSettings()
