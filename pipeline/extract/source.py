"""The source file before it is parsed: its hash, the bounds on what one run reads,
and the plain checks that turn away what is not a whole PDF. Light to import (the
CLI's help and status use it)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError


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
