"""A small typesetter for test variants of the report's card pages.

It draws real cards (from the golden data) in the styles other editions use:
rules as lines, as thin filled rects, or horizontal only; headers as a boxed
number, "１．" + name, or a shaded band; the budget inline, with a colon, or on
the line below; cards in a bordered box; other page-label styles;
letter-spaced or justified text with no space glyphs; Word's Japanese/Latin gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

MINCHO = "HeiseiMin-W3"
GOTHIC = "HeiseiKakuGo-W5"
pdfmetrics.registerFont(UnicodeCIDFont(MINCHO))
pdfmetrics.registerFont(UnicodeCIDFont(GOTHIC))

PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT = 72.0, 523.0
TOP, BOTTOM = 70.0, 780.0
# Characters a Japanese line never starts with (kinsoku shori), as word processors set it.
NO_LINE_START = set(
    "、。，．・：；？！）」』】〕］｝〉》ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々)]"
)
BODY = 10.5
CELL = 9.5


@dataclass
class Style:
    # lines | rects | hlines | booktabs (over, under the header, bottom) | frame (the
    # outer border only: no rule between rows or columns, the header told by its fill)
    # | zebra (no rule at all: the header band and every other row shaded)
    rules: str = "lines"
    # box | dot | band | stacked (the number on a line of its own) | table (number and
    # name in two ruled cells, the budget right of them)
    header: str = "box"
    budget: str = "inline"  # inline | colon | below
    card_box: bool = False
    label: str = "- {n} -"  # "- {n} -" | "{n}" | "－{n}－"
    label_at: str = "centre"  # centre | outer (the outer corner: right on odd pages)
    letter_spacing: float = 0.0  # extra points between glyphs of body text, no space glyphs
    autospace: bool = False  # Word-style gap between Japanese and Latin runs, no space glyph
    repeat_header_on_break: bool = True
    card_min_space: float = 120.0  # room a card needs to start on a page; small → cards break
    page_bottom: float = 780.0
    # Word's indented block: every line of a paragraph indented this far, the first once more.
    block_indent: float = 0.0
    # A parent/sub-label column drawn as two plain ruled columns: a blank header cell over
    # the sub-labels, the parent printed on its first row only, blank cells below it.
    plain_two_level: bool = False


@dataclass
class CardSpec:
    no: int
    name: str
    budget: str  # as printed, e.g. "3,254"
    overview: list[str]
    results: list[str]
    header: list[str]
    rows: list[list[str]]
    department_line: str
    extra_tables: list[tuple[list[str], list[list[str]]]] = field(default_factory=list)
    truth_no: int | None = None  # the card of the golden data it was drawn from


@dataclass
class Doc:
    style: Style
    path: Path
    first_label: int = 1
    c: canvas.Canvas = field(init=False)
    box_top: float | None = None  # where the open card box starts on this page
    y: float = field(init=False)
    page_no: int = field(init=False)

    def __post_init__(self) -> None:
        self.c = canvas.Canvas(str(self.path), pagesize=(PAGE_W, PAGE_H))
        self.page_no = 0

    # -- pages ---------------------------------------------------------------
    def cover(self, era_label: str) -> None:
        self.c.setFont(GOTHIC, 22)
        self.c.drawString(200, PAGE_H - 260, era_label)
        self.c.setFont(GOTHIC, 18)
        self.c.drawString(90, PAGE_H - 310, "青森県中小企業振興基本条例に基づく年次報告")
        self.c.showPage()

    def start_page(self) -> None:
        self.page_no += 1
        self.y = TOP
        if self.box_top is not None:  # a boxed card runs on: its box does too
            self.box_top = self.y

    def end_page(self) -> None:
        if self.box_top is not None:
            self._box(self.box_top, self.y + 4)  # the border keeps its padding
        n = self.first_label + self.page_no - 1
        label = self.style.label.format(n=n)
        self.c.setFont(MINCHO, BODY)
        w = pdfmetrics.stringWidth(label, MINCHO, BODY)
        x = (PAGE_W - w) / 2
        if self.style.label_at == "outer":  # a book's outer corner: right on odd pages
            x = RIGHT - w if n % 2 else LEFT
        self.c.drawString(x, PAGE_H - 800, label)
        self.c.showPage()

    def need(self, height: float) -> None:
        if self.y + height > self.style.page_bottom:
            self.end_page()
            self.start_page()

    def save(self) -> None:
        self.end_page()
        self.c.save()

    # -- text ----------------------------------------------------------------
    def text(
        self,
        x: float,
        y_top: float,
        s: str,
        font: str = MINCHO,
        size: float = BODY,
        spacing: float = 0.0,
    ) -> float:
        """Draw s with its top at y_top; returns the x after it. Spaces in s are real space glyphs."""
        baseline = PAGE_H - y_top - size * 0.88
        if self.style.autospace:
            return self._autospaced(x, baseline, s, font, size, spacing)
        t = self.c.beginText(x, baseline)
        t.setFont(font, size)
        t.setCharSpace(spacing)
        t.textOut(s)
        self.c.drawText(t)
        return x + pdfmetrics.stringWidth(s, font, size) + spacing * len(s)

    def _autospaced(
        self, x: float, baseline: float, s: str, font: str, size: float, spacing: float
    ) -> float:
        runs: list[str] = []
        for ch in s:
            latin = ch.isascii() and not ch.isspace()
            if runs and (runs[-1][-1].isascii() and not runs[-1][-1].isspace()) == latin:
                runs[-1] += ch
            else:
                runs.append(ch)
        for i, run in enumerate(runs):
            t = self.c.beginText(x, baseline)
            t.setFont(font, size)
            t.setCharSpace(spacing)
            t.textOut(run)
            self.c.drawText(t)
            x += pdfmetrics.stringWidth(run, font, size) + spacing * len(run)
            if i + 1 < len(runs):
                x += 0.25 * size  # the gap a word processor adds, with no space glyph
        return x

    def width(
        self, s: str, font: str = MINCHO, size: float = BODY, spacing: float | None = None
    ) -> float:
        """The width s takes as drawn: letter-spacing (the body's unless given) and Word's
        Japanese/Latin gaps included."""
        spacing = self.style.letter_spacing if spacing is None else spacing
        w = pdfmetrics.stringWidth(s, font, size) + spacing * len(s)
        if self.style.autospace:
            latin = [ch.isascii() and not ch.isspace() for ch in s]
            w += 0.25 * size * sum(a != b for a, b in zip(latin, latin[1:]))
        return w

    def wrap(
        self,
        s: str,
        width: float,
        font: str = MINCHO,
        size: float = BODY,
        spacing: float | None = None,
    ) -> list[str]:
        # Like a word processor: break anywhere in Japanese text, never inside a Latin word.
        lines, cur = [], ""
        for ch in s:
            if self.width(cur + ch, font, size, spacing) > width:
                keep = len(cur)
                if ch in NO_LINE_START and keep > 1:
                    keep -= 1  # kinsoku: 、。・） never open a line; the char before comes along
                opens = cur[keep] if keep < len(cur) else ch  # what the next line opens with
                if opens.isascii() and opens.isalnum():  # never inside a Latin word
                    back = keep
                    while back > 0 and cur[back - 1].isascii() and cur[back - 1].isalnum():
                        back -= 1
                    keep = back or keep
                lines.append(cur[:keep])
                cur = cur[keep:] + ch
            else:
                cur += ch
        if cur:
            lines.append(cur)
        return lines

    def paragraph(self, s: str) -> None:
        marker = ""
        for m in ("(1) ", "(2) ", "(3) ", "(4) ", "(5) ", "(6) ", "※"):
            if s.startswith(m):
                marker = m
        if marker:
            indent_first, indent_rest = 0.0, pdfmetrics.stringWidth(marker, MINCHO, BODY)
        else:
            indent_first, indent_rest = BODY, 0.0
        indent_first += self.style.block_indent
        indent_rest += self.style.block_indent
        first = self.wrap(s, RIGHT - LEFT - indent_first)[0]
        rest = self.wrap(s[len(first) :], RIGHT - LEFT - indent_rest)
        lines = [first, *rest]
        for i, line in enumerate(lines):
            self.need(16.5)
            x = LEFT + (indent_first if i == 0 else indent_rest)
            spacing = self.style.letter_spacing
            if i + 1 < len(lines) and len(line) > 1:
                # Justified, as a word processor sets it: a line shortened by kinsoku
                # still reaches the right margin.
                natural = self.width(line, spacing=spacing)
                spacing += max(0.0, RIGHT - x - natural) / len(line)
            self.text(x, self.y, line, spacing=spacing)
            self.y += 16.5

    # -- cards ---------------------------------------------------------------
    def section_heading(self, text: str) -> None:
        # A long heading wraps within the measure, under its text (after "① ").
        lines = self.wrap(text, RIGHT - LEFT, GOTHIC, 12)
        self.need(24 + 18 * (len(lines) - 1))
        hang = pdfmetrics.stringWidth(text[:2], GOTHIC, 12) if len(lines) > 1 else 0.0
        for i, line in enumerate(lines):
            self.text(LEFT + (hang if i else 0.0), self.y, line, GOTHIC, 12)
            self.y += 18 if i + 1 < len(lines) else 24

    def card(self, card: CardSpec) -> None:
        self.need(self.style.card_min_space)
        st = self.style
        if st.card_box:
            self.box_top = self.y - 4
        budget = {
            "inline": f"事業費 {card.budget} 千円",
            "colon": f"事業費：{card.budget}千円",
            "below": f"事業費 {card.budget} 千円",
        }[st.budget]
        if st.header == "band":
            self.c.setFillGray(0.85)
            self.c.rect(LEFT, PAGE_H - self.y - 18, RIGHT - LEFT, 18, fill=1, stroke=0)
            self.c.setFillGray(0)
            self.text(LEFT + 4, self.y + 2, str(card.no), GOTHIC, BODY)
        name_x = LEFT + 24
        if st.header == "table":
            self._header_cells(card, budget)
            return self._card_body(card)
        if st.header == "box":
            self.c.rect(LEFT, PAGE_H - self.y - 16, 17, 16, fill=0, stroke=1)
            self.text(LEFT + 4, self.y + 2, str(card.no), GOTHIC, BODY)
        elif st.header == "stacked":
            self.text(LEFT, self.y + 1, str(card.no), GOTHIC, 12)
            self.y += 18
            name_x = LEFT
        elif st.header == "dot":
            name_x = LEFT
            card_name = f"{str(card.no).translate(str.maketrans('0123456789', '０１２３４５６７８９'))}．{card.name}"
        if st.header != "dot":
            card_name = card.name
        name_lines = self.wrap(
            card_name, RIGHT - name_x - (0 if st.budget == "below" else 120), GOTHIC, 12
        )
        for i, ln in enumerate(name_lines):
            self.text(name_x, self.y + 1, ln, GOTHIC, 12)
            if i + 1 < len(name_lines):
                self.y += 18
        if st.budget == "below":
            self.y += 18
        bw = self.width(budget, spacing=0.0)
        self.text(RIGHT - bw, self.y + 2, budget)
        self.y += 24
        self._card_body(card)

    def _header_cells(self, card: CardSpec, budget: str) -> None:
        """The card's number and name in two ruled cells (a word processor's table), the
        budget right of them on the name's first line."""
        bw = self.width(budget, spacing=0.0)
        name_x = LEFT + 24
        lines = self.wrap(card.name, RIGHT - name_x - bw - 16, GOTHIC, 12)
        h = 18.0 * len(lines) + 4
        y0 = self.y  # card() made room: the header keeps with the card's start
        c = self.c
        c.setLineWidth(0.5)
        c.rect(LEFT, PAGE_H - y0 - h, RIGHT - LEFT, h, fill=0, stroke=1)
        c.line(name_x - 4, PAGE_H - y0, name_x - 4, PAGE_H - y0 - h)
        self.text(LEFT + 5, y0 + (h - BODY) / 2, str(card.no), GOTHIC, BODY)
        for i, ln in enumerate(lines):
            self.text(name_x, y0 + 3 + 18 * i, ln, GOTHIC, 12)
        self.text(RIGHT - 4 - bw, y0 + 5, budget)
        self.y += h + 8

    def _card_body(self, card: CardSpec) -> None:
        self.label("【 事業概要 】")
        for p in card.overview:
            self.paragraph(p)
        self.label("【 事業実績 】")
        for p in card.results:
            self.paragraph(p)
        self.y += 4
        self.table(card.header, card.rows)
        for header, rows in card.extra_tables:
            self.y += 6
            self.table(header, rows)
        self.need(20)
        w = self.width(card.department_line, spacing=0.0)
        self.text(RIGHT - w, self.y + 2, card.department_line)
        self.y += 30
        if self.style.card_box:
            self._box(self.box_top, self.y - 8)
            self.box_top = None

    def _box(self, top: float, bottom: float) -> None:
        """The card's border on this page, from `top` down to `bottom` (top-down y)."""
        self.c.setLineWidth(0.5)
        self.c.rect(LEFT - 4, PAGE_H - bottom, RIGHT - LEFT + 8, bottom - top + 4, fill=0, stroke=1)

    def label(self, s: str) -> None:
        self.need(20)
        self.text(LEFT, self.y, s, GOTHIC, BODY)
        self.y += 16.5

    # -- tables --------------------------------------------------------------
    def hrule(self, x0: float, x1: float, y: float) -> None:
        if self.style.rules == "zebra":
            return
        if self.style.rules == "rects":
            self.c.setFillGray(0)
            self.c.rect(x0, PAGE_H - y - 0.25, x1 - x0, 0.5, fill=1, stroke=0)
        else:
            self.c.setLineWidth(0.5)
            self.c.line(x0, PAGE_H - y, x1, PAGE_H - y)

    def vrule(self, x: float, y0: float, y1: float) -> None:
        if self.style.rules in ("hlines", "booktabs", "zebra"):
            return
        if self.style.rules == "frame" and x not in (LEFT, RIGHT):
            return
        if self.style.rules == "rects":
            self.c.setFillGray(0)
            self.c.rect(x - 0.25, PAGE_H - y1, 0.5, y1 - y0, fill=1, stroke=0)
        else:
            self.c.setLineWidth(0.5)
            self.c.line(x, PAGE_H - y0, x, PAGE_H - y1)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        two_level = len(header) == 4 and header[1] == ""
        width = RIGHT - LEFT
        if two_level:
            cols = [LEFT, LEFT + width * 0.25, LEFT + width * 0.55, LEFT + width * 0.77, RIGHT]
        else:
            cols = [LEFT, LEFT + width * 0.55, LEFT + width * 0.77, RIGHT]
        pad = 4.0
        self.need(24)
        self._header_row(header, cols, two_level)
        i = 0
        while i < len(rows):
            group = [rows[i]]
            if two_level:  # a parent label spans its sub-rows
                while i + len(group) < len(rows) and rows[i + len(group)][0] == "":
                    group.append(rows[i + len(group)])
            heights = []
            x_cols = cols[1:] if two_level else cols
            for r in group:
                # A row is as tall as its tallest cell (values wrap too).
                cells = r[1:] if two_level else r
                n_lines = max(
                    len(self.wrap(text, x_cols[j + 1] - x_cols[j] - 2 * pad, MINCHO, CELL))
                    for j, text in enumerate(cells)
                )
                heights.append(max(18.0, 12.0 * n_lines + 6))
            total = sum(heights)
            if self.y + total > self.style.page_bottom:
                if self.style.rules == "frame":
                    self.hrule(LEFT, RIGHT, self.y)  # the frame closes at the page's foot
                self.end_page()
                self.start_page()
                if self.style.repeat_header_on_break:
                    self._header_row(header, cols, two_level)
                else:
                    self.hrule(LEFT, RIGHT, self.y)
            y0 = self.y
            if self.style.rules == "zebra" and i % 2:  # every other row shaded, no rules
                self.c.setFillGray(0.93)
                self.c.rect(LEFT, PAGE_H - y0 - total, RIGHT - LEFT, total, fill=1, stroke=0)
                self.c.setFillGray(0)
            for k, (r, h) in enumerate(zip(group, heights)):
                cells = r[1:] if two_level else r
                x_cols = cols[1:] if two_level else cols
                for j, text in enumerate(cells):
                    lines = self.wrap(text, x_cols[j + 1] - x_cols[j] - 2 * pad, MINCHO, CELL)
                    ly = self.y + (h - 12.0 * len(lines)) / 2 + 1
                    for ln in lines:
                        if j == 0:
                            self.text(x_cols[j] + pad, ly, ln, MINCHO, CELL)
                        else:
                            w = self.width(ln, MINCHO, CELL, spacing=0.0)
                            self.text((x_cols[j] + x_cols[j + 1] - w) / 2, ly, ln, MINCHO, CELL)
                        ly += 12.0
                self.y += h
                merged = two_level and not self.style.plain_two_level
                last = i + len(group) >= len(rows) and k + 1 == len(group)
                if self.style.rules not in ("booktabs", "frame") or last:
                    self.hrule(cols[1] if merged and k + 1 < len(group) else LEFT, RIGHT, self.y)
            if two_level and self.style.plain_two_level:
                lines = self.wrap(group[0][0], cols[1] - cols[0] - 2 * pad, MINCHO, CELL)
                ly = y0 + (heights[0] - 12.0 * len(lines)) / 2 + 1
                for ln in lines:
                    self.text(cols[0] + pad, ly, ln, MINCHO, CELL)
                    ly += 12.0
            elif two_level:
                lines = self.wrap(group[0][0], cols[1] - cols[0] - 2 * pad, MINCHO, CELL)
                ly = y0 + (total - 12.0 * len(lines)) / 2 + 1
                for ln in lines:
                    self.text(cols[0] + pad, ly, ln, MINCHO, CELL)
                    ly += 12.0
            for x in cols:
                self.vrule(x, y0, self.y)
            i += len(group)
        self.y += 4

    def _header_row(self, header: list[str], cols: list[float], two_level: bool) -> None:
        y0 = self.y
        self.c.setFillGray(0.85)
        self.c.rect(LEFT, PAGE_H - y0 - 18, RIGHT - LEFT, 18, fill=1, stroke=0)
        self.c.setFillGray(0)
        self.hrule(LEFT, RIGHT, y0)
        merged = two_level and not self.style.plain_two_level
        spans = (
            [(cols[0], cols[2])] + [(cols[j], cols[j + 1]) for j in range(2, len(cols) - 1)]
            if merged
            else [(cols[j], cols[j + 1]) for j in range(len(cols) - 1)]
        )
        texts = [h for h in header if h != ""] if merged else header
        for (a, b), text in zip(spans, texts):
            w = self.width(text, GOTHIC, CELL, spacing=0.0)
            self.text((a + b - w) / 2, y0 + 4.5, text, GOTHIC, CELL)
        self.y += 18
        if self.style.rules != "frame":
            self.hrule(LEFT, RIGHT, self.y)
        for x in [s[0] for s in spans] + [RIGHT]:
            self.vrule(x, y0, self.y)


def render(
    path: Path,
    cards: list[CardSpec],
    style: Style,
    era_label: str = "令和2年度",
    heading: str = "① 中小企業の事業活動を担う人材の育成及び確保を図ること",
    first_label: int = 1,
) -> Path:
    doc = Doc(style, path, first_label=first_label)
    doc.cover(era_label)
    doc.start_page()
    doc.section_heading(heading)
    for card in cards:
        doc.card(card)
    doc.save()
    return path
