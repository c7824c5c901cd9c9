"""narrative: one row per text block of the report's narrative, in reading order."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import CLEAN, Provenance, StrList, raw_of
from schemas.vocabulary import BlockKind

# kind -> what the block is; the descriptions go into the data dictionary.
KIND_DESCRIPTIONS = {
    BlockKind.HEADING: "a section heading (its text as printed; section_path ends with its label)",
    BlockKind.PARAGRAPH: "a paragraph of running text",
    BlockKind.BULLET: "a ・ item, without its ・",
    BlockKind.MEASURE_TITLE: "a ○ measure of a policy's 取組の概要",
    BlockKind.FIGURE_CAPTION: "a 図N caption",
    BlockKind.TABLE_CAPTION: "a 表N caption, or the line printed over a ruled table",
    BlockKind.FIGURE_SOURCE: "a 資料： line crediting a figure or table",
    BlockKind.NOTE: "a 注 / ※ line",
    BlockKind.UNIT_LINE: "a (単位：…) line over a table",
    BlockKind.CASE_STUDY_SUBJECT: "the (program：company) line of a case study",
    BlockKind.CASE_STUDY_TITLE: "a case study's title (section_path then ends at 事例紹介)",
    BlockKind.CASE_STUDY: "a paragraph of a case study (section_path ends with its title)",
    BlockKind.PHOTO_CAPTION: "a caption printed under a case study's photo",
    BlockKind.ARTICLE: "a paragraph of an ordinance article (第N条), a 要綱 section (第N) or a numbered clause",
}
KINDS = BlockKind.values()
assert set(KIND_DESCRIPTIONS) == set(BlockKind)  # every kind described


class Narrative(Provenance):
    fiscal_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1989, le=2100, description="Fiscal year the report covers; Hive partition key"
    )
    block_no: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Position in reading order (1-based)"
    )
    section_path: Series[StrList] = pa.Field(
        description='Headings the block is under, e.g. ["1", "(1)", "①"], ["2", "(2)", "①", "取組の概要", "<measure>"]'
    )
    kind: Series[str] = pa.Field(
        isin=KINDS,
        description="; ".join(f"{k}: {v}" for k, v in KIND_DESCRIPTIONS.items()),
    )
    text: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="The block's text, line wraps removed (a bullet without its ・)" + CLEAN,
    )
    text_raw: Series[pd.StringDtype] = raw_of("text")
    fiscal_year_ref: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=1989,
        le=2100,
        description="The year a block is about, under a year label (<平成19年度>)",
    )

    class Config:
        strict = True
        coerce = True
        unique = ["fiscal_year", "block_no"]


SORT_KEYS = ["block_no"]
