"""Writes that outlast a crash of the machine (power lost, a kernel panic, a VM reset).

A file's bytes reach the disk some time after it is closed (ext4 and XFS allocate them
up to half a minute later), while a rename or a new link can reach it first. A run
published just before a crash could then leave the published folder pointing at Parquet
files of no bytes, which every later run and dbt build would fail on. So what a run
wrote is flushed (``fsync``) before it is named complete or published, and the folder
holding a rename is flushed after it: after a crash the old version is there, or the
new one whole.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path


def sync_files(paths: Iterable[Path]) -> None:
    """Flush each file's bytes to the disk (what it had written and not yet there)."""
    for path in paths:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def sync_folder(path: Path) -> None:
    """Flush a folder's entries (the names created, renamed or removed in it)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP):  # (a file system that cannot flush a folder)
            raise
    finally:
        os.close(descriptor)


def sync_folders(root: Path) -> None:
    """Flush ``root`` and every folder in it, deepest first (their files flushed already)."""
    folders = [Path(folder) for folder, _, _ in os.walk(root)]
    for folder in reversed(folders):
        sync_folder(folder)
