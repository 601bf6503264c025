{{ config(
    materialized="incremental",
    on_schema_change="fail",
    pre_hook="{{ delete_rows_of_changed_reports('fct_other_figures') }}",
) }}
-- Every figure that is not an application, an appeal or a proactive disclosure:
-- the stat table's 回应解读, 申请类型数, 举报投诉, 收费, 机构建设, 会议培训 rows and
-- the rows a local form adds (section 'local', label kept as printed).
select
    report_id,
    section,
    item,
    category,
    value,
    unit,
    {{ provenance_columns() }},
    f.figures_fingerprint
from {{ ref('int_values_corrected') }} as v
inner join {{ reports_to_build('fct_other_figures') }} as f using (report_id)
where {{ figures_of('fct_other_figures') }}
-- No order by: sorting millions of wide rows would cost more than the whole build (order by report_id, value_index).
