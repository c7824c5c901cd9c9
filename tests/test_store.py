"""curated/ as a store (issue 15): one lock, one journaled publish, confined recovery,
validate after run, damaged store files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.extract.source import file_sha256
from pipeline.load import load
from pipeline.run import run_release
from pipeline.validation import read_report
from schemas import MODULES
from tests.conftest import ROOT
from tests.render import CardSpec, Style, render
from tests.sample_cards import specs
from tests.test_robustness import datasets, nenpo, one_error_line, tree


def _pdf(tmp_path: Path, name: str, budget: str | None = None) -> Path:
    cards = specs()[:4]
    if budget is not None:
        cards = [CardSpec(**{**s.__dict__, "budget": budget}) for s in cards]
    folder = tmp_path / "raw" / name
    folder.mkdir(parents=True)
    return render(folder / "report.pdf", cards, Style())


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, Path]:
    """A store with one release published, and a changed copy of it to run next."""
    curated = tmp_path / "curated"
    r = nenpo("run", str(_pdf(tmp_path, "r1")), "--out", str(curated))
    assert r.returncode == 0, r.stderr
    return curated, _pdf(tmp_path, "r2", budget="1,234")


def _shas(curated: Path) -> set[str]:
    """The source each published dataset partition was read from."""
    return {
        pq.read_schema(curated / rel).metadata[b"source_sha256"].decode()
        for rel in datasets(curated)
        if "fiscal_year=" in rel
    }


def _state(curated: Path) -> dict[str, bytes]:
    """Everything a reader sees: partitions, reports, crosswalk, manifest."""
    return {k: v for k, v in tree(curated).items() if not k.startswith(".")}


# -- one publish path ------------------------------------------------------------------


# Every move of a publish, in the order it makes them, and the points around them.
PUBLISH_STEPS = [
    *(f"moved:{name}/fiscal_year=2020" for name in sorted(MODULES)),
    "moved:_validation/fiscal_year=2020",
    "moved:_validation/index.html",  # after the run's history entry
    "moved:program_crosswalk",
    "moved:_manifest.json",
]


@pytest.mark.parametrize("point", PUBLISH_STEPS)
def test_a_run_killed_at_each_publish_step_leaves_the_whole_old_state(
    store: tuple[Path, Path], point: str
) -> None:
    curated, changed = store
    before = _state(curated)
    r = nenpo("run", str(changed), "--out", str(curated), env={"NENPO_FAULT": point})
    assert r.returncode == -9
    # A reader (load) recovers what a dead publisher left: the old state, whole.
    cards = load("program_cards", out=curated)
    assert len(cards) == 4 and "program_id" in cards
    assert _state(curated) == before
    assert not (curated / "_publish_journal.json").exists()


def test_a_run_killed_after_its_moves_keeps_the_whole_new_state(store: tuple[Path, Path]) -> None:
    curated, changed = store
    r = nenpo("run", str(changed), "--out", str(curated), env={"NENPO_FAULT": "published"})
    assert r.returncode == -9
    assert (
        nenpo("status", "--out", str(curated), "--raw", str(changed.parent.parent)).returncode == 0
    )
    manifest = json.loads((curated / "_manifest.json").read_text(encoding="utf-8"))
    # The manifest came with the data (PDFs given outside raw/: named by fiscal year).
    assert manifest["releases"]["fy2020"]["sha256"] == file_sha256(changed)
    assert _shas(curated) == {file_sha256(changed)}


def _paused(point: str, *args: str) -> subprocess.Popen:
    """A nenpo command held at a fault point until a line is written to its stdin."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NENPO_PAUSE": point}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline() == f"paused at {point}\n"  # EOF if it died first
    return proc


def _started(*args: str) -> subprocess.Popen:
    """A nenpo command running beside the test."""
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _go(proc: subprocess.Popen) -> tuple[int, str]:
    out, err = proc.communicate("go\n", timeout=300)
    return proc.returncode, out + err


def test_status_and_load_during_a_publish_wait_for_it(
    store: tuple[Path, Path], tmp_path: Path
) -> None:
    curated, changed = store
    run = _paused(
        "moved:program_cards/fiscal_year=2020", "run", str(changed), "--out", str(curated)
    )
    # Half the partitions are new: a reader now would see a mix. It must wait instead.
    status = _started("status", "--out", str(curated), "--raw", str(tmp_path / "raw"))
    code, output = _go(run)
    assert code == 0, output
    out, err = status.communicate(timeout=300)
    assert status.returncode == 0, err
    assert _shas(curated) == {file_sha256(changed)}  # the publish was not rolled back
    assert f"not in raw  pass_with_warnings      48  {changed}" in out


