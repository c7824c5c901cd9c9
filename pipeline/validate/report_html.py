"""The validation report as one self-contained HTML page (no external resources): verdict,
summary, filters, every flagged check with its cases and crops, the glyph accounting."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from pipeline.findings import Severity
from pipeline.validate.crops import place_key

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
#contents ul{columns:2;font-size:.9rem}.case-id{font-size:.75rem;color:#556}
.review{font-size:.8rem;padding:.05rem .4rem;border-radius:.2rem}.review.open{background:#fff4d6}
.review.accepted{background:#e3f5e6}.case.accepted{opacity:.75}
.places{display:flex;flex-wrap:wrap;gap:1rem}.place{margin:.3rem 0;flex:1 1 22rem}
.place figcaption{font-size:.85rem;color:#556}mark{background:#ffe28a}
.accepted-errors{color:#c62828;font-weight:600}
"""


SCRIPT = """
(function () {
  function controls(name) { return document.querySelectorAll('[data-filter=' + name + ']'); }
  function fromAddress() {
    // #severity=error&dataset=programs&section=3&check=index.card_name&accepted=hide
    var want = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      var p = kv.split('=');
      if (p.length === 2) { want[decodeURIComponent(p[0])] = decodeURIComponent(p[1]).split(','); }
    });
    ['severity', 'dataset'].forEach(function (name) {
      if (want[name]) { controls(name).forEach(function (b) { b.checked = want[name].indexOf(b.value) >= 0; }); }
    });
    ['section', 'check'].forEach(function (name) {
      if (want[name]) { controls(name).forEach(function (s) { s.value = want[name][0]; }); }
    });
    if (want.accepted) { controls('accepted').forEach(function (b) { b.checked = want.accepted[0] !== 'hide'; }); }
  }
  function apply() {
    var sev = {}, ds = {};
    controls('severity').forEach(function (b) { sev[b.value] = b.checked; });
    controls('dataset').forEach(function (b) { ds[b.value] = b.checked; });
    var section = controls('section')[0].value, check = controls('check')[0].value;
    var accepted = controls('accepted')[0].checked;
    document.querySelectorAll('section.check').forEach(function (el) {
      var names = (el.getAttribute('data-datasets') || '').split(' ').filter(Boolean);
      // A check about the document itself (pages, glyphs) concerns no dataset: always shown.
      var anyDataset = names.length === 0 || names.some(function (n) { return ds[n]; });
      var show = sev[el.getAttribute('data-severity')] && anyDataset &&
        (!check || el.getAttribute('data-check') === check);
      var cases = el.querySelectorAll('.case'), visible = 0;
      cases.forEach(function (c) {
        var on = (!section || c.getAttribute('data-section') === section) &&
          (accepted || c.getAttribute('data-review') !== 'accepted');
        c.classList.toggle('hidden', !on);
        visible += on ? 1 : 0;
      });
      el.classList.toggle('hidden', !show || (cases.length > 0 && visible === 0));
    });
  }
  document.querySelectorAll('.filters input, .filters select').forEach(function (b) {
    b.addEventListener('change', apply);
  });
  fromAddress();
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


def render_html(report: dict, crops: dict[tuple, str], pdf_href: str | None = None) -> str:
    """The report as one self-contained page: verdict, summary, contents, filters, every
    flagged check with its cases (both places of a disagreement side by side, each with
    its review state and a link to its PDF page), the glyph accounting, the passed checks.

    The filters are also read from the address (#severity=error&section=3&check=…&accepted=hide):
    a reviewer can send a filtered view as a link."""
    flagged = [c for c in report["checks"] if c["status"] != "pass"]
    flagged.sort(key=lambda c: (not c["blocking"], c["status"] != "warn", c["id"]))
    parts = _head_html(report) + _summary_html(report) + _contents_html(flagged)
    parts += _filters_html(report, flagged)
    parts.append(f'<h2 id="flagged">Failed and warned checks ({len(flagged)})</h2>')
    if not flagged:
        parts.append("<p>None.</p>")
    for c in flagged:
        parts += _check_html(c, crops, pdf_href)
    parts += _accounting_html(report.get("glyph_accounting"))
    passed = [c for c in report["checks"] if c["status"] == "pass"]
    parts.append(f'<h2 id="passed">Passed checks ({len(passed)})</h2><ul>')
    for c in passed:
        parts.append(f"<li><code>{_e(c['id'])}</code> — {_e(c['description'])}</li>")
    parts.append("</ul>")
    parts.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"


def pdf_href(pdf: Path | None, report_folder: Path) -> str | None:
    """A link from the report's folder to its source PDF (pages as #page=N), if at hand."""
    if pdf is None or not Path(pdf).is_file():
        return None
    return Path(os.path.relpath(Path(pdf).resolve(), report_folder.resolve())).as_posix()


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
    review = s.get("review") or {}
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
        f'{s["warnings"]} warning(s): <strong id="open-cases">{review.get("open", s["cases"])} open</strong>, '
        f"{review.get('accepted', 0)} accepted by a reviewer.</p>"
    )
    if review.get("accepted_errors"):
        parts.append(
            f'<p class="accepted-errors">{review["accepted_errors"]} accepted error(s) still '
            "block publishing without --allow-errors.</p>"
        )
    if report["quarantine"]:
        parts.append("<p>Quarantined rows (failed a schema check, kept out of curated/):</p><ul>")
        for _name, q in sorted(report["quarantine"].items()):
            parts.append(
                f'<li><a href="{_e(q["href"])}">{_e(q["path"])}</a> — {q["rows"]} row(s)</li>'
            )
        parts.append("</ul>")
    return parts


