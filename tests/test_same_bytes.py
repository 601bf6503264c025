"""A file whose time alone changed (a raw folder copied or synced without its times, a page
fetched again as it was) is not parsed again: the content hash recorded by the run that
parsed it shows its bytes are the same, and its rows are kept; a file whose bytes changed
at the same size is parsed, even with its old modification time put back (its status
change time, which only the kernel sets, tells it)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from orchestration.cli import _not_parsed
from orchestration.corpus import build_folder_part, build_parquet, part_dir
from orchestration.corpus.parts import STATE_DIR
from orchestration.corpus.same_bytes import digests
from orchestration.settings import environment, load_settings
from orchestration.synth import generate

from .conftest import SAMPLES_RAW, published_parquet, settings

TABLE_NAMES = ("reports", "values", "issues", "identity_checks")


def _raw(tmp_path: Path) -> Path:
    """40 synthetic reports, ten a folder (``crawl_0`` ... ``crawl_3``), a sample report at
    the top (the root part) and a copy of it in ``crawl_2`` (the report: it comes first in path
    order, and the one at the top is its duplicate)."""
    synthetic = sorted((generate(40, tmp_path / "synth", seed=12) / "batch_0000").iterdir())
    raw = tmp_path / "raw"
    for index, file in enumerate(synthetic):
        (raw / f"crawl_{index // 10}").mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, raw / f"crawl_{index // 10}" / file.name)
    sample = min(p for p in SAMPLES_RAW.iterdir() if p.is_file())
    shutil.copy2(sample, raw / "top.txt")
    shutil.copy2(sample, raw / "crawl_2" / "zz_copy.txt")
    return raw


def _retime(paths: list[Path], seconds: int = 1000) -> None:
    """Give the files other modification times, their bytes unchanged."""
    for path in paths:
        status = path.stat()
        os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + seconds * 10**9))


def _full(raw: Path, data: Path) -> Path:
    full = build_parquet(settings(raw, data), workers=1)
    assert full.reparsed == full.files and full.same_bytes == 0
    return data


def _inodes(data: Path) -> dict[str, int]:
    return {name: (data / "parquet" / name).stat().st_ino for name in published_parquet(data)}


def test_a_raw_folder_copied_without_its_times_is_not_parsed_again(tmp_path):
    raw, data = _raw(tmp_path), tmp_path / "data"
    assert build_parquet(settings(raw, data), workers=1).reparsed == 42
    before = _inodes(data)
    copied = tmp_path / "copied"
    shutil.copytree(raw, copied, copy_function=shutil.copyfile)  # (as `cp -r` does: the times are the copy's)
    _retime(sorted(p for p in copied.rglob("*") if p.is_file()))

    run = build_parquet(settings(copied, data), workers=1)
    assert (run.files, run.reparsed, run.same_bytes, run.linked, run.unchanged) == (42, 0, 42, 41, False)
    # The folders' tables are linked from the last run; their file states, with the new times, are written.
    after = _inodes(data)
    folder_tables = [f"{table}/crawl_{n}.parquet" for table in TABLE_NAMES for n in range(4)]
    assert all(after[name] == before[name] for name in folder_tables)
    assert all(after[f"{STATE_DIR}/crawl_{n}.parquet"] != before[f"{STATE_DIR}/crawl_{n}.parquet"] for n in range(4))
    # The same bytes as a full run over the copy, the later copy of the report still its duplicate.
    assert published_parquet(data) == published_parquet(_full(copied, tmp_path / "full"))
    with duckdb.connect() as db:
        (code,) = db.execute("select quarantine_code from read_parquet(?) where source_path = 'top.txt'",
                             [str(data / "parquet" / "reports" / "*.parquet")]).fetchone()
    assert code == "duplicate_content"
    # The new times are remembered: the next run finds nothing changed.
    again = build_parquet(settings(copied, data), workers=1)
    assert again.unchanged and (again.reparsed, again.same_bytes) == (0, 0)


def test_a_file_rewritten_at_the_same_size_is_parsed_again(tmp_path):
    raw, data = _raw(tmp_path), tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    folder = sorted((raw / "crawl_1").iterdir())
    changed = folder[3]
    text = changed.read_bytes()
    digit = next(byte for byte in b"123456789" if bytes([byte]) in text)
    rewritten = text.replace(bytes([digit]), bytes([digit % 9 + 49]), 1)  # one digit for another: the same size
    assert len(rewritten) == len(text) and rewritten != text
    _retime(folder)  # the folder synced again, times and all ...
    changed.write_bytes(rewritten)  # ... one file with new bytes

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.reparsed, run.same_bytes, run.linked) == (42, 1, 9, 31)  # crawl_1 written again
    with duckdb.connect() as db:
        (digest,) = db.execute("select content_sha256 from read_parquet(?) where source_path = ?", [
            str(data / "parquet" / "reports" / "*.parquet"), f"crawl_1/{changed.name}"]).fetchone()
    assert digest == hashlib.sha256(rewritten).hexdigest()
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_a_folder_partition_keeps_a_folder_copied_without_its_times(tmp_path):
    """The partitioned parse does the same, and the whole parse takes the parts it wrote."""
    raw, data = _raw(tmp_path), tmp_path / "data"
    for n in range(4):
        assert build_folder_part(settings(raw, data), f"crawl_{n}", workers=1).reparsed == 10 + (n == 2)
    build_parquet(settings(raw, data), workers=1)
    _retime(sorted((raw / "crawl_0").iterdir()))
    part = build_folder_part(settings(raw, data), "crawl_0", workers=1)
    assert (part.files, part.reparsed, part.same_bytes) == (10, 0, 10)
    states = part_dir(settings(raw, data), "crawl_0") / STATE_DIR / "crawl_0.parquet"
    with duckdb.connect() as db:
        recorded = dict(db.execute("select source_path, mtime_ns from read_parquet(?)", [str(states)]).fetchall())
    assert recorded == {f"crawl_0/{p.name}": p.stat().st_mtime_ns for p in (raw / "crawl_0").iterdir()}
    # The whole parse, from the parts and its last run (which has crawl_0 under the old times),
    # after crawl_1 too got new times, which neither its part nor the last run has.
    _retime(sorted((raw / "crawl_1").iterdir()))
    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.reparsed, run.same_bytes, run.linked) == (42, 0, 10, 41)  # (top.txt, the root part, is written)
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_a_run_line_says_which_kept_files_had_new_times():
    assert _not_parsed({"reparsed": 0, "linked": 41, "same_bytes": 42}) == (
        " (41 more kept in folders that did not change; 42 of the kept files had new times, not new bytes)")


def test_digests_of_files_and_of_what_is_not_one(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"2023 \xe5\xb9\xb4")
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")  # (opened without blocking: no writer is waited for)
    names = ["a.txt", "gone.txt", "folder", "pipe"]
    assert digests(str(tmp_path), names) == [hashlib.sha256(b"2023 \xe5\xb9\xb4").hexdigest(), None, None, None]


def test_a_stopped_run_s_parts_are_taken_up_under_new_times(tmp_path):
    """The parts a killed run completed, their folders copied again without their times
    before the next run: taken up, not parsed."""
    from .test_interrupted_runs import kill_after_parts, staging_folders

    raw, data = _raw(tmp_path), tmp_path / "data"
    kill_after_parts(raw, data, 3)
    assert len(staging_folders(data)) == 1
    _retime(sorted(p for p in raw.rglob("*") if p.is_file()))
    run = build_parquet(settings(raw, data), workers=1)
    # crawl_0 to crawl_2 taken up (31 files, their states written again); crawl_3 and top.txt parsed
    assert (run.files, run.reparsed, run.same_bytes, run.resumed, run.linked) == (42, 11, 31, 31, 31)
    assert not staging_folders(data)
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def _value(data: Path, path: str) -> tuple[str, list]:
    """A report's content hash and its figures (item, value), from the published Parquet."""
    with duckdb.connect() as db:
        (digest,) = db.execute("select content_sha256 from read_parquet(?) where source_path = ?",
                               [str(data / "parquet" / "reports" / "*.parquet"), path]).fetchone()
        figures = db.execute(
            "select v.item, v.value::int from read_parquet(?) v join read_parquet(?) r using (report_id) "
            "where r.source_path = ? order by all",
            [str(data / "parquet" / "values" / "*.parquet"), str(data / "parquet" / "reports" / "*.parquet"), path],
        ).fetchall()
    return digest, figures


