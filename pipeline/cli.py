"""nenpo's command line: a thin layer over pipeline.api."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline import api
from pipeline.errors import NenpoError


def _fail(e: Exception) -> None:
    click.echo(f"nenpo: error: {e}", err=True)
    sys.exit(getattr(e, "exit_code", 1))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nenpo", prog_name="nenpo")
def cli() -> None:
    """Turn the Aomori SME Promotion Ordinance annual report (PDF) into validated Parquet."""


@cli.command()
@click.argument("pdfs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("curated"),
    show_default=True,
    help="Curated output folder.",
)
@click.option(
    "--raw",
    type=click.Path(path_type=Path),
    default=Path("raw"),
    show_default=True,
    help="Where releases live when no PDF is given.",
)
@click.option(
    "--allow-errors",
    is_flag=True,
    help="Publish even when validation finds errors (the report says so).",
)
def run(pdfs: tuple[Path, ...], out: Path, allow_errors: bool, raw: Path) -> None:
    """Extract, validate and publish releases. With no PDF, every release under --raw."""
    exit_code = 0
    try:
        targets = list(pdfs) or api.find_releases(raw)
    except NenpoError as e:
        _fail(e)
    for pdf in targets:
        try:
            result = api.run_release(pdf, out=out, allow_errors=allow_errors)
        except NenpoError as e:
            click.echo(f"nenpo: error: {e}", err=True)
            exit_code = max(exit_code, e.exit_code)
            continue
        except Exception as e:  # noqa: BLE001 - one line, never a traceback
            click.echo(f"nenpo: internal error on {pdf}: {type(e).__name__}: {e}", err=True)
            exit_code = max(exit_code, 1)
            continue
        click.echo(f"{pdf} → {result.era_label} (fiscal_year {result.fiscal_year})")
        for name, n in result.rows.items():
            click.echo(f"  {name:<14} {n:>6} rows")
        click.echo(f"  {len(result.warnings)} warning(s), {len(result.errors)} error(s)")
        for f in result.warnings[:10]:
            click.echo(f"    warning [{f.check}] {f.message}")
        if len(result.warnings) > 10:
            click.echo(f"    … {len(result.warnings) - 10} more in the report")
        state = "published" if result.published else "NOT published"
        click.echo(f"  {state} to {result.out}/ ; validation report: {result.report_path}")
    sys.exit(exit_code)


def main() -> None:
    cli(prog_name="nenpo")
