"""Where the bench's own process holds its memory: `ogi bench`'s steps after the first
parse, with this process's resident set sampled every 50 ms.

    python tools/rss_timeline.py N WORKDIR

Reuses the bench's corpora and parse in WORKDIR (``ogi bench --reports N --workdir
WORKDIR`` makes them; they are made here otherwise): the full run from an empty data
folder, the crawl's parse, the full run again after the crawl. Prints each step's peak, then the resident
set at each Dagster step's start and its peak during the step (read from the run's log
lines, which Dagster writes to stderr from this process; the log itself is not shown).
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from pathlib import Path

from orchestration import bench
from orchestration.corpus import build_parquet
from orchestration.settings import Settings

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE / 2**20


_STEP_START = re.compile(r'STEP_START - Started execution of step "([^"]+)"')


class _Timeline:
    """The resident set's peak per phase: a bench step, then the Dagster step running.
    Stands in for stderr, where Dagster's console logger writes each step's start."""

    def __init__(self) -> None:
        self.phase = "start"
        self.peaks: dict[str, tuple[float, float]] = {"start": (_resident_mb(), _resident_mb())}
        threading.Thread(target=self._sample, daemon=True).start()

    def enter(self, phase: str) -> None:
        now = _resident_mb()
        self.peaks.setdefault(phase, (now, now))
        self.phase = phase

    def _sample(self) -> None:
        while True:
            start, peak = self.peaks.get(self.phase, (0.0, 0.0))
            self.peaks[self.phase] = (start, max(peak, _resident_mb()))
            time.sleep(0.05)

    def write(self, text: str) -> int:
        for step in _STEP_START.findall(text):
            self.enter(f"{self.phase.split(' / ')[0]} / {step}")
        return len(text)

    def flush(self) -> None:
        pass


def main(reports: int, workdir: Path) -> None:
    timeline = _Timeline()
    stderr, sys.stderr = sys.stderr, timeline  # type: ignore[assignment]
    try:
        _steps(timeline, reports, workdir)
    finally:
        sys.stderr = stderr  # a failed run's traceback is shown
    for phase, (start, peak) in timeline.peaks.items():
        print(f"{phase}: {start:.0f} MB at its start, peak {peak:.0f} MB")


def _steps(timeline: _Timeline, reports: int, workdir: Path) -> None:
    raw = bench.corpus(reports, 1, workdir) / "raw"
    data = workdir / f"run-{reports}-1"
    full = workdir / f"full-{reports}-1"
    if not data.exists():
        timeline.enter("first parse")
        build_parquet(Settings(raw, data, 50 * 2**20))
    timeline.enter("full run")
    bench._full_run(raw, full)
    crawl = bench.crawl_added(raw, reports, 1, workdir)
    timeline.enter("crawl parse")
    bench.parse_into_copy(crawl, data, workdir / f"run-{reports}-1-crawl")
    timeline.enter("full run after the crawl")
    bench._full_run(crawl, full, fresh=False)
    time.sleep(0.1)  # a last sample


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
