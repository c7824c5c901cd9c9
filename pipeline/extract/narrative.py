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
from dataclasses import dataclass, field

from pipeline.extract.layout import BBox, PageLayout
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
from pipeline.normalize.text import fold_width, join_wrapped, open_brackets, squash
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


def extract_narrative(
    lines: list[PlacedLine], skip: set[int], skip_pages: set[int], body_size: float
) -> list[Block]:
    """The narrative blocks of the report's lines in reading order (`skip`: indexes of
    lines other datasets took; `skip_pages`: list pages, where only headings are read)."""
    reader = _Reader(skip_pages, body_size)
    for i, pl in enumerate(lines):
        if i in skip or pl.page.label is None:
            continue  # cards are another dataset; unnumbered pages are the cover and contents
        if TOC_LEADER.search(pl.text.strip()):
            continue  # a table-of-contents entry, not narrative
        reader.read(pl)
    # Before the first heading stand the cover and such: not narrative of any section.
    return [b for b in reader.blocks if b.text and b.path]


@dataclass(slots=True)
class _Line:
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


class _Reader:
    """Reads lines one at a time into blocks: the section path (set by headings, see
    set_level) and what the lines before said (an index, a legal text, a case study)."""

    def __init__(self, skip_pages: set[int], body_size: float) -> None:
        self.skip_pages, self.body_size = skip_pages, body_size
        self.blocks: list[Block] = []
        self.path: list[str] = []
        self.year_ref: int | None = None
        self.in_index = False
        self.legal = False  # inside a legal text, once its first article is read
        self.case_phase: str | None = None  # subject | title | body, inside a case study
        self.interrupted = False  # a table or an index stood between the last block and now
        self.previous: PlacedLine | None = None
        self.left: dict[int, float] = {}  # page → its text's left edge

    # -- the section path and the blocks

    def set_level(self, level: int, label: str) -> None:
        del self.path[level:]
        self.path.append(label)
        self.year_ref = None
        self.case_phase = None
        if level <= 1:
            self.legal = False

    def start(self, kind: BlockKind, pl: PlacedLine, text: str) -> None:
        self.interrupted = False
        bbox = pl.line.bbox
        block = Block(
            kind, text, list(self.path), self.year_ref, pl.page.number, bbox, [pl], [text]
        )
        self.blocks.append(block)

    def heading(self, level: int, ln: _Line, label: str, leave_index: bool = True) -> bool:
        self.set_level(level, label)
        if leave_index:
            self.in_index = False
        self.start(BlockKind.HEADING, ln.pl, ln.text)
        return True

    @staticmethod
    def extend(block: Block, pl: PlacedLine, text: str) -> None:
        block.text = join_wrapped([block.text, text])
        block.lines.append(pl)
        block.parts.append(text)

    # -- where a line stands

    @staticmethod
    def _tables(pl: PlacedLine) -> list[Table]:
        return find_tables(pl.page, (0.0, 0.0, pl.page.width, pl.page.height))  # cached

    def in_table(self, pl: PlacedLine) -> bool:
        mid = (pl.line.top + pl.line.bottom) / 2
        return any(
            t.bbox[1] - 1 <= mid <= t.bbox[3] + 1 and t.bbox[0] - 1 <= pl.line.x0 <= t.bbox[2] + 1
            for t in self._tables(pl)
        )

    def above_table(self, pl: PlacedLine) -> bool:
        return captions_table(pl.line, self._tables(pl)) is not None

    def read(self, pl: PlacedLine) -> None:
        before, self.previous = self.previous, pl
        n = pl.page.number
        if n not in self.left:
            self.left[n] = min(ln.x0 for ln in pl.page.body_lines())
        text = pl.text.strip()
        ln = _Line(
            pl,
            text,
            fold_width(text),
            squash(text),
            pl.line.x0 - self.left[n],
            pl.line.size,
            self.blocks[-1] if self.blocks else None,
            before,
        )
        for rule in _RULES:
            if rule(self, ln):
                return

    # -- the rules, in the order they are tried; each says whether it took the line.
    # Headings first: they are read even on list pages (a chapter may open there).

    def chapter(self, ln: _Line) -> bool:
        m = CHAPTER.match(ln.folded)
        if not m or ln.size < self.body_size * CHAPTER_SIZE:
            return False
        return self.heading(0, ln, m.group(1))

    def unnumbered_chapter(self, ln: _Line) -> bool:
        if (
            ln.size >= self.body_size * CHAPTER_SIZE
            and ln.indent < 0.5 * ln.size
            and len(ln.text) <= 20
            and ln.page not in self.skip_pages
        ):
            return self.heading(0, ln, ln.text)  # "はじめに"
        return False

    def heading_wrapped(self, ln: _Line) -> bool:
        if ln.prev is None or not _heading_wraps(ln.prev, ln.pl):
            return False
        self.extend(ln.prev, ln.pl, ln.text)  # "…図るこ" / "と": a long heading on two lines
        return True

    def subsection(self, ln: _Line) -> bool:
        m = SUBSECTION.match(ln.folded)
        if not m or ln.size <= self.body_size or self.in_table(ln.pl):
            return False
        return self.heading(1, ln, f"({m.group(1)})")

    def list_page(self, ln: _Line) -> bool:
        return ln.page in self.skip_pages  # a program list's page: only its headings are read

    def circled_heading(self, ln: _Line) -> bool:
        if not CIRCLED_HEADING.match(ln.text) or ln.indent >= 0.5 * ln.size:
            return False
        if self.in_table(ln.pl):
            return False
        prev, path = ln.prev, self.path
        if prev is not None and prev.kind == BlockKind.HEADING and len(path) == 3:
            if prev.path == path:
                path[2] += ln.text[0]  # "⑥ …" directly followed by "⑦ …": one shared section
                prev.path = list(path)
                self.start(BlockKind.HEADING, ln.pl, ln.text)
                return True
        return self.heading(2, ln, ln.text[0])

    def case_study_heading(self, ln: _Line) -> bool:
        if not ln.key.endswith(CASE_STUDY) or len(ln.key) > 40:
            return False
        # Under the policy it illustrates (boxed, so tested before tables are skipped).
        self.heading(min(len(self.path), 3), ln, CASE_STUDY)
        self.case_phase = "subject"
        return True

    def index_label(self, ln: _Line) -> bool:
        if ln.key != INDEX_LABEL:
            return False
        self.in_index = self.interrupted = True
        self.case_phase = None
        return True

    def case_study_line(self, ln: _Line) -> bool:
        if self.case_phase is None or self.in_table(ln.pl):
            return False
        self.case_phase = self._case_study_step(self.case_phase, ln)
        return True

    def document_title(self, ln: _Line) -> bool:
        page = ln.pl.page
        centered = (
            abs((ln.pl.line.x0 + ln.pl.line.x1) / 2 - page.width / 2) < 0.08 * page.width
            and ln.indent > 2 * ln.size
        )
        if (
            centered
            and ln.size >= self.body_size * TITLE_SIZE
            and len(ln.text) <= 40
            and not self.in_index
            and not self.in_table(ln.pl)
        ):
            # A document's title (the ordinance, the 要綱): a section of its own in the chapter.
            return self.heading(1, ln, ln.text, leave_index=False)
        return False

    def definition_heading(self, ln: _Line) -> bool:
        d = DEFINITION_HEADING.match(ln.key)
        return bool(d) and self.heading(1, ln, d.group(1), leave_index=False)

    def outside_narrative(self, ln: _Line) -> bool:
        if self.in_index or self.in_table(ln.pl):
            self.interrupted = True
            return True
        return False

    def year_label(self, ln: _Line) -> bool:
        m = YEAR_LABEL.match(ln.folded)
        if not m:
            return False
        self.heading(2, ln, m.group(1).replace(" ", ""), leave_index=False)
        fy = find_fiscal_year(m.group(1))
        self.year_ref = self.blocks[-1].fiscal_year_ref = fy.year if fy else None
        return True

    def overview_label(self, ln: _Line) -> bool:
        return ln.key == OVERVIEW_LABEL and self.heading(3, ln, "取組の概要", leave_index=False)

    def measure_title(self, ln: _Line) -> bool:
        m = MEASURE.match(ln.text)
        if not m or OVERVIEW_LABEL.strip("【】") not in self.path:
            return False
        del self.path[self.path.index("取組の概要") + 1 :]
        self.start(BlockKind.MEASURE_TITLE, ln.pl, m.group(1).strip())
        self.path.append(m.group(1).strip())
        return True

    def caption_or_note(self, ln: _Line) -> bool:
        if SOURCE.match(ln.text):
            kind = BlockKind.FIGURE_SOURCE
        elif FIGURE_CAPTION.match(ln.folded):
            kind = BlockKind.FIGURE_CAPTION
        elif TABLE_CAPTION.match(ln.folded) or (len(ln.key) <= 40 and self.above_table(ln.pl)):
            kind = BlockKind.TABLE_CAPTION
        elif NOTE.match(ln.folded):
            kind = BlockKind.NOTE
        else:
            return False
        self.start(kind, ln.pl, ln.text)
        return True

    def article(self, ln: _Line) -> bool:
        m = ARTICLE.match(ln.folded) if ln.indent < 0.5 * ln.size else None
        if not m:
            return False
        # A wrapped line may begin with "第10条…": an article opens only after a heading
        # or a finished sentence.
        prev = ln.prev
        titled = prev is not None and ARTICLE_HEADING.match(fold_width(prev.text))
        if not (
            titled
            or prev is None
            or prev.kind == BlockKind.HEADING
            or fold_width(prev.text).endswith(SENTENCE_END)
        ):
            return False
        del self.path[_article_level(self.path) :]
        self.path.append(m.group(1))
        if titled and prev is not None:
            prev.kind, prev.path = BlockKind.HEADING, list(self.path)
        self.legal = True
        body = ln.text[len(ln.text) - len(m.group(2)) :].strip() if m.group(2) else ""
        self.start(BlockKind.ARTICLE, ln.pl, body)
        return True

    def legal_heading(self, ln: _Line) -> bool:
        supplementary = ln.key == SUPPLEMENTARY or (self.legal and ANNEX.match(ln.key))
        # "(オブザーバー)": a heading of the legal text; before 第N it becomes that article's.
        titled = self.legal and ARTICLE_HEADING.match(ln.folded) and ln.indent < 1.5 * ln.size
        if not (supplementary or titled):
            return False
        del self.path[_article_level(self.path) :]
        self.path.append(ln.key if supplementary else ln.text)
        self.start(BlockKind.HEADING, ln.pl, ln.text)
        return True

    def clause(self, ln: _Line) -> bool:
        path = self.path
        in_article = len(path) >= 2 and (
            ARTICLE_NUMBER.match(path[-1]) or path[-1] == SUPPLEMENTARY
        )
        if in_article and (
            CLAUSE.match(ln.folded) or ln.indent > 0.5 * ln.size and SUBSECTION.match(ln.folded)
        ):
            self.start(BlockKind.ARTICLE, ln.pl, ln.text)
            return True
        return False

    def bullet(self, ln: _Line) -> bool:
        if not BULLET.match(ln.text):
            return False
        self.start(BlockKind.BULLET, ln.pl, BULLET.sub("", ln.text))
        return True

    def article_line(self, ln: _Line) -> bool:
        prev = ln.prev
        if prev is None or prev.kind != BlockKind.ARTICLE or ARTICLE_HEADING.match(ln.folded):
            return False
        last = prev.lines[-1]
        hanging = last.line.x0 - self.left.get(last.page.number, last.line.x0)
        if len(prev.lines) >= 2 and ln.indent < 0.5 * ln.size <= hanging:
            # Back at the margin: the indented line before opened a new paragraph.
            prev.lines.pop()
            prev.parts.pop()
            prev.text = join_wrapped(prev.parts)
            self.start(BlockKind.ARTICLE, last, last.text.strip())
            prev = self.blocks[-1]
        self.extend(prev, ln.pl, ln.text)  # an article's lines hang under its text
        return True

    def paragraph(self, ln: _Line) -> bool:
        prev, pl = ln.prev, ln.pl
        runs = (BlockKind.BULLET, BlockKind.PARAGRAPH)
        continues = (
            prev is not None
            and not self.interrupted
            and (
                prev.kind in (*runs, BlockKind.NOTE)
                and prev.lines[-1].page is pl.page
                or prev.kind in runs
            )
        )
        if continues and not (
            prev.kind == BlockKind.PARAGRAPH
            and ln.indent > 0.5 * ln.size
            and not _runs_on(prev, pl)
            and not (
                len(prev.lines) == 1
                and wraps_under_first_line(prev.lines[0], pl, _measure_right(pl.page))
            )
        ):
            self.extend(prev, pl, ln.text)
        else:
            self.start(BlockKind.PARAGRAPH, pl, ln.text)
        return True

    def _case_study_step(self, phase: str, ln: _Line) -> str:
        """Read one line of a case study; returns the phase the next line is read in."""
        pl, text, size, prev = ln.pl, ln.text, ln.size, self.blocks[-1]
        if phase == "subject":
            if text.startswith(("(", "（")) and prev.kind == BlockKind.HEADING:
                self.start(BlockKind.CASE_STUDY_SUBJECT, pl, text)
                return "subject" if open_brackets(text) > 0 else "title"
            if prev.kind == BlockKind.CASE_STUDY_SUBJECT:
                self.extend(prev, pl, text)  # its closing bracket is still to come
                return "subject" if open_brackets(prev.text) > 0 else "title"
            phase = "title"
        opens_paragraph = 0.5 * size <= ln.indent <= 1.5 * size and size <= self.body_size * 1.05
        if phase == "title":
            if not opens_paragraph:
                if prev.kind == BlockKind.CASE_STUDY_TITLE:
                    self.extend(prev, pl, text)
                else:
                    self.start(BlockKind.CASE_STUDY_TITLE, pl, text)
                return "title"
            if prev.kind == BlockKind.CASE_STUDY_TITLE:
                self.path.append(prev.text)  # the story's paragraphs sit under its title
        before = ln.before
        gap = pl.line.top - before.line.bottom if before and before.page is pl.page else 0.0
        photo = prev.kind == BlockKind.PHOTO_CAPTION and prev.lines[-1].page is pl.page
        if gap > PHOTO_GAP * size or photo:
            for part in pl.line.split(gap=CAPTION_GAP * size):
                self.start(BlockKind.PHOTO_CAPTION, pl, part.text.strip())
                first, last = part.glyphs[0], part.glyphs[-1]
                self.blocks[-1].bbox = (first.x0, pl.line.top, last.x1, pl.line.bottom)
            return "body"
        if prev.kind == BlockKind.CASE_STUDY and ln.indent < 0.5 * size:
            self.extend(prev, pl, text)
        else:
            self.start(BlockKind.CASE_STUDY, pl, text)
        return "body"


