"""One pandera DataFrameModel per curated dataset; write and tests reuse them.

A column is declared once, in its model: type, nullability, checks and description.
The files' Arrow schema (schemas.common.arrow_schema), the data dictionary and the
Parquet field descriptions are derived from it. Each module also gives the row order
of the written files (SORT_KEYS).
"""

from types import ModuleType

from schemas import (
    figures,
    indicators,
    narrative,
    program_cards,
    program_crosswalk,
    program_index,
    program_totals,
    programs,
    statistics,
)
from schemas.figures import Figures
from schemas.indicators import Indicators
from schemas.narrative import Narrative
from schemas.program_cards import ProgramCards
from schemas.program_crosswalk import ProgramCrosswalk
from schemas.program_index import ProgramIndex
from schemas.program_totals import ProgramTotals
from schemas.programs import Programs
from schemas.statistics import Statistics

DATASETS = {
    "program_cards": ProgramCards,
    "indicators": Indicators,
    "programs": Programs,
    "program_totals": ProgramTotals,
    "program_index": ProgramIndex,
    "statistics": Statistics,
    "figures": Figures,
    "narrative": Narrative,
}
MODULES: dict[str, ModuleType] = {
    "program_cards": program_cards,
    "indicators": indicators,
    "programs": programs,
    "program_totals": program_totals,
    "program_index": program_index,
    "statistics": statistics,
    "figures": figures,
    "narrative": narrative,
}

# Rebuilt over all releases after each run; not partitioned by year.
CROSS_RELEASE = {"program_crosswalk": ProgramCrosswalk}
CROSS_RELEASE_MODULES: dict[str, ModuleType] = {"program_crosswalk": program_crosswalk}

__all__ = [
    "CROSS_RELEASE",
    "CROSS_RELEASE_MODULES",
    "ProgramCrosswalk",
    "DATASETS",
    "MODULES",
    "Indicators",
    "ProgramCards",
    "ProgramIndex",
    "Statistics",
    "Figures",
    "Narrative",
    "ProgramTotals",
    "Programs",
]
