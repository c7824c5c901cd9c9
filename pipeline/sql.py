"""DuckDB views over the curated store, so SQL sees the schema's types.

DuckDB types a Hive partition key by its values (fiscal_year=2020 → BIGINT) unless told
otherwise; the schema says int32. Each view reads its dataset with
`hive_types={'fiscal_year': INTEGER}`, so a join with the crosswalk, whose files hold
fiscal_year as int32, needs no cast. `nenpo sql` prints them.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import NotPublished
from schemas import CROSS_RELEASE, MODULES
from schemas.common import PARTITION


def duckdb_views(out: Path) -> str:
    """CREATE VIEW statements, one per published dataset, with absolute paths (the
    statements run from any directory)."""
    root = out.resolve()
    statements = []
    for name in MODULES:
        if any((root / name).glob(f"{PARTITION}=*/*.parquet")):
            source = (
                f"read_parquet({_quoted(root / name / '*' / '*.parquet')}, "
                f"hive_partitioning = true, hive_types = {{'{PARTITION}': INTEGER}})"
            )
            statements.append(_view(name, source))
    for name in CROSS_RELEASE:
        if any((root / name).glob("*.parquet")):
            source = f"read_parquet({_quoted(root / name / '*.parquet')})"
            statements.append(_view(name, source))
    if not statements:
        raise NotPublished(f"{out}: nothing published (run `nenpo run` first)")
    return "\n".join(statements) + "\n"


def _view(name: str, source: str) -> str:
    return f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM {source};'


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
