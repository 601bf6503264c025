-- One row per report, its figures harmonised across the eras (mapping in _marts.yml).
-- A figure an era does not report is NULL, never 0.
with requests as (
    select
        report_id,
        {{ strict_sum('count', "item = 'new_received' and applicant_type = 'total' and channel = 'all'") }} as applications_received,
        {{ strict_sum('count', "item = 'carried_over' and applicant_type = 'total'") }} as applications_carried_over,
        {{ strict_sum('count', "item in ('total_processed', 'answered') and applicant_type = 'total'") }} as applications_processed,
        {{ strict_sum('count', "item = 'granted' and applicant_type = 'total'") }} as granted,
        {{ strict_sum('count', "item = 'partially_granted' and applicant_type = 'total'") }} as partially_granted,
        {{ strict_sum('count', "applicant_type = 'total' and (item = 'denied' or (layout in ('t2019', 't2021') and item like 'denied_%'))") }} as denied,
        {{ strict_sum('count', "applicant_type = 'total' and (item like 'unavailable_%' or item in ('not_this_agency', 'information_not_exist'))") }} as unable_to_provide,
        {{ strict_sum('count', "applicant_type = 'total' and item like 'not_processed_%'") }} as not_processed,
        {{ strict_sum('count', "item = 'carried_forward' and applicant_type = 'total'") }} as applications_carried_forward
    from {{ ref('fct_requests') }}
    -- Every figure above is of the total column (applicant_type 'total'): reading the
    -- others only to filter them out took a third of this model at a million reports
    -- (17.9 of its 93.7 million rows are the total's).
    where applicant_type = 'total'
    group by report_id
),

appeals as (
    select
        report_id,
        {{ strict_sum('count', "proceeding = 'administrative_review' and outcome = 'total'") }} as reviews,
        {{ strict_sum('count', "proceeding = 'administrative_review' and outcome = 'corrected'") }} as reviews_corrected,
        {{ strict_sum('count', "proceeding <> 'administrative_review' and outcome = 'total'") }} as lawsuits,
        {{ strict_sum('count', "proceeding <> 'administrative_review' and outcome = 'corrected'") }} as lawsuits_corrected
    from {{ ref('fct_appeals') }}
    where outcome in ('total', 'corrected')  -- (all that is summed)
    group by report_id
),

disclosures as (
    select
        report_id,
        {{ strict_sum('value', "category = 'proactive_information' and measure = 'items'") }} as proactive_disclosures
    from {{ ref('fct_disclosures') }}
    where category = 'proactive_information' and measure = 'items'  -- (all that is summed)
    group by report_id
)

select
    r.report_id,
    r.agency_name,
    r.agency_key,
    r.report_year,
    r.template,
    r.agency_level,
    r.admin_tier,
    r.province,
    r.prefecture,
    r.county,
    r.region_code,
    q.applications_received,
    q.applications_carried_over,
    q.applications_processed,
    q.granted,
    q.partially_granted,
    q.denied,
    q.unable_to_provide,
    q.not_processed,
    q.applications_carried_forward,
    a.reviews,
    a.reviews_corrected,
    a.lawsuits,
    a.lawsuits_corrected,
    d.proactive_disclosures,
    round(q.granted / nullif(q.applications_processed, 0), 4) as grant_rate,
    round(
        (a.reviews_corrected + a.lawsuits_corrected) / nullif(a.reviews + a.lawsuits, 0), 4
    ) as correction_rate,
    r.identity_failure_count = 0 as identities_hold,
    not r.is_incomplete as tables_complete,
    r.table_value_count = 0 and r.prose_value_count > 0 as figures_from_prose_only,
    r.has_figures_elsewhere
from {{ ref('dim_report') }} as r
left join requests as q using (report_id)
left join appeals as a using (report_id)
left join disclosures as d using (report_id)
order by r.report_id
