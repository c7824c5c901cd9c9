"""Ruled tables as grids with spans, rebuilt from the rulings themselves.

pdfplumber's table finder needs both rule directions and reports merged cells
as None; here a table is a stack of horizontal rules sharing one x-extent. Row
boundaries are every horizontal rule inside it (partial ones too); column
boundaries are the vertical rules, or, when a table has none, the gaps in the
text's horizontal projection plus the ends of partial horizontal rules, a boundary
between every two header cells, and the left edges the body's text aligns on. Two
grid cells merge when no rule separates them, which rebuilds merged cells. The
tolerances are `TableSettings` (extract/settings.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from pipeline.extract.layout import BBox, Fill, Glyph, PageLayout, Rule, TextLine, build_lines
from pipeline.extract.settings import TABLES
from pipeline.normalize.text import join_wrapped, squash

# The finder's tolerances, in one settings object (extract/settings.py). EDGE_TOL is
# exported: callers compare column edges the finder made.
EDGE_TOL = TABLES.edge_tol


@dataclass(slots=True)
class Cell:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: BBox
    text: str
    lines: list[str] = field(default_factory=list)  # the cell's text lines, top to bottom


@dataclass(slots=True)
class Table:
    page: int
    bbox: BBox
    cells: list[Cell]
    n_rows: int
    n_cols: int
    col_edges: list[float]
    ruled_columns: bool  # False when columns were inferred from text alignment
    row_boxes: list[BBox] = field(default_factory=list)
    _by_position: dict[tuple[int, int], Cell] | None = field(default=None, repr=False)

    def cell_at(self, row: int, col: int) -> Cell | None:
        return self._grid().get((row, col))

    def _grid(self) -> dict[tuple[int, int], Cell]:
        if self._by_position is None:
            self._by_position = {
                (r, c): cell
                for cell in self.cells
                for r in range(cell.row, cell.row + cell.rowspan)
                for c in range(cell.col, cell.col + cell.colspan)
            }
        return self._by_position

    def rows(self) -> list[list[Cell | None]]:
        """Each grid row as its cells, a merged cell repeated in every row and column it covers."""
        return [[self.cell_at(r, c) for c in range(self.n_cols)] for r in range(self.n_rows)]


def _covers(rule: Rule, lo: float, hi: float, tol: float = EDGE_TOL) -> bool:
    """Does the rule run across the middle of the interval [lo, hi]?"""
    mid = (lo + hi) / 2
    return rule.start - tol <= mid <= rule.end + tol


def _text_size(glyphs: Sequence[Glyph], default: float = 10.0) -> float:
    sizes = sorted(g.size for g in glyphs if not g.text.isspace())
    return sizes[len(sizes) // 2] if sizes else default


def prepare_page_tables(page: PageLayout) -> None:
    """Per-page work done where the page is read (in a worker with --jobs): its text
    lines and every ruled table of the page, cached on the layout."""
    page.body_lines()
    page.glyphs_in((0.0, 0.0, 0.0, 0.0))  # builds the glyph index
    find_tables(page, (0.0, 0.0, page.width, page.height))


def find_tables(page: PageLayout, region: BBox, stop_lines: Iterable[float] = ()) -> list[Table]:
    """Ruled tables inside `region` of a page.

    A table with vertical rules is a connected set of crossing rules (its merged
    cells may shorten inner rules, but every rule touches the frame). Rules that
    no vertical rule crosses form tables by stacking: horizontal rules sharing
    one x-extent, with text between each pair. `stop_lines` are y positions (e.g.
    of section labels) that such a stack cannot span. A box around other tables
    (a card's border) is not a table.
    """
    stops = sorted(stop_lines)
    # Several extractors ask for the same region, and the page reader asks first.
    key = (tuple(region), tuple(stops))
    cached = page.table_cache.get(key)
    if cached is not None:
        return cached
    size = _text_size(page.glyphs_in(region))
    hrules = [r for r in page.hrules(region) if r.end - r.start > 4 * size]
    vrules = [r for r in page.vrules(region) if r.end - r.start > 0.5 * size]
    boxes: list[BBox] = []
    used: set[Rule] = set()
    for h_group, v_group in _crossing_components(hrules, vrules):
        if len(h_group) >= 2 and len(v_group) >= 2:
            bbox = (
                min(r.start for r in h_group),
                min(r.pos for r in h_group),
                max(r.end for r in h_group),
                max(r.pos for r in h_group),
            )
            if _has_text(page, bbox):
                boxes.append(bbox)
                used.update(h_group)
    zebra = [
        z
        for z in _zebra_rules(page, region, size)
        if not any(b[1] - EDGE_TOL <= z.pos <= b[3] + EDGE_TOL for b in boxes)
        and not any(abs(z.pos - r.pos) <= EDGE_TOL for r in hrules)  # ruled already
    ]
    free = [r for r in hrules if r not in used] + zebra  # zebra keeps off the rules
    boxes += _stacked_tables(page, free, stops, size, region[3], set(zebra))
    tables = [
        _build_table(page, b)
        for b in boxes
        if not any(o is not b and _inside(o, b) for o in boxes)  # a frame around others
    ]
    tables.sort(key=lambda t: t.bbox[1])
    page.table_cache[key] = tables
    return tables


def _inside(inner: BBox, outer: BBox) -> bool:
    return (
        outer[0] + EDGE_TOL < inner[0]
        and inner[2] < outer[2] - EDGE_TOL
        and outer[1] - EDGE_TOL <= inner[1]
        and inner[3] <= outer[3] + EDGE_TOL
    )


def _stacked_tables(
    page: PageLayout,
    hrules: list[Rule],
    stops: list[float],
    size: float,
    bottom: float,
    zebra: set[Rule],
) -> list[BBox]:
    """Tables drawn with horizontal rules only: runs of rules sharing one x-extent (the
    edges of zebra fills among them)."""
    groups: list[list[Rule]] = []
    for r in sorted(hrules, key=lambda r: (r.start, r.end, r.pos)):
        for g in groups:
            if abs(g[0].start - r.start) <= EDGE_TOL and abs(g[0].end - r.end) <= EDGE_TOL:
                g.append(r)
                break
        else:
            groups.append([r])
    out: list[BBox] = []
    for g in groups:
        g.sort(key=lambda r: r.pos)
        run: list[Rule] = [g[0]]
        for r in [*g[1:], None]:
            if r is not None and _stack_joins(page, run, r, stops, size):
                run.append(r)
                continue
            if len(run) == 2 and r is None:
                run += _rows_at_page_foot(page, run, bottom)
            lone = len(run) == 2 and run[0] in zebra and run[1] in zebra
            if len(run) >= 2 and run[0] in zebra:
                run = _zebra_head(page, run, size, lone) + run
            if len(run) >= 2 and run[-1] in zebra:
                tail = _zebra_tail(page, run, size, lone)
                if not tail and len(run) == 2 and run[0] in zebra:
                    if not _header_at_page_foot(page, run, bottom):
                        run = [r] if r is not None else []
                        continue  # one shaded band alone: a heading, not a table
                run += tail
            if len(run) >= 2:
                out.append((run[0].start, run[0].pos, run[0].end, run[-1].pos))
            if r is not None:
                run = [r]
    return out


def _zebra_rules(page: PageLayout, region: BBox, size: float) -> list[Rule]:
    """The edges of zebra fills, as rules: shaded bands of one x-extent, each at most a
    row's height from the next (a header band and every other row shaded). A band
    alone (a ruled table's shaded header, a card's heading) is no evidence of rows."""
    x0, top, x1, bottom = region
    fills = sorted(
        (
            f
            for f in page.fills
            if f.filled
            and not f.stroked
            and f.x1 - f.x0 > 4 * size
            and top - EDGE_TOL <= f.top
            and f.bottom <= bottom + EDGE_TOL
            and x0 - EDGE_TOL <= f.x0
            and f.x1 <= x1 + EDGE_TOL
        ),
        key=lambda f: (round(f.x0), round(f.x1), f.top),
    )
    chained: set[int] = set()
    for i, (a, b) in enumerate(pairwise(fills)):
        same = abs(a.x0 - b.x0) <= EDGE_TOL and abs(a.x1 - b.x1) <= EDGE_TOL
        if same and 0 <= b.top - a.bottom <= TABLES.max_row_em * size:
            chained |= {i, i + 1}
    vrules = page.vrules(region)
    out: list[Rule] = []
    for i, f in enumerate(fills):
        if i in chained or not _ruled_across(f, vrules):
            out += [Rule(True, f.top, f.x0, f.x1), Rule(True, f.bottom, f.x0, f.x1)]
    return list(dict.fromkeys(out))


def _ruled_across(fill: Fill, vrules: list[Rule]) -> bool:
    """Does a vertical rule cross this band? Then it is a cell of a ruled grid (a shaded
    header), evidence of that grid's rows, not of zebra rows."""
    return any(
        fill.x0 - EDGE_TOL <= v.pos <= fill.x1 + EDGE_TOL
        and v.start < fill.bottom - EDGE_TOL
        and v.end > fill.top + EDGE_TOL
        for v in vrules
    )


def _header_at_page_foot(page: PageLayout, run: list[Rule], bottom: float) -> bool:
    """A shaded band set in columns with nothing under it but the page label: a
    table's header whose rows went to the next page."""
    top, under = run
    return not _lines_below(page, under, bottom) and len(_text_columns(page, top, under)) >= 2


def _zebra_head(page: PageLayout, run: list[Rule], size: float, lone: bool) -> list[Rule]:
    """A zebra table continued at a page's top with an unshaded row first: the block of
    text right above its first band, when it is set in two or more columns and keeps
    to the columns of the band's text (cell for cell, when the band is `lone`)."""
    first = run[0]
    edge = _block_edge(page, first, size, upward=True)
    if edge is None:
        return []
    start = replace(first, pos=edge - 1.0)
    if any(not g.text.isspace() for g in page.glyphs_in((first.start, 0.0, first.end, start.pos))):
        return []  # not at the page's top: text above it (a paragraph's last line)
    in_columns = len(_text_columns(page, start, first)) >= 2
    fits = _keeps_to_columns(page, run[0], run[1], start, first)
    if lone:
        fits = fits and _cell_for_cell(page, (run[0], run[1]), (start, first))
    return [start] if in_columns and fits else []


def _zebra_tail(page: PageLayout, run: list[Rule], size: float, lone: bool) -> list[Rule]:
    """A zebra table's last row when it is not shaded: the block of text right under its
    last band, when it keeps to the header's columns and is set in two or more of them
    (cell for cell under a `lone` band: a one-row table under its header band)."""
    last = run[-1]
    edge = _block_edge(page, last, size, upward=False)
    if edge is None:
        return []
    end = replace(last, pos=edge + 1.0)
    fits = _keeps_to_columns(page, run[0], run[1], last, end)
    if lone:
        fits = fits and _cell_for_cell(page, (run[0], run[1]), (last, end))
    return [end] if fits and len(_text_columns(page, last, end)) >= 2 else []


def _cell_for_cell(page: PageLayout, band: tuple[Rule, Rule], block: tuple[Rule, Rule]) -> bool:
    """One shaded band is weak evidence of a table (a card's heading band is one too):
    the block beside it belongs to it only when each of its cells stands under its own
    cell of the band's text, no two under one (a total and its figure under a heading's
    title do not)."""
    band_cells = _text_columns(page, *band)
    cells = _text_columns(page, *block)
    return len(band_cells) >= 2 and all(
        sum(a < d and c < b for c, d in cells) <= 1 for a, b in band_cells
    )


def _block_edge(page: PageLayout, rule: Rule, size: float, upward: bool) -> float | None:
    """The far edge of the block of text right beside a rule (above or below it): its
    first line within an em of the rule (a row's padding), each next line closer than a
    row gap; None when no text stands there."""
    reach = TABLES.max_row_em * size
    lo, hi = (rule.pos - reach, rule.pos) if upward else (rule.pos, rule.pos + reach)
    lines = build_lines(page.glyphs_in((rule.start, lo, rule.end, hi)))
    edge, found = rule.pos, False
    for ln in reversed(lines) if upward else lines:
        gap = edge - ln.bottom if upward else ln.top - edge
        if gap > (TABLES.row_gap_em if found else 1.0) * size:
            break
        edge, found = (ln.top if upward else ln.bottom), True
    return edge if found else None


def _lines_below(page: PageLayout, rule: Rule, bottom: float) -> list[TextLine]:
    """The lines under a rule down to `bottom`, the page label aside."""
    glyphs = page.glyphs_in((rule.start, rule.pos, rule.end, bottom))
    return [ln for ln in build_lines(glyphs) if not page.is_footer(ln)]


def _rows_at_page_foot(page: PageLayout, run: list[Rule], bottom: float) -> list[Rule]:
    """A booktabs table the page breaks: no rule closes its rows at the page's foot.
    Text below the header down to the region's end (the page label aside) that keeps
    to the header's columns is its body; a rule where that text ends closes it."""
    under = run[-1]
    lines = _lines_below(page, under, bottom)
    if not lines:
        return []
    end = replace(under, pos=max(ln.bottom for ln in lines) + 1.0)
    return [end] if _keeps_to_columns(page, run[0], under, under, end) else []


def _stack_joins(
    page: PageLayout, run: list[Rule], r: Rule, stops: list[float], size: float
) -> bool:
    """Does rule r close one more row of the stacked table `run`?"""
    prev = run[-1]
    if not _has_text(page, (prev.start, prev.pos, prev.end, r.pos)):
        return False
    if any(prev.pos < s < r.pos for s in stops):
        return False
    if r.pos - prev.pos <= TABLES.max_row_em * size:
        return True
    if len(run) >= 2:
        # A tall body (booktabs: no rules between its rows) is the table's when its
        # text keeps to the header's columns.
        return _keeps_to_columns(page, run[0], run[1], prev, r)
    # A body continued from the page before (no header above it), when its text stands
    # in columns with white space between them on every line.
    return len(_text_columns(page, prev, r)) >= 2


def _pieces(
    page: PageLayout, x0: float, top: float, x1: float, bottom: float, gap_em: float
) -> list[TextLine]:
    lines = build_lines(page.glyphs_in((x0, top, x1, bottom)))
    return [p for ln in lines for p in ln.split(gap_em)]


def _keeps_to_columns(page: PageLayout, top: Rule, under_header: Rule, prev: Rule, r: Rule) -> bool:
    """Whether the text between two rules keeps to the columns of the header above: no
    piece of it runs under two header cells (running text does; a cell's text, however
    long its wrapped lines, stays under its own header, centred or not)."""
    header = _pieces(page, top.start, top.pos, top.end, under_header.pos, TABLES.column_gap_em)
    centres = [(a + b) / 2 for a, b in _header_cells((p.x0, p.x1) for p in header)]
    if len(centres) < 2:
        return False
    # Cells that nearly fill their columns leave less than an em between them; running
    # text never leaves half an em between its glyphs (but at a full-width space).
    body = _pieces(page, prev.start, prev.pos, prev.end, r.pos, TABLES.cell_gap_em)
    return bool(body) and all(sum(p.x0 <= c <= p.x1 for c in centres) <= 1 for p in body)


def _text_columns(page: PageLayout, above: Rule, below: Rule) -> list[list[float]]:
    """The x-extents the text between two rules keeps to: one for running text, one per
    column for text set in columns (cells leave more white space than words do)."""
    body = _pieces(page, above.start, above.pos, above.end, below.pos, TABLES.cell_gap_em)
    return _header_cells((p.x0, p.x1) for p in body)


def _has_text(page: PageLayout, bbox: BBox) -> bool:
    return any(not g.text.isspace() for g in page.glyphs_in(bbox, pad=-0.5))


def _crossing_components(
    hrules: list[Rule], vrules: list[Rule]
) -> list[tuple[list[Rule], list[Rule]]]:
    """Groups of horizontal and vertical rules connected by crossings or touching ends."""
    rules = hrules + vrules
    uf = _UnionFind(len(rules))
    nh = len(hrules)
    # Each vertical rule meets the horizontal rules whose y lies along it: found by
    # bisection in y order, not by trying every pair (a page of many short rulings).
    by_y = sorted(range(nh), key=lambda i: hrules[i].pos)
    ys = [hrules[i].pos for i in by_y]
    for j, v in enumerate(vrules):
        lo = bisect.bisect_left(ys, v.start - EDGE_TOL)
        hi = bisect.bisect_right(ys, v.end + EDGE_TOL)
        for i in by_y[lo:hi]:
            h = hrules[i]
            if h.start - EDGE_TOL <= v.pos <= h.end + EDGE_TOL:
                uf.union(i, nh + j)
    comps: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, r in enumerate(rules):
        h_group, v_group = comps.setdefault(uf.find(i), ([], []))
        (h_group if r.horizontal else v_group).append(r)
    return list(comps.values())


def text_above(page: PageLayout, region: BBox, table: Table) -> bool:
    """Whether body text stands in `region` above the table (the page label aside)."""
    x0, top, x1, _ = region
    return any(
        ln.bottom <= table.bbox[1] + EDGE_TOL and x0 <= ln.x0 and ln.x1 <= x1
        for ln in page.body_lines()
        if ln.top >= top
    )


def rows_at_page_top(page: PageLayout, region: BBox, col_edges: Sequence[float]) -> Table | None:
    """Rows of a table continued at the page's top with no rule or fill to show them
    (an unshaded zebra row run on alone): the lines from the top of `region` set in the
    given columns, every piece inside one column and two or more columns used."""
    x0, top, x1, _ = region
    inner = [x for x in col_edges if x0 < x < x1]
    size = _text_size(page.glyphs_in(region))
    block: list[TextLine] = []
    for ln in (ln for ln in page.body_lines() if ln.top >= top):
        if block and ln.top - block[-1].bottom > TABLES.run_on_gap_em * size:
            break
        pieces = ln.split(TABLES.cell_gap_em)
        columns = {bisect.bisect(inner, (p.x0 + p.x1) / 2) for p in pieces}
        crosses = any(p.x0 + EDGE_TOL < x < p.x1 - EDGE_TOL for p in pieces for x in inner)
        if crosses or len(columns) < 2 or len(columns) < len(pieces):
            break
        block.append(ln)
    if not block:
        return None
    bbox = (col_edges[0], block[0].top - 1.0, col_edges[-1], block[-1].bottom + 1.0)
    return _build_table(page, bbox, forced_columns=col_edges)


def regrid(page: PageLayout, table: Table, col_edges: Sequence[float]) -> Table:
    """Rebuild an unruled table on given column edges (those of the table it continues)."""
    return _build_table(page, table.bbox, forced_columns=col_edges)


def _build_table(
    page: PageLayout, bbox: BBox, forced_columns: Sequence[float] | None = None
) -> Table:
    # A grid depends on nothing but the page and these arguments, and the page's
    # tables are looked for in several regions (whole page, card bodies, indexes).
    key = (tuple(bbox), None if forced_columns is None else tuple(forced_columns))
    table = page.grid_cache.get(key)
    if table is None:
        table = page.grid_cache[key] = _grid_table(page, bbox, forced_columns)
    return table


def _grid_table(page: PageLayout, bbox: BBox, forced_columns: Sequence[float] | None) -> Table:
    """The grid of one table: its rulings, its rows and columns (ruled, given, or
    inferred), cells merged where nothing parts them, and each cell's text."""
    x0, top, x1, bottom = bbox
    inner_h, vrules = _rulings_in(page, bbox)
    glyphs = [g for g in page.glyphs_in(bbox) if not g.text.isspace()]
    size = _text_size(glyphs)
    interior_v = [r for r in vrules if x0 + EDGE_TOL < r.pos < x1 - EDGE_TOL]
    ruled_columns = bool(interior_v)
    ruled_ys = _cluster([r.pos for r in inner_h] + [top, bottom])
    ys = ruled_ys
    if ruled_columns:
        xs = _cluster([r.pos for r in interior_v] + [x0, x1])
    elif forced_columns is not None:
        xs = [x0, *(x for x in forced_columns if x0 + EDGE_TOL < x < x1 - EDGE_TOL), x1]
        ys = _split_unruled_bands(glyphs, ys, size, xs)
    else:
        xs = _inferred_columns(glyphs, inner_h, bbox, ys, size)
        ys = _split_unruled_bands(glyphs, ys, size, xs)
    grid = _Grid(glyphs, xs, ys, size, ruled_columns)
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


def _inferred_columns(
    glyphs: Sequence[Glyph], inner_h: list[Rule], bbox: BBox, ys: list[float], size: float
) -> list[float]:
    """Column edges of a table without vertical rules: white strips through it, partial
    rules' ends, the body's left-aligned columns, and the header's cells."""
    x0, top, x1, bottom = bbox
    partial_ends = [
        e for e in _partial_rule_ends(inner_h, size) if x0 + EDGE_TOL < e < x1 - EDGE_TOL
    ]
    # Without a rule under the header (a table framed by its outer border only), the
    # header is its first row as white space parts the rows.
    rows = ys if len(ys) >= 3 else _split_unruled_bands(glyphs, ys, size, [x0, x1])
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
    xs = _cluster(cuts + _aligned_body_cuts(glyphs, rows, size, cuts) + [x0, x1])
    body_strips = _vertical_strips(
        [g for g in glyphs if len(rows) < 2 or g.mid >= rows[1]], TABLES.column_gap_em * size
    )
    # A header band split in rows by white space only (a zebra table's shaded header)
    # is read row by row as well.
    bands = sorted({*ys, *_split_unruled_bands(glyphs, rows[:2], size, [x0, x1])})
    cuts = _cuts_between_header_cells(glyphs, xs, rows, size, bands, body_strips)
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


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


@dataclass
class _Grid:
    """A table's grid cells and the steps that merge them into its cells."""

    glyphs: Sequence[Glyph]
    xs: list[float]
    ys: list[float]
    size: float
    ruled_columns: bool

    def merged(
        self, inner_h: list[Rule], vrules: list[Rule], ruled_ys: set[float]
    ) -> list[list[tuple[int, int]]]:
        """Grid cells (row, col) grouped into cells: two neighbours merge when no rule
        (or, inferred, no white) parts them."""
        xs, ys = self.xs, self.ys
        n_rows, n_cols = len(ys) - 1, len(xs) - 1
        uf = _UnionFind(n_rows * n_cols)
        for i in range(n_rows):
            for j in range(n_cols):
                if j + 1 < n_cols and not self._parted_across(i, j, vrules):
                    uf.union(i * n_cols + j, i * n_cols + j + 1)
                if i + 1 < n_rows and not self._parted_down(i, j, inner_h, ruled_ys):
                    uf.union(i * n_cols + j, (i + 1) * n_cols + j)
        if not self.ruled_columns:
            for i in _band_rows(self.glyphs, xs, ys, uf.find):
                for j in range(n_cols - 1):
                    uf.union(i * n_cols + j, i * n_cols + j + 1)
            if n_rows >= 3:
                for a, b in _group_spans(self.glyphs, xs, ys, self.size, uf.find):
                    for j in range(a, b):
                        uf.union(j, j + 1)
            self._merge_down_in_header(uf, sorted(ruled_ys))
        members: dict[int, list[tuple[int, int]]] = {}
        for i in range(n_rows):
            for j in range(n_cols):
                members.setdefault(uf.find(i * n_cols + j), []).append((i, j))
        return list(members.values())

    def _merge_down_in_header(self, uf: _UnionFind, ruled_ys: list[float]) -> None:
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
            return any(abs(r.pos - xb) <= EDGE_TOL and _covers(r, y0, y1) for r in vrules)
        # Inferred boundary: it holds unless text runs across it in this row.
        crossed = any(
            g.x0 < xb - 0.5 < xb + 0.5 < g.x1
            or (g.x0 < xb < g.x1 and min(xb - g.x0, g.x1 - xb) > 1)
            for g in self.glyphs
            if y0 <= g.mid <= y1
        )
        return not crossed and not _text_spans(self.glyphs, y0, y1, xb, self.size, header=i == 0)

    def _parted_down(self, i: int, j: int, inner_h: list[Rule], ruled_ys: set[float]) -> bool:
        """Is grid cell (i, j) parted from (i + 1, j)?"""
        xs, ys = self.xs, self.ys
        yb = ys[i + 1]
        if yb in ruled_ys:
            return any(
                abs(r.pos - yb) <= EDGE_TOL and _covers(r, xs[j], xs[j + 1]) for r in inner_h
            )
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


def _cluster(values: Iterable[float], tol: float = EDGE_TOL) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _header_cells(extents: Iterable[tuple[float, float]]) -> list[list[float]]:
    """Header cells from the x-extents of the header's text pieces: the lines of one
    cell's wrapped text overlap, and make one cell."""
    cells: list[list[float]] = []
    for a, b in sorted(extents):
        if cells and a <= cells[-1][1]:
            cells[-1][1] = max(cells[-1][1], b)
        else:
            cells.append([a, b])
    return cells


def _cuts_between_header_cells(
    glyphs: Sequence[Glyph],
    xs: list[float],
    ys: list[float],
    size: float,
    bands: list[float],
    strips: Sequence[tuple[float, float]] = (),
) -> list[float]:
    """Inferred columns where white space alone finds none: every two header cells have
    a boundary between them (values that nearly fill their columns leave no strip of
    white). It goes where it crosses the fewest body glyphs, nearest the gap's middle.
    A header of several rows (`bands`: 財源内訳 over 国庫 その他 一般財源) is read row
    by row: no boundary runs through a cell's text unless the cell spans cells of the
    row below."""
    if len(ys) < 3:
        return xs
    header = [g for g in glyphs if g.mid < ys[1]]
    rows = [
        _header_cells(_header_extents([g for g in header if lo <= g.mid < hi]))
        for lo, hi in pairwise([ys[0], *(y for y in bands if ys[0] < y < ys[1]), ys[1]])
    ]
    # With one header row a boundary may run through a text centred over two columns
    # (項目名 over parent and sub-labels): nothing shows which texts span. With several,
    # a text spans when it stands over several cells of a row below.
    solid = [
        (k, a0, a1)
        for k, cells in enumerate(rows)
        for a0, a1 in cells
        if len(rows) > 1
        and not any(
            sum(a0 <= (c0 + c1) / 2 <= a1 for c0, c1 in lower) >= 2 for lower in rows[k + 1 :]
        )
    ]
    body = [g for g in glyphs if g.mid >= ys[1]]

    def spans_parted_cells(k: int, a0: float, a1: float, x: float) -> bool:
        """A group's text centred over its columns (総人口 over 年少 生産年齢 老年) spans
        them, however narrow: two cells of a row below part right under it, and none
        of that row's texts is its own wrapped rest (standing within its extent)."""
        lower = [c for cells in rows[k + 1 :] for c in cells]
        if any(a0 - 0.5 * size <= c0 and c1 <= a1 + 0.5 * size for c0, c1 in lower):
            return False
        return any(c1 <= x <= d0 for cells in rows[k + 1 :] for (_, c1), (d0, _) in pairwise(cells))

    def clear(x: float) -> bool:
        return all(
            spans_parted_cells(k, a0, a1, x) for k, a0, a1 in solid if a0 + 0.5 < x < a1 - 0.5
        )

    out = [x for x in (_clear_in_strip(x, strips, rows, clear) for x in xs) if x is not None]
    for cells in rows:
        for (a0, a1), (b0, b1) in pairwise(cells):
            ca, cb = (a0 + a1) / 2, (b0 + b1) / 2
            if any(ca < x < cb for x in out):
                continue
            # Between the two cells' texts, never through one (a wide cell's centre may
            # lie far from the gap beside a narrow one).
            middle = (a1 + b0) / 2
            spots = {a1, b0, middle} | {
                e for g in body for e in (g.x0 - 0.1, g.x1 + 0.1) if a1 <= e <= b0
            }
            cut = min(
                {x for x in spots if clear(x)} or spots,
                key=lambda x: (sum(g.x0 < x < g.x1 for g in body), abs(x - middle)),
            )
            if not _body_runs_across(body, cut, a0, b1):
                out.append(cut)
    return sorted(out)


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


def _split_unruled_bands(
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
    n_cols = len(xs) - 1

    def texts(i: int) -> dict[int, list[Glyph]]:
        out: dict[int, list[Glyph]] = {}
        for g in glyphs:
            if ys[i] <= g.mid <= ys[i + 1] and not g.text.isspace():
                j = min(max(bisect.bisect_right(xs, (g.x0 + g.x1) / 2) - 1, 0), n_cols - 1)
                out.setdefault(find(i * n_cols + j), []).append(g)
        return out

    filled_below = {j for j in range(n_cols) if not _empty(glyphs, xs, ys, 1, j)}
    claimed: set[int] = set()

    groups = sorted(texts(0).items(), key=lambda kv: min(g.x0 for g in kv[1]))
    centres = [(min(g.x0 for g in gs) + max(g.x1 for g in gs)) / 2 for _, gs in groups]

    def free(j: int, centre: float) -> bool:
        """No text of its own row, not the top of a taller cell, nearer this text than
        any other of the row (a group's columns stand under it, not under the next)."""
        mid = (xs[j] + xs[j + 1]) / 2
        return (
            _empty(glyphs, xs, ys, 0, j)
            and find(j) != find(n_cols + j)
            and j not in claimed
            and all(abs(mid - centre) <= abs(mid - c) for c in centres)
        )

    spans = []
    for (root, _), centre in zip(groups, centres, strict=True):
        own = sorted({j for j in range(n_cols) if find(j) == root})
        lo, hi = own[0], own[-1]
        while lo > 0 and free(lo - 1, centre):
            lo -= 1
        while hi + 1 < n_cols and free(hi + 1, centre):
            hi += 1

        def off(ab: tuple[int, int], centre: float = centre) -> float:
            return abs((xs[ab[0]] + xs[ab[1] + 1]) / 2 - centre)

        fits = [
            (a, b)
            for a in range(lo, own[0] + 1)
            for b in range(own[-1], hi + 1)
            if (a, b) != (own[0], own[-1])
            and off((a, b)) <= TABLES.group_centre_em * size
            and len(filled_below & set(range(a, b + 1))) >= 2
        ]
        if fits:
            best = min(fits, key=lambda ab: (off(ab), ab[1] - ab[0]))
            spans.append(best)
            claimed.update(range(best[0], best[1] + 1))
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


def header_texts(table: Table) -> list[str]:
    """The first row's cell texts, one per grid column ("" for the columns a merged cell spans)."""
    out: list[str] = []
    for j in range(table.n_cols):
        c = table.cell_at(0, j)
        out.append(c.text if c is not None and c.col == j else "")
    return out


def same_header(a: Sequence[str], b: Sequence[str]) -> bool:
    return [squash(x) for x in a] == [squash(x) for x in b]
