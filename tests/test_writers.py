"""Writing a folder again: the rows of its kept files copied as Arrow (not turned into
dicts and back), row groups encoded on a thread of their own; the bytes are a full run's."""

from __future__ import annotations

import os
import shutil
import threading

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.corpus import build_parquet, writers
from orchestration.corpus.duplicates import as_duplicate
from orchestration.corpus.previous import Stream
from orchestration.corpus.rows import FileRows, Span, empty_span
from orchestration.schema import TABLES
from orchestration.synth import generate

from .conftest import published_parquet, settings


@pytest.fixture()
def two_folders(tmp_path):
    """300 synthetic reports in two folders, parsed once."""
    raw = generate(300, tmp_path / "synth", seed=12)
    files = sorted((raw / "batch_0000").iterdir())
    (raw / "batch_0001").mkdir()
    for path in files[150:]:
        path.rename(raw / "batch_0001" / path.name)
    data = tmp_path / "data"
    assert build_parquet(settings(raw, data), workers=2).reparsed == 300
    return raw, data, files


def test_a_crawl_adding_to_every_folder_writes_the_bytes_of_a_full_run(two_folders, tmp_path, monkeypatch):
    raw, data, files = two_folders
    # New files among each folder's own (first, middle, last), copies of kept reports among them.
    for folder, names in {"batch_0000": ["0000000-a.txt", "0000070-a.txt", "zz.txt"],
                          "batch_0001": ["0000150-a.txt", "0000222-a.txt"]}.items():
        for n, name in enumerate(names):
            (raw / folder / name).write_bytes(files[40 + n].read_bytes() + f"\n附:{folder}第{n}号。".encode())
    shutil.copy(files[7], raw / "batch_0001" / "0000151-copy.txt")  # the same bytes as a report of the other folder
    rebuilt: list[str] = []
    real_as_duplicate = as_duplicate

    def counting(rows, first_path):
        result = real_as_duplicate(rows, first_path)
        if result is not rows:
            rebuilt.append(rows.source_path)
        return result

    monkeypatch.setattr("orchestration.corpus.run.as_duplicate", counting)
    run = build_parquet(settings(raw, data), workers=2)
    assert (run.files, run.reparsed, run.linked) == (306, 6, 0)  # both folders written again, the new files parsed
    # The copies the last run quarantined are taken as they were; only the new copy is made one.
    assert rebuilt == ["batch_0001/0000151-copy.txt"]
    full = build_parquet(settings(raw, tmp_path / "full"), workers=1)
    assert full.reparsed == 306
    assert published_parquet(data) == published_parquet(tmp_path / "full")


def test_a_kept_copy_is_made_again_when_its_first_copy_moved():
    report = {"quarantine_code": "duplicate_content", "quarantine_reason": "same bytes as a/1.txt", "value_count": 0,
              "issue_count": 1, "check_count": 0, "status": "quarantined"}
    issue = {"source_path": "b/2.txt", "report_id": "r", "issue_index": 0, "severity": "error",
             "code": "duplicate_content", "message": "same bytes as a/1.txt; parsed there", "char_start": None,
             "char_end": None}
    rows = FileRows("b/2.txt", "r", "quarantined", "duplicate_content", "same bytes as a/1.txt", "f" * 64, report,
                    empty_span("values"), [issue])
    assert as_duplicate(rows, "a/1.txt") is rows
    moved = as_duplicate(rows, "a/0.txt")
    assert moved.quarantine_reason == moved.report["quarantine_reason"] == "same bytes as a/0.txt"
    assert [i["message"] for i in moved.issues] == ["same bytes as a/0.txt; parsed there"]
    assert rows.report["quarantine_reason"] == "same bytes as a/1.txt"  # (the kept rows are not changed)


def test_a_copied_report_row_reads_back_as_a_dict():
    table = pa.table({"a": [1, 2, 3], "b": ["x", None, "z"]})
    rows = FileRows("p", "r", "parsed", None, None, "f" * 64, Span(table, 1, 1), empty_span("values"), [])
    assert rows.report_row() == {"a": 2, "b": None}
    assert rows.report_row() is not rows.report_row()


