"""figures: the inventory of the report's charts (their data are not in the text layer)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import CLEAN, Provenance, StrList, raw_of


class Figures(Provenance):
    fiscal_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1989, le=2100, description="Fiscal year the report covers; Hive partition key"
    )
    figure_no: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Position of the figure in the report (1-based)"
    )
    number: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=1, description="N of its caption 図N, when one is printed"
    )
    caption: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="Caption (many charts carry their title inside the image, so none is in the text)"
        + CLEAN,
    )
    caption_raw: Series[pd.StringDtype] = raw_of("caption")
    source: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="資料： line crediting the figure" + CLEAN
    )
    source_raw: Series[pd.StringDtype] = raw_of("source")
    notes: Series[StrList] = pa.Field(description="注 lines of the figure" + CLEAN)
    notes_raw: Series[StrList] = raw_of("notes")
    unit_label: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description='Unit printed over the chart\'s axis as it appears, e.g. "(億円)"',
    )

    class Config:
        strict = True
        coerce = True
        unique = ["fiscal_year", "figure_no"]


SORT_KEYS = ["figure_no"]
