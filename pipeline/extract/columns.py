"""Columns of a table without vertical rules: the gaps in the text's horizontal
projection, the ends of partial horizontal rules, a boundary between every two header
cells, and the left edges the body's text aligns on."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from itertools import pairwise

from pipeline.extract.grid_parts import EDGE_TOL, cluster, header_cells
from pipeline.extract.layout import BBox, Glyph, Rule, TextLine, build_lines
from pipeline.extract.settings import TABLES


def inferred_columns(
    glyphs: Sequence[Glyph],
    inner_h: list[Rule],
    bbox: BBox,
    ys: list[float],
    size: float,
    spaces: Sequence[Glyph] = (),
) -> list[float]:
    """Column edges of a table without vertical rules: white strips through it, partial
    rules' ends, the body's left-aligned columns, and the header's cells (`spaces`: the
    space glyphs, which keep the words of one header cell together)."""
    x0, top, x1, bottom = bbox
    partial_ends = [
        e for e in _partial_rule_ends(inner_h, size) if x0 + EDGE_TOL < e < x1 - EDGE_TOL
    ]
    # Without a rule under the header (a table framed by its outer border only), the
    # header is its first row as white space parts the rows.
    rows = ys if len(ys) >= 3 else split_unruled_bands(glyphs, ys, size, [x0, x1])
    # A header of two rows (財源内訳 over its columns) is parted by a partial rule: the
    # header ends at the first rule across the whole table.
    full = [r.pos for r in inner_h if r.start <= x0 + EDGE_TOL and r.end >= x1 - EDGE_TOL]
    below = [y for y in full if top + EDGE_TOL < y < bottom - EDGE_TOL]
    if below and len(rows) >= 3:
        rows = [rows[0]] + [y for y in rows[1:] if y >= min(below) - EDGE_TOL]
    # A partial rule's end is where its strip of white parts the columns.
    strips = _vertical_strips(glyphs, TABLES.column_gap_em * size)
    cuts = [(a + b) / 2 for a, b in strips if not any(a <= e <= b for e in partial_ends)]
    cuts += partial_ends
    xs = cluster(cuts + _aligned_body_cuts(glyphs, rows, size, cuts) + [x0, x1])
    body_strips = _vertical_strips(
        [g for g in glyphs if len(rows) < 2 or g.mid >= rows[1]], TABLES.column_gap_em * size
    )
    # A header band split in rows by white space only (a zebra table's shaded header)
    # is read row by row as well.
    bands = sorted({*ys, *split_unruled_bands(glyphs, rows[:2], size, [x0, x1])})
    cuts = _cuts_between_header_cells(glyphs, xs, rows, size, bands, body_strips, spaces)
    return _header_columns(glyphs, cuts, rows)


def _partial_rule_ends(inner_h: list[Rule], size: float) -> list[float]:
    """Where partial rules end. Booktabs trims each rule under a group (cmidrule) short of
    its columns' edges: two ends facing each other on one line, closer than a trim's
    width, mark one boundary, at the middle of the gap."""
    out: list[float] = []
    by_line: dict[float, list[Rule]] = {}
    for r in inner_h:
        by_line.setdefault(round(r.pos), []).append(r)
    for rules in by_line.values():
        rules.sort(key=lambda r: r.start)
        ends = [rules[0].start]
        for a, b in pairwise(rules):
            if 0 <= b.start - a.end <= TABLES.rule_trim_em * size:
                ends.append((a.end + b.start) / 2)
            else:
                ends += [a.end, b.start]
        out += [*ends, rules[-1].end]
    return out


def _cuts_between_header_cells(
    glyphs: Sequence[Glyph],
    xs: list[float],
    ys: list[float],
    size: float,
    bands: list[float],
    strips: Sequence[tuple[float, float]] = (),
    spaces: Sequence[Glyph] = (),
) -> list[float]:
    """Inferred columns where white space alone finds none: every two header cells have
    a boundary between them (values that nearly fill their columns leave no strip of
    white). It goes where it crosses the fewest body glyphs, nearest the gap's middle.
    A header of several rows (`bands`: 財源内訳 over 国庫 その他 一般財源) is read row
    by row: no boundary runs through a cell's text unless the cell spans cells of the
    row below."""
    if len(ys) < 3:
        return xs
    header = _HeaderRows([*glyphs, *spaces], ys, size, bands, strips)
    body = [g for g in glyphs if g.mid >= ys[1]]
    kept = (_clear_in_strip(x, strips, header.rows, header.clear) for x in xs)
    out = [x for x in kept if x is not None]
    for cells in header.rows:
        for a, b in pairwise(cells):
            if any((a[0] + a[1]) / 2 < x < (b[0] + b[1]) / 2 for x in out):
                continue
            cut = _cut_between(a, b, body, header.clear)
            if not _body_runs_across(body, cut, a[0], b[1]):
                out.append(cut)
    return sorted(out)


class _HeaderRows:
    """A header's cells row by row, and where a column boundary may run through them."""

    def __init__(
        self,
        glyphs: Sequence[Glyph],
        ys: list[float],
        size: float,
        bands: list[float],
        body_strips: Sequence[tuple[float, float]] = (),
    ) -> None:
        header = [g for g in glyphs if g.mid < ys[1]]
        self.size = size
        self.body_strips = body_strips
        self.rows = [
            header_cells(_header_extents([g for g in header if lo <= g.mid < hi]))
            for lo, hi in pairwise([ys[0], *(y for y in bands if ys[0] < y < ys[1]), ys[1]])
        ]
        # With one header row a boundary may run through a text centred over two columns
        # (項目名 over parent and sub-labels): nothing shows which texts span. With
        # several, a text spans when it stands over several cells of a row below.
        rows = self.rows
        self.solid = [
            (k, a0, a1)
            for k, cells in enumerate(rows)
            for a0, a1 in cells
            if len(rows) > 1
            and not any(
                sum(a0 <= (c0 + c1) / 2 <= a1 for c0, c1 in lower) >= 2 for lower in rows[k + 1 :]
            )
        ]

    def spans_parted_cells(self, k: int, a0: float, a1: float, x: float) -> bool:
        """A group's text centred over its columns (総人口 over 年少 生産年齢 老年) spans
        them, however narrow or wide: two cells of a row below part right under it, and
        it is not a text wrapped onto the row below (its one text there standing within
        its extent)."""
        below = self.rows[k + 1 :]
        pad = 0.5 * self.size
        within = [sum(a0 - pad <= c0 and c1 <= a1 + pad for c0, c1 in cells) for cells in below]
        # One text right under it, within its extent, is its wrapped rest; texts a row
        # further down (an empty band between) or two in a row are the columns it
        # stands over, and so are body values parted right under it by white through
        # the whole body (a wide group text, "事業所数（所）" over 24 and 28).
        parted_below = any(a0 < sa and sb < a1 and sa <= x <= sb for sa, sb in self.body_strips)
        if within and within[0] == 1 and not parted_below:
            return False
        return any(c1 <= x <= d0 for cells in below for (_, c1), (d0, _) in pairwise(cells))

    def clear(self, x: float) -> bool:
        return all(
            self.spans_parted_cells(k, a0, a1, x)
            for k, a0, a1 in self.solid
            if a0 + 0.5 < x < a1 - 0.5
        )


