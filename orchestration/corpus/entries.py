"""Raw entries that hold no file to read: a folder the walk could not list, a link to a
folder that holds it, a link to nothing, a pipe, a socket, a device. The listing lists
them as they are (``listing.raw_listing``); a parse worker, opening one, tells which it
is, and the entry is quarantined with that reason rather than stopping the run or
leaving no row."""

from __future__ import annotations

import errno
import os
import stat

from ..parsing import FileParse, not_a_file, system_error, unreadable, unreadable_folder
from . import reasons

# How a raw file is opened (read-ahead and read): not blocking, so a named pipe with no
# writer is opened at once and found to be one, rather than holding its worker.
READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC

_KINDS = tuple((getattr(stat, test), kind) for test, kind in reasons.NOT_A_FILE_KINDS.items())


def not_regular(relative: str, absolute: str, status: os.stat_result) -> FileParse:
    """The quarantine of an entry that opened but is not a regular file (``status``: its fstat)."""
    if stat.S_ISDIR(status.st_mode):
        return _folder(relative, absolute, status)
    kind = next((name for is_kind, name in _KINDS if is_kind(status.st_mode)), reasons.OTHER_KIND)
    return not_a_file(relative, reasons.NOT_A_FILE.format(kind=kind))


def unopened(relative: str, absolute: str, error: OSError) -> FileParse:
    """The quarantine of an entry that could not be opened: a folder that cannot be listed,
    a link that loops or leads nowhere, a socket; or a file that cannot be read."""
    if relative.endswith("/"):
        return unreadable_folder(relative, reasons.FOLDER_NOT_LISTED.format(error=system_error(error)))
    if error.errno == errno.ELOOP:
        return not_a_file(relative, reasons.LINK_LOOPS.format(error=system_error(error)))
    if error.errno == errno.ENOENT and os.path.islink(absolute):
        return not_a_file(relative, reasons.LINK_TO_NOTHING)
    try:
        status = os.stat(absolute)
    except OSError:
        return unreadable(relative, error)
    if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
        return not_regular(relative, absolute, status)  # (a socket cannot be opened)
    return unreadable(relative, error)


def _folder(relative: str, absolute: str, status: os.stat_result) -> FileParse:
    """A folder listed as an entry: a link to a folder that holds it (the walk did not
    follow it), or one the walk could not list."""
    names = relative.rstrip("/").split("/")
    holder = absolute.rstrip("/")
    for level in range(len(names) - 1, -1, -1):  # its folders, from the nearest to the raw folder
        holder = os.path.dirname(holder)
        try:
            holder_status = os.stat(holder)
        except OSError:
            continue
        if (holder_status.st_dev, holder_status.st_ino) == (status.st_dev, status.st_ino):
            where = f"{'/'.join(names[:level])}/" if level else reasons.THE_RAW_FOLDER
            return not_a_file(relative, reasons.LINK_TO_ITS_HOLDER.format(where=where))
    if not relative.endswith("/"):  # (a file when the raw folder was listed: the next run lists the folder's files)
        return unreadable(relative, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
    try:
        with os.scandir(absolute):
            pass
    except OSError as error:
        return unopened(relative, absolute, error)
    return unreadable_folder(relative, reasons.FOLDER_LISTED_NOW)


def read_ahead(paths: list[str]) -> None:
    """Ask the kernel to read a chunk's files now, so the disk reads the next files
    while the worker parses or hashes one (a large crawl's files are rarely in the page
    cache; the 100k corpus's hashes from the disk took 8.2 s a file at a time, 0.95 s read
    ahead a thousand at a time)."""
    if not hasattr(os, "posix_fadvise"):
        return
    for path in paths:
        try:
            descriptor = os.open(path, READ_FLAGS)
        except OSError:
            continue  # (its reader tells why)
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass  # (a pipe: nothing to read ahead, and its reader tells what it is)
        finally:
            os.close(descriptor)
