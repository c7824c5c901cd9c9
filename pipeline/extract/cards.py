"""Program cards: header, 【事業概要】, 【事業実績】, indicator tables, 担当課 line.

A card is found from its 【事業概要】 label. Its header is the block of lines
directly above the label that starts with the card number; its body runs from
the label to the "(担当課：…)" line (or the next card), across page breaks.
Nothing here knows the sample's names, pages or coordinates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from pipeline.extract.layout import BBox, PageLayout, TextLine
from pipeline.extract.sections import (
    CIRCLED,
    HeadingGroup,
    PlacedLine,
    find_policy_headings,
    heading_before,
    wraps_under_first_line,
)
from pipeline.extract.settings import LAYOUT
from pipeline.extract.tables import (
    EDGE_TOL,
    Table,
    find_tables,
    header_texts,
    regrid,
    same_header,
)
from pipeline.findings import Finding
from pipeline.normalize.text import fold_width, join_wrapped, nfkc, open_brackets

OVERVIEW_LABEL = re.compile(r"^[【\[［■◆〔]?事業概要[】\]］〕]?$")
RESULTS_LABEL = re.compile(r"^[【\[［■◆〔]?事業実績[】\]］〕]?$")
DEPARTMENT_LINE = re.compile(r"^[(（]担当(?:課|部局|課等)[:：]")
# The card number opens its header: "3 …", "3．…", "3…", or alone on its own line.
CARD_NUMBER = re.compile(r"^(\d{1,3})(?:[.．、)）]|\s|(?=[^\d,])|$)\s*(.*)$")
BUDGET = re.compile(r"事業費\s*[:：]?\s*([\d,，]+|[-‐－—―ー])\s*千円")
BUDGET_NOTE = re.compile(r"^[(（]\s*[①-⑳].*[)）]$")
ITEM_MARKER = re.compile(r"^(?:[(（]\d+[)）]|[①-⑳]|\d+[.．)）]|[・※○●◆■□▪◇◎]|注\d*[:：)）])")
MAX_HEADER_LINES = 4


@dataclass(slots=True)
class IndicatorRow:
    label: str
    values: list[str]
    page: int
    bbox: BBox


@dataclass(slots=True)
class IndicatorTable:
    header: list[str]  # as printed: label column(s) then one label per period column
    label_columns: int
    rows: list[IndicatorRow]
    page: int
    bbox: BBox
    ruled_columns: bool
    col_edges: list[float]
    header_boxes: list[tuple[int, BBox]] = field(default_factory=list)  # (page, box) per part

    @property
    def period_labels(self) -> list[str]:
        return self.header[self.label_columns :]


@dataclass(slots=True)
class Department:
    department: str
    group: str | None
    note: str | None


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
        cards.append(_build_card(lines, h, a, end, dept_stop, limit))
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


def _build_card(
    lines: list[PlacedLine], h: int, a: int, end: int | None, dept_stop: int, limit: int
) -> ProgramCard:
    head = lines[h:a]
    start_page = head[0].page
    findings: list[Finding] = []
    card_no, title_lines, name, budget_raw, budget, note = parse_card_header(
        [pl.line for pl in head]
    )
    head_box = (head[0].line.x0, head[0].line.top, head[-1].line.x1, head[-1].line.bottom)
    body_end = end if end is not None else limit
    body = lines[a + 1 : body_end]
    dept_text = " ".join(pl.text for pl in lines[end:dept_stop]) if end is not None else None
    if dept_text is None:
        findings.append(
            Finding(
                "cards.department_line_found",
                f"card {card_no} has no (担当課：…) line: where it ends is not known",
                start_page.number,
                head_box,
                key=f"card {card_no}",
            )
        )

    # Tables, page by page, inside the body's vertical extent.
    label_ys: dict[int, list[float]] = {}
    for pl in [lines[a], *body]:
        if RESULTS_LABEL.match(pl.key) or OVERVIEW_LABEL.match(pl.key):
            label_ys.setdefault(pl.page.number, []).append(pl.line.top)
    pages: list[PageLayout] = []
    for pl in [lines[a], *body, *(lines[end:dept_stop] if end is not None else [])]:
        if not pages or pages[-1] is not pl.page:
            pages.append(pl.page)
    raw_tables: list[Table] = []
    for page in pages:
        top = lines[a].line.bottom if page is lines[a].page else None
        bottom = lines[end].line.top if end is not None and lines[end].page is page else None
        raw_tables += find_tables(
            page, card_body_region(page, top, bottom), label_ys.get(page.number, [])
        )

    def in_table(pl: PlacedLine) -> bool:
        mid = (pl.line.top + pl.line.bottom) / 2
        return any(
            t.page == pl.page.number and t.bbox[1] - 1 <= mid <= t.bbox[3] + 1 for t in raw_tables
        )

    text_lines = [pl for pl in body if not in_table(pl)]
    findings += lost_table_lines(text_lines, raw_tables, card_no)
    split = next((i for i, pl in enumerate(text_lines) if RESULTS_LABEL.match(pl.key)), None)
    if split is None:
        findings.append(
            Finding(
                "cards.results_label_found",
                f"card {card_no} has no 【事業実績】 label: its results were not told from its overview",
                start_page.number,
                head_box,
                key=f"card {card_no}",
            )
        )
        overview_lines, results_lines = text_lines, []
    else:
        overview_lines, results_lines = text_lines[:split], text_lines[split + 1 :]
    page_of = {p.number: p for p in pages}
    tables, table_findings = assemble_indicator_tables(raw_tables, body, page_of)
    for f in table_findings:
        f.key, f.message = f"card {card_no}", f"card {card_no}: {f.message}"
    findings += table_findings
    departments = parse_department_line(dept_text) if dept_text else []
    x0 = min(pl.line.x0 for pl in head)
    x1 = max(pl.line.x1 for pl in head)
    last = lines[dept_stop - 1] if dept_stop > a else lines[a]
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
        departments=departments,
        source_page=start_page.number,
        printed_page=start_page.printed,
        end_page=(lines[dept_stop - 1].page.number if dept_stop > a else start_page.number),
        bbox=(x0, head[0].line.top, x1, bottom),
        findings=findings,
        text_lines=[
            pl.line
            for pl in [*head, *overview_lines, *results_lines]
            + (lines[end:dept_stop] if end is not None else [])
        ],
        label_lines=[lines[a].line] + ([text_lines[split].line] if split is not None else []),
    )


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


def parse_card_header(
    head: list[TextLine],
) -> tuple[int, list[str], str, str | None, int | None, str | None]:
    """(card number, title lines, program name, budget as printed, budget in 千円, budget note)."""
    texts = [fold_width(ln.text).strip() for ln in head]
    if not CARD_NUMBER.match(texts[0]):  # a number centred beside a title's lines
        k = next(k for k, t in enumerate(texts) if CARD_NUMBER.match(t))
        head = [head[k], *head[:k], *head[k + 1 :]]
        texts = [texts[k], *texts[:k], *texts[k + 1 :]]
    m = CARD_NUMBER.match(texts[0])
    assert m is not None  # find_card_header guarantees it
    card_no = int(m.group(1))
    texts[0] = m.group(2)
    budget_raw: str | None = None
    budget: int | None = None
    note: str | None = None
    name_parts: list[str] = []
    # The original (un-NFKC'd) text keeps full-width characters as printed.
    originals = [ln.text.strip() for ln in head]
    originals[0] = _strip_number(originals[0])
    for text, original in zip(texts, originals, strict=False):
        bm = BUDGET.search(text)
        if bm:
            budget_raw = bm.group(1)
            digits = bm.group(1).replace(",", "").replace("，", "")
            budget = int(digits) if digits.isdigit() else None
            # fold_width keeps one character per character, so the match position carries over.
            original = original[: bm.start()].rstrip(" ：:")
        if BUDGET_NOTE.match(re.sub(r"\s+", "", fold_width(original))):
            note = original
            continue
        if original:
            name_parts.append(original)
    # A title of several enumerated programs ("①…", "②…") is kept item by item;
    # its name lists the items without their markers.
    items: list[list[str]] = []
    for part in name_parts:
        if not items or part[:1] in CIRCLED:
            items.append([part])
        else:
            items[-1].append(part)
    title_lines = [join_wrapped(item) for item in items]
    if len(title_lines) >= 2 and all(t[:1] in CIRCLED for t in title_lines):
        name = " ".join(t[1:].strip() for t in title_lines)
    else:
        name = join_wrapped(name_parts)
    return card_no, title_lines, name, budget_raw, budget, note


def _strip_number(text: str) -> str:
    # fold_width maps one character to one character, so positions carry over.
    m = CARD_NUMBER.match(fold_width(text).strip())
    if not m:
        return text
    t = text.strip()
    return t[len(t) - len(m.group(2)) :].strip() if m.group(2) else ""


def parse_department_line(text: str) -> list[Department]:
    """ "(担当課：労政・能力開発課 産業人財確保支援グループ (中南地域県民局))" → departments."""
    t = nfkc(text).strip()
    t = re.sub(r"^[(]担当(?:課|部局|課等)[:]\s*", "", t)
    if t.endswith(")"):
        t = t[:-1]
    out: list[Department] = []
    for part in _split_top_level(t, "、,"):
        part = part.strip()
        note = None
        nm = re.search(r"\s*\(([^()]*)\)\s*$", part)
        if nm:
            note = nm.group(1).strip()
            part = part[: nm.start()].strip()
        if " " in part:
            dept, group = part.split(" ", 1)
        else:
            gm = re.match(r"^(.+?[課局室所部])(.+(?:グループ|チーム|班|係))$", part)
            dept, group = (gm.group(1), gm.group(2)) if gm else (part, None)
        if out and group is None and not re.search(r"[課局室所部]$", dept):
            # "課 Aグループ、Bグループ": a second group of the same department.
            prev = out[-1]
            prev.group = f"{prev.group}、{dept}" if prev.group else dept
            prev.note = prev.note or note
            continue
        out.append(Department(dept.strip(), group.strip() if group else None, note))
    return out


def _split_top_level(text: str, seps: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch in seps and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p for p in parts if p.strip()]


def paragraphs(lines: list[PlacedLine]) -> list[str]:
    """Paragraphs and numbered items in order: wrap breaks removed, paragraph breaks kept.

    A line opens a new paragraph when it starts with an item marker, when the
    line before it stopped short of the right margin, or when it is indented
    past the left margin (a first-line indent) outside a hanging-indent item.
    """
    out: list[list[str]] = []
    if not lines:
        return []
    # Margins are the page's text column, not this block's: a block of short lines has none of its own.
    left: dict[int, float] = {}
    right: dict[int, float] = {}
    for pl in lines:
        n = pl.page.number
        if n not in left:
            column = pl.page.body_lines()
            left[n] = min(ln.x0 for ln in column)
            right[n] = max(ln.x1 for ln in column)
    prev: PlacedLine | None = None
    hang_x: float | None = None  # where the text of the open item starts, after its marker
    first: PlacedLine | None = None  # the open paragraph's first line
    block_left: float | None = None  # where its wrapped lines start (an indented block's edge)
    edge = 0.0  # the text's edge past the page's column, as the last wrapped paragraph showed
    for pl in lines:
        ln = pl.line
        size = ln.size
        marker = ITEM_MARKER.match(fold_width(ln.text).strip())
        base = block_left if block_left is not None else left[pl.page.number] + edge
        indented = ln.x0 > base + 0.5 * size
        if not marker and hang_x is None and prev is not None and prev is first:
            if wraps_under_first_line(first, pl, right[first.page.number]):
                out[-1].append(ln.text)  # the first line of a paragraph, back to its edge
                block_left, prev = ln.x0, pl
                edge = max(0.0, ln.x0 - left[pl.page.number])
                continue
        # Japanese paragraphs open with a one-character indent or an item marker; a line
        # that merely stops short (kinsoku, narrow Latin glyphs) does not end one. Inside an
        # item, lines aligned under the item's text (a hanging indent) continue it.
        if hang_x is not None and not marker and indented:
            # Inside an item, indented lines hang under its text. Only a line at the
            # standard first-line indent may instead open a paragraph: when that is
            # also where the item's text hangs, a previous line that stopped well
            # short decides.
            first_line_indent = abs(ln.x0 - (base + size)) <= 0.4 * size
            under_item = abs(ln.x0 - hang_x) <= 0.4 * size
            prev_short = (
                prev is not None and prev.line.x1 < right[prev.page.number] - 2 * prev.line.size
            )
            # A line left of where the item's text hangs, after a line that stopped
            # short, opens the next paragraph (an indented block's first-line indent).
            left_of_item = ln.x0 < hang_x - 0.4 * size
            new = (
                first_line_indent and (prev_short or not under_item) or left_of_item and prev_short
            )
        else:
            new = not out or bool(marker) or indented
        if new:
            out.append([ln.text])
            hang_x = _text_start_after(ln, marker.group(0)) if marker else None
            first, block_left = pl, None
        else:
            out[-1].append(ln.text)
        prev = pl
    return [join_wrapped(p) for p in out]


def _text_start_after(line: TextLine, marker: str) -> float | None:
    """x of the first glyph after an item marker (the hanging indent of its continuation lines)."""
    want = len(re.sub(r"\s+", "", marker))
    seen = 0
    for g in line.glyphs:
        if g.text.isspace():
            continue
        if seen >= want:
            return g.x0
        seen += len(g.text)
    return None


def assemble_indicator_tables(
    raw: list[Table], body: list[PlacedLine], pages: dict[int, PageLayout]
) -> tuple[list[IndicatorTable], list[Finding]]:
    """Turn grids into indicator tables; a headerless grid, or one repeating the
    header at the top of the next page, continues the table before it."""
    out: list[IndicatorTable] = []
    findings: list[Finding] = []
    parents: dict[int, dict[int, str]] = {}  # per table: the parent labels above each row
    for t in raw:
        header = header_texts(t)
        has_header = looks_like_header(header)
        prev = out[-1] if out else None
        continues = prev is not None and t.page != prev.page and not _text_between(prev, t, body)
        start_row = 1 if has_header else 0
        if prev is not None and continues and (not has_header or same_header(header, prev.header)):
            target = prev
            if not has_header and not t.ruled_columns and t.n_cols != len(prev.header):
                # Unruled and headerless: its columns are those of the part it continues.
                t = regrid(pages[t.page], t, prev.col_edges)
            if t.n_cols != len(prev.header) and not prev.rows:
                _spread_header(prev, t)
            if t.n_cols != len(prev.header):
                findings.append(
                    Finding(
                        "tables.continued_columns",
                        f"a table continued from the page before has {t.n_cols} columns, "
                        f"its start {len(prev.header)}",
                        t.page,
                        t.bbox,
                        observed=t.n_cols,
                        expected=len(prev.header),
                    )
                )
        elif has_header:
            label_cols = _label_columns(t)
            header = _label_header_first(header, label_cols)
            target = IndicatorTable(
                header, label_cols, [], t.page, t.bbox, t.ruled_columns, t.col_edges
            )
            out.append(target)
        else:
            findings.append(
                Finding(
                    "tables.header_found",
                    "a table without a header row (naming its periods) was not read",
                    t.page,
                    t.bbox,
                )
            )
            continue
        if has_header:
            target.header_boxes.append((t.page, t.row_boxes[0]))
        for r in range(start_row, t.n_rows):
            cells = [t.cell_at(r, j) for j in range(t.n_cols)]
            texts = [c.text if c is not None else "" for c in cells]
            labels = []
            above = parents.setdefault(id(target), {})
            for j in range(target.label_columns):
                if j < target.label_columns - 1:
                    # A parent label drawn as plain cells is printed on its first row
                    # only: blank cells below it are still under it (as a merged cell).
                    texts[j] = texts[j] or above.get(j, "")
                    above[j] = texts[j]
                if texts[j] and (not labels or labels[-1] != texts[j]):
                    labels.append(texts[j])
            values = texts[target.label_columns :]
            if not any(labels) and not any(values):
                continue
            target.rows.append(IndicatorRow(_join_labels(labels), values, t.page, t.row_boxes[r]))
    return out, findings


def _spread_header(table: IndicatorTable, rows: Table) -> None:
    """A header left alone at a page's foot, over the finer columns of the rows on the
    next page (a sub-label column under a merged 項目名): each header cell spans the
    columns inside it. Nothing changes unless every edge of the header is one of theirs."""
    edges = table.col_edges
    if not all(any(abs(e - x) <= EDGE_TOL for x in rows.col_edges) for e in edges):
        return

    def inside(a: float, b: float) -> int:
        return sum(a - EDGE_TOL <= x0 and x1 <= b + EDGE_TOL for x0, x1 in pairwise(rows.col_edges))

    header: list[str] = []
    for text, a, b in zip(table.header, edges, edges[1:]):
        header += [text] + [""] * (inside(a, b) - 1)
    table.label_columns = inside(edges[0], edges[table.label_columns])
    table.header, table.col_edges = header, list(rows.col_edges)


def _header_text(t: Table, j: int) -> str:
    cell = t.cell_at(0, j)
    return cell.text.strip() if cell is not None else ""


def _label_header_first(header: list[str], label_columns: int) -> list[str]:
    """The label columns' header as a merged cell prints it: its text, then blanks."""
    labels = [h for h in header[:label_columns] if h.strip()]
    if len(labels) != 1:
        return header
    return [labels[0]] + [""] * (label_columns - 1) + header[label_columns:]


