"""The program list (別紙1): every program with its budget, funding split, flags and period.

Found as the ruled tables whose header names a 事業名 column and the funding
columns; columns are named from the header text, never by position. A band row
spanning the table opens a policy (①…); the 施策 (measure) column is a merged
cell over its programs, and when a page break splits it the cell on the next
page is empty, so an empty measure cell at the top of a page continues the last.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.extract.cells import (
    assign_roles,
    cell_text,
    column_headers,
    department_entries,
    header_rows,
    int_cell,
    is_flag,
    role_cell,
)
from pipeline.extract.document import Document
from pipeline.extract.grid_parts import text_size
from pipeline.extract.layout import BBox, PageLayout
from pipeline.extract.sections import CIRCLED
from pipeline.extract.settings import TABLES
from pipeline.extract.tables import Cell, Table, find_tables, regrid
from pipeline.findings import Finding
from pipeline.normalize.text import squash

# Header keyword → role, most specific first.
COLUMNS = (
    ("国庫", "national"),
    ("その他", "other"),
    ("一般財源", "general"),
    ("財団", "foundation"),
    ("事業費", "budget"),
    ("事業名", "name"),
    ("新規", "new"),
    ("重点", "priority"),
    ("主要成果", "key_result"),
    ("事業期間", "period"),
    ("担当課", "departments"),
    ("基本方針", "measure"),
    ("施策", "measure"),
)
REQUIRED = ("name", "budget", "national", "other", "general")
MONEY_ROLES = ("budget", "national", "other", "general")

ANNEX_LABEL = re.compile(r"^別紙[0-9]*$")  # "別紙1" over a list: names the annex, holds no data
KIND_PROGRAM = "program"
KIND_SUBTOTAL = "subtotal"  # 小計
KIND_SUBTOTAL_INCL_REPOST = "subtotal_incl_repost"  # 〃(再掲含む。)
KIND_TOTAL = "total"  # 合計


@dataclass(slots=True)
class ProgramListRow:
    kind: str
    policy_no: int | None
    measure: str | None
    name: str
    is_new: bool
    is_priority: bool
    has_key_result: bool
    budget: int | None
    budget_raw: str
    national: int | None
    other: int | None
    general: int | None
    period_raw: str | None
    foundation: str | None
    departments: list[str]
    page: int
    bbox: BBox
    measure_continued: bool = False  # measure cell was split by a page break


@dataclass(slots=True)
class ProgramList:
    rows: list[ProgramListRow]
    pages: list[int]
    findings: list[Finding] = field(default_factory=list)
    # (page, box) of its header and band rows: read for the columns and policies
    zones: list[tuple[int, BBox]] = field(default_factory=list)
    # (page, box) of each table part's header rows: the report shows a row's crop under it
    headers: list[tuple[int, BBox]] = field(default_factory=list)
    # (page, box) of each table part: what the narrative and the statistics leave to it
    tables: list[tuple[int, BBox]] = field(default_factory=list)

    def boxes_by_page(self) -> dict[int, list[BBox]]:
        out: dict[int, list[BBox]] = {}
        for page, box in self.tables:
            out.setdefault(page, []).append(box)
        return out


def is_program_list(table: Table) -> dict[str, int] | None:
    roles = assign_roles(column_headers(table), COLUMNS)
    return roles if all(r in roles for r in REQUIRED) else None


def row_kind(name: str) -> str:
    key = squash(name)
    if key.startswith("〃") or "再掲含む" in key:
        return KIND_SUBTOTAL_INCL_REPOST
    if key == "小計":
        return KIND_SUBTOTAL
    if key in ("合計", "総計"):
        return KIND_TOTAL
    return KIND_PROGRAM


def extract_program_list(doc: Document) -> ProgramList:
    """Every 別紙1 table of the report, read row by row in page order: band rows set the
    policy, a measure cell holds until the next, merged cells run across page breaks, and
    a page's first table without the header runs the list on until its 合計."""
    reader = _ListReader()
    last: tuple[int, Table, dict[str, int]] | None = None  # the list's last table part
    for page in doc.pages:
        for table in find_tables(page, (0.0, 0.0, page.width, page.height)):
            roles = is_program_list(table)
            if roles is not None:
                reader.read_table(page.number, table, roles)
            elif last is not None and not reader.complete():
                run_on = continuation(last[0], last[1], page, table)
                if run_on is None:
                    continue
                table, roles = run_on, last[2]
                reader.read_table(page.number, table, roles, has_header=False)
            else:
                continue
            last = (page.number, table, roles)
    return ProgramList(
        reader.rows, reader.pages, reader.findings, reader.zones, reader.headers, reader.tables
    )


def continuation(prev_page: int, prev: Table, page: PageLayout, table: Table) -> Table | None:
    """A table without the list's header that continues the list table ending the page
    before (the list has not reached its 合計 yet): the first thing on the next page's
    text block (only the annex label may stand above it), its columns where that table's
    stood. Unruled columns are cut at that table's edges (a short run-on leaves some
    columns empty, so its own text cannot show them all)."""
    if page.number != prev_page + 1:
        return None
    top = table.bbox[1] + 1
    if any(ln.bottom <= top and not ANNEX_LABEL.match(ln.key) for ln in page.body_lines()):
        return None
    tol = TABLES.continuation_edge_em * text_size(page.glyphs_in(table.bbox))
    edges = prev.col_edges
    if abs(table.bbox[0] - edges[0]) > tol or abs(table.bbox[2] - edges[-1]) > tol:
        return None
    if not table.ruled_columns:
        table = regrid(page, table, edges, headed=False)
    if table.n_cols != prev.n_cols:
        return None
    same = all(abs(a - b) <= tol for a, b in zip(table.col_edges, edges, strict=True))
    return table if same else None


