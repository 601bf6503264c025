select
    report_id,
    applicant_type,
    channel,
    item,
    cast(value as bigint) as count,
    {{ provenance_columns() }}
from {{ ref('int_values_ranked') }}
where section = 'requests'
    and is_selected
order by report_id, char_start, value_id
