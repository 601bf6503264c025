"""Files moved or renamed with their bytes: a folder renamed (``2023`` to ``2023年``), a
crawl that changed its layout, files sorted into sub-folders. Their paths are new, so no
earlier output has a state for them; but a file an earlier output recorded at a path that
is gone now, with the same content hash, has the rows this one would get: a parse depends
on a file's path only through how its name says to read it (``read_as``), whether the
name is UTF-8 (the ``file_name_not_utf8`` issue) and the title it gives (``file_name_title``:
the organ and year where nothing else names them). Those rows are taken, under the new path,
rather than the file parsed again: a renamed folder of a million reports costs a copy of
its rows, not ten minutes of parsing."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import accumulate, pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from ..parsing.formats import read_as
from ..parsing.metadata import file_name_title
from ..schema import TABLES
from .listing import UNREADABLE_MTIME, unstamp
from .parts import ROOT_PART, STATE_DIR, LazyTable, part_file, part_of, read_part
from .rows import FileRows, Span, span_row
from .same_bytes import digests

if TYPE_CHECKING:
    from .plan import Plan
    from .previous import Previous, Sources

_PARTS_HELD = 4  # earlier parts read whole at once: moved files come a folder at a time


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a moved file's rows are: an earlier output, its part, the file's path there
    and its row (in the part's file states, as in its reports)."""

    source: Previous
    part: str
    path: str
    row: int


class GoneFiles:
    """The files earlier outputs recorded, current, at paths the raw folder no longer has:
    the files of a part the plan found gone (a few, at most a part's), and the parts whose
    folders are gone (read only when the run matches them)."""

    def __init__(self) -> None:
        self._groups: list[tuple[Previous, str, set[str] | None]] = []  # (output, part, gone paths; None: all)
        self._sizes: set[int] | None = set()  # (None once a whole part is gone: any size may be one of its)

    def add_files(self, source: Previous, part: str, stamps: dict[str, int]) -> None:
        """``stamps``: path -> file stamp of files gone from ``source``'s ``part``."""
        paths = set()
        for path, stamp in stamps.items():
            size, mtime, _ = unstamp(stamp)
            if mtime != UNREADABLE_MTIME:  # (tried again every run, never read: no rows of its bytes)
                paths.add(path)
                if self._sizes is not None:
                    self._sizes.add(size)
        if paths:
            self._groups.append((source, part, paths))

    def add_part(self, source: Previous, part: str) -> None:
        """Every file of ``source``'s ``part`` is gone (its folder is)."""
        self._groups.append((source, part, None))
        self._sizes = None

    def __bool__(self) -> bool:
        return bool(self._groups)

    def sizes(self) -> set[int] | None:
        """The gone files' sizes, or None if they may be any."""
        return self._sizes

    def recorded(self) -> Iterator[tuple[Previous, str, str, int, str]]:
        """Each gone file (output, part, path, row) with the content hash recorded for it, a
        part at a time."""
        for source, part, paths in self._groups:
            state = source.recorded_files(part)
            columns = (state[name].to_pylist() for name in ("source_path", "row", "mtime_ns", "content_sha256"))
            for path, row, mtime, digest in zip(*columns, strict=True):
                if (paths is None or path in paths) and digest is not None and mtime != UNREADABLE_MTIME \
                        and "\\" not in path:  # (a name escaped for not being UTF-8: its rows say so)
                    yield source, part, path, row, digest


