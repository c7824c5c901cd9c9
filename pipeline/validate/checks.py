"""Checks over single datasets: the pandera schemas, the cards' own fields, the page
sequence. Every failure is a Finding with a precise check id under a registered
one and, where the row has one, the page and bbox to look at in the PDF."""

from __future__ import annotations

import pandas as pd
import pandera.errors

from pipeline.extract.health import PageFacts
from pipeline.findings import Finding
from schemas import DATASETS


def schema_findings(
    name: str, df: pd.DataFrame
) -> tuple[pd.DataFrame, list[Finding], dict[int, list[str]]]:
    """Validate one dataset lazily (every failure collected).

    Returns the coerced frame, one finding per failing value or row, and the
    failing check ids per row index (the rows to quarantine).
    """
    model = DATASETS[name]
    try:
        return model.validate(df, lazy=True), [], {}
    except pandera.errors.SchemaErrors as e:
        findings = []
        failed_rows: dict[int, list[str]] = {}
        seen: set[tuple] = set()
        for case in e.failure_cases.itertuples(index=False):
            # A dataframe-level check fails a row, which pandera lists once per column.
            column = case.column if case.schema_context == "Column" else None
            check_id = f"schema.{name}.{column or 'row'}.{case.check}"
            idx = case.index
            row_index = (
                int(idx) if idx is not None and not pd.isna(idx) and int(idx) in df.index else None
            )
            if row_index is not None and check_id not in failed_rows.setdefault(row_index, []):
                failed_rows[row_index].append(check_id)
            key = (column, case.check, idx if column is None else (idx, str(case.failure_case)))
            if key in seen:
                continue
            seen.add(key)
            page = bbox = None
            if row_index is not None:
                row = df.loc[row_index]
                page = int(row["source_page"]) if pd.notna(row.get("source_page")) else None
                if all(k in row for k in ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom")):
                    bbox = (row["bbox_x0"], row["bbox_top"], row["bbox_x1"], row["bbox_bottom"])
            what = (
                f"{column} fails {case.check}: {case.failure_case!r}"
                if column
                else f"row {idx} fails {case.check}"
            )
            findings.append(Finding(check_id, f"{name}: {what}", page, bbox, name))
        return df, findings, failed_rows


def card_content_findings(cards: pd.DataFrame) -> list[Finding]:
    out = []
    for row in cards.itertuples(index=False):
        where = (row.bbox_x0, row.bbox_top, row.bbox_x1, row.bbox_bottom)
        key = f"section {row.section} card {row.card_no}"
        if row.budget_kyen is None or pd.isna(row.budget_kyen):
            out.append(
                Finding(
                    "cards.budget_not_numeric",
                    f"{key} {row.program_name!r}: 事業費 printed as {row.budget_raw!r}, not a number",
                    int(row.source_page),
                    where,
                    "program_cards",
                    key=key,
                    observed=row.budget_raw,
                )
            )
        if row.n_tables == 0:
            message = f"{key} {row.program_name!r}: no indicator table found"
            page = int(row.source_page)
            out.append(
                Finding("cards.no_indicator_table", message, page, where, "program_cards", key)
            )
    return out


def page_sequence_findings(pages: list[PageFacts]) -> list[Finding]:
    """Between two numbered pages the printed numbers advance exactly as the physical
    pages do, or less (an unnumbered insert). More means pages are missing; going back
    or repeating means pages are out of order or doubled."""
    out = []
    numbered = [(p.number, p.printed) for p in pages if p.printed is not None]
    for (p1, n1), (p2, n2) in zip(numbered, numbered[1:]):
        step, printed_step = p2 - p1, n2 - n1
        if printed_step > step:
            out.append(
                Finding(
                    "document.page_sequence",
                    f"PDF pages {p1}→{p2} are printed {n1}→{n2}: {printed_step - step} page(s) missing",
                    p2,
                    observed=n2,
                    expected=n1 + step,
                )
            )
        elif printed_step <= 0:
            out.append(
                Finding(
                    "document.page_sequence",
                    f"PDF pages {p1}→{p2} are printed {n1}→{n2}: pages out of order or repeated",
                    p2,
                    observed=n2,
                    expected=n1 + step,
                )
            )
    return out
