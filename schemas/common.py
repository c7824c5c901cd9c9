"""Shared column helpers and checks."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
from pandera.typing import Series

PARTITION = "fiscal_year"
# Said of a cleaned text column (pipeline.normalize.text.clean_text).
CLEAN = (
    " (clean: full-width letters, digits and brackets folded, spacing normalised; as printed"
    " in the _raw column beside it)"
)


class Provenance(pa.DataFrameModel):
    """Where in the PDF a record was read: every dataset's rows carry these columns."""

    source_page: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Physical page (1-based) of the record"
    )
    printed_page: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=1, description="Page number printed in that page's footer"
    )
    bbox_x0: Series[float] = pa.Field(
        description="Bounding box of the record on source_page: left edge, points from the page's left"
    )
    bbox_top: Series[float] = pa.Field(description="…top edge, points from the page's top")
    bbox_x1: Series[float] = pa.Field(description="…right edge")
    bbox_bottom: Series[float] = pa.Field(description="…bottom edge")


# Every column is declared once, by its model's Field: the pandas dtype validates and
# coerces, and gives the column's Arrow type in the files (arrow_type): lists by their
# Arrow dtype, integers as int32 unless the Field's metadata says otherwise.
StrList = Annotated[pd.ArrowDtype, pa_arrow.list_(pa_arrow.string())]
Int16List = Annotated[pd.ArrowDtype, pa_arrow.list_(pa_arrow.int16())]
INT64 = {"arrow": pa_arrow.int64()}  # money: thousand yen summed over a report
INT16 = {"arrow": pa_arrow.int16()}  # policy numbers, years of a period

_ARROW_OF_PANDAS = {
    "Int64": pa_arrow.int32(),
    "Float64": pa_arrow.float64(),
    "float64": pa_arrow.float64(),
    "boolean": pa_arrow.bool_(),
    "bool": pa_arrow.bool_(),
}


# Fields several datasets declare alike: one definition each.
def raw_of(column: str) -> Any:
    """The `<column>_raw` beside a cleaned text column: as printed where that differs."""
    return pa.Field(
        nullable=True,
        description=f"{column} as printed, where that differs from {column}; else null",
    )


def one_policy() -> Any:
    """`policy_no` of a row that may belong to several policies."""
    return pa.Field(
        metadata=INT16,
        nullable=True,
        ge=1,
        le=20,
        description="The policy, when the row belongs to exactly one (null under a shared section such as 6-7)",
    )


def policies_of_row() -> Any:
    """`policy_nos`: the join vocabulary of every program dataset."""
    return pa.Field(
        description="Policy numbers (①…⑧) the row belongs to: the join vocabulary of every program dataset"
    )


def arrow_type(column: pa.Column) -> pa_arrow.DataType:
    """The Arrow type a column is written with, from its declaration."""
    declared = (column.metadata or {}).get("arrow")
    if declared is not None:
        return declared
    dtype = column.dtype.type
    if isinstance(dtype, pd.ArrowDtype):
        return dtype.pyarrow_dtype
    if isinstance(dtype, pd.StringDtype) or dtype is str or str(column.dtype) in ("str", "string"):
        return pa_arrow.string()
    try:
        return _ARROW_OF_PANDAS[str(column.dtype)]
    except KeyError:
        raise TypeError(f"column {column.name!r}: no Arrow type for {column.dtype}") from None


def columns(model: type[pa.DataFrameModel]) -> list[str]:
    """A dataset's columns in file order: its own, then the provenance columns."""
    names = list(model.to_schema().columns)
    base = list(Provenance.to_schema().columns)
    return [c for c in names if c not in base] + [c for c in base if c in names]


def arrow_types(model: type[pa.DataFrameModel]) -> dict[str, pa_arrow.DataType]:
    schema = model.to_schema()
    return {name: arrow_type(schema.columns[name]) for name in columns(model)}


def arrow_schema(model: type[pa.DataFrameModel], drop_partition: bool = True) -> pa_arrow.Schema:
    """The Arrow schema of a dataset file, with each field's description from the model."""
    schema = model.to_schema()
    fields = []
    for name, typ in arrow_types(model).items():
        if name == PARTITION and drop_partition:
            continue  # lives in the Hive path, not in the files
        col = schema.columns[name]
        fields.append(
            pa_arrow.field(
                name,
                typ,
                nullable=bool(col.nullable),
                metadata={"description": col.description or ""},
            )
        )
    return pa_arrow.schema(fields)
