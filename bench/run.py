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

The machine's speed drifts by tens of percent within minutes, so the measurements
go in rounds (a, a', b, c, and in some rounds the long input too), and each ratio
is the median over rounds of the ratio within a round; the fastest times and
their ratios are kept beside them.

Each child imports its libraries before its clock starts (pdfplumber for a,
pipeline.api for b and c): the figures are the work of a run, not of starting
Python. Run it with the interpreter of a plain install (`pip install -e .`, as
the README's first command does): see installed_versions().

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
from pipeline.extract.readers import PageReaders
from pipeline.run import run_release
pdf_path, times, out, jobs = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
t = time.perf_counter()
# One set of workers for every release, as the CLI has; ended with the block, so
# their peak RSS is counted.
with PageReaders(jobs) as readers:
    for i in range(times):
        run_release(pdf_path, out=out / f"release{i}", readers=readers, allow_errors=True)
elapsed = time.perf_counter() - t
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


def measure_round(pdf: str, times: int, jobs: int, runs: dict[str, list[dict]]) -> None:
    """One measurement each of a, a', b and c, in turn."""
    runs["a"].append(measure(BARE, pdf, str(times)))
    runs["a_par"].append(measure(BARE_PARALLEL, pdf, str(times), str(jobs)))
    for key, n in (("b", 1), ("c", jobs)):
        with tempfile.TemporaryDirectory() as out:
            runs[key].append(measure(NENPO, pdf, str(times), out, str(n)))


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def paired(num: list[dict], den: list[dict]) -> float:
    """The median over rounds of one measurement's time over another's from the same round."""
    return round(median([n["seconds"] / d["seconds"] for n, d in zip(num, den, strict=True)]), 2)


def suite_result(runs: dict[str, list[dict]], jobs: int, total_pages: int) -> dict:
    a, a_par, b, c = (summarize(runs[k]) for k in ("a", "a_par", "b", "c"))
    for r in (a, a_par, b, c):
        r["pages_per_s"] = round(total_pages / r["seconds"], 1)
    return {
        "pages": total_pages,
        "rounds": len(runs["a"]),
        "bare_pdfplumber": a,
        f"bare_pdfplumber_{jobs}_processes": a_par,
        "nenpo_jobs_1": b,
        f"nenpo_jobs_{jobs}": c,
        # Each ratio is the median of the ratios within a round (a and b, c measured
        # minutes apart could differ by the machine's drift alone); best_* divides the
        # fastest times instead.
        "ratio_b_a": paired(runs["b"], runs["a"]),
        "ratio_c_a": paired(runs["c"], runs["a"]),
        "ratio_bare_parallel_a": paired(runs["a_par"], runs["a"]),
        "best_ratio_b_a": round(b["seconds"] / a["seconds"], 2),
        "best_ratio_c_a": round(c["seconds"] / a["seconds"], 2),
    }


def growth_result(
    short: dict[str, list[dict]], long: dict[str, list[dict]], long_at: list[int], scale: int
) -> dict:
    """How time and memory grow from 1x to the long input, round by round: each long
    run against the 1x run of its own round, and against the bare parser's growth in
    that round (how much of the figure is the machine drifting rather than nenpo)."""
    out: dict[str, dict[str, float]] = {}
    bare = [long["a"][j]["seconds"] / short["a"][i]["seconds"] for j, i in enumerate(long_at)]
    out["bare_pdfplumber"] = {"time": round(median(bare), 2)}
    for key, name in (("b", "nenpo_jobs_1"), ("c", "nenpo_jobs_n")):
        times = [long[key][j]["seconds"] / short[key][i]["seconds"] for j, i in enumerate(long_at)]
        out[name] = {
            "time": round(median(times), 2),
            "time_relative_to_bare": round(
                median([t / g * scale for t, g in zip(times, bare, strict=True)]), 2
            ),
            "peak_rss": round(
                max(r["peak_rss_mb"] for r in long[key])
                / max(r["peak_rss_mb"] for r in short[key]),
                2,
            ),
        }
    return out


def run_suites(
    pdf: str, jobs: int, repeat: int, scale: int, repeat_long: int, pages: int
) -> tuple[dict, dict, dict]:
    """The 1x and the long input, measured in the same stretch of time.

    This machine's speed drifts by tens of percent over minutes: every ratio compares
    measurements taken in alternation (a, a', b, c in each round), and the long
    input's rounds are spread among the short ones rather than run after them, so
    that the growth figure compares like with like.
    """
    keys = ("a", "a_par", "b", "c")
    short: dict[str, list[dict]] = {k: [] for k in keys}
    long: dict[str, list[dict]] = {k: [] for k in keys}
    long_rounds = {round(i * repeat / repeat_long) for i in range(repeat_long)}
    long_at: list[int] = []  # the round of each long measurement
    for r in range(max(repeat, repeat_long)):
        measure_round(pdf, 1, jobs, short)
        if r in long_rounds:
            measure_round(pdf, scale, jobs, long)
            long_at.append(r)
    return (
        suite_result(short, jobs, pages),
        suite_result(long, jobs, pages * scale),
        growth_result(short, long, long_at, scale),
    )


def usable_cores() -> int:
    # As pipeline.extract.document.usable_cores; not imported, to keep this process small.
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def installed_versions() -> dict[str, str | None]:
    """Versions of what the measurements depend on. pandera imports hypothesis when it
    is installed (the test extras), which adds ~0.1 s to a process's first validation:
    the figures in the README come from an install made as the README's first command
    makes it (`pip install -e .`, no extras)."""
    from importlib import metadata

    out: dict[str, str | None] = {}
    for name in (
        "pdfplumber",
        "pdfminer.six",
        "pypdfium2",
        "pandas",
        "pandera",
        "pyarrow",
        "hypothesis",
    ):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


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
    one, many, growth = run_suites(
        args.pdf, args.jobs, args.repeat, args.scale, args.repeat_long, pages
    )
    growth[f"nenpo_jobs_{args.jobs}"] = growth.pop("nenpo_jobs_n")
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
        "packages": installed_versions(),
        "when": time.strftime("%Y-%m-%d"),
    }
    (ROOT / "bench" / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    c_key = f"nenpo_jobs_{args.jobs}"
    par_key = f"bare_pdfplumber_{args.jobs}_processes"
    print("ratios: median over rounds of the ratio within each round; times: the fastest")
    for label, r in (("1x", one), (f"{args.scale}x", many)):
        print(
            f"{label} ({r['pages']} pages, {r['rounds']} rounds): bare {r['bare_pdfplumber']['seconds']}s, "
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