def _contents_html(flagged: list[dict]) -> list[str]:
    if not flagged:
        return []
    parts = ['<nav id="contents"><h2>Contents</h2><ul>']
    for c in flagged:
        counts = f"{c.get('open', c['count'])} open, {c.get('accepted', 0)} accepted"
        parts.append(
            f'<li data-check="{_e(c["id"])}"><a href="#{_e(_anchor(c["id"]))}"><code>{_e(c["id"])}</code></a> '
            f'<span class="sev">{_e(c["status"].replace("_", " "))}</span> {_e(counts)}</li>'
        )
    parts.append("</ul></nav>")
    return parts


def _filters_html(report: dict, flagged: list[dict]) -> list[str]:
    datasets = sorted({d for c in report["checks"] for d in c["datasets"]})
    sections = sorted(
        {_section(case) for c in flagged for case in c["cases"]} - {""}, key=_section_order
    )
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
    parts.append(' | <label>section <select data-filter="section"><option value="">all</option>')
    parts += [f'<option value="{_e(s)}">{_e(s)}</option>' for s in sections]
    parts.append(
        '</select></label> <label>check <select data-filter="check"><option value="">all</option>'
    )
    parts += [f'<option value="{_e(c["id"])}">{_e(c["id"])}</option>' for c in flagged]
    parts.append(
        '</select></label> | <label><input type="checkbox" data-filter="accepted" checked> '
        "accepted cases</label></div>"
    )
    return parts


def _check_html(c: dict, crops: dict[tuple, str], href: str | None) -> list[str]:
    counts = f"{c.get('open', c['count'])} open, {c.get('accepted', 0)} accepted"
    parts = [
        f'<section id="{_e(_anchor(c["id"]))}" class="check {_e(c["status"])}{" blocking" if c["blocking"] else ""}" '
        f'data-check="{_e(c["id"])}" data-severity="{_e(c["severity"])}" data-datasets="{_e(" ".join(c["datasets"]))}">'
        f'<h3><span class="sev">{_e(c["status"].replace("_", " "))}</span> <code>{_e(c["id"])}</code> — {_e(c["description"])} ({_e(counts)})</h3>'
        f'<div class="where">{_e(c["kind"])} check</div>'
    ]
    if c["not_run_reason"]:
        blocking = " — this blocks publishing" if c["blocking"] else ""
        parts.append(f"<p>Not run: {_e(c['not_run_reason'])}{_e(blocking)}</p>")
    for case in c["cases"]:
        parts += _case_html(case, crops, href)
    parts.append("</section>")
    return parts


def _case_html(case: dict, crops: dict[tuple, str], href: str | None) -> list[str]:
    review = case.get("review") or {"status": "open"}
    state = review["status"]
    facts = [f"dataset {case['dataset']}"] if case["dataset"] else []
    if case.get("key"):
        facts.append(str(case["key"]))
    parts = [
        f'<div class="case {_e(state)}" id="case-{_e(case.get("id", ""))}" data-review="{_e(state)}" '
        f'data-section="{_e(_section(case))}">',
        f'<div class="case-head"><code class="case-id">{_e(case.get("id", ""))}</code> {_review_html(review)}</div>',
        f"<div>{_e(case['message'])}</div>",
        f'<div class="where">{_e("; ".join(facts))}</div>',
    ]
    if case.get("observed") is not None or case.get("expected") is not None:
        parts.append(
            f'<div class="values">read here <mark>{_e(_shown(case.get("observed")))}</mark> · '
            f"the other place or the rule gives <mark>{_e(_shown(case.get('expected')))}</mark></div>"
        )
    places = [("here", case)] + ([("other place", case["other"])] if case.get("other") else [])
    parts.append('<div class="places">')
    for label, place in places:
        parts.append(_place_html(label, place, crops, href))
    parts.append("</div></div>")
    return parts


def _place_html(label: str, place: dict, crops: dict[tuple, str], href: str | None) -> str:
    page, printed = place.get("page"), place.get("printed_page")
    if page is None:
        return ""
    where = (f"printed page {printed}, " if printed is not None else "") + f"PDF page {page}"
    link = f'<a href="{_e(href)}#page={page}">{_e(where)}</a>' if href else _e(where)
    key = place_key(place)
    image = (
        f'<img alt="PDF page {_e(page)} around the record" src="{crops[key]}">'
        if key in crops
        else ""
    )
    return f'<figure class="place"><figcaption>{_e(label)}: {link}</figcaption>{image}</figure>'


def _review_html(review: dict) -> str:
    if review.get("status") != "accepted":
        return '<span class="review open">open</span>'
    who = f"accepted by {review.get('by') or '?'} on {str(review.get('at') or '?')[:10]}"
    return f'<span class="review accepted">{_e(who)}: {_e(review.get("note"))}</span>'


def _shown(value: object) -> str:
    if isinstance(value, bool):  # a flag column (新規, 重点): as the table prints it
        return "○" if value else "blank"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "(none)"
    return "(blank)" if value is None else str(value)


_SECTION = re.compile(r"section (\d+(?:-\d+)*)")


def _section(case: dict) -> str:
    m = _SECTION.search(str(case.get("key") or "")) or _SECTION.search(str(case.get("message")))
    return m.group(1) if m else ""


def _section_order(section: str) -> tuple[int, ...]:
    return tuple(int(n) for n in section.split("-"))


def _anchor(check_id: str) -> str:
    return "check-" + re.sub(r"[^A-Za-z0-9_-]", "-", check_id)
