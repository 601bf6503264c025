"""Two runs at once on one data folder: each output has one writer at a time, and a run
that finds another writing it waits instead of racing (orchestration/locks.py).

Before the locks, a parse that started while another was writing failed with
FileNotFoundError, because the first one's publish removed its staging folder."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import dagster as dg
import pytest

from orchestration import locks
from orchestration.corpus import build_parquet
from orchestration.defs.parsing import parse_raw_reports
from orchestration.defs.parsing_checks import (
    every_raw_file_accounted_for,
    identities_hold,
    no_file_failed_in_the_pipeline,
    schema_checks,
)
from orchestration.settings import Settings

from .conftest import SAMPLES_RAW, published_parquet

Lock = Callable[[Path, locks.Waiting], AbstractContextManager]

WHOLE_PARSE: Lock = locks.whole_parse
READING: Lock = locks.reading_parquet
BUILD: Lock = locks.warehouse_build



@pytest.fixture(autouse=True)
def _locks_on(monkeypatch):
    """(Whatever the shell running the tests has set.)"""
    monkeypatch.delenv("OGI_LOCKS", raising=False)


@pytest.fixture
def samples(tmp_path) -> Settings:
    """The five samples copied to a raw folder of their own, and a data folder not made yet."""
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES_RAW, raw)
    return Settings(raw, tmp_path / "data", 50 * 2**20)


def folder(part: str) -> Lock:
    return lambda data, waiting: locks.folder_parse(data, part, waiting)


def second_waits(data: Path, first: Lock, second: Lock) -> bool:
    """Whether ``second``, taken on another thread while ``first`` is held, waits for it
    (and is told so); either way it must be held once ``first`` is let go."""
    told, taken, release = threading.Event(), threading.Event(), threading.Event()

    def take_second() -> None:
        with second(data, lambda message: told.set()):
            taken.set()
            release.wait(10)

    with first(data, lambda message: pytest.fail(f"the first lock waited: {message}")):
        thread = threading.Thread(target=take_second)
        thread.start()
        _until(lambda: told.is_set() or taken.is_set(), "the second lock is taken or waits", 10)
        waited = told.is_set()
        if waited:
            time.sleep(0.05)
            assert not taken.is_set(), "told to wait, yet it took the lock"
    assert taken.wait(10), "not taken once the first lock was let go"
    release.set()
    thread.join(10)
    return waited


@pytest.mark.parametrize(
    ("first", "second", "waits"),
    [
        (WHOLE_PARSE, WHOLE_PARSE, True),
        (WHOLE_PARSE, folder("a"), True),  # the whole parse reads every folder's part
        (folder("a"), WHOLE_PARSE, True),
        (folder("a"), folder("b"), False),  # a backfill's folders run side by side
        (folder("a"), folder("a"), True),
        (WHOLE_PARSE, READING, True),  # a check or a build waits for the publish
        (READING, WHOLE_PARSE, True),  # and a parse does not remove what they read
        (READING, READING, False),
        (BUILD, BUILD, True),
        (BUILD, READING, False),  # the checks on the Parquet run beside the build
        (BUILD, WHOLE_PARSE, True),
        (folder("a"), BUILD, False),  # a build reads the published tables, not the parts
        (folder("a"), READING, False),
    ],
    ids=lambda value: value if isinstance(value, bool) else None,
)
def test_which_runs_wait_for_which(tmp_path, first, second, waits):
    assert second_waits(tmp_path, first, second) is waits


def test_the_lock_files_stay_out_of_the_outputs(tmp_path):
    for lock in (locks.whole_parse(tmp_path), locks.warehouse_build(tmp_path), locks.folder_parse(tmp_path, "crawl-a")):
        with lock:
            pass
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        ".locks/parquet.lock", ".locks/parts.lock", ".locks/parts/crawl-a.lock", ".locks/warehouse.lock"]


_PARSE = """
import signal, sys
from pathlib import Path
signal.signal(signal.SIGINT, signal.default_int_handler)  # (as a Dagster run has it, even in a background job's tests)
from orchestration.corpus import build_parquet
from orchestration.settings import Settings
summary = build_parquet(Settings(Path(sys.argv[1]), Path(sys.argv[2]), 50 * 2**20), workers=1)
print(summary.files, summary.reparsed)
"""


def _start_parse(raw: Path, data: Path, log: Path) -> subprocess.Popen:
    with log.open("w") as stderr:  # (the child keeps its own copy)
        return subprocess.Popen([sys.executable, "-c", _PARSE, str(raw), str(data)],
                                stdout=subprocess.PIPE, stderr=stderr, text=True)


def _until(condition: Callable[[], bool], what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.05)


def test_two_parses_at_once_take_turns_and_publish_what_one_would(tmp_path, samples):
    raw, data, single = samples.raw_dir, samples.data_dir, tmp_path / "single"
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with locks.whole_parse(data):  # (held here, so that both start while it is taken)
        runs = [_start_parse(raw, data, log) for log in logs]
        _until(lambda: all("is held by another run; waiting" in log.read_text() for log in logs),
               "both parses say they wait")
        assert [run.poll() for run in runs] == [None, None]
    outputs = [run.communicate(timeout=120)[0].split() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [log.read_text() for log in logs]
    # one parsed the five samples, then the other found them unchanged
    assert sorted(outputs) == [["5", "0"], ["5", "5"]]
    assert [p.name.split("-")[0] for p in (data / "parquet.d").iterdir()] == ["run"]
    build_parquet(Settings(raw, single, 50 * 2**20), workers=1)
    assert published_parquet(data) == published_parquet(single)


_HOLD = """
import sys, time
from pathlib import Path
from orchestration import locks
with locks.whole_parse(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_run_killed_holding_a_lock_leaves_it_free(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    told, taken = threading.Event(), threading.Event()

    def take() -> None:
        with locks.whole_parse(tmp_path, lambda message: told.set()):
            taken.set()

    thread = threading.Thread(target=take)
    thread.start()
    _until(told.is_set, "told to wait for the holder", 10)
    assert not taken.is_set()
    os.kill(holder.pid, signal.SIGKILL)  # no clean-up of its own: the kernel lets the lock go
    holder.communicate(timeout=10)
    assert taken.wait(10), "the lock stayed taken after its holder died"
    thread.join(10)


def test_the_checks_on_the_parquet_read_it_under_the_shared_lock(samples, monkeypatch):
    data = samples.data_dir
    monkeypatch.setenv("OGI_RAW_DIR", str(samples.raw_dir))
    monkeypatch.setenv("OGI_DATA_DIR", str(data))
    build_parquet(samples, workers=1)
    held: list[tuple[str, bool]] = []
    real_hold = locks.hold

    @contextmanager
    def recorded_hold(path: Path, *, shared: bool = False, waiting: locks.Waiting | None = None):
        with real_hold(path, shared=shared, waiting=waiting):
            held.append((str(path.relative_to(data)), shared))
            yield

    monkeypatch.setattr(locks, "hold", recorded_hold)
    checks = (every_raw_file_accounted_for, identities_hold, no_file_failed_in_the_pipeline, *schema_checks)
    for check in checks:
        held.clear()
        check(dg.build_asset_check_context())
        assert held == [(".locks/parquet.lock", True)], check
    assert len(checks) == 7


def test_a_run_waiting_for_a_lock_can_be_cancelled(tmp_path):
    """Dagster cancels a run with SIGINT: a run waiting for a lock stops at once."""
    waiter_log = tmp_path / "waiter.log"
    with locks.whole_parse(tmp_path / "data"):
        waiter = _start_parse(SAMPLES_RAW, tmp_path / "data", waiter_log)
        _until(lambda: "is held by another run; waiting" in waiter_log.read_text(), "the parse says it waits")
        waiter.send_signal(signal.SIGINT)
        waiter.communicate(timeout=10)
        assert waiter.returncode != 0 and "KeyboardInterrupt" in waiter_log.read_text()
    assert not (tmp_path / "data" / "parquet.d").exists()  # it had not started


@pytest.mark.parametrize("code", [errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS])
def test_a_file_system_without_flock_fails_the_run_saying_so(samples, monkeypatch, code):
    """NFSv3 without its lock daemon answers flock with ENOLCK, some FUSE mounts with
    EOPNOTSUPP or ENOSYS: the run stops before it writes anything, and says what to do."""
    data = samples.data_dir

    def no_flock(handle, mode):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(locks.fcntl, "flock", no_flock)
    with pytest.raises(locks.LocksUnsupported) as failed:
        build_parquet(samples, workers=1)
    message = str(failed.value)
    assert f"cannot lock {data / '.locks' / 'parquet.lock'}: {os.strerror(code)} (errno {code})" in message
    assert "OGI_LOCKS=off" in message and "`dagster instance concurrency set ogi_data_folder 1`" in message
    assert isinstance(failed.value.__cause__, OSError)
    assert not (data / "parquet.d").exists() and not (data / "parquet").exists()


def test_with_the_locks_off_runs_take_none(samples, monkeypatch):
    data = samples.data_dir
    monkeypatch.setenv("OGI_LOCKS", "off")

    def no_flock(handle, mode):
        pytest.fail("flock called with OGI_LOCKS=off")

    monkeypatch.setattr(locks.fcntl, "flock", no_flock)
    with locks.whole_parse(data), locks.whole_parse(data):  # (with the locks on, the second would wait for ever)
        pass
    summary = build_parquet(samples, workers=1)
    assert (summary.files, summary.reparsed) == (5, 5)
    assert not (data / ".locks").exists()


@pytest.mark.parametrize(("value", "on"), [(None, True), ("on", True), ("1", True), ("off", False), ("OFF", False),
                                           ("0", False), ("false", False), ("no", False)])
def test_ogi_locks_values(monkeypatch, value, on):
    if value is None:
        monkeypatch.delenv("OGI_LOCKS", raising=False)
    else:
        monkeypatch.setenv("OGI_LOCKS", value)
    assert locks.enabled() is on


def test_a_dagster_pool_of_one_keeps_the_parse_waiting(samples, monkeypatch):
    """Where flock cannot work, the README's recipe: `dagster instance concurrency set
    ogi_data_folder 1`. The parse waits while another run's step holds the pool's slot."""
    data = samples.data_dir
    monkeypatch.setenv("OGI_RAW_DIR", str(samples.raw_dir))
    monkeypatch.setenv("OGI_DATA_DIR", str(data))
    monkeypatch.setenv("OGI_LOCKS", "off")
    with dg.instance_for_test() as instance:
        slots = instance.event_log_storage
        slots.set_concurrency_slots(locks.POOL, 1)
        slots.claim_concurrency_slot(locks.POOL, "another-run", "warehouse_models")
        result: list[dg.ExecuteInProcessResult] = []
        run = threading.Thread(target=lambda: result.append(dg.materialize([parse_raw_reports], instance=instance)))
        run.start()

        def blocked() -> bool:
            runs = instance.get_runs()
            return bool(runs) and any(
                f"blocked by limit for pool {locks.POOL}" in (entry.user_message or "")
                for entry in instance.all_logs(runs[0].run_id))

        _until(blocked, "the parse is blocked by the pool", 60)
        assert not result and not (data / "parquet").exists()
        slots.free_concurrency_slots_for_run("another-run")
        run.join(120)
    assert result and result[0].success
    assert sorted(p.name for p in (data / "parquet" / "reports").iterdir()) == ["_root.parquet"]


def test_every_step_that_writes_the_data_folder_or_reads_its_parquet_is_in_the_pool():
    from orchestration.definitions import defs

    repository = defs().get_repository_def()
    pools = {node.name: node.definition.pool for name in ("ogi_all_assets", "parse_raw_folders")
             for node in repository.get_job(name).graph.nodes}
    assert {name for name, pool in pools.items() if pool != locks.POOL} == {"reports__data_report"}
    assert {"parse_raw_reports", "parquet__folder_parts", "warehouse_models",
            "parquet__reports_every_raw_file_accounted_for", "parquet__issues_identities_hold",
            "parquet__reports_no_file_failed_in_the_pipeline",
            *(f"parquet__{table}_{table}_matches_schema" for table in ("reports", "values", "issues",
                                                                       "identity_checks"))} == set(pools) - {
        "reports__data_report"}
