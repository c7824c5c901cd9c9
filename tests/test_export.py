"""Analysts' and reviewers' access: load() edge cases, CSV and xlsx exports read back."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import NotPublished
from pipeline.export import export
from pipeline.load import load
from schemas import CROSS_RELEASE, MODULES


def test_load_takes_one_year_or_several_and_refuses_what_was_not_published(curated) -> None:
    _, out, result = curated
    fy = result.fiscal_year
    one = load("indicators", years=fy, out=out)
    assert len(one) == result.rows["indicators"] and set(one["fiscal_year"]) == {fy}
    pd.testing.assert_frame_equal(one, load("indicators", years=[fy], out=out))
    assert list(one.columns[:3]) == ["fiscal_year", "section", "card_no"]  # the model's order
    with pytest.raises(NotPublished, match=rf"fiscal year {fy - 5}; published: {fy}"):
        load("indicators", years=[fy, fy - 5], out=out)
    with pytest.raises(NotPublished, match="unknown dataset 'indicator'"):
        load("indicator", out=out)
    for bad in ("2020", [2020.0], True):
        with pytest.raises(TypeError, match="years"):
            load("indicators", years=bad, out=out)  # type: ignore[arg-type]


def test_csv_export_reads_back_in_utf8_with_a_bom(curated, tmp_path: Path) -> None:
    _, out, result = curated
    path = export(["program_index"], "csv", tmp_path / "index.csv", out=out)
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"  # Excel reads UTF-8 only with it
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    want = load("program_index", out=out)
    assert len(back) == len(want) == result.rows["program_index"]
    assert list(back.columns) == list(want.columns)
    assert list(back["program_name"]) == list(want["program_name"])
    # List columns are JSON arrays: the departments read back exactly.
    assert [json.loads(v) for v in back["departments"]] == [list(v) for v in want["departments"]]
    budgets = [None if v == "" else int(v) for v in back["budget_kyen"]]
    assert budgets == [None if pd.isna(v) else int(v) for v in want["budget_kyen"]]


def test_xlsx_export_has_a_sheet_per_dataset_and_the_dictionary(curated, tmp_path: Path) -> None:
    _, out, result = curated
    names = [*MODULES, *CROSS_RELEASE]
    path = export(names, "xlsx", tmp_path / "nenpo.xlsx", out=out)
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == [*names, "dictionary"]
    for name in MODULES:
        assert len(sheets[name]) == result.rows[name], name
    cards = sheets["program_cards"]
    assert list(cards["program_name"]) == list(load("program_cards", out=out)["program_name"])
    dictionary = sheets["dictionary"]
    described = dictionary[
        (dictionary["dataset"] == "indicators") & (dictionary["column"] == "value")
    ]
    assert len(described) == 1 and described["description"].iloc[0]
    assert set(dictionary["dataset"]) == set(names)


def test_export_refuses_what_it_cannot_write(curated, tmp_path: Path) -> None:
    _, out, _ = curated
    with pytest.raises(NotPublished):
        export(["indicators"], "csv", tmp_path / "x.csv", years=[1999], out=out)
    with pytest.raises(Exception, match="one dataset"):
        export(["indicators", "programs"], "csv", tmp_path / "x.csv", out=out)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_every_program_dataset_carries_the_join_vocabulary(curated) -> None:
    _, out, _ = curated
    frames = {n: load(n, out=out) for n in ("program_cards", "indicators", "programs", "program_totals", "program_index")}  # fmt: skip
    for name, df in frames.items():
        assert {"fiscal_year", "section", "policy_nos", "policy_no"} <= set(df.columns), name
    cards, programs = frames["program_cards"], frames["programs"]
    covered = {
        int(p): s for s, ps in zip(cards["section"], cards["policy_nos"], strict=True) for p in ps
    }
    # A program list row names its section as the cards do ("6-7" for ⑥ and ⑦).
    assert [covered.get(int(p)) for p in programs["policy_no"]] == list(programs["section"])
    assert "6-7" in set(programs["section"]) and [list(p) for p in programs["policy_nos"]] == [
        [int(p)] for p in programs["policy_no"]
    ]
    # One policy: policy_no; a shared section: null, and policy_nos names both.
    for df in (cards, frames["program_index"]):
        for policies, one in zip(df["policy_nos"], df["policy_no"], strict=True):
            assert (pd.isna(one) and len(policies) > 1) or [int(one)] == list(policies)
    # Indicators carry their card's policies; totals both names.
    ind = frames["indicators"].merge(
        cards[["section", "card_no", "policy_nos"]], on=["section", "card_no"]
    )
    assert all(
        list(a) == list(b) for a, b in zip(ind["policy_nos_x"], ind["policy_nos_y"], strict=True)
    )
    totals = frames["program_totals"]
    shared = totals[(totals["kind"] == "index_subtotal") & (totals["section"] == "6-7")]
    assert len(shared) == 1 and list(shared["policy_nos"].iloc[0]) == [6, 7]
    assert shared["policy_no"].isna().all()
    subtotals = totals[totals["kind"] == "subtotal"]
    assert subtotals["section"].notna().all() and subtotals["policy_no"].notna().all()
    grand = totals[totals["kind"] == "total"]
    assert grand["section"].isna().all() and [list(p) for p in grand["policy_nos"]] == [[]]


def test_bracketed_regional_offices_are_department_notes_not_departments(curated) -> None:
    _, out, _ = curated
    for name in ("programs", "program_index"):
        df = load(name, out=out)
        entries = [d for ds in df["departments"] for d in ds]
        assert entries and not [d for d in entries if d.startswith(("(", "（"))], name
        noted = df[df["department_note"].notna()]
        assert "中南地域県民局" in set(noted["department_note"]), name
        assert all("労政・能力開発課" in list(ds) for ds in noted["departments"]), name
    # As the cards give it.
    cards = load("program_cards", out=out)
    assert "中南地域県民局" in set(cards["department_note"].dropna())
