-- The identities that link one organ's reports of consecutive years (REPORTS.md):
--   carried_over: 上年结转 of year Y = 结转下年度继续办理 of year Y-1 (总计 column);
--   in_force_stock: for 规章 / 行政规范性文件 in the 2021 table,
--     现行有效 of Y-1 + 本年制发 of Y - 本年废止 of Y = 现行有效 of Y.
-- One row per pair of reports of the same organ (dim_agency) a year apart where
-- every figure the check needs is filled; a blank says nothing, so it is no row.
with summary as (
    select report_id, agency_key, agency_name, report_year, applications_carried_over, applications_carried_forward
    from {{ ref('report_summary') }}
    where agency_key is not null and report_year is not null
),

stock as (
    select
        d.report_id,
        r.agency_key,
        r.report_year,
        d.category,
        max(d.value) filter (where d.measure = 'issued') as issued,
        max(d.value) filter (where d.measure = 'repealed') as repealed,
        max(d.value) filter (where d.measure = 'in_force') as in_force
    from {{ ref('fct_disclosures') }} as d
    inner join summary as r using (report_id)
    where d.layout = 't2021' and d.category in ('regulation', 'normative_document')
    group by all
),

carried_over as (
    select
        'carried_over' as check_name,
        'applications' as category,
        cur.agency_key,
        cur.agency_name,
        cur.report_year,
        cur.report_id,
        prior.report_id as prior_report_id,
        cast(prior.applications_carried_forward as decimal(20, 4)) as expected,
        cast(cur.applications_carried_over as decimal(20, 4)) as actual
    from summary as cur
    inner join summary as prior
        on prior.agency_key = cur.agency_key and prior.report_year = cur.report_year - 1
    where cur.applications_carried_over is not null and prior.applications_carried_forward is not null
),

in_force_stock as (
    select
        'in_force_stock' as check_name,
        cur.category,
        cur.agency_key,
        s.agency_name,
        cur.report_year,
        cur.report_id,
        prior.report_id as prior_report_id,
        prior.in_force + cur.issued - cur.repealed as expected,
        cur.in_force as actual
    from stock as cur
    inner join stock as prior
        on prior.agency_key = cur.agency_key
        and prior.category = cur.category
        and prior.report_year = cur.report_year - 1
    inner join summary as s on s.report_id = cur.report_id
    where prior.in_force is not null and cur.issued is not null and cur.repealed is not null and cur.in_force is not null
),

checks as (
    select * from carried_over
    union all
    select * from in_force_stock
)

select
    *,
    actual - expected as difference,
    actual = expected as holds
from checks
order by agency_key, report_year, check_name, category, report_id, prior_report_id
