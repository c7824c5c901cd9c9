"""nenpo: the Aomori SME Promotion Ordinance annual report, from PDF to validated Parquet."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load", "run_release", "validate_release"]

# The library's face, imported when first used: `nenpo --help` needs none of pandas,
# pandera or pyarrow.
_FACE = {
    "load": "pipeline.load",
    "run_release": "pipeline.run",
    "validate_release": "pipeline.validation",
}


def __getattr__(name: str) -> Any:
    if name in _FACE:
        import importlib

        return getattr(importlib.import_module(_FACE[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
