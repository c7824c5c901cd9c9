"""Many editions side by side: the yearly routine, program identity across years, analyst access."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.crosswalk import build_crosswalk
from pipeline.load import load
from pipeline.normalize.text import clean_text
from schemas.dictionary import data_dictionary
from tests.conftest import EDITIONS, ROOT, load_truth


def nenpo(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def files(folder: Path, dataset_year: str) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*.parquet"))
        if dataset_year in str(p)
    }


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """raw/fy2020 and raw/fy2021 with both editions, run once with `nenpo run`."""
    root = tmp_path_factory.mktemp("releases")
    for name, edition in (("fy2020", "fy2020"), ("fy2021", "fy2021")):
        (root / "raw" / name).mkdir(parents=True)
        shutil.copy(EDITIONS[edition][0], root / "raw" / name / "report.pdf")
    r = nenpo("run", cwd=root)
    assert r.returncode == 0, r.stderr
    assert "fiscal_year 2020" in r.stdout and "fiscal_year 2021" in r.stdout
    return root


def test_second_run_does_no_work_and_a_changed_release_reruns_alone(workspace: Path) -> None:
    curated = workspace / "curated"
    before_2020 = files(curated, "fiscal_year=2020")
    before_2021 = files(curated, "fiscal_year=2021")
    assert before_2020 and before_2021

    r = nenpo("run", cwd=workspace)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "fy2020: up to date, skipped (raw/fy2020/report.pdf)",
        "fy2021: up to date, skipped (raw/fy2021/report.pdf)",
    ]
    assert files(curated, "fiscal_year=2020") == before_2020
    assert files(curated, "fiscal_year=2021") == before_2021

    status = nenpo("status", cwd=workspace).stdout
    assert "fy2020       2020        up to date  pass_with_warnings" in status
    assert "fy2021       2021        up to date  pass_with_warnings" in status

    # A new version of one release's source: bytes appended after %%EOF (still a valid PDF).
    with (workspace / "raw" / "fy2021" / "report.pdf").open("ab") as f:
        f.write(b"\n% revised\n")
    assert "fy2021       2021        changed" in nenpo("status", cwd=workspace).stdout
    r = nenpo("run", cwd=workspace)
    assert r.returncode == 0, r.stderr
    assert "fy2020: up to date, skipped" in r.stdout
    assert "raw/fy2021/report.pdf → 令和3年度 (fiscal_year 2021)" in r.stdout
    # The other release's partitions are not touched, not even rewritten.
    assert files(curated, "fiscal_year=2020") == before_2020
    # The re-run release has the same rows; its files record the new source.
    import pyarrow.parquet as pq

    from pipeline.extract.source import file_sha256

    new_sha = file_sha256(workspace / "raw" / "fy2021" / "report.pdf")
    for rel in before_2021:
        old = pq.read_table(io.BytesIO(before_2021[rel][0]))
        new = pq.read_table(curated / rel)
        assert new.equals(old), rel
        assert (
            new.schema.metadata[b"source_sha256"].decode()
            == new_sha
            != old.schema.metadata[b"source_sha256"].decode()
        )

    r = nenpo("run", "--force", cwd=workspace)
    assert r.returncode == 0 and "skipped" not in r.stdout


def test_load_both_years_and_follow_programs_by_id(workspace: Path) -> None:
    out = workspace / "curated"
    ind = load("indicators", years=[2020, 2021], out=out)
    assert sorted(ind["fiscal_year"].unique()) == [2020, 2021]
    assert ind["program_id"].notna().all()
    assert str(ind["value"].dtype) == "Float64" and str(ind["period_year"].dtype) == "Int64"

    programs = load("programs", years=[2020, 2021], out=out)
    t20, t21 = load_truth("fy2020"), load_truth("fy2021")
    budgets = {}
    for fy, truth in ((2020, t20), (2021, t21)):
        for row in truth["program_list"]["rows"]:
            if row["kind"] == "program" and not row["repost"]:
                budgets[(fy, row["name"])] = row["budget"]
    in_both = {name for (fy, name) in budgets if fy == 2020} & {
        name for (fy, name) in budgets if fy == 2021
    }
    assert len(in_both) >= 100
    own = programs[~programs["is_repost"]]
    for name in in_both:
        rows = own[own["program_name"] == clean_text(name)]
        assert rows["program_id"].nunique() == 1, name  # same name → same id in both years
        by_year = {
            int(y): (None if pd.isna(b) else int(b))
            for y, b in zip(rows["fiscal_year"], rows["budget_kyen"], strict=True)
        }
        assert (
            by_year.get(2020) == budgets[(2020, name)]
            and by_year.get(2021) == budgets[(2021, name)]
        ), name
    # New programs of 2021 get ids of their own.
    new_2021 = {name for (fy, name) in budgets if fy == 2021} - in_both
    assert new_2021
    ids_2020 = set(own[own["fiscal_year"] == 2020]["program_id"])
    assert (
        not set(
            own[(own["fiscal_year"] == 2021) & own["program_name"].isin(new_2021)]["program_id"]
        )
        & ids_2020
    )


def test_renamed_spellings_share_the_program_id(workspace: Path) -> None:
    """The golden data prints some programs under two spellings (card/index vs program list)."""
    out = workspace / "curated"
    walk = load("program_crosswalk", out=out)
    for fy in (2020, 2021):
        year = walk[walk["fiscal_year"] == fy].set_index("program_name")
        for variant, listed in [
            ("第四次産業革命を担うIT人財確保事業", "第四次産業革命を担うIT人材確保事業"),
            (
                "地域ファンド組成事業(あおもりクリエイトファンド)",
                "地域ファンド組成事業(あおもりクリエイティブファンド)",
            ),
            ("レッツBuyあおもり新商品認定事業", "レッツBUYあおもり新商品認定事業"),
            ("HACCP推進コア人材育成事業(再掲)", "HACCP推進コア人財育成事業"),
        ]:
            assert year.loc[variant, "program_id"] == year.loc[listed, "program_id"], (fy, variant)
            assert year.loc[variant, "match_method"] == "fuzzy"
            assert 0.85 <= year.loc[variant, "match_score"] < 1.0
    cards = load("program_cards", years=[2020, 2021], out=out)
    it = cards[cards["program_name"] == "第四次産業革命を担うIT人財確保事業"]
    assert len(it) == 2 and it["program_id"].nunique() == 1


def _names(rows: list[tuple[int, str]]) -> pd.DataFrame:
    from pipeline.normalize.text import program_key

    return pd.DataFrame(
        [
            {"fiscal_year": fy, "program_key": program_key(n), "program_name": n, "from_list": True}
            for fy, n in rows
        ]
    )


def test_crosswalk_follows_a_rename_across_years_and_stays_stable() -> None:
    years_1 = [
        (2019, "東南アジア有望市場販路拡大事業"),
        (2019, "訓練校事業(訓練事業費)"),
        (2019, "訓練校事業(指導員派遣研修費)"),
    ]
    years_2 = years_1 + [
        (2020, "東南アジア有望市場販路拡大支援事業"),
        (2020, "訓練校事業(訓練事業費)"),
        (2020, "まったく新しい事業"),
    ]
    walk1 = build_crosswalk(_names(years_1))
    walk2 = build_crosswalk(_names(years_2))
    # Adding a year never changes the ids already given.
    pd.testing.assert_frame_equal(walk2[walk2["fiscal_year"] == 2019].reset_index(drop=True), walk1)
    by = {(r.fiscal_year, r.program_name): r for r in walk2.itertuples()}
    renamed = by[(2020, "東南アジア有望市場販路拡大支援事業")]
    assert renamed.program_id == by[(2019, "東南アジア有望市場販路拡大事業")].program_id
    assert renamed.match_method == "fuzzy" and renamed.match_score >= 0.85
    assert by[(2020, "訓練校事業(訓練事業費)")].match_method == "exact"
    # Similar but different programs stay apart.
    assert (
        by[(2019, "訓練校事業(指導員派遣研修費)")].program_id
        != by[(2019, "訓練校事業(訓練事業費)")].program_id
    )
    assert by[(2020, "まったく新しい事業")].match_method == "first_seen"
    assert walk2["program_id"].str.match(r"^P[0-9a-f]{10,}$").all()


def test_release_folder_names_are_checked(tmp_path: Path) -> None:
    bad = tmp_path / "raw" / "fy 2020;rm"
    bad.mkdir(parents=True)
    shutil.copy(EDITIONS["fy2020"][0], bad / "report.pdf")
    r = nenpo("run", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("nenpo: error:") and "release folder name" in r.stderr
    assert "(skipped)" in r.stderr
    assert not (tmp_path / "curated" / "programs").exists()


def test_data_dictionary_is_current() -> None:
    current = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert current == data_dictionary(), "regenerate with: nenpo schema > docs/data-dictionary.md"
    for dataset in (
        "program_cards",
        "indicators",
        "programs",
        "program_totals",
        "program_index",
        "program_crosswalk",
    ):
        assert f"## {dataset}" in current


def test_schema_command_prints_the_dictionary(tmp_path: Path) -> None:
    r = nenpo("schema", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == data_dictionary()
