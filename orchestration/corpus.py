"""Parse a folder of raw files into the ``reports``, ``values``, ``issues`` and ``identity_checks`` Parquet.

- **Parallel**: new files are parsed by a process pool (all cores); each worker
  returns its files' figures as an Arrow batch.
- **Streaming**: rows are written in row groups of ``ROW_GROUP_FILES`` files as
  they come, so memory does not grow with the number of files.
- **In parts**: each table is a folder of Parquet files, one per top-level raw
  folder (``<table>/<folder>.parquet``) and one for the files at the top
  (``<table>/_root.parquet``, which also holds the issues that cross folders).
- **Incremental**: a file whose path, size and mtime match the last run (and
  the parser is the same) is not parsed again: its rows are copied from the
  published Parquet, read in step with the new output. A changed file is parsed
  again and its old rows are gone. A folder none of whose files changed keeps its
  part as it was (a hard link), so a crawl that adds a folder costs that folder.
- **Deterministic**: files are written in sorted path order with the same row
  groups whether parsed or copied, so the same raw files give byte-identical
  Parquet, full run or incremental.
- **Atomic**: the new Parquet is written aside and published by swapping one
  symlink; a run that fails half-way leaves the last published files as they were.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import multiprocessing.forkserver
import os
import shutil
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import issue_codes
from .parsing import PARSER_VERSION, FileParse, Issue, Parsed, parse_bytes
from .parsing.columns import CHECK_COLUMNS, KEY_COLUMNS, VALUE_COLUMNS, append_checks, append_values, empty_columns
from .parsing.regions import gazetteer
from .schema import TABLES
from .settings import Settings, duckdb_config, table_glob

ROW_GROUP_FILES = 2000  # files per row group
_CHUNK = 64  # files a worker parses per task
_WINDOW = 1024  # files in flight at once (bounds memory; 16 chunks keep 2-8 workers busy)
_POOL_THRESHOLD = 256  # fewer new files than this are parsed in-process

STATE_SCHEMA = pa.schema(
    [
        pa.field("source_path", pa.string(), nullable=False),
        pa.field("size", pa.int64(), nullable=False),
        pa.field("mtime_ns", pa.int64(), nullable=False),
        pa.field("content_sha256", pa.string(), nullable=False),
        pa.field("parser_version", pa.string(), nullable=False),
    ]
)


def recorded_path(relative: str) -> str:
    """A raw file's path as the tables record it: the path itself, or, when the file
    system's bytes for it are not UTF-8 (a crawl unpacked from a GBK zip, say), those
    bytes as ``\\xNN`` escapes: Parquet and DuckDB hold UTF-8 text only, and Python
    gives such bytes as lone surrogates, which neither can take."""
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(relative).decode("utf-8", "backslashreplace")
    return relative


@dataclass
class RawListing:
    """The files under a raw folder (hidden ones aside): their recorded paths (relative,
    POSIX, ``recorded_path``), sorted, and the path on disk of each whose recorded path
    differs from it."""

    names: list[str]
    on_disk: dict[str, str]

    def disk_path(self, name: str) -> str:
        return self.on_disk.get(name, name)


def raw_listing(raw_dir: Path, folder: str | None = None) -> RawListing:
    """The files under ``raw_dir`` (or under its top-level sub-folder recorded as
    ``folder``), with paths relative to ``raw_dir``.

    A walk over ``os.scandir`` on strings: pathlib objects cost more than the
    listing itself over a hundred thousand files."""
    found: list[str] = []

    def walk(directory: str, prefix: str) -> None:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():  # following links, as Path.rglob does
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    found.append(prefix + entry.name)

    if folder is None:
        if raw_dir.is_dir():
            walk(str(raw_dir), "")
    else:
        for name in _top_folders(raw_dir):
            if recorded_path(name) == folder:
                walk(os.path.join(raw_dir, name), f"{name}/")
    renamed = [(recorded, relative) for relative in found if (recorded := recorded_path(relative)) != relative]
    if not renamed:
        return RawListing(sorted(found), {})
    on_disk: dict[str, str] = {}
    taken = set(found)  # (a name that is not UTF-8 is not a recorded path, so it takes none)
    for recorded, relative in renamed:
        unique, copy = recorded, 1
        while unique in taken:  # a file really named with the escapes: numbered, not dropped
            copy += 1
            unique = f"{recorded}~{copy}"
        taken.add(unique)
        on_disk[unique] = relative
    return RawListing(sorted(taken.difference(on_disk.values())), on_disk)


def raw_file_names(raw_dir: Path) -> list[str]:
    """Every file under ``raw_dir`` (hidden ones aside) as its recorded path, sorted."""
    return raw_listing(raw_dir).names


def list_raw_files(raw_dir: Path) -> list[Path]:
    """Every file under ``raw_dir`` (hidden ones aside) on disk, in recorded-path order."""
    listing = raw_listing(raw_dir)
    return [raw_dir / listing.disk_path(name) for name in listing.names]


@dataclass
class RunSummary:
    files: int = 0
    parsed: int = 0
    quarantined: int = 0
    values: int = 0
    issues: int = 0
    checks: int = 0
    reparsed: int = 0  # files parsed this run (the others were copied from the last run)
    unchanged: bool = False  # nothing changed: the published Parquet was kept as it was
    linked: int = 0  # files whose folder part was linked whole from an earlier output
    by_code: dict[str, int] = field(default_factory=lambda: defaultdict(int))


# ---------------------------------------------------------------- one file's rows


class Span:
    """Consecutive rows of a table: a file's figures or checks within its chunk's
    table (or within the last run's Parquet, read in step).

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
    """One file's rows, as the writer needs them."""

    source_path: str
    report_id: str
    status: str
    report: dict
    values: Span
    issues: list[dict]
    checks: Span = field(default_factory=lambda: _empty("identity_checks"))


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
        "text_length": result.text_length if result else None,
        "value_count": n_values,
        "issue_count": n_issues,
        "check_count": n_checks,
        "parser_version": PARSER_VERSION,
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


def _keyed_table(name: str, columns: list[list], report_ids: list[str], counts: list[int]) -> pa.Table:
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


def _issue_row(source_path: str, report_id: str, index: int, issue: Issue) -> dict:
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


def _empty(table: str) -> Span:
    return Span(_EMPTY[table])


_EMPTY = {name: table.arrow_schema.empty_table() for name, table in TABLES.items()}  # immutable, so shared


def file_rows(parse: FileParse) -> FileRows:
    """One file's rows but its figure and check tables: a chunk packs those (_unpack)."""
    values = parse.result.values if parse.result else []
    checks = parse.result.checks if parse.result else []
    issues = parse.all_issues
    return FileRows(
        parse.source_path,
        parse.report_id,
        parse.status,
        _report_row(parse, len(values), len(issues), len(checks)),
        None,  # (None pickles to nothing; an empty table would not)
        [_issue_row(parse.source_path, parse.report_id, i, issue) for i, issue in enumerate(issues)],
        None,
    )


def _parse_chunk(chunk: list[tuple[str, str, int]]) -> list[FileRows]:
    """Parse files given as (relative path, absolute path, size limit), in order."""
    return _unpack(_parse_chunk_packed(chunk))


_Packed = tuple[pa.Table, pa.Table, list[FileRows], list[tuple[int, int]]]


def _unpack(packed: _Packed) -> list[FileRows]:
    """Give each file its span of the chunk's figures and checks."""
    values, checks, rows, counts = packed
    value_offset = check_offset = 0
    for file, (value_count, check_count) in zip(rows, counts):
        file.values = Span(values, value_offset, value_count)
        file.checks = Span(checks, check_offset, check_count)
        value_offset += value_count
        check_offset += check_count
    return rows


def _parse_chunk_packed(chunk: list[tuple[str, str, int]]) -> _Packed:
    """Worker: parse a chunk; its figures and checks travel as two Arrow tables.

    Files are given their spans in the parent: a pickled slice would carry the whole table.
    """
    max_year = date.today().year
    _read_ahead([absolute for _, absolute, _ in chunk])
    earlier: Parsed = {}  # a copy of a file in the chunk takes its parse (the chunk has one size limit)
    parses = [
        parse_bytes(Path(absolute).read_bytes(), relative, max_year=max_year, max_bytes=max_bytes, earlier=earlier)
        for relative, absolute, max_bytes in chunk
    ]
    values, checks = empty_columns(VALUE_COLUMNS), empty_columns(CHECK_COLUMNS)
    counts = []
    for parse in parses:
        result = parse.result
        counts.append((len(result.values), len(result.checks)) if result else (0, 0))
        if result:
            append_values(values, result.values)
            append_checks(checks, result.checks)
    # Each file's span is marked in the parent (_unpack): an Arrow table per file,
    # even an empty one, would cost more to pickle than the file's rows.
    rows = [file_rows(parse) for parse in parses]
    report_ids = [parse.report_id for parse in parses]
    return (_keyed_table("values", values, report_ids, [n for n, _ in counts]),
            _keyed_table("identity_checks", checks, report_ids, [n for _, n in counts]), rows, counts)


def _start_worker() -> None:
    """Ready a parse worker: load the gazetteer, then take what it holds for good out
    of the garbage collector's sweeps, which otherwise cost about 3% of a worker.

    A chunk's parses are freed by reference counting when it is sent, not by the
    collector: it need only run now and then, not every 700 allocations.
    """
    gazetteer()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def _read_ahead(paths: list[str]) -> None:
    """Ask the kernel to read a chunk's files now, so the disk reads the next files
    while the worker parses one (a large crawl's files are rarely in the page cache)."""
    if not hasattr(os, "posix_fadvise"):
        return
    for path in paths:
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError:
            continue  # parse_bytes reports it
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
        finally:
            os.close(descriptor)


def parse_chunks(raw: Path, work: list[str], max_bytes: int, workers: int,
                 on_disk: dict[str, str] | None = None) -> Iterator[FileRows]:
    """The rows of ``work``'s files, in order, parsed as ``parsing`` does."""
    with parsing(raw, work, max_bytes, workers, on_disk) as rows:
        yield from rows


@contextmanager
def parsing(raw: Path, work: list[str], max_bytes: int, workers: int,
            on_disk: dict[str, str] | None = None) -> Iterator[Iterator[FileRows]]:
    """Parse files (recorded paths relative to ``raw``; ``on_disk`` has the path on disk
    of those whose differs, RawListing.on_disk, and their rows get an issue saying so) on
    ``workers`` processes when there are enough of them; gives their rows in order.

    The first chunks are sent on entering, not when the first file is asked for: a run
    links the folders it keeps (its first work) while the workers parse the new files.
    Workers come from a forkserver, not a fork of this process: the run may hold
    threads (Dagster's, DuckDB's) whose locks a forked child would inherit. A
    worker that dies fails the run (BrokenProcessPool) instead of hanging it.
    Chunks are cut as they are sent: the parent holds one string per file, not three.
    """
    root, on_disk = str(raw), on_disk or {}
    chunks = ([(relative, os.path.join(root, on_disk.get(relative, relative)), max_bytes) for relative in work[i : i + _CHUNK]]
              for i in range(0, len(work), _CHUNK))
    if workers <= 1 or len(work) < _POOL_THRESHOLD:
        yield (rows for chunk in chunks for rows in _noting_names(_parse_chunk(chunk), on_disk))
        return
    window = max(workers, _WINDOW // _CHUNK)
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=_start_worker) as pool:
        pending = deque(pool.submit(_parse_chunk_packed, chunk) for chunk in islice(chunks, window))

        def in_order() -> Iterator[FileRows]:
            while pending:
                done = pending.popleft().result()
                chunk = next(chunks, None)  # one back for each one taken: the window stays full
                if chunk is not None:
                    pending.append(pool.submit(_parse_chunk_packed, chunk))
                yield from _noting_names(_unpack(done), on_disk)

        try:
            yield in_order()
        except BaseException:
            pool.shutdown(cancel_futures=True)  # (the chunks not yet begun are not parsed for nothing)
            raise


def _noting_names(parsed: list[FileRows], on_disk: dict[str, str]) -> list[FileRows]:
    """A file parsed under an escaped path (``recorded_path``) gets an issue saying so,
    with its name read as GB18030 (how Chinese crawls unpacked on Windows name files)
    when it reads as that."""
    for rows in parsed if on_disk else ():
        if rows.source_path in on_disk:
            try:
                guess = f"; read as GB18030 it is {os.fsencode(on_disk[rows.source_path]).decode('gb18030')}"
            except UnicodeDecodeError:
                guess = ""
            issue = Issue("file_name_not_utf8", f"the file's path on disk is not UTF-8{guess}")
            rows.issues.append(_issue_row(rows.source_path, rows.report_id, len(rows.issues), issue))
            rows.report["issue_count"] += 1
    return parsed


def _pool_context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["orchestration.corpus"])
    return context