def find_moved(root: str, plan: Plan, sources: Sources, gone: GoneFiles,
               sent_early: Callable[[str], bool] = lambda relative: False) -> int:
    """Mark the plan's new files that are gone files under new paths as known, their rows
    to be taken from where they were (``Sources.moved``); how many. A new file is read
    and hashed only if a gone file may have its size; one already sent to the workers
    (``sent_early``) or named in bytes that are not UTF-8 is left to its parse."""
    if not gone:
        return 0
    sizes, paths = gone.sizes(), plan.paths
    candidates = [index for index, known in enumerate(plan.known) if not known]
    candidates = [index for index in candidates if (stamp := plan.stamps[index]) is not None
                  and (sizes is None or unstamp(stamp)[0] in sizes)
                  and paths[index] not in plan.on_disk and not sent_early(paths[index])]  # type: ignore[arg-type]
    if not candidates:
        return 0
    waiting = _Waiting(paths, candidates, digests(root, [paths[index] for index in candidates]))  # type: ignore[misc]
    moved = 0

    def take(index: int, origin: Origin) -> None:
        nonlocal moved
        path: str = paths[index]  # type: ignore[assignment]
        if _named_alike(origin.path, path):
            plan.known[index] = 1
            sources.moved(path, origin)
            moved += 1

    for source, part, path, row, digest in gone.recorded() if waiting else ():
        if waiting.wants(digest):
            origin = Origin(source, part, path, row)
            for index in waiting.of_name(digest, origin):
                take(index, origin)
            if not waiting:
                break  # (every new file has its gone file: the other gone parts' states are not read)
    for index, origin in waiting.rest():
        take(index, origin)
    return moved


class _Waiting:
    """New files by content hash, matched with gone files as their recorded hashes are read:
    a gone file of the same name first (its rows are the file's own; copies of one report
    have the same bytes, and another's rows would be made a copy's), the first one read
    otherwise (``rest``)."""

    def __init__(self, paths: list[str | None], indexes: list[int], hashed: list[str | None]) -> None:
        self._paths = paths
        # digest -> a file's index, or, for several files with those bytes, their indexes by name
        self._files: dict[str, int | dict[str, list[int]]] = {}
        self._first: dict[str, Origin] = {}  # digest -> the first gone file read with it
        for index, digest in zip(indexes, hashed, strict=True):
            if digest is None:
                continue
            had = self._files.setdefault(digest, index)
            if had != index:
                if isinstance(had, int):
                    had = self._files[digest] = {self._name(had): [had]}
                had.setdefault(self._name(index), []).append(index)

    def _name(self, index: int) -> str:
        return _name(self._paths[index])  # type: ignore[arg-type]

    def __bool__(self) -> bool:
        return bool(self._files)

    def wants(self, digest: str) -> bool:
        return digest in self._files

    def of_name(self, digest: str, origin: Origin) -> list[int]:
        """The files waiting with ``digest`` and the name of ``origin``: theirs now."""
        self._first.setdefault(digest, origin)
        found, name = self._files[digest], _name(origin.path)
        if isinstance(found, int):
            if self._name(found) != name:
                return []
            del self._files[digest]
            return [found]
        taken = found.pop(name, [])
        if not found:
            del self._files[digest]
        return taken

    def rest(self) -> Iterator[tuple[int, Origin]]:
        """The files no gone file of their name had, with the first gone file of their bytes."""
        for digest, found in self._files.items():
            if (origin := self._first.get(digest)) is not None:
                yield from ((index, origin) for index in ([found] if isinstance(found, int) else
                                                          (index for indexes in found.values() for index in indexes)))


def _name(path: str) -> str:
    return path.rpartition("/")[2]


def _named_alike(old: str, new: str) -> bool:
    """Whether the two names say the same of how a file is read: then any bytes are read
    alike under either (``read_as`` reads the name's ending, then the bytes; the metadata
    may read the title a name gives)."""
    return read_as(b"", old) == read_as(b"", new) and file_name_title(old) == file_name_title(new)


