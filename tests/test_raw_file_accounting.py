"""every_raw_file_accounted_for, the blocking check before dbt: the raw folder's files
against the rows of reports, compared in DuckDB, told apart from what a crawl changed
after the parse listed the folder."""

import shutil
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.corpus import build_parquet
from orchestration.corpus import run as corpus_run
from orchestration.defs.parsing_checks import account_for_raw_files, every_raw_file_accounted_for
from orchestration.settings import load_settings

SAMPLES = Path(__file__).resolve().parents[1] / "raw"


def _reports(tmp_path, rows):
    path = tmp_path / "reports.parquet"
    pq.write_table(pa.table({
        "source_path": [r[0] for r in rows],
        "status": [r[1] for r in rows],
        "quarantine_code": [r[2] for r in rows],
    }), path)
    return str(path)


def test_each_kind_of_mismatch_is_counted_and_listed(tmp_path):
    reports = _reports(tmp_path, [
        ("a.txt", "parsed", None),
        ("b/乙.html", "quarantined", "empty_file"),
        ("c.txt", "quarantined", None),  # quarantined without a code
        ("d.txt", "pending", None),  # neither parsed nor quarantined
        ("e.txt", "parsed", None),
        ("e.txt", "parsed", None),  # the same file twice
        ("f.txt", "parsed", None),  # not in the raw folder
        ("c2.txt", "quarantined", ""),  # an empty code is no code
    ])
    found = account_for_raw_files(pa.array(["a.txt", "b/乙.html", "c.txt", "c2.txt", "d.txt", "e.txt", "g.txt", "h/h.txt"]),
                                  reports)
    assert (found.raw_files, found.report_rows, found.parsed, found.quarantined) == (8, 8, 4, 3)
    assert found.missing_from_reports == ["g.txt", "h/h.txt"]
    assert found.not_on_disk == ["f.txt"]
    assert found.listed_twice == ["e.txt"]
    assert found.without_status_or_code == ["c.txt", "c2.txt", "d.txt"]
    assert not found.passed


def test_a_complete_listing_passes(tmp_path):
    names = [f"batch/{i:03d}.txt" for i in range(30)]
    reports = _reports(tmp_path, [(n, "parsed" if i % 3 else "quarantined", None if i % 3 else "not_a_report")
                                  for i, n in enumerate(names)])
    found = account_for_raw_files(pa.array(names), reports)
    assert found.passed
    assert (found.raw_files, found.report_rows, found.parsed, found.quarantined) == (30, 30, 20, 10)


def test_only_the_first_twenty_paths_are_listed_sorted(tmp_path):
    reports = _reports(tmp_path, [("kept.txt", "parsed", None)])
    names = ["kept.txt"] + [f"lost/{i:02d}.txt" for i in reversed(range(25))]
    found = account_for_raw_files(pa.array(names), reports)
    assert found.missing_from_reports == [f"lost/{i:02d}.txt" for i in range(20)]
    assert found.raw_files == 26 and not found.passed


def _published(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    (raw / "2024").mkdir(parents=True)
    for name in ("000_e0a35a2ab27e6366.txt", "001_52ee1c9a66fdb884.txt", "002_a14c2c8461655229.txt"):
        shutil.copyfile(SAMPLES / name, raw / "2024" / name)
    monkeypatch.setenv("OGI_RAW_DIR", str(raw))
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / "data"))
    return raw


def _metadata(result) -> dict:
    return {name: value.value for name, value in result.metadata.items()}


