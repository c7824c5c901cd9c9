"""The report as read: one PageLayout per page, read in this process or by the
caller's PageReaders; the pdfplumber pages are closed as soon as they are read, so
the parser's caches never outgrow one page."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from pipeline.errors import InputError
from pipeline.extract.guard import PagePrep, guarded, read_pages
from pipeline.extract.layout import PageLayout
from pipeline.extract.page import ParserLog
from pipeline.extract.readers import PageReaders
from pipeline.extract.source import DEFAULT_LIMITS, Limits, check_input_file, file_sha256

# Fewer pages than this per job are read in-process: starting workers would cost more than it saves.
MIN_PAGES_PER_JOB = 8


@dataclass(slots=True)
class Document:
    """The report as read: source facts plus one layout per page."""

    path: Path
    sha256: str
    pages: list[PageLayout]

    def page(self, number: int) -> PageLayout:
        return self.pages[number - 1]

    def __iter__(self) -> Iterator[PageLayout]:
        return iter(self.pages)


def open_document(
    path: Path | str,
    page_numbers: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    readers: PageReaders | None = None,
    prepare: PagePrep | None = None,
) -> Document:
    """Read a PDF into layouts, turning every parser failure into an InputError.

    `progress(done, total)` is called as pages are read. With `readers` of several
    jobs, page ranges are read in their processes. `prepare(layout)` runs on each
    page where it is read (in the worker), so per-page work such as finding lines and
    tables is parallel too; its results must live on the layout, which is pickled back.
    """
    path = Path(path)
    check_input_file(path, limits)
    current = [0]  # the page being read, for the timeout message
    jobs = readers.jobs if readers is not None else 1
    opened: list[str] = []  # what the parser repaired or lost opening the file

    def survey_and_read() -> tuple[list[int], bool, list[PageLayout] | None]:
        with ParserLog() as opening, pdfplumber.open(path) as pdf:
            total = len(pdf.pages)
            opened[:] = [f"opening the PDF: {m}" for m in opening.take()]
            if total > limits.max_pages:
                raise InputError(
                    f"{path}: {total} pages is over the limit of {limits.max_pages} (--max-pages)"
                )
            numbers = list(page_numbers or range(1, total + 1))
            in_workers = min(jobs, len(numbers) // MIN_PAGES_PER_JOB) > 1
            # One job reads from this same open document; workers open their own.
            pages = (
                None if in_workers else read_pages(pdf, numbers, limits, prepare, progress, current)
            )
        return numbers, in_workers, pages

    numbers, in_workers, pages = guarded(path, limits, survey_and_read, lambda: current[0])
    if in_workers and readers is not None:
        pages = readers.read(path, numbers, limits, prepare, progress)
    if not pages:
        raise InputError(f"{path}: the PDF has no pages")
    pages[0].parser_messages[:0] = opened  # said of the document: on its first page
    if not any(p.glyphs for p in pages):
        raise InputError(f"{path}: no text layer — OCR is not supported")
    return Document(path=path, sha256=file_sha256(path), pages=pages)
