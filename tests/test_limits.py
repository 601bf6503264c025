"""A file a run's limit quarantined is tried again by a run with other limits (raising
OGI_MAX_FILE_MB parses it, as ``too_large``'s action says), and a file parsed under a
size limit it is now over is quarantined, as a full run would: an incremental run still
writes a full run's bytes. A file over the size limit is hashed, not held."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tracemalloc
from types import SimpleNamespace

import duckdb
import pyarrow as pa
import pytest

from orchestration import settings as settings_module
from orchestration import synthetic
from orchestration.cli import main
from orchestration.corpus import build_parquet, pool
from orchestration.corpus.limits import DECIDED_BY_LIMITS, Limits
from orchestration.corpus.rows import ROWS_VERSION
from orchestration.parsing import PARSER_VERSION, parse_bytes, too_large
from orchestration.settings import (
    Settings,
    SettingsError,
    check_environment,
    default_worker_memory_mb,
    environment,
    load_settings,
    memory_bytes,
    table_glob,
    usable_cpus,
)
from orchestration.synth import generate

from .conftest import REPO, published_parquet
from .test_formats import T2

MB = 2**20


def _run(raw, data, max_mb: float, time_limit: float = 300):
    return build_parquet(Settings(raw, data, int(max_mb * MB), time_limit), workers=1)


def _outcome(data, path: str) -> tuple:
    with duckdb.connect() as db:
        return db.execute("select status, quarantine_code, quarantine_reason from read_parquet(?) where source_path = ?",
                          [table_glob(data / "parquet", "reports"), path]).fetchone()


def _state(data) -> dict[str, str | None]:
    with duckdb.connect() as db:
        return dict(db.execute("select source_path, limits from read_parquet(?)",
                               [table_glob(data / "parquet", "file_state")]).fetchall())


@pytest.fixture()
def corpus(tmp_path):
    """Sixty reports in three folders; one of them, in the second folder, 300 KB long (the others 1-10 KB)."""
    raw = generate(60, tmp_path / "synth", seed=3)
    files = sorted(raw.rglob("*.txt"))
    big = files[25]
    big.write_bytes(big.read_bytes() + b"\n" + b" " * 300_000)
    assert all(path.stat().st_size < 20_000 for path in files if path != big)
    return raw, big.relative_to(raw).as_posix()


def test_raising_the_size_limit_parses_the_file_it_kept_out(corpus, tmp_path):
    raw, big = corpus
    data = tmp_path / "data"
    first = _run(raw, data, 0.25)
    assert _outcome(data, big)[:2] == ("quarantined", "too_large")
    state = _state(data)
    assert state[big] == f"max_file_bytes={int(0.25 * MB)} file_time_limit_s=300 worker_memory_mb=0"
    assert sum(limits is not None for limits in state.values()) == 1  # (no other file's outcome hangs on a limit)

    again = _run(raw, data, 0.25)  # the same limits: nothing is parsed, the output is kept
    assert again.unchanged and again.reparsed == 0

    raised = _run(raw, data, 1)
    assert raised.reparsed == 1 and raised.quarantined == first.quarantined - 1
    assert _outcome(data, big) == ("parsed", None, None)
    assert _state(data)[big] is None
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full-1", 1))

    lowered = _run(raw, data, 0.25)  # parsed under the higher limit, over this one: a full run would quarantine it
    assert lowered.reparsed == 1
    reason = f"{raw.joinpath(big).stat().st_size} bytes, over the limit of {int(0.25 * MB)}"
    assert _outcome(data, big) == ("quarantined", "too_large", reason)
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full-2", 0.25))


def test_a_folder_with_a_file_a_limit_quarantined_is_still_kept_whole(corpus, tmp_path):
    """A crawl elsewhere links the folder (its states are current under the same limits),
    and a run with another time limit parses that one file again, the others not."""
    raw, big = corpus
    data = tmp_path / "data"
    _run(raw, data, 0.25)
    folder = big.split("/")[0]
    (raw / "crawl_new").mkdir()
    (raw / "crawl_new" / "a.txt").write_bytes(raw.joinpath(big).read_bytes()[:5000] + "\n附:新。".encode())
    crawl = _run(raw, data, 0.25)
    assert crawl.reparsed == 1 and crawl.linked == 60
    before = (data / "parquet" / "reports" / f"{folder}.parquet").stat().st_ino

    other_time = _run(raw, data, 0.25, time_limit=120)
    assert other_time.reparsed == 1 and other_time.linked == 61 - sum(
        path.startswith(f"{folder}/") for path in _state(data))
    assert _outcome(data, big)[:2] == ("quarantined", "too_large")
    assert _state(data)[big] == f"max_file_bytes={int(0.25 * MB)} file_time_limit_s=120 worker_memory_mb=0"
    assert (data / "parquet" / "reports" / f"{folder}.parquet").stat().st_ino != before


def test_which_states_a_run_takes_as_they_are():
    """Each condition of ``Limits.current`` on its own row: a change of parser or row code, a limit that
    quarantined the file under other limits, a file parsed now over the size limit."""
    limits = Limits(1000, 300, 4096, 2026)
    rows = [  # (version, size, limits recorded, taken as it is)
        (ROWS_VERSION, 900, None, True),
        (ROWS_VERSION, 1000, None, True),  # (the limit is "larger than")
        (ROWS_VERSION, 1001, None, False),
        ("an older parser", 900, None, False),
        (PARSER_VERSION, 900, None, False),  # (the same parser, other code making its rows)
        (ROWS_VERSION, 5000, limits.tag, True),
        (ROWS_VERSION, 5000, Limits(2000, 300, 4096, 2026).tag, False),
        (ROWS_VERSION, 5000, Limits(1000, 60, 4096, 2026).tag, False),
        (ROWS_VERSION, 5000, Limits(1000, 300, 2048, 2026).tag, False),
        ("an older parser", 5000, limits.tag, False),
        (ROWS_VERSION, 900, "max_report_year=2026", True),  # (a report's year this year decided)
        (ROWS_VERSION, 900, Limits(1000, 300, 4096, 2025).year_tag, False),  # (... last year: parsed again)
        (ROWS_VERSION, 1001, limits.year_tag, False),
        ("an older parser", 900, limits.year_tag, False),
    ]
    state = pa.table({"parser_version": [r[0] for r in rows], "size": pa.array([r[1] for r in rows], pa.int64()),
                      "limits": pa.array([r[2] for r in rows], pa.string())})
    assert limits.current(state).to_pylist() == [r[3] for r in rows]
    assert DECIDED_BY_LIMITS == {"too_large", "parse_timeout", "parse_memory_limit", "worker_died"}
    assert [limits.recorded(code) for code in ("too_large", "parse_timeout", "parse_memory_limit", "worker_died",
                                               "duplicate_content", "unreadable_file", None)] == [limits.tag] * 4 + [None] * 3
    set_aside, other = {"code": "later_year_set_aside"}, {"code": "no_report_year"}
    assert [limits.recorded(None, [other, set_aside]), limits.recorded(None, [other]), limits.recorded(None),
            limits.recorded("too_large", [set_aside])] == ["max_report_year=2026", None, None, limits.tag]


def test_the_first_run_of_a_new_year_parses_again_the_files_whose_year_it_decided(tmp_path):
    """A report titled 2027 read in 2026 has its title's year set aside (no report covers a
    year not yet begun); the first run of 2027 parses that file again, and it alone, and
    writes what a full run in 2027 writes. The workers take the run's year, not the
    calendar's: in any year, one of the two runs' years is not the calendar's."""
    raw = generate(40, tmp_path / "synth", seed=5)
    late = raw / "late"
    late.mkdir()
    t3, t4 = synthetic.consistent_table3("t2021", 2), synthetic.consistent_table4(2)
    text = synthetic.national_report("某某县人民政府办公室", 2027, "t2021", "t2021", T2["t2021"], t3, t4, "lines").text
    (late / "2027.txt").write_text(text, encoding="utf-8")
    (late / "targets.txt").write_text(  # (the 2035 targets come after its title's year: they decide nothing)
        text.replace("2027年", "2024年").replace("2028-", "2025-") + "\n到2035年基本建成,2035年远景目标。", encoding="utf-8")

    def run(year: int, data):
        return build_parquet(Settings(raw, data, 50 * MB, max_report_year=year), workers=2)

    def year_of(data, path: str) -> tuple:
        with duckdb.connect() as db:
            return db.execute(
                "select report_year, year_source, (select list(message) from read_parquet(?) i where i.source_path = r."
                "source_path and code = 'later_year_set_aside') from read_parquet(?) r where source_path = ?",
                [table_glob(data / "parquet", "issues"), table_glob(data / "parquet", "reports"), path]).fetchone()

    data = tmp_path / "data"
    assert run(2026, data).reparsed == 42
    assert year_of(data, "late/2027.txt") == (
        None, None, ["set aside as after the year of the run (2026): 2027 (title, period, period_end, mentioned)"])
    assert year_of(data, "late/targets.txt") == (2024, "title", None)
    assert {path: tag for path, tag in _state(data).items() if tag} == {"late/2027.txt": "max_report_year=2026"}
    assert run(2026, data).unchanged

    again = run(2027, data)
    assert (again.reparsed, again.linked) == (1, 40)  # (its folder written again, the other file's rows copied)
    assert year_of(data, "late/2027.txt") == (2027, "title", None)
    assert not any(_state(data).values())
    full = tmp_path / "full"
    run(2027, full)
    assert published_parquet(data) == published_parquet(full)


