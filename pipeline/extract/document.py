"""One parse per page: glyphs, rulings, fills and the printed page label.

Everything downstream works on `PageLayout`, a small picklable snapshot of a
pdfplumber page; the pdfplumber page is closed as soon as it is read, so the
parser's caches never outgrow one page. With `jobs` > 1 the pages are read by
a pool of processes, each opening the PDF itself (pdfplumber objects do not
pickle) and sending back the layouts of contiguous page ranges.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import multiprocessing
import os
import re
import signal
import statistics
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.layout import LTChar, LTContainer, LTLine, LTRect
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.pdftypes import (
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_FLATE_DECODE,
    PDFStream,
)
from pdfminer.psparser import PSException
from pdfplumber.page import fix_fontname_bytes

from pipeline.errors import InputError, NenpoError
from pipeline.normalize.text import fold_ideographs, join_glyphs, nfkc, squash, without_controls

# Geometric tolerances, in PDF points.
RULE_MAX_THICKNESS = 2.0  # a filled rect thinner than this is a ruling, not a shape
COLLINEAR_TOL = 1.0  # two rule pieces this close in their cross axis are one rule
JOIN_GAP_TOL = 1.5  # pieces of one rule separated by less than this are joined
FOOTER_ZONE = 0.88  # page labels sit below this fraction of the page height

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom


# Not frozen: a frozen dataclass sets every field through object.__setattr__, which
# doubled the cost of building and of unpickling the ~600 glyphs of every page.
# Nothing assigns to a glyph once read.
@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    def __reduce__(self) -> tuple:
        # Rebuilt by its constructor: half the cost of the default slot state, and
        # layouts cross process boundaries by the hundred thousand glyphs with --jobs.
        return (Glyph, (self.text, self.x0, self.x1, self.top, self.bottom, self.size, self.font))


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal (x0..x1 at y) or vertical (top..bottom at x) ruling."""

    horizontal: bool
    pos: float  # y for horizontal, x for vertical
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Fill:
    """A filled area that is not a ruling: shading bands, cell backgrounds, boxes."""

    x0: float
    top: float
    x1: float
    bottom: float
    filled: bool
    stroked: bool


@dataclass(slots=True)
class TextLine:
    """Glyphs sharing one baseline, left to right, with their text assembled."""

    glyphs: list[Glyph]
    # The text is assembled when first asked for: table code groups glyphs into lines
    # only to see which glyphs sit side by side.
    _text: str | None = field(default=None, repr=False, compare=False)
    # The ink's horizontal extent, found once: layout code asks for it thousands of times.
    _x0: float = field(default=0.0, repr=False, compare=False)
    _x1: float = field(default=0.0, repr=False, compare=False)
    _key: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.glyphs.sort(key=lambda g: g.x0)
        ink = [g for g in self.glyphs if not g.text.isspace()]
        self._x0 = min(g.x0 for g in ink) if ink else self.glyphs[0].x0
        self._x1 = max(g.x1 for g in ink) if ink else self.glyphs[-1].x1

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = join_glyphs(self.glyphs)
        return self._text

    @property
    def key(self) -> str:
        """The text without whitespace, NFKC: what labels are matched against."""
        if self._key is None:
            self._key = squash(self.text)
        return self._key

    @property
    def x0(self) -> float:
        return self._x0

    @property
    def x1(self) -> float:
        return self._x1

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def size(self) -> float:
        return statistics.median(g.size for g in self.glyphs)

    @property
    def visible(self) -> bool:
        return any(not g.text.isspace() for g in self.glyphs)

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def text_with_edge_spaces(self) -> str:
        """The text with the space glyphs the PDF stores at the line's ends (a wrap at a real space)."""
        lead = " " if self.glyphs[0].text.isspace() else ""
        trail = " " if self.glyphs[-1].text.isspace() else ""
        return lead + self.text + trail

    def split(self, min_gap_em: float = 1.5) -> list[TextLine]:
        """Pieces of this line separated by a gap wider than `min_gap_em` (columns, tab stops)."""
        pieces: list[list[Glyph]] = []
        last: Glyph | None = None
        for g in self.glyphs:
            if g.text.isspace():
                if pieces:
                    pieces[-1].append(g)
                continue
            if last is None or g.x0 - last.x1 > min_gap_em * max(min(g.size, last.size), 1.0):
                pieces.append([])
            pieces[-1].append(g)
            last = g
        return [TextLine(p) for p in pieces]


