"""The commands over published data for people: `nenpo export` (files Excel opens) and
`nenpo review` (list the reports' cases, accept one with a reason)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli_shared import OUT, RAW, fail, years_or_published
from pipeline.errors import NenpoError
from pipeline.summaries import escaped_text, one_line


@click.command()
@click.argument("datasets", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    default="xlsx",
    show_default=True,
    help="csv: one dataset, UTF-8 with BOM; xlsx: a sheet per dataset and a dictionary sheet.",
)
@click.option("--years", default=None, help="Fiscal years, e.g. 2020 or 2020,2021 (default: all).")
@click.option(
    "--to",
    type=click.Path(path_type=Path),
    default=None,
    help="File to write (default: DATASET.csv, or nenpo.xlsx).",
)
@OUT
def export(
    datasets: tuple[str, ...], fmt: str, years: str | None, to: Path | None, out: Path
) -> None:
    """Write curated datasets (all of them, or DATASETS) as a file Excel opens, for
    reviewers and staff who do not use Python."""
    from pipeline.export import export as write_export
    from schemas import CROSS_RELEASE, MODULES

    names = list(datasets) or [*MODULES, *CROSS_RELEASE]
    try:
        wanted = [int(y) for y in years.split(",")] if years else None
    except ValueError:
        fail(NenpoError(f"--years: fiscal years such as 2020 or 2020,2021, not {years!r}"))
    target = to or Path(f"{names[0]}.csv" if fmt == "csv" else "nenpo.xlsx")
    try:
        path = write_export(names, fmt, target, years=wanted, out=out)
    except NenpoError as e:
        fail(e)
    click.echo(escaped_text(f"{', '.join(names)} → {path}"))


@click.group()
def review() -> None:
    """Review decisions: list the cases of the validation reports, accept one with a reason."""


@review.command("list")
@click.argument("year", required=False, type=int)
@click.option("--all", "show_all", is_flag=True, help="Accepted cases too, with who and why.")
@OUT
def review_list(year: int | None, show_all: bool, out: Path) -> None:
    """The open cases (id, severity, check, where, message) of every published year, or YEAR."""
    from pipeline.reviewing import cases

    try:
        found = cases(out, years_or_published(year, out))
    except NenpoError as e:
        fail(e)
    shown = 0
    for c in found:
        review = c.case.get("review") or {"status": "open"}
        if review["status"] != "open" and not show_all:
            continue
        shown += 1
        where = f"PDF page {c.case['page']}" if c.case.get("page") else "-"
        state = (
            ""
            if review["status"] == "open"
            else f" [accepted by {review.get('by')}: {review.get('note')}]"
        )
        run = " (blocked run)" if c.blocked else ""
        click.echo(
            escaped_text(
                f"{c.case['id']}  {c.fiscal_year}{run} {c.case.get('severity')} {where}: "
                f"{one_line(c.case['message'])}{state}"
            )
        )
    opened = sum((c.case.get("review") or {}).get("status", "open") == "open" for c in found)
    click.echo(f"{opened} open, {len(found) - opened} accepted")


@review.command("accept")
@click.argument("case")
@click.option("--note", required=True, help="Why the case is accepted (kept with the decision).")
@click.option("--by", default=None, help="Who accepts it (default: $NENPO_REVIEWER, or the login).")
@OUT
@RAW
def review_accept(case: str, note: str, by: str | None, out: Path, raw: Path) -> None:
    """Accept CASE (an id from `nenpo review list` or the HTML report): recorded in the
    review.toml beside the release's PDF; the release's reports show it as accepted."""
    from pipeline.reviewing import accept_case

    try:
        where, file = accept_case(case, note, out, raw, by)
    except NenpoError as e:
        fail(e)
    kind = (
        "an error: it still blocks publishing without --allow-errors"
        if where.case.get("severity") == "error"
        else "a warning"
    )
    click.echo(escaped_text(f"{case} accepted ({kind}) → {file}"))
