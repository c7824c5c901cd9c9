"""The page reader: layouts equal to pdfplumber's own objects, and the same with --jobs."""

from __future__ import annotations

import os
from pathlib import Path

import pdfplumber
import pytest

from pipeline.extract.document import open_document
from pipeline.extract.layout import Fill, PageLayout, Rule, find_page_label
from pipeline.extract.page import RULE_MAX_THICKNESS, _as_rule, _merge_rules, read_page
from pipeline.extract.readers import PageReaders
from pipeline.extract.report import prepare_page
from schemas import DATASETS
from tests.render import Style, render
from tests.sample_cards import specs

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [
    ROOT / "raw" / "fy2020" / "report.pdf",
    ROOT / "tests" / "data" / "fy2021" / "report.pdf",
]


def read_page_from_pdfplumber_objects(page) -> PageLayout:  # noqa: ANN001
    """The reference: a layout built from pdfplumber's public chars / lines / rects."""
    from pipeline.extract.layout import Glyph

    glyphs = [
        Glyph(
            text=c["text"],
            x0=float(c["x0"]),
            x1=float(c["x1"]),
            top=float(c["top"]),
            bottom=float(c["bottom"]),
            size=float(c.get("size") or (c["bottom"] - c["top"])),
        )
        for c in page.chars
        if c.get("upright", True) and c["text"]
    ]
    pieces: list[Rule] = []
    fills: list[Fill] = []
    for obj in [*page.lines, *page.rects]:
        x0, top, x1, bottom = (float(obj[k]) for k in ("x0", "top", "x1", "bottom"))
        rule = _as_rule(x0, top, x1, bottom)
        if rule is not None:
            pieces.append(rule)
        elif (
            obj["object_type"] == "rect"
            and x1 - x0 > RULE_MAX_THICKNESS
            and bottom - top > RULE_MAX_THICKNESS
        ):
            stroked = bool(obj.get("stroke"))
            fills.append(Fill(x0, top, x1, bottom, bool(obj.get("fill")), stroked))
            if stroked:
                pieces += [
                    Rule(True, top, x0, x1),
                    Rule(True, bottom, x0, x1),
                    Rule(False, x0, top, bottom),
                    Rule(False, x1, top, bottom),
                ]
    layout = PageLayout(
        page.page_number,
        float(page.width),
        float(page.height),
        glyphs,
        _merge_rules(pieces),
        fills,
    )
    layout.label = find_page_label(layout)
    return layout


def assert_same_layouts(pdf: Path) -> None:
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            want = read_page_from_pdfplumber_objects(page)
            page.close()
            got = read_page(page)
            page.close()
            assert (got.number, got.width, got.height, got.label) == (
                want.number,
                want.width,
                want.height,
                want.label,
            )
            assert got.glyphs == want.glyphs, f"page {page.page_number}"
            assert got.rules == want.rules, f"page {page.page_number}"
            assert got.fills == want.fills, f"page {page.page_number}"


@pytest.mark.parametrize("pdf", SAMPLES, ids=["fy2020", "fy2021"])
def test_reader_matches_pdfplumber_objects_on_the_samples(pdf: Path) -> None:
    assert_same_layouts(pdf)


@pytest.mark.parametrize("rules", ["lines", "rects", "hlines"])
def test_reader_matches_pdfplumber_objects_on_variants(tmp_path: Path, rules: str) -> None:
    # Rulings drawn as lines, as thin filled rects, and boxed cards (stroked rects).
    pdf = render(tmp_path / "v.pdf", specs(), Style(rules=rules, card_box=True))
    assert_same_layouts(pdf)


def test_jobs_read_the_same_layouts() -> None:
    one = open_document(SAMPLES[0], prepare=prepare_page)
    with PageReaders(2) as readers:
        two = open_document(SAMPLES[0], readers=readers, prepare=prepare_page)
    assert len(one.pages) == len(two.pages)
    for a, b in zip(one.pages, two.pages, strict=True):
        assert (a.number, a.label, a.glyphs, a.rules, a.fills) == (
            b.number,
            b.label,
            b.glyphs,
            b.rules,
            b.fills,
        )
        assert [ln.text for ln in a.body_lines()] == [ln.text for ln in b.body_lines()]
        assert a.table_cache.keys() == b.table_cache.keys()
        for key, tables in a.table_cache.items():
            assert [t.bbox for t in tables] == [t.bbox for t in b.table_cache[key]]


