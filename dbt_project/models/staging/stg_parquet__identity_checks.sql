select
    report_id,
    check_index,
    identity,
    group_value,
    cast(signed_sum as decimal(20, 4)) as signed_sum,
    holds
from {{ parquet_source('identity_checks') }}
