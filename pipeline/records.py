"""Extracted structures → the rows of the curated datasets."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

import schemas
from pipeline.extract.cards import ProgramCard
from pipeline.extract.index import ProgramIndex
from pipeline.extract.program_list import KIND_PROGRAM, ProgramList
from pipeline.normalize.era import parse_period
from pipeline.normalize.text import (
    SIMILARITY,
    clean_text,
    is_repost,
    name_similarity,
    program_key,
    with_raw,
    with_raw_paragraphs,
)
from schemas.common import columns
from schemas.vocabulary import ListMatch

CARD_COLUMNS = columns(schemas.ProgramCards)


PROGRAM_COLUMNS = columns(schemas.Programs)


TOTAL_COLUMNS = columns(schemas.ProgramTotals)


INDEX_COLUMNS = columns(schemas.ProgramIndex)


_NOTE = re.compile(r"^(.*?)\s*[(（]([^()（）]+)[)）]$")


def _departments(entries: list[str]) -> dict:
    """The 担当課等 entries as departments, and what is printed in brackets with them (a
    regional office: "(中南地域県民局)", on its own line or after the name) as their note,
    as the cards give it: budget by department then adds up."""
    departments: list[str] = []
    notes: list[str] = []
    for entry in entries:
        m = _NOTE.match(entry.strip())
        if m is None:
            departments.append(entry)
            continue
        if m.group(1):
            departments.append(m.group(1))
        notes.append(m.group(2).strip())
    clean = [clean_text(d) for d in departments]
    return {
        "departments": clean,
        "departments_raw": list(entries) if clean != list(entries) else None,
        "department_note": clean_text("、".join(notes)) if notes else None,
    }


def where(
    page: int, bbox: tuple[float, float, float, float], printed: dict[int, int | None]
) -> dict:
    """The provenance columns every dataset carries: physical page, printed page, bbox."""
    return {
        "source_page": page,
        "printed_page": printed.get(page),
        "bbox_x0": bbox[0],
        "bbox_top": bbox[1],
        "bbox_x1": bbox[2],
        "bbox_bottom": bbox[3],
    }


def card_rows(cards: list[ProgramCard], fiscal_year: int) -> pd.DataFrame:
    rows = []
    for c in cards:
        first = c.departments[0] if c.departments else None
        rows.append(
            {
                "fiscal_year": fiscal_year,
                "section": c.section,
                "policy_nos": list(c.policy_nos),
                "card_no": c.card_no,
                "program_key": program_key(c.program_name),
                **with_raw("program_name", c.program_name),
                "title_lines": list(c.title_lines) if len(c.title_lines) > 1 else [],
                "is_repost": is_repost(c.program_name),
                "budget_kyen": c.budget_kyen,
                "budget_raw": c.budget_raw,
                "budget_note": c.budget_note,
                **with_raw_paragraphs("overview", list(c.overview)),
                **with_raw_paragraphs("results", list(c.results)),
                # As printed in department_line.
                "department": clean_text(first.department) if first else None,
                "group": clean_text(first.group) if first and first.group else None,
                "department_note": clean_text(first.note) if first and first.note else None,
                "additional_departments": [
                    " ".join(x for x in (d.department, d.group) if x) for d in c.departments[1:]
                ],
                "department_line": c.department_line,
                "n_tables": len(c.tables),
                "end_page": c.end_page,
                **where(c.source_page, c.bbox, {c.source_page: c.printed_page}),
            }
        )
    return pd.DataFrame(rows, columns=CARD_COLUMNS)


def program_rows(
    pl: ProgramList, fiscal_year: int, printed: dict[int, int | None]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(programs, program list totals) from the extracted program list."""
    programs: list[dict] = []
    totals: list[dict] = []
    for row in pl.rows:
        place = where(row.page, row.bbox, printed)
        money = {
            "budget_kyen": row.budget,
            "national_kyen": row.national,
            "other_kyen": row.other,
            "general_kyen": row.general,
        }
        if row.kind != KIND_PROGRAM:
            totals.append(
                {
                    "fiscal_year": fiscal_year,
                    "kind": row.kind,
                    "section": None,
                    "policy_no": row.policy_no,
                    **with_raw("label", row.name),
                    **money,
                    **place,
                }
            )
            continue
        period = parse_period(row.period_raw)
        programs.append(
            {
                "fiscal_year": fiscal_year,
                "row_no": len(programs) + 1,
                "policy_no": row.policy_no,
                **with_raw("measure", row.measure),
                "program_key": program_key(row.name),
                **with_raw("program_name", row.name),
                "is_repost": is_repost(row.name),
                "is_new": row.is_new,
                "is_priority": row.is_priority,
                "has_key_result": row.has_key_result,
                **money,
                "budget_raw": row.budget_raw,
                "period_raw": row.period_raw,
                "period_start_year": period.start if period else None,
                "period_end_year": period.end if period else None,
                "foundation_support": row.foundation,
                **_departments(row.departments),
                "measure_continued": row.measure_continued,
                **place,
            }
        )
    return (
        pd.DataFrame(programs, columns=PROGRAM_COLUMNS),
        pd.DataFrame(totals, columns=TOTAL_COLUMNS),
    )


