"""Statistics tables (表1, 表2, the 中小企業の定義 table) and the figure inventory.

A statistics table is a ruled table introduced by a caption "表N …" or a heading
"《…》"; its notes ("注…") and source ("資料：…") are the short lines under it.
A figure is what a "資料：" line outside tables credits: its chart is not in the
text layer, so the inventory records caption (図N, when printed), notes, source
and where on the page it sits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.cells import header_rows
from pipeline.extract.document import Document
from pipeline.extract.layout import BBox, PageLayout, TextLine
from pipeline.extract.tables import Table, find_tables
from pipeline.normalize.text import fold_width, squash

TABLE_CAPTION = re.compile(r"^表\s*(\d+)\s*(.*)$")
DEFINITION_HEADING = re.compile(r"^《(.+)》$")
FIGURE_CAPTION = re.compile(r"^図\s*(\d+)\s*(.*)$")
SOURCE = re.compile(r"^資料\s*[:：]")
NOTE = re.compile(r"^(注\s*\d*\s*[)）:：]|※)")
ANNEX = re.compile(r"^別表(第?[\d一二三四五六七八九十]+)?$")
# "(億円)" printed over a chart's axis: a bracketed unit, or "(単位：…)"; never a heading
# such as "(目的)", which ends in no unit.
UNITS = "円|人|件|%|％|社|者|所|倍|戸|台|個|回|日|歳|店|世帯|団体|品目|箇所|時間|ポイント|pt|t|kg|ha|km|m"
UNIT_LABEL = re.compile(
    rf"^[(（]\s*(?:単位\s*[:：]\s*[^()（）]{{1,12}}|[^()（）、。:：\s]{{0,6}}(?:{UNITS}))\s*[)）]$"
)
# "(単位：人、%)" on a line of its own over a table, or at the end of its caption's line.
UNIT_LINE = re.compile(r"[(（]\s*単位\s*[:：]\s*([^()（）]{1,12}?)\s*[)）]$")


@dataclass(slots=True)
class StatTable:
    table_id: str  # "表1", or the heading of an uncaptioned table
    caption: str
    header: list[list[str]]  # per column, its header texts top to bottom (merged cells repeated)
    rows: list[list[str]]  # body rows, first cell the row label
    notes: list[str]
    source: str | None
    page: int
    bbox: BBox
    row_boxes: list[BBox]
    unit_line: str | None = None  # "(単位：人、%)" as printed, over the table or after its caption


@dataclass(slots=True)
class Figure:
    number: int | None
    caption: str | None
    source: str
    notes: list[str]
    page: int
    bbox: BBox
    unit_label: str | None = None


@dataclass(slots=True)
class StatisticsExtraction:
    tables: list[StatTable] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    captions: int = 0  # "表N …" captions seen: what announces the statistics tables


def _column_paths(table: Table, k: int) -> list[list[str]]:
    paths = []
    for j in range(table.n_cols):
        path: list[str] = []
        seen: set[int] = set()
        for r in range(k):
            c = table.cell_at(r, j)
            if c is None or id(c) in seen:
                continue
            seen.add(id(c))
            if c.text:
                path.append(c.text)
        paths.append(path)
    return paths


def _notes_and_source(
    page: PageLayout, top: float, stop: float
) -> tuple[list[str], str | None, float]:
    """Note and source lines directly under a table or figure; a note may wrap."""
    notes: list[str] = []
    source = None
    bottom = top
    for ln in page.body_lines():
        if ln.top < top - 1 or ln.top >= stop:
            continue
        text = ln.text.strip()
        if SOURCE.match(text):
            source = text
            bottom = ln.bottom
            break
        if NOTE.match(fold_width(text)):
            notes.append(text)
            bottom = ln.bottom
        elif notes and ln.x0 > page.body_lines()[0].x0 and ln.top - bottom < 1.5 * ln.size:
            notes[-1] += text  # the wrapped rest of a note
            bottom = ln.bottom
        else:
            break
    return notes, source, bottom


def captions_table(line: TextLine, tables: list[Table]) -> Table | None:
    """The ruled table a line is the caption of: the line stands centred right over it
    (text that merely runs on above a table starts at the margin)."""
    mid = (line.x0 + line.x1) / 2
    for t in tables:
        x0, top, x1, _ = t.bbox
        if (
            0 <= top - line.bottom <= 2 * line.size
            and abs(mid - (x0 + x1) / 2) <= max(0.05 * (x1 - x0), line.size)
            and line.x0 - x0 > 2 * line.size
        ):
            return t
    return None


def extract_statistics(
    doc: Document, skip_pages: set[int], taken: dict[int, list[BBox]]
) -> StatisticsExtraction:
    """Tables and figures of the pages not in `skip_pages` (cards, indexes), leaving the
    tables `taken` by another dataset (the program list's, by page) and the lines in them."""
    out = StatisticsExtraction()
    for page in doc.pages:
        if page.number in skip_pages:
            continue
        boxes = taken.get(page.number, [])
        lines = [ln for ln in page.body_lines() if not any(_inside(ln.bbox, b) for b in boxes)]
        tables = [
            t
            for t in find_tables(page, (0.0, 0.0, page.width, page.height))
            if not any(_inside(t.bbox, b) for b in boxes)
        ]
        anchors = []
        for i, ln in enumerate(lines):
            text = fold_width(ln.text.strip())
            m = TABLE_CAPTION.match(text)
            if m:
                out.captions += 1
                anchors.append((ln, f"表{m.group(1)}", ln.text.strip()))
                continue
            d = DEFINITION_HEADING.match(ln.key)
            if d:
                anchors.append((ln, d.group(1), d.group(1)))
                continue
            if len(squash(text)) <= 40 and captions_table(ln, tables) is not None:
                # An unnumbered table under a caption, e.g. a 要綱's 別表: named by the
                # 別表 label printed over its caption, else by the caption.
                label = lines[i - 1].key if i else ""
                anchors.append((ln, label if ANNEX.match(label) else squash(text), text))
        used_sources: set[float] = set()
        for ln, table_id, caption in anchors:
            below = [t for t in tables if t.bbox[1] >= ln.top]
            if not below:
                continue
            t = min(below, key=lambda t: t.bbox[1])
            next_top = min([a.top for a, _, _ in anchors if a.top > t.bbox[3]] + [page.height])
            table = _stat_table(page, t, table_id, caption, next_top)
            table.unit_line = table.unit_line or _unit_line_over(lines, ln, t)
            if table.source:
                used_sources.add(next(x.top for x in lines if x.text.strip() == table.source))
            out.tables.append(table)
        out.figures += _figures(page, lines, used_sources)
    return out


def _inside(box: BBox, outer: BBox) -> bool:
    """The box's middle lies in `outer`."""
    mx, my = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return outer[0] <= mx <= outer[2] and outer[1] <= my <= outer[3]


def _stat_table(page: PageLayout, t: Table, table_id: str, caption: str, stop: float) -> StatTable:
    """The table under a caption, with its notes and source (up to `stop`); a unit printed
    at the end of the caption's line is the table's unit line, not its caption."""
    k = header_rows(t)
    grid = t.rows()
    rows = [[c.text if c is not None else "" for c in grid[r]] for r in range(k, t.n_rows)]
    notes, source, _ = _notes_and_source(page, t.bbox[3], stop)
    unit = UNIT_LINE.search(fold_width(caption))
    unit_line = None
    if unit and unit.start() > 0:
        unit_line = caption[unit.start() :].strip()
        caption = caption[: unit.start()].strip()
    return StatTable(
        table_id,
        caption,
        _column_paths(t, k),
        rows,
        notes,
        source,
        page.number,
        t.bbox,
        t.row_boxes[k:],
        unit_line,
    )


def _unit_line_over(lines: list[TextLine], caption: TextLine, t: Table) -> str | None:
    """A "(単位：…)" line between a table's caption and its top."""
    for ln in lines:
        if caption.top < ln.top and ln.bottom <= t.bbox[1] + 1:
            text = ln.text.strip()
            m = UNIT_LINE.search(fold_width(text))
            if m and m.start() == 0:
                return text
    return None


def _figures(page: PageLayout, lines: list, used_sources: set[float]) -> list[Figure]:
    """One figure per 資料 line that no table claimed; its caption and notes are the
    figure-caption and note lines between the previous figure's source and this one."""
    figures = []
    start = 0.0
    for i, ln in enumerate(lines):
        if not SOURCE.match(ln.text.strip()) or ln.top in used_sources:
            if SOURCE.match(ln.text.strip()):
                start = ln.bottom
            continue
        block = [b for b in lines[:i] if b.top >= start]
        caption_line = next(
            (b for b in block if FIGURE_CAPTION.match(fold_width(b.text.strip()))), None
        )
        note_at = next(
            (j for j, b in enumerate(block) if NOTE.match(fold_width(b.text.strip()))), None
        )
        notes: list[str] = []
        if note_at is not None:
            for b in block[note_at:]:
                if NOTE.match(fold_width(b.text.strip())) or not notes:
                    notes.append(b.text.strip())
                else:
                    notes[-1] += b.text.strip()
        unit_label = next(
            (b.text.strip() for b in block if UNIT_LABEL.match(fold_width(b.text.strip()))),
            None,
        )
        number = None
        caption = None
        if caption_line is not None:
            caption = caption_line.text.strip()
            m = FIGURE_CAPTION.match(fold_width(caption))
            number = int(m.group(1)) if m else None
        top = (
            caption_line.top
            if caption_line is not None
            else (block[-1].bottom if block and note_at is None else start)
        )
        figures.append(
            Figure(
                number,
                caption,
                ln.text.strip(),
                notes,
                page.number,
                (
                    min(b.x0 for b in [ln, *block]) if block else ln.x0,
                    top,
                    page.width - ln.x0,
                    ln.bottom,
                ),
                unit_label,
            )
        )
        start = ln.bottom
    return figures
