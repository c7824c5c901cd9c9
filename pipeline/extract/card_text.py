"""A card's printed text read into fields: its numbered header (number, title, budget),
its 担当課 line (departments, groups, notes) and its paragraphs and numbered items."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.layout import TextLine
from pipeline.extract.sections import (
    CIRCLED,
    PlacedLine,
    wraps_under_first_line,
)
from pipeline.normalize.text import fold_width, join_wrapped, nfkc

# The card number opens its header: "3 …", "3．…", "3…", or alone on its own line.
CARD_NUMBER = re.compile(r"^(\d{1,3})(?:[.．、)）]|\s|(?=[^\d,])|$)\s*(.*)$")
BUDGET = re.compile(r"事業費\s*[:：]?\s*([\d,，]+|[-‐－—―ー])\s*千円")
BUDGET_NOTE = re.compile(r"^[(（]\s*[①-⑳].*[)）]$")
ITEM_MARKER = re.compile(r"^(?:[(（]\d+[)）]|[①-⑳]|\d+[.．)）]|[・※○●◆■□▪◇◎]|注\d*[:：)）])")


@dataclass(slots=True)
class Department:
    department: str
    group: str | None
    note: str | None


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
        group: str | None
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
    left, right = _page_margins(lines)
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


def _page_margins(lines: list[PlacedLine]) -> tuple[dict[int, float], dict[int, float]]:
    """Each page's left and right text edge. Margins are the page's text column, not a
    block's: a block of short lines has none of its own."""
    left: dict[int, float] = {}
    right: dict[int, float] = {}
    for pl in lines:
        n = pl.page.number
        if n not in left:
            column = pl.page.body_lines()
            left[n] = min(ln.x0 for ln in column)
            right[n] = max(ln.x1 for ln in column)
    return left, right


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
