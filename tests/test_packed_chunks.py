"""A worker's chunk travels as Arrow tables whose key columns (report, row index)
are laid out from each report's row count: each row must keep its own report.
The writer takes each file's rows as a span of such a table (or of the last run's
Parquet) and joins the spans that follow on."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.corpus.previous import Stream
from orchestration.corpus.rows import Span, keyed_table
from orchestration.corpus.writers import join_span
from orchestration.parsing.columns import CHECK_COLUMNS, empty_columns


def _checks(count: int, first: int) -> list[list]:
    columns = empty_columns(CHECK_COLUMNS)
    for i in range(first, first + count):
        columns[2].append(f"identity_{i}")
        columns[3].append(None if i % 2 else f"group_{i}")
        columns[4].append(Decimal(i) / 4)
        columns[5].append(i % 3 == 0)
    return columns


def test_rows_keep_their_report_and_index_across_reports_without_rows():
    counts = [2, 0, 3, 0]
    columns = _checks(5, 10)
    table = keyed_table("identity_checks", columns, ["a", "b", "c", "d"], counts)
    assert table.column("report_id").to_pylist() == ["a", "a", "c", "c", "c"]
    assert table.column("check_index").to_pylist() == [0, 1, 0, 1, 2]
    assert table.column("identity").to_pylist() == [f"identity_{i}" for i in range(10, 15)]
    assert table.column("group_value").to_pylist() == ["group_10", None, "group_12", None, "group_14"]
    assert table.column("signed_sum").to_pylist() == [Decimal("2.5"), Decimal("2.75"), Decimal(3), Decimal("3.25"),
                                                      Decimal("3.5")]
    assert table.column("holds").to_pylist() == [False, False, True, False, False]


def test_a_chunk_without_rows_gives_an_empty_table_of_the_schema():
    table = keyed_table("identity_checks", empty_columns(CHECK_COLUMNS), ["a", "b"], [0, 0])
    assert table.num_rows == 0
    assert table.schema.names == list(CHECK_COLUMNS)


def test_a_report_with_more_rows_than_the_shared_index_is_numbered_on():
    big = 2**16 + 5
    table = keyed_table("identity_checks", _checks(big + 1, 0), ["small", "big"], [1, big])
    indexes = table.column("check_index").to_pylist()
    assert indexes[:3] == [0, 0, 1]
    assert indexes[-1] == big - 1
    assert table.column("report_id").to_pylist().count("big") == big
    assert table.column("identity")[big].as_py() == f"identity_{big}"


def test_spans_that_follow_on_in_one_table_are_joined():
    """A row group concatenates one table per run of files in a chunk, not one per file."""
    chunk, other = pa.table({"x": list(range(10))}), pa.table({"x": [100, 101, 102]})
    spans: list[Span] = []
    for span in (Span(chunk, 0, 2), Span(chunk, 2, 0), Span(chunk, 2, 3), Span(other, 0, 3), Span(chunk, 5, 1),
                 Span(chunk, 7, 2)):
        join_span(spans, span)
    assert [(span.table is chunk, span.offset, span.length) for span in spans] == [
        (True, 0, 5), (False, 0, 3), (True, 5, 1), (True, 7, 2)]
    assert pa.concat_tables([span.rows() for span in spans]).column("x").to_pylist() == [
        0, 1, 2, 3, 4, 100, 101, 102, 5, 7, 8]


def test_the_last_runs_rows_are_taken_across_its_batches(tmp_path):
    """A file's rows copied from the last run may straddle two of the Parquet's batches."""
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"x": list(range(150_000))}), path, row_group_size=40_000)
    stream = Stream(pq.ParquetFile(path), pa.schema([("x", pa.int64())]))
    taken = [stream.take(n) for n in (3, 0, 65_530, 10, 84_457, 5)]
    assert [span.length for span in taken] == [3, 0, 65_530, 10, 84_457, 0]
    assert [span.rows().column("x").to_pylist()[:2] for span in taken[:5]] == [
        [0, 1], [], [3, 4], [65_533, 65_534], [65_543, 65_544]]
    assert taken[4].rows().column("x")[-1].as_py() == 149_999
