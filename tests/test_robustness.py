"""Hostile and broken input, resource bounds, crashes mid-run, fuzzing, normalizer properties."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import cli
from pipeline.normalize.era import parse_period, parse_year_label
from pipeline.normalize.text import join_wrapped, program_key
from pipeline.normalize.values import parse_number, parse_value
from schemas.vocabulary import ValueStatus
from tests.conftest import EDITIONS, ROOT
from tests.render import CardSpec, Style, render
from tests.sample_cards import specs


def nenpo(
    *args: str, env: dict | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=300,
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def datasets(folder: Path) -> dict[str, bytes]:
    return {
        k: v
        for k, v in tree(folder).items()
        if k.endswith(".parquet") and not k.startswith(("_", "."))
    }


def one_error_line(r: subprocess.CompletedProcess) -> str:
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nenpo: error:"), r.stderr
    assert "Traceback" not in r.stderr
    return lines[0]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A four-page report (cover and three numbered card pages), published to tmp curated/."""
    pdf = render(tmp_path / "mini.pdf", specs(), Style())
    r = nenpo("run", str(pdf), "--out", str(tmp_path / "curated"))
    assert r.returncode == 0, r.stderr
    return pdf


# -- the catalogue of bad inputs -----------------------------------------------------


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_truncated_pdf(tmp_path: Path, mini: Path, fraction: float) -> None:
    data = EDITIONS["fy2020"][0].read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: int(len(data) * fraction)])
    before = tree(tmp_path / "curated")
    r = nenpo("run", str(cut), "--out", str(tmp_path / "curated"))
    assert r.returncode == 2
    assert "truncated PDF (no %%EOF end marker)" in one_error_line(r)
    assert tree(tmp_path / "curated") == before


def test_broken_xref_is_recovered_and_the_run_still_validates(tmp_path: Path, mini: Path) -> None:
    data = mini.read_bytes()
    start = data.rindex(b"startxref")
    broken = (
        data[:start] + b"startxref\n99999999\n%%EOF\n"
    )  # points nowhere: the parser must rebuild it
    bad = tmp_path / "xref.pdf"
    bad.write_bytes(broken)
    before = datasets(tmp_path / "curated")
    r = nenpo("run", str(bad), "--out", str(tmp_path / "curated"))
    assert r.returncode == 0, r.stderr
    # Recovered and validated: the same rows as from the intact file.
    assert_same_tables(tmp_path / "curated", before)


def test_what_the_parser_repairs_opening_a_file_is_a_finding_not_stderr(
    tmp_path: Path, mini: Path
) -> None:
    data = mini.read_bytes()
    at = data.rindex(b" 00000 n", 0, data.rindex(b"trailer")) - 10
    bad = tmp_path / "entry.pdf"  # the last xref entry's offset unreadable: pdfminer logs it
    bad.write_bytes(data[:at] + b"00000B0000" + data[at + 10 :])
    r = nenpo("run", str(bad), "--out", str(tmp_path / "curated"))
    # An object lost is data loss: exit 1, and nothing on stderr but nenpo's own line.
    assert r.returncode == 1, r.stderr
    assert "failed: document.parser_data_loss" in one_error_line(r)
    report = json.loads(
        (
            tmp_path / "curated" / "_validation" / "fiscal_year=2020" / "blocked" / "report.json"
        ).read_text()
    )
    cases = [
        case["message"]
        for c in report["checks"]
        if c["id"].startswith("document.parser")
        for case in c["cases"]
    ]
    assert any("opening the PDF: Not adding object" in m for m in cases), cases


def assert_same_tables(curated: Path, before: dict[str, bytes]) -> None:
    """The published tables hold the same rows as the files `before` (metadata aside)."""
    for name in before:
        assert pq.read_table(curated / name).equals(pq.read_table(pa.BufferReader(before[name]))), (
            name
        )


