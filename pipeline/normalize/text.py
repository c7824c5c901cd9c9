"""Text assembly and keys: CJK-aware spacing from glyph geometry, NFKC keys.

PDF producers store Japanese text in three ways that all look alike on paper:
glyphs set tight, glyphs spread by justification or letter-spacing, and glyphs
with a small automatic gap where Japanese meets Latin text (Word's "autospace").
None of these gaps is a space. A real space is a gap clearly wider than the
line's own tracking; an explicit space glyph counts unless the whole line is
letter-spaced at least that wide.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

# Gap (beyond the line's tracking), in em of the glyph size, above which a
# glyph-less gap is read as a space. Japanese-Latin boundaries get more room
# because word processors add ~0.25em there without any space in the text.
SPACE_GAP_CJK_EM = 0.2
SPACE_GAP_LATIN_EM = 0.15
SPACE_GAP_MIXED_EM = 0.4
# An explicit space glyph narrower than this (beyond tracking) is letter-spacing.
EXPLICIT_SPACE_MIN_EM = 0.1


class GlyphLike(Protocol):
    text: str
    x0: float
    x1: float
    size: float


@functools.lru_cache(maxsize=8192)
def is_cjk(ch: str) -> bool:
    """True for characters set on a full-width grid (kana, kanji, full-width forms, CJK punctuation)."""
    if not ch:
        return False
    o = ord(ch[0])
    return (
        0x3000 <= o <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0x3400 <= o <= 0x9FFF  # CJK ideographs
        or 0xF900 <= o <= 0xFAFF
        or 0xFF01 <= o <= 0xFF60  # full-width forms
        or 0xFFE0 <= o <= 0xFFE6
        or 0x2460 <= o <= 0x24FF  # circled numbers
        or 0x2500 <= o <= 0x25FF  # box drawing, geometric shapes (○ △)
        or o in (0x2014, 0x2015, 0x2212, 0x203B, 0x2025, 0x2026)  # — ― − ※ ‥ …
    )


def _gap_threshold(left_cjk: bool, right_cjk: bool) -> float:
    if left_cjk and right_cjk:
        return SPACE_GAP_CJK_EM
    if not left_cjk and not right_cjk:
        return SPACE_GAP_LATIN_EM
    return SPACE_GAP_MIXED_EM


def join_glyphs(glyphs: Sequence[GlyphLike]) -> str:
    """Text of one visual line of glyphs sorted left to right, with spaces only where real."""
    visible = [g for g in glyphs if not g.text.isspace()]
    if not visible:
        return ""
    # Explicit space glyphs sitting between two visible glyphs, by the index of the glyph after.
    explicit_before: set[int] = set()
    if len(visible) < len(glyphs):
        vi = 0
        for g in glyphs:
            if g.text.isspace():
                if 0 < vi < len(visible):
                    explicit_before.add(vi)
            else:
                vi += 1
    # Every line of the document passes here: classify each glyph's ends once (is_cjk
    # reads a text's first character; most glyphs are one character).
    starts_cjk = [is_cjk(g.text) for g in visible]
    ends_cjk = (
        starts_cjk
        if all(len(g.text) == 1 for g in visible)
        else [is_cjk(g.text[-1]) for g in visible]
    )
    gaps = [b.x0 - a.x1 for a, b in zip(visible, visible[1:])]
    # The line's tracking (justification, letter-spacing) from same-script pairs:
    # the gaps a word processor adds between Japanese and Latin runs would inflate it.
    same = [gap for i, gap in enumerate(gaps) if ends_cjk[i] == starts_cjk[i + 1]]
    # A low quantile, not the median: real spaces are the high outliers, and a short
    # line has too few gaps for a median to stay clear of them.
    basis = sorted(same or gaps)
    tracking = max(0.0, basis[(len(basis) - 1) // 4]) if len(gaps) >= 2 else 0.0
    out = [visible[0].text]
    for i in range(1, len(visible)):
        a, b = visible[i - 1], visible[i]
        em = max(min(a.size, b.size), 1.0)
        extra = (gaps[i - 1] - tracking) / em
        if i in explicit_before:
            space = extra > EXPLICIT_SPACE_MIN_EM or len(gaps) < 2
        else:
            space = extra > _gap_threshold(ends_cjk[i - 1], starts_cjk[i])
        if space:
            out.append(" ")
        out.append(b.text)
    return "".join(out)


def join_wrapped(lines: Sequence[str]) -> str:
    """Join lines that wrap one paragraph or cell: no break between Japanese text or
    digits, one space between two Latin words the wrap separated, and one space where a
    line ends or starts with a space the PDF itself stores (a wrap at a real space)."""
    out = ""
    pending_space = False
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out and (
            pending_space
            or raw[:1].isspace()
            # Word processors wrap Latin text only at spaces, so a wrap between two
            # letters was a space; digits split by a wrap ("12|0") were one number.
            or (_ascii_letter(out[-1]) and _ascii_letter(line[0]))
        ):
            out += " "
        out += line
        pending_space = raw[-1:].isspace()
    return out


def _ascii_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def fold_width(text: str) -> str:
    """Full-width ASCII and the ideographic space to ASCII, leaving ①② and kana alone
    (NFKC would turn ② into "2", which reads as a card number)."""
    return text.translate(_FOLD_WIDTH)


_FOLD_WIDTH = {o: o - 0xFEE0 for o in range(0xFF01, 0xFF5F)} | {0x3000: " "}
_HALF_KANA = re.compile(r"[\uff61-\uff9f]+")
# A space stays only between two ASCII letters or digits ("Aomori Bank"); beside Japanese
# text or a bracket it is typesetting ("年少 (0-14歳)" is "年少(0-14歳)").
_TYPESET_SPACE = re.compile(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])")


def clean_text(text: str) -> str:
    """One spelling for what the report prints several ways: full-width letters, digits
    and brackets folded to ASCII, half-width kana to full-width, spaces collapsed and
    dropped where they only space Japanese text; ①② and kanji stay as printed."""
    t = _HALF_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), fold_width(text))
    return _TYPESET_SPACE.sub("", " ".join(t.split()))


def clean_prose(text: str) -> str:
    """clean_text for a heading or a paragraph: the space after its leading label stays
    ("1 令和2年度の…", "(2) 本県…", "① 事業所数"), it parts the label from the text."""
    t = " ".join(text.split())
    label = _LEADING_LABEL.match(fold_width(t))
    if label:
        return f"{clean_text(label.group(1))} {clean_text(t[label.end() :])}"
    return clean_text(t)


# A heading's, an item's, a caption's or a note's label before its text: 1, (2), ①,
# 第3, 第2条, (ア), 図3, 表1, 注1), 注).
_LEADING_LABEL = re.compile(
    r"^((?:\(?(?:\d{1,2}|[ア-ン])\)|\d{1,2}|[①-⑳]|第\d{1,2}[条章節]?|[図表]\d{1,2}|注\d{0,2}\)))"
    r" (?=\S)"
)


def with_raw(
    name: str, printed: str | None, clean_with: Callable[[str], str] = clean_text
) -> dict[str, str | None]:
    """A text column cleaned, and beside it `<name>_raw`: as printed where that differs."""
    if printed is None:
        return {name: None, f"{name}_raw": None}
    clean = clean_with(printed)
    return {name: clean, f"{name}_raw": printed if printed != clean else None}


def with_raw_paragraphs(name: str, printed: list[str]) -> dict[str, str | None]:
    """Paragraphs as one text column, one per line, each cleaned; `<name>_raw` as printed
    where that differs."""
    clean = "\n".join(clean_prose(p) for p in printed)
    raw = "\n".join(printed)
    return {name: clean, f"{name}_raw": raw if raw != clean else None}


def with_raw_list(
    name: str, printed: list[str], clean_with: Callable[[str], str] = clean_text
) -> dict[str, list[str] | None]:
    clean = [clean_with(p) for p in printed]
    return {name: clean, f"{name}_raw": list(printed) if clean != list(printed) else None}


_WS = re.compile(r"\s+")
_REPOST = re.compile(r"[(（]\s*再掲\s*[)）]\s*$")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def open_brackets(text: str) -> int:
    """Round brackets opened and not yet closed, full or half width."""
    t = nfkc(text)
    return t.count("(") - t.count(")")


def squash(text: str) -> str:
    """NFKC without any whitespace: for comparing text whose line breaks and spacing may differ.

    Normalized again after the spaces go: NFKC can leave a combining mark after a
    space ("¸" → " ̧"), which composes with the letter before once the space is gone.
    """
    return nfkc(_WS.sub("", nfkc(text)))


def program_key(name: str) -> str:
    """Stable join key for a program name: NFKC, no whitespace, without a trailing "(再掲)"."""
    return _REPOST.sub("", squash(name))


def is_repost(name: str) -> bool:
    return bool(_REPOST.search(squash(name)))


@dataclass(frozen=True)
class SimilaritySettings:
    """How alike two program names must be (name_similarity, 0..1) to be one program."""

    # A card's, an index's or a (再掲) row's spelling of a program list name, within one
    # edition; below it the two are different programs.
    same_program: float = 0.8
    # Across editions: a renamed program keeps its id (program_crosswalk).
    renamed_program: float = 0.85
    # Below this, card i is not the program the index's row i lists: a misread. Between
    # it and 1.0 the report merely spells the name two ways (index.card_name, a warning).
    card_of_index_row: float = 0.6


SIMILARITY = SimilaritySettings()


def name_similarity(a: str, b: str) -> float:
    """Similarity of two program names' keys, 0..1 (difflib ratio)."""
    ka, kb = program_key(a), program_key(b)
    if ka == kb:
        return 1.0
    return difflib.SequenceMatcher(None, ka, kb, autojunk=False).ratio()