_RULES = (
    _Reader.chapter,
    _Reader.unnumbered_chapter,
    _Reader.heading_wrapped,
    _Reader.subsection,
    _Reader.list_page,
    _Reader.circled_heading,
    _Reader.case_study_heading,
    _Reader.index_label,
    _Reader.case_study_line,
    _Reader.document_title,
    _Reader.definition_heading,
    _Reader.outside_narrative,
    _Reader.year_label,
    _Reader.overview_label,
    _Reader.measure_title,
    _Reader.caption_or_note,
    _Reader.article,
    _Reader.legal_heading,
    _Reader.clause,
    _Reader.bullet,
    _Reader.article_line,
    _Reader.paragraph,
)


def _measure_right(page: PageLayout) -> float:
    """Where the page's full lines end: the right edge of its text."""
    return max(ln.x1 for ln in page.body_lines())


def _heading_wraps(prev: Block, pl: PlacedLine) -> bool:
    """The line right under a heading that filled the measure is the heading's end."""
    if prev.kind != BlockKind.HEADING or prev.lines[-1].page is not pl.page:
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


def _article_level(path: list[str]) -> int:
    """Articles go under the document title when the chapter has one, else under the chapter."""
    if len(path) >= 2 and not (ARTICLE_NUMBER.match(path[1]) or path[1] == SUPPLEMENTARY):
        return 2
    return 1
