"""A seeded layout generator: the golden data's cards typeset in a style drawn from a seed.

Each seed picks an edition, a policy section and a run of its cards, and a drawing
style (rulings, card headers, budget placement, page labels, letter-spacing, Word's
autospace, indented blocks, plain two-level label cells, page breaks inside cards
and tables). The expected content is the golden data itself. A failing seed is
replayed by its number; `describe()` says what it drew.

What it does not draw yet (see the closing notes): the cover's variants, the 目次,
the program list (別紙1), the section indexes, the statistics and the narrative of
a whole edition.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.conftest import load_truth
from tests.render import CardSpec, Style, render

CIRCLED = "①②③④⑤⑥⑦⑧"
MAX_CARDS = 5

# Seeds that were misread once, run in CI beside seeds 0..N-1 since each drew a class of
# issue 14 the first seeds do not: values touching across an unruled column boundary
# (4, 182), a card's border around its table (28, 101, 138), a header alone at a page's
# foot over finer columns (106), a booktabs body broken by a page without its header
# (23, 67, 110), a paragraph broken by a page under a block indent (93, 120, 141, 174),
# a short "③" item line before a paragraph (148, 152), the wave dash (18, 26), a zebra
# table with one shaded band in a part: one row under its header band (54, 66), a
# continuation with one shaded row (167).
ONCE_MISREAD = frozenset(
    {4, 18, 23, 26, 28, 33, 47, 54, 59, 66, 67, 90, 93, 101, 106, 110, 120, 131, 138, 141,
     144, 148, 152, 164, 167, 174, 180, 182, 183, 192, 193}
)  # fmt: skip


# Seeds below 200 still misread, expected to fail strictly (a fix takes its seed off).
KNOWN_MISREADS: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Layout:
    seed: int
    edition: str
    policy_no: int
    heading: str
    style: Style
    cards: tuple[CardSpec, ...]
    truth: tuple[dict, ...]  # the golden card each spec was drawn from

    def describe(self) -> str:
        drawn = {k: v for k, v in asdict(self.style).items() if v != getattr(Style(), k)}
        return (
            f"seed {self.seed}: {self.edition} policy {self.policy_no} cards "
            f"{[t['no'] for t in self.truth]} style {drawn or 'default'}"
        )

    def render(self, path: Path) -> Path:
        return render(path, list(self.cards), self.style, heading=self.heading)


def _printable(s: str) -> str:
    # The test font maps U+2014 and U+FF0D to other code points; U+2015 round-trips.
    return s.replace("—", "―")


def _drawable(card: dict) -> bool:
    """Cards the typesetter draws as printed: a one-line-item title and tables of a
    label column and two periods (or a parent/sub-label column and two periods)."""
    tables = card["tables"]
    return (
        not card.get("title_lines")
        and bool(tables)
        and all(
            len(t["header"]) == 3 or (len(t["header"]) == 4 and t["header"][1] == "")
            for t in tables
        )
    )


def _spec(no: int, card: dict) -> CardSpec:
    first, *more = card["tables"]
    rows = lambda t: [[_printable(x) for x in r] for r in t["rows"]]  # noqa: E731
    return CardSpec(
        no=no,
        truth_no=card["no"],
        name=card["name"],
        budget="-" if card["budget"] is None else f"{card['budget']:,}",
        overview=card["overview"],
        results=card["results"],
        header=first["header"],
        rows=rows(first),
        department_line=card["department_line"],
        extra_tables=[(t["header"], rows(t)) for t in more],
    )


def _style(
    rng: random.Random, more: random.Random | None = None, late: random.Random | None = None
) -> Style:
    """A drawing style; `more` and `late` draw the styles added later (in session 5 and
    after), so that the seeds drawn before keep their drawings."""
    rules = rng.choice(["lines", "rects", "hlines", "booktabs"])
    if more is not None and more.random() < 0.15:
        rules = "frame"
    label_at = "outer" if more is not None and more.random() < 0.3 else "centre"
    if more is not None and more.random() < 0.12:
        rules = "zebra"
    breaks = rng.random() < 0.4
    header = rng.choice(["box", "dot", "band", "stacked"])
    if late is not None and late.random() < 0.15:
        header = "table"
    return Style(
        rules=rules,
        header=header,
        budget=rng.choice(["inline", "colon", "below"]),
        card_box=rng.random() < 0.25,
        label=rng.choice(["- {n} -", "{n}", "－{n}－"]),
        label_at=label_at,
        letter_spacing=rng.choice([0.0, 0.0, 0.0, 0.6, 1.5]),
        autospace=rng.random() < 0.25,
        repeat_header_on_break=rng.random() < 0.5,
        card_min_space=30.0 if breaks else 120.0,
        page_bottom=rng.choice([640.0, 700.0]) if breaks else 780.0,
        block_indent=rng.choice([0.0, 0.0, 10.5, 21.0]),
        # Plain two-level label cells are read with vertical rules (issue 14, class 3).
        plain_two_level=rules in ("lines", "rects") and rng.random() < 0.5,
    )


def layout_for(seed: int) -> Layout:
    rng = random.Random(seed)
    edition = rng.choice(["fy2020", "fy2021"])
    policies = [p for p in load_truth(edition)["policies"] if len(p["nos"]) == 1]
    policy = rng.choice(policies)
    drawable = [c for c in policy["cards"] if _drawable(c)]
    start = rng.randrange(max(1, len(drawable) - MAX_CARDS + 1))
    chosen = drawable[start : start + rng.randint(2, MAX_CARDS)]
    no = policy["nos"][0]
    return Layout(
        seed=seed,
        edition=edition,
        policy_no=no,
        heading=f"{CIRCLED[no - 1]} {policy['title']}",
        style=_style(
            rng, random.Random(f"layout {seed} more"), random.Random(f"layout {seed} late")
        ),
        cards=tuple(_spec(i, c) for i, c in enumerate(chosen, start=1)),
        truth=tuple(chosen),
    )
