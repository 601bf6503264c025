"""Time the parse stage alone over a raw folder, into a copy of an earlier run.

    python tools/incremental_parse.py RAW LAST_RUN COPY [--profile]

LAST_RUN is a published run (``$OGI_DATA_DIR`` of an earlier parse, or the bench's
``run-N-S``); it is copied to COPY first, so it can be measured again and again, e.g.
for the bench's crawl (``crawl-N-S/raw``, 1% new files). LAST_RUN ``-`` starts COPY
empty: a full parse, e.g. to time two checkouts against each other in turn. Wrap it in
``/usr/bin/time -f %M`` for the peak memory.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from pathlib import Path

from orchestration.bench import copy_run, timed_parse


def main() -> None:
    raw, last_run, copy = (Path(argument) for argument in sys.argv[1:4])
    copy_run(None if str(last_run) == "-" else last_run, copy)
    profile = cProfile.Profile() if "--profile" in sys.argv else None
    if profile:
        profile.enable()
    seconds, summary = timed_parse(raw, copy)
    if profile:
        profile.disable()
    print(f"{seconds:.2f} s: {summary.reparsed} files parsed, {summary.linked} kept in unchanged folders")
    if profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
