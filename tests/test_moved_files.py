"""A file moved or renamed with its bytes (a folder renamed, files sorted into sub-folders,
one moved to another folder) is not parsed again: an earlier output recorded its content
hash at a path that is gone now, and its rows are taken under the new path, the bytes of a
full run. A file whose name says another format, whose bytes changed, or whose new name
is not UTF-8 is parsed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from orchestration.cli import _not_parsed
from orchestration.corpus import build_parquet
from orchestration.corpus.limits import Limits
from orchestration.corpus.listing import raw_listing
from orchestration.corpus.plan import plan_files
from orchestration.corpus.previous import Previous, Sources

from .conftest import published_parquet, settings
from .test_same_bytes import _full, _raw


def _parsed_once(tmp_path: Path) -> tuple[Path, Path]:
    raw, data = _raw(tmp_path), tmp_path / "data"
    assert build_parquet(settings(raw, data), workers=1).reparsed == 42
    return raw, data


def _reports(data: Path) -> dict[str, tuple]:
    with duckdb.connect() as db:
        rows = db.execute("select source_path, report_id, status, quarantine_code, value_count, issue_count "
                          "from read_parquet(?) order by source_path",
                          [str(data / "parquet" / "reports" / "*.parquet")]).fetchall()
    return {path: tuple(rest) for path, *rest in rows}


def _inode(data: Path, table: str, part: str) -> int:
    return (data / "parquet" / table / f"{part}.parquet").stat().st_ino


def test_a_renamed_folder_is_not_parsed_again(tmp_path):
    raw, data = _parsed_once(tmp_path)
    before = _reports(data)
    figures = {table: _inode(data, table, "crawl_1") for table in ("values", "identity_checks")}
    (raw / "crawl_1").rename(raw / "renamed_1")  # (its part's name sorts after every other folder's)

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.reparsed, run.moved, run.same_bytes) == (42, 0, 10, 0)
    assert run.linked == 31  # (the other folders did not change)
    after = _reports(data)
    assert sorted(after) == sorted(path.replace("crawl_1/", "renamed_1/") for path in before)
    assert all(after[path.replace("crawl_1/", "renamed_1/")] == rest for path, rest in before.items())
    assert not (data / "parquet" / "reports" / "crawl_1.parquet").exists()
    # Its figures are the folder's as they were (linked); its reports and issues, which hold paths, are written.
    assert {table: _inode(data, table, "renamed_1") for table in figures} == figures
    # The same bytes as a full run over the folder as it is now, issues under the new paths too.
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))
    # The next run finds nothing changed.
    again = build_parquet(settings(raw, data), workers=1)
    assert (again.reparsed, again.moved, again.unchanged) == (0, 0, True)


def test_a_renamed_folder_whose_report_is_a_copy_now_has_its_figures_written(tmp_path):
    """``crawl_2/zz_copy.txt`` was the report and ``top.txt`` its copy; ``crawl_2`` renamed
    ``zz_2`` comes after ``top.txt``, which is the report now: the folder's figures are not
    the ones it had (its copy has none), and are written as a full run writes them."""
    raw, data = _parsed_once(tmp_path)
    figures = _inode(data, "values", "crawl_2")
    (raw / "crawl_2").rename(raw / "zz_2")

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.moved, run.reparsed) == (11, 1)  # (top.txt: its rows were a copy's)
    reports = _reports(data)
    assert reports["top.txt"][1:3] == ("parsed", None)
    assert reports["zz_2/zz_copy.txt"][1:3] == ("quarantined", "duplicate_content")
    assert _inode(data, "values", "zz_2") != figures
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_files_moved_between_folders_and_into_sub_folders_are_not_parsed_again(tmp_path):
    raw, data = _parsed_once(tmp_path)
    first, second = sorted((raw / "crawl_0").iterdir())[2:4]  # (0000000.txt has a copy after it: 0000001.txt)
    third = min((raw / "crawl_1").iterdir())
    first.rename(raw / "crawl_3" / first.name)  # to a folder that has files
    (raw / "crawl_0" / "2021").mkdir()
    second.rename(raw / "crawl_0" / "2021" / second.name)  # into a sub-folder of its own
    third.rename(raw / third.name)  # to the top of the raw folder (the root part)

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.reparsed, run.moved) == (42, 0, 3)
    assert run.linked == 11  # crawl_2 (and its copy of top.txt), which no file left or came to
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_a_moved_copy_that_comes_first_now_is_the_report(tmp_path):
    """``top.txt`` was the duplicate of ``crawl_2/zz_copy.txt`` (which came first in path
    order); moved to ``crawl_0/`` it comes first: it is parsed as the report, and the other
    is its duplicate, as in a full run."""
    raw, data = _parsed_once(tmp_path)
    (raw / "top.txt").rename(raw / "crawl_0" / "top.txt")

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.moved, run.reparsed) == (1, 1)  # (taken as moved, then parsed: a copy whose first is later)
    reports = _reports(data)
    assert reports["crawl_0/top.txt"][1:3] == ("parsed", None)
    assert reports["crawl_2/zz_copy.txt"][1:3] == ("quarantined", "duplicate_content")
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_a_file_moved_to_two_places_is_parsed_at_neither(tmp_path):
    """One gone file, two new paths with its bytes: the first in path order is the report
    (under another name, its rows are taken all the same), the other its duplicate."""
    raw, data = _parsed_once(tmp_path)
    moved = sorted((raw / "crawl_1").iterdir())[4]
    shutil.copy2(moved, raw / "crawl_0" / "a_copy.txt")
    moved.rename(raw / "crawl_3" / moved.name)

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.moved, run.reparsed) == (43, 2, 0)
    reports = _reports(data)
    assert reports["crawl_0/a_copy.txt"][1:3] == ("parsed", None)
    assert reports[f"crawl_3/{moved.name}"][1:3] == ("quarantined", "duplicate_content")
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_moved_files_whose_name_says_another_format_or_whose_bytes_changed_are_parsed(tmp_path):
    raw, data = _parsed_once(tmp_path)
    text, changed, kept, table = sorted((raw / "crawl_0").iterdir())[:4]
    text.rename(raw / "crawl_3" / (text.stem + ".html"))  # (read as a page: another parse)
    table.rename(raw / "crawl_3" / (table.stem + ".csv"))  # (asked whether it is a table of data)
    body = changed.read_bytes()
    changed.unlink()
    (raw / "crawl_3" / changed.name).write_bytes(body[:-1] + (b"0" if body[-1:] != b"0" else b"1"))  # same size
    kept.rename(raw / "crawl_3" / kept.name)

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.moved, run.reparsed) == (42, 1, 3)
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_a_file_moved_to_a_name_that_is_not_utf8_is_parsed(tmp_path):
    raw, data = _parsed_once(tmp_path)
    moved = max((raw / "crawl_0").iterdir())  # (the first, 0000000.txt, has a copy after it)
    os.rename(moved, os.fsencode(raw / "crawl_0") + b"/\xb1\xa8\xb8\xe6.txt")  # GBK for 报告

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.moved, run.reparsed) == (0, 1)
    assert run.by_code["file_name_not_utf8"] == 1
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_a_renamed_folder_with_workers_is_not_parsed_again(tmp_path):
    """With worker processes the run sends new folders' files to them while it plans; not
    when a folder the last run had is gone, so that a renamed one's are taken as moved."""
    raw, data = _parsed_once(tmp_path)
    shutil.move(raw / "crawl_2", raw / "crawl_9")

    run = build_parquet(settings(raw, data), workers=2)
    assert (run.reparsed, run.moved) == (0, 11)
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_a_file_already_sent_to_the_workers_is_left_to_its_parse(tmp_path):
    raw, data = _parsed_once(tmp_path)
    first, second = sorted((raw / "crawl_0").iterdir())[:2]
    (raw / "new").mkdir()
    first.rename(raw / "new" / first.name)
    second.rename(raw / "new" / second.name)
    sources = Sources([Previous(data / "parquet", Limits.of(settings(raw, data)))])

    plan = plan_files(raw, raw_listing(raw), sources, sent_early=lambda relative: relative == f"new/{first.name}")
    known = dict(zip(plan.paths, plan.known, strict=True))
    assert (known[f"new/{first.name}"], known[f"new/{second.name}"], plan.moved) == (0, 1, 1)


def test_the_run_line_tells_moved_files():
    assert _not_parsed({"linked": 31, "moved": 10}) == (
        " (31 more kept in folders that did not change; 10 moved or renamed with their bytes, their rows taken)")
