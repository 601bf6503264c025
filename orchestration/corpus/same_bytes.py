"""Files whose size is the same but whose modification time changed: a raw folder copied
or fetched without its times (``cp -r``, a fresh checkout, a download that does not keep
them), or a crawl that fetched a page again and found it as it was. The content hash the run
that parsed them remembered tells whether their bytes changed; those whose did not are
taken from that run as unchanged files are, not parsed again."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable

from .entries import READ_FLAGS, read_ahead

READ_AHEAD = 1024  # files asked of the disk at once (a flat raw folder's root part may have a million)
BLOCK = 1 << 20  # bytes read at a time (a file over the size limit may be gigabytes)


def digests(root: str, paths: list[str]) -> list[str | None]:
    """Each file's SHA-256 (hex), as the tables record it, or None for one that cannot be
    read or is not a regular file (its parse then tells what it is). On this thread: 7-10 µs
    a file of the bench's corpus, read ahead, and four times that on two threads (a file's
    hash is too short to let go of the GIL for long)."""
    found: list[str | None] = []
    for start in range(0, len(paths), READ_AHEAD):
        absolute = [os.path.join(root, path) for path in paths[start : start + READ_AHEAD]]
        read_ahead(absolute)
        found += map(_digest, absolute)
    return found


def _digest(path: str) -> str | None:
    try:
        descriptor = os.open(path, READ_FLAGS)  # (not blocking: a pipe put in a file's place is not waited on)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return streamed_sha256(lambda size: os.read(descriptor, size))[0]
    except OSError:
        return None
    finally:
        os.close(descriptor)


def streamed_sha256(read: Callable[[int], bytes]) -> tuple[str, int]:
    """The SHA-256 (hex) and the size of what ``read`` gives, ``BLOCK`` bytes at a time:
    never held whole."""
    digest, size = hashlib.sha256(), 0
    while block := read(BLOCK):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size
