"""Glyph accounting: every glyph of every page ends in exactly one place.

A glyph is *assigned* when a record's field was read from it (a card's text, a
table row, an index or program-list row, a statistics row, a narrative block),
*zoned* when it lies in a named part of the page that holds no data (page label,
cover, 目次, a table's header, a label such as 【事業概要】, a list's band row),
and *unassigned* otherwise: text the report prints that no dataset holds. A glyph
two records were read from is assigned twice. Both are misreads (validate/health.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.extract.document import Document
from pipeline.extract.layout import BBox, Glyph, PageLayout, TextLine, build_lines
from pipeline.extract.program_list import ANNEX_LABEL

if TYPE_CHECKING:
    from pipeline.extract.cards import ProgramCard
    from pipeline.extract.index import ProgramIndex
    from pipeline.extract.narrative import Block
    from pipeline.extract.program_list import ProgramList
    from pipeline.extract.statistics import StatisticsExtraction


class Zone:
    PAGE_LABEL = "page label"
    COVER = "cover"
    TOC = "目次"
    LABEL = "label"
    TABLE_HEADER = "table header"
    BAND = "list band row"


@dataclass(slots=True)
class PageAccount:
    page: int
    glyphs: int  # visible glyphs of the page
    assigned: int
    zoned: dict[str, int]
    unassigned: int
    assigned_twice: int
    # Where the unassigned (and doubly assigned) text is: its lines, with their boxes.
    unassigned_lines: list[tuple[str, BBox]] = field(default_factory=list)
    twice_lines: list[tuple[str, BBox, tuple[str, str]]] = field(default_factory=list)


class Ledger:
    """Who each glyph went to, by identity (glyphs are the page layout's own objects)."""

    def __init__(self) -> None:
        self.owner: dict[int, str] = {}
        self.second: dict[int, tuple[str, str]] = {}
        self.zone: dict[int, str] = {}

    def claim(self, glyphs: Iterable[Glyph], owner: str) -> None:
        for g in glyphs:
            first = self.owner.setdefault(id(g), owner)
            if first != owner:
                self.second.setdefault(id(g), (first, owner))

    def claim_lines(self, lines: Iterable[TextLine], owner: str) -> None:
        for ln in lines:
            self.claim(ln.glyphs, owner)

    def claim_box(self, page: PageLayout, bbox: BBox, owner: str) -> None:
        self.claim(page.glyphs_in(bbox), owner)

    def set_zone(self, glyphs: Iterable[Glyph], zone: str) -> None:
        for g in glyphs:
            self.zone.setdefault(id(g), zone)

    def zone_box(self, page: PageLayout, bbox: BBox, zone: str) -> None:
        self.set_zone(page.glyphs_in(bbox), zone)

    def account(self, page: PageLayout) -> PageAccount:
        visible = [g for g in page.glyphs if not g.text.isspace()]
        zoned: dict[str, int] = {}
        lost: list[Glyph] = []
        twice: list[Glyph] = []
        for g in visible:
            if id(g) in self.owner:
                if id(g) in self.second:
                    twice.append(g)
            elif id(g) in self.zone:
                zoned[self.zone[id(g)]] = zoned.get(self.zone[id(g)], 0) + 1
            else:
                lost.append(g)
        return PageAccount(
            page=page.number,
            glyphs=len(visible),
            assigned=len(visible) - len(lost) - sum(zoned.values()),
            zoned=dict(sorted(zoned.items())),
            unassigned=len(lost),
            assigned_twice=len(twice),
            unassigned_lines=[(ln.text, ln.bbox) for ln in build_lines(lost)],
            twice_lines=[
                (ln.text, ln.bbox, self.second[id(ln.glyphs[0])]) for ln in build_lines(twice)
            ],
        )


def account_document(doc: Document, ledger: Ledger) -> list[PageAccount]:
    """Per page, after the extractors have claimed what they read: the zones every
    page has (its label), then the count."""
    for page in doc.pages:
        ledger.set_zone(
            (g for ln in page.lines() if page.is_footer(ln) for g in ln.glyphs), Zone.PAGE_LABEL
        )
    return [ledger.account(page) for page in doc.pages]


@dataclass(slots=True)
class Extracted:
    """What the extractors read, as the accounting sees it."""

    cover_page: int | None
    toc_page: int | None
    cards: list[ProgramCard]
    indexes: list[ProgramIndex]
    program_list: ProgramList
    statistics: StatisticsExtraction
    narrative: list[Block]


def claim_extraction(doc: Document, ex: Extracted) -> Ledger:
    """Every record claims the glyphs its fields were read from; the parts that hold no
    data are zoned."""
    ledger = Ledger()
    for number, zone in ((ex.cover_page, Zone.COVER), (ex.toc_page, Zone.TOC)):
        if number is not None:
            ledger.set_zone(doc.page(number).glyphs, zone)
    for c in ex.cards:
        _claim_card(ledger, doc, c)
    for ix in ex.indexes:
        _claim_index(ledger, doc, ix)
    for page, box in ex.program_list.zones:
        ledger.zone_box(doc.page(page), box, Zone.TABLE_HEADER)
    for list_row in ex.program_list.rows:
        ledger.claim_box(doc.page(list_row.page), list_row.bbox, "program list")
    for number in ex.program_list.pages:
        labels = [ln for ln in doc.page(number).lines() if ANNEX_LABEL.match(ln.key)]
        ledger.set_zone((g for ln in labels for g in ln.glyphs), Zone.LABEL)
    _claim_statistics(ledger, doc, ex.statistics)
    for k, block in enumerate(ex.narrative):
        ledger.claim(_block_glyphs(block), f"narrative {k}")
    return ledger


def _claim_statistics(ledger: Ledger, doc: Document, stats: StatisticsExtraction) -> None:
    for st in stats.tables:
        table_page = doc.page(st.page)
        if st.row_boxes:
            x0, top, x1, _ = st.bbox
            ledger.zone_box(table_page, (x0, top, x1, st.row_boxes[0][1]), Zone.TABLE_HEADER)
        for box in st.row_boxes:
            ledger.claim_box(table_page, box, f"statistics {st.table_id}")
    for fig in stats.figures:
        if fig.unit_label:  # the unit printed over the axis: the figure's unit field
            fig_page = doc.page(fig.page)
            # Printed over the chart: the nearest such line above the figure's caption.
            above = [
                ln
                for ln in fig_page.lines()
                if ln.text.strip() == fig.unit_label and ln.top < fig.bbox[1]
            ]
            nearest = max(above, key=lambda ln: ln.top, default=None)
            ledger.claim_lines([nearest] if nearest else [], f"figure {fig.page}/{fig.caption}")


def _claim_card(ledger: Ledger, doc: Document, c: ProgramCard) -> None:
    ledger.claim_lines(c.text_lines, f"card {c.section}/{c.card_no}")
    ledger.set_zone((g for ln in c.label_lines for g in ln.glyphs), Zone.LABEL)
    for t_no, t in enumerate(c.tables, start=1):
        for page, box in t.header_boxes:
            ledger.zone_box(doc.page(page), box, Zone.TABLE_HEADER)
        # A table's records share a merged cell's text by design: one owner per table.
        owner = f"indicator table {c.section}/{c.card_no}/{t_no}"
        for row in t.rows:
            ledger.claim_box(doc.page(row.page), row.bbox, owner)


def _claim_index(ledger: Ledger, doc: Document, ix: ProgramIndex) -> None:
    ledger.zone_box(doc.page(ix.page), ix.label_bbox, Zone.LABEL)
    for page, box in ix.header_boxes:
        ledger.zone_box(doc.page(page), box, Zone.TABLE_HEADER)
    for index_row in ix.rows:
        ledger.claim_box(doc.page(index_row.page), index_row.bbox, f"index {ix.section}")
    if ix.subtotal_page is not None and ix.subtotal_bbox is not None:
        ledger.claim_box(doc.page(ix.subtotal_page), ix.subtotal_bbox, f"index {ix.section}")


def _block_glyphs(block: Block) -> list[Glyph]:
    """A block's glyphs: its lines', but of its first line only those inside the block's
    box (captions set side by side on one line are blocks of their own)."""
    if not block.lines:
        return []
    x0, _, x1, _ = block.bbox
    first, rest = block.lines[0].line, block.lines[1:]
    inside = [g for g in first.glyphs if x0 - 0.5 <= (g.x0 + g.x1) / 2 <= x1 + 0.5]
    return inside + [g for pl in rest for g in pl.line.glyphs]
