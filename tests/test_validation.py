"""Schemas reject what they must, and a failed validation publishes nothing."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import pipeline.run as run
from pipeline.errors import ValidationFailed
from pipeline.findings import Severity
from pipeline.validate.checks import schema_findings
from pipeline.validate.registry import check_of
from schemas import DATASETS, MODULES
from schemas.common import columns

PROVENANCE = {
    "source_page": 24,
    "printed_page": 22,
    "bbox_x0": 70.9,
    "bbox_top": 201.9,
    "bbox_x1": 524.4,
    "bbox_bottom": 237.9,
}


def card_row(**overrides) -> dict:
    row = {
        "fiscal_year": 2020,
        "section": "1",
        "policy_nos": [1],
        "policy_no": 1,
        "card_no": 1,
        "program_key": "A事業",
        "program_name": "A事業",
        "program_name_raw": None,
        "title_lines": [],
        "is_repost": False,
        "budget_kyen": 3254,
        "budget_raw": "3,254",
        "budget_note": None,
        "overview": "概要",
        "results": "実績",
        "overview_raw": None,
        "results_raw": None,
        "department": "労政課",
        "group": "Aグループ",
        "department_note": None,
        "additional_departments": [],
        "department_line": "(担当課：労政課 Aグループ)",
        "n_tables": 1,
        "end_page": 24,
        **PROVENANCE,
    }
    return {**row, **overrides}


def indicator_row(**overrides) -> dict:
    row = {
        "fiscal_year": 2020,
        "section": "1",
        "card_no": 1,
        "policy_nos": [1],
        "policy_no": 1,
        "program_key": "A事業",
        "program_name": "A事業",
        "program_name_raw": None,
        "table_no": 1,
        "row_no": 1,
        "indicator": "県内就職者数",
        "indicator_raw": None,
        "indicator_inherited": False,
        "period_label": "2年度",
        "period_year": 2020,
        "period_year_inferred": False,
        "value_raw": "22名",
        "value": 22.0,
        "unit": "名",
        "qualifier": None,
        "value_note": None,
        "status": "reported",
        "part_no": None,
        "part_label": None,
        "cell_raw": None,
        **PROVENANCE,
    }
    return {**row, **overrides}


def failing_extract(pdf: Path, progress=None, limits=None, readers=None):  # noqa: ANN001, ANN201
    """An extraction whose indicators fail a schema check (a negative count)."""
    frames = {name: pd.DataFrame(columns=columns(DATASETS[name])) for name in MODULES}
    frames["program_cards"] = pd.DataFrame([card_row()])
    frames["indicators"] = pd.DataFrame([indicator_row(value=-5.0, value_raw="-5名")])
    return (
        frames,
        None,
        SimpleNamespace(sha256="0" * 64, pages=[]),
        SimpleNamespace(fiscal_year=2020, era_label="令和2年度"),
    )


def checks(name: str, rows: list[dict]) -> set[str]:
    _, findings, _ = schema_findings(name, pd.DataFrame(rows))
    assert all(check_of(f.check).severity is Severity.ERROR for f in findings)
    assert all(f.page == 24 for f in findings if f.page is not None)
    return {f.check for f in findings}


def test_valid_rows_pass() -> None:
    assert checks("program_cards", [card_row()]) == set()
    assert checks("indicators", [indicator_row()]) == set()
    # Rates and money may fall below zero; so may a value whose unit is in its label.
    for unit in ("%", "ポイント", "千円", None):
        row = indicator_row(value=-3.3, value_raw=f"▲3.3{unit or ''}", unit=unit)
        assert checks("indicators", [row]) == set(), unit


@pytest.mark.parametrize(
    "override,check",
    [
        ({"value": -3.0, "value_raw": "-3名"}, "unsigned_units_not_negative"),
        # A unit no edition has printed yet is still a count: not a way around the check.
        ({"value": -2.0, "value_raw": "-2台", "unit": "台"}, "unsigned_units_not_negative"),
        ({"status": "guessed"}, "isin"),
        ({"period_year": 2031}, "period_year_within_report_range"),
        ({"period_year": 2005}, "period_year_within_report_range"),
        ({"status": "not_reported"}, "value_only_when_reported"),
        ({"qualifier": "たぶん"}, "isin"),
        ({"section": "one"}, "str_matches"),
        ({"indicator": ""}, "str_length"),
        ({"unit": "件 (累計)"}, "str_matches"),
    ],
)
def test_indicator_schema_rejects(override: dict, check: str) -> None:
    found = checks("indicators", [indicator_row(**override)])
    assert any(check in c for c in found), found


def test_duplicate_keys_are_rejected() -> None:
    assert any(
        "unique" in c or "duplicate" in c.lower()
        for c in checks("indicators", [indicator_row(), indicator_row()])
    )
    assert any(
        "unique" in c or "duplicate" in c.lower()
        for c in checks("program_cards", [card_row(), card_row()])
    )


@pytest.mark.parametrize(
    "override,check",
    [
        ({"budget_kyen": -1}, "greater_than_or_equal_to"),
        ({"card_no": 0}, "greater_than_or_equal_to"),
        ({"section": "6/7"}, "str_matches"),
    ],
)
def test_card_schema_rejects(override: dict, check: str) -> None:
    assert any(check in c for c in checks("program_cards", [card_row(**override)]))


def test_validation_errors_block_publishing_and_keep_previous_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "curated"
    previous = out / "indicators" / "fiscal_year=2020" / "part-0.parquet"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"previous release data")

    monkeypatch.setattr(run, "extract_release", failing_extract)
    with pytest.raises(ValidationFailed, match=r"validation error.*schema\.indicators"):
        run.run_release(tmp_path / "x.pdf", out=out)
    assert previous.read_bytes() == b"previous release data"
    assert not (out / "program_cards").exists()
    report = out / "_validation" / "fiscal_year=2020" / "report.json"
    blocked = out / "_validation" / "fiscal_year=2020" / "blocked" / "report.json"
    assert '"published": false' in blocked.read_text(encoding="utf-8")
    assert not list(out.glob(".staging-*"))

    # --allow-errors publishes anyway, and the report says so.
    result = run.run_release(tmp_path / "x.pdf", out=out, allow_errors=True)
    schema_errors = [f for f in result.errors if f.check.startswith("schema.indicators")]
    assert result.published and len(schema_errors) == 1
    assert previous.read_bytes() != b"previous release data"
    assert '"published": true' in report.read_text(encoding="utf-8")