def _cut_between(
    a: Sequence[float],
    b: Sequence[float],
    body: Sequence[Glyph],
    clear: Callable[[float], bool],
) -> float:
    """Between two header cells' texts, never through one (a wide cell's centre may lie
    far from the gap beside a narrow one): the spot crossing the fewest body glyphs."""
    middle = (a[1] + b[0]) / 2
    spots = {a[1], b[0], middle} | {
        e for g in body for e in (g.x0 - 0.1, g.x1 + 0.1) if a[1] <= e <= b[0]
    }
    return min(
        {x for x in spots if clear(x)} or spots,
        key=lambda x: (sum(g.x0 < x < g.x1 for g in body), abs(x - middle)),
    )


def _clear_in_strip(
    x: float,
    strips: Sequence[tuple[float, float]],
    rows: list[list[list[float]]],
    clear: Callable[[float], bool],
) -> float | None:
    """A cut where no header text stands: x itself, or the clear place in its white
    strip nearest it (a strip's middle may lie under a wide centred header text whose
    column starts inside the strip); None when the whole strip lies under one."""
    if clear(x):
        return x
    cells = [c for row in rows for c in row]
    for a, b in strips:
        if a <= x <= b:
            edges = {a, b} | {e for c0, c1 in cells for e in (c0 - 1.0, c1 + 1.0) if a <= e <= b}
            spots = [
                e
                for e in edges
                if clear(e) and not any(c0 + 0.5 < e < c1 - 0.5 for c0, c1 in cells)
            ]
            return min(spots, key=lambda e: abs(e - x)) if spots else None
    return None


