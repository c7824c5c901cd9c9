"""How the cross-checks make their cases: a record's box and key (the record a
reviewer finds in the PDF), the values compared, and the small value helpers."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.findings import Finding, Place

MONEY = ("budget_kyen", "national_kyen", "other_kyen", "general_kyen")


def as_records(df: pd.DataFrame) -> list[dict]:
    # Rows as dicts: iterrows builds a Series per row, most of these checks' time.
    return df.to_dict("records")


def record_box(row: pd.Series | dict) -> tuple[float, float, float, float] | None:
    """A record's bbox columns as a box (None when the record has none)."""
    box = (row["bbox_x0"], row["bbox_top"], row["bbox_x1"], row["bbox_bottom"])
    return tuple(float(x) for x in box) if any(box) else None  # type: ignore[return-value]


def record_key(row: pd.Series | dict) -> str | None:
    """The record a case concerns, named as a reviewer finds it in the PDF: a card by its
    section and number, an index row by its No., a program list row by policy and program."""
    if "card_no" in row:
        return f"section {row['section']} card {row['card_no']}"
    if "no" in row and "section" in row:
        return f"section {row['section']} index No.{row['no']}"
    if "program_key" in row and "policy_no" in row:
        return f"policy {row['policy_no']} program {row['program_key']}"
    if "kind" in row and "label" in row:
        return f"{row['kind']} {row.get('section') or row.get('policy_no') or ''} {row['label']}".strip()
    return None


def case_finding(
    check: str,
    message: str,
    row: pd.Series | dict | None = None,
    *,
    key: str | None = None,
    observed: object = None,
    expected: object = None,
    other: pd.Series | dict | None = None,
) -> Finding:
    """A case at `row`; for a disagreement, the value here, the other place's value,
    and the other place itself."""
    page = int(row["source_page"]) if row is not None else None
    return Finding(
        check,
        message,
        page,
        record_box(row) if row is not None else None,
        key=key if key is not None or row is None else record_key(row),
        observed=observed,
        expected=expected,
        other=Place(int(other["source_page"]), record_box(other)) if other is not None else None,
    )


def plain_value(v: object) -> object:
    """A value for a finding's observed/expected: plain Python, None for blank."""
    if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)):
        return None
    return int(v) if isinstance(v, (int, float)) and float(v).is_integer() else v


def number_or_zero(v: Any) -> int:
    return 0 if v is None or pd.isna(v) else int(v)


def flag_value(v: object) -> bool:
    return False if v is None or pd.isna(v) else bool(v)


def money_text(v: Any) -> str:
    return "blank" if v is None or pd.isna(v) else f"{int(v):,}"
