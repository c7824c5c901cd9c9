"""Named checks over the curated frames: pandera schemas plus cross-checks.

Every failure becomes a Finding with a stable check id, a severity and, where
the row has one, the page and bbox to look at in the PDF.
"""

from __future__ import annotations

import pandas as pd
import pandera.errors

from pipeline.records import Finding
from pipeline.validate.reconcile import CHECKS, Check
from schemas import DATASETS

# Checks defined here, beside the reconciliation checks; a schema check per dataset.
OWN_CHECKS = [
    Check("cards.numbering", "warning", "Cards of a section are numbered 1..n in order"),
    Check("cards.budget_not_numeric", "warning", "Every card prints its 事業費 as a number"),
    Check("cards.no_indicator_table", "warning", "Every card has an indicator table"),
    Check("indicator_header_years", "warning", "Indicator table headers name increasing years"),
    Check("indicator_label_inherited", "warning", "Every indicator row prints its 項目名"),
    Check(
        "extract.layout", "warning", "The layout has every expected part (headers, labels, tables)"
    ),
    *[
        Check(f"schema.{name}", "error", f"{name} rows satisfy the {model.__name__} schema")
        for name, model in DATASETS.items()
    ],
]
ALL_CHECKS = {c.id: c for c in [*OWN_CHECKS, *CHECKS.values()]}


def check_summary(findings: list[Finding]) -> list[dict]:
    """Every check with its status (pass / warn / fail) and how many findings it raised."""
    out = []
    for check in ALL_CHECKS.values():
        mine = [f for f in findings if f.check == check.id or f.check.startswith(check.id + ".")]
        errors = sum(f.severity == "error" for f in mine)
        status = "fail" if errors else ("warn" if mine else "pass")
        out.append(
            {
                "id": check.id,
                "severity": check.severity,
                "description": check.description,
                "status": status,
                "findings": len(mine),
            }
        )
    return out


def schema_findings(name: str, df: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """Validate one dataset lazily; return the coerced frame and one finding per failure case."""
    model = DATASETS[name]
    try:
        return model.validate(df, lazy=True), []
    except pandera.errors.SchemaErrors as e:
        findings = []
        seen: set[tuple] = set()
        for case in e.failure_cases.itertuples(index=False):
            # A dataframe-level check fails a row, which pandera lists once per column.
            column = case.column if case.schema_context == "Column" else None
            key = (
                column,
                case.check,
                case.index if column is None else (case.index, str(case.failure_case)),
            )
            if key in seen:
                continue
            seen.add(key)
            idx = case.index
            page = bbox = None
            if isinstance(idx, int) and idx in df.index:
                row = df.loc[idx]
                page = int(row["source_page"]) if pd.notna(row.get("source_page")) else None
                if all(k in row for k in ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom")):
                    bbox = (row["bbox_x0"], row["bbox_top"], row["bbox_x1"], row["bbox_bottom"])
            what = (
                f"{column} fails {case.check}: {case.failure_case!r}"
                if column
                else f"row {idx} fails {case.check}"
            )
            findings.append(
                Finding(
                    f"schema.{name}.{column or 'row'}.{case.check}",
                    "error",
                    f"{name}: {what}",
                    page,
                    bbox,
                )
            )
        return df, findings


def card_numbering_findings(cards: pd.DataFrame) -> list[Finding]:
    """Cards of a section are numbered 1..n without gaps; a gap means a card was missed."""
    out = []
    for section, group in cards.groupby("section", sort=False):
        nos = list(group["card_no"])
        expected = list(range(1, len(nos) + 1))
        if nos != expected:
            out.append(
                Finding(
                    "cards.numbering",
                    "warning",
                    f"section {section}: card numbers {nos} are not 1..{len(nos)} in order",
                    int(group["source_page"].iloc[0]),
                )
            )
    return out


def card_content_findings(cards: pd.DataFrame) -> list[Finding]:
    out = []
    for row in cards.itertuples(index=False):
        where = (row.bbox_x0, row.bbox_top, row.bbox_x1, row.bbox_bottom)
        if row.budget_kyen is None or pd.isna(row.budget_kyen):
            out.append(
                Finding(
                    "cards.budget_not_numeric",
                    "warning",
                    f"section {row.section} card {row.card_no}: 事業費 printed as {row.budget_raw!r}, not a number",
                    int(row.source_page),
                    where,
                )
            )
        if row.n_tables == 0:
            out.append(
                Finding(
                    "cards.no_indicator_table",
                    "warning",
                    f"section {row.section} card {row.card_no}: no indicator table found",
                    int(row.source_page),
                    where,
                )
            )
    return out
