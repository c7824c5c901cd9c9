"""A table region into a grid of cells: row boundaries from the rulings, column
boundaries from vertical rules (or inferred, see columns.py), merged cells rebuilt where
no rule or white space parts two grid cells."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.extract.columns import inferred_columns, split_unruled_bands
from pipeline.extract.grid_parts import EDGE_TOL, Cell, Table, UnionFind, cluster, covers, text_size
from pipeline.extract.layout import BBox, Glyph, PageLayout, Rule, build_lines
from pipeline.extract.settings import TABLES
from pipeline.normalize.text import join_wrapped


def build_table(
    page: PageLayout,
    bbox: BBox,
    forced_columns: Sequence[float] | None = None,
    headed: bool = True,
) -> Table:
    """`headed`: its first row may be a header (a continuation known to have none is
    body rows only: no header's group texts or merged heads are looked for)."""
    # A grid depends on nothing but the page and these arguments, and the page's
    # tables are looked for in several regions (whole page, card bodies, indexes).
    key = (tuple(bbox), None if forced_columns is None else tuple(forced_columns), headed)
    table = page.grid_cache.get(key)
    if table is None:
        table = page.grid_cache[key] = _grid_table(page, bbox, forced_columns, headed)
    return table


def _grid_table(
    page: PageLayout, bbox: BBox, forced_columns: Sequence[float] | None, headed: bool
) -> Table:
    """The grid of one table: its rulings, its rows and columns (ruled, given, or
    inferred), cells merged where nothing parts them, and each cell's text."""
    x0, top, x1, bottom = bbox
    inner_h, vrules = _rulings_in(page, bbox)
    glyphs = [g for g in page.glyphs_in(bbox) if not g.text.isspace()]
    size = text_size(glyphs)
    interior_v = [r for r in vrules if x0 + EDGE_TOL < r.pos < x1 - EDGE_TOL]
    ruled_columns = bool(interior_v)
    ruled_ys = cluster([r.pos for r in inner_h] + [top, bottom])
    ys = ruled_ys
    if ruled_columns:
        xs = cluster([r.pos for r in interior_v] + [x0, x1])
    elif forced_columns is not None:
        xs = [x0, *(x for x in forced_columns if x0 + EDGE_TOL < x < x1 - EDGE_TOL), x1]
        ys = split_unruled_bands(glyphs, ys, size, xs)
    else:
        spaces = [g for g in page.glyphs_in(bbox) if g.text.isspace()]
        xs = inferred_columns(glyphs, inner_h, bbox, ys, size, spaces)
        ys = split_unruled_bands(glyphs, ys, size, xs)
    grid = _Grid(glyphs, xs, ys, size, ruled_columns, headed)
    groups = grid.merged(inner_h, vrules, set(ruled_ys))
    cells = _cells(page, bbox, xs, ys, groups)
    row_boxes = [(x0, ys[i], x1, ys[i + 1]) for i in range(len(ys) - 1)]
    return Table(page.number, bbox, cells, len(ys) - 1, len(xs) - 1, xs, ruled_columns, row_boxes)


def _rulings_in(page: PageLayout, bbox: BBox) -> tuple[list[Rule], list[Rule]]:
    """The horizontal rules inside a table's box and the vertical rules crossing it."""
    x0, top, x1, bottom = bbox
    inner_h = [
        r
        for r in page.hrules(bbox)
        if top - EDGE_TOL <= r.pos <= bottom + EDGE_TOL
        and r.start >= x0 - EDGE_TOL
        and r.end <= x1 + EDGE_TOL
    ]
    # Bands shaded across the whole table (a zebra table's header and rows) part its
    # rows as rules do.
    inner_h += [
        Rule(True, y, f.x0, f.x1)
        for f in page.fills
        if f.filled
        and not f.stroked
        and abs(f.x0 - x0) <= EDGE_TOL
        and abs(f.x1 - x1) <= EDGE_TOL
        and top - EDGE_TOL <= f.top
        and f.bottom <= bottom + EDGE_TOL
        for y in (f.top, f.bottom)
        if not any(abs(r.pos - y) <= EDGE_TOL for r in inner_h)
    ]
    vrules = [
        r
        for r in page.vrules(bbox)
        if x0 - EDGE_TOL <= r.pos <= x1 + EDGE_TOL
        and r.end > top + EDGE_TOL
        and r.start < bottom - EDGE_TOL
    ]
    return inner_h, vrules


@dataclass
class _Grid:
    """A table's grid cells and the steps that merge them into its cells."""

    glyphs: Sequence[Glyph]
    xs: list[float]
    ys: list[float]
    size: float
    ruled_columns: bool
    headed: bool = True

    def merged(
        self, inner_h: list[Rule], vrules: list[Rule], ruled_ys: set[float]
    ) -> list[list[tuple[int, int]]]:
        """Grid cells (row, col) grouped into cells: two neighbours merge when no rule
        (or, inferred, no white) parts them."""
        xs, ys = self.xs, self.ys
        n_rows, n_cols = len(ys) - 1, len(xs) - 1
        uf = UnionFind(n_rows * n_cols)
        for i in range(n_rows):
            for j in range(n_cols):
                if j + 1 < n_cols and not self._parted_across(i, j, vrules):
                    uf.union(i * n_cols + j, i * n_cols + j + 1)
                if i + 1 < n_rows and not self._parted_down(i, j, inner_h, ruled_ys):
                    uf.union(i * n_cols + j, (i + 1) * n_cols + j)
        if not self.ruled_columns:
            self._merge_unruled(uf, ruled_ys)
        members: dict[int, list[tuple[int, int]]] = {}
        for i in range(n_rows):
            for j in range(n_cols):
                members.setdefault(uf.find(i * n_cols + j), []).append((i, j))
        return list(members.values())

    def _merge_unruled(self, uf: UnionFind, ruled_ys: set[float]) -> None:
        """Without vertical rules: band rows span the table, group texts their columns,
        and one-column cells of a ruled-off header band its rows."""
        xs, ys = self.xs, self.ys
        n_rows, n_cols = len(ys) - 1, len(xs) - 1
        for i in _band_rows(self.glyphs, xs, ys, uf.find):
            for j in range(n_cols - 1):
                uf.union(i * n_cols + j, i * n_cols + j + 1)
        if not self.headed:
            return
        if n_rows >= 3:
            for a, b in _group_spans(self.glyphs, xs, ys, self.size, uf.find):
                for j in range(a, b):
                    uf.union(j, j + 1)
        self._merge_down_in_header(uf, sorted(ruled_ys))

    def _merge_down_in_header(self, uf: UnionFind, ruled_ys: list[float]) -> None:
        """In a header band parted from the body by a rule or a fill's edge, and split in
        rows by white space only, a one-column cell takes the blank cells above and below
        it (年次 over both header rows; the label column's blank head): as when ruled."""
        if len(ruled_ys) < 3:
            return  # no band tells the header from the body (white space alone)
        n_cols = len(self.xs) - 1
        rows = [i for i in range(len(self.ys) - 1) if self.ys[i + 1] <= ruled_ys[1] + EDGE_TOL]
        if len(rows) < 2:
            return

        def width(i: int, j: int) -> int:
            root = uf.find(i * n_cols + j)
            return sum(uf.find(i * n_cols + k) == root for k in range(n_cols))

        for i in rows[:-1]:
            for j in range(n_cols):
                upper_blank = _empty(self.glyphs, self.xs, self.ys, i, j)
                lower_blank = _empty(self.glyphs, self.xs, self.ys, i + 1, j)
                if (upper_blank or lower_blank) and width(i, j) == 1 and width(i + 1, j) == 1:
                    uf.union(i * n_cols + j, (i + 1) * n_cols + j)

    def _parted_across(self, i: int, j: int, vrules: list[Rule]) -> bool:
        """Is grid cell (i, j) parted from (i, j + 1)?"""
        xb, y0, y1 = self.xs[j + 1], self.ys[i], self.ys[i + 1]
        if self.ruled_columns:
            return any(abs(r.pos - xb) <= EDGE_TOL and covers(r, y0, y1) for r in vrules)
        # Inferred boundary: it holds unless text runs across it in this row.
        crossed = any(
            g.x0 < xb - 0.5 < xb + 0.5 < g.x1
            or (g.x0 < xb < g.x1 and min(xb - g.x0, g.x1 - xb) > 1)
            for g in self.glyphs
            if y0 <= g.mid <= y1
        )
        header = i == 0 and self.headed
        return not crossed and not _text_spans(self.glyphs, y0, y1, xb, self.size, header=header)

    def _parted_down(self, i: int, j: int, inner_h: list[Rule], ruled_ys: set[float]) -> bool:
        """Is grid cell (i, j) parted from (i + 1, j)?"""
        xs, ys = self.xs, self.ys
        yb = ys[i + 1]
        if yb in ruled_ys:
            return any(abs(r.pos - yb) <= EDGE_TOL and covers(r, xs[j], xs[j + 1]) for r in inner_h)
        # A band split by white space (unruled rows); a cell whose text runs across the
        # split (a parent label centred on its sub-rows) spans.
        return not _runs_across(self.glyphs, ys[i], yb, ys[i + 2], xs[j], xs[j + 1], self.size)


def _cells(
    page: PageLayout,
    bbox: BBox,
    xs: list[float],
    ys: list[float],
    groups: list[list[tuple[int, int]]],
) -> list[Cell]:
    """Each merged cell with the text of the glyphs it owns."""
    boxes: list[tuple[int, int, int, int, BBox]] = []
    box_of: dict[tuple[int, int], int] = {}
    for group in groups:
        r0, r1 = min(i for i, _ in group), max(i for i, _ in group)
        c0, c1 = min(j for _, j in group), max(j for _, j in group)
        for pos in group:
            box_of[pos] = len(boxes)
        boxes.append((r0, r1, c0, c1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])))
    owned = _assign_glyphs(page.glyphs_in(bbox, pad=0), xs, ys, box_of, [b[4] for b in boxes])
    cells: list[Cell] = []
    for k, (r0, r1, c0, c1, cb) in enumerate(boxes):
        lines = build_lines(owned.get(k, []))
        text = join_wrapped([ln.text_with_edge_spaces for ln in lines])
        cells.append(Cell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, cb, text, [ln.text for ln in lines]))
    cells.sort(key=lambda c: (c.row, c.col))
    return cells