class MovedRows:
    """Moved files' rows, from the earlier parts they were in, read whole (a few at a
    time), their paths made the new ones. Held per moved file until it is written: an int
    (its part and row), not its old path (a whole raw folder renamed is a million of them)."""

    def __init__(self) -> None:
        self._moved: dict[str, int] = {}  # new path -> its part's index << 32 | its row there
        self._parts: list[tuple[Previous, str]] = []
        self._part_index: dict[tuple[Path, str], int] = {}
        self._new_paths: list[dict[int, str]] = []  # a part's moved files: row -> (first) new path
        self._read: OrderedDict[int, _WholePart] = OrderedDict()

    def __bool__(self) -> bool:
        return bool(self._moved)

    def add(self, origin: Origin, path: str) -> None:
        key = (origin.source.directory, origin.part)
        index = self._part_index.get(key)
        if index is None:
            index = self._part_index[key] = len(self._parts)
            self._parts.append((origin.source, origin.part))
            self._new_paths.append({})
        self._new_paths[index].setdefault(origin.row, path)
        self._moved[path] = index << 32 | origin.row

    def renamed(self, ranges: dict[str, tuple[int, int]]) -> dict[str, tuple[Path, str]]:
        """The new folder parts (with their files' ``ranges`` in the plan) whose files are
        every file of one earlier part, each moved from it in its order: a folder renamed.
        Each maps to that output's folder and part: its figure tables are the new part's."""
        found = {}
        for index, ((source, part), new_paths) in enumerate(zip(self._parts, self._new_paths, strict=True)):
            ordered = [new_paths.get(row) for row in range(len(new_paths))]
            if not ordered or None in ordered:
                continue
            new_part = part_of(ordered[0])  # type: ignore[arg-type]
            start, end = ranges.get(new_part, (0, 0))
            if new_part == ROOT_PART or end - start != len(ordered) or any(
                    part_of(path) != new_part for path in ordered) or any(  # type: ignore[arg-type]
                    earlier >= later for earlier, later in pairwise(ordered)) or any(  # type: ignore[operator]
                    self._moved.get(path) != index << 32 | row for row, path in enumerate(ordered)):  # type: ignore[arg-type]
                continue
            if pq.read_metadata(part_file(source.directory, STATE_DIR, part)).num_rows == len(ordered):
                found[new_part] = (source.directory, part)
        return found

    def take(self, path: str) -> tuple[FileRows, Previous] | None:
        """The moved file's rows, and the output they are from; None if it is not one."""
        found = self._moved.pop(path, None)
        if found is None:
            return None
        index, row = found >> 32, found & 0xFFFFFFFF
        whole = self._read.get(index)
        if whole is None:
            source, part = self._parts[index]
            whole = self._read[index] = _WholePart(source.directory, part, self._new_paths[index])
            if len(self._read) > _PARTS_HELD:
                self._read.popitem(last=False)
        else:
            self._read.move_to_end(index)
        return whole.take(row, path), self._parts[index][0]

    def close(self) -> None:
        self._moved, self._parts, self._part_index, self._new_paths = {}, [], {}, []
        self._read.clear()


class _WholePart:
    """A part of an earlier output read whole: each file's report row, and where its figures,
    issues and checks are (the tables hold them in the reports' order). Its reports are
    given the new paths of the files moved from it (``new_paths``) in one column, so that
    their rows stay Arrow and a folder renamed is written as a folder of kept files is."""

    def __init__(self, directory: Path, part: str, new_paths: dict[int, str]) -> None:
        def read(table: str) -> pa.Table:
            return read_part(part_file(directory, table, part), TABLES[table].arrow_schema.names)

        reports, issues = read("reports"), read("issues")
        self._values, self._checks = (LazyTable(part_file(directory, table, part), TABLES[table].arrow_schema.names)
                                      for table in ("values", "identity_checks"))
        self._new_paths = new_paths
        column = reports.schema.get_field_index("source_path")
        self._reports = reports.set_column(column, reports.schema.field(column), pa.array(
            [new_paths.get(row, path) for row, path in enumerate(reports["source_path"].to_pylist())], pa.string()))
        self._issues = issues.to_pylist()  # (taken as dicts: converted once, not a file at a time)
        self._counts = [reports[f"{kind}_count"].to_pylist() for kind in ("value", "issue", "check")]
        self._starts = [list(accumulate(counts, initial=0)) for counts in self._counts]
        self._fields = [reports[name].to_pylist() for name in _FILE_FIELDS]

    def take(self, row: int, new: str) -> FileRows:
        (values, issues, checks), (counts_v, counts_i, counts_c) = self._starts, self._counts
        report: dict | Span = Span(self._reports, row, 1)
        if self._new_paths.get(row) != new:  # (a second new path of the same file: a dict of its own)
            report = dict(span_row(report), source_path=new)
        return FileRows(new, *(field[row] for field in self._fields), report,
                        Span(self._values, values[row], counts_v[row]),
                        [dict(issue, source_path=new) for issue in self._issues[issues[row] : issues[row] + counts_i[row]]],
                        Span(self._checks, checks[row], counts_c[row]))


_FILE_FIELDS = ("report_id", "status", "quarantine_code", "quarantine_reason", "content_sha256")  # FileRows' own
