"""Extraction health: what the document announces, held against what was read.

Every finding here is a misread, not the report's contradiction: the document
says a thing is there (a card under an index row, a heading on a page of the 目次,
a page number, a character) and the extractor did not find or could not place it.
These are errors: they block publishing.
"""

from __future__ import annotations

import re

import pandas as pd

from pipeline.extract.health import ExtractionFacts
from pipeline.findings import Finding, Place
from pipeline.normalize.text import SIMILARITY, name_similarity
from pipeline.validate.cases import record_box
from pipeline.validate.settings import SETTINGS

# Parser messages that mean content was lost, not merely tolerated.
DATA_LOSS = re.compile(r"data-loss|decompress|corrupt|decod|invalid|cannot|could not|failed", re.I)


def index_cards(index: list[dict], cards: list[dict]) -> list[Finding]:
    """Every index row has its card: same section, same number, a similar name, on or
    after the printed page it lists (掲載頁). A section with index rows and no cards
    at all is one case, not one per row."""
    out = []
    cards_of: dict[object, dict[object, dict]] = {}
    for c in cards:
        cards_of.setdefault(c["section"], {}).setdefault(c["card_no"], c)
    rows_of: dict[object, list[dict]] = {}
    for r in index:
        rows_of.setdefault(r["section"], []).append(r)
    for section, rows in rows_of.items():
        found = cards_of.get(section, {})
        if not found:
            out.append(
                Finding(
                    "index.card_found",
                    f"section {section}: the index lists {len(rows)} programs, no card of the section was found",
                    int(rows[0]["source_page"]),
                    record_box(rows[0]),
                    "program_cards",
                    key=f"section {section}",
                    observed=0,
                    expected=len(rows),
                )
            )
            continue
        for r in rows:
            out += _row_card(r, found.get(r["no"]))
    return out


def _row_card(r: dict, c: dict | None) -> list[Finding]:
    key = f"section {r['section']} card {r['no']}"
    here = (int(r["source_page"]), record_box(r))
    what = f"section {r['section']} No.{r['no']} {r['program_name']!r}"
    if c is None:
        return [
            Finding(
                "index.card_found",
                f"{what}: no card {r['no']} of section {r['section']} was found (the index lists printed page {r['listed_page']})",
                *here,
                "program_cards",
                key=key,
            )
        ]
    out = []
    score = name_similarity(r["program_name"], c["program_name"])
    if score < SIMILARITY.card_of_index_row:
        out.append(
            Finding(
                "index.card_found",
                f"{what}: card {r['no']} is {c['program_name']!r} (similarity {score:.2f}): not the program the index lists",
                *here,
                "program_cards",
                key=key,
                observed=c["program_name"],
                expected=r["program_name"],
                other=Place(int(c["source_page"]), record_box(c)),
            )
        )
    listed, printed = r["listed_page"], c["printed_page"]
    if not pd.isna(listed) and not pd.isna(printed) and int(printed) < int(listed):
        out.append(
            Finding(
                "index.card_found",
                f"{what}: card {r['no']} was read on printed page {int(printed)}, before printed page {int(listed)}, which the index lists",
                *here,
                "program_cards",
                key=key,
                observed=int(printed),
                expected=int(listed),
                other=Place(int(c["source_page"]), record_box(c)),
            )
        )
    return out


def cards_in_index(cards: list[dict], index: list[dict]) -> list[Finding]:
    """Every card belongs to the section whose index lists it (same number)."""
    listed = {(r["section"], r["no"]) for r in index}
    return [
        Finding(
            "cards.in_index",
            f"card {c['card_no']} {c['program_name']!r} was filed under section {c['section']}, "
            f"whose index lists no program {c['card_no']}",
            int(c["source_page"]),
            record_box(c),
            "program_cards",
            key=f"section {c['section']} card {c['card_no']}",
        )
        for c in cards
        if (c["section"], c["card_no"]) not in listed
    ]


def card_numbering(cards: list[dict]) -> list[Finding]:
    """Cards of a section are numbered 1..n in order: a gap or a repeat is a card
    missed or read twice."""
    out = []
    by_section: dict[object, list[dict]] = {}
    for c in cards:
        by_section.setdefault(c["section"], []).append(c)
    for section, group in by_section.items():
        nos = [c["card_no"] for c in group]
        expected = list(range(1, len(nos) + 1))
        if nos != expected:
            bad = next(c for c, n in zip(group, expected, strict=True) if c["card_no"] != n)
            out.append(
                Finding(
                    "cards.numbering",
                    f"section {section}: card numbers {nos} are not 1..{len(nos)} in order",
                    int(bad["source_page"]),
                    record_box(bad),
                    "program_cards",
                    key=f"section {section}",
                    observed=nos,
                    expected=expected,
                )
            )
    return out


