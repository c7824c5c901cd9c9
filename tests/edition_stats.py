"""The environment part of a generated edition: 「本県中小企業を取り巻く環境」 with its
"表N" statistics tables, figures, paragraphs and bullets, typeset from the golden data.

A statistics table has a two-row header whose first row spans column groups (事業所数
over 24, 28, 増減率) and whose cells may stand over both rows (年次); its notes and its
source follow it. The drawing comes from a seed of its own (`"edition {seed} stats"`), so
the other parts of an edition keep their drawings: rulings (full grid, a spreadsheet's
per-cell segments, horizontal rules only, booktabs with partial rules under the groups,
zebra fills), the table as wide as the text block or as its content, values right-aligned
or centred; units printed in the headers only where the golden data prints them, or also
on a "(単位：人、%)" line over the table, on the caption's line at the table's right edge,
or after the column groups' headers ("総人口 (人)" or "総人口（人）"). A figure is a chart without text (a frame, axes, a line) with its caption and
source under it, as the sample draws them.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from tests.render import BODY, GOTHIC, LEFT, MINCHO, PAGE_H, RIGHT, Doc

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
NOTE_SIZE = 9.0


@dataclass(frozen=True)
class StatsStyle:
    rules: str = "lines"  # lines | segments | hlines | booktabs | zebra
    width: str = "full"  # full | natural (as wide as its content, centred)
    align: str = "r"  # r | c: values right-aligned or centred
    size: float = 9.5
    units: str = "headers"  # headers | line | caption | groups: where units are printed
    # A group's unit set "総人口 (人)" (half width, after a space) or "総人口（人）".
    spaced_group_unit: bool = False


def stats_style(seed: int) -> StatsStyle:
    rng = random.Random(f"edition {seed} stats")
    return StatsStyle(
        rules=rng.choice(["lines", "segments", "hlines", "booktabs", "zebra"]),
        width=rng.choice(["full", "natural"]),
        align=rng.choice(["r", "c"]),
        size=rng.choice([8.5, 9.0, 9.5]),
        units=rng.choice(["headers", "line", "caption", "groups"]),
        # A stream of its own: the drawings above keep their seeds.
        spaced_group_unit=random.Random(f"edition {seed} stats late").random() < 0.5,
    )


# What a column group counts, by the words of its header (the golden tables print these
# units nowhere): the generator prints them where the style says, and expects them read.
GROUP_UNITS = (("構成比", "%"), ("率", "%"), ("人口", "人"), ("従業者", "人"), ("事業所", "所"))
_OWN_UNIT = re.compile(r"[(（]\s*([^\d()（）\s]{1,4})\s*[)）]\s*$")


def _group_starts(top_row: list[str], sub_row: list[str]) -> list[int]:
    """Per column, the column its first-row header starts at (0 for the label column)."""
    starts = []
    for j in range(len(top_row)):
        k = j
        while k > 0 and top_row[k] == "" and sub_row[k] != "":
            k -= 1
        starts.append(k)
    return starts


def with_units(table: dict, style: StatsStyle) -> dict:
    """The table as drawn in this style: its header rows, its "(単位：…)" text (or None)
    and, per column, the unit a reader should take (None for the label column and for a
    column no printed unit applies to)."""
    top, sub = (list(r) for r in table["header_rows"])
    starts = _group_starts(top, sub)
    own = [None] + [
        next((m.group(1) for m in map(_OWN_UNIT.search, (sub[j], top[starts[j]])) if m), None)
        for j in range(1, len(top))
    ]
    group_unit = {
        k: next((u for word, u in GROUP_UNITS if word in top[k]), None)
        for k in sorted({starts[j] for j in range(1, len(top)) if own[j] is None})
    }
    printed = style.units != "headers" and all(group_unit.values()) and group_unit
    units = [own[j] or (group_unit.get(starts[j]) if printed else None) for j in range(len(top))]
    units[0] = None
    line = None
    if printed and style.units == "groups":
        for k, u in group_unit.items():
            top[k] = f"{top[k]} ({u})" if style.spaced_group_unit else f"{top[k]}（{u}）"
    elif printed:
        listed = list(group_unit.values())
        line = "(単位：{})".format("、".join(listed if len(set(listed)) > 1 else listed[:1]))
    return {**table, "header_rows": [top, sub], "unit_line": line, "units": units}


@dataclass(frozen=True)
class EnvSection:
    no: int
    title: str
    paragraphs: tuple[str, ...]
    bullets: tuple[str, ...]
    tables: tuple[dict, ...]
    figures: tuple[dict, ...]


def environment(truth: dict, style: StatsStyle = StatsStyle()) -> tuple[EnvSection, ...]:
    return tuple(
        EnvSection(
            s["no"],
            s["title"],
            tuple(s["paragraphs"]),
            tuple(s["bullets"]),
            tuple(with_units(t, style) for t in s["tables"]),
            tuple(s["figures"]),
        )
        for s in truth["environment"]
    )


def environment_titles(era_label: str) -> tuple[str, str]:
    return f"1 {era_label}の本県中小企業の動向", "(2) 本県中小企業を取り巻く環境"


def header_paths(header_rows: list[list[str]]) -> list[list[str]]:
    """Per column, its header texts top to bottom: a first-row text spans the blank cells
    after it that have text under them; a blank cell under a first-row text is that text's."""
    paths = []
    for j in range(len(header_rows[0])):
        levels = []
        for level in header_rows:
            k = j
            while k > 0 and level[k] == "" and level is not header_rows[-1]:
                k -= 1
            if level[k]:
                levels.append(level[k])
        paths.append(list(dict.fromkeys(levels)))
    return paths


