"""The library behind the CLI: run a release, validate it, read its report, load curated data.

A run is write-audit-publish: every dataset, the quarantine and the validation
report are written to a staging folder, validated, and only then moved into
`curated/`. Validation errors block publishing (the report is still written);
`allow_errors` publishes the rows that pass and quarantines the rest.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import InputError, ValidationFailed
from pipeline.extract.document import (
    DEFAULT_LIMITS,
    Document,
    Limits,
    file_sha256,
    open_document,
    shutdown_workers,
    worker_pool,
)
from pipeline.extract.health import ExtractionFacts
from pipeline.extract.release import Release
from pipeline.extract.report import extract_report, prepare_page
from pipeline.faults import fault_point
from pipeline.findings import Finding, NotRun, Severity, Status
from pipeline.records import (
    card_rows,
    index_rows,
    indicator_rows,
    narrative_rows,
    program_rows,
    statistics_rows,
)
from pipeline.validate.checks import schema_findings
from pipeline.validate.registry import CheckInput, CheckResult, announcements, blocks, run_checks
from pipeline.validate.report import (
    build_report,
    crop_keys,
    glyph_accounting,
    render_crops,
    render_html,
    render_regions,
    write_json,
)
from pipeline.write.parquet import partition_dir, write_partition, write_quarantine
from pipeline.write.store import check_folder, new_staging, publish, reading, writing
from schemas import DATASETS, MODULES

Progress = Callable[[str], None]
# Fewer crops than this per job render here: a few milliseconds each, not worth a hand-off.
MIN_CROPS_PER_JOB = 4


@dataclass
class RunResult:
    source: Path
    fiscal_year: int
    era_label: str
    rows: dict[str, int]
    results: list[CheckResult]
    published: bool
    out: Path
    report_path: Path
    html_path: Path
    partitions: list[Path] = field(default_factory=list)
    # What was published but not said by the checks: releases whose files could not be
    # read for the crosswalk (left out of it), one line each.
    notes: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def errors(self) -> list[Finding]:
        """Error cases, and a case for each check that could not run where it must."""
        return errors_of(self.results)

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]


def errors_of(results: list[CheckResult]) -> list[Finding]:
    out = [f for r in results for f in r.findings if f.severity is Severity.ERROR]
    for r in results:
        if r.not_run is not None and blocks(r):
            out.append(Finding(r.check.id, f"not run: {r.not_run.reason}", severity=Severity.ERROR))
    return out


@dataclass
class Validation:
    """The checks' verdict on a release's datasets."""

    frames: dict[str, pd.DataFrame]  # coerced by their schemas
    results: list[CheckResult]
    failed: dict[str, dict[int, list[str]]]  # per dataset: failing row → schema check ids

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def has_errors(self) -> bool:
        return any(blocks(r) for r in self.results)


def pipeline_version() -> str:
    from pipeline import __version__

    return __version__


def find_releases(raw: Path) -> list[Path]:
    """The report PDFs under raw/<release>/, in release order."""
    if not raw.is_dir():
        raise InputError(f"{raw}: no such folder (put each release's PDF under {raw}/<release>/)")
    pdfs = sorted(p for p in raw.glob("*/*.pdf") if p.is_file())
    if not pdfs:
        raise InputError(f"{raw}: no release PDFs found (expected {raw}/<release>/<name>.pdf)")
    return pdfs


def extract_release(
    pdf: Path,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    jobs: int = 1,
) -> tuple[dict[str, pd.DataFrame], ExtractionFacts, Document, Release]:
    """Read a report PDF into the rows of every dataset, with what the document
    announces and what the extractors reported (the facts the health checks judge).

    `jobs` processes read the pages (and find each page's lines and tables); the
    result does not depend on it.
    """
    say = progress or (lambda _msg: None)
    doc = open_document(
        pdf,
        progress=lambda done, total: say(f"reading page {done}/{total}"),
        limits=limits,
        jobs=jobs,
        prepare=prepare_page,
    )
    fault_point("read")
    say("extracting cards, tables and lists")
    frames, facts, release = extract_document(doc)
    return frames, facts, doc, release


def extract_document(doc: Document) -> tuple[dict[str, pd.DataFrame], ExtractionFacts, Release]:
    """The rows of every dataset from a read document, with the extraction's facts."""
    ex = extract_report(doc)
    fy = ex.release.fiscal_year
    cards = card_rows(ex.cards, fy)
    indicators, row_findings = indicator_rows(ex.cards, fy, ex.release.era, ex.printed)
    programs, list_totals = program_rows(ex.program_list, fy, ex.printed)
    index, index_totals = index_rows(ex.indexes, programs, fy, ex.printed)
    totals = (
        pd.concat([list_totals, index_totals], ignore_index=True)
        if len(index_totals)
        else list_totals
    )
    statistics, figures = statistics_rows(ex.statistics, fy, ex.printed)
    ex.facts.findings += row_findings
    frames = {
        "program_cards": cards,
        "indicators": indicators,
        "programs": programs,
        "program_totals": totals,
        "program_index": index,
        "statistics": statistics,
        "figures": figures,
        "narrative": narrative_rows(ex.narrative, fy, ex.printed),
    }
    return frames, ex.facts, ex.release


def validate_frames(
    frames: dict[str, pd.DataFrame],
    facts: ExtractionFacts | None = None,
    announced: dict[str, bool] | None = None,
) -> Validation:
    """Every registered check: the schemas, extraction health, the cross-checks.

    Without `facts` (re-validating published data) the checks that need the PDF
    are not run here, and `announced` says what the document announced.
    """
    schema: dict[str, list[Finding]] = {}
    checked: dict[str, pd.DataFrame] = {}
    failed: dict[str, dict[int, list[str]]] = {}
    for name, df in frames.items():
        checked[name], schema[name], rows = schema_findings(name, df)
        if rows:
            failed[name] = rows
    results = run_checks(CheckInput(frames, facts, schema, announced))
    return Validation(checked, results, failed)


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _write_reports(folder: Path, report: dict, crops: dict) -> None:
    write_json(folder / "report.json", report)
    (folder / "report.html").write_text(render_html(report, crops), encoding="utf-8")


def _report_cases(report: dict) -> list[dict]:
    return [case for check in report["checks"] for case in check["cases"]]


def _start_crops(pdf: Path, report: dict, jobs: int) -> Callable[[], dict]:
    """Start rendering the report's page crops; call the result to have them.

    With several jobs the kept workers render them (split by page) while this
    process writes the datasets; a pool that broke meanwhile is not worth failing a
    run over: the crops are then rendered here.
    """
    keys = crop_keys(_report_cases(report))
    if jobs <= 1 or len(keys) < MIN_CROPS_PER_JOB * jobs:
        return lambda: render_regions(pdf, keys)
    by_page: dict[int, list] = {}
    for key in keys:
        by_page.setdefault(key[0], []).append(key)
    parts: list[list] = [[] for _ in range(jobs)]
    for page_keys in sorted(by_page.values(), key=len, reverse=True):
        min(parts, key=len).extend(page_keys)
    try:
        pool = worker_pool(jobs)
        futures = [pool.submit(render_regions, pdf, part) for part in parts if part]
    except BrokenProcessPool:
        shutdown_workers()
        return lambda: render_regions(pdf, keys)

    def collect() -> dict:
        crops: dict = {}
        try:
            for future in futures:
                crops.update(future.result())
        except BrokenProcessPool:
            shutdown_workers()
            return render_regions(pdf, keys)
        return crops

    return collect


def run_release(
    pdf: Path | str,
    out: Path | str = "curated",
    allow_errors: bool = False,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    jobs: int = 1,
    release_name: str | None = None,
) -> RunResult:
    """Extract, validate and publish one release. Raises ValidationFailed when errors block publishing.

    One journaled publish swaps in the release's partitions, its report and quarantine,
    the cross-release crosswalk and the manifest's entry (`release_name`, by default
    after the PDF's folder) together. `jobs` processes read the PDF's pages; the
    published files are the same for any value.
    """
    pdf, out = Path(pdf), Path(out)
    check_folder(out)  # before the long read, not after it
    say = progress or (lambda _msg: None)
    frames, facts, doc, release = extract_release(pdf, progress, limits, jobs)
    # Every stage after extraction works from the frames: free the page layouts.
    sha256, printed = doc.sha256, {p.number: p.printed for p in doc.pages}
    del doc
    say("validating")
    validation = validate_frames(frames, facts)
    frames, failed = validation.frames, validation.failed
    fault_point("validated")
    publishing = not validation.has_errors or allow_errors
    fy = release.fiscal_year
    release_name = release_name or f"fy{fy}"
    quarantine_dirs = {name: partition_dir(Path("_quarantine"), name, fy) for name in failed}
    # A blocked run's report stands beside the published one (which stays), in blocked/.
    report_rel = partition_dir(Path(), "_validation", fy)
    if not publishing:
        report_rel = report_rel / BLOCKED
    up = "../" * len(report_rel.parts)
    report = build_report(
        source_file=pdf.name,
        source_sha256=sha256,
        fiscal_year=fy,
        era_label=release.era_label,
        pipeline_version=pipeline_version(),
        generated_at=_now(),
        rows={k: len(v) for k, v in frames.items()},
        results=validation.results,
        printed=printed,
        published=publishing,
        allow_errors=allow_errors,
        quarantine={
            name: {
                "path": str(rel / "part-0.parquet"),
                "href": f"{up}{rel.as_posix()}/part-0.parquet",
                "rows": len(failed[name]),
            }
            for name, rel in sorted(quarantine_dirs.items())
        },
        glyph_accounting=glyph_accounting(facts.accounts, printed) if facts else None,
    )
    report["announced"] = announcements(frames, facts)
    crops = _start_crops(pdf, report, jobs)  # rendered while the datasets are written
    metadata = {
        "source_file": pdf.name,
        "source_sha256": sha256,
        "pipeline_version": pipeline_version(),
        "fiscal_year": str(fy),
    }
    say("writing")
    with writing(out):
        _check_one_source_per_year(out, release_name, fy, pdf, sha256)
        staging = new_staging(out)
        try:
            rels: list[Path] = []
            for name, rows in sorted(failed.items()):
                rel = quarantine_dirs[name]
                write_quarantine(frames[name], rows, staging / rel, {**metadata, "dataset": name})
                rels.append(rel)
            published = {}
            if publishing:
                published = {n: frames[n].drop(index=list(failed.get(n, {}))) for n in MODULES}
                rels += _stage_partitions(staging, published, fy, metadata)
            say("rendering the validation report")
            _write_reports(staging / report_rel, report, crops())
            rels.append(report_rel)
            unreadable: list[str] = []
            if publishing:
                say("updating the program crosswalk")
                unreadable = _stage_crosswalk(staging, out, fy, published)
                rels.append(Path(CROSSWALK))
            _stage_manifest(staging, out, ReleaseSource(release_name, pdf), report)
            rels.append(Path(MANIFEST))
            fault_point("staged")
            stale_quarantine = [
                partition_dir(Path("_quarantine"), name, fy)
                for name in MODULES
                if name not in failed
            ]
            publish(staging, out, rels, remove=stale_quarantine)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    result = RunResult(
        source=pdf,
        fiscal_year=fy,
        era_label=release.era_label,
        rows={k: len(v) for k, v in frames.items()},
        results=validation.results,
        published=publishing,
        out=out,
        report_path=out / report_rel / "report.json",
        html_path=out / report_rel / "report.html",
        partitions=[out / r for r in rels],
        notes=unreadable,
    )
    if validation.has_errors and not allow_errors:
        error = ValidationFailed(
            f"{pdf}: {len(result.errors)} validation error(s); nothing published, "
            f"previous data kept (see {result.html_path}); failed: "
            f"{', '.join(sorted({f.check for f in result.errors}))}"
        )
        error.report_path = result.report_path
        error.result = result
        raise error
    return result


def _stage_partitions(
    staging: Path, frames: dict[str, pd.DataFrame], fy: int, metadata: dict[str, str]
) -> list[Path]:
    rels = []
    for name, module in MODULES.items():
        rel = partition_dir(Path(), name, fy)
        write_partition(
            frames[name],
            DATASETS[name],
            module.ARROW_TYPES,
            module.SORT_KEYS,
            staging / rel,
            {**metadata, "dataset": name},
        )
        rels.append(rel)
    return rels


def published_years(out: Path | str = "curated") -> list[int]:
    root = Path(out) / "_validation"
    return sorted(
        int(p.name.split("=", 1)[1])
        for p in root.glob("fiscal_year=*")
        if p.name.split("=", 1)[1].isdigit()
    )


def validate_release(
    fiscal_year: int, out: Path | str = "curated", raw: Path | str | None = "raw"
) -> dict:
    """Re-run every check over what is published for a fiscal year; rewrite its report.

    The report keeps what the run that published it said of publishing (published,
    --allow-errors, quarantine) and the checks that need the PDF. Page crops are
    included when the source PDF (found under `raw` by its sha256) is at hand.
    """
    out = Path(out)
    with writing(out):
        frames = {
            name: load(name, years=[fiscal_year], out=out, with_program_id=False)
            for name in MODULES
        }
        meta = _dataset_metadata(out, "program_cards", fiscal_year)
        # What the run said of publishing; a damaged report is not silently replaced.
        report_file = partition_dir(out, "_validation", fiscal_year) / "report.json"
        previous = read_report(fiscal_year, out) if report_file.exists() else {}
        results = validate_frames(frames, announced=previous.get("announced")).results
        if previous:
            results = carry_extraction_results(results, previous)
        printed: dict[int, int | None] = {}
        for df in frames.values():
            pages = zip(df.get("source_page", []), df.get("printed_page", []), strict=False)
            for page, label in pages:
                printed[int(page)] = None if pd.isna(label) else int(label)
        pdf = _find_source(Path(raw), meta.get("source_sha256", "")) if raw else None
        report = build_report(
            source_file=meta.get("source_file", ""),
            source_sha256=meta.get("source_sha256", ""),
            fiscal_year=fiscal_year,
            era_label=(previous.get("release") or {}).get("era_label"),
            pipeline_version=pipeline_version(),
            generated_at=_now(),
            rows={k: len(v) for k, v in frames.items()},
            results=results,
            printed=printed,
            published=bool(previous.get("published", True)),
            allow_errors=bool(previous.get("allow_errors", False)),
            quarantine=previous.get("quarantine") or {},
            # Counted when the PDF was read; published data cannot be counted again.
            glyph_accounting=previous.get("glyph_accounting"),
        )
        report["announced"] = previous.get("announced")
        staging = new_staging(out)
        try:
            rel = partition_dir(Path(), "_validation", fiscal_year)
            _write_reports(staging / rel, report, render_crops(pdf, _report_cases(report)))
            publish(staging, out, [rel])
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return report


def carry_extraction_results(results: list[CheckResult], previous: dict) -> list[CheckResult]:
    """The checks that need the PDF itself, as the run that read it found them: published
    data cannot be re-read, and a misread found then must not vanish now."""
    before = {c.get("id"): c for c in previous.get("checks", []) if isinstance(c, dict)}
    out = []
    for r in results:
        old = before.get(r.check.id)
        if not r.check.from_extraction or old is None:
            out.append(r)
            continue
        findings = [
            Finding(
                case.get("check") or r.check.id,
                case.get("message", ""),
                case.get("page"),
                tuple(case["bbox"]) if case.get("bbox") else None,
                case.get("dataset"),
                key=case.get("key"),
                observed=case.get("observed"),
                expected=case.get("expected"),
                severity=r.check.severity,
            )
            for case in old.get("cases", [])
        ]
        status = Status(old.get("status", "not_run"))
        reason = old.get("not_run_reason")
        not_run = NotRun(reason, bool(old.get("blocking"))) if reason else None
        out.append(CheckResult(r.check, status, findings, not_run))
    return out


def read_blocked_report(fiscal_year: int, out: Path | str = "curated") -> dict | None:
    """The report of the last run of a fiscal year that published nothing, if it is the
    latest word on that year (a later publish removes it)."""
    path = partition_dir(Path(out), "_validation", fiscal_year) / BLOCKED / "report.json"
    with reading(Path(out)):
        if not path.is_file():
            return None
    return read_report(fiscal_year, out, blocked=True)


def read_report(fiscal_year: int, out: Path | str = "curated", blocked: bool = False) -> dict:
    """The validation report of what is published for a fiscal year (`blocked`: of the
    last run that published nothing); a year whose runs were all blocked has only that."""
    folder = partition_dir(Path(out), "_validation", fiscal_year)
    path = folder / BLOCKED / "report.json" if blocked else folder / "report.json"
    if not blocked and not path.is_file() and (folder / BLOCKED / "report.json").is_file():
        path = folder / BLOCKED / "report.json"
    with reading(Path(out)):
        if not path.is_file():
            raise InputError(
                f"{path}: no validation report for fiscal year {fiscal_year} (run `nenpo run` first)"
            )
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InputError(f"{path}: unreadable validation report ({e})") from e
    if not isinstance(report, dict) or not isinstance(report.get("release"), dict):
        raise InputError(f"{path}: not a validation report written by nenpo")
    return report


def _dataset_metadata(out: Path, dataset: str, fiscal_year: int) -> dict[str, str]:
    path = partition_dir(out, dataset, fiscal_year) / "part-0.parquet"
    if not path.is_file():
        raise InputError(f"{path}: nothing published for fiscal year {fiscal_year}")
    meta = pq.read_schema(path).metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items()}


