"""A run's plan: every raw file in path order, stat-ed, with whether an earlier output
has it unchanged, and the folder parts an earlier output has whole (to be linked)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from pathlib import Path

from .listing import Listing, RawListing, file_stamp, sizes_and_times
from .moved import find_moved
from .parts import folder_end, part_name, part_runs
from .previous import Sources
from .same_bytes import digests

STAT_BATCH = 16384  # files stat-ed at a time: between batches the run keeps its workers busy and says how far it is


def plan_files(raw: Path, files: RawListing, sources: Sources, between: Callable[[int], None] = lambda stated: None,
               sent_early: Callable[[str], bool] = lambda relative: False, trust_ctime: bool = True) -> Plan:
    """Every raw file listed (``files``) in path order, stat-ed, with what the earlier
    outputs have of it; a folder part at a time, since a folder's files follow one
    another. Before each part, and between batches of ``STAT_BATCH`` files in a large one
    (a flat raw folder of a million files, on a file system where a stat is a network
    round trip, takes minutes), it calls ``between`` with the files stat-ed so far: the
    parser's ``top_up`` and the progress line. A file whose time alone changed is read
    and hashed, and taken as unchanged if its bytes are those an earlier output recorded;
    so is a new file with the bytes of one gone from its path (``moved``), unless it was
    ``sent_early`` to the workers. Not ``trust_ctime`` (``Settings.trust_ctime``): every
    status change time is taken as 0, and recorded so."""
    plan = Plan(files.on_disk)
    root = str(raw)
    ranges: dict[str, tuple[int, int]] = {}  # a folder part's files in the plan
    for part, paths in part_runs(files.names):
        on_disk = [files.disk_path(relative) for relative in paths] if files.on_disk else paths
        sizes: list[int] = []
        mtimes: list[int] = []
        ctimes: list[int] = []
        for start in range(0, len(on_disk), STAT_BATCH):
            between(len(plan) + start)
            batch = sizes_and_times(root, on_disk[start : start + STAT_BATCH])
            sizes += batch[0]
            mtimes += batch[1]
            ctimes += batch[2] if trust_ctime else [0] * len(batch[2])
        listing = Listing(paths, sizes, mtimes, ctimes)
        stamps = list(map(file_stamp, sizes, mtimes, ctimes))
        known, whole, recorded = sources.plan_part(part, listing, stamps)
        if recorded:
            hashed = digests(root, [on_disk[index] for index, _, _ in recorded])
            for (index, digest, source), found in zip(recorded, hashed, strict=True):
                if found == digest:
                    known[index] = 1
                    sources.same_bytes(paths[index], source)
                    plan.same_bytes += 1
            if (restamped := sources.restamped(part, listing, known)) is not None:
                plan.links[len(plan)] = (len(plan) + len(paths), part, restamped.directory, True)
        if whole is not None:
            plan.links[len(plan)] = (len(plan) + len(paths), part, whole.directory, False)
        sources.part_planned(part, listing, whole is not None)
        ranges[part] = (len(plan), len(plan) + len(paths))
        plan.extend(paths, stamps, known)
    if plan.known.count(0):
        sources.every_part_planned()
        plan.moved = find_moved(root, plan, sources, sources.gone, sent_early)
        if plan.moved:
            plan.renamed = sources.renamed(ranges)
    return plan


def new_files(files: RawListing, folders: list[str], sources: Sources) -> list[str]:
    """The listed files (``files``) of those top-level ``folders`` (recorded names) no earlier
    output has, in path order: they are to be parsed whatever the plan finds. Found
    by bisection, since a crawl of a million files adds a folder or two. None when an earlier
    output has a folder the raw folder no longer has: a folder renamed looks so, and its
    files are to be taken as moved (``find_moved``), not parsed."""
    if sources.has_gone_parts({part_name(folder) for folder in folders}):
        return []
    names = files.names
    spans = [(bisect_left(names, f"{folder}/"), folder_end(names, folder))
             for folder in folders if sources.is_new(part_name(folder))]
    return [name for start, end in sorted(spans) for name in names[start:end]]


class Plan:
    """The raw files in their order, each with its stamp and whether an earlier output
    has it unchanged: lists side by side rather than a tuple per file, since a crawl of a
    million files holds them all while the run starts. ``links`` maps the first index of
    a folder part an earlier output has whole to (its end, the part, that output, and
    whether some of its files have other times there: their states are written again)."""

    __slots__ = ("known", "links", "moved", "on_disk", "paths", "renamed", "same_bytes", "stamps")

    def __init__(self, on_disk: dict[str, str]) -> None:
        self.on_disk = on_disk  # (RawListing.on_disk)
        self.paths: list[str | None] = []
        self.stamps: list[int | None] = []
        self.known = bytearray()
        self.links: dict[int, tuple[int, str, Path, bool]] = {}
        self.same_bytes = 0  # files whose time alone changed, taken as unchanged
        self.moved = 0  # new paths of files gone from others, taken as those
        self.renamed: dict[str, tuple[Path, str]] = {}  # a folder renamed: its part -> the earlier output and part it was

    def extend(self, paths: list[str], stamps: list[int], known: bytearray) -> None:
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
