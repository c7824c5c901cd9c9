"""Where tables stand on a page: stacks of horizontal rules sharing one x-extent,
zebra bands read as rows, and the stacks a page break or a header splits joined."""

from __future__ import annotations

import bisect
from dataclasses import replace
from itertools import pairwise

from pipeline.extract.grid_parts import EDGE_TOL, UnionFind, header_cells, text_pieces
from pipeline.extract.layout import BBox, Fill, PageLayout, Rule, TextLine, build_lines
from pipeline.extract.settings import TABLES


def stacked_tables(
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
        g.sort(key=lambda rule: rule.pos)
        run: list[Rule] = [g[0]]
        nexts: list[Rule | None] = [*g[1:], None]
        for nxt in nexts:
            if nxt is not None and _stack_joins(page, run, nxt, stops, size):
                run.append(nxt)
                continue
            table = _closed_run(page, run, nxt is None, size, bottom, zebra)
            if table is not None:
                out.append(table)
            run = [nxt] if nxt is not None else []
    return out


def _closed_run(
    page: PageLayout, run: list[Rule], last: bool, size: float, bottom: float, zebra: set[Rule]
) -> BBox | None:
    """The table a run of rules makes, once the next rule does not join it (`last`: no
    rule follows): zebra bands extend it, one shaded band alone is a heading."""
    if len(run) == 2 and last:
        run = run + _rows_at_page_foot(page, run, bottom)
    lone = len(run) == 2 and run[0] in zebra and run[1] in zebra
    if len(run) >= 2 and run[0] in zebra:
        run = _zebra_head(page, run, size, lone) + run
    if len(run) >= 2 and run[-1] in zebra:
        tail = _zebra_tail(page, run, size, lone)
        if not tail and len(run) == 2 and run[0] in zebra:
            if not _header_at_page_foot(page, run, bottom):
                return None  # one shaded band alone: a heading, not a table
        run = run + tail
    if len(run) >= 2:
        return (run[0].start, run[0].pos, run[0].end, run[-1].pos)
    return None


def zebra_rules(page: PageLayout, region: BBox, size: float) -> list[Rule]:
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
    if not has_text(page, (prev.start, prev.pos, prev.end, r.pos)):
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


def _keeps_to_columns(page: PageLayout, top: Rule, under_header: Rule, prev: Rule, r: Rule) -> bool:
    """Whether the text between two rules keeps to the columns of the header above: no
    piece of it runs under two header cells (running text does; a cell's text, however
    long its wrapped lines, stays under its own header, centred or not)."""
    header = text_pieces(page, top.start, top.pos, top.end, under_header.pos, TABLES.column_gap_em)
    centres = [(a + b) / 2 for a, b in header_cells((p.x0, p.x1) for p in header)]
    if len(centres) < 2:
        return False
    # Cells that nearly fill their columns leave less than an em between them; running
    # text never leaves half an em between its glyphs (but at a full-width space).
    body = text_pieces(page, prev.start, prev.pos, prev.end, r.pos, TABLES.cell_gap_em)
    return bool(body) and all(sum(p.x0 <= c <= p.x1 for c in centres) <= 1 for p in body)


def _text_columns(page: PageLayout, above: Rule, below: Rule) -> list[list[float]]:
    """The x-extents the text between two rules keeps to: one for running text, one per
    column for text set in columns (cells leave more white space than words do)."""
    body = text_pieces(page, above.start, above.pos, above.end, below.pos, TABLES.cell_gap_em)
    return header_cells((p.x0, p.x1) for p in body)


def has_text(page: PageLayout, bbox: BBox) -> bool:
    return any(not g.text.isspace() for g in page.glyphs_in(bbox, pad=-0.5))


def crossing_components(
    hrules: list[Rule], vrules: list[Rule]
) -> list[tuple[list[Rule], list[Rule]]]:
    """Groups of horizontal and vertical rules connected by crossings or touching ends."""
    rules = hrules + vrules
    uf = UnionFind(len(rules))
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
