"""program_cards: one row per program card of a policy section."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import CLEAN, INT64, Int16List, Provenance, StrList, one_policy, raw_of

SECTION_PATTERN = r"^\d+(-\d+)*$"


class ProgramCards(Provenance):
    fiscal_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1989,
        le=2100,
        description="Fiscal year the report covers (令和2年度 → 2020); Hive partition key",
    )
    section: Series[str] = pa.Field(
        str_matches=SECTION_PATTERN,
        description='Policy section as printed: "1"…"8", "6-7" for a shared section',
    )
    policy_nos: Series[Int16List] = pa.Field(description="Policy numbers (①…⑧) the section covers")
    policy_no: Series[pd.Int64Dtype] = one_policy()
    card_no: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Card number within its section")
    program_key: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="Join key: program name NFKC-normalized, without spaces or a trailing (再掲)",
    )
    program_name: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="Program name of the card header (wrapped title lines joined)" + CLEAN,
    )
    program_name_raw: Series[pd.StringDtype] = raw_of("program_name")
    title_lines: Series[StrList] = pa.Field(
        description="Title items as printed when a card names several programs (①…, ②…)"
    )
    is_repost: Series[pd.BooleanDtype] = pa.Field(
        description="Card re-lists a program of another section: name ends with (再掲)"
    )
    budget_kyen: Series[pd.Int64Dtype] = pa.Field(
        metadata=INT64,
        nullable=True,
        ge=0,
        description="事業費 in thousand yen (千円); null when the card prints no number",
    )
    budget_raw: Series[pd.StringDtype] = pa.Field(
        nullable=True, description='事業費 as printed (e.g. "3,254", "-")'
    )
    budget_note: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="Breakdown printed under the budget, e.g. (①23,256 ②27,229)"
    )
    overview: Series[str] = pa.Field(
        description="【事業概要】 text; paragraphs separated by newlines, line wraps removed"
        + CLEAN
    )
    overview_raw: Series[pd.StringDtype] = raw_of("overview")
    results: Series[str] = pa.Field(
        description="【事業実績】 text; paragraphs and numbered items separated by newlines" + CLEAN
    )
    results_raw: Series[pd.StringDtype] = raw_of("results")
    department: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="First department (課) of the 担当課 line"
    )
    group: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="Its group (グループ); several groups of one department joined with 、",
    )
    department_note: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="Parenthesised note of the first department, e.g. a regional office",
    )
    additional_departments: Series[StrList] = pa.Field(
        description='Further "department group" entries of the 担当課 line'
    )
    department_line: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="The 担当課 line as printed"
    )
    n_tables: Series[pd.Int64Dtype] = pa.Field(
        ge=0, description="Number of indicator tables on the card"
    )
    end_page: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Physical page where the card ends"
    )
    source_page: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Physical page (1-based) where the card starts"
    )
    bbox_x0: Series[float] = pa.Field(
        description="Card header bounding box on source_page, points from the left"
    )
    bbox_top: Series[float] = pa.Field(description="…from the top")
    bbox_x1: Series[float] = pa.Field(description="…right edge")
    bbox_bottom: Series[float] = pa.Field(description="…bottom edge (end of the card on that page)")

    @pa.check("policy_nos", name="policy_nos_not_empty")
    def _policy_nos(cls, s: pd.Series) -> pd.Series:
        return s.map(len) > 0

    class Config:
        strict = True
        coerce = True
        unique = ["fiscal_year", "section", "card_no"]


SORT_KEYS = ["section", "card_no"]
