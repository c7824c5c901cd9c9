"""Review decisions last: case ids stable across re-runs, accepted cases shown as accepted
(who, when, why) in the report and by the CLI, an accepted error still blocking."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import pipeline.run as run
from pipeline.errors import InputError, ValidationFailed
from pipeline.history import stage_index
from pipeline.review import REVIEW_FILE, accept, case_id, read_decisions
from pipeline.validation import read_blocked_report, read_report
from tests.conftest import EDITIONS
from tests.test_cli import nenpo
from tests.test_report import CHROMIUM, _chromium_dump
from tests.test_validation import failing_extract


def _cases(report: dict) -> list[dict]:
    return [case for check in report["checks"] for case in check["cases"]]


def test_a_case_id_is_its_check_record_and_values() -> None:
    case = {"check": "index.card_name", "key": "section 8 card 8", "observed": "A", "expected": "B",
            "page": 114, "message": "…"}  # fmt: skip
    same = {**case, "message": "worded otherwise", "page": 120}  # the record names it
    assert case_id(case) == case_id(same) and case_id(case).startswith("index.card_name:")
    assert case_id({**case, "observed": "A2"}) != case_id(case)  # a changed value: a new case
    assert case_id({**case, "key": "section 8 card 9"}) != case_id(case)
    # Without a record, its page tells two cases of the same text apart.
    loose = {"check": "glyphs.unassigned", "key": None, "observed": "x", "page": 3}
    assert case_id(loose) != case_id({**loose, "page": 4})


def test_review_files_refuse_what_is_not_a_decision(tmp_path: Path) -> None:
    bad = tmp_path / REVIEW_FILE
    bad.write_text("[[accepted]]\ncase = 'x:1'\n", encoding="utf-8")  # no note
    with pytest.raises(InputError, match="needs a case id and a note"):
        read_decisions([bad])
    bad.write_text("[[accepted]\n", encoding="utf-8")
    with pytest.raises(InputError, match="unreadable review file"):
        read_decisions([bad])
    with pytest.raises(InputError, match="needs a note"):
        accept(tmp_path / "new.toml", "x:1", "x", "me", "now", "  ")
    # What accept writes reads back, control and DEL characters escaped.
    good = tmp_path / "good.toml"
    accept(good, "x:1", "x", "田中", "2026-12-02", 'the "note"\x7f\x1b and more')
    accept(good, "y:2", "y", "田中", "2026-12-02", "second")
    accept(good, "x:1", "x", "佐藤", "2026-12-03", "replaced")
    got = read_decisions([good])
    assert set(got) == {"x:1", "y:2"} and got["x:1"].by == "佐藤" and got["x:1"].note == "replaced"


@pytest.fixture()
def releases(tmp_path: Path) -> Path:
    """Both sample editions as releases under raw/."""
    for edition, (pdf, _) in EDITIONS.items():
        (tmp_path / "raw" / edition).mkdir(parents=True)
        shutil.copy(pdf, tmp_path / "raw" / edition / "report.pdf")
    return tmp_path


def _run(root: Path, *args: str) -> None:
    r = nenpo("run", "--raw", str(root / "raw"), "--out", str(root / "curated"), "-j", "1", *args)
    assert r.returncode == 0, r.stderr


def test_decisions_survive_re_runs_and_carry_to_the_next_edition(releases: Path) -> None:
    root, out = releases, releases / "curated"
    _run(root)
    listed = nenpo("review", "list", "2020", "--out", str(out))
    assert listed.returncode == 0
    # The same card prints its budget as "-" in both editions: one case, one id.
    line = next(ln for ln in listed.stdout.splitlines() if "cards.budget_not_numeric" in ln)
    cid = line.split()[0]
    assert cid in {c["id"] for c in _cases(read_report(2021, out))}
    r = nenpo("review", "accept", cid, "--note", "printed as '-': no budget this year",
              "--by", "tanaka", "--out", str(out), "--raw", str(root / "raw"))  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert f"{cid} accepted (a warning)" in r.stdout
    assert (root / "raw" / "fy2020" / REVIEW_FILE).is_file()

    def accepted(fy: int) -> dict:
        case = next(c for c in _cases(read_report(fy, out)) if c["id"] == cid)
        return case["review"]

    assert accepted(2020)["status"] == "accepted" and accepted(2020)["by"] == "tanaka"
    assert "accepted by tanaka" in (out / "_validation/fiscal_year=2020/report.html").read_text()
    summary = read_report(2020, out)["summary"]
    assert summary["review"]["accepted"] == 1
    assert summary["review"]["open"] == summary["cases"] - 1
    for args in ((), ("--force",)):  # skipped as up to date, then read again
        _run(root, *args)
        assert accepted(2020)["status"] == "accepted", args
    # The next edition's run shows the recurring case as accepted, from fy2020's decision.
    assert accepted(2021)["status"] == "accepted"
    assert accepted(2021)["file"].endswith(f"fy2020/{REVIEW_FILE}")
    assert nenpo("validate", "--out", str(out), "--raw", str(root / "raw")).returncode == 0
    assert accepted(2020)["status"] == "accepted"
    listed = nenpo("review", "list", "2020", "--out", str(out)).stdout
    assert cid not in listed and re.search(r"\d+ open, 1 accepted", listed)
    assert cid in nenpo("review", "list", "2020", "--all", "--out", str(out)).stdout
    report = nenpo("report", "2020", "--out", str(out)).stdout
    assert "1 accepted" in report


def test_an_accepted_error_still_blocks_without_allow_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "extract_release", failing_extract)
    out, pdf = tmp_path / "curated", tmp_path / "fy2020" / "x.pdf"
    pdf.parent.mkdir()
    with pytest.raises(ValidationFailed):
        run.run_release(pdf, out=out)
    blocked = read_blocked_report(2020, out)
    assert blocked is not None
    error = next(c for c in _cases(blocked) if c["severity"] == "error")
    accept(pdf.parent / REVIEW_FILE, error["id"], error["check"], "suzuki", "2026-12-02", "known")
    with pytest.raises(ValidationFailed):
        run.run_release(pdf, out=out)  # still blocked: acceptance is a judgement, not a fix
    again = read_blocked_report(2020, out)
    assert again is not None and again["published"] is False
    case = next(c for c in _cases(again) if c["id"] == error["id"])
    assert case["review"] == {**case["review"], "status": "accepted", "by": "suzuki"}
    assert again["summary"]["review"]["accepted_errors"] == 1
    assert "still block publishing" in (
        out / "_validation/fiscal_year=2020/blocked/report.html"
    ).read_text(encoding="utf-8")
    index = (out / "_validation" / "index.html").read_text(encoding="utf-8")
    assert "(nothing published)" in index and "blocked/report.html" in index
    result = run.run_release(pdf, out=out, allow_errors=True)
    assert result.published and result.review["accepted_errors"] == 1
    assert json.loads(result.report_path.read_text())["published"] is True
    index = (out / "_validation" / "index.html").read_text(encoding="utf-8")
    assert 'href="fiscal_year=2020/report.html"' in index and "last run blocked" not in index


def test_a_damaged_review_file_is_one_line_and_publishes_nothing(releases: Path) -> None:
    (releases / "raw" / "fy2021").rename(releases / "fy2021-aside")
    (releases / "raw" / "fy2020" / REVIEW_FILE).write_text("[[accepted]\n", encoding="utf-8")
    r = nenpo("run", "--raw", str(releases / "raw"), "--out", str(releases / "curated"))
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        next(ln for ln in r.stderr.splitlines() if "unreadable review file" in ln)
    ]
    assert not (releases / "curated" / "indicators").exists()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (CI installs it)")
def test_the_report_page_filters_and_shows_decisions_in_a_browser(releases: Path) -> None:
    root, out = releases, releases / "curated"
    (root / "raw" / "fy2021").rename(root / "fy2021-aside")
    _run(root)
    report = read_report(2020, out)
    two_place = next(
        c for c in _cases(report) if c.get("other") and c["check"] == "index.card_name"
    )
    r = nenpo("review", "accept", two_place["id"], "--note", "the index abbreviates",
              "--out", str(out), "--raw", str(root / "raw"))  # fmt: skip
    assert r.returncode == 0, r.stderr
    html = out / "_validation" / "fiscal_year=2020" / "report.html"
    dom, console = _chromium_dump(html, root / "profile")
    assert console == []
    assert 'id="contents"' in dom and 'href="#check-index-card_name"' in dom
    card = re.search(
        rf'<div class="case accepted[^"]*" id="case-{re.escape(two_place["id"])}".*?</div></div>',
        dom,
        re.S,
    )
    assert card is not None and "accepted by" in card.group(0)
    assert card.group(0).count('<figure class="place">') == 2  # both places, side by side
    assert card.group(0).count("<img") == 2 and "#page=" in card.group(0)  # linked to the PDF
    # Filters from the address: one check only, and accepted cases hidden.
    dom, _ = _chromium_dump(html.as_uri() + "#check=index.card_name", root / "profile2")
    shown = re.findall(r'<section id="[^"]+" class="check ([^"]*)" data-check="([^"]+)"', dom)
    assert [c for cls, c in shown if "hidden" not in cls] == ["index.card_name"]
    dom, _ = _chromium_dump(html.as_uri() + "#accepted=hide", root / "profile3")
    assert re.search(r'class="check [^"]*hidden[^"]*" data-check="index.card_name"', dom)


def test_every_run_is_kept_and_the_index_lists_every_release(releases: Path) -> None:
    root, out = releases, releases / "curated"
    _run(root)
    _run(root, "--force")
    for fy in (2020, 2021):
        history = sorted((out / "_validation" / "history" / f"fiscal_year={fy}").glob("*.json"))
        assert len(history) == 2  # both runs' reports, not only the last
        assert all(json.loads(h.read_text())["release"]["fiscal_year"] == fy for h in history)
    index = (out / "_validation" / "index.html").read_text(encoding="utf-8")
    for fy in (2020, 2021):
        row = re.search(rf'<tr data-fiscal-year="{fy}">.*?</tr>', index, re.S)
        assert row is not None, fy
        report = read_report(fy, out)
        assert report["verdict"] in row.group(0) and report["source"]["sha256"][:16] in row.group(0)
        assert f"fiscal_year={fy}/report.html" in row.group(0)
        assert f"{report['summary']['review']['open']} open, 0 accepted" in row.group(0)
        assert row.group(0).count("<li>") == 2  # the past verdicts
        assert f"program_cards {report['datasets']['program_cards']['rows']}" in row.group(0)
        names = [p.name for p in (out / "_validation" / "history" / f"fiscal_year={fy}").glob("*")]
        assert len({n.split("-")[-2] for n in names}) == 2  # each run's entry, by its digest
    # A damaged report.json or history entry is a row that says so, not a release or a
    # verdict left out of the index.
    (out / "_validation" / "fiscal_year=2021" / "report.json").write_text("{", encoding="utf-8")
    entry = next((out / "_validation" / "history" / "fiscal_year=2020").glob("*.json"))
    entry.write_text("[", encoding="utf-8")
    stage_index(out, out, {})  # as the next publish rebuilds it from the store
    index = (out / "_validation" / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr data-fiscal-year="2021">.*?</tr>', index, re.S)
    assert row is not None and "unreadable" in row.group(0) and "nenpo run --force" in row.group(0)
    row = re.search(r'<tr data-fiscal-year="2020">.*?</tr>', index, re.S)
    assert row is not None and " — unreadable</li>" in row.group(0)  # the damaged entry
