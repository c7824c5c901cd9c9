"""curated/ as a store: one writer at a time, and readers never see half a publish.

Two OS file locks (flock) under the store's folder:
- the run lock (`.nenpo-run.lock`), held exclusively by a writer (a run, a validate)
  for its whole length: a second writer waits for the first to end;
- the store lock (`.nenpo.lock`), held exclusively while a publish moves files in or a
  crashed publish is recovered, and shared by readers (status, report, `load()`).
A journal left behind is a crashed publish only when its owner is gone: whoever holds
the exclusive store lock knows that no publish is under way, so recovery runs only
then. Every path a journal names must lie inside the store; a journal naming anything
else is refused and left alone.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from pipeline.errors import InputError
from pipeline.faults import fault_point

JOURNAL = "_publish_journal.json"
RUN_LOCK = ".nenpo-run.lock"
STORE_LOCK = ".nenpo.lock"


class StoreError(InputError):
    """The store holds something nenpo will not act on (a journal pointing outside it)."""


@contextmanager
def _locked(path: Path, mode: int) -> Iterator[int]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, mode)
        yield fd
    finally:
        os.close(fd)  # releases the lock


def check_folder(out: Path) -> None:
    """The store must be a folder (or not exist yet)."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: not a folder (--out names the folder nenpo publishes to)")


@contextmanager
def writing(out: Path) -> Iterator[None]:
    """Held by a run or a validate from start to end: one writer at a time. What a
    killed writer left (a journal, staging folders) is undone first."""
    check_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    with _locked(out / RUN_LOCK, fcntl.LOCK_EX):
        with _locked(out / STORE_LOCK, fcntl.LOCK_EX):
            recover(out)
            for p in out.glob(".staging-*"):  # only writers stage, and none is running
                shutil.rmtree(p, ignore_errors=True)
        yield


@contextmanager
def reading(out: Path) -> Iterator[None]:
    """Held while reading the store: no publish moves files meanwhile. A crashed
    publish (a journal with no publish under way) is recovered first."""
    try:
        fd = os.open(out / STORE_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # no store yet, or a read-only one: nothing can be moving in it
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        if (out / JOURNAL).exists():
            fcntl.flock(fd, fcntl.LOCK_EX)  # the publisher, if any, has finished
            recover(out)
            fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def new_staging(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    return staging


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()


def confined(out: Path, rel: str) -> Path:
    """`out / rel`, when rel is a relative path inside the store through no symlink."""
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts or "\\" in rel:
        raise StoreError(
            f"{out / JOURNAL}: names {rel!r}, outside {out}; left alone (remove it once checked)"
        )
    path = out
    for part in parts:
        path = path / part
        if path.is_symlink():
            raise StoreError(
                f"{out / JOURNAL}: names {rel!r}, a link out of {out}; left alone (remove it once checked)"
            )
    return path


def _read_journal(out: Path) -> dict:
    try:
        entry = json.loads((out / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # Written by one atomic replace, so a torn journal is not ours: touch nothing.
        raise StoreError(
            f"{out / JOURNAL}: unreadable publish journal; left alone (remove it once checked)"
        ) from None
    moves = entry.get("moves") if isinstance(entry, dict) else None
    if not isinstance(moves, list) or not all(
        isinstance(m, dict) and isinstance(m.get("dst"), str) and isinstance(m.get("old"), str)
        for m in moves
    ):
        raise StoreError(
            f"{out / JOURNAL}: not a publish journal; left alone (remove it once checked)"
        )
    return entry


def recover(out: Path) -> None:
    """Undo a publish that died mid-way (call with the exclusive store lock): every
    path it had replaced gets its previous version back, every new one is removed;
    a publish that had finished its moves is kept. Every path must lie in the store."""
    if not (out / JOURNAL).is_file():
        for p in out.glob("**/.old-*"):
            _remove(p)
        return
    entry = _read_journal(out)
    moves = [(confined(out, m["dst"]), confined(out, m["old"]), m) for m in entry["moves"]]
    if entry.get("state") != "done":
        for dst, old, move in moves:
            if old.exists():
                _remove(dst)
                os.replace(old, dst)
            elif move.get("new"):
                _remove(dst)
    for _, old, _ in moves:
        _remove(old)
    (out / JOURNAL).unlink()


def publish(
    staging: Path, out: Path, relative: Sequence[Path], remove: Sequence[Path] = ()
) -> None:
    """Move each staged path (a partition folder, a report folder, the crosswalk, the
    manifest) into `out`, replacing the previous one, and delete the `remove` paths.

    A journal written first lists every move; if the process dies mid-way the next
    writer or reader rolls all of them back (recover), so readers see either the whole
    previous state or the whole new one.
    """
    tag = os.getpid()
    order = [*relative, *(r for r in remove if r not in relative)]
    moves = [
        {
            "dst": rel.as_posix(),
            "old": (rel.parent / f".old-{rel.name}-{tag}").as_posix(),
            "new": rel in relative and not (out / rel).exists(),
            "remove": rel not in relative,
        }
        for rel in order
    ]
    journal, tmp = out / JOURNAL, out / (JOURNAL + ".tmp")
    with _locked(out / STORE_LOCK, fcntl.LOCK_EX):
        tmp.write_text(json.dumps({"state": "moving", "owner": tag, "moves": moves}), "utf-8")
        os.replace(tmp, journal)
        for move, rel in zip(moves, order, strict=True):
            dst, old = out / rel, out / str(move["old"])
            dst.parent.mkdir(parents=True, exist_ok=True)
            if dst.exists():
                os.replace(dst, old)
            if not move["remove"]:
                os.replace(staging / rel, dst)
            fault_point("publishing")
            fault_point(f"moved:{move['dst']}")
        tmp.write_text(json.dumps({"state": "done", "owner": tag, "moves": moves}), "utf-8")
        os.replace(tmp, journal)
        fault_point("published")
        for move in moves:
            _remove(out / str(move["old"]))
        journal.unlink()
    shutil.rmtree(staging, ignore_errors=True)
