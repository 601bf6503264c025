{#
  Fact marts built incrementally, report by report (config in each model:
  materialized='incremental', pre_hook=delete_rows_of_changed_reports()).

  A report's figures are a function of its row hash in int_report_fingerprints, and
  each fact row carries the hash it was built from (figures_fingerprint). A build
  therefore deletes the rows whose (report_id, hash) pair is no longer current (a
  file deleted, changed or parsed differently) and inserts the reports whose current
  pair is not there yet: the result equals a build from scratch over the same Parquet
  (tests/test_warehouse_incremental.py). A change to the project itself (the SQL of a
  model, a seed such as corrections, the dbt or DuckDB version, the parser) is not a
  change of the data: the pipeline builds from an empty file then (--full-refresh;
  orchestration/warehouse.py, build_fingerprint).
#}

{% macro reports_to_build() %}
    {%- if is_incremental() %}
    (
        select report_id, figures_fingerprint from {{ ref('int_report_fingerprints') }}
        except
        select distinct report_id, figures_fingerprint from {{ this }}
    )
    {%- else %}
    {{ ref('int_report_fingerprints') }}
    {%- endif %}
{%- endmacro %}

{% macro delete_rows_of_changed_reports() %}
    {%- if is_incremental() %}
    delete from {{ this }}
    where (report_id, figures_fingerprint) not in (
        select report_id, figures_fingerprint from {{ ref('int_report_fingerprints') }}
    )
    {%- endif %}
{%- endmacro %}
