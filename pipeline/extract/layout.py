"""What a page is made of, as nenpo keeps it: glyphs, rulings, fills, text lines and
the printed page label.

`PageLayout` is a small picklable snapshot of a pdfplumber page (see page.py, which
builds it): everything downstream works on it, in any process.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from pipeline.normalize.text import join_glyphs, nfkc, squash

FOOTER_ZONE = 0.88  # page labels sit below this fraction of the page height

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom


# Not frozen: a frozen dataclass sets every field through object.__setattr__, which
# doubled the cost of building and of unpickling the ~600 glyphs of every page.
# Nothing assigns to a glyph once read.
@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    def __reduce__(self) -> tuple:
        # Rebuilt by its constructor: half the cost of the default slot state, and
        # layouts cross process boundaries by the hundred thousand glyphs with --jobs.
        return (Glyph, (self.text, self.x0, self.x1, self.top, self.bottom, self.size))


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal (x0..x1 at y) or vertical (top..bottom at x) ruling."""

    horizontal: bool
    pos: float  # y for horizontal, x for vertical
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Fill:
    """A filled area that is not a ruling: shading bands, cell backgrounds, boxes."""

    x0: float
    top: float
    x1: float
    bottom: float
    filled: bool
    stroked: bool


@dataclass(slots=True)
class TextLine:
    """Glyphs sharing one baseline, left to right, with their text assembled."""

    glyphs: list[Glyph]
    # The text is assembled when first asked for: table code groups glyphs into lines
    # only to see which glyphs sit side by side.
    _text: str | None = field(default=None, repr=False, compare=False)
    # The ink's horizontal extent, found once: layout code asks for it thousands of times.
    _x0: float = field(default=0.0, repr=False, compare=False)
    _x1: float = field(default=0.0, repr=False, compare=False)
    _key: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.glyphs.sort(key=lambda g: g.x0)
        ink = [g for g in self.glyphs if not g.text.isspace()]
        self._x0 = min(g.x0 for g in ink) if ink else self.glyphs[0].x0
        self._x1 = max(g.x1 for g in ink) if ink else self.glyphs[-1].x1

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = join_glyphs(self.glyphs)
        return self._text

    @property
    def key(self) -> str:
        """The text without whitespace, NFKC: what labels are matched against."""
        if self._key is None:
            self._key = squash(self.text)
        return self._key

    @property
    def x0(self) -> float:
        return self._x0

    @property
    def x1(self) -> float:
        return self._x1

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def size(self) -> float:
        return statistics.median(g.size for g in self.glyphs)

    @property
    def visible(self) -> bool:
        return any(not g.text.isspace() for g in self.glyphs)

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def text_with_edge_spaces(self) -> str:
        """The text with the space glyphs the PDF stores at the line's ends (a wrap at a real space)."""
        lead = " " if self.glyphs[0].text.isspace() else ""
        trail = " " if self.glyphs[-1].text.isspace() else ""
        return lead + self.text + trail

    def split(self, min_gap_em: float = 1.5, gap: float | None = None) -> list[TextLine]:
        """Pieces of this line separated by a gap wider than `min_gap_em` of the glyphs'
        size (columns, tab stops), or than `gap` points when given."""
        pieces: list[list[Glyph]] = []
        last: Glyph | None = None
        for g in self.glyphs:
            if g.text.isspace():
                if pieces:
                    pieces[-1].append(g)
                continue
            if last is None or g.x0 - last.x1 > (
                gap if gap is not None else min_gap_em * max(min(g.size, last.size), 1.0)
            ):
                pieces.append([])
            pieces[-1].append(g)
            last = g
        return [TextLine(p) for p in pieces]


