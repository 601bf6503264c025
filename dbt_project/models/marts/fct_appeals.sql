{{ config(
    materialized="incremental",
    on_schema_change="fail",
    pre_hook="{{ delete_rows_of_changed_reports('fct_appeals') }}",
) }}
select
    report_id,
    proceeding,
    outcome,
    cast(value as bigint) as count,
    {{ provenance_columns() }},
    f.figures_fingerprint
from {{ ref('int_values_corrected') }} as v
inner join {{ reports_to_build('fct_appeals') }} as f using (report_id)
where {{ figures_of('fct_appeals') }}
-- No order by: sorting millions of wide rows would cost more than the whole build (order by report_id, value_index).
