"""Program cards: header, 【事業概要】, 【事業実績】, indicator tables, 担当課 line.

A card is found from its 【事業概要】 label. Its header is the block of lines
directly above the label that starts with the card number; its body runs from
the label to the "(担当課：…)" line (or the next card), across page breaks.
Nothing here knows the sample's names, pages or coordinates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.card_text import (
    CARD_NUMBER,
    Department,
    paragraphs,
    parse_card_header,
    parse_department_line,
)
from pipeline.extract.indicator_tables import (
    IndicatorTable,
    assemble_indicator_tables,
    looks_like_header,
)
from pipeline.extract.layout import BBox, PageLayout, TextLine
from pipeline.extract.sections import (
    HeadingGroup,
    PlacedLine,
    find_policy_headings,
    heading_before,
)
from pipeline.extract.settings import LAYOUT
from pipeline.extract.tables import (
    Table,
    find_tables,
)
from pipeline.findings import Finding
from pipeline.normalize.text import fold_width, open_brackets

OVERVIEW_LABEL = re.compile(r"^[【\[［■◆〔]?事業概要[】\]］〕]?$")
RESULTS_LABEL = re.compile(r"^[【\[［■◆〔]?事業実績[】\]］〕]?$")
DEPARTMENT_LINE = re.compile(r"^[(（]担当(?:課|部局|課等)[:：]")
MAX_HEADER_LINES = 4


@dataclass(slots=True)
class ProgramCard:
    policy_nos: tuple[int, ...]
    card_no: int
    title_lines: list[str]
    program_name: str
    budget_raw: str | None
    budget_kyen: int | None
    budget_note: str | None
    overview: list[str]
    results: list[str]
    tables: list[IndicatorTable]
    department_line: str | None
    departments: list[Department]
    source_page: int
    printed_page: int | None
    end_page: int
    bbox: BBox
    findings: list[Finding] = field(default_factory=list)
    # Where its fields were read, for the glyph accounting: the lines of its header,
    # text and 担当課 line, and its labels (【事業概要】, 【事業実績】).
    text_lines: list[TextLine] = field(default_factory=list, repr=False)
    label_lines: list[TextLine] = field(default_factory=list, repr=False)

    @property
    def section(self) -> str:
        return "-".join(str(n) for n in self.policy_nos)


@dataclass(slots=True)
class CardExtraction:
    cards: list[ProgramCard]
    findings: list[Finding]
    inside: set[int]  # indices of the lines that belong to cards
    headings: list[HeadingGroup]
    labels: int = 0  # 【事業概要】 labels found: the cards the document announces


def find_card_anchors(lines: list[PlacedLine]) -> list[int]:
    return [i for i, pl in enumerate(lines) if OVERVIEW_LABEL.match(pl.key)]


def find_card_header(lines: list[PlacedLine], anchor: int) -> int | None:
    """Index of the header's first line (the one starting with the card number) above an anchor."""
    page = lines[anchor].page
    # A header set at the foot of a page whose 【事業概要】 opens the next (no line
    # between the page's top and the label) is still the card's header.
    first_on_page = anchor == 0 or lines[anchor - 1].page is not page
    i = anchor - 1
    while (
        i >= 0
        and anchor - i <= MAX_HEADER_LINES
        and (lines[i].page is page or first_on_page and lines[i].page is lines[anchor - 1].page)
    ):
        key = lines[i].key
        if DEPARTMENT_LINE.match(key) or OVERVIEW_LABEL.match(key) or RESULTS_LABEL.match(key):
            return None
        if CARD_NUMBER.match(fold_width(lines[i].text).strip()):
            while i > 0 and _beside_number(lines[i - 1], lines[i]):
                i -= 1
            return i
        i -= 1
    return None


def _beside_number(above: PlacedLine, number: PlacedLine) -> bool:
    """A title line right of a number that stands alone on its line, the two overlapping
    or touching vertically: the number is centred beside a title of several lines (a
    card header drawn as two table cells), and the title's first line is above it."""
    m = CARD_NUMBER.match(fold_width(number.text).strip())
    return (
        m is not None
        and not m.group(2)
        and above.page is number.page
        and above.line.x0 > number.line.x1 + 0.5 * number.line.size
        and above.line.bottom >= number.line.top - 0.25 * number.line.size
    )


