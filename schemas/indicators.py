"""indicators: one row per indicator per period column of a card's indicator table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import CLEAN, Int16List, Provenance, one_policy, policies_of_row, raw_of
from schemas.program_cards import SECTION_PATTERN
from schemas.vocabulary import Qualifier, ValueStatus

# A unit is a short word after the number: no digits, spaces or brackets ("件", "千円", "ヶ国・地域").
UNIT_PATTERN = r"^[^\d\s()（）]{1,8}$"
# Period columns reach back a few years at most; farther is a misread header.
MAX_PERIOD_LOOKBACK = 10
# Units whose values may be below zero: changes, rates, money and temperatures. A
# negative value with any other unit (件, 名, 社: things counted) is a misread, also
# with a unit no edition has printed yet.
SIGNED_UNITS = ["%", "％", "ポイント", "pt", "倍", "円", "千円", "万円", "百万円", "億円", "℃"]


class Indicators(Provenance):
    fiscal_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1989, le=2100, description="Fiscal year the report covers; Hive partition key"
    )
    section: Series[str] = pa.Field(
        str_matches=SECTION_PATTERN, description="Policy section of the card"
    )
    card_no: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Card number within its section")
    policy_nos: Series[Int16List] = policies_of_row()
    policy_no: Series[pd.Int64Dtype] = one_policy()
    program_key: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="Join key of the card's program (see program_cards)",
    )
    program_name: Series[str] = pa.Field(description="Program name of the card")
    program_name_raw: Series[pd.StringDtype] = raw_of("program_name")
    table_no: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Indicator table number within the card (1-based)"
    )
    row_no: Series[pd.Int64Dtype] = pa.Field(
        ge=1, description="Row number within the table (1-based, header excluded)"
    )
    indicator: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description='項目名; a two-level label is "parent sub-label"' + CLEAN,
    )
    indicator_raw: Series[pd.StringDtype] = raw_of("indicator")
    indicator_inherited: Series[pd.BooleanDtype] = pa.Field(
        description="The 項目名 cell was empty; the label was carried down from the row above (a further measure of it)"
    )
    period_label: Series[str] = pa.Field(
        description='Column header as printed, e.g. "元年度", "2年度"'
    )
    period_year: Series[pd.Int64Dtype] = pa.Field(
        description="Western year of the column (元年度 → 2019 in a 令和 report)"
    )
    period_year_inferred: Series[pd.BooleanDtype] = pa.Field(
        description="period_year was set by column position because the printed header repeats or lacks a year"
    )
    value_raw: Series[str] = pa.Field(
        description='Cell text verbatim ("" for an empty cell); of a part row, the part\'s text'
    )
    value: Series[pd.Float64Dtype] = pa.Field(
        nullable=True, description="Parsed number when the cell holds one quantity"
    )
    unit: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        str_matches=UNIT_PATTERN,
        description="Unit printed after the number (件, 名, %, 千円, …)",
    )
    qualifier: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        isin=Qualifier.values(),
        description="Qualifier printed before the number: 約 (about), 延べ (cumulative count), 各 (each), …",
    )
    value_note: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description='Dates or period printed in brackets after the quantity ("2回 (7月, 1月)" → 2 回, note "7月,1月"); null where none',
    )
    status: Series[str] = pa.Field(
        isin=ValueStatus.values(),
        description="reported | not_reported (—, blank) | not_held (中止, 実績なし) | multiple (quantities in one cell that cannot be told apart) | text (words only)",
    )
    part_no: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=1,
        description="Of a cell printing several quantities (19名・4名, 68回 延258名): the part, 1-based, one row each; null for a whole cell",
    )
    part_label: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="What the part measures: the words the cell prints before it (省エネ診断 14事業者), else the label's names where it names the parts in order (入校者数・就職者数); else null",
    )
    cell_raw: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="Of a part row, the whole cell as printed; null for a whole cell"
    )

    @pa.dataframe_check(name="value_only_when_reported")
    def _value_when_reported(cls, df: pd.DataFrame) -> pd.Series:
        return df["value"].isna() | (df["status"] == "reported")

    @pa.dataframe_check(name="unsigned_units_not_negative")
    def _counts(cls, df: pd.DataFrame) -> pd.Series:
        unsigned = df["unit"].notna() & ~df["unit"].isin(SIGNED_UNITS).fillna(False)
        return ~(unsigned.fillna(False) & (df["value"] < 0).fillna(False))

    @pa.dataframe_check(name="period_year_within_report_range")
    def _period(cls, df: pd.DataFrame) -> pd.Series:
        return (df["period_year"] <= df["fiscal_year"]) & (
            df["period_year"] >= df["fiscal_year"] - MAX_PERIOD_LOOKBACK
        )

    class Config:
        strict = True
        coerce = True
        unique = [
            "fiscal_year",
            "section",
            "card_no",
            "table_no",
            "row_no",
            "period_label",
            "period_year",
            "part_no",
        ]


SORT_KEYS = ["section", "card_no", "table_no", "row_no", "period_year", "period_label", "part_no"]
