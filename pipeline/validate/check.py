"""What checks are made of: the input they read, the Check object (id, kind, severity,
what it asserts, the datasets its cases concern, the function that finds its cases,
what it needs to run), its result, and the small helpers the declarations share.
The checks themselves are declared in health_checks.py and consistency_checks.py;
registry.py gathers them and runs them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from pipeline.extract.health import ExtractionFacts
from pipeline.findings import CheckKind, Finding, NotRun, Severity, Status
from pipeline.validate import reconcile
from pipeline.validate.checks import card_content_findings
from pipeline.validate.statistics import statistics_findings

ERROR, WARNING = Severity.ERROR, Severity.WARNING
HEALTH, CONSISTENCY, SCHEMA = CheckKind.HEALTH, CheckKind.CONSISTENCY, CheckKind.SCHEMA


@dataclass
class CheckInput:
    """What the checks read: the datasets, the schema's verdicts on them and, from a run
    (not from re-validating published data), the extraction's facts."""

    frames: dict[str, pd.DataFrame]
    facts: ExtractionFacts | None = None
    schema: dict[str, list[Finding]] = field(default_factory=dict)
    # Re-validating published data: what the run that read the PDF found announced,
    # per dataset (its report keeps it); None counts everything announced.
    announcements: dict[str, bool] | None = None
    _rows: dict[str, list[dict]] = field(default_factory=dict, repr=False)
    _memo: dict[Callable, list[Finding]] = field(default_factory=dict, repr=False)

    def rows(self, name: str) -> list[dict]:
        # Rows as dicts: iterrows builds a Series per row, most of the checks' time.
        if name not in self._rows:
            frame = self.frames.get(name)
            self._rows[name] = [] if frame is None else frame.to_dict("records")
        return self._rows[name]

    def once(self, fn: Callable[[CheckInput], Iterable[Finding]]) -> list[Finding]:
        """Findings of a function that serves several checks, computed once."""
        if fn not in self._memo:
            self._memo[fn] = list(fn(self))
        return self._memo[fn]


Needs = Callable[[CheckInput], NotRun | None]


@dataclass(frozen=True)
class Check:
    id: str
    kind: CheckKind
    severity: Severity
    description: str
    datasets: tuple[str, ...]
    fn: Callable[[CheckInput], Iterable[Finding]]
    needs: Needs | None = None
    from_extraction: bool = False  # its cases come from reading the PDF, not from the datasets

    def owns(self, check_id: str) -> bool:
        return check_id == self.id or check_id.startswith(self.id + ".")


@dataclass
class CheckResult:
    check: Check
    status: Status
    findings: list[Finding]
    not_run: NotRun | None = None


# -- what checks need -------------------------------------------------------------


def announced(name: str, ci: CheckInput) -> bool:
    """Whether the document announces content for a dataset, so that an empty one is a
    misread: a 目次 entry names the program list, captions ("表1 …") the statistics,
    the 目次 the narrative, the labels the cards and indexes, a card's tables their
    indicators. Published data (no facts): as the run that read it found."""
    f = ci.facts
    if name == "figures":
        return False  # an edition may have no charts
    if f is None:
        return True if ci.announcements is None else bool(ci.announcements.get(name, True))
    if name in ("programs", "program_totals"):
        return f.program_list_named
    if name == "statistics":
        return f.table_captions > 0
    if name == "program_index":
        return bool(f.index_labels)
    if name == "program_cards":
        return f.card_labels > 0
    if name == "indicators":  # a card's tables, or cards announced and none read
        cards = ci.rows("program_cards")
        return any(int(c["n_tables"]) > 0 for c in cards) or (not cards and f.card_labels > 0)
    return bool(f.toc)


def announcements(frames: dict[str, pd.DataFrame], facts: ExtractionFacts) -> dict[str, bool]:
    """Per dataset, whether the document announces it: kept in the run's report, for
    re-validating what was published."""
    ci = CheckInput(frames, facts)
    return {name: announced(name, ci) for name in sorted(frames)}


def rows_of(*names: str) -> Needs:
    """Runs when every named dataset has rows; otherwise not_run, and blocking where the
    document announces what is missing."""

    def needs(ci: CheckInput) -> NotRun | None:
        empty = [n for n in names if not ci.rows(n)]
        if not empty:
            return None
        missing = [n for n in empty if announced(n, ci)]
        if missing:
            return NotRun(
                f"no rows were read for {', '.join(missing)}, which the document announces"
            )
        return NotRun(f"the document has no content for {', '.join(empty)}", False)

    return needs


