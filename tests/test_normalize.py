"""Every normalization rule, with its failure cases."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pipeline.extract.card_text import parse_department_line
from pipeline.extract.layout import parse_page_label
from pipeline.normalize.era import era_to_year, find_fiscal_year, parse_year_label
from pipeline.normalize.text import fold_width, join_glyphs, join_wrapped, program_key
from pipeline.normalize.values import parse_number, parse_value, part_labels, split_parts


@dataclass
class G:
    text: str
    x0: float
    x1: float
    size: float = 10.0


def line(
    text: str, gaps: list[float] | float = 0.0, size: float = 10.0, latin_width: float = 5.0
) -> list[G]:
    """Glyphs of `text` set left to right with the given gap after each glyph."""
    out, x = [], 0.0
    for i, ch in enumerate(text):
        w = latin_width if ch.isascii() and not ch.isspace() else (3.0 if ch == " " else size)
        out.append(G(ch, x, x + w, size))
        gap = (
            gaps[i]
            if isinstance(gaps, list) and i < len(gaps)
            else (gaps if not isinstance(gaps, list) else 0.0)
        )
        x += w + gap
    return out


class TestJoinGlyphs:
    def test_tight_japanese(self) -> None:
        assert join_glyphs(line("事業概要")) == "事業概要"

    def test_letter_spaced_heading_has_no_spaces(self) -> None:
        assert join_glyphs(line("事業概要", 4.0)) == "事業概要"

    def test_justified_line_has_no_spaces(self) -> None:
        assert join_glyphs(line("県内企業への就職を促進", 1.3)) == "県内企業への就職を促進"

    def test_explicit_space_is_kept(self) -> None:
        assert join_glyphs(line("労政課 産業グループ")) == "労政課 産業グループ"

    def test_glyphless_wide_gap_is_a_space(self) -> None:
        gaps = [0, 0, 4.0, 0, 0]
        assert join_glyphs(line("68回延258", gaps)) == "68回 延258"

    def test_word_autospace_between_japanese_and_latin_is_not_a_space(self) -> None:
        # "県のUIJターン": 0.25em gaps around the Latin run, no space glyph.
        gaps = [0, 2.5, 0, 0, 2.5, 0, 0]
        assert join_glyphs(line("県のUIJターン", gaps)) == "県のUIJターン"

    def test_explicit_space_in_letter_spaced_line_is_letter_spacing(self) -> None:
        # "青 森 県" typeset with space glyphs that are the letter-spacing itself.
        glyphs = [
            G("青", 0, 18, 18),
            G(" ", 18, 24, 18),
            G("森", 24, 42, 18),
            G(" ", 42, 48, 18),
            G("県", 48, 66, 18),
        ]
        assert join_glyphs(glyphs) == "青森県"

    def test_latin_words(self) -> None:
        glyphs = [G("A", 0, 5, 10), G("o", 5, 10, 10), G("B", 13, 18, 10)]
        assert join_glyphs(glyphs) == "Ao B"


class TestJoinWrapped:
    def test_japanese_wrap_has_no_space(self) -> None:
        assert join_wrapped(["県内就職に関", "する相談"]) == "県内就職に関する相談"

    def test_number_split_by_wrap_is_one_number(self) -> None:
        assert join_wrapped(["学生延べ12", "0名"]) == "学生延べ120名"

    def test_latin_words_split_by_wrap_get_a_space(self) -> None:
        assert join_wrapped(["Aomori", "Job"]) == "Aomori Job"

    def test_wrap_at_a_stored_space_keeps_it(self) -> None:
        assert (
            join_wrapped(["補助金交付額", " (元年度は30%補助)"]) == "補助金交付額 (元年度は30%補助)"
        )


class TestValues:
    @pytest.mark.parametrize(
        "raw,value,unit,qualifier,status",
        [
            ("1,514件", 1514.0, "件", None, "reported"),
            ("63%", 63.0, "%", None, "reported"),
            ("約100名", 100.0, "名", "約", "reported"),
            ("延べ186名", 186.0, "名", "延べ", "reported"),
            ("延68社", 68.0, "社", "延べ", "reported"),
            ("各25本", 25.0, "本", "各", "reported"),
            ("１，５１４件", 1514.0, "件", None, "reported"),
            ("1,322,225千円", 1322225.0, "千円", None, "reported"),
            ("3ヶ国・地域", 3.0, "ヶ国・地域", None, "reported"),
            ("12.5%", 12.5, "%", None, "reported"),
            ("—", None, None, None, "not_reported"),
            ("-", None, None, None, "not_reported"),
            ("－", None, None, None, "not_reported"),
            ("", None, None, None, "not_reported"),
            ("— —", None, None, None, "not_reported"),
            ("――", None, None, None, "not_reported"),
            ("中止", None, None, None, "not_held"),
            ("開催中止となったため実績なし", None, None, None, "not_held"),
            ("68回 延258名", None, None, None, "multiple"),
            ("19名・4名", None, None, None, "multiple"),
            ("2回 (110名)", None, None, None, "multiple"),
            ("2回 (7月, 1月)", 2.0, "回", None, "reported"),
            ("232億円 (R元年1月～12月)", 232.0, "億円", None, "reported"),
            ("3件 (R2年度)", 3.0, "件", None, "reported"),
            ("3件 (うち2件は県外)", None, None, None, "multiple"),
            ("随時", None, None, None, "text"),
            ("R2年度のみ", None, None, None, "text"),
            ("3件のみ", None, None, None, "text"),
        ],
    )
    def test_parse_value(self, raw: str, value, unit, qualifier, status) -> None:
        v = parse_value(raw)
        assert (v.value, v.unit, v.qualifier, v.status) == (value, unit, qualifier, status)

    def test_the_dates_after_a_quantity_are_its_note(self) -> None:
        assert parse_value("2回 （7月，1月）").note == "7月,1月"
        assert parse_value("232億円 (R元年1月～12月)").note == "R元年1月~12月"
        assert parse_value("63%").note is None

    @pytest.mark.parametrize(
        "raw,parts",
        [
            ("19名・4名", [("19名", None), ("4名", None)]),
            ("68回 延258名", [("68回", None), ("延258名", None)]),
            ("7事業者 (延べ20回)", [("7事業者", None), ("延べ20回", None)]),
            (
                "省エネ診断 14事業者 アフターフォロー 3事業者",
                [("14事業者", "省エネ診断"), ("3事業者", "アフターフォロー")],
            ),
            ("相談延べ20件・派遣 5回", [("延べ20件", "相談"), ("5回", "派遣")]),
            ("2回 (7月, 1月)", None),
            ("R2年度のみ 3件", None),
            ("省エネ診断 14事業者", None),
            ("【R4卒】 138名 ※オンライン 延べ131名", None),
            ("63%", None),
        ],
    )
    def test_split_parts(self, raw: str, parts) -> None:
        got = split_parts(raw)
        assert (None if got is None else [(p.text, p.name) for p in got]) == parts

    def test_part_labels_from_the_label_only_for_a_listed_cell(self) -> None:
        assert part_labels("入校者数・就職者数", "19名・4名", 2) == ["入校者数", "就職者数"]
        assert part_labels("入校者数・就職者数", "19名 4名", 2) == [None, None]
        assert part_labels("入校者数", "19名・4名", 2) == [None, None]

    @pytest.mark.parametrize(
        "raw,expected",
        [
            ("1,514", 1514.0),
            ("▲ 3.3", -3.3),
            ("△3.3", -3.3),
            ("0.5", 0.5),
            ("1,23", None),
            ("abc", None),
            ("", None),
        ],
    )
    def test_parse_number(self, raw: str, expected) -> None:
        assert parse_number(raw) == expected


class TestEra:
    @pytest.mark.parametrize(
        "label,era,year",
        [
            ("元年度", "令和", 2019),
            ("2年度", "令和", 2020),
            ("2 年度", "令和", 2020),
            ("２年度", "令和", 2020),
            ("平成30年度", "令和", 2018),
            ("R2年度", None, 2020),
            ("H28年度", "令和", 2016),
            ("令和元年度", "平成", 2019),
            ("項目名", "令和", None),
            ("元年度", None, None),
        ],
    )
    def test_parse_year_label(self, label: str, era, year) -> None:
        assert parse_year_label(label, era) == year

    def test_era_to_year(self) -> None:
        assert era_to_year("昭和", 45) == 1970
        assert era_to_year("S", "45") == 1970
        with pytest.raises(ValueError):
            era_to_year("X", 1)
        with pytest.raises(ValueError):
            era_to_year("令和", 0)

    def test_fiscal_year_from_title(self) -> None:
        fy = find_fiscal_year("令和２年度　青森県中小企業振興基本条例に基づく年次報告")
        assert (fy.year, fy.era, fy.label) == (2020, "令和", "令和2年度")
        assert find_fiscal_year("令和元年度 報告").year == 2019
        assert find_fiscal_year("年次報告") is None


@pytest.mark.parametrize(
    "text,label",
    [
        ("- 22 -", "22"),
        ("22", "22"),
        ("－22－", "22"),
        ("— 101 —", "101"),
        ("-22-", "22"),
        ("p. 22", None),
        ("目次", None),
    ],
)
def test_page_labels(text: str, label) -> None:
    assert parse_page_label(text) == label


class TestDepartmentLine:
    def test_plain(self) -> None:
        (d,) = parse_department_line("(担当課：労政・能力開発課 産業人財確保支援グループ)")
        assert (d.department, d.group, d.note) == (
            "労政・能力開発課",
            "産業人財確保支援グループ",
            None,
        )

    def test_note(self) -> None:
        (d,) = parse_department_line(
            "（担当課：労政・能力開発課 産業人財確保支援グループ（三八地域県民局））"
        )
        assert (d.department, d.group, d.note) == (
            "労政・能力開発課",
            "産業人財確保支援グループ",
            "三八地域県民局",
        )

    def test_two_departments(self) -> None:
        a, b = parse_department_line(
            "（担当課：地域産業課 経営支援グループ、労政・能力開発課 産業人財確保支援グループ）"
        )
        assert (a.department, a.group, b.department, b.group) == (
            "地域産業課",
            "経営支援グループ",
            "労政・能力開発課",
            "産業人財確保支援グループ",
        )

    def test_two_groups_of_one_department(self) -> None:
        (d,) = parse_department_line(
            "(担当課：総合販売戦略課 ブランド推進グループ、宣伝・販売グループ)"
        )
        assert (d.department, d.group) == (
            "総合販売戦略課",
            "ブランド推進グループ、宣伝・販売グループ",
        )

    def test_without_space(self) -> None:
        (d,) = parse_department_line("(担当課：学校教育課高等学校指導グループ)")
        assert (d.department, d.group) == ("学校教育課", "高等学校指導グループ")


def test_program_key() -> None:
    assert program_key("HACCP推進コア人材育成事業(再掲)") == "HACCP推進コア人材育成事業"
    assert (
        program_key("時短・簡便で稼ぐ食品産業育成事業（再掲）")
        == "時短・簡便で稼ぐ食品産業育成事業"
    )
    assert program_key("ＵＩＪターン 人材誘致") == "UIJターン人材誘致"


def test_fold_width_keeps_circled_numbers() -> None:
    assert fold_width("②１．ＡＢ　c") == "②1.AB c"


@pytest.mark.parametrize(
    "label,era,year",
    [
        ("R1", None, 2019),
        ("令和3年9月", None, 2021),
        ("元年度", "令和", 2019),
        ("平成30年度", "令和", 2018),
        ("30年度", "平成", 2018),
    ],
)
def test_more_era_labels(label: str, era, year: int) -> None:
    assert parse_year_label(label, era) == year


@pytest.mark.parametrize(
    "raw,start,end,open_ended",
    [
        ("H28-R7", 2016, 2025, False),
        ("S45-", 1970, None, True),
        ("R2", 2020, 2020, False),
        ("R2-4", 2020, 2022, False),
        ("H2-R3", 1990, 2021, False),
        ("R1-R2", 2019, 2020, False),
    ],
)
def test_periods(raw: str, start: int, end, open_ended: bool) -> None:
    from pipeline.normalize.era import parse_period

    p = parse_period(raw)
    assert (p.start, p.end, p.open_ended) == (start, end, open_ended)


@pytest.mark.parametrize("raw", ["", "x", "R", "H2-", "R2-X"])
def test_unreadable_periods(raw: str) -> None:
    from pipeline.normalize.era import parse_period

    p = parse_period(raw)
    assert p is None or (raw == "H2-" and p.open_ended)


@pytest.mark.parametrize(
    ("printed", "clean"),
    [
        ("「みんなで子ども・子育てを応援！」推進事業", "「みんなで子ども・子育てを応援!」推進事業"),
        ("年少 (0-14歳)", "年少(0-14歳)"),  # spaced like 生産年齢(15-64歳)
        ("（再掲）", "(再掲)"),
        ("ＩＴ 人財　確保", "IT人財確保"),
        ("Aomori  Bank", "Aomori Bank"),  # a space between two words stays, once
        ("ｶﾞｲﾄﾞ事業", "ガイド事業"),  # half-width kana, voiced marks joined
        ("①事業 ②事業", "①事業②事業"),  # circled numbers stay as printed
    ],
)
def test_clean_text_gives_one_spelling_and_keeps_the_printed_one(printed: str, clean: str) -> None:
    from pipeline.normalize.text import clean_text, with_raw

    assert clean_text(printed) == clean
    assert with_raw("name", printed) == {
        "name": clean,
        "name_raw": printed if printed != clean else None,
    }
    assert with_raw("name", clean) == {"name": clean, "name_raw": None}
