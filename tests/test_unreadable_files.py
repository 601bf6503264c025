"""A file listed but not readable when the run reaches it (moved or removed by a crawler
since the folder was listed, replaced by a folder, permissions, the disk) is quarantined
``unreadable_file`` and the run goes on; the next run tries it again."""

from __future__ import annotations

import hashlib
import shutil

import duckdb
import pytest

from orchestration.corpus import build_parquet
from orchestration.corpus import run as corpus_run
from orchestration.corpus.listing import UNREADABLE_MTIME
from orchestration.settings import table_glob

from .conftest import SAMPLES_RAW, published_parquet, settings


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    (raw / "b").mkdir(parents=True)
    for index, sample in enumerate(sorted(SAMPLES_RAW.iterdir())):
        shutil.copy(sample, raw / ("b" if index % 2 else "") / sample.name)
    return raw


def _table(data, name: str) -> list[dict]:
    """A published table, every part of it, through the glob its readers use."""
    return duckdb.sql(f"select * from read_parquet('{table_glob(data / 'parquet', name)}')").to_arrow_table().to_pylist()


def _reports(data) -> dict[str, dict]:
    return {row["source_path"]: row for row in _table(data, "reports")}


def _states(data) -> dict[str, dict]:
    return {row["source_path"]: row for row in _table(data, "file_state")}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_removed_after_the_listing_is_quarantined_and_read_again_next_run(raw, tmp_path, monkeypatch, workers):
    gone = sorted(raw.rglob("*.txt"))[1]
    relative = gone.relative_to(raw).as_posix()
    kept = gone.read_bytes()
    listed = corpus_run.raw_listing

    def listing_then_removing(raw_dir, folder=None, listed_so_far=None):  # a crawler moves the file away meanwhile
        files = listed(raw_dir, folder, listed_so_far)
        gone.unlink()
        return files

    monkeypatch.setattr(corpus_run, "raw_listing", listing_then_removing)
    summary = build_parquet(settings(raw, tmp_path / "data"), workers=workers)
    assert (summary.files, summary.parsed, summary.quarantined, summary.by_code["unreadable_file"]) == (5, 4, 1, 1)
    row = _reports(tmp_path / "data")[relative]
    assert {k: row[k] for k in ("report_id", "content_sha256", "file_size", "status", "quarantine_code",
                                "quarantine_reason", "source_format", "value_count")} == {
        "report_id": hashlib.sha256(f"unreadable:{relative}".encode()).hexdigest()[:16],
        "content_sha256": None, "file_size": None, "status": "quarantined", "quarantine_code": "unreadable_file",
        "quarantine_reason": "the file could not be read: No such file or directory (ENOENT)",
        "source_format": "text", "value_count": 0,
    }
    issues = [r for r in _table(tmp_path / "data", "issues") if r["source_path"] == relative]
    assert [(i["code"], i["severity"], i["message"]) for i in issues] == [
        ("unreadable_file", "error", "the file could not be read: No such file or directory (ENOENT)")]
    assert (_states(tmp_path / "data")[relative]["mtime_ns"], _states(tmp_path / "data")[relative]["content_sha256"]) == (
        UNREADABLE_MTIME, None)

    # Back in place, unchanged since: it is parsed, and the tables are a full parse's.
    monkeypatch.setattr(corpus_run, "raw_listing", listed)
    gone.write_bytes(kept)
    again = build_parquet(settings(raw, tmp_path / "data"), workers=workers)
    assert (again.parsed, again.quarantined, again.reparsed) == (5, 0, 1)
    assert _reports(tmp_path / "data")[relative]["content_sha256"] == hashlib.sha256(kept).hexdigest()
    build_parquet(settings(raw, tmp_path / "full"), workers=workers)
    assert published_parquet(tmp_path / "data") == published_parquet(tmp_path / "full")


def test_a_file_replaced_by_a_folder_after_its_stat(raw, tmp_path, monkeypatch):
    """Stat-ed as a file, read as a folder: the read fails in the worker, not the run."""
    victim = min((raw / "b").iterdir())
    relative = victim.relative_to(raw).as_posix()
    planned = corpus_run.plan_files

    def planning_then_replacing(*args, **kwargs):
        plan = planned(*args, **kwargs)
        victim.unlink()
        victim.mkdir()
        return plan

    monkeypatch.setattr(corpus_run, "plan_files", planning_then_replacing)
    summary = build_parquet(settings(raw, tmp_path / "data"), workers=2)
    assert (summary.parsed, summary.by_code["unreadable_file"]) == (4, 1)
    row = _reports(tmp_path / "data")[relative]
    assert (row["quarantine_code"], row["quarantine_reason"], row["content_sha256"]) == (
        "unreadable_file", "the file could not be read: Is a directory (EISDIR)", None)
    assert _states(tmp_path / "data")[relative]["size"] > 0  # stat-ed as a file: its size is kept, its time is not

    # The next run finds an empty folder there: the row is gone.
    monkeypatch.setattr(corpus_run, "plan_files", planned)
    build_parquet(settings(raw, tmp_path / "data"), workers=2)
    assert relative not in _reports(tmp_path / "data") and len(_reports(tmp_path / "data")) == 4
