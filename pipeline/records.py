"""Extracted structures → the rows of the curated datasets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

import pandas as pd

import schemas
from pipeline.extract.cards import ProgramCard
from pipeline.extract.index import ProgramIndex
from pipeline.extract.indicator_tables import IndicatorRow, IndicatorTable
from pipeline.extract.narrative import Block
from pipeline.extract.program_list import KIND_PROGRAM, ProgramList
from pipeline.extract.statistics import StatisticsExtraction
from pipeline.findings import Finding
from pipeline.normalize.era import ERA_LETTER, era_to_year, parse_period, parse_year_label
from pipeline.normalize.text import (
    SIMILARITY,
    clean_text,
    is_repost,
    name_similarity,
    nfkc,
    program_key,
    with_raw,
    with_raw_list,
)
from pipeline.normalize.values import parse_number, parse_value
from schemas.common import columns
from schemas.vocabulary import ListMatch

CARD_COLUMNS = columns(schemas.ProgramCards)
INDICATOR_COLUMNS = columns(schemas.Indicators)
PROGRAM_COLUMNS = columns(schemas.Programs)
TOTAL_COLUMNS = columns(schemas.ProgramTotals)
INDEX_COLUMNS = columns(schemas.ProgramIndex)
STAT_COLUMNS = columns(schemas.Statistics)
FIGURE_COLUMNS = columns(schemas.Figures)
NARRATIVE_COLUMNS = columns(schemas.Narrative)


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


def period_years(
    table: IndicatorTable, fiscal_year: int, era: str
) -> tuple[list[int | None], bool]:
    """Western year per period column and whether position had to decide.

    Columns run oldest to newest and end with the report's year. When the
    printed labels do not give strictly increasing years (a repeated "元年度",
    an unreadable label), years are assigned by position from the report year.
    """
    labels = table.period_labels
    parsed = [parse_year_label(lb, era) for lb in labels]
    known = [y for y in parsed if y is not None]
    if len(known) == len(parsed) and all(a < b for a, b in pairwise(known)):
        return parsed, False
    n = len(labels)
    return [fiscal_year - (n - 1 - i) for i in range(n)], True


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
                "overview": "\n".join(c.overview),
                "results": "\n".join(c.results),
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


def indicator_rows(
    cards: list[ProgramCard], fiscal_year: int, era: str, printed: dict[int, int | None]
) -> tuple[pd.DataFrame, list[Finding]]:
    rows: list[dict] = []
    findings: list[Finding] = []
    for c in cards:
        for t_no, table in enumerate(c.tables, start=1):
            years, inferred = period_years(table, fiscal_year, era)
            where_t = f"section {c.section} card {c.card_no} table {t_no}"
            if inferred:
                findings.append(
                    Finding(
                        "indicator_header_years",
                        f"{where_t}: header {table.period_labels} does not give increasing "
                        f"years; read by position as {years}",
                        table.page,
                        table.bbox,
                    )
                )
            card = {
                "fiscal_year": fiscal_year,
                "section": c.section,
                "card_no": c.card_no,
                "program_key": program_key(c.program_name),
                **with_raw("program_name", c.program_name),
                "table_no": t_no,
            }
            for r_no, indicator, inherited, row in _labelled_rows(table, where_t, findings):
                for label, year, raw in zip(table.period_labels, years, row.values):
                    v = parse_value(raw)
                    rows.append(
                        {
                            **card,
                            "row_no": r_no,
                            **with_raw("indicator", indicator),
                            "indicator_inherited": inherited,
                            "period_label": label,
                            "period_year": year,
                            "period_year_inferred": inferred,
                            "value_raw": raw,
                            "value": v.value,
                            "unit": v.unit,
                            "qualifier": v.qualifier,
                            "status": v.status,
                            **where(row.page, row.bbox, printed),
                        }
                    )
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS), findings


def _labelled_rows(
    table: IndicatorTable, where_t: str, findings: list[Finding]
) -> list[tuple[int, str, bool, IndicatorRow]]:
    """Each row with its indicator label: an empty label cell under a labelled row is a
    further measure of that row (e.g. "4回" then "4大学"), carried down and reported."""
    out = []
    previous_label = None
    for r_no, row in enumerate(table.rows, start=1):
        indicator, inherited = row.label, False
        if not indicator and previous_label:
            indicator, inherited = previous_label, True
            findings.append(
                Finding(
                    "indicator_label_inherited",
                    f"{where_t} row {r_no}: empty 項目名 cell; "
                    f"label taken from the row above ({previous_label!r})",
                    row.page,
                    row.bbox,
                )
            )
        previous_label = indicator or previous_label
        out.append((r_no, indicator, inherited, row))
    return out


# -- program list, totals, indexes ------------------------------------------------


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


# -- statistics and figures ----------------------------------------------------------

_ERA_WORD = re.compile(r"(昭和|平成|令和)|(?<![A-Za-z])([SHR])(?=\s*(?:元|\d))")
_BARE_YEAR = re.compile(r"^(?:(昭和|平成|令和|[SHR])\s*)?(元|\d{1,2})\s*年?$")
_UNIT = re.compile(r"[(（]\s*([^\d()（）\s]{1,4})\s*[)）]\s*$")


def _era_in(text: str) -> str | None:
    m = _ERA_WORD.search(nfkc(text or ""))
    if not m:
        return None
    return m.group(1) or ERA_LETTER[m.group(2)]


def _year_of(label: str, era: str | None) -> tuple[int | None, str | None]:
    """(year, era in force after it) of a row or column label that names a year."""
    text = _UNIT.sub("", nfkc(label)).strip()
    m = _BARE_YEAR.match(text)
    if not m:
        return None, era
    label_era = m.group(1)
    if label_era:
        era = ERA_LETTER.get(label_era, label_era)
    if era is None:
        return None, era
    return era_to_year(era, m.group(2)), era


def statistics_rows(
    stats: StatisticsExtraction, fiscal_year: int, printed: dict[int, int | None]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for t in stats.tables:
        # Bare years ("24", "21") are read in the era the table itself names: in its
        # labels as they run, else in its source, caption or notes.
        era = _era_in(" ".join([t.source or "", t.caption, *t.notes]))
        row_era = era
        for r_no, row in enumerate(t.rows, start=1):
            label = row[0] if row else ""
            row_year, row_era = _year_of(label, row_era)
            col_era = era
            for j in range(1, len(row)):
                path = t.header[j] if j < len(t.header) else []
                col_year = None
                if path:
                    col_year, col_era = _year_of(path[-1], col_era)
                unit = _UNIT.search(nfkc(path[-1])) if path else None
                value = parse_number(row[j])
                rows.append(
                    {
                        "fiscal_year": fiscal_year,
                        "table_id": t.table_id,
                        "caption": t.caption,
                        "row_no": r_no,
                        **with_raw("row_label", label),
                        "col_no": j,
                        **with_raw_list("column_path", list(path)),
                        "value_raw": row[j],
                        "value": value,
                        "unit": unit.group(1) if unit else None,
                        "reference_year": row_year if row_year is not None else col_year,
                        "source_note": t.source,
                        "notes": list(t.notes),
                        **where(t.page, t.row_boxes[r_no - 1], printed),
                    }
                )
    figures = [
        {
            "fiscal_year": fiscal_year,
            "figure_no": i,
            "number": f.number,
            "caption": f.caption,
            "source": f.source,
            "notes": list(f.notes),
            "unit_label": f.unit_label,
            **where(f.page, f.bbox, printed),
        }
        for i, f in enumerate(stats.figures, start=1)
    ]
    return pd.DataFrame(rows, columns=STAT_COLUMNS), pd.DataFrame(figures, columns=FIGURE_COLUMNS)


def narrative_rows(
    blocks: list[Block], fiscal_year: int, printed: dict[int, int | None]
) -> pd.DataFrame:
    rows = [
        {
            "fiscal_year": fiscal_year,
            "block_no": i,
            "section_path": list(b.path),
            "kind": b.kind,
            "text": b.text,
            "fiscal_year_ref": b.fiscal_year_ref,
            **where(b.page, b.bbox, printed),
        }
        for i, b in enumerate(blocks, start=1)
    ]
    return pd.DataFrame(rows, columns=NARRATIVE_COLUMNS)
