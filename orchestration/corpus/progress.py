"""How far a parse is, said now and then: a million files take minutes, and a Dagster
step that logs nothing for that long looks hung."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

Say = Callable[[str], None]


@dataclass(frozen=True)
class RunLog:
    """Where a run's lines go (a Dagster step's ``context.log.info`` and ``.warning``):
    ``say`` how far it is, ``warn`` what went wrong in the parse and was dealt with (a
    worker that died, a file quarantined for it)."""

    say: Say | None = None
    warn: Say | None = None


INTERVAL_S = 30.0  # at most one line this often
CHECK_EVERY = 2048  # files written between looks at the clock (the writer's loop stays an int comparison)


class Progress:
    """Lines for ``say`` (the step's ``context.log.info``): how far the listing and the stats
    are while they take long, the plan once it is made, then the writer's position, with
    the parse rate and the time left at that rate; each at most every ``INTERVAL_S``.
    Silent without ``say``."""

    def __init__(self, say: Say | None) -> None:
        self._say = say
        self.next_at = CHECK_EVERY if say else sys.maxsize  # the writer's position at which to look at the clock
        self._started = self._last = time.monotonic()
        self._to_parse = 0

    def listing(self, found: int) -> None:
        """The walk has found ``found`` raw files so far (called after each folder it lists)."""
        if self._due():
            self._say(f"listing the raw folder: {found:,} files found in {_duration(self._last - self._started)}")

    def stating(self, stated: int, files: int) -> None:
        """The plan has stat-ed ``stated`` of the ``files`` listed."""
        if self._due():
            self._say(f"listed {files:,} raw files; stat-ed {stated:,} of them ({stated / files:.0%}) in "
                      f"{_duration(self._last - self._started)}")

    def planned(self, files: int, to_parse: int, kept_whole: int) -> None:
        if not self._say:
            return
        now = time.monotonic()
        kept = files - to_parse
        self._say(f"listed and planned {files:,} raw files in {now - self._started:.1f} s: {to_parse:,} to parse, "
                  f"{kept:,} unchanged" + (f" ({kept_whole:,} of them in folders kept whole)" if kept_whole else ""))
        self._started = self._last = now
        self._to_parse = to_parse

    def at(self, written: int, files: int, parsed: int) -> None:
        """The writer has written ``written`` of the run's ``files``, ``parsed`` of them parsed this run."""
        self.next_at = written + CHECK_EVERY
        if not self._due():
            return
        now = self._last
        rate = parsed / (now - self._started) if now > self._started else 0.0
        left = f", about {_duration((self._to_parse - parsed) / rate)} left" if rate and parsed < self._to_parse else ""
        self._say(f"written {written:,} of {files:,} files ({written / files:.0%}); parsed {parsed:,} of "
                  f"{self._to_parse:,} at {rate:,.0f} a second{left}")

    def _due(self) -> bool:
        """Whether a line is to be said now (then its time is taken as the last line's)."""
        if not self._say:
            return False
        now = time.monotonic()
        if now - self._last < INTERVAL_S:
            return False
        self._last = now
        return True


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
