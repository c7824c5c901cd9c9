"""Reading typed values out of table cells, and naming columns from their headers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.extract.tables import Cell, Table
from pipeline.normalize.text import fold_width, join_wrapped, squash
from pipeline.normalize.values import parse_number

FLAG_MARKS = "○〇◯●"
# A department entry ends with one of these; a line without one wraps onto the next.
_DEPARTMENT_END = re.compile(r"(課|局|室|所|部|庁|センター|グループ|本部|事務所|[)）])$")


def header_rows(table: Table) -> int:
    """Rows the header takes: as many as the tallest cell of the first row spans."""
    return max((c.rowspan for c in table.cells if c.row == 0), default=1)


def column_headers(table: Table) -> list[str]:
    """Per grid column, its header texts from top to bottom joined ("財源内訳 国庫")."""
    k = header_rows(table)
    out = []
    for j in range(table.n_cols):
        parts: list[str] = []
        for r in range(k):
            c = table.cell_at(r, j)
            if c is not None and c.text and (not parts or parts[-1] != c.text):
                parts.append(c.text)
        out.append(" ".join(parts))
    return out


def assign_roles(headers: Sequence[str], vocabulary: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Column index per role: the first vocabulary keyword found in a column's header."""
    roles: dict[str, int] = {}
    for j, h in enumerate(headers):
        key = squash(h)
        for keyword, role in vocabulary:
            if keyword in key and role not in roles:
                roles[role] = j
                break
    return roles


def cell_text(cell: Cell | None) -> str:
    return cell.text.strip() if cell is not None else ""


def is_flag(cell: Cell | None) -> bool:
    return any(m in cell_text(cell) for m in FLAG_MARKS)


def int_cell(cell: Cell | None) -> tuple[int | None, str]:
    """(integer or None, the text as printed). Blank and "-" are None; the text says which."""
    raw = cell_text(cell)
    value = parse_number(raw) if raw else None
    if value is None or value != int(value):
        return None, raw
    return int(value), raw


def department_entries(cell: Cell | None) -> list[str]:
    """One entry per department; a long name wrapped inside the cell is joined again."""
    if cell is None:
        return []
    out: list[str] = []
    pending: list[str] = []
    for line in cell.lines:
        line = line.strip()
        if not line:
            continue
        pending.append(line)
        if _DEPARTMENT_END.search(fold_width(line)):
            out.append(join_wrapped(pending))
            pending = []
    if pending:
        out.append(join_wrapped(pending))
    return out


def role_cell(cells: Sequence[Cell | None], roles: dict[str, int], role: str) -> Cell | None:
    j = roles.get(role)
    return cells[j] if j is not None else None