def _encrypted(src: Path, dst: Path, user_password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(src)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    with dst.open("wb") as f:
        writer.write(f)
    return dst


def test_encrypted_without_a_user_password_is_read(tmp_path: Path, mini: Path) -> None:
    locked = _encrypted(mini, tmp_path / "owner-only.pdf", user_password="")
    before = datasets(tmp_path / "curated")
    r = nenpo("run", str(locked), "--out", str(tmp_path / "curated"))
    assert r.returncode == 0, r.stderr
    assert_same_tables(tmp_path / "curated", before)


def test_encrypted_with_a_user_password_is_refused(tmp_path: Path, mini: Path) -> None:
    locked = _encrypted(mini, tmp_path / "locked.pdf", user_password="user-secret")
    before = tree(tmp_path / "curated")
    r = nenpo("run", str(locked), "--out", str(tmp_path / "curated"))
    assert r.returncode == 2 and "encrypted PDF" in one_error_line(r)
    assert tree(tmp_path / "curated") == before


def _rewrite_pages(src: Path, dst: Path, order: list[int]) -> Path:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(str(src))
    writer = PdfWriter()
    for i in order:
        writer.add_page(reader.pages[i])
    with dst.open("wb") as f:
        writer.write(f)
    return dst


@pytest.mark.parametrize(
    "order,why", [([0, 1, 3], "1 page(s) missing"), ([0, 2, 1, 3], "out of order")]
)
def test_pages_missing_or_shuffled_fail_validation(
    tmp_path: Path, mini: Path, order: list[int], why: str
) -> None:
    bad = _rewrite_pages(mini, tmp_path / "bad.pdf", order)
    before = datasets(tmp_path / "curated")
    r = nenpo("run", str(bad), "--out", str(tmp_path / "curated"))
    assert r.returncode == 1
    assert "validation error(s); nothing published" in one_error_line(r)
    assert datasets(tmp_path / "curated") == before
    from pipeline.validation import read_report

    report = read_report(2020, tmp_path / "curated", blocked=True)
    check = next(c for c in report["checks"] if c["id"] == "document.page_sequence")
    assert check["status"] == "fail" and any(why in case["message"] for case in check["cases"])


@pytest.mark.parametrize("folder", ["fy 2020", "fy2020;rm -rf", "fy\\2020", "-fy2020"])
def test_release_folder_names_that_could_mislead_are_refused(tmp_path: Path, folder: str) -> None:
    (tmp_path / "raw" / folder).mkdir(parents=True)
    (tmp_path / "raw" / folder / "report.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    r = nenpo("run", cwd=tmp_path)
    assert r.returncode == 2 and "release folder name" in one_error_line(r)
    assert not (tmp_path / "curated").exists() or not any((tmp_path / "curated").iterdir())


def test_special_characters_from_the_pdf_stay_inert_in_json_and_html(tmp_path: Path) -> None:
    import json

    name = '"}]</script><img src=x onerror=alert(1)>\\u0000事業'
    pdf = render(
        tmp_path / "x.pdf",
        [CardSpec(**{**specs()[0].__dict__, "name": name, "budget": "-"})],
        Style(),
    )
    r = nenpo("run", str(pdf), "--out", str(tmp_path / "curated"))
    assert r.returncode == 0, r.stderr
    folder = tmp_path / "curated" / "_validation" / "fiscal_year=2020"
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))  # still valid JSON
    messages = [case["message"] for c in report["checks"] for case in c["cases"]]
    assert any("</script><img src=x onerror=alert(1)>" in m for m in messages)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# -- resource bounds -----------------------------------------------------------------


@pytest.mark.parametrize(
    "flags,message",
    [
        (["--max-file-mb", "0.01"], "MB is over the limit of 0.01 MB (--max-file-mb)"),
        (["--max-pages", "2"], "pages is over the limit of 2 (--max-pages)"),
        (
            ["--page-timeout", "0.000001"],
            "page 1 took longer than 1e-06s to read (--page-timeout)",
        ),
    ],
)
def test_resource_limits(tmp_path: Path, mini: Path, flags: list[str], message: str) -> None:
    before = tree(tmp_path / "curated")
    r = nenpo("run", str(mini), "--out", str(tmp_path / "curated"), *flags)
    assert r.returncode == 2
    assert message in one_error_line(r)
    assert tree(tmp_path / "curated") == before


# -- crash safety --------------------------------------------------------------------


