"""Review decisions: a reviewer accepts a case with a reason, and the decision lasts.

Every case of a report has an id, a hash of its check, the record it concerns and the
values it compares (with its page when it names no record): the same case of a re-run of
the same source has the same id, a changed value opens a new one. Decisions live in
`review.toml` beside a release's PDF (`raw/<release>/review.toml`), a small file a person
can read, edit and commit; `nenpo review accept` writes it. A run reads its release's file
and those of the releases beside it, so a case accepted for one edition shows as accepted
in another where it recurs unchanged.

An accepted case shows as accepted (who, why, when) and no longer counts as open. An
accepted error still blocks publishing without --allow-errors: acceptance records a
judgement, it does not change what the document says.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REVIEW_FILE = "review.toml"
HEADER = """\
# Review decisions for this release's validation report (written by `nenpo review accept`;
# edit by hand if you like). An accepted case shows as accepted, with who, when and why, and
# no longer counts as open; an accepted error still blocks publishing without --allow-errors.
# After editing by hand, `nenpo validate` rewrites the published report.
"""


@dataclass(frozen=True)
class Decision:
    case: str
    by: str
    at: str
    note: str
    check: str
    file: str  # the review file that holds it


def case_id(case: dict) -> str:
    """`check:hash` of the check, the record key and the values (the page and message
    when the case names no record and no values)."""
    basis: dict = {
        "check": case.get("check"),
        "key": case.get("key"),
        "observed": case.get("observed"),
        "expected": case.get("expected"),
    }
    if basis["key"] is None:
        basis["page"] = case.get("page")
        if basis["observed"] is None and basis["expected"] is None:
            basis["message"] = case.get("message")
    text = json.dumps(basis, ensure_ascii=False, sort_keys=True, default=str)
    return f"{case.get('check')}:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}"


def review_files(pdf: Path | None, raw: Path | None = None) -> list[Path]:
    """The review files a release's report reads: its own (beside its PDF) first, then
    those of the other releases under raw/."""
    own = pdf.parent / REVIEW_FILE if pdf is not None else None
    others = sorted(raw.glob(f"*/{REVIEW_FILE}")) if raw is not None and raw.is_dir() else []
    files = ([own] if own is not None else []) + [f for f in others if f != own]
    return [f for f in files if f.is_file()]


def read_decisions(files: list[Path]) -> dict[str, Decision]:
    """Accepted cases by id; a file earlier in `files` wins. A damaged file is an error."""
    out: dict[str, Decision] = {}
    for path in reversed(files):
        for d in _read_file(path):
            out[d.case] = d
    return out


def _read_file(path: Path) -> list[Decision]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"{path}: unreadable review file ({e})") from e
    entries = data.get("accepted", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(f"{path}: not a nenpo review file ([[accepted]] entries)")
    out = []
    for n, entry in enumerate(entries, start=1):
        case, note = entry.get("case"), str(entry.get("note", ""))
        if not isinstance(case, str) or not note.strip():
            raise InputError(f"{path}: accepted entry {n} needs a case id and a note (why)")
        check = str(entry.get("check", case.split(":")[0]))
        by, at = str(entry.get("by", "")), str(entry.get("at", ""))
        out.append(Decision(case, by, at, note, check, str(path)))
    return out


def apply_reviews(report: dict, decisions: dict[str, Decision], files: list[Path]) -> dict:
    """Mark each case open or accepted (with who, when, why and where it was decided)
    and count both, per check and in the summary. Returns the report."""
    totals = {"open": 0, "accepted": 0, "accepted_errors": 0}
    for check in report["checks"]:
        opened = accepted = 0
        for case in check["cases"]:
            case["id"] = case_id(case)
            d = decisions.get(case["id"])
            case["review"] = (
                {"status": "accepted", "by": d.by, "at": d.at, "note": d.note, "file": d.file}
                if d
                else {"status": "open"}
            )
            if d:
                accepted += 1
                totals["accepted_errors"] += case.get("severity") == "error"
            else:
                opened += 1
        check["open"], check["accepted"] = opened, accepted
        totals["open"] += opened
        totals["accepted"] += accepted
    report["summary"]["review"] = totals
    report["review_files"] = [str(f) for f in files]
    return report


def accept(file: Path, case: str, check: str, by: str, at: str, note: str) -> None:
    """Record a decision in a review file (replacing an earlier one for the same case)."""
    if not note.strip():
        raise InputError("a decision needs a note: say why the case is accepted")
    kept = [d for d in (_read_file(file) if file.is_file() else []) if d.case != case]
    kept.append(Decision(case, by, at, note, check, str(file)))
    body = "".join(
        "\n[[accepted]]\n" + "".join(f"{k} = {_toml_string(v)}\n" for k, v in _fields(d))
        for d in kept
    )
    tmp = file.with_name(f".{file.name}.tmp")
    tmp.write_text(HEADER + body, encoding="utf-8")
    tmp.replace(file)


def _fields(d: Decision) -> list[tuple[str, str]]:
    return [("case", d.case), ("check", d.check), ("by", d.by), ("at", d.at), ("note", d.note)]


def _toml_string(value: str) -> str:
    # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
