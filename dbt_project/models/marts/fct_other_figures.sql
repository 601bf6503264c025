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
    {{ provenance_columns() }}
from {{ ref('int_values_corrected') }}
where section not in ('requests', 'appeals', 'proactive')
-- No order by: sorting millions of wide rows would cost more than the whole build (order by report_id, value_index).
