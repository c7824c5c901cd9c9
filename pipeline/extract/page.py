"""One parse per page: a pdfplumber page read into a PageLayout, and what its text
layer and content streams could not give (said as parser messages, never dropped)."""

from __future__ import annotations

import logging
import statistics
import zlib
from collections.abc import Sequence

from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.layout import LTChar, LTContainer, LTLine, LTRect
from pdfminer.pdftypes import (
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_FLATE_DECODE,
    PDFStream,
)
from pdfplumber.page import fix_fontname_bytes

from pipeline.extract.layout import Fill, Glyph, PageLayout, Rule, find_page_label
from pipeline.normalize.text import fold_ideographs, without_controls

# Geometric tolerances, in PDF points.
RULE_MAX_THICKNESS = 2.0  # a filled rect thinner than this is a ruling, not a shape
COLLINEAR_TOL = 1.0  # two rule pieces this close in their cross axis are one rule
JOIN_GAP_TOL = 1.5  # pieces of one rule separated by less than this are joined


def _merge_rules(pieces: list[Rule]) -> list[Rule]:
    """Join collinear, touching pieces (tables drawn cell by cell) into whole rules."""
    merged: list[Rule] = []
    for horizontal in (True, False):
        group = sorted(
            (r for r in pieces if r.horizontal == horizontal), key=lambda r: (r.pos, r.start)
        )
        rows: list[list[Rule]] = []
        for r in group:
            if rows and abs(r.pos - rows[-1][0].pos) <= COLLINEAR_TOL:
                rows[-1].append(r)
            else:
                rows.append([r])
        for row in rows:
            pos = statistics.median(r.pos for r in row)
            row.sort(key=lambda r: r.start)
            cur_start, cur_end = row[0].start, row[0].end
            for r in row[1:]:
                if r.start <= cur_end + JOIN_GAP_TOL:
                    cur_end = max(cur_end, r.end)
                else:
                    merged.append(
                        Rule(horizontal, round(pos, 2), round(cur_start, 2), round(cur_end, 2))
                    )
                    cur_start, cur_end = r.start, r.end
            merged.append(Rule(horizontal, round(pos, 2), round(cur_start, 2), round(cur_end, 2)))
    return merged


def _as_rule(x0: float, top: float, x1: float, bottom: float) -> Rule | None:
    """A line or a thin filled rect drawn as a ruling; None for anything with area."""
    w, h = x1 - x0, bottom - top
    if h <= RULE_MAX_THICKNESS and w > RULE_MAX_THICKNESS:
        return Rule(True, (top + bottom) / 2, x0, x1)
    if w <= RULE_MAX_THICKNESS and h > RULE_MAX_THICKNESS:
        return Rule(False, (x0 + x1) / 2, top, bottom)
    return None


def read_page(page) -> PageLayout:  # noqa: ANN001 - pdfplumber.page.Page
    """Snapshot one pdfplumber page into a PageLayout.

    Reads the page's pdfminer layout objects (`page.layout`) with the same
    coordinate conversion pdfplumber applies in `page.chars` / `lines` / `rects`,
    but without building pdfplumber's dict of ~20 attributes per object: that
    conversion costs about a quarter of the parse, and nenpo needs six fields.
    tests/test_document.py proves the result identical to pdfplumber's objects.
    """
    damaged = damaged_content_streams(page.page_obj.contents)
    objects = _PageObjects(page.height, *page.mediabox[:2])
    pending = [iter(page.layout._objs)]
    while pending:
        obj = next(pending[-1], None)
        if obj is None:
            pending.pop()
        elif isinstance(obj, LTContainer):
            pending.append(iter(obj._objs))  # figures: their children are the page's too
        elif isinstance(obj, LTChar):
            objects.add_char(obj)
        elif type(obj) is LTLine or type(obj) is LTRect:  # not their subclasses (curves)
            objects.add_shape(obj)
    layout = PageLayout(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        glyphs=objects.glyphs,
        rules=_merge_rules(objects.line_pieces + objects.rect_pieces),
        fills=objects.fills,
        unmapped=objects.unmapped,
        not_upright=objects.not_upright,
    )
    layout.label = find_page_label(layout)
    layout.parser_messages = damaged
    if objects.hidden:
        layout.parser_messages.append(
            f"{objects.hidden} glyph(s) of the text layer carried control or bidi characters "
            "(removed from the text)"
        )
    return layout


