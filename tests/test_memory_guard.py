"""MemoryGuard stops a watched process that holds more memory than its limit, and no other;
it tells whether it stopped a process once, so that a later process given the same number
is not taken for it."""

from __future__ import annotations

import signal
import subprocess
import sys

from orchestration.corpus.memory_guard import MemoryGuard

HOLDS = "import time\nheld = b'x' * ({mb} * 2**20)\ntime.sleep({seconds})\n"


def _holding(mb: int, seconds: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HOLDS.format(mb=mb, seconds=seconds)])


def test_a_process_over_the_limit_is_stopped_and_one_under_it_is_not():
    guard = MemoryGuard(300)
    try:
        over, under = _holding(450, 60), _holding(40, 1.5)
        guard.watch(over.pid)
        guard.watch(under.pid)
        assert over.wait(timeout=30) == -signal.SIGKILL
        assert under.wait(timeout=30) == 0
        assert guard.forget(over.pid) is True
        assert guard.forget(over.pid) is False  # (told once: the number may be a later process's)
        assert guard.forget(under.pid) is False
        assert guard.told() == []  # (a lone process's file is told of as quarantined; only pool workers here)
    finally:
        guard.close()
        over.kill()