def draw_hline(
    doc: Doc, cols: list[float], x0: float, x1: float, y: float, segments: bool, width: float = 0.5
) -> None:
    """A horizontal rule of a drawn table; `segments`: cell by cell, as a spreadsheet
    exports each cell's edge on its own."""
    c = doc.c
    c.setLineWidth(width)
    if segments:
        for a, b in zip(cols, cols[1:]):
            if x0 - 0.1 <= a and b <= x1 + 0.1:
                c.line(a, PAGE_H - y, b, PAGE_H - y)
    else:
        c.line(x0, PAGE_H - y, x1, PAGE_H - y)


class StatTableDrawing:
    """One statistics table on a document's page, kept together with its caption."""

    pad = 3.0

    def __init__(self, doc: Doc, table: dict, style: StatsStyle):
        self.doc, self.table, self.style = doc, table, style
        self.top_row, self.sub_row = table["header_rows"]
        self.n = len(self.top_row)
        self.size = style.size
        full = RIGHT - LEFT
        while self.size > 6.0 and sum(self._natural(j) for j in range(self.n)) > full:
            self.size -= 0.5  # a typesetter shrinks a wide table's text; values never wrap
        self.line = self.size + 3.0
        self.cols = self._columns()

    # -- geometry --------------------------------------------------------------
    def _natural(self, j: int) -> float:
        """A column's width: its widest value, its sub-header's widest word, and a share of
        its group's header."""
        size, w = self.size, self.doc.width
        texts = [r[j] for r in self.table["rows"]]
        words = [p for p in self.sub_row[j].split(" ") if p]
        if self.top_row[j] and self._span(j) == 1:
            words += [p for p in self.top_row[j].split(" ") if p]
        need = [w(t, MINCHO, size, 0.0) for t in texts] + [w(p, GOTHIC, size, 0.0) for p in words]
        return max(need + [2 * size]) + 2 * self.pad + size

    def _columns(self) -> list[float]:
        widths = [self._natural(j) for j in range(self.n)]
        full = RIGHT - LEFT
        if self.style.width == "full" or sum(widths) > full:
            scale = full / sum(widths)
            if scale >= 1:  # spread the room left over evenly
                extra = (full - sum(widths)) / self.n
                widths = [x + extra for x in widths]
            else:
                widths = [x * scale for x in widths]
        x0 = LEFT + (full - sum(widths)) / 2
        cols = [x0]
        for x in widths:
            cols.append(cols[-1] + x)
        return cols

    def _span(self, j: int) -> int:
        """How many columns the first-row cell starting at j spans."""
        k = j + 1
        while k < self.n and self.top_row[k] == "" and self.sub_row[k] != "":
            k += 1
        return k - j

    def _lines(self, text: str, a: float, b: float, font: str) -> list[str]:
        if not text:
            return []
        out: list[str] = []
        for word in text.split(" "):  # a header breaks at its spaces first
            out += self.doc.wrap(word, b - a - 2 * self.pad, font, self.size, 0.0)
        merged: list[str] = []
        for ln in out:  # then joins what fits on one line again
            if merged and self.doc.width(f"{merged[-1]} {ln}", font, self.size, 0.0) <= (
                b - a - 2 * self.pad
            ):
                merged[-1] = f"{merged[-1]} {ln}"
            else:
                merged.append(ln)
        return merged

    def _put(self, text: str, a: float, b: float, y0: float, h: float, align: str, font: str):
        lines = self._lines(text, a, b, font)
        ly = y0 + (h - self.line * len(lines)) / 2 + 1.0
        for ln in lines:
            w = self.doc.width(ln, font, self.size, 0.0)
            x = {"l": a + self.pad, "r": b - self.pad - w, "c": (a + b - w) / 2}[align]
            self.doc.text(x, ly, ln, font, self.size)
            ly += self.line

    # -- rulings ---------------------------------------------------------------
    def hline(self, x0: float, x1: float, y: float, width: float = 0.5) -> None:
        if self.style.rules == "zebra":
            return
        draw_hline(self.doc, self.cols, x0, x1, y, self.style.rules == "segments", width)

    def vline(self, x: float, y0: float, y1: float) -> None:
        if self.style.rules in ("hlines", "booktabs", "zebra"):
            return
        self.doc.c.setLineWidth(0.5)
        self.doc.c.line(x, PAGE_H - y0, x, PAGE_H - y1)

    def shade(self, y0: float, h: float, gray: float) -> None:
        c = self.doc.c
        c.setFillGray(gray)
        c.rect(self.cols[0], PAGE_H - y0 - h, self.cols[-1] - self.cols[0], h, fill=1, stroke=0)
        c.setFillGray(0)

    # -- rows ------------------------------------------------------------------
    def header_height(self) -> tuple[float, float]:
        def lines(row: list[str], j: int, span: int) -> int:
            return len(self._lines(row[j], self.cols[j], self.cols[j + span], GOTHIC))

        top = max(lines(self.top_row, j, self._span(j)) for j in range(self.n) if self.top_row[j])
        sub = max([lines(self.sub_row, j, 1) for j in range(self.n)] + [1])
        return top * self.line + 4, sub * self.line + 4

    def row_height(self, row: list[str]) -> float:
        n = max(
            len(self._lines(t, self.cols[j], self.cols[j + 1], MINCHO)) for j, t in enumerate(row)
        )
        return max(self.line + 4, n * self.line + 4)

    def height(self) -> float:
        return sum(self.header_height()) + sum(self.row_height(r) for r in self.table["rows"])

    def header(self) -> None:
        doc, cols = self.doc, self.cols
        h1, h2 = self.header_height()
        y0 = doc.y
        if self.style.rules == "zebra":
            self.shade(y0, h1 + h2, 0.85)
        self.hline(cols[0], cols[-1], y0, 1.0 if self.style.rules == "booktabs" else 0.5)
        j = 0
        while j < self.n:
            span, text = self._span(j), self.top_row[j]
            a, b = cols[j], cols[j + span]
            whole = span == 1 and self.sub_row[j] == ""  # one cell over both rows
            self._put(text, a, b, y0, h1 + h2 if whole else h1, "c", GOTHIC)
            if not whole:
                inset = 2.0 if self.style.rules == "booktabs" else 0.0
                self.hline(a + inset, b - inset, y0 + h1)
                for k in range(j, j + span):
                    self._put(self.sub_row[k], cols[k], cols[k + 1], y0 + h1, h2, "c", GOTHIC)
                    if k > j:
                        self.vline(cols[k], y0 + h1, y0 + h1 + h2)
            self.vline(a, y0, y0 + h1 + h2)
            j += span
        self.vline(cols[-1], y0, y0 + h1 + h2)
        doc.y += h1 + h2
        self.hline(cols[0], cols[-1], doc.y)

    def body(self) -> None:
        doc, cols, rows = self.doc, self.cols, self.table["rows"]
        for i, row in enumerate(rows):
            h, y0 = self.row_height(row), doc.y
            if self.style.rules == "zebra" and i % 2:
                self.shade(y0, h, 0.93)
            for j, text in enumerate(row):
                self._put(
                    text, cols[j], cols[j + 1], y0, h, "l" if j == 0 else self.style.align, MINCHO
                )
            doc.y += h
            last = i + 1 == len(rows)
            if self.style.rules != "booktabs" or last:
                self.hline(cols[0], cols[-1], doc.y, 1.0 if self.style.rules == "booktabs" else 0.5)
            for x in cols:
                self.vline(x, y0, doc.y)


