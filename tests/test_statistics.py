"""Statistics tables and the figure inventory: every cell of both editions, and their checks."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest

from pipeline.load import load
from pipeline.text_records import column_units
from pipeline.validate.statistics import statistics_findings
from tests.conftest import PRINTED, as_printed, load_truth
from tests.edition_stats import header_paths


def _sq(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def _truth_tables(edition: str) -> list[tuple[str, dict]]:
    truth = load_truth(edition)
    out = [("中小企業の定義", truth["front"]["definition_table"])]
    for section in truth["environment"]:
        for table in section["tables"]:
            out.append((table["caption"].split(" ")[0], table))
    annex = truth["appendix"]["guideline"]["member_table"]
    rows, label = [], ""
    for row in annex["rows"]:
        label = row[0] or label  # printed once in a cell merged over the rows below
        rows.append([label, *row[1:]])
    out.append((annex["label"], {"header_rows": [annex["header"]], "rows": rows}))
    return out


@pytest.fixture(scope="session")
def stats(curated) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    edition, out, _ = curated
    return (
        edition,
        as_printed(load("statistics", out=out), PRINTED["statistics"]),
        as_printed(load("figures", out=out), PRINTED["figures"]),
    )


def test_every_statistics_cell(stats) -> None:
    edition, got, _ = stats
    assert sorted(set(got["table_id"])) == sorted(t for t, _ in _truth_tables(edition))
    for table_id, table in _truth_tables(edition):
        mine = got[got["table_id"] == table_id]
        assert len(mine) == sum(len(r) - 1 for r in table["rows"]), table_id
        header = table["header_rows"]
        for r_no, row in enumerate(table["rows"], start=1):
            for j in range(1, len(row)):
                cell = mine[(mine["row_no"] == r_no) & (mine["col_no"] == j)].iloc[0]
                where = f"{edition} {table_id} row {r_no} col {j}"
                assert cell["value_raw"] == row[j], where
                assert cell["row_label"] == row[0], where
                # Header levels as printed; a merged header repeats its text in the truth's
                # first column of the span and leaves the rest empty.
                assert [_sq(x) for x in cell["column_path"]] == [
                    _sq(x) for x in header_paths(header)[j]
                ], where
        if "source" in table:
            assert set(mine["source_note"]) == {table["source"]}
            assert list(mine.iloc[0]["notes"]) == table["notes"]


def test_parsed_values_years_and_units(stats) -> None:
    edition, got, _ = stats
    t1 = got[got["table_id"] == "表1"].set_index(["row_no", "col_no"])
    assert (
        t1.loc[(1, 3), "value"] == -3.3 and t1.loc[(1, 3), "unit"] == "%"
    )  # "▲ 3.3" under 増減率 (%)
    assert (
        t1.loc[(1, 1), "value"] == 5768489 and t1.loc[(1, 1), "reference_year"] == 2012
    )  # 24 in a 平成 table
    assert t1.loc[(1, 2), "reference_year"] == 2016
    assert t1.loc[(1, 4), "unit"] == "人" and t1.loc[(1, 4), "reference_year"] == 2012
    t2 = got[got["table_id"] == "表2"].drop_duplicates("row_no").set_index("row_label")
    assert t2.loc["平成20年", "reference_year"] == 2008 and t2.loc["21", "reference_year"] == 2009
    assert t2.loc["R1", "reference_year"] == 2019 and t2.loc["R2", "reference_year"] == 2020
    definition = got[got["table_id"] == "中小企業の定義"]
    assert definition["value"].isna().all() and definition["reference_year"].isna().all()


def test_every_figure(stats) -> None:
    edition, _, figures = stats
    truth = load_truth(edition)
    want = [
        f for key in ("trends", "environment") for s in truth[key] for f in s.get("figures", [])
    ]
    got = figures.sort_values("figure_no")
    assert len(got) == len(want)
    for (_, g), w in zip(got.iterrows(), want, strict=True):
        assert (None if pd.isna(g["caption"]) else g["caption"]) == w["caption"]
        assert g["source"] == w["source"]
        assert list(g["notes"]) == ([w["note"]] if w["note"] else [])
        assert (None if pd.isna(g["unit_label"]) else g["unit_label"]) == w["unit_label"]
        if w["caption"]:
            assert g["number"] == int(re.match(r"図(\d+)", w["caption"]).group(1))


def test_checks_pass_on_the_samples(stats) -> None:
    edition, got, figures = stats
    assert statistics_findings(got, figures) == []


def _alter(
    got: pd.DataFrame, table: str, row_label: str, group: str, path_end: str, value: float
) -> pd.DataFrame:
    """Set one cell: the column of `group` whose last header level starts with `path_end`."""
    df = got.copy(deep=True)
    mask = (
        (df["table_id"] == table)
        & (df["row_label"] == row_label)
        & df["column_path"].map(lambda p: list(p)[0] == group and list(p)[-1].startswith(path_end))
    )
    assert mask.sum() == 1
    df.loc[mask, "value"] = value
    return df


@pytest.mark.parametrize(
    "check,alter",
    [
        (
            "statistics.parts_within_total",
            lambda d: _alter(d, "表2", "平成20年", "総人口", "年少", 999999.0),
        ),
        ("statistics.shares_sum_to_100", lambda d: _alter(d, "表2", "21", "構成比", "老年", 30.0)),
        (  # a header row read as a body row: no label
            "statistics.structure",
            lambda d: d.assign(
                row_label=d["row_label"].where((d["table_id"] != "表2") | (d["row_no"] != 1), "")
            ),
        ),
        (  # a column group lost: two columns under one header path
            "statistics.structure",
            lambda d: d.assign(
                column_path=[
                    ["事業所数", "24"] if (t, j) == ("表1", 2) else p
                    for t, j, p in zip(d["table_id"], d["col_no"], d["column_path"], strict=True)
                ]
            ),
        ),
        (  # a cell split in two: an empty column
            "statistics.structure",
            lambda d: d.assign(
                value_raw=d["value_raw"].where(~((d["table_id"] == "表1") & (d["col_no"] == 4)), "")
            ),
        ),
        ("statistics.change_rate", lambda d: _alter(d, "表1", "全国", "事業所数", "増減率", -5.0)),
        (
            "statistics.years_increase",
            lambda d: d.assign(
                reference_year=d["reference_year"].where(
                    ~((d["table_id"] == "表2") & (d["row_label"] == "23")), 2005
                )
            ),
        ),
        (  # two columns read as one: their values side by side in one cell
            "statistics.structure",
            lambda d: d.assign(
                value_raw=d["value_raw"].where(
                    ~((d["table_id"] == "表1") & (d["col_no"] == 1) & (d["row_no"] == 1)),
                    "5,768,489 5,578,975",
                )
            ),
        ),
        (  # a unit line listing more units than the table has column groups
            "statistics.units_assigned",
            lambda d: d.assign(
                unit_line=d["unit_line"].where(d["table_id"] != "表2", "(単位：人、%、円)")
            ),
        ),
    ],
)
def test_each_statistics_check_fails_on_altered_data(stats, check: str, alter) -> None:
    edition, got, figures = stats
    findings = statistics_findings(alter(got), figures)
    assert [f.check for f in findings] == [check]
    assert findings[0].page is not None and findings[0].bbox is not None


def test_a_figure_without_source_is_reported(stats) -> None:
    edition, got, figures = stats
    altered = figures.copy()
    altered.loc[altered.index[2], "source"] = None
    findings = statistics_findings(got, altered)
    assert [f.check for f in findings] == ["figures.source"]


def test_unnumbered_table_named_by_its_label_and_caption(stats) -> None:
    edition, got, _ = stats
    annex = load_truth(edition)["appendix"]["guideline"]["member_table"]
    mine = got[got["table_id"] == annex["label"]]
    assert set(mine["caption"]) == {annex["caption"]}
    assert mine["value"].isna().all()  # department names, not numbers


def test_units_are_what_the_table_prints(stats) -> None:
    """The sample prints units only in some headers ("24 (人)", "増減率 (%)") and no
    (単位：…) line: those columns carry them, the rest none (表2's all null)."""
    edition, got, _ = stats
    assert got["unit_line"].isna().all()
    for r in got.itertuples():
        own = [re.search(r"[(（]\s*([^\d()（）\s]{1,4})\s*[)）]$", _sq(x)) for x in r.column_path]
        want = next((m.group(1) for m in reversed(own) if m), None)
        assert (None if pd.isna(r.unit) else r.unit) == want, (r.table_id, r.column_path)
    assert got[got["table_id"] == "表2"]["unit"].isna().all()
    assert set(got[got["table_id"] == "表1"]["unit"].dropna()) == {"%", "人"}


PATHS = [["年次"], ["総人口"], ["総人口", "年少"], ["構成比", "年少"], ["構成比", "老年 (%)"]]


@pytest.mark.parametrize(
    "unit_line,units",
    [
        (None, [None, None, None, None, "%"]),
        ("(単位：人)", [None, "人", "人", "人", "%"]),
        ("（単位：人、％）", [None, "人", "人", "%", "%"]),
        ("(単位：人、%、円)", [None, None, None, None, "%"]),  # whose is which: not printed
        ("(単位:千人)", [None, "千人", "千人", "千人", "%"]),
    ],
)
def test_column_units(unit_line, units) -> None:
    assert column_units(PATHS, unit_line) == units


def test_a_units_own_header_level_counts_first() -> None:
    assert column_units([[""], ["総人口 (人)", "年少"], ["率 (%)", "前年比 (ポイント)"]], None) == [
        None,
        "人",
        "ポイント",
    ]