def totals_of(*kinds: str, due: Callable[[CheckInput], bool] | None = None) -> Needs:
    """Runs when total rows of these kinds were read; blocking where the program list is
    announced and such rows are due (`due`: e.g. only re-listed programs make a
    〃(再掲含む。) row due)."""

    def needs(ci: CheckInput) -> NotRun | None:
        if not any(t["kind"] in kinds for t in ci.rows("program_totals")):
            if due is not None and ci.rows("programs") and not due(ci):
                return NotRun(f"no {' / '.join(kinds)} rows are due in this list", False)
            blocking = announced("program_totals", ci)
            return NotRun(f"no {' / '.join(kinds)} rows were read in program_totals", blocking)
        return rows_of("programs")(ci)

    return needs


def has_reposts(ci: CheckInput) -> bool:
    return any(bool(r["is_repost"]) for r in ci.rows("programs"))


def facts_of(what: Callable[[ExtractionFacts], object], reason: str, blocking: bool) -> Needs:
    def needs(ci: CheckInput) -> NotRun | None:
        if ci.facts is not None and not what(ci.facts):
            return NotRun(reason, blocking)
        return None

    return needs


# -- how checks find their cases --------------------------------------------------


def extracted(ci: CheckInput) -> list[Finding]:
    """What the extractors reported while reading (each under its own check id)."""
    return list(ci.facts.findings) if ci.facts else []


def _reconciled(ci: CheckInput) -> list[Finding]:
    names = ("program_cards", "programs", "program_totals", "program_index")
    return reconcile.reconcile_rows({n: ci.rows(n) for n in names})


def reconciled(ci: CheckInput) -> list[Finding]:
    return ci.once(_reconciled)


def _statistics(ci: CheckInput) -> list[Finding]:
    return statistics_findings(ci.frames["statistics"], ci.frames["figures"])


def statistics(ci: CheckInput) -> list[Finding]:
    return ci.once(_statistics)


def _cards_content(ci: CheckInput) -> list[Finding]:
    return card_content_findings(ci.frames["program_cards"])


def cards_content(ci: CheckInput) -> list[Finding]:
    return ci.once(_cards_content)


def card_headers(ci: CheckInput) -> list[Finding]:
    """The extractor's reports of labels without a header, and any labels that gave no
    card and no report at all: as many cards as 【事業概要】 labels, or a case says how many not."""
    reported = [f for f in extracted(ci) if f.check == "cards.header_found"]
    if ci.facts is None:
        return reported
    missing = ci.facts.card_labels - len(ci.rows("program_cards")) - len(reported)
    if missing > 0:
        reported.append(
            Finding(
                "cards.header_found",
                f"{missing} of the document's {ci.facts.card_labels} 【事業概要】 labels gave no card",
                dataset="program_cards",
                observed=len(ci.rows("program_cards")),
                expected=ci.facts.card_labels,
            )
        )
    return reported


def found_rows(ci: CheckInput, name: str, check_id: str, what: str) -> list[Finding]:
    if ci.rows(name) or not announced(name, ci):
        return []
    return [Finding(check_id, f"no {what} rows were read: {name} is empty", dataset=name)]


def from_facts(
    fn: Callable[[ExtractionFacts], list[Finding]],
) -> Callable[[CheckInput], list[Finding]]:
    return lambda ci: fn(ci.facts) if ci.facts else []


def schema_cases(name: str) -> Callable[[CheckInput], list[Finding]]:
    return lambda ci: ci.schema.get(name, [])


def from_rows(fn: Callable[[list[dict], list[dict]], list[Finding]], a: str, b: str):  # noqa: ANN202
    return lambda ci: fn(ci.rows(a), ci.rows(b))


CARDS, INDEX, PROGRAMS = "program_cards", "program_index", "programs"
ANNOUNCED_CARDS = facts_of(lambda f: f.card_labels, "the document has no 【事業概要】 label", False)
ANNOUNCED_INDEXES = facts_of(
    lambda f: f.index_labels, "the document has no 【基本方針事業一覧】 label", False
)
PAGES_READ = facts_of(lambda f: f.pages, "no page was read", True)
TEXT_READ = facts_of(lambda f: any(p.glyphs for p in f.pages), "no page has text", True)


def _numbered_pages(ci: CheckInput) -> NotRun | None:
    """Two numbered pages make a sequence; where the 目次 names pages and fewer than two
    pages were read with a number, the page labels were misread."""
    f = ci.facts
    if f is None or sum(p.printed is not None for p in f.pages) >= 2:
        return None
    reason = "fewer than two pages carry a page number: their sequence cannot be checked"
    return NotRun(reason + (", though the 目次 names pages" if f.toc else ""), bool(f.toc))


NUMBERED_PAGES = _numbered_pages
