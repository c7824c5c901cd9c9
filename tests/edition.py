"""A seeded edition generator: the policy part of a report, typeset from the golden data.

Each seed picks an edition and a run of its policy sections, and for each section a
run of its cards, then typesets them as one report: a cover, a 目次 naming the
pages everything landed on, はじめに on page 1, the chapter headings, each policy's heading, its
【取組の概要】 (overview paragraphs, "○" measures and their paragraphs), its
【基本方針事業一覧】 (an index table ending in 小計) and its cards. The style comes
from the seed: the cards' drawing (as in tests/layout.py), the cover's lines, the
目次's leaders, the index's column widths and rulings, a policy starting on a new
page or not. The expected content is the golden data and the pages each element
landed on (the document is typeset until those pages stop moving).

Shared sections (⑥⑦: consecutive headings, flag columns in the index) are drawn as
printed. Not drawn yet: 別紙1 (the program list), the statistics, the trends and the
economic overview, the appendix.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.conftest import load_truth
from tests.layout import CIRCLED, _drawable, _spec, _style
from tests.render import (
    BODY,
    CELL,
    GOTHIC,
    LEFT,
    MINCHO,
    PAGE_H,
    PAGE_W,
    RIGHT,
    TOP,
    CardSpec,
    Doc,
    Style,
)

MAX_POLICIES = 3
MAX_CARDS = 4

# Seeds once misread, run in CI beside seeds 0..N-1: 183 draws a booktabs parent/sub-label
# table whose parents nearly fill their column, under a label header centred over both:
# only the sub-labels' common left edge shows the boundary.
ONCE_MISREAD = frozenset({183})


@dataclass(frozen=True)
class EditionStyle:
    cards: Style = field(default_factory=Style)
    cover: str = "era_first"  # era_first | title_first | one_line
    toc_leader: str = "…"  # the leader's character; "" sets the page off by white space
    index_name_width: float = 0.42  # the 事業名 column's share of the measure
    policy_on_new_page: bool = True


@dataclass(frozen=True)
class IndexEntry:
    no: int
    name: str
    budget: int | None
    new: bool
    departments: tuple[str, ...]
    flags: tuple[int, ...]  # the policies of a shared section it is marked under


@dataclass(frozen=True)
class Section:
    nos: tuple[int, ...]  # one policy, or the policies sharing a section (⑥⑦)
    titles: tuple[str, ...]
    overview: tuple[str, ...]
    measures: tuple[tuple[str, tuple[str, ...]], ...]  # (title, paragraphs)
    index_columns: tuple[str, ...]
    index: tuple[IndexEntry, ...]
    cards: tuple[CardSpec, ...]
    truth: tuple[dict, ...]  # the golden card each spec was drawn from

    @property
    def no(self) -> int:
        return self.nos[0]

    @property
    def key(self) -> str:
        """The section as the datasets name it: "3", "6-7"."""
        return "-".join(str(n) for n in self.nos)

    @property
    def marker(self) -> str:
        return "".join(CIRCLED[n - 1] for n in self.nos)

    def headings(self) -> list[str]:
        return [f"{CIRCLED[n - 1]} {t}" for n, t in zip(self.nos, self.titles, strict=True)]

    @property
    def subtotal(self) -> int:
        return sum(e.budget or 0 for e in self.index)


@dataclass
class Landed:
    """Where things landed, as printed page labels."""

    headings: dict[int, int] = field(default_factory=dict)  # policy no → page
    cards: dict[tuple[int, int], int] = field(default_factory=dict)  # (policy, card no) → page


@dataclass(frozen=True)
class Edition:
    seed: int
    edition: str
    era_label: str
    style: EditionStyle
    sections: tuple[Section, ...]
    intro: tuple[str, ...]  # はじめに's paragraphs, on page 1

    def describe(self) -> str:
        cards = {k: v for k, v in asdict(self.style.cards).items() if v != getattr(Style(), k)}
        rest = {
            k: v
            for k, v in asdict(self.style).items()
            if k != "cards" and v != getattr(EditionStyle(), k)
        }
        return (
            f"edition seed {self.seed}: {self.edition} sections "
            f"{[(s.key, [t['no'] for t in s.truth]) for s in self.sections]} "
            f"cards {cards or 'default'} edition {rest or 'default'}"
        )

    def render(self, path: Path) -> tuple[Path, Landed]:
        """Typeset until every page a 目次 entry or an index row names is where it landed."""
        landed = Landed()
        for _ in range(4):
            again = _typeset(self, path, landed)
            if again == landed:
                return path, landed
            landed = again
        raise AssertionError(f"{self.describe()}: the pages never settled")


def edition_for(seed: int) -> Edition:
    rng = random.Random(f"edition {seed}")
    edition = rng.choice(["fy2020", "fy2021"])
    truth = load_truth(edition)
    policies = truth["policies"]
    start = rng.randrange(len(policies))
    chosen = policies[start : start + rng.randint(1, MAX_POLICIES)]
    style = EditionStyle(
        cards=_style(rng, random.Random(f"edition {seed} more")),
        cover=rng.choice(["era_first", "title_first", "one_line"]),
        toc_leader=rng.choice(["…", "・", "．", ""]),
        index_name_width=rng.choice([0.34, 0.42, 0.5]),
        policy_on_new_page=rng.random() < 0.7,
    )
    return Edition(
        seed,
        edition,
        truth["release"]["era_label"],
        style,
        tuple(_section(p, rng) for p in chosen),
        tuple(truth["front"]["intro"]),
    )


def _section(policy: dict, rng: random.Random) -> Section:
    drawable = [c for c in policy["cards"] if _drawable(c)]
    first = rng.randrange(max(1, len(drawable) - MAX_CARDS + 1))
    cards = drawable[first : first + rng.randint(1, MAX_CARDS)]
    by_no = {e["no"]: e for e in policy["index"]}
    index = tuple(
        IndexEntry(
            i,
            by_no[c["no"]]["name"],
            by_no[c["no"]]["budget"],
            by_no[c["no"]]["new"],
            tuple(by_no[c["no"]]["departments"]),
            tuple(by_no[c["no"]]["flags"]),
        )
        for i, c in enumerate(cards, start=1)
    )
    return Section(
        nos=tuple(policy["nos"]),
        titles=tuple(policy["titles"]),
        overview=tuple(policy["overview"]),
        measures=tuple((m["title"], tuple(m["paragraphs"])) for m in policy["measures"]),
        index_columns=tuple(policy["index_columns"]),
        index=index,
        cards=tuple(_spec(i, c) for i, c in enumerate(cards, start=1)),
        truth=tuple(cards),
    )


def chapter_titles(era_label: str) -> tuple[str, str]:
    return (
        f"2 {era_label}中小企業振興施策",
        f"(2) {era_label}中小企業振興施策実施状況及び事例紹介",
    )


class EditionDoc(Doc):
    """The card typesetter with the report's other pages."""

    def label_now(self) -> int:
        return self.first_label + self.page_no - 1

    def unlabelled_page(self) -> None:
        self.c.showPage()

    def cover_page(self, era_label: str, how: str) -> None:
        title = "青森県中小企業振興基本条例に基づく年次報告"
        if how == "one_line":
            self.text(60, 260, f"{era_label} {title}", GOTHIC, 18)
        elif how == "title_first":
            self.text(90, 260, title, GOTHIC, 18)
            self.text(200, 310, era_label, GOTHIC, 22)
        else:
            self.text(200, 260, era_label, GOTHIC, 22)
            self.text(90, 310, title, GOTHIC, 18)
        self.text(260, 700, "青森県", GOTHIC, 14)
        self.unlabelled_page()

    def toc_page(self, entries: list[tuple[float, str, int | None]], leader: str) -> None:
        self.text((PAGE_W - 2 * 14) / 2, TOP, "目次", GOTHIC, 14)
        y = TOP + 36
        for indent, label, page in entries:
            x = LEFT + indent * BODY
            end = self.text(x, y, label)
            if page is not None:
                number = str(page)
                nw = self.width(number, spacing=0.0)
                if leader:
                    lw = self.width(leader, spacing=0.0)
                    n = int((RIGHT - nw - end - BODY) / lw)
                    self.text(end + BODY / 2, y, leader * n, spacing=0.0)
                self.text(RIGHT - nw, y, number, spacing=0.0)
            y += 22
        self.unlabelled_page()

    def heading(self, text: str, size: float = 12.0) -> None:
        self.need(30)
        self.text(LEFT, self.y, text, GOTHIC, size)
        self.y += size * 2

    def index_table(self, section: Section, pages: dict[tuple[int, int], int], name_w: float):
        width = RIGHT - LEFT
        names = section.index_columns
        flags = [h for h in names if h.startswith("基本方針")]
        share = {"No.": 0.06, "事業名": name_w - 0.06 * len(flags), "掲載頁": 0.08}
        share |= {h: 0.14 for h in names if "事業費" in h} | {h: 0.06 for h in names if "新規" in h}
        share |= {h: 0.06 for h in flags}
        share["担当課等"] = 1.0 - sum(share.values())
        cols = [LEFT]
        for h in names:
            cols.append(cols[-1] + share[h] * width)
        cols[-1] = RIGHT
        self._index_header(names, cols)
        aligns = "".join("l" if h == "事業名" else "r" if "事業費" in h else "c" for h in names)
        for e in section.index:
            page = pages.get((section.no, e.no), 0)
            self._index_row([_index_cell(h, e, page) for h in names], cols, aligns)
        total = [
            "小計" if h == "事業名" else f"{section.subtotal:,}" if "事業費" in h else ""
            for h in names
        ]
        self._index_row(total, cols, aligns.replace("l", "c"))
        self.y += 16

    def _cell_lines(self, text: str, w: float, font: str) -> list[str]:
        return [ln for part in text.split("\n") for ln in self.wrap(part, w - 8, font, CELL)]

    def _index_header(self, texts: tuple[str, ...], cols: list[float]) -> None:
        lines = [self._cell_lines(t, b - a, GOTHIC) for t, a, b in zip(texts, cols, cols[1:])]
        h = max(18.0, 12.0 * max(len(x) for x in lines) + 6)
        self.need(h + 20)
        self.c.setFillGray(0.85)
        self.c.rect(LEFT, PAGE_H - self.y - h, RIGHT - LEFT, h, fill=1, stroke=0)
        self.c.setFillGray(0)
        self._row_text(lines, cols, h, "c" * len(cols), GOTHIC)

    def _index_row(self, cells: list[str], cols: list[float], aligns: str) -> None:
        lines = [self._cell_lines(t, b - a, MINCHO) for t, a, b in zip(cells, cols, cols[1:])]
        h = max(18.0, 12.0 * max(len(x) for x in lines) + 6)
        if self.y + h > self.style.page_bottom:
            self.end_page()
            self.start_page()
        self._row_text(lines, cols, h, aligns, MINCHO)

    def _row_text(
        self, lines: list[list[str]], cols: list[float], h: float, aligns: str, font: str
    ) -> None:
        y0 = self.y
        for j, cell in enumerate(lines):
            a, b = cols[j], cols[j + 1]
            ly = y0 + (h - 12.0 * len(cell)) / 2 + 1
            for ln in cell:
                w = self.width(ln, font, CELL, spacing=0.0)
                x = {"l": a + 4, "r": b - 4 - w, "c": (a + b - w) / 2}[aligns[j]]
                self.text(x, ly, ln, font, CELL)
                ly += 12.0
        self.hrule(LEFT, RIGHT, y0)
        self.y += h
        self.hrule(LEFT, RIGHT, self.y)
        for x in cols:
            self.vrule(x, y0, self.y)

    def card_landing(self, card: CardSpec) -> int:
        """Draw a card; returns the page label it starts on."""
        self.need(self.style.card_min_space)
        page = self.label_now()
        self.card(card)
        return page


