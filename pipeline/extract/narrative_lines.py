"""The narrative's marks and blocks: what opens a heading, an article, a bullet or a
caption, the Block type, and the tests of where a line stands (a heading's wrapped end,
a paragraph's run-on line, an article's level in the section path)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.layout import BBox, PageLayout
from pipeline.extract.sections import PlacedLine
from pipeline.normalize.text import fold_width
from schemas.vocabulary import BlockKind

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
    kind: BlockKind
    text: str
    path: list[str]
    fiscal_year_ref: int | None
    page: int
    bbox: BBox
    lines: list[PlacedLine] = field(default_factory=list, repr=False)
    parts: list[str] = field(default_factory=list, repr=False)  # the text each line gave


def measure_right(page: PageLayout) -> float:
    """Where the page's full lines end: the right edge of its text."""
    return max(ln.x1 for ln in page.body_lines())


def heading_wraps(prev: Block, pl: PlacedLine) -> bool:
    """The line right under a heading that filled the measure is the heading's end."""
    if prev.kind != BlockKind.HEADING or prev.lines[-1].page is not pl.page:
        return False
    last = prev.lines[-1].line
    text = fold_width(pl.text.strip())
    return (
        last.x1 >= measure_right(pl.page) - 1.5 * last.size
        and 0 <= pl.line.top - last.bottom < 0.8 * last.size
        and not fold_width(prev.text).endswith(SENTENCE_END)
        and not (CIRCLED_HEADING.match(text) or SUBSECTION.match(text) or BULLET.match(text))
    )


def runs_on(prev: Block, pl: PlacedLine) -> bool:
    """An indented line still continues a paragraph set as an indented block: the line
    before it starts at the same x, fills the measure and ends mid-sentence (also over
    a page break: the pages of one report share their margins)."""
    last = prev.lines[-1]
    if abs(last.line.x0 - pl.line.x0) > 1.0:
        return False
    if last.line.x1 < measure_right(last.page) - 1.5 * pl.line.size:
        return False
    # Once the paragraph's first line stood further in, a line at its wrapped lines' x
    # is one more of them: a new paragraph would open further in again.
    if len(prev.lines) >= 2 and prev.lines[0].line.x0 - last.line.x0 > 0.5 * pl.line.size:
        return True
    # A quotation or a note in brackets closes many a full line mid-paragraph
    # (「あおもり藍」 / に関する…); only a full stop may close a paragraph's full last line.
    return not fold_width(prev.text).endswith("。")


def article_level(path: list[str]) -> int:
    """Articles go under the document title when the chapter has one, else under the chapter."""
    if len(path) >= 2 and not (ARTICLE_NUMBER.match(path[1]) or path[1] == SUPPLEMENTARY):
        return 2
    return 1


@dataclass(slots=True)
class Line:
    """One line as the rules see it."""

    pl: PlacedLine
    text: str  # stripped
    folded: str  # full-width letters and digits folded
    key: str  # squashed: what labels are matched against
    indent: float  # from the page's left text edge
    size: float
    prev: Block | None  # the block read last
    before: PlacedLine | None  # the line read before

    @property
    def page(self) -> int:
        return self.pl.page.number
