"""Key uniqueness on tables too large for one hash table of their keys: the dbt tests
(macros/unique_keys.sql) and the Parquet check (orchestration/defs/parsing_checks.py,
which renders the same macro) sort key hashes, then group only the rows whose hash repeats.
And the Parquet schema checks' other rules (required columns, registered codes), counted
in one scan."""

import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.defs.parsing_checks import _duplicate_keys_sql, _query, schema_violations
from orchestration.schema import TABLES, Column, Table
from orchestration.settings import duckdb_connect

from .conftest import dbt_show

# report_id, value_index: ("a", 1) three times, ("b", 0) twice, (NULL, 2) twice; the rest once.
_KEYS = [("a", 0), ("a", 1), ("a", 1), ("b", 0), ("a", 1), ("b", 0), ("b", 1), (None, 2), (None, 2), (None, 3), ("c", 1)]


def _parquet(tmp_path, keys):
    path = tmp_path / "values.parquet"
    pq.write_table(pa.table({"report_id": [k for k, _ in keys], "value_index": pa.array([i for _, i in keys], pa.int32())}),
                   path, row_group_size=3)
    return str(path)


def test_the_parquet_check_counts_each_shared_key_once(tmp_path):
    path = _parquet(tmp_path, _KEYS)
    assert _query(_duplicate_keys_sql(("report_id", "value_index")), path, path) == [(3,)]


def test_the_parquet_check_finds_nothing_when_keys_differ(tmp_path):
    path = _parquet(tmp_path, [("a", 0), ("a", 1), ("b", 0), ("b", 1), (None, 0), ("c", 1)])
    assert _query(_duplicate_keys_sql(("report_id", "value_index")), path, path) == [(0,)]


def test_the_dbt_key_tests_list_the_shared_keys(tmp_path):
    """rows_sharing_a_key (unique_combination: NULLs compare equal) and dbt's `unique`
    as this project dispatches it (NULLs not compared), on the same rows."""
    rows = ", ".join(f"({'NULL' if k is None else repr(k)}, {i})" for k, i in _KEYS)
    inline = (
        f"{{% set model %}}(select * from (values {rows}) as t(report_id, value_index)){{% endset %}}"
        "{% set ids %}(select report_id as unique_field from {{ model }}){% endset %}"
        "select 'combination' as test, report_id, value_index, rows_with_this_key "
        "from ({{ rows_sharing_a_key(model, ['report_id', 'value_index']) }}) "
        "union all select 'unique', unique_field, null, n_records from ({{ duckdb__test_unique(ids, 'unique_field') }}) "
        "order by all"
    )
    rows = dbt_show(inline, tmp_path / "warehouse.duckdb", tmp_path / "target")
    found = [(r["test"], r["report_id"], r["value_index"], r["rows_with_this_key"]) for r in rows]
    assert found == [
        ("combination", "a", 1, 3), ("combination", "b", 0, 2), ("combination", None, 2, 2),
        ("unique", "a", None, 4), ("unique", "b", None, 3),
    ]


# Two required columns, two coded ones (one of them nullable), one free column: each rule
# broken a different number of times, so a count given to the wrong rule shows.
_RULES = Table("t", "test table", (
    Column("report_id", pa.string(), "", False),
    Column("value_index", pa.int32(), "", False),
    Column("status", pa.string(), "", False, ("parsed", "quarantined")),
    Column("unit", pa.string(), "", True, ("件", "万元")),
    Column("note", pa.string(), ""),
), ("report_id", "value_index"))


def test_the_schema_check_counts_each_rule_apart(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({
        "report_id": ["a", "a", None, "b", "c", "d", "e", "a"],
        "value_index": pa.array([0, 1, 2, None, None, 0, 0, 1], pa.int32()),
        "status": ["parsed", "Parsed", "quarantined", None, "parsed", "ok", "parsed", "parsed"],
        "unit": ["件", None, "万元", "元", "条", "个", None, "件"],
        "note": [None] * 8,
    }), path, row_group_size=3)
    assert schema_violations(_RULES, str(path)) == {
        "duplicate_keys": 1,  # ("a", 1), twice
        "report_id_null": 1,
        "value_index_null": 2,
        "status_null": 1,
        "status_not_accepted": 2,  # "Parsed", "ok" (NULL is the null rule's)
        "unit_not_accepted": 3,  # "元", "条", "个"; NULLs allowed
    }


def test_the_schema_check_has_a_rule_for_every_required_and_coded_column(tmp_path):
    """Each registered table's rules, on two rows: one empty, one empty but for a code
    nobody registered in each coded column. Every required column is then NULL twice
    (once if it is coded), every coded column off the list once, the (NULL) key shared."""
    for name, table in TABLES.items():
        nullable = pa.schema([field.with_nullable(True) for field in table.arrow_schema])
        coded = {c.name for c in table.columns if c.accepted}
        path = tmp_path / f"{name}.parquet"
        pq.write_table(pa.Table.from_pylist([{}, dict.fromkeys(coded, "unregistered")], schema=nullable), path)
        expected = {"duplicate_keys": 1}
        for column in table.columns:
            if not column.nullable:
                expected[f"{column.name}_null"] = 1 if column.name in coded else 2
            if column.accepted:
                expected[f"{column.name}_not_accepted"] = 1
        assert schema_violations(table, str(path)) == expected, name


def test_the_python_side_queries_under_its_memory_cap_without_a_progress_bar(monkeypatch):
    """The cap OGI_DUCKDB_MEMORY sets, and no progress bar: at a million reports a
    check's query runs 10-20 s, and DuckDB drew the bar into the run's output and logs."""
    monkeypatch.setenv("OGI_DUCKDB_MEMORY", "80MB")
    with duckdb_connect() as connection:
        limit, bar = connection.execute(
            "select current_setting('memory_limit'), current_setting('enable_progress_bar')").fetchone()
    assert (limit, bar) == ("76.2 MiB", False)
