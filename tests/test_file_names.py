"""Raw files whose paths on disk are not UTF-8 (a crawl unpacked from a GBK zip): each is
parsed under a recorded path with ``\\xNN`` escapes and flagged, and the run goes on."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.corpus import build_folder_part, build_parquet, listing, raw_file_names, raw_folders, recorded_path
from orchestration.settings import Settings

from .conftest import SAMPLES_RAW, published_parquet

GBK_NAME = "政府信息公开年报.txt".encode("gbk")  # b'\xd5\xfe...': not UTF-8
GBK_RECORDED = recorded_path(os.fsdecode(GBK_NAME))
GBK_FOLDER = "第二批".encode("gbk")


@pytest.fixture()
def raw(tmp_path) -> Path:
    """Five different reports, under a plain name, a GBK name, a GBK name in a GBK-named
    folder, a name really spelled like an escaped one, and a name that escapes to that;
    then a copy of the first under a name that is not UTF-8."""
    raw = tmp_path / "raw"
    raw.mkdir()
    samples = sorted(SAMPLES_RAW.iterdir())
    root = os.fsencode(raw)
    (raw / "plain.txt").write_bytes(samples[0].read_bytes())
    Path(os.fsdecode(root + b"/" + GBK_NAME)).write_bytes(samples[1].read_bytes())
    os.mkdir(root + b"/" + GBK_FOLDER)
    Path(os.fsdecode(root + b"/" + GBK_FOLDER + b"/" + GBK_NAME)).write_bytes(samples[2].read_bytes())
    (raw / "bad\\xffname.txt").write_bytes(samples[3].read_bytes())  # a backslash, an x, two f's
    Path(os.fsdecode(root + b"/bad\xffname.txt")).write_bytes(samples[4].read_bytes())
    Path(os.fsdecode(root + b"/zcopy\xff.txt")).write_bytes(samples[0].read_bytes())
    return raw


def test_recorded_path_escapes_only_what_is_not_utf8():
    assert recorded_path("年报/2023.txt") == "年报/2023.txt"
    assert recorded_path(os.fsdecode(b"a\xd5\xfe/b.txt")) == "a\\xd5\\xfe/b.txt"
    # byte runs of the GBK name that happen to be UTF-8 read as UTF-8: CF A2 (息) is Ϣ, EA B1 A8 is 걨
    assert GBK_RECORDED == "\\xd5\\xfe\\xb8\\xae\\xd0\\xc5Ϣ\\xb9\\xab\\xbf\\xaa\\xc4걨.txt"


def test_a_name_that_is_not_utf8_is_seen_among_many():
    """The listing checks its names for bytes that are not UTF-8 thousands at a time: one
    such name, wherever it is, sends every name through ``recorded_path``."""
    names = [f"folder/{index:06d}.txt" for index in range(140_000)]
    assert listing._all_utf8(names) and listing._all_utf8([])
    for where in (0, 65_535, 65_536, 139_999):  # (first and last of a slice, the very last)
        assert not listing._all_utf8([*names[:where], os.fsdecode(GBK_NAME), *names[where + 1 :]]), where
    assert listing._all_utf8([*names, "年报/政府信息公开.txt"])


def test_names_that_are_not_utf8_are_parsed_and_flagged(raw, tmp_path):
    folder = recorded_path(os.fsdecode(GBK_FOLDER))
    expected_paths = sorted(["plain.txt", GBK_RECORDED, f"{folder}/{GBK_RECORDED}", "bad\\xffname.txt",
                             "bad\\xffname.txt~2", "zcopy\\xff.txt"])
    assert raw_file_names(raw) == expected_paths
    assert raw_folders(raw) == [folder]

    settings = Settings(raw, tmp_path / "data", 50 * 2**20)
    summary = build_parquet(settings, workers=1)
    assert (summary.files, summary.parsed, summary.reparsed) == (6, 5, 6)
    assert summary.by_code["file_name_not_utf8"] == 4
    parquet = tmp_path / "data" / "parquet"
    reports = dict(duckdb.sql(f"select source_path, status || ':' || coalesce(quarantine_code, '') || ':' || value_count "
                              f"from '{parquet}/reports/*.parquet'").fetchall())
    assert sorted(reports) == expected_paths
    # each report under an escaped name has its figures, as many as under its own name
    plain = tmp_path / "plain"
    plain.mkdir()
    for index, sample in enumerate(sorted(SAMPLES_RAW.iterdir())):
        shutil.copy(sample, plain / f"{index}.txt")
    build_parquet(Settings(plain, tmp_path / "plain_data", 50 * 2**20), workers=1)
    counts = dict(duckdb.sql(f"select source_path, value_count from '{tmp_path}/plain_data/parquet/reports/*.parquet'").fetchall())
    assert all(counts.values())
    assert reports["plain.txt"] == f"parsed::{counts['0.txt']}"
    assert reports[GBK_RECORDED] == f"parsed::{counts['1.txt']}"
    assert reports[f"{folder}/{GBK_RECORDED}"] == f"parsed::{counts['2.txt']}"
    assert reports["bad\\xffname.txt"] == f"parsed::{counts['3.txt']}"
    assert reports["bad\\xffname.txt~2"] == f"parsed::{counts['4.txt']}"
    assert reports["zcopy\\xff.txt"] == "quarantined:duplicate_content:0"

    notes = dict(duckdb.sql(f"select source_path, message from '{parquet}/issues/*.parquet' "
                            "where code = 'file_name_not_utf8'").fetchall())
    assert notes == {
        GBK_RECORDED: "the file's path on disk is not UTF-8; read as GB18030 it is 政府信息公开年报.txt",
        f"{folder}/{GBK_RECORDED}": "the file's path on disk is not UTF-8; read as GB18030 it is 第二批/政府信息公开年报.txt",
        "bad\\xffname.txt~2": "the file's path on disk is not UTF-8",
        "zcopy\\xff.txt": "the file's path on disk is not UTF-8",  # kept beside duplicate_content
    }
    copy_issues = duckdb.sql(f"select issue_index, code from '{parquet}/issues/*.parquet' "
                             "where source_path = 'zcopy\\xff.txt' order by issue_index").fetchall()
    assert copy_issues == [(0, "duplicate_content"), (1, "file_name_not_utf8")]

    # the files are found on disk again: nothing is parsed a second time
    again = build_parquet(settings, workers=1)
    assert again.unchanged and again.reparsed == 0


def test_a_folder_partition_named_not_in_utf8(raw, tmp_path):
    folder = recorded_path(os.fsdecode(GBK_FOLDER))
    settings = Settings(raw, tmp_path / "data", 50 * 2**20)
    part = build_folder_part(settings, folder, workers=1)
    assert (part.files, part.parsed) == (1, 1)
    composed = build_parquet(settings, workers=1)
    assert (composed.files, composed.reparsed, composed.linked) == (6, 5, 1)
    full = Settings(raw, tmp_path / "full", 50 * 2**20)
    build_parquet(full, workers=1)
    assert published_parquet(tmp_path / "data") == published_parquet(tmp_path / "full")
