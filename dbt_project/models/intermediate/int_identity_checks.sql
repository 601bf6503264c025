-- Every identity of REPORTS.md (seed identity_terms, generated from
-- orchestration/parsing/identities.py) evaluated on each report's table figures.
-- An identity is evaluated only where each of its terms is one filled cell:
-- a blank cell is "not reported", and a sum over it says nothing.
with terms as (
    select * from {{ ref('identity_terms') }}
),

table_values as (
    select * from {{ ref('stg_parquet__values') }}
    where source = 'table'
),

matched as (
    select
        v.report_id,
        t.identity,
        t.term_index,
        t.coefficient,
        case t.group_by
            when 'applicant_type' then v.applicant_type
            when 'item' then v.item
            when 'proceeding' then v.proceeding
            else ''
        end as group_value,
        v.value
    from table_values as v
    inner join terms as t
        on v.section = t.section
        and list_contains(string_split(t.layouts, '|'), v.layout)
        and (t.match_item is null or v.item = t.match_item)
        and (t.match_applicant_type is null or v.applicant_type = t.match_applicant_type)
        and (t.match_channel is null or v.channel = t.match_channel)
        and (t.match_proceeding is null or v.proceeding = t.match_proceeding)
        and (t.match_outcome is null or v.outcome = t.match_outcome)
),

per_term as (
    select
        report_id,
        identity,
        group_value,
        term_index,
        any_value(coefficient) as coefficient,
        count(*) as cells,
        max(value) as value
    from matched
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
    select distinct identity, description, comparison, term_count from terms
)

select
    e.report_id,
    e.identity,
    nullif(e.group_value, '') as group_value,
    r.description,
    r.comparison,
    e.signed_sum,
    case r.comparison when '>=' then e.signed_sum >= 0 else e.signed_sum = 0 end as holds
from evaluated as e
inner join rules as r using (identity)
where e.terms_found = r.term_count
    and e.every_term_one_filled_cell
