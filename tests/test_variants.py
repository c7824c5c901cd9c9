"""The same cards drawn the ways other editions draw them must extract identically."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from pipeline.extract.cards import extract_cards
from pipeline.extract.document import open_document
from pipeline.extract.release import identify_release
from pipeline.extract.sections import flatten
from tests.conftest import load_truth
from tests.render import CardSpec, Style, render
from tests.sample_cards import expected_rows, specs


def assert_cards(pdf: Path, style_name: str) -> None:
    doc = open_document(pdf)
    assert identify_release(doc).fiscal_year == 2020
    got = extract_cards(flatten(doc))
    want = specs()
    assert [c.card_no for c in got.cards] == [s.no for s in want], style_name
    truth = {c["no"]: c for c in load_truth("fy2020")["policies"][0]["cards"]}
    for card, spec in zip(got.cards, want, strict=True):
        where = f"{style_name} card {spec.no}"
        assert card.section == "1", where
        assert card.program_name == spec.name, where
        assert card.budget_kyen == int(spec.budget.replace(",", "")), where
        assert card.overview == spec.overview, where
        assert card.results == spec.results, where
        rows = [(r.label, r.values) for t in card.tables for r in t.rows]
        assert rows == expected_rows(spec), where
        assert card.tables[0].header == spec.header, where
        d = card.departments[0]
        t = truth[spec.truth_no]
        assert (d.department, d.group, d.note) == (
            t["department"],
            t["group"],
            t["department_note"],
        ), where
    labels = [p.label for p in doc.pages[1:]]
    assert labels == [str(i) for i in range(1, len(labels) + 1)], style_name


RULES = ("lines", "rects", "hlines")
HEADERS = ("box", "dot", "band")
BUDGETS = ("inline", "colon", "below")


@pytest.mark.parametrize(
    "rules,header,budget",
    # Every rule style with every header style; budget styles rotate through them.
    [(r, h, BUDGETS[i % 3]) for i, (r, h) in enumerate(itertools.product(RULES, HEADERS))],
)
def test_drawing_styles(tmp_path: Path, rules: str, header: str, budget: str) -> None:
    style = Style(rules=rules, header=header, budget=budget)
    pdf = render(tmp_path / "v.pdf", specs(), style)
    assert_cards(pdf, f"{rules}/{header}/{budget}")


@pytest.mark.parametrize("label", ["- {n} -", "{n}", "－{n}－"])
def test_page_label_styles_and_boxed_cards(tmp_path: Path, label: str) -> None:
    pdf = render(tmp_path / "v.pdf", specs(), Style(label=label, card_box=True))
    assert_cards(pdf, f"label {label!r}, boxed")


@pytest.mark.parametrize("spacing", [0.6, 1.5])
def test_letter_spaced_text_has_no_spurious_spaces(tmp_path: Path, spacing: float) -> None:
    pdf = render(tmp_path / "v.pdf", specs(), Style(letter_spacing=spacing))
    assert_cards(pdf, f"letter spacing {spacing}")


def test_word_autospace_between_japanese_and_latin_is_not_a_space(tmp_path: Path) -> None:
    pdf = render(tmp_path / "v.pdf", specs(), Style(autospace=True))
    assert_cards(pdf, "autospace")


@pytest.mark.parametrize("repeat_header", [True, False])
@pytest.mark.parametrize("rules", ["lines", "hlines"])
def test_cards_and_tables_continue_across_pages(
    tmp_path: Path, repeat_header: bool, rules: str
) -> None:
    style = Style(
        repeat_header_on_break=repeat_header, rules=rules, card_min_space=30, page_bottom=640
    )
    pdf = render(tmp_path / "v.pdf", specs(), style)
    cards = extract_cards(flatten(open_document(pdf))).cards
    # The layout really breaks: a card spans two pages and so do a table's rows.
    assert any(c.end_page > c.source_page for c in cards)
    assert any(len({r.page for r in t.rows}) == 2 for c in cards for t in c.tables)
    assert_cards(pdf, f"page breaks, rules={rules}, repeated header={repeat_header}")


LONG_LABEL = (
    "県内の高等学校及び大学等の学生を対象とした企業見学会並びに合同企業説明会への参加者のうち、"
    "県内企業への就職を希望すると回答した者の割合"
)


@pytest.mark.parametrize("rules", RULES)
def test_card_with_several_tables_and_a_label_over_three_lines(tmp_path: Path, rules: str) -> None:
    base = specs()[0]
    second = (
        ["項目名", "元年度", "2年度"],
        [[LONG_LABEL, "―", "63%"], ["参加企業数", "延68社", "約100名"]],
    )
    card = CardSpec(**{**base.__dict__, "extra_tables": [second]})
    pdf = render(tmp_path / "v.pdf", [card], Style(rules=rules))
    (got,) = extract_cards(flatten(open_document(pdf))).cards
    assert [t.header for t in got.tables] == [base.header, second[0]]
    assert [(r.label, r.values) for t in got.tables for r in t.rows] == expected_rows(card)
    # The long label really wraps over three lines in its cell.
    row = got.tables[1].rows[0]
    page = open_document(pdf).page(row.page)
    from pipeline.extract.layout import build_lines

    label_lines = build_lines(
        page.glyphs_in((row.bbox[0], row.bbox[1], row.bbox[0] + 240, row.bbox[3]), pad=0)
    )
    assert len(label_lines) == 3


@pytest.mark.parametrize("block_indent", [10.5, 21.0])
def test_paragraphs_set_as_an_indented_block(tmp_path: Path, block_indent: float) -> None:
    """Word's indented block: the whole paragraph indented, its first line once more. Each
    paragraph stays whole (it is not split after its first line)."""
    pdf = render(tmp_path / "v.pdf", specs(), Style(block_indent=block_indent))
    assert_cards(pdf, f"block indent {block_indent}")


@pytest.mark.parametrize("budget", BUDGETS)
def test_card_number_on_its_own_line_above_a_two_line_title(tmp_path: Path, budget: str) -> None:
    long_name = (
        "県内企業の人財確保と定着に向けた首都圏及び東北各県の大学生等を対象とする就職支援強化事業"
    )
    cards = [CardSpec(**{**s.__dict__, "name": long_name}) if s.no == 2 else s for s in specs()]
    pdf = render(tmp_path / "v.pdf", cards, Style(header="stacked", budget=budget))
    got = extract_cards(flatten(open_document(pdf))).cards
    assert [c.card_no for c in got] == [s.no for s in cards]
    assert got[1].program_name == long_name and len(got[1].title_lines) <= 1
    assert [c.section for c in got] == ["1"] * len(cards)
    assert [c.budget_kyen for c in got] == [int(s.budget.replace(",", "")) for s in cards]


# With horizontal rules only the blank parent cells are not yet read (issue 14, class 3).
@pytest.mark.parametrize("rules", ["lines", "rects"])
def test_two_level_labels_drawn_as_plain_cells(tmp_path: Path, rules: str) -> None:
    """A parent/sub-label column drawn as two plain ruled columns (a blank header cell over
    the sub-labels, blank parent cells on continuation rows) reads as the merged drawing."""
    pdf = render(tmp_path / "v.pdf", specs(), Style(rules=rules, plain_two_level=True))
    assert_cards(pdf, f"plain two-level label cells, {rules}")


TALL_ROWS = [
    [LONG_LABEL, "―", "63%"],
    ["県外大学等と連携して実施した就職説明会及びインターンシップに参加した学生のうち県内企業へ就職した者の数", "12名", "15名"],
    [LONG_LABEL + "（オンライン開催分を含む。）", "延68社", "約100名"],
    ["参加企業数", "延68社", "約100名"],
]  # fmt: skip


@pytest.mark.parametrize("rules", ["booktabs", "hlines"])
def test_tables_ruled_only_across_with_tall_bodies(tmp_path: Path, rules: str) -> None:
    """Booktabs: a rule over the header, one under it and one at the bottom, the body
    taller than eight text lines (labels wrapping over two or three lines)."""
    base = specs()[0]
    card = CardSpec(**{**base.__dict__, "header": ["項目名", "元年度", "2年度"], "rows": TALL_ROWS})
    pdf = render(tmp_path / "v.pdf", [card, specs()[1]], Style(rules=rules))
    got = extract_cards(flatten(open_document(pdf))).cards
    assert [(r.label, r.values) for t in got[0].tables for r in t.rows] == expected_rows(card)
    assert got[0].results == card.results
