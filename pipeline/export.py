"""`nenpo export`: curated datasets as files a person opens in Excel.

CSV is UTF-8 with a byte-order mark (Excel then reads the Japanese text right), one
dataset per file. xlsx holds one sheet per dataset and a `dictionary` sheet with every
column's type and description. List columns (departments, section paths) are written
as JSON arrays, so a cell can be read back exactly.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from pipeline.errors import InputError
from pipeline.load import load

FORMATS = ("csv", "xlsx")
# Characters an xlsx cell cannot hold (XML 1.0 forbids them); dropped from the export.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def export(
    datasets: Sequence[str],
    fmt: str,
    to: Path,
    years: Iterable[int] | None = None,
    out: Path | str = "curated",
) -> Path:
    """Write the datasets (every fiscal year, or `years`) to `to`; returns the file."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    if fmt == "csv" and len(datasets) != 1:
        raise InputError("a CSV file holds one dataset: name exactly one (or use --format xlsx)")
    frames = {name: _cells(load(name, years=years, out=out)) for name in datasets}
    with _replacing(to) as tmp:
        if fmt == "csv":
            next(iter(frames.values())).to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            _write_xlsx(frames, tmp)
    return to


def _cells(df: pd.DataFrame) -> pd.DataFrame:
    """Values a spreadsheet shows as printed: lists as JSON arrays, missing as blank."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(_cell)
    return out


def _cell(value: object) -> object:
    if hasattr(value, "tolist"):  # a list column read back from Arrow: a numpy array
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False)
    return value


def _write_xlsx(frames: dict[str, pd.DataFrame], path: Path) -> None:
    from schemas.dictionary import column_rows

    dictionary = pd.DataFrame(column_rows())
    dictionary = dictionary[dictionary["dataset"].isin(list(frames))]
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, df in frames.items():
            _xml_safe(df).to_excel(writer, sheet_name=name[:31], index=False)
        dictionary.to_excel(writer, sheet_name="dictionary", index=False)


def _xml_safe(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: _NOT_IN_XML.sub("", v) if isinstance(v, str) else v)
    return out


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A file written beside `path` that replaces it when whole: never half an export."""
    if path.is_dir():
        raise InputError(f"{path}: is a folder; name the file to write")
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
