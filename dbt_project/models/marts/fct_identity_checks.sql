-- The parser's identity checks, with each identity's words and comparison from the
-- seed identity_terms (the rules both the parser and the SQL re-check read).
with rules as (
    select distinct identity, description, comparison from {{ ref('identity_terms') }}
)

select
    c.report_id,
    r.agency_name,
    r.report_year,
    c.identity,
    c.group_value,
    rules.description,
    rules.comparison,
    c.signed_sum,
    c.holds
from {{ ref('stg_parquet__identity_checks') }} as c
inner join rules using (identity)
inner join {{ ref('dim_report') }} as r using (report_id)
-- No order by (millions of rows): order by report_id, check_index when reading.
