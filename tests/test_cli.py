"""The command line: a real run read back from Parquet, and one clear line for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from reportlab.pdfgen import canvas

import schemas
from pipeline.load import load
from tests.conftest import ROOT


def nenpo(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=300,
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_run_with_no_pdf_processes_raw_and_writes_readable_parquet(tmp_path: Path) -> None:
    out = tmp_path / "curated"
    r = nenpo("run", "--raw", str(ROOT / "raw"), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "fiscal_year 2020" in r.stdout
    assert "program_cards" in r.stdout and "130 rows" in r.stdout
    assert "indicators" in r.stdout and "801 rows" in r.stdout  # 758 cells, some in parts
    assert "0 error(s), 19 warning(s)" in r.stdout
    cards = ds.dataset(out / "program_cards", format="parquet", partitioning="hive").to_table()
    assert cards.num_rows == 130
    assert set(cards.column("fiscal_year").to_pylist()) == {2020}
    ind = ds.dataset(out / "indicators", format="parquet", partitioning="hive").to_table()
    assert ind.num_rows == 801

    # Same input → same bytes, and the same report but for its declared run time.
    def snapshot() -> tuple[dict, dict]:
        report = json.loads(
            (out / "_validation" / "fiscal_year=2020" / "report.json").read_text(encoding="utf-8")
        )
        report.pop("generated_at")
        return {k: v for k, v in tree(out).items() if k.endswith(".parquet")}, report

    before = snapshot()
    again = nenpo("run", str(ROOT / "raw" / "fy2020" / "report.pdf"), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert snapshot() == before
    assert len(before[0]) == 9  # eight datasets and the program crosswalk


def test_duckdb_reads_the_hive_layout(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "curated"
    assert (
        nenpo("run", str(ROOT / "raw" / "fy2020" / "report.pdf"), "--out", str(out)).returncode == 0
    )
    con = duckdb.connect()
    n, fy = con.execute(
        f"select count(*), min(fiscal_year) from read_parquet('{out}/indicators/*/*.parquet', hive_partitioning=true)"
        " where part_no is null or part_no = 1"  # one row per cell: a split cell's first part
    ).fetchone()
    assert (n, fy) == (758, 2020)
    # One fiscal_year type: the partitions' read as INTEGER, as the crosswalk's file holds it.
    typed = f"read_parquet('{out}/indicators/*/*.parquet', hive_partitioning=true, hive_types={{'fiscal_year': INTEGER}})"
    walk = f"read_parquet('{out}/program_crosswalk/*.parquet')"
    kinds = {
        row[1]
        for q in (typed, walk)
        for row in con.execute(f"describe select fiscal_year from {q}").fetchall()
    }
    assert kinds == {"INTEGER"}
    joined = con.execute(
        f"select count(*) from {typed} i join {walk} w using (fiscal_year, program_key)"
    ).fetchone()
    assert joined == (801,)
    # `nenpo sql`: the same reading as views, one per dataset, from any directory.
    printed = nenpo("sql", "--out", str(out))
    assert printed.returncode == 0, printed.stderr
    con = duckdb.connect()
    con.execute(printed.stdout)
    views = {
        r[0]
        for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()
    }
    assert views == set(schemas.DATASETS) | set(schemas.CROSS_RELEASE)
    for view in views:
        (kind,) = {
            r[1] for r in con.execute(f'describe select fiscal_year from "{view}"').fetchall()
        }
        (count,) = con.execute(f'select count(*) from "{view}"').fetchone()
        assert (kind, count) == ("INTEGER", len(load(view, out=out))), view
    assert con.execute(
        "select count(*) from indicators join program_crosswalk using (fiscal_year, program_key)"
    ).fetchone() == (801,)


def test_sql_over_an_empty_store_says_so(tmp_path: Path) -> None:
    r = nenpo("sql", "--out", str(tmp_path / "nothing"))
    assert r.returncode == 2 and "nothing published" in r.stderr and "Traceback" not in r.stderr


def _write_pdf(
    path: Path, text: str | None = None, encrypt: str | None = None, shapes_only: bool = False
) -> Path:
    c = canvas.Canvas(str(path), encrypt=encrypt)
    if shapes_only:
        c.rect(72, 72, 300, 300, fill=1)  # a scanned page: an image, no text
    else:
        c.drawString(72, 720, text or "Invoice 2021")
    c.save()
    return path


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BAD_INPUTS = {
    "missing file": (lambda d: d / "nope.pdf", "no such file"),
    "directory": (lambda d: d, "is a directory"),
    "empty file": (lambda d: _file(d / "empty.pdf", b""), "empty file"),
    "text named .pdf": (lambda d: _file(d / "t.pdf", b"hello\n"), "not a PDF"),
    "encrypted": (lambda d: _write_pdf(d / "enc.pdf", "x", encrypt="secret"), "encrypted"),
    "no text layer": (
        lambda d: _write_pdf(d / "scan.pdf", shapes_only=True),
        "no text layer — OCR is not supported",
    ),
    "another document": (
        lambda d: _write_pdf(d / "other.pdf", "Invoice 2021"),
        "does not look like",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2_and_curated_untouched(tmp_path: Path, case: str) -> None:
    make, message = BAD_INPUTS[case]
    inputs = tmp_path / "in"
    inputs.mkdir()
    pdf = make(inputs)
    out = tmp_path / "curated"
    (out / "program_cards" / "fiscal_year=2020").mkdir(parents=True)
    (out / "program_cards" / "fiscal_year=2020" / "part-0.parquet").write_bytes(b"previous data")
    before = tree(out)
    r = nenpo("run", str(pdf), "--out", str(out))
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nenpo: error:"), r.stderr
    assert message in lines[0]
    assert "Traceback" not in r.stderr
    assert tree(out) == before


def test_python_m_pipeline_help() -> None:
    r = nenpo("--help")
    assert r.returncode == 0 and "run" in r.stdout


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    r = nenpo("run", "--jobs", "0", "--out", str(tmp_path / "curated"))
    assert r.returncode == 2
    assert "--jobs" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "curated").exists()


def test_debug_draws_what_the_extractor_saw_on_a_page(tmp_path: Path) -> None:
    from PIL import Image

    from tests.render import Style, render
    from tests.sample_cards import specs

    pdf = render(tmp_path / "mini.pdf", specs()[:2], Style())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    png = tmp_path / "p2.png"
    r = subprocess.run(
        [sys.executable, "-m", "pipeline", "debug", str(pdf), "--page", "2", "--out", str(png)],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    layers = {
        k: int(n) for k, n in (ln.strip().rsplit(None, 1) for ln in r.stdout.splitlines()[1:])
    }
    assert layers["card"] == 2 and layers["indicator row"] >= 2 and layers["page label"] == 1
    assert {"rule", "table", "cell", "card text", "heading"} <= set(layers)
    assert "unassigned" not in layers
    with Image.open(png) as im:
        assert im.size[0] > 500 and im.size[1] > 700
        # Something was drawn in the layers' colours (the card outline is orange).
        colours = im.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert any(r > 200 and 100 < g < 160 and b < 60 for _, (r, g, b) in colours)
    r = subprocess.run(
        [sys.executable, "-m", "pipeline", "debug", str(pdf), "--page", "99"],
        capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert (
        r.returncode == 2 and r.stderr.startswith("nenpo: error:") and "no PDF page 99" in r.stderr
    )


def test_an_internal_error_is_exit_3_with_one_line_and_a_traceback_on_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from pipeline import releases
    from pipeline.cli import DEBUG, cli

    def broken(*_a: object, **_k: object) -> None:
        raise KeyError("policy_no")  # a bug, not bad input

    monkeypatch.setattr(releases, "run_pending", broken)
    monkeypatch.setattr(releases, "read_manifest", broken)
    monkeypatch.setitem(DEBUG, "on", False)
    for command in (["run", "--out", str(tmp_path)], ["status", "--out", str(tmp_path)]):
        r = CliRunner().invoke(cli, command)
        assert r.exit_code == 3, r.output
        lines = r.stderr.strip().splitlines()
        assert lines == [
            "nenpo: internal error: KeyError: 'policy_no' (a bug: re-run with --debug for the traceback)"
        ]
    r = CliRunner().invoke(cli, ["--debug", "status", "--out", str(tmp_path)])
    assert r.exit_code == 3
    assert "Traceback (most recent call last)" in r.stderr and "KeyError" in r.stderr


def test_out_naming_a_file_is_bad_input(tmp_path: Path) -> None:
    target = tmp_path / "README.md"
    target.write_text("mine")
    r = nenpo("run", str(ROOT / "raw" / "fy2020" / "report.pdf"), "--out", str(target))
    assert r.returncode == 2
    assert (
        r.stderr.strip()
        == f"nenpo: error: {target}: not a folder (--out names the folder nenpo publishes to)"
    )
    assert target.read_text() == "mine"


def test_what_reaches_the_terminal_is_escaped() -> None:
    from pipeline.summaries import one_line

    assert one_line("名前\u202eevil\x1b[31m\nnext") == "名前\\u202eevil\\u001b[31m next"


def test_help_and_status_import_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    """`nenpo --help` and `nenpo status` answer without pandas, pandera, pyarrow or
    pdfplumber (importing them took most of a second): each command imports what it uses."""
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pipeline.cli import cli\n"
        "for args in (['--help'], ['status', '--out', sys.argv[1], '--raw', sys.argv[2]]):\n"
        "    r = CliRunner().invoke(cli, args)\n"
        "    assert r.exit_code == 0, (args, r.output)\n"
        "heavy = ('pandas', 'pandera', 'pyarrow', 'pdfplumber', 'pdfminer')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    raw = tmp_path / "raw" / "fy2020"
    raw.mkdir(parents=True)
    (raw / "report.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    r = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "curated"), str(tmp_path / "raw")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