def _assign_glyphs(
    glyphs: Sequence[Glyph],
    xs: Sequence[float],
    ys: Sequence[float],
    box_of: dict[tuple[int, int], int],
    boxes: Sequence[BBox],
) -> dict[int, list[Glyph]]:
    """Glyphs per cell by their centre, except that a glyph straddling a column
    rule while touching its left neighbour belongs to the left cell: text that
    overflows its cell by a character ("…スキルアッ|10,146")."""

    def owner(g: Glyph) -> int | None:
        cx = (g.x0 + g.x1) / 2
        i = bisect.bisect_right(ys, g.mid) - 1
        j = bisect.bisect_right(xs, cx) - 1
        return box_of.get((min(i, len(ys) - 2), min(j, len(xs) - 2))) if i >= 0 and j >= 0 else None

    where = {id(g): owner(g) for g in glyphs}
    for line in build_lines(glyphs):
        visible = [g for g in line.glyphs if not g.text.isspace()]
        for a, b in zip(visible, visible[1:]):
            ka, kb = where[id(a)], where[id(b)]
            if ka is None or kb is None or ka == kb:
                continue
            boundary = boxes[kb][0]
            if (
                b.x0 < boundary < b.x1
                and b.x0 - a.x1 < 0.15 * b.size
                and abs(boxes[ka][2] - boundary) <= EDGE_TOL
            ):
                where[id(b)] = ka
    out: dict[int, list[Glyph]] = {}
    for g in glyphs:
        k = where[id(g)]
        if k is not None:
            out.setdefault(k, []).append(g)
    return out


