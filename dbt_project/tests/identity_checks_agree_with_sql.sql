{{ config(meta={'dagster': {'ref': {'name': 'stg_parquet__identity_checks'}}}) }}
-- The parser evaluates the identities (orchestration/parsing/identities.py); this test
-- evaluates them again in SQL from the seed identity_terms on a deterministic sample of
-- reports (var identity_recheck_reports, every report of a small corpus) and returns
-- every check on which the two disagree: one side missing, or a different signed sum.
-- All terms of an identity match on the same dimensions, so a figure and a term meet
-- on one key built from those dimensions (an equi-join).
with sample as (
    select report_id
    from {{ ref('stg_parquet__reports') }}
    where status = 'parsed'
    order by report_id
    limit {{ var('identity_recheck_reports', 2000) }}
),

terms as (
    select * from {{ ref('identity_terms') }}
),

shapes as (
    select
        identity,
        section,
        any_value(layouts) as layouts,
        any_value(group_by) as group_by,
        bool_or(match_item is not null) as on_item,
        bool_or(match_applicant_type is not null) as on_applicant_type,
        bool_or(match_channel is not null) as on_channel,
        bool_or(match_proceeding is not null) as on_proceeding,
        bool_or(match_outcome is not null) as on_outcome
    from terms
    group by identity, section
),

identities as (
    select * exclude (layouts), unnest(string_split(layouts, '|')) as layout
    from shapes
),

term_keys as (
    select
        identity,
        term_index,
        coefficient,
        concat_ws('|', match_item, match_applicant_type, match_channel, match_proceeding, match_outcome) as match_key
    from terms
),

figures as (
    select
        v.report_id,
        i.identity,
        case i.group_by
            when 'applicant_type' then v.applicant_type
            when 'item' then v.item
            when 'proceeding' then v.proceeding
            else ''
        end as group_value,
        concat_ws(
            '|',
            case when i.on_item then v.item end,
            case when i.on_applicant_type then v.applicant_type end,
            case when i.on_channel then v.channel end,
            case when i.on_proceeding then v.proceeding end,
            case when i.on_outcome then v.outcome end
        ) as match_key,
        v.value
    from {{ ref('stg_parquet__values') }} as v
    inner join identities as i
        on v.section = i.section and v.layout = i.layout
    where v.source = 'table'
        and v.report_id in (select report_id from sample)
),

per_term as (
    select
        f.report_id,
        f.identity,
        f.group_value,
        t.term_index,
        any_value(t.coefficient) as coefficient,
        count(*) as cells,
        max(f.value) as value
    from figures as f
    inner join term_keys as t
        on f.identity = t.identity and f.match_key = t.match_key
    group by all
),

evaluated as (
    select
        report_id,
        identity,
        group_value,
        count(*) as terms_found,
        bool_and(cells = 1 and value is not null) as every_term_one_filled_cell,
        sum(coefficient * value) as signed_sum
    from per_term
    group by all
),

rules as (
    select distinct identity, comparison, term_count from terms
),

sql_checks as (
    select
        e.report_id,
        e.identity,
        nullif(e.group_value, '') as group_value,
        e.signed_sum,
        case r.comparison when '>=' then e.signed_sum >= 0 else e.signed_sum = 0 end as holds
    from evaluated as e
    inner join rules as r using (identity)
    where e.terms_found = r.term_count
        and e.every_term_one_filled_cell
),

parser_checks as (
    select report_id, identity, group_value, signed_sum, holds
    from {{ ref('stg_parquet__identity_checks') }}
    where report_id in (select report_id from sample)
)

select
    coalesce(s.report_id, p.report_id) as report_id,
    coalesce(s.identity, p.identity) as identity,
    coalesce(s.group_value, p.group_value) as group_value,
    s.signed_sum as sql_signed_sum,
    p.signed_sum as parser_signed_sum
from sql_checks as s
full outer join parser_checks as p
    on s.report_id = p.report_id
    and s.identity = p.identity
    and s.group_value is not distinct from p.group_value
where s.report_id is null
    or p.report_id is null
    or s.signed_sum <> p.signed_sum
    or s.holds <> p.holds
