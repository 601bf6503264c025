select
    source_path,
    report_id,
    issue_index,
    severity,
    code,
    message,
    char_start,
    char_end
from {{ parquet_source('issues') }}
