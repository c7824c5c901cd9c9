"""The validation report as one self-contained HTML page (no external resources): verdict,
summary, filters, every flagged check with its cases and crops, the glyph accounting."""

from __future__ import annotations

import html

from pipeline.findings import Severity

CSS = """
body{font-family:system-ui,-apple-system,"Noto Sans CJK JP","IPAexGothic",sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2430}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
.verdict{padding:.6rem 1rem;border-radius:.4rem;font-weight:600}
.v-pass{background:#e3f5e6}.v-pass_with_warnings{background:#fff4d6}.v-fail{background:#fde2e1}
table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.25rem .6rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.check{border:1px solid #ccd;border-radius:.4rem;margin:.8rem 0;padding:.4rem .8rem}
.check.fail,.check.blocking{border-left:.4rem solid #c62828}.check.warn{border-left:.4rem solid #e0a000}
.check.not_run{border-left:.4rem solid #7a7f8c}
.sev{font-size:.75rem;text-transform:uppercase;padding:.05rem .4rem;border-radius:.2rem;background:#eef}
.case{margin:.6rem 0 1rem 1rem}.case img{max-width:100%;border:1px solid #aab;display:block;margin-top:.3rem}
.where{color:#556;font-size:.85rem}.filters label{margin-right:1rem}.hidden{display:none}
code{background:#f3f3f7;padding:0 .2rem}
"""


SCRIPT = """
(function () {
  function apply() {
    var sev = {}, ds = {};
    document.querySelectorAll('input[data-filter=severity]').forEach(function (b) { sev[b.value] = b.checked; });
    document.querySelectorAll('input[data-filter=dataset]').forEach(function (b) { ds[b.value] = b.checked; });
    document.querySelectorAll('.check').forEach(function (el) {
      var names = (el.getAttribute('data-datasets') || '').split(' ').filter(Boolean);
      // A check about the document itself (pages, glyphs) concerns no dataset: always shown.
      var anyDataset = names.length === 0 || names.some(function (n) { return ds[n]; });
      var show = sev[el.getAttribute('data-severity')] && anyDataset;
      el.classList.toggle('hidden', !show);
    });
  }
  document.querySelectorAll('.filters input').forEach(function (b) { b.addEventListener('change', apply); });
  apply();
})();
"""


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _accounting_html(accounting: dict | None) -> list[str]:
    """The glyph accounting: totals, then the pages, those with text left out first."""
    if not accounting:
        return ['<h2 id="glyphs">Glyph accounting</h2><p>Not available for this report.</p>']
    t = accounting["totals"]
    zones = ", ".join(f"{_e(z)} {n}" for z, n in t["zoned"].items()) or "none"
    parts = [
        '<h2 id="glyphs">Glyph accounting</h2>',
        f"<p>{t['glyphs']} glyphs: {t['assigned']} read into records, zoned ({zones}), "
        f"<strong>{t['unassigned']} unassigned</strong>, "
        f"<strong>{t['assigned_twice']} assigned twice</strong>. Unassigned text is boxed "
        "on the page crops of <code>glyphs.unassigned</code>.</p>",
        '<table id="glyph-pages"><tr><th>PDF page</th><th>printed page</th><th>glyphs</th>'
        "<th>assigned</th><th>zoned</th><th>unassigned</th><th>assigned twice</th></tr>",
    ]
    rows = sorted(
        accounting["pages"], key=lambda p: (-(p["unassigned"] + p["assigned_twice"]), p["page"])
    )
    for p in rows:
        zoned = ", ".join(f"{_e(z)} {n}" for z, n in p["zoned"].items())
        printed = "" if p["printed_page"] is None else p["printed_page"]
        parts.append(
            f'<tr><td class="n">{p["page"]}</td><td class="n">{printed}</td><td class="n">{p["glyphs"]}</td>'
            f'<td class="n">{p["assigned"]}</td><td>{zoned}</td><td class="n">{p["unassigned"]}</td>'
            f'<td class="n">{p["assigned_twice"]}</td></tr>'
        )
    parts.append("</table>")
    return parts


def render_html(report: dict, crops: dict[tuple, str]) -> str:
    """The report as one self-contained page: verdict, summary, filters, every flagged
    check with its cases and their page crops, the glyph accounting, the passed checks."""
    parts = _head_html(report) + _summary_html(report) + _filters_html(report)
    flagged = [c for c in report["checks"] if c["status"] != "pass"]
    parts.append(f'<h2 id="flagged">Failed and warned checks ({len(flagged)})</h2>')
    if not flagged:
        parts.append("<p>None.</p>")
    for c in sorted(flagged, key=lambda c: (not c["blocking"], c["status"] != "warn", c["id"])):
        parts += _check_html(c, crops)
    parts += _accounting_html(report.get("glyph_accounting"))
    passed = [c for c in report["checks"] if c["status"] == "pass"]
    parts.append(f'<h2 id="passed">Passed checks ({len(passed)})</h2><ul>')
    for c in passed:
        parts.append(f"<li><code>{_e(c['id'])}</code> — {_e(c['description'])}</li>")
    parts.append("</ul>")
    parts.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"