def _start_forkserver() -> None:
    """Start the workers' forkserver now, without waiting for it: it imports the parser
    (about 0.4 s) while the run lists and plans the raw folder, rather than after, when
    the first chunk is sent. A process that has one running keeps it."""
    _pool_context()
    multiprocessing.forkserver.ensure_running()


# ---------------------------------------------------------------- parts


ROOT_PART = "_root"  # the files directly under the raw folder (and issues that cross parts)
STATE_DIR = "file_state"  # what the next run needs to skip unchanged files, one file per part


def part_of(relative: str) -> str:
    """The part a raw file's rows are written to: its top-level folder's, or ``ROOT_PART``."""
    slash = relative.find("/")
    return ROOT_PART if slash < 0 else part_name(relative[:slash])


@lru_cache(maxsize=4096)
def part_name(folder: str) -> str:
    """A top-level raw folder's part, as a file (or folder) name: the folder's own name,
    with one more leading underscore if it has any (so no folder is ``ROOT_PART``), or a
    digest of it when that would be too long a file name or has a character DuckDB's
    globs read as a pattern (a folder partition's part is read through a glob of its path)."""
    name = f"_{folder}" if folder.startswith("_") else folder
    if len(name.encode("utf-8")) > 200 or not _GLOB_SPECIAL.isdisjoint(name):
        name = "_h" + hashlib.sha256(folder.encode("utf-8")).hexdigest()
    return name


