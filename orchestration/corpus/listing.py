"""The raw folder: its files, named as the tables record them, and their sizes,
modification times and status change times (what tells a run a file is unchanged)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

# A parse's output holds, in this file, when it began to list the raw folder (ns since
# the epoch): a file whose status changed after that (st_ctime) may have come too late to
# be listed, and is not missing from the tables, only new to them.
LISTED_AT = "listed_at"


def listing_time(output_dir: Path) -> int | None:
    """When the parse that wrote ``output_dir`` began to list the raw folder, if it says."""
    try:
        return int((output_dir / LISTED_AT).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


class RawDirMissing(FileNotFoundError):
    """The raw folder is not there (a mistyped ``OGI_RAW_DIR``, a share not mounted)."""


class RawDirEmptied(RuntimeError):
    """The raw folder has no files, but the published tables have: an unmounted share's
    mount point, more likely than a collection removed on purpose."""


def require_raw_dir(raw_dir: Path) -> None:
    """Stop a parse whose raw folder is missing, before it writes anything: parsed, an
    absent folder would publish empty tables, and the next warehouse build would empty
    the warehouse."""
    if not raw_dir.is_dir():
        raise RawDirMissing(
            f"raw directory {raw_dir} does not exist or is not a directory (set OGI_RAW_DIR; a share "
            "that is not mounted looks like this): nothing was parsed, the published tables are kept"
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
    top_files: int = 0  # entries directly under the raw folder (what ``layout`` weighs)
    top_folders: int = 0  # folders directly under it

    def disk_path(self, name: str) -> str:
        return self.on_disk.get(name, name)


def raw_listing(raw_dir: Path, folder: str | None = None, listed: Callable[[int], None] | None = None) -> RawListing:
    """The entries under ``raw_dir`` (or under its top-level sub-folder recorded as
    ``folder``), with paths relative to ``raw_dir``: every file, and whatever else is
    there that the walk does not go into, so that each gets a row. A link to a folder is
    followed, as ``Path.rglob`` does, unless it leads to a folder that holds it (a loop);
    that link, a folder that cannot be listed (its path ends in ``/``), and any entry
    that is neither file nor folder (a link to nothing, a pipe, a device) are listed as
    they are, and their parse tells what they are (``corpus.entries``). ``listed`` is told
    how many it has found after each folder (``Progress.listing``).

    A walk over ``os.scandir`` on strings: pathlib objects cost more than the
    listing itself over a hundred thousand files."""
    found: list[str] = []
    top_folders = top_files = 0

    def walk(top: str, top_prefix: str, holders: frozenset[tuple[int, int]]) -> None:
        nonlocal top_files, top_folders
        # (A stack, not recursion: a deep tree would reach Python's recursion limit.)
        stack = [(top, top_prefix, holders)]
        while stack:
            directory, prefix, holders = stack.pop()
            try:
                identity = _identity(directory)
                if identity in holders:
                    found.append(prefix)  # a link to a folder that holds it
                    continue
                inside = holders | {identity}
                with os.scandir(directory) as entries:
                    for entry in entries:
                        if entry.name.startswith("."):
                            continue
                        try:
                            into = entry.is_dir()  # (following links, as Path.rglob does)
                        except OSError:
                            into = False  # a link that cannot be followed (to itself, say): listed
                        if into:
                            stack.append((entry.path, f"{prefix}{entry.name}/", inside))
                        else:
                            found.append(prefix + entry.name)
                if not prefix:  # (the raw folder itself, listed first)
                    top_files, top_folders = len(found), len(stack)
                if listed:
                    listed(len(found))
            except OSError:
                if not prefix:
                    raise  # the raw folder itself: nothing can be listed, and the run stops
                found.append(prefix)  # a folder that cannot be listed: one row says so

    if folder is None:
        if raw_dir.is_dir():
            walk(str(raw_dir), "", frozenset())
    else:
        for name in _top_folders(raw_dir):
            if recorded_path(name) == folder:
                walk(os.path.join(raw_dir, name), f"{name}/", frozenset({_identity(str(raw_dir))}))
    renamed = [] if _all_utf8(found) else [
        (recorded, relative) for relative in found if (recorded := recorded_path(relative)) != relative]
    if not renamed:
        return RawListing(sorted(found), {}, top_files, top_folders)
    on_disk: dict[str, str] = {}
    taken = set(found)  # (a name that is not UTF-8 is not a recorded path, so it takes none)
    for recorded, relative in renamed:
        unique, copy = recorded, 1
        while unique in taken:  # a file really named with the escapes: numbered, not dropped
            copy += 1
            unique = f"{recorded}~{copy}"
        taken.add(unique)
        on_disk[unique] = relative
    return RawListing(sorted(taken.difference(on_disk.values())), on_disk, top_files, top_folders)


def _all_utf8(names: list[str]) -> bool:
    """Whether every name is its own recorded path (no bytes that are not UTF-8): encoded
    thousands at a time, not one by one (over a million names, 0.05 s against 0.09), and
    not all at once (their text joined would hold 50 MB)."""
    for start in range(0, len(names), 65536):
        try:
            "".join(names[start : start + 65536]).encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def _identity(directory: str) -> tuple[int, int]:
    """A folder's device and inode, through links: what tells a link that loops."""
    status = os.stat(directory)
    return status.st_dev, status.st_ino


