"""nenpo: the Aomori SME Promotion Ordinance annual report, from PDF to validated Parquet."""

__version__ = "0.1.0"

from pipeline.api import load, run_release, validate_release  # noqa: E402

__all__ = ["__version__", "load", "run_release", "validate_release"]
