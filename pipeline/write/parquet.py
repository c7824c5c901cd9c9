"""Deterministic Parquet, Hive-partitioned by fiscal year, published atomically.

A run writes every dataset of a release into a staging folder beside the
target; publishing swaps each partition folder in with a rename, so readers
see either the old or the new partition, never a half-written file.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.faults import fault_point
from schemas.common import PARTITION, arrow_schema

DATA_FILE = "part-0.parquet"


def write_partition(
    df: pd.DataFrame,
    model: type,
    types: dict[str, pa.DataType],
    sort_keys: list[str],
    folder: Path,
    metadata: dict[str, str],
    partitioned: bool = True,
) -> Path:
    """Write one dataset partition (or, unpartitioned, the whole dataset): same rows in → same bytes out."""
    schema = arrow_schema(model, types, drop_partition=partitioned)
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
    return path


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


def write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(
        json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    os.replace(tmp, path)


def new_staging(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    return staging


JOURNAL = "_publish_journal.json"


def clean_stale_staging(out: Path) -> None:
    """Undo what a killed run left: finish or roll back its publish, drop its staging."""
    if not out.exists():
        return
    recover(out)
    for p in out.glob(".staging-*"):
        shutil.rmtree(p, ignore_errors=True)


def recover(out: Path) -> None:
    """A publish interrupted mid-way is rolled back from its journal: every partition
    it had replaced gets its previous folder back, every new one is removed."""
    journal = out / JOURNAL
    if not journal.is_file():
        for p in out.glob("**/.old-*"):
            shutil.rmtree(p, ignore_errors=True)
        return
    try:
        entry = json.loads(journal.read_text(encoding="utf-8"))
    except ValueError:
        entry = {"state": "moving", "moves": []}
    if entry.get("state") != "done":
        for move in entry.get("moves", []):
            dst, old = out / move["dst"], out / move["old"]
            if old.exists():
                if dst.exists():
                    shutil.rmtree(dst)
                os.replace(old, dst)
            elif move.get("new") and dst.exists():
                shutil.rmtree(dst)
    for move in entry.get("moves", []):
        shutil.rmtree(out / move["old"], ignore_errors=True)
    journal.unlink()


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


def publish(
    staging: Path, out: Path, relative_dirs: list[Path], remove: Sequence[Path] = ()
) -> None:
    """Move each staged partition folder into `out`, replacing the previous one.

    A journal written first lists every move; if the process dies mid-way the
    next run rolls all of them back (recover), so readers end up with either
    the whole previous release or the whole new one.
    """
    tag = os.getpid()
    moves = []
    for rel in [*relative_dirs, *(r for r in remove if r not in relative_dirs)]:
        dst = out / rel
        moves.append(
            {
                "dst": str(rel),
                "old": str(rel.parent / f".old-{rel.name}-{tag}"),
                "new": rel in relative_dirs and not dst.exists(),
                "remove": rel not in relative_dirs,
            }
        )
    journal = out / JOURNAL
    tmp = journal.with_suffix(".tmp")
    tmp.write_text(json.dumps({"state": "moving", "moves": moves}), encoding="utf-8")
    os.replace(tmp, journal)
    for move, rel in zip(
        moves, [*relative_dirs, *(r for r in remove if r not in relative_dirs)], strict=True
    ):
        dst, old = out / rel, out / move["old"]
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.exists():
            os.replace(dst, old)
        if not move["remove"]:
            os.replace(staging / rel, dst)
        fault_point("publishing")
    tmp.write_text(json.dumps({"state": "done", "moves": moves}), encoding="utf-8")
    os.replace(tmp, journal)
    fault_point("published")
    for move in moves:
        shutil.rmtree(out / move["old"], ignore_errors=True)
    journal.unlink()
    shutil.rmtree(staging, ignore_errors=True)
