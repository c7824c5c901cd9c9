"""The library behind the CLI: run a release, validate it, load curated data."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.errors import InputError, ValidationFailed
from pipeline.extract.document import Document, open_document
from pipeline.extract.release import Release
from pipeline.extract.report import extract_report
from pipeline.records import Finding, card_rows, index_rows, indicator_rows, program_rows
from pipeline.validate.checks import (
    card_content_findings,
    card_numbering_findings,
    check_summary,
    schema_findings,
)
from pipeline.validate.reconcile import reconcile
from pipeline.write.parquet import (
    clean_stale_staging,
    new_staging,
    partition_dir,
    publish,
    write_json,
    write_partition,
)
from schemas import DATASETS, MODULES

DATASET_MODULES = MODULES
REPORT_SCHEMA_VERSION = "1"


@dataclass
class RunResult:
    source: Path
    fiscal_year: int
    era_label: str
    rows: dict[str, int]
    findings: list[Finding]
    published: bool
    out: Path
    report_path: Path
    partitions: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


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


def extract_release(pdf: Path) -> tuple[dict[str, pd.DataFrame], list[Finding], Document, Release]:
    """Read a report PDF into the rows of every dataset, with the extraction's findings."""
    doc = open_document(pdf)
    ex = extract_report(doc)
    fy = ex.release.fiscal_year
    cards = card_rows(ex.cards, fy)
    indicators, findings = indicator_rows(ex.cards, fy, ex.release.era, ex.printed)
    programs, list_totals = program_rows(ex.program_list, fy, ex.printed)
    index, index_totals = index_rows(ex.indexes, programs, fy, ex.printed)
    totals = (
        pd.concat([list_totals, index_totals], ignore_index=True)
        if len(index_totals)
        else list_totals
    )
    findings = [Finding("extract.layout", "warning", w) for w in ex.warnings] + findings
    frames = {
        "program_cards": cards,
        "indicators": indicators,
        "programs": programs,
        "program_totals": totals,
        "program_index": index,
    }
    return frames, findings, doc, ex.release


def validate_frames(
    frames: dict[str, pd.DataFrame],
) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """Schema checks of every dataset, then the cross-checks between them."""
    findings: list[Finding] = []
    checked = {}
    for name, df in frames.items():
        checked[name], f = schema_findings(name, df)
        findings += f
    findings += card_numbering_findings(frames["program_cards"])
    findings += card_content_findings(frames["program_cards"])
    findings += reconcile(frames)
    return checked, findings


def _report(
    result_source: Path,
    sha256: str,
    fiscal_year: int,
    frames: dict[str, pd.DataFrame],
    findings: list[Finding],
    published: bool,
) -> dict:
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "pipeline_version": pipeline_version(),
        "source_file": result_source.name,
        "source_sha256": sha256,
        "fiscal_year": fiscal_year,
        "rows": {k: len(v) for k, v in frames.items()},
        "verdict": "fail" if any(f.severity == "error" for f in findings) else "pass",
        "checks": check_summary(findings),
        "published": published,
        "findings": [
            {
                "check": f.check,
                "severity": f.severity,
                "message": f.message,
                "page": f.page,
                "bbox": [round(float(x), 2) for x in f.bbox] if f.bbox else None,
            }
            for f in findings
        ],
    }


def run_release(
    pdf: Path | str, out: Path | str = "curated", allow_errors: bool = False
) -> RunResult:
    """Extract, validate and publish one release. Raises ValidationFailed when errors block publishing."""
    pdf, out = Path(pdf), Path(out)
    frames, findings, doc, release = extract_release(pdf)
    frames, check_findings = validate_frames(frames)
    findings += check_findings
    has_errors = any(f.severity == "error" for f in findings)
    publishing = not has_errors or allow_errors

    clean_stale_staging(out)
    staging = new_staging(out)
    try:
        metadata = {
            "source_file": pdf.name,
            "source_sha256": doc.sha256,
            "pipeline_version": pipeline_version(),
            "fiscal_year": str(release.fiscal_year),
        }
        rels: list[Path] = []
        if publishing:
            for name, module in DATASET_MODULES.items():
                rel = partition_dir(Path(), name, release.fiscal_year)
                write_partition(
                    frames[name],
                    DATASETS[name],
                    module.ARROW_TYPES,
                    module.SORT_KEYS,
                    staging / rel,
                    {**metadata, "dataset": name},
                )
                rels.append(rel)
        report_rel = partition_dir(Path(), "_validation", release.fiscal_year)
        write_json(
            staging / report_rel / "report.json",
            _report(pdf, doc.sha256, release.fiscal_year, frames, findings, publishing),
        )
        rels.append(report_rel)
        publish(staging, out, rels)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result = RunResult(
        source=pdf,
        fiscal_year=release.fiscal_year,
        era_label=release.era_label,
        rows={k: len(v) for k, v in frames.items()},
        findings=findings,
        published=publishing,
        out=out,
        report_path=out / report_rel / "report.json",
        partitions=[out / r for r in rels],
    )
    if has_errors and not allow_errors:
        raise ValidationFailed(
            f"{pdf}: {len(result.errors)} validation error(s); nothing published "
            f"(see {result.report_path})"
        )
    return result


def validate_release(fiscal_year: int, out: Path | str = "curated") -> list[Finding]:
    """Re-run the schema and cross-checks over what is published for a fiscal year."""
    frames = {name: load(name, years=[fiscal_year], out=out) for name in DATASET_MODULES}
    _, findings = validate_frames(frames)
    return findings


def load(
    dataset: str, years: Sequence[int] | None = None, out: Path | str = "curated"
) -> pd.DataFrame:
    """A curated dataset as a pandas DataFrame, optionally only some fiscal years."""
    import pyarrow.dataset as ds

    if dataset not in DATASET_MODULES:
        raise InputError(f"unknown dataset {dataset!r}; known: {', '.join(DATASET_MODULES)}")
    root = Path(out) / dataset
    if not root.is_dir():
        raise InputError(f"{root}: no such dataset folder (run `nenpo run` first)")
    dataset_ = ds.dataset(root, format="parquet", partitioning="hive")
    table = dataset_.to_table(filter=ds.field("fiscal_year").isin(list(years)) if years else None)
    df = table.to_pandas(types_mapper=_pandas_type)
    if "fiscal_year" in df:
        df["fiscal_year"] = df["fiscal_year"].astype("Int64")
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
