"""What the command modules share: the --out and --raw options, one-line failures with
their exit codes, and the published years a command goes over."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from pipeline import releases
from pipeline.errors import NenpoError
from pipeline.summaries import one_line

OUT = click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("curated"),
    show_default=True,
    help="Curated output folder.",
)


RAW = click.option(
    "--raw",
    type=click.Path(path_type=Path),
    default=Path("raw"),
    show_default=True,
    help="Where releases live.",
)


def fail(e: Exception) -> None:
    click.echo(f"nenpo: error: {one_line(e)}", err=True)
    sys.exit(getattr(e, "exit_code", 1))


INTERNAL = 3  # exit code of a bug: an error nenpo did not expect


def internal(e: BaseException, where: str = "") -> None:
    """A bug: one line (and the traceback with --debug)."""
    if DEBUG["on"]:
        traceback.print_exception(e)
    click.echo(
        f"nenpo: internal error{where}: {type(e).__name__}: {one_line(e)} "
        "(a bug: re-run with --debug for the traceback)",
        err=True,
    )


DEBUG = {"on": bool(os.environ.get("NENPO_DEBUG"))}


def years_or_published(year: int | None, out: Path) -> list[int]:
    years = [year] if year is not None else releases.published_years(out)
    if not years:
        raise NenpoError(f"{out}: no release has been run yet (run `nenpo run` first)")
    return years