@pytest.mark.parametrize("era", ["令和2年度", "令和3年度"])
def test_two_runs_at_once_both_publish(store: tuple[Path, Path], tmp_path: Path, era: str) -> None:
    curated, changed = store
    other = render(tmp_path / "other.pdf", specs()[:3], Style(), era_label=era)
    first = _paused("staged", "run", str(changed), "--out", str(curated))
    # The first holds the store's run lock: the second reads its PDF, then waits.
    second = _started("run", str(other), "--out", str(curated))
    code, output = _go(first)
    assert code == 0, output
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    manifest = json.loads((curated / "_manifest.json").read_text(encoding="utf-8"))
    if era == "令和2年度":  # one release: the second waited and published last, whole
        assert manifest["releases"]["fy2020"]["sha256"] == file_sha256(other)
        assert _shas(curated) == {file_sha256(other)}
    else:  # two releases: both published, no manifest entry lost
        assert manifest["releases"]["fy2020"]["sha256"] == file_sha256(changed)
        assert manifest["releases"]["fy2021"]["sha256"] == file_sha256(other)
        assert _shas(curated) == {file_sha256(changed), file_sha256(other)}
    assert not list(curated.glob(".staging-*"))


# -- confined recovery -----------------------------------------------------------------


@pytest.mark.parametrize(
    "move",
    [
        {"dst": "../victim", "old": "program_cards/.old-x", "new": True},
        {"dst": "program_cards/fiscal_year=2020", "old": "VICTIM_ABSOLUTE", "new": False},
        {"dst": "link/inside", "old": "link/.old-inside", "new": True},
    ],
)
def test_a_planted_journal_pointing_outside_the_store_deletes_nothing(
    store: tuple[Path, Path], tmp_path: Path, move: dict
) -> None:
    curated, _ = store
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    (curated / "link").symlink_to(victim, target_is_directory=True)
    move = {k: str(victim) if v == "VICTIM_ABSOLUTE" else v for k, v in move.items()}
    journal = curated / "_publish_journal.json"
    journal.write_text(json.dumps({"state": "moving", "moves": [move]}))
    before = _state(curated)
    for command in (["status", "--raw", str(tmp_path / "raw")], ["report"]):
        r = nenpo(*command, "--out", str(curated))
        assert r.returncode == 2
        assert "left alone" in one_error_line(r)
    assert (victim / "precious.txt").read_text() == "keep me"
    assert journal.exists() and _state(curated) == before


# -- validate after run ----------------------------------------------------------------


def test_validate_after_run_passes_and_keeps_the_publish_state(store: tuple[Path, Path]) -> None:
    curated, _ = store
    before = read_report(2020, curated)
    r = nenpo("validate", "--out", str(curated), "--raw", str(curated.parent / "raw"))
    assert r.returncode == 0, r.stdout + r.stderr
    after = read_report(2020, curated)
    assert after["verdict"] == before["verdict"] != "fail"
    for key in ("published", "allow_errors", "quarantine", "publish_note", "glyph_accounting"):
        assert after[key] == before[key], key
    assert [(c["id"], c["status"]) for c in after["checks"]] == [
        (c["id"], c["status"]) for c in before["checks"]
    ]


# -- damaged store files ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "command"),
    [
        ("_manifest.json", "[]", "status"),
        ("_manifest.json", '{"releases": []}', "status"),
        ("_manifest.json", "{not json", "run"),
        ("_validation/fiscal_year=2020/report.json", "[1, 2]", "report"),
        ("_validation/fiscal_year=2020/report.json", "{", "validate"),
        ("_publish_journal.json", "{torn", "status"),
        ("_publish_journal.json", '{"moves": "x"}', "report"),
        ("indicators/fiscal_year=2020/part-0.parquet", "PAR1 damaged", "validate"),
    ],
)
def test_damaged_store_files_end_in_one_line(
    store: tuple[Path, Path], tmp_path: Path, name: str, content: str, command: str
) -> None:
    curated, changed = store
    (curated / name).write_text(content)
    args = {
        "status": ["status", "--raw", str(tmp_path / "raw")],
        "run": ["run", str(changed)],
        "report": ["report"],
        "validate": ["validate", "--raw", str(tmp_path / "raw")],
    }[command]
    r = nenpo(*args, "--out", str(curated))
    assert r.returncode == 2, r.stdout + r.stderr
    line = one_error_line(r)
    assert name.split("/")[-1] in line or name.split("/")[0] in line


# -- releases --------------------------------------------------------------------------


def test_two_sources_of_one_fiscal_year_are_an_error_naming_both(tmp_path: Path) -> None:
    first = _pdf(tmp_path, "a..b")  # dots inside a name are no path: allowed
    second = _pdf(tmp_path, "other", budget="5,555")
    r = nenpo("run", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "curated"))
    assert r.returncode == 2
    line = one_error_line(r)
    assert str(second) in line and str(first) in line and "both give fiscal year 2020" in line
    assert _shas(tmp_path / "curated") == {file_sha256(first)}  # the first stays


