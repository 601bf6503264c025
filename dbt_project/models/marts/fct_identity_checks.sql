select
    c.report_id,
    r.agency_name,
    r.report_year,
    c.identity,
    c.group_value,
    c.description,
    c.comparison,
    c.signed_sum,
    c.holds
from {{ ref('int_identity_checks') }} as c
inner join {{ ref('dim_report') }} as r using (report_id)
order by report_id, identity, group_value