def test_files_that_came_or_went_after_the_parse_listed_the_folder_do_not_fail_the_check(tmp_path, monkeypatch):
    """A crawl still writing while the run runs: what it adds or moves away after the parse
    listed the raw folder is counted and listed, and the next run takes it up; the check
    (blocking: dbt waits on it) passes."""
    raw = _published(tmp_path, monkeypatch)
    build_parquet(load_settings())
    (raw / "empty.txt").write_bytes(b"")  # quarantined as empty at the next parse, absent now
    (raw / "2024" / "001_52ee1c9a66fdb884.txt").rename(raw / "2024" / "001.txt")  # a crawler's rename

    result = every_raw_file_accounted_for(dg.build_asset_check_context())
    assert result.passed
    assert _metadata(result) == {
        "raw_files": 4, "report_rows": 3, "parsed": 3, "quarantined": 0,
        "missing_from_reports": [], "not_on_disk": [], "listed_twice": [], "without_status_or_code": [],
        "came_since_parse": 2, "gone_since_parse": 1,
        "came_since_parse_paths": ["2024/001.txt", "empty.txt"],
        "gone_since_parse_paths": ["2024/001_52ee1c9a66fdb884.txt"],
    }
    assert result.description == "2 raw file(s) came and 1 went after the parse listed the raw folder: the next run takes them up"

    build_parquet(load_settings())
    again = every_raw_file_accounted_for(dg.build_asset_check_context())
    assert again.passed and again.description is None and "came_since_parse" not in again.metadata
    assert (again.metadata["quarantined"].value, again.metadata["report_rows"].value) == (1, 4)


def test_a_file_there_before_the_parse_listed_the_folder_and_not_in_reports_fails_the_check(tmp_path, monkeypatch):
    """What the check is for: a file the parse should have had (on disk, unchanged, since
    before its listing) with no row; here one the listing is made to skip."""
    _published(tmp_path, monkeypatch)
    listed = corpus_run.raw_listing

    def losing_a_file(raw_dir, folder=None, listed_so_far=None):
        files = listed(raw_dir, folder, listed_so_far)
        files.names.remove("2024/002_a14c2c8461655229.txt")
        return files

    monkeypatch.setattr(corpus_run, "raw_listing", losing_a_file)
    build_parquet(load_settings())
    result = every_raw_file_accounted_for(dg.build_asset_check_context())
    assert not result.passed and result.description is None
    assert _metadata(result)["missing_from_reports"] == ["2024/002_a14c2c8461655229.txt"]
    assert (_metadata(result)["raw_files"], _metadata(result)["report_rows"]) == (3, 2)


def test_files_are_told_apart_by_the_time_of_the_listing(tmp_path):
    """A file with no row is missing when its status is older than the listing, new when
    younger (or gone again); a row whose file is gone went after the listing. Without a
    listing time (an output from before it was kept), all are failures, as before."""
    raw = tmp_path / "raw"
    (raw / "b").mkdir(parents=True)
    for name in ("a.txt", "b/x.txt", "c.txt"):
        (raw / name).write_text("x")
    changed = [(raw / name).stat().st_ctime_ns for name in ("a.txt", "b/x.txt", "c.txt")]
    reports = _reports(tmp_path, [("a.txt", "parsed", None), ("gone.txt", "parsed", None)])
    names = pa.array(["a.txt", "b/x.txt", "c.txt", "vanished.txt"])

    later = account_for_raw_files(names, reports, raw, max(changed) + 1)  # listed after the files were written
    assert (later.missing_from_reports, later.came_since_parse, later.gone_since_parse, later.not_on_disk) == (
        ["b/x.txt", "c.txt"], ["vanished.txt"], ["gone.txt"], [])
    assert not later.passed
    earlier = account_for_raw_files(names, reports, raw, min(changed))  # listed before they were
    assert (earlier.missing_from_reports, earlier.came_since_parse, earlier.came_since_parse_count) == (
        [], ["b/x.txt", "c.txt", "vanished.txt"], 3)
    assert earlier.passed and earlier.gone_since_parse_count == 1
    unknown = account_for_raw_files(names, reports, raw, None)
    assert (unknown.missing_from_reports, unknown.not_on_disk, unknown.came_since_parse) == (
        ["b/x.txt", "c.txt", "vanished.txt"], ["gone.txt"], [])
