{#
  Uniqueness tests that hold their memory cap at a million reports.

  A GROUP BY over every key keeps a hash table of all of them: at 1,000,000 reports
  (117 million figures) DuckDB ran out of memory under its cap for `unique` on
  stg_parquet__values.value_id, and the marts' keys are as many. Sorting spills to
  disk instead: the rows' 64-bit key hashes are sorted, a hash equal to the next one
  marks a candidate, and only the rows of candidate hashes are grouped by their real
  key (two keys sharing a hash are not reported: the grouping is exact).
  The Parquet checks (orchestration/defs/parsing_checks.py) render rows_sharing_a_key
  too, over read_parquet(?): one query for both.
#}

{% macro rows_sharing_a_key(model, columns, where=none) %}
with key_hashes as (
    select hash({{ columns | join(', ') }}) as key_hash
    from {{ model }}
    {% if where %}where {{ where }}{% endif %}
),

repeated_hashes as (
    select key_hash
    from (select key_hash, lead(key_hash) over (order by key_hash) as next_hash from key_hashes)
    where key_hash = next_hash
)

select {{ columns | join(', ') }}, count(*) as rows_with_this_key
from {{ model }}
where hash({{ columns | join(', ') }}) in (select key_hash from repeated_hashes)
    {% if where %}and {{ where }}{% endif %}
group by all
having count(*) > 1
{% endmacro %}


{# dbt's own `unique`, dispatched here by dbt_project.yml: NULLs are not compared, and
   failures have dbt's columns (unique_field, n_records). #}
{% macro duckdb__test_unique(model, column_name) %}
select {{ column_name }} as unique_field, rows_with_this_key as n_records
from ({{ rows_sharing_a_key(model, [column_name], where=column_name ~ ' is not null') }}) as shared
{% endmacro %}