def draw_environment(doc: Doc, sections: tuple[EnvSection, ...], style: StatsStyle) -> None:
    """Each section: its "①" heading, paragraphs and bullets, tables, then figures."""
    for s in sections:
        doc.need(60)
        doc.text(LEFT, doc.y, f"{CIRCLED[s.no - 1]} {s.title}", GOTHIC, BODY)
        doc.y += 17
        for p in s.paragraphs:
            doc.paragraph(p)
        for b in s.bullets:
            _bullet(doc, b)
        for t in s.tables:
            _table(doc, t, style)
        for f in s.figures:
            _figure(doc, f)
        doc.y += 8


def _bullet(doc: Doc, text: str) -> None:
    """ "・" and its text, the wrapped lines under the text (a hanging indent)."""
    hang = doc.width("・", MINCHO, BODY, 0.0)
    lines = doc.wrap(text, RIGHT - LEFT - hang)
    for i, ln in enumerate(lines):
        doc.need(16.5)
        if i == 0:
            doc.text(LEFT, doc.y, "・", MINCHO, BODY)
        doc.text(LEFT + hang, doc.y, ln, MINCHO, BODY)
        doc.y += 16.5


def _note_lines(doc: Doc, t: dict) -> list[str]:
    return [*t.get("notes", []), *([t["source"]] if t.get("source") else [])]


