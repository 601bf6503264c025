"""Parse a folder of raw files into the ``reports``, ``values`` and ``issues`` Parquet.

Files are parsed in sorted path order and written in row groups as they come,
so the output is byte-identical for the same input and memory does not grow
with the number of reports. The new Parquet is written aside and published by
swapping one symlink, so a run that fails half-way leaves the last published
files as they were.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from . import issue_codes
from .parsing import PARSER_VERSION, FileParse, Issue, parse_bytes
from .parsing.model import DIMENSIONS
from .schema import ISSUES, REPORTS, TABLES, VALUES
from .settings import Settings

ROW_GROUP_REPORTS = 2000  # reports per row group written


def list_raw_files(raw_dir: Path) -> list[Path]:
    """Every file under ``raw_dir`` (hidden ones aside), in sorted relative-path order."""
    files = [
        path
        for path in raw_dir.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(raw_dir).parts)
    ]
    return sorted(files, key=lambda p: p.relative_to(raw_dir).as_posix())


def parse_files(raw_dir: Path, files: Iterable[Path], settings: Settings) -> Iterator[FileParse]:
    max_year = date.today().year
    for path in files:
        relative = path.relative_to(raw_dir).as_posix()
        yield parse_bytes(path.read_bytes(), relative, max_year=max_year, max_bytes=settings.max_file_bytes)


@dataclass
class RunSummary:
    files: int = 0
    parsed: int = 0
    quarantined: int = 0
    values: int = 0
    issues: int = 0
    by_code: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    identity_failures: list[dict] = field(default_factory=list)


def build_parquet(settings: Settings) -> RunSummary:
    """Parse every raw file and publish the three Parquet tables."""
    files = list_raw_files(settings.raw_dir)
    staging = settings.data_dir / "parquet.d" / f"staging-{uuid.uuid4().hex[:12]}"
    staging.mkdir(parents=True)
    try:
        summary = write_tables(parse_files(settings.raw_dir, files, settings), staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish(staging, settings.parquet_dir)
    return summary


def write_tables(parses: Iterable[FileParse], out_dir: Path) -> RunSummary:
    summary = RunSummary()
    writers = {name: pq.ParquetWriter(out_dir / f"{name}.parquet", table.arrow_schema) for name, table in TABLES.items()}
    buffers: dict[str, list[dict]] = {name: [] for name in TABLES}
    first_path_of_content: dict[str, str] = {}
    # (agency, year) -> [(path, report_id, issues already recorded for the file)]
    claims: dict[tuple[str, int], list[tuple[str, str, int]]] = defaultdict(list)
    try:
        for count, parse in enumerate(parses, start=1):
            if parse.status == "parsed" and parse.report_id in first_path_of_content:
                _mark_duplicate_content(parse, first_path_of_content[parse.report_id])
            elif parse.status == "parsed":
                first_path_of_content[parse.report_id] = parse.source_path
                meta = parse.result.metadata
                if meta.agency_name and meta.report_year:
                    claims[(meta.agency_name, meta.report_year)].append(
                        (parse.source_path, parse.report_id, len(parse.all_issues))
                    )
            _add_rows(parse, buffers, summary)
            if count % ROW_GROUP_REPORTS == 0:
                _flush(writers, buffers)
        _add_duplicate_report_issues(claims, buffers, summary)
        _flush(writers, buffers)
    finally:
        for writer in writers.values():
            writer.close()
    return summary


def publish(staging: Path, link: Path) -> None:
    """Point ``link`` at ``staging`` in one atomic rename; remove older versions."""
    versions = staging.parent
    final = versions / f"run-{uuid.uuid4().hex[:12]}"
    staging.rename(final)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a plain directory left by hand: replace it
    temporary = link.with_name(link.name + ".new")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(final.relative_to(link.parent))
    os.replace(temporary, link)
    for old in versions.iterdir():
        if old != final:
            shutil.rmtree(old, ignore_errors=True)


def _mark_duplicate_content(parse: FileParse, first_path: str) -> None:
    parse.status = "quarantined"
    parse.quarantine_code = "duplicate_content"
    parse.quarantine_reason = f"same bytes as {first_path}"
    parse.result = None
    parse.issues.append(Issue("duplicate_content", f"same bytes as {first_path}; parsed there"))


def _add_rows(parse: FileParse, buffers: dict[str, list[dict]], summary: RunSummary) -> None:
    summary.files += 1
    result = parse.result
    issues = parse.all_issues
    values = result.values if result else []
    if parse.status == "parsed":
        summary.parsed += 1
    else:
        summary.quarantined += 1
    meta = result.metadata if result else None
    layouts = meta.table_layouts if meta else {}
    buffers["reports"].append(
        {
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
            "report_year": meta.report_year if meta else None,
            "year_source": meta.year_source if meta else None,
            "published_date": date.fromisoformat(meta.published_date) if meta and meta.published_date else None,
            "date_source": meta.date_source if meta else None,
            "template": meta.template if meta else None,
            "table_layouts": ";".join(f"{k}={v}" for k, v in sorted(layouts.items())) or None,
            "is_mixed_layout": len({v for v in layouts.values() if v in ("t2019", "t2021")}) > 1 if meta else None,
            "text_length": result.text_length if result else None,
            "value_count": len(values),
            "issue_count": len(issues),
            "parser_version": PARSER_VERSION,
        }
    )
    for index, value in enumerate(values):
        row = {
            "report_id": parse.report_id,
            "value_index": index,
            "section": value.section,
            "item": value.item,
            "value": value.value,
            "unit": value.unit,
            "source": value.source,
            "layout": value.layout,
            "approximate": value.approximate,
            "label": value.label,
            "raw_text": value.raw_text,
            "char_start": value.char_start,
            "char_end": value.char_end,
            "snippet": value.snippet,
        }
        for dimension in DIMENSIONS:
            row[dimension] = value.dims.get(dimension)
        buffers["values"].append(row)
    summary.values += len(values)
    for index, issue in enumerate(issues):
        _add_issue(buffers, summary, parse.source_path, parse.report_id, index, issue)
        if issue.code == "identity_failed":
            summary.identity_failures.append({"source_path": parse.source_path, "message": issue.message})


def _add_issue(buffers, summary: RunSummary, source_path: str, report_id: str, index: int, issue: Issue) -> None:
    buffers["issues"].append(
        {
            "source_path": source_path,
            "report_id": report_id,
            "issue_index": index,
            "severity": issue_codes.severity(issue.code),
            "code": issue.code,
            "message": issue.message,
            "char_start": issue.char_start,
            "char_end": issue.char_end,
        }
    )
    summary.issues += 1
    summary.by_code[issue.code] += 1


def _add_duplicate_report_issues(claims, buffers, summary: RunSummary) -> None:
    """Two different files for the same organ and year: both kept, both flagged."""
    for (agency, year), files in sorted(claims.items()):
        if len(files) < 2:
            continue
        for path, report_id, issue_index in files:
            others = ", ".join(p for p, _, _ in files if p != path)
            issue = Issue("duplicate_report", f"{agency} {year} is also reported by {others}")
            _add_issue(buffers, summary, path, report_id, issue_index, issue)


def _flush(writers: dict[str, pq.ParquetWriter], buffers: dict[str, list[dict]]) -> None:
    for name, rows in buffers.items():
        if rows:
            writers[name].write_table(pa.Table.from_pylist(rows, schema=TABLES[name].arrow_schema))
            rows.clear()


__all__ = ["REPORTS", "VALUES", "ISSUES", "RunSummary", "build_parquet", "list_raw_files", "publish", "write_tables"]
