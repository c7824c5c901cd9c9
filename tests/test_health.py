"""A misread never passes quietly: damaged extractions and damaged PDFs of both sample
editions are caught as extraction-health errors on the right page, every check fails
on damaged input, and no check passes over nothing."""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import pipeline
from pipeline.errors import ValidationFailed
from pipeline.extract.document import Document, open_document
from pipeline.extract.health import ExtractionFacts, IndexFact, PageFacts
from pipeline.extract.layout import Glyph, PageLayout, TextLine
from pipeline.extraction import extract_document, extract_release
from pipeline.findings import CheckKind, Severity, Status
from pipeline.normalize.text import squash
from pipeline.run import run_release
from pipeline.validate.registry import REGISTRY, CheckInput, blocks, run_checks
from pipeline.validation import Validation, validate_frames
from tests.conftest import EDITIONS, load_truth

# -- helpers ---------------------------------------------------------------------------


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def read(request: pytest.FixtureRequest):
    """One edition read and extracted: (edition, document, frames, facts)."""
    edition = request.param
    frames, facts, doc, _ = extract_release(EDITIONS[edition][0])
    return edition, doc, frames, facts


def results(frames: dict[str, pd.DataFrame], facts: ExtractionFacts | None) -> dict:
    return {r.check.id: r for r in validate_frames(frames, facts).results}