def _text_spans(
    glyphs: Sequence[Glyph], y0: float, y1: float, xb: float, size: float, header: bool
) -> bool:
    """True when one text piece in the band straddles boundary xb (a merged cell).

    A header's merged cell is told by an em of white space; in the body, values that
    nearly fill their columns leave less, but more than running text leaves between
    its glyphs (TABLES.cell_gap_em). A header piece that leaves that much white at xb
    itself is two narrow cells' texts nearly touching ("基本 基本")."""
    band = [g for g in glyphs if y0 <= g.mid <= y1]
    for line in build_lines(band):
        for piece in line.split(TABLES.column_gap_em if header else TABLES.cell_gap_em):
            if piece.x0 < xb - size * 0.25 and piece.x1 > xb + size * 0.25:
                if not (header and _white_at(piece.glyphs, xb) >= TABLES.cell_gap_em * size):
                    return True
    return False


def _white_at(glyphs: Sequence[Glyph], x: float) -> float:
    """The white space around x between the glyphs left and right of it (0 if one crosses)."""
    ink = [g for g in glyphs if not g.text.isspace()]
    left = [g.x1 for g in ink if (g.x0 + g.x1) / 2 < x]
    right = [g.x0 for g in ink if (g.x0 + g.x1) / 2 >= x]
    if not left or not right:
        return 0.0
    return max(0.0, min(right) - max(left))


def _band_rows(
    glyphs: Sequence[Glyph], xs: Sequence[float], ys: Sequence[float], find: Callable[[int], int]
) -> list[int]:
    """Rows of an unruled table holding one text run across several columns and nothing
    else: a band (a policy's heading row), one cell over the whole row, as when ruled."""
    n_cols = len(xs) - 1
    out = []
    for i in range(len(ys) - 1):
        cols = {
            min(bisect.bisect_right(xs, (g.x0 + g.x1) / 2) - 1, n_cols - 1)
            for g in glyphs
            if ys[i] <= g.mid <= ys[i + 1]
        }
        groups = {find(i * n_cols + j) for j in cols}
        if len(cols) >= 2 and len(groups) == 1:
            out.append(i)
    return out


