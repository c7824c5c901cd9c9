"""Shared column helpers and checks."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
from pandera.typing import Series

PARTITION = "fiscal_year"


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


def provenance_fields() -> dict[str, pa_arrow.DataType]:
    return {
        "source_page": pa_arrow.int32(),
        "printed_page": pa_arrow.int32(),
        "bbox_x0": pa_arrow.float64(),
        "bbox_top": pa_arrow.float64(),
        "bbox_x1": pa_arrow.float64(),
        "bbox_bottom": pa_arrow.float64(),
    }


def is_list_of_str(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v is not None and all(isinstance(x, str) for x in list(v)))


def is_list_of_int(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v is not None and len(v) > 0 and all(int(x) == x for x in list(v)))


def arrow_schema(
    model: type[pa.DataFrameModel], types: dict[str, pa_arrow.DataType], drop_partition: bool = True
) -> pa_arrow.Schema:
    """The Arrow schema of a dataset file, with each field's description from the model."""
    schema = model.to_schema()
    fields = []
    for name, typ in types.items():
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
