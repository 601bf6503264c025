"""Asset checks on the Parquet written by the parse assets.

- ``every_raw_file_accounted_for`` (blocking): each raw file is one row of
  ``reports``, parsed or quarantined with a code. If it fails, dbt does not run.
  Files that came or went after the parse listed the raw folder (a crawl still
  writing) are counted and listed, but do not fail it: the next run takes them up.
- ``identities_hold``: identity failures (勾稽关系) counted and listed.
- ``no_file_failed_in_the_pipeline``: files quarantined for the pipeline's failure,
  not their content (a parser error, a file that could not be read, a parse past a
  limit, a worker that died), counted by code and listed: they may be reports.
- For each table, checks generated from ``orchestration.schema``: the unique
  key, the non-null columns and the accepted values.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import dagster as dg
import jinja2
import pyarrow as pa

from .. import locks
from ..corpus.listing import listing_time, raw_listing
from ..issue_codes import PIPELINE_FAILURES
from ..schema import TABLES, Table
from ..settings import DBT_PROJECT_DIR, duckdb_connect, load_settings
from .parsing import parquet_key

_LISTED = 20  # failures shown in a check's metadata


def _query(sql: str, *params) -> list[tuple]:
    with duckdb_connect() as connection:
        return connection.execute(sql, list(params)).fetchall()


def _parquet(table: str) -> str:
    return load_settings().parquet_glob(table)


def _reading(context: dg.AssetCheckExecutionContext):
    """No parse publishes (and removes the version read) while a check reads the tables."""
    return locks.reading_parquet(load_settings().data_dir, waiting=context.log.warning)


@dataclass
class RawFileAccounting:
    """How the raw folder's files and the rows of ``reports`` match: counts, and the
    first paths (sorted) of each kind of mismatch."""

    raw_files: int
    report_rows: int
    parsed: int
    quarantined: int
    missing_from_reports: list[str]
    not_on_disk: list[str]
    listed_twice: list[str]
    without_status_or_code: list[str]
    # Changed after the parse listed the raw folder (not failures: the next run takes them up).
    came_since_parse: list[str] = field(default_factory=list)
    gone_since_parse: list[str] = field(default_factory=list)
    came_since_parse_count: int = 0
    gone_since_parse_count: int = 0

    @property
    def passed(self) -> bool:
        return not (self.missing_from_reports or self.not_on_disk or self.listed_twice or self.without_status_or_code)


_MISMATCHES = {
    "missing_from_reports": "select source_path from on_disk anti join reports using (source_path)",
    "not_on_disk": "select distinct source_path from reports anti join on_disk using (source_path)",
    "listed_twice": "select source_path from reports group by source_path having count(*) > 1",
    "without_status_or_code": (
        "select source_path from reports where coalesce(status, '') not in ('parsed', 'quarantined') "
        "or (status = 'quarantined' and coalesce(quarantine_code, '') = '')"
    ),
}


def account_for_raw_files(raw_names: pa.StringArray, reports_parquet: str, raw_dir: Path | None = None,
                          listed_at: int | None = None,
                          disk_path: Callable[[str], str] | None = None) -> RawFileAccounting:
    """The raw files' recorded paths against ``reports``, in DuckDB under its memory cap.
    The paths come as an Arrow array, so the caller's Python list is gone by the query.

    Given when the parse began to list ``raw_dir`` (``listed_at``; ``disk_path``: a recorded
    path's path on disk, ``RawListing.disk_path``), a file with no row whose status changed
    since then (written, renamed or linked there) came after the listing, and a row whose
    file is gone went after it: both are counted apart, not as failures. A file older
    than the listing with no row is still missing: the parse should have had it.

    At a million files the check adds 266 MB to the Dagster process, the listing
    included (92 MB as a Python list); as Python sets and tuples, the comparison added
    404 MB, and grew with the files where DuckDB's share stays under its cap."""
    since = raw_dir is not None and listed_at is not None
    with duckdb_connect() as connection:
        connection.register("on_disk", pa.table({"source_path": raw_names}))
        connection.read_parquet(reports_parquet).create_view("reports")
        rows, parsed, quarantined = connection.execute(
            "select count(*), count(*) filter (status = 'parsed'), count(*) filter (status = 'quarantined') "
            "from reports"
        ).fetchone()
        listed = {
            # (all of the first two when they are to be told apart by time: usually none, or a crawl's few)
            name: [path for (path,) in connection.execute(
                f"{sql} order by 1" + ("" if since and name in ("missing_from_reports", "not_on_disk") else f" limit {_LISTED}")
            ).fetchall()]
            for name, sql in _MISMATCHES.items()
        }
    came: list[str] = []
    gone: list[str] = []
    if since:
        missing = listed["missing_from_reports"]
        came = [path for path in missing if _changed_since(raw_dir / (disk_path(path) if disk_path else path), listed_at)]
        came_set = set(came)
        listed["missing_from_reports"] = [path for path in missing if path not in came_set][:_LISTED]
        gone, listed["not_on_disk"] = listed["not_on_disk"], []
    return RawFileAccounting(len(raw_names), rows, parsed, quarantined, **listed,
                             came_since_parse=came[:_LISTED], gone_since_parse=gone[:_LISTED],
                             came_since_parse_count=len(came), gone_since_parse_count=len(gone))


def _changed_since(path: Path, listed_at: int) -> bool:
    try:
        return os.stat(path).st_ctime_ns >= listed_at
    except OSError:  # (gone again)
        return True


@dg.asset_check(
    asset=parquet_key("reports"),
    blocking=True,
    pool=locks.POOL,
    description="Every raw file appears once in reports, parsed or quarantined with a code; nothing is dropped.",
)
def every_raw_file_accounted_for(context) -> dg.AssetCheckResult:
    settings = load_settings()
    with _reading(context):
        listing = raw_listing(settings.raw_dir)
        found = account_for_raw_files(pa.array(listing.names, pa.string()), _parquet("reports"), settings.raw_dir,
                                      listing_time(settings.parquet_dir), listing.disk_path)
    changed = found.came_since_parse_count + found.gone_since_parse_count
    return dg.AssetCheckResult(
        passed=found.passed,
        description=(f"{found.came_since_parse_count} raw file(s) came and {found.gone_since_parse_count} went after "
                     "the parse listed the raw folder: the next run takes them up") if changed else None,
        metadata={
            "raw_files": found.raw_files,
            "report_rows": found.report_rows,
            "parsed": found.parsed,
            "quarantined": found.quarantined,
            **{name: dg.MetadataValue.json(getattr(found, name)) for name in _MISMATCHES},
            **({"came_since_parse": found.came_since_parse_count,
                "gone_since_parse": found.gone_since_parse_count,
                "came_since_parse_paths": dg.MetadataValue.json(found.came_since_parse),
                "gone_since_parse_paths": dg.MetadataValue.json(found.gone_since_parse)} if changed else {}),
        },
    )


@dg.asset_check(
    asset=parquet_key("issues"),
    pool=locks.POOL,
    description="The identities (勾稽关系) of REPORTS.md hold in every report; failures are findings, listed here.",
)
def identities_hold(context) -> dg.AssetCheckResult:
    with _reading(context):
        rows = _query(
            "select source_path, message from read_parquet(?) where code = 'identity_failed' "
            "order by source_path, issue_index",
            _parquet("issues"),
        )
    reports = sorted({row[0] for row in rows})
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "failures": len(rows),
            "reports_with_failures": len(reports),
            "first_failures": dg.MetadataValue.md(
                "\n".join(f"- `{path}`: {message}" for path, message in rows[:_LISTED]) or "none"
            ),
        },
    )


