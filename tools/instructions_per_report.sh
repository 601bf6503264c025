#!/usr/bin/env bash
# Instructions a parse worker spends per report, counted by callgrind. Unlike wall time
# on a shared machine, the count does not move with the machine's load, so it shows
# what a parser change is worth. Needs valgrind (apt-get install valgrind).
#
#   tools/instructions_per_report.sh RAW_DIR [N] [--warm]     (N files, default 500)
#
# Runs the worker's chunk function (corpus.pool.parse_chunk_packed, in chunks as the pool
# sends them, after start_worker) over the first N files and over the first file, and
# prints (instructions for N - instructions for 1) / (N - 1): start-up cancels out. The
# profiles stay in the printed folder, for callgrind_annotate. A pattern the first file
# does not reach is compiled in the count of N (1.5 ms for a title phrase): with --warm both
# counts begin with the forkserver's warm-up (corpus.pool.warm_up), as a forked worker has,
# and a new pattern's compile is left out as it is from a run's.
set -euo pipefail
cd "$(dirname "$0")/.."
raw=${1:?usage: tools/instructions_per_report.sh RAW_DIR [N] [--warm]}
files=${2:-500}
warm=${3:-}
out=$(mktemp -d -t ogi-callgrind-XXXX)
for count in 1 "$files"; do
    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file="$out/$count.out" \
        .venv/bin/python - "$raw" "$count" "$warm" >/dev/null 2>"$out/$count.err" <<'PY'
import os
import sys
from pathlib import Path

from orchestration.corpus import list_raw_files
from orchestration.corpus.pool import CHUNK, parse_chunk_packed, start_worker, warm_up

raw, count = Path(sys.argv[1]), int(sys.argv[2])
relative = [str(path.relative_to(raw)) for path in list_raw_files(raw)[:count]]
start_worker()
if sys.argv[3] == "--warm":
    warm_up()
for start in range(0, count, CHUNK):
    parse_chunk_packed([(name, os.path.join(raw, name), 50 * 2**20) for name in relative[start : start + CHUNK]])
PY
done
total() { grep -h "^summary:\|^totals:" "$1" | head -1 | awk '{print $2}'; }
one=$(total "$out/1.out")
many=$(total "$out/$files.out")
echo "instructions_per_report: $(( (many - one) / (files - 1) ))"
echo "profiles: $out"