def _body_runs_across(body: Sequence[Glyph], x: float, x0: float, x1: float) -> bool:
    """Do the body's values run across x on most of their lines? Then the two header
    texts beside x are one cell spaced out ("24  (人)", "増 減 率" set with wide gaps):
    values of two columns part, however close they come. A text more than twice as wide
    as both header texts (a band row over the whole table) shows nothing here."""
    crossed = counted = 0
    for ln in build_lines(body):
        pieces = [p for p in ln.split(TABLES.cell_gap_em) if p.x1 > x0 and p.x0 < x1]
        if not pieces or any(p.x1 - p.x0 > 2 * (x1 - x0) for p in pieces):
            continue  # running text: a band row over the table, not a cell's value
        counted += 1
        crossed += any(p.x0 < x < p.x1 for p in pieces)
    return counted > 0 and 2 * crossed >= counted


def _header_extents(header: Sequence[Glyph]) -> list[tuple[float, float]]:
    """The x-extents of the header's text pieces, each parted wherever another line of
    the header shows a gap no header glyph crosses: narrow columns whose wrapped
    headers ("基本/方針/⑥" beside "基本/方針/⑦") nearly touch on some lines part on
    others."""
    lines = build_lines(header)
    ink = [g for g in header if not g.text.isspace()]

    def clear(x: float) -> bool:  # no header glyph within a quarter em of x
        return not any(g.x0 - 0.25 * g.size < x < g.x1 + 0.25 * g.size for g in ink)

    gaps = sorted(
        (a.x1 + b.x0) / 2
        for ln in lines
        for a, b in pairwise(ln.split(TABLES.column_gap_em))
        if clear((a.x1 + b.x0) / 2)
    )
    out: list[tuple[float, float]] = []
    for ln in lines:
        for piece in _unspaced_pieces(ln):
            parts: dict[int, list[Glyph]] = {}
            for g in piece:
                parts.setdefault(bisect.bisect(gaps, (g.x0 + g.x1) / 2), []).append(g)
            out += [(min(g.x0 for g in p), max(g.x1 for g in p)) for p in parts.values()]
    return out


def _unspaced_pieces(line: TextLine) -> list[list[Glyph]]:
    """A header line's cell texts: parted by an em of white, or by half an em with no
    space glyph in it (a cell's words are set with spaces; the white between two
    nearly touching cells holds none)."""
    pieces: list[list[Glyph]] = []
    last: Glyph | None = None
    spaced = False
    for g in line.glyphs:
        if g.text.isspace():
            spaced = True
            continue
        size = max(g.size, 1.0)
        gap = g.x0 - last.x1 if last is not None else 0.0
        if (
            last is None
            or gap > TABLES.column_gap_em * size
            or (gap > TABLES.cell_gap_em * size and not spaced)
        ):
            pieces.append([])
        pieces[-1].append(g)
        last, spaced = g, False
    return pieces


