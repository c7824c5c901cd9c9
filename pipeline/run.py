"""One release through write-audit-publish.

Every dataset, the quarantine and the validation report are written to a staging
folder, read back and validated, and only then swapped into `curated/` in one
journaled publish. Validation errors block publishing (the report is still written,
beside the published one); `allow_errors` publishes the rows that pass and
quarantines the rest.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.crosswalk import stage_crosswalk
from pipeline.errors import ValidationFailed
from pipeline.extract.health import ExtractionFacts
from pipeline.extract.readers import PageReaders
from pipeline.extract.release import Release
from pipeline.extract.source import DEFAULT_LIMITS, Limits
from pipeline.extraction import Progress, extract_release
from pipeline.faults import fault_point
from pipeline.findings import Finding, Severity
from pipeline.history import stage_history, stage_index
from pipeline.load import CROSSWALK
from pipeline.releases import (
    BLOCKED,
    MANIFEST,
    ReleaseSource,
    check_one_source_per_year,
    now,
    pipeline_version,
    stage_manifest,
)
from pipeline.review import apply_reviews, read_decisions, review_files
from pipeline.validate.crops import start_crops
from pipeline.validate.registry import CheckResult, announcements
from pipeline.validate.report import build_report, glyph_accounting
from pipeline.validate.report_html import pdf_href
from pipeline.validation import Validation, errors_of, validate_frames, write_reports
from pipeline.write.parquet import partition_dir, write_partition, write_quarantine
from pipeline.write.store import check_folder, new_staging, publish, writing
from schemas import DATASETS, MODULES


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
    # Review decisions: open / accepted counts, and the accepted cases (check, message, page).
    review: dict = field(default_factory=dict)
    accepted: set = field(default_factory=set)

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


@dataclass(frozen=True)
class _Plan:
    """Where a run's files go, decided once its verdict is known."""

    fiscal_year: int
    release_name: str
    publishing: bool
    quarantine: dict[str, Path]  # dataset → its quarantine partition, relative to out
    report: Path  # the report's folder, relative to out

    @classmethod
    def of(cls, fy: int, name: str | None, publishing: bool, failed: dict) -> _Plan:
        report = partition_dir(Path(), "_validation", fy)
        # A blocked run's report stands beside the published one (which stays), in blocked/.
        return cls(
            fy,
            name or f"fy{fy}",
            publishing,
            {n: partition_dir(Path("_quarantine"), n, fy) for n in failed},
            report if publishing else report / BLOCKED,
        )


def run_release(
    pdf: Path | str,
    out: Path | str = "curated",
    allow_errors: bool = False,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    readers: PageReaders | None = None,
    jobs: int = 1,
    release_name: str | None = None,
    raw: Path | None = None,
) -> RunResult:
    """Extract, validate and publish one release. Raises ValidationFailed when errors block publishing.

    One journaled publish swaps in the release's partitions, its report and quarantine,
    the cross-release crosswalk and the manifest's entry (`release_name`, by default
    after the fiscal year) together. Review decisions come from `review.toml` beside the
    PDF and, given `raw`, beside the other releases' PDFs. The caller's `readers` read the PDF's pages; without
    them, `jobs` processes are started for this call and ended with it. The published
    files are the same for any number of jobs.
    """
    if readers is None:
        with PageReaders(jobs) as own:
            return run_release(pdf, out, allow_errors, progress, limits, own, 1, release_name, raw)
    pdf, out = Path(pdf), Path(out)
    check_folder(out)  # before the long read, not after it
    say = progress or (lambda _msg: None)
    frames, facts, doc, release = extract_release(pdf, progress, limits, readers)
    # Every stage after extraction works from the frames: free the page layouts.
    sha256, printed = doc.sha256, {p.number: p.printed for p in doc.pages}
    del doc
    say("validating")
    validation = validate_frames(frames, facts)
    fault_point("validated")
    publishing = not validation.has_errors or allow_errors
    plan = _Plan.of(release.fiscal_year, release_name, publishing, validation.failed)
    report = _run_report(pdf, sha256, release, validation, facts, printed, plan, allow_errors, raw)
    crops = start_crops(pdf, report, readers)  # rendered while the datasets are written
    say("writing")
    with writing(out):
        check_one_source_per_year(out, plan.release_name, plan.fiscal_year, pdf, sha256)
        rels, notes = _stage_and_publish(out, pdf, sha256, plan, validation, report, crops, say)
    result = RunResult(
        source=pdf,
        fiscal_year=plan.fiscal_year,
        era_label=release.era_label,
        rows={k: len(v) for k, v in validation.frames.items()},
        results=validation.results,
        published=publishing,
        out=out,
        report_path=out / plan.report / "report.json",
        html_path=out / plan.report / "report.html",
        partitions=[out / r for r in rels],
        notes=notes,
        review=report["summary"]["review"],
        accepted=_accepted(report),
    )
    if validation.has_errors and not allow_errors:
        raise _blocked(pdf, result)
    return result


def _accepted(report: dict) -> set[tuple[str, str, int | None]]:
    """The cases a reviewer accepted, as (check, message, page) of their findings."""
    return {
        (case["check"], case["message"], case["page"])
        for check in report["checks"]
        for case in check["cases"]
        if case["review"]["status"] == "accepted"
    }