@dataclass(slots=True)
class PageLayout:
    number: int  # 1-based physical page
    width: float
    height: float
    glyphs: list[Glyph]
    rules: list[Rule]
    fills: list[Fill]
    label: str | None = None  # printed page label as printed, e.g. "22"
    _lines: list[TextLine] | None = field(default=None, repr=False)
    _mid_index: tuple[list[Glyph], list[float]] | None = field(default=None, repr=False)
    _body: list[TextLine] | None = field(default=None, repr=False)
    # Ruled tables found on the page, by (region, stop lines): found where the page is
    # read (see prepare_page) and asked for again by the extractors.
    table_cache: dict[tuple, list] = field(default_factory=dict, repr=False)
    # Grids built on the page by bbox: regions that overlap find the same tables.
    grid_cache: dict[tuple, Any] = field(default_factory=dict, repr=False)
    _size_counts: Counter[float] | None = field(default=None, repr=False)
    # What the page's text layer could not give: glyphs without a character (per font:
    # count and a sample), glyphs dropped because they are not upright, and what the
    # parser logged while reading the page (data loss, decoding failures).
    unmapped: dict[str, list] = field(default_factory=dict, repr=False)
    not_upright: int = 0
    parser_messages: list[str] = field(default_factory=list, repr=False)

    @property
    def printed(self) -> int | None:
        return int(self.label) if self.label and self.label.isdigit() else None

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def lines(self) -> list[TextLine]:
        """All text lines of the page, top to bottom (footer included)."""
        if self._lines is None:
            self._lines = build_lines(self.glyphs)
        return self._lines

    def size_counts(self) -> Counter[float]:
        """How many glyphs of each size (to 0.1 pt) the page has."""
        if self._size_counts is None:
            self._size_counts = Counter(round(g.size, 1) for g in self.glyphs)
        return self._size_counts

    def body_lines(self) -> list[TextLine]:
        """Text lines without the page-label footer."""
        if self._body is None:
            self._body = [ln for ln in self.lines() if not self.is_footer(ln)]
        return self._body

    def is_footer(self, line: TextLine) -> bool:
        return (
            line.top >= self.height * FOOTER_ZONE and parse_page_label(label_text(line)) is not None
        )

    def glyphs_in(self, bbox: BBox, pad: float = 0.5) -> list[Glyph]:
        """Glyphs whose centre lies inside bbox (grown by pad), in reading order by centre."""
        x0, top, x1, bottom = bbox
        by_mid, mids = self._by_mid()
        lo = bisect.bisect_left(mids, top - pad)
        hi = bisect.bisect_right(mids, bottom + pad)
        return [g for g in by_mid[lo:hi] if x0 - pad <= (g.x0 + g.x1) / 2 <= x1 + pad]

    def _by_mid(self) -> tuple[list[Glyph], list[float]]:
        if self._mid_index is None:
            by_mid = sorted(self.glyphs, key=lambda g: g.mid)
            self._mid_index = (by_mid, [g.mid for g in by_mid])
        return self._mid_index

    def hrules(self, bbox: BBox | None = None) -> list[Rule]:
        return [r for r in self.rules if r.horizontal and _rule_in(r, bbox)]

    def vrules(self, bbox: BBox | None = None) -> list[Rule]:
        return [r for r in self.rules if not r.horizontal and _rule_in(r, bbox)]


def _rule_in(rule: Rule, bbox: BBox | None, tol: float = 2.0) -> bool:
    if bbox is None:
        return True
    x0, top, x1, bottom = bbox
    if rule.horizontal:
        return (
            top - tol <= rule.pos <= bottom + tol and rule.end > x0 - tol and rule.start < x1 + tol
        )
    return x0 - tol <= rule.pos <= x1 + tol and rule.end > top - tol and rule.start < bottom + tol


