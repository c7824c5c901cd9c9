"""The validation report (JSON and HTML) and write-audit-publish."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.cli import Progress
from pipeline.errors import ValidationFailed
from pipeline.run import run_release
from pipeline.validation import read_report, report_cases
from tests.conftest import EDITIONS, ROOT
from tests.render import CardSpec, Style, render
from tests.sample_cards import specs

CHECK_KEYS = {
    "id", "kind", "description", "severity", "datasets", "status", "blocking", "not_run_reason",
    "count", "cases", "open", "accepted",
}  # fmt: skip
CASE_KEYS = {
    "message", "severity", "check", "dataset", "page", "printed_page", "bbox", "key", "observed",
    "expected", "other", "id", "review",
}  # fmt: skip


def test_report_json_structure(curated) -> None:
    edition, out, result = curated
    report = read_report(result.fiscal_year, out)
    assert report["schema_version"] == "1"
    assert set(report) >= {
        "schema_version",
        "pipeline_version",
        "generated_at",
        "source",
        "release",
        "verdict",
        "published",
        "allow_errors",
        "publish_note",
        "datasets",
        "summary",
        "checks",
        "quarantine",
    }
    assert report["source"]["file"] == "report.pdf" and len(report["source"]["sha256"]) == 64
    assert report["release"]["fiscal_year"] == result.fiscal_year
    assert report["verdict"] == "pass_with_warnings" and report["published"] is True
    assert set(report["datasets"]) == {
        "program_cards",
        "indicators",
        "programs",
        "program_totals",
        "program_index",
        "statistics",
        "figures",
        "narrative",
    }
    assert {k: v["rows"] for k, v in report["datasets"].items()} == result.rows
    assert all(v["quarantined"] == 0 for v in report["datasets"].values())
    s = report["summary"]
    assert s["checks"] == len(report["checks"]) == s["passed"] + s["warned"] + s["failed"]
    assert s["failed"] == 0 and s["cases"] == sum(c["count"] for c in report["checks"])
    ids = [c["id"] for c in report["checks"]]
    assert len(ids) == len(set(ids))
    for check in report["checks"]:
        assert set(check) == CHECK_KEYS
        assert check["severity"] in ("error", "warning")
        assert check["status"] == ("pass" if not check["cases"] else "warn")
        for case in check["cases"]:
            assert set(case) == CASE_KEYS
            assert case["page"] is not None and case["printed_page"] == case["page"] - 2
    # The html sits beside it.
    assert (out / "_validation" / f"fiscal_year={result.fiscal_year}" / "report.html").is_file()


def _mini(tmp_path: Path, filename: str, **changes) -> Path:
    """A two-card report rendered by the test typesetter; `changes` alter card 1."""
    cards = specs()[:2]
    cards[0] = CardSpec(**{**cards[0].__dict__, **changes})
    return render(tmp_path / filename, cards, Style())


def _datasets(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*.parquet"))
        if not str(p.relative_to(out)).startswith(("_", "."))
    }


def first_report_verdict(out: Path, first) -> str:  # noqa: ANN001 - a RunResult
    import json

    return json.loads(first.report_path.read_text(encoding="utf-8"))["verdict"]


def test_errors_block_publishing_keep_previous_data_and_quarantine_rows(tmp_path: Path) -> None:
    out = tmp_path / "curated"
    clean = _mini(tmp_path, "clean.pdf")
    first = run_release(clean, out=out)
    assert first.published and not first.errors
    before = _datasets(out)
    assert before

    # A typo in one table header: "12年度" is fiscal 2030, after the report's own year.
    header = ["項目名", "元年度", "12年度"]
    altered = _mini(tmp_path, "altered.pdf", header=header)
    with pytest.raises(ValidationFailed, match="nothing published, previous data kept"):
        run_release(altered, out=out)
    assert _datasets(out) == before
    assert not list(out.glob(".staging-*"))

    # The published report stays what the data is; the blocked run's stands beside it.
    assert read_report(2020, out)["verdict"] == first_report_verdict(out, first)
    report = read_report(2020, out, blocked=True)
    assert report["verdict"] == "fail" and report["published"] is False
    assert "not published" in report["publish_note"]
    failed = [c for c in report["checks"] if c["status"] == "fail"]
    assert [c["id"] for c in failed] == ["schema.indicators"]
    case = failed[0]["cases"][0]
    assert "period_year_within_report_range" in case["check"]
    assert case["page"] == 2 and case["printed_page"] == 1 and len(case["bbox"]) == 4

    # The reviewer's page: the failed check, its case, its page numbers and a crop.
    blocked = out / "_validation" / "fiscal_year=2020" / "blocked"
    html = (blocked / "report.html").read_text(encoding="utf-8")
    assert "schema.indicators" in html and "printed page 1, PDF page 2" in html
    assert re.search(
        r'<img alt="PDF page 2 around the record" src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"',
        html,
    )

    # The failing rows are kept, with the checks they failed.
    q = pq.read_table(
        out / "_quarantine" / "indicators" / "fiscal_year=2020" / "part-0.parquet"
    ).to_pylist()
    rows = len(specs()[0].rows)
    assert len(q) == rows
    assert {r["period_label"] for r in q} == {"12年度"}
    assert all(
        r["failed_checks"] == ["schema.indicators.row.period_year_within_report_range"] for r in q
    )
    assert report["quarantine"]["indicators"]["rows"] == rows
    assert report["datasets"]["indicators"]["quarantined"] == rows
    assert 'href="../../../_quarantine/indicators/fiscal_year=2020/part-0.parquet"' in html

    # --allow-errors publishes the rows that pass and says so; the failing ones stay in quarantine.
    result = run_release(altered, out=out, allow_errors=True)
    assert result.published
    published = pq.read_table(
        out / "indicators" / "fiscal_year=2020" / "part-0.parquet"
    ).to_pylist()
    assert "12年度" not in {r["period_label"] for r in published}
    assert len(published) == result.rows["indicators"] - rows
    report = read_report(2020, out)
    assert (
        report["published"]
        and report["allow_errors"]
        and "despite validation errors" in report["publish_note"]
    )
    assert not blocked.exists()  # a publish supersedes the blocked run

    # A clean run again clears the stale quarantine.
    run_release(clean, out=out)
    assert not (out / "_quarantine" / "indicators" / "fiscal_year=2020").exists()
    assert _datasets(out) == before


def test_pdf_text_is_escaped_in_the_html(tmp_path: Path) -> None:
    out = tmp_path / "curated"
    # A 事業費 printed "-" is a warning whose case names the card.
    pdf = _mini(tmp_path, "x.pdf", name='<script>alert("x")</script>事業 & "quotes"', budget="-")
    run_release(pdf, out=out)
    html = (out / "_validation" / "fiscal_year=2020" / "report.html").read_text(encoding="utf-8")
    # (The name as cleaned: spaces beside Japanese text and symbols are typesetting.)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;事業&amp;&quot;quotes&quot;" in html
    assert '<script>alert("x")' not in html
    # Exactly one script element: the report's own filter script.
    assert html.count("<script>") == 1


CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)


def _chromium_dump(html: Path | str, profile: Path) -> tuple[str, list[str]]:
    r = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            html.as_uri() if isinstance(html, Path) else html,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    console = [line for line in r.stderr.splitlines() if ":CONSOLE" in line]
    return r.stdout, console


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Chromium not installed (CI installs it)"
)
def test_html_renders_in_headless_chromium_without_console_errors(curated, tmp_path: Path) -> None:
    assert CHROMIUM, "CI must install Chromium (see .ci/run)"
    # The probe can fail: a page with a script error is caught.
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>")
    _, console = _chromium_dump(bad, tmp_path / "profile-bad")
    assert any("undefinedFunction" in line for line in console)

    edition, out, result = curated
    html = out / "_validation" / f"fiscal_year={result.fiscal_year}" / "report.html"
    dom, console = _chromium_dump(html, tmp_path / "profile")
    assert console == []
    assert 'id="summary"' in dom and "Verdict: pass_with_warnings" in dom
    assert 'class="check warn"' in dom  # the filter script ran and left warned checks visible
    assert "hidden" not in re.findall(r'<section id="[^"]*" class="([^"]*)"', dom)[0]


def test_validate_and_report_commands(curated, tmp_path: Path) -> None:
    edition, src, result = curated
    out = tmp_path / "curated"
    shutil.copytree(src, out)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    fy = str(result.fiscal_year)

    def nenpo(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pipeline", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )

    r = nenpo("report", fy, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert (
        f"fiscal_year {fy}" in r.stdout
        and "pass_with_warnings" in r.stdout
        and "report.html" in r.stdout
    )

    r = nenpo("validate", fy, "--out", str(out), "--raw", str(tmp_path / "no-raw"))
    assert r.returncode == 0, r.stderr
    assert "0 failed" in r.stdout

    # Break the published data: a negative budget fails its schema check on re-validation.
    path = out / "program_cards" / f"fiscal_year={fy}" / "part-0.parquet"
    table = pq.read_table(path)
    budgets = table.column("budget_kyen").to_pylist()
    budgets[0] = -1
    table = table.set_column(
        table.schema.get_field_index("budget_kyen"),
        table.schema.field("budget_kyen"),
        pa.array(budgets, pa.int64()),
    )
    pq.write_table(table, path)
    r = nenpo("validate", fy, "--out", str(out))
    assert r.returncode == 1
    assert "fail schema.program_cards" in r.stdout
    assert read_report(int(fy), out)["verdict"] == "fail"
    # A report whose verdict is fail: `nenpo report` says so with its exit code too.
    r = nenpo("report", fy, "--out", str(out))
    assert r.returncode == 1 and ": fail" in r.stdout

    r = nenpo("report", "1999", "--out", str(out))
    assert r.returncode == 2 and r.stderr.startswith("nenpo: error:")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_and_stays_quiet_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    tty = _Tty()
    p = Progress(tty)
    p("reading page 1/125")
    p("validating")
    p.done()
    assert "reading page 1/125" in tty.getvalue() and "\rvalidating" in tty.getvalue()

    piped = io.StringIO()
    Progress(piped)("reading page 1/125")
    assert piped.getvalue() == ""

    monkeypatch.setenv("CI", "true")
    ci = _Tty()
    Progress(ci)("reading page 1/125")
    assert ci.getvalue() == ""


def test_cli_exits_1_with_one_line_when_validation_blocks(tmp_path: Path) -> None:
    altered = _mini(tmp_path, "altered.pdf", header=["項目名", "元年度", "12年度"])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(altered), "--out", str(tmp_path / "curated")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert (
        len(lines) == 1
        and "validation error(s); nothing published" in lines[0]
        and "report.html" in lines[0]
    )
    # The summary on stdout names the failing checks first, with their pages.
    out_lines = r.stdout.splitlines()
    first_case = next(i for i, ln in enumerate(out_lines) if ln.startswith("    error ["))
    assert "[indicator_header_years]" in r.stdout or "error [" in out_lines[first_case]
    assert all("warning [" not in ln for ln in out_lines[:first_case])
    assert "NOT published" in r.stdout


def test_crops_rendered_by_the_workers_equal_those_rendered_here(curated) -> None:
    from pipeline.extract.readers import PageReaders
    from pipeline.validate.crops import headers_of, render_crops, start_crops
    from pipeline.validation import report_cases

    edition, out, result = curated
    report = read_report(result.fiscal_year, out)
    pdf = EDITIONS[edition][0]
    here = render_crops(pdf, report_cases(report), headers_of(report))
    assert len(here) >= 8  # enough for the hand-off to two workers
    with PageReaders(2) as readers:
        assert start_crops(pdf, report, readers)() == here


def test_crops_fall_back_to_this_process_when_the_workers_break(
    curated, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from pipeline.extract.readers import PageReaders
    from pipeline.validate.crops import headers_of, render_crops, start_crops
    from pipeline.validation import report_cases

    class BrokenReaders(PageReaders):
        def submit(self, *args: object) -> Future:
            future: Future = Future()
            future.set_exception(BrokenProcessPool("killed"))
            return future

    edition, out, result = curated
    report = read_report(result.fiscal_year, out)
    pdf = EDITIONS[edition][0]
    with BrokenReaders(2) as readers:
        assert start_crops(pdf, report, readers)() == render_crops(
            pdf, report_cases(report), headers_of(report)
        )


def test_report_accounts_for_every_glyph_and_says_each_checks_kind(curated) -> None:
    edition, out, result = curated
    report = read_report(result.fiscal_year, out)
    acc = report["glyph_accounting"]
    t = acc["totals"]
    assert t["glyphs"] > 60000 and t["unassigned"] == 0 and t["assigned_twice"] == 0
    assert t["assigned"] + sum(t["zoned"].values()) == t["glyphs"]
    assert {"page label", "目次", "table header", "label", "cover"} <= set(t["zoned"])
    assert [p["page"] for p in acc["pages"]] == list(range(1, len(acc["pages"]) + 1))
    assert all(p["printed_page"] in (None, p["page"] - 2) for p in acc["pages"])
    kinds = {c["id"]: c["kind"] for c in report["checks"]}
    assert kinds["index.card_found"] == "health" and kinds["index.card_budget"] == "consistency"
    assert all(
        (c["severity"] == "error") == (c["kind"] in ("health", "schema"))
        for c in report["checks"]
        if c["id"] != "document.parser_notes"
    )
    html = (out / "_validation" / f"fiscal_year={result.fiscal_year}" / "report.html").read_text(
        encoding="utf-8"
    )
    assert 'id="glyph-pages"' in html and f"{t['glyphs']} glyphs" in html


def test_allow_errors_publishes_and_still_exits_1(tmp_path: Path) -> None:
    altered = _mini(tmp_path, "altered.pdf", header=["項目名", "元年度", "12年度"])
    out = tmp_path / "curated"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "run",
            str(altered),
            "--out",
            str(out),
            "--allow-errors",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert r.returncode == 1, r.stderr
    assert "published DESPITE ERRORS (--allow-errors)" in r.stdout
    assert "    error [schema.indicators" in r.stdout
    assert (out / "program_cards" / "fiscal_year=2020" / "part-0.parquet").is_file()
    assert read_report(2020, out)["published"] is True


def test_the_docs_list_every_check_with_its_kind() -> None:
    from pipeline.validate.registry import checks_table

    docs = (ROOT / "docs" / "validation-report.md").read_text(encoding="utf-8")
    assert checks_table() in docs


def test_crops_of_table_rows_carry_their_tables_header(curated) -> None:
    """A program-list or index row's crop shows the header over it, so its columns are
    labelled: the header strip is stacked above the row."""
    import base64
    import io

    from PIL import Image

    from pipeline.validate.crops import _header_above, headers_of, render_crops

    edition, out, result = curated
    report = read_report(result.fiscal_year, out)
    headers = headers_of(report)
    assert headers  # the program list's and the indexes' pages
    places = [
        place
        for c in report_cases(report)
        for place in (c, c.get("other") or {})
        if place.get("bbox")
        and _header_above((place["page"], tuple(place["bbox"])), headers.get(place["page"], []))
        and _header_above((place["page"], tuple(place["bbox"])), headers[place["page"]])[1]
        < place["bbox"][1] - 36.0  # above the crop's margin: a strip of its own
    ]
    assert places

    def height(crops: dict, place: dict) -> int:
        uri = crops[(place["page"], tuple(place["bbox"]))]
        return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).height

    pdf = EDITIONS[edition][0]
    plain, labelled = render_crops(pdf, places), render_crops(pdf, places, headers)
    for place in places:
        assert height(labelled, place) > height(plain, place), place
