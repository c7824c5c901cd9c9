"""program_crosswalk: one row per program name a release prints, with its stable program_id.

Not partitioned by year: it is rebuilt over all published releases after each run.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.vocabulary import IdentityMethod


class ProgramCrosswalk(pa.DataFrameModel):
    program_id: Series[str] = pa.Field(
        str_matches=r"^P[0-9a-f]{10,}$", description="Stable id of the program across editions"
    )
    fiscal_year: Series[pd.Int64Dtype] = pa.Field(
        ge=1989, le=2100, description="Release the name is printed in"
    )
    program_key: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="program_key of the name in that release (join key of the other datasets)",
    )
    program_name: Series[str] = pa.Field(description="The name as printed")
    match_method: Series[str] = pa.Field(
        isin=IdentityMethod.values(),
        description="first_seen (a program new in this release) | exact (same key as before) | fuzzy (near-identical name; see match_score)",
    )
    match_score: Series[pd.Float64Dtype] = pa.Field(
        nullable=True,
        ge=0,
        le=1,
        description="Name similarity of the match (1.0 for exact; null when first seen)",
    )
    matched_key: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="The key this name was matched to"
    )

    class Config:
        strict = True
        coerce = True
        unique = ["fiscal_year", "program_key"]


SORT_KEYS = ["fiscal_year", "program_key"]
