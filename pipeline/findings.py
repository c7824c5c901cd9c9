"""The one vocabulary of validation: severities, check kinds, statuses and findings.

Every stage that notices something (the extractors, the schema checks, the
cross-checks) says it as a `Finding`: which check, what, where in the PDF, the
record it concerns and, for a disagreement, both values and both places. The
severity is not the finder's to choose: it belongs to the check, in the one
registry (pipeline/validate/registry.py), and is stamped on when the checks run.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points from the top-left


class Severity(str, Enum):
    ERROR = "error"  # blocks publishing unless --allow-errors
    WARNING = "warning"  # shown to the reviewer, never blocks

    def __str__(self) -> str:
        return self.value


class CheckKind(str, Enum):
    """Which side of the line a check stands on."""

    # The report contradicts itself (list vs index vs card, sums): the data keeps what
    # was printed and the reviewer is told.
    CONSISTENCY = "consistency"
    # The document announces something the extractor did not find or could not place:
    # a misread, which must never pass quietly.
    HEALTH = "health"
    # A row does not satisfy its dataset's schema.
    SCHEMA = "schema"

    def __str__(self) -> str:
        return self.value


class Status(str, Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    NOT_RUN = "not_run"  # its input is empty: a check over nothing does not pass

    def __str__(self) -> str:
        return self.value


@dataclass(slots=True, frozen=True)
class Place:
    """Where a value is printed: physical page (1-based) and its box."""

    page: int | None
    bbox: BBox | None = None


@dataclass(slots=True)
class Finding:
    """Something a reviewer should see: the check, what, and where in the PDF."""

    check: str  # a registry id, or a more precise id under it (schema.indicators.row.x)
    message: str
    page: int | None = None  # physical page, 1-based
    bbox: BBox | None = None
    dataset: str | None = None  # the dataset of the offending row, when there is one
    key: str | None = None  # the record it concerns, e.g. "section 1 card 3"
    observed: object = None  # the value read here …
    expected: object = None  # … and the value the other place (or the rule) gives
    other: Place | None = None  # the second place of a disagreement
    severity: Severity | None = None  # stamped from the check when the checks run

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(slots=True, frozen=True)
class NotRun:
    """Why a check could not run. `blocking`: the document announces the content
    the check needs, so an empty input is a misread (it fails the verdict)."""

    reason: str
    blocking: bool = True
