"""One join vocabulary over the program datasets: every one carries `section` and
`policy_nos`, and `policy_no` where a row belongs to one policy.

The report names a program by its policy (別紙1's bands ①…⑧) in the program list and by its
section ("6-7": ⑥ and ⑦ share one) in the cards and indexes; the cards and indexes say which
policies each section covers, so each dataset gets the other's names from them.
"""

from __future__ import annotations

import pandas as pd


def sections_of_policies(cards: pd.DataFrame, index: pd.DataFrame) -> dict[int, str]:
    """Policy → the section whose cards or index cover it (as printed: "6-7")."""
    out: dict[int, str] = {}
    for frame in (cards, index):
        for section, policies in zip(frame["section"], frame["policy_nos"], strict=True):
            for p in policies:
                out.setdefault(int(p), str(section))
    return out


def policies_of_section(section: object) -> list[int]:
    """ "6-7" → [6, 7]; a section is named by the policies it covers."""
    if section is None or pd.isna(section):
        return []
    return [int(n) for n in str(section).split("-") if n.isdigit()]


def _one(policies: list[int]) -> int | None:
    return policies[0] if len(policies) == 1 else None


def add_join_columns(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames with the join columns filled in (a new frame per dataset changed)."""
    cards, index = frames["program_cards"], frames["program_index"]
    sections = sections_of_policies(cards, index)
    cards = cards.assign(policy_no=[_one(list(p)) for p in cards["policy_nos"]])
    index = index.assign(policy_no=[_one(list(p)) for p in index["policy_nos"]])
    card_policies = {
        (s, n): list(p)
        for s, n, p in zip(cards["section"], cards["card_no"], cards["policy_nos"], strict=True)
    }
    indicators = frames["indicators"]
    ind_policies = [
        card_policies.get((s, n), policies_of_section(s))
        for s, n in zip(indicators["section"], indicators["card_no"], strict=True)
    ]
    indicators = indicators.assign(
        policy_nos=ind_policies, policy_no=[_one(p) for p in ind_policies]
    )
    programs = frames["programs"]
    known = [None if p is None or pd.isna(p) else int(p) for p in programs["policy_no"]]
    programs = programs.assign(
        section=[sections.get(p) if p is not None else None for p in known],
        policy_nos=[[p] if p is not None else [] for p in known],
    )
    return {
        **frames,
        "program_cards": cards,
        "program_index": index,
        "indicators": indicators,
        "programs": programs,
        "program_totals": _totals(frames["program_totals"], sections),
    }


def _totals(totals: pd.DataFrame, sections: dict[int, str]) -> pd.DataFrame:
    """A subtotal of a policy gets its section; an index subtotal its policies."""
    section, policy_no, policy_nos = [], [], []
    for s, p in zip(totals["section"], totals["policy_no"], strict=True):
        if p is not None and not pd.isna(p):
            policies = [int(p)]
            s = sections.get(int(p)) if s is None or pd.isna(s) else s
        else:
            policies = policies_of_section(s)
            p = _one(policies)
        section.append(None if s is None or pd.isna(s) else s)
        policy_no.append(p)
        policy_nos.append(policies)
    return totals.assign(section=section, policy_no=policy_no, policy_nos=policy_nos)