@dg.asset_check(
    asset=parquet_key("reports"),
    pool=locks.POOL,
    description=("No file was quarantined for the pipeline's failure rather than its content (a parser error, a "
                 "file that could not be read, a parse past the time or memory limit, a worker that died): such "
                 "files may be reports. Each is counted by code and the first are listed with their reasons."),
)
def no_file_failed_in_the_pipeline(context) -> dg.AssetCheckResult:
    codes = ", ".join(f"'{code}'" for code in PIPELINE_FAILURES)
    with _reading(context):
        counts = _query(f"select quarantine_code, count(*) from read_parquet(?) where quarantine_code in ({codes}) "
                        "group by 1 order by 1", _parquet("reports"))
        first = _query(f"select source_path, quarantine_code, quarantine_reason from read_parquet(?) where "
                       f"quarantine_code in ({codes}) order by source_path limit {_LISTED}", _parquet("reports"))
    failed = sum(count for _, count in counts)
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.WARN,
        description=(f"{failed} file(s) the pipeline failed on: "
                     + ", ".join(f"{code} {count}" for code, count in counts)) if failed else None,
        metadata={
            "failed_files": failed,
            "by_code": dg.MetadataValue.json(dict(counts)),
            "first_failures": dg.MetadataValue.md(
                "\n".join(f"- `{path}` ({code}): {reason}" for path, code, reason in first) or "none"),
        },
    )


