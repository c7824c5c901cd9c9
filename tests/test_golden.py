"""Every card and every indicator cell of both editions, end to end through Parquet."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from pipeline.load import load
from pipeline.normalize.text import clean_prose, clean_text, nfkc
from pipeline.normalize.values import parse_value
from tests.conftest import DATA, PRINTED, as_printed, load_truth


def _sq(s: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def truth_cards(edition: str):
    for policy in load_truth(edition)["policies"]:
        section = "-".join(str(n) for n in policy["nos"])
        for card in policy["cards"]:
            yield section, card


def test_release_year_is_read_from_the_pdf(curated) -> None:
    edition, out, result = curated
    assert result.fiscal_year == load_truth(edition)["release"]["fiscal_year"]
    assert result.published and not result.errors


def test_every_card(curated) -> None:
    edition, out, result = curated
    cards = as_printed(load("program_cards", out=out), PRINTED["program_cards"])
    fy = load_truth(edition)["release"]["fiscal_year"]
    assert set(cards["fiscal_year"]) == {fy}
    by_key = {(r.section, r.card_no): r for r in cards.itertuples(index=False)}
    expected_keys = {(s, c["no"]) for s, c in truth_cards(edition)}
    assert set(by_key) == expected_keys
    for section, t in truth_cards(edition):
        c = by_key[(section, t["no"])]
        where = f"{edition} section {section} card {t['no']}"
        printed = c.program_name_raw if isinstance(c.program_name_raw, str) else c.program_name
        assert printed == t["name"] and c.program_name == clean_text(t["name"]), where
        if t["budget"] is None:
            assert pd.isna(c.budget_kyen) and c.budget_raw == t["budget_text"], where
        else:
            assert c.budget_kyen == t["budget"], where
        assert c.printed_page == t["page"], where
        assert c.source_page == t["page"] + 2, where  # cover and 目次 are unnumbered
        assert c.overview == "\n".join(t["overview"]), where
        assert c.results == "\n".join(t["results"]), where
        assert c.department == t["department"], where
        assert c.group == t["group"], where
        assert (None if pd.isna(c.department_note) else c.department_note) == t[
            "department_note"
        ], where
        assert _sq(c.department_line) == _sq(t["department_line"]), where
        extra = [f"{d['department']} {d['group']}" for d in t.get("additional_departments", [])]
        assert list(c.additional_departments) == extra, where
        assert list(c.title_lines) == t.get("title_lines", []), where
        assert (None if pd.isna(c.budget_note) else c.budget_note) == t.get("budget_note"), where
        assert c.n_tables == len(t["tables"]), where
        assert c.program_key == re.sub(r"[(（]再掲[)）]$", "", _sq(t["name"])), where


def expected_indicator_rows(edition: str) -> list[dict]:
    """Truth tables flattened the way the indicators dataset is: one row per cell."""
    fy = load_truth(edition)["release"]["fiscal_year"]
    rows = []
    for section, card in truth_cards(edition):
        for t_no, table in enumerate(card["tables"], start=1):
            header = table["header"]
            label_cols = 2 if len(header) > 2 and header[1] == "" else 1
            periods = header[label_cols:]
            parent = ""
            previous = ""
            for r_no, row in enumerate(table["rows"], start=1):
                if label_cols == 2:
                    parent = row[0] or parent
                    label = f"{parent} {row[1]}"
                else:
                    label = row[0]
                inherited = not label
                label = label or previous
                previous = label
                for i, (period, raw) in enumerate(zip(periods, row[label_cols:], strict=True)):
                    rows.append(
                        {
                            "section": section,
                            "card_no": card["no"],
                            "table_no": t_no,
                            "row_no": r_no,
                            "indicator": label,
                            "indicator_inherited": inherited,
                            "period_label": period,
                            # Columns run up to the report's own year.
                            "period_year": fy - (len(periods) - 1 - i),
                            "value_raw": raw,
                        }
                    )
    return rows


def test_every_indicator_cell(curated) -> None:
    edition, out, result = curated
    got = load("indicators", out=out)
    # The label as printed (indicator_raw where cleaning changed it) against the truth.
    printed = got["indicator_raw"].notna()
    assert (
        got.loc[printed, "indicator"] == got.loc[printed, "indicator_raw"].map(clean_text)
    ).all()
    got = got.assign(indicator=got["indicator_raw"].where(printed, got["indicator"]))
    # A cell split into parts is one cell of the table: its first part, with the whole text.
    split = got["part_no"].notna()
    got = got[~split | (got["part_no"] == 1)]
    got = got.assign(value_raw=got["cell_raw"].where(got["part_no"].notna(), got["value_raw"]))
    cols = [
        "section",
        "card_no",
        "table_no",
        "row_no",
        "indicator",
        "indicator_inherited",
        "period_label",
        "period_year",
        "value_raw",
    ]
    got_rows = [
        {
            k: (
                bool(v)
                if k == "indicator_inherited"
                else int(v)
                if k in ("card_no", "table_no", "row_no", "period_year")
                else v
            )
            for k, v in r.items()
        }
        for r in got[cols].to_dict("records")
    ]
    want = expected_indicator_rows(edition)
    key = lambda r: (r["section"], r["card_no"], r["table_no"], r["row_no"], r["period_year"])  # noqa: E731
    assert sorted(got_rows, key=key) == sorted(want, key=key)


def test_every_indicator_value_parse(curated) -> None:
    """value / unit / qualifier / status of every cell against the reviewed golden file."""
    edition, out, result = curated
    golden = json.loads((DATA / edition / "indicator_values.json").read_text(encoding="utf-8"))
    got = load("indicators", out=out)
    seen = {}
    for r in got.itertuples(index=False):
        if not pd.isna(r.part_no):  # a part of a cell: the cell as a whole holds several
            seen[r.cell_raw] = [None, None, None, "multiple"]
            continue
        seen[r.value_raw] = [
            None if pd.isna(r.value) else float(r.value),
            None if pd.isna(r.unit) else r.unit,
            None if pd.isna(r.qualifier) else r.qualifier,
            r.status,
        ]
    assert seen == golden


def test_cells_of_several_quantities_are_split_into_parts(curated) -> None:
    edition, out, _ = curated
    got = load("indicators", out=out)
    parts = got[got["part_no"].notna()]
    assert len(parts) and (parts["status"] == "reported").all() and parts["value"].notna().all()
    cell_key = ["section", "card_no", "table_no", "row_no", "period_label", "period_year"]
    for _, rows in parts.groupby(cell_key):
        cell = rows["cell_raw"].iloc[0]
        assert list(rows["part_no"]) == list(range(1, len(rows) + 1)), cell
        # The parts are the cell's quantities, in order, and nothing else of it.
        squashed = re.sub(r"[\s・、()（）]", "", str(cell)).replace("延べ", "延")
        named = rows["part_label"].notna()
        in_cell = named.all() and squashed.startswith(rows["part_label"].iloc[0])
        # Parts named in the cell: each name, then its quantity, make the cell.
        pieces = zip(rows["part_label"], rows["value_raw"]) if in_cell else []
        joined = "".join(f"{n}{q}" for n, q in pieces) or "".join(rows["value_raw"])
        assert joined.replace("延べ", "延") == squashed, cell
        # Else named parts are the label's names, in order ("入校者数・就職者数" over "19名・4名").
        if named.any() and not in_cell:
            assert named.all() and re.split("[・、]", rows["indicator"].iloc[0]) == list(
                rows["part_label"]
            ), cell
    courses = parts[parts["indicator"].str.endswith("入校者数・就職者数")]
    assert len(courses) and list(courses["part_label"].iloc[:2]) == [
        courses["indicator"].iloc[0].split("・")[0],
        "就職者数",
    ]
    assert set(courses["unit"]) == {"名"} and courses["value"].notna().all()
    counted = parts[parts["value_raw"].str.startswith("延")]
    assert len(counted) and set(counted["qualifier"]) == {"延べ"}
    # "省エネ診断 14事業者 アフターフォロー 3事業者": the cell names its own parts.
    audits = parts[parts["cell_raw"].str.startswith("省エネ診断")]
    assert edition != "fy2020" or len(audits) == 4
    assert audits.empty or list(audits["part_label"].iloc[:2]) == ["省エネ診断", "アフターフォロー"]
    assert (audits["unit"] == "事業者").all() and audits["value"].notna().all()


def test_a_quantity_with_its_dates_is_one_value_and_a_note(curated) -> None:
    """ "2回 (7月, 2月)": two is the count, the months say when; not two quantities."""
    _, out, _ = curated
    got = load("indicators", out=out)
    dated = got[got["value_note"].notna()]
    assert len(dated) and (dated["status"] == "reported").all()
    for r in dated.itertuples():
        quantity, bracket = re.match(r"(.+?)\s*[(（](.+)[)）]$", r.value_raw).groups()
        assert parse_value(quantity).value == r.value and nfkc(bracket) == r.value_note
    assert "7月,2月" in set(dated["value_note"].str.replace(" ", ""))
    # What cannot be told apart stays one row, multiple.
    assert (got[got["status"] == "multiple"]["part_no"].isna()).all()


def test_parquet_metadata_and_field_descriptions(curated) -> None:
    import pyarrow.parquet as pq

    edition, out, result = curated
    fy = result.fiscal_year
    for dataset in ("program_cards", "indicators"):
        path = out / dataset / f"fiscal_year={fy}" / "part-0.parquet"
        schema = pq.read_schema(path)
        meta = {k.decode(): v.decode() for k, v in schema.metadata.items()}
        assert meta["source_file"] == "report.pdf"
        assert len(meta["source_sha256"]) == 64
        assert meta["pipeline_version"]
        assert all(f.metadata and f.metadata[b"description"] for f in schema), dataset


def test_warnings_are_exactly_what_the_report_deserves(curated) -> None:
    edition, out, result = curated
    from pipeline.validate.registry import REGISTRY, reconciled

    cross = {c.id for c in REGISTRY.values() if c.fn is reconciled}
    checks = sorted(f.check for f in result.warnings if f.check not in cross)
    assert not result.errors
    # Cards and indicators of each edition have: one table whose header repeats a year,
    # one empty 項目名 cell under a labelled row, and one card whose 事業費 is printed "-".
    # (The cross-checks between datasets are covered in test_reconcile.py.)
    assert checks == [
        "cards.budget_not_numeric",
        "indicator_header_years",
        "indicator_label_inherited",
    ]


def _fingerprint(path: Path) -> str:
    """What a dataset file holds, whatever writer made it: its fields (name, Arrow type,
    nullability, description), its metadata but the pipeline version, and every row."""
    t = pq.read_table(path)
    meta = {k.decode(): v.decode() for k, v in (t.schema.metadata or {}).items()}
    meta.pop("pipeline_version", None)
    fields = [
        [
            f.name,
            str(f.type),
            f.nullable,
            {k.decode(): v.decode() for k, v in (f.metadata or {}).items()},
        ]
        for f in t.schema
    ]
    payload = {"fields": fields, "metadata": meta, "rows": t.to_pylist()}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_datasets_hold_what_they_held_before_the_restructuring(curated) -> None:
    """Each dataset file of both editions holds exactly what the golden fingerprints say:
    taken from the pipeline before it was taken apart into small modules (issue 16), and
    regenerated only for deliberate changes of the output (issue 17: the join columns and
    the department notes). Same fields, same metadata, same rows."""
    edition, out, _ = curated
    want = json.loads((DATA / edition / "curated_fingerprints.json").read_text(encoding="utf-8"))
    got = {
        p.parts[-3]: _fingerprint(p)
        for p in sorted(out.glob("*/fiscal_year=*/part-0.parquet"))
        if not p.parts[-3].startswith("_")
    }
    assert got == want


def test_prose_captions_and_notes_are_clean_and_kept_as_printed(curated) -> None:
    """Narrative text, card paragraphs, captions, notes and sources: one spelling (as the
    names are; a heading's, caption's or note's label keeps its space), the printed text
    beside it where cleaning changed it."""
    _, out, _ = curated
    plain = {("statistics", "source_note"), ("figures", "source")}

    def cleaned(printed: object, clean: Callable[[str], str]) -> object:
        if isinstance(printed, str):
            return "\n".join(clean(p) for p in printed.split("\n"))
        return [clean(p) for p in printed]  # type: ignore[attr-defined]

    changed = 0
    for dataset, names in PRINTED.items():
        frame = load(dataset, out=out)
        for name in names:
            clean_with = clean_text if (dataset, name) in plain else clean_prose
            for clean, raw in zip(frame[name], frame[f"{name}_raw"], strict=True):
                if pd.api.types.is_scalar(clean) and pd.isna(clean):
                    continue  # no caption printed
                printed = clean if pd.api.types.is_scalar(raw) and pd.isna(raw) else raw
                want = clean if isinstance(clean, str) else list(clean)
                assert cleaned(printed, clean_with) == want, (dataset, name)
                changed += printed is raw
    assert changed  # the sample prints full-width brackets and digits in prose
    blocks = load("narrative", out=out)
    headings = blocks[blocks["kind"] == "heading"]["text"]
    assert any(re.match(r"^\(\d\) \S", t) for t in headings)  # "(2) 本県…", not "(2)本県…"


def test_clean_prose_keeps_the_label_apart() -> None:
    assert clean_prose("1 令和2年度の本県中小企業の動向") == "1 令和2年度の本県中小企業の動向"
    assert clean_prose("（２）　本県中小企業を 取り巻く環境") == "(2) 本県中小企業を取り巻く環境"
    assert clean_prose("図3 経営指導員による指導回数") == "図3 経営指導員による指導回数"
    assert clean_prose("注1) 平成22年は国勢調査結果（確定値）である。") == (
        "注1) 平成22年は国勢調査結果(確定値)である。"
    )
    assert clean_prose("年少 (0-14歳)") == clean_text("年少 (0-14歳)") == "年少(0-14歳)"


def test_case_messages_name_printed_or_pdf_pages(curated) -> None:
    """A page number in a message says which: "printed page N" (the report's own number)
    or "PDF page N" (the file's); never a bare "page N"."""
    edition, out, result = curated
    fy = load_truth(edition)["release"]["fiscal_year"]
    report = json.loads((out / "_validation" / f"fiscal_year={fy}" / "report.json").read_text())
    messages = [c["message"] for check in report["checks"] for c in check.get("cases") or []]
    assert messages
    bare = [m for m in messages if re.search(r"(?<!printed )(?<!PDF )\bpages? \d", m)]
    assert bare == []
    assert any("printed page" in m for m in messages)
