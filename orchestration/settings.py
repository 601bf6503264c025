"""Where the pipeline reads and writes, from the environment.

``OGI_RAW_DIR`` (default ``raw/``) and ``OGI_DATA_DIR`` (default ``data/``) are
resolved against the working directory, as a data engineer running ``ogi run``
or ``dagster dev`` from the repository root expects. ``OGI_DUCKDB_MEMORY`` caps DuckDB's
memory in dbt (default 240MB) and in the pipeline's own queries (default 96MB).
``OGI_TRUST_CTIME=off`` has a run tell an unchanged file by its size and modification
time alone (``Settings.trust_ctime``).
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


def this_year() -> int:
    """The year a run takes for the last a report may cover when none is given: the calendar's."""
    return date.today().year


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    data_dir: Path
    max_file_bytes: int
    file_time_limit_s: float = 300.0  # a parse worker stopped on one file after this (0: never)
    worker_memory_mb: int = 0  # a parse process stopped when it holds more than this (0: never)
    # A file whose status change time differs from the one recorded is read and hashed
    # (corpus/listing.py says why). Off, as git's core.trustctime, for a raw folder whose
    # ctimes move by themselves (daily hard-link snapshots: `cp -al`, `rsync --link-dest`),
    # at the cost of a file rewritten at the same size with its old mtime put back.
    trust_ctime: bool = True
    # The last year a report may cover (a year after it read in a report is set aside): the year
    # the run began, fixed for the whole run, so a run across a new year's midnight reads every
    # file alike; files it decided are parsed again by a run in another year (corpus/limits.py).
    max_report_year: int = field(default_factory=this_year)

    @property
    def parquet_dir(self) -> Path:
        """The published Parquet: a symlink swapped atomically at the end of a parse."""
        return self.data_dir / "parquet"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    def parquet_table(self, table: str) -> Path:
        """A published table: a folder of Parquet parts, one per top-level raw folder."""
        return self.parquet_dir / table

    def parquet_glob(self, table: str) -> str:
        """Every part of a published table, as DuckDB's ``read_parquet`` reads them."""
        return table_glob(self.parquet_dir, table)


def table_glob(directory: Path, table: str) -> str:
    """Every part of ``table`` in a run's Parquet directory, as DuckDB's ``read_parquet`` reads them."""
    return str(directory / table / "*.parquet")


def load_settings() -> Settings:
    raw = Path(os.environ.get("OGI_RAW_DIR", "raw")).expanduser()
    data = Path(os.environ.get("OGI_DATA_DIR", "data")).expanduser()
    max_mb = _number("OGI_MAX_FILE_MB", "50", "give megabytes, more than 0 (default 50)", zero_allowed=False)
    time_limit = _number("OGI_FILE_TIME_LIMIT_S", "300", "give seconds, or 0 for no limit (default 300)")
    trust_ctime = switched_on("OGI_TRUST_CTIME")
    check_environment()
    raw, data = raw.resolve(), data.resolve()
    if data == raw or raw in data.parents:
        raise SettingsError(f"OGI_DATA_DIR={data} is inside OGI_RAW_DIR={raw}: each run would read the last one's "
                            "Parquet, warehouse and report as raw files; give a data folder outside the raw folder")
    return Settings(raw, data, int(max_mb * 1024 * 1024), time_limit, _worker_memory_mb(), trust_ctime)


class SettingsError(ValueError):
    """An environment variable the pipeline cannot run with."""


def _number(name: str, default: str, advice: str, zero_allowed: bool = True) -> float:
    text = os.environ.get(name, "").strip() or default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_allowed):
        raise SettingsError(f"{name}={text}: {advice}")
    return value


def _check_count(name: str, text: str, what: str) -> None:
    """``text``, the value of ``name``, is empty or a whole number of ``what``, at least 1."""
    text = text.strip()
    if text and (not text.isdigit() or int(text) < 1):
        raise SettingsError(f"{name}={text}: give a number of {what}, at least 1")


_ON, _OFF = ("on", "1", "true", "yes"), ("off", "0", "false", "no")


def switched_on(name: str) -> bool:
    """Whether the on/off variable ``name`` is on: on when unset."""
    return _on_or_off(name, os.environ.get(name, ""))


def _on_or_off(name: str, text: str) -> bool:
    value = text.strip().lower() or "on"
    if value not in _ON + _OFF:
        raise SettingsError(f"{name}={text.strip()}: on or off ({', '.join(_ON)}; {', '.join(_OFF)})")
    return value in _ON


_CHECKED = ("OGI_LOCKS", "OGI_DBT_THREADS", "OGI_DUCKDB_MEMORY", "OGI_DUCKDB_MEMORY_DIM_AGENCY")


def check_environment() -> None:
    """Raise SettingsError for a variable the run would fail on half-way, or misread, that
    ``Settings`` does not hold: the locks' switch, the dbt build's threads and DuckDB memory
    caps. ``load_settings`` asks, so every command and step does before it starts."""
    _check_values(tuple(os.environ.get(name, "") for name in _CHECKED))


