"""A run's output on disk: each table a folder of Parquet parts, one per top-level raw
folder (``<table>/<part>.parquet``) and one for the files at the top (``ROOT_PART``),
beside the file states the next run reads (``STATE_DIR``)."""

from __future__ import annotations

import hashlib
import os
import shutil
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .. import durable

ROW_GROUP_FILES = 2000  # files per row group
ROOT_PART = "_root"  # the files directly under the raw folder (and issues that cross parts)
STATE_DIR = "file_state"  # what the next run needs to skip unchanged files, one file per part

STATE_SCHEMA = pa.schema(
    [
        pa.field("source_path", pa.string(), nullable=False),
        pa.field("size", pa.int64(), nullable=False),
        pa.field("mtime_ns", pa.int64(), nullable=False),  # UNREADABLE_MTIME for a file that could not be read
        pa.field("ctime_ns", pa.int64(), nullable=False),  # its status change time (listing says why); 0 if not trusted
        pa.field("content_sha256", pa.string()),  # (NULL for one that could not be read)
        pa.field("parser_version", pa.string(), nullable=False),
        pa.field("limits", pa.string()),  # the run's limits, if they quarantined the file (corpus/limits.py)
    ]
)


def part_of(relative: str) -> str:
    """The part a raw file's rows are written to: its top-level folder's, or ``ROOT_PART``."""
    slash = relative.find("/")
    return ROOT_PART if slash < 0 else part_name(relative[:slash])


def part_runs(names: list[str]) -> Iterator[tuple[str, list[str]]]:
    """Each run of consecutive ``names`` (recorded paths, sorted) that go to one part, with
    that part, as ``groupby(names, key=part_of)`` gives them; a folder's run is found by
    bisection, since its names are together in the sorted list, rather than by a part
    worked out for each name (over a million names, 0.14 s against 0.24)."""
    start, count = 0, len(names)
    while start < count:
        slash = names[start].find("/")
        if slash < 0:  # files at the top, up to the next name in a folder
            end = start + 1
            while end < count and "/" not in names[end]:
                end += 1
            yield ROOT_PART, names[start:end]
        else:
            folder = names[start][:slash]
            end = folder_end(names, folder, start)
            yield part_name(folder), names[start:end]
        start = end


def folder_end(names: list[str], folder: str, start: int = 0) -> int:
    """The index just past the last of ``names`` (recorded paths, sorted) under top-level
    ``folder``: they sort together, and before ``folder + "0"`` ("0" follows "/")."""
    return bisect_left(names, f"{folder}0", start)


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


def read_part(path: Path, columns: list[str]) -> pa.Table:
    """Columns of one part of an earlier output, read on this thread: on a part's thousand
    rows or so, Arrow's reader threads cost more than they save (100 parts' states, reports
    and issue codes: 103 ms with them, 73 without), and the run reads parts while the
    workers parse."""
    return pq.ParquetFile(path).read(columns=columns, use_threads=False)


class LazyTable:
    """A part's table (``path``), read whole when its rows are first wanted: a folder renamed
    has its figures linked, not read (``writers``), unless a file of it turns out otherwise."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path = path
        self._columns = columns
        self._table: pa.Table | None = None

    def slice(self, offset: int, length: int) -> pa.Table:
        if self._table is None:
            self._table = read_part(self.path, self._columns)
        return self._table.slice(offset, length)


def link_file(source: Path, target: Path) -> None:
    """A hard link (a copy across file systems): Parquet files are never written in place."""
    target.parent.mkdir(exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
        durable.sync_files([target])


def has_schema(path: Path, schema: pa.Schema) -> bool:
    return path.exists() and pq.read_schema(path).remove_metadata().equals(schema)


def damage(path: Path) -> str | None:
    """What makes ``path`` not a whole Parquet file, told by its last eight bytes (its
    footer's length, and the magic bytes a Parquet file ends with), or None: a file cut
    short, or left with no bytes or zeros by a crash of the machine, or removed by hand.
    Cheaper than reading the footer (about 10 microseconds against 0.2 ms, and one page read
    from the disk), so every part of an earlier output can be told before the run trusts it."""
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            tail = os.pread(file.fileno(), 8, max(0, size - 8))
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        return f"not readable ({error.strerror})"
    if size == 0:
        return "0 bytes"
    footer_length = int.from_bytes(tail[:4], "little")
    if size < 12 or tail[4:] != _MAGIC or footer_length + 12 > size:
        return f"{size:,} bytes, not a whole Parquet file"
    return None


_MAGIC = b"PAR1"
