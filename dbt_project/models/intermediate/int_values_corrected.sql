{{ config(materialized="view") }}
-- The figure each mart shows (the parser's is_selected one), with an analyst's
-- correction (seed corrections) applied: the corrected value, source 'correction',
-- and the parsed value kept beside it (audit_corrections lists every correction).
with selected as (
    select * from {{ ref('stg_parquet__values') }}
    where is_selected
),

corrections as (
    select * from {{ ref('corrections') }}
)

select
    v.* exclude (value, source, is_selected),
    case when c.report_id is null then v.value else c.value end as value,
    case when c.report_id is null then v.source else 'correction' end as source,
    case when c.report_id is not null then v.value end as parsed_value,
    case when c.report_id is not null then v.source end as parsed_source,
    c.reason as correction_reason
from selected as v
left join corrections as c
    on {{ correction_matches('c', 'v') }}