class _ListReader:
    def __init__(self) -> None:
        self.rows: list[ProgramListRow] = []
        self.pages: list[int] = []
        self.findings: list[Finding] = []
        self.zones: list[tuple[int, BBox]] = []
        self.headers: list[tuple[int, BBox]] = []
        self.tables: list[tuple[int, BBox]] = []
        self.policy: int | None = None
        self.measure: str | None = None

    def complete(self) -> bool:
        """The list has printed its 合計: nothing after it continues it."""
        return bool(self.rows) and self.rows[-1].kind == KIND_TOTAL

    def read_table(
        self, page: int, table: Table, roles: dict[str, int], has_header: bool = True
    ) -> None:
        if page not in self.pages:
            self.pages.append(page)
        self.tables.append((page, table.bbox))
        first_body = header_rows(table) if has_header else 0
        grid = table.rows()
        self.zones += [(page, table.row_boxes[r]) for r in range(first_body)]
        if first_body:
            boxes = table.row_boxes[:first_body]
            self.headers.append((page, (boxes[0][0], boxes[0][1], boxes[-1][2], boxes[-1][3])))
        for r in range(first_body, table.n_rows):
            cells = grid[r]
            band = next((c for c in cells if c is not None and c.colspan == table.n_cols), None)
            if band is not None:
                self._band(page, table.row_boxes[r], band.text)
            else:
                self._row(page, table.row_boxes[r], cells, roles, first_body)

    def _band(self, page: int, box: BBox, text: str) -> None:
        self.zones.append((page, box))
        m = re.match(r"^\s*([①-⑳])\s*(.*)$", text)
        if m:
            self.policy = CIRCLED.index(m.group(1)) + 1
            self.measure = None
            return
        message = f"band row {text!r} names no policy (①…)"
        self.findings.append(Finding("programs.band_policy", message, page, box))

    def _measure_of(
        self, kind: str, name_cell: Cell | None, cell: Cell | None, first_body: int
    ) -> bool:
        """Follow the measure column; whether the row's measure cell began on an earlier page."""
        if kind != KIND_PROGRAM or cell is None or cell is name_cell:
            return False
        # "・" in front of a measure is its list bullet, not part of its name.
        text = cell_text(cell).lstrip("・･").strip()
        if text:
            self.measure = text
        elif cell.row == first_body and self.measure is not None:
            return True  # the merged cell began on an earlier page
        else:
            self.measure = None
        return False

    def _row(
        self, page: int, box: BBox, cells: list, roles: dict[str, int], first_body: int
    ) -> None:
        def cell(role: str) -> Cell | None:
            return role_cell(cells, roles, role)

        name_cell = cell("name")
        name = cell_text(name_cell)
        kind = row_kind(name)
        continued = self._measure_of(kind, name_cell, cell("measure"), first_body)
        budget, budget_raw = int_cell(cell("budget"))
        if not name and budget is None:
            return  # an empty ruled row
        program = kind == KIND_PROGRAM
        self.rows.append(
            ProgramListRow(
                kind=kind,
                policy_no=self.policy if kind != KIND_TOTAL else None,
                measure=self.measure if program else None,
                name=name,
                is_new=is_flag(cell("new")),
                is_priority=is_flag(cell("priority")),
                has_key_result=is_flag(cell("key_result")),
                budget=budget,
                budget_raw=budget_raw,
                national=int_cell(cell("national"))[0],
                other=int_cell(cell("other"))[0],
                general=int_cell(cell("general"))[0],
                period_raw=(cell_text(cell("period")) or None) if program else None,
                foundation=(cell_text(cell("foundation")) or None) if program else None,
                departments=department_entries(cell("departments")) if program else [],
                page=page,
                bbox=box,
                measure_continued=continued,
            )
        )
        if program and self.policy is None:
            message = f"program {name!r} comes before any policy band: its policy is unknown"
            self.findings.append(Finding("programs.policy_found", message, page, box))
        self._money_cells_apart(page, box, name, cell)

    def _money_cells_apart(
        self, page: int, box: BBox, name: str, cell: Callable[[str], Cell | None]
    ) -> None:
        """事業費 and each 財源内訳 column hold a value of their own: one cell over two of
        them (its text read into both) is a misread of the columns, not a printed merge."""
        seen: dict[int, str] = {}
        for role in MONEY_ROLES:
            c = cell(role)
            if c is None or not cell_text(c):
                continue
            if id(c) in seen:
                message = (
                    f"row {name!r}: one cell {cell_text(c)!r} stands over the {seen[id(c)]} and "
                    f"{role} columns: the list's columns were misread"
                )
                self.findings.append(Finding("programs.columns", message, page, box))
                return
            seen[id(c)] = role
