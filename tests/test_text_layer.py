"""What a PDF's text layer says is read as the characters the page shows."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from pipeline.extract.cards import extract_cards
from pipeline.extract.document import open_document
from pipeline.extract.sections import flatten
from pipeline.normalize.text import fold_ideographs
from tests.conftest import EDITIONS

# What browsers and word processors store for ordinary kanji with some CJK fonts.
RADICALS = {"日": "⽇", "人": "⼈", "金": "⾦", "青": "⻘", "長": "⻑", "食": "⻝", "西": "⻄"}


def test_radicals_and_compatibility_ideographs_fold_to_ordinary_kanji() -> None:
    assert fold_ideographs("⻘森県の⽇本⼈材⾦融⻑期") == "青森県の日本人材金融長期"
    assert fold_ideographs("⻝品の⻄日本") == "食品の西日本"
    assert fold_ideographs("\uf9dc\ufa19") == "\u9686\u795e"  # 隆 神 from compatibility forms
    assert fold_ideographs("﨑") == "﨑"  # U+FA11 is a unified ideograph of its own
    assert fold_ideographs("⺡") == "⺡"  # a component-only form stays as printed
    # The wave dash as JIS-based producers map it, and as cp932 (and the reports) have it.
    assert fold_ideographs("1月\u301c12月") == fold_ideographs("1月\uff5e12月") == "1月～12月"
    text = "普通の文章、ASCII 123 と全角ＡＢＣ"
    assert fold_ideographs(text) is text


def _remap_to_radicals(src: Path, out: Path) -> None:
    """The same PDF, its fonts' ToUnicode maps naming the radicals instead of the kanji."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(src))
    seen: set[int] = set()
    for page in writer.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/ToUnicode" not in font or id(font) in seen:
                continue
            seen.add(id(font))
            cmap = font["/ToUnicode"].get_object()
            data = cmap.get_data().decode("latin-1")
            for plain, radical in RADICALS.items():
                data = re.sub(f"<{ord(plain):04X}>", f"<{ord(radical):04X}>", data, flags=re.I)
            cmap.set_data(data.encode("latin-1"))
    writer.write(str(out))


@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_a_text_layer_of_radicals_reads_as_the_kanji(tmp_path: Path, edition: str) -> None:
    src = EDITIONS[edition][0]
    remapped = tmp_path / "radicals.pdf"
    _remap_to_radicals(src, remapped)
    pages = list(range(20, 32))  # the first policy's index and cards
    with pdfplumber.open(remapped) as pdf:
        layer = "".join(c["text"] for n in pages for c in pdf.pages[n - 1].chars)
    assert any(r in layer for r in RADICALS.values())  # the damage is real
    want = extract_cards(flatten(open_document(src, page_numbers=pages))).cards
    got = extract_cards(flatten(open_document(remapped, page_numbers=pages))).cards
    assert len(got) == len(want) >= 5
    for g, w in zip(got, want, strict=True):
        assert (g.program_name, g.overview, g.results) == (w.program_name, w.overview, w.results)
        assert [t.rows for t in g.tables] == [t.rows for t in w.tables]
        assert not any(r in g.program_name + "".join(g.overview) for r in RADICALS.values())