def _full(raw, data, max_mb: float):
    summary = _run(raw, data, max_mb)
    assert summary.reparsed == summary.files
    return data


def test_a_file_over_the_size_limit_is_hashed_as_it_is_read_not_held(tmp_path):
    """A crawl's archive of gigabytes took as much memory in a worker, only to be
    quarantined: its row is the same, its bytes are not held."""
    huge = tmp_path / "bundle.zip"
    with huge.open("wb") as file:
        file.truncate(64 * MB)  # (sparse: 64 MB of zeros)
    tracemalloc.start()
    try:
        parse = pool._parse_file("bundle.zip", str(huge), MB, 2030, {})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MB
    digest = hashlib.sha256(bytes(64 * MB)).hexdigest()
    assert parse == too_large("bundle.zip", digest, 64 * MB, MB)
    assert (parse.report_id, parse.file_size, parse.status, parse.quarantine_code, parse.quarantine_reason) == (
        digest[:16], 64 * MB, "quarantined", "too_large", f"{64 * MB} bytes, over the limit of {MB}")
    # The same quarantine as parsing the bytes (a file named on the command line, `ogi parse`).
    assert parse == parse_bytes(huge.read_bytes(), "bundle.zip", max_year=2030, max_bytes=MB)


def test_a_file_that_shrank_below_the_limit_while_hashed_is_parsed(tmp_path, monkeypatch):
    report = min(generate(3, tmp_path / "synth", seed=3).rglob("*.txt"))
    real_fstat = os.fstat
    monkeypatch.setattr(pool.os, "fstat", lambda fd: SimpleNamespace(st_mode=real_fstat(fd).st_mode,
                                                                      st_size=real_fstat(fd).st_size + MB))
    parse = pool._parse_file("r.txt", str(report), MB, 2030, {})
    assert parse.status == "parsed" and len(parse.result.values) > 20
    assert parse == parse_bytes(report.read_bytes(), "r.txt", max_year=2030, max_bytes=MB)


