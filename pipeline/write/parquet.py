"""Deterministic Parquet, Hive-partitioned by fiscal year.

A run writes every dataset of a release into a staging folder beside the target;
write/store.py publishes them (every partition with the report, the crosswalk and
the manifest, in one journaled swap).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import NenpoError
from schemas.common import PARTITION, arrow_schema

DATA_FILE = "part-0.parquet"


def write_partition(
    df: pd.DataFrame,
    model: type,
    sort_keys: list[str],
    folder: Path,
    metadata: dict[str, str],
    partitioned: bool = True,
) -> Path:
    """Write one dataset partition (or, unpartitioned, the whole dataset): same rows in → same bytes out."""
    schema = arrow_schema(model, drop_partition=partitioned)
    frame = df.sort_values(sort_keys, kind="stable").reset_index(drop=True) if len(df) else df
    columns = {}
    for field in schema:
        values = frame[field.name].tolist() if len(frame) else []
        columns[field.name] = pa.array(
            [None if _is_missing(v) else v for v in values], type=field.type
        )
    table = pa.table(columns, schema=schema)
    table = table.replace_schema_metadata({k: v for k, v in sorted(metadata.items())})
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DATA_FILE
    pq.write_table(table, path, compression="zstd", write_statistics=True, use_dictionary=True)
    audit_written(path, table)
    return path


def audit_written(path: Path, expected: pa.Table) -> None:
    """Write-audit-publish: read the staged file back before it is published; what a
    reader would get must be what was meant (a full disk, a faulty writer)."""
    try:
        written = pq.read_table(path)
    except (OSError, pa.ArrowException) as e:
        raise NenpoError(
            f"{path}: the staged file cannot be read back ({e}); nothing published"
        ) from e
    # Parquet names a list's items "element": compare values and the file's metadata.
    if not written.equals(expected) or written.schema.metadata != expected.schema.metadata:
        raise NenpoError(
            f"{path}: the staged file reads back different from what was written "
            f"({written.num_rows} of {expected.num_rows} rows); nothing published"
        )


def _is_missing(v: object) -> bool:
    if v is None or v is pd.NA:
        return True
    # Every value of every dataset passes here: settle the common types without pandas.
    if isinstance(v, float):
        return v != v  # NaN
    if isinstance(v, (str, int, list, tuple)):
        return False
    try:
        return bool(pd.isna(v)) if not isinstance(v, (list, tuple)) else False
    except (TypeError, ValueError):
        return False


def partition_dir(root: Path, dataset: str, fiscal_year: int) -> Path:
    return root / dataset / f"{PARTITION}={fiscal_year}"


def write_quarantine(
    df: pd.DataFrame, failed_rows: dict[int, list[str]], folder: Path, metadata: dict[str, str]
) -> Path:
    """Rows that failed a schema check, as printed values (strings, since a failing
    value may not fit its column's type) and the ids of the checks they failed."""
    rows = df.loc[sorted(failed_rows)]
    columns: dict[str, pa.Array] = {}
    for name in df.columns:
        columns[name] = pa.array(
            [
                None
                if _is_missing(v)
                else json.dumps(v, ensure_ascii=False, default=str)
                if isinstance(v, (list, tuple))
                else str(v)
                for v in rows[name].tolist()
            ],
            type=pa.string(),
        )
    columns["failed_checks"] = pa.array(
        [sorted(failed_rows[i]) for i in sorted(failed_rows)], type=pa.list_(pa.string())
    )
    table = pa.table(columns).replace_schema_metadata(dict(sorted(metadata.items())))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DATA_FILE
    pq.write_table(table, path, compression="zstd")
    return path
