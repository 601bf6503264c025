"""A run that stops half-way (killed, or failing) keeps the folder parts it completed,
and the next run takes them up instead of parsing their files again; what it then
publishes is the bytes of a full run."""

from __future__ import annotations

import gc
import itertools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from orchestration.cli import _not_parsed
from orchestration.corpus import build_parquet, limits, writers
from orchestration.corpus.interrupted import COMPLETE_PARTS, complete_parts, interrupted_runs, mark_complete, size_text
from orchestration.corpus.limits import Limits
from orchestration.corpus.previous import Previous
from orchestration.corpus.progress import RunLog

from .conftest import published_parquet, settings
from .test_incremental import _crawl_folders, _full

FOLDERS = [f"crawl_{n}" for n in range(6)]

# A run of the parse stage, in one process, that the kernel kills outright (SIGKILL: no
# handler, no clean-up) once the given number of folder parts is marked complete.
KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from orchestration.corpus import build_parquet, writers
from orchestration.settings import Settings

marked = []
def mark_then_die(out_dir, part, mark=writers.mark_complete):
    mark(out_dir, part)
    marked.append(part)
    if len(marked) == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)

writers.mark_complete = mark_then_die
build_parquet(Settings(Path(sys.argv[1]), Path(sys.argv[2]), 50 * 2**20), workers=1)
"""


@pytest.fixture()
def raw(tmp_path):
    """Six folders of ten reports, a report at the top, and a report copied into a later
    folder (which copy is the report crosses folders)."""
    raw, samples = _crawl_folders(tmp_path, 60, seed=11)
    shutil.copy2(samples[0], raw / "top.txt")
    shutil.copy2(samples[1], raw / "crawl_1" / "original.txt")
    shutil.copy2(samples[1], raw / "crawl_4" / "copy.txt")
    return raw


def kill_after_parts(raw: Path, data: Path, parts: int) -> None:
    killed = subprocess.run([sys.executable, "-c", KILLED_RUN, str(raw), str(data), str(parts)], capture_output=True,
                            text=True, check=False)
    assert killed.returncode == -9, killed.stderr


def staging_folders(data: Path) -> list[Path]:
    return sorted((data / "parquet.d").glob("staging-*"))


def test_a_run_killed_half_way_is_taken_up_where_it_stopped(raw, tmp_path):
    data = tmp_path / "data"
    kill_after_parts(raw, data, 3)
    assert not (data / "parquet").exists()  # nothing published
    (staging,) = staging_folders(data)
    assert complete_parts(staging) == FOLDERS[:3]

    again = build_parquet(settings(raw, data), workers=1)
    # crawl_0 to crawl_2 (31 files) are linked from the killed run's folder; the rest is parsed.
    assert (again.files, again.reparsed, again.linked, again.resumed) == (63, 32, 31, 31)
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))
    assert staging_folders(data) == [] and [p.name[:4] for p in (data / "parquet.d").iterdir()] == ["run-"]


def test_a_run_that_fails_keeps_what_it_completed_and_the_next_takes_up_what_is_unchanged(raw, tmp_path, monkeypatch):
    """A run failing on its third folder part (a full disk, say) keeps the two it completed;
    meanwhile a file of each changed, and the next run takes up the rest of them."""
    data = tmp_path / "data"
    marked: list[str] = []

    def mark_then_fail(out_dir: Path, part: str, mark=writers.mark_complete) -> None:
        if len(marked) == 2:
            raise OSError(28, "No space left on device")
        mark(out_dir, part)
        marked.append(part)

    monkeypatch.setattr(writers, "mark_complete", mark_then_fail)
    warned: list[str] = []
    with pytest.raises(OSError, match="No space left"):
        build_parquet(settings(raw, data), workers=1, log=RunLog(warn=warned.append))
    monkeypatch.undo()
    (staging,) = staging_folders(data)
    assert complete_parts(staging) == FOLDERS[:2]
    # (A first run: nothing in it is linked, so all it holds was written by it.)
    written = sum(path.stat().st_size for path in staging.rglob("*") if path.is_file())
    assert warned == [(f"the run stopped: the 2 folder parts it completed are kept in {staging} ({size_text(written)} "
                       "written by this run); the next run takes them up rather than parse their files again "
                       "(removing the folder frees that space, and they are parsed again)")]

    (raw / "crawl_0" / "0000003.txt").write_text("某县人民政府2021年政府信息公开工作年度报告\n本年共收到申请9件。\n",
                                                  encoding="utf-8")
    (raw / "crawl_1" / "0000012.txt").unlink()
    said: list[str] = []
    again = build_parquet(settings(raw, data), workers=1, log=RunLog(say=said.append))
    # Neither folder is as it was: their 19 unchanged files are copied file by file, the changed one parsed.
    assert (again.files, again.reparsed, again.linked, again.resumed) == (62, 62 - 19, 0, 19)
    assert said[0] == f"taking up 2 folder parts completed by a run that did not finish ({staging.name}): their " \
                      "unchanged files are not parsed again"
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))
    with duckdb.connect() as db:
        (figure,) = db.execute("select v.value from read_parquet(?) v join read_parquet(?) r using (report_id) "
                               "where r.source_path = 'crawl_0/0000003.txt'",
                               [str(data / "parquet" / "values" / "*.parquet"),
                                str(data / "parquet" / "reports" / "*.parquet")]).fetchall()
    assert figure == (9,)  # the changed file's figure, not the stopped run's
    assert staging_folders(data) == []


def test_a_crawl_after_a_published_run_is_taken_up_too(raw, tmp_path):
    """The published run has every folder; a crawl adds to one and adds two, and its run is
    killed: the next takes the crawl's completed folders from it and the rest from the
    published run."""
    data = tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    files = sorted(raw.rglob("0*.txt"))
    for folder, start in (("crawl_2", 0), ("crawl_6", 10), ("crawl_7", 20)):
        (raw / folder).mkdir(exist_ok=True)
        for index in range(4):
            text = files[start + index].read_bytes() + f"\n附:{folder}第{index}号。".encode()
            (raw / folder / f"n{index}.txt").write_bytes(text)
    kill_after_parts(raw, data, 2)
    (staging,) = staging_folders(data)
    assert complete_parts(staging) == ["crawl_2", "crawl_6"]  # (the folders it wrote; the others it linked)

    again = build_parquet(settings(raw, data), workers=1)
    # crawl_7's 4 files parsed; crawl_2 and crawl_6 (14 + 4 files) from the killed run, the rest from the published one.
    assert (again.files, again.reparsed, again.resumed, again.linked) == (75, 4, 18, 70)
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))
    assert staging_folders(data) == []


def test_the_space_a_failed_run_keeps_counts_what_it_wrote_not_what_it_linked(raw, tmp_path, monkeypatch):
    data = tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    (raw / "crawl_6").mkdir()
    shutil.copy2(raw / "crawl_0" / "0000001.txt", raw / "crawl_6" / "copy.txt")
    (raw / "crawl_6" / "new.txt").write_text("某县人民政府2021年政府信息公开工作年度报告\n本年共收到申请9件。\n", encoding="utf-8")

    def fail_after_crawl_6(out_dir: Path, part: str, mark=writers.mark_complete) -> None:
        mark(out_dir, part)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writers, "mark_complete", fail_after_crawl_6)
    warned: list[str] = []
    with pytest.raises(OSError, match="No space left"):
        build_parquet(settings(raw, data), workers=1, log=RunLog(warn=warned.append))
    (staging,) = staging_folders(data)
    files = [path for path in staging.rglob("*") if path.is_file()]
    written = sum(path.stat().st_size for path in files if not path.name.startswith("crawl_") or "crawl_6" in path.name)
    assert {path.name for path in files if path.stat().st_nlink > 1} == {f"crawl_{n}.parquet" for n in range(6)}
    assert warned[0].startswith(f"the run stopped: the folder part it completed is kept in {staging} "
                                f"({size_text(written)} written by this run)"), warned
    assert sum(path.stat().st_size for path in files) > 5 * written  # (the six folders linked from the published run)


def test_nothing_is_taken_up_from_another_parser(raw, tmp_path, monkeypatch):
    data = tmp_path / "data"
    kill_after_parts(raw, data, 3)
    monkeypatch.setattr(limits, "ROWS_VERSION", "a later parser")
    again = build_parquet(settings(raw, data), workers=1)
    assert (again.files, again.reparsed, again.resumed) == (63, 63, 0)


def test_a_run_that_stops_before_completing_a_part_leaves_nothing(raw, tmp_path, monkeypatch):
    data = tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    before = sorted(p.name for p in (data / "parquet.d").iterdir())
    (raw / "crawl_0" / "0000001.txt").write_text("某县人民政府2021年政府信息公开工作年度报告\n", encoding="utf-8")
    monkeypatch.setattr(writers, "mark_complete", lambda out_dir, part: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        build_parquet(settings(raw, data), workers=1)
    assert sorted(p.name for p in (data / "parquet.d").iterdir()) == before


def test_a_staging_folder_with_no_complete_part_is_removed_and_the_newest_comes_first(tmp_path):
    versions = tmp_path / "parquet.d"
    for name, parts in (("staging-b", ["x"]), ("staging-a", []), ("staging-c", ["y", "z"]), ("run-1", ["w"])):
        (versions / name).mkdir(parents=True)
        for part in parts:
            mark_complete(versions / name, part)
        time.sleep(0.01)
    os.utime(versions / "staging-b" / COMPLETE_PARTS)  # marked last
    assert interrupted_runs(versions) == [versions / "staging-b", versions / "staging-c"]
    assert sorted(p.name for p in versions.iterdir()) == ["run-1", "staging-b", "staging-c"]
    assert interrupted_runs(tmp_path / "none") == []


def test_a_torn_line_of_complete_parts_is_not_taken(tmp_path):
    mark_complete(tmp_path, "crawl_0")
    mark_complete(tmp_path, 'odd "name"\nwith a newline')
    with open(tmp_path / COMPLETE_PARTS, "a", encoding="utf-8") as marks:
        marks.write('"crawl_1"\n"craw\n3\n"crawl_2')  # a torn line, not a name, one without its newline
    assert complete_parts(tmp_path) == ["crawl_0", 'odd "name"\nwith a newline', "crawl_1"]


def test_a_complete_part_missing_a_file_or_cut_short_is_not_taken(raw, tmp_path):
    """A part named complete whose files were since removed by hand, or cut short (a crash
    of the machine before the page cache reached the disk), is parsed again: reading it
    would fail this run and every run after it."""
    data = tmp_path / "data"
    kill_after_parts(raw, data, 4)
    (staging,) = staging_folders(data)
    (staging / "values" / "crawl_1.parquet").unlink()
    cut = staging / "issues" / "crawl_2.parquet"
    cut.write_bytes(cut.read_bytes()[:-100])
    assert Previous(staging, Limits.of(settings(raw, data)), interrupted=True).part_names == {"crawl_0", "crawl_3"}
    again = build_parquet(settings(raw, data), workers=1)
    assert (again.reparsed, again.resumed) == (63 - 20, 20)
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_ogi_run_says_how_many_files_were_taken_up():
    assert _not_parsed({"reparsed": 5, "linked": 30, "resumed": 12}) == (
        " (30 more kept in folders that did not change; 12 taken up from a run that did not finish)")
    assert _not_parsed({"reparsed": 5, "linked": 0, "resumed": 12}) == " (12 taken up from a run that did not finish)"
    assert _not_parsed({"reparsed": 0, "linked": 0, "resumed": 0, "unchanged": True}) == " (nothing changed)"
    assert _not_parsed({"reparsed": 9, "linked": 0, "resumed": 0}) == ""


def test_a_run_left_with_no_readable_part_is_not_announced(raw, tmp_path):
    data = tmp_path / "data"
    kill_after_parts(raw, data, 1)
    (staging,) = staging_folders(data)
    (staging / "file_state" / "crawl_0.parquet").write_bytes(b"")
    said: list[str] = []
    again = build_parquet(settings(raw, data), workers=1, log=RunLog(say=said.append))
    assert (again.reparsed, again.resumed) == (63, 0)
    assert not [line for line in said if line.startswith("taking up")]
    assert staging_folders(data) == []


def test_sizes_are_told_in_the_unit_that_reads_best():
    assert [size_text(size) for size in (0, 812 * 2**10, 35 * 2**20 + 2**19, 2**31 + 2**27)] == [
        "0 KB", "812 KB", "35.5 MB", "2.1 GB"]


def test_a_full_disk_is_the_error_told_and_what_was_completed_is_taken_up(raw, tmp_path, monkeypatch, capfd):
    """Every write and close fails once the disk is full. The run's error is the first
    failure, not one from closing its files after it (an `ArrowInvalid: Operation on closed
    file` stood in its place), and no writer is closed again at exit (Python printed
    `Exception ignored in ParquetWriter.__del__` for each); the next run takes up the parts
    completed before."""
    data = tmp_path / "data"
    failures = itertools.count(1)
    writes = itertools.count(1)
    full = []
    real_write, real_close = pq.ParquetWriter.write_table, pq.ParquetWriter.close

    def no_space() -> OSError:
        full.append(True)
        return OSError(28, f"No space left on device (failure {next(failures)})")

    def write_table(writer, *args, **kwargs):
        if full or next(writes) > 14:
            raise no_space()
        return real_write(writer, *args, **kwargs)

    def close(writer):
        if full and writer.is_open:
            raise no_space()
        return real_close(writer)

    monkeypatch.setattr(pq.ParquetWriter, "write_table", write_table)
    monkeypatch.setattr(pq.ParquetWriter, "close", close)
    with pytest.raises(OSError, match=r"failure 1\)$"):
        build_parquet(settings(raw, data), workers=1)
    monkeypatch.undo()
    gc.collect()
    assert "Exception ignored" not in capfd.readouterr().err
    (staging,) = staging_folders(data)
    completed = complete_parts(staging)
    assert completed and completed == FOLDERS[: len(completed)]

    again = build_parquet(settings(raw, data), workers=1)
    assert again.resumed == sum(len(list((raw / folder).iterdir())) for folder in completed)
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))
