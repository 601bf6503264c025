"""The parse processes' memory, held under ``OGI_WORKER_MEMORY_MB``: a thread of the
run's process reads their resident memory and stops one that holds more, before the
kernel's out-of-memory killer has to choose a process, which may be the run's own (and
in a container whose processes are killed together, as Kubernetes does on cgroup v2,
is the whole run)."""

from __future__ import annotations

import logging
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from pathlib import Path

INTERVAL_S = 0.05  # how often each process's memory is read (about 10 µs a read)


class MemoryGuard:
    """Stops (SIGKILL) a watched process whose resident memory passes ``limit_mb``.

    A pool worker stopped takes its pool down, as any dying worker does: its chunks are
    parsed again alone (``pool._isolated``), and a file whose process is stopped when
    parsed alone is quarantined ``parse_memory_limit``. The memory is read every
    ``INTERVAL_S``, so a process may pass the limit by what it allocates meanwhile.
    """

    def __init__(self, limit_mb: int) -> None:
        self.limit_mb = limit_mb
        self._limit = limit_mb * 2**20
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._pools: list[ProcessPoolExecutor] = []
        self._pids: set[int] = set()
        self._stopped: set[int] = set()
        self._stopped_workers: list[str] = []  # pool workers stopped, in words, not yet told (``told``)
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    @staticmethod
    def available() -> bool:
        """Whether processes' memory can be read here (Linux's ``/proc``)."""
        return Path("/proc/self/statm").exists()

    def watch_pool(self, pool: ProcessPoolExecutor) -> None:
        """Watch a pool's workers (those it has now and those it starts later)."""
        with self._lock:
            self._pools.append(pool)
        self._start()

    def forget_pool(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            self._pools = [watched for watched in self._pools if watched is not pool]

    def watch(self, pid: int) -> None:
        with self._lock:
            self._pids.add(pid)
        self._start()

    def forget(self, pid: int) -> bool:
        """Stop watching a process that has ended: whether this guard stopped it."""
        with self._lock:
            self._pids.discard(pid)
            stopped = pid in self._stopped
            self._stopped.discard(pid)  # (its number may be a later process's)
            return stopped

    def told(self) -> list[str]:
        """The pool workers stopped since last asked, in words (for the run's log, on its own
        thread: the step's log is not written from this one)."""
        with self._lock:
            stopped, self._stopped_workers = self._stopped_workers, []
            return stopped

    def close(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="parse-memory-guard", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(INTERVAL_S):
            with self._lock:
                pids = set(self._pids)
                for pool in self._pools:
                    # (a pool's workers, pid -> process: Python has kept this attribute since 3.2)
                    pids.update(getattr(pool, "_processes", None) or ())
                self._stopped &= pids  # (a process no longer watched is gone: its number may come again)
                pids -= self._stopped
            for pid in pids:
                resident = self._resident(pid)
                if resident is not None and resident > self._limit:
                    self._stop(pid, resident)

    def _resident(self, pid: int) -> int | None:
        try:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * self._page
        except (OSError, IndexError, ValueError):
            return None  # (it has ended)

    def _stop(self, pid: int, resident: int) -> None:
        with self._lock:
            self._stopped.add(pid)
            if pid not in self._pids:  # (a pool's worker: a lone process's file is told of as quarantined)
                self._stopped_workers.append(f"the memory guard stopped one that held {resident // 2**20:,} MB, "
                                             f"over OGI_WORKER_MEMORY_MB={self.limit_mb:,}")
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        logging.getLogger(__name__).warning(
            "a parse process (pid %d) held %d MB, over OGI_WORKER_MEMORY_MB=%d: stopped; the files it had are "
            "parsed again, each alone", pid, resident // 2**20, self.limit_mb)
