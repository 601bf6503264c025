{#
  Fact marts built incrementally, report by report (config in each model:
  materialized='incremental', pre_hook=delete_rows_of_changed_reports('<mart>')).

  A report's rows in a mart follow from its figure rows in the mart's sections
  (figures_of), hashed per mart in int_report_fingerprints (<mart>_fingerprint), and each
  fact row carries the hash it was built from (figures_fingerprint). A build therefore
  deletes the rows whose (report_id, hash) pair is no longer current (a file deleted,
  changed or parsed differently) and inserts the reports whose current pair is not there
  yet: the result equals a build from scratch over the same Parquet
  (test_an_incremental_build_equals_a_build_from_scratch in tests/test_robustness_e2e.py).
  A change to the project itself (the SQL of a model, a seed such as corrections, the
  dbt or DuckDB version, the parser) is not a change of the data: the pipeline then
  builds from an empty file (--full-refresh; build_fingerprint in orchestration/warehouse.py).
#}

{# Each fact mart and the figure rows it takes (of stg_parquet__values or int_values_corrected). #}
{% macro mart_sections() %}
    {{ return({
        'fct_requests': "section = 'requests'",
        'fct_appeals': "section = 'appeals'",
        'fct_disclosures': "section = 'proactive'",
        'fct_other_figures': "section not in ('requests', 'appeals', 'proactive')",
    }) }}
{% endmacro %}

{% macro figures_of(mart) %}
    {%- if mart not in mart_sections() %}
        {{ exceptions.raise_compiler_error("figures_of: no sections registered for " ~ mart) }}
    {%- endif -%}
    {{ mart_sections()[mart] }}
{%- endmacro %}

{# The reports with figures for ``mart``, with their current hash for it. #}
{% macro current_fingerprints(mart) %}
    select report_id, {{ mart }}_fingerprint as figures_fingerprint
    from {{ ref('int_report_fingerprints') }}
    where {{ mart }}_fingerprint is not null
{%- endmacro %}

{% macro reports_to_build(mart) %}
    (
        {{ current_fingerprints(mart) }}
    {%- if is_incremental() %}
        except
        select distinct report_id, figures_fingerprint from {{ this }}
    {%- endif %}
    )
{%- endmacro %}

{% macro delete_rows_of_changed_reports(mart) %}
    {%- if is_incremental() %}
    delete from {{ this }}
    where (report_id, figures_fingerprint) not in ({{ current_fingerprints(mart) }})
    {%- endif %}
{%- endmacro %}
