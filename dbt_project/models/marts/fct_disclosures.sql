select
    report_id,
    category,
    measure,
    value,
    unit,
    {{ provenance_columns() }}
from {{ ref('int_values_ranked') }}
where section = 'proactive'
    and is_selected
order by report_id, char_start, value_id