_GLOB_SPECIAL = frozenset("\\*?[]{}")


def part_file(directory: Path, table: str, part: str) -> Path:
    """Where a part of ``table`` (or of ``STATE_DIR``) is in a run's directory."""
    return directory / table / f"{part}.parquet"


# ---------------------------------------------------------------- the last run


class _Previous:
    """An earlier output (the last published run, or a folder partition's part): its
    file states, loaded a part at a time as the run plans that part's files, and its
    rows, read in step with the new output."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files = 0  # files the output has a state for
        self.matched = 0  # files planned so far that it has unchanged
        self._state: dict[str, int] = {}  # path -> _stamp(size, mtime_ns), of the folder part being planned
        self._root_state: dict[str, int] = {}
        self._parts: set[str] = set()
        self._readers: dict[str, _PartReader] = {}
        if not all(_has_schema(part_file(directory, name, ROOT_PART), table.arrow_schema)
                   for name, table in TABLES.items()):
            return  # nothing to reuse (or tables of an older layout or schema: every file is parsed again)
        states = sorted((directory / STATE_DIR).glob("*.parquet"))
        self._parts = {path.name.removesuffix(".parquet") for path in states}
        self.files = sum(pq.ParquetFile(path).metadata.num_rows for path in states)
        self._root_state = _stamps_by_path(self._read_state(ROOT_PART))

    def _read_state(self, part: str) -> pa.Table | None:
        """A part's file states as this output saw them (None if it has no such part)."""
        if part not in self._parts:
            return None
        return _read_part(part_file(self.directory, STATE_DIR, part), [*_LISTED, "parser_version"])

    def enter(self, part: str, listing: _Listing) -> bool:
        """Plan the files of folder part ``part``: whether this output has that part as it is,
        file for file (compared as whole columns, not file by file); if not, its state of the
        part replaces the last part's, for ``unchanged``."""
        state = self._read_state(part)
        if state is not None and listing.equals(state) and pc.all(pc.equal(state["parser_version"], PARSER_VERSION)).as_py():
            self._state = {}
            self.matched += len(listing)
            return True
        self._state = _stamps_by_path(state)
        return False

    def unchanged(self, path: str, stamp: int, part: str) -> bool:
        """Whether the file is as this output saw it (same size and modification time)."""
        if (self._root_state if part == ROOT_PART else self._state).get(path) != stamp:
            return False
        self.matched += 1
        return True

    def planned(self) -> None:
        """Every file is planned: the states, a string and an int per file, go."""
        self._state, self._root_state = {}, {}

    def take(self, path: str) -> FileRows | None:
        """The file's rows from this output (skipping files no longer wanted)."""
        part = part_of(path)
        reader = self._readers.get(part)
        if reader is None:
            if part != ROOT_PART:  # folder parts come one after another: the last one is done
                self._readers = {p: r for p, r in self._readers.items() if p == ROOT_PART}
            if part not in self._parts:
                return None
            reader = self._readers[part] = _PartReader(self.directory, part)
        return reader.take(path)

    def close(self) -> None:
        self._readers = {}


