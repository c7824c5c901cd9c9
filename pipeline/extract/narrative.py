"""The report's narrative as blocks in reading order, each with its section path.

Headings set the path: "1 …" (a chapter, set larger than body text), "(1) …",
"① …", a year label "<平成19年度>", 【取組の概要】, and "○ …" measure titles.
Blocks are bullets ("・", continued under their text), paragraphs (opened by
a one-character indent), figure and table captions, figure sources and notes.
Cards, program lists, indexes and ruled tables are other datasets and are skipped.

A heading ending in 事例紹介 opens a case study: the "(program：company)" line,
its title (the larger lines before the first indented paragraph), its paragraphs
and the captions under its photos (found after a gap of several lines).
Legal texts (the ordinance's 第N条, a 要綱's 第N) are read as articles: "(目的)"
before one is its heading, wrapped lines hang under it, and a line that returns to
the margin shows that the indented line before it opened a new paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.extract.layout import BBox, Glyph, PageLayout
from pipeline.extract.sections import PlacedLine, wraps_under_first_line
from pipeline.extract.statistics import (
    ANNEX,
    DEFINITION_HEADING,
    FIGURE_CAPTION,
    NOTE,
    SOURCE,
    TABLE_CAPTION,
    captions_table,
)
from pipeline.extract.tables import Table, find_tables
from pipeline.normalize.era import find_fiscal_year
from pipeline.normalize.text import fold_width, join_glyphs, join_wrapped, open_brackets, squash

CHAPTER = re.compile(r"^(\d)\s+\S")
SUBSECTION = re.compile(r"^[(（](\d+)[)）]\s*\S")
CIRCLED_HEADING = re.compile(r"^([①-⑳])\s*\S")
YEAR_LABEL = re.compile(r"^[<＜〈]\s*(.+年度)\s*[>＞〉]$")
OVERVIEW_LABEL = "【取組の概要】"
INDEX_LABEL = "【基本方針事業一覧】"
MEASURE = re.compile(r"^[○〇]\s*(\S.*)$")
BULLET = re.compile(r"^[・･]\s*")
TOC_LEADER = re.compile(r"(…{3,}|\.{6,}|‥{3,})")
# An ordinance's 第N条, or a 要綱's 第N followed by a space (not "第2期…").
ARTICLE = re.compile(r"^(第\d+条|第\d+(?=\s))\s*(.*)$")
ARTICLE_NUMBER = re.compile(r"^第\d+条?$")
ARTICLE_HEADING = re.compile(r"^[(（][^()（）]{1,20}[)）]$")
CLAUSE = re.compile(r"^\d+\s+\S")  # a numbered 項 of an article, at the margin
SUPPLEMENTARY = "附則"
CASE_STUDY = "事例紹介"
SENTENCE_END = ("。", "」", "）", ")")
PHOTO_GAP = 2.5  # lines of white space above a caption: a photo stands there
CAPTION_GAP = 2.0  # sizes of white space between two captions on one line
CHAPTER_SIZE = 1.2
TITLE_SIZE = 1.1  # a chapter heading is set at least this much larger than body text


@dataclass(slots=True)
class Block:
    kind: str  # one of schemas.narrative.KINDS
    text: str
    path: list[str]
    fiscal_year_ref: int | None
    page: int
    bbox: BBox
    lines: list[PlacedLine] = field(default_factory=list, repr=False)
    parts: list[str] = field(default_factory=list, repr=False)  # the text each line gave


def extract_narrative(
    lines: list[PlacedLine], skip: set[int], skip_pages: set[int], body_size: float
) -> list[Block]:
    blocks: list[Block] = []
    path: list[str] = []
    year_ref: int | None = None
    in_index = False
    legal = False  # inside a legal text, once its first article is read
    case_phase: str | None = None  # subject | title | body, inside a case study
    interrupted = False  # a table or an index stood between the previous block and this line
    previous: PlacedLine | None = None

    def tables_on_page(pl: PlacedLine) -> list[Table]:
        return find_tables(pl.page, (0.0, 0.0, pl.page.width, pl.page.height))  # cached

    def in_table(pl: PlacedLine) -> bool:
        mid = (pl.line.top + pl.line.bottom) / 2
        return any(
            t.bbox[1] - 1 <= mid <= t.bbox[3] + 1 and t.bbox[0] - 1 <= pl.line.x0 <= t.bbox[2] + 1
            for t in tables_on_page(pl)
        )

    def above_table(pl: PlacedLine) -> bool:
        return captions_table(pl.line, tables_on_page(pl)) is not None

    def start(kind: str, pl: PlacedLine, text: str) -> None:
        nonlocal interrupted
        interrupted = False
        blocks.append(
            Block(kind, text, list(path), year_ref, pl.page.number, pl.line.bbox, [pl], [text])
        )

    def extend(block: Block, pl: PlacedLine, text: str) -> None:
        block.text = join_wrapped([block.text, text])
        block.lines.append(pl)
        block.parts.append(text)

    def set_level(level: int, label: str) -> None:
        nonlocal year_ref, legal, case_phase
        del path[level:]
        path.append(label)
        year_ref = None
        case_phase = None
        if level <= 1:
            legal = False

    left: dict[int, float] = {}
    for i, pl in enumerate(lines):
        if i in skip or pl.page.label is None:
            continue  # cards are another dataset; unnumbered pages are the cover and contents
        text = pl.text.strip()
        if TOC_LEADER.search(text):
            continue  # a table-of-contents entry, not narrative
        before, previous = previous, pl
        folded = fold_width(text)
        key = squash(text)
        n = pl.page.number
        if n not in left:
            left[n] = min(ln.x0 for ln in pl.page.body_lines())
        indent = pl.line.x0 - left[n]
        size = pl.line.size
        prev = blocks[-1] if blocks else None
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
        if prev is not None and _heading_wraps(prev, pl):
            extend(prev, pl, text)  # "…図るこ" / "と": a long heading set on two lines
            continue
        if SUBSECTION.match(folded) and size > body_size and not in_table(pl):
            set_level(1, f"({SUBSECTION.match(folded).group(1)})")
            in_index = False
            start("heading", pl, text)
            continue
        if n in skip_pages:
            continue
        if CIRCLED_HEADING.match(text) and indent < 0.5 * size and not in_table(pl):
            if prev is not None and prev.kind == "heading" and len(path) == 3 and prev.path == path:
                path[2] += text[0]  # "⑥ …" directly followed by "⑦ …": one shared section
                prev.path = list(path)
                start("heading", pl, text)
                continue
            set_level(2, text[0])
            in_index = False
            start("heading", pl, text)
            continue
        if key.endswith(CASE_STUDY) and len(key) <= 40:
            # Under the policy it illustrates (boxed, so tested before tables are skipped).
            set_level(min(len(path), 3), CASE_STUDY)
            in_index = False
            case_phase = "subject"
            start("heading", pl, text)
            continue
        if key == INDEX_LABEL:
            in_index = interrupted = True
            case_phase = None
            continue
        if case_phase is not None and not in_table(pl):
            case_phase = _case_study_line(
                case_phase, pl, text, indent, before, body_size, blocks, path, start, extend
            )
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
        if in_index or in_table(pl):
            interrupted = True
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
        if FIGURE_CAPTION.match(folded):
            start("figure_caption", pl, text)
            continue
        if TABLE_CAPTION.match(folded) or (len(key) <= 40 and above_table(pl)):
            start("table_caption", pl, text)
            continue
        if NOTE.match(folded):
            start("note", pl, text)
            continue
        m = ARTICLE.match(folded) if indent < 0.5 * size else None
        # A wrapped line may begin with "第10条…": an article opens only after a heading
        # or a finished sentence.
        titled = prev is not None and ARTICLE_HEADING.match(fold_width(prev.text))
        if m and (
            titled
            or prev is None
            or prev.kind == "heading"
            or fold_width(prev.text).endswith(SENTENCE_END)
        ):
            del path[_article_level(path) :]
            path.append(m.group(1))
            if titled:
                prev.kind, prev.path = "heading", list(path)
            legal = True
            start("article", pl, text[len(text) - len(m.group(2)) :].strip() if m.group(2) else "")
            continue
        if key == SUPPLEMENTARY or (legal and ANNEX.match(key)):
            del path[_article_level(path) :]
            path.append(key)
            start("heading", pl, text)
            continue
        if legal and ARTICLE_HEADING.match(folded) and indent < 1.5 * size:
            # "(オブザーバー)": a heading of the legal text; before 第N it becomes that article's.
            del path[_article_level(path) :]
            path.append(text)
            start("heading", pl, text)
            continue
        in_article = len(path) >= 2 and (
            ARTICLE_NUMBER.match(path[-1]) or path[-1] == SUPPLEMENTARY
        )
        if in_article and (
            CLAUSE.match(folded) or indent > 0.5 * size and SUBSECTION.match(folded)
        ):
            start("article", pl, text)
            continue
        if BULLET.match(text):
            start("bullet", pl, BULLET.sub("", text))
            continue
        if prev is not None and prev.kind == "article" and not ARTICLE_HEADING.match(folded):
            last = prev.lines[-1]
            hanging = last.line.x0 - left.get(last.page.number, last.line.x0)
            if len(prev.lines) >= 2 and indent < 0.5 * size <= hanging:
                # Back at the margin: the indented line before opened a new paragraph.
                prev.lines.pop()
                prev.parts.pop()
                prev.text = join_wrapped(prev.parts)
                start("article", last, last.text.strip())
                prev = blocks[-1]
            extend(prev, pl, text)  # an article's lines hang under its text
            continue
        continues = (
            prev is not None
            and not interrupted
            and (
                prev.kind in ("bullet", "paragraph", "note")
                and prev.lines[-1].page is pl.page
                or prev.kind in ("bullet", "paragraph")
            )
        )
        if continues and not (
            prev.kind == "paragraph"
            and indent > 0.5 * size
            and not _runs_on(prev, pl)
            and not (
                len(prev.lines) == 1
                and wraps_under_first_line(prev.lines[0], pl, _measure_right(pl.page))
            )
        ):
            extend(prev, pl, text)
            continue
        start("paragraph", pl, text)
    # Before the first heading stand the cover and such: not narrative of any section.
    return [b for b in blocks if b.text and b.path]


def _case_study_line(
    phase: str,
    pl: PlacedLine,
    text: str,
    indent: float,
    before: PlacedLine | None,
    body_size: float,
    blocks: list[Block],
    path: list[str],
    start: Callable[[str, PlacedLine, str], None],
    extend: Callable[[Block, PlacedLine, str], None],
) -> str:
    """Read one line of a case study; returns the phase the next line is read in."""
    size = pl.line.size
    prev = blocks[-1]
    if phase == "subject":
        if text.startswith(("(", "（")) and prev.kind == "heading":
            start("case_study_subject", pl, text)
            return "subject" if open_brackets(text) > 0 else "title"
        if prev.kind == "case_study_subject":
            extend(prev, pl, text)  # its closing bracket is still to come
            return "subject" if open_brackets(prev.text) > 0 else "title"
        phase = "title"
    opens_paragraph = 0.5 * size <= indent <= 1.5 * size and size <= body_size * 1.05
    if phase == "title":
        if not opens_paragraph:
            if prev.kind == "case_study_title":
                extend(prev, pl, text)
            else:
                start("case_study_title", pl, text)
            return "title"
        if prev.kind == "case_study_title":
            path.append(prev.text)  # the story's paragraphs sit under its title
        phase = "body"
    gap = pl.line.top - before.line.bottom if before is not None and before.page is pl.page else 0.0
    if gap > PHOTO_GAP * size or prev.kind == "photo_caption" and prev.lines[-1].page is pl.page:
        for part in _split_at_gaps(pl.line.glyphs, CAPTION_GAP * size):
            start("photo_caption", pl, join_glyphs(part).strip())
            blocks[-1].bbox = (part[0].x0, pl.line.top, part[-1].x1, pl.line.bottom)
        return "body"
    if prev.kind == "case_study" and indent < 0.5 * size:
        extend(prev, pl, text)
    else:
        start("case_study", pl, text)
    return "body"


def _measure_right(page: PageLayout) -> float:
    """Where the page's full lines end: the right edge of its text."""
    return max(ln.x1 for ln in page.body_lines())


