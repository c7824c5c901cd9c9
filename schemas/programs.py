"""programs: one row per program row of the program list (別紙1)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import (
    CLEAN,
    INT16,
    INT64,
    Int16List,
    Provenance,
    StrList,
    policies_of_row,
    raw_of,
)
from schemas.program_cards import SECTION_PATTERN


class Programs(Provenance):
    fiscal_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1989, le=2100, description="Fiscal year the report covers; Hive partition key"
    )
    row_no: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Position of the row in the program list (1-based, program rows only)"
    )
    policy_no: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT16, ge=1, le=20, description="Policy (①…⑧) whose band the row is under"
    )
    section: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        str_matches=SECTION_PATTERN,
        description='Policy section whose cards and index cover the policy ("6-7" for ⑥ and ⑦); null when none does',
    )
    policy_nos: Series[Int16List] = policies_of_row()
    measure: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="施策: the measure the program serves (merged cell over its programs)",
    )
    measure_raw: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="measure as printed, where that differs from measure; else null"
    )
    program_key: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="Join key: name NFKC-normalized, no spaces, no trailing (再掲)",
    )
    program_name: Series[str] = pa.Field(str_length={"min_value": 1}, description="事業名" + CLEAN)
    program_name_raw: Series[pd.StringDtype] = raw_of("program_name")
    is_repost: Series[pd.BooleanDtype] = pa.Field(
        description="Row re-lists a program of another policy: (再掲)"
    )
    is_new: Series[pd.BooleanDtype] = pa.Field(description="新規 marked ○")
    is_priority: Series[pd.BooleanDtype] = pa.Field(description="重点 marked ○")
    has_key_result: Series[pd.BooleanDtype] = pa.Field(description="主要成果 marked ○")
    budget_kyen: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT64,
        nullable=True,
        ge=0,
        description="事業費 in 千円; null when the cell is not a number",
    )
    budget_raw: Series[str] = pa.Field(description="事業費 cell as printed")
    national_kyen: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT64,
        nullable=True,
        ge=0,
        description="国庫 (national funds) in 千円; null = blank cell, not 0",
    )
    other_kyen: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT64,
        nullable=True,
        ge=0,
        description="その他 (other funds) in 千円; null = blank",
    )
    general_kyen: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT64,
        nullable=True,
        ge=0,
        description="一般財源 (general funds) in 千円; null = blank",
    )
    period_raw: Series[pd.StringDtype] = pa.Field(
        nullable=True, description='事業期間 as printed ("H28-R7", "S45-", "R2", "R2-4")'
    )
    period_start_year: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT16,
        nullable=True,
        ge=1868,
        le=2100,
        description="First fiscal year of the period",
    )
    period_end_year: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT16,
        nullable=True,
        ge=1868,
        le=2100,
        description='Last fiscal year; null when open-ended ("S45-")',
    )
    foundation_support: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        isin=["○", "△"],
        description="21財団への補助・委託: ○, or △ for part of the budget, as printed",
    )
    departments: Series[StrList] = pa.Field(
        description="担当課等 entries, one per printed department (a bracketed note is in department_note)"
    )
    departments_raw: Series[StrList] = raw_of("departments")
    department_note: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="What the 担当課等 cell prints in brackets (a regional office, e.g. 中南地域県民局), "
        "as program_cards' department_note; several joined with 、",
    )
    measure_continued: Series[pd.BooleanDtype] = pa.Field(
        description="The measure cell was split by a page break; its text is carried from the previous page"
    )

    @pa.dataframe_check(name="period_ordered")
    def _period(cls, df: pd.DataFrame) -> pd.Series:
        return (
            df["period_end_year"].isna()
            | df["period_start_year"].isna()
            | (df["period_start_year"] <= df["period_end_year"])
        )

    class Config:
        strict = True
        coerce = True
        unique = ["fiscal_year", "row_no"]


SORT_KEYS = ["row_no"]
