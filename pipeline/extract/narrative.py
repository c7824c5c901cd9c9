"""The report's narrative as blocks in reading order, each with its section path.

Headings set the path: "1 …" (a chapter, set larger than body text), "(1) …",
"① …", a year label "<平成19年度>", 【取組の概要】, and "○ …" measure titles.
Blocks are bullets ("・", continued under their text), paragraphs (opened by
a one-character indent), figure captions, figure sources and notes. Cards,
program lists, indexes and ruled tables are other datasets and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.document import BBox
from pipeline.extract.sections import PlacedLine
from pipeline.extract.statistics import (
    DEFINITION_HEADING,
    FIGURE_CAPTION,
    NOTE,
    SOURCE,
    TABLE_CAPTION,
)
from pipeline.extract.tables import find_tables
from pipeline.normalize.era import find_fiscal_year
from pipeline.normalize.text import fold_width, join_wrapped, squash

CHAPTER = re.compile(r"^(\d)\s+\S")
SUBSECTION = re.compile(r"^[(（](\d+)[)）]\s*\S")
CIRCLED_HEADING = re.compile(r"^([①-⑳])\s*\S")
YEAR_LABEL = re.compile(r"^[<＜〈]\s*(.+年度)\s*[>＞〉]$")
OVERVIEW_LABEL = "【取組の概要】"
INDEX_LABEL = "【基本方針事業一覧】"
MEASURE = re.compile(r"^[○〇]\s*(\S.*)$")
BULLET = re.compile(r"^[・･]\s*")
TOC_LEADER = re.compile(r"(…{3,}|\.{6,}|‥{3,})")
ARTICLE = re.compile(r"^(第\d+条)\s*(.*)$")
ARTICLE_HEADING = re.compile(r"^[(（][^()（）]{1,20}[)）]$")
CLAUSE = re.compile(r"^\d+\s+\S")  # a numbered 項 of an article, at the margin
SUPPLEMENTARY = "附則"
CHAPTER_SIZE = 1.2
TITLE_SIZE = 1.1  # a chapter heading is set at least this much larger than body text


@dataclass(slots=True)
class Block:
    kind: (
        str  # heading | paragraph | bullet | measure_title | figure_caption | figure_source | note
    )
    text: str
    path: list[str]
    fiscal_year_ref: int | None
    page: int
    bbox: BBox
    lines: list[PlacedLine] = field(default_factory=list, repr=False)


def extract_narrative(
    lines: list[PlacedLine], skip: set[int], skip_pages: set[int], body_size: float
) -> list[Block]:
    blocks: list[Block] = []
    path: list[str] = []
    year_ref: int | None = None
    in_index = False
    table_boxes: dict[int, list[BBox]] = {}

    def in_table(pl: PlacedLine) -> bool:
        n = pl.page.number
        if n not in table_boxes:
            table_boxes[n] = [
                t.bbox for t in find_tables(pl.page, (0.0, 0.0, pl.page.width, pl.page.height))
            ]
        mid = (pl.line.top + pl.line.bottom) / 2
        return any(
            b[1] - 1 <= mid <= b[3] + 1 and b[0] - 1 <= pl.line.x0 <= b[2] + 1
            for b in table_boxes[n]
        )

    def start(kind: str, pl: PlacedLine, text: str) -> None:
        blocks.append(Block(kind, text, list(path), year_ref, pl.page.number, pl.line.bbox, [pl]))

    def set_level(level: int, label: str) -> None:
        nonlocal year_ref
        del path[level:]
        path.append(label)
        year_ref = None

    left: dict[int, float] = {}
    for i, pl in enumerate(lines):
        if i in skip or pl.page.label is None:
            continue  # cards are another dataset; unnumbered pages are the cover and contents
        text = pl.text.strip()
        if TOC_LEADER.search(text):
            continue  # a table-of-contents entry, not narrative
        folded = fold_width(text)
        key = squash(text)
        n = pl.page.number
        if n not in left:
            left[n] = min(ln.x0 for ln in pl.page.body_lines())
        indent = pl.line.x0 - left[n]
        size = pl.line.size
        # Headings first: they are read even on list pages (a chapter may open there).
        if CHAPTER.match(folded) and size >= body_size * CHAPTER_SIZE:
            set_level(0, CHAPTER.match(folded).group(1))
            in_index = False
            start("heading", pl, text)
            continue
        if (
            size >= body_size * CHAPTER_SIZE
            and indent < 0.5 * size
            and len(text) <= 20
            and n not in skip_pages
        ):
            set_level(0, text)  # an unnumbered chapter ("はじめに")
            in_index = False
            start("heading", pl, text)
            continue
        if n in skip_pages:
            continue
        if SUBSECTION.match(folded) and size > body_size:
            set_level(1, f"({SUBSECTION.match(folded).group(1)})")
            in_index = False
            start("heading", pl, text)
            continue
        if CIRCLED_HEADING.match(text) and indent < 0.5 * size and not in_table(pl):
            prev = blocks[-1] if blocks else None
            if prev is not None and prev.kind == "heading" and len(path) == 3 and prev.path == path:
                path[2] += text[0]  # "⑥ …" directly followed by "⑦ …": one shared section
                start("heading", pl, text)
                continue
            set_level(2, text[0])
            in_index = False
            start("heading", pl, text)
            continue
        centered = (
            abs((pl.line.x0 + pl.line.x1) / 2 - pl.page.width / 2) < 0.08 * pl.page.width
            and indent > 2 * size
        )
        if (
            centered
            and size >= body_size * TITLE_SIZE
            and len(text) <= 40
            and not in_index
            and not in_table(pl)
        ):
            # A document's title (the ordinance, the 要綱): a section of its own in the chapter.
            set_level(1, text)
            start("heading", pl, text)
            continue
        d = DEFINITION_HEADING.match(key)
        if d:
            set_level(1, d.group(1))
            start("heading", pl, text)
            continue
        if key == INDEX_LABEL:
            in_index = True
            continue
        if in_index or in_table(pl):
            continue
        m = YEAR_LABEL.match(folded)
        if m:
            set_level(2, m.group(1).replace(" ", ""))
            fy = find_fiscal_year(m.group(1))
            year_ref = fy.year if fy else None
            start("heading", pl, text)
            continue
        if key == OVERVIEW_LABEL:
            set_level(3, "取組の概要")
            start("heading", pl, text)
            continue
        m = MEASURE.match(text)
        if m and OVERVIEW_LABEL.strip("【】") in path:
            del path[path.index("取組の概要") + 1 :]
            start("measure_title", pl, m.group(1).strip())
            path.append(m.group(1).strip())
            continue
        if SOURCE.match(text):
            start("figure_source", pl, text)
            continue
        if FIGURE_CAPTION.match(folded) or TABLE_CAPTION.match(folded):
            start("figure_caption", pl, text)
            continue
        if NOTE.match(folded):
            start("note", pl, text)
            continue
        m = ARTICLE.match(folded) if indent < 0.5 * size else None
        if m:
            # "(目的)" just before is the article's heading.
            prev = blocks[-1] if blocks else None
            heading = (
                prev
                if prev is not None
                and prev.kind == "paragraph"
                and ARTICLE_HEADING.match(prev.text)
                else None
            )
            del path[_article_level(path) :]
            path.append(m.group(1))
            if heading is not None:
                heading.kind, heading.path = "heading", list(path)
            start("article", pl, text[len(text) - len(m.group(2)) :].strip() if m.group(2) else "")
            continue
        if key == SUPPLEMENTARY:
            del path[_article_level(path) :]
            path.append(SUPPLEMENTARY)
            start("heading", pl, text)
            continue
        in_article = len(path) >= 2 and (ARTICLE.match(path[-1]) or path[-1] == SUPPLEMENTARY)
        if in_article and (
            CLAUSE.match(folded) or indent > 0.5 * size and SUBSECTION.match(folded)
        ):
            start("article", pl, text)
            continue
        if BULLET.match(text):
            start("bullet", pl, BULLET.sub("", text))
            continue
        prev = blocks[-1] if blocks else None
        if prev is not None and prev.kind == "article" and not ARTICLE_HEADING.match(folded):
            prev.text = join_wrapped([prev.text, text])  # an article's lines hang under its text
            prev.lines.append(pl)
            continue
        continues = (
            prev is not None
            and prev.kind in ("bullet", "paragraph", "note")
            and prev.lines[-1].page is pl.page
            or (prev is not None and prev.kind in ("bullet", "paragraph"))
        )
        if (
            prev is not None
            and continues
            and not (prev.kind == "paragraph" and indent > 0.5 * size)
        ):
            prev.text = join_wrapped([prev.text, text])
            prev.lines.append(pl)
            continue
        start("paragraph", pl, text)
    # Before the first heading stand the cover and such: not narrative of any section.
    return [b for b in blocks if b.text and b.path]


def _article_level(path: list[str]) -> int:
    """Articles go under the document title when the chapter has one, else under the chapter."""
    if len(path) >= 2 and not (ARTICLE.match(path[1]) or path[1] == SUPPLEMENTARY):
        return 2
    return 1
