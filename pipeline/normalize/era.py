"""Japanese era years → Western years, in one place.

Handles 昭和/平成/令和 (also S/H/R), 元年, full-width digits, and the "bare"
year a report prints in its own era ("2年度" in a 令和 report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.normalize.text import nfkc

ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
ERA_LETTER = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}

_ERA_YEAR = re.compile(r"(明治|大正|昭和|平成|令和|[MTSHR])?\s*(元|\d{1,2})\s*年")
_LETTER_YEAR = re.compile(r"^([MTSHR])(元|\d{1,2})$")  # "R1", "H30"
_FISCAL = re.compile(r"(昭和|平成|令和)\s*(元|\d{1,2})\s*年度")


def era_to_year(era: str, year: str | int) -> int:
    """("令和", "元") → 2019; ("H", 28) → 2016."""
    era = ERA_LETTER.get(era.upper(), era) if len(era) == 1 else era
    if era not in ERA_START:
        raise ValueError(f"unknown era {era!r}")
    n = 1 if str(year) == "元" else int(year)
    if n < 1:
        raise ValueError(f"era year must be ≥ 1: {year!r}")
    return ERA_START[era] + n - 1


@dataclass(frozen=True)
class FiscalYear:
    year: int
    era: str
    label: str  # as printed, e.g. "令和2年度"


def find_fiscal_year(text: str) -> FiscalYear | None:
    """The first "<era><n>年度" in a text (the report's title)."""
    m = _FISCAL.search(nfkc(text))
    if not m:
        return None
    return FiscalYear(era_to_year(m.group(1), m.group(2)), m.group(1), m.group(0).replace(" ", ""))


def parse_year_label(label: str, default_era: str | None) -> int | None:
    """A column header such as "元年度", "2 年度", "平成30年度", "R2年度" → Western year.

    A label without an era is read in `default_era` (the report's own era).
    """
    text = nfkc(label).replace(" ", "")
    m = _ERA_YEAR.search(text) or _LETTER_YEAR.match(text.upper())
    if not m:
        return None
    era = m.group(1) or default_era
    if era is None:
        return None
    try:
        return era_to_year(era, m.group(2))
    except ValueError:
        return None


_PERIOD = re.compile(
    r"^(?P<e1>[MTSHR]|明治|大正|昭和|平成|令和)?(?P<y1>元|\d{1,2})(?:年度?)?"
    r"(?:\s*[-‐－~〜～]\s*(?:(?P<e2>[MTSHR]|明治|大正|昭和|平成|令和)?(?P<y2>元|\d{1,2})(?:年度?)?)?)?$"
)


@dataclass(frozen=True)
class Period:
    start: int | None
    end: int | None
    open_ended: bool  # "S45-": no end printed


def parse_period(raw: str | None, default_era: str | None = None) -> Period | None:
    """A program period: "H28-R7" → 2016–2025, "S45-" → 1970–, "R2" → 2020–2020,
    "R2-4" → 2020–2022 (the end keeps the start's era). None when unreadable."""
    if not raw:
        return None
    t = nfkc(raw).replace(" ", "").upper() if raw.isascii() else nfkc(raw).replace(" ", "")
    m = _PERIOD.match(t)
    if not m:
        return None
    e1 = m.group("e1") or default_era
    if e1 is None:
        return None
    try:
        start = era_to_year(e1, m.group("y1"))
        if m.group("y2") is None:
            dash = bool(re.search(r"[-‐－~〜～]", t))
            return Period(start, None if dash else start, dash)
        end = era_to_year(m.group("e2") or e1, m.group("y2"))
    except ValueError:
        return None
    return Period(start, end, False)