_REPORT = "某县人民政府办公室2021年政府信息公开工作年度报告\n2021年,本机关共收到政府信息公开申请{}件,办结36件。\n"


def test_a_figure_corrected_at_the_same_size_with_its_old_time_put_back_is_parsed_again(tmp_path):
    """A crawler that dates its files by their pages (or ``touch -r``, a download keeping the
    server's Last-Modified) rewrites a report whose figure was corrected, 37 to 73: the same
    size, the same modification time. Its old rows stayed in the tables."""
    raw, data = _raw(tmp_path), tmp_path / "data"
    corrected = raw / "crawl_1" / "report.txt"
    corrected.write_text(_REPORT.format(37), encoding="utf-8")
    build_parquet(settings(raw, data), workers=1)
    assert _value(data, "crawl_1/report.txt")[1] == [("new_received", 37)]

    status = corrected.stat()
    corrected.write_text(_REPORT.format(73), encoding="utf-8")
    os.utime(corrected, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert (corrected.stat().st_size, corrected.stat().st_mtime_ns) == (status.st_size, status.st_mtime_ns)

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.reparsed, run.same_bytes) == (43, 1, 0)
    digest, figures = _value(data, "crawl_1/report.txt")
    assert figures == [("new_received", 73)]
    assert digest == hashlib.sha256(_REPORT.format(73).encode("utf-8")).hexdigest()
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_a_file_whose_status_alone_changed_is_hashed_and_kept(tmp_path):
    """A chmod, a hard link made to it (a snapshot with ``cp -al`` or ``rsync --link-dest``),
    changes a file's status change time, not its bytes: it is read and hashed, not parsed,
    and its new time is remembered."""
    raw, data = _raw(tmp_path), tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    before = _inodes(data)
    for path in sorted((raw / "crawl_0").iterdir()):
        path.chmod(0o600)
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    os.link(raw / "crawl_3" / sorted(os.listdir(raw / "crawl_3"))[4], snapshot / "linked.txt")

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.reparsed, run.same_bytes, run.linked) == (42, 0, 11, 41)
    after = _inodes(data)  # every folder's tables linked; crawl_0's and crawl_3's file states written again
    assert all(after[f"{table}/crawl_{n}.parquet"] == before[f"{table}/crawl_{n}.parquet"]
               for table in TABLE_NAMES for n in range(4))
    assert [after[f"{STATE_DIR}/crawl_{n}.parquet"] == before[f"{STATE_DIR}/crawl_{n}.parquet"] for n in range(4)] == [
        False, True, True, False]
    recorded = pq.read_table(data / "parquet" / STATE_DIR / "crawl_3.parquet").to_pylist()
    assert [row["ctime_ns"] for row in recorded] == [(raw / row["source_path"]).stat().st_ctime_ns for row in recorded]
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))
    again = build_parquet(settings(raw, data), workers=1)
    assert again.unchanged and (again.reparsed, again.same_bytes) == (0, 0)


