select
    source_path,
    report_id,
    issue_index,
    severity,
    code,
    message,
    char_start,
    char_end
from {{ source('parquet', 'issues') }}
