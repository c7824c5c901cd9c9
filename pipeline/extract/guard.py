"""Reading pages of an open PDF under the limits: one page at a time, each closed
when read, each within its time; every parser failure becomes one clear InputError."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from pipeline.errors import InputError
from pipeline.extract.layout import PageLayout
from pipeline.extract.page import ParserLog, read_page
from pipeline.extract.source import Limits

PagePrep = Callable[[PageLayout], None]


def read_pages(
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


def guarded(path: Path, limits: Limits, read, current_page=lambda: 0):  # noqa: ANN001, ANN202
    """Run `read`, turning the parser's many failures into one clear InputError."""
    try:
        return read()
    except _PageTimeout as e:
        raise InputError(
            f"{path}: PDF page {current_page()} took longer than {limits.page_timeout_s:g}s to read (--page-timeout); giving up"
        ) from e
    except _TooManyObjects as e:
        raise InputError(
            f"{path}: PDF page {e.page} holds {e.count:,} glyphs and rulings, over the limit of "
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