def raw_file_names(raw_dir: Path) -> list[str]:
    """Every file under ``raw_dir`` (hidden ones aside; with ``raw_listing``'s other entries) as its recorded path, sorted."""
    return raw_listing(raw_dir).names


def list_raw_files(raw_dir: Path) -> list[Path]:
    """Every file under ``raw_dir`` (hidden ones aside; with ``raw_listing``'s other entries) on disk, in recorded-path order."""
    listing = raw_listing(raw_dir)
    return [raw_dir / listing.disk_path(name) for name in listing.names]


def raw_folders(raw_dir: Path) -> list[str]:
    """Top-level sub-folders of the raw directory, by recorded name: the parse's partitions."""
    return sorted({recorded_path(name) for name in _top_folders(raw_dir)})


def _top_folders(raw_dir: Path) -> list[str]:
    """Top-level sub-folders of the raw directory, named as on disk (hidden ones aside)."""
    if not raw_dir.is_dir():
        return []
    return [p.name for p in raw_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]


def _os_sizes_and_times(root: str, names: list[str]) -> tuple[list[int], list[int], list[int]]:
    """Each file's st_size, st_mtime_ns and st_ctime_ns as ``os.stat(f"{root}/{name}")``
    gives them (following links), for the relative paths ``names``: what native_stat.c does in C."""
    stats = [os.stat(f"{root}/{name}") for name in names]
    return [stat.st_size for stat in stats], [stat.st_mtime_ns for stat in stats], [stat.st_ctime_ns for stat in stats]


def _native_or_os():
    """native_stat's function (the same answers and errors, tests/test_native_stat.py, in
    about half the time) unless setup.py did not build it or OGI_PURE_PYTHON=1 is set."""
    if os.environ.get("OGI_PURE_PYTHON") == "1":
        return _os_sizes_and_times
    try:
        from .native_stat import sizes_and_times
    except ImportError:
        return _os_sizes_and_times
    return sizes_and_times


_stat_all = _native_or_os()
NATIVE_STAT = _stat_all is not _os_sizes_and_times
# The modification time recorded for a file that could not be stat-ed or read: no stat
# gives it back, so such a file is never taken for unchanged and is tried again.
UNREADABLE_MTIME = -1


def sizes_and_times(root: str, names: list[str]) -> tuple[list[int], list[int], list[int]]:
    """Each listed file's size, modification time and status change time (``_stat_all``).
    A file that cannot be stat-ed (removed or moved since the folder was listed, a folder
    it cannot enter) gets size 0 and ``UNREADABLE_MTIME`` (both times), rather than
    stopping the run: its parse then finds it unreadable, and it is quarantined."""
    try:
        return _stat_all(root, names)
    except OSError:
        pass
    sizes, mtimes, ctimes = [], [], []
    for name in names:  # (one at a time, only when a file of the folder failed)
        try:
            (size,), (mtime,), (ctime,) = _stat_all(root, [name])
        except OSError:
            size, mtime, ctime = 0, UNREADABLE_MTIME, UNREADABLE_MTIME
        sizes.append(size)
        mtimes.append(mtime)
        ctimes.append(ctime)
    return sizes, mtimes, ctimes


# Why the status change time as well as the modification time: a tool can set a file's
# modification time (``touch -d``, a download that keeps the server's Last-Modified, a
# crawler that dates files by their page, ``cp -p``), so a figure corrected at the same
# size with the old time put back looked unchanged, and its old rows stayed. Only the
# kernel sets st_ctime, on every write (and on a chmod, a rename, a new hard link: such a
# file is hashed, and kept if its bytes are the same, as ``same_bytes`` does). Git's index
# compares both for the same reason.
_MTIME_OFFSET = 1 << 63  # (a modification time may be before 1970: its field is kept non-negative)
_LOW_64 = (1 << 64) - 1


def file_stamp(size: int, mtime_ns: int, ctime_ns: int) -> int:
    """A file's size and two times as one int: one object per file, not four."""
    return ctime_ns << 128 | (mtime_ns + _MTIME_OFFSET) << 64 | size


LISTED = ("source_path", "size", "mtime_ns", "ctime_ns")


@dataclass(slots=True)
class Listing:
    """Consecutive raw files of one part, in path order, with their sizes, modification
    times and status change times (the file states' columns ``LISTED``)."""

    paths: list[str]
    sizes: list[int]
    mtimes: list[int]
    ctimes: list[int]

    def __len__(self) -> int:
        return len(self.paths)

    def equals(self, state: pa.Table) -> bool:
        """Whether a part's file states are these files, unchanged: the columns are compared
        whole in Arrow (converting the state to Python objects took longer than reading it)."""
        return state.num_rows == len(self.paths) and all(
            state[name].equals(pa.chunked_array([pa.array(column, state.schema.field(name).type)]))
            for name, column in zip(LISTED, (self.paths, self.sizes, self.mtimes, self.ctimes), strict=True))


def unstamp(stamp: int) -> tuple[int, int, int]:
    """(size, mtime_ns, ctime_ns) back from ``file_stamp``."""
    return stamp & _LOW_64, ((stamp >> 64) & _LOW_64) - _MTIME_OFFSET, stamp >> 128
