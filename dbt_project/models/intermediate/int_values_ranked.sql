-- One figure per (report, section, item, dimensions) is the one the marts show:
-- a filled table cell first, then a prose statement, then a blank table cell
-- (NULL: not reported). Prose never overrides a table figure (REPORTS.md), but
-- fills in what the table leaves blank. The others stay visible in fct_report_values.
with ranked as (
    select
        *,
        row_number() over (
            partition by report_id, section, item, applicant_type, channel, proceeding, outcome, category, measure
            order by
                case
                    when source = 'table' and value is not null then 1
                    when source = 'prose' and value is not null then 2
                    when source = 'table' then 3
                    else 4
                end,
                value_index
        ) as preference
    from {{ ref('stg_parquet__values') }}
)

select
    * exclude (preference),
    preference = 1 as is_selected
from ranked
