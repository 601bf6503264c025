with reports as (
    select * from {{ ref('stg_parquet__reports') }}
    where status = 'parsed'
),

issue_counts as (
    select
        report_id,
        count(*) as issue_count,
        count(*) filter (where code = 'identity_failed') as identity_failure_count,
        bool_or(code = 'incomplete') as is_incomplete,
        bool_or(code in ('duplicate_report', 'report_in_pages')) as has_duplicate_report,
        bool_or(code = 'report_in_pages') as is_report_page,
        bool_or(code in ('report_in_attachment', 'tables_as_images', 'no_figures')) as has_figures_elsewhere
    from {{ ref('stg_parquet__issues') }}
    group by report_id
),

figure_sources as (
    select report_id, table_value_count, prose_value_count
    from {{ ref('int_report_fingerprints') }}
),

-- A notice page and the file of the crawl that is the document it links to in place of its
-- report (int_attachment_links): its first such document, and, for the document, the first
-- page (by path) that links to it.
attachments as (
    select
        notice_path as source_path,
        arg_min(attachment_report_id, link_index) as attachment_report_id,
        arg_min(attachment_path, link_index) as attachment_source_path
    from {{ ref('int_attachment_links') }}
    group by notice_path
),

linked_from as (
    select attachment_path as source_path, arg_min(notice_report_id, notice_path) as notice_report_id
    from {{ ref('int_attachment_links') }}
    group by attachment_path
)

select
    r.report_id,
    r.source_path,
    r.agency_name,
    r.agency_key,
    r.report_year,
    r.template,
    r.published_date,
    r.table_layouts,
    coalesce(r.is_mixed_layout, false) as is_mixed_layout,
    r.source_format,
    r.encoding,
    r.text_transforms,
    r.value_count,
    coalesce(f.table_value_count, 0) as table_value_count,
    coalesce(f.prose_value_count, 0) as prose_value_count,
    coalesce(i.issue_count, 0) as issue_count,
    coalesce(i.identity_failure_count, 0) as identity_failure_count,
    coalesce(i.is_incomplete, false) as is_incomplete,
    coalesce(i.has_duplicate_report, false) as has_duplicate_report,
    coalesce(i.is_report_page, false) as is_report_page,
    coalesce(i.has_figures_elsewhere, false) as has_figures_elsewhere,
    a.attachment_report_id,
    a.attachment_source_path,
    lf.notice_report_id,
    n.agency_name as notice_agency_name,
    n.report_year as notice_report_year,
    r.province,
    r.province_code,
    r.prefecture,
    r.prefecture_code,
    r.county,
    r.county_code,
    r.township,
    r.region_code,
    r.region_source,
    r.admin_tier,
    r.agency_level,
    r.agency_core,
    r.agency_source,
    r.year_source,
    r.date_source,
    r.content_sha256,
    r.parser_version
from reports as r
left join issue_counts as i using (report_id)
left join figure_sources as f using (report_id)
left join attachments as a on a.source_path = r.source_path
left join linked_from as lf on lf.source_path = r.source_path
left join reports as n on n.report_id = lf.notice_report_id
order by report_id
