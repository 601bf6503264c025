-- Every raw file of the run, parsed or quarantined: the ledger that proves no
-- file was dropped.
select
    source_path,
    report_id,
    status,
    quarantine_code,
    quarantine_reason,
    file_size,
    source_format,
    encoding,
    text_transforms,
    content_sha256
from {{ ref('stg_parquet__reports') }}
order by source_path
