"""Cross-checks the report implies: it states every budget three times (program
list, section index, card) and states its own sums. A disagreement is the
report's, so it is a warning that shows both values and where they are printed;
the curated data keeps what was printed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.normalize.text import name_similarity, nfkc, squash
from pipeline.records import Finding

MONEY = ("budget_kyen", "national_kyen", "other_kyen", "general_kyen")


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    description: str


CHECKS: dict[str, Check] = {
    c.id: c
    for c in [
        Check(
            "programs.funding_sum",
            "warning",
            "事業費 = 国庫 + その他 + 一般財源 on every program row (blank = 0)",
        ),
        Check(
            "programs.budget_not_numeric",
            "warning",
            "Every program row prints its 事業費 as a number",
        ),
        Check(
            "programs.subtotal",
            "warning",
            "Each policy's 小計 = sum of its rows that are not (再掲)",
        ),
        Check(
            "programs.subtotal_incl_repost",
            "warning",
            "Each policy's 〃(再掲含む。) = sum of all its rows",
        ),
        Check("programs.total", "warning", "合計 = sum of the policies' 小計"),
        Check(
            "programs.repost_consistency",
            "warning",
            "A (再掲) row repeats its original row: name, budget, funding, period",
        ),
        Check("index.subtotal", "warning", "Each index's 小計 = sum of its rows"),
        Check("index.card_count", "warning", "A section has as many cards as index rows"),
        Check(
            "index.card_name",
            "warning",
            "Index row i and card i of a section name the same program",
        ),
        Check("index.card_budget", "warning", "Index row i and card i state the same 事業費"),
        Check(
            "index.card_page",
            "warning",
            "Card i starts on the printed page its index row lists (掲載頁)",
        ),
        Check(
            "index.program_list_match",
            "warning",
            "Every index row names a program of the program list (same policy)",
        ),
        Check(
            "index.program_list_budget", "warning", "Index and program list state the same 事業費"
        ),
        Check("index.program_list_new", "warning", "Index and program list agree on 新規"),
        Check(
            "index.program_list_departments",
            "warning",
            "Index and program list name the same departments",
        ),
        Check(
            "coverage.cards_in_program_list",
            "warning",
            "Every program card appears in the program list",
        ),
        Check(
            "coverage.program_list_in_index",
            "warning",
            "Every program list row of a policy appears in its section's index",
        ),
        Check(
            "names.repost_marker_width",
            "warning",
            "(再掲) is printed one way (half- or full-width) throughout",
        ),
    ]
}


def _records(df: pd.DataFrame) -> list[dict]:
    # Rows as dicts: iterrows builds a Series per row, most of these checks' time.
    return df.to_dict("records")


def _finding(check: str, message: str, row: pd.Series | dict | None = None) -> Finding:
    page = bbox = None
    if row is not None:
        page = int(row["source_page"])
        box = (row["bbox_x0"], row["bbox_top"], row["bbox_x1"], row["bbox_bottom"])
        bbox = tuple(float(x) for x in box) if any(box) else None
    return Finding(check, CHECKS[check].severity, message, page, bbox)


def _n(v: object) -> int:
    return 0 if v is None or pd.isna(v) else int(v)


def _flag(v: object) -> bool:
    return False if v is None or pd.isna(v) else bool(v)


def _fmt(v: object) -> str:
    return "blank" if v is None or pd.isna(v) else f"{int(v):,}"


def funding_sum(programs: list[dict]) -> list[Finding]:
    out = []
    for r in programs:
        if pd.isna(r["budget_kyen"]):
            out.append(
                _finding(
                    "programs.budget_not_numeric",
                    f"policy {r['policy_no']} {r['program_name']}: 事業費 printed as {r['budget_raw']!r}",
                    r,
                )
            )
            continue
        parts = _n(r["national_kyen"]) + _n(r["other_kyen"]) + _n(r["general_kyen"])
        if parts != int(r["budget_kyen"]):
            out.append(
                _finding(
                    "programs.funding_sum",
                    f"policy {r['policy_no']} {r['program_name']}: 事業費 {_fmt(r['budget_kyen'])} ≠ "
                    f"国庫 {_fmt(r['national_kyen'])} + その他 {_fmt(r['other_kyen'])} + 一般財源 {_fmt(r['general_kyen'])} = {parts:,}",
                    r,
                )
            )
    return out


def subtotals(programs: list[dict], totals: list[dict]) -> list[Finding]:
    out = []
    by_policy: dict[object, list[dict]] = {}
    for r in programs:
        if not pd.isna(r["policy_no"]):
            by_policy.setdefault(r["policy_no"], []).append(r)
    for kind, check, only_own in (
        ("subtotal", "programs.subtotal", True),
        ("subtotal_incl_repost", "programs.subtotal_incl_repost", False),
    ):
        for t in (t for t in totals if t["kind"] == kind):
            rows = [] if pd.isna(t["policy_no"]) else by_policy.get(t["policy_no"], [])
            if only_own:
                rows = [r for r in rows if not _flag(r["is_repost"])]
            for col in MONEY:
                s = sum(_n(r[col]) for r in rows)
                if s != _n(t[col]):
                    out.append(
                        _finding(
                            check,
                            f"policy {t['policy_no']} {t['label']} {col}: printed {_fmt(t[col])}, rows sum to {s:,}",
                            t,
                        )
                    )
    subs = [t for t in totals if t["kind"] == "subtotal"]
    for t in (t for t in totals if t["kind"] == "total"):
        for col in MONEY:
            s = sum(_n(u[col]) for u in subs)
            if s != _n(t[col]):
                out.append(
                    _finding(
                        "programs.total",
                        f"{t['label']} {col}: printed {_fmt(t[col])}, 小計 sum to {s:,}",
                        t,
                    )
                )
    return out


def repost_consistency(programs: list[dict]) -> list[Finding]:
    out = []
    originals = [o for o in programs if not _flag(o["is_repost"])]
    for r in (r for r in programs if _flag(r["is_repost"])):
        same = [o for o in originals if o["program_key"] == r["program_key"]]
        if not same:
            scores = [name_similarity(o["program_name"], r["program_name"]) for o in originals]
            if not scores or max(scores) < 0.8:
                continue  # re-listed from outside the list; nothing to compare
            best = scores.index(max(scores))
            same = [originals[best]]
            method = f"similar name, score {scores[best]:.2f}"
            o = same[0]
            out.append(
                _finding(
                    "programs.repost_consistency",
                    f"{r['program_name']} (policy {r['policy_no']}) re-lists {o['program_name']} (policy {o['policy_no']}) under another name ({method})",
                    r,
                )
            )
        o = same[0]
        for col in (*MONEY, "period_raw"):
            a, b = r[col], o[col]
            if not (pd.isna(a) and pd.isna(b)) and (pd.isna(a) or pd.isna(b) or a != b):
                out.append(
                    _finding(
                        "programs.repost_consistency",
                        f"{r['program_name']} (policy {r['policy_no']}) {col} {a!s} ≠ original (policy {o['policy_no']}, page {o['source_page']}) {b!s}",
                        r,
                    )
                )
    return out


def index_subtotal(index: list[dict], totals: list[dict]) -> list[Finding]:
    out = []
    by_section: dict[object, int] = {}
    for r in index:
        by_section[r["section"]] = by_section.get(r["section"], 0) + _n(r["budget_kyen"])
    for t in (t for t in totals if t["kind"] == "index_subtotal"):
        s = by_section.get(t["section"], 0)
        if s != _n(t["budget_kyen"]):
            out.append(
                _finding(
                    "index.subtotal",
                    f"section {t['section']} index 小計 printed {_fmt(t['budget_kyen'])}, rows sum to {s:,}",
                    t,
                )
            )
    return out


def index_vs_cards(index: list[dict], cards: list[dict]) -> list[Finding]:
    out = []
    index_by_section: dict[object, list[dict]] = {}
    for r in index:
        index_by_section.setdefault(r["section"], []).append(r)
    cards_by_section: dict[object, list[dict]] = {}
    for c in cards:
        cards_by_section.setdefault(c["section"], []).append(c)
    for section, index_rows in index_by_section.items():
        section_cards = cards_by_section.get(section, [])
        sec_cards: dict[object, dict] = {}
        for c in section_cards:
            sec_cards.setdefault(c["card_no"], c)
        if len(section_cards) != len(index_rows):
            out.append(
                _finding(
                    "index.card_count",
                    f"section {section}: index lists {len(index_rows)} programs, {len(section_cards)} cards found",
                    index_rows[0],
                )
            )
        for r in index_rows:
            if r["no"] not in sec_cards:
                out.append(
                    _finding(
                        "index.card_count",
                        f"section {section} No.{r['no']} {r['program_name']}: no card {r['no']} found (the index lists page {r['listed_page']})",
                        r,
                    )
                )
                continue
            c = sec_cards[r["no"]]
            score = name_similarity(r["program_name"], c["program_name"])
            if score < 1.0:
                out.append(
                    _finding(
                        "index.card_name",
                        f"section {section} No.{r['no']}: index {r['program_name']!r} vs card (page {c['printed_page']}) {c['program_name']!r}, similarity {score:.2f}",
                        r,
                    )
                )
            if _n(r["budget_kyen"]) != _n(c["budget_kyen"]) or pd.isna(r["budget_kyen"]) != pd.isna(
                c["budget_kyen"]
            ):
                out.append(
                    _finding(
                        "index.card_budget",
                        f"section {section} No.{r['no']} {r['program_name']}: index {_fmt(r['budget_kyen'])} vs card {_fmt(c['budget_kyen'])}",
                        r,
                    )
                )
            if (
                pd.isna(r["listed_page"])
                or pd.isna(c["printed_page"])
                or int(r["listed_page"]) != int(c["printed_page"])
            ):
                out.append(
                    _finding(
                        "index.card_page",
                        f"section {section} No.{r['no']} {r['program_name']}: index lists page {r['listed_page']}, card {r['no']} starts on printed page {c['printed_page']}",
                        r,
                    )
                )
    return out


def _departments_key(values: object) -> list[str]:
    return [squash(v) for v in list(values)]


def index_vs_program_list(index: list[dict], programs: list[dict]) -> list[Finding]:
    out = []
    # First program list row per (policy, program): one lookup per index row, not a scan.
    listed: dict[tuple[object, object], dict] = {}
    for p in programs:
        listed.setdefault((p["policy_no"], p["program_key"]), p)
    for r in index:
        where = f"section {r['section']} No.{r['no']} {r['program_name']}"
        if r["program_list_match"] == "none":
            out.append(
                _finding(
                    "index.program_list_match",
                    f"{where}: no program of policy {list(r['policy_nos'])} in the program list has this name",
                    r,
                )
            )
            continue
        if r["program_list_match"] == "fuzzy":
            out.append(
                _finding(
                    "index.program_list_match",
                    f"{where}: the program list prints the name differently, matched by similarity {r['program_list_match_score']:.2f}",
                    r,
                )
            )
        for policy in r["policy_nos"]:
            p = listed.get((policy, r["program_list_key"]))
            if p is None:
                out.append(
                    _finding(
                        "index.program_list_match",
                        f"{where}: flagged for policy {policy}, but not in that policy's program list rows",
                        r,
                    )
                )
                continue
            if _n(p["budget_kyen"]) != _n(r["budget_kyen"]) or pd.isna(p["budget_kyen"]) != pd.isna(
                r["budget_kyen"]
            ):
                out.append(
                    _finding(
                        "index.program_list_budget",
                        f"{where}: index {_fmt(r['budget_kyen'])} vs program list (page {p['printed_page']}) {_fmt(p['budget_kyen'])} [{p['budget_raw']!r}]",
                        r,
                    )
                )
            if bool(p["is_new"]) != bool(r["is_new"]):
                out.append(
                    _finding(
                        "index.program_list_new",
                        f"{where}: 新規 {'○' if r['is_new'] else 'blank'} in the index, {'○' if p['is_new'] else 'blank'} in the program list (page {p['printed_page']})",
                        r,
                    )
                )
            if _departments_key(p["departments"]) != _departments_key(r["departments"]):
                out.append(
                    _finding(
                        "index.program_list_departments",
                        f"{where}: index {list(r['departments'])} vs program list {list(p['departments'])}",
                        r,
                    )
                )
    return out


def coverage(cards: list[dict], programs: list[dict], index: list[dict]) -> list[Finding]:
    out = []
    names = [p["program_name"] for p in programs]
    keys = {p["program_key"] for p in programs}
    for c in cards:
        if c["program_key"] in keys:
            continue
        best = max(names, key=lambda n: name_similarity(n, c["program_name"]), default=None)
        score = name_similarity(best, c["program_name"]) if best else 0.0
        # A card titled with several programs (①…②…) lists each in the program list.
        parts = c["program_name"].split(" ") if len(c["title_lines"]) > 1 else []
        if parts and all(any(name_similarity(n, part) == 1.0 for n in names) for part in parts):
            continue
        out.append(
            _finding(
                "coverage.cards_in_program_list",
                f"section {c['section']} card {c['card_no']} {c['program_name']!r} is not in the program list"
                + (f"; closest {best!r} (similarity {score:.2f})" if best else ""),
                c,
            )
        )
    indexed: dict[int, set[str]] = {}  # policy → program list keys its index rows match
    for r in index:
        for policy in r["policy_nos"]:
            if pd.notna(r["program_list_key"]):
                indexed.setdefault(int(policy), set()).add(r["program_list_key"])
    for p in programs:
        if p["program_key"] in indexed.get(int(p["policy_no"]), set()):
            continue
        out.append(
            _finding(
                "coverage.program_list_in_index",
                f"policy {p['policy_no']} {p['program_name']!r} (page {p['printed_page']}) is in no index row of its section",
                p,
            )
        )
    return out


def repost_marker_width(*frames: list[dict]) -> list[Finding]:
    half, full = [], []
    for rows in frames:
        for r in rows:
            name = r["program_name"]
            if "(再掲)" in name:
                half.append(r)
            elif "（再掲）" in name:
                full.append(r)
    if half and full:
        first = full[0] if len(full) <= len(half) else half[0]
        return [
            _finding(
                "names.repost_marker_width",
                f"(再掲) is printed half-width {len(half)} times and full-width {len(full)} times; e.g. {nfkc(first['program_name'])!r} on page {first['printed_page']}",
                first,
            )
        ]
    return []


def reconcile(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    cards, programs, totals, index = (
        frames[k] for k in ("program_cards", "programs", "program_totals", "program_index")
    )
    card_rows, program_rows, index_rows = _records(cards), _records(programs), _records(index)
    total_rows = _records(totals)
    return [
        *funding_sum(program_rows),
        *subtotals(program_rows, total_rows),
        *repost_consistency(program_rows),
        *index_subtotal(index_rows, total_rows),
        *index_vs_cards(index_rows, card_rows),
        *index_vs_program_list(index_rows, program_rows),
        *coverage(card_rows, program_rows, index_rows),
        *repost_marker_width(program_rows, index_rows, card_rows),
    ]
