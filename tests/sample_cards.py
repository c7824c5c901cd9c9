"""Real cards from the golden data, as specs for the test typesetter (tests/render.py)."""

from __future__ import annotations

from tests.conftest import load_truth
from tests.render import CardSpec

# Cards chosen for what they exercise: numbered items with hanging indents (2),
# a department note and a not-held cell (7), a label wrapping inside its cell
# and a two-quantity cell (19), a two-level label column (35), a long label (22).
PICK = (2, 7, 19, 22, 35)


def _printable(s: str) -> str:
    # The test font maps U+2014 and U+FF0D to other code points; U+2015 round-trips.
    return s.replace("—", "―")


def specs() -> list[CardSpec]:
    truth = load_truth("fy2020")
    cards = {c["no"]: c for c in truth["policies"][0]["cards"]}
    out = []
    # Numbered 1..n as a report numbers the cards under its heading.
    for i, no in enumerate(PICK, start=1):
        c = cards[no]
        t = c["tables"][0]
        out.append(
            CardSpec(
                no=i,
                truth_no=no,
                name=c["name"],
                budget=f"{c['budget']:,}",
                overview=c["overview"],
                results=c["results"],
                header=t["header"],
                rows=[[_printable(x) for x in r] for r in t["rows"]],
                department_line=c["department_line"],
            )
        )
    return out


def _flat_rows(header: list[str], rows: list[list[str]]) -> list[tuple[str, list[str]]]:
    if len(header) == 4 and header[1] == "":
        out, parent = [], ""
        for r in rows:
            parent = r[0] or parent
            out.append((f"{parent} {r[1]}", r[2:]))
        return out
    return [(r[0], r[1:]) for r in rows]


def expected_rows(spec: CardSpec) -> list[tuple[str, list[str]]]:
    out = _flat_rows(spec.header, spec.rows)
    for header, rows in spec.extra_tables:
        out += _flat_rows(header, rows)
    return out
