"""Time the parse stage alone over a raw folder, into a copy of an earlier run.

    python tools/incremental_parse.py RAW LAST_RUN COPY [--link] [--prepared] [--steps] [--profile]

LAST_RUN is a published run (``$OGI_DATA_DIR`` of an earlier parse, or the bench's
``run-N-S``); it is copied to COPY first, so it can be measured again and again, e.g.
for the bench's crawl (``crawl-N-S/raw``, 1% new files). LAST_RUN ``-`` starts COPY
empty: a full parse, e.g. to time two checkouts against each other in turn. Wrap it in
``/usr/bin/time -f %M`` for the peak memory.

``--link`` copies LAST_RUN by hard links rather than bytes (a million reports' Parquet is
2.3 GB; a run never writes a file in place, so LAST_RUN stays as it was). ``--prepared``
does what `ogi run` does before its parse step (``cli.prepared_job``: the workers'
forkserver started, Dagster's definitions loaded) before the clock starts. ``--steps``
prints the CPU the run's own thread spends in each step (``time.thread_time``: a wall
clock, or a sampling profiler, also counts the time the thread waits for a core or the
GIL, which the parse workers share with it), and the process's CPU. ``--profile`` prints
cProfile's 25 costliest functions (its cost a call inflates small, frequent ones).
"""

from __future__ import annotations

import cProfile
import pstats
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

from orchestration.bench import copy_run, timed_parse
from orchestration.corpus import plan, previous, run

# The steps ``--steps`` times: (label, module, name). A step's time includes the steps it
# calls: the plan its stats and the states it reads, the links their reads.
STEPS = (
    ("listing", run, "raw_listing"),
    ("plan", run, "plan_files"),
    ("  stats", plan, "sizes_and_times"),
    ("  file states read", previous, "read_part"),
    ("kept parts linked", run, "_link_part"),
    ("  their reports and issue codes read", run, "read_part"),
    ("duplicate reports check", run, "duplicate_report_issues"),
)


def time_steps() -> dict[str, list[float]]:
    """Wrap each of ``STEPS`` with a clock of the calling thread's CPU: label -> [calls, CPU s]."""
    spent: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for label, module, name in STEPS:
        original = getattr(module, name)

        def timed(*args, _label=label, _original=original, **kwargs):
            start = time.thread_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label][0] += 1
                spent[_label][1] += time.thread_time() - start

        setattr(module, name, timed)
    return spent


def main() -> None:
    raw, last_run, copy = (Path(argument) for argument in sys.argv[1:4])
    copy_run(None if str(last_run) == "-" else last_run, copy, link="--link" in sys.argv)
    if "--prepared" in sys.argv:
        from orchestration.cli import prepared_job

        prepared_job()
    spent = time_steps() if "--steps" in sys.argv else None
    profile = cProfile.Profile() if "--profile" in sys.argv else None
    before = resource.getrusage(resource.RUSAGE_SELF)
    if profile:
        profile.enable()
    seconds, summary = timed_parse(raw, copy)
    if profile:
        profile.disable()
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(f"{seconds:.2f} s: {summary.reparsed} files parsed, {summary.linked} kept in unchanged folders")
    if spent is not None:
        print(f"main process CPU: {after.ru_utime - before.ru_utime:.3f} s user, "
              f"{after.ru_stime - before.ru_stime:.3f} s system")
        for label, _, _ in STEPS:
            calls, cpu = spent[label]
            print(f"{label}: {cpu:.3f} s CPU, {calls} calls")
    if profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