def match_program(
    name: str, candidates: Sequence[tuple[str, str]]
) -> tuple[str | None, str, float | None]:
    """The program list key for a name among (key, name) candidates: same key, else the
    most similar name above the bar (the first of equals). Returns (key, method, score)."""
    if not candidates:
        return None, ListMatch.NONE, None
    key = program_key(name)
    if any(k == key for k, _ in candidates):
        return key, ListMatch.EXACT, 1.0
    scores = [name_similarity(name, other) for _, other in candidates]
    best = max(range(len(scores)), key=scores.__getitem__)
    if scores[best] >= SIMILARITY.same_program:
        return candidates[best][0], ListMatch.FUZZY, round(float(scores[best]), 4)
    return None, ListMatch.NONE, round(float(scores[best]), 4)


def index_rows(
    indexes: list[ProgramIndex],
    programs: pd.DataFrame,
    fiscal_year: int,
    printed: dict[int, int | None],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(program_index, index subtotals)."""
    rows, totals = [], []
    # The program list rows (key, name) a section may match, by policy numbers.
    by_policies: dict[tuple, list[tuple[str, str]]] = {}
    for ix in indexes:
        if ix.subtotal_page is not None and ix.subtotal_bbox is not None:
            totals.append(
                {
                    "fiscal_year": fiscal_year,
                    "kind": "index_subtotal",
                    "section": ix.section,
                    "policy_no": None,
                    "label": "小計",
                    "label_raw": None,
                    "budget_kyen": ix.subtotal,
                    "national_kyen": None,
                    "other_kyen": None,
                    "general_kyen": None,
                    **where(ix.subtotal_page, ix.subtotal_bbox, printed),
                }
            )
        for r in ix.rows:
            policies = r.policy_flags or list(ix.policy_nos)
            if tuple(policies) not in by_policies:
                rows_of = programs[programs["policy_no"].isin(policies)]
                by_policies[tuple(policies)] = list(
                    zip(rows_of["program_key"], rows_of["program_name"], strict=True)
                )
            match, method, score = match_program(r.name, by_policies[tuple(policies)])
            rows.append(
                {
                    "fiscal_year": fiscal_year,
                    "section": ix.section,
                    "no": r.no,
                    "program_key": program_key(r.name),
                    **with_raw("program_name", r.name),
                    "budget_kyen": r.budget,
                    "budget_raw": r.budget_raw,
                    "is_new": r.is_new,
                    **_departments(r.departments),
                    "listed_page": r.listed_page,
                    "policy_nos": policies,
                    "program_list_key": match,
                    "program_list_match": method,
                    "program_list_match_score": score,
                    **where(r.page, r.bbox, printed),
                }
            )
    return pd.DataFrame(rows, columns=INDEX_COLUMNS), pd.DataFrame(totals, columns=TOTAL_COLUMNS)