def build_lines(glyphs: Iterable[Glyph]) -> list[TextLine]:
    """Group glyphs into visual lines by their vertical centre.

    A glyph joins a line when its centre lies within 40% of its size from the
    line's first glyph's centre; lines never chain, so the staggered lines of a
    vertically centred table cell stay apart.
    """
    groups: list[tuple[float, list[Glyph]]] = []
    for g in sorted(glyphs, key=lambda g: (g.mid, g.x0)):
        if groups and abs(g.mid - groups[-1][0]) <= 0.4 * max(g.size, 1.0):
            groups[-1][1].append(g)
        else:
            groups.append((g.mid, [g]))
    lines: list[TextLine] = []
    for _, gs in groups:
        # One band may hold two runs that overlap in x (rare: superimposed text); split by x order.
        line = TextLine(gs)
        if line.visible:
            lines.append(line)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


_LABEL = re.compile(r"^[\-‐−–—－ー―~〜\s]*(\d{1,4})[\-‐−–—－ー―~〜\s]*$")


def parse_page_label(text: str) -> str | None:
    """The page number printed in a footer: "- 22 -", "22", "－22－" → "22"."""
    m = _LABEL.match(nfkc(text).strip())
    return m.group(1) if m else None


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
    conversion costs about a quarter of the parse, and nenpo needs seven fields.
    tests/test_document.py proves the result identical to pdfplumber's objects.
    """
    damaged = damaged_content_streams(page.page_obj.contents)
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    glyphs: list[Glyph] = []
    line_pieces: list[Rule] = []  # lines before rects, as pdfplumber lists them
    pieces: list[Rule] = []
    fills: list[Fill] = []
    unmapped: dict[str, list] = {}
    not_upright = 0
    hidden = 0  # glyphs carrying control or bidi characters
    pending = [iter(page.layout._objs)]
    while pending:
        obj = next(pending[-1], None)
        if obj is None:
            pending.pop()
            continue
        if isinstance(obj, LTContainer):
            pending.append(iter(obj._objs))  # figures: their children are the page's too
            continue
        if isinstance(obj, LTChar):
            text = without_controls(obj.get_text())
            if text != obj.get_text():
                hidden += 1  # said on the page (parser messages), never kept
            if not text:
                continue
            font = obj.fontname
            if not obj.upright:
                not_upright += 1  # said, never dropped silently: see extract/health.py
                continue
            # The text layer's radicals and compatibility ideographs, read as the kanji
            # they stand for (the PDF prints 長, whatever code point it stores).
            text = fold_ideographs(text)
            if is_unmapped_text(text):
                name = fix_fontname_bytes(font) if isinstance(font, bytes) else str(font)
                entry = unmapped.setdefault(name, [0, text])
                entry[0] += 1
            top = (height - obj.y1) + mb_top
            bottom = (height - obj.y0) + mb_top
            glyphs.append(
                Glyph(
                    text=text,
                    x0=float(obj.x0 + mb_x0),
                    x1=float(obj.x1 + mb_x0),
                    top=float(top),
                    bottom=float(bottom),
                    size=float(obj.size or (bottom - top)),
                    font=fix_fontname_bytes(font) if isinstance(font, bytes) else str(font),
                )
            )
            continue
        kind = type(obj)  # pdfplumber sorts objects by class name: LTLine, LTRect
        if kind is not LTLine and kind is not LTRect:
            continue
        x0, x1 = float(obj.x0 + mb_x0), float(obj.x1 + mb_x0)
        top, bottom = float((height - obj.y1) + mb_top), float((height - obj.y0) + mb_top)
        rule = _as_rule(x0, top, x1, bottom)
        if rule is not None:
            (line_pieces if kind is LTLine else pieces).append(rule)
        elif kind is LTRect and x1 - x0 > RULE_MAX_THICKNESS and bottom - top > RULE_MAX_THICKNESS:
            stroked = bool(obj.stroke)
            fills.append(Fill(x0, top, x1, bottom, bool(obj.fill), stroked))
            if stroked:
                pieces += [
                    Rule(True, top, x0, x1),
                    Rule(True, bottom, x0, x1),
                    Rule(False, x0, top, bottom),
                    Rule(False, x1, top, bottom),
                ]
    layout = PageLayout(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        glyphs=glyphs,
        rules=_merge_rules(line_pieces + pieces),
        fills=fills,
        unmapped=unmapped,
        not_upright=not_upright,
    )
    layout.label = find_page_label(layout)
    layout.parser_messages = damaged
    if hidden:
        layout.parser_messages.append(
            f"{hidden} glyph(s) of the text layer carried control or bidi characters "
            "(removed from the text)"
        )
    return layout


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
            if stream.decipher:
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


def label_text(line: TextLine) -> str:
    """A footer line's text with letter-spacing undone: glyphs set closer than half an
    em (a label drawn letter-spaced, "1 1" for 11) belong to one word."""
    ink = [g for g in line.glyphs if not g.text.isspace()]
    tight = all(b.x0 - a.x1 < 0.5 * max(a.size, 1.0) for a, b in pairwise(ink))
    return "".join(g.text for g in ink) if ink and tight else line.text


def find_page_label(layout: PageLayout) -> str | None:
    """The printed page number: the lowest short numeric line in the footer zone."""
    candidates = [
        ln
        for ln in build_lines(g for g in layout.glyphs if g.top >= layout.height * FOOTER_ZONE)
        if parse_page_label(label_text(ln)) is not None
    ]
    if not candidates:
        return None
    return parse_page_label(label_text(max(candidates, key=lambda ln: ln.top)))


@dataclass(slots=True)
class Document:
    """The report as read: source facts plus one layout per page."""

    path: Path
    sha256: str
    pages: list[PageLayout]
    metadata: dict[str, str]

    def page(self, number: int) -> PageLayout:
        return self.pages[number - 1]

    def __iter__(self) -> Iterator[PageLayout]:
        return iter(self.pages)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Limits:
    """Bounds on what one run reads; each can be raised from the command line."""

    max_file_mb: float = 200.0
    max_pages: int = 2000
    page_timeout_s: float = 30.0  # parse and page-local work (lines, tables) of one page
    # Glyphs, rulings and fills on one page: a report's densest page has a few
    # thousand; a page of a million tiny glyphs would hold gigabytes.
    max_page_objects: int = 200_000


DEFAULT_LIMITS = Limits()


def check_input_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Reject what is plainly not a whole PDF before handing it to the parser."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a PDF")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: empty file")
    if size > limits.max_file_mb * 1024 * 1024:
        raise InputError(
            f"{path}: {size / 1024 / 1024:.1f} MB is over the limit of {limits.max_file_mb:g} MB (--max-file-mb)"
        )
    with path.open("rb") as f:
        head = f.read(1024)
        f.seek(max(0, size - 2048))
        tail = f.read()
    if b"%PDF-" not in head:
        raise InputError(f"{path}: not a PDF (no %PDF header)")
    if b"%%EOF" not in tail:
        # A cut-off download: the parser might recover some pages, and nenpo must not
        # publish a report it could only partly read.
        raise InputError(f"{path}: truncated PDF (no %%EOF end marker); the file is incomplete")


class _PageTimer:
    """Raise in the main thread when one page takes longer than the limit to parse."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.enabled = (
            seconds > 0
            and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
        )

    def __enter__(self) -> _PageTimer:
        if self.enabled:
            self.previous = signal.signal(signal.SIGALRM, self._expired)
        return self

    def _expired(self, signum, frame) -> None:  # noqa: ANN001 - signal handler
        raise _PageTimeout

    def start(self) -> None:
        if self.enabled:
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def stop(self) -> None:
        if self.enabled:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


