"""Checks the statistics tables imply: each read as a grid (labelled rows, named and
filled columns), parts within totals, shares summing to 100, change rates agreeing with
the counts, years in order, a unit line matched to the columns, every figure credited.

Columns are found by their header words (総人口, 構成比, 増減率), never by position.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from pipeline.findings import Finding
from pipeline.normalize.values import parse_number
from pipeline.validate.settings import SETTINGS


def _finding(check: str, message: str, row: pd.Series) -> Finding:
    box = (
        float(row["bbox_x0"]),
        float(row["bbox_top"]),
        float(row["bbox_x1"]),
        float(row["bbox_bottom"]),
    )
    return Finding(check, message, int(row["source_page"]), box, "statistics")


def _group(path: Sequence[str]) -> str:
    return list(path)[0] if len(list(path)) else ""


def structure_findings(stats: pd.DataFrame) -> list[Finding]:
    """A table read as a grid: every body row has its label, every column a header path
    of its own and a value in some row, every cell one value. A header row taken for a
    body row (no label), a column group lost (two columns under one path), two columns
    read as one (two values side by side in a cell) or a cell's text split in two (an
    empty column) break it; the value checks would then look at nothing."""
    out: list[Finding] = []
    for table_id, table in stats.groupby("table_id", sort=False):
        for _, row in table[table["row_label"].map(lambda s: not str(s).strip())].iterrows():
            out.append(
                _finding(
                    "statistics.structure",
                    f"{table_id} row {row['row_no']} has no label: its header or rows were misread",
                    row,
                )
            )
            break
        columns = table.drop_duplicates("col_no").sort_values("col_no")
        seen: dict[tuple, int] = {}
        for _, col in columns.iterrows():
            path = tuple(col["column_path"])
            if not path or path in seen:
                named = f"as column {seen[path]}" if path in seen else "no header"
                out.append(
                    _finding(
                        "statistics.structure",
                        f"{table_id} column {col['col_no']} has {named}: its header was misread",
                        col,
                    )
                )
            seen.setdefault(path, int(col["col_no"]))
        merged = table[table["value_raw"].map(_numbers_side_by_side)]
        if not merged.empty:
            cell = merged.iloc[0]
            out.append(
                _finding(
                    "statistics.structure",
                    f"{table_id} row {cell['row_no']} column {cell['col_no']} holds "
                    f"{cell['value_raw']!r}: two columns' values in one cell, its columns were misread",
                    cell,
                )
            )
        for col_no, cells in table.groupby("col_no"):
            if cells["value_raw"].map(lambda s: not str(s).strip()).all():
                out.append(
                    _finding(
                        "statistics.structure",
                        f"{table_id} column {col_no} is empty in every row: its cells were split",
                        cells.iloc[0],
                    )
                )
    return out


_SIGN_SPACE = re.compile(r"([▲△])\s+")


def _numbers_side_by_side(text: object) -> bool:
    """ "5,768,489 5,578,975": two numbers parted by white space, nothing else (a sign
    set apart from its number, "▲ 3.3", is one)."""
    tokens = _SIGN_SPACE.sub(r"\1", str(text)).split()
    return len(tokens) >= 2 and all(parse_number(t) is not None for t in tokens)


def statistics_findings(stats: pd.DataFrame, figures: pd.DataFrame) -> list[Finding]:
    out: list[Finding] = structure_findings(stats)
    # Cells by (table, row) in order of appearance, as dicts: a pandas group and a
    # Series per row cost more than all these checks.
    by_row: dict[tuple, list[dict]] = {}
    for cell in stats.to_dict("records"):
        by_row.setdefault((cell["table_id"], cell["row_no"]), []).append(cell)
    for (table_id, _row_no), cells in by_row.items():
        out += _parts_within_totals(table_id, cells)
        out += _shares_sum_to_100(table_id, cells)
        out += _change_rates(table_id, cells)
    out += _years_increase(stats)
    out += _units_assigned(stats)
    out += _figure_sources(figures)
    return out


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def _parts_within_totals(table_id: str, cells: list[dict]) -> list[Finding]:
    """Columns under a total's header, beside the total itself, sum to no more than it."""
    out = []
    first = cells[0]
    for total in (c for c in cells if len(c["column_path"]) == 1 and "総" in c["column_path"][0]):
        head = total["column_path"][0]
        parts = [c for c in cells if len(c["column_path"]) > 1 and c["column_path"][0] == head]
        if not parts or _missing(total["value"]) or any(_missing(p["value"]) for p in parts):
            continue
        s = sum(float(p["value"]) for p in parts)
        if s > float(total["value"]):
            out.append(
                _finding(
                    "statistics.parts_within_total",
                    f"{table_id} {first['row_label']}: parts sum to {s:,.0f} > {head} {total['value_raw']}",
                    first,
                )
            )
    return out


