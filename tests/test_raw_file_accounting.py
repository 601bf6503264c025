"""every_raw_file_accounted_for, the blocking check before dbt: the raw folder's files
against the rows of reports, compared in DuckDB."""

import shutil
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.corpus import build_parquet
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


def test_the_check_fails_on_a_raw_file_the_parse_has_not_seen(tmp_path, monkeypatch):
    """The asset check itself, on a published parse: a file added after it is missing."""
    raw = tmp_path / "raw"
    (raw / "2024").mkdir(parents=True)
    for name in ("000_e0a35a2ab27e6366.txt", "001_52ee1c9a66fdb884.txt"):
        shutil.copyfile(SAMPLES / name, raw / "2024" / name)
    monkeypatch.setenv("OGI_RAW_DIR", str(raw))
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / "data"))
    build_parquet(load_settings())
    (raw / "empty.txt").write_bytes(b"")  # quarantined as empty at the next parse, absent now

    result = every_raw_file_accounted_for(dg.build_asset_check_context())
    assert not result.passed
    metadata = {name: value.value for name, value in result.metadata.items()}
    assert metadata == {
        "raw_files": 3, "report_rows": 2, "parsed": 2, "quarantined": 0,
        "missing_from_reports": ["empty.txt"], "not_on_disk": [], "listed_twice": [], "without_status_or_code": [],
    }

    build_parquet(load_settings())
    again = every_raw_file_accounted_for(dg.build_asset_check_context())
    assert again.passed
    assert again.metadata["quarantined"].value == 1 and again.metadata["report_rows"].value == 3
