"""The datasets' closed vocabularies, one enum each: written by normalize, extract and
records, checked by the schemas (`isin`), described in the data dictionary.

Members are strings (`ValueStatus.REPORTED == "reported"`), so frames and files hold
the plain value.
"""

from __future__ import annotations

from enum import Enum


class Vocabulary(str, Enum):
    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def values(cls) -> list[str]:
        return [str(m.value) for m in cls]


class ValueStatus(Vocabulary):
    """What an indicator cell holds."""

    REPORTED = "reported"  # a quantity
    NOT_REPORTED = "not_reported"  # "—", "-", blank
    NOT_HELD = "not_held"  # "中止", "…実績なし"
    MULTIPLE = "multiple"  # two quantities in one cell
    TEXT = "text"  # words without a quantity ("随時")


class Qualifier(Vocabulary):
    """A word before an indicator's number ("延べ" also stands for a printed "延")."""

    ABOUT = "約"
    IN_TOTAL_OVER_TIMES = "延べ"
    EACH = "各"
    TOTAL = "計"
    AT_MOST = "最大"
    CUMULATIVE = "累計"


class BlockKind(Vocabulary):
    """What a narrative block is (descriptions: schemas.narrative.KIND_DESCRIPTIONS)."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    BULLET = "bullet"
    MEASURE_TITLE = "measure_title"
    FIGURE_CAPTION = "figure_caption"
    TABLE_CAPTION = "table_caption"
    FIGURE_SOURCE = "figure_source"
    NOTE = "note"
    UNIT_LINE = "unit_line"
    CASE_STUDY_SUBJECT = "case_study_subject"
    CASE_STUDY_TITLE = "case_study_title"
    CASE_STUDY = "case_study"
    PHOTO_CAPTION = "photo_caption"
    ARTICLE = "article"


class IdentityMethod(Vocabulary):
    """How program_crosswalk gave a program of a year its id."""

    FIRST_SEEN = "first_seen"  # a new program: its id is derived from this key
    EXACT = "exact"  # the key was seen in an earlier year
    FUZZY = "fuzzy"  # a near-identical name of an earlier year (with its score)


class ListMatch(Vocabulary):
    """How an index row was matched to the program list's row."""

    EXACT = "exact"
    FUZZY = "fuzzy"
    NONE = "none"
