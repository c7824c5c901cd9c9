"""The rows of the cards' indicator tables: one per cell (a cell printing several
quantities, one per part), with its period's year."""

from __future__ import annotations

from itertools import pairwise

import pandas as pd

import schemas
from pipeline.extract.cards import ProgramCard
from pipeline.extract.indicator_tables import IndicatorRow, IndicatorTable
from pipeline.findings import Finding
from pipeline.normalize.era import parse_year_label
from pipeline.normalize.text import (
    clean_text,
    program_key,
    with_raw,
)
from pipeline.normalize.values import (
    ParsedValue,
    parse_value,
    part_labels,
    split_parts,
)
from pipeline.records import where
from schemas.common import columns
from schemas.vocabulary import ValueStatus

INDICATOR_COLUMNS = columns(schemas.Indicators)


def period_years(
    table: IndicatorTable, fiscal_year: int, era: str
) -> tuple[list[int | None], bool]:
    """Western year per period column and whether position had to decide.

    Columns run oldest to newest and end with the report's year. When the
    printed labels do not give strictly increasing years (a repeated "元年度",
    an unreadable label), years are assigned by position from the report year.
    """
    labels = table.period_labels
    parsed = [parse_year_label(lb, era) for lb in labels]
    known = [y for y in parsed if y is not None]
    if len(known) == len(parsed) and all(a < b for a, b in pairwise(known)):
        return parsed, False
    n = len(labels)
    return [fiscal_year - (n - 1 - i) for i in range(n)], True


def indicator_rows(
    cards: list[ProgramCard], fiscal_year: int, era: str, printed: dict[int, int | None]
) -> tuple[pd.DataFrame, list[Finding]]:
    rows: list[dict] = []
    findings: list[Finding] = []
    for c in cards:
        for t_no, table in enumerate(c.tables, start=1):
            years, inferred = period_years(table, fiscal_year, era)
            where_t = f"section {c.section} card {c.card_no} table {t_no}"
            if inferred:
                findings.append(
                    Finding(
                        "indicator_header_years",
                        f"{where_t}: header {table.period_labels} does not give increasing "
                        f"years; read by position as {years}",
                        table.page,
                        table.bbox,
                    )
                )
            card = {
                "fiscal_year": fiscal_year,
                "section": c.section,
                "card_no": c.card_no,
                "program_key": program_key(c.program_name),
                **with_raw("program_name", c.program_name),
                "table_no": t_no,
            }
            for r_no, indicator, inherited, row in _labelled_rows(table, where_t, findings):
                for label, year, raw in zip(table.period_labels, years, row.values):
                    cell = {
                        **card,
                        "row_no": r_no,
                        **with_raw("indicator", indicator),
                        "indicator_inherited": inherited,
                        "period_label": label,
                        "period_year": year,
                        "period_year_inferred": inferred,
                        **where(row.page, row.bbox, printed),
                    }
                    rows += _cell_rows(cell, indicator, raw)
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS), findings


def _cell_rows(cell: dict, indicator: str, raw: str) -> list[dict]:
    """One row per cell; a cell printing several quantities that can be told apart
    ("19名・4名" under "入校者数・就職者数", "省エネ診断 14事業者 アフターフォロー 3事業者")
    gives one row per part, numbered, named by the cell's own words or else by the label
    where it names them, each value parsed, the whole cell in cell_raw."""
    v = parse_value(raw)
    parts = split_parts(raw) if v.status is ValueStatus.MULTIPLE else None
    if parts is None:
        return [{**cell, **_parsed(raw, v), "part_no": None, "part_label": None, "cell_raw": None}]
    names = [p.name for p in parts]
    if not any(names):
        names = part_labels(clean_text(indicator), raw, len(parts))
    return [
        {
            **cell,
            **_parsed(p.text, parse_value(p.text)),
            "part_no": k,
            "part_label": name,
            "cell_raw": raw,
        }
        for k, (p, name) in enumerate(zip(parts, names, strict=True), start=1)
    ]


def _parsed(raw: str, v: ParsedValue) -> dict:
    return {
        "value_raw": raw,
        "value": v.value,
        "unit": v.unit,
        "qualifier": v.qualifier,
        "value_note": v.note,
        "status": v.status,
    }


def _labelled_rows(
    table: IndicatorTable, where_t: str, findings: list[Finding]
) -> list[tuple[int, str, bool, IndicatorRow]]:
    """Each row with its indicator label: an empty label cell under a labelled row is a
    further measure of that row (e.g. "4回" then "4大学"), carried down and reported."""
    out = []
    previous_label = None
    for r_no, row in enumerate(table.rows, start=1):
        indicator, inherited = row.label, False
        if not indicator and previous_label:
            indicator, inherited = previous_label, True
            findings.append(
                Finding(
                    "indicator_label_inherited",
                    f"{where_t} row {r_no}: empty 項目名 cell; "
                    f"label taken from the row above ({previous_label!r})",
                    row.page,
                    row.bbox,
                )
            )
        previous_label = indicator or previous_label
        out.append((r_no, indicator, inherited, row))
    return out
