"""narrative: one row per text block of the report's narrative, in reading order."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
from pandera.typing import Series

from schemas.common import Provenance, is_list_of_str, provenance_fields

# kind -> what the block is; the descriptions go into the data dictionary.
KIND_DESCRIPTIONS = {
    "heading": "a section heading (its text as printed; section_path ends with its label)",
    "paragraph": "a paragraph of running text",
    "bullet": "a ・ item, without its ・",
    "measure_title": "a ○ measure of a policy's 取組の概要",
    "figure_caption": "a 図N caption",
    "table_caption": "a 表N caption, or the line printed over a ruled table",
    "figure_source": "a 資料： line crediting a figure or table",
    "note": "a 注 / ※ line",
    "case_study_subject": "the (program：company) line of a case study",
    "case_study_title": "a case study's title (section_path then ends at 事例紹介)",
    "case_study": "a paragraph of a case study (section_path ends with its title)",
    "photo_caption": "a caption printed under a case study's photo",
    "article": "a paragraph of an ordinance article (第N条), a 要綱 section (第N) or a numbered clause",
}
KINDS = list(KIND_DESCRIPTIONS)


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
        description="; ".join(f"{k}: {v}" for k, v in KIND_DESCRIPTIONS.items()),
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
