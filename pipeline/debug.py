"""`nenpo debug`: what the extractor saw on one page, drawn over the page image.

Like pdfplumber's `debug_tablefinder`, but for the whole reading: rules, table
grids and cells, policy headings, cards and their text, indicator rows,
narrative blocks, page labels and any glyphs no record took. The extraction
runs on the whole document (cards and tables continue across pages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from pipeline.errors import InputError
from pipeline.extract.cards import ProgramCard
from pipeline.extract.document import open_document
from pipeline.extract.layout import BBox, PageLayout
from pipeline.extract.report import body_text_size, extract_report, prepare_page
from pipeline.extract.sections import POLICY_HEADING, PlacedLine, looks_like_heading
from pipeline.extract.tables import find_tables

# Layer → (stroke, fill) as RGBA; the legend prints them by name.
LAYERS = {
    "rule": ((220, 0, 0, 230), None),
    "table": ((0, 60, 220, 230), None),
    "cell": ((0, 120, 255, 140), (0, 120, 255, 18)),
    "heading": ((0, 150, 0, 230), (0, 200, 0, 50)),
    "card": ((240, 130, 0, 230), None),
    "card text": ((240, 130, 0, 90), (240, 160, 0, 30)),
    "indicator row": ((0, 170, 170, 200), (0, 200, 200, 30)),
    "narrative": ((140, 0, 200, 200), (160, 60, 220, 25)),
    "page label": ((120, 120, 120, 230), (120, 120, 120, 40)),
    "unassigned": ((255, 0, 200, 255), (255, 0, 200, 70)),
}


@dataclass
class PageDrawing:
    page: int
    boxes: dict[str, list[BBox]] = field(default_factory=dict)

    def add(self, layer: str, bbox: BBox) -> None:
        self.boxes.setdefault(layer, []).append(bbox)


def what_was_seen(pdf: Path, number: int) -> PageDrawing:
    doc = open_document(pdf, prepare=prepare_page)
    if not 1 <= number <= len(doc.pages):
        raise InputError(f"{pdf}: no PDF page {number} (the PDF has {len(doc.pages)} pages)")
    ex = extract_report(doc)
    page = doc.page(number)
    seen = PageDrawing(number)
    for t in find_tables(page, (0.0, 0.0, page.width, page.height)):
        seen.add("table", t.bbox)
        for cell in t.cells:
            seen.add("cell", cell.bbox)
    body = body_text_size(doc)
    for ln in page.lines():
        pl = PlacedLine(page, ln)
        if page.is_footer(ln):
            seen.add("page label", ln.bbox)
        elif POLICY_HEADING.match(ln.text.strip()) and looks_like_heading(pl, body):
            seen.add("heading", ln.bbox)
    _cards_seen(seen, ex.cards, page)
    for block in ex.narrative:
        for pl in block.lines:
            if pl.page is page:
                seen.add("narrative", pl.line.bbox)
    account = ex.facts.accounts[number - 1]  # counted by the extraction itself
    for _text, bbox in account.unassigned_lines:
        seen.add("unassigned", bbox)
    seen.boxes["rule"] = [
        (r.start, r.pos, r.end, r.pos) if r.horizontal else (r.pos, r.start, r.pos, r.end)
        for r in page.rules
    ]
    return seen


def _cards_seen(seen: PageDrawing, cards: list[ProgramCard], page: PageLayout) -> None:
    on_page = {id(g) for g in page.glyphs}
    for card in cards:
        if card.source_page == page.number:
            seen.add("card", card.bbox)
        for ln in card.text_lines:
            if ln.glyphs and id(ln.glyphs[0]) in on_page:
                seen.add("card text", ln.bbox)
        for indicators in card.tables:
            for row in indicators.rows:
                if row.page == page.number:
                    seen.add("indicator row", row.bbox)


def draw_page(pdf: Path, number: int, out: Path, resolution: int = 110) -> PageDrawing:
    """Draw what was seen on page `number` (1-based) into the PNG `out`."""
    seen = what_was_seen(pdf, number)
    with pdfplumber.open(pdf) as doc:
        image = doc.pages[number - 1].to_image(resolution=resolution)
        for layer, (stroke, fill) in LAYERS.items():
            for box in seen.boxes.get(layer, []):
                if layer == "rule":
                    image.draw_line(
                        [(box[0], box[1]), (box[2], box[3])], stroke=stroke, stroke_width=2
                    )
                else:
                    image.draw_rect(
                        box,
                        fill=fill or (0, 0, 0, 0),
                        stroke=stroke,
                        stroke_width=2 if fill is None else 1,
                    )
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(out)
    return seen
