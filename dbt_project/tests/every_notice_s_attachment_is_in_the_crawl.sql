{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'dim_report'}}}) }}
-- A page whose report is an attachment it links to (report_in_attachment), and no file of
-- the crawl that is one of its documents (int_attachment_links): the crawl did not fetch the
-- attachment, or saved it under a name of its own. Its figures are missing from the
-- warehouse; the issue's message names the documents to fetch.
select r.report_id, r.source_path, i.message
from {{ ref('dim_report') }} as r
join {{ ref('stg_parquet__issues') }} as i
    on i.report_id = r.report_id and i.source_path = r.source_path
where i.code = 'report_in_attachment' and r.attachment_report_id is null
