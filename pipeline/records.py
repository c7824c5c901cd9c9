"""Extracted cards → the rows of the curated datasets (program_cards, indicators)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.extract.cards import IndicatorTable, ProgramCard
from pipeline.normalize.era import parse_year_label
from pipeline.normalize.text import is_repost, program_key
from pipeline.normalize.values import parse_value
from schemas.indicators import ARROW_TYPES as INDICATOR_COLUMNS
from schemas.program_cards import ARROW_TYPES as CARD_COLUMNS


@dataclass(slots=True)
class Finding:
    """Something a reviewer should see: an id, a severity and where in the PDF."""

    check: str
    severity: str  # "error" | "warning"
    message: str
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None


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
    ok = all(y is not None for y in parsed) and all(
        a < b
        for a, b in zip(parsed, parsed[1:])  # type: ignore[operator]
    )
    if ok:
        return parsed, False
    n = len(labels)
    return [fiscal_year - (n - 1 - i) for i in range(n)], True


def card_rows(cards: list[ProgramCard], fiscal_year: int) -> pd.DataFrame:
    rows = []
    for c in cards:
        first = c.departments[0] if c.departments else None
        rows.append(
            {
                "fiscal_year": fiscal_year,
                "section": c.section,
                "policy_nos": list(c.policy_nos),
                "card_no": c.card_no,
                "program_key": program_key(c.program_name),
                "program_name": c.program_name,
                "title_lines": list(c.title_lines) if len(c.title_lines) > 1 else [],
                "is_repost": is_repost(c.program_name),
                "budget_kyen": c.budget_kyen,
                "budget_raw": c.budget_raw,
                "budget_note": c.budget_note,
                "overview": "\n".join(c.overview),
                "results": "\n".join(c.results),
                "department": first.department if first else None,
                "group": first.group if first else None,
                "department_note": first.note if first else None,
                "additional_departments": [
                    " ".join(x for x in (d.department, d.group) if x) for d in c.departments[1:]
                ],
                "department_line": c.department_line,
                "n_tables": len(c.tables),
                "end_page": c.end_page,
                "source_page": c.source_page,
                "printed_page": c.printed_page,
                "bbox_x0": c.bbox[0],
                "bbox_top": c.bbox[1],
                "bbox_x1": c.bbox[2],
                "bbox_bottom": c.bbox[3],
            }
        )
    return pd.DataFrame(rows, columns=list(CARD_COLUMNS))


def indicator_rows(
    cards: list[ProgramCard], fiscal_year: int, era: str, printed: dict[int, int | None]
) -> tuple[pd.DataFrame, list[Finding]]:
    rows = []
    findings: list[Finding] = []
    for c in cards:
        for t_no, table in enumerate(c.tables, start=1):
            years, inferred = period_years(table, fiscal_year, era)
            if inferred:
                findings.append(
                    Finding(
                        "indicator_header_years",
                        "warning",
                        f"section {c.section} card {c.card_no} table {t_no}: header "
                        f"{table.period_labels} does not give increasing years; "
                        f"read by position as {years}",
                        table.page,
                        table.bbox,
                    )
                )
            previous_label = None
            for r_no, row in enumerate(table.rows, start=1):
                indicator, inherited = row.label, False
                if not indicator and previous_label:
                    # An empty label cell under a labelled row: a further measure of that
                    # row (e.g. "4回" then "4大学"). Carried down, flagged, and reported.
                    indicator, inherited = previous_label, True
                    findings.append(
                        Finding(
                            "indicator_label_inherited",
                            "warning",
                            f"section {c.section} card {c.card_no} table {t_no} row {r_no}: empty 項目名 cell; "
                            f"label taken from the row above ({previous_label!r})",
                            row.page,
                            row.bbox,
                        )
                    )
                previous_label = indicator or previous_label
                for label, year, raw in zip(table.period_labels, years, row.values):
                    v = parse_value(raw)
                    rows.append(
                        {
                            "fiscal_year": fiscal_year,
                            "section": c.section,
                            "card_no": c.card_no,
                            "program_key": program_key(c.program_name),
                            "program_name": c.program_name,
                            "table_no": t_no,
                            "row_no": r_no,
                            "indicator": indicator,
                            "indicator_inherited": inherited,
                            "period_label": label,
                            "period_year": year,
                            "period_year_inferred": inferred,
                            "value_raw": raw,
                            "value": v.value,
                            "unit": v.unit,
                            "qualifier": v.qualifier,
                            "status": v.status,
                            "source_page": row.page,
                            "printed_page": printed.get(row.page),
                            "bbox_x0": row.bbox[0],
                            "bbox_top": row.bbox[1],
                            "bbox_x1": row.bbox[2],
                            "bbox_bottom": row.bbox[3],
                        }
                    )
    return pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS)), findings
