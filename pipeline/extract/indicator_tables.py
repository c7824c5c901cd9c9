"""A card's ruled grids into indicator tables: header and label columns, rows with
their parent labels carried down, a table continued over a page break joined to its start."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from pipeline.extract.layout import BBox, PageLayout
from pipeline.extract.sections import (
    PlacedLine,
)
from pipeline.extract.tables import (
    EDGE_TOL,
    Table,
    header_texts,
    regrid,
    same_header,
)
from pipeline.findings import Finding
from pipeline.normalize.text import nfkc


@dataclass(slots=True)
class IndicatorRow:
    label: str
    values: list[str]
    page: int
    bbox: BBox


@dataclass(slots=True)
class IndicatorTable:
    header: list[str]  # as printed: label column(s) then one label per period column
    label_columns: int
    rows: list[IndicatorRow]
    page: int
    bbox: BBox
    ruled_columns: bool
    col_edges: list[float]
    header_boxes: list[tuple[int, BBox]] = field(default_factory=list)  # (page, box) per part

    @property
    def period_labels(self) -> list[str]:
        return self.header[self.label_columns :]


def assemble_indicator_tables(
    raw: list[Table], body: list[PlacedLine], pages: dict[int, PageLayout]
) -> tuple[list[IndicatorTable], list[Finding]]:
    """Turn grids into indicator tables; a headerless grid, or one repeating the
    header at the top of the next page, continues the table before it."""
    out: list[IndicatorTable] = []
    findings: list[Finding] = []
    parents: dict[int, dict[int, str]] = {}  # per table: the parent labels above each row
    for t in raw:
        header = header_texts(t)
        has_header = looks_like_header(header)
        prev = out[-1] if out else None
        continues = prev is not None and t.page != prev.page and not _text_between(prev, t, body)
        if prev is not None and continues and (not has_header or same_header(header, prev.header)):
            target = prev
            t = _continued_part(prev, t, has_header, pages, findings)
        elif has_header:
            label_cols = _label_columns(t)
            header = _label_header_first(header, label_cols)
            target = IndicatorTable(
                header, label_cols, [], t.page, t.bbox, t.ruled_columns, t.col_edges
            )
            out.append(target)
        else:
            message = "a table without a header row (naming its periods) was not read"
            findings.append(Finding("tables.header_found", message, t.page, t.bbox))
            continue
        if has_header:
            target.header_boxes.append((t.page, t.row_boxes[0]))
        _add_rows(target, t, 1 if has_header else 0, parents.setdefault(id(target), {}))
    return out, findings


def _continued_part(
    prev: IndicatorTable,
    t: Table,
    has_header: bool,
    pages: dict[int, PageLayout],
    findings: list[Finding],
) -> Table:
    """A grid continuing `prev` on a later page, in prev's columns where it can be."""
    if not has_header and not t.ruled_columns and t.n_cols != len(prev.header):
        # Unruled and headerless: its columns are those of the part it continues.
        t = regrid(pages[t.page], t, prev.col_edges)
    if t.n_cols != len(prev.header) and not prev.rows:
        _spread_header(prev, t)
    if t.n_cols != len(prev.header):
        findings.append(
            Finding(
                "tables.continued_columns",
                f"a table continued from the page before has {t.n_cols} columns, "
                f"its start {len(prev.header)}",
                t.page,
                t.bbox,
                observed=t.n_cols,
                expected=len(prev.header),
            )
        )
    return t


def _add_rows(target: IndicatorTable, t: Table, start_row: int, above: dict[int, str]) -> None:
    """The grid's body rows as indicator rows: labels (parents carried down), values."""
    for r in range(start_row, t.n_rows):
        cells = [t.cell_at(r, j) for j in range(t.n_cols)]
        texts = [c.text if c is not None else "" for c in cells]
        labels: list[str] = []
        for j in range(target.label_columns):
            if j < target.label_columns - 1:
                # A parent label drawn as plain cells is printed on its first row
                # only: blank cells below it are still under it (as a merged cell).
                texts[j] = texts[j] or above.get(j, "")
                above[j] = texts[j]
            if texts[j] and (not labels or labels[-1] != texts[j]):
                labels.append(texts[j])
        values = texts[target.label_columns :]
        if any(labels) or any(values):
            target.rows.append(IndicatorRow(_join_labels(labels), values, t.page, t.row_boxes[r]))


def _spread_header(table: IndicatorTable, rows: Table) -> None:
    """A header left alone at a page's foot, over the finer columns of the rows on the
    next page (a sub-label column under a merged 項目名): each header cell spans the
    columns inside it. Nothing changes unless every edge of the header is one of theirs."""
    edges = table.col_edges
    if not all(any(abs(e - x) <= EDGE_TOL for x in rows.col_edges) for e in edges):
        return

    def inside(a: float, b: float) -> int:
        return sum(a - EDGE_TOL <= x0 and x1 <= b + EDGE_TOL for x0, x1 in pairwise(rows.col_edges))

    header: list[str] = []
    for text, a, b in zip(table.header, edges, edges[1:]):
        header += [text] + [""] * (inside(a, b) - 1)
    table.label_columns = inside(edges[0], edges[table.label_columns])
    table.header, table.col_edges = header, list(rows.col_edges)


def _header_text(t: Table, j: int) -> str:
    cell = t.cell_at(0, j)
    return cell.text.strip() if cell is not None else ""


def _label_header_first(header: list[str], label_columns: int) -> list[str]:
    """The label columns' header as a merged cell prints it: its text, then blanks."""
    labels = [h for h in header[:label_columns] if h.strip()]
    if len(labels) != 1:
        return header
    return [labels[0]] + [""] * (label_columns - 1) + header[label_columns:]


def _join_labels(parts: list[str]) -> str:
    out = ""
    for p in parts:
        out = f"{out} {p}" if out else p
    return out


def looks_like_header(header: list[str]) -> bool:
    """A header row names periods ("元年度", "2年度", "R3") in its value columns."""
    return sum(1 for h in header[1:] if re.search(r"(年度?|^[RHS]\d+)", nfkc(h))) >= 1 and not any(
        re.search(r"\d+\s*[件名回社]", nfkc(h)) for h in header
    )


def _label_columns(t: Table) -> int:
    """Columns covered by the header's first cell (two for a parent/sub-label column),
    and the blank header cells right before and after it: a parent/sub-label column
    drawn as plain cells has no header over its sub-labels, and a label header centred
    over both columns without rules stands in the second (periods always have one)."""
    lead = 0
    while lead < t.n_cols - 2 and not _header_text(t, lead):
        lead += 1
    first = t.cell_at(0, lead)
    n = lead + (first.colspan if first is not None else 1)
    while n < t.n_cols - 1:
        cell = t.cell_at(0, n)
        if cell is None or cell.text.strip() or cell.colspan != 1:
            break
        n += 1
    return n


def _text_between(prev: IndicatorTable, t: Table, body: list[PlacedLine]) -> bool:
    """Is there card text after the previous table and before this one?"""
    for pl in body:
        n = pl.page.number
        mid = (pl.line.top + pl.line.bottom) / 2
        after_prev = n > prev.rows[-1].page if prev.rows else n > prev.page
        after_prev = after_prev or (
            n == (prev.rows[-1].page if prev.rows else prev.page)
            and mid > (prev.rows[-1].bbox[3] if prev.rows else prev.bbox[3])
        )
        before_t = n < t.page or (n == t.page and mid < t.bbox[1])
        if after_prev and before_t:
            return True
    return False
