"""Policy sections: the ①…⑧ headings that open each section (⑥⑦ printed together)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.extract.document import Document, PageLayout, TextLine

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
    titles: list[str]
    page: int

    @property
    def section(self) -> str:
        return "-".join(str(n) for n in self.nos)


def flatten(doc: Document) -> list[PlacedLine]:
    """Every body line of the document in reading order (footers left out)."""
    return [PlacedLine(p, ln) for p in doc.pages for ln in p.body_lines()]


def find_policy_headings(lines: Sequence[PlacedLine], skip: set[int]) -> list[HeadingGroup]:
    """Circled-number headings outside cards and tables; consecutive ones form one group."""
    groups: list[HeadingGroup] = []
    prev = -2
    for i, pl in enumerate(lines):
        if i in skip:
            continue
        m = POLICY_HEADING.match(pl.text.strip())
        if not m:
            continue
        no = CIRCLED.index(m.group(1)) + 1
        if groups and prev == i - 1 and pl.page is lines[i - 1].page:
            groups[-1].nos.append(no)
            groups[-1].titles.append(m.group(2).strip())
        else:
            groups.append(HeadingGroup(i, [no], [m.group(2).strip()], pl.page.number))
        prev = i
    return groups


def heading_before(groups: Sequence[HeadingGroup], line_index: int) -> HeadingGroup | None:
    current = None
    for g in groups:
        if g.line_index < line_index:
            current = g
    return current