@lru_cache(maxsize=8)
def _check_values(values: tuple[str, ...]) -> None:
    """``check_environment`` for these values of ``_CHECKED``, once for each (asking DuckDB
    whether it reads a size takes 7 ms, and the steps of a run load the settings a dozen times)."""
    locks, threads, *memory_limits = values
    _on_or_off("OGI_LOCKS", locks)
    _check_count("OGI_DBT_THREADS", threads, "threads (default 1)")
    for name, limit in zip(_CHECKED[2:], memory_limits):
        if limit := limit.strip():
            import duckdb

            try:
                duckdb.connect(config={"memory_limit": limit}).close()  # (DuckDB knows the sizes it reads)
            except duckdb.Error as error:
                raise SettingsError(f"{name}={limit}: a size DuckDB reads, such as 240MB or 1GB ({error})") from None


MIN_WORKER_MEMORY_MB = 256  # a parse worker at rest holds 40-120 MB


def _worker_memory_mb() -> int:
    memory = os.environ.get("OGI_WORKER_MEMORY_MB", "").strip()
    if not memory:
        return default_worker_memory_mb(usable_cpus())
    if not memory.isdigit() or 0 < int(memory) < MIN_WORKER_MEMORY_MB:
        raise SettingsError(f"OGI_WORKER_MEMORY_MB={memory}: give megabytes, at least {MIN_WORKER_MEMORY_MB} (a parse "
                            "worker at rest holds 40-120 MB), or 0 for no limit")
    return int(memory)


def usable_cpus() -> int:
    """The CPUs this process may use: the machine's, fewer if its affinity or its
    container's CPU quota (cgroup v1 or v2) says so, or ``LOKY_MAX_CPU_COUNT``. A pod
    limited to two CPUs on a 64-core node gets two parse workers, not 64 (each holding
    40-120 MB at rest)."""
    _check_count("LOKY_MAX_CPU_COUNT", os.environ.get("LOKY_MAX_CPU_COUNT", ""), "parse workers")  # (loky's: a bare int() error)
    from joblib.externals.loky import cpu_count  # (64 ms to import: only when asked)

    return cpu_count()


def default_worker_memory_mb(workers: int) -> int:
    """A parse process's share of the machine's memory (or its container's, when that is
    less), the run's own process taking a share too; never under 1 GB, which the parse of
    a 25 MB page needs (and a worker idles at about 120 MB)."""
    return max(1024, memory_bytes() // (workers + 1) // 2**20)


CGROUP_MEMORY_LIMITS = (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"))  # v2, v1


def memory_bytes(cgroup_limits: tuple[Path, ...] = CGROUP_MEMORY_LIMITS) -> int:
    """The memory this process may use: the machine's, or its container's (cgroup's) limit if lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit in cgroup_limits:
        with contextlib.suppress(OSError, ValueError):  # (absent, or "max": no limit)
            total = min(total, int(limit.read_text().strip()))
    return total


@contextlib.contextmanager
def environment(**variables: str | None) -> Iterator[None]:
    """Set (or, with None, unset) environment variables for a block, then restore them."""
    previous = {key: os.environ.get(key) for key in variables}
    for key, value in variables.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# DuckDB's memory cap: past it DuckDB spills to disk, so memory does not grow with the
# corpus. dbt reads OGI_DUCKDB_MEMORY in profiles.yml (default 240MB, which a million
# reports build under, README); the Python side's own queries on the Parquet (asset
# checks, run summary) are scans, joins and one sort, run in the Dagster process, whose
# resident set each adds to. The largest, the duplicate-key check on values, sorts every
# key's hash; its resident set is the cap plus about 25 MB, and no slower under a
# smaller cap. Measured (session 16): +152 MB with 128MB, +121 MB with 96MB at 100,000
# reports (1.4-1.7 s); at a million, +226 MB with 128MB, +193 MB with 96MB (22 s), and
# 64MB runs out of memory.
PYTHON_DUCKDB_MEMORY_DEFAULT = "96MB"


def duckdb_config() -> dict[str, str]:
    return {"memory_limit": os.environ.get("OGI_DUCKDB_MEMORY", PYTHON_DUCKDB_MEMORY_DEFAULT)}


def duckdb_connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection for the Python side's queries on the Parquet,
    under its memory cap and without the progress bar DuckDB draws when a query runs
    past two seconds: at a million reports the checks' queries take 10-20 s, and the
    bar went to the run's output and Dagster's logs whether or not they were a terminal.
    (A per-connection setting: DuckDB refuses it in the config of ``connect``.)"""
    import duckdb  # (imported here: most of what imports the settings never queries)

    connection = duckdb.connect(config=duckdb_config())
    connection.execute("set enable_progress_bar = false")
    return connection
