"""A file that kills its parse worker (the out-of-memory killer's SIGKILL, a crash in a C
library) is quarantined ``worker_died``, one whose parse never ends ``parse_timeout``; the
other files are parsed as they would be without it. The runs are subprocesses whose
workers' forkserver preloads tests/dying_workers.py, which kills a worker as the kernel
would, or makes it loop."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.corpus import build_parquet, pool
from orchestration.defs.parsing_checks import no_file_failed_in_the_pipeline
from orchestration.settings import table_glob
from orchestration.synth import generate

from .conftest import REPO, settings
from .dying_workers import EATS, HANGS, MARKER

RUN = """
import multiprocessing, os, signal, sys
from pathlib import Path
from orchestration.corpus import build_parquet, pool
from orchestration.corpus.progress import RunLog
from orchestration.settings import Settings

def context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["orchestration.corpus.worker_preload", "tests.dying_workers"])
    return context

pool._pool_context = context
if os.environ.get("SIGTERM_IGNORED"):  # (as Dagster leaves it where SIGINT is ignored: a background job)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
settings = Settings(Path(sys.argv[1]), Path(sys.argv[2]), 50 * 2**20, float(sys.argv[3]), int(sys.argv[4]))
summary = build_parquet(settings, workers=2, log=RunLog(warn=lambda line: print("WARN", line)))
print(dict(summary.by_code))
"""


def _run(raw: Path, data: Path, dying: str, time_limit: float = 300, memory_mb: int = 0,
         sigterm_ignored: bool = False, timeout: float = 300) -> subprocess.CompletedProcess:
    """The parse in a process of its own; with ``sigterm_ignored``, started as a run is
    where SIGTERM is ignored (Dagster maps it to SIGINT's handler, which a shell's background
    job ignores)."""
    environment = {**os.environ, "DYING_WORKERS": dying, **({"SIGTERM_IGNORED": "1"} if sigterm_ignored else {})}
    return subprocess.run([sys.executable, "-c", RUN, str(raw), str(data), str(time_limit), str(memory_mb)], cwd=REPO,
                          capture_output=True, text=True, env=environment, timeout=timeout, check=False)


def _published(data: Path, table: str, where: str, columns: str = "*") -> duckdb.DuckDBPyRelation:
    """The rows of a published table (every part of it) that ``where`` holds for."""
    return duckdb.sql(f"select {columns} from read_parquet('{table_glob(data / 'parquet', table)}') where {where}")


def _rows(data: Path, table: str, but: str) -> list[tuple]:
    """Every row of a published table, sorted, but those of the report ``but``."""
    return sorted(_published(data, table, f"report_id <> '{but}'").fetchall(), key=repr)


def test_a_file_that_kills_its_worker_is_quarantined_and_the_others_are_parsed(tmp_path):
    raw = generate(300, tmp_path / "synth", seed=4)  # five chunks: the others in flight die with it
    killer = sorted(raw.rglob("*.txt"))[130]
    data = killer.read_bytes() + b"\n" + MARKER + b"\n"
    killer.write_bytes(data)
    report_id = hashlib.sha256(data).hexdigest()[:16]

    done = _run(raw, tmp_path / "dying", "marker")
    assert done.returncode == 0, done.stderr
    assert "'worker_died': 1" in done.stdout

    died = _published(tmp_path / "dying", "reports", "quarantine_code = 'worker_died'")
    row = died.fetchall()
    dead = dict(zip(died.columns, row[0], strict=True))
    assert (dead["source_path"], dead["report_id"], dead["content_sha256"], dead["file_size"], dead["status"]) == (
        killer.relative_to(raw).as_posix(), report_id, hashlib.sha256(data).hexdigest(), len(data), "quarantined")
    assert dead["quarantine_reason"] == ("the parse worker died on this file twice, parsed alone (killed by SIGKILL, "
                                         "as the out-of-memory killer does); it was not parsed")
    assert dead["value_count"] == 0 and len(row) == 1
    # The run's log was told, once for the pool and once for the file (in Dagster, the step's warnings).
    warned = [line for line in done.stdout.splitlines() if line.startswith("WARN ")]
    assert warned[0] == ("WARN a parse worker died (the out-of-memory killer, a crash in a C library, the time or "
                         "memory limit): the chunks the workers had are parsed again, each in a process of its own")
    assert f"WARN {dead['source_path']}: quarantined worker_died: {dead['quarantine_reason']}" in warned

    # The same files, parsed in this process where nothing dies: every other row is the same.
    build_parquet(settings(raw, tmp_path / "calm"), workers=1)
    for table, at_least in (("values", 20_000), ("identity_checks", 5_000), ("issues", 50), ("reports", 299)):
        calm, dying = _rows(tmp_path / "calm", table, report_id), _rows(tmp_path / "dying", table, report_id)
        assert calm == dying and len(calm) >= at_least, table


def test_a_worker_dying_in_a_run_that_ignores_sigterm_does_not_hold_it_up(tmp_path):
    """The pool ends the workers of a broken pool by SIGTERM; in a run where it is ignored,
    a worker blocked writing its result waited for ever, and the run with it (seen when the
    tests ran as a background job). Each worker lets SIGTERM end it."""
    raw = generate(300, tmp_path / "synth", seed=4)
    killer = sorted(raw.rglob("*.txt"))[130]
    killer.write_bytes(killer.read_bytes() + b"\n" + MARKER + b"\n")

    done = _run(raw, tmp_path / "data", "marker", sigterm_ignored=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "'worker_died': 1" in done.stdout
    parsed = _published(tmp_path / "data", "reports", "status = 'parsed'", "count(*)").fetchone()[0]
    assert parsed > 250


def test_a_crawl_whose_new_folder_kills_a_worker_while_the_run_plans(tmp_path):
    """A crawl's new folder is sent to the workers before the run has planned (early
    chunks, held compressed): a worker that dies there is handled the same way."""
    raw = generate(300, tmp_path / "synth", seed=6)
    assert _run(raw, tmp_path / "data", "marker").returncode == 0
    crawl = raw / "crawl_2"
    crawl.mkdir()
    for index, source in enumerate(sorted(raw.rglob("*.txt"))[:290]):
        (crawl / f"n{index:03}.txt").write_bytes(source.read_bytes() + f"\n附:第{index}号。".encode())
    (crawl / "n100.txt").write_bytes((crawl / "n100.txt").read_bytes() + MARKER)

    done = _run(raw, tmp_path / "data", "marker")
    assert done.returncode == 0, done.stderr
    assert "'worker_died': 1" in done.stdout
    found = _published(tmp_path / "data", "reports", "source_path like 'crawl_2/%' and status = 'quarantined' and "
                       "quarantine_code <> 'duplicate_content'", "source_path, status, quarantine_code").fetchall()
    assert ("crawl_2/n100.txt", "quarantined", "worker_died") in found
    parsed = _published(tmp_path / "data", "reports", "source_path like 'crawl_2/%' and status = 'parsed'",
                        "count(*)").fetchone()[0]
    assert parsed > 250


def test_a_file_whose_parse_never_ends_is_stopped_and_quarantined(tmp_path):
    """A parse that loops (a PDF library on a broken file, say) would hold its worker, and
    the run, for ever: past the time limit the worker ends itself, with its stack on
    stderr, and the file, parsed alone, is quarantined ``parse_timeout``."""
    raw = generate(150, tmp_path / "synth", seed=4)
    hangs = sorted(raw.rglob("*.txt"))[70]
    data = hangs.read_bytes() + b"\n" + HANGS + b"\n"
    hangs.write_bytes(data)

    done = _run(raw, tmp_path / "data", "marker", time_limit=1)
    assert done.returncode == 0, done.stderr
    assert "'parse_timeout': 1" in done.stdout
    # (armed for twice the limit, so that it is armed again only now and then: arming it starts a thread)
    assert "Timeout (0:00:02)!" in done.stderr and "_parse_bytes_or_die" in done.stderr  # where it was
    row = _published(tmp_path / "data", "reports", "status = 'quarantined' and quarantine_code = 'parse_timeout'",
                     "source_path, report_id, quarantine_code, quarantine_reason").fetchall()
    assert row == [(hangs.relative_to(raw).as_posix(), hashlib.sha256(data).hexdigest()[:16], "parse_timeout",
                    ("the parse of this file ran past the time limit of 1 s (OGI_FILE_TIME_LIMIT_S) and was stopped; "
                    "it was not parsed"))]
    parsed = _published(tmp_path / "data", "reports", "status = 'parsed'", "count(*)").fetchone()[0]
    assert parsed > 120


def test_a_file_whose_parse_holds_too_much_memory_is_stopped_and_quarantined(tmp_path, monkeypatch):
    """A parse that takes more memory than OGI_WORKER_MEMORY_MB (a page that swells 35
    times in the HTML parser, say) is stopped before the out-of-memory killer must choose a
    process, which may be the run's own: the file, parsed alone, is quarantined
    ``parse_memory_limit``, and every other row is a calm run's."""
    raw = generate(200, tmp_path / "synth", seed=4)
    eater = sorted(raw.rglob("*.txt"))[90]
    data = eater.read_bytes() + b"\n" + EATS + b"\n"
    eater.write_bytes(data)
    report_id = hashlib.sha256(data).hexdigest()[:16]

    started = time.monotonic()
    done = _run(raw, tmp_path / "guarded", "marker", memory_mb=400)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 30  # (stopped, not left to wait its 30 s, twice)
    assert "'parse_memory_limit': 1" in done.stdout
    warned = [line for line in done.stdout.splitlines() if line.startswith("WARN ")]
    assert re.fullmatch(r"WARN a parse worker died \(the memory guard stopped one that held [\d,]+ MB, over "
                        r"OGI_WORKER_MEMORY_MB=400\): the chunks the workers had are parsed again, each in a process "
                        r"of its own", warned[0]), warned
    assert "held" in done.stderr and "over OGI_WORKER_MEMORY_MB=400: stopped" in done.stderr
    row = _published(tmp_path / "guarded", "reports", "status = 'quarantined' and quarantine_code = 'parse_memory_limit'",
                     "source_path, report_id, file_size, quarantine_reason").fetchall()
    assert row == [(eater.relative_to(raw).as_posix(), report_id, len(data),
                    ("the parse of this file held more than the memory limit of 400 MB (OGI_WORKER_MEMORY_MB) and was "
                     "stopped; it was not parsed"))]
    build_parquet(settings(raw, tmp_path / "calm"), workers=1)
    for table, at_least in (("values", 15_000), ("identity_checks", 3_000), ("issues", 30), ("reports", 199)):
        calm, guarded = _rows(tmp_path / "calm", table, report_id), _rows(tmp_path / "guarded", table, report_id)
        assert calm == guarded and len(calm) >= at_least, table
    # The check that lists the files the pipeline failed on has it.
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / "guarded"))
    check = no_file_failed_in_the_pipeline(dg.build_asset_check_context())
    assert not check.passed and check.description == "1 file(s) the pipeline failed on: parse_memory_limit 1"


