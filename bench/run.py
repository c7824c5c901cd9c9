"""Benchmark: nenpo against a bare pdfplumber pass over the same PDF.

Not a test. Every measurement runs in a fresh child process, so its time and
peak RSS are its own:

  (a) bare      pdfplumber opens each page, extract_words(), lines, rects, close()
  (a') bare/N   the same pass split over N processes (each opens the PDF): the
                ceiling parallel parsing reaches on this machine, for reference
  (b) jobs=1    run_release() in one process
  (c) jobs=N    run_release() reading pages with N processes (default: usable cores)

and the same again for an input ten times longer: ten releases read one after the
other in one process (what `nenpo run` does for ten PDFs under raw/), to show
that time grows linearly and memory does not grow at all. Prints the ratios b/a
and c/a, pages/s and peak RSS, and writes bench/results.json.

    python bench/run.py [PDF] [--jobs N] [--repeat R] [--scale K] [--repeat-long R]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PDF = ROOT / "raw" / "fy2020" / "report.pdf"

# Each child prints one JSON line: its wall time, its own peak RSS and the largest
# peak RSS of the processes it started (the page-reading workers). Its own peak is
# VmHWM: Linux carries ru_maxrss over exec, so a child would inherit this script's.
FOOTER = """
import json, resource

def own_peak_mb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

