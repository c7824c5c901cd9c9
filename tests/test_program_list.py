"""The program list, its totals and the section indexes: every row and cell of both editions."""

from __future__ import annotations

import pandas as pd

from pipeline.extract.program_list import _ListReader
from pipeline.extract.tables import Cell
from pipeline.load import load
from pipeline.normalize.text import clean_text
from pipeline.validate.health_checks import HEALTH_CHECKS
from tests.conftest import load_truth


def _none(v):
    return None if v is None or (not isinstance(v, (list, str)) and pd.isna(v)) else v


def test_every_program_row(curated) -> None:
    edition, out, _ = curated
    got = load("programs", out=out).sort_values("row_no")
    want = [r for r in load_truth(edition)["program_list"]["rows"] if r["kind"] == "program"]
    assert len(got) == len(want)
    for (_, g), w in zip(got.iterrows(), want, strict=True):
        where = f"{edition} row {g['row_no']} {w['name']}"
        # As printed in program_name_raw where cleaning changed it; clean in program_name.
        assert _printed(g, "program_name") == w["name"], where
        assert g["program_name"] == clean_text(w["name"]), where
        assert g["policy_no"] == w["policy_no"], where
        assert _none(_printed(g, "measure")) == w["measure"], where
        assert (bool(g["is_new"]), bool(g["is_priority"]), bool(g["has_key_result"])) == (
            w["new"],
            w["priority"],
            w["key_result"],
        ), where
        assert _none(g["budget_kyen"]) == w["budget"], where
        if w["budget"] is None:
            assert g["budget_raw"] == w["budget_text"], where
        assert (_none(g["national_kyen"]), _none(g["other_kyen"]), _none(g["general_kyen"])) == (
            w["national"],
            w["other"],
            w["general"],
        ), where
        assert _none(g["period_raw"]) == w["period"], where
        assert _none(g["foundation_support"]) == w["foundation"], where
        assert _printed_departments(g) == w["departments"], where
        assert bool(g["is_repost"]) == w["repost"], where
    # Rows keep their policy and measure across the page breaks of the landscape pages.
    assert got["source_page"].nunique() > 1
    assert got["measure_continued"].any()


def test_every_total_row(curated) -> None:
    edition, out, _ = curated
    got = load("program_totals", out=out)
    got = got[got["kind"] != "index_subtotal"].sort_values(["source_page", "bbox_top"])
    want = [r for r in load_truth(edition)["program_list"]["rows"] if r["kind"] != "program"]
    assert [(k, _none(p)) for k, p in zip(got["kind"], got["policy_no"], strict=True)] == [
        (w["kind"], w["policy_no"]) for w in want
    ]
    for (_, g), w in zip(got.iterrows(), want, strict=True):
        assert [
            _none(g[c]) for c in ("budget_kyen", "national_kyen", "other_kyen", "general_kyen")
        ] == [w["budget"], w["national"], w["other"], w["general"]]
        assert _printed(g, "label") == w["name"]


def test_every_index_row_and_subtotal(curated) -> None:
    edition, out, _ = curated
    index = load("program_index", out=out)
    totals = load("program_totals", out=out)
    for policy in load_truth(edition)["policies"]:
        section = "-".join(str(n) for n in policy["nos"])
        rows = index[index["section"] == section].sort_values("no")
        assert len(rows) == len(policy["index"]), section
        for (_, g), w in zip(rows.iterrows(), policy["index"], strict=True):
            where = f"{edition} section {section} No.{w['no']}"
            assert g["no"] == w["no"], where
            assert _printed(g, "program_name") == w["name"], where
            assert g["program_name"] == clean_text(w["name"]), where
            assert _none(g["budget_kyen"]) == w["budget"], where
            assert bool(g["is_new"]) == w["new"], where
            assert _printed_departments(g) == w["departments"], where
            assert g["listed_page"] == w["page"], where
            assert list(g["policy_nos"]) == w["flags"], where
        sub = totals[(totals["kind"] == "index_subtotal") & (totals["section"] == section)]
        assert list(sub["budget_kyen"]) == [policy["index_subtotal"]], section


def test_program_key_joins_the_datasets(curated) -> None:
    edition, out, _ = curated
    cards = load("program_cards", out=out)
    programs = load("programs", out=out)
    joined = cards.merge(programs[~programs["is_repost"]], on="program_key", how="inner")
    # Every card joins the program list by key except the ones the report names differently.
    unmatched = set(cards["program_key"]) - set(programs["program_key"])
    assert len(unmatched) <= 5
    assert len(joined) >= len(cards) - 5 - cards["is_repost"].sum()


def _printed_departments(row: pd.Series) -> list[str]:
    """The 担当課等 entries as printed: departments_raw where cleaning or a bracketed note
    changed them (the note is then in department_note), else departments."""
    raw = row["departments_raw"]
    return list(row["departments"]) if raw is None or (not hasattr(raw, "__len__")) else list(raw)


def _printed(row: pd.Series, column: str) -> object:
    raw = row[f"{column}_raw"]
    return row[column] if _none(raw) is None else raw


def test_one_cell_over_two_money_columns_is_a_misread() -> None:
    """A value read into 事業費 and 国庫 both (one cell standing over the two columns)
    is an error of the reading, never two amounts the list printed."""
    reader = _ListReader()
    spread = Cell(0, 1, 1, 2, (100.0, 0.0, 200.0, 10.0), "1,952")
    own = Cell(0, 3, 1, 1, (200.0, 0.0, 250.0, 10.0), "1,952")
    by_role = {"budget": spread, "national": spread, "general": own}
    reader._money_cells_apart(3, (0.0, 0.0, 300.0, 10.0), "事業", by_role.get)
    (finding,) = reader.findings
    assert finding.check == "programs.columns" and finding.page == 3
    assert "budget and national" in finding.message
    reader = _ListReader()
    apart = {"budget": own, "national": spread}
    reader._money_cells_apart(3, (0.0, 0.0, 300.0, 10.0), "事業", apart.get)
    assert reader.findings == []
    assert "programs.columns" in {c.id for c in HEALTH_CHECKS if c.severity == "error"}