def _find_source(raw: Path, sha256: str) -> Path | None:
    if not raw.is_dir() or not sha256:
        return None
    for pdf in sorted(raw.glob("*/*.pdf")):
        if file_sha256(pdf) == sha256:
            return pdf
    return None


# -- releases, the manifest and incremental runs -----------------------------------

MANIFEST = "_manifest.json"
BLOCKED = "blocked"  # _validation/fiscal_year=N/blocked/: the last run that published nothing
MANIFEST_VERSION = "1"
RELEASE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class ReleaseSource:
    release: str | None  # the folder name under raw/; None: named by its fiscal year
    pdf: Path


def release_sources(raw: Path) -> tuple[list[ReleaseSource], list[InputError]]:
    """Each raw/<release>/ folder's PDF (a folder must hold exactly one), and what is
    wrong with the folders that cannot be run: one bad folder stops no other."""
    by_folder: dict[Path, list[Path]] = {}
    for pdf in find_releases(raw):
        by_folder.setdefault(pdf.parent, []).append(pdf)
    out: list[ReleaseSource] = []
    problems: list[InputError] = []
    for folder, pdfs in by_folder.items():
        if not RELEASE_NAME.match(folder.name):
            problems.append(
                InputError(
                    f"{folder}: a release folder name may hold only letters, digits, '.', "
                    "'_' and '-' (skipped)"
                )
            )
        elif len(pdfs) > 1:
            problems.append(
                InputError(
                    f"{folder}: holds more than one PDF; keep one report per release folder "
                    "(skipped)"
                )
            )
        else:
            out.append(ReleaseSource(folder.name, pdfs[0]))
    return out, problems


