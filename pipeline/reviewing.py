"""`nenpo review`: list a release's cases with their ids, accept one with a reason.

Accepting writes the decision into `review.toml` beside the release's PDF and re-marks
the release's reports (the published one and the last blocked run's) at once: their
cases, counts and crops are otherwise left as the run wrote them.
"""

from __future__ import annotations

import getpass
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.history import stage_index
from pipeline.releases import BLOCKED, find_source, now, published_years
from pipeline.review import (
    REVIEW_FILE,
    accept,
    apply_reviews,
    case_id,
    read_decisions,
    review_files,
)
from pipeline.validate.crops import headers_of, render_crops
from pipeline.validate.report_html import pdf_href
from pipeline.validation import read_blocked_report, read_report, report_cases, write_reports
from pipeline.write.parquet import partition_dir
from pipeline.write.store import new_staging, publish, writing


@dataclass(frozen=True)
class Located:
    """A case as its report holds it."""

    fiscal_year: int
    blocked: bool  # in the last blocked run's report, not the published one
    case: dict


def reports_of(fiscal_year: int, out: Path) -> list[tuple[bool, dict]]:
    """The published report of a year and, when there is one, the last blocked run's."""
    reports = [(False, read_report(fiscal_year, out))]
    blocked = read_blocked_report(fiscal_year, out)
    if blocked is not None and reports[0][1].get("published") is not False:
        reports.append((True, blocked))
    return reports


def cases(out: Path, years: list[int] | None = None) -> list[Located]:
    """Every case of the reports of the given (or all published) years, with its id."""
    found = []
    for fy in years or published_years(out):
        for blocked, report in reports_of(fy, out):
            for case in report_cases(report):
                case.setdefault("id", case_id(case))
                found.append(Located(fy, blocked, case))
    return found


def accept_case(
    case: str, note: str, out: Path, raw: Path, by: str | None = None
) -> tuple[Located, Path]:
    """Accept a case by its id: the decision goes into the review file beside the PDF of
    the release whose report holds it, and that release's reports are re-marked."""
    matches = [c for c in cases(out) if c.case["id"] == case]
    if not matches:
        raise InputError(f"no case {case!r} in the reports under {out} (see `nenpo review list`)")
    where = matches[0]
    report = read_report(where.fiscal_year, out, blocked=where.blocked)
    pdf = find_source(raw, report["source"]["sha256"])
    if pdf is None:
        raise InputError(
            f"the source PDF of fiscal year {where.fiscal_year} ({report['source']['file']}) is "
            f"not under {raw}: its {REVIEW_FILE} lives beside it (give --raw)"
        )
    who = by or os.environ.get("NENPO_REVIEWER") or getpass.getuser()
    accept(pdf.parent / REVIEW_FILE, case, where.case["check"], who, now(), note)
    refresh_reviews(where.fiscal_year, out, raw)
    return where, pdf.parent / REVIEW_FILE


def refresh_reviews(fiscal_year: int, out: Path, raw: Path) -> None:
    """Re-mark a year's reports with the review files as they are now (one publish)."""
    with writing(out):
        staging = new_staging(out)
        try:
            rels = []
            fresh = {}
            for blocked, report in reports_of(fiscal_year, out):
                pdf = find_source(raw, report["source"]["sha256"])
                files = review_files(pdf, raw)
                apply_reviews(report, read_decisions(files), files)
                rel = partition_dir(Path(), "_validation", fiscal_year)
                if blocked or report.get("published") is False:
                    rel = rel / BLOCKED
                crops = render_crops(pdf, report_cases(report), headers_of(report))
                write_reports(staging / rel, report, crops, pdf_href(pdf, out / rel))
                rels.append(rel)
                fresh[(fiscal_year, blocked or report.get("published") is False)] = report
            # A blocked run's report is staged inside the year's folder: swapped with it.
            top = partition_dir(Path(), "_validation", fiscal_year)
            index = stage_index(staging, out, fresh)
            publish(staging, out, [*([top] if top in rels else rels), index])
        finally:
            shutil.rmtree(staging, ignore_errors=True)