class _PageObjects:
    """What read_page keeps of a page's pdfminer objects, in page coordinates (top down)."""

    def __init__(self, height: float, mb_x0: float, mb_top: float) -> None:
        self.height, self.mb_x0, self.mb_top = height, mb_x0, mb_top
        self.glyphs: list[Glyph] = []
        self.line_pieces: list[Rule] = []  # lines before rects, as pdfplumber lists them
        self.rect_pieces: list[Rule] = []
        self.fills: list[Fill] = []
        self.unmapped: dict[str, list] = {}
        self.not_upright = 0
        self.hidden = 0  # glyphs carrying control or bidi characters

    def _box(self, obj: LTChar | LTLine | LTRect) -> tuple[float, float, float, float]:
        return (
            float(obj.x0 + self.mb_x0),
            float((self.height - obj.y1) + self.mb_top),
            float(obj.x1 + self.mb_x0),
            float((self.height - obj.y0) + self.mb_top),
        )

    def add_char(self, obj: LTChar) -> None:
        text = without_controls(obj.get_text())
        if text != obj.get_text():
            self.hidden += 1  # said on the page (parser messages), never kept
        if not text:
            return
        if not obj.upright:
            self.not_upright += 1  # said, never dropped silently: see extract/health.py
            return
        # The text layer's radicals and compatibility ideographs, read as the kanji
        # they stand for (the PDF prints 長, whatever code point it stores).
        text = fold_ideographs(text)
        if is_unmapped_text(text):
            font = obj.fontname
            name = fix_fontname_bytes(font) if isinstance(font, bytes) else str(font)
            self.unmapped.setdefault(name, [0, text])[0] += 1
        x0, top, x1, bottom = self._box(obj)
        self.glyphs.append(Glyph(text, x0, x1, top, bottom, float(obj.size or (bottom - top))))

    def add_shape(self, obj: LTLine | LTRect) -> None:
        x0, top, x1, bottom = self._box(obj)
        rule = _as_rule(x0, top, x1, bottom)
        if rule is not None:
            (self.line_pieces if type(obj) is LTLine else self.rect_pieces).append(rule)
        elif type(obj) is LTRect and min(x1 - x0, bottom - top) > RULE_MAX_THICKNESS:
            stroked = bool(obj.stroke)
            self.fills.append(Fill(x0, top, x1, bottom, bool(obj.fill), stroked))
            if stroked:
                self.rect_pieces += [
                    Rule(True, top, x0, x1),
                    Rule(True, bottom, x0, x1),
                    Rule(False, x0, top, bottom),
                    Rule(False, x1, top, bottom),
                ]


def damaged_content_streams(contents: Sequence[object]) -> list[str]:
    """Data loss the parser does not report: pdfminer decodes a cut or corrupt Flate
    stream as far as it can (or as nothing) and goes on silently, so each content
    stream is decoded here first (before the parser replaces its raw bytes)."""
    out = []
    for n, stream in enumerate(contents, start=1):
        if not isinstance(stream, PDFStream) or stream.rawdata is None:
            continue
        data = stream.rawdata
        try:
            if stream.decipher and stream.objid is not None and stream.genno is not None:
                data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
            for f, _params in stream.get_filters():
                if f in LITERALS_ASCII85_DECODE:
                    data = ascii85decode(data)
                elif f in LITERALS_ASCIIHEX_DECODE:
                    data = asciihexdecode(data)
                elif f in LITERALS_FLATE_DECODE:
                    data = zlib.decompress(data)
                else:
                    break  # a filter not checked here: the parser's own messages tell
        except zlib.error as e:
            out.append(
                f"Data-loss: content stream {n} of the page is damaged ({e}); the text after the damage is lost"
            )
        except Exception:  # noqa: BLE001 - the parser itself will say what it makes of it
            continue
    return out


def is_unmapped_text(text: str) -> bool:
    """A glyph the text layer cannot name: "(cid:NN)" (a font without a ToUnicode map),
    U+FFFD, or a private-use code point."""
    if len(text) > 1:
        return text.startswith("(cid:")
    code = ord(text)
    return code == 0xFFFD or 0xE000 <= code <= 0xF8FF or code >= 0xF0000


# pdfminer logs what it repairs or loses; with no handler anywhere, Python prints it on
# stderr. nenpo collects it (ParserLog) into findings instead: never raw stderr, also in
# the workers and while the file is opened.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())


class ParserLog(logging.Handler):
    """Collects what pdfminer logs (WARNING and above) while it is attached, so that
    data loss and decoding failures become findings on their page, not stderr noise."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append(" ".join(record.getMessage().split())[:300])
        except Exception:  # noqa: BLE001 - a malformed log record is not worth a failed run
            self.messages.append(str(record.msg)[:300])

    def __enter__(self) -> ParserLog:
        logger = logging.getLogger("pdfminer")
        self._previous = logger.propagate
        logger.addHandler(self)
        logger.propagate = False
        return self

    def __exit__(self, *exc: object) -> None:
        logger = logging.getLogger("pdfminer")
        logger.removeHandler(self)
        logger.propagate = self._previous

    def take(self) -> list[str]:
        out, self.messages = self.messages, []
        return out