def _table(doc: Doc, t: dict, style: StatsStyle) -> None:
    drawing = StatTableDrawing(doc, t, style)
    notes = _note_lines(doc, t)
    doc.need(37 + drawing.height() + 13 * len(notes) + 4)  # kept together with its caption
    caption = t["caption"]
    w = doc.width(caption, GOTHIC, 10.0, 0.0)
    doc.text((drawing.cols[0] + drawing.cols[-1] - w) / 2, doc.y, caption, GOTHIC, 10.0)
    unit_line = t.get("unit_line")
    if unit_line and style.units == "line":
        doc.y += 15  # on a line of its own over the table's right edge
    if unit_line:
        w = doc.width(unit_line, MINCHO, NOTE_SIZE, 0.0)
        doc.text(drawing.cols[-1] - w, doc.y + 1, unit_line, MINCHO, NOTE_SIZE)
    doc.y += 19
    drawing.header()
    drawing.body()
    doc.y += 3
    for n in notes:
        doc.text(LEFT, doc.y, n, MINCHO, NOTE_SIZE)
        doc.y += 13
    doc.y += 8


def _figure(doc: Doc, f: dict) -> None:
    """A chart without text: its frame, axes and a line; caption and source under it."""
    h = 150.0
    lines = [*([f["caption"]] if f["caption"] else []), *([f["note"]] if f["note"] else [])]
    doc.need(h + 14 * (len(lines) + 1) + 10)
    c, y0 = doc.c, doc.y
    x0, x1 = LEFT + 40, RIGHT - 40
    c.setLineWidth(0.5)
    c.line(x0, PAGE_H - y0 - h + 10, x1, PAGE_H - y0 - h + 10)  # the x axis
    c.line(x0, PAGE_H - y0 - h + 10, x0, PAGE_H - y0 - 5)  # the y axis
    c.setLineWidth(1.2)
    points = [(x0 + k * (x1 - x0) / 8, y0 + 30 + ((k * 37) % 90)) for k in range(9)]
    for (xa, ya), (xb, yb) in zip(points, points[1:]):
        c.line(xa, PAGE_H - ya, xb, PAGE_H - yb)
    doc.y += h + 4
    if f["caption"]:
        w = doc.width(f["caption"], GOTHIC, 10.0, 0.0)
        doc.text((LEFT + RIGHT - w) / 2, doc.y, f["caption"], GOTHIC, 10.0)
        doc.y += 15
    if f["note"]:
        doc.text(LEFT, doc.y, f["note"], MINCHO, NOTE_SIZE)
        doc.y += 13
    doc.text(LEFT, doc.y, f["source"], MINCHO, NOTE_SIZE)
    doc.y += 13 + 8
