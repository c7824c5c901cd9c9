"""Page readers: worker processes that read a PDF's pages in parallel, owned by the
caller and ended with its `with` block.

pdfplumber objects do not pickle, so each worker opens the PDF itself and sends back
the layouts of contiguous page ranges.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pdfplumber

from pipeline.errors import InputError, NenpoError
from pipeline.extract.guard import PagePrep, guarded, read_pages
from pipeline.extract.layout import PageLayout
from pipeline.extract.source import Limits

# Ranges per worker: the last range to finish leaves the other cores idle meanwhile,
# so ranges are short (a worker keeps its PDF open, so a range costs little more
# than its pages).
CHUNKS_PER_JOB = 8


class PageReaders:
    """Processes that read pages, for as long as the caller's `with` block:

        with PageReaders(jobs=4) as readers:
            run_release(pdf, readers=readers)

    The processes start when first needed (forked while the process is still lean),
    serve every release and every page-crop rendering of the block, and are ended
    with it: none outlives the block. One job reads in the calling process.
    """

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = max(1, jobs)
        self._pool: ProcessPoolExecutor | None = None
        self._owner = os.getpid()  # a forked child must not end its parent's workers

    def __enter__(self) -> PageReaders:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the processes (waiting for them); the readers may start anew later."""
        pool, self._pool = self._pool, None
        if pool is not None and os.getpid() == self._owner:
            pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Run fn(*args) in a worker; a pool broken since its last use is started anew."""
        try:
            return self._started().submit(fn, *args)
        except BrokenProcessPool:
            self.close()
            return self._started().submit(fn, *args)

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # fork shares the imported modules with the workers; elsewhere spawn imports them anew.
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(
                self.jobs,
                mp_context=multiprocessing.get_context(method),
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )
            self._owner = os.getpid()
        return self._pool

    def read(
        self,
        path: Path,
        numbers: Sequence[int],
        limits: Limits,
        prepare: PagePrep | None,
        progress: Callable[[int, int], None] | None,
    ) -> list[PageLayout]:
        """The layouts of the given pages, read by the workers in short ranges."""
        size = max(1, -(-len(numbers) // (self.jobs * CHUNKS_PER_JOB)))
        chunks = [list(numbers[i : i + size]) for i in range(0, len(numbers), size)]
        futures = {
            self.submit(_read_chunk, path, c, limits, prepare): i for i, c in enumerate(chunks)
        }
        results: dict[int, list[PageLayout]] = {}
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if progress is not None:
                    progress(sum(map(len, results.values())), len(numbers))
        except BrokenProcessPool as e:
            # Killed from outside (out of memory, a signal): nothing of this run is kept.
            self.close()
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
            self.close()  # interrupted: leave no range of this run running
            raise
        return [layout for i in range(len(chunks)) for layout in results[i]]


def usable_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _read_chunk(
    path: Path, numbers: list[int], limits: Limits, prepare: PagePrep | None
) -> list[PageLayout]:
    """A pool worker's task: its own parse of one page range."""
    current = [0]
    return guarded(
        path,
        limits,
        lambda: read_pages(_worker_pdf(path), numbers, limits, prepare, None, current),
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


# A worker's open PDF, kept between its page ranges: set in worker processes only.
_WORKER_PDF: dict = {}


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
