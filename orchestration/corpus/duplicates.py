"""Duplicates: a file with the bytes of an earlier one (a copy, quarantined), and two
reports of the same organ and year (both kept, both flagged)."""

from __future__ import annotations

import re
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..parsing import Issue
from ..schema import TABLES
from ..settings import duckdb_connect
from .parts import read_part
from .rows import FileRows, empty_span, issue_row

_IDENTITY_COLUMNS = ("source_path", "report_id", "content_sha256", "file_size", "source_format", "encoding",
                     "text_transforms", "parser_version")
_READ_FROM_TEXT = tuple(c.name for c in TABLES["reports"].columns
                        if c.name not in _IDENTITY_COLUMNS and c.name not in ("status", "value_count", "issue_count"))


def as_duplicate(rows: FileRows, first_path: str) -> FileRows:
    """The file's rows as a copy of ``first_path``'s. Rows the last run wrote as that very
    copy are returned as they are: a copy's rows depend only on its own file and on the
    path of its first copy."""
    reason = f"same bytes as {first_path}"
    if rows.quarantine_code == "duplicate_content" and rows.quarantine_reason == reason:
        return rows
    message = f"{reason}; parsed there"
    report = rows.report_row()
    # The copy says nothing of its own: what was read from it belongs to the first path.
    report.update({name: None for name in _READ_FROM_TEXT})
    report.update(
        status="quarantined", quarantine_code="duplicate_content", quarantine_reason=reason,
        value_count=0, check_count=0,
    )
    issues = [issue_row(rows.source_path, rows.report_id, 0, Issue("duplicate_content", message))]
    # (what is said of the file itself, not of its text, stays: its name)
    issues += [dict(issue, issue_index=len(issues) + n) for n, issue in
               enumerate(issue for issue in rows.issues if issue["code"] == "file_name_not_utf8")]
    report["issue_count"] = len(issues)
    return FileRows(rows.source_path, rows.report_id, "quarantined", "duplicate_content", reason, rows.content_sha256,
                    report, empty_span("values"), issues)


class FirstCopies:
    """Each report id met so far in path order, with the path of its first parsed copy
    (which later copies are quarantined as duplicates of). The ids of a part linked
    whole point at that part, whose paths are read back only when one is asked for
    (a later copy of one of its reports): a path string for each of a million kept
    reports cost more than the rest of linking their parts."""

    def __init__(self) -> None:
        self._first: dict[str, str | LinkedPaths] = {}

    def __contains__(self, report_id: str) -> bool:
        return report_id in self._first

    def path(self, report_id: str) -> str | None:
        first = self._first.get(report_id)
        return first.path(report_id) if isinstance(first, LinkedPaths) else first

    def add(self, report_id: str, path: str) -> None:
        self._first[report_id] = path

    def isdisjoint(self, report_ids: dict[str, LinkedPaths]) -> bool:
        return self._first.keys().isdisjoint(report_ids)

    def update(self, report_ids: dict[str, LinkedPaths]) -> None:
        self._first.update(report_ids)

    def clear(self) -> None:
        self._first.clear()


class LinkedPaths:
    """The paths of a linked part's parsed reports by report id, read when first asked for."""

    def __init__(self, reports: Path) -> None:
        self._reports = reports
        self._paths: dict[str, str] | None = None

    def path(self, report_id: str) -> str:
        if self._paths is None:
            reports = read_part(self._reports, ["source_path", "report_id", "status"])
            parsed = reports.filter(pc.equal(reports["status"], "parsed"))
            self._paths = dict(zip(parsed["report_id"].to_pylist(), parsed["source_path"].to_pylist()))
        return self._paths[report_id]


def strings(column: pa.ChunkedArray) -> list[str]:
    """A string column as Python strings; when they are all as long, in ASCII (report
    ids: 16 hexadecimal digits), cut from its buffer decoded at once, at a sixth of
    the cost of ``to_pylist``."""
    array = column.combine_chunks()
    lengths = pc.min_max(pc.binary_length(array)).as_py()
    width = lengths["max"]
    if not width or lengths["min"] != width or array.null_count or array.type != pa.string():
        return array.to_pylist()
    offsets = memoryview(array.buffers()[1]).cast("i")
    start, end = offsets[array.offset], offsets[array.offset + len(array)]
    joined = bytes(memoryview(array.buffers()[2])[start:end]).decode("utf-8")
    if len(joined) != end - start:
        return array.to_pylist()  # (not ASCII: a character's bytes would be cut)
    return [joined[at : at + width] for at in range(0, len(joined), width)]


def duplicate_report_issues(reports: str) -> list[dict]:
    """Two different files for the same organ and year: both kept, both flagged.

    Read back from the reports just written (``reports``, a glob of its parts), by DuckDB under its memory cap, rather
    than gathered as files go by: a map of every report's organ and year grew with
    the corpus (20 MB of the parse's peak at 100,000 reports).
    """
    with duckdb_connect() as db:
        claims = db.execute(_SHARED_CLAIMS, [str(reports)]).fetchall()
    rows = []
    for (agency, year), group in groupby(claims, key=itemgetter(0, 1)):
        files = [(path, report_id, issue_count) for _, _, path, report_id, issue_count in group]
        paged = len({paged_report(path) for path, _, _ in files}) == 1
        for path, report_id, issue_index in files:
            others = ", ".join(p for p, _, _ in files if p != path)
            if paged:
                issue = Issue("report_in_pages", f"{agency} {year}: this page and {others} are named as the pages of "
                              "one report a site paged (…_2.html); each page's figures are kept as its own")
            else:
                issue = Issue("duplicate_report", f"{agency} {year} is also reported by {others}")
            rows.append(issue_row(path, report_id, issue_index, issue))
    return rows


# How a site names the pages of an article it pages (TRS and other CMSs: t20230120_456.html,
# t20230120_456_1.html, …_2.html; content_123-2.html, …_p2.html), and a crawler's saved
# query (index.html?page=2): the first page is the name without the suffix.
_PAGE_NAME = re.compile(r"[_-](?:p|page)?[1-9]\d?$", re.IGNORECASE)
_PAGE_QUERY = re.compile(r"[?&](?:page|pageno|pn|p)=[1-9]\d?$", re.IGNORECASE)


def paged_report(path: str) -> str:
    """The name of the report a page's file belongs to: its path without a page's suffix."""
    folder, slash, name = path.rpartition("/")
    base, question, query = name.partition("?")
    if question:
        return f"{folder}{slash}{base}{_PAGE_QUERY.sub('', question + query)}"
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    return f"{folder}{slash}{_PAGE_NAME.sub('', stem)}{dot}{suffix}"


# Parsed reports whose organ and year another parsed report claims too, by organ and
# year, then in the files' (path) order. A report's next issue index is its issue_count.
# A file with no figure claims them only when no file with figures does: a crawl keeps a
# notice page beside the attachment it links to (report_in_attachment), and the two are
# one report, not two to choose from.
_SHARED_CLAIMS = """
    with parsed as (
        select agency_name, report_year, source_path, report_id, issue_count, value_count > 0 as has_figures
        from read_parquet(?)
        where status = 'parsed' and agency_name <> '' and report_year <> 0
    ),
    claims as (
        select * from parsed
        qualify has_figures or not bool_or(has_figures) over (partition by agency_name, report_year)
    ),
    shared as (
        select agency_name, report_year from claims group by agency_name, report_year having count(*) > 1
    )
    select agency_name, report_year, source_path, report_id, issue_count
    from claims semi join shared using (agency_name, report_year)
    order by agency_name, report_year, source_path
"""
