select
    report_id,
    category,
    measure,
    value,
    unit,
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
where section = 'proactive'
    and is_selected
order by report_id, char_start, value_id
