"""What the document announces, set beside what the extractor found.

The report states its own structure: the 目次 names headings and their pages, each
【基本方針事業一覧】 lists a section's programs, every 【事業概要】 label opens a card,
every page carries its number. `gather_facts` records those announcements with
what was read, while the page layouts are still at hand; the health checks
(pipeline/validate/health.py) turn every gap into an error with its page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.accounting import PageAccount
from pipeline.extract.document import Document
from pipeline.extract.layout import BBox, PageLayout
from pipeline.extract.toc import TocEntry
from pipeline.findings import Finding
from pipeline.normalize.text import squash

_BULLET = re.compile(r"^[・･○●◆■□※]+")
_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]$")
PROGRAM_LIST_ENTRY = re.compile(r"(施策|事業)一覧$")


@dataclass(slots=True)
class PageFacts:
    number: int  # physical, 1-based
    printed: int | None
    glyphs: int
    unmapped: dict[str, list]  # font → [count, sample text]
    not_upright: int
    parser_messages: list[str]


@dataclass(slots=True)
class TocFact:
    entry: TocEntry
    page: int | None  # the physical page printed with the entry's number, if any
    found: bool  # the entry's heading is on that page


@dataclass(slots=True)
class IndexFact:
    """One 【基本方針事業一覧】 label and what was read under it."""

    section: str
    page: int
    bbox: BBox
    rows: int
    has_subtotal: bool


@dataclass(slots=True)
class ExtractionFacts:
    pages: list[PageFacts]
    toc: list[TocFact]
    index_labels: list[IndexFact]
    card_labels: int  # 【事業概要】 labels in the document
    # What else the document announces: a 目次 entry naming the program list, and the
    # statistics tables' captions ("表1 …"); an edition without them has none to read.
    program_list_named: bool = False
    table_captions: int = 0
    findings: list[Finding] = field(default_factory=list)  # what the extractors reported
    accounts: list[PageAccount] = field(default_factory=list)  # where each page's glyphs went
    # Per physical page, the header boxes of the tables whose rows are records (the
    # program list, the indexes): the report's crops of those rows show them.
    table_headers: dict[int, list[BBox]] = field(default_factory=dict)

    @property
    def last_printed(self) -> int | None:
        numbers = [p.printed for p in self.pages if p.printed is not None]
        return max(numbers) if numbers else None


def page_facts(page: PageLayout) -> PageFacts:
    return PageFacts(
        number=page.number,
        printed=page.printed,
        glyphs=len(page.glyphs),
        unmapped=dict(page.unmapped),
        not_upright=page.not_upright,
        parser_messages=list(page.parser_messages),
    )


def names_program_list(label: str) -> bool:
    """A 目次 entry for the program list (別紙1): "(1) 令和2年度中小企業振興施策一覧"."""
    return bool(PROGRAM_LIST_ENTRY.search(squash(label)))


def heading_key(label: str) -> str:
    return squash(_BULLET.sub("", label.strip()))


def locate_toc_entries(doc: Document, entries: list[TocEntry]) -> list[TocFact]:
    """Each entry with its page: the physical page printed with its number, and whether
    its heading (or the heading without a trailing "(…)" note) is printed there."""
    by_printed: dict[int, PageLayout] = {}
    for p in doc.pages:
        if p.printed is not None:
            by_printed.setdefault(p.printed, p)
    out = []
    for e in entries:
        page = by_printed.get(e.printed_page) if e.printed_page is not None else None
        found = False
        if page is not None:
            text = "".join(ln.key for ln in page.body_lines())
            key = heading_key(e.label)
            found = key in text or _TRAILING_NOTE.sub("", key) in text
        out.append(TocFact(e, page.number if page else None, found))
    return out


def gather_facts(
    doc: Document,
    toc: list[TocEntry],
    index_labels: list[IndexFact],
    card_labels: int,
    findings: list[Finding],
    accounts: list[PageAccount],
    table_captions: int = 0,
    table_headers: dict[int, list[BBox]] | None = None,
) -> ExtractionFacts:
    return ExtractionFacts(
        pages=[page_facts(p) for p in doc.pages],
        toc=locate_toc_entries(doc, toc),
        index_labels=index_labels,
        card_labels=card_labels,
        findings=findings,
        accounts=accounts,
        program_list_named=any(names_program_list(e.label) for e in toc),
        table_captions=table_captions,
        table_headers=table_headers or {},
    )
