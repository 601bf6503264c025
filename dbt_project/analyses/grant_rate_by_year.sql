-- How did the grant rate of county governments in 新疆 change from 2016 to 2023?
-- Any province, level and span: ogi analyse grant_rate_by_year --var province=浙江省 --var agency_level=department
-- Rates are summed over the reports of a year (not an average of rates), and only
-- reports that print both figures count.
select
    report_year,
    count(*) as reports,
    count(grant_rate) as reports_with_rate,
    sum(granted) as granted,
    sum(applications_processed) as processed,
    round(sum(granted) / nullif(sum(applications_processed), 0), 4) as grant_rate
from {{ ref('report_summary') }}
where province = '{{ var("province", "新疆维吾尔自治区") }}'
    and agency_level = '{{ var("agency_level", "county") }}'
    and report_year between {{ var("from_year", 2016) }} and {{ var("to_year", 2023) }}
group by report_year
order by report_year
