"""The data dictionary, generated from the schemas (docs/data-dictionary.md)."""

from __future__ import annotations

import inspect

from schemas import CROSS_RELEASE, CROSS_RELEASE_MODULES, DATASETS, MODULES
from schemas.common import arrow_types


def _checks(column) -> str:  # noqa: ANN001 - a pandera Column
    names = []
    for check in column.checks:
        stats = getattr(check, "statistics", {}) or {}
        args = ", ".join(f"{v}" for v in stats.values() if v is not None)
        names.append(f"{check.name}({args})" if args else str(check.name))
    if column.unique:
        names.append("unique")
    return "; ".join(names).replace("|", "\\|")


def data_dictionary() -> str:
    """Markdown describing every dataset: layout, columns, types, nullability, checks."""
    out = [
        "# Data dictionary",
        "",
        "Generated from `schemas/` by `nenpo schema`; do not edit by hand (CI checks it is current).",
        "",
        "Per-release datasets live in `curated/<dataset>/fiscal_year=YYYY/part-0.parquet` (Hive",
        "partitioning: `fiscal_year` is in the path, not in the files). `program_crosswalk` spans all",
        "releases and is one file, rebuilt after each run. Loading with `pipeline.load()` joins",
        "`program_id` from the crosswalk onto every dataset that has `program_key`.",
        "",
        "How to join: every program dataset (`program_cards`, `indicators`, `programs`,",
        '`program_totals`, `program_index`) carries `fiscal_year`, `section` (as printed: "6-7" for',
        "the section ⑥ and ⑦ share), `policy_nos` (the policies a row belongs to) and `policy_no`",
        "(where it belongs to exactly one), and the program datasets `program_key` (name",
        "normalised, no (再掲)). Cards and indicators join on `fiscal_year, section, card_no`; a",
        "program across datasets on `fiscal_year, program_key`; across years on `program_id`.",
        "`fiscal_year` is int32 everywhere: in the crosswalk's file, and in the Hive path of the",
        "others (DuckDB: `read_parquet(…, hive_partitioning=true, hive_types={'fiscal_year': INTEGER})`,",
        "as the views `nenpo sql` prints read them;",
        "`pipeline.load()` gives Int64 for every dataset).",
        "",
    ]
    entries = [(n, DATASETS[n], MODULES[n], True) for n in DATASETS]
    entries += [(n, CROSS_RELEASE[n], CROSS_RELEASE_MODULES[n], False) for n in CROSS_RELEASE]
    for name, model, module, partitioned in entries:
        schema = model.to_schema()
        doc = inspect.getdoc(module) or ""
        out += [f"## {name}", "", doc, ""]
        unique = getattr(model.Config, "unique", None)
        if unique:
            out += [f"Unique key: {', '.join(f'`{u}`' for u in unique)}.", ""]
        frame_checks = [c.name for c in schema.checks]
        if frame_checks:
            out += [f"Row checks: {', '.join(f'`{c}`' for c in frame_checks)}.", ""]
        out += ["| column | type | nullable | description | checks |", "|---|---|---|---|---|"]
        for col, arrow_type in arrow_types(model).items():
            c = schema.columns[col]
            where = " (Hive path)" if partitioned and col == "fiscal_year" else ""
            description = (c.description or "").replace("|", "\\|")
            nullable = "yes" if c.nullable else "no"
            out.append(
                f"| `{col}` | {arrow_type}{where} | {nullable} | {description} | {_checks(c)} |"
            )
        out.append("")
    return "\n".join(out)


def column_rows() -> list[dict[str, str]]:
    """Every dataset's columns as rows (dataset, column, type, nullable, description): the
    data dictionary as a table, for exports."""
    out = []
    models = {**DATASETS, **CROSS_RELEASE}
    for name, model in models.items():
        schema = model.to_schema()
        for col, arrow_type in arrow_types(model).items():
            c = schema.columns[col]
            out.append(
                {
                    "dataset": name,
                    "column": col,
                    "type": str(arrow_type),
                    "nullable": "yes" if c.nullable else "no",
                    "description": c.description or "",
                }
            )
    return out
