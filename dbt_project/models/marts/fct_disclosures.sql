select
    report_id,
    category,
    measure,
    value,
    unit,
    {{ provenance_columns() }}
from {{ ref('int_values_corrected') }}
where section = 'proactive'
-- No order by: sorting millions of wide rows would cost more than the whole build (order by report_id, value_index).
