"""Key uniqueness on tables too large for one hash table of their keys: the dbt tests
(macros/unique_keys.sql) and the Parquet check (orchestration/defs/parsing_checks.py,
which renders the same macro) sort key hashes, then group only the rows whose hash repeats."""

import json
import os
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.defs.parsing_checks import _duplicate_keys_sql, _query
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse import DBT_EXECUTABLE

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
    done = subprocess.run(
        [DBT_EXECUTABLE, "show", "--inline", inline, "--output", "json", "--log-format", "json",
         "--target-path", str(tmp_path / "target"), "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR)],
        capture_output=True, text=True, cwd=DBT_PROJECT_DIR, check=False,
        env={**os.environ, "OGI_WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb")},
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    preview = next(json.loads(line)["data"]["preview"] for line in done.stdout.splitlines()
                   if '"preview"' in line)
    found = [(r["test"], r["report_id"], r["value_index"], r["rows_with_this_key"]) for r in json.loads(preview)]
    assert found == [
        ("combination", "a", 1, 3), ("combination", "b", 0, 2), ("combination", None, 2, 2),
        ("unique", "a", None, 4), ("unique", "b", None, 3),
    ]
