"""Cross-checks the report implies: it states every budget three times (program
list, section index, card) and states its own sums. A disagreement is the
report's, so it is a warning that shows both values and where they are printed;
the curated data keeps what was printed."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from pipeline.findings import Finding
from pipeline.normalize.text import SIMILARITY, name_similarity, nfkc, squash
from pipeline.validate.cases import (
    MONEY,
    as_records,
    case_finding,
    flag_value,
    money_text,
    number_or_zero,
    plain_value,
)
from schemas.vocabulary import ListMatch


def funding_sum(programs: list[dict]) -> list[Finding]:
    out = []
    for r in programs:
        if pd.isna(r["budget_kyen"]):
            out.append(
                case_finding(
                    "programs.budget_not_numeric",
                    f"policy {r['policy_no']} {r['program_name']}: 事業費 printed as {r['budget_raw']!r}",
                    r,
                )
            )
            continue
        parts = (
            number_or_zero(r["national_kyen"])
            + number_or_zero(r["other_kyen"])
            + number_or_zero(r["general_kyen"])
        )
        if parts != int(r["budget_kyen"]):
            out.append(
                case_finding(
                    "programs.funding_sum",
                    f"policy {r['policy_no']} {r['program_name']}: 事業費 {money_text(r['budget_kyen'])} ≠ "
                    f"国庫 {money_text(r['national_kyen'])} + その他 {money_text(r['other_kyen'])} + 一般財源 {money_text(r['general_kyen'])} = {parts:,}",
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
                rows = [r for r in rows if not flag_value(r["is_repost"])]
            for col in MONEY:
                s = sum(number_or_zero(r[col]) for r in rows)
                if s != number_or_zero(t[col]):
                    out.append(
                        case_finding(
                            check,
                            f"policy {t['policy_no']} {t['label']} {col}: printed {money_text(t[col])}, rows sum to {s:,}",
                            t,
                        )
                    )
    subs = [t for t in totals if t["kind"] == "subtotal"]
    for t in (t for t in totals if t["kind"] == "total"):
        for col in MONEY:
            s = sum(number_or_zero(u[col]) for u in subs)
            if s != number_or_zero(t[col]):
                out.append(
                    case_finding(
                        "programs.total",
                        f"{t['label']} {col}: printed {money_text(t[col])}, 小計 sum to {s:,}",
                        t,
                    )
                )
    return out


def repost_consistency(programs: list[dict]) -> list[Finding]:
    out = []
    originals = [o for o in programs if not flag_value(o["is_repost"])]
    for r in (r for r in programs if flag_value(r["is_repost"])):
        same = [o for o in originals if o["program_key"] == r["program_key"]]
        if not same:
            scores = [name_similarity(o["program_name"], r["program_name"]) for o in originals]
            if not scores or max(scores) < SIMILARITY.same_program:
                continue  # re-listed from outside the list; nothing to compare
            best = scores.index(max(scores))
            same = [originals[best]]
            method = f"similar name, score {scores[best]:.2f}"
            o = same[0]
            out.append(
                case_finding(
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
                    case_finding(
                        "programs.repost_consistency",
                        f"{r['program_name']} (policy {r['policy_no']}) {col} {a!s} ≠ original (policy {o['policy_no']}, PDF page {o['source_page']}) {b!s}",
                        r,
                    )
                )
    return out


def index_subtotal(index: list[dict], totals: list[dict]) -> list[Finding]:
    out = []
    by_section: dict[object, int] = {}
    for r in index:
        by_section[r["section"]] = by_section.get(r["section"], 0) + number_or_zero(
            r["budget_kyen"]
        )
    for t in (t for t in totals if t["kind"] == "index_subtotal"):
        s = by_section.get(t["section"], 0)
        if s != number_or_zero(t["budget_kyen"]):
            out.append(
                case_finding(
                    "index.subtotal",
                    f"section {t['section']} index 小計 printed {money_text(t['budget_kyen'])}, rows sum to {s:,}",
                    t,
                )
            )
    return out


def index_vs_cards(index: list[dict], cards: list[dict]) -> list[Finding]:
    """Index row i against card i of its section: name, 事業費, 掲載頁. A row without its
    card is not the document's inconsistency but a misread (validate/health.py)."""
    out = []
    cards_by_no: dict[tuple[object, object], dict] = {}
    for c in cards:
        cards_by_no.setdefault((c["section"], c["card_no"]), c)
    for r in index:
        c_or_none = cards_by_no.get((r["section"], r["no"]))
        if c_or_none is None:
            continue
        c = c_or_none
        where = f"section {r['section']} No.{r['no']}"
        key = f"section {r['section']} card {r['no']}"
        score = name_similarity(r["program_name"], c["program_name"])
        if score < 1.0:
            out.append(
                case_finding(
                    "index.card_name",
                    f"{where}: index {r['program_name']!r} vs card (printed page {c['printed_page']}) {c['program_name']!r}, similarity {score:.2f}",
                    r,
                    key=key,
                    observed=r["program_name"],
                    expected=c["program_name"],
                    other=c,
                )
            )
        if number_or_zero(r["budget_kyen"]) != number_or_zero(c["budget_kyen"]) or pd.isna(
            r["budget_kyen"]
        ) != pd.isna(c["budget_kyen"]):
            out.append(
                case_finding(
                    "index.card_budget",
                    f"{where} {r['program_name']}: index {money_text(r['budget_kyen'])} vs card {money_text(c['budget_kyen'])}",
                    r,
                    key=key,
                    observed=plain_value(r["budget_kyen"]),
                    expected=plain_value(c["budget_kyen"]),
                    other=c,
                )
            )
        if (
            pd.isna(r["listed_page"])
            or pd.isna(c["printed_page"])
            or int(r["listed_page"]) != int(c["printed_page"])
        ):
            out.append(
                case_finding(
                    "index.card_page",
                    f"{where} {r['program_name']}: index lists printed page {r['listed_page']}, card {r['no']} starts on printed page {c['printed_page']}",
                    r,
                    key=key,
                    observed=plain_value(r["listed_page"]),
                    expected=plain_value(c["printed_page"]),
                    other=c,
                )
            )
    return out