def _heading_wraps(prev: Block, pl: PlacedLine) -> bool:
    """The line right under a heading that filled the measure is the heading's end."""
    if prev.kind != "heading" or prev.lines[-1].page is not pl.page:
        return False
    last = prev.lines[-1].line
    text = fold_width(pl.text.strip())
    return (
        last.x1 >= _measure_right(pl.page) - 1.5 * last.size
        and 0 <= pl.line.top - last.bottom < 0.8 * last.size
        and not fold_width(prev.text).endswith(SENTENCE_END)
        and not (CIRCLED_HEADING.match(text) or SUBSECTION.match(text) or BULLET.match(text))
    )


def _runs_on(prev: Block, pl: PlacedLine) -> bool:
    """An indented line still continues a paragraph set as an indented block: the line
    before it starts at the same x, fills the measure and ends mid-sentence (also over
    a page break: the pages of one report share their margins)."""
    last = prev.lines[-1]
    if abs(last.line.x0 - pl.line.x0) > 1.0:
        return False
    if last.line.x1 < _measure_right(last.page) - 1.5 * pl.line.size:
        return False
    # Once the paragraph's first line stood further in, a line at its wrapped lines' x
    # is one more of them: a new paragraph would open further in again.
    if len(prev.lines) >= 2 and prev.lines[0].line.x0 - last.line.x0 > 0.5 * pl.line.size:
        return True
    # A quotation or a note in brackets closes many a full line mid-paragraph
    # (「あおもり藍」 / に関する…); only a full stop may close a paragraph's full last line.
    return not fold_width(prev.text).endswith("。")


def _split_at_gaps(glyphs: list[Glyph], gap: float) -> list[list[Glyph]]:
    """Captions set side by side on one baseline, split where white space is wide."""
    parts: list[list[Glyph]] = []
    last_ink: Glyph | None = None
    for g in glyphs:
        if g.text.isspace():
            if parts:
                parts[-1].append(g)
            continue
        if last_ink is None or g.x0 - last_ink.x1 > gap:
            parts.append([])
        parts[-1].append(g)
        last_ink = g
    return [p for p in parts if any(not g.text.isspace() for g in p)]


def _article_level(path: list[str]) -> int:
    """Articles go under the document title when the chapter has one, else under the chapter."""
    if len(path) >= 2 and not (ARTICLE_NUMBER.match(path[1]) or path[1] == SUPPLEMENTARY):
        return 2
    return 1
