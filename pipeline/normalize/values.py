"""Indicator cell values: "1,514件" → 1514.0 件, with status and qualifier.

The raw text is always kept by the caller; these functions only add meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.normalize.text import nfkc
from schemas.vocabulary import Qualifier, ValueStatus

_DASHES = set("-‐‑‒–—―−－ー~〜 ")
_NOT_HELD = re.compile(r"中止|実績なし|未実施|開催なし|見送")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+")
_QUANTITY = re.compile(
    r"^(?P<qual>約|延べ|延|各|計|最大|累計)?\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[^\d\s()（）]*)$"
)


@dataclass(frozen=True)
class ParsedValue:
    value: float | None
    unit: str | None
    qualifier: Qualifier | None
    status: ValueStatus
    # Dates or a period printed in brackets after the quantity ("2回 (7月, 1月)").
    note: str | None = None


def parse_number(text: str) -> float | None:
    """ "1,514" → 1514.0; "▲3.3" / "△3.3" → -3.3; anything else → None."""
    t = nfkc(text).strip().replace(" ", "")
    sign = 1.0
    if t[:1] in ("▲", "△", "-", "−"):
        sign, t = -1.0, t[1:]
    if not t or not re.fullmatch(r"\d[\d,]*(?:\.\d+)?|\.\d+", t):
        return None
    if "," in t and not re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", t):
        return None
    return sign * float(t.replace(",", ""))


def parse_value(raw: str | None) -> ParsedValue:
    """Meaning of one indicator cell as printed."""
    text = nfkc(raw or "").strip()
    if not text or all(ch in _DASHES for ch in text):
        return ParsedValue(None, None, None, ValueStatus.NOT_REPORTED)
    if _NOT_HELD.search(text):
        return ParsedValue(None, None, None, ValueStatus.NOT_HELD)
    numbers = _NUMBER.findall(text)
    if not numbers:
        return ParsedValue(None, None, None, ValueStatus.TEXT)
    if len(numbers) > 1:
        return _dated_quantity(text) or ParsedValue(None, None, None, ValueStatus.MULTIPLE)
    m = _QUANTITY.match(text)
    if not m:
        # One number inside other words ("R2年度のみ", "(累計)3件"): kept as text, not guessed.
        return ParsedValue(None, None, None, ValueStatus.TEXT)
    value = parse_number(m.group("num"))
    unit = m.group("unit")
    if value is None or (unit and "\u3041" <= unit[-1] <= "\u309f"):
        # "3件のみ": words after the unit are not a unit; kept as text, not guessed.
        return ParsedValue(None, None, None, ValueStatus.TEXT)
    qual = m.group("qual")
    qualifier = Qualifier.IN_TOTAL_OVER_TIMES if qual == "延" else Qualifier(qual) if qual else None
    return ParsedValue(value, unit or None, qualifier, ValueStatus.REPORTED)


# "2回 (7月, 1月)", "232億円 (R元年1月～12月)": one quantity, then when it was counted.
_TRAILING_BRACKET = re.compile(r"^(?P<quantity>[^()（）]+?)\s*[(（](?P<note>[^()（）]+)[)）]$")
_DATE = r"(?:令和|平成|昭和|[RHS])?(?:\d+|元)(?:年度|年|月|日)"
_DATES = re.compile(rf"^{_DATE}(?:[\s,、・～~\-－/／]*{_DATE})*$")


def _dated_quantity(text: str) -> ParsedValue | None:
    """A single quantity followed by the dates or period it covers, in brackets: the
    quantity's value, with the bracket kept as its note; None for anything else."""
    m = _TRAILING_BRACKET.match(text)
    if not m or not _DATES.match(m.group("note").strip()):
        return None
    v = parse_value(m.group("quantity"))
    if v.status is not ValueStatus.REPORTED:
        return None
    return ParsedValue(v.value, v.unit, v.qualifier, v.status, m.group("note").strip())


# One quantity of a cell that prints several: "19名", "延258名", "33千円", "(延べ20回)".
_PART = re.compile(r"(?:約|延べ|延|各|計|最大|累計)?\s*\d[\d,]*(?:\.\d+)?\s*[^\d\s()（）・、,/／]*")
_BETWEEN_PARTS = re.compile(r"^[\s・、,/／()（）]*$")
_BRACKETED = re.compile(r"[(（]([^()（）]*)[)）]")


@dataclass(frozen=True)
class CellPart:
    text: str  # the quantity as printed: "14事業者", "延258名"
    name: str | None = None  # the words the cell prints before it: "省エネ診断"


def split_parts(raw: str | None) -> list[CellPart] | None:
    """The quantities of a cell that prints several and can be told apart: quantities
    alone ("19名・4名", "68回 延258名", "7事業者 (延べ20回)") or each after its own name
    ("省エネ診断 14事業者 アフターフォロー 3事業者"); None for anything else."""
    text = nfkc(raw or "").strip()
    return _quantities_alone(text) or _named_quantities(text)


def _quantities_alone(text: str) -> list[CellPart] | None:
    """Nothing but quantities, and no bracket holding more than one: "2回 (7月, 1月)" is
    one quantity and its dates."""
    if any(len(_PART.findall(b)) != 1 for b in _BRACKETED.findall(text)):
        return None
    parts = [m for m in _PART.finditer(text)]
    if len(parts) < 2:
        return None
    rest = _PART.sub("", text)
    if not _BETWEEN_PARTS.match(rest):
        return None
    found = [CellPart(m.group(0).strip()) for m in parts]
    return found if all(_reported(p.text) for p in found) else None


# "省エネ診断 14事業者": a name of words (no digits, brackets or notes), then a quantity
# that ends where the next name begins after a space or a list mark.
_NAMED_PART = re.compile(
    r"(?P<name>[^\d\s()（）【】※・、,/／]{2,}?)\s*"
    r"(?P<quantity>(?:約|延べ|延|各|計|最大|累計)?\d[\d,]*(?:\.\d+)?[^\d\s()（）・、,/／]*)"
    r"(?:[\s・、,/／]+|$)"
)


def _named_quantities(text: str) -> list[CellPart] | None:
    parts, at = [], 0
    while at < len(text):
        m = _NAMED_PART.match(text, at)
        if not m or m.end() == at:
            return None
        parts.append(CellPart(m.group("quantity"), m.group("name")))
        at = m.end()
    ok = len(parts) >= 2 and all(_reported(p.text) for p in parts)
    return parts if ok else None


def _reported(text: str) -> bool:
    return parse_value(text).status is ValueStatus.REPORTED


def part_labels(label: str, raw: str | None, n: int) -> list[str | None]:
    """What each part measures, where the label names the parts in the cell's order
    ("入校者数・就職者数" over "19名・4名"): only when the cell parts them with ・ or 、 as
    a list does, and the label has as many names; else none is guessed."""
    text = nfkc(raw or "")
    listed = "・" in text or "、" in text
    names = [x.strip() for x in re.split(r"[・、]", nfkc(label)) if x.strip()]
    return list(names) if listed and len(names) == n else [None] * n
