{#
  Fact marts built incrementally, report by report (config in each model:
  materialized='incremental', pre_hook=delete_rows_of_changed_reports()).

  A report's fact rows follow from its figure rows, hashed in int_report_fingerprints,
  and each fact row carries the hash it was built from (figures_fingerprint). A build
  therefore deletes the rows whose (report_id, hash) pair is no longer current (a file
  deleted, changed or parsed differently) and inserts the reports whose current pair is
  not there yet: the result equals a build from scratch over the same Parquet
  (test_an_incremental_build_equals_a_build_from_scratch in tests/test_robustness_e2e.py).
  A change to the project itself (the SQL of a model, a seed such as corrections, the
  dbt or DuckDB version, the parser) is not a change of the data: the pipeline then
  builds from an empty file (--full-refresh; build_fingerprint in orchestration/warehouse.py).
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