class _PageTimeout(Exception):
    pass


def _root_cause(e: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's exceptions (PdfminerException(PDFPasswordIncorrect()))."""
    seen = 0
    while seen < 5:
        inner = (
            e.args[0]
            if e.args and isinstance(e.args[0], BaseException)
            else e.__cause__ or e.__context__
        )
        if inner is None:
            return e
        e, seen = inner, seen + 1
    return e


PagePrep = Callable[[PageLayout], None]

# Fewer pages than this are read in-process: starting workers would cost more than it saves.
MIN_PAGES_PER_JOB = 8
# Ranges per worker: the last range to finish leaves the other cores idle meanwhile,
# so ranges are short (a worker keeps its PDF open, so a range costs little more
# than its pages).
CHUNKS_PER_JOB = 8


def usable_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def open_document(
    path: Path | str,
    page_numbers: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    jobs: int = 1,
    prepare: PagePrep | None = None,
) -> Document:
    """Read a PDF into layouts, turning every parser failure into an InputError.

    `progress(done, total)` is called as pages are read. `jobs` > 1 reads page
    ranges in that many processes. `prepare(layout)` runs on each page where it is
    read (in the worker), so per-page work such as finding lines and tables is
    parallel too; its results must live on the layout, which is pickled back.
    """
    path = Path(path)
    check_input_file(path, limits)
    current = [0]  # the page being read, for the timeout message

    def survey_and_read() -> tuple[dict[str, str], list[int], int, list[PageLayout] | None]:
        with ParserLog() as opening, pdfplumber.open(path) as pdf:
            metadata = {str(k): str(v) for k, v in (pdf.metadata or {}).items()}
            total = len(pdf.pages)
            opened[:] = [f"opening the PDF: {m}" for m in opening.take()]
            if total > limits.max_pages:
                raise InputError(
                    f"{path}: {total} pages is over the limit of {limits.max_pages} (--max-pages)"
                )
            numbers = list(page_numbers or range(1, total + 1))
            n_jobs = max(1, min(jobs, len(numbers) // MIN_PAGES_PER_JOB))
            # One job reads from this same open document; workers open their own.
            pages = (
                _read_open(pdf, numbers, limits, prepare, progress, current)
                if n_jobs == 1
                else None
            )
        return metadata, numbers, n_jobs, pages

    opened: list[str] = []  # what the parser repaired or lost opening the file
    metadata, numbers, n_jobs, pages = _guarded(path, limits, survey_and_read, lambda: current[0])
    if pages is None:
        pages = _read_pages_in_pool(path, numbers, limits, prepare, progress, n_jobs)
    if not pages:
        raise InputError(f"{path}: the PDF has no pages")
    pages[0].parser_messages[:0] = opened  # said of the document: on its first page
    if not any(p.glyphs for p in pages):
        raise InputError(f"{path}: no text layer — OCR is not supported")
    return Document(path=path, sha256=file_sha256(path), pages=pages, metadata=metadata)


def _read_open(
    pdf,  # noqa: ANN001 - pdfplumber.PDF
    numbers: Sequence[int],
    limits: Limits,
    prepare: PagePrep | None,
    progress: Callable[[int, int], None] | None,
    current: list[int],
) -> list[PageLayout]:
    """Read the given pages of an open PDF one at a time, closing each."""
    pages: list[PageLayout] = []
    with _PageTimer(limits.page_timeout_s) as timer, ParserLog() as log:
        for n in numbers:
            current[0] = n
            log.take()  # what was logged before this page is not this page's
            page = pdf.pages[n - 1]
            timer.start()  # the page's whole local work: parse, then lines and tables
            try:
                try:
                    layout = read_page(page)
                finally:
                    page.close()
                _check_objects(layout, limits)
                layout.parser_messages += log.take()
                if prepare is not None:
                    prepare(layout)
            finally:
                timer.stop()
            pages.append(layout)
            if progress is not None:
                progress(len(pages), len(numbers))
    return pages


def _check_objects(layout: PageLayout, limits: Limits) -> None:
    count = len(layout.glyphs) + len(layout.rules) + len(layout.fills)
    if count > limits.max_page_objects:
        raise _TooManyObjects(layout.number, count)


class _TooManyObjects(Exception):
    def __init__(self, page: int, count: int) -> None:
        super().__init__(page, count)
        self.page, self.count = page, count


def _read_chunk(
    path: Path, numbers: list[int], limits: Limits, prepare: PagePrep | None
) -> list[PageLayout]:
    """A pool worker's task: its own parse of one page range."""
    current = [0]
    return _guarded(
        path,
        limits,
        lambda: _read_open(_worker_pdf(path), numbers, limits, prepare, None, current),
        lambda: current[0],
    )


def _worker_pdf(path: Path):  # noqa: ANN202 - pdfplumber.PDF
    """A worker keeps its PDF open between page ranges (reopening would parse the
    document's fonts again); a rewritten file is opened anew."""
    stat = path.stat()
    source = (str(path), stat.st_mtime_ns, stat.st_size)
    if _WORKER_PDF.get("source") != source:
        if "pdf" in _WORKER_PDF:
            _WORKER_PDF.pop("pdf").close()
        _WORKER_PDF.update(source=source, pdf=pdfplumber.open(path))
    return _WORKER_PDF["pdf"]


_WORKER_PDF: dict = {}  # a pool worker's open PDF, kept between its page ranges
_POOL: dict = {}  # this process's page-reading workers, kept between releases


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """The workers, started once per process and reused by every later release: forked
    while the process is still lean, and no start-up cost per release. Later stages
    may hand them work that needs no page layout (see api: the report's page crops)."""
    pool = _POOL.get("pool")
    if pool is not None and _POOL["jobs"] == jobs and _POOL["pid"] == os.getpid():
        return pool
    shutdown_workers()
    # fork shares the imported modules with the workers; elsewhere spawn imports them anew.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
    _POOL.update(pool=pool, jobs=jobs, pid=os.getpid())
    return pool


def _die_with_parent(parent: int) -> None:
    """A worker ends when the process that started it does, however it ends (kill -9
    leaves no chance to shut the pool down): the kernel's parent-death signal on
    Linux, a watchdog on the parent's pid elsewhere."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent died before the signal was armed
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def shutdown_workers() -> None:
    """Stop the page-reading workers (they also end with the process)."""
    pool = _POOL.pop("pool", None)
    if pool is not None and _POOL.pop("pid", None) == os.getpid():
        pool.shutdown(wait=True, cancel_futures=True)
    _POOL.clear()


def _read_pages_in_pool(
    path: Path,
    numbers: list[int],
    limits: Limits,
    prepare: PagePrep | None,
    progress: Callable[[int, int], None] | None,
    jobs: int,
) -> list[PageLayout]:
    size = max(1, -(-len(numbers) // (jobs * CHUNKS_PER_JOB)))
    chunks = [numbers[i : i + size] for i in range(0, len(numbers), size)]
    results: dict[int, list[PageLayout]] = {}
    done = 0

    def submit_all() -> dict:
        pool = worker_pool(jobs)
        return {
            pool.submit(_read_chunk, path, chunk, limits, prepare): i
            for i, chunk in enumerate(chunks)
        }

    try:
        futures = submit_all()
    except BrokenProcessPool:
        shutdown_workers()  # a worker died since the last release: start afresh
        futures = submit_all()
    try:
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            done += len(results[futures[future]])
            if progress is not None:
                progress(done, len(numbers))
    except BrokenProcessPool as e:
        # Killed from outside (out of memory, a signal): nothing of this run is kept.
        shutdown_workers()
        raise NenpoError(
            f"{path}: a page-reading worker process died ({e}); retry, or run with --jobs 1"
        ) from e
    except InputError:
        for future in futures:
            future.cancel()
        raise
    except BaseException:
        for future in futures:
            future.cancel()
        shutdown_workers()  # interrupted: leave no range of this run running
        raise
    return [layout for i in range(len(chunks)) for layout in results[i]]


def _guarded(path: Path, limits: Limits, read, current_page=lambda: 0):  # noqa: ANN001, ANN202
    """Run `read`, turning the parser's many failures into one clear InputError."""
    try:
        return read()
    except _PageTimeout as e:
        raise InputError(
            f"{path}: page {current_page()} took longer than {limits.page_timeout_s:g}s to read (--page-timeout); giving up"
        ) from e
    except _TooManyObjects as e:
        raise InputError(
            f"{path}: page {e.page} holds {e.count:,} glyphs and rulings, over the limit of "
            f"{limits.max_page_objects:,} (--max-page-objects); giving up"
        ) from e
    except InputError:
        raise
    except RecursionError as e:
        raise InputError(f"{path}: damaged PDF (object structure too deeply nested)") from e
    except Exception as e:  # pdfminer raises many untyped errors on broken files
        cause = _root_cause(e)
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise InputError(f"{path}: encrypted PDF, cannot be read without its password") from e
        if isinstance(cause, (PDFSyntaxError, PSException)):
            raise InputError(f"{path}: damaged PDF ({type(cause).__name__}: {cause})") from e
        raise InputError(f"{path}: unreadable PDF ({type(cause).__name__}: {cause})") from e
