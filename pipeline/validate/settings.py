"""The thresholds the checks judge by, in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ValidationSettings:
    # How alike two names must be to be one program: pipeline.normalize.text.SIMILARITY.
    # Shares (構成比) are rounded to 0.1 each: their sum may miss 100 by this much.
    share_tolerance: float = 0.2
    # Percentage points between a printed 増減率 and the rate the counts give.
    rate_tolerance: float = 0.1
    # Glyphs of a page that may end in no record and no zone (a stray mark) before the
    # page's unassigned text is a misread.
    unassigned_glyphs_per_page: int = 2
    # Cases listed per page for its unassigned or doubly assigned lines.
    accounting_cases_per_page: int = 20


SETTINGS = ValidationSettings()
