"""program_crosswalk: one program_id per program, whatever year.

Years are processed oldest first. Within a year the program list is the
authority: each of its keys is one program. A key seen in an earlier year keeps
that year's id (exact); a new key takes the id of the most similar program not
yet matched this year when the names are near-identical (fuzzy, with the
score); otherwise it is a new program. Names that a year's cards or index print
differently from its program list are matched to that year's list by
similarity. Ids are derived from the key a program was first seen with, so
adding a later year never changes an earlier id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline.errors import InputError
from pipeline.load import CROSSWALK, load
from pipeline.normalize.text import SIMILARITY, name_similarity
from pipeline.releases import pipeline_version, published_years
from pipeline.write.parquet import write_partition
from schemas import CROSS_RELEASE, CROSS_RELEASE_MODULES
from schemas.vocabulary import IdentityMethod


def _most_similar(names: Iterable[str], key: str) -> str:
    return max(names, key=lambda k: name_similarity(k, key))


def _new_id(key: str, taken: set[str]) -> str:
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    n = 10
    while f"P{digest[:n]}" in taken:
        n += 1
    return f"P{digest[:n]}"


Assignment = tuple[str, IdentityMethod, float | None, str | None]  # id, method, score, matched


class _Identities:
    """The ids given so far, oldest year first: each id's keys, each key's first id."""

    def __init__(self) -> None:
        self.keys_of: dict[str, set[str]] = {}  # program_id → keys seen so far
        self.id_of_key: dict[str, str] = {}

    def new(self, key: str) -> Assignment:
        pid = _new_id(key, set(self.keys_of))
        self.keys_of[pid] = set()
        return (pid, IdentityMethod.FIRST_SEEN, None, None)

    def listed(self, keys: list[str]) -> dict[str, Assignment]:
        """A year's program list keys: seen before (exact), renamed (best pairs first,
        each earlier program at most once a year), or new."""
        assigned: dict[str, Assignment] = {}
        used: set[str] = set()
        pending = []
        for key in keys:
            pid = self.id_of_key.get(key)
            if pid is not None and pid not in used:
                assigned[key] = (pid, IdentityMethod.EXACT, 1.0, key)
                used.add(pid)
            else:
                pending.append(key)
        candidates = []
        for key in pending:
            for pid, known in self.keys_of.items():
                if pid in used:
                    continue
                best = _most_similar(known, key)
                score = name_similarity(best, key)
                if score >= SIMILARITY.renamed_program:
                    candidates.append((score, key, pid, best))
        for score, key, pid, best in sorted(candidates, key=lambda c: (-c[0], c[1])):
            if key not in assigned and pid not in used:
                assigned[key] = (pid, IdentityMethod.FUZZY, round(score, 4), best)
                used.add(pid)
        for key in pending:
            if key not in assigned:
                assigned[key] = self.new(key)
        return assigned

    def other_spelling(self, key: str, list_keys: list[str], assigned: dict) -> Assignment:
        """A name the year's cards or index print otherwise → that year's list name."""
        best = max(list_keys, key=lambda k: name_similarity(k, key), default=None)
        score = name_similarity(best, key) if best else 0.0
        if best is not None and score >= SIMILARITY.same_program:
            return (assigned[best][0], IdentityMethod.FUZZY, round(score, 4), best)
        if key in self.id_of_key:
            return (self.id_of_key[key], IdentityMethod.EXACT, 1.0, key)
        return self.new(key)

    def seen(self, key: str, pid: str) -> None:
        self.keys_of.setdefault(pid, set()).add(key)
        self.id_of_key.setdefault(key, pid)


CROSSWALK_COLUMNS = [
    "program_id",
    "fiscal_year",
    "program_key",
    "program_name",
    "match_method",
    "match_score",
    "matched_key",
]


def build_crosswalk(names: pd.DataFrame) -> pd.DataFrame:
    """names: fiscal_year, program_key, program_name, from_list (bool: a program list row).

    Returns one row per (fiscal_year, program_key): program_id, match_method
    (first_seen | exact | fuzzy), match_score, matched_key.
    """
    rows: list[dict] = []
    ids = _Identities()
    for fy in sorted(names["fiscal_year"].unique()):
        year = names[names["fiscal_year"] == fy].drop_duplicates("program_key")
        listed = year[year["from_list"].astype(bool)]
        others = year[~year["program_key"].isin(set(listed["program_key"]))]
        list_keys = list(listed["program_key"])
        assigned = ids.listed(list_keys)
        for key in others["program_key"]:
            assigned[key] = ids.other_spelling(key, list_keys, assigned)
        for _, r in year.iterrows():
            pid, method, score, matched = assigned[r["program_key"]]
            ids.seen(r["program_key"], pid)
            rows.append(
                {
                    "program_id": pid,
                    "fiscal_year": int(fy),
                    "program_key": r["program_key"],
                    "program_name": r["program_name"],
                    "match_method": method,
                    "match_score": score,
                    "matched_key": matched,
                }
            )
    walk = pd.DataFrame(rows, columns=CROSSWALK_COLUMNS)
    return walk.astype({"fiscal_year": "Int64", "match_score": "Float64", "matched_key": "string"})


def crosswalk_names(
    programs: pd.DataFrame, cards: pd.DataFrame, index: pd.DataFrame
) -> pd.DataFrame:
    """Every (year, key) the datasets print, with a representative name; list rows first."""
    parts = [
        # A (再掲) row re-lists a program: it never founds one, even when spelled differently.
        programs.sort_values(["fiscal_year", "row_no"]).assign(
            from_list=lambda d: ~d["is_repost"].astype(bool)
        )[["fiscal_year", "program_key", "program_name", "from_list"]],
        cards.sort_values(["fiscal_year", "section", "card_no"]).assign(from_list=False)[
            ["fiscal_year", "program_key", "program_name", "from_list"]
        ],
        index.sort_values(["fiscal_year", "section", "no"]).assign(from_list=False)[
            ["fiscal_year", "program_key", "program_name", "from_list"]
        ],
    ]
    names = pd.concat(parts, ignore_index=True)
    # Repost rows share their key; a key is "listed" if any list row has it.
    names = names.sort_values(["fiscal_year", "from_list"], ascending=[True, False], kind="stable")
    return names.drop_duplicates(["fiscal_year", "program_key"]).reset_index(drop=True)


def stage_crosswalk(
    staging: Path, out: Path, fiscal_year: int, frames: dict[str, pd.DataFrame]
) -> list[str]:
    """program_crosswalk over every published release with this one's rows in place of
    what it had published, staged to be swapped in with the release. A release whose
    files cannot be read is left out, and said so (one line each)."""

    names = ("programs", "program_cards", "program_index")
    unreadable: list[str] = []
    parts: dict[str, list[pd.DataFrame]] = {n: [frames[n]] for n in names}
    for year in published_years(out):
        if year == fiscal_year:
            continue
        try:
            loaded = {n: load(n, years=[year], out=out, with_program_id=False) for n in names}
        except (InputError, OSError, pa.ArrowException) as e:
            unreadable.append(
                f"fiscal year {year}: its published files could not be read and are not in "
                f"the crosswalk ({type(e).__name__}: {' '.join(str(e).split())[:200]})"
            )
            continue
        for n in names:
            parts[n].append(loaded[n])
    combined = {n: pd.concat(parts[n], ignore_index=True) for n in names}
    walk = build_crosswalk(crosswalk_names(*(combined[n] for n in names)))
    model = CROSS_RELEASE[CROSSWALK]
    module = CROSS_RELEASE_MODULES[CROSSWALK]
    model.validate(walk, lazy=True)
    meta = {"dataset": CROSSWALK, "pipeline_version": pipeline_version()}
    write_partition(
        walk, model, module.SORT_KEYS, staging / CROSSWALK, meta,
        partitioned=False,
    )  # fmt: skip
    return unreadable