# Radicals that browsers and word processors emit for ordinary kanji (a font's glyph for
# 長 found under the radical's code point). Kangxi radicals (U+2F00…) and compatibility
# ideographs (U+F900…, U+2F800…) have NFKC equivalents; most of the CJK Radicals
# Supplement (U+2E80…) has none, so the forms that stand for a whole character are
# mapped here to the ideograph Unicode names as their equivalent
# (EquivalentUnifiedIdeograph.txt). Component-only forms (氵-like) are left alone.
_RADICAL_SUPPLEMENT = {
    "⺟": "母", "⺠": "民", "⺝": "月", "⺩": "王", "⻁": "虎", "⻄": "西", "⻆": "角",
    "⻑": "長", "⻗": "雨", "⻘": "青", "⻝": "食", "⻣": "骨", "⻤": "鬼", "⻨": "麦",
    "⻩": "黄", "⻫": "斉", "⻭": "歯", "⻯": "竜", "⻲": "亀",
}  # fmt: skip


def _is_compatibility_ideograph(code: int) -> bool:
    return (
        0x2E80 <= code <= 0x2FDF  # radicals supplement, Kangxi radicals
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0x2F800 <= code <= 0x2FA1F  # … supplement
    )


# One printed character that JIS-based and Windows (cp932) toolchains put under different
# code points: the wave dash of "10月〜12月". The reports are written on Windows, so the
# cp932 form is the one text fields hold, whichever the producer's mapping emitted.
_JIS_VARIANTS = {"\u301c": "\uff5e"}


def without_controls(text: str) -> str:
    """Text without control and format characters (NUL, BEL, ESC, bidi overrides such as
    U+202E, the BOM, zero-width marks): a text layer's stowaways, which would reach the
    data and the terminal. Control whitespace (tab, newline) becomes a space."""
    if all(ch.isprintable() or ch == " " for ch in text):
        return text
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc":
            if ch in "\t\n\r\x0b\x0c":
                out.append(" ")
        elif category != "Cf":
            out.append(ch)
    return "".join(out)


def fold_ideographs(text: str) -> str:
    """Ordinary ideographs for radicals and compatibility ideographs ("⻑⽇" → "長日"),
    and one form for the wave dash; other text unchanged."""
    if not any(_is_compatibility_ideograph(ord(ch)) or ch in _JIS_VARIANTS for ch in text):
        return text
    out = []
    for ch in text:
        if _is_compatibility_ideograph(ord(ch)):
            ch = _RADICAL_SUPPLEMENT.get(ch) or unicodedata.normalize("NFKC", ch)
        out.append(_JIS_VARIANTS.get(ch, ch))
    return "".join(out)
