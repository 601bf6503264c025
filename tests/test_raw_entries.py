"""Entries of the raw folder that are not files to read (a link that loops or leads
nowhere, a named pipe, a socket, a device, a folder that cannot be listed) each get a row,
quarantined with what they are, and the run goes on: before, a link to a folder that
holds it stopped the run (ELOOP after 40 levels), and the rest were left out of the
tables without a word."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sys

import duckdb
import pyarrow as pa
import pytest

from orchestration.corpus import build_folder_part, build_parquet, raw_folders
from orchestration.corpus.listing import UNREADABLE_MTIME, raw_listing
from orchestration.defs.parsing_checks import account_for_raw_files
from orchestration.issue_codes import BY_CODE
from orchestration.settings import table_glob

from .conftest import SAMPLES_RAW, published_parquet, settings

SAMPLES = sorted(SAMPLES_RAW.iterdir())

# Every entry that is not a file to read, with the row it gets.
ODD_ENTRIES = {
    "a/loop/": ("not_a_file", "a link to the raw folder, which holds it: not followed (its files are listed there)"),
    "a/sub/up/": ("not_a_file", "a link to a/, which holds it: not followed (its files are listed there)"),
    "c/linked/loop/": ("not_a_file", "a link to the raw folder, which holds it: not followed (its files are listed there)"),
    "c/linked/sub/up/": ("not_a_file", "a link to c/linked/, which holds it: not followed (its files are listed there)"),
    "toploop/": ("not_a_file", "a link to the raw folder, which holds it: not followed (its files are listed there)"),
    "b/dangling.txt": ("not_a_file", "a link to a file that is not there"),
    "b/self": ("not_a_file", "a link that never reaches a file (it loops): Too many levels of symbolic links (ELOOP)"),
    "b/pipe": ("not_a_file", "a named pipe (FIFO), not a file: not read"),
    "b/socket": ("not_a_file", "a socket, not a file: not read"),
    "devnull": ("not_a_file", "a character device, not a file: not read"),
}
REPORTS = [SAMPLES[0].name, f"a/{SAMPLES[1].name}", f"a/sub/{SAMPLES[3].name}", f"b/{SAMPLES[2].name}"]
COPIES = [f"c/linked/{SAMPLES[1].name}", f"c/linked/sub/{SAMPLES[3].name}"]  # (through a link to a/)


@pytest.fixture
def raw(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    (raw / "a" / "sub").mkdir(parents=True)
    (raw / "b").mkdir()
    (raw / "c").mkdir()
    for path, sample in zip(REPORTS, (SAMPLES[0], SAMPLES[1], SAMPLES[3], SAMPLES[2]), strict=True):
        shutil.copy(sample, raw / path)
    (raw / "a" / "loop").symlink_to("..")
    (raw / "a" / "sub" / "up").symlink_to("..")
    (raw / "c" / "linked").symlink_to("../a")  # a link to another folder is followed: its files are copies
    (raw / "toploop").symlink_to(".")
    (raw / "b" / "dangling.txt").symlink_to("nowhere.txt")
    (raw / "b" / "self").symlink_to("self")
    os.mkfifo(raw / "b" / "pipe")  # (opened without O_NONBLOCK, it would hold its worker until a writer came)
    monkeypatch.chdir(raw / "b")  # (a socket's path is at most 107 bytes: bound by a short relative one)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind("socket")
    (raw / "devnull").symlink_to(os.devnull)
    yield raw
    listener.close()


def _reports(data) -> dict[str, dict]:
    rows = duckdb.sql(f"select * from read_parquet('{table_glob(data / 'parquet', 'reports')}')").to_arrow_table()
    return {row["source_path"]: row for row in rows.to_pylist()}


def _states(data) -> dict[str, dict]:
    rows = duckdb.sql(f"select * from read_parquet('{table_glob(data / 'parquet', 'file_state')}')").to_arrow_table()
    return {row["source_path"]: row for row in rows.to_pylist()}


def test_the_listing_takes_every_entry_and_goes_round_no_loop(raw):
    files = raw_listing(raw).names
    assert files == sorted([*REPORTS, *COPIES, *ODD_ENTRIES])
    # A folder partition's listing is the whole listing's share of it, a loop at the top included.
    for folder in raw_folders(raw):
        assert raw_listing(raw, folder).names == [name for name in files if name.startswith(f"{folder}/")]
    assert raw_listing(raw, "toploop").names == ["toploop/"]


@pytest.mark.parametrize("workers", [1, 2])
def test_each_odd_entry_is_quarantined_with_what_it_is_and_the_run_goes_on(raw, tmp_path, workers):
    data = tmp_path / "data"
    summary = build_parquet(settings(raw, data), workers=workers)
    reports = _reports(data)
    assert {path: (row["quarantine_code"], row["quarantine_reason"]) for path, row in reports.items()
            if row["quarantine_code"] not in (None, "duplicate_content")} == ODD_ENTRIES
    for path in ODD_ENTRIES:
        row = reports[path]
        assert (row["status"], row["report_id"], row["content_sha256"], row["file_size"], row["value_count"]) == (
            "quarantined", hashlib.sha256(f"unreadable:{path}".encode()).hexdigest()[:16], None, None, 0)
    # The reports are parsed once, their copies through the followed link quarantined as copies.
    assert sorted(path for path, row in reports.items() if row["status"] == "parsed") == sorted(REPORTS)
    assert [reports[path]["quarantine_reason"] for path in COPIES] == [f"same bytes as {path}" for path in REPORTS[1:3]]
    assert (summary.files, summary.parsed, summary.by_code["not_a_file"]) == (16, 4, 10)
    listing = raw_listing(raw)
    found = account_for_raw_files(pa.array(listing.names, pa.string()), str(table_glob(data / "parquet", "reports")))
    assert found.passed and found.raw_files == found.report_rows == 16

    # Nothing changed: nothing is parsed again, and the tables are kept as they are.
    before = published_parquet(data)
    again = build_parquet(settings(raw, data), workers=workers)
    assert again.unchanged and again.reparsed == 0 and published_parquet(data) == before


def test_folder_partitions_give_a_whole_parse_s_bytes(raw, tmp_path):
    data = tmp_path / "data"
    for folder in raw_folders(raw):
        build_folder_part(settings(raw, data), folder, workers=1)
    assembled = build_parquet(settings(raw, data), workers=1)
    assert assembled.reparsed == 2  # (the two entries at the top: the folders' come from their parts)
    build_parquet(settings(raw, tmp_path / "full"), workers=2)
    assert published_parquet(data) == published_parquet(tmp_path / "full")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_folder_that_cannot_be_listed_is_one_row_tried_again_each_run(raw, tmp_path, monkeypatch, workers):
    """As root no permission stops a listing, so ``os.scandir`` refuses it: in this process
    only, so a worker (workers=2) finds the folder listable by the time it looks."""
    locked = str(raw / "a" / "sub")
    scandir = os.scandir

    def refusing(path="."):
        if isinstance(path, str) and path.rstrip("/") == locked:
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    data = tmp_path / "data"
    summary = build_parquet(settings(raw, data), workers=workers)
    row = _reports(data)["a/sub/"]
    reason = ("the folder could not be listed: Permission denied (EACCES); its files are not in the tables"
              if workers == 1 else
              "the folder could not be listed when the run listed the raw folder, and can be now: the next run "
              "lists its files")
    assert (row["status"], row["quarantine_code"], row["quarantine_reason"]) == ("quarantined", "unreadable_folder", reason)
    assert not [path for path in _reports(data) if path.startswith("a/sub/") and path != "a/sub/"]
    assert summary.by_code["unreadable_folder"] == 1 and BY_CODE["unreadable_folder"].pipeline_failure
    assert _states(data)["a/sub/"]["mtime_ns"] == UNREADABLE_MTIME  # (permissions mended leave its time as it is)

    again = build_parquet(settings(raw, data), workers=workers)
    assert again.reparsed == 1 and _reports(data)["a/sub/"]["quarantine_reason"] == reason

    # Listable again: its files come in and the folder's row goes, as in a full parse.
    monkeypatch.setattr(os, "scandir", scandir)
    build_parquet(settings(raw, data), workers=workers)
    reports = _reports(data)
    assert "a/sub/" not in reports and reports[f"a/sub/{SAMPLES[3].name}"]["status"] == "parsed"
    build_parquet(settings(raw, tmp_path / "full"), workers=workers)
    assert published_parquet(data) == published_parquet(tmp_path / "full")


def test_a_tree_deeper_than_python_s_recursion_limit_is_listed(tmp_path):
    raw = tmp_path / "raw"
    depth = sys.getrecursionlimit() + 50
    folders = [os.path.join(raw, *["d"] * level) for level in range(depth + 1)]
    for folder in folders:  # (made and removed one at a time: pathlib and shutil would recurse too)
        os.mkdir(folder)
    report = os.path.join(folders[-1], "report.txt")
    with open(report, "w", encoding="utf-8") as file:
        file.write("x")
    try:
        assert raw_listing(raw).names == ["d/" * depth + "report.txt"]
    finally:
        os.remove(report)
        for folder in reversed(folders):
            os.rmdir(folder)