def test_the_memory_limit_from_the_environment(monkeypatch, tmp_path):
    for value, expected in (("0", 0), ("2048", 2048), (" 300 ", 300)):
        with environment(OGI_WORKER_MEMORY_MB=value):
            assert load_settings().worker_memory_mb == expected
    for value in ("100", "2GB", "-5", "1.5"):
        with environment(OGI_WORKER_MEMORY_MB=value), pytest.raises(SettingsError, match="at least 256"):
            load_settings()
    with environment(OGI_WORKER_MEMORY_MB=None):
        assert load_settings().worker_memory_mb == default_worker_memory_mb(usable_cpus())
    with environment(OGI_WORKER_MEMORY_MB=None, LOKY_MAX_CPU_COUNT="1"):  # (a container's quota of one CPU)
        assert usable_cpus() == 1
        assert load_settings().worker_memory_mb == default_worker_memory_mb(1) == max(1024, memory_bytes() // 2 // 2**20)
    # A share of the machine's (or container's) memory for each worker and the run; never under 1 GB.
    monkeypatch.setattr(settings_module, "memory_bytes", lambda: 6 * 2**30)
    assert [default_worker_memory_mb(workers) for workers in (1, 2, 3, 16)] == [3072, 2048, 1536, 1024]
    # A container's limit, when lower than the machine's memory (cgroup v2 writes "max" for none).
    v2, v1 = tmp_path / "memory.max", tmp_path / "memory.limit_in_bytes"
    v2.write_text("max\n")
    v1.write_text(f"{3 * 2**30}\n")
    assert memory_bytes((v2, v1)) == 3 * 2**30
    assert memory_bytes((v2,)) == memory_bytes(()) > 3 * 2**30


def test_ogi_run_refuses_a_memory_limit_it_cannot_run_with(tmp_path):
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", "run"], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "OGI_WORKER_MEMORY_MB": "64", "OGI_DATA_DIR": str(tmp_path)},
                          timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == ("ogi: OGI_WORKER_MEMORY_MB=64: give megabytes, at least 256 (a parse worker at rest "
                                   "holds 40-120 MB), or 0 for no limit")


@pytest.mark.parametrize("variable, value, advice", [
    ("OGI_MAX_FILE_MB", "abc", "give megabytes, more than 0 (default 50)"),
    ("OGI_MAX_FILE_MB", "0", "give megabytes, more than 0 (default 50)"),
    ("OGI_FILE_TIME_LIMIT_S", "-1", "give seconds, or 0 for no limit (default 300)"),
    ("OGI_FILE_TIME_LIMIT_S", "inf", "give seconds, or 0 for no limit (default 300)"),
    ("OGI_TRUST_CTIME", "maybe", "on or off (on, 1, true, yes; off, 0, false, no)"),
    ("OGI_LOCKS", "sometimes", "on or off (on, 1, true, yes; off, 0, false, no)"),
    ("OGI_DBT_THREADS", "0", "give a number of threads (default 1), at least 1"),
    ("LOKY_MAX_CPU_COUNT", "zero", "give a number of parse workers, at least 1"),
    ("OGI_DUCKDB_MEMORY", "lots", "a size DuckDB reads, such as 240MB or 1GB (Parser Error: Memory must have a number"),
    ("OGI_DUCKDB_MEMORY_DIM_AGENCY", "2XB", "a size DuckDB reads, such as 240MB or 1GB (Parser Error: Unknown unit"),
])
def test_ogi_run_refuses_a_setting_it_would_misread_or_fail_on_half_way(variable, value, advice, tmp_path, monkeypatch,
                                                                         capsys):
    """Each was a traceback, a run that failed in a later step, or (the switches) read as on."""
    monkeypatch.setenv(variable, value)
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / "data"))
    assert main(["run"]) == 2
    assert capsys.readouterr().err.startswith(f"ogi: {variable}={value}: {advice}")
    assert not (tmp_path / "data").exists()


