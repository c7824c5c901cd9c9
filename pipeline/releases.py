"""Releases and the manifest: which source PDFs there are under raw/, what was last
run and published of each (`curated/_manifest.json`), and so what a run must do."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pipeline.errors import InputError
from pipeline.extract.source import file_sha256
from pipeline.write.store import reading

MANIFEST = "_manifest.json"
MANIFEST_VERSION = "1"
BLOCKED = "blocked"  # _validation/fiscal_year=N/blocked/: the last run that published nothing
RELEASE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def pipeline_version() -> str:
    from pipeline import __version__

    return __version__


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def find_releases(raw: Path) -> list[Path]:
    """The report PDFs under raw/<release>/, in release order."""
    if not raw.is_dir():
        raise InputError(f"{raw}: no such folder (put each release's PDF under {raw}/<release>/)")
    pdfs = sorted(p for p in raw.glob("*/*.pdf") if p.is_file())
    if not pdfs:
        raise InputError(f"{raw}: no release PDFs found (expected {raw}/<release>/<name>.pdf)")
    return pdfs


def published_years(out: Path | str = "curated") -> list[int]:
    root = Path(out) / "_validation"
    return sorted(
        int(p.name.split("=", 1)[1])
        for p in root.glob("fiscal_year=*")
        if p.name.split("=", 1)[1].isdigit()
    )


def find_source(raw: Path, sha256: str) -> Path | None:
    if not raw.is_dir() or not sha256:
        return None
    for pdf in sorted(raw.glob("*/*.pdf")):
        if file_sha256(pdf) == sha256:
            return pdf
    return None


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


def check_one_source_per_year(out: Path, release: str, fy: int, pdf: Path, sha256: str) -> None:
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


def stage_manifest(staging: Path, out: Path, src: ReleaseSource, report: dict) -> None:
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
        "last_run": now(),
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


def run_pending(
    raw: Path | str = "raw", out: Path | str = "curated", force: bool = False
) -> tuple[list[tuple[ReleaseSource, str]], list[InputError]]:
    """The releases under raw/ with their state (a run skips those "up to date"), and
    the folders that cannot be run."""
    manifest = read_manifest(out)
    sources, problems = release_sources(Path(raw))
    return [(src, "forced" if force else source_state(src, manifest)) for src in sources], problems
