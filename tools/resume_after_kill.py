"""What a parse stopped half-way costs the next run: the parse stage of RAW into an empty
DATA, killed outright (SIGKILL, as the out-of-memory killer does) once it has completed
PARTS folder parts, then the parse again; optionally a whole parse into FULL, timed, whose
Parquet the resumed one's must equal byte for byte.

    python tools/resume_after_kill.py RAW DATA PARTS [FULL]

Prints one ``name: value`` line a figure. Each parse runs in a fresh process, as ``ogi
run`` starts one.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from orchestration.corpus.interrupted import STAGING_PREFIX, complete_parts

PARSE = """
import sys
from pathlib import Path
from orchestration.bench import timed_parse
seconds, summary = timed_parse(Path(sys.argv[1]), Path(sys.argv[2]))
print(seconds, summary.files, summary.reparsed, summary.linked, summary.resumed)
"""


def _parse(raw: Path, data: Path) -> list[float]:
    done = subprocess.run([sys.executable, "-c", PARSE, str(raw), str(data)], check=True, capture_output=True, text=True)
    return [float(figure) for figure in done.stdout.split()]


def _completed(data: Path) -> int:
    return sum(len(complete_parts(staging)) for staging in (data / "parquet.d").glob(f"{STAGING_PREFIX}*"))


def _same_parquet(one: Path, other: Path) -> bool:
    names = sorted(path.relative_to(one) for path in one.rglob("*.parquet"))
    if names != sorted(path.relative_to(other) for path in other.rglob("*.parquet")):
        return False
    return all(filecmp.cmp(one / name, other / name, shallow=False) for name in names)


def main() -> None:
    raw, data = Path(sys.argv[1]), Path(sys.argv[2])
    parts = int(sys.argv[3])
    full = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    shutil.rmtree(data, ignore_errors=True)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", PARSE, str(raw), str(data)], start_new_session=True,
                             stdout=subprocess.DEVNULL)
    while _completed(data) < parts and child.poll() is None:
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    print(f"killed_after_s: {time.perf_counter() - started:.1f}")
    print(f"complete_parts_left: {_completed(data)}")
    seconds, files, reparsed, linked, resumed = _parse(raw, data)
    print(f"resumed_parse_s: {seconds:.2f}")
    print(f"files: {files:.0f}\nreparsed_files: {reparsed:.0f}\nresumed_files: {resumed:.0f}\nlinked_files: {linked:.0f}")
    if full is not None:
        shutil.rmtree(full, ignore_errors=True)
        seconds, *_ = _parse(raw, full)
        print(f"full_parse_s: {seconds:.2f}")
        print(f"same_bytes: {int(_same_parquet((data / 'parquet').resolve(), (full / 'parquet').resolve()))}")


if __name__ == "__main__":
    main()
