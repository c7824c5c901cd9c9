"""Every seed of the layout generator reads back exactly as the golden data it drew.

`pytest tests/test_layout_seeds.py --layout-seeds=200` runs 200 seeds; a failing seed
says what it drew, and `layout_for(seed)` replays it.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.extract.cards import extract_cards
from pipeline.extract.document import open_document
from pipeline.extract.sections import flatten
from tests.layout import layout_for
from tests.sample_cards import expected_rows


def test_layout_seed_reads_exactly(tmp_path: Path, layout_seed: int) -> None:
    layout = layout_for(layout_seed)
    where = layout.describe()
    doc = open_document(layout.render(tmp_path / "layout.pdf"))
    got = extract_cards(flatten(doc))
    assert [f.check for f in got.findings] == [], (where, [f.message for f in got.findings])
    assert [c.card_no for c in got.cards] == [s.no for s in layout.cards], where
    for card, spec, truth in zip(got.cards, layout.cards, layout.truth, strict=True):
        at = f"{where} card {spec.no}"
        assert card.section == str(layout.policy_no), at
        assert card.program_name == spec.name, at
        assert card.budget_raw == spec.budget and card.budget_kyen == truth["budget"], at
        assert card.overview == spec.overview, at
        assert card.results == spec.results, at
        assert [t.header for t in card.tables] == [spec.header] + [
            h for h, _ in spec.extra_tables
        ], at
        assert [(r.label, r.values) for t in card.tables for r in t.rows] == expected_rows(spec), at
        d = card.departments[0]
        assert (d.department, d.group, d.note) == (
            truth["department"],
            truth["group"],
            truth["department_note"],
        ), at
    labels = [p.label for p in doc.pages[1:]]
    assert labels == [str(i) for i in range(1, len(labels) + 1)], where
