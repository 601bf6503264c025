select
    report_id,
    applicant_type,
    channel,
    item,
    cast(value as bigint) as count,
    {{ provenance_columns() }}
from {{ ref('int_values_corrected') }}
where section = 'requests'
order by report_id, char_start, value_id
