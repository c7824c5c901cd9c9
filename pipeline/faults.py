"""Named points where a test can kill the process (NENPO_FAULT=<point>), to prove that
a run killed at any moment leaves curated/ as it was. Inert unless that variable names
the point."""

from __future__ import annotations

import os
import signal


def fault_point(name: str) -> None:
    if os.environ.get("NENPO_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
