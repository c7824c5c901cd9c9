"""Every seed of the edition generator reads back as the golden data it drew, with no error.

`pytest tests/test_edition_seeds.py --edition-seeds=200` runs 200 seeds; a failing seed
says what it drew, and `edition_for(seed)` replays it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.extract.document import open_document
from pipeline.extraction import extract_document
from pipeline.normalize.text import squash
from pipeline.validation import errors_of, validate_frames
from tests.conftest import PRINTED, as_printed
from tests.edition import Edition, Landed, chapter_titles, edition_for
from tests.edition_stats import CIRCLED, environment_titles, header_paths
from tests.sample_cards import expected_rows


def _read(tmp_path: Path, ed: Edition) -> tuple[dict[str, pd.DataFrame], list, Landed]:
    path, landed = ed.render(tmp_path / "edition.pdf")
    frames, facts, _ = extract_document(open_document(path))
    validation = validate_frames(frames, facts)
    printed = {k: as_printed(f, PRINTED[k]) if k in PRINTED else f for k, f in frames.items()}
    return printed, errors_of(validation.results), landed


def _check_cards(where: str, ed: Edition, frames: dict, landed: Landed) -> None:
    cards = frames["program_cards"]
    indicators = frames["indicators"]
    for s in ed.sections:
        got = cards[cards["section"] == s.key].sort_values("card_no")
        assert list(got["card_no"]) == [c.no for c in s.cards], where
        for (_, row), spec, truth in zip(got.iterrows(), s.cards, s.truth, strict=True):
            at = f"{where} section {s.no} card {spec.no}"
            assert _p(row["program_name"], row["program_name_raw"]) == spec.name, at
            assert row["budget_kyen"] == truth["budget"] or pd.isna(row["budget_kyen"]), at
            assert row["overview"].split("\n") == spec.overview, at
            assert row["results"].split("\n") == spec.results, at
            assert row["printed_page"] == landed.cards[(s.no, spec.no)], at
            mine = indicators[(indicators["section"] == s.key) & (indicators["card_no"] == spec.no)]
            # A cell split into parts is one cell of the table: its whole text, once.
            whole = mine["part_no"].isna()
            mine = mine[whole | (mine["part_no"] == 1)]
            mine = mine.assign(value_raw=mine["value_raw"].where(whole, mine["cell_raw"]))
            got_rows = [
                ("" if g["indicator_inherited"].iloc[0]
                 else _p(g["indicator"].iloc[0], g["indicator_raw"].iloc[0]),
                 list(g["value_raw"]))
                for _, g in mine.groupby(["table_no", "row_no"], sort=True)
            ]  # fmt: skip
            assert got_rows == expected_rows(spec), at


def _check_index(where: str, ed: Edition, frames: dict, landed: Landed) -> None:
    index = frames["program_index"]
    totals = frames["program_totals"]
    for s in ed.sections:
        rows = index[index["section"] == s.key].sort_values("no")
        got = [
            (r.no, _p(r.program_name, r.program_name_raw),
             None if pd.isna(r.budget_kyen) else r.budget_kyen, r.is_new,
             list(_p(r.departments, r.departments_raw)), r.listed_page, list(r.policy_nos))
            for r in rows.itertuples()
        ]  # fmt: skip
        want = [
            (
                e.no,
                e.name,
                e.budget,
                e.new,
                list(e.departments),
                landed.cards[(s.no, e.no)],
                list(e.flags),
            )
            for e in s.index
        ]
        assert got == want, (where, s.no)
        sub = totals[(totals["kind"] == "index_subtotal") & (totals["section"] == s.key)]
        assert list(sub["budget_kyen"]) == [s.subtotal], (where, s.no)


def _p(clean: object, raw: object) -> object:
    """The text as printed: the *_raw column where cleaning changed it."""
    return raw if isinstance(raw, (str, list, tuple)) or hasattr(raw, "tolist") else clean


def _value(v: object) -> object:
    if isinstance(v, (list, tuple)) or hasattr(v, "tolist"):
        return list(v)
    return None if pd.isna(v) else v


def _check_program_list(where: str, ed: Edition, frames: dict) -> None:
    programs = frames["programs"].sort_values("row_no")
    got = [
        (_value(r.policy_no), _value(_p(r.measure, r.measure_raw)),
         _p(r.program_name, r.program_name_raw), bool(r.is_new),
         bool(r.is_priority), bool(r.has_key_result), _value(r.budget_kyen),
         _value(r.national_kyen), _value(r.other_kyen), _value(r.general_kyen),
         _value(r.period_raw), _value(r.foundation_support),
         list(_p(r.departments, r.departments_raw)), bool(r.is_repost))
        for r in programs.itertuples()
    ]  # fmt: skip
    want = [
        (r.policy_no, r.measure, r.name, r.new, r.priority, r.key_result, r.budget, r.national,
         r.other, r.general, r.period, r.foundation, list(r.departments), r.repost)
        for r in ed.list_rows
        if r.kind == "program"
    ]  # fmt: skip
    assert got == want, where
    totals = frames["program_totals"]
    totals = totals[totals["kind"] != "index_subtotal"].sort_values(["source_page", "bbox_top"])
    got_totals = [
        (t.kind, _value(t.policy_no), _p(t.label, t.label_raw), _value(t.budget_kyen), _value(t.national_kyen),
         _value(t.other_kyen), _value(t.general_kyen))
        for t in totals.itertuples()
    ]  # fmt: skip
    want_totals = [
        (r.kind, r.policy_no, r.name, r.budget, r.national, r.other, r.general)
        for r in ed.list_rows
        if r.kind != "program"
    ]
    assert got_totals == want_totals, where


def _check_narrative(where: str, ed: Edition, frames: dict) -> None:
    blocks = frames["narrative"]
    chapter, part = chapter_titles(ed.era_label)
    for s in ed.sections:
        base = [chapter.split()[0], part.split()[0], s.marker, "取組の概要"]

        def texts(kind: str, path: list[str]) -> list[str]:
            at_path = blocks["section_path"].map(
                lambda sp, want=path: [squash(x) for x in sp] == want
            )
            return [squash(t) for t in blocks[(blocks["kind"] == kind) & at_path]["text"]]

        key = [squash(x) for x in base]
        assert texts("paragraph", key) == [squash(p) for p in s.overview], (where, s.no)
        titles = [squash(t) for t, _ in s.measures]
        assert texts("measure_title", key) == titles, (where, s.no)
        for title, paragraphs in s.measures:
            got = texts("paragraph", [*key, squash(title)])
            assert got == [squash(p) for p in paragraphs], (where, s.no, title)


def _check_statistics(where: str, ed: Edition, frames: dict, landed: Landed) -> None:
    """Every cell of every 表N as drawn: its text, row label, header path, notes, source."""
    got = frames["statistics"]
    tables = [t for s in ed.environment for t in s.tables]
    assert sorted(set(got["table_id"])) == sorted(t["caption"].split(" ")[0] for t in tables), where
    for t in tables:
        table_id = t["caption"].split(" ")[0]
        mine = got[got["table_id"] == table_id]
        at = f"{where} {table_id}"
        assert set(mine["caption"]) == {t["caption"]}, at
        cells = [
            (
                r.row_no,
                r.col_no,
                _p(r.row_label, r.row_label_raw),
                r.value_raw,
                [squash(x) for x in r.column_path],
            )
            for r in mine.sort_values(["row_no", "col_no"]).itertuples()
        ]
        paths = header_paths(t["header_rows"])
        want = [
            (i, j, row[0], row[j], [squash(x) for x in paths[j]])
            for i, row in enumerate(t["rows"], start=1)
            for j in range(1, len(row))
        ]
        assert cells == want, at
        # Units as printed: the header's own, else the (単位：…) line's or the group's.
        units = [
            None if pd.isna(r.unit) else r.unit
            for r in mine.sort_values(["row_no", "col_no"]).itertuples()
        ]
        assert units == [t["units"][j] for row in t["rows"] for j in range(1, len(row))], at
        assert set(mine["source_note"]) == {t["source"]}, at
        assert [list(n) for n in mine["notes"]] == [t["notes"]] * len(mine), at


def _check_figures(where: str, ed: Edition, frames: dict) -> None:
    got = frames["figures"].sort_values("figure_no")
    want = [f for s in ed.environment for f in s.figures]
    assert [
        (None if pd.isna(r.caption) else r.caption, r.source, list(r.notes))
        for r in got.itertuples()
    ] == [(f["caption"], f["source"], [f["note"]] if f["note"] else []) for f in want], where


def _check_environment(where: str, ed: Edition, frames: dict) -> None:
    blocks = frames["narrative"]
    chapter, part = environment_titles(ed.era_label)
    for s in ed.environment:
        path = [chapter.split()[0], part.split()[0], CIRCLED[s.no - 1]]
        mine = blocks[blocks["section_path"].map(lambda p, pa=path: list(p) == pa)]
        for kind, want in (("paragraph", s.paragraphs), ("bullet", s.bullets)):
            got = [squash(t) for t in mine[mine["kind"] == kind]["text"]]
            assert got == [squash(x) for x in want], (where, s.title, kind)
    # A "(単位：…)" line of its own over a table is that, not a paragraph.
    own_line = ed.style.stats.units == "line"
    lines = [
        t["unit_line"] for s in ed.environment for t in s.tables if t["unit_line"] and own_line
    ]
    assert list(blocks[blocks["kind"] == "unit_line"]["text"]) == lines, where


def test_edition_seed_reads_exactly(tmp_path: Path, edition_seed: int) -> None:
    ed = edition_for(edition_seed)
    where = ed.describe()
    frames, errors, landed = _read(tmp_path, ed)
    assert [(f.check, f.page, f.message) for f in errors] == [], where
    _check_cards(where, ed, frames, landed)
    _check_index(where, ed, frames, landed)
    _check_program_list(where, ed, frames)
    _check_narrative(where, ed, frames)
    _check_statistics(where, ed, frames, landed)
    _check_figures(where, ed, frames)
    _check_environment(where, ed, frames)
