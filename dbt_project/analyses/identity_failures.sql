-- Which reports break the 勾稽 identities, and by how much? One row per failing
-- identity and column / row / block, with the organ and the source file to open.
select
    r.agency_name,
    r.report_year,
    r.source_path,
    c.identity,
    c.group_value,
    c.description,
    c.signed_sum,
    c.report_id
from {{ ref('fct_identity_checks') }} as c
inner join {{ ref('dim_report') }} as r using (report_id)
where not c.holds
order by r.agency_name, r.report_year, c.identity, c.group_value
