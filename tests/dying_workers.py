"""Preloaded by the parse workers' forkserver in tests/test_dying_workers.py's runs (never
by the pipeline): makes a worker die as the out-of-memory killer ends one, by SIGKILL.

``DYING_WORKERS=marker``: a worker dies on a file whose bytes hold ``MARKER``, loops
for ever on one whose bytes hold ``HANGS``, and takes 512 MB (then waits) on one whose
bytes hold ``EATS``.
``DYING_WORKERS=always``: a worker dies on any chunk, even one with no file.
"""

from __future__ import annotations

import os
import signal
import time

from orchestration.corpus import pool

MARKER = b"KILLS-ITS-WORKER"
HANGS = b"HANGS-ITS-WORKER"
EATS = b"EATS-MEMORY"
_parse_bytes, _parse_chunk_packed = pool.parse_bytes, pool.parse_chunk_packed


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _parse_bytes_or_die(data: bytes, *args, **kwargs):
    if MARKER in data:
        _die()
    while HANGS in data:
        pass
    if EATS in data:
        held = b"x" * 512 * 2**20  # (written, so resident)
        time.sleep(30)
        del held
    return _parse_bytes(data, *args, **kwargs)


def _parse_chunk_packed_or_die(chunk, *args):
    _die()
    return _parse_chunk_packed(chunk, *args)


if os.environ.get("DYING_WORKERS") == "marker":
    pool.parse_bytes = _parse_bytes_or_die
elif os.environ.get("DYING_WORKERS") == "always":
    pool.parse_chunk_packed = _parse_chunk_packed_or_die