@pytest.mark.parametrize("pdf", SAMPLES, ids=["fy2020", "fy2021"])
def test_page_local_preparation_finds_every_table_the_extractors_ask_for(
    pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # prepare_page runs in the workers; it guesses each page's card-body and index
    # regions from the page alone. On both editions the guesses must be exactly the
    # regions the extractors ask for later, so no table is built after the parse ...
    from pipeline.extract import tables
    from pipeline.extract.report import extract_report

    prepared = open_document(pdf, prepare=prepare_page)
    built: list[tuple[int, tuple]] = []
    build = tables.build_table

    def counting(page: PageLayout, bbox: tuple, forced_columns: object = None) -> object:
        built.append((page.number, bbox))
        return build(page, bbox, forced_columns)

    monkeypatch.setattr(tables, "build_table", counting)
    with_guesses = extract_report(prepared)
    assert built == []
    # ... and a guess only saves work: extraction from unprepared pages is the same.
    monkeypatch.setattr(tables, "build_table", build)
    assert extract_report(open_document(pdf)) == with_guesses


def test_reader_matches_pdfplumber_objects_on_shifted_and_rotated_pages(tmp_path: Path) -> None:
    # Producers set MediaBox origins other than (0, 0) and /Rotate pages; the reader must
    # convert coordinates exactly as pdfplumber does.
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import RectangleObject

    reader = PdfReader(SAMPLES[0])
    writer = PdfWriter()
    for i, n in enumerate((2, 22, 15)):  # narrative, a card, a landscape list page
        page = reader.pages[n]
        box = page.mediabox
        page.mediabox = RectangleObject(
            (box.left - 30, box.bottom - 12, box.right + 5, box.top + 8)
        )
        if i == 1:
            page.rotate(90)
        writer.add_page(page)
    out = tmp_path / "shifted.pdf"
    with out.open("wb") as f:
        writer.write(f)
    assert_same_layouts(out)


def _children() -> set[int]:
    """This process's live child processes (Linux: /proc)."""
    pids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        pids |= {int(p) for p in (task / "children").read_text().split()}
    return pids


def _worker_pids(readers: PageReaders) -> set[int]:
    readers.submit(os.getpid).result()  # started
    return _children()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_jobs_publish_byte_identical_parquet_and_leave_no_worker(curated, tmp_path: Path) -> None:
    from pipeline.run import run_release
    from tests.conftest import EDITIONS

    edition, one_job, _ = curated
    before = _children()
    # A library call's own readers end with the call; the caller's end with its block.
    run_release(EDITIONS[edition][0], out=tmp_path, jobs=2)
    assert _children() == before
    with PageReaders(2) as readers:
        doc = open_document(SAMPLES[0], page_numbers=range(1, 33), readers=readers)
        assert len(_children() - before) == 2 and len(doc.pages) == 32
    assert _children() == before
    want = sorted(p.relative_to(one_job) for p in one_job.rglob("*.parquet"))
    got = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.parquet"))
    # One file per dataset, and the crosswalk published with them.
    assert got == want and len(want) == len(DATASETS) + 1
    for rel in want:
        assert (tmp_path / rel).read_bytes() == (one_job / rel).read_bytes(), rel


def test_a_page_failing_in_a_worker_is_one_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    from pipeline.errors import InputError
    from pipeline.extract import guard

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the patched reader reaches the workers only when they are forked")
    real = guard.read_page

    def broken(page):  # noqa: ANN001, ANN202
        if page.page_number == 40:
            raise ValueError("bad operator in content stream")
        return real(page)

    monkeypatch.setattr(guard, "read_page", broken)
    # The workers start (are forked) with the patch in place, and end with the block.
    with PageReaders(2) as readers:
        with pytest.raises(InputError, match=r"unreadable PDF \(ValueError: bad operator"):
            open_document(SAMPLES[0], readers=readers)


def test_readers_serve_several_releases_and_see_a_rewritten_file(tmp_path: Path) -> None:
    copy = tmp_path / "report.pdf"
    copy.write_bytes(SAMPLES[0].read_bytes())
    with PageReaders(2) as readers:
        first = open_document(copy, readers=readers)
        workers = _worker_pids(readers)
        copy.write_bytes(SAMPLES[1].read_bytes())  # same path, another edition
        os.utime(copy, ns=(1, 1))  # a different mtime even on coarse clocks
        second = open_document(copy, readers=readers)
        assert _worker_pids(readers) == workers  # the same processes read both
    want = open_document(SAMPLES[1])
    assert [p.glyphs for p in second.pages] == [p.glyphs for p in want.pages]
    assert len(first.pages) != len(second.pages) or first.pages[0].glyphs != second.pages[0].glyphs


def _footer(text: str, step: float) -> PageLayout:
    from pipeline.extract.layout import Glyph

    glyphs = [
        Glyph(ch, 290.0 + k * step, 290.0 + k * step + 5.25, 792.0, 802.5, 10.5)
        for k, ch in enumerate(text)
    ]
    return PageLayout(1, 595.0, 842.0, glyphs, [], [])


@pytest.mark.parametrize(
    ("text", "step", "label"),
    [
        ("11", 5.25, "11"),  # set solid
        ("11", 7.0, "11"),  # letter-spaced: 1.75 pt between the glyphs
        ("123", 8.0, "123"),
        ("11", 12.0, None),  # an em apart: two numbers, not one label
    ],
)
def test_letter_spaced_page_labels(text: str, step: float, label: str | None) -> None:
    page = _footer(text, step)
    assert find_page_label(page) == label
    assert page.is_footer(page.lines()[0]) is (label is not None)


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs pidfd_open to wait on a pid")
def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    """kill -9 of a run leaves no page-reading worker behind."""
    import select
    import signal
    import subprocess
    import sys

    script = (
        "import os\n"
        "from pipeline.extract.readers import PageReaders\n"
        "readers = PageReaders(2)\n"
        "futures = [readers.submit(os.getpid) for _ in range(8)]\n"
        "print(' '.join(str(p) for p in sorted({f.result() for f in futures})), flush=True)\n"
        "input()\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    workers = [int(p) for p in parent.stdout.readline().split()]
    assert workers and parent.pid not in workers
    fds = [os.pidfd_open(pid) for pid in workers]
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=60)
    try:
        for fd in fds:  # a pidfd turns readable when its process has ended
            ready, _, _ = select.select([fd], [], [], 30)
            assert ready, "a worker outlived its parent"
    finally:
        for fd in fds:
            os.close(fd)


def _pdf_with_unicode_map(path: Path, mapping: dict[str, str], shown: str) -> Path:
    """A one-page PDF in Helvetica whose ToUnicode map says what each code stands for."""
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def\n"
        "1 begincodespacerange <00> <FF> endcodespacerange\n"
        f"{len(mapping)} beginbfchar\n"
        + "".join(f"<{ord(k):02X}> <{ord(v):04X}>\n" for k, v in mapping.items())
        + "endbfchar endcmap CMapName currentdict /CMap defineresource pop end end\n"
    ).encode()
    content = f"BT /F1 12 Tf 72 700 Td ({shown}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]"
        b"/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/ToUnicode 6 0 R>>",
        b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream",
        b"<</Length %d>>stream\n" % len(cmap) + cmap + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_control_and_bidi_characters_never_reach_the_text(tmp_path: Path) -> None:
    pdf = _pdf_with_unicode_map(
        tmp_path / "controls.pdf",
        {"B": "\u0007", "C": "\u202e", "D": "\ufeff", "E": "\u001b", "F": "\u0000"},
        "ABCDEFA",
    )
    page = open_document(pdf).page(1)
    assert "".join(g.text for g in page.glyphs) == "AA"
    assert page.parser_messages == [
        "5 glyph(s) of the text layer carried control or bidi characters (removed from the text)"
    ]
