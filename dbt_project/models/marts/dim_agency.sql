-- At a million reports (900,000 organs in the synthetic corpus, one report each) this
-- model's window over whole dim_report rows and its DISTINCT aggregates need about
-- 1GB: more than the build's cap, which the other models keep to. dbt builds one model
-- at a time (profiles.yml), so the cap is raised for this model alone, then put back as
-- the profile set it (kept in a variable: the default lives in profiles.yml alone).
{{ config(
    pre_hook=[
        "set variable ogi_build_memory_limit = current_setting('memory_limit')",
        "set memory_limit = '{{ env_var(\"OGI_DUCKDB_MEMORY_DIM_AGENCY\", \"1GB\") }}'",
    ],
    post_hook="set memory_limit = getvariable('ogi_build_memory_limit')",
) }}
-- One row per organ across the years it reported. Names vary between years
-- (市机关事务局 / 衢州市机关事务管理局); agency_key is the organ's place plus its
-- name without the place, folded (stg_parquet__reports). Place and level come
-- from its latest report.
with reports as (
    select * from {{ ref('dim_report') }}
    where agency_key is not null
),

latest as (
    select
        *,
        row_number() over (
            partition by agency_key
            order by report_year desc nulls last, published_date desc nulls last, report_id
        ) as recency
    from reports
),

spans as (
    select
        agency_key,
        string_agg(distinct agency_name, ' / ' order by agency_name) as name_variants,
        count(distinct agency_name) as name_variant_count,
        min(report_year) as first_year,
        max(report_year) as last_year,
        count(*) as report_count,
        count(distinct report_year) as year_count
    from reports
    group by agency_key
)

select
    l.agency_key,
    l.agency_name,
    s.name_variants,
    s.name_variant_count,
    l.agency_core,
    l.agency_level,
    l.admin_tier,
    l.province,
    l.province_code,
    l.prefecture,
    l.prefecture_code,
    l.county,
    l.county_code,
    l.township,
    l.region_code,
    s.first_year,
    s.last_year,
    s.year_count,
    s.report_count
from latest as l
inner join spans as s using (agency_key)
where l.recency = 1
order by l.agency_key
