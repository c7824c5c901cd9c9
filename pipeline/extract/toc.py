"""The table of contents (目次): what the report announces, and on which printed page.

The 目次 is the page titled 目次. Each entry is a line ending in a page number after
a leader ("……19") or a wide gap; an entry without a number that wraps (the next
line indented deeper, not opening an entry of its own) continues on that line.
The entries are an oracle for the extractor: every one must be found on the page
it names (extract/health.py), and the last of them bounds the document's extent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.document import Document
from pipeline.extract.layout import BBox, PageLayout, TextLine

TOC_TITLE = re.compile(r"^[【\[［〔]?目次[】\]］〕]?$")
# A leader of dots, ellipses or dashes, then the page number at the line's end.
LEADER_PAGE = re.compile(r"^(?P<label>.*?)\s*[…‥⋯・·･.．\-－‐─━—_＿]{2,}\s*(?P<page>\d{1,4})$")
# What opens an entry of its own: a chapter number, (1), ①, a bullet.
ENTRY_MARKER = re.compile(
    r"^(?:[0-9０-９]+[\s.．、]|[(（][0-9０-９]+[)）]|[①-⑳]|[・･○●◆■□※]|第[0-9０-９]+)"
)
GAP_EM = 2.0  # a page number set off by this many em of white space, without a leader


@dataclass(slots=True)
class TocEntry:
    label: str  # as printed, wrapped lines joined
    printed_page: int | None  # the page it names; None for a heading listed without one
    toc_page: int  # physical page of the 目次
    bbox: BBox  # of its line(s) in the 目次


def find_toc(doc: Document) -> list[TocEntry]:
    """The entries of the first page titled 目次 (none when the report has no 目次)."""
    for page in doc.pages:
        lines = page.body_lines()
        title = next((i for i, ln in enumerate(lines[:3]) if TOC_TITLE.match(ln.key)), None)
        if title is not None:
            return _entries(page, lines[title + 1 :])
    return []


def _label_and_page(line: TextLine) -> tuple[str, int | None]:
    text = line.text.strip()
    m = LEADER_PAGE.match(text)
    if m:
        return m.group("label").strip(), int(m.group("page"))
    pieces = line.split(GAP_EM)
    if len(pieces) > 1 and pieces[-1].key.isdigit():
        return " ".join(p.text for p in pieces[:-1]).strip(), int(pieces[-1].key)
    return text, None


def _entries(page: PageLayout, lines: list[TextLine]) -> list[TocEntry]:
    out: list[TocEntry] = []
    open_entry: tuple[TocEntry, float] | None = None  # an entry without a page, and its x0
    for ln in lines:
        label, number = _label_and_page(ln)
        continues = (
            open_entry is not None
            and ln.x0 > open_entry[1] + 0.5 * ln.size
            and not ENTRY_MARKER.match(label.lstrip())
        )
        if continues and open_entry is not None:
            entry = open_entry[0]
            entry.label += label
            entry.printed_page = number
            entry.bbox = _union(entry.bbox, ln.bbox)
            open_entry = None if number is not None else open_entry
            continue
        entry = TocEntry(label, number, page.number, ln.bbox)
        out.append(entry)
        open_entry = (entry, ln.x0) if number is None else None
    return out


def _union(a: BBox, b: BBox) -> BBox:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
