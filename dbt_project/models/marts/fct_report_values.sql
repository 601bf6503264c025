{{ config(materialized="view") }}
-- Every figure the parser found, including the ones the marts do not show
-- (a prose figure beside a filled table cell, a repeated row): for tracing a
-- mart figure back, or comparing what the prose and the table say.
select
    v.*,
    r.agency_name,
    r.report_year,
    r.template
from {{ ref('stg_parquet__values') }} as v
inner join {{ ref('dim_report') }} as r using (report_id)
-- No order by: a view sorting every figure would make each query on it sort them.