def table_body_rows(cards: list[dict], indicators: list[dict]) -> list[Finding]:
    """Every indicator table a card has gave at least one body row."""
    with_rows = {(i["section"], i["card_no"], i["table_no"]) for i in indicators}
    out = []
    for c in cards:
        for t in range(1, int(c["n_tables"]) + 1):
            if (c["section"], c["card_no"], t) not in with_rows:
                out.append(
                    Finding(
                        "tables.body_rows",
                        f"section {c['section']} card {c['card_no']} table {t}: a header without body rows",
                        int(c["source_page"]),
                        record_box(c),
                        "indicators",
                        key=f"section {c['section']} card {c['card_no']} table {t}",
                    )
                )
    return out


def index_rows_found(facts: ExtractionFacts) -> list[Finding]:
    return [
        Finding(
            "index.rows_found",
            f"section {ix.section or '?'}: no index row was read under 【基本方針事業一覧】",
            ix.page,
            ix.bbox,
            "program_index",
            key=f"section {ix.section}",
        )
        for ix in facts.index_labels
        if ix.rows == 0
    ]


def toc_headings(facts: ExtractionFacts) -> list[Finding]:
    """Every heading the 目次 names is printed on the page it names."""
    return [
        Finding(
            "document.toc_headings",
            f"目次 entry {t.entry.label!r}: not found on printed page {t.entry.printed_page} (PDF page {t.page})",
            t.entry.toc_page,
            t.entry.bbox,
            key=t.entry.label,
            expected=t.entry.printed_page,
            other=Place(t.page),
        )
        for t in facts.toc
        if t.page is not None and not t.found
    ]


def extent(facts: ExtractionFacts) -> list[Finding]:
    """The pages the 目次 announces are there: none missing at the start or the end."""
    last = facts.last_printed
    return [
        Finding(
            "document.extent",
            f"目次 entry {t.entry.label!r} names printed page {t.entry.printed_page}, which is not in the PDF"
            + (
                f" (its last printed page is {last})"
                if last is not None
                else " (no page prints its number)"
            ),
            t.entry.toc_page,
            t.entry.bbox,
            key=t.entry.label,
            observed=last,
            expected=t.entry.printed_page,
        )
        for t in facts.toc
        if t.entry.printed_page is not None and t.page is None
    ]


def unmapped_text(facts: ExtractionFacts) -> list[Finding]:
    return [
        Finding(
            "text.unmapped",
            f"{count} glyph(s) of font {font} have no character (e.g. {sample!r}): the font has no usable ToUnicode map",
            p.number,
            key=font,
            observed=count,
        )
        for p in facts.pages
        for font, (count, sample) in sorted(p.unmapped.items())
    ]


def rotated_text(facts: ExtractionFacts) -> list[Finding]:
    return [
        Finding(
            "text.not_upright",
            f"{p.not_upright} of the page's glyphs are not upright (a rotated page or text) and were not read",
            p.number,
            observed=p.not_upright,
        )
        for p in facts.pages
        if p.not_upright
    ]


def parser_messages(facts: ExtractionFacts) -> list[Finding]:
    """What the PDF parser logged while reading a page: data loss is an error, the rest
    a note for the reviewer."""
    out = []
    for p in facts.pages:
        for message in dict.fromkeys(p.parser_messages):
            check = (
                "document.parser_data_loss"
                if DATA_LOSS.search(message)
                else "document.parser_notes"
            )
            out.append(Finding(check, f"the PDF parser reported: {message}", p.number))
    return out


def unassigned_glyphs(facts: ExtractionFacts) -> list[Finding]:
    """Text the report prints that no record was read from and no zone explains."""
    out = []
    for a in facts.accounts:
        if a.unassigned <= SETTINGS.unassigned_glyphs_per_page:
            continue
        for text, bbox in a.unassigned_lines[: SETTINGS.accounting_cases_per_page]:
            out.append(
                Finding(
                    "glyphs.unassigned",
                    f"{a.unassigned} of the page's {a.glyphs} glyphs went to no record: {text!r}",
                    a.page,
                    bbox,
                    observed=text,
                )
            )
    return out


def glyphs_assigned_twice(facts: ExtractionFacts) -> list[Finding]:
    """Text two records were read from: one of them took what is not its own."""
    return [
        Finding(
            "glyphs.assigned_twice",
            f"{text!r} was read into two records: {owners[0]} and {owners[1]}",
            a.page,
            bbox,
            key=" / ".join(owners),
            observed=text,
        )
        for a in facts.accounts
        for text, bbox, owners in a.twice_lines[: SETTINGS.accounting_cases_per_page]
    ]
