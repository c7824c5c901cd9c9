"""Reading a case study (事例紹介): its (program：company) line, its title (the larger
lines before the first indented paragraph), its paragraphs and the captions under its
photos (found after a gap of several lines). Part of narrative.py's reader."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.extract.narrative_lines import CAPTION_GAP, CASE_STUDY, PHOTO_GAP, Line
from pipeline.normalize.text import open_brackets
from schemas.vocabulary import BlockKind

if TYPE_CHECKING:
    from pipeline.extract.narrative_lines import Block
    from pipeline.extract.sections import PlacedLine


class CaseStudyReading:
    """The reader's rules for case studies (see narrative._Reader, which has the state)."""

    blocks: list[Block]
    path: list[str]
    body_size: float
    case_phase: str | None

    def heading(self, level: int, ln: Line, label: str, leave_index: bool = True) -> bool:
        raise NotImplementedError

    def start(self, kind: BlockKind, pl: PlacedLine, text: str) -> None:
        raise NotImplementedError

    def extend(self, block: Block, pl: PlacedLine, text: str) -> None:
        raise NotImplementedError

    def in_table(self, pl: PlacedLine) -> bool:
        raise NotImplementedError

    def case_study_heading(self, ln: Line) -> bool:
        if not ln.key.endswith(CASE_STUDY) or len(ln.key) > 40:
            return False
        # Under the policy it illustrates (boxed, so tested before tables are skipped).
        self.heading(min(len(self.path), 3), ln, CASE_STUDY)
        self.case_phase = "subject"
        return True

    def case_study_line(self, ln: Line) -> bool:
        if self.case_phase is None or self.in_table(ln.pl):
            return False
        self.case_phase = self._case_study_step(self.case_phase, ln)
        return True

    def _case_study_step(self, phase: str, ln: Line) -> str:
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
