"""Each cross-check: its outcome on both sample editions, and a failure on altered input."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.findings import CheckKind, Severity
from pipeline.load import load
from pipeline.validate.reconcile import reconcile
from pipeline.validate.registry import REGISTRY, check_of, reconciled
from pipeline.validation import validate_frames
from tests.conftest import EDITIONS, ROOT

DATASETS = (
    "program_cards",
    "programs",
    "program_totals",
    "program_index",
    "indicators",
    "statistics",
    "figures",
)

# What each sample really contains (checked against its golden data): the report
# disagrees with itself in these places, and nowhere else.
EXPECTED = {
    "fy2020": sorted(
        [
            ("programs.budget_not_numeric", "地域ファンド組成事業"),  # 事業費 printed "-"
            ("programs.repost_consistency", "under another name"),  # HACCP 人材 vs 人財
            ("programs.repost_consistency", "H2-R3"),  # period H2-R3 vs R2-R3
            ("index.card_name", "東南アジア有望市場販路拡大"),  # card says …拡大支援事業
            ("index.program_list_match", "クリエイト"),  # vs クリエイティブ
            ("index.program_list_match", "IT人財"),  # vs IT人材
            ("index.program_list_match", "レッツBuy"),  # vs レッツBUY
            ("index.program_list_new", "No.2 "),  # index 新規 where the list has 主要成果
            ("index.program_list_new", "No.3 "),
            ("index.program_list_new", "No.7 "),
            ("index.program_list_new", "No.8 "),
            ("coverage.cards_in_program_list", "クリエイト"),
            ("coverage.cards_in_program_list", "IT人財"),
            ("coverage.cards_in_program_list", "レッツBuy"),
            ("coverage.cards_in_program_list", "東南アジア"),
            ("names.repost_marker_width", "full-width 3"),
        ]
    ),
    "fy2021": sorted(
        [
            ("programs.budget_not_numeric", "地域ファンド組成事業"),
            ("programs.repost_consistency", "under another name"),
            ("programs.repost_consistency", "H2-R3"),
            ("index.program_list_match", "クリエイト"),
            ("index.program_list_match", "IT人財"),
            ("index.program_list_match", "レッツBuy"),
            ("coverage.cards_in_program_list", "クリエイト"),
            ("coverage.cards_in_program_list", "IT人財"),
            ("coverage.cards_in_program_list", "レッツBuy"),
            ("names.repost_marker_width", "full-width 3"),
        ]
    ),
}


@pytest.fixture(scope="session")
def frames(curated) -> tuple[str, dict[str, pd.DataFrame]]:
    edition, out, _ = curated
    return edition, {name: load(name, out=out) for name in DATASETS}


def test_checks_on_the_sample_editions(frames) -> None:
    edition, fr = frames
    findings = reconcile(fr)
    got = sorted(f.check for f in findings)
    assert got == sorted(c for c, _ in EXPECTED[edition])
    for check, fragment in EXPECTED[edition]:
        assert any(f.check == check and fragment in f.message for f in findings), (check, fragment)
    assert all(f.page is not None for f in findings)
    # The report's own disagreements never block: they are consistency warnings.
    assert all(check_of(f.check).severity is Severity.WARNING for f in findings)
    assert all(check_of(f.check).kind is CheckKind.CONSISTENCY for f in findings)


def _altered(fr: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {k: v.copy(deep=True) for k, v in copy.copy(fr).items()}


def _first(df: pd.DataFrame, mask) -> int:
    return df.index[mask][0]


def alter_funding(fr):
    p = fr["programs"]
    i = _first(p, p["national_kyen"].notna())
    p.loc[i, "national_kyen"] += 1


def alter_budget_not_numeric(fr):
    p = fr["programs"]
    p.loc[p.index[0], "budget_kyen"] = pd.NA


def alter_subtotal(fr):
    p = fr["programs"]
    i = _first(p, ~p["is_repost"].astype(bool) & p["general_kyen"].notna())
    p.loc[i, "budget_kyen"] += 10
    p.loc[i, "general_kyen"] += 10


def alter_subtotal_incl_repost(fr):
    t = fr["program_totals"]
    i = _first(t, t["kind"] == "subtotal_incl_repost")
    t.loc[i, "budget_kyen"] += 1


def alter_total(fr):
    t = fr["program_totals"]
    i = _first(t, t["kind"] == "total")
    t.loc[i, "other_kyen"] += 1


def alter_repost(fr):
    p = fr["programs"]
    originals = set(p.loc[~p["is_repost"].astype(bool), "program_key"])
    i = _first(p, p["is_repost"].astype(bool) & p["program_key"].isin(originals))
    p.loc[i, "period_raw"] = "R9"


def alter_index_subtotal(fr):
    t = fr["program_totals"]
    i = _first(t, t["kind"] == "index_subtotal")
    t.loc[i, "budget_kyen"] += 1


def alter_card_name(fr):
    c = fr["program_cards"]
    i = _first(c, c["section"] == "1")
    c.loc[i, "program_name"] = c.loc[i, "program_name"] + "X"


def alter_card_budget(fr):
    c = fr["program_cards"]
    i = _first(c, c["budget_kyen"].notna())
    c.loc[i, "budget_kyen"] += 1


def alter_card_page(fr):
    c = fr["program_cards"]
    c.loc[c.index[0], "printed_page"] += 1


def alter_program_list_match(fr):
    x = fr["program_index"]
    x.loc[x.index[0], "program_list_match"] = "none"


def alter_program_list_budget(fr):
    x = fr["program_index"]
    p = fr["programs"]
    key = x.loc[x.index[0], "program_list_key"]
    p.loc[p["program_key"] == key, "budget_kyen"] += 1


def alter_program_list_new(fr):
    x = fr["program_index"]
    x.loc[x.index[0], "is_new"] = not bool(x.loc[x.index[0], "is_new"])


def alter_program_list_departments(fr):
    x = fr["program_index"]
    x.at[x.index[0], "departments"] = ["別の課"]


def alter_cards_in_program_list(fr):
    c = fr["program_cards"]
    c.loc[c.index[0], "program_key"] = "まったく別の事業"
    c.loc[c.index[0], "program_name"] = "まったく別の事業"


def alter_program_list_in_index(fr):
    p = fr["programs"]
    extra = p.iloc[[0]].copy()
    extra["program_key"] = extra["program_name"] = "索引にない事業"
    extra["row_no"] = p["row_no"].max() + 1
    fr["programs"] = pd.concat([p, extra], ignore_index=True)


def alter_repost_marker(fr):
    # The samples print both widths; printing one way only passes.
    for name in ("programs", "program_index", "program_cards"):
        for col in ("program_name", "program_name_raw"):  # the check reads the printed width
            fr[name][col] = fr[name][col].str.replace("（再掲）", "(再掲)")


ALTERATIONS = {
    "programs.funding_sum": alter_funding,
    "programs.budget_not_numeric": alter_budget_not_numeric,
    "programs.subtotal": alter_subtotal,
    "programs.subtotal_incl_repost": alter_subtotal_incl_repost,
    "programs.total": alter_total,
    "programs.repost_consistency": alter_repost,
    "index.subtotal": alter_index_subtotal,
    "index.card_name": alter_card_name,
    "index.card_budget": alter_card_budget,
    "index.card_page": alter_card_page,
    "index.program_list_match": alter_program_list_match,
    "index.program_list_budget": alter_program_list_budget,
    "index.program_list_new": alter_program_list_new,
    "index.program_list_departments": alter_program_list_departments,
    "coverage.cards_in_program_list": alter_cards_in_program_list,
    "coverage.program_list_in_index": alter_program_list_in_index,
}


def test_every_check_has_an_alteration() -> None:
    # The statistics and figure checks are altered in test_statistics.py.
    reconciliation = {c.id for c in REGISTRY.values() if c.fn is reconciled}
    assert set(ALTERATIONS) | {"names.repost_marker_width"} == reconciliation


@pytest.mark.parametrize("check", sorted(ALTERATIONS))
def test_check_fails_on_altered_frames(frames, check: str) -> None:
    edition, fr = frames
    before = sum(f.check == check for f in reconcile(fr))
    altered = _altered(fr)
    ALTERATIONS[check](altered)
    after = [f for f in reconcile(altered) if f.check == check]
    assert len(after) > before, check
    assert all(f.page is not None for f in after)


def test_repost_marker_width_passes_when_printed_one_way(frames) -> None:
    edition, fr = frames
    assert any(f.check == "names.repost_marker_width" for f in reconcile(fr))
    altered = _altered(fr)
    alter_repost_marker(altered)
    assert not any(f.check == "names.repost_marker_width" for f in reconcile(altered))


def test_validate_frames_reports_schema_and_cross_checks_together(frames) -> None:
    edition, fr = frames
    altered = _altered(fr)
    alter_funding(altered)
    altered["programs"].loc[altered["programs"].index[1], "budget_kyen"] = -5
    checks = {f.check for f in validate_frames(altered).findings}
    assert "programs.funding_sum" in checks
    assert any(c.startswith("schema.programs.budget_kyen") for c in checks)


def test_end_to_end_on_a_pdf_with_a_card_page_removed(tmp_path: Path) -> None:
    """Drop the page of one card: the pages, the index and the cards no longer agree, and the run says where."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(str(EDITIONS["fy2020"][0]))
    writer = PdfWriter()
    # Physical page 26 holds card 4 of section 1 (printed page 24).
    for i, page in enumerate(reader.pages, start=1):
        if i != 26:
            writer.add_page(page)
    altered = tmp_path / "altered.pdf"
    with altered.open("wb") as f:
        writer.write(f)
    out = tmp_path / "curated"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(altered), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    # The missing page breaks the printed page sequence: the run fails and publishes nothing,
    # and the report also names what the missing page took with it.
    assert r.returncode == 1, r.stderr
    assert not (out / "program_cards").exists()
    report = json.loads(
        (out / "_validation" / "fiscal_year=2020" / "blocked" / "report.json").read_text(
            encoding="utf-8"
        )
    )
    status = {c["id"]: c["status"] for c in report["checks"]}
    assert status["document.page_sequence"] == "fail"
    assert status["index.card_found"] == "fail"
    assert status["cards.numbering"] == "fail"
    cases = [case for c in report["checks"] for case in c["cases"]]
    missing = [f for f in cases if f["check"] == "index.card_found" and "No.4 " in f["message"]]
    assert (
        missing
        and "no card 4 of section 1 was found (the index lists printed page 24)"
        in (missing[0]["message"])
    )
    assert missing[0]["page"] == 22  # the index row, where a reviewer checks it