def _head_html(report: dict) -> list[str]:
    rel = report["release"]
    return [
        "<!DOCTYPE html>",
        '<html lang="ja"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
        f"<title>nenpo validation — fiscal year {_e(rel['fiscal_year'])}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Validation report — {_e(rel['era_label'])} (fiscal year {_e(rel['fiscal_year'])})</h1>",
        f'<p id="verdict" class="verdict v-{_e(report["verdict"])}">Verdict: {_e(report["verdict"])} — {_e(report["publish_note"])}</p>',
        f'<p class="where">Source <code>{_e(report["source"]["file"])}</code> sha256 <code>{_e(report["source"]["sha256"])}</code>; '
        f"nenpo {_e(report['pipeline_version'])}; generated {_e(report['generated_at'])}</p>",
    ]


def _summary_html(report: dict) -> list[str]:
    s = report["summary"]
    parts = [
        '<h2 id="summary">Summary</h2>',
        "<table><tr><th>dataset</th><th>rows</th><th>quarantined</th></tr>",
    ]
    for name, d in report["datasets"].items():
        parts.append(
            f'<tr><td>{_e(name)}</td><td class="n">{d["rows"]}</td><td class="n">{d["quarantined"]}</td></tr>'
        )
    parts.append("</table>")
    parts.append(
        f"<p>Checks: <strong>{s['checks']}</strong> — passed {s['passed']}, warned {s['warned']}, "
        f"failed {s['failed']}, not run {s['not_run']}; {s['errors']} error(s) and "
        f"{s['warnings']} warning(s) to review.</p>"
    )
    if report["quarantine"]:
        parts.append("<p>Quarantined rows (failed a schema check, kept out of curated/):</p><ul>")
        for _name, q in sorted(report["quarantine"].items()):
            parts.append(
                f'<li><a href="{_e(q["href"])}">{_e(q["path"])}</a> — {q["rows"]} row(s)</li>'
            )
        parts.append("</ul>")
    return parts


def _filters_html(report: dict) -> list[str]:
    datasets = sorted({d for c in report["checks"] for d in c["datasets"]})
    parts = ['<div class="filters"><strong>Show:</strong> ']
    for sev in (s.value for s in Severity):
        parts.append(
            f'<label><input type="checkbox" data-filter="severity" value="{sev}" checked> {sev}</label>'
        )
    parts.append(" | ")
    for d in datasets:
        parts.append(
            f'<label><input type="checkbox" data-filter="dataset" value="{_e(d)}" checked> {_e(d)}</label>'
        )
    parts.append("</div>")
    return parts


def _check_html(c: dict, crops: dict[tuple, str]) -> list[str]:
    parts = [
        f'<section class="check {_e(c["status"])}{" blocking" if c["blocking"] else ""}" data-severity="{_e(c["severity"])}" data-datasets="{_e(" ".join(c["datasets"]))}">'
        f'<h3><span class="sev">{_e(c["status"].replace("_", " "))}</span> <code>{_e(c["id"])}</code> — {_e(c["description"])} ({c["count"]})</h3>'
        f'<div class="where">{_e(c["kind"])} check</div>'
    ]
    if c["not_run_reason"]:
        blocking = " — this blocks publishing" if c["blocking"] else ""
        parts.append(f"<p>Not run: {_e(c['not_run_reason'])}{_e(blocking)}</p>")
    for case in c["cases"]:
        where = []
        if case["page"] is not None:
            printed = (
                f"printed page {case['printed_page']}, " if case["printed_page"] is not None else ""
            )
            where.append(f"{printed}PDF page {case['page']}")
        if case["dataset"]:
            where.append(f"dataset {case['dataset']}")
        parts.append(
            f'<div class="case"><div>{_e(case["message"])}</div><div class="where">{_e("; ".join(where))}</div>'
        )
        key = (case["page"], tuple(case["bbox"])) if case["page"] and case["bbox"] else None
        if key in crops:
            parts.append(
                f'<img alt="PDF page {_e(case["page"])} around the record" src="{crops[key]}">'
            )
        parts.append("</div>")
    parts.append("</section>")
    return parts
