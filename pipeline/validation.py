"""Judging a release: every registered check over its datasets, the report that says
what they found, and re-validating what is published."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from pipeline.errors import InputError
from pipeline.extract.health import ExtractionFacts
from pipeline.findings import Finding, NotRun, Severity, Status
from pipeline.history import stage_history, stage_index
from pipeline.load import load
from pipeline.releases import BLOCKED, find_source, now, pipeline_version
from pipeline.review import apply_reviews, read_decisions, review_files
from pipeline.validate.checks import schema_findings
from pipeline.validate.crops import headers_of, render_crops
from pipeline.validate.registry import CheckInput, CheckResult, blocks, run_checks
from pipeline.validate.report import build_report, write_json
from pipeline.validate.report_html import pdf_href, render_html
from pipeline.write.parquet import partition_dir
from pipeline.write.store import new_staging, publish, reading, writing
from schemas import MODULES


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


def write_reports(folder: Path, report: dict, crops: dict, pdf_href: str | None = None) -> None:
    write_json(folder / "report.json", report)
    (folder / "report.html").write_text(render_html(report, crops, pdf_href), encoding="utf-8")


def report_cases(report: dict) -> list[dict]:
    return [case for check in report["checks"] for case in check["cases"]]


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
        pdf = find_source(Path(raw), meta.get("source_sha256", "")) if raw else None
        report = build_report(
            source_file=meta.get("source_file", ""),
            source_sha256=meta.get("source_sha256", ""),
            fiscal_year=fiscal_year,
            era_label=(previous.get("release") or {}).get("era_label"),
            pipeline_version=pipeline_version(),
            generated_at=now(),
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
        report["table_headers"] = previous.get("table_headers") or {}
        files = review_files(pdf, Path(raw) if raw else None)
        apply_reviews(report, read_decisions(files), files)
        staging = new_staging(out)
        try:
            rel = partition_dir(Path(), "_validation", fiscal_year)
            crops = render_crops(pdf, report_cases(report), headers_of(report))
            write_reports(staging / rel, report, crops, pdf_href(pdf, out / rel))
            history = stage_history(staging, report)
            index = stage_index(staging, out, {(fiscal_year, False): report})
            publish(staging, out, [rel, history, index])
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