def test_a_stream_gives_its_rows_as_spans_and_dicts_across_batches(tmp_path):
    schema = TABLES["issues"].arrow_schema
    table = pa.Table.from_pylist([
        {"source_path": f"f{n // 3}", "report_id": f"r{n // 3}", "issue_index": n % 3, "severity": "warning",
         "code": "blank_cell", "message": f"message {n}", "char_start": n, "char_end": None if n % 4 else n + 5}
        for n in range(23)], schema=schema)
    pq.write_table(table, tmp_path / "issues.parquet", row_group_size=5)
    stream = Stream(pq.ParquetFile(tmp_path / "issues.parquet"), schema, batch_size=4)
    expected = table.to_pylist()
    taken, at = [], 0
    for n in (0, 3, 1, 7, 0, 5, 2):
        taken.append(stream.take_dicts(n))
        assert taken[-1] == expected[at : at + n]
        at += n
    assert stream.take(10).rows().to_pylist() == expected[at:] and stream.take(1).length == 0
    assert stream.take_dicts(2) == []


def test_the_encoder_holds_one_task_at_a_time_and_keeps_their_order():
    assert writers.ENCODING[1] == 1
    encoder = writers._InOrder(*writers.ENCODING)
    release, done, order = threading.Event(), [], []
    encoder.submit(lambda: (release.wait(5), order.append(1)))  # the run goes on while it is encoded
    second = threading.Thread(target=lambda: (encoder.submit(lambda: order.append(2)), done.append(True)))
    second.start()
    second.join(0.3)
    assert done == [] and order == []  # the second waits for the first to end
    release.set()
    second.join(5)
    encoder.submit(lambda: order.append(3))
    encoder.close()
    assert done == [True] and order == [1, 2, 3]


def test_the_encoding_does_not_wait_for_a_part_to_reach_the_disk(two_folders, tmp_path, monkeypatch):
    """A part's files are flushed to the disk on a thread of their own, then the part is
    named complete: the encoder closes the next part meanwhile (at a million reports the
    flushing is seconds of waiting on the disk). The first part's flush here waits for the
    second part to be closed: with the flush on the encoder's thread it waited in vain."""
    from orchestration import durable
    from orchestration.corpus.interrupted import complete_parts

    raw, _, _ = two_folders
    real_close, real_sync = writers._Writer._close_files, durable.sync_files
    second_closed, waited, flushed_on = threading.Event(), [], set()

    def closing(self) -> None:
        real_close(self)
        if self.part == "batch_0001":
            second_closed.set()

    def slow_disk(paths) -> None:
        paths = list(paths)
        if any(path.name == "batch_0000.parquet" for path in paths):
            waited.append(second_closed.wait(5))
            flushed_on.add(threading.current_thread().name)
        real_sync(paths)

    monkeypatch.setattr(writers._Writer, "_close_files", closing)
    monkeypatch.setattr(durable, "sync_files", slow_disk)
    assert build_parquet(settings(raw, tmp_path / "again"), workers=1).reparsed == 300
    assert waited == [True] and flushed_on == {"ogi-flush_0"}
    assert complete_parts((tmp_path / "again" / "parquet").resolve()) == ["batch_0000", "batch_0001"]


def test_a_failed_encoding_fails_the_run_and_publishes_nothing(two_folders, monkeypatch):
    raw, data, files = two_folders
    before, link = published_parquet(data), os.readlink(data / "parquet")
    (raw / "batch_0000" / "0000001-a.txt").write_bytes(files[3].read_bytes() + "\n附:新。".encode())
    real, calls = writers._write_spans, []

    def failing(writer, spans):
        calls.append(threading.current_thread().name)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(writer, spans)

    monkeypatch.setattr(writers, "_write_spans", failing)
    with pytest.raises(OSError, match="No space left"):
        build_parquet(settings(raw, data), workers=2)
    assert calls[0].startswith("ogi-parquet")  # encoded beside the run's thread
    assert os.readlink(data / "parquet") == link and published_parquet(data) == before
    assert not [p for p in (data / "parquet.d").iterdir() if p.name.startswith("staging-")]