def _run_report(
    pdf: Path,
    sha256: str,
    release: Release,
    validation: Validation,
    facts: ExtractionFacts,
    printed: dict[int, int | None],
    plan: _Plan,
    allow_errors: bool,
    raw: Path | None,
) -> dict:
    """The validation report of a run, with what the document announced and the review
    decisions of its release (and of the releases under `raw`)."""
    report = build_report(
        source_file=pdf.name,
        source_sha256=sha256,
        fiscal_year=plan.fiscal_year,
        era_label=release.era_label,
        pipeline_version=pipeline_version(),
        generated_at=now(),
        rows={k: len(v) for k, v in validation.frames.items()},
        results=validation.results,
        printed=printed,
        published=plan.publishing,
        allow_errors=allow_errors,
        quarantine=_quarantine_entries(plan, validation.failed),
        glyph_accounting=glyph_accounting(facts.accounts, printed) if facts else None,
    )
    report["announced"] = announcements(validation.frames, facts)
    # Where the tables of record rows have their headers: the crops show them.
    report["table_headers"] = {
        str(page): [[round(v, 2) for v in box] for box in boxes]
        for page, boxes in sorted((facts.table_headers if facts else {}).items())
    }
    files = review_files(pdf, raw)
    return apply_reviews(report, read_decisions(files), files)


def _quarantine_entries(plan: _Plan, failed: dict[str, dict[int, list[str]]]) -> dict:
    up = "../" * len(plan.report.parts)  # the report links its quarantine files
    return {
        name: {
            "path": str(rel / "part-0.parquet"),
            "href": f"{up}{rel.as_posix()}/part-0.parquet",
            "rows": len(failed[name]),
        }
        for name, rel in sorted(plan.quarantine.items())
    }


def _stage_and_publish(
    out: Path,
    pdf: Path,
    sha256: str,
    plan: _Plan,
    validation: Validation,
    report: dict,
    crops: Callable[[], dict],
    say: Progress,
) -> tuple[list[Path], list[str]]:
    """Stage every file of the run, then swap them in with one journaled publish: the
    published paths (relative to out), and the releases left out of the crosswalk."""
    frames, failed, fy = validation.frames, validation.failed, plan.fiscal_year
    metadata = {
        "source_file": pdf.name,
        "source_sha256": sha256,
        "pipeline_version": pipeline_version(),
        "fiscal_year": str(fy),
    }
    staging = new_staging(out)
    try:
        rels: list[Path] = []
        for name, rows in sorted(failed.items()):
            rel = plan.quarantine[name]
            write_quarantine(frames[name], rows, staging / rel, {**metadata, "dataset": name})
            rels.append(rel)
        published = {}
        if plan.publishing:
            published = {n: frames[n].drop(index=list(failed.get(n, {}))) for n in MODULES}
            rels += _stage_partitions(staging, published, fy, metadata)
        say("rendering the validation report")
        write_reports(staging / plan.report, report, crops(), pdf_href(pdf, out / plan.report))
        rels.append(plan.report)
        rels.append(stage_history(staging, report))
        fresh = {(fy, not plan.publishing): report}
        rels.append(stage_index(staging, out, fresh, drops_blocked=plan.publishing))
        unreadable: list[str] = []
        if plan.publishing:
            say("updating the program crosswalk")
            unreadable = stage_crosswalk(staging, out, fy, published)
            rels.append(Path(CROSSWALK))
        stage_manifest(staging, out, ReleaseSource(plan.release_name, pdf), report)
        rels.append(Path(MANIFEST))
        fault_point("staged")
        stale = [partition_dir(Path("_quarantine"), n, fy) for n in MODULES if n not in failed]
        publish(staging, out, rels, remove=stale)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return rels, unreadable


def _blocked(pdf: Path, result: RunResult) -> ValidationFailed:
    error = ValidationFailed(
        f"{pdf}: {len(result.errors)} validation error(s); nothing published, "
        f"previous data kept (see {result.html_path}); failed: "
        f"{', '.join(sorted({f.check for f in result.errors}))}"
    )
    error.report_path = result.report_path
    error.result = result
    return error


def _stage_partitions(
    staging: Path, frames: dict[str, pd.DataFrame], fy: int, metadata: dict[str, str]
) -> list[Path]:
    rels = []
    for name, module in MODULES.items():
        rel = partition_dir(Path(), name, fy)
        write_partition(
            frames[name],
            DATASETS[name],
            module.SORT_KEYS,
            staging / rel,
            {**metadata, "dataset": name},
        )
        rels.append(rel)
    return rels


def run_source(
    src: ReleaseSource,
    out: Path | str = "curated",
    allow_errors: bool = False,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    readers: PageReaders | None = None,
    raw: Path | None = None,
) -> RunResult:
    """run_release under the release's name in the manifest."""
    return run_release(
        src.pdf,
        out=out,
        allow_errors=allow_errors,
        progress=progress,
        limits=limits,
        readers=readers,
        release_name=src.release,
        raw=raw,
    )