class _PartReader:
    """One part of an earlier output, read in step with the new output."""

    def __init__(self, directory: Path, part: str) -> None:
        self._reports = pq.ParquetFile(part_file(directory, "reports", part)).iter_batches(batch_size=ROW_GROUP_FILES)
        self._values = _Stream(pq.ParquetFile(part_file(directory, "values", part)))
        self._issues = _Stream(pq.ParquetFile(part_file(directory, "issues", part)))
        self._checks = _Stream(pq.ParquetFile(part_file(directory, "identity_checks", part)))
        self._pending: list[dict] = []

    def take(self, path: str) -> FileRows | None:
        while True:
            if not self._pending:
                batch = next(self._reports, None)
                if batch is None:
                    return None
                self._pending = batch.to_pylist()[::-1]
            report = self._pending.pop()
            values = self._values.take(report["value_count"])
            issues = self._issues.take(report["issue_count"])
            checks = self._checks.take(report["check_count"])
            if report["source_path"] == path:
                # Most files have no issue, and an empty slice costs as much to convert as a full one (~50 µs).
                file_issues = issues.rows().to_pylist() if issues.length else []
                return FileRows(path, report["report_id"], report["status"], report, values, file_issues, checks)
            if report["source_path"] > path:
                raise RuntimeError(f"the last run's files are out of order at {path}")


def _stamps_by_path(state: pa.Table | None) -> dict[str, int]:
    """path -> stamp of the files in a part's ``state`` that this parser version read."""
    if state is None:
        return {}
    current = pc.equal(state["parser_version"], PARSER_VERSION)
    if not pc.all(current).as_py():
        state = state.filter(current)
    return dict(zip(state["source_path"].to_pylist(), map(_stamp, state["size"].to_pylist(), state["mtime_ns"].to_pylist())))


def _read_part(path: Path, columns: list[str]) -> pa.Table:
    """Columns of one part of an earlier output, read on this thread: on a part's thousand
    rows or so, Arrow's reader threads cost more than they save (100 parts' states, reports
    and issue codes: 103 ms with them, 73 without), and the run reads parts while the
    workers parse."""
    return pq.ParquetFile(path).read(columns=columns, use_threads=False)


def _has_schema(path: Path, schema: pa.Schema) -> bool:
    return path.exists() and pq.read_schema(path).remove_metadata().equals(schema)


class _Sources:
    """Earlier outputs (folder parts, the last published run), asked in path order:
    each file's rows come from the first one that has it unchanged."""

    def __init__(self, sources: list[_Previous]) -> None:
        self._sources = sources
        self._owner: dict[str, _Previous] = {}

    def plan_part(self, part: str, listing: _Listing, stamps: list[int]) -> tuple[bytes, _Previous | None]:
        """Which of ``listing``'s files (consecutive files of ``part``, with their ``stamps``)
        an earlier output has unchanged, and, for a folder part, an output that has the whole
        part as it is (its files can be linked), if any. The root part is never linked: its
        files come between folders."""
        whole = None
        for source in self._sources if part != ROOT_PART else ():  # every one enters the part
            if source.enter(part, listing) and whole is None:
                whole = source
        if whole is not None:
            if len(self._sources) > 1:
                self._owner.update(dict.fromkeys(listing.paths, whole))
            return b"\x01" * len(listing), whole
        return bytes(self.unchanged(path, stamp, part) for path, stamp in zip(listing.paths, stamps)), None

    def unchanged(self, path: str, stamp: int, part: str) -> bool:
        owner = next((source for source in self._sources if source.unchanged(path, stamp, part)), None)
        if owner is not None and len(self._sources) > 1:  # (with one source, no map of every path to it)
            self._owner[path] = owner
        return owner is not None

    def planned(self) -> None:
        for source in self._sources:
            source.planned()

    def close(self) -> None:
        """Drop the earlier outputs' read buffers: every file is written."""
        for source in self._sources:
            source.close()
        self._sources, self._owner = [], {}

    def skip(self, paths: list[str]) -> None:
        """The files' part was linked whole: their rows are not taken."""
        if self._owner:
            for path in paths:
                self._owner.pop(path, None)

    def take(self, path: str) -> FileRows | None:
        source = self._sources[0] if len(self._sources) == 1 else self._owner.pop(path, None)
        if source is None:
            return None
        return source.take(path)


