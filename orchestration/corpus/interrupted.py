"""Runs that did not finish: the folder parts they completed, kept for the next run.

A parse of a million files takes minutes; a run stopped half-way (killed by the kernel
or by hand, the machine gone, a Dagster run terminated, a full disk) would otherwise
leave the next run to parse every file again. Each folder part a run finishes is named
in its staging folder's ``COMPLETE_PARTS`` once its five files are closed; the next run
takes those parts as an earlier output (linked whole, or file by file, as it does the
published run's), and the publish that ends it removes them.
"""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

COMPLETE_PARTS = "complete_parts"  # in a staging folder: one JSON string a line, a folder part whose files are closed
STAGING_PREFIX = "staging-"


def mark_complete(out_dir: Path, part: str) -> None:
    """``part``'s tables and file states in ``out_dir`` are closed: a run that takes up
    from this one may use them. (One ``write`` of a whole line: a run killed during it
    leaves a line without its newline, which is not read.)"""
    with open(out_dir / COMPLETE_PARTS, "a", encoding="utf-8") as marks:
        marks.write(json.dumps(part) + "\n")


def complete_parts(directory: Path) -> list[str]:
    """The folder parts a staging folder has complete, in the order they were written."""
    try:
        text = (directory / COMPLETE_PARTS).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    parts = []
    for line in text.split("\n")[:-1]:
        try:
            part = json.loads(line)
        except ValueError:  # (a line the machine's crash tore: its part is parsed again)
            continue
        if isinstance(part, str):
            parts.append(part)
    return parts


def interrupted_runs(versions: Path) -> list[Path]:
    """The staging folders in ``versions`` left by runs that did not finish, newest first,
    those with no complete part removed. Called with the output's lock held: no other run
    is writing there."""
    found = []
    for staging in sorted(versions.glob(f"{STAGING_PREFIX}*")) if versions.is_dir() else ():
        if complete_parts(staging):
            found.append(staging)
        else:
            shutil.rmtree(staging, ignore_errors=True)
    return sorted(found, key=lambda staging: (staging / COMPLETE_PARTS).stat().st_mtime_ns, reverse=True)


def keep_or_remove(staging: Path) -> str | None:
    """After a run failed: keep its staging folder if it completed a folder part (the next
    run takes those up), else remove it. Returns what to tell of what was kept, if anything:
    the space it takes matters when the run failed on a full disk."""
    kept = len(complete_parts(staging))
    if not kept:
        shutil.rmtree(staging, ignore_errors=True)
        return None
    # (Parts linked from an earlier output take no more space: only files with one link count.)
    written = sum(entry.st_size for path in staging.rglob("*")
                  if stat.S_ISREG((entry := path.lstat()).st_mode) and entry.st_nlink == 1)
    parts, them = ("the folder part it completed is", "it") if kept == 1 else (
        f"the {kept:,} folder parts it completed are", "them")
    return (f"the run stopped: {parts} kept in {staging} ({size_text(written)} written by this run); the next run "
            f"takes {them} up rather than parse their files again (removing the folder frees that space, and they "
            "are parsed again)")


def size_text(size: int) -> str:
    """A size as a person reads it: 812 KB, 35.2 MB, 2.1 GB."""
    if size < 2**20:
        return f"{size / 2**10:,.0f} KB"
    if size < 2**30:
        return f"{size / 2**20:,.1f} MB"
    return f"{size / 2**30:,.1f} GB"


def remove(stagings: list[Path]) -> None:
    """The interrupted runs' folders, once a run has published (or found nothing changed):
    what they held is in the published output or not wanted."""
    for staging in stagings:
        shutil.rmtree(staging, ignore_errors=True)
