"""What the commands print: a progress line, a run's rows and findings, a report's
summary, the last blocked run beside the published report; every line escaped (control
and bidi characters of a damaged PDF never reach the terminal)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.findings import Severity

if TYPE_CHECKING:
    from pipeline.run import RunResult


class Progress:
    """One self-overwriting status line on a terminal; silent in CI or when piped."""

    def __init__(self, stream=None) -> None:  # noqa: ANN001 - a text stream
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)()) and not os.environ.get(
            "CI"
        )
        self.width = 0

    def __call__(self, message: str) -> None:
        if not self.enabled:
            return
        self.stream.write("\r" + message.ljust(self.width))
        self.stream.flush()
        self.width = len(message)

    def done(self) -> None:
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def escaped_text(text: str) -> str:
    """Text a terminal shows as it is: control and bidi characters (from a PDF's text,
    a file name) escaped."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


def one_line(e: object) -> str:
    """One printable line: newlines folded too."""
    return escaped_text(" ".join(str(e).split()))


SHOWN_PER_SEVERITY = 10


def print_run(result: RunResult) -> None:
    """Rows per dataset, then the errors, then the warnings, by check, with their pages."""
    click.echo(f"{result.source} → {result.era_label} (fiscal_year {result.fiscal_year})")
    for name, n in result.rows.items():
        click.echo(f"  {name:<14} {n:>6} rows")
    accepted = result.review.get("accepted", 0)
    review = f"; {accepted} accepted in review, not listed" if accepted else ""
    click.echo(f"  {len(result.errors)} error(s), {len(result.warnings)} warning(s){review}")
    for label, findings in ((Severity.ERROR, result.errors), (Severity.WARNING, result.warnings)):
        shown = [f for f in findings if (f.check, f.message, f.page) not in result.accepted]
        ordered = sorted(shown, key=lambda f: (f.check, f.page or 0))
        for f in ordered[:SHOWN_PER_SEVERITY]:
            where = f" (PDF page {f.page})" if f.page is not None else ""
            click.echo(f"    {label.value} [{f.check}]{where} {one_line(f.message)}")
        if len(ordered) > SHOWN_PER_SEVERITY:
            click.echo(
                f"    … {len(ordered) - SHOWN_PER_SEVERITY} more {label.value}(s) in the report"
            )
    if result.published and result.errors:
        state_text = "published DESPITE ERRORS (--allow-errors)"
    else:
        state_text = "published" if result.published else "NOT published"
    click.echo(f"  {state_text} to {result.out}/ ; validation report: {result.html_path}")


def print_blocked(report: dict, out: Path) -> None:
    """The last run that published nothing, beside the published report it left alone."""
    fy = report["release"]["fiscal_year"]
    failing = sorted(c["id"] for c in report["checks"] if c["status"] == "fail")
    html = Path(out) / "_validation" / f"fiscal_year={fy}" / "blocked" / "report.html"
    click.echo(
        escaped_text(
            f"  last run blocked ({report.get('generated_at', '?')}, {report['source']['file']}): "
            f"{report['verdict']}, nothing of it published; failed: {', '.join(failing) or '-'}"
        )
    )
    click.echo(f"  its report: {html}")


def print_summary(report: dict, out: Path) -> None:
    rel, s = report["release"], report["summary"]
    click.echo(
        f"fiscal_year {rel['fiscal_year']} ({rel.get('era_label') or '?'}) — {report['source']['file']}: {report['verdict']}"
    )
    click.echo(f"  {report['publish_note']}")
    for name, d in report["datasets"].items():
        q = f", {d['quarantined']} quarantined" if d["quarantined"] else ""
        click.echo(f"  {name:<14} {d['rows']:>6} rows{q}")
    review = s.get("review") or {}
    cases = (
        f"{s['cases']} cases: {review.get('open', 0)} open, {review.get('accepted', 0)} accepted"
        if review
        else f"{s['cases']} cases"
    )
    click.echo(
        f"  checks: {s['passed']} passed, {s['warned']} warned, {s['failed']} failed, "
        f"{s.get('not_run', 0)} not run ({cases})"
    )
    # Failures first (errors, then checks that could not run where they must), then warnings.
    order = {"fail": 0, "not_run": 1, "warn": 2}
    flagged = [c for c in report["checks"] if c["status"] != "pass"]
    for c in sorted(flagged, key=lambda c: (order.get(c["status"], 3), c["id"])):
        pages = sorted({case["page"] for case in c["cases"] if case.get("page") is not None})
        where = f" PDF pages {', '.join(map(str, pages[:8]))}" + ("…" if len(pages) > 8 else "")
        detail = c.get("not_run_reason") or c["description"]
        count = f"{c['count']}" + (f", {c['accepted']} accepted" if c.get("accepted") else "")
        click.echo(f"    {c['status']:<4} {c['id']} ({count}):{where if pages else ''} {detail}")
    folder = Path(out) / "_validation" / f"fiscal_year={rel['fiscal_year']}"
    html = folder / ("report.html" if report.get("published") else "blocked/report.html")
    click.echo(f"  report: {html}")
