"""Where a parse worker's time goes, step by step, in µs a report.

    python tools/worker_steps.py RAW_DIR [N]     (N files, default 2048)

Runs the worker's chunk function (``corpus.pool.parse_chunk_packed``, in chunks as the
pool sends them, after ``start_worker``) in this process, twice over the first N files,
with a timer around each name it calls: the read-ahead, ``parse_bytes``, appending the
figures to column lists, ``file_rows``, ``keyed_table`` (the lists to Arrow); then
pickling the chunk, as the pool sends it back. The rest (reading the files, freeing the
chunk's parses) is what the timers leave. Wall time, so it moves with the machine's
load; ``tools/instructions_per_report.sh`` counts instructions instead.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
from collections import defaultdict
from pathlib import Path

from orchestration.corpus import list_raw_files, pool

spent: dict[str, float] = defaultdict(float)


def _timed(step: str, function):
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[step] += time.perf_counter() - start

    return timed


def _time_steps() -> None:
    for name, step in (("read_ahead", "read ahead"), ("parse_bytes", "parse_bytes"),
                       ("append_values", "append to columns"), ("append_checks", "append to columns"),
                       ("file_rows", "file_rows"), ("keyed_table", "keyed_table (to Arrow)")):
        setattr(pool, name, _timed(step, getattr(pool, name)))


def main() -> None:
    raw = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2048
    relative = [str(path.relative_to(raw)) for path in list_raw_files(raw)[:count]]
    chunks = [[(name, os.path.join(raw, name), 50 * 2**20) for name in relative[start : start + pool.CHUNK]]
              for start in range(0, len(relative), pool.CHUNK)]
    pool.start_worker()
    _time_steps()
    for round_ in (1, 2):  # the first warms the caches
        spent.clear()
        start = time.perf_counter()
        for chunk in chunks:
            packed = pool.parse_chunk_packed(chunk)
            sent = time.perf_counter()
            pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL)
            spent["pickle"] += time.perf_counter() - sent
            del packed
        total = time.perf_counter() - start
        spent["rest"] = total - sum(spent.values())
        steps = ", ".join(f"{step} {seconds / len(relative) * 1e6:.0f}" for step, seconds in spent.items())
        print(f"round {round_}: {total / len(relative) * 1e6:.0f} µs a report ({len(relative)} files): {steps}")


if __name__ == "__main__":
    main()
