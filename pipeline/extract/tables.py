"""Ruled tables as grids with spans, rebuilt from the rulings themselves.

pdfplumber's table finder needs both rule directions and reports merged cells
as None; here a table is a stack of horizontal rules sharing one x-extent. Row
boundaries are every horizontal rule inside it (partial ones too); column
boundaries are the vertical rules, or, when a table has none, the gaps in the
text's horizontal projection plus the ends of partial horizontal rules, a boundary
between every two header cells, and the left edges the body's text aligns on. Two
grid cells merge when no rule separates them, which rebuilds merged cells. The
tolerances are `TableSettings` (extract/settings.py).

The steps, in pdfplumber's small-step style: stacking.py finds where tables stand,
grid.py builds a region's grid and merges its cells, columns.py infers the columns
of a table without vertical rules; grid_parts.py holds the cells and tables.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from pipeline.extract.grid import build_table
from pipeline.extract.grid_parts import EDGE_TOL, Cell, Table, header_texts, same_header, text_size
from pipeline.extract.layout import BBox, PageLayout, Rule, TextLine
from pipeline.extract.settings import TABLES
from pipeline.extract.stacking import crossing_components, has_text, stacked_tables, zebra_rules

__all__ = [
    "Cell",
    "EDGE_TOL",
    "Table",
    "find_tables",
    "header_texts",
    "prepare_page_tables",
    "regrid",
    "rows_at_page_top",
    "same_header",
    "text_above",
]


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
    size = text_size(page.glyphs_in(region))
    hrules = [r for r in page.hrules(region) if r.end - r.start > 4 * size]
    vrules = [r for r in page.vrules(region) if r.end - r.start > 0.5 * size]
    boxes: list[BBox] = []
    used: set[Rule] = set()
    for h_group, v_group in crossing_components(hrules, vrules):
        if len(h_group) >= 2 and len(v_group) >= 2:
            bbox = (
                min(r.start for r in h_group),
                min(r.pos for r in h_group),
                max(r.end for r in h_group),
                max(r.pos for r in h_group),
            )
            if has_text(page, bbox):
                boxes.append(bbox)
                used.update(h_group)
    zebra = [
        z
        for z in zebra_rules(page, region, size)
        if not any(b[1] - EDGE_TOL <= z.pos <= b[3] + EDGE_TOL for b in boxes)
        and not any(abs(z.pos - r.pos) <= EDGE_TOL for r in hrules)  # ruled already
    ]
    free = [r for r in hrules if r not in used] + zebra  # zebra keeps off the rules
    boxes += stacked_tables(page, free, stops, size, region[3], set(zebra))
    tables = [
        build_table(page, b)
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
    size = text_size(page.glyphs_in(region))
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
    return build_table(page, bbox, forced_columns=col_edges)


def regrid(
    page: PageLayout, table: Table, col_edges: Sequence[float], headed: bool = True
) -> Table:
    """Rebuild an unruled table on given column edges (those of the table it continues);
    `headed=False`: it has no header of its own."""
    return build_table(page, table.bbox, forced_columns=col_edges, headed=headed)