def _group_spans(
    glyphs: Sequence[Glyph],
    xs: Sequence[float],
    ys: Sequence[float],
    size: float,
    find: Callable[[int], int],
) -> list[tuple[int, int]]:
    """Column spans (first, last) of a header's first-row texts centred over empty cells
    beside their own, with text under two or more of them (事業所数 over 24, 28, 増減率;
    総人口 over its own column and its parts): one cell over those columns, as a merged
    cell of a ruled header is: the span wider than its own cell whose centre is
    nearest the text's (columns' widths differ, so a group's text may be as near its
    middle column's centre)."""
    return _GroupSpans(glyphs, xs, ys, size, find).spans()


class _GroupSpans:
    def __init__(
        self,
        glyphs: Sequence[Glyph],
        xs: Sequence[float],
        ys: Sequence[float],
        size: float,
        find: Callable[[int], int],
    ) -> None:
        self.glyphs, self.xs, self.ys, self.size, self.find = glyphs, xs, ys, size, find
        self.n_cols = len(xs) - 1
        self.filled_below = {j for j in range(self.n_cols) if not _empty(glyphs, xs, ys, 1, j)}
        self.claimed: set[int] = set()
        self.groups = sorted(self._texts(0).items(), key=lambda kv: min(g.x0 for g in kv[1]))
        self.centres = [
            (min(g.x0 for g in gs) + max(g.x1 for g in gs)) / 2 for _, gs in self.groups
        ]

    def _texts(self, i: int) -> dict[int, list[Glyph]]:
        """Row i's glyphs by the (merged) cell they stand in."""
        out: dict[int, list[Glyph]] = {}
        xs, n_cols = self.xs, self.n_cols
        for g in self.glyphs:
            if self.ys[i] <= g.mid <= self.ys[i + 1] and not g.text.isspace():
                j = min(max(bisect.bisect_right(xs, (g.x0 + g.x1) / 2) - 1, 0), n_cols - 1)
                out.setdefault(self.find(i * n_cols + j), []).append(g)
        return out

    def _free(self, j: int, centre: float) -> bool:
        """No text of its own row, not the top of a taller cell, nearer this text than
        any other of the row (a group's columns stand under it, not under the next)."""
        mid = (self.xs[j] + self.xs[j + 1]) / 2
        return (
            _empty(self.glyphs, self.xs, self.ys, 0, j)
            and self.find(j) != self.find(self.n_cols + j)
            and j not in self.claimed
            and all(abs(mid - centre) <= abs(mid - c) for c in self.centres)
        )

    def _off(self, ab: tuple[int, int], centre: float) -> float:
        return abs((self.xs[ab[0]] + self.xs[ab[1] + 1]) / 2 - centre)

    def _best(self, root: int, centre: float) -> tuple[int, int] | None:
        own = sorted({j for j in range(self.n_cols) if self.find(j) == root})
        lo, hi = own[0], own[-1]
        while lo > 0 and self._free(lo - 1, centre):
            lo -= 1
        while hi + 1 < self.n_cols and self._free(hi + 1, centre):
            hi += 1
        fits = [
            (a, b)
            for a in range(lo, own[0] + 1)
            for b in range(own[-1], hi + 1)
            if (a, b) != (own[0], own[-1])
            and self._off((a, b), centre) <= TABLES.group_centre_em * self.size
            and len(self.filled_below & set(range(a, b + 1))) >= 2
        ]
        return min(fits, key=lambda ab: (self._off(ab, centre), ab[1] - ab[0])) if fits else None

    def spans(self) -> list[tuple[int, int]]:
        spans = []
        for (root, _), centre in zip(self.groups, self.centres, strict=True):
            best = self._best(root, centre)
            if best is not None:
                spans.append(best)
                self.claimed.update(range(best[0], best[1] + 1))
        return spans


def _empty(glyphs: Sequence[Glyph], xs: Sequence[float], ys: Sequence[float], i: int, j: int):
    return not any(
        ys[i] <= g.mid <= ys[i + 1] and xs[j] <= (g.x0 + g.x1) / 2 < xs[j + 1]
        for g in glyphs
        if not g.text.isspace()
    )


def _runs_across(
    glyphs: Sequence[Glyph], top: float, y: float, bottom: float, x0: float, x1: float, size: float
) -> bool:
    """Does one cell's text run across the unruled row boundary y in column x0..x1:
    its lines above and below y closer than a row gap (a parent label centred on two
    sub-rows, wrapped or not)?"""
    col = [g for g in glyphs if x0 <= (g.x0 + g.x1) / 2 < x1 and top <= g.mid <= bottom]
    if any(g.top < y < g.bottom for g in col):
        return True
    above = [g.bottom for g in col if g.mid < y]
    below = [g.top for g in col if g.mid >= y]
    return bool(above and below) and min(below) - max(above) < TABLES.row_gap_em * size
