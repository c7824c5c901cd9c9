"""Which release a PDF is: the fiscal year from its cover/title, not from its path."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import LayoutError
from pipeline.extract.document import Document
from pipeline.normalize.era import find_fiscal_year
from pipeline.normalize.text import squash

TITLE_MARK = "年次報告"  # the report's title ends "…基本条例に基づく年次報告"
COVER_PAGES = 3  # the title is on the cover; a blank or inserted page may come first


@dataclass(frozen=True)
class Release:
    fiscal_year: int
    era: str
    era_label: str
    cover_page: int


def identify_release(doc: Document) -> Release:
    """Read the report's fiscal year from the title on its first pages."""
    for page in doc.pages[:COVER_PAGES]:
        lines = page.body_lines()
        text = "\n".join(ln.text for ln in lines)
        if TITLE_MARK not in squash(text):
            continue
        fy = find_fiscal_year(text)
        if fy is None:
            continue
        return Release(fy.year, fy.era, fy.label, page.number)
    raise LayoutError(
        f"{doc.path}: no cover with a '<era>N年度 …{TITLE_MARK}' title in the first {COVER_PAGES} pages;"
        " this does not look like the SME Promotion Ordinance annual report"
    )
