"""statistics: one row per data cell of the report's statistics tables (表1, 表2, 中小企業の定義)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import CLEAN, Provenance, StrList, raw_of


class Statistics(Provenance):
    fiscal_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1989, le=2100, description="Fiscal year the report covers; Hive partition key"
    )
    table_id: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description='"表1", "表2", the heading of an uncaptioned table ("中小企業の定義"), or the 別表 label over an unnumbered table\'s caption',
    )
    caption: Series[str] = pa.Field(description="The table's caption" + CLEAN)
    caption_raw: Series[pd.StringDtype] = raw_of("caption")
    row_no: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Body row (1-based)")
    row_label: Series[str] = pa.Field(
        description="First cell of the row; a cell merged over several rows labels each of them"
        + CLEAN
    )
    row_label_raw: Series[pd.StringDtype] = raw_of("row_label")
    col_no: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Column (1-based; the label column is 0)"
    )
    column_path: Series[StrList] = pa.Field(
        description='Header levels of the column, top to bottom, e.g. ["事業所数", "28"]'
    )
    column_path_raw: Series[StrList] = raw_of("column_path")
    value_raw: Series[str] = pa.Field(description="Cell text verbatim")
    value: Series[pd.Float64Dtype] = pa.Field(
        nullable=True, description='Number in the cell ("▲ 3.3" → -3.3); null for text'
    )
    unit: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description='Unit of the column: from its own header ("24 (人)", "総人口 (人)" over its group), else from the table\'s unit_line (one unit for all, or one per column group in order when it lists one per group); null where nothing printed says',
    )
    unit_line: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="The table's \"(単位：…)\" line as printed, over the table or at the end of its caption's line; null where none",
    )
    reference_year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=1868,
        le=2100,
        description="Year the row or column header names, read in the table's era (24 → 2012 in a 平成 table; R1 → 2019)",
    )
    source_note: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="資料： line under the table" + CLEAN
    )
    source_note_raw: Series[pd.StringDtype] = raw_of("source_note")
    notes: Series[StrList] = pa.Field(description="注 lines under the table" + CLEAN)
    notes_raw: Series[StrList] = raw_of("notes")

    class Config:
        strict = True
        coerce = True
        unique = ["fiscal_year", "table_id", "row_no", "col_no"]


SORT_KEYS = ["source_page", "table_id", "row_no", "col_no"]