print(json.dumps({
    "seconds": elapsed,
    "peak_rss_mb": own_peak_mb(),
    "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""

BARE = (
    """
import sys, time, pdfplumber
pdf_path, times = sys.argv[1], int(sys.argv[2])
t = time.perf_counter()
for _ in range(times):
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            page.extract_words(); page.lines; page.rects
            page.close()
elapsed = time.perf_counter() - t
"""
    + FOOTER
)

BARE_PARALLEL = (
    """
import sys, time
from concurrent.futures import ProcessPoolExecutor
import pdfplumber

def bare(args):
    pdf_path, pages = args
    with pdfplumber.open(pdf_path) as pdf:
        for n in pages:
            page = pdf.pages[n]
            page.extract_words(); page.lines; page.rects
            page.close()

pdf_path, times, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with pdfplumber.open(pdf_path) as pdf:
    total = len(pdf.pages)
t = time.perf_counter()
with ProcessPoolExecutor(jobs) as pool:
    for _ in range(times):
        list(pool.map(bare, [(pdf_path, range(k, total, jobs)) for k in range(jobs)]))
elapsed = time.perf_counter() - t
"""
    + FOOTER
)

NENPO = (
    """
import sys, time
from pathlib import Path
from pipeline.api import run_release
pdf_path, times, out, jobs = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
t = time.perf_counter()
for i in range(times):
    run_release(pdf_path, out=out / f"release{i}", jobs=jobs, allow_errors=True)
elapsed = time.perf_counter() - t
from pipeline.extract.document import shutdown_workers
shutdown_workers()  # the workers are kept between releases: end them to read their peak RSS
"""
    + FOOTER
)


def measure(code: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        sys.exit(f"bench: child failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def summarize(runs: list[dict]) -> dict:
    """The fastest run counts; peak RSS is the largest seen (it barely varies)."""
    best = min(runs, key=lambda r: r["seconds"])
    return {
        "seconds": round(best["seconds"], 2),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
        "worker_peak_rss_mb": round(max(r["worker_peak_rss_mb"] for r in runs), 1),
    }


def run_suite(pdf: str, times: int, jobs: int, repeat: int, pages: int) -> dict:
    # Rounds of a, b, c in turn: this machine's speed drifts by tens of percent over
    # minutes, and interleaving keeps the drift out of the ratios.
    runs: dict[str, list[dict]] = {"a": [], "a_par": [], "b": [], "c": []}
    for _ in range(repeat):
        runs["a"].append(measure(BARE, pdf, str(times)))
        runs["a_par"].append(measure(BARE_PARALLEL, pdf, str(times), str(jobs)))
        for key, n in (("b", 1), ("c", jobs)):
            with tempfile.TemporaryDirectory() as out:
                runs[key].append(measure(NENPO, pdf, str(times), out, str(n)))
    a, a_par, b, c = (summarize(runs[k]) for k in ("a", "a_par", "b", "c"))
    total_pages = pages * times
    for r in (a, a_par, b, c):
        r["pages_per_s"] = round(total_pages / r["seconds"], 1)
    return {
        "pages": total_pages,
        "bare_pdfplumber": a,
        f"bare_pdfplumber_{jobs}_processes": a_par,
        "nenpo_jobs_1": b,
        f"nenpo_jobs_{jobs}": c,
        "ratio_b_a": round(b["seconds"] / a["seconds"], 2),
        "ratio_c_a": round(c["seconds"] / a["seconds"], 2),
        "ratio_bare_parallel_a": round(a_par["seconds"] / a["seconds"], 2),
    }


def usable_cores() -> int:
    # As pipeline.extract.document.usable_cores; not imported, to keep this process small.
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pdf", nargs="?", default=str(DEFAULT_PDF))
    ap.add_argument("--jobs", type=int, default=usable_cores(), help="N for (c)")
    ap.add_argument("--repeat", type=int, default=5, help="rounds at 1x; the best counts")
    ap.add_argument("--scale", type=int, default=10, help="how many times longer the long input is")
    ap.add_argument("--repeat-long", type=int, default=2, help="rounds of the long input")
    args = ap.parse_args()
    import pdfplumber

    with pdfplumber.open(args.pdf) as pdf:
        pages = len(pdf.pages)
    one = run_suite(args.pdf, 1, args.jobs, args.repeat, pages)
    many = run_suite(args.pdf, args.scale, args.jobs, args.repeat_long, pages)
    # The bare parser's own growth over the same stretch of time says how much of a
    # growth figure is this machine drifting (it does, by tens of percent) rather than nenpo.
    bare_growth = many["bare_pdfplumber"]["seconds"] / one["bare_pdfplumber"]["seconds"]
    growth: dict[str, dict[str, float]] = {"bare_pdfplumber": {"time": round(bare_growth, 2)}}
    for key in ("nenpo_jobs_1", f"nenpo_jobs_{args.jobs}"):
        t = many[key]["seconds"] / one[key]["seconds"]
        growth[key] = {
            "time": round(t, 2),
            "time_relative_to_bare": round(t / bare_growth * args.scale, 2),
            "peak_rss": round(many[key]["peak_rss_mb"] / one[key]["peak_rss_mb"], 2),
        }
    result = {
        "pdf": os.path.relpath(args.pdf, ROOT),
        "jobs": args.jobs,
        "one_release": one,
        f"{args.scale}_releases": many,
        f"growth_{args.scale}x": growth,
        "machine": {
            "cpus": os.cpu_count(),
            "usable_cores": usable_cores(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "when": time.strftime("%Y-%m-%d"),
    }
    (ROOT / "bench" / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    c_key = f"nenpo_jobs_{args.jobs}"
    par_key = f"bare_pdfplumber_{args.jobs}_processes"
    for label, r in (("1x", one), (f"{args.scale}x", many)):
        print(
            f"{label} ({r['pages']} pages): bare {r['bare_pdfplumber']['seconds']}s, "
            f"jobs=1 {r['nenpo_jobs_1']['seconds']}s (b/a {r['ratio_b_a']}), "
            f"jobs={args.jobs} {r[c_key]['seconds']}s (c/a {r['ratio_c_a']}), "
            f"bare over {args.jobs} processes {r[par_key]['seconds']}s ({r['ratio_bare_parallel_a']} of a); "
            f"peak RSS bare {r['bare_pdfplumber']['peak_rss_mb']:.0f} MB, "
            f"jobs=1 {r['nenpo_jobs_1']['peak_rss_mb']:.0f} MB, "
            f"jobs={args.jobs} {r[c_key]['peak_rss_mb']:.0f} MB "
            f"(workers {r[c_key]['worker_peak_rss_mb']:.0f} MB)"
        )
    print(f"{args.scale}x input, bare pdfplumber: time x{growth['bare_pdfplumber']['time']}")
    for key, g in growth.items():
        if key != "bare_pdfplumber":
            print(
                f"{args.scale}x input, {key}: time x{g['time']} "
                f"(x{g['time_relative_to_bare']} if bare had grown exactly x{args.scale}), "
                f"peak RSS x{g['peak_rss']}"
            )


if __name__ == "__main__":
    main()
