-- Which organs' reports do not follow on from the year before (上年结转 ≠ last year's
-- 结转下年度; 现行有效 stock not carried over)?
select
    c.agency_name,
    c.report_year,
    c.check_name,
    c.category,
    c.expected,
    c.actual,
    c.difference,
    c.report_id,
    c.prior_report_id
from {{ ref('fct_cross_year_checks') }} as c
where not c.holds
order by c.agency_name, c.report_year, c.check_name, c.category