def test_file_states_from_before_the_status_change_time_are_an_older_layout(tmp_path):
    """An output written before the file states held ``ctime_ns`` (session 37) cannot tell a
    file rewritten with its old mtime put back: every file is parsed again, once."""
    raw, data = _raw(tmp_path), tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    for path in sorted((data / "parquet" / STATE_DIR).iterdir()):
        older = pq.read_table(path).drop_columns(["ctime_ns"])
        path.unlink()  # (not written through: it may be a link another output shares)
        pq.write_table(older, path)

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.reparsed, run.same_bytes, run.linked) == (42, 42, 0, 0)
    assert pq.read_schema(data / "parquet" / STATE_DIR / "crawl_2.parquet").names == [
        "source_path", "size", "mtime_ns", "ctime_ns", "content_sha256", "parser_version", "limits"]
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))
    assert build_parquet(settings(raw, data), workers=1).unchanged


def test_with_ctime_not_trusted_a_file_is_told_by_its_size_and_mtime_alone(tmp_path):
    """``OGI_TRUST_CTIME=off`` (a raw folder snapshotted with hard links every day): a chmod
    or a link reads nothing, and a same-size rewrite with its old mtime put back is missed,
    what the setting gives up; trusted again, every file is hashed once and that one parsed."""
    with environment(OGI_TRUST_CTIME="off"):
        assert not load_settings().trust_ctime
    with environment(OGI_TRUST_CTIME=None):
        assert load_settings().trust_ctime
    raw, data = _raw(tmp_path), tmp_path / "data"
    corrected = raw / "crawl_1" / "report.txt"
    corrected.write_text(_REPORT.format(37), encoding="utf-8")
    untrusted = dataclasses.replace(settings(raw, data), trust_ctime=False)
    build_parquet(untrusted, workers=1)
    assert set(pq.read_table(data / "parquet" / STATE_DIR / "crawl_1.parquet")["ctime_ns"].to_pylist()) == {0}

    for path in sorted((raw / "crawl_0").iterdir()):
        path.chmod(0o600)
    status = corrected.stat()
    corrected.write_text(_REPORT.format(73), encoding="utf-8")
    os.utime(corrected, ns=(status.st_atime_ns, status.st_mtime_ns))
    run = build_parquet(untrusted, workers=1)
    assert run.unchanged and (run.reparsed, run.same_bytes) == (0, 0)
    assert _value(data, "crawl_1/report.txt")[1] == [("new_received", 37)]

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.reparsed, run.same_bytes) == (43, 1, 42)
    assert _value(data, "crawl_1/report.txt")[1] == [("new_received", 73)]
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))
