"""Each policy section's program index (【基本方針事業一覧】) and its 小計.

The index is the table that follows the label; it may continue on the next
pages (with its header repeated) until its 小計 row. Columns are named from the
header: No., 事業名, 事業費, 新規, 担当課等, 掲載頁, and in a shared section one
"基本方針 ⑥"-style flag column per policy.
"""

from __future__ import annotations

import re
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
from pipeline.extract.layout import BBox, PageLayout
from pipeline.extract.sections import CIRCLED, HeadingGroup, PlacedLine, heading_before
from pipeline.extract.tables import Table, find_tables, regrid, rows_at_page_top, text_above
from pipeline.findings import Finding
from pipeline.normalize.text import squash

INDEX_LABEL = re.compile(r"^[【\[［■◆〔]?基本方針事業一覧[】\]］〕]?$")
COLUMNS = (
    ("No", "no"),
    ("事業名", "name"),
    ("事業費", "budget"),
    ("新規", "new"),
    ("担当課", "departments"),
    ("掲載", "page"),
    ("頁", "page"),
)
MAX_CONTINUATION_PAGES = 3


@dataclass(slots=True)
class IndexRow:
    no: int
    name: str
    budget: int | None
    budget_raw: str
    is_new: bool
    departments: list[str]
    listed_page: int | None
    policy_flags: list[int]
    page: int
    bbox: BBox


@dataclass(slots=True)
class ProgramIndex:
    policy_nos: tuple[int, ...]
    rows: list[IndexRow]
    subtotal: int | None
    subtotal_page: int | None
    subtotal_bbox: BBox | None
    page: int
    label_bbox: BBox
    findings: list[Finding] = field(default_factory=list)
    header_boxes: list[tuple[int, BBox]] = field(default_factory=list)  # (page, box) of header rows

    @property
    def section(self) -> str:
        return "-".join(str(n) for n in self.policy_nos)


def _roles(table: Table) -> dict[str, int] | None:
    headers = column_headers(table)
    roles = assign_roles(headers, COLUMNS)
    if not all(r in roles for r in ("no", "name", "budget")):
        return None
    for j, h in enumerate(headers):
        m = re.search(r"[①-⑳]", h)
        if m and "基本方針" in squash(h):
            roles[f"flag:{CIRCLED.index(m.group(0)) + 1}"] = j
    return roles


def _index_part(
    page: PageLayout, region: BBox, before: tuple[Table, dict[str, int]] | None
) -> tuple[Table, dict[str, int], int] | None:
    """The index's table on this page, its column roles and its first body row. On a
    page it runs on to, the header may not be repeated: the first table of the page,
    with as many columns as the part before (or set on its columns, when unruled),
    continues it."""
    tables = find_tables(page, region)
    for t in tables:
        roles = _roles(t)
        if roles is not None:
            return t, roles, header_rows(t)
    if before is None:
        return None
    prev, roles = before
    if not tables or text_above(page, region, tables[0]):
        # No table where the index runs on: its last rows may stand there, unruled.
        rows = rows_at_page_top(page, region, prev.col_edges)
        return None if rows is None else (rows, roles, 0)
    first = tables[0]
    if first.n_cols != prev.n_cols and not first.ruled_columns:
        first = regrid(page, first, prev.col_edges)
    if first.n_cols != prev.n_cols:
        return None
    return first, roles, 0


def index_region(page: PageLayout, label_bottom: float | None) -> BBox:
    """Where an index table is looked for: under its label, or all of a continuation page."""
    return (0.0, 0.0 if label_bottom is None else label_bottom, page.width, page.height)


def prepare_index_tables(page: PageLayout) -> None:
    """Find the tables under the page's index labels where the page is read (see
    report.prepare_page); the index, read later across pages, finds them cached."""
    for ln in page.body_lines():
        if INDEX_LABEL.match(ln.key):
            find_tables(page, index_region(page, ln.bottom))