def source_for(pdf: Path, raw: Path | None = None) -> ReleaseSource:
    """The release a PDF given on the command line belongs to: its folder's name when
    it lies in raw/<release>/, else none (the run names it by its fiscal year)."""
    if raw is not None and pdf.parent.parent.resolve() == raw.resolve():
        if RELEASE_NAME.match(pdf.parent.name):
            return ReleaseSource(pdf.parent.name, pdf)
    return ReleaseSource(None, pdf)


def read_manifest(out: Path | str = "curated") -> dict:
    path = Path(out) / MANIFEST
    with reading(Path(out)):
        if not path.is_file():
            return {"schema_version": MANIFEST_VERSION, "releases": {}}
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InputError(
                f"{path}: unreadable manifest ({e}); delete it to rebuild it on the next run"
            ) from e
    releases = manifest.get("releases") if isinstance(manifest, dict) else None
    if not isinstance(releases, dict) or not all(isinstance(v, dict) for v in releases.values()):
        raise InputError(
            f"{path}: not a nenpo manifest (no releases by name); delete it to rebuild it on the next run"
        )
    return manifest


def source_state(src: ReleaseSource, manifest: dict) -> str:
    """new | changed | failed | outdated (another pipeline version) | up to date."""
    entry = manifest["releases"].get(src.release or "")
    if entry is None:
        return "new"
    stat = src.pdf.stat()
    same_file = entry.get("size") == stat.st_size and entry.get("mtime_ns") == stat.st_mtime_ns
    blocked = entry.get("blocked") or {}
    if blocked.get("sha256") and blocked.get("sha256") == file_sha256(src.pdf):
        return "failed"  # this very source was blocked last time
    if not same_file and entry.get("sha256") != file_sha256(src.pdf):
        return "changed"
    if not entry.get("published") or entry.get("verdict") == "fail":
        return "failed"
    if entry.get("pipeline_version") != pipeline_version():
        return "outdated"
    return "up to date"


