"""Duplicates: a file with the bytes of an earlier one (a copy, quarantined), and two
reports of the same organ and year (both kept, both flagged)."""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter

from ..parsing import Issue
from ..schema import TABLES
from ..settings import duckdb_config
from .rows import FileRows, empty_span, issue_row

_IDENTITY_COLUMNS = ("source_path", "report_id", "content_sha256", "file_size", "source_format", "encoding",
                     "text_transforms", "parser_version")
_READ_FROM_TEXT = tuple(c.name for c in TABLES["reports"].columns
                        if c.name not in _IDENTITY_COLUMNS and c.name not in ("status", "value_count", "issue_count"))


def as_duplicate(rows: FileRows, first_path: str) -> FileRows:
    message = f"same bytes as {first_path}; parsed there"
    report = dict(rows.report)
    # The copy says nothing of its own: what was read from it belongs to the first path.
    report.update({name: None for name in _READ_FROM_TEXT})
    report.update(
        status="quarantined", quarantine_code="duplicate_content", quarantine_reason=f"same bytes as {first_path}",
        value_count=0, check_count=0,
    )
    issues = [issue_row(rows.source_path, rows.report_id, 0, Issue("duplicate_content", message))]
    # (what is said of the file itself, not of its text, stays: its name)
    issues += [dict(issue, issue_index=len(issues) + n) for n, issue in
               enumerate(issue for issue in rows.issues if issue["code"] == "file_name_not_utf8")]
    report["issue_count"] = len(issues)
    return FileRows(rows.source_path, rows.report_id, "quarantined", report, empty_span("values"), issues)


def duplicate_report_issues(reports: str) -> list[dict]:
    """Two different files for the same organ and year: both kept, both flagged.

    Read back from the reports just written (``reports``, a glob of its parts), by DuckDB under its memory cap, rather
    than gathered as files go by: a map of every report's organ and year grew with
    the corpus (20 MB of the parse's peak at 100,000 reports).
    """
    import duckdb

    with duckdb.connect(config=duckdb_config()) as db:
        claims = db.execute(_SHARED_CLAIMS, [str(reports)]).fetchall()
    rows = []
    for (agency, year), group in groupby(claims, key=itemgetter(0, 1)):
        files = [(path, report_id, issue_count) for _, _, path, report_id, issue_count in group]
        for path, report_id, issue_index in files:
            others = ", ".join(p for p, _, _ in files if p != path)
            issue = Issue("duplicate_report", f"{agency} {year} is also reported by {others}")
            rows.append(issue_row(path, report_id, issue_index, issue))
    return rows


# Parsed reports whose organ and year another parsed report claims too, by organ and
# year, then in the files' (path) order. A report's next issue index is its issue_count.
_SHARED_CLAIMS = """
    with claims as (
        select agency_name, report_year, source_path, report_id, issue_count
        from read_parquet(?)
        where status = 'parsed' and agency_name <> '' and report_year <> 0
    ),
    shared as (
        select agency_name, report_year from claims group by agency_name, report_year having count(*) > 1
    )
    select agency_name, report_year, source_path, report_id, issue_count
    from claims semi join shared using (agency_name, report_year)
    order by agency_name, report_year, source_path
"""
