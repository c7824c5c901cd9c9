"""The narrative: the yearly economic overview, the trend bullets, each policy's 【取組の概要】."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest

from pipeline.load import load
from tests.conftest import PRINTED, as_printed, load_truth

CIRCLED = "①②③④⑤⑥⑦⑧"


def _sq(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


@pytest.fixture(scope="session")
def narrative(curated) -> tuple[str, pd.DataFrame]:
    edition, out, _ = curated
    blocks = as_printed(load("narrative", out=out), PRINTED["narrative"])
    return edition, blocks.sort_values("block_no")


def test_economic_overview_by_year(narrative) -> None:
    edition, blocks = narrative
    for year in load_truth(edition)["economic_overview"]:
        got = blocks[
            (blocks["kind"] == "bullet") & (blocks["fiscal_year_ref"] == year["fiscal_year"])
        ]
        assert [_sq(t) for t in got["text"]] == [_sq(b) for b in year["bullets"]], year["label"]
        if year["printed_page"] is not None:
            assert year["printed_page"] in set(got["printed_page"])


def test_trend_bullets_per_policy(narrative) -> None:
    edition, blocks = narrative
    for section in load_truth(edition)["trends"]:
        marker = "".join(CIRCLED[n - 1] for n in section["nos"])
        got = blocks[
            (blocks["kind"] == "bullet")
            & blocks["section_path"].map(lambda p, m=marker: list(p)[:3] == ["1", "(1)", m])
        ]
        assert [_sq(t) for t in got["text"]] == [_sq(b) for b in section["bullets"]], section[
            "title"
        ]


def test_policy_overview_and_measures(narrative) -> None:
    edition, blocks = narrative
    for policy in load_truth(edition)["policies"]:
        marker = "".join(CIRCLED[n - 1] for n in policy["nos"])
        base = ["2", "(2)", marker, "取組の概要"]
        overview = blocks[
            (blocks["kind"] == "paragraph")
            & blocks["section_path"].map(lambda p, b=base: list(p) == b)
        ]
        assert [_sq(t) for t in overview["text"]] == [_sq(p) for p in policy["overview"]], policy[
            "title"
        ]
        titles = blocks[
            (blocks["kind"] == "measure_title")
            & blocks["section_path"].map(lambda p, b=base: list(p) == b)
        ]
        assert [_sq(t) for t in titles["text"]] == [_sq(m["title"]) for m in policy["measures"]], (
            policy["title"]
        )
        for measure in policy["measures"]:
            path = [*base, measure["title"]]
            paras = blocks[
                (blocks["kind"] == "paragraph")
                & blocks["section_path"].map(
                    lambda p, pa=path: [_sq(x) for x in p] == [_sq(x) for x in pa]
                )
            ]
            assert [_sq(t) for t in paras["text"]] == [_sq(p) for p in measure["paragraphs"]], (
                measure["title"]
            )


def test_figure_sources_are_blocks_too(narrative) -> None:
    edition, blocks = narrative
    truth = load_truth(edition)
    sources = [
        f["source"]
        for key in ("trends", "environment")
        for s in truth[key]
        for f in s.get("figures", [])
    ]
    got = list(blocks[blocks["kind"] == "figure_source"]["text"])
    assert all(s in got for s in sources)


def test_environment_paragraphs_and_bullets(narrative) -> None:
    edition, blocks = narrative
    for section in load_truth(edition)["environment"]:
        path = ["1", "(2)", CIRCLED[section["no"] - 1]]
        mine = blocks[blocks["section_path"].map(lambda p, pa=path: list(p) == pa)]
        paragraphs = mine[mine["kind"] == "paragraph"]["text"]
        bullets = mine[mine["kind"] == "bullet"]["text"]
        assert [_sq(t) for t in paragraphs] == [_sq(p) for p in section["paragraphs"]], section[
            "title"
        ]
        assert [_sq(t) for t in bullets] == [_sq(b) for b in section["bullets"]], section["title"]


def test_ordinance_articles(narrative) -> None:
    edition, blocks = narrative
    ordinance = load_truth(edition)["appendix"]["ordinance"]
    for article in ordinance["articles"]:
        mine = blocks[
            blocks["section_path"].map(lambda p, n=article["number"]: list(p)[-1:] == [n])
        ]
        heading = mine[mine["kind"] == "heading"]["text"]
        assert list(heading) == [article["heading"]], article["number"]
        text = mine[mine["kind"] == "article"]["text"]
        assert [_sq(t) for t in text] == [_sq(p) for p in article["paragraphs"]], article["number"]
    # The ordinance's 附則: the blocks after its first 附則 heading, up to the next heading.
    ordered = blocks.reset_index(drop=True)
    start = ordered.index[(ordered["kind"] == "heading") & (ordered["text"].map(_sq) == "附則")][0]
    following = []
    for _, b in ordered.iloc[start + 1 :].iterrows():
        if b["kind"] == "heading":
            break
        following.append(b["text"])
    assert [_sq(t) for t in following] == [_sq(p) for p in ordinance["supplementary"]]


def test_front_matter_intro(narrative) -> None:
    edition, blocks = narrative
    front = load_truth(edition)["front"]
    intro = blocks[
        (blocks["kind"] == "paragraph")
        & blocks["section_path"].map(lambda p: list(p) == ["はじめに"])
    ]
    assert [_sq(t) for t in intro["text"]][: len(front["intro"])] == [
        _sq(p) for p in front["intro"]
    ]
    assert set(intro["printed_page"]) == {front["intro_printed_page"]}
    # The cover and the contents (unnumbered pages) are not narrative.
    assert blocks["printed_page"].notna().all()


def test_case_studies(narrative) -> None:
    edition, blocks = narrative
    policies = load_truth(edition)["policies"]
    want = [(p, cs) for p in policies for cs in p.get("case_studies", [])]
    assert want, "the samples hold a case study: the test must see one"
    titles = blocks[blocks["kind"] == "case_study_title"]
    assert [_sq(t) for t in titles["text"]] == [_sq(cs["title"]) for _, cs in want]
    for policy, cs in want:
        base = ["2", "(2)", "".join(CIRCLED[n - 1] for n in policy["nos"]), "事例紹介"]
        at_base = blocks[blocks["section_path"].map(lambda p, b=base: list(p) == b)]
        assert list(at_base[at_base["kind"] == "heading"]["text"]) == [cs["heading"]]
        subject = at_base[at_base["kind"] == "case_study_subject"]["text"]
        assert [_sq(t) for t in subject] == [_sq(f"({cs['program']}：{cs['company']})")]
        story = blocks[
            blocks["section_path"].map(
                lambda p, b=base, t=cs["title"]: list(p[:-1]) == b and _sq(p[-1]) == _sq(t)
            )
        ]
        paragraphs = story[story["kind"] == "case_study"]["text"]
        assert [_sq(t) for t in paragraphs] == [_sq(p) for p in cs["paragraphs"]]
        captions = story[story["kind"] == "photo_caption"]["text"]
        assert list(captions) == cs["captions"]
        if cs["printed_page"] is not None:
            assert set(story["printed_page"]) == {cs["printed_page"]}


def test_guideline_sections(narrative) -> None:
    edition, blocks = narrative
    guideline = load_truth(edition)["appendix"]["guideline"]
    doc = [_sq(guideline["title"])]

    def under(*path: str) -> pd.DataFrame:
        want = ["3", *doc, *(_sq(p) for p in path)]
        return blocks[blocks["section_path"].map(lambda p: [_sq(x) for x in p] == want)]

    title = under()
    assert list(title["text"]) == [guideline["title"]]
    assert set(title["printed_page"]) == {guideline["printed_page"]}
    for section in guideline["sections"]:
        mine = under(section["number"])
        assert list(mine[mine["kind"] == "heading"]["text"]) == [section["heading"]]
        text = mine[mine["kind"] == "article"]["text"]
        assert [_sq(t) for t in text] == [_sq(p) for p in section["paragraphs"]], section["number"]
    supplementary = under(guideline["supplementary_heading"])
    assert [_sq(t) for t in supplementary[supplementary["kind"] == "paragraph"]["text"]] == [
        _sq(p) for p in guideline["supplementary"]
    ]
    table = guideline["member_table"]
    annex = under(table["label"])
    assert list(annex["kind"]) == ["heading", "table_caption"]
    assert list(annex["text"]) == [table["label"], table["caption"]]
    observers = under(guideline["observers_heading"])
    assert list(observers["kind"]) == ["heading", "paragraph"]
    assert _sq(observers["text"].iloc[1]) == _sq(guideline["observers"])


def test_table_captions(narrative) -> None:
    edition, blocks = narrative
    truth = load_truth(edition)
    want = [t["caption"] for s in truth["environment"] for t in s.get("tables", [])]
    want.append(truth["appendix"]["guideline"]["member_table"]["caption"])
    got = blocks[blocks["kind"] == "table_caption"]["text"]
    assert [_sq(t) for t in got] == [_sq(c) for c in want]


def test_section_headings(narrative) -> None:
    edition, blocks = narrative
    truth = load_truth(edition)
    headings = blocks[blocks["kind"] == "heading"]

    def titles_at(path: list[str]) -> list[str]:
        mine = headings[headings["section_path"].map(lambda p: list(p) == path)]
        return [_sq(re.sub(r"^[①-⑳]\s*", "", t)) for t in mine["text"]]

    for chapter, sub, key in (("1", "(1)", "trends"), ("2", "(2)", "policies")):
        for section in truth[key]:
            marker = "".join(CIRCLED[n - 1] for n in section["nos"])
            assert titles_at([chapter, sub, marker]) == [_sq(t) for t in section["titles"]]
    for section in truth["environment"]:
        path = ["1", "(2)", CIRCLED[section["no"] - 1]]
        assert titles_at(path) == [_sq(section["title"])]
        mine = headings[headings["section_path"].map(lambda p, pa=path: list(p) == pa)]
        if section["printed_page"] is not None:
            assert set(mine["printed_page"]) == {section["printed_page"]}
    for year in truth["economic_overview"]:
        assert titles_at(["1", "(3)", year["label"]]) == [_sq(f"<{year['label']}>")]
    for policy in truth["policies"]:
        marker = "".join(CIRCLED[n - 1] for n in policy["nos"])
        mine = headings[
            headings["section_path"].map(lambda p, m=marker: list(p) == ["2", "(2)", m])
        ]
        if policy["printed_page"] is not None:
            assert policy["printed_page"] in set(mine["printed_page"])


def test_definition_notes(narrative) -> None:
    edition, blocks = narrative
    front = load_truth(edition)["front"]
    mine = blocks[blocks["section_path"].map(lambda p: list(p) == ["はじめに", "中小企業の定義"])]
    assert list(mine[mine["kind"] == "heading"]["text"]) == [front["definition_heading"]]
    notes = mine[mine["kind"] == "paragraph"]["text"]
    assert [_sq(t) for t in notes] == [_sq(p) for p in front["definition_note"]]


def test_ordinance_title_and_preamble(narrative) -> None:
    edition, blocks = narrative
    ordinance = load_truth(edition)["appendix"]["ordinance"]
    mine = blocks[blocks["section_path"].map(lambda p: list(p) == ["3", ordinance["title"]])]
    assert list(mine[mine["kind"] == "heading"]["text"]) == [ordinance["title"]]
    assert set(mine["printed_page"]) == {ordinance["printed_page"]}
    preamble = mine[mine["kind"] == "paragraph"]["text"]
    assert [_sq(t) for t in preamble] == [_sq(p) for p in ordinance["preamble"]]


@pytest.mark.parametrize("block_indent", [0.0, 10.5, 21.0])
def test_measure_paragraphs_set_as_an_indented_block(tmp_path, block_indent: float) -> None:
    """Word's indented block under a "○" measure title: the whole paragraph indented, its
    first line once more. Each paragraph is one block, as with a plain first-line indent."""
    from pipeline.extract.document import open_document
    from pipeline.extract.narrative import extract_narrative
    from pipeline.extract.sections import flatten
    from tests.render import BODY, Doc, Style

    policy = load_truth("fy2020")["policies"][0]
    measure = policy["measures"][0]
    doc = Doc(Style(block_indent=block_indent), tmp_path / "m.pdf")
    doc.cover("令和2年度")
    doc.start_page()
    doc.section_heading("① " + policy["title"])
    doc.label("【取組の概要】")
    doc.label("○ " + measure["title"])
    for paragraph in measure["paragraphs"]:
        doc.paragraph(paragraph)
    doc.save()
    blocks = extract_narrative(flatten(open_document(tmp_path / "m.pdf")), set(), {}, BODY)
    paras = [b.text for b in blocks if b.kind == "paragraph"]
    assert [_sq(p) for p in paras] == [_sq(p) for p in measure["paragraphs"]]
    assert [b.text for b in blocks if b.kind == "measure_title"] == [measure["title"]]