def test_workers_that_die_with_no_file_stop_the_run_with_the_reason(tmp_path):
    """When a worker dies with nothing to parse, the files are not to blame: the run stops
    (rather than quarantining every file), publishing nothing."""
    raw = generate(100, tmp_path / "synth", seed=4)
    done = _run(raw, tmp_path / "data", "always")
    assert done.returncode != 0
    assert "ParseWorkersDying: a parse worker died with no file to parse" in done.stderr
    assert not (tmp_path / "data" / "parquet").exists()


def test_how_a_worker_ended_is_told_in_words():
    assert pool._ending(-signal.SIGKILL) == "killed by SIGKILL, as the out-of-memory killer does"
    assert pool._ending(-signal.SIGSEGV) == "killed by SIGSEGV"
    assert pool._ending(1) == "exit code 1"
    assert pool._ending(-200) == "killed by signal 200"


KILLED_RUN = """
import multiprocessing.forkserver, os, signal, sys
from pathlib import Path
from orchestration.corpus import pool
from orchestration.corpus.listing import raw_file_names

if __name__ == "__main__":
    raw = Path(sys.argv[1])
    parser = pool.Parser(raw, 50 * 2**20, 2)
    rows = list(parser.rows(raw_file_names(raw)))
    print(*parser._pool._processes, multiprocessing.forkserver._forkserver._forkserver_pid, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # (as the out-of-memory killer, or a run's hard stop, ends it)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_run_killed_outright_takes_its_workers_and_their_forkserver_with_it(tmp_path):
    """They waited for work for ever before, holding their memory (450 MB each in session
    32's out-of-memory run), and kept the forkserver up."""
    raw = generate(300, tmp_path / "synth", seed=4)
    with open(tmp_path / "pids", "w", encoding="ascii") as out:  # (not a pipe: a worker left behind would hold it)
        run = subprocess.run([sys.executable, "-c", KILLED_RUN, str(raw)], cwd=REPO, stdout=out, timeout=120, check=False)
    pids = [int(pid) for pid in (tmp_path / "pids").read_text(encoding="ascii").split()]
    try:
        assert run.returncode == -signal.SIGKILL and len(pids) >= 2  # (the workers, then the forkserver)
        deadline = time.monotonic() + 10
        while any(map(_alive, pids)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in pids if _alive(pid)]
    finally:
        for pid in filter(_alive, pids):
            os.kill(pid, signal.SIGKILL)
