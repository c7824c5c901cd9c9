"""narrative: one row per text block of the report's narrative, in reading order."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
from pandera.typing import Series

from schemas.common import Provenance, is_list_of_str, provenance_fields

KINDS = [
    "heading",
    "paragraph",
    "bullet",
    "measure_title",
    "figure_caption",
    "figure_source",
    "note",
    "article",
]


class Narrative(Provenance):
    fiscal_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1989, le=2100, description="Fiscal year the report covers; Hive partition key"
    )
    block_no: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Position in reading order (1-based)"
    )
    section_path: Series[object] = pa.Field(
        description='Headings the block is under, e.g. ["1", "(1)", "①"], ["2", "(2)", "①", "取組の概要", "<measure>"]'
    )
    kind: Series[str] = pa.Field(
        isin=KINDS,
        description="heading | paragraph | bullet | measure_title | figure_caption | figure_source | note | article (a paragraph of an ordinance article or its supplementary provisions)",
    )
    text: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="The block's text, line wraps removed (a bullet without its ・)",
    )
    fiscal_year_ref: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=1989,
        le=2100,
        description="The year a block is about, under a year label (<平成19年度>)",
    )

    @pa.check("section_path", name="section_path_is_strings")
    def _path(cls, s: pd.Series) -> pd.Series:
        return is_list_of_str(s)

    class Config:
        strict = True
        coerce = True
        unique = ["fiscal_year", "block_no"]


ARROW_TYPES: dict[str, pa_arrow.DataType] = {
    "fiscal_year": pa_arrow.int32(),
    "block_no": pa_arrow.int32(),
    "section_path": pa_arrow.list_(pa_arrow.string()),
    "kind": pa_arrow.string(),
    "text": pa_arrow.string(),
    "fiscal_year_ref": pa_arrow.int32(),
    **provenance_fields(),
}
SORT_KEYS = ["block_no"]