def _note(row: dict) -> str:
    note = row.get("department_note")
    return "" if note is None or pd.isna(note) else squash(str(note))


def _with_note(row: dict) -> list[str]:
    note = _note(row)
    return [*row["departments"], *([f"({row['department_note']})"] if note else [])]


def _departments_key(values: Iterable[str]) -> list[str]:
    return [squash(v) for v in list(values)]


def index_vs_program_list(index: list[dict], programs: list[dict]) -> list[Finding]:
    out = []
    # First program list row per (policy, program): one lookup per index row, not a scan.
    listed: dict[tuple[object, object], dict] = {}
    for p in programs:
        listed.setdefault((p["policy_no"], p["program_key"]), p)
    for r in index:
        where = f"section {r['section']} No.{r['no']} {r['program_name']}"
        if r["program_list_match"] == ListMatch.NONE:
            message = f"{where}: no program of policy {list(r['policy_nos'])} in the program list has this name"
            out.append(case_finding("index.program_list_match", message, r))
            continue
        if r["program_list_match"] == ListMatch.FUZZY:
            message = f"{where}: the program list prints the name differently, matched by similarity {r['program_list_match_score']:.2f}"
            out.append(case_finding("index.program_list_match", message, r))
        for policy in r["policy_nos"]:
            listed_row = listed.get((policy, r["program_list_key"]))
            if listed_row is None:
                message = f"{where}: flagged for policy {policy}, but not in that policy's program list rows"
                out.append(case_finding("index.program_list_match", message, r))
            else:
                out += _index_row_vs_list_row(r, listed_row, where)
    return out


def _index_row_vs_list_row(r: dict, p: dict, where: str) -> list[Finding]:
    """An index row against its program list row: budget, 新規, departments."""
    page = p["printed_page"]
    budget_differs = number_or_zero(p["budget_kyen"]) != number_or_zero(
        r["budget_kyen"]
    ) or pd.isna(p["budget_kyen"]) != pd.isna(r["budget_kyen"])
    mark = {True: "○", False: "blank"}
    comparisons = [
        (
            "index.program_list_budget",
            budget_differs,
            f"{where}: index {money_text(r['budget_kyen'])} vs program list (printed page {page}) {money_text(p['budget_kyen'])} [{p['budget_raw']!r}]",
            plain_value(r["budget_kyen"]),
            plain_value(p["budget_kyen"]),
        ),
        (
            "index.program_list_new",
            bool(p["is_new"]) != bool(r["is_new"]),
            f"{where}: 新規 {mark[bool(r['is_new'])]} in the index, {mark[bool(p['is_new'])]} in the program list (printed page {page})",
            bool(r["is_new"]),
            bool(p["is_new"]),
        ),
        (
            "index.program_list_departments",
            _departments_key(p["departments"]) != _departments_key(r["departments"])
            or _note(p) != _note(r),
            f"{where}: index {_with_note(r)} vs program list {_with_note(p)}",
            _with_note(r),
            _with_note(p),
        ),
    ]
    key = f"section {r['section']} index No.{r['no']}"
    return [
        case_finding(check, message, r, key=key, observed=seen, expected=listed, other=p)
        for check, differs, message, seen, listed in comparisons
        if differs
    ]


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
            case_finding(
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
        if pd.isna(p["policy_no"]):
            continue  # a row under no policy band: programs.policy_found says so
        if p["program_key"] in indexed.get(int(p["policy_no"]), set()):
            continue
        out.append(
            case_finding(
                "coverage.program_list_in_index",
                f"policy {p['policy_no']} {p['program_name']!r} (printed page {p['printed_page']}) is in no index row of its section",
                p,
            )
        )
    return out


def repost_marker_width(*frames: list[dict]) -> list[Finding]:
    half, full = [], []
    for rows in frames:
        for r in rows:
            # The width as printed: the clean name folds every bracket to half-width.
            raw = r.get("program_name_raw")
            name = raw if isinstance(raw, str) else r["program_name"]
            if "(再掲)" in name:
                half.append(r)
            elif "（再掲）" in name:
                full.append(r)
    if half and full:
        first = full[0] if len(full) <= len(half) else half[0]
        return [
            case_finding(
                "names.repost_marker_width",
                f"(再掲) is printed half-width {len(half)} times and full-width {len(full)} times; e.g. {nfkc(first['program_name'])!r} on printed page {first['printed_page']}",
                first,
            )
        ]
    return []


def reconcile(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    rows = {
        k: as_records(frames[k])
        for k in ("program_cards", "programs", "program_totals", "program_index")
    }
    return reconcile_rows(rows)


def reconcile_rows(rows: dict[str, list[dict]]) -> list[Finding]:
    """Every cross-check over the datasets' rows (as dicts, by dataset name)."""
    card_rows, program_rows = rows["program_cards"], rows["programs"]
    index_rows, total_rows = rows["program_index"], rows["program_totals"]
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
