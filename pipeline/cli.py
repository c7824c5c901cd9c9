"""nenpo's command line: a thin layer over the library (pipeline.run, .validation,
.releases). Each command imports what it uses, so `nenpo --help` and `nenpo status`
load none of pandas, pandera or pyarrow."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline import releases
from pipeline.cli_data import export, review
from pipeline.cli_shared import DEBUG, INTERNAL, OUT, RAW, fail, internal, years_or_published
from pipeline.errors import NenpoError
from pipeline.extract.source import DEFAULT_LIMITS, Limits
from pipeline.summaries import (
    Progress,
    escaped_text,
    one_line,
    print_blocked,
    print_run,
    print_summary,
)

if TYPE_CHECKING:
    from pipeline.extract.readers import PageReaders
    from pipeline.releases import ReleaseSource


class _Cli(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except NenpoError as e:
            fail(e)
        except BrokenPipeError:
            # The reader went away (`nenpo review list | head`): nothing more to say.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as e:  # noqa: BLE001 - one line, never a traceback
            internal(e)
            sys.exit(INTERNAL)
        return None


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nenpo", prog_name="nenpo")
@click.option("--debug", is_flag=True, help="Print the traceback of an internal error (exit 3).")
def cli(debug: bool) -> None:
    """Turn the Aomori SME Promotion Ordinance annual report (PDF) into validated Parquet."""
    DEBUG["on"] = DEBUG["on"] or debug


@cli.command()
@click.argument("pdfs", nargs=-1, type=click.Path(path_type=Path))
@OUT
@RAW
@click.option(
    "--allow-errors",
    is_flag=True,
    help="Publish the rows that pass even when validation finds errors; the rest go to quarantine.",
)
@click.option("--force", is_flag=True, help="Re-run releases whose source has not changed.")
@click.option(
    "--max-file-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_LIMITS.max_file_mb,
    show_default=True,
    help="Largest PDF accepted.",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMITS.max_pages,
    show_default=True,
    help="Most pages accepted.",
)
@click.option(
    "--page-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_LIMITS.page_timeout_s,
    show_default=True,
    help="Seconds one page may take to read (parse, lines and tables).",
)
@click.option(
    "--max-page-objects",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMITS.max_page_objects,
    show_default=True,
    help="Most glyphs and rulings one page may hold.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=lambda: _usable_cores(),
    show_default="this machine's cores",
    help="Processes that read the PDF's pages in parallel; the output is the same for any N.",
)
def run(
    pdfs: tuple[Path, ...],
    out: Path,
    allow_errors: bool,
    raw: Path,
    force: bool,
    max_file_mb: float,
    max_pages: int,
    page_timeout: float,
    max_page_objects: int,
    jobs: int,
) -> None:
    """Extract, validate and publish releases.

    With no PDF: every release under --raw whose source changed since its last
    successful run (see `nenpo status`); the others are skipped.
    """
    exit_code = 0
    try:
        if pdfs:
            targets = [(releases.source_for(pdf, raw), "given") for pdf in pdfs]
        else:
            targets, problems = releases.run_pending(raw, out, force=force)
            for problem in problems:
                click.echo(f"nenpo: error: {one_line(problem)}", err=True)
                exit_code = problem.exit_code
    except NenpoError as e:
        fail(e)
    limits = Limits(
        max_file_mb=max_file_mb,
        max_pages=max_pages,
        page_timeout_s=page_timeout,
        max_page_objects=max_page_objects,
    )
    from pipeline.extract.readers import PageReaders

    with PageReaders(jobs) as readers:  # one set of workers for every release of the run
        for src, state in targets:
            if state == "up to date":
                click.echo(f"{src.release}: up to date, skipped ({src.pdf})")
                continue
            code = _run_one(src, out, raw, allow_errors, limits, readers)
            exit_code = max(exit_code, code)
    sys.exit(exit_code)


def _run_one(
    src: ReleaseSource,
    out: Path,
    raw: Path,
    allow_errors: bool,
    limits: Limits,
    readers: PageReaders,
) -> int:
    """Run one release and print what came of it; its exit code."""
    from pipeline.run import run_source

    progress = Progress()
    try:
        result = run_source(src, out, allow_errors, progress, limits, readers, raw)
    except NenpoError as e:
        progress.done()
        if getattr(e, "result", None) is not None:
            print_run(e.result)  # type: ignore[attr-defined]
        click.echo(f"nenpo: error: {one_line(e)}", err=True)
        return e.exit_code
    except Exception as e:  # noqa: BLE001 - one line, never a traceback
        progress.done()
        internal(e, f" on {src.pdf}")
        return INTERNAL
    progress.done()
    print_run(result)
    for note in result.notes:
        click.echo(f"nenpo: warning: {note}", err=True)
    return 1 if result.errors else 0  # published with --allow-errors: still not a clean run


def _usable_cores() -> int:
    from pipeline.extract.readers import usable_cores

    return usable_cores()


@cli.command()
@OUT
@RAW
def status(out: Path, raw: Path) -> None:
    """List the releases under --raw with their state and last verdict."""
    try:
        manifest = releases.read_manifest(out)
        problems: list[NenpoError]
        try:
            pending, listed_problems = releases.run_pending(raw, out)
            problems = list(listed_problems)
        except NenpoError as e:  # no raw/ here: the published releases are still listed
            pending, problems = [], [e]
    except NenpoError as e:
        fail(e)
    click.echo(
        f"{'release':<12} {'fiscal_year':<11} {'state':<11} {'verdict':<19} {'rows':>6}  source"
    )
    rows_of = [(src.release or "", state, str(src.pdf)) for src, state in pending]
    # Releases run from a PDF given on the command line, or whose folder has gone.
    listed = {name for name, _, _ in rows_of}
    rows_of += [
        (name, "not in raw", str(entry.get("source", "")))
        for name, entry in sorted(manifest["releases"].items())
        if name not in listed
    ]
    for name, state, source in rows_of:
        entry = manifest["releases"].get(name, {})
        rows = sum(entry.get("rows", {}).values()) if entry.get("rows") else ""
        fy = entry.get("fiscal_year", "")
        click.echo(
            escaped_text(
                f"{name:<12} {fy!s:<11} {state:<11} {entry.get('verdict', '')!s:<19} {rows!s:>6}  {source}"
            )
        )
    for problem in problems:
        click.echo(f"nenpo: error: {one_line(problem)}", err=True)
    sys.exit(max((p.exit_code for p in problems), default=0))


@cli.command()
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option(
    "--page", "number", type=click.IntRange(min=1), required=True, help="PDF page, 1-based."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="PNG to write (default: debug-page-N.png here).",
)
def debug(pdf: Path, number: int, out: Path | None) -> None:
    """Draw what the extractor saw on one page over the page image: rules, table grids
    and cells, headings, cards and their text, indicator rows, narrative blocks, page
    labels, and any text no record took."""
    from pipeline.debug import LAYERS, draw_page

    out = out or Path(f"debug-page-{number}.png")
    try:
        seen = draw_page(pdf, number, out)
    except NenpoError as e:
        fail(e)
    click.echo(f"{pdf} PDF page {number} → {out}")
    for layer in LAYERS:
        n = len(seen.boxes.get(layer, []))
        if n:
            click.echo(f"  {layer:<14} {n:>4}")


@cli.command()
def schema() -> None:
    """Print the data dictionary (every dataset, column, type and check) as Markdown."""
    from schemas.dictionary import data_dictionary

    click.echo(data_dictionary(), nl=False)


@cli.command()
@OUT
def sql(out: Path) -> None:
    """Print DuckDB views of every published dataset, fiscal_year typed INTEGER as in the
    schema: `duckdb -cmd "$(nenpo sql)"`."""
    from pipeline.sql import duckdb_views

    try:
        click.echo(duckdb_views(out), nl=False)
    except NenpoError as e:
        fail(e)


@cli.command()
@click.argument("year", required=False, type=int)
@OUT
@RAW
def validate(year: int | None, out: Path, raw: Path) -> None:
    """Re-run every check over what is published (all years, or YEAR); rewrite the reports."""
    from pipeline.validation import validate_release

    try:
        failed = 0
        for fy in years_or_published(year, out):
            report = validate_release(fy, out=out, raw=raw)
            print_summary(report, out)
            failed += report["summary"]["failed"]
    except NenpoError as e:
        fail(e)
    sys.exit(1 if failed else 0)


@cli.command()
@click.argument("year", required=False, type=int)
@OUT
def report(year: int | None, out: Path) -> None:
    """Print the validation summary of published releases (all years, or YEAR)."""
    from pipeline.validation import read_blocked_report, read_report

    failed = False
    try:
        for fy in years_or_published(year, out):
            report = read_report(fy, out)
            blocked = read_blocked_report(fy, out)
            if blocked is not None and report.get("published") is False:
                report, blocked = blocked, None  # nothing published for this year yet
            print_summary(report, out)
            failed = failed or report.get("verdict") == "fail"
            if blocked is not None:
                print_blocked(blocked, out)
                failed = True
    except NenpoError as e:
        fail(e)
    sys.exit(1 if failed else 0)


cli.add_command(export)
cli.add_command(review)


def main() -> None:
    cli(prog_name="nenpo")
