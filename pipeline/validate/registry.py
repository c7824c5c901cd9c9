"""The one registry of checks, and the validator that runs it.

A check is an object: its id, its kind (extraction health, document consistency,
schema), its severity, what it asserts, the datasets its cases concern, the
function that finds its cases, and what it needs to run. The validator iterates
the registry — nothing registers itself by being imported — and a check whose
input is empty does not pass: it is `not_run`, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from pipeline.extract.health import ExtractionFacts
from pipeline.findings import CheckKind, Finding, NotRun, Severity, Status
from pipeline.validate import health, reconcile
from pipeline.validate.checks import card_content_findings, page_sequence_findings
from pipeline.validate.statistics import statistics_findings
from schemas import DATASETS

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


def _has_reposts(ci: CheckInput) -> bool:
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


def _found(ci: CheckInput, name: str, check_id: str, what: str) -> list[Finding]:
    if ci.rows(name) or not announced(name, ci):
        return []
    return [Finding(check_id, f"no {what} rows were read: {name} is empty", dataset=name)]


def _facts(fn: Callable[[ExtractionFacts], list[Finding]]) -> Callable[[CheckInput], list[Finding]]:
    return lambda ci: fn(ci.facts) if ci.facts else []


def _schema(name: str) -> Callable[[CheckInput], list[Finding]]:
    return lambda ci: ci.schema.get(name, [])


def _rows2(fn: Callable[[list[dict], list[dict]], list[Finding]], a: str, b: str):  # noqa: ANN202
    return lambda ci: fn(ci.rows(a), ci.rows(b))


_CARDS, _INDEX, _PROGRAMS = "program_cards", "program_index", "programs"
_EXTRACT = dict(fn=extracted, from_extraction=True)
_ANNOUNCED_CARDS = facts_of(
    lambda f: f.card_labels, "the document has no 【事業概要】 label", False
)
_ANNOUNCED_INDEXES = facts_of(
    lambda f: f.index_labels, "the document has no 【基本方針事業一覧】 label", False
)
_PAGES_READ = facts_of(lambda f: f.pages, "no page was read", True)
_TEXT_READ = facts_of(lambda f: any(p.glyphs for p in f.pages), "no page has text", True)


def _numbered_pages(ci: CheckInput) -> NotRun | None:
    """Two numbered pages make a sequence; where the 目次 names pages and fewer than two
    pages were read with a number, the page labels were misread."""
    f = ci.facts
    if f is None or sum(p.printed is not None for p in f.pages) >= 2:
        return None
    reason = "fewer than two pages carry a page number: their sequence cannot be checked"
    return NotRun(reason + (", though the 目次 names pages" if f.toc else ""), bool(f.toc))


_NUMBERED_PAGES = _numbered_pages

HEALTH_CHECKS = [
    Check(
        "document.page_sequence",
        HEALTH,
        ERROR,
        "Printed page numbers follow the physical pages: none missing, none out of order",
        (_CARDS, "indicators", _PROGRAMS, _INDEX),
        _facts(lambda f: page_sequence_findings(f.pages)),
        needs=_NUMBERED_PAGES,
        from_extraction=True,
    ),
    Check(
        "document.extent",
        HEALTH,
        ERROR,
        "Every page the 目次 names is in the PDF: no pages missing at the start or the end",
        (),
        _facts(health.extent),
        facts_of(lambda f: f.toc, "the document has no 目次 to say what it holds", False),
        True,
    ),
    Check(
        "document.toc_headings",
        HEALTH,
        ERROR,
        "Every heading the 目次 names is printed on the page it names",
        ("narrative",),
        _facts(health.toc_headings),
        facts_of(lambda f: f.toc, "the document has no 目次 to say what it holds", False),
        True,
    ),
    Check(
        "document.parser_data_loss",
        HEALTH,
        ERROR,
        "The PDF parser lost nothing while reading a page (data loss, decoding failures)",
        (),
        _facts(health.parser_messages),
        needs=_PAGES_READ,
        from_extraction=True,
    ),
    Check(
        "document.parser_notes",
        HEALTH,
        WARNING,
        "Other messages of the PDF parser about a page, for the reviewer",
        (),
        _facts(health.parser_messages),
        needs=_PAGES_READ,
        from_extraction=True,
    ),
    Check(
        "text.unmapped",
        HEALTH,
        ERROR,
        "Every glyph maps to a character: no (cid:NN), U+FFFD or private-use code points",
        (),
        _facts(health.unmapped_text),
        needs=_TEXT_READ,
        from_extraction=True,
    ),
    Check(
        "text.not_upright",
        HEALTH,
        ERROR,
        "Every glyph is upright, so it is read: a rotated page is never dropped silently",
        (),
        _facts(health.rotated_text),
        needs=_PAGES_READ,
        from_extraction=True,
    ),
    Check(
        "glyphs.unassigned",
        HEALTH,
        ERROR,
        "Every glyph of a page ends in a record or a named zone (page label, cover, 目次, "
        "labels, table headers): no printed text is left out of the data",
        (),
        _facts(health.unassigned_glyphs),
        _TEXT_READ,
        True,
    ),
    Check(
        "glyphs.assigned_twice",
        HEALTH,
        ERROR,
        "No glyph was read into two records",
        (),
        _facts(health.glyphs_assigned_twice),
        _TEXT_READ,
        True,
    ),
    Check(
        "programs.rows_found",
        HEALTH,
        ERROR,
        "The program list (別紙1) was read: it has program rows",
        (_PROGRAMS,),
        lambda ci: _found(ci, _PROGRAMS, "programs.rows_found", "別紙1"),
        lambda ci: (
            None
            if announced(_PROGRAMS, ci)
            else NotRun("the document announces no program list (no 目次, no section index)", False)
        ),
    ),
    Check(
        "programs.band_policy",
        HEALTH,
        ERROR,
        "Every band row of the program list names its policy (①…)",
        (_PROGRAMS,),
        needs=rows_of(_PROGRAMS),
        **_EXTRACT,
    ),
    Check(
        "programs.policy_found",
        HEALTH,
        ERROR,
        "Every program list row comes under a policy band",
        (_PROGRAMS,),
        needs=rows_of(_PROGRAMS),
        **_EXTRACT,
    ),
    Check(
        "cards.header_found",
        HEALTH,
        ERROR,
        "Every 【事業概要】 label has its numbered card header above it (else the card is lost)",
        (_CARDS,),
        card_headers,
        _ANNOUNCED_CARDS,
        from_extraction=True,
    ),
    Check(
        "cards.section_found",
        HEALTH,
        ERROR,
        "Every card comes under a policy heading",
        (_CARDS,),
        needs=rows_of(_CARDS),
        **_EXTRACT,
    ),
    Check(
        "cards.department_line_found",
        HEALTH,
        ERROR,
        "Every card ends with its (担当課：…) line",
        (_CARDS,),
        needs=rows_of(_CARDS),
        **_EXTRACT,
    ),
    Check(
        "cards.results_label_found",
        HEALTH,
        ERROR,
        "Every card has its 【事業実績】 label",
        (_CARDS,),
        needs=rows_of(_CARDS),
        **_EXTRACT,
    ),
    Check(
        "cards.numbering",
        HEALTH,
        ERROR,
        "Cards of a section are numbered 1..n in order (a gap is a card missed)",
        (_CARDS,),
        lambda ci: health.card_numbering(ci.rows(_CARDS)),
        rows_of(_CARDS),
    ),
    Check(
        "cards.in_index",
        HEALTH,
        ERROR,
        "Every card belongs to the section whose index lists it",
        (_CARDS, _INDEX),
        _rows2(health.cards_in_index, _CARDS, _INDEX),
        rows_of(_CARDS, _INDEX),
    ),
    Check(
        "index.section_found",
        HEALTH,
        ERROR,
        "Every 【基本方針事業一覧】 comes under a policy heading",
        (_INDEX,),
        needs=_ANNOUNCED_INDEXES,
        **_EXTRACT,
    ),
    Check(
        "index.table_found",
        HEALTH,
        ERROR,
        "Every 【基本方針事業一覧】 label has its table under it",
        (_INDEX,),
        needs=_ANNOUNCED_INDEXES,
        **_EXTRACT,
    ),
    Check(
        "index.rows_found",
        HEALTH,
        ERROR,
        "Every 【基本方針事業一覧】 label has index rows under it",
        (_INDEX,),
        _facts(health.index_rows_found),
        facts_of(lambda f: f.index_labels, "the document has no 【基本方針事業一覧】 label", False),
        True,
    ),
    Check(
        "index.row_numbered",
        HEALTH,
        ERROR,
        "Every index row with content has its number (else the row is lost)",
        (_INDEX,),
        needs=rows_of(_INDEX),
        **_EXTRACT,
    ),
    Check(
        "index.subtotal_found",
        HEALTH,
        ERROR,
        "Every index ends with its 小計 row",
        (_INDEX,),
        needs=rows_of(_INDEX),
        **_EXTRACT,
    ),
    Check(
        "index.card_found",
        HEALTH,
        ERROR,
        "Every index row has its card: same section and number, a similar name, on or after its 掲載頁",
        (_INDEX, _CARDS),
        _rows2(health.index_cards, _INDEX, _CARDS),
        rows_of(_INDEX, _CARDS),
    ),
    Check(
        "tables.header_found",
        HEALTH,
        ERROR,
        "Every table in a card body has a header row naming its periods",
        ("indicators",),
        needs=rows_of("indicators"),
        **_EXTRACT,
    ),
    Check(
        "tables.continued_columns",
        HEALTH,
        ERROR,
        "A table continued on the next page has the columns of its start",
        ("indicators",),
        needs=rows_of("indicators"),
        **_EXTRACT,
    ),
    Check(
        "tables.lost_rows",
        HEALTH,
        ERROR,
        "No text of a card body is set in columns outside a table (rows of a lost table)",
        ("indicators", _CARDS),
        needs=rows_of(_CARDS),
        **_EXTRACT,
    ),
    Check(
        "tables.body_rows",
        HEALTH,
        ERROR,
        "Every indicator table has at least one body row",
        ("indicators",),
        _rows2(health.table_body_rows, _CARDS, "indicators"),
        rows_of(_CARDS, "indicators"),
    ),
]

_PROGRAM_SUMS = (_PROGRAMS, "program_totals")
CONSISTENCY_CHECKS = [
    Check(
        "programs.funding_sum",
        CONSISTENCY,
        WARNING,
        "事業費 = 国庫 + その他 + 一般財源 on every program row (blank = 0)",
        (_PROGRAMS,),
        reconciled,
        rows_of(_PROGRAMS),
    ),
    Check(
        "programs.budget_not_numeric",
        CONSISTENCY,
        WARNING,
        "Every program row prints its 事業費 as a number",
        (_PROGRAMS,),
        reconciled,
        rows_of(_PROGRAMS),
    ),
    Check(
        "programs.subtotal",
        CONSISTENCY,
        WARNING,
        "Each policy's 小計 = sum of its rows that are not (再掲)",
        _PROGRAM_SUMS,
        reconciled,
        totals_of("subtotal"),
    ),
    Check(
        "programs.subtotal_incl_repost",
        CONSISTENCY,
        WARNING,
        "Each policy's 〃(再掲含む。) = sum of all its rows",
        _PROGRAM_SUMS,
        reconciled,
        totals_of("subtotal_incl_repost", due=_has_reposts),
    ),
    Check(
        "programs.total",
        CONSISTENCY,
        WARNING,
        "合計 = sum of the policies' 小計",
        _PROGRAM_SUMS,
        reconciled,
        totals_of("total"),
    ),
    Check(
        "programs.repost_consistency",
        CONSISTENCY,
        WARNING,
        "A (再掲) row repeats its original row: name, budget, funding, period",
        (_PROGRAMS,),
        reconciled,
        rows_of(_PROGRAMS),
    ),
    Check(
        "index.subtotal",
        CONSISTENCY,
        WARNING,
        "Each index's 小計 = sum of its rows",
        (_INDEX, "program_totals"),
        reconciled,
        rows_of(_INDEX),
    ),
    Check(
        "index.card_name",
        CONSISTENCY,
        WARNING,
        "Index row i and card i of a section name the same program (spelling differences)",
        (_INDEX, _CARDS),
        reconciled,
        rows_of(_INDEX, _CARDS),
    ),
    Check(
        "index.card_budget",
        CONSISTENCY,
        WARNING,
        "Index row i and card i state the same 事業費",
        (_INDEX, _CARDS),
        reconciled,
        rows_of(_INDEX, _CARDS),
    ),
    Check(
        "index.card_page",
        CONSISTENCY,
        WARNING,
        "Card i starts on the printed page its index row lists (掲載頁)",
        (_INDEX, _CARDS),
        reconciled,
        rows_of(_INDEX, _CARDS),
    ),
    Check(
        "index.program_list_match",
        CONSISTENCY,
        WARNING,
        "Every index row names a program of the program list (same policy)",
        (_INDEX, _PROGRAMS),
        reconciled,
        rows_of(_INDEX, _PROGRAMS),
    ),
    Check(
        "index.program_list_budget",
        CONSISTENCY,
        WARNING,
        "Index and program list state the same 事業費",
        (_INDEX, _PROGRAMS),
        reconciled,
        rows_of(_INDEX, _PROGRAMS),
    ),
    Check(
        "index.program_list_new",
        CONSISTENCY,
        WARNING,
        "Index and program list agree on 新規",
        (_INDEX, _PROGRAMS),
        reconciled,
        rows_of(_INDEX, _PROGRAMS),
    ),
    Check(
        "index.program_list_departments",
        CONSISTENCY,
        WARNING,
        "Index and program list name the same departments",
        (_INDEX, _PROGRAMS),
        reconciled,
        rows_of(_INDEX, _PROGRAMS),
    ),
    Check(
        "coverage.cards_in_program_list",
        CONSISTENCY,
        WARNING,
        "Every program card appears in the program list",
        (_CARDS, _PROGRAMS),
        reconciled,
        rows_of(_CARDS, _PROGRAMS),
    ),
    Check(
        "coverage.program_list_in_index",
        CONSISTENCY,
        WARNING,
        "Every program list row of a policy appears in its section's index",
        (_PROGRAMS, _INDEX),
        reconciled,
        rows_of(_PROGRAMS, _INDEX),
    ),
    Check(
        "names.repost_marker_width",
        CONSISTENCY,
        WARNING,
        "(再掲) is printed one way (half- or full-width) throughout",
        (_PROGRAMS, _INDEX, _CARDS),
        reconciled,
        rows_of(_PROGRAMS, _INDEX, _CARDS),
    ),
    Check(
        "cards.budget_not_numeric",
        CONSISTENCY,
        WARNING,
        "Every card prints its 事業費 as a number",
        (_CARDS,),
        cards_content,
        rows_of(_CARDS),
    ),
    Check(
        "cards.no_indicator_table",
        CONSISTENCY,
        WARNING,
        "Every card has an indicator table",
        (_CARDS,),
        cards_content,
        rows_of(_CARDS),
    ),
    Check(
        "indicator_header_years",
        CONSISTENCY,
        WARNING,
        "Indicator table headers name increasing years (else read by position)",
        ("indicators",),
        needs=rows_of("indicators"),
        **_EXTRACT,
    ),
    Check(
        "indicator_label_inherited",
        CONSISTENCY,
        WARNING,
        "Every indicator row prints its 項目名 (else the row above's is carried down)",
        ("indicators",),
        needs=rows_of("indicators"),
        **_EXTRACT,
    ),
    Check(
        "statistics.structure",
        HEALTH,
        ERROR,
        "Every statistics table reads as a grid: each body row labelled, each column a "
        "header of its own and a value in some row",
        ("statistics",),
        statistics,
        rows_of("statistics"),
    ),
    Check(
        "statistics.parts_within_total",
        CONSISTENCY,
        WARNING,
        "The parts of a total (年少 + 生産年齢 + 老年) do not exceed it (総人口 includes unknown ages)",
        ("statistics",),
        statistics,
        rows_of("statistics"),
    ),
    Check(
        "statistics.shares_sum_to_100",
        CONSISTENCY,
        WARNING,
        "A row's shares (構成比) sum to 100 ± 0.2",
        ("statistics",),
        statistics,
        rows_of("statistics"),
    ),
    Check(
        "statistics.change_rate",
        CONSISTENCY,
        WARNING,
        "A printed change rate (増減率) agrees with the two counts to ± 0.1",
        ("statistics",),
        statistics,
        rows_of("statistics"),
    ),
    Check(
        "statistics.years_increase",
        CONSISTENCY,
        WARNING,
        "The years of a table's rows increase strictly",
        ("statistics",),
        statistics,
        rows_of("statistics"),
    ),
    Check(
        "figures.source",
        CONSISTENCY,
        WARNING,
        "Every figure names its source (資料：)",
        ("figures",),
        statistics,
        rows_of("figures"),
    ),
]

SCHEMA_CHECKS = [
    Check(
        f"schema.{name}",
        SCHEMA,
        ERROR,
        f"{name} rows satisfy the {model.__name__} schema",
        (name,),
        _schema(name),
        rows_of(name),
    )
    for name, model in DATASETS.items()
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
