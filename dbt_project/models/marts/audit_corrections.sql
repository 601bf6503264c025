-- Every correction an analyst recorded (seed corrections) beside the figure it
-- replaces, so the parsed value stays visible and each change has a reason and an author.
with corrections as (
    select * from {{ ref('corrections') }}
),

selected as (
    select * from {{ ref('stg_parquet__values') }}
    where is_selected
)

select
    c.report_id,
    r.agency_name,
    r.report_year,
    c.section,
    c.item,
    c.applicant_type,
    c.channel,
    c.proceeding,
    c.outcome,
    c.category,
    c.measure,
    v.value as parsed_value,
    v.source as parsed_source,
    c.value as corrected_value,
    c.value - v.value as difference,
    c.reason,
    c.corrected_by,
    c.corrected_on,
    v.value_id,
    v.raw_text,
    v.snippet,
    v.value_id is not null as is_applied
from corrections as c
left join selected as v
    on {{ correction_matches('c', 'v') }}
left join {{ ref('dim_report') }} as r
    on r.report_id = c.report_id
order by c.report_id, c.section, c.item, c.applicant_type, c.channel, c.proceeding, c.outcome, c.category, c.measure
