select
    report_id,
    proceeding,
    outcome,
    cast(value as bigint) as count,
    {{ provenance_columns() }}
from {{ ref('int_values_corrected') }}
where section = 'appeals'
-- No order by: sorting millions of wide rows would cost more than the whole build (order by report_id, value_index).
