"""program_totals: the 小計, 〃(再掲含む。) and 合計 rows of the program list, and each
section index's 小計, as printed."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import CLEAN, INT16, INT64, Int16List, Provenance, policies_of_row

KINDS = ["subtotal", "subtotal_incl_repost", "total", "index_subtotal"]


class ProgramTotals(Provenance):
    fiscal_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1989, le=2100, description="Fiscal year the report covers; Hive partition key"
    )
    kind: Series[str] = pa.Field(
        isin=KINDS,
        description="subtotal (小計: rows of the policy without re-listed ones) | subtotal_incl_repost (〃(再掲含む。): all rows) | total (合計) | index_subtotal (小計 of a section's 【基本方針事業一覧】)",
    )
    section: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="Section of the row: an index subtotal's, or the section covering a subtotal's policy; null for the total",
    )
    policy_no: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT16,
        nullable=True,
        ge=1,
        le=20,
        description="Policy of a subtotal (an index subtotal's when its section covers one policy); null for the total",
    )
    policy_nos: Series[Int16List] = policies_of_row()
    label: Series[str] = pa.Field(description="The row's label" + CLEAN)
    label_raw: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="label as printed, where that differs from label; else null"
    )
    budget_kyen: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT64, nullable=True, ge=0, description="事業費 in 千円"
    )
    national_kyen: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT64, nullable=True, ge=0, description="国庫 in 千円"
    )
    other_kyen: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT64, nullable=True, ge=0, description="その他 in 千円"
    )
    general_kyen: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT64, nullable=True, ge=0, description="一般財源 in 千円"
    )

    class Config:
        strict = True
        coerce = True
        unique = ["fiscal_year", "kind", "policy_no", "section"]


SORT_KEYS = ["source_page", "bbox_top"]
