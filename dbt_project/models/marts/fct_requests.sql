{{ config(
    materialized="incremental",
    on_schema_change="fail",
    pre_hook="{{ delete_rows_of_changed_reports('fct_requests') }}",
) }}
select
    report_id,
    applicant_type,
    channel,
    item,
    cast(value as bigint) as count,
    {{ provenance_columns() }},
    f.figures_fingerprint
from {{ ref('int_values_corrected') }} as v
inner join {{ reports_to_build('fct_requests') }} as f using (report_id)
where {{ figures_of('fct_requests') }}
-- No order by: sorting millions of wide rows would cost more than the whole build (order by report_id, value_index).
