-- One hash per report of every figure row the Parquet holds for it. The fact marts
-- built from these figures are incremental: a report whose hash they already hold is
-- left as it is; a new or changed one is (re)inserted; a report gone from the
-- Parquet, or whose hash changed, has its rows deleted first (macros/incremental_by_report.sql).
-- bit_xor, not a sum: rows differ (value_index), so none cancels another out.
-- The figures' sources are counted in the same pass for dim_report, which otherwise
-- grouped the hundred million figure rows of a million reports again in its own query
-- and ran out of a 240MB cap there.
select
    report_id,
    bit_xor(hash(v)) as figures_fingerprint,
    count(*) filter (where v.source = 'table') as table_value_count,
    count(*) filter (where v.source = 'prose') as prose_value_count
from {{ ref('stg_parquet__values') }} as v
group by report_id
