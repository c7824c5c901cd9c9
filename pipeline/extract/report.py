"""The whole report in one pass over its page layouts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pipeline.errors import LayoutError
from pipeline.extract.accounting import Extracted, account_document, claim_extraction
from pipeline.extract.cards import ProgramCard, extract_cards, prepare_card_tables
from pipeline.extract.document import Document
from pipeline.extract.health import ExtractionFacts, IndexFact, gather_facts
from pipeline.extract.index import ProgramIndex, extract_indexes, prepare_index_tables
from pipeline.extract.layout import BBox, PageLayout
from pipeline.extract.narrative import Block, extract_narrative
from pipeline.extract.program_list import ProgramList, extract_program_list
from pipeline.extract.release import Release, identify_release
from pipeline.extract.sections import flatten
from pipeline.extract.statistics import StatisticsExtraction, extract_statistics
from pipeline.extract.tables import prepare_page_tables
from pipeline.extract.toc import find_toc


@dataclass(slots=True)
class ReportExtraction:
    release: Release
    cards: list[ProgramCard]
    indexes: list[ProgramIndex]
    program_list: ProgramList
    statistics: StatisticsExtraction
    narrative: list[Block]
    printed: dict[int, int | None]  # physical page → printed page
    facts: ExtractionFacts  # what the document announces beside what was read, and what went wrong


def prepare_page(page: PageLayout) -> None:
    """The page-local part of extraction, done where each page is read (in the
    workers with --jobs): lines, glyph index, the page's ruled tables and those of
    the card bodies and program indexes it holds, its glyph sizes. Everything it
    finds is cached on the layout."""
    prepare_page_tables(page)
    prepare_card_tables(page)
    prepare_index_tables(page)
    page.size_counts()


def extract_report(doc: Document) -> ReportExtraction:
    release = identify_release(doc)
    lines = flatten(doc)
    cards = extract_cards(lines)
    if not cards.cards:
        raise LayoutError(f"{doc.path}: no program cards (【事業概要】 labels) found")
    indexes = extract_indexes(lines, cards.headings, cards.inside)
    program_list = extract_program_list(doc)
    # Statistics and figures live in the narrative pages: not on cards or indexes, and
    # outside the program list's tables (a page may end the narrative and begin the list).
    structured = {pl.page.number for i, pl in enumerate(lines) if i in cards.inside}
    structured |= {ix.page for ix in indexes}
    list_boxes = program_list.boxes_by_page()
    statistics = extract_statistics(doc, structured, list_boxes)
    body_size = body_text_size(doc)
    narrative = extract_narrative(lines, cards.inside, list_boxes, body_size)
    toc = find_toc(doc)
    ledger = claim_extraction(
        doc,
        Extracted(
            release.cover_page,
            toc[0].toc_page if toc else None,
            cards.cards,
            indexes,
            program_list,
            statistics,
            narrative,
        ),
    )
    findings = list(cards.findings) + program_list.findings
    for ix in indexes:
        findings += ix.findings
    index_facts = [
        IndexFact(ix.section, ix.page, ix.label_bbox, len(ix.rows), ix.subtotal_page is not None)
        for ix in indexes
    ]
    return ReportExtraction(
        release=release,
        cards=cards.cards,
        indexes=indexes,
        program_list=program_list,
        statistics=statistics,
        narrative=narrative,
        printed={p.number: p.printed for p in doc.pages},
        facts=gather_facts(
            doc,
            toc,
            index_facts,
            cards.labels,
            findings,
            account_document(doc, ledger),
            table_captions=statistics.captions,
            table_headers=_table_headers(program_list, indexes),
        ),
    )


def _table_headers(program_list: ProgramList, indexes: list[ProgramIndex]) -> dict[int, list[BBox]]:
    """Per page, the header boxes of the program list's and the indexes' tables (an
    index's header rows on a page as one box)."""
    out: dict[int, list[BBox]] = {}
    for page, box in program_list.headers:
        out.setdefault(page, []).append(box)
    for ix in indexes:
        by_page: dict[int, list[BBox]] = {}
        for page, box in ix.header_boxes:
            by_page.setdefault(page, []).append(box)
        for page, boxes in by_page.items():
            union = (boxes[0][0], min(b[1] for b in boxes), boxes[0][2], max(b[3] for b in boxes))
            out.setdefault(page, []).append(union)
    return out


def body_text_size(doc: Document) -> float:
    """The body text size: the most common glyph size of the document."""
    counts: Counter[float] = Counter()
    for page in doc.pages:
        counts.update(page.size_counts())
    return max(counts, key=counts.__getitem__) if counts else 10.0
