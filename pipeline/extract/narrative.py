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

from pipeline.extract.layout import BBox
from pipeline.extract.narrative_cases import CaseStudyReading
from pipeline.extract.narrative_lines import (
    ARTICLE,
    ARTICLE_HEADING,
    ARTICLE_NUMBER,
    BULLET,
    CHAPTER,
    CHAPTER_SIZE,
    CIRCLED_HEADING,
    CLAUSE,
    INDEX_LABEL,
    MEASURE,
    OVERVIEW_LABEL,
    SENTENCE_END,
    SUBSECTION,
    SUPPLEMENTARY,
    TITLE_SIZE,
    TOC_LEADER,
    YEAR_LABEL,
    Block,
    Line,
    article_level,
    heading_wraps,
    measure_right,
    runs_on,
)
from pipeline.extract.program_list import ANNEX_LABEL
from pipeline.extract.sections import PlacedLine, wraps_under_first_line
from pipeline.extract.statistics import (
    ANNEX,
    DEFINITION_HEADING,
    FIGURE_CAPTION,
    NOTE,
    SOURCE,
    TABLE_CAPTION,
    UNIT_LINE,
    captions_table,
)
from pipeline.extract.tables import Table, find_tables
from pipeline.normalize.era import find_fiscal_year
from pipeline.normalize.text import fold_width, join_wrapped, squash
from schemas.vocabulary import BlockKind


def extract_narrative(
    lines: list[PlacedLine],
    skip: set[int],
    list_boxes: dict[int, list[BBox]],
    body_size: float,
) -> list[Block]:
    """The narrative blocks of the report's lines in reading order (`skip`: indexes of
    lines other datasets took; `list_boxes`: the program list's tables by page, whose
    lines are the list's)."""
    reader = _Reader(list_boxes, body_size)
    for i, pl in enumerate(lines):
        if i in skip or pl.page.label is None:
            continue  # cards are another dataset; unnumbered pages are the cover and contents
        if TOC_LEADER.search(pl.text.strip()):
            continue  # a table-of-contents entry, not narrative
        reader.read(pl)
    # Before the first heading stand the cover and such: not narrative of any section.
    return [b for b in reader.blocks if b.text and b.path]


def _line_in(pl: PlacedLine, box: BBox) -> bool:
    """The line stands in the box: its middle within the box's height, its start within
    its width (a point of slack each way)."""
    mid = (pl.line.top + pl.line.bottom) / 2
    return box[1] - 1 <= mid <= box[3] + 1 and box[0] - 1 <= pl.line.x0 <= box[2] + 1


