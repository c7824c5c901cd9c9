"""The one registry of checks, and the validator that runs it.

A check is an object: its id, its kind (extraction health, document consistency,
schema), its severity, what it asserts, the datasets its cases concern, the
function that finds its cases, and what it needs to run. The validator iterates
the registry — nothing registers itself by being imported — and a check whose
input is empty does not pass: it is `not_run`, with the reason.
"""

from __future__ import annotations

from pipeline.findings import NotRun, Status
from pipeline.validate.check import (
    ERROR,
    Check,
    CheckInput,
    CheckResult,
    announcements,
    extracted,
    reconciled,
)
from pipeline.validate.consistency_checks import CONSISTENCY_CHECKS, SCHEMA_CHECKS
from pipeline.validate.health_checks import HEALTH_CHECKS

__all__ = [
    "REGISTRY",
    "Check",
    "CheckInput",
    "CheckResult",
    "announcements",
    "blocks",
    "check_of",
    "checks_table",
    "reconciled",
    "run_checks",
]

REGISTRY: dict[str, Check] = {
    c.id: c for c in [*HEALTH_CHECKS, *CONSISTENCY_CHECKS, *SCHEMA_CHECKS]
}


def check_of(check_id: str) -> Check | None:
    """The registered check a (possibly more precise) finding id belongs to."""
    while check_id:
        if check_id in REGISTRY:
            return REGISTRY[check_id]
        check_id = check_id.rpartition(".")[0]
    return None


def run_checks(ci: CheckInput) -> list[CheckResult]:
    """Every registered check over the input, its findings stamped with its severity.

    A finding no check owns is a programming error, said loudly."""
    results = []
    for check in REGISTRY.values():
        if check.from_extraction and ci.facts is None:
            results.append(
                CheckResult(
                    check, Status.NOT_RUN, [], NotRun("needs the PDF: see the run's report", False)
                )
            )
            continue
        reason = check.needs(ci) if check.needs else None
        if reason is not None:
            results.append(CheckResult(check, Status.NOT_RUN, [], reason))
            continue
        mine = [f for f in check.fn(ci) if check_of(f.check) is check]
        for f in mine:
            f.severity = check.severity
        failed = any(f.severity is ERROR for f in mine)
        status = Status.FAIL if failed else (Status.WARN if mine else Status.PASS)
        results.append(CheckResult(check, status, mine))
    _unowned(ci)
    return results


def _unowned(ci: CheckInput) -> None:
    stray = {f.check for f in extracted(ci) if check_of(f.check) is None}
    if stray:
        raise AssertionError(f"findings of unregistered checks: {sorted(stray)}")


def blocks(result: CheckResult) -> bool:
    """Whether a result stands in the way of publishing."""
    return result.status is Status.FAIL or (
        result.status is Status.NOT_RUN and result.not_run is not None and result.not_run.blocking
    )


def checks_table() -> str:
    """Every registered check as a Markdown table: id, kind, severity, what it asserts."""
    rows = ["| check | kind | severity | asserts |", "|---|---|---|---|"]
    for c in REGISTRY.values():
        rows.append(f"| `{c.id}` | {c.kind.value} | {c.severity.value} | {c.description} |")
    return "\n".join(rows) + "\n"
