"""All releases at a glance: `curated/_validation/index.html`, and every run's report kept.

Each run, re-validation and review refresh adds its report.json to
`_validation/history/fiscal_year=N/` (named by its time and source), so past verdicts stay
readable after the next run replaces the release's report. The index lists one row per
release — verdict, open and accepted cases, rows per dataset, source sha256, run date, links
to its report and to a blocked run's — with the history of its verdicts underneath. Both are
staged and swapped in with the rest of a publish.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

from pipeline.releases import BLOCKED, published_years
from pipeline.validate.report import write_json
from pipeline.write.parquet import partition_dir

HISTORY = Path("_validation") / "history"
UNREADABLE = "unreadable"  # the verdict shown for a report.json that cannot be read
INDEX = Path("_validation") / "index.html"


def stage_history(staging: Path, report: dict) -> Path:
    """The run's report as a new history entry (relative to the store)."""
    fy = report["release"]["fiscal_year"]
    stamp = str(report.get("generated_at", "")).replace(":", "").replace("+0000", "Z")
    # Two runs within one second differ in their reports, so in their names too.
    digest = hashlib.sha256(json.dumps(report, sort_keys=True, default=str).encode()).hexdigest()
    state = "published" if report["published"] else "blocked"
    name = f"{stamp}-{str(report['source']['sha256'])[:12]}-{digest[:8]}-{state}.json"
    rel = HISTORY / f"fiscal_year={fy}" / name
    write_json(staging / rel, report)  # as report.json itself is written
    return rel


def stage_index(
    staging: Path, out: Path, fresh: dict[tuple[int, bool], dict], drops_blocked: bool = False
) -> Path:
    """The releases index over what will be published: `fresh` reports (by fiscal year and
    blocked or not) in place of the store's; `drops_blocked`: a fresh published report
    removes its year's blocked one (a run that publishes)."""
    years = sorted(set(published_years(out)) | {fy for fy, _ in fresh})
    rows = []
    for fy in years:
        published = fresh.get((fy, False)) or _stored(out, fy, blocked=False)
        blocked = fresh.get((fy, True))
        if blocked is None and not (drops_blocked and (fy, False) in fresh):
            blocked = _stored(out, fy, blocked=True)
        history = _history(out, fy) + [r for r in fresh.values() if _fy(r) == fy]
        rows.append(_row(fy, published, blocked, history))
    (staging / INDEX).parent.mkdir(parents=True, exist_ok=True)
    (staging / INDEX).write_text(_page(rows), encoding="utf-8")
    return INDEX


def _fy(report: dict) -> int:
    return int(report["release"]["fiscal_year"])


def _stored(out: Path, fy: int, blocked: bool) -> dict | None:
    folder = partition_dir(out, "_validation", fy)
    path = folder / BLOCKED / "report.json" if blocked else folder / "report.json"
    if not path.exists():
        return None
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report = None
    if not isinstance(report, dict):
        # Listed, not left out: the row says the report cannot be read.
        return {"verdict": UNREADABLE, "unreadable": str(path.relative_to(out))}
    if not blocked and report.get("published") is False:
        return None
    return report


def _history(out: Path, fy: int) -> list[dict]:
    entries = []
    for path in sorted((out / HISTORY / f"fiscal_year={fy}").glob("*.json")):
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entry = None
        if not isinstance(entry, dict):
            stamp = re.match(r"^(.*?)-[0-9a-f]{12}-", path.name)
            entry = {"generated_at": stamp.group(1) if stamp else path.name, "verdict": UNREADABLE}
        entries.append(entry)
    return entries


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _counts(report: dict) -> str:
    review = report.get("summary", {}).get("review") or {}
    return f"{review.get('open', report.get('summary', {}).get('cases', 0))} open, {review.get('accepted', 0)} accepted"


def _row(fy: int, published: dict | None, blocked: dict | None, history: list[dict]) -> str:
    main = published or blocked or {}
    rel = f"fiscal_year={fy}/" + ("report.html" if published else f"{BLOCKED}/report.html")
    rows = ", ".join(f"{_e(n)} {d.get('rows', 0)}" for n, d in (main.get("datasets") or {}).items())
    if main.get("unreadable"):
        return (
            f'<tr data-fiscal-year="{fy}"><td>{fy}</td><td class="v-fail">{UNREADABLE}: '
            f"{_e(main['unreadable'])} (<code>nenpo run --force</code> writes it again)</td>"
            '<td colspan="5"></td></tr>'
        )
    blocked_note = (
        f'<br><a href="fiscal_year={fy}/{BLOCKED}/report.html">last run blocked</a> '
        f"({_e(blocked.get('generated_at'))}: {_e(blocked.get('verdict'))})"
        if blocked and published
        else ""
    )
    past = sorted(
        {
            (str(r.get("generated_at")), str(r.get("verdict")), bool(r.get("published")))
            for r in history
        },
        reverse=True,
    )
    past_html = "".join(
        f"<li>{_e(at)} — {_e(verdict)}{'' if pub or verdict == UNREADABLE else ' (nothing published)'}</li>"
        for at, verdict, pub in past
    )
    return (
        f'<tr data-fiscal-year="{fy}"><td>{fy}<br>{_e((main.get("release") or {}).get("era_label"))}</td>'
        f'<td class="v-{_e(main.get("verdict"))}"><a href="{_e(rel)}">{_e(main.get("verdict"))}</a>'
        f"{'' if published else ' (nothing published)'}{blocked_note}</td>"
        f'<td>{_e(_counts(main))}</td><td class="small">{rows}</td>'
        f"<td><code>{_e(str((main.get('source') or {}).get('sha256', ''))[:16])}</code><br>{_e((main.get('source') or {}).get('file'))}</td>"
        f"<td>{_e(main.get('generated_at'))}</td>"
        f'<td class="small"><ul>{past_html}</ul></td></tr>'
    )


def _page(rows: list[str]) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="ja"><head><meta charset="utf-8">',
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            "<title>nenpo — all releases</title>",
            "<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccd;padding:.3rem .6rem;vertical-align:top;text-align:left}"
            ".small{font-size:.8rem}.v-pass{background:#e3f5e6}.v-pass_with_warnings{background:#fff4d6}"
            ".v-fail{background:#fde2e1}ul{margin:0;padding-left:1rem}</style></head><body>",
            "<h1>Validation reports of every release</h1>",
            '<table id="releases"><tr><th>fiscal year</th><th>verdict</th><th>cases</th>'
            "<th>rows per dataset</th><th>source sha256</th><th>run</th><th>past verdicts</th></tr>",
            *rows,
            "</table></body></html>",
            "",
        ]
    )