def _shares_sum_to_100(table_id: str, cells: list[dict]) -> list[Finding]:
    shares = [c for c in cells if "構成比" in _group(c["column_path"])]
    if not shares or any(_missing(c["value"]) for c in shares):
        return []
    s = sum(float(c["value"]) for c in shares)
    if abs(s - 100) <= SETTINGS.share_tolerance:
        return []
    message = f"{table_id} {cells[0]['row_label']}: 構成比 sum to {s:.1f}"
    return [_finding("statistics.shares_sum_to_100", message, cells[0])]


def _change_rates(table_id: str, cells: list[dict]) -> list[Finding]:
    """In a header group, a 増減率 column against its first and last year columns."""
    out = []
    groups: dict[str, list] = {}
    for c in cells:
        groups.setdefault(_group(c["column_path"]), []).append(c)
    for name, members in groups.items():
        rate = next(
            (c for c in members if len(c["column_path"]) and "増減率" in c["column_path"][-1]), None
        )
        years = sorted(
            (c for c in members if not _missing(c["reference_year"]) and not _missing(c["value"])),
            key=lambda c: c["reference_year"],
        )
        if rate is None or _missing(rate["value"]) or len(years) < 2:
            continue
        start, end = float(years[0]["value"]), float(years[-1]["value"])
        if start == 0:
            continue
        computed = (end - start) / start * 100
        if abs(computed - float(rate["value"])) > SETTINGS.rate_tolerance + 0.05:
            out.append(
                _finding(
                    "statistics.change_rate",
                    f"{table_id} {cells[0]['row_label']} {name}: 増減率 printed {rate['value_raw']}, the counts give {computed:.2f}",
                    cells[0],
                )
            )
    return out


def _years_increase(stats: pd.DataFrame) -> list[Finding]:
    """Tables whose rows are years (the label column, not the header, names them) list
    them in increasing order."""
    out = []
    for table_id, table in stats.groupby("table_id", sort=False):
        per_row = table.drop_duplicates("row_no").sort_values("row_no")
        years = [int(y) for y in per_row["reference_year"] if not pd.isna(y)]
        row_years = per_row[per_row["row_label"].map(lambda s: any(ch.isdigit() for ch in str(s)))]
        if len(row_years) != len(per_row) or len(years) != len(per_row):
            continue
        ordered = per_row.to_dict("records")
        for a, b in zip(ordered[:-1], ordered[1:], strict=True):
            if int(b["reference_year"]) <= int(a["reference_year"]):
                out.append(
                    _finding(
                        "statistics.years_increase",
                        f"{table_id}: row {b['row_label']} ({int(b['reference_year'])}) does not follow {a['row_label']} ({int(a['reference_year'])})",
                        b,
                    )
                )
    return out


def _units_assigned(stats: pd.DataFrame) -> list[Finding]:
    """A table printing "(単位：…)" whose columns the line cannot be matched to (more
    units than column groups, or fewer): which unit is whose is not printed, so those
    columns keep a null unit; the reviewer reads the line."""
    out: list[Finding] = []
    if "unit_line" not in stats:
        return out
    for table_id, table in stats[stats["unit_line"].notna()].groupby("table_id", sort=False):
        lacking = table[table["unit"].isna() & table["value"].notna()]
        if lacking.empty:
            continue
        cols = ", ".join(str(c) for c in sorted(set(lacking["col_no"])))
        message = (
            f"{table_id} prints {lacking['unit_line'].iloc[0]} but not which columns each unit "
            f"is of: columns {cols} have no unit"
        )
        out.append(_finding("statistics.units_assigned", message, lacking.iloc[0]))
    return out


def _figure_sources(figures: pd.DataFrame) -> list[Finding]:
    out = []
    for f in figures.to_dict("records"):
        if _missing(f["source"]):
            box = (
                float(f["bbox_x0"]),
                float(f["bbox_top"]),
                float(f["bbox_x1"]),
                float(f["bbox_bottom"]),
            )
            message = f"figure {f['caption'] or f['figure_no']} names no source"
            out.append(Finding("figures.source", message, int(f["source_page"]), box, "figures"))
    return out