def test_the_settings_read_every_form_they_name(monkeypatch):
    for value, on in (("on", True), ("YES", True), (" 1 ", True), ("", True), ("off", False), ("False", False),
                      ("0", False), ("no", False)):
        monkeypatch.setenv("OGI_TRUST_CTIME", value)
        assert load_settings().trust_ctime is on, value
    monkeypatch.setenv("OGI_MAX_FILE_MB", "0.5")
    monkeypatch.setenv("OGI_FILE_TIME_LIMIT_S", "0")
    settings = load_settings()
    assert (settings.max_file_bytes, settings.file_time_limit_s) == (2**19, 0.0)
    for variable, value in (("OGI_DBT_THREADS", "2"), ("OGI_DUCKDB_MEMORY", "300MB"),
                            ("OGI_DUCKDB_MEMORY_DIM_AGENCY", "1.5GiB"), ("OGI_LOCKS", "off")):
        monkeypatch.setenv(variable, value)
    check_environment()


@pytest.mark.parametrize("data", ["raw/data", "raw", "raw/./deep/../out"])
def test_ogi_run_refuses_a_data_folder_inside_the_raw_folder(data, tmp_path, monkeypatch, capsys):
    """It read its own outputs as reports: 16 more files quarantined on the samples' second run."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "report.txt").write_text("报告", encoding="utf-8")
    monkeypatch.setenv("OGI_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / data))
    assert main(["run"]) == 2
    assert capsys.readouterr().err == (
        f"ogi: OGI_DATA_DIR={(tmp_path / data).resolve()} is inside OGI_RAW_DIR={(tmp_path / 'raw').resolve()}: each run would read "
        "the last one's Parquet, warehouse and report as raw files; give a data folder outside the raw folder\n")
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == ["report.txt"]
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / "raw_data"))  # (a sibling whose name begins the same)
    assert load_settings().data_dir == tmp_path / "raw_data"
