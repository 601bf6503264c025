"""A Dagster run, as `dagster dev`, the daemon or `dagster job execute` launches one: every
step in a process of its own, forked from a forkserver that imported Dagster, dagster-dbt and
dbt once (`orchestration/defs/executor.py`). `ogi run` and the other tests run in process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.definitions import defs
from orchestration.defs import executor
from orchestration.defs.jobs import ALL_ASSETS_JOB, FOLDER_PARTS_JOB

from .conftest import SAMPLES_RAW

DAGSTER = Path(sys.executable).with_name("dagster")


def test_every_job_runs_its_steps_forked_from_the_preloaded_forkserver():
    definitions = defs()
    jobs = [definitions.resolve_job_def(ALL_ASSETS_JOB), definitions.resolve_job_def(FOLDER_PARTS_JOB),
            definitions.resolve_implicit_global_asset_job_def()]  # (what the UI's "Materialize" runs)
    assert all(job.executor_def is executor.defs.executor for job in jobs)


def test_a_run_s_own_executor_config_is_kept_and_its_start_method_wins():
    """The launchpad's `execution: config:` still sets `max_concurrent` and the rest; a start
    method it names replaces the preloaded forkserver."""
    executor_def = defs().resolve_job_def(ALL_ASSETS_JOB).executor_def

    def mapped(config: dict) -> dict:
        result = executor_def.apply_config_mapping({"config": config})
        assert result.success, result.errors
        return result.value["config"]

    preloaded = {"forkserver": {"preload_modules": list(executor.STEP_PRELOAD)}}
    assert mapped({})["start_method"] == preloaded
    assert (mapped({"max_concurrent": 1})["max_concurrent"], mapped({"max_concurrent": 1})["start_method"]) == (1, preloaded)
    assert mapped({"start_method": {"spawn": {}}})["start_method"] == {"spawn": {}}


_THREADS_AFTER_PRELOAD = """
import importlib, os, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(len(os.listdir("/proc/self/task")))
"""


def test_the_steps_forkserver_preloads_nothing_that_starts_a_thread():
    """A process forked from one with other threads may inherit a lock one of them held, for
    ever: the preloaded modules start none (pyarrow and DuckDB, imported by the steps
    themselves, would)."""
    done = subprocess.run([sys.executable, "-c", _THREADS_AFTER_PRELOAD, *executor.STEP_PRELOAD],
                          capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "1"
    with_duckdb = subprocess.run([sys.executable, "-c", _THREADS_AFTER_PRELOAD, *executor.STEP_PRELOAD, "duckdb"],
                                 capture_output=True, text=True, check=True, timeout=120)
    assert int(with_duckdb.stdout) > 1  # (so the count above would see a thread)


@pytest.mark.e2e
def test_a_dagster_run_of_the_samples_materializes_every_asset(tmp_path):
    environment = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home"), "OGI_RAW_DIR": str(SAMPLES_RAW),
                   "OGI_DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "dagster_home").mkdir()
    done = subprocess.run([str(DAGSTER), "job", "execute", "-m", "orchestration.definitions", "-j", ALL_ASSETS_JOB],
                          capture_output=True, text=True, env=environment, timeout=600, check=False)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-3000:]
    assert "Executing steps using multiprocess executor" in log and 'RUN_SUCCESS' in log
    steps = {line.split('Executing step "')[1].split('"')[0] for line in log.splitlines()
             if 'STEP_WORKER_STARTED - Executing step "' in line}
    assert {"parse_raw_reports", "warehouse_models", "reports__data_report"} <= steps and len(steps) == 10
    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True) as warehouse:
        assert warehouse.execute("select count(*), sum(value_count) from dim_report").fetchone() == (5, 549)