def _check_one_source_per_year(out: Path, release: str, fy: int, pdf: Path, sha256: str) -> None:
    """Two sources of one fiscal year would publish over each other: an error naming
    both, unless the other's source is gone (a release folder renamed)."""
    for name, entry in read_manifest(out)["releases"].items():
        other = Path(str(entry.get("source") or ""))
        if (
            name != release
            and entry.get("fiscal_year") == fy
            and entry.get("sha256") != sha256
            and other.is_file()
        ):
            raise InputError(
                f"{pdf} and {other} (release {name!r}) both give fiscal year {fy}; keep one "
                "of them (nothing published)"
            )


def _stage_manifest(staging: Path, out: Path, src: ReleaseSource, report: dict) -> None:
    """The manifest with this run's entry, staged to be swapped in with the release. A
    blocked run keeps what was published before (its data still is) and adds itself
    as `blocked`: the release is re-run until a run publishes."""
    manifest = read_manifest(out)
    stat = src.pdf.stat() if src.pdf.is_file() else None
    run = {
        "source": str(src.pdf),
        "sha256": file_sha256(src.pdf) if stat else None,
        "size": stat.st_size if stat else None,
        "mtime_ns": stat.st_mtime_ns if stat else None,
        "pipeline_version": pipeline_version(),
        "last_run": _now(),
        "fiscal_year": report["release"]["fiscal_year"],
    }
    previous = manifest["releases"].get(src.release, {})
    if report["published"]:
        entry = {
            **run,
            "rows": {k: v["rows"] for k, v in report["datasets"].items()},
            "verdict": report["verdict"],
            "published": True,
        }
    elif previous.get("published"):
        entry = {**previous, "blocked": {**run, "verdict": report["verdict"]}}
    else:
        entry = {**run, "verdict": report["verdict"], "published": False, "blocked": run}
    manifest["releases"][src.release] = entry
    (staging / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def run_source(
    src: ReleaseSource,
    out: Path | str = "curated",
    allow_errors: bool = False,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    jobs: int = 1,
) -> RunResult:
    """run_release under the release's name in the manifest."""
    return run_release(
        src.pdf,
        out=out,
        allow_errors=allow_errors,
        progress=progress,
        limits=limits,
        jobs=jobs,
        release_name=src.release,
    )


def run_pending(
    raw: Path | str = "raw", out: Path | str = "curated", force: bool = False
) -> tuple[list[tuple[ReleaseSource, str]], list[InputError]]:
    """The releases under raw/ with their state (a run skips those "up to date"), and
    the folders that cannot be run."""
    manifest = read_manifest(out)
    sources, problems = release_sources(Path(raw))
    return [(src, "forced" if force else source_state(src, manifest)) for src in sources], problems


CROSSWALK = "program_crosswalk"


def _stage_crosswalk(
    staging: Path, out: Path, fiscal_year: int, frames: dict[str, pd.DataFrame]
) -> list[str]:
    """program_crosswalk over every published release with this one's rows in place of
    what it had published, staged to be swapped in with the release. A release whose
    files cannot be read is left out, and said so (one line each)."""
    from pipeline.identity import build_crosswalk, crosswalk_names
    from schemas import CROSS_RELEASE, CROSS_RELEASE_MODULES

    names = ("programs", "program_cards", "program_index")
    unreadable: list[str] = []
    parts: dict[str, list[pd.DataFrame]] = {n: [frames[n]] for n in names}
    for year in published_years(out):
        if year == fiscal_year:
            continue
        try:
            loaded = {n: load(n, years=[year], out=out, with_program_id=False) for n in names}
        except (InputError, OSError, pa.ArrowException) as e:
            unreadable.append(
                f"fiscal year {year}: its published files could not be read and are not in "
                f"the crosswalk ({type(e).__name__}: {' '.join(str(e).split())[:200]})"
            )
            continue
        for n in names:
            parts[n].append(loaded[n])
    combined = {n: pd.concat(parts[n], ignore_index=True) for n in names}
    walk = build_crosswalk(crosswalk_names(*(combined[n] for n in names)))
    model = CROSS_RELEASE[CROSSWALK]
    module = CROSS_RELEASE_MODULES[CROSSWALK]
    model.validate(walk, lazy=True)
    meta = {"dataset": CROSSWALK, "pipeline_version": pipeline_version()}
    write_partition(
        walk, model, module.ARROW_TYPES, module.SORT_KEYS, staging / CROSSWALK, meta,
        partitioned=False,
    )  # fmt: skip
    return unreadable


def load(
    dataset: str,
    years: Sequence[int] | None = None,
    out: Path | str = "curated",
    with_program_id: bool = True,
) -> pd.DataFrame:
    """A curated dataset as a typed pandas DataFrame, optionally only some fiscal years.

    Datasets keyed by program_key get the stable `program_id` from the
    crosswalk, so programs can be followed across years.
    """
    import pyarrow.dataset as ds

    from schemas import CROSS_RELEASE

    if dataset not in MODULES and dataset not in CROSS_RELEASE:
        known = ", ".join([*MODULES, *CROSS_RELEASE])
        raise InputError(f"unknown dataset {dataset!r}; known: {known}")
    root = Path(out) / dataset
    partitioning = "hive" if dataset in MODULES else None
    walk_root = Path(out) / CROSSWALK
    with reading(Path(out)):  # never half a publish
        if not root.is_dir():
            raise InputError(f"{root}: no such dataset folder (run `nenpo run` first)")
        try:
            table = ds.dataset(root, format="parquet", partitioning=partitioning).to_table(
                filter=ds.field("fiscal_year").isin(list(years)) if years else None
            )
            walk = None
            if with_program_id and dataset in MODULES and walk_root.is_dir():
                walk = ds.dataset(walk_root, format="parquet").to_table(
                    columns=["fiscal_year", "program_key", "program_id"]
                )
        except (OSError, pa.ArrowException) as e:
            raise InputError(
                f"{root}: a published file cannot be read ({type(e).__name__}: "
                f"{' '.join(str(e).split())[:200]}); re-run its release"
            ) from e
    df = table.to_pandas(types_mapper=_pandas_type)
    if "fiscal_year" in df:
        df["fiscal_year"] = df["fiscal_year"].astype("Int64")
    if walk is not None and "program_key" in df:
        keys = walk.to_pandas(types_mapper=_pandas_type)
        keys["fiscal_year"] = keys["fiscal_year"].astype("Int64")
        df = df.merge(keys, on=["fiscal_year", "program_key"], how="left")
    return df


def _pandas_type(t):  # noqa: ANN001, ANN202 - pyarrow type mapper
    import pyarrow as pa

    if pa.types.is_integer(t):
        return pd.Int64Dtype()
    if pa.types.is_floating(t):
        return pd.Float64Dtype()
    if pa.types.is_boolean(t):
        return pd.BooleanDtype()
    return None