@pytest.mark.parametrize("point", ["read", "validated", "staged", "publishing", "published"])
def test_a_run_killed_at_any_point_leaves_curated_intact(
    tmp_path: Path, mini: Path, point: str
) -> None:
    curated = tmp_path / "curated"
    previous = datasets(curated)
    changed = render(
        tmp_path / "v2.pdf",
        [CardSpec(**{**s.__dict__, "budget": "1,234"}) for s in specs()[:4]],
        Style(),
    )
    r = nenpo("run", str(changed), "--out", str(curated), env={"NENPO_FAULT": point})
    assert r.returncode == -9  # SIGKILL
    # Whatever the moment, every published file is a whole, readable Parquet file.
    for rel in datasets(curated):
        pq.read_table(curated / rel)
    # Status (like any command) rolls an interrupted publish back; a publish that had
    # completed its moves is kept.
    assert nenpo("status", "--out", str(curated), cwd=tmp_path).returncode in (0, 2)
    after = datasets(curated)
    if point == "published":
        assert after != previous and set(after) == set(previous)
    else:
        assert after == previous
    assert not list(curated.rglob(".old-*")) and not (curated / "_publish_journal.json").exists()
    # The next run cleans the killed run's staging and publishes normally.
    r = nenpo("run", str(changed), "--out", str(curated))
    assert r.returncode == 0, r.stderr
    assert not list(curated.glob(".staging-*"))


# -- fuzzing -------------------------------------------------------------------------


def _mutations(data: bytes, rng: random.Random, n: int) -> list[tuple[str, bytes]]:
    objs = [m.start() for m in re.finditer(rb"\d+ 0 obj", data)]
    out = []
    for i in range(n):
        kind = i % 4
        b = bytearray(data)
        if kind == 0:  # byte flips
            for _ in range(rng.randint(1, 20)):
                pos = rng.randrange(len(b))
                b[pos] = rng.randrange(256)
            out.append((f"flip-{i}", bytes(b)))
        elif kind == 1:  # cut, end marker kept so the parser really tries
            cut = rng.randrange(16, len(b))
            out.append((f"cut-{i}", bytes(b[:cut]) + b"\n%%EOF\n"))
        elif kind == 2:  # a duplicated object
            start = rng.choice(objs)
            end = data.find(b"endobj", start) + len(b"endobj")
            at = rng.choice(objs)
            out.append((f"dup-{i}", data[:at] + data[start:end] + b"\n" + data[at:]))
        else:  # a deleted span
            a = rng.randrange(len(b))
            out.append((f"del-{i}", bytes(b[:a]) + bytes(b[a + rng.randint(1, 400) :])))
    return out


def _published(out: Path) -> dict[str, int]:
    """The published dataset files and their mtimes: what a non-zero exit must leave."""
    return {
        str(p.relative_to(out)): p.stat().st_mtime_ns
        for p in out.rglob("*.parquet")
        if not str(p.relative_to(out)).startswith(("_", "."))
    }


def test_fuzzed_pdfs_end_in_a_clean_exit(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """`pytest --fuzz=N` runs N mutations (CI a fixed 240): no traceback, no hang (the page
    timeout), exit 0, 1 or 2, one stderr line on a non-zero exit and nothing published."""
    base = render(tmp_path / "base.pdf", specs()[:2], Style()).read_bytes()
    runner = CliRunner()
    codes: dict[int, int] = {}
    out = tmp_path / "curated"
    cases = request.config.getoption("--fuzz")
    for name, data in _mutations(base, random.Random(20261128), cases):
        pdf = tmp_path / f"{name}.pdf"
        pdf.write_bytes(data)
        before = _published(out) if out.exists() else {}
        result = runner.invoke(cli, ["run", str(pdf), "--out", str(out), "--page-timeout", "10"])
        codes[result.exit_code] = codes.get(result.exit_code, 0) + 1
        assert result.exit_code in (0, 1, 2), (name, result.output, result.exception)
        assert "Traceback" not in result.output + result.stderr, name
        if result.exit_code:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("nenpo: "), (name, result.stderr)
            assert (_published(out) if out.exists() else {}) == before, name
        pdf.unlink()
    # The mutations really exercise both outcomes.
    assert codes.get(2, 0) > cases // 12 and codes.get(0, 0) + codes.get(1, 0) > cases // 12, codes
    shutil.rmtree(tmp_path / "curated", ignore_errors=True)


# -- normalizer properties -----------------------------------------------------------


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_normalizers_never_raise(text: str) -> None:
    v = parse_value(text)
    assert v.status in ValueStatus.values()
    assert (v.value is None) or v.status == "reported"
    parse_number(text)
    parse_year_label(text, "令和")
    parse_year_label(text, None)
    parse_period(text)
    program_key(text)
    join_wrapped([text, text])


@given(st.integers(min_value=0, max_value=10**12))
def test_numbers_round_trip(n: int) -> None:
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n)) == n
    v = parse_value(f"{n:,}件")
    assert (v.value, v.unit, v.status) == (n, "件", "reported")
    assert parse_value(f"約{n}名").qualifier == "約"


