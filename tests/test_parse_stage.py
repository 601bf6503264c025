"""The parse stage's workers: pooled as in process, and a chunk reads the same bytes once."""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor

import pyarrow as pa
import pytest

from orchestration import corpus, parsing
from orchestration.corpus import pool
from orchestration.parsing import parse_bytes
from orchestration.parsing.formats import sniff_format
from orchestration.synth import generate, make_report

LIMIT = 50 * 2**20


def _reports(count: int, kind: str) -> list[bytes]:
    """Synthetic reports with figures (no faults), each different, that read as ``kind``
    under a .txt name (the tables come as HTML: prose-only reports as text)."""
    found = []
    index = 0
    while len(found) < count:
        data, truth, copy_of = make_report(index, seed=5)
        if truth.fault is None and copy_of is None and sniff_format(data, "report.txt") == kind:
            found.append(data)
        index += 1
    return found


def _count_parses(monkeypatch) -> list[str]:
    """The texts parse_text is given from now on."""
    calls: list[str] = []
    real = parsing.parse_text

    def counting(text, max_year):
        calls.append(text)
        return real(text, max_year)

    monkeypatch.setattr(parsing, "parse_text", counting)
    return calls


def _comparable(rows: list[corpus.FileRows]) -> list[tuple]:
    return [(r.source_path, r.report_id, r.status, r.report, r.values.rows().to_pylist(), r.issues,
             r.checks.rows().to_pylist()) for r in rows]


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    return generate(300, tmp_path_factory.mktemp("synth"), seed=4)


def test_the_pool_gives_the_rows_of_parsing_in_process_in_path_order(raw):
    work = corpus.raw_file_names(raw)
    assert len(work) == 300 >= pool.POOL_THRESHOLD  # so two workers parse them
    with corpus.parsing(raw, work, LIMIT, 2) as rows:
        pooled = list(rows)
    with corpus.parsing(raw, work, LIMIT, 1) as rows:
        in_process = list(rows)
    assert [r.source_path for r in pooled] == work
    assert _comparable(pooled) == _comparable(in_process)
    assert sum(r.values.length for r in pooled) > 10_000
    # A synthetic copy (of the file before) comes back as that file did: the writer makes it a copy.
    copies = [(r, previous) for r, previous in zip(pooled[1:], pooled) if r.report_id == previous.report_id]
    assert any(r.status == "parsed" for r, _ in copies)
    assert all((r.status, r.report["value_count"]) == (previous.status, previous.report["value_count"])
               for r, previous in copies)


def test_the_pool_is_parsing_before_the_first_file_is_asked_for(raw, monkeypatch):
    """A run links the folders it keeps while the workers parse its new files, so the
    first chunks go out on entering ``parsing``; no more than the window is ever out."""
    monkeypatch.setattr(pool, "CHUNK", 8)
    monkeypatch.setattr(pool, "WINDOW", 40)  # 5 chunks of 8 files in flight
    sent: list[int] = []  # files per chunk, as submitted
    real_submit = ProcessPoolExecutor.submit

    def submit(executor, function, chunk):
        sent.append(len(chunk))
        return real_submit(executor, function, chunk)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    work = corpus.raw_file_names(raw)
    with corpus.parsing(raw, work, LIMIT, 2) as rows:
        assert sent == [8] * 5
        paths = []
        for file_rows in rows:
            paths.append(file_rows.source_path)
            # one chunk goes out as each one comes back, while there are chunks left
            assert len(sent) == min(38, 5 + math.ceil(len(paths) / 8))
    assert paths == work
    assert sent == [8] * 37 + [4]


def test_a_file_with_the_bytes_of_an_earlier_one_takes_its_parse(monkeypatch):
    report, other = _reports(2, "text")
    calls = _count_parses(monkeypatch)
    earlier: parsing.Parsed = {}
    first = parse_bytes(report, "a/first.txt", earlier=earlier)
    copy = parse_bytes(report, "b/copy.txt", earlier=earlier)
    as_page = parse_bytes(report, "c/copy.html", earlier=earlier)  # the same bytes read as HTML
    different = parse_bytes(other, "d/other.txt", earlier=earlier)
    assert len(calls) == 3  # the copy was not parsed

    assert (copy.source_path, copy.report_id, copy.content_sha256) == ("b/copy.txt", first.report_id, first.content_sha256)
    assert copy.result is first.result and copy.status == first.status == "parsed"
    assert copy.issues == first.issues and copy.issues is not first.issues
    assert len(first.result.values) >= 3
    assert (first.source_format, as_page.source_format) == ("text", "html")
    assert as_page.result is not first.result and as_page.report_id == first.report_id
    assert different.report_id != first.report_id
    # Without the memory every file is parsed.
    calls.clear()
    assert parse_bytes(report, "e/again.txt").result is not first.result and len(calls) == 1


def test_a_chunk_with_copies_gives_the_rows_of_parsing_each_file(tmp_path, monkeypatch):
    (one, two), prose = _reports(2, "html"), _reports(1, "text")[0]
    files = {"a.txt": one, "b.txt": one, "c.txt": two, "d.txt": one, "e.txt": prose, "f.htm": prose, "g.txt": b""}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    chunk = [(name, str(tmp_path / name), LIMIT) for name in files]
    parsed_texts = _count_parses(monkeypatch)
    reusing = pool.parse_chunk_packed(chunk)
    assert len(parsed_texts) == 4  # a (b and d are its copies), c, e, and f read as HTML

    real = pool.parse_bytes
    monkeypatch.setattr(pool, "parse_bytes", lambda *args, earlier=None, **kwargs: real(*args, **kwargs))
    parsed_texts.clear()
    each = pool.parse_chunk_packed(chunk)
    assert len(parsed_texts) == 6

    values, checks, rows, counts = reusing
    assert values.equals(each[0]) and checks.equals(each[1])
    assert [r.report for r in rows] == [r.report for r in each[2]] and counts == each[3]
    assert [r.report["source_path"] for r in rows] == list(files)
    assert counts[0] == counts[1] == counts[3] and counts[0][0] > 40 and counts[2][0] > 40
    assert [r.report["source_format"] for r in rows[4:6]] == ["text", "html"] and counts[4][0] >= 3
    assert rows[6].report["quarantine_code"] == "empty_file"
    assert isinstance(values, pa.Table) and values.num_rows == sum(n for n, _ in counts)