class _Stream:
    """Consecutive rows of a Parquet file, taken n at a time."""

    def __init__(self, parquet: pq.ParquetFile) -> None:
        self._batches = parquet.iter_batches(batch_size=65536)
        self._buffer = parquet.schema_arrow.empty_table()
        self._offset = 0  # rows of the buffer already taken

    def take(self, n: int) -> Span:
        while self._buffer.num_rows - self._offset < n:
            batch = next(self._batches, None)
            if batch is None:
                break
            self._buffer = pa.concat_tables([self._buffer.slice(self._offset), pa.Table.from_batches([batch])])
            self._offset = 0
        taken = Span(self._buffer, self._offset, min(n, self._buffer.num_rows - self._offset))
        self._offset += taken.length
        return taken


# ---------------------------------------------------------------- the run


def build_parquet(settings: Settings, workers: int | None = None) -> RunSummary:
    """Parse the raw folder and publish the three Parquet tables (and the state).

    Files a folder partition already parsed (``build_folder_part``) are taken from
    its part, so after a backfill of every folder this step parses nothing and
    only settles what crosses folders (duplicates) while composing the tables.
    """
    parts = [part_dir(settings, folder) for folder in raw_folders(settings.raw_dir)]
    return _build(settings, settings.data_dir / "parquet.d", settings.parquet_dir, workers,
                  parts=[p for p in parts if p.exists()])


def build_folder_part(settings: Settings, folder: str, workers: int | None = None) -> RunSummary:
    """Parse one top-level raw sub-folder into its own part (a partition of the parse)."""
    if folder not in raw_folders(settings.raw_dir):
        raise ValueError(f"{folder!r} is not a sub-folder of {settings.raw_dir}")
    return _build(settings, settings.data_dir / "parts.d" / part_name(folder), part_dir(settings, folder), workers,
                  folder=folder)


def part_dir(settings: Settings, folder: str) -> Path:
    return settings.data_dir / "parts" / part_name(folder)


def raw_folders(raw_dir: Path) -> list[str]:
    """Top-level sub-folders of the raw directory, by recorded name: the parse's partitions."""
    return sorted({recorded_path(name) for name in _top_folders(raw_dir)})


def _top_folders(raw_dir: Path) -> list[str]:
    """Top-level sub-folders of the raw directory, named as on disk (hidden ones aside)."""
    if not raw_dir.is_dir():
        return []
    return [p.name for p in raw_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]


def _build(settings: Settings, versions: Path, link: Path, workers: int | None, folder: str | None = None,
           parts: list[Path] | None = None) -> RunSummary:
    staging = versions / f"staging-{uuid.uuid4().hex[:12]}"
    staging.mkdir(parents=True)
    try:
        summary = write_corpus(settings, staging, link, workers, folder=folder, parts=parts or [])
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if summary.unchanged:
        shutil.rmtree(staging, ignore_errors=True)
    else:
        publish(staging, link)
    # Arrow's allocator keeps the memory the row groups freed (~80 MB at 100,000 files);
    # the checks and dbt that follow in this process do not allocate from it.
    pa.default_memory_pool().release_unused()
    return summary


def write_corpus(settings: Settings, out_dir: Path, previous_dir: Path | None = None, workers: int | None = None,
                 folder: str | None = None, parts: list[Path] | None = None) -> RunSummary:
    """Write the tables for ``settings.raw_dir`` (or its sub-folder ``folder``) into
    ``out_dir``, reusing the rows of unchanged files from ``previous_dir`` and ``parts``.

    A folder part whose files an earlier output has, all and only them unchanged, is
    linked from it rather than written again (if which copy of a duplicated file is
    the report has not moved): a crawl that adds a folder writes that folder."""
    workers = workers or os.cpu_count() or 1
    if workers > 1:
        _start_forkserver()
    previous = _Previous(previous_dir) if previous_dir and previous_dir.exists() else None
    sources = _Sources([_Previous(part) for part in parts or []] + ([previous] if previous else []))
    raw = settings.raw_dir
    plan = _plan(raw, folder, sources)
    if previous and len(plan) and len(plan) == previous.files == previous.matched:
        summary = _summary_of(previous_dir)
        summary.unchanged = True
        return summary
    sources.planned()
    work = [relative for relative, known in zip(plan.paths, plan.known) if not known]

    def parse_now(relative: str) -> FileRows:
        return next(parse_chunks(raw, [relative], settings.max_file_bytes, 1, plan.on_disk))

    with parsing(raw, work, settings.max_file_bytes, workers, plan.on_disk) as parsed:
        return _write(plan, parsed, sources, out_dir, parse_now)


