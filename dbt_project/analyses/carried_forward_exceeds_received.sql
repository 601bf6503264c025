-- Which organs carried forward more applications than they received in the year?
-- (结转下年度继续办理 > 本年新收; only 2019 and later reports state both.)
select
    s.agency_key,
    s.agency_name,
    s.report_year,
    s.province,
    s.prefecture,
    s.county,
    s.applications_received,
    s.applications_carried_forward,
    s.applications_carried_forward - s.applications_received as excess,
    s.report_id
from {{ ref('report_summary') }} as s
where s.applications_carried_forward > s.applications_received
order by excess desc, s.agency_name, s.report_year
