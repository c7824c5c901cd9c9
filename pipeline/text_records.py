"""The rows of the report's statistics tables, figures and narrative blocks."""

from __future__ import annotations

import re

import pandas as pd

import schemas
from pipeline.extract.narrative import Block
from pipeline.extract.statistics import StatisticsExtraction
from pipeline.normalize.era import ERA_LETTER, era_to_year
from pipeline.normalize.text import (
    nfkc,
    with_raw,
    with_raw_list,
)
from pipeline.normalize.values import (
    parse_number,
)
from pipeline.records import where
from schemas.common import columns

STAT_COLUMNS = columns(schemas.Statistics)


FIGURE_COLUMNS = columns(schemas.Figures)


NARRATIVE_COLUMNS = columns(schemas.Narrative)


_ERA_WORD = re.compile(r"(昭和|平成|令和)|(?<![A-Za-z])([SHR])(?=\s*(?:元|\d))")


_BARE_YEAR = re.compile(r"^(?:(昭和|平成|令和|[SHR])\s*)?(元|\d{1,2})\s*年?$")


_UNIT = re.compile(r"[(（]\s*([^\d()（）\s]{1,4})\s*[)）]\s*$")


def _era_in(text: str) -> str | None:
    m = _ERA_WORD.search(nfkc(text or ""))
    if not m:
        return None
    return m.group(1) or ERA_LETTER[m.group(2)]


def _year_of(label: str, era: str | None) -> tuple[int | None, str | None]:
    """(year, era in force after it) of a row or column label that names a year."""
    text = _UNIT.sub("", nfkc(label)).strip()
    m = _BARE_YEAR.match(text)
    if not m:
        return None, era
    label_era = m.group(1)
    if label_era:
        era = ERA_LETTER.get(label_era, label_era)
    if era is None:
        return None, era
    return era_to_year(era, m.group(2)), era


def statistics_rows(
    stats: StatisticsExtraction, fiscal_year: int, printed: dict[int, int | None]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for t in stats.tables:
        # Bare years ("24", "21") are read in the era the table itself names: in its
        # labels as they run, else in its source, caption or notes.
        era = _era_in(" ".join([t.source or "", t.caption, *t.notes]))
        row_era = era
        for r_no, row in enumerate(t.rows, start=1):
            label = row[0] if row else ""
            row_year, row_era = _year_of(label, row_era)
            col_era = era
            for j in range(1, len(row)):
                path = t.header[j] if j < len(t.header) else []
                col_year = None
                if path:
                    col_year, col_era = _year_of(path[-1], col_era)
                unit = _UNIT.search(nfkc(path[-1])) if path else None
                value = parse_number(row[j])
                rows.append(
                    {
                        "fiscal_year": fiscal_year,
                        "table_id": t.table_id,
                        "caption": t.caption,
                        "row_no": r_no,
                        **with_raw("row_label", label),
                        "col_no": j,
                        **with_raw_list("column_path", list(path)),
                        "value_raw": row[j],
                        "value": value,
                        "unit": unit.group(1) if unit else None,
                        "reference_year": row_year if row_year is not None else col_year,
                        "source_note": t.source,
                        "notes": list(t.notes),
                        **where(t.page, t.row_boxes[r_no - 1], printed),
                    }
                )
    figures = [
        {
            "fiscal_year": fiscal_year,
            "figure_no": i,
            "number": f.number,
            "caption": f.caption,
            "source": f.source,
            "notes": list(f.notes),
            "unit_label": f.unit_label,
            **where(f.page, f.bbox, printed),
        }
        for i, f in enumerate(stats.figures, start=1)
    ]
    return pd.DataFrame(rows, columns=STAT_COLUMNS), pd.DataFrame(figures, columns=FIGURE_COLUMNS)


def narrative_rows(
    blocks: list[Block], fiscal_year: int, printed: dict[int, int | None]
) -> pd.DataFrame:
    rows = [
        {
            "fiscal_year": fiscal_year,
            "block_no": i,
            "section_path": list(b.path),
            "kind": b.kind,
            "text": b.text,
            "fiscal_year_ref": b.fiscal_year_ref,
            **where(b.page, b.bbox, printed),
        }
        for i, b in enumerate(blocks, start=1)
    ]
    return pd.DataFrame(rows, columns=NARRATIVE_COLUMNS)
