select
    report_id,
    proceeding,
    outcome,
    cast(value as bigint) as count,
    source,
    layout,
    approximate,
    value_id,
    label,
    raw_text,
    snippet,
    char_start,
    char_end
from {{ ref('int_values_ranked') }}
where section = 'appeals'
    and is_selected
order by report_id, char_start, value_id
