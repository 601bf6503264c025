select
    report_id,
    category,
    measure,
    value,
    unit,
    {{ provenance_columns() }}
from {{ ref('int_values_corrected') }}
where section = 'proactive'
order by report_id, char_start, value_id
