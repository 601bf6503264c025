"""A run's counts: files, parsed and quarantined, figures, issues by code."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from ..settings import duckdb_connect, table_glob


@dataclass
class RunSummary:
    """What a run wrote, in counts (its log line, the assets' metadata)."""

    files: int = 0
    parsed: int = 0
    quarantined: int = 0
    values: int = 0
    issues: int = 0
    checks: int = 0
    reparsed: int = 0  # files parsed this run (the others were copied from the last run)
    unchanged: bool = False  # nothing changed: the published Parquet was kept as it was
    linked: int = 0  # files whose folder part was linked whole from an earlier output
    resumed: int = 0  # files taken from the folder parts a run that did not finish had completed
    same_bytes: int = 0  # files whose time alone changed (copied or synced without it): their rows taken, not parsed
    moved: int = 0  # new paths of files gone from others (moved, renamed) with their bytes: their rows taken, not parsed
    damaged_parts: int = 0  # earlier outputs' parts not whole (a crash, a hand): their files parsed again
    folder_gone: bool = False  # a folder partition whose folder is gone from the raw folder (its part removed)
    layout_advice: list[str] = field(default_factory=list)  # what the raw folder's layout costs each run (corpus/layout.py)
    by_code: dict[str, int] = field(default_factory=lambda: defaultdict(int))


# The words for files whose rows came from an earlier output for a reason other than being
# unchanged, by RunSummary field: one wording for the step's log line and `ogi run`'s.
TAKEN_WITHOUT_PARSE = {
    "same_bytes": "of the kept files had new times, not new bytes",
    "moved": "moved or renamed with their bytes, their rows taken",
    "resumed": "taken up from a run that did not finish",
}


def taken_without_parse(counts: Mapping[str, object]) -> list[str]:
    """``TAKEN_WITHOUT_PARSE``'s words for the counts (a summary's fields, or the assets'
    metadata) that are not 0."""
    return [f"{counts[name]} {words}" for name, words in TAKEN_WITHOUT_PARSE.items() if counts.get(name)]


def summary_of(directory: Path) -> RunSummary:
    """The counts of a published run, for a run that changed nothing."""
    summary = RunSummary()
    with duckdb_connect() as db:
        summary.files, summary.parsed = db.execute(
            "select count(*), count(*) filter (where status = 'parsed') from read_parquet(?)",
            [table_glob(directory, "reports")]).fetchone()
        summary.quarantined = summary.files - summary.parsed
        summary.values, summary.checks = (
            sum(pq.ParquetFile(path).metadata.num_rows for path in (directory / table).glob("*.parquet"))
            for table in ("values", "identity_checks"))
        for code, count in db.execute("select code, count(*) from read_parquet(?) group by code order by code",
                                      [table_glob(directory, "issues")]).fetchall():
            summary.by_code[code] = count
            summary.issues += count
    return summary