def _header_columns(glyphs: Sequence[Glyph], xs: list[float], ys: list[float]) -> list[float]:
    """Inferred columns, as the header names them: a white strip between a column with
    no header text and one with no body text is not a column boundary (a left-aligned
    short label under a centred 項目名 leaves such a strip)."""
    if len(ys) < 3:
        return xs
    header_bottom = ys[1]

    def has(j: int, header: bool) -> bool:
        lo, hi = xs[j], xs[j + 1]
        return any(
            lo <= (g.x0 + g.x1) / 2 < hi and (g.mid < header_bottom) == header for g in glyphs
        )

    k = 1
    while k < len(xs) - 1:
        left, right = k - 1, k
        if (not has(left, True) and not has(right, False)) or (
            not has(right, True) and not has(left, False)
        ):
            xs = xs[:k] + xs[k + 1 :]
            k = max(1, k - 1)
            continue
        k += 1
    return xs


def _vertical_strips(glyphs: Sequence[Glyph], min_gap: float) -> list[tuple[float, float]]:
    """The vertical white strips at least `min_gap` wide between the glyphs' extents."""
    spans = sorted((g.x0, g.x1) for g in glyphs)
    strips: list[tuple[float, float]] = []
    if not spans:
        return strips
    cur_end = spans[0][1]
    for a, b in spans[1:]:
        if a - cur_end >= min_gap:
            strips.append((cur_end, a))
        cur_end = max(cur_end, b)
    return strips


def _aligned_body_cuts(
    glyphs: Sequence[Glyph], ys: list[float], size: float, known: Sequence[float]
) -> list[float]:
    """Column boundaries only the body shows: a strip of white through every body row
    narrower than an em (a label column nearly filled, under a header centred over it
    and the next), where the text after it starts at one x on several lines (a
    left-aligned column: sub-labels under their parent). The texts must differ: one
    value printed twice (a 小計 equal to its 合計) starts at one x however it is aligned."""
    if len(ys) < 3:
        return []
    body = [g for g in glyphs if g.mid >= ys[1]]
    starts = [(p.x0, p.key) for ln in build_lines(body) for p in ln.split(TABLES.cell_gap_em)]
    tol = TABLES.left_edge_em * size
    return [
        (a + b) / 2
        for a, b in _vertical_strips(body, TABLES.cell_gap_em * size)
        if len({key for x, key in starts if abs(x - b) <= tol}) >= 2
        and not any(a <= k <= b for k in known)
    ]


def split_unruled_bands(
    glyphs: Sequence[Glyph], ys: list[float], size: float, xs: Sequence[float]
) -> list[float]:
    """Add row boundaries inside bands that hold several rows with no rule between them:
    white strips across the table, or across the columns after the first where every
    one of them has text above and below (the first column's label centred on them)."""
    out = [ys[0]]
    for a, b in zip(ys, ys[1:], strict=False):
        band = [g for g in glyphs if a <= g.mid <= b]
        cuts = [(a + b) / 2 for a, b in _white_strips(band, size)]
        if len(xs) >= 3:
            rest = [g for g in band if (g.x0 + g.x1) / 2 >= xs[1]]
            cuts += [
                (top + bottom) / 2
                for top, bottom in _white_strips(rest, size)
                if not any(top <= c <= bottom for c in cuts)
                and _text_on_both_sides(rest, (top + bottom) / 2, xs[1:])
            ]
        out += sorted(cuts)
        out.append(b)
    return out


def _white_strips(glyphs: Sequence[Glyph], size: float) -> list[tuple[float, float]]:
    """The horizontal white strips (at least TABLES.row_gap_em tall) between the glyphs."""
    spans = sorted((g.top, g.bottom) for g in glyphs)
    strips: list[tuple[float, float]] = []
    if spans:
        cur_end = spans[0][1]
        for t, bt in spans[1:]:
            if t - cur_end >= TABLES.row_gap_em * size:
                strips.append((cur_end, t))
            cur_end = max(cur_end, bt)
    return strips


def _text_on_both_sides(glyphs: Sequence[Glyph], y: float, xs: Sequence[float]) -> bool:
    columns = [[g for g in glyphs if lo <= (g.x0 + g.x1) / 2 < hi] for lo, hi in zip(xs, xs[1:])]
    filled = [c for c in columns if c]
    return len(filled) >= 2 and all(
        any(g.mid < y for g in c) and any(g.mid > y for g in c) for c in filled
    )