class _Reader(CaseStudyReading):
    """Reads lines one at a time into blocks: the section path (set by headings, see
    set_level) and what the lines before said (an index, a legal text, a case study)."""

    def __init__(self, list_boxes: dict[int, list[BBox]], body_size: float) -> None:
        self.list_boxes, self.body_size = list_boxes, body_size
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

    def heading(self, level: int, ln: Line, label: str, leave_index: bool = True) -> bool:
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
        return any(_line_in(pl, t.bbox) for t in self._tables(pl))

    def above_table(self, pl: PlacedLine) -> bool:
        return captions_table(pl.line, self._tables(pl)) is not None

    def read(self, pl: PlacedLine) -> None:
        before, self.previous = self.previous, pl
        n = pl.page.number
        if n not in self.left:
            self.left[n] = min(ln.x0 for ln in pl.page.body_lines())
        text = pl.text.strip()
        ln = Line(
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

    def chapter(self, ln: Line) -> bool:
        m = CHAPTER.match(ln.folded)
        if not m or ln.size < self.body_size * CHAPTER_SIZE:
            return False
        return self.heading(0, ln, m.group(1))

    def unnumbered_chapter(self, ln: Line) -> bool:
        if (
            ln.size >= self.body_size * CHAPTER_SIZE
            and ln.indent < 0.5 * ln.size
            and len(ln.text) <= 20
            and not self.list_line(ln)
        ):
            return self.heading(0, ln, ln.text)  # "はじめに"
        return False

    def heading_wrapped(self, ln: Line) -> bool:
        if ln.prev is None or not heading_wraps(ln.prev, ln.pl):
            return False
        self.extend(ln.prev, ln.pl, ln.text)  # "…図るこ" / "と": a long heading on two lines
        return True

    def subsection(self, ln: Line) -> bool:
        m = SUBSECTION.match(ln.folded)
        if not m or ln.size <= self.body_size or self.in_table(ln.pl):
            return False
        return self.heading(1, ln, f"({m.group(1)})")

    def list_line(self, ln: Line) -> bool:
        """A line of the program list's tables: the list is another dataset."""
        boxes = self.list_boxes.get(ln.page, [])
        if boxes and ANNEX_LABEL.match(ln.key):
            return True  # "別紙1" over the list: its label
        return any(_line_in(ln.pl, b) for b in boxes)

    def circled_heading(self, ln: Line) -> bool:
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

    def index_label(self, ln: Line) -> bool:
        if ln.key != INDEX_LABEL:
            return False
        self.in_index = self.interrupted = True
        self.case_phase = None
        return True

    def document_title(self, ln: Line) -> bool:
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

    def definition_heading(self, ln: Line) -> bool:
        d = DEFINITION_HEADING.match(ln.key)
        return d is not None and self.heading(1, ln, d.group(1), leave_index=False)

    def outside_narrative(self, ln: Line) -> bool:
        if self.in_index or self.in_table(ln.pl):
            self.interrupted = True
            return True
        return False

    def year_label(self, ln: Line) -> bool:
        m = YEAR_LABEL.match(ln.folded)
        if not m:
            return False
        self.heading(2, ln, m.group(1).replace(" ", ""), leave_index=False)
        fy = find_fiscal_year(m.group(1))
        self.year_ref = self.blocks[-1].fiscal_year_ref = fy.year if fy else None
        return True

    def overview_label(self, ln: Line) -> bool:
        return ln.key == OVERVIEW_LABEL and self.heading(3, ln, "取組の概要", leave_index=False)

    def measure_title(self, ln: Line) -> bool:
        m = MEASURE.match(ln.text)
        if not m or OVERVIEW_LABEL.strip("【】") not in self.path:
            return False
        del self.path[self.path.index("取組の概要") + 1 :]
        self.start(BlockKind.MEASURE_TITLE, ln.pl, m.group(1).strip())
        self.path.append(m.group(1).strip())
        return True

    def caption_or_note(self, ln: Line) -> bool:
        if SOURCE.match(ln.text):
            kind = BlockKind.FIGURE_SOURCE
        elif FIGURE_CAPTION.match(ln.folded):
            kind = BlockKind.FIGURE_CAPTION
        elif TABLE_CAPTION.match(ln.folded) or (len(ln.key) <= 40 and self.above_table(ln.pl)):
            kind = BlockKind.TABLE_CAPTION
        elif NOTE.match(ln.folded):
            kind = BlockKind.NOTE
        elif (m := UNIT_LINE.search(ln.folded)) and m.start() == 0:
            kind = BlockKind.UNIT_LINE
        else:
            return False
        self.start(kind, ln.pl, ln.text)
        return True

    def article(self, ln: Line) -> bool:
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
        del self.path[article_level(self.path) :]
        self.path.append(m.group(1))
        if titled and prev is not None:
            prev.kind, prev.path = BlockKind.HEADING, list(self.path)
        self.legal = True
        body = ln.text[len(ln.text) - len(m.group(2)) :].strip() if m.group(2) else ""
        self.start(BlockKind.ARTICLE, ln.pl, body)
        return True

    def legal_heading(self, ln: Line) -> bool:
        supplementary = ln.key == SUPPLEMENTARY or (self.legal and ANNEX.match(ln.key))
        # "(オブザーバー)": a heading of the legal text; before 第N it becomes that article's.
        titled = self.legal and ARTICLE_HEADING.match(ln.folded) and ln.indent < 1.5 * ln.size
        if not (supplementary or titled):
            return False
        del self.path[article_level(self.path) :]
        self.path.append(ln.key if supplementary else ln.text)
        self.start(BlockKind.HEADING, ln.pl, ln.text)
        return True

    def clause(self, ln: Line) -> bool:
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

    def bullet(self, ln: Line) -> bool:
        if not BULLET.match(ln.text):
            return False
        self.start(BlockKind.BULLET, ln.pl, BULLET.sub("", ln.text))
        return True

    def article_line(self, ln: Line) -> bool:
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

    def paragraph(self, ln: Line) -> bool:
        prev, pl = ln.prev, ln.pl
        runs = (BlockKind.BULLET, BlockKind.PARAGRAPH)
        if prev is None or self.interrupted:
            self.start(BlockKind.PARAGRAPH, pl, ln.text)
            return True
        continues = (
            prev.kind in (*runs, BlockKind.NOTE)
            and prev.lines[-1].page is pl.page
            or prev.kind in runs
        )
        if continues and not (
            prev.kind == BlockKind.PARAGRAPH
            and ln.indent > 0.5 * ln.size
            and not runs_on(prev, pl)
            and not (
                len(prev.lines) == 1
                and wraps_under_first_line(prev.lines[0], pl, measure_right(pl.page))
            )
        ):
            self.extend(prev, pl, ln.text)
        else:
            self.start(BlockKind.PARAGRAPH, pl, ln.text)
        return True


_RULES = (
    _Reader.chapter,
    _Reader.unnumbered_chapter,
    _Reader.heading_wrapped,
    _Reader.subsection,
    _Reader.list_line,
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
