"""program_index: one row per row of a policy section's 【基本方針事業一覧】."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import CLEAN, INT64, Int16List, Provenance, StrList, one_policy, raw_of
from schemas.program_cards import SECTION_PATTERN
from schemas.vocabulary import ListMatch


class ProgramIndex(Provenance):
    fiscal_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1989, le=2100, description="Fiscal year the report covers; Hive partition key"
    )
    section: Series[str] = pa.Field(
        str_matches=SECTION_PATTERN, description='Policy section: "1"…"8", "6-7"'
    )
    no: Series[pd.Int64Dtype] = pa.Field(ge=1, description="No. of the row in its index")
    policy_no: Series[pd.Int64Dtype] = one_policy()
    program_key: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Join key of the name (see programs)"
    )
    program_name: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="事業名 of the index" + CLEAN
    )
    program_name_raw: Series[pd.StringDtype] = raw_of("program_name")
    budget_kyen: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT64, nullable=True, ge=0, description="事業費 in 千円"
    )
    budget_raw: Series[str] = pa.Field(description="事業費 cell as printed")
    is_new: Series[pd.BooleanDtype] = pa.Field(description="新規 marked ○")
    departments: Series[StrList] = pa.Field(
        description="担当課等 entries (departments; a bracketed note is in department_note)"
    )
    departments_raw: Series[StrList] = raw_of("departments")
    department_note: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="What the 担当課等 cell prints in brackets (a regional office), as program_cards' department_note",
    )
    listed_page: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=1, description="掲載頁: printed page where the index says the card starts"
    )
    policy_nos: Series[Int16List] = pa.Field(
        description="Policies the row belongs to (the ⑥/⑦ flag columns of a shared section; else the section's policy)"
    )
    program_list_key: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="program_key of the matching program list row (differs from program_key when matched by fuzzy name)",
    )
    program_list_match: Series[str] = pa.Field(
        isin=ListMatch.values(),
        description="How the program list row was found: exact key, fuzzy name, or none",
    )
    program_list_match_score: Series[pd.Float64Dtype] = pa.Field(
        nullable=True, ge=0, le=1, description="Name similarity of that match (1.0 when exact)"
    )

    @pa.check("policy_nos", name="policy_nos_not_empty")
    def _policies(cls, s: pd.Series) -> pd.Series:
        return s.map(len) > 0

    class Config:
        strict = True
        coerce = True
        unique = ["fiscal_year", "section", "no"]


SORT_KEYS = ["section", "no"]
