"""The parts ruled tables are built of: cells and tables, and the small geometric steps
the finder's stages share (tolerances: `TableSettings`, extract/settings.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pipeline.extract.layout import BBox, Glyph, PageLayout, Rule, TextLine, build_lines
from pipeline.extract.settings import TABLES
from pipeline.normalize.text import squash

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


def header_texts(table: Table) -> list[str]:
    """The first row's cell texts, one per grid column ("" for the columns a merged cell spans)."""
    out: list[str] = []
    for j in range(table.n_cols):
        c = table.cell_at(0, j)
        out.append(c.text if c is not None and c.col == j else "")
    return out


def same_header(a: Sequence[str], b: Sequence[str]) -> bool:
    return [squash(x) for x in a] == [squash(x) for x in b]


def covers(rule: Rule, lo: float, hi: float, tol: float = EDGE_TOL) -> bool:
    """Does the rule run across the middle of the interval [lo, hi]?"""
    mid = (lo + hi) / 2
    return rule.start - tol <= mid <= rule.end + tol


def text_size(glyphs: Sequence[Glyph], default: float = 10.0) -> float:
    sizes = sorted(g.size for g in glyphs if not g.text.isspace())
    return sizes[len(sizes) // 2] if sizes else default


def cluster(values: Iterable[float], tol: float = EDGE_TOL) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


class UnionFind:
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


def header_cells(extents: Iterable[tuple[float, float]]) -> list[list[float]]:
    """Header cells from the x-extents of the header's text pieces: the lines of one
    cell's wrapped text overlap, and make one cell."""
    cells: list[list[float]] = []
    for a, b in sorted(extents):
        if cells and a <= cells[-1][1]:
            cells[-1][1] = max(cells[-1][1], b)
        else:
            cells.append([a, b])
    return cells


def text_pieces(
    page: PageLayout, x0: float, top: float, x1: float, bottom: float, gap_em: float
) -> list[TextLine]:
    lines = build_lines(page.glyphs_in((x0, top, x1, bottom)))
    return [p for ln in lines for p in ln.split(gap_em)]