def _plan(raw: Path, folder: str | None, sources: _Sources) -> _Plan:
    """Every raw file (of ``folder``, if given) in path order, with what the earlier
    outputs have of it; a folder part at a time, since a folder's files follow one another."""
    files = raw_listing(raw, folder)
    plan = _Plan(files.on_disk)
    root = str(raw)
    for part, names in groupby(files.names, key=part_of):
        paths = list(names)
        on_disk = [files.disk_path(relative) for relative in paths] if files.on_disk else paths
        stats = [os.stat(f"{root}/{relative}") for relative in on_disk]
        listing = _Listing(paths, [stat.st_size for stat in stats], [stat.st_mtime_ns for stat in stats])
        stamps = list(map(_stamp, listing.sizes, listing.mtimes))
        known, whole = sources.plan_part(part, listing, stamps)
        if whole is not None:
            plan.links[len(plan)] = (len(plan) + len(paths), part, whole.directory)
        plan.extend(paths, stamps, known)
    return plan  # (the listing goes with this frame: the plan alone holds the paths, and frees them as they are written)


def _stamp(size: int, mtime_ns: int) -> int:
    """A file's size and modification time as one int: one object per file, not three."""
    return mtime_ns << 64 | size


_LISTED = ("source_path", "size", "mtime_ns")


@dataclass(slots=True)
class _Listing:
    """Consecutive raw files of one part, in path order, with their sizes and modification
    times (the file states' columns ``_LISTED``)."""

    paths: list[str]
    sizes: list[int]
    mtimes: list[int]

    def __len__(self) -> int:
        return len(self.paths)

    def equals(self, state: pa.Table) -> bool:
        """Whether a part's file states are these files, unchanged: the columns are compared
        whole in Arrow (converting the state to Python objects took longer than reading it)."""
        return state.num_rows == len(self.paths) and all(
            state[name].equals(pa.chunked_array([pa.array(column, state.schema.field(name).type)]))
            for name, column in zip(_LISTED, (self.paths, self.sizes, self.mtimes), strict=True))


def _unstamp(stamp: int) -> tuple[int, int]:
    """(size, mtime_ns) back from ``_stamp``."""
    return stamp & (2**64 - 1), stamp >> 64


class _Plan:
    """The raw files in their order, each with its stamp and whether an earlier output
    has it unchanged: lists side by side rather than a tuple per file, since a crawl of a
    million files holds them all while the run starts. ``links`` maps the first index of
    a folder part an earlier output has whole to (its end, the part, that output)."""

    __slots__ = ("known", "links", "on_disk", "paths", "stamps")

    def __init__(self, on_disk: dict[str, str]) -> None:
        self.on_disk = on_disk  # (RawListing.on_disk)
        self.paths: list[str | None] = []
        self.stamps: list[int | None] = []
        self.known = bytearray()
        self.links: dict[int, tuple[int, str, Path]] = {}

    def extend(self, paths: list[str], stamps: list[int], known: bytes) -> None:
        self.paths.extend(paths)
        self.stamps.extend(stamps)
        self.known.extend(known)

    def __len__(self) -> int:
        return len(self.paths)

    def forget(self, start: int, end: int) -> list[str]:
        """Files ``start`` to ``end`` (a part linked whole), forgotten by the plan."""
        paths = self.paths[start:end]
        self.paths[start:end] = self.stamps[start:end] = [None] * (end - start)
        return paths  # type: ignore[return-value]

    def take(self, index: int) -> tuple[str, int, bool]:
        """File ``index``, forgotten by the plan: what the writer has passed is freed."""
        path, stamp = self.paths[index], self.stamps[index]
        self.paths[index] = self.stamps[index] = None
        assert path is not None and stamp is not None
        return path, stamp, bool(self.known[index])


def _write(plan: _Plan, parsed: Iterator[FileRows], previous: _Sources, out_dir: Path, parse_now) -> RunSummary:
    """Write every file of ``plan`` in its order, taking up the plan as it goes: what is
    kept per file shrinks as the writer advances, rather than all of it being held to
    the end."""
    summary = RunSummary()
    writers = _PartWriters(out_dir)
    first_path_of: dict[str, str] = {}
    try:
        index = 0
        while index < len(plan):
            if index in plan.links:
                end, part, source = plan.links[index]
                if _link_part(source, part, out_dir, first_path_of, summary):
                    previous.skip(plan.forget(index, end))
                    index = end
                    continue
            relative, stamp, known = plan.take(index)
            index += 1
            rows = previous.take(relative) if known else None
            if rows is None:
                rows = next(parsed)
                assert rows.source_path == relative, (rows.source_path, relative)
                summary.reparsed += 1
            digest = rows.report["content_sha256"]
            if rows.report["quarantine_code"] == "duplicate_content" and rows.report_id not in first_path_of:
                # A copy in the last run whose original is gone: it is the report now.
                rows = parse_now(relative)
                summary.reparsed += 1
            if rows.report_id in first_path_of and (rows.status == "parsed" or rows.report["quarantine_code"] == "duplicate_content"):
                rows = _duplicate(rows, first_path_of[rows.report_id])
            if rows.status == "parsed":
                first_path_of[rows.report_id] = relative
            writers.add(part_of(relative), rows, summary, stamp, digest)
        # What was held per file goes before DuckDB reads the reports back (the run's peak).
        first_path_of.clear()
        previous.close()
        writers.close_reports()
        pa.default_memory_pool().release_unused()
        writers.root.add_issues(_duplicate_report_issues(table_glob(out_dir, "reports")), summary)
        writers.close()
    except BaseException:
        writers.abort()
        raise
    return summary


