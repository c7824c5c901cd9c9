"""Typed errors. Each ends as one line at the CLI with its exit code."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class NenpoError(Exception):
    """Base class: a failure the user can act on, reported without a traceback."""

    exit_code = 1


class InputError(NenpoError):
    """The input is not a readable PDF of the report (missing, damaged, encrypted, no text)."""

    exit_code = 2


class NotPublished(InputError):
    """A dataset or a fiscal year asked for is not in curated/ (nothing was published for it)."""


class LayoutError(NenpoError):
    """The PDF opened but its structure is not the report's (anchors missing, pages unlabelled)."""

    exit_code = 2


class ValidationFailed(NenpoError):
    """Validation found errors; nothing was published."""

    exit_code = 1
    report_path: Path | None = None  # the report that says why, when one was written
    result: Any = None  # the run's RunResult: what failed, for the summary
