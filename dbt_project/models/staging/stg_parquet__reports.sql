select
    source_path,
    report_id,
    content_sha256,
    file_size,
    status,
    quarantine_code,
    quarantine_reason,
    source_format,
    encoding,
    text_transforms,
    agency_name,
    agency_source,
    province,
    province_code,
    prefecture,
    prefecture_code,
    county,
    county_code,
    township,
    region_code,
    region_source,
    admin_tier,
    agency_level,
    agency_core,
    -- The same organ in every year: its place and its name without the place, spelling
    -- folded (市机关事务局 / 衢州市机关事务管理局). An organ that cannot be placed keys on
    -- its exact name, so two unplaced 信访局 of different counties named by their counties
    -- never merge (nor 县教育局 and 市教育局, which agency_core, without its tier word, would
    -- merge). A second name in brackets is in neither key: 甲县教育局(甲县体育局) is
    -- 甲县教育局 (the parser keeps one only there, last: metadata._SECOND_NAME).
    case
        when agency_name is null then null
        when region_code is not null or admin_tier = 'central'
            then left(md5(coalesce(region_code, 'central') || '|' || agency_core), 16)
        else left(md5('unplaced|' || regexp_replace(agency_name, '\([^()]*\)$', '')), 16)
    end as agency_key,
    cast(report_year as integer) as report_year,
    year_source,
    cast(published_date as date) as published_date,
    date_source,
    template,
    table_layouts,
    is_mixed_layout,
    linked_documents,
    text_length,
    value_count,
    check_count,
    parser_version
from {{ parquet_source('reports') }}
