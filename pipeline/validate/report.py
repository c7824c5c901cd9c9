"""The validation report: report.json for machines, report.html for reviewers.

report.json (schema_version "1") is documented in docs/validation-report.md.
report.html is one self-contained file: inline CSS and script, page crops as
data URIs, no network. Every text that came from the PDF is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pipeline.extract.accounting import PageAccount
from pipeline.findings import Finding, Severity, Status
from pipeline.validate.registry import CheckResult, blocks

REPORT_SCHEMA_VERSION = "1"


def build_report(
    *,
    source_file: str,
    source_sha256: str,
    fiscal_year: int,
    era_label: str | None,
    pipeline_version: str,
    generated_at: str,
    rows: dict[str, int],
    results: list[CheckResult],
    printed: dict[int, int | None],
    published: bool,
    allow_errors: bool,
    quarantine: dict[str, dict],
    glyph_accounting: dict | None = None,
) -> dict:
    checks = [_check(r, printed) for r in results]
    failed = sum(blocks(r) for r in results)
    warned = sum(r.status is Status.WARN for r in results)
    not_run = sum(r.status is Status.NOT_RUN for r in results)
    verdict, publish_note = _verdict(results, published)
    cases = [c for check in checks for c in check["cases"]]
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "pipeline_version": pipeline_version,
        "generated_at": generated_at,
        "source": {"file": source_file, "sha256": source_sha256},
        "release": {"fiscal_year": fiscal_year, "era_label": era_label},
        "verdict": verdict,
        "published": published,
        "allow_errors": allow_errors,
        "publish_note": publish_note,
        "datasets": {
            name: {"rows": n, "quarantined": quarantine.get(name, {}).get("rows", 0)}
            for name, n in sorted(rows.items())
        },
        "summary": {
            "checks": len(checks),
            "passed": sum(r.status is Status.PASS for r in results),
            "warned": warned,
            "failed": failed,
            "not_run": not_run,
            "cases": len(cases),
            "errors": sum(c["severity"] == Severity.ERROR.value for c in cases),
            "warnings": sum(c["severity"] == Severity.WARNING.value for c in cases),
        },
        "checks": checks,
        "quarantine": quarantine,
        "glyph_accounting": glyph_accounting,
    }


def _verdict(results: list[CheckResult], published: bool) -> tuple[str, str]:
    """pass | pass_with_warnings | fail, and what came of publishing."""
    failed = sum(blocks(r) for r in results)
    warned = sum(r.status is Status.WARN for r in results)
    not_run = sum(r.status is Status.NOT_RUN for r in results)
    soft_not_run = not_run - sum(r.status is Status.NOT_RUN and blocks(r) for r in results)
    verdict = "fail" if failed else ("pass_with_warnings" if warned or soft_not_run else "pass")
    if published and failed:
        note = (
            "published despite validation errors (--allow-errors); failing rows are in quarantine"
        )
    elif published:
        note = "published: no validation errors" + (" (warnings never block)" if warned else "")
    else:
        note = f"not published: {failed} check(s) failed; the previous data of this release is unchanged"
    return verdict, note


def glyph_accounting(accounts: list[PageAccount], printed: dict[int, int | None]) -> dict:
    """Where every page's glyphs went: totals, and one row per page."""
    pages = [
        {
            "page": a.page,
            "printed_page": printed.get(a.page),
            "glyphs": a.glyphs,
            "assigned": a.assigned,
            "zoned": a.zoned,
            "unassigned": a.unassigned,
            "assigned_twice": a.assigned_twice,
        }
        for a in accounts
    ]
    zoned: dict[str, int] = {}
    for a in accounts:
        for zone, n in a.zoned.items():
            zoned[zone] = zoned.get(zone, 0) + n
    totals = {
        key: sum(getattr(a, key) for a in accounts)
        for key in ("glyphs", "assigned", "unassigned", "assigned_twice")
    }
    return {"totals": {**totals, "zoned": dict(sorted(zoned.items()))}, "pages": pages}


def _check(r: CheckResult, printed: dict[int, int | None]) -> dict:
    c = r.check
    return {
        "id": c.id,
        "kind": c.kind.value,
        "description": c.description,
        "severity": c.severity.value,
        "datasets": list(c.datasets),
        "status": r.status.value,
        "blocking": blocks(r),
        "not_run_reason": r.not_run.reason if r.not_run else None,
        "count": len(r.findings),
        "cases": [_case(f, c.datasets, printed) for f in r.findings],
    }


def _place(page: int | None, bbox: Sequence[float] | None, printed: dict[int, int | None]) -> dict:
    return {
        "page": page,
        "printed_page": printed.get(page) if page is not None else None,
        "bbox": [round(float(x), 2) for x in bbox] if bbox else None,
    }


def _plain(value: object) -> object:
    """A JSON value: numbers, strings, bools and lists of them."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def _case(f: Finding, datasets: tuple[str, ...], printed: dict[int, int | None]) -> dict:
    return {
        "message": f.message,
        "severity": f.severity.value if f.severity else None,
        "check": f.check,
        "dataset": f.dataset or (datasets or (None,))[0],
        **_place(f.page, f.bbox, printed),
        "key": f.key,
        "observed": _plain(f.observed),
        "expected": _plain(f.expected),
        "other": _place(f.other.page, f.other.bbox, printed) if f.other else None,
    }


def write_json(path: Path, report: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
