"""Named checks over the curated frames: pandera schemas plus cross-checks.

Every failure becomes a Finding with a stable check id, a severity and, where
the row has one, the page and bbox to look at in the PDF.
"""

from __future__ import annotations

import pandas as pd
import pandera.errors

from pipeline.records import Finding
from pipeline.validate import statistics as _statistics  # noqa: F401 - registers its checks
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
    Check(
        "document.page_sequence",
        "error",
        "Printed page numbers follow the physical pages: none missing, none out of order",
    ),
    *[
        Check(f"schema.{name}", "error", f"{name} rows satisfy the {model.__name__} schema")
        for name, model in DATASETS.items()
    ],
]
ALL_CHECKS = {c.id: c for c in [*OWN_CHECKS, *CHECKS.values()]}

# Which datasets a check's cases concern, by check id prefix (most specific first).
_CHECK_DATASETS = (
    ("programs.subtotal", ("programs", "program_totals")),
    ("programs.total", ("programs", "program_totals")),
    ("programs.", ("programs",)),
    ("index.subtotal", ("program_index", "program_totals")),
    ("index.card", ("program_index", "program_cards")),
    ("index.program_list", ("program_index", "programs")),
    ("coverage.cards_in_program_list", ("program_cards", "programs")),
    ("coverage.program_list_in_index", ("programs", "program_index")),
    ("names.", ("programs", "program_index", "program_cards")),
    ("cards.", ("program_cards",)),
    ("indicator", ("indicators",)),
    ("extract.", ("program_cards", "indicators", "programs", "program_index")),
    ("document.", ("program_cards", "indicators", "programs", "program_index")),
    ("statistics.", ("statistics",)),
    ("figures.", ("figures",)),
)


def datasets_of(check_id: str) -> tuple[str, ...]:
    if check_id.startswith("schema."):
        return (check_id.split(".")[1],)
    for prefix, names in _CHECK_DATASETS:
        if check_id.startswith(prefix):
            return names
    return ()


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
            findings.append(Finding(check_id, "error", f"{name}: {what}", page, bbox, name))
        return df, findings, failed_rows


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


def page_sequence_findings(labels: list[tuple[int, int | None]]) -> list[Finding]:
    """Between two numbered pages the printed numbers advance exactly as the physical
    pages do, or less (an unnumbered insert). More means pages are missing; going back
    or repeating means pages are out of order or doubled."""
    out = []
    numbered = [(phys, printed) for phys, printed in labels if printed is not None]
    for (p1, n1), (p2, n2) in zip(numbered, numbered[1:]):
        step, printed_step = p2 - p1, n2 - n1
        if printed_step > step:
            out.append(
                Finding(
                    "document.page_sequence",
                    "error",
                    f"PDF pages {p1}→{p2} are printed {n1}→{n2}: {printed_step - step} page(s) missing",
                    p2,
                    None,
                )
            )
        elif printed_step <= 0:
            out.append(
                Finding(
                    "document.page_sequence",
                    "error",
                    f"PDF pages {p1}→{p2} are printed {n1}→{n2}: pages out of order or repeated",
                    p2,
                    None,
                )
            )
    return out
