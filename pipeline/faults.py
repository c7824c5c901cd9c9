"""Named points where a test can kill the process (NENPO_FAULT=<point>) or hold it
(NENPO_PAUSE=<point>), to prove that a run killed at any moment leaves curated/ as it
was and that readers and other writers wait for a publish under way. Inert unless a
variable names the point."""

from __future__ import annotations

import os
import signal
import sys


def fault_point(name: str) -> None:
    if os.environ.get("NENPO_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get("NENPO_PAUSE") == name:
        del os.environ["NENPO_PAUSE"]  # once
        # Say the point is reached on stdout, then wait for a line on stdin: the test
        # holding both pipes lets the process go (and sees it die, if it does).
        sys.stdout.write(f"paused at {name}\n")
        sys.stdout.flush()
        sys.stdin.readline()
