"""A report PDF into the rows of every dataset, with the facts the health checks judge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline.extract.document import Document, open_document
from pipeline.extract.health import ExtractionFacts
from pipeline.extract.readers import PageReaders
from pipeline.extract.release import Release
from pipeline.extract.report import extract_report, prepare_page
from pipeline.extract.source import DEFAULT_LIMITS, Limits
from pipeline.faults import fault_point
from pipeline.indicator_records import indicator_rows
from pipeline.joins import add_join_columns
from pipeline.records import card_rows, index_rows, program_rows
from pipeline.text_records import narrative_rows, statistics_rows

Progress = Callable[[str], None]


def extract_release(
    pdf: Path,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    readers: PageReaders | None = None,
) -> tuple[dict[str, pd.DataFrame], ExtractionFacts, Document, Release]:
    """Read a report PDF into the rows of every dataset, with what the document
    announces and what the extractors reported (the facts the health checks judge).

    `readers` read the pages (and find each page's lines and tables); the result does
    not depend on how many jobs they have.
    """
    say = progress or (lambda _msg: None)
    doc = open_document(
        pdf,
        progress=lambda done, total: say(f"reading PDF page {done}/{total}"),
        limits=limits,
        readers=readers,
        prepare=prepare_page,
    )
    fault_point("read")
    say("extracting cards, tables and lists")
    frames, facts, release = extract_document(doc)
    return frames, facts, doc, release


def extract_document(doc: Document) -> tuple[dict[str, pd.DataFrame], ExtractionFacts, Release]:
    """The rows of every dataset from a read document, with the extraction's facts."""
    ex = extract_report(doc)
    fy = ex.release.fiscal_year
    cards = card_rows(ex.cards, fy)
    indicators, row_findings = indicator_rows(ex.cards, fy, ex.release.era, ex.printed)
    programs, list_totals = program_rows(ex.program_list, fy, ex.printed)
    index, index_totals = index_rows(ex.indexes, programs, fy, ex.printed)
    totals = (
        pd.concat([list_totals, index_totals], ignore_index=True)
        if len(index_totals)
        else list_totals
    )
    statistics, figures = statistics_rows(ex.statistics, fy, ex.printed)
    ex.facts.findings += row_findings
    frames = add_join_columns(
        {
            "program_cards": cards,
            "indicators": indicators,
            "programs": programs,
            "program_totals": totals,
            "program_index": index,
            "statistics": statistics,
            "figures": figures,
            "narrative": narrative_rows(ex.narrative, fy, ex.printed),
        }
    )
    return frames, ex.facts, ex.release
