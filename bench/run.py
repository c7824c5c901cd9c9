"""Benchmark: `nenpo run` against a bare pdfplumber pass over the same PDF.

Not a test. Each measurement runs in a fresh child process so its peak RSS is
its own. Prints the ratio of the two times and writes bench/results.json.

    python bench/run.py [PDF] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PDF = ROOT / "raw" / "fy2020" / "report.pdf"

BARE = """
import sys, time, pdfplumber
t = time.perf_counter()
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_words(); page.lines; page.rects
        page.close()
print(time.perf_counter() - t)
"""

NENPO = """
import sys, time
from pipeline.api import run_release
t = time.perf_counter()
run_release(sys.argv[1], out=sys.argv[2])
print(time.perf_counter() - t)
"""


def measure(code: str, *args: str) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one child process running `code`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all of them; run the larger job last or read it fresh.
    return float(out.stdout.strip().splitlines()[-1]), max(peak, before) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pdf", nargs="?", default=str(DEFAULT_PDF))
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the best time counts")
    args = ap.parse_args()
    import pdfplumber

    with pdfplumber.open(args.pdf) as pdf:
        pages = len(pdf.pages)
    bare_times, nenpo_times = [], []
    # Bare first: children's ru_maxrss only grows, so the bare peak is read before nenpo runs.
    bare_peak = 0.0
    for _ in range(args.repeat):
        t, peak = measure(BARE, args.pdf)
        bare_times.append(t)
        bare_peak = max(bare_peak, peak)
    nenpo_peak = 0.0
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            t, peak = measure(NENPO, args.pdf, out)
        nenpo_times.append(t)
        nenpo_peak = max(nenpo_peak, peak)
    bare, run = min(bare_times), min(nenpo_times)
    result = {
        "pdf": os.path.relpath(args.pdf, ROOT),
        "pages": pages,
        "bare_pdfplumber_s": round(bare, 2),
        "nenpo_run_s": round(run, 2),
        "ratio": round(run / bare, 2),
        "pages_per_s": round(pages / run, 1),
        "peak_rss_mb": {"bare": round(bare_peak, 1), "nenpo_run": round(nenpo_peak, 1)},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "when": time.strftime("%Y-%m-%d"),
    }
    (ROOT / "bench" / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{pages} pages: bare pdfplumber {bare:.2f}s, nenpo run {run:.2f}s, ratio {run / bare:.2f}; "
        f"{pages / run:.1f} pages/s; peak RSS bare {bare_peak:.0f} MB, nenpo {nenpo_peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