def _index_cell(column: str, e: IndexEntry, page: int) -> str:
    if column.startswith("基本方針"):
        return "○" if any(CIRCLED[n - 1] in column for n in e.flags) else ""
    if column == "No.":
        return str(e.no)
    if column == "事業名":
        return e.name
    if "事業費" in column:
        return "-" if e.budget is None else f"{e.budget:,}"
    if "新規" in column:
        return "○" if e.new else ""
    if column == "掲載頁":
        return str(page)
    return "\n".join(e.departments)


def _typeset(ed: Edition, path: Path, landed: Landed) -> Landed:
    st = ed.style
    doc = EditionDoc(st.cards, path)
    doc.cover_page(ed.era_label, st.cover)
    chapter, part = chapter_titles(ed.era_label)
    entries: list[tuple[float, str, int | None]] = [
        (0, "はじめに", 1),
        (0, chapter, None),
        (1, part, None),
    ]
    for s in ed.sections:  # a shared section's page stands by its first heading only
        for k, heading in enumerate(s.headings()):
            entries.append((2, heading, None if k else landed.headings.get(s.no, 0)))
    doc.toc_page(entries, st.toc_leader)
    out = Landed()
    doc.start_page()
    doc.heading("はじめに", 14)
    for p in ed.intro:
        doc.paragraph(p)
    doc.end_page()
    doc.start_page()
    doc.heading(chapter, 13)
    doc.heading(part)
    for k, s in enumerate(ed.sections):
        if k and st.policy_on_new_page:
            doc.end_page()
            doc.start_page()
        doc.need(80)
        out.headings[s.no] = doc.label_now()
        for heading in s.headings():
            doc.section_heading(heading)
        doc.label("【取組の概要】")
        for p in s.overview:
            doc.paragraph(p)
        for title, paragraphs in s.measures:
            doc.label(f"○ {title}")
            for p in paragraphs:
                doc.paragraph(p)
        doc.y += 8
        doc.need(90)  # the label keeps with its table's header and first row
        doc.label("【基本方針事業一覧】")
        doc.index_table(s, landed.cards, st.index_name_width)
        for card in s.cards:
            out.cards[(s.no, card.no)] = doc.card_landing(card)
    doc.save()
    return out
