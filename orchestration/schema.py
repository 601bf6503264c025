"""The metadata registry of the Parquet tables the parsing assets write.

One place declares each table's columns, types, descriptions and rules; the
pyarrow schemas, the Dagster column schemas and the generated Parquet asset
checks all come from here (as PUDL does with its resource metadata).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from .issue_codes import BY_CODE, SEVERITIES

VALUE_TYPE = pa.decimal128(20, 4)


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = True
    accepted: tuple[str, ...] | None = None  # the only values allowed (NULL aside)


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    unique_key: tuple[str, ...]

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in self.columns])

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


TEMPLATES = ("stat_table", "t2019", "t2021", "prose")
LAYOUTS = TEMPLATES
SOURCES = ("table", "prose")
STATUSES = ("parsed", "quarantined")

REPORTS = Table(
    "reports",
    "One row per raw file: its identity, metadata, and whether it was parsed or quarantined (and why).",
    (
        Column("source_path", pa.string(), "Path of the raw file relative to the raw directory (POSIX separators); "
               "a folder that could not be listed, or a link to a folder that holds it, ends in '/'.", False),
        Column("report_id", pa.string(), "Stable id: the first 16 hex digits of the SHA-256 of the file's bytes "
               "(of 'unreadable:' and its path for an entry with none read: unreadable_file, unreadable_folder, "
               "not_a_file).", False),
        Column("content_sha256", pa.string(), "SHA-256 of the file's bytes (NULL when they could not be read)."),
        Column("file_size", pa.int64(), "Size of the raw file in bytes (NULL when it could not be read)."),
        Column("status", pa.string(), "parsed, or quarantined (see quarantine_code).", False, STATUSES),
        Column("quarantine_code", pa.string(), "Issue code that quarantined the file (NULL when parsed).",
               accepted=tuple(c for c, i in BY_CODE.items() if i.quarantines)),
        Column("quarantine_reason", pa.string(), "Why the file was quarantined, in words."),
        Column("source_format", pa.string(), "Kind of file: text, html, mhtml (a web archive), pdf, ofd (an OFD document), "
               "docx (a Word document), doc (a Word 97-2003 document), wordml (Word 2003's XML document), rtf, xlsx (an Excel workbook: .xlsx, .xlsm, "
               ".xlsb), xls (an Excel 97-2003 or WPS .et workbook), spreadsheetml (Excel 2003's XML spreadsheet) or ods "
               "(an OpenDocument spreadsheet); for a "
               "gzip file or ZIP archive, the format of the document read from it (issue read_from_archive), "
               "or gzip or zip when none was.", False,
               ("text", "html", "mhtml", "pdf", "ofd", "docx", "doc", "wordml", "rtf", "xlsx", "xls", "spreadsheetml", "ods", "gzip",
                "zip")),
        Column("encoding", pa.string(), "Encoding the text was decoded from (utf-8, gb18030, big5, utf-16 ...; pdf, ofd, "
               "docx, doc, wordml, rtf, xlsx, xls, spreadsheetml or ods for those files)."),
        Column("text_transforms", pa.string(), "What was undone before parsing: pinyin_removed, traditional_to_simplified ('+'-joined)."),
        Column("agency_name", pa.string(), "The reporting organ as it names itself, spaces removed (发布机构 / title); a second name in brackets kept."),
        Column("agency_source", pa.string(), "Which phrase gave agency_name (title; title_byline (the line after a title that names none); publish_sentence, ...; head_article_title, head_title, head_content_source: a page's head; document_title: a document's title property; file_name: the file's own name)."),
        Column("province", pa.string(), "Province-level division of the organ (gazetteer name, e.g. 新疆维吾尔自治区)."),
        Column("province_code", pa.string(), "Six-digit administrative code of the province (e.g. 650000)."),
        Column("prefecture", pa.string(), "Prefecture-level division (地级: 市 / 自治州 / 盟), NULL for organs above it or unknown."),
        Column("prefecture_code", pa.string(), "Six-digit code of the prefecture (e.g. 652700)."),
        Column("county", pa.string(), "County-level division (县 / 区 / 县级市 / 旗), NULL for organs above it or unknown."),
        Column("county_code", pa.string(), "Six-digit code of the county (e.g. 652722)."),
        Column("township", pa.string(), "Township (乡 / 镇 / 街道 / 苏木) the organ governs, as named (the gazetteer stops at counties)."),
        Column("region_code", pa.string(), "Code of the deepest division known (county, else prefecture, else province)."),
        Column("region_source", pa.string(), "Where the place came from: agency_name, text (the place the text names most at the organ's tier), or agency_name+text.",
               accepted=("agency_name", "text", "agency_name+text")),
        Column("admin_tier", pa.string(), "Tier of government the organ belongs to.",
               accepted=("central", "province", "prefecture", "county", "township")),
        Column("agency_level", pa.string(), "The organ's level: a government itself (or its general office) at its tier, a department of a government, or a central department.",
               accepted=("central_department", "province", "prefecture", "county", "township", "department")),
        Column("agency_core", pa.string(), "The organ's name without its place, spelling variants folded (机关事务管理局 → 机关事务局); with region_code it keys dim_agency."),
        Column("report_year", pa.int32(), "The calendar year the report covers (the title's year wins)."),
        Column("year_source", pa.string(), "Which phrase gave report_year (title, period, most_mentioned, ...; head_article_title, head_title: a page's head; document_title: a document's title property; file_name: the file's own name)."),
        Column("published_date", pa.date32(), "Publication date (发布日期 / 成文日期 / signature); NULL when the text gives none."),
        Column("date_source", pa.string(), "Which label gave published_date (发布日期, header_date, signature, ...; head_pub_date: a page's head)."),
        Column("template", pa.string(), "Content era: stat_table, t2019, t2021 or prose.", accepted=TEMPLATES),
        Column("table_layouts", pa.string(), "Layout recognised for each table, e.g. 'table2=t2021;table3=t2019'."),
        Column("is_mixed_layout", pa.bool_(), "True when the report's tables follow different eras."),
        Column("linked_documents", pa.string(), "For a file whose text holds no table and that links to documents "
               "(report_in_attachment): each document's path as its link gives it (the scheme and host left out; a "
               "query's or script's value naming it; else the link text's name), one a line, those naming a report "
               "or table first. int_attachment_links looks for them among the crawl's files."),
        Column("text_length", pa.int64(), "Characters in the decoded text (offsets in values point into it)."),
        Column("value_count", pa.int32(), "Figures found (rows in values).", False),
        Column("issue_count", pa.int32(), "Issues found in the file itself (cross-file ones such as duplicate_report come on top; dim_report counts all).", False),
        Column("check_count", pa.int32(), "Identities evaluated on the report's figures (rows in identity_checks).", False),
        Column("parser_version", pa.string(), "Version of the code that produced the row: the parser's, then "
               "(+rows-) that of the rows made of its parse.", False),
    ),
    ("source_path",),
)

VALUES = Table(
    "values",
    "Long format: one row per figure found in a report, with its provenance.",
    (
        Column("report_id", pa.string(), "The report (reports.report_id).", False),
        Column("value_index", pa.int32(), "Order of the figure in the report (by position in the text).", False),
        Column("section", pa.string(), "Part of the report: proactive, requests, appeals, responses, ...", False),
        Column("item", pa.string(), "What is counted (contract vocabulary, e.g. new_received, granted, cases).", False),
        Column("applicant_type", pa.string(), "Applicant column of table 三 (total for stat-table and prose figures)."),
        Column("channel", pa.string(), "Channel of applications: all, in_person, fax, online, mail."),
        Column("proceeding", pa.string(), "administrative_review, litigation_direct, litigation_after_review or litigation."),
        Column("outcome", pa.string(), "upheld, corrected, other, pending or total."),
        Column("category", pa.string(), "Kind of information disclosed (regulation, normative_document, ...) or topic."),
        Column("measure", pa.string(), "What is measured about the category (issued, in_force, items, ...)."),
        Column("value", VALUE_TYPE, "The figure; NULL when the cell is blank or says 'not reported' (never 0)."),
        Column("unit", pa.string(), "Unit as printed or implied (件, 条, 万元 ...); amounts are in 万元."),
        Column("source", pa.string(), "table or prose.", False, SOURCES),
        Column("layout", pa.string(), "Layout of the table the figure comes from, or prose.", False, LAYOUTS),
        Column("approximate", pa.bool_(), "True for figures stated as approximate ('30余条').", False),
        Column("label", pa.string(), "Row label as printed (or the start of the sentence for prose).", False),
        Column("raw_text", pa.string(), "The cell or phrase as printed.", False),
        Column("char_start", pa.int64(), "Offset of raw_text in the decoded report text.", False),
        Column("char_end", pa.int64(), "End offset of raw_text in the decoded report text.", False),
        Column("snippet", pa.string(), "The row or sentence around the figure, for checking by eye.", False),
        Column("is_selected", pa.bool_(), "True for the figure the marts show for its key (section, item, dimensions): "
               "a filled table cell, else a prose statement, else a blank table cell; the first such in the text.", False),
    ),
    ("report_id", "value_index"),
)

ISSUES = Table(
    "issues",
    "One row per problem found in a file, with a stable code (see the README's issue codes).",
    (
        Column("source_path", pa.string(), "Raw file the issue is about.", False),
        Column("report_id", pa.string(), "The report (content hash of the file).", False),
        Column("issue_index", pa.int32(), "Order of the issue within the file.", False),
        Column("severity", pa.string(), "error (file quarantined), warning or info.", False, SEVERITIES),
        Column("code", pa.string(), "Stable issue code.", False, tuple(BY_CODE)),
        Column("message", pa.string(), "What is wrong, with the figures involved.", False),
        Column("char_start", pa.int64(), "Where in the text, when the issue points at a place."),
        Column("char_end", pa.int64(), "End of that place."),
    ),
    ("source_path", "issue_index"),
)

IDENTITY_CHECKS = Table(
    "identity_checks",
    "One row per identity (勾稽关系) evaluated on a report's table figures: wherever each of its terms is "
    "one filled cell (orchestration/parsing/identities.py; the dbt seed identity_terms holds the same rules).",
    (
        Column("report_id", pa.string(), "The report.", False),
        Column("check_index", pa.int32(), "Order of the check within the report.", False),
        Column("identity", pa.string(), "Name of the identity (seed identity_terms).", False),
        Column("group_value", pa.string(), "The column, row or block it was evaluated for (e.g. natural_person)."),
        Column("signed_sum", VALUE_TYPE, "Sum of the terms with their signs; 0 when the identity holds exactly.", False),
        Column("holds", pa.bool_(), "True when the identity holds (signed sum 0, or >= 0 for a '>=' identity).", False),
    ),
    ("report_id", "check_index"),
)

TABLES: dict[str, Table] = {table.name: table for table in (REPORTS, VALUES, ISSUES, IDENTITY_CHECKS)}