def _join_labels(parts: list[str]) -> str:
    out = ""
    for p in parts:
        out = f"{out} {p}" if out else p
    return out


def looks_like_header(header: list[str]) -> bool:
    """A header row names periods ("元年度", "2年度", "R3") in its value columns."""
    return sum(1 for h in header[1:] if re.search(r"(年度?|^[RHS]\d+)", nfkc(h))) >= 1 and not any(
        re.search(r"\d+\s*[件名回社]", nfkc(h)) for h in header
    )


def _label_columns(t: Table) -> int:
    """Columns covered by the header's first cell (two for a parent/sub-label column),
    and the blank header cells right before and after it: a parent/sub-label column
    drawn as plain cells has no header over its sub-labels, and a label header centred
    over both columns without rules stands in the second (periods always have one)."""
    lead = 0
    while lead < t.n_cols - 2 and not _header_text(t, lead):
        lead += 1
    first = t.cell_at(0, lead)
    n = lead + (first.colspan if first is not None else 1)
    while n < t.n_cols - 1:
        cell = t.cell_at(0, n)
        if cell is None or cell.text.strip() or cell.colspan != 1:
            break
        n += 1
    return n


def _text_between(prev: IndicatorTable, t: Table, body: list[PlacedLine]) -> bool:
    """Is there card text after the previous table and before this one?"""
    for pl in body:
        n = pl.page.number
        mid = (pl.line.top + pl.line.bottom) / 2
        after_prev = n > prev.rows[-1].page if prev.rows else n > prev.page
        after_prev = after_prev or (
            n == (prev.rows[-1].page if prev.rows else prev.page)
            and mid > (prev.rows[-1].bbox[3] if prev.rows else prev.bbox[3])
        )
        before_t = n < t.page or (n == t.page and mid < t.bbox[1])
        if after_prev and before_t:
            return True
    return False
