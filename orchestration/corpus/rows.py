"""One file's rows in the four tables: its report row and issues as dicts, its figures
and checks as spans of Arrow tables that a chunk's files share."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from .. import issue_codes
from ..parsing import PARSER_VERSION, FileParse, Issue
from ..parsing.columns import CHECK_COLUMNS, KEY_COLUMNS, VALUE_COLUMNS
from ..schema import TABLES


def rows_version(parser_version: str, module_sources: list[bytes], severities: list[tuple[str, str]]) -> str:
    """The version of what a file's rows are made by: the parser (``parser_version``), and
    the modules of ``ROW_MODULES`` (``module_sources``): this one, which turns a parse into
    rows, and the words of the quarantine reasons the parse stage writes itself; with each
    issue code's severity, which the issues rows hold. Recorded in each report row and file
    state: a file state of another version has its file parsed again, so a change here
    reaches the rows of every file, not only of those parsed next (an incremental run
    would otherwise keep rows a full run no longer writes)."""
    digest = hashlib.sha256()
    for source in module_sources:
        digest.update(hashlib.sha256(source).digest())
    digest.update(repr(sorted(severities)).encode())
    return f"{parser_version}+rows-{digest.hexdigest()[:12]}"


# What makes a file's rows besides the parser (``orchestration/parsing``, in PARSER_VERSION).
ROW_MODULES = ("rows.py", "reasons.py")
ROWS_VERSION = rows_version(PARSER_VERSION, [(Path(__file__).parent / name).read_bytes() for name in ROW_MODULES],
                            [(code.code, code.severity) for code in issue_codes.ISSUE_CODES])


class Span:
    """Consecutive rows of a table: a file's figures or checks within its chunk's
    table (or within the last run's Parquet, read in step, or an earlier part's read when
    first wanted: ``parts.LazyTable``).

    Not a slice of its own: the writer joins the spans that follow on in one table
    (a chunk's files, in order), so a row group concatenates a few dozen tables,
    not one per file.
    """

    __slots__ = ("length", "offset", "table")

    def __init__(self, table: pa.Table, offset: int = 0, length: int | None = None) -> None:
        self.table = table
        self.offset = offset
        self.length = table.num_rows - offset if length is None else length

    def follows(self, other: Span) -> bool:
        return self.table is other.table and self.offset == other.offset + other.length

    def rows(self) -> pa.Table:
        return self.table.slice(self.offset, self.length)


@dataclass
class FileRows:
    """One file's rows, as the writer needs them.

    ``report`` is its report row: a dict when the file was parsed, a one-row span of
    the last run's reports when its rows are copied (so a folder written again is not
    turned into a dict per file and back: that was a sixth of such a run)."""

    source_path: str
    report_id: str
    status: str
    quarantine_code: str | None
    quarantine_reason: str | None
    content_sha256: str | None
    report: dict | Span
    values: Span
    issues: list[dict]
    checks: Span = field(default_factory=lambda: empty_span("identity_checks"))

    def report_row(self) -> dict:
        """The report row as a dict of its own (to change)."""
        return dict(self.report) if isinstance(self.report, dict) else span_row(self.report)


def span_row(span: Span) -> dict:
    """A one-row span's row as a dict (a scalar a column: a fifth of the cost of
    converting a one-row slice)."""
    table, row = span.table, span.offset
    return {name: column[row].as_py() for name, column in zip(table.column_names, table.columns)}


def _report_row(parse: FileParse, n_values: int, n_issues: int, n_checks: int) -> dict:
    result = parse.result
    meta = result.metadata if result else None
    layouts = meta.table_layouts if meta else {}
    return {
        "source_path": parse.source_path,
        "report_id": parse.report_id,
        "content_sha256": parse.content_sha256,
        "file_size": parse.file_size,
        "status": parse.status,
        "quarantine_code": parse.quarantine_code,
        "quarantine_reason": parse.quarantine_reason,
        "source_format": parse.source_format,
        "encoding": parse.encoding,
        "text_transforms": "+".join(parse.transforms) or None,
        "agency_name": meta.agency_name if meta else None,
        "agency_source": meta.agency_source if meta else None,
        **_region_columns(meta.region if meta else None),
        "report_year": meta.report_year if meta else None,
        "year_source": meta.year_source if meta else None,
        "published_date": date.fromisoformat(meta.published_date) if meta and meta.published_date else None,
        "date_source": meta.date_source if meta else None,
        "template": meta.template if meta else None,
        "table_layouts": ";".join(f"{k}={v}" for k, v in sorted(layouts.items())) or None,
        "is_mixed_layout": len({v for v in layouts.values() if v in ("t2019", "t2021")}) > 1 if meta else None,
        "linked_documents": "\n".join(meta.linked_documents) or None if meta else None,
        "text_length": result.text_length if result else None,
        "value_count": n_values,
        "issue_count": n_issues,
        "check_count": n_checks,
        "parser_version": ROWS_VERSION,
    }


def _region_columns(region) -> dict[str, str | None]:
    def place(rank: str) -> dict[str, str | None]:
        found = getattr(region, rank) if region else None
        return {rank: found.name if found else None, f"{rank}_code": found.code if found else None}

    deepest = region.deepest if region else None
    return {
        **place("province"),
        **place("prefecture"),
        **place("county"),
        "township": region.township if region else None,
        "region_code": deepest.code if deepest else None,
        "region_source": region.source if region else None,
        "admin_tier": region.admin_tier if region else None,
        "agency_level": region.agency_level if region else None,
        "agency_core": region.agency_core if region else None,
    }


# The parser appends figures and checks in these columns' order.
if [list(VALUE_COLUMNS), list(CHECK_COLUMNS)] != [TABLES[t].arrow_schema.names for t in ("values", "identity_checks")]:
    raise RuntimeError("orchestration/parsing/columns.py and orchestration/schema.py list different columns")


def keyed_table(name: str, columns: list[list], report_ids: list[str], counts: list[int]) -> pa.Table:
    """Figures or checks as an Arrow table of the registered schema of ``name``:
    ``columns`` in schema order but the key columns, which are laid out here from
    each report's row count (a run of its id, its rows numbered from 0) by Arrow,
    not converted from a Python object per row."""
    schema = TABLES[name].arrow_schema
    runs = [(report_id, count) for report_id, count in zip(report_ids, counts, strict=True) if count]
    ids = [pa.repeat(pa.scalar(report_id, pa.string()), count) for report_id, count in runs]
    shared = _row_index()
    indexes = [shared.slice(0, count) if count <= len(shared) else pa.array(range(count), pa.int32())
               for _, count in runs]
    keys = [pa.concat_arrays(arrays) if arrays else pa.array([], field.type)
            for arrays, field in zip((ids, indexes), schema)]
    rest = [pa.array(c, type=f.type) for c, f in zip(columns[KEY_COLUMNS:], list(schema)[KEY_COLUMNS:], strict=True)]
    return pa.Table.from_arrays(keys + rest, schema=schema)


@lru_cache(maxsize=1)
def _row_index() -> pa.Array:
    """0..65535, sliced for the row numbers of a report: built on first use (8 ms), not
    by every process that imports this module."""
    return pa.array(range(2**16), pa.int32())


def issue_row(source_path: str, report_id: str, index: int, issue: Issue) -> dict:
    return {
        "source_path": source_path,
        "report_id": report_id,
        "issue_index": index,
        "severity": issue_codes.severity(issue.code),
        "code": issue.code,
        "message": issue.message,
        "char_start": issue.char_start,
        "char_end": issue.char_end,
    }


def empty_span(table: str) -> Span:
    return Span(_EMPTY[table])


_EMPTY = {name: table.arrow_schema.empty_table() for name, table in TABLES.items()}  # immutable, so shared


def file_rows(parse: FileParse) -> FileRows:
    """One file's rows but its figure and check tables: a chunk packs those (pool._unpack)."""
    values = parse.result.values if parse.result else []
    checks = parse.result.checks if parse.result else []
    issues = parse.all_issues
    return FileRows(
        parse.source_path,
        parse.report_id,
        parse.status,
        parse.quarantine_code,
        parse.quarantine_reason,
        parse.content_sha256,
        _report_row(parse, len(values), len(issues), len(checks)),
        None,  # (None pickles to nothing; an empty table would not)
        [issue_row(parse.source_path, parse.report_id, i, issue) for i, issue in enumerate(issues)],
        None,
    )
