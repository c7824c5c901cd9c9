"""`load()`: a curated dataset as a typed pandas DataFrame, never half a publish."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline.errors import InputError, NotPublished
from pipeline.write.store import reading
from schemas import CROSS_RELEASE, DATASETS, MODULES
from schemas.common import columns

CROSSWALK = "program_crosswalk"


def load(
    dataset: str,
    years: int | Iterable[int] | None = None,
    out: Path | str = "curated",
    with_program_id: bool = True,
) -> pd.DataFrame:
    """A curated dataset as a typed pandas DataFrame, optionally only some fiscal years
    (`years=2020` or `years=[2020, 2021]`).

    Datasets keyed by program_key get the stable `program_id` from the
    crosswalk, so programs can be followed across years. Raises NotPublished (an
    InputError) for an unknown dataset or a fiscal year nothing was published for: an
    empty frame would look like a year without programs.
    """
    import pyarrow.dataset as ds

    wanted = _years(years)
    if dataset not in MODULES and dataset not in CROSS_RELEASE:
        known = ", ".join([*MODULES, *CROSS_RELEASE])
        raise NotPublished(f"unknown dataset {dataset!r}; known: {known}")
    root = Path(out) / dataset
    partitioning = "hive" if dataset in MODULES else None
    walk_root = Path(out) / CROSSWALK
    with reading(Path(out)):  # never half a publish
        if not root.is_dir():
            raise NotPublished(f"{root}: no such dataset folder (run `nenpo run` first)")
        if wanted and dataset in MODULES:
            _check_published(root, dataset, wanted)
        try:
            table = ds.dataset(root, format="parquet", partitioning=partitioning).to_table(
                filter=ds.field("fiscal_year").isin(wanted) if wanted else None
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
    # The model's column order (Hive puts the partition column last).
    order = [c for c in columns((DATASETS | CROSS_RELEASE)[dataset]) if c in df]
    df = df[order + [c for c in df.columns if c not in order]]
    if "fiscal_year" in df:
        df["fiscal_year"] = df["fiscal_year"].astype("Int64")
    if walk is not None and "program_key" in df:
        keys = walk.to_pandas(types_mapper=_pandas_type)
        keys["fiscal_year"] = keys["fiscal_year"].astype("Int64")
        df = df.merge(keys, on=["fiscal_year", "program_key"], how="left")
    return df


def _years(years: int | Iterable[int] | None) -> list[int] | None:
    if years is None:
        return None
    if isinstance(years, int) and not isinstance(years, bool):
        return [years]
    if isinstance(years, (str, bytes)) or not isinstance(years, Iterable):
        raise TypeError(f"years: a fiscal year or a list of them, not {years!r}")
    out = list(years)
    if not all(isinstance(y, int) and not isinstance(y, bool) for y in out):
        raise TypeError(f"years: fiscal years are integers (2020), not {out!r}")
    return out


def published_partitions(root: Path) -> list[int]:
    """The fiscal years a partitioned dataset folder holds."""
    names = (p.name.split("=", 1) for p in root.glob("fiscal_year=*") if p.is_dir())
    return sorted(int(v) for k, v in names if v.isdigit())


def _check_published(root: Path, dataset: str, wanted: list[int]) -> None:
    have = published_partitions(root)
    missing = sorted(set(wanted) - set(have))
    if missing:
        raise NotPublished(
            f"{dataset}: nothing published for fiscal year {', '.join(map(str, missing))}; "
            f"published: {', '.join(map(str, have)) or 'none'}"
        )


def _pandas_type(t):  # noqa: ANN001, ANN202 - pyarrow type mapper

    if pa.types.is_integer(t):
        return pd.Int64Dtype()
    if pa.types.is_floating(t):
        return pd.Float64Dtype()
    if pa.types.is_boolean(t):
        return pd.BooleanDtype()
    return None
