"""One pandera DataFrameModel per curated dataset; write and tests reuse them.

Each model carries a description per field (written into the Parquet schema)
and the Arrow type each column is stored as.
"""

from schemas.indicators import Indicators
from schemas.program_cards import ProgramCards

DATASETS = {"program_cards": ProgramCards, "indicators": Indicators}

__all__ = ["DATASETS", "Indicators", "ProgramCards"]