@dataclass(slots=True)
class PageLayout:
    number: int  # 1-based physical page
    width: float
    height: float
    glyphs: list[Glyph]
    rules: list[Rule]
    fills: list[Fill]
    label: str | None = None  # printed page label as printed, e.g. "22"
    _lines: list[TextLine] | None = field(default=None, repr=False)
    _mid_index: tuple[list[Glyph], list[float]] | None = field(default=None, repr=False)
    _body: list[TextLine] | None = field(default=None, repr=False)
    # Ruled tables found on the page, by (region, stop lines): found where the page is
    # read (see prepare_page) and asked for again by the extractors.
    table_cache: dict[tuple, list] = field(default_factory=dict, repr=False)
    # Grids built on the page by bbox: regions that overlap find the same tables.
    grid_cache: dict[tuple, Any] = field(default_factory=dict, repr=False)
    _size_counts: Counter[float] | None = field(default=None, repr=False)
    # What the page's text layer could not give: glyphs without a character (per font:
    # count and a sample), glyphs dropped because they are not upright, and what the
    # parser logged while reading the page (data loss, decoding failures).
    unmapped: dict[str, list] = field(default_factory=dict, repr=False)
    not_upright: int = 0
    parser_messages: list[str] = field(default_factory=list, repr=False)

    @property
    def printed(self) -> int | None:
        return int(self.label) if self.label and self.label.isdigit() else None

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def lines(self) -> list[TextLine]:
        """All text lines of the page, top to bottom (footer included)."""
        if self._lines is None:
            self._lines = build_lines(self.glyphs)
        return self._lines

    def size_counts(self) -> Counter[float]:
        """How many glyphs of each size (to 0.1 pt) the page has."""
        if self._size_counts is None:
            self._size_counts = Counter(round(g.size, 1) for g in self.glyphs)
        return self._size_counts

    def body_lines(self) -> list[TextLine]:
        """Text lines without the page-label footer."""
        if self._body is None:
            self._body = [ln for ln in self.lines() if not self.is_footer(ln)]
        return self._body

    def is_footer(self, line: TextLine) -> bool:
        return (
            line.top >= self.height * FOOTER_ZONE and parse_page_label(label_text(line)) is not None
        )

    def glyphs_in(self, bbox: BBox, pad: float = 0.5) -> list[Glyph]:
        """Glyphs whose centre lies inside bbox (grown by pad), in reading order by centre."""
        x0, top, x1, bottom = bbox
        by_mid, mids = self._by_mid()
        lo = bisect.bisect_left(mids, top - pad)
        hi = bisect.bisect_right(mids, bottom + pad)
        return [g for g in by_mid[lo:hi] if x0 - pad <= (g.x0 + g.x1) / 2 <= x1 + pad]

    def _by_mid(self) -> tuple[list[Glyph], list[float]]:
        if self._mid_index is None:
            by_mid = sorted(self.glyphs, key=lambda g: g.mid)
            self._mid_index = (by_mid, [g.mid for g in by_mid])
        return self._mid_index

    def hrules(self, bbox: BBox | None = None) -> list[Rule]:
        return [r for r in self.rules if r.horizontal and _rule_in(r, bbox)]

    def vrules(self, bbox: BBox | None = None) -> list[Rule]:
        return [r for r in self.rules if not r.horizontal and _rule_in(r, bbox)]


def _rule_in(rule: Rule, bbox: BBox | None, tol: float = 2.0) -> bool:
    if bbox is None:
        return True
    x0, top, x1, bottom = bbox
    if rule.horizontal:
        return (
            top - tol <= rule.pos <= bottom + tol and rule.end > x0 - tol and rule.start < x1 + tol
        )
    return x0 - tol <= rule.pos <= x1 + tol and rule.end > top - tol and rule.start < bottom + tol


def build_lines(glyphs: Iterable[Glyph]) -> list[TextLine]:
    """Group glyphs into visual lines by their vertical centre.

    A glyph joins a line when its centre lies within 40% of its size from the
    line's first glyph's centre; lines never chain, so the staggered lines of a
    vertically centred table cell stay apart.
    """
    groups: list[tuple[float, list[Glyph]]] = []
    for g in sorted(glyphs, key=lambda g: (g.mid, g.x0)):
        if groups and abs(g.mid - groups[-1][0]) <= 0.4 * max(g.size, 1.0):
            groups[-1][1].append(g)
        else:
            groups.append((g.mid, [g]))
    lines: list[TextLine] = []
    for _, gs in groups:
        line = TextLine(gs)
        if line.visible:
            lines.append(line)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


_LABEL = re.compile(r"^[\-‐−–—－ー―~〜\s]*(\d{1,4})[\-‐−–—－ー―~〜\s]*$")


def parse_page_label(text: str) -> str | None:
    """The page number printed in a footer: "- 22 -", "22", "－22－" → "22"."""
    m = _LABEL.match(nfkc(text).strip())
    return m.group(1) if m else None


def label_text(line: TextLine) -> str:
    """A footer line's text with letter-spacing undone: glyphs set closer than half an
    em (a label drawn letter-spaced, "1 1" for 11) belong to one word."""
    ink = [g for g in line.glyphs if not g.text.isspace()]
    tight = all(b.x0 - a.x1 < 0.5 * max(a.size, 1.0) for a, b in pairwise(ink))
    return "".join(g.text for g in ink) if ink and tight else line.text


def find_page_label(layout: PageLayout) -> str | None:
    """The printed page number: the lowest short numeric line in the footer zone."""
    candidates = [
        ln
        for ln in build_lines(g for g in layout.glyphs if g.top >= layout.height * FOOTER_ZONE)
        if parse_page_label(label_text(ln)) is not None
    ]
    if not candidates:
        return None
    return parse_page_label(label_text(max(candidates, key=lambda ln: ln.top)))