def test_a_bad_release_folder_stops_no_other(tmp_path: Path) -> None:
    good = _pdf(tmp_path, "fy2020")
    bad = tmp_path / "raw" / "fy 2020;rm"
    bad.mkdir()
    (bad / "report.pdf").write_bytes(good.read_bytes())
    r = nenpo("run", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "curated"))
    assert r.returncode == 2
    assert one_error_line(r) == (
        f"nenpo: error: {bad}: a release folder name may hold only letters, digits, '.', '_' "
        "and '-' (skipped)"
    )
    assert _shas(tmp_path / "curated") == {file_sha256(good)}


def test_a_pdf_given_on_the_command_line_is_named_by_its_fiscal_year(tmp_path: Path) -> None:
    elsewhere = tmp_path / "some" / "where"
    elsewhere.mkdir(parents=True)
    pdf = render(elsewhere / "copy.pdf", specs()[:4], Style())
    (tmp_path / "raw").mkdir()
    curated = tmp_path / "curated"
    assert (
        nenpo("run", str(pdf), "--out", str(curated), "--raw", str(tmp_path / "raw")).returncode
        == 0
    )
    manifest = json.loads((curated / "_manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["releases"]) == ["fy2020"]
    r = nenpo("status", "--out", str(curated), "--raw", str(tmp_path / "raw"))
    rows = r.stdout.splitlines()[1:]
    assert len(rows) == 1 and rows[0].split()[:3] == ["fy2020", "2020", "not"]
    assert rows[0].endswith(str(pdf))


def test_a_staged_file_that_reads_back_different_is_not_published(
    store: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Write-audit-publish: each staged Parquet file is read back before the swap."""
    import pyarrow as pa

    from pipeline.errors import NenpoError
    from pipeline.write import parquet

    curated, changed = store
    before = _state(curated)
    real = pq.write_table

    def short_write(table: pa.Table, path: Path, **kw: object) -> None:  # a faulty writer
        real(table.slice(0, max(0, table.num_rows - 1)), path, **kw)

    monkeypatch.setattr(parquet.pq, "write_table", short_write)
    with pytest.raises(NenpoError, match="reads back different from what was written"):
        run_release(changed, out=curated)
    assert _state(curated) == before
    assert not list(curated.glob(".staging-*"))


def test_another_releases_damaged_file_leaves_this_release_published(tmp_path: Path) -> None:
    fy2021 = tmp_path / "fy2021.pdf"
    render(fy2021, specs()[:4], Style(), era_label="令和3年度")
    curated = tmp_path / "curated"
    assert nenpo("run", str(fy2021), "--out", str(curated)).returncode == 0
    (curated / "programs" / "fiscal_year=2021" / "part-0.parquet").write_bytes(b"PAR1 broken")
    r = nenpo("run", str(_pdf(tmp_path, "fy2020")), "--out", str(curated))
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith("nenpo: warning: fiscal year 2021: its published files could not")
    assert "fiscal_year=2020" in "".join(datasets(curated))
    walk = load("program_crosswalk", out=curated)
    assert set(walk["fiscal_year"]) == {2020}  # 2021 left out, and said so


def test_report_shows_the_published_report_and_apart_the_last_blocked_run(
    store: tuple[Path, Path], tmp_path: Path
) -> None:
    curated, _ = store
    folder = tmp_path / "raw" / "bad"
    folder.mkdir(parents=True)
    broken = [
        CardSpec(**{**s.__dict__, "header": ["項目名", "元年度", "12年度"]}) for s in specs()[:4]
    ]
    bad = render(folder / "report.pdf", broken, Style())  # fiscal 2030 in a 2020 report
    published = _state(curated)
    r = nenpo("run", str(bad), "--out", str(curated))
    assert r.returncode == 1
    assert "blocked/report.html" in one_error_line(r)
    # The data, its report and the manifest's published facts are the previous run's.
    # (The releases index and the history record the blocked run: they say it happened.)
    said = ("_manifest.json", "_validation/index.html")
    assert {
        k: v
        for k, v in _state(curated).items()
        if "blocked" not in k and "quarantine" not in k and "history" not in k and k not in said
    } == {k: v for k, v in published.items() if k not in said and "history" not in k}
    index = (curated / "_validation" / "index.html").read_text(encoding="utf-8")
    assert "last run blocked" in index and "fail" in index
    entry = json.loads((curated / "_manifest.json").read_text(encoding="utf-8"))["releases"][
        "fy2020"
    ]
    assert (
        entry["published"] and entry["verdict"] != "fail" and entry["blocked"]["verdict"] == "fail"
    )
    r = nenpo("report", "--out", str(curated))
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert (
        lines[0].endswith(f": {entry['verdict']}") and "published: no validation errors" in lines[1]
    )
    blocked = next(ln for ln in lines if ln.startswith("  last run blocked"))
    assert "fail, nothing of it published; failed: schema.indicators" in blocked