def extract_indexes(
    lines: list[PlacedLine], headings: list[HeadingGroup], skip: set[int]
) -> list[ProgramIndex]:
    out: list[ProgramIndex] = []
    for i, pl in enumerate(lines):
        if i in skip or not INDEX_LABEL.match(pl.key):
            continue
        group = heading_before(headings, i)
        index = ProgramIndex(
            tuple(group.nos) if group else (), [], None, None, None, pl.page.number, pl.line.bbox
        )
        if group is None:
            index.findings.append(
                Finding(
                    "index.section_found",
                    "【基本方針事業一覧】 before any policy heading: its section is unknown",
                    pl.page.number,
                    pl.line.bbox,
                )
            )
        _read_index(lines, i, index)
        out.append(index)
    return out


def _read_index(lines: list[PlacedLine], label_at: int, index: ProgramIndex) -> None:
    """Read the index table under its label, over page breaks, up to its 小計 row."""
    top = lines[label_at].line.bottom
    before: tuple[Table, dict[str, int]] | None = None  # the part read on the page before
    for k, p in enumerate(_pages_from(lines, label_at)):
        part = _index_part(p, index_region(p, top if k == 0 else None), before)
        if part is None:
            if k == 0:
                message = "no index table was found under 【基本方針事業一覧】"
                finding = _index_finding(
                    "index.table_found", message, p.number, index.label_bbox, index
                )
                index.findings.append(finding)
                return
            break
        table, roles, first_body = part
        before = (table, roles)
        grid = table.rows()
        index.header_boxes += [(p.number, table.row_boxes[r]) for r in range(first_body)]
        for r in range(first_body, table.n_rows):
            if _index_row(index, p.number, table.row_boxes[r], grid[r], roles):
                return  # its 小計
    index.findings.append(
        Finding(
            "index.subtotal_found",
            "the index has no 小計 row: its end was not found",
            index.page,
            index.label_bbox,
            key=f"section {index.section}",
        )
    )


def _index_finding(check: str, message: str, page: int, box: BBox, index: ProgramIndex) -> Finding:
    return Finding(check, message, page, box, key=f"section {index.section}")


def _pages_from(lines: list[PlacedLine], label_at: int) -> list[PageLayout]:
    """The label's page and the few after it, in case the index continues there."""
    pages = [lines[label_at].page]
    seen = {pages[0].number}
    for pl in lines[label_at:]:
        if pl.page.number not in seen:
            seen.add(pl.page.number)
            pages.append(pl.page)
            if len(pages) > MAX_CONTINUATION_PAGES:
                break
    return pages


def _index_row(
    index: ProgramIndex, page: int, box: BBox, cells: list, roles: dict[str, int]
) -> bool:
    """Read one body row into the index; whether it was the 小計 that ends it."""
    name = cell_text(role_cell(cells, roles, "name"))
    budget, budget_raw = int_cell(role_cell(cells, roles, "budget"))
    row_text = squash(" ".join(cell_text(c) for c in cells if c is not None))
    if "小計" in row_text:
        index.subtotal, index.subtotal_page, index.subtotal_bbox = budget, page, box
        return True
    no_text = squash(cell_text(role_cell(cells, roles, "no")))
    if not no_text.isdigit():
        if name or budget is not None:
            message = f"index row without a number: {name!r} (budget {budget_raw!r}) was not read"
            index.findings.append(_index_finding("index.row_numbered", message, page, box, index))
        return False
    flags = [
        int(role.split(":")[1])
        for role, j in roles.items()
        if role.startswith("flag:") and is_flag(cells[j])
    ]
    index.rows.append(
        IndexRow(
            no=int(no_text),
            name=name,
            budget=budget,
            budget_raw=budget_raw,
            is_new=is_flag(role_cell(cells, roles, "new")),
            departments=department_entries(role_cell(cells, roles, "departments")),
            listed_page=int_cell(role_cell(cells, roles, "page"))[0],
            policy_flags=flags or list(index.policy_nos[:1]),
            page=page,
            bbox=box,
        )
    )
    return False
