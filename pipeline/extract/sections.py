"""Policy sections: the ①…⑧ headings that open each section (⑥⑦ printed together)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.extract.document import Document
from pipeline.extract.layout import PageLayout, TextLine
from pipeline.extract.settings import LAYOUT
from pipeline.extract.tables import find_tables
from pipeline.extract.toc import LEADER_PAGE

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# A heading is a circled number and a sentence; "⑥ ⑦" column headers are not.
POLICY_HEADING = re.compile(r"^([①-⑳])\s*(\S.{5,})$")


@dataclass(slots=True)
class PlacedLine:
    page: PageLayout
    line: TextLine

    @property
    def text(self) -> str:
        return self.line.text

    @property
    def key(self) -> str:
        return self.line.key


@dataclass(slots=True)
class HeadingGroup:
    line_index: int
    nos: list[int]
    page: int

    @property
    def section(self) -> str:
        return "-".join(str(n) for n in self.nos)


def flatten(doc: Document) -> list[PlacedLine]:
    """Every body line of the document in reading order (footers left out)."""
    return [PlacedLine(p, ln) for p in doc.pages for ln in p.body_lines()]


def in_ruled_table(pl: PlacedLine) -> bool:
    """Whether a line lies inside a ruled table of its page (a program list's band row
    "① …" is not a heading)."""
    page = pl.page
    mid = (pl.line.top + pl.line.bottom) / 2
    x = (pl.line.x0 + pl.line.x1) / 2
    return any(
        t.bbox[0] <= x <= t.bbox[2] and t.bbox[1] <= mid <= t.bbox[3]
        for t in find_tables(page, (0.0, 0.0, page.width, page.height))
    )


def body_size(lines: Sequence[PlacedLine]) -> float:
    """The body text size: the most common glyph size of the pages the lines are on."""
    counts: Counter[float] = Counter()
    for page in {id(pl.page): pl.page for pl in lines}.values():
        counts.update(page.size_counts())
    return max(counts, key=counts.__getitem__) if counts else 10.0


def looks_like_heading(pl: PlacedLine, body: float) -> bool:
    """Set larger than the body text, at its page's left text edge, standing alone (no
    目次 leader and page number), and not inside a ruled table."""
    line = pl.line
    if line.size < body * LAYOUT.heading_min_size_ratio or LEADER_PAGE.match(line.text.strip()):
        return False
    left = min(ln.x0 for ln in pl.page.body_lines())
    if line.x0 > left + LAYOUT.heading_left_edge_em * line.size:
        return False
    return not in_ruled_table(pl)


def find_policy_headings(lines: Sequence[PlacedLine], skip: set[int]) -> list[HeadingGroup]:
    """Circled-number headings outside cards and tables, told by their typography;
    consecutive ones form one group."""
    groups: list[HeadingGroup] = []
    prev = -2
    body = body_size(lines)
    for i, pl in enumerate(lines):
        if i in skip:
            continue
        m = POLICY_HEADING.match(pl.text.strip())
        if not m or not looks_like_heading(pl, body):
            continue
        no = CIRCLED.index(m.group(1)) + 1
        # A shared section: headings with nothing but heading lines (a wrapped title)
        # between them.
        between = lines[prev + 1 : i] if prev >= 0 else None
        if (
            groups
            and between is not None
            and all(
                b.page is pl.page and b.line.size >= body * LAYOUT.heading_min_size_ratio
                for b in between
            )
            and lines[prev].page is pl.page
        ):
            groups[-1].nos.append(no)
        else:
            groups.append(HeadingGroup(i, [no], pl.page.number))
        prev = i
    return groups


def heading_before(groups: Sequence[HeadingGroup], line_index: int) -> HeadingGroup | None:
    current = None
    for g in groups:
        if g.line_index < line_index:
            current = g
    return current


def wraps_under_first_line(first: PlacedLine, line: PlacedLine, right: float) -> bool:
    """A paragraph's second line: it starts a first-line indent left of the first line,
    which ran to the right margin. Wherever that edge is (the page's text column, or an
    indented block), the paragraph's wrapped lines start there, also over a page break
    (the pages of one report share their margins)."""
    size = first.line.size
    return line.line.x0 < first.line.x0 - 0.5 * size and first.line.x1 >= right - 2 * size
