"""The rows of the report's statistics tables, figures and narrative blocks."""

from __future__ import annotations

import re

import pandas as pd

import schemas
from pipeline.extract.narrative import Block
from pipeline.extract.statistics import UNIT_LINE, StatisticsExtraction
from pipeline.normalize.era import ERA_LETTER, era_to_year
from pipeline.normalize.text import (
    clean_prose,
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


def column_units(paths: list[list[str]], unit_line: str | None) -> list[str | None]:
    """Per column, its unit: the one its own header prints ("24 (人)", "総人口 (人)" over
    its group, the lowest level first), else the table's "(単位：…)" line's — one unit for
    every column, or one per column group (the columns under one first-level header) in
    order, when it lists as many as there are groups without one. Nothing is guessed
    beyond that: such a column keeps a null unit (and validation says so)."""
    own = [_header_unit(p) for p in paths]
    listed = _listed_units(unit_line)
    if len(listed) == 1:
        return [u or listed[0] if j else None for j, u in enumerate(own)]
    groups = list(dict.fromkeys(p[0] for j, p in enumerate(paths) if j and p and own[j] is None))
    if not listed or len(listed) != len(groups):
        return own
    by_group = dict(zip(groups, listed, strict=True))
    return [
        u or (by_group.get(p[0]) if j and p else None) for j, (u, p) in enumerate(zip(own, paths))
    ]


def _header_unit(path: list[str]) -> str | None:
    for text in reversed(path):
        m = _UNIT.search(nfkc(text))
        if m:
            return m.group(1)
    return None


def _listed_units(unit_line: str | None) -> list[str]:
    m = UNIT_LINE.search(nfkc(unit_line or ""))
    return [u.strip() for u in re.split(r"[、,・/]", m.group(1)) if u.strip()] if m else []


def statistics_rows(
    stats: StatisticsExtraction, fiscal_year: int, printed: dict[int, int | None]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for t in stats.tables:
        # Bare years ("24", "21") are read in the era the table itself names: in its
        # labels as they run, else in its source, caption or notes.
        era = _era_in(" ".join([t.source or "", t.caption, *t.notes]))
        row_era = era
        units = column_units(t.header, t.unit_line)
        for r_no, row in enumerate(t.rows, start=1):
            label = row[0] if row else ""
            row_year, row_era = _year_of(label, row_era)
            col_era = era
            for j in range(1, len(row)):
                path = t.header[j] if j < len(t.header) else []
                col_year = None
                if path:
                    col_year, col_era = _year_of(path[-1], col_era)
                value = parse_number(row[j])
                rows.append(
                    {
                        "fiscal_year": fiscal_year,
                        "table_id": t.table_id,
                        **with_raw("caption", t.caption, clean_prose),
                        "row_no": r_no,
                        **with_raw("row_label", label),
                        "col_no": j,
                        **with_raw_list("column_path", list(path)),
                        "value_raw": row[j],
                        "value": value,
                        "unit": units[j] if j < len(units) else None,
                        "unit_line": t.unit_line,
                        "reference_year": row_year if row_year is not None else col_year,
                        **with_raw("source_note", t.source),
                        **with_raw_list("notes", list(t.notes), clean_prose),
                        **where(t.page, t.row_boxes[r_no - 1], printed),
                    }
                )
    figures = [
        {
            "fiscal_year": fiscal_year,
            "figure_no": i,
            "number": f.number,
            **with_raw("caption", f.caption, clean_prose),
            **with_raw("source", f.source),
            **with_raw_list("notes", list(f.notes), clean_prose),
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
            **with_raw("text", b.text, clean_prose),
            "fiscal_year_ref": b.fiscal_year_ref,
            **where(b.page, b.bbox, printed),
        }
        for i, b in enumerate(blocks, start=1)
    ]
    return pd.DataFrame(rows, columns=NARRATIVE_COLUMNS)