@given(st.integers(min_value=1, max_value=60))
def test_era_years_round_trip(n: int) -> None:
    assert parse_year_label(f"令和{n}年度", None) == 2018 + n
    assert parse_year_label(f"{n}年度", "令和") == 2018 + n
    assert parse_year_label(f"R{n}", None) == 2018 + n
    assert parse_year_label(f"平成{n}年度", None) == 1988 + n


@given(st.integers(min_value=1, max_value=30), st.integers(min_value=0, max_value=30))
def test_periods_round_trip(start: int, length: int) -> None:
    p = parse_period(f"R{start}-R{start + length}")
    assert (p.start, p.end) == (2018 + start, 2018 + start + length)
    assert parse_period(f"R{start}-{start + length}").end == 2018 + start + length
    assert parse_period(f"H{start}-").open_ended


@given(st.text())
def test_program_key_is_idempotent(text: str) -> None:
    assert program_key(program_key(text)) == program_key(text)


def test_the_page_timeout_covers_the_pages_table_finding(mini: Path) -> None:
    """Page-local work after the parse (lines, tables: `prepare`) is timed with it: a
    ruling bomb whose tables take long is stopped by --page-timeout, not run to the end."""
    from pipeline.errors import InputError
    from pipeline.extract.document import open_document
    from pipeline.extract.source import Limits

    def endless_tables(layout) -> None:  # noqa: ANN001 - a page layout
        while True:  # what an O(n²) table finder is to a page of 80,000 rulings
            pass

    with pytest.raises(
        InputError, match=r"page 1 took longer than 0.2s to read \(--page-timeout\)"
    ):
        open_document(mini, limits=Limits(page_timeout_s=0.2), prepare=endless_tables)


def test_a_page_with_too_many_objects_stops_with_its_page_and_the_limit(
    tmp_path: Path, mini: Path
) -> None:
    before = tree(tmp_path / "curated")
    r = nenpo("run", str(mini), "--out", str(tmp_path / "curated"), "--max-page-objects", "50")
    assert r.returncode == 2
    assert re.search(
        r"page 2 holds \d+ glyphs and rulings, over the limit of 50 \(--max-page-objects\)",
        one_error_line(r),
    )
    assert tree(tmp_path / "curated") == before


def test_crossing_rulings_are_found_without_trying_every_pair() -> None:
    """80,000 short rulings in a grid: each vertical one meets the two horizontal ones at
    its ends, found by bisection (every pair would be 1.2 billion comparisons)."""
    from pipeline.extract.layout import Rule
    from pipeline.extract.stacking import crossing_components

    hrules = [Rule(True, 10.0 * r, 10.0 * c, 10.0 * c + 4) for r in range(200) for c in range(100)]
    vrules = [
        Rule(False, 10.0 * c, 10.0 * r, 10.0 * r + 10) for r in range(199) for c in range(300)
    ]
    components = crossing_components(hrules, vrules)
    grids = [c for c in components if len(c[0]) >= 2 and len(c[1]) >= 1]
    # Columns 0..99 of vertical rules touch the horizontal pieces; the rest touch none.
    assert len(grids) == 100 and all(len(h) == 200 and len(v) == 199 for h, v in grids)