def _duplicate_keys_sql(key: tuple[str, ...]) -> str:
    """How many keys of a Parquet file (the query's two parameters: its path, twice)
    are shared by two rows or more.

    The warehouse's query, rendered from its dbt macro (rows_sharing_a_key in
    dbt_project/macros/unique_keys.sql): the keys' 64-bit hashes are sorted, which
    DuckDB does past its memory cap where a GROUP BY over 117 million keys did not
    at a million reports, and only the rows of repeated hashes are grouped by key.
    """
    shared = _key_macros().rows_sharing_a_key("read_parquet(?)", list(key))
    return f"select count(*) from ({shared})"


@lru_cache(maxsize=1)
def _key_macros():
    return jinja2.Environment().from_string((DBT_PROJECT_DIR / "macros" / "unique_keys.sql").read_text()).module


def schema_violations(table: Table, path: str) -> dict[str, int]:
    """How many rows of the Parquet at ``path`` break each rule ``table`` registers:
    ``duplicate_keys`` (keys shared by two rows or more), ``<column>_null`` for each
    required column, ``<column>_not_accepted`` for each coded column.

    The column rules are counted in one scan, not a query per rule: at 100,000
    reports the values table's 15 rules took 1.31 s as one query each and take 0.89 s
    together, the reports table's 17 rules 0.54 s against 0.08 s; at a million, the
    four tables' checks took 31 s and take 25-28 s, most of it the key check on values."""
    rules: dict[str, str] = {}
    accepted: list[list[str]] = []
    for column in table.columns:
        quoted = f'"{column.name}"'
        if not column.nullable:
            rules[f"{column.name}_null"] = f"{quoted} is null"
        if column.accepted:
            accepted.append(list(column.accepted))
            rules[f"{column.name}_not_accepted"] = f"{quoted} is not null and not list_contains(${len(accepted)}, {quoted})"
    violations = {"duplicate_keys": _query(_duplicate_keys_sql(table.unique_key), path, path)[0][0]}
    if rules:
        counts = ", ".join(f"count(*) filter (where {rule})" for rule in rules.values())
        found = _query(f"select {counts} from read_parquet(${len(accepted) + 1})", *accepted, path)[0]
        violations.update(zip(rules, found, strict=True))
    return violations


def _schema_check(table: Table) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=parquet_key(table.name),
        name=f"{table.name}_matches_schema",
        pool=locks.POOL,
        description=(
            f"{table.name}: key {', '.join(table.unique_key)} unique; required columns filled; "
            "coded columns hold only registered codes (orchestration/schema.py)."
        ),
    )
    def _check(context) -> dg.AssetCheckResult:
        with _reading(context):
            violations = schema_violations(table, _parquet(table.name))
        failing = {name: count for name, count in violations.items() if count}
        return dg.AssetCheckResult(passed=not failing, metadata={"violations": dg.MetadataValue.json(failing)})

    return _check


schema_checks = [_schema_check(table) for table in TABLES.values()]
