select
    report_id,
    applicant_type,
    channel,
    item,
    cast(value as bigint) as count,
    {{ provenance_columns() }}
from {{ ref('int_values_corrected') }}
where section = 'requests'
-- No order by: sorting millions of wide rows would cost more than the whole build (order by report_id, value_index).
