select
    i.source_path,
    i.report_id,
    i.issue_index,
    i.severity,
    i.code,
    i.message,
    i.char_start,
    i.char_end,
    f.status as file_status,
    f.agency_name,
    f.report_year,
    c.action
from {{ ref('stg_parquet__issues') }} as i
inner join {{ ref('stg_parquet__reports') }} as f using (source_path)
left join {{ ref('issue_codes') }} as c using (code)
order by source_path, issue_index