def extract_cards(lines: list[PlacedLine]) -> CardExtraction:
    anchors = find_card_anchors(lines)
    findings: list[Finding] = []
    starts: list[tuple[int, int]] = []  # (header index, anchor index)
    for a in anchors:
        h = find_card_header(lines, a)
        if h is None:
            pl = lines[a]
            findings.append(
                Finding(
                    "cards.header_found",
                    "【事業概要】 without a numbered card header above it: the card was not read",
                    pl.page.number,
                    pl.line.bbox,
                )
            )
            continue
        starts.append((h, a))
    cards: list[ProgramCard] = []
    inside: set[int] = set()
    ends: list[int] = []
    for k, (h, a) in enumerate(starts):
        limit = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        end = next((i for i in range(a + 1, limit) if DEPARTMENT_LINE.match(lines[i].key)), None)
        ends.append(end if end is not None else limit)
        dept_stop = end + 1 if end is not None else limit
        if end is not None:
            # A 担当課 line may wrap; take lines until its brackets close.
            while (
                dept_stop < limit
                and open_brackets(" ".join(pl.text for pl in lines[end:dept_stop])) > 0
            ):
                dept_stop += 1
        inside.update(range(h, dept_stop))
        cards.append(_build_card(lines, _CardSpan(h, a, end, dept_stop)))
    headings = find_policy_headings(lines, inside)
    for card, (h, _) in zip(cards, starts, strict=True):
        group = heading_before(headings, h)
        if group is None:
            card.findings.append(
                Finding(
                    "cards.section_found",
                    f"card {card.card_no} comes before any policy heading: its section is unknown",
                    card.source_page,
                    card.bbox,
                    key=f"card {card.card_no}",
                )
            )
        else:
            card.policy_nos = tuple(group.nos)
    for c in cards:
        findings.extend(c.findings)
    return CardExtraction(cards, findings, inside, headings, len(anchors))


@dataclass(frozen=True)
class _CardSpan:
    """Where a card's parts lie among the report's lines (indexes into them)."""

    header: int  # the numbered header's first line
    overview_label: int  # 【事業概要】, the card's anchor
    department: int | None  # the (担当課：…) line; None when it was not found
    stop: int  # past the department line (its wrapped lines too), or the next card

    def head(self, lines: list[PlacedLine]) -> list[PlacedLine]:
        return lines[self.header : self.overview_label]

    def body(self, lines: list[PlacedLine]) -> list[PlacedLine]:
        end = self.department if self.department is not None else self.stop
        return lines[self.overview_label + 1 : end]

    def department_lines(self, lines: list[PlacedLine]) -> list[PlacedLine]:
        return lines[self.department : self.stop] if self.department is not None else []


def _build_card(lines: list[PlacedLine], span: _CardSpan) -> ProgramCard:
    head, body, dept = span.head(lines), span.body(lines), span.department_lines(lines)
    label = lines[span.overview_label]
    start_page = head[0].page
    card_no, title_lines, name, budget_raw, budget, note = parse_card_header(
        [pl.line for pl in head]
    )
    head_box = (head[0].line.x0, head[0].line.top, head[-1].line.x1, head[-1].line.bottom)
    key = f"card {card_no}"
    where = (start_page.number, head_box)
    dept_text = " ".join(pl.text for pl in dept) if span.department is not None else None
    findings: list[Finding] = []
    if dept_text is None:
        message = f"{key} has no (担当課：…) line: where it ends is not known"
        findings.append(Finding("cards.department_line_found", message, *where, key=key))
    raw_tables = _card_tables([label, *body], dept)
    text_lines = [pl for pl in body if not _in_any(pl, raw_tables)]
    findings += lost_table_lines(text_lines, raw_tables, card_no)
    split = next((i for i, pl in enumerate(text_lines) if RESULTS_LABEL.match(pl.key)), None)
    if split is None:
        message = f"{key} has no 【事業実績】 label: its results were not told from its overview"
        findings.append(Finding("cards.results_label_found", message, *where, key=key))
        overview_lines, results_lines = text_lines, []
    else:
        overview_lines, results_lines = text_lines[:split], text_lines[split + 1 :]
    page_of = {pl.page.number: pl.page for pl in [label, *body, *dept]}
    tables, table_findings = assemble_indicator_tables(raw_tables, body, page_of)
    for f in table_findings:
        f.key, f.message = key, f"{key}: {f.message}"
    findings += table_findings
    last = lines[span.stop - 1] if span.stop > span.overview_label else label
    bottom = last.line.bottom if last.page is start_page else start_page.height
    return ProgramCard(
        policy_nos=(),
        card_no=card_no,
        title_lines=title_lines,
        program_name=name,
        budget_raw=budget_raw,
        budget_kyen=budget,
        budget_note=note,
        overview=paragraphs(overview_lines),
        results=paragraphs(results_lines),
        tables=tables,
        department_line=dept_text,
        departments=parse_department_line(dept_text) if dept_text else [],
        source_page=start_page.number,
        printed_page=start_page.printed,
        end_page=last.page.number,
        bbox=(min(pl.line.x0 for pl in head), head_box[1], max(pl.line.x1 for pl in head), bottom),
        findings=findings,
        text_lines=[pl.line for pl in [*head, *overview_lines, *results_lines, *dept]],
        label_lines=[label.line] + ([text_lines[split].line] if split is not None else []),
    )


