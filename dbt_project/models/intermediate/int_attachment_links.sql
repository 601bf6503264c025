-- Each document a page links to in place of its report (report_in_attachment), and the file
-- of the crawl that is that document, when one is. A crawl that keeps a site's paths saves a
-- link from the page's folder ("../2021/P0201.pdf") at that path from the page's folder, and
-- one from the site's root ("/xxgk/2021/P0201.pdf") at a path ending so; one that saves
-- attachments beside their page, in the page's folder. So, first found first: the file at the
-- path the link gives from the page's folder ('path'); the files whose paths end with the
-- link's path from the root, of two folders or more ('site_path': the one nearest the page,
-- when it alone is); the file of the document's name beside the page ('beside'). Each is an
-- equi-join, so a name shared by thousands of files ("附件1.pdf") costs no more than a
-- unique one; a bare name elsewhere in the crawl is never taken.
with files as (
    select
        report_id,
        source_path,
        status,
        string_split(source_path, '/') as parts
    from {{ ref('stg_parquet__reports') }}
    where coalesce(quarantine_code, '') not in ('duplicate_content', 'unreadable_folder')
),

keyed_files as (
    select
        *,
        parts[:-2] as folder,
        parts[-1] as name,
        array_to_string(parts[-2:], '/') as last_two,
        array_to_string(parts[-3:], '/') as last_three
    from files
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
        string_split(source_path, '/')[:-2] as notice_folder,
        unnest(documents) as document,
        generate_subscripts(documents, 1) as link_index
    from notices
),

link_paths as (
    select
        *,
        starts_with(document, '/') as from_root,
        -- (the parse folded "./" and "x/../": only leading "../" are left, each a folder up)
        length(regexp_extract(document, '^(?:\.\./)*')) // 3 as folders_up,
        string_split(regexp_replace(document, '^(?:/|(?:\.\./)*)', ''), '/') as rest
    from links
),

keyed_links as (
    select
        *,
        case
            when not from_root and folders_up <= len(notice_folder)
                then array_to_string(list_concat(notice_folder[:len(notice_folder) - folders_up], rest), '/')
        end as from_the_page,
        case when from_root and len(rest) = 2 then array_to_string(rest, '/') end as root_two,
        case when from_root and len(rest) >= 3 then array_to_string(rest[-3:], '/') end as root_three,
        array_to_string(rest, '/') as root_path
    from link_paths
),

candidates as (
    select l.*, f.report_id as attachment_report_id, f.source_path as attachment_path, f.status as attachment_status,
        1 as rule_order, 'path' as match_rule, f.folder
    from keyed_links as l
    join keyed_files as f on f.source_path = l.from_the_page
    union all
    select l.*, f.report_id, f.source_path, f.status, 2, 'site_path', f.folder
    from keyed_links as l
    join keyed_files as f on f.last_two = l.root_two
    union all
    select l.*, f.report_id, f.source_path, f.status, 2, 'site_path', f.folder
    from keyed_links as l
    join keyed_files as f
        on f.last_three = l.root_three and ends_with('/' || f.source_path, '/' || l.root_path)
    union all
    select l.*, f.report_id, f.source_path, f.status, 3, 'beside', f.folder
    from keyed_links as l
    join keyed_files as f on f.folder = l.notice_folder and f.name = l.rest[-1]
),

ranked as (
    select
        *,
        {{ shared_run('folder', 'notice_folder') }} as shared_folders
    from candidates
    where attachment_path <> notice_path
),

best as (
    select
        *,
        rank() over (partition by notice_path, link_index order by rule_order, shared_folders desc) as place,
        count(*) over (partition by notice_path, link_index, rule_order, shared_folders) as tied
    from ranked
)

select
    notice_report_id,
    notice_path,
    link_index,
    document,
    attachment_report_id,
    attachment_path,
    attachment_status,
    match_rule
from best
where place = 1 and tied = 1
order by notice_path, link_index