def _link_part(source: Path, part: str, out_dir: Path, first_path_of: dict[str, str], summary: RunSummary) -> bool:
    """Link an earlier output's part of a folder into ``out_dir`` if every file in it
    would be written as it is there: which copy of a duplicated file is the report (the
    first in path order) depends on the files before, which may have changed.

    The parsed reports are checked as a set (none may be the first copy elsewhere now),
    and only the duplicates one by one: a part is mostly parsed reports."""
    reports = _read_part(part_file(source, "reports", part), [
        "source_path", "report_id", "status", "quarantine_code", "quarantine_reason",
        "value_count", "issue_count", "check_count"])
    is_parsed = pc.equal(reports["status"], "parsed")
    parsed = reports.filter(is_parsed)
    found = dict(zip(parsed["report_id"].to_pylist(), parsed["source_path"].to_pylist()))
    if len(found) < parsed.num_rows or not first_path_of.keys().isdisjoint(found):
        return False  # a parsed report is a copy now
    copies = reports.filter(pc.equal(reports["quarantine_code"], "duplicate_content"))
    for report_id, reason in zip(copies["report_id"].to_pylist(), copies["quarantine_reason"].to_pylist()):
        first = first_path_of.get(report_id) or found.get(report_id)
        if first is None or reason != f"same bytes as {first}":
            return False  # its first copy moved, or is gone
    first_path_of.update(found)
    for table in (*TABLES, STATE_DIR):
        _link(part_file(source, table, part), part_file(out_dir, table, part))
    summary.files += reports.num_rows
    summary.parsed += parsed.num_rows
    summary.quarantined += reports.num_rows - parsed.num_rows
    summary.values += pc.sum(reports["value_count"]).as_py() or 0
    summary.issues += pc.sum(reports["issue_count"]).as_py() or 0
    summary.checks += pc.sum(reports["check_count"]).as_py() or 0
    codes = _read_part(part_file(source, "issues", part), ["code"])["code"]
    for code in codes.value_counts().to_pylist():
        summary.by_code[code["values"]] += code["counts"]
    summary.linked += reports.num_rows
    return True


