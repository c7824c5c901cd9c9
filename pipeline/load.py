"""`load()`: a curated dataset as a typed pandas DataFrame, never half a publish."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline.errors import InputError
from pipeline.write.store import reading
from schemas import CROSS_RELEASE, MODULES

CROSSWALK = "program_crosswalk"


def load(
    dataset: str,
    years: Sequence[int] | None = None,
    out: Path | str = "curated",
    with_program_id: bool = True,
) -> pd.DataFrame:
    """A curated dataset as a typed pandas DataFrame, optionally only some fiscal years.

    Datasets keyed by program_key get the stable `program_id` from the
    crosswalk, so programs can be followed across years.
    """
    import pyarrow.dataset as ds

    if dataset not in MODULES and dataset not in CROSS_RELEASE:
        known = ", ".join([*MODULES, *CROSS_RELEASE])
        raise InputError(f"unknown dataset {dataset!r}; known: {known}")
    root = Path(out) / dataset
    partitioning = "hive" if dataset in MODULES else None
    walk_root = Path(out) / CROSSWALK
    with reading(Path(out)):  # never half a publish
        if not root.is_dir():
            raise InputError(f"{root}: no such dataset folder (run `nenpo run` first)")
        try:
            table = ds.dataset(root, format="parquet", partitioning=partitioning).to_table(
                filter=ds.field("fiscal_year").isin(list(years)) if years else None
            )
            walk = None
            if with_program_id and dataset in MODULES and walk_root.is_dir():
                walk = ds.dataset(walk_root, format="parquet").to_table(
                    columns=["fiscal_year", "program_key", "program_id"]
                )
        except (OSError, pa.ArrowException) as e:
            raise InputError(
                f"{root}: a published file cannot be read ({type(e).__name__}: "
                f"{' '.join(str(e).split())[:200]}); re-run its release"
            ) from e
    df = table.to_pandas(types_mapper=_pandas_type)
    if "fiscal_year" in df:
        df["fiscal_year"] = df["fiscal_year"].astype("Int64")
    if walk is not None and "program_key" in df:
        keys = walk.to_pandas(types_mapper=_pandas_type)
        keys["fiscal_year"] = keys["fiscal_year"].astype("Int64")
        df = df.merge(keys, on=["fiscal_year", "program_key"], how="left")
    return df


def _pandas_type(t):  # noqa: ANN001, ANN202 - pyarrow type mapper

    if pa.types.is_integer(t):
        return pd.Int64Dtype()
    if pa.types.is_floating(t):
        return pd.Float64Dtype()
    if pa.types.is_boolean(t):
        return pd.BooleanDtype()
    return None
