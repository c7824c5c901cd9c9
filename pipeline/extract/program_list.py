"""The program list (別紙1): every program with its budget, funding split, flags and period.

Found as the ruled tables whose header names a 事業名 column and the funding
columns; columns are named from the header text, never by position. A band row
spanning the table opens a policy (①…); the 施策 (measure) column is a merged
cell over its programs, and when a page break splits it the cell on the next
page is empty, so an empty measure cell at the top of a page continues the last.
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
from pipeline.extract.document import Document
from pipeline.extract.layout import BBox
from pipeline.extract.sections import CIRCLED
from pipeline.extract.tables import Table, find_tables
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
    policy_titles: dict[int, str]
    pages: list[int]
    findings: list[Finding] = field(default_factory=list)
    # (page, box) of its header and band rows: read for the columns and policies
    zones: list[tuple[int, BBox]] = field(default_factory=list)


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
    rows: list[ProgramListRow] = []
    titles: dict[int, str] = {}
    pages: list[int] = []
    findings: list[Finding] = []
    zones: list[tuple[int, BBox]] = []
    policy: int | None = None
    measure: str | None = None
    for page in doc.pages:
        for table in find_tables(page, (0.0, 0.0, page.width, page.height)):
            roles = is_program_list(table)
            if roles is None:
                continue
            if page.number not in pages:
                pages.append(page.number)
            first_body = header_rows(table)
            grid = table.rows()
            zones += [(page.number, table.row_boxes[r]) for r in range(first_body)]
            for r in range(first_body, table.n_rows):
                cells = grid[r]
                band = next((c for c in cells if c is not None and c.colspan == table.n_cols), None)
                if band is not None:
                    zones.append((page.number, table.row_boxes[r]))
                    m = re.match(r"^\s*([①-⑳])\s*(.*)$", band.text)
                    if m:
                        policy = CIRCLED.index(m.group(1)) + 1
                        titles[policy] = band.text.strip()
                        measure = None
                    else:
                        findings.append(
                            Finding(
                                "programs.band_policy",
                                f"band row {band.text!r} names no policy (①…)",
                                page.number,
                                table.row_boxes[r],
                            )
                        )
                    continue

                name_cell = role_cell(cells, roles, "name")
                name = cell_text(name_cell)
                kind = row_kind(name)
                measure_cell = role_cell(cells, roles, "measure")
                continued = False
                if (
                    kind == KIND_PROGRAM
                    and measure_cell is not None
                    and measure_cell is not name_cell
                ):
                    # "・" in front of a measure is its list bullet, not part of its name.
                    text = cell_text(measure_cell).lstrip("・･").strip()
                    if text:
                        measure = text
                    elif measure_cell.row == first_body and measure is not None:
                        continued = True  # the merged cell began on an earlier page
                    else:
                        measure = None
                budget, budget_raw = int_cell(role_cell(cells, roles, "budget"))
                national, _ = int_cell(role_cell(cells, roles, "national"))
                other, _ = int_cell(role_cell(cells, roles, "other"))
                general, _ = int_cell(role_cell(cells, roles, "general"))
                period = cell_text(role_cell(cells, roles, "period")) or None
                foundation = cell_text(role_cell(cells, roles, "foundation")) or None
                if not name and budget is None:
                    continue  # an empty ruled row
                rows.append(
                    ProgramListRow(
                        kind=kind,
                        policy_no=policy if kind != KIND_TOTAL else None,
                        measure=measure if kind == KIND_PROGRAM else None,
                        name=name,
                        is_new=is_flag(role_cell(cells, roles, "new")),
                        is_priority=is_flag(role_cell(cells, roles, "priority")),
                        has_key_result=is_flag(role_cell(cells, roles, "key_result")),
                        budget=budget,
                        budget_raw=budget_raw,
                        national=national,
                        other=other,
                        general=general,
                        period_raw=period if kind == KIND_PROGRAM else None,
                        foundation=foundation if kind == KIND_PROGRAM else None,
                        departments=department_entries(role_cell(cells, roles, "departments"))
                        if kind == KIND_PROGRAM
                        else [],
                        page=page.number,
                        bbox=table.row_boxes[r],
                        measure_continued=continued,
                    )
                )
                if kind == KIND_PROGRAM and policy is None:
                    findings.append(
                        Finding(
                            "programs.policy_found",
                            f"program {name!r} comes before any policy band: its policy is unknown",
                            page.number,
                            table.row_boxes[r],
                        )
                    )
    return ProgramList(rows, titles, pages, findings, zones)
