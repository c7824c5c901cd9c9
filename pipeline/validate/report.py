"""The validation report: report.json for machines, report.html for reviewers.

report.json (schema_version "1") is documented in docs/validation-report.md.
report.html is one self-contained file: inline CSS and script, page crops as
data URIs, no network. Every text that came from the PDF is escaped.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.extract.accounting import PageAccount
from pipeline.findings import Finding, Severity, Status
from pipeline.validate.registry import CheckResult, blocks

REPORT_SCHEMA_VERSION = "1"
CROP_MARGIN = 36.0  # points of context around a highlighted record
CROP_SCALE = 1.4  # pixels per point of the page crops
MAX_CROP_HEIGHT = 240.0  # points: a crop shows at most this much below the record's top
MAX_CROPS = 300  # beyond this many cases the report lists pages without crops


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
    soft_not_run = not_run - sum(r.status is Status.NOT_RUN and blocks(r) for r in results)
    verdict = "fail" if failed else ("pass_with_warnings" if warned or soft_not_run else "pass")
    if published and failed:
        publish_note = (
            "published despite validation errors (--allow-errors); failing rows are in quarantine"
        )
    elif published:
        publish_note = "published: no validation errors" + (
            " (warnings never block)" if warned else ""
        )
    else:
        publish_note = f"not published: {failed} check(s) failed; the previous data of this release is unchanged"
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
        key: sum(p[key] for p in pages)
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


def _place(page: int | None, bbox: object, printed: dict[int, int | None]) -> dict:
    return {
        "page": page,
        "printed_page": printed.get(page) if page is not None else None,
        "bbox": [round(float(x), 2) for x in bbox] if bbox else None,  # type: ignore[union-attr]
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


# -- crops ----------------------------------------------------------------------


CropKey = tuple[int, tuple[float, ...]]  # (physical page, bbox)


def render_crops(pdf: Path | None, cases: Iterable[dict]) -> dict[CropKey, str]:
    """PNG data URIs of the page region around each case's bbox, highlighted."""
    return render_regions(pdf, crop_keys(cases))


def crop_keys(cases: Iterable[dict]) -> list[CropKey]:
    """The regions the report shows: one per distinct (page, bbox), at most MAX_CROPS."""
    wanted: dict[CropKey, None] = {}
    for c in cases:
        if c["page"] and c["bbox"]:
            wanted.setdefault((c["page"], tuple(c["bbox"])), None)
    return list(wanted)[:MAX_CROPS]


def render_regions(pdf: Path | None, wanted: Sequence[CropKey]) -> dict[CropKey, str]:
    """PNG data URIs of the given regions, each highlighted (see render_crops). Crops
    illustrate cases: a page the renderer refuses (a damaged /Root, an inverted box)
    has none, and the report is written without them."""
    if pdf is None or not Path(pdf).is_file() or not wanted:
        return {}
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(pdf))
    except (pdfium.PdfiumError, OSError, ValueError):
        return {}
    out: dict[CropKey, str] = {}
    try:
        by_page: dict[int, list[tuple]] = {}
        for key in wanted:
            by_page.setdefault(key[0], []).append(key)
        for page_no, keys in sorted(by_page.items()):
            if not 1 <= page_no <= len(doc):
                continue
            try:
                page = doc[page_no - 1]
                for key in keys:
                    crop = _crop(page, key)
                    if crop is not None:
                        out[key] = crop
                page.close()
            except (pdfium.PdfiumError, OSError, ValueError):
                continue
    finally:
        doc.close()
    return out


def _crop(page, key: CropKey) -> str | None:  # noqa: ANN001 - a pypdfium2 page
    from PIL import ImageDraw

    width, height = page.get_size()
    x0, top, x1, bottom = key[1]
    # A whole card is tall: show its top, where the reviewer starts reading.
    region = (
        max(0.0, x0 - CROP_MARGIN),
        max(0.0, top - CROP_MARGIN),
        min(width, x1 + CROP_MARGIN),
        min(height, bottom + CROP_MARGIN, top + MAX_CROP_HEIGHT),
    )
    if region[2] - region[0] < 1 or region[3] - region[1] < 1:
        return None  # a box outside the page (an inverted or shifted page box)
    # pdfium renders only the region: crop gives the margins cut from each side.
    image = (
        page.render(
            scale=CROP_SCALE,
            crop=(region[0], height - region[3], width - region[2], region[1]),
        )
        .to_pil()
        .convert("RGB")
    )
    draw = ImageDraw.Draw(image)
    box = [
        (x0 - region[0]) * CROP_SCALE,
        (top - region[1]) * CROP_SCALE,
        (x1 - region[0]) * CROP_SCALE,
        (bottom - region[1]) * CROP_SCALE,
    ]
    draw.rectangle(box, outline=(220, 30, 30), width=3)
    buf = io.BytesIO()
    # Light compression: the crops are a few hundred KB at most, and the default
    # level spent more time here than all the validation checks.
    image.save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# -- HTML -----------------------------------------------------------------------

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
    rel = report["release"]
    s = report["summary"]
    parts = [
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
    datasets = sorted({d for c in report["checks"] for d in c["datasets"]})
    parts.append('<div class="filters"><strong>Show:</strong> ')
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
    flagged = [c for c in report["checks"] if c["status"] != "pass"]
    parts.append(f'<h2 id="flagged">Failed and warned checks ({len(flagged)})</h2>')
    if not flagged:
        parts.append("<p>None.</p>")
    for c in sorted(flagged, key=lambda c: (not c["blocking"], c["status"] != "warn", c["id"])):
        parts.append(
            f'<section class="check {_e(c["status"])}{" blocking" if c["blocking"] else ""}" data-severity="{_e(c["severity"])}" data-datasets="{_e(" ".join(c["datasets"]))}">'
            f'<h3><span class="sev">{_e(c["status"].replace("_", " "))}</span> <code>{_e(c["id"])}</code> — {_e(c["description"])} ({c["count"]})</h3>'
            f'<div class="where">{_e(c["kind"])} check</div>'
        )
        if c["not_run_reason"]:
            blocking = " — this blocks publishing" if c["blocking"] else ""
            parts.append(f"<p>Not run: {_e(c['not_run_reason'])}{_e(blocking)}</p>")
        for case in c["cases"]:
            where = []
            if case["page"] is not None:
                printed = (
                    f"printed page {case['printed_page']}, "
                    if case["printed_page"] is not None
                    else ""
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
    parts += _accounting_html(report.get("glyph_accounting"))
    passed = [c for c in report["checks"] if c["status"] == "pass"]
    parts.append(f'<h2 id="passed">Passed checks ({len(passed)})</h2><ul>')
    for c in passed:
        parts.append(f"<li><code>{_e(c['id'])}</code> — {_e(c['description'])}</li>")
    parts.append("</ul>")
    parts.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"
