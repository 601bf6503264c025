select
    report_id,
    proceeding,
    outcome,
    cast(value as bigint) as count,
    {{ provenance_columns() }}
from {{ ref('int_values_corrected') }}
where section = 'appeals'
order by report_id, char_start, value_id