def copied(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {k: v.copy(deep=True) for k, v in frames.items()}


def physical(doc: Document, printed: int) -> int:
    return next(p.number for p in doc.pages if p.printed == printed)


def assert_caught(res: dict, check: str, page: int | None = None) -> list:
    """`check` fails (it blocks publishing) with a case on `page`."""
    r = res[check]
    assert r.status is Status.FAIL and blocks(r), (check, r.status, r.not_run)
    assert r.check.kind is CheckKind.HEALTH and r.check.severity is Severity.ERROR
    if page is not None:
        assert any(f.page == page for f in r.findings), (check, [f.page for f in r.findings])
    return r.findings


def rebuilt(page: PageLayout, glyphs: list[Glyph], **changes) -> PageLayout:
    """The page as if read with other glyphs (nothing cached from the first reading)."""
    fields = dict(
        number=page.number,
        width=page.width,
        height=page.height,
        glyphs=glyphs,
        rules=page.rules,
        fills=page.fills,
        label=page.label,
    )
    return PageLayout(**{**fields, **changes})


def damaged(doc: Document, number: int, **changes) -> Document:
    pages = list(doc.pages)
    page = pages[number - 1]
    pages[number - 1] = rebuilt(page, changes.pop("glyphs", page.glyphs), **changes)
    return dataclasses.replace(doc, pages=pages)


def without_lines(doc: Document, number: int, pick: Callable[[TextLine], bool]) -> Document:
    """The document with the glyphs of the chosen lines of a page taken away."""
    page = doc.page(number)
    gone = {id(g) for ln in page.lines() if pick(ln) for g in ln.glyphs}
    assert gone, "the damage must take something away"
    return damaged(doc, number, glyphs=[g for g in page.glyphs if id(g) not in gone])


def extract_checks(doc: Document) -> dict:
    frames, facts, _ = extract_document(doc)
    return results(frames, facts)


def card(edition: str, section: int, no: int) -> dict:
    policy = next(p for p in load_truth(edition)["policies"] if section in p["nos"])
    return next(c for c in policy["cards"] if c["no"] == no)


# -- the undamaged editions ---------------------------------------------------------------


def test_undamaged_editions_pass_every_health_check(read) -> None:
    edition, _, frames, facts = read
    res = results(frames, facts)
    health = [r for r in res.values() if r.check.kind is CheckKind.HEALTH]
    assert {r.check.id: r.status for r in health if r.status is not Status.PASS} == {}
    assert not any(blocks(r) for r in res.values())
    # The 目次 was read and every entry with a page found where it says.
    assert len(facts.toc) >= 15 and all(t.found for t in facts.toc if t.entry.printed_page)
    assert all(ix.rows > 0 and ix.has_subtotal for ix in facts.index_labels)
    assert facts.card_labels == len(frames["program_cards"])


# -- damaged extractions (what a misreading extractor would hand over) ---------------------


def test_a_table_without_its_body_rows(read) -> None:
    edition, doc, frames, facts = read
    fr = copied(frames)
    i = fr["indicators"]
    fr["indicators"] = i[~((i["section"] == "1") & (i["card_no"] == 3))]
    findings = assert_caught(results(fr, facts), "tables.body_rows")
    c = fr["program_cards"].set_index(["section", "card_no"]).loc[("1", 3)]
    assert [f.page for f in findings] == [int(c["source_page"])]
    assert findings[0].key == "section 1 card 3 table 1"


def test_a_section_filed_under_another(read) -> None:
    edition, doc, frames, facts = read
    fr = copied(frames)
    c = fr["program_cards"]
    c.loc[c["section"] == "6-7", "section"] = "6"
    res = results(fr, facts)
    moved = assert_caught(res, "cards.in_index")
    assert len(moved) == (c["section"] == "6").sum()
    missing = assert_caught(res, "index.card_found")
    index_page = int(fr["program_index"].query("section == '6-7'")["source_page"].iloc[0])
    assert [f.page for f in missing] == [index_page]
    assert "no card of the section was found" in missing[0].message


def test_an_empty_program_index(read) -> None:
    edition, doc, frames, facts = read
    fr = copied(frames)
    fr["program_index"] = fr["program_index"].iloc[0:0]
    empty_labels = dataclasses.replace(
        facts, index_labels=[dataclasses.replace(ix, rows=0) for ix in facts.index_labels]
    )
    res = results(fr, empty_labels)
    findings = assert_caught(res, "index.rows_found")
    assert sorted(f.page for f in findings) == sorted(ix.page for ix in facts.index_labels)
    # Every check that reads the index cannot run, and says why: never a vacuous pass.
    for check in ("index.card_found", "index.card_budget", "index.subtotal", "cards.in_index"):
        assert res[check].status is Status.NOT_RUN and blocks(res[check]), check
        assert "program_index" in res[check].not_run.reason


def test_a_card_lost_with_its_text_moved_into_the_card_before(read) -> None:
    edition, doc, frames, facts = read
    fr = copied(frames)
    c = fr["program_cards"]
    lost = c.index[(c["section"] == "2") & (c["card_no"] == 3)][0]
    before = c.index[(c["section"] == "2") & (c["card_no"] == 2)][0]
    c.loc[before, "results"] += "\n" + c.loc[lost, "overview"]
    fr["program_cards"] = c.drop(index=lost)
    res = results(fr, facts)
    assert_caught(res, "cards.numbering", int(c.loc[lost + 1, "source_page"]))
    row = fr["program_index"].query("section == '2' and no == 3").iloc[0]
    findings = assert_caught(res, "index.card_found", int(row["source_page"]))
    assert findings[0].key == "section 2 card 3"


def test_a_card_misread_as_another_program(read) -> None:
    edition, doc, frames, facts = read
    fr = copied(frames)
    c = fr["program_cards"]
    i = c.index[(c["section"] == "1") & (c["card_no"] == 5)][0]
    c.loc[i, "program_name"] = "まったく別の事業の名前"
    found = assert_caught(results(fr, facts), "index.card_found")
    assert "not the program the index lists" in found[0].message
    assert found[0].other.page == int(c.loc[i, "source_page"])  # both places


def test_a_card_read_before_the_page_its_index_lists(read) -> None:
    edition, doc, frames, facts = read
    fr = copied(frames)
    x = fr["program_index"]
    i = x.index[(x["section"] == "1") & (x["no"] == 2)][0]
    x.loc[i, "listed_page"] = x.loc[i, "listed_page"] + 5
    found = assert_caught(results(fr, facts), "index.card_found")
    assert "which the index lists" in found[0].message


def test_no_program_list_rows(read) -> None:
    edition, doc, frames, facts = read
    fr = copied(frames)
    fr["programs"] = fr["programs"].iloc[0:0]
    res = results(fr, facts)
    assert_caught(res, "programs.rows_found")
    assert res["programs.funding_sum"].status is Status.NOT_RUN and blocks(
        res["programs.funding_sum"]
    )


# -- damaged layouts (what the PDF would look like to the extractor) ---------------------


def test_a_card_header_that_cannot_be_read(read) -> None:
    edition, doc, frames, facts = read
    c = card(edition, 1, 2)
    page = physical(doc, c["page"])
    key = squash(c["name"])[:8]
    res = extract_checks(without_lines(doc, page, lambda ln: key in ln.key))
    assert_caught(res, "cards.header_found", page)
    assert_caught(res, "index.card_found")


@pytest.mark.parametrize(
    "label,check",
    [("(担当課", "cards.department_line_found"), ("【事業実績】", "cards.results_label_found")],
)
def test_a_card_label_that_cannot_be_read(read, label: str, check: str) -> None:
    edition, doc, frames, facts = read
    c = card(edition, 1, 2)
    page = physical(doc, c["page"])
    seen: list[int] = []

    def second_card_label(ln: TextLine) -> bool:
        if ln.key.startswith(squash(label)):
            seen.append(1)
            return len(seen) == (2 if c["page"] == card(edition, 1, 1)["page"] else 1)
        return False

    assert_caught(extract_checks(without_lines(doc, page, second_card_label)), check, page)


def test_policy_headings_that_cannot_be_read(read) -> None:
    edition, doc, frames, facts = read
    truth = load_truth(edition)["policies"][0]
    page = physical(doc, truth["printed_page"])
    key = squash(truth["title"])
    res = extract_checks(without_lines(doc, page, lambda ln: key in ln.key))
    first_card = int(frames["program_cards"]["source_page"].iloc[0])
    assert_caught(res, "cards.section_found", first_card)
    assert_caught(res, "index.section_found", facts.index_labels[0].page)


def test_an_index_without_its_table(read) -> None:
    edition, doc, frames, facts = read
    page = facts.index_labels[0].page
    res = extract_checks(damaged(doc, page, rules=[], fills=[]))
    assert_caught(res, "index.table_found", page)
    assert_caught(res, "index.rows_found", page)


def test_an_index_row_without_its_number(read) -> None:
    edition, doc, frames, facts = read
    row = frames["program_index"].query("section == '1' and no == 3").iloc[0]
    page = doc.page(int(row["source_page"]))
    top, bottom, x0 = row["bbox_top"], row["bbox_bottom"], row["bbox_x0"]
    number = [g for g in page.glyphs if top <= g.mid <= bottom and g.x0 < x0 + 3 * g.size]
    assert number and "".join(g.text for g in number) == "3"
    res = extract_checks(
        damaged(doc, page.number, glyphs=[g for g in page.glyphs if g not in number])
    )
    assert_caught(res, "index.row_numbered", page.number)


def test_an_index_without_its_subtotal(read) -> None:
    edition, doc, frames, facts = read
    totals = frames["program_totals"].query("kind == 'index_subtotal' and section == '1'")
    page = int(totals["source_page"].iloc[0])
    res = extract_checks(without_lines(doc, page, lambda ln: "小計" in ln.key))
    assert_caught(res, "index.subtotal_found", facts.index_labels[0].page)


def test_a_table_without_its_header(read) -> None:
    edition, doc, frames, facts = read
    c = card(edition, 1, 3)
    page = physical(doc, c["page"])
    header = squash(" ".join(c["tables"][0]["header"]))
    res = extract_checks(without_lines(doc, page, lambda ln: squash(ln.text) == header))
    assert_caught(res, "tables.header_found", page)


def test_program_list_bands_that_cannot_be_read(read) -> None:
    edition, doc, frames, facts = read
    first = frames["programs"].iloc[0]
    page = doc.page(int(first["source_page"]))
    band = next(ln for ln in page.lines() if ln.text.startswith("①"))
    # The band's circled number misread: the band names no policy.
    glyphs = [dataclasses.replace(g, text="X") if g is band.glyphs[0] else g for g in page.glyphs]
    res = extract_checks(damaged(doc, page.number, glyphs=glyphs))
    assert_caught(res, "programs.band_policy", page.number)
    assert_caught(res, "programs.policy_found", page.number)


def test_pages_out_of_order(read) -> None:
    edition, doc, frames, facts = read
    pages = [PageFacts(p.number, p.printed, 1, {}, 0, []) for p in doc.pages]
    pages[30].printed, pages[31].printed = pages[31].printed, pages[30].printed
    assert_caught(
        results(frames, dataclasses.replace(facts, pages=pages)), "document.page_sequence", 32
    )


def test_a_heading_the_toc_names_that_is_not_on_its_page(read) -> None:
    edition, doc, frames, facts = read
    entry = next(t for t in facts.toc if t.entry.label == "はじめに")
    res = extract_checks(without_lines(doc, entry.page, lambda ln: ln.key == "はじめに"))
    findings = assert_caught(res, "document.toc_headings", entry.entry.toc_page)
    assert findings[0].key == "はじめに" and findings[0].other.page == entry.page


def test_parser_notes_become_findings_on_their_page(read) -> None:
    edition, doc, frames, facts = read
    pages = [dataclasses.replace(p) for p in facts.pages]
    pages[5].parser_messages = [
        "Cannot set gray non-stroke color because /'P0' is an invalid float value"
    ]
    pages[6].parser_messages = ["an unknown operator was skipped"]
    res = results(frames, dataclasses.replace(facts, pages=pages))
    assert_caught(res, "document.parser_data_loss", 6)
    note = res["document.parser_notes"]
    assert note.status is Status.WARN and [f.page for f in note.findings] == [7]


# -- damaged PDFs, run end to end ------------------------------------------------------------


def _pdf_damage(src: Path, out: Path, damage: str, card_page: int) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, NumberObject

    if damage in ("last3", "first30"):
        reader, writer = PdfReader(str(src)), PdfWriter()
        n = len(reader.pages)
        for i in range(n - 3) if damage == "last3" else range(30):
            writer.add_page(reader.pages[i])
        writer.write(str(out))
        return
    writer = PdfWriter(clone_from=str(src))
    page = writer.pages[card_page - 1]
    if damage == "tounicode":
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "Mincho" in str(font.get("/BaseFont")) and "/ToUnicode" in font:
                del font[NameObject("/ToUnicode")]
    elif damage == "rotated":
        page.rotate(90)
    elif damage in ("cut", "checksum"):
        stream = page["/Contents"].get_object()
        data = stream.get_data()
        packed = zlib.compress(data)
        # Cut in half, or whole with a broken checksum (pdfminer logs "Data-loss").
        raw = packed[: len(packed) // 2] if damage == "cut" else packed[:-4] + b"\0\0\0\0"
        stream._data = raw
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        stream[NameObject("/Length")] = NumberObject(len(raw))
    writer.write(str(out))


@pytest.mark.parametrize(
    "damage,check,where",
    [
        ("last3", "document.extent", "toc"),
        ("first30", "document.extent", "toc"),
        ("tounicode", "text.unmapped", "card"),
        ("rotated", "text.not_upright", "card"),
        ("cut", "document.parser_data_loss", "card"),
        ("checksum", "document.parser_data_loss", "card"),
    ],
)
def test_damaged_pdfs_are_caught_on_their_page(
    tmp_path: Path, edition: str, damage: str, check: str, where: str
) -> None:
    c = card(edition, 1, 4)
    card_page = c["page"] + 2  # cover and 目次 are unnumbered in both editions
    pdf = tmp_path / f"{damage}.pdf"
    _pdf_damage(EDITIONS[edition][0], pdf, damage, card_page)
    out = tmp_path / "curated"
    with pytest.raises(ValidationFailed) as e:
        run_release(pdf, out=out)
    assert check in str(e.value)
    assert not (out / "program_cards").exists()  # nothing published
    report = json.loads(e.value.report_path.read_text(encoding="utf-8"))
    entry = next(x for x in report["checks"] if x["id"] == check)
    assert entry["status"] == "fail" and entry["kind"] == "health"
    pages = {case["page"] for case in entry["cases"]}
    if damage == "tounicode":  # the font is shared by every page that sets body text
        assert card_page in pages
    else:
        assert pages == ({2} if where == "toc" else {card_page}), pages
    if damage == "tounicode":
        assert all("Mincho" in case["message"] for case in entry["cases"])
    if damage == "first30":
        labels = {case["key"] for case in entry["cases"]}
        assert any(label.startswith("⑧") for label in labels)
    assert report["verdict"] == "fail" and report["published"] is False


# -- no check passes over nothing -----------------------------------------------------------


def _empty_frames(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {k: v.iloc[0:0] for k, v in frames.items()}


def test_no_check_passes_over_nothing(read) -> None:
    """Every check, given no input at all, is not run (or fails): never a pass."""
    edition, doc, frames, facts = read
    nothing = ExtractionFacts(pages=[], toc=[], index_labels=[], card_labels=0)
    res = results(_empty_frames(frames), nothing)
    assert set(res) == set(REGISTRY)
    passed = [cid for cid, r in res.items() if r.status is Status.PASS]
    assert passed == []
    assert all(r.not_run.reason for r in res.values() if r.status is Status.NOT_RUN)


def test_an_empty_extraction_of_a_document_that_has_the_content_fails(read) -> None:
    """The document's announcements stay (its 目次, labels, pages); nothing was read from
    it: every check over the datasets is blocking, and the verdict is fail."""
    edition, doc, frames, facts = read
    from pipeline.extract.accounting import Extracted, account_document, claim_extraction
    from pipeline.extract.program_list import ProgramList
    from pipeline.extract.statistics import StatisticsExtraction

    read_nothing = Extracted(1, 2, [], [], ProgramList([], []), StatisticsExtraction(), [])
    accounts = account_document(doc, claim_extraction(doc, read_nothing))
    announced = dataclasses.replace(facts, findings=[], accounts=accounts)
    res = results(_empty_frames(frames), announced)
    # All the text the report prints is left out of the data: every page with text says so.
    lost = {f.page for f in res["glyphs.unassigned"].findings}
    assert lost == {p.number for p in doc.pages if p.number > 2 and len(p.glyphs) > 10}
    page_only = {
        "document.page_sequence",
        "document.extent",
        "document.toc_headings",
        "document.parser_data_loss",
        "document.parser_notes",
        "text.unmapped",
        "text.not_upright",
        "glyphs.assigned_twice",
        # These read the labels the document prints, which are still there.
        "index.rows_found",
        "index.section_found",
        "index.table_found",
    }
    for cid, r in res.items():
        if cid in page_only:
            continue
        # figures may be absent from an edition: not run, said, never a pass.
        if cid in ("figures.source", "schema.figures"):
            assert r.status is Status.NOT_RUN, cid
            continue
        assert blocks(r), (cid, r.status, r.not_run)
    assert Validation(frames, list(res.values()), {}).has_errors


def test_every_finding_an_extractor_reports_has_its_check() -> None:
    """The registry owns every id the extractors use (run_checks raises otherwise)."""
    ids = set()
    for path in Path(pipeline.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for part in text.split("Finding(")[1:]:
            literal = part.strip().split(",")[0].strip()
            if literal.startswith('"') and literal.endswith('"'):
                ids.add(literal.strip('"'))
    assert ids and all(any(i == c or i.startswith(c + ".") for c in REGISTRY) for i in ids), sorted(
        i for i in ids if i not in REGISTRY
    )


def test_index_labels_and_pages_are_recorded_as_facts(read) -> None:
    edition, doc, frames, facts = read
    sections = [ix.section for ix in facts.index_labels]
    assert sections == [p_sec for p_sec in dict.fromkeys(frames["program_index"]["section"])]
    assert all(isinstance(ix, IndexFact) and ix.bbox for ix in facts.index_labels)
    assert [p.number for p in facts.pages] == list(range(1, len(doc.pages) + 1))
    ci = CheckInput(frames, facts)
    assert all(
        r.status is not Status.NOT_RUN for r in run_checks(ci) if r.check.kind is CheckKind.HEALTH
    )


def test_a_table_whose_body_rules_are_lost(read) -> None:
    """A table drawn so that the finder sees only its header: its rows glue into the
    card's text, and the text set in columns says a table was lost."""
    edition, doc, frames, facts = read
    rows = frames["indicators"].query("section == '1' and card_no == 3")
    page = doc.page(int(rows["source_page"].iloc[0]))
    top, bottom = rows["bbox_top"].min(), rows["bbox_bottom"].max()
    x0, x1 = rows["bbox_x0"].min(), rows["bbox_x1"].max()

    def in_body(r) -> bool:  # noqa: ANN001 - a Rule
        across = r.end > x0 and r.start < x1 if r.horizontal else x0 - 2 <= r.pos <= x1 + 2
        return across and (top - 1 < r.pos <= bottom + 1 if r.horizontal else r.end > top)

    kept = [r for r in page.rules if not in_body(r)]
    # The vertical rules still frame the header.
    kept += [
        dataclasses.replace(r, end=top)
        for r in page.rules
        if not r.horizontal and x0 - 2 <= r.pos <= x1 + 2 and r.start < top < r.end
    ]
    res = extract_checks(damaged(doc, page.number, rules=kept))
    findings = assert_caught(res, "tables.lost_rows", page.number)
    assert findings[0].key == "card 3"


def test_a_continued_table_with_a_column_lost(tmp_path: Path) -> None:
    from tests.render import Style, render
    from tests.sample_cards import specs

    style = Style(repeat_header_on_break=False, card_min_space=30, page_bottom=640)
    doc = open_document(render(tmp_path / "v.pdf", specs(), style))
    frames, facts, _ = extract_document(doc)
    rows = frames["indicators"]
    spans = rows.groupby(["card_no", "table_no"])["source_page"].nunique()
    card_no, table_no = spans[spans == 2].index[0]
    part = rows[(rows["card_no"] == card_no) & (rows["table_no"] == table_no)]
    number = int(part["source_page"].max())
    cont = part[part["source_page"] == number]
    x0, x1, top = cont["bbox_x0"].min(), cont["bbox_x1"].max(), cont["bbox_top"].min()
    page = doc.page(number)
    inner = [r for r in page.rules if not r.horizontal and x0 + 3 < r.pos < x1 - 3 and r.end > top]
    assert inner
    lost = max(inner, key=lambda r: r.pos)  # one column rule of the continued part
    res = extract_checks(damaged(doc, number, rules=[r for r in page.rules if r is not lost]))
    assert_caught(res, "tables.continued_columns", number)


@pytest.mark.parametrize(
    "dataset",
    [
        "program_cards",
        "indicators",
        "programs",
        "program_totals",
        "program_index",
        "statistics",
        "figures",
        "narrative",
    ],
)
def test_every_schema_check_fails_on_a_bad_row(read, dataset: str) -> None:
    edition, doc, frames, facts = read
    fr = copied(frames)
    fr[dataset].loc[fr[dataset].index[0], "source_page"] = 0  # pages are 1-based
    r = results(fr, facts)[f"schema.{dataset}"]
    assert r.status is Status.FAIL and r.check.kind is CheckKind.SCHEMA
    assert any(f.check.startswith(f"schema.{dataset}.source_page") for f in r.findings)


def test_a_card_without_an_indicator_table_is_a_warning(read) -> None:
    edition, doc, frames, facts = read
    fr = copied(frames)
    c = fr["program_cards"]
    c.loc[c.index[0], "n_tables"] = 0
    fr["indicators"] = fr["indicators"][
        ~(
            (fr["indicators"]["section"] == c.loc[c.index[0], "section"])
            & (fr["indicators"]["card_no"] == c.loc[c.index[0], "card_no"])
        )
    ]
    r = results(fr, facts)["cards.no_indicator_table"]
    assert r.status is Status.WARN and r.check.kind is CheckKind.CONSISTENCY


# Where each registered check is shown to fail on damaged input (the consistency checks
# of the cross-dataset reconciliation in test_reconcile.py, the statistics checks in
# test_statistics.py); a new check without such a test fails here.
PROVEN = {
    "document.page_sequence": "test_pages_out_of_order",
    "document.extent": "test_damaged_pdfs_are_caught_on_their_page",
    "document.toc_headings": "test_a_heading_the_toc_names_that_is_not_on_its_page",
    "document.parser_data_loss": "test_damaged_pdfs_are_caught_on_their_page",
    "document.parser_notes": "test_parser_notes_become_findings_on_their_page",
    "text.unmapped": "test_damaged_pdfs_are_caught_on_their_page",
    "text.not_upright": "test_damaged_pdfs_are_caught_on_their_page",
    "programs.rows_found": "test_no_program_list_rows",
    "programs.band_policy": "test_program_list_bands_that_cannot_be_read",
    "programs.policy_found": "test_program_list_bands_that_cannot_be_read",
    "programs.columns": "tests/test_program_list.py::test_one_cell_over_two_money_columns_is_a_misread",
    "cards.header_found": "test_a_card_header_that_cannot_be_read",
    "cards.section_found": "test_policy_headings_that_cannot_be_read",
    "cards.department_line_found": "test_a_card_label_that_cannot_be_read",
    "cards.results_label_found": "test_a_card_label_that_cannot_be_read",
    "cards.numbering": "test_a_card_lost_with_its_text_moved_into_the_card_before",
    "cards.in_index": "test_a_section_filed_under_another",
    "index.section_found": "test_policy_headings_that_cannot_be_read",
    "index.table_found": "test_an_index_without_its_table",
    "index.rows_found": "test_an_empty_program_index",
    "index.row_numbered": "test_an_index_row_without_its_number",
    "index.subtotal_found": "test_an_index_without_its_subtotal",
    "index.card_found": "test_a_card_misread_as_another_program",
    "tables.header_found": "test_a_table_without_its_header",
    "tables.continued_columns": "test_a_continued_table_with_a_column_lost",
    "tables.lost_rows": "test_a_table_whose_body_rules_are_lost",
    "tables.body_rows": "test_a_table_without_its_body_rows",
    "cards.budget_not_numeric": "tests/test_golden.py::test_warnings_are_exactly_what_the_report_deserves",
    "cards.no_indicator_table": "test_a_card_without_an_indicator_table_is_a_warning",
    "indicator_header_years": "tests/test_golden.py::test_warnings_are_exactly_what_the_report_deserves",
    "indicator_label_inherited": "tests/test_golden.py::test_warnings_are_exactly_what_the_report_deserves",
    "names.repost_marker_width": "tests/test_reconcile.py::test_repost_marker_width_passes_when_printed_one_way",
    "glyphs.unassigned": "test_a_narrative_block_left_out_is_unassigned_text",
    "glyphs.assigned_twice": "test_a_card_text_moved_into_another_card_is_assigned_twice",
}


def test_every_check_is_shown_to_fail_on_damaged_input() -> None:
    import importlib

    from tests.test_reconcile import ALTERATIONS
    from tests.test_statistics import test_each_statistics_check_fails_on_altered_data as stats

    statistics = {p[0] for m in stats.pytestmark if m.name == "parametrize" for p in m.args[1]} | {
        "figures.source"
    }
    schema = {
        f"schema.{d}" for d in test_every_schema_check_fails_on_a_bad_row.pytestmark[0].args[1]
    }
    covered = set(PROVEN) | set(ALTERATIONS) | statistics | schema
    assert covered == set(REGISTRY), sorted(set(REGISTRY) ^ covered)
    for name in PROVEN.values():
        module, _, test = name.rpartition("::")
        where = (
            importlib.import_module(module.replace("/", ".").removesuffix(".py"))
            if module
            else None
        )
        assert callable(getattr(where, test) if where else globals()[test]), name


# -- glyph accounting ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_extraction(read):
    from pipeline.extract.report import extract_report

    edition, doc, frames, facts = read
    return extract_report(doc)


def _accounted(doc: Document, ex, **changes) -> list:
    from pipeline.extract.accounting import Extracted, account_document, claim_extraction
    from pipeline.extract.toc import find_toc

    parts = dict(
        cover_page=ex.release.cover_page,
        toc_page=find_toc(doc)[0].toc_page,
        cards=ex.cards,
        indexes=ex.indexes,
        program_list=ex.program_list,
        statistics=ex.statistics,
        narrative=ex.narrative,
    )
    return account_document(doc, claim_extraction(doc, Extracted(**{**parts, **changes})))


def test_every_glyph_of_the_undamaged_editions_ends_in_one_place(read) -> None:
    from pipeline.extract.accounting import Zone

    edition, doc, frames, facts = read
    assert len(facts.accounts) == len(doc.pages)
    for a in facts.accounts:
        assert a.unassigned == 0 and a.assigned_twice == 0, (a.page, a.unassigned_lines[:3])
        assert a.assigned + sum(a.zoned.values()) == a.glyphs
        known = {v for k, v in vars(Zone).items() if not k.startswith("_")}
        assert set(a.zoned) <= known
    total = sum(a.glyphs for a in facts.accounts)
    assigned = sum(a.assigned for a in facts.accounts)
    assert assigned / total > 0.9  # zones are the exception, records the rule


def test_a_narrative_block_left_out_is_unassigned_text(read, report_extraction) -> None:
    edition, doc, frames, facts = read
    ex = report_extraction
    k = next(i for i, b in enumerate(ex.narrative) if b.kind == "paragraph" and len(b.text) > 40)
    dropped = ex.narrative[k]
    accounts = _accounted(doc, ex, narrative=ex.narrative[:k] + ex.narrative[k + 1 :])
    res = results(frames, dataclasses.replace(facts, accounts=accounts))
    findings = assert_caught(res, "glyphs.unassigned", dropped.page)
    assert any(squash(f.observed) in squash(dropped.text) for f in findings)
    assert all(f.bbox is not None for f in findings)  # boxed on the page crop


def test_a_table_row_left_out_is_unassigned_text(read, report_extraction) -> None:
    edition, doc, frames, facts = read
    ex = report_extraction
    card_ = next(c for c in ex.cards if c.tables and len(c.tables[0].rows) >= 2)
    table = card_.tables[0]
    short = dataclasses.replace(table, rows=table.rows[1:])
    cards = [
        dataclasses.replace(c, tables=[short, *c.tables[1:]]) if c is card_ else c for c in ex.cards
    ]
    res = results(frames, dataclasses.replace(facts, accounts=_accounted(doc, ex, cards=cards)))
    assert_caught(res, "glyphs.unassigned", table.rows[0].page)


def test_a_card_text_moved_into_another_card_is_assigned_twice(read, report_extraction) -> None:
    edition, doc, frames, facts = read
    ex = report_extraction
    first, second = ex.cards[0], ex.cards[1]
    glued = dataclasses.replace(first, text_lines=first.text_lines + second.text_lines[2:])
    res = results(
        frames,
        dataclasses.replace(facts, accounts=_accounted(doc, ex, cards=[glued, *ex.cards[1:]])),
    )
    findings = assert_caught(res, "glyphs.assigned_twice", second.source_page)
    assert "card 1/1" in findings[0].key and "card 1/2" in findings[0].key


def test_an_index_ruled_only_across_reads_exactly(read) -> None:
    """The section's 【基本方針事業一覧】 redrawn booktabs-style (a rule over its header, one
    under it, one at the bottom; no rules between its rows, no vertical rules): every
    index row reads as before, and nothing fails (issue 14, class 2)."""
    from pipeline.extract.tables import find_tables

    edition, doc, frames, facts = read
    label = facts.index_labels[0]
    page = doc.page(label.page)
    x0, top, x1, bottom = find_tables(page, (0.0, label.bbox[3], page.width, page.height))[0].bbox

    def inside(r) -> bool:  # noqa: ANN001 - a Rule
        if r.horizontal:
            return x0 - 3 <= r.start and r.end <= x1 + 3 and top - 3 <= r.pos <= bottom + 3
        return x0 - 3 <= r.pos <= x1 + 3 and r.start >= top - 3 and r.end <= bottom + 3

    across = sorted({r.pos for r in page.rules if r.horizontal and inside(r)})
    kept = {across[0], across[1], across[-1]}
    rules = [r for r in page.rules if not inside(r) or (r.horizontal and r.pos in kept)]
    assert len(rules) < len(page.rules) - 10  # the damage is real
    fr, fa, _ = extract_document(damaged(doc, page.number, rules=rules))
    cols = ["section", "no", "program_name", "budget_kyen", "listed_page", "is_new", "departments"]
    want = frames["program_index"][cols].reset_index(drop=True)
    got = fr["program_index"][cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    assert not any(blocks(r) for r in validate_frames(fr, fa).results)


def test_a_repost_subtotal_is_due_only_where_programs_are_re_listed(read) -> None:
    """〃(再掲含む。) lost from a list that re-lists programs blocks publishing; a list
    without re-listed programs has none to print, and its check is not run, not blocking."""
    edition, doc, frames, facts = read
    lost = copied(frames)
    totals = lost["program_totals"]
    lost["program_totals"] = totals[totals["kind"] != "subtotal_incl_repost"]
    res = results(lost, facts)["programs.subtotal_incl_repost"]
    assert res.status is Status.NOT_RUN and blocks(res)
    programs = lost["programs"]
    lost["programs"] = programs[~programs["is_repost"].astype(bool)]
    res = results(lost, facts)["programs.subtotal_incl_repost"]
    assert res.status is Status.NOT_RUN and not blocks(res)
    assert "due" in res.not_run.reason
