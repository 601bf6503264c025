-- Each document a page links to in place of its report (report_in_attachment), and the file
-- of the crawl that is that document, when one is. A crawl that keeps a site's paths saves
-- "../2021/P0201.pdf" or "/xxgk/2021/P0201.pdf" at a path ending so; one that saves a page's
-- attachments beside it, at its folder and name. So: the files of that name; the one sharing
-- the most of the link's path from its end, then the most of the page's folders from the
-- root; taken when it alone is best and shares a folder of the link's path too, or lies in
-- the page's own folder (a name alone, "附件1.pdf", elsewhere in the crawl is not the page's).
with reports as (
    select report_id, source_path, status, string_split(source_path, '/') as path_parts
    from {{ ref('stg_parquet__reports') }}
    where coalesce(quarantine_code, '') not in ('duplicate_content', 'unreadable_folder')
),

notices as (
    select report_id, source_path, string_split(linked_documents, chr(10)) as documents
    from {{ ref('stg_parquet__reports') }}
    where status = 'parsed' and linked_documents is not null
),

links as (
    select
        report_id as notice_report_id,
        source_path as notice_path,
        string_split(source_path, '/') as notice_parts,
        unnest(documents) as document,
        generate_subscripts(documents, 1) as link_index
    from notices
),

link_paths as (
    select
        *,
        -- (the folders "." and ".." say where from, not which file: the match is by what follows)
        list_filter(string_split(document, '/'), part -> part not in ('', '.', '..')) as document_parts
    from links
),

candidates as (
    select
        l.notice_report_id,
        l.notice_path,
        l.link_index,
        l.document,
        f.report_id as attachment_report_id,
        f.source_path as attachment_path,
        f.status as attachment_status,
        {{ shared_run('list_reverse(f.path_parts)', 'list_reverse(l.document_parts)') }} as shared_tail,
        {{ shared_run('f.path_parts[:-2]', 'l.notice_parts[:-2]') }} as shared_folders,
        f.path_parts[:-2] = l.notice_parts[:-2] as beside_the_page
    from link_paths as l
    join reports as f
        on f.path_parts[-1] = l.document_parts[-1]
        and f.source_path <> l.notice_path
),

ranked as (
    select
        *,
        rank() over (partition by notice_path, link_index order by shared_tail desc, shared_folders desc) as place,
        count(*) over (partition by notice_path, link_index, shared_tail, shared_folders) as tied
    from candidates
)

select
    notice_report_id,
    notice_path,
    link_index,
    document,
    attachment_report_id,
    attachment_path,
    attachment_status,
    shared_tail
from ranked
where place = 1 and tied = 1 and (shared_tail >= 2 or beside_the_page)
order by notice_path, link_index