def _card_tables(body: list[PlacedLine], dept: list[PlacedLine]) -> list[Table]:
    """The ruled tables of a card, page by page, between its 【事業概要】 label (the
    first of `body`) and its department line; the labels on a page stop a table."""
    label = body[0]
    label_ys: dict[int, list[float]] = {}
    for pl in body:
        if RESULTS_LABEL.match(pl.key) or OVERVIEW_LABEL.match(pl.key):
            label_ys.setdefault(pl.page.number, []).append(pl.line.top)
    pages: list[PageLayout] = []
    for pl in [*body, *dept]:
        if not pages or pages[-1] is not pl.page:
            pages.append(pl.page)
    tables: list[Table] = []
    for page in pages:
        top = label.line.bottom if page is label.page else None
        bottom = dept[0].line.top if dept and dept[0].page is page else None
        region = card_body_region(page, top, bottom)
        tables += find_tables(page, region, label_ys.get(page.number, []))
    return tables


def _in_any(pl: PlacedLine, tables: list[Table]) -> bool:
    mid = (pl.line.top + pl.line.bottom) / 2
    return any(t.page == pl.page.number and t.bbox[1] - 1 <= mid <= t.bbox[3] + 1 for t in tables)


def lost_table_lines(
    text_lines: list[PlacedLine], tables: list[Table], card_no: int
) -> list[Finding]:
    """Lines of a card's text set in columns: pieces split by a column gap that name
    periods (a table header), or whose left edges line up with a column of one of the
    card's tables or with the pieces of another such line. They belong to a table the
    finder did not see (a lost table)."""
    size = max(1.0, min((pl.line.size for pl in text_lines), default=10.0))
    align = LAYOUT.column_align_em * size
    rows = []
    for pl in text_lines:
        pieces = pl.line.split(LAYOUT.column_gap_em)
        if len(pieces) > 1:
            rows.append((pl, [p.x0 for p in pieces[1:]]))
    edges = [e for t in tables for e in t.col_edges]

    def lines_up(starts: list[float], others: list[float]) -> bool:
        return any(abs(x - e) <= align for x in starts for e in others)

    out = []
    for pl, starts in rows:
        others = [x for q, xs in rows if q is not pl for x in xs]
        header = [piece.text for piece in pl.line.split(LAYOUT.column_gap_em)]
        if lines_up(starts, edges) or lines_up(starts, others) or looks_like_header(header):
            out.append(
                Finding(
                    "tables.lost_rows",
                    f"card {card_no}: text set in columns belongs to no table: {pl.text!r}",
                    pl.page.number,
                    pl.line.bbox,
                    key=f"card {card_no}",
                )
            )
    return out


def card_body_region(page: PageLayout, top: float | None, bottom: float | None) -> BBox:
    """The part of a page a card's body holds: below its 【事業概要】 label (or from the
    page top) down to its 担当課 line (or the page-label footer, or the page bottom)."""
    if bottom is None:
        footer = [ln.top for ln in page.lines() if page.is_footer(ln)]
        bottom = min(footer) if footer else page.height
    return (0.0, 0.0 if top is None else top, page.width, bottom)


def prepare_card_tables(page: PageLayout) -> None:
    """Find the tables of the card bodies this page seems to hold, from its own lines.

    Run where the page is read (in a worker with --jobs), so that the cards, built
    later across pages, find their tables cached. It is only a guess made from one
    page: a region a card ends up asking for differently is simply found then.
    """
    top: float | None = None
    labels: list[float] = []
    # A body that runs on from the previous page counts once a 担当課 line closes it.
    open_from_page_top = True
    for ln in page.body_lines():
        key = ln.key
        if OVERVIEW_LABEL.match(key):
            top, labels, open_from_page_top = ln.bottom, [ln.top], False
        elif RESULTS_LABEL.match(key):
            labels.append(ln.top)
        elif DEPARTMENT_LINE.match(key):
            if top is not None or open_from_page_top:
                find_tables(page, card_body_region(page, top, ln.top), labels)
            top, labels, open_from_page_top = None, [], False
    if top is not None:
        find_tables(page, card_body_region(page, top, None), labels)