def _link(source: Path, target: Path) -> None:
    """A hard link (a copy across file systems): Parquet files are never written in place."""
    target.parent.mkdir(exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


class _StateWriter:
    """A part's file states, written in row groups as files are settled (not held to the end)."""

    def __init__(self, path: Path) -> None:
        self._writer = pq.ParquetWriter(path, STATE_SCHEMA)
        self._rows: list[tuple[str, int, int, str]] = []

    def add(self, relative: str, size: int, mtime_ns: int, digest: str) -> None:
        self._rows.append((relative, size, mtime_ns, digest))
        if len(self._rows) == ROW_GROUP_FILES:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            paths, sizes, mtimes, digests = map(list, zip(*self._rows))
            columns = [paths, sizes, mtimes, digests, [PARSER_VERSION] * len(paths)]
            self._writer.write_table(pa.table(dict(zip(STATE_SCHEMA.names, columns)), schema=STATE_SCHEMA))
            self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


_IDENTITY_COLUMNS = ("source_path", "report_id", "content_sha256", "file_size", "source_format", "encoding",
                     "text_transforms", "parser_version")
_READ_FROM_TEXT = tuple(c.name for c in TABLES["reports"].columns
                        if c.name not in _IDENTITY_COLUMNS and c.name not in ("status", "value_count", "issue_count"))


def _duplicate(rows: FileRows, first_path: str) -> FileRows:
    message = f"same bytes as {first_path}; parsed there"
    report = dict(rows.report)
    # The copy says nothing of its own: what was read from it belongs to the first path.
    report.update({name: None for name in _READ_FROM_TEXT})
    report.update(
        status="quarantined", quarantine_code="duplicate_content", quarantine_reason=f"same bytes as {first_path}",
        value_count=0, check_count=0,
    )
    issues = [_issue_row(rows.source_path, rows.report_id, 0, Issue("duplicate_content", message))]
    # (what is said of the file itself, not of its text, stays: its name)
    issues += [dict(issue, issue_index=len(issues) + n) for n, issue in
               enumerate(issue for issue in rows.issues if issue["code"] == "file_name_not_utf8")]
    report["issue_count"] = len(issues)
    return FileRows(rows.source_path, rows.report_id, "quarantined", report, _empty("values"), issues)


def _duplicate_report_issues(reports: str) -> list[dict]:
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
            rows.append(_issue_row(path, report_id, issue_index, issue))
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


class _Writer:
    """One part's tables and file states, in row groups of ROW_GROUP_FILES files."""

    def __init__(self, out_dir: Path, part: str) -> None:
        self.part = part
        self._writers = {}
        for name, table in TABLES.items():
            path = part_file(out_dir, name, part)
            path.parent.mkdir(exist_ok=True)
            self._writers[name] = pq.ParquetWriter(path, table.arrow_schema, write_statistics=_statistics_columns(name))
        (out_dir / STATE_DIR).mkdir(exist_ok=True)
        self._state = _StateWriter(part_file(out_dir, STATE_DIR, part))
        self._reports: list[dict] = []
        self._values: list[Span] = []
        self._issues: list[dict] = []
        self._checks: list[Span] = []
        self._files = 0

    def add(self, rows: FileRows, summary: RunSummary, stamp: int, digest: str) -> None:
        self._reports.append(rows.report)
        _join(self._values, rows.values)
        self._issues.extend(rows.issues)
        _join(self._checks, rows.checks)
        self._state.add(rows.source_path, *_unstamp(stamp), digest)
        summary.files += 1
        summary.parsed += rows.status == "parsed"
        summary.quarantined += rows.status != "parsed"
        summary.values += rows.values.length
        summary.issues += len(rows.issues)
        summary.checks += rows.checks.length
        for issue in rows.issues:
            summary.by_code[issue["code"]] += 1
        self._files += 1
        if self._files % ROW_GROUP_FILES == 0:
            self.flush()

    def close_reports(self) -> None:
        """Write what is pending and close the reports' file, so it can be read back."""
        self.flush()
        self._writers["reports"].close()

    def add_issues(self, issues: list[dict], summary: RunSummary) -> None:
        self.flush()
        self._issues.extend(issues)
        summary.issues += len(issues)
        for issue in issues:
            summary.by_code[issue["code"]] += 1

    def flush(self) -> None:
        if self._reports:
            self._writers["reports"].write_table(pa.Table.from_pylist(self._reports, schema=TABLES["reports"].arrow_schema))
        if self._values:
            _write_spans(self._writers["values"], self._values)
        if self._issues:
            self._writers["issues"].write_table(pa.Table.from_pylist(self._issues, schema=TABLES["issues"].arrow_schema))
        if self._checks:
            _write_spans(self._writers["identity_checks"], self._checks)
        self._reports, self._values, self._issues, self._checks = [], [], [], []

    def close(self) -> None:
        self.flush()
        self.abort()

    def abort(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._state.close()


class _PartWriters:
    """The writers of the root part (open from start to end: files at the top of the
    raw folder come between folders) and of the folder part being written."""

    def __init__(self, out_dir: Path) -> None:
        self._out_dir = out_dir
        self.root = _Writer(out_dir, ROOT_PART)  # always written: every table has a file to read
        self._folder: _Writer | None = None

    def add(self, part: str, rows: FileRows, summary: RunSummary, stamp: int, digest: str) -> None:
        if part == ROOT_PART:
            writer = self.root
        else:
            if self._folder is None or self._folder.part != part:
                self._close_folder()
                self._folder = _Writer(self._out_dir, part)
            writer = self._folder
        writer.add(rows, summary, stamp, digest)

    def _close_folder(self) -> None:
        if self._folder is not None:
            self._folder.close()
            self._folder = None

    def close_reports(self) -> None:
        """Every file is written: close the folder part and the root part's reports, to be read back."""
        self._close_folder()
        self.root.close_reports()

    def close(self) -> None:
        self.root.close()

    def abort(self) -> None:
        for writer in (self.root, self._folder):
            if writer is not None:
                writer.abort()


def _write_spans(writer: pq.ParquetWriter, spans: list[Span]) -> None:
    """One row group of the spans' rows, combined into one chunk per column whether
    they were parsed or copied (and however they were cut): a column's pages, and so
    the bytes, do not depend on it."""
    rows = pa.concat_tables([span.rows() for span in spans]).combine_chunks()
    writer.write_table(rows, row_group_size=max(1, rows.num_rows))


def _statistics_columns(name: str) -> bool | list[str]:
    """Columns whose row-group min / max the Parquet keeps.

    In the figure tables, not the strings outside the key: every row group holds
    every section, item and dimension, so their bounds would prune nothing, and
    computing them was a fifth of encoding the values table.
    """
    if name not in ("values", "identity_checks"):
        return True
    table = TABLES[name]
    return [c.name for c in table.columns if c.name in table.unique_key or not pa.types.is_string(c.type)]


def _join(spans: list[Span], span: Span) -> None:
    """Add ``span`` to ``spans``, lengthening the last one when it follows on from it."""
    if not span.length:
        return
    if spans and span.follows(spans[-1]):
        last = spans[-1]
        spans[-1] = Span(last.table, last.offset, last.length + span.length)
    else:
        spans.append(span)


def _summary_of(directory: Path) -> RunSummary:
    """The counts of a published run, for a run that changed nothing."""
    import duckdb

    summary = RunSummary()
    with duckdb.connect(config=duckdb_config()) as db:
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
    link.parent.mkdir(parents=True, exist_ok=True)
    temporary.symlink_to(os.path.relpath(final, link.parent))
    os.replace(temporary, link)
    for old in versions.iterdir():
        if old != final:
            shutil.rmtree(old, ignore_errors=True)


__all__ = ["RunSummary", "build_parquet", "file_rows", "list_raw_files", "parse_chunks", "parsing", "publish", "write_corpus"]
