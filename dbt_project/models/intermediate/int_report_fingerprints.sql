-- One hash per report and fact mart of the figure rows the Parquet holds for it in that
-- mart's sections. The fact marts built from these figures are incremental: a report
-- whose hash a mart already holds is left as it is; a new or changed one is
-- (re)inserted; a report gone from the Parquet, or whose hash changed, has its rows
-- deleted first (macros/incremental_by_report.sql). A hash per mart, not per report: a
-- report with no figure for a mart (no appeals table, say) has no hash for it, so a
-- build that finds nothing changed reads none of the mart's figures, where a hash per
-- report listed such a report as still to insert on every build, and the mart read
-- every figure row again to find it had none.
-- bit_xor, not a sum: rows differ (value_index), so none cancels another out.
-- The figures' sources are counted in the same pass for dim_report, which otherwise
-- grouped the hundred million figure rows of a million reports again in its own query
-- and ran out of a 240MB cap there.
with hashed as (
    select report_id, section, source, hash(v) as row_hash
    from {{ ref('stg_parquet__values') }} as v
)

select
    report_id,
    {%- for mart, figures in mart_sections().items() %}
    bit_xor(row_hash) filter (where {{ figures }}) as {{ mart }}_fingerprint,
    {%- endfor %}
    count(*) filter (where source = 'table') as table_value_count,
    count(*) filter (where source = 'prose') as prose_value_count
from hashed
group by report_id
