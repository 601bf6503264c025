"""Every issue code the pipeline writes, what it means and what to do about it.

This registry is the single list: the ``issues`` Parquet's accepted codes, the
dbt ``accepted_values`` test (via the ``issue_codes`` seed) and the README
table are all generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IssueCode:
    code: str
    severity: str  # "error" (file quarantined) | "warning" (figures kept, read with care) | "info"
    quarantines: bool
    meaning: str
    action: str
    # The outcome depends on the run's limits (OGI_MAX_FILE_MB, OGI_FILE_TIME_LIMIT_S, OGI_WORKER_MEMORY_MB): a run
    # with other limits tries the file again (corpus/limits.py).
    decided_by_limits: bool = False
    # The pipeline failed on the file (a parser bug, a limit, the machine or its disk), not the
    # file's content: it may be a report (the check ``no_file_failed_in_the_pipeline`` lists these).
    pipeline_failure: bool = False
    # Nothing of the entry could be read, and what stopped it (permissions, the disk) need not
    # change its size or time: it is parsed again on every run, never taken for unchanged.
    tried_every_run: bool = False
    # The parse depends on the year of the run (a year after it is not a report's year): a run
    # in another year parses the file again (corpus/limits.py).
    decided_by_the_year: bool = False


ISSUE_CODES: tuple[IssueCode, ...] = (
    # A file that is not parsed: it appears in ``reports`` as quarantined with this code.
    IssueCode("empty_file", "error", True, "The file has no bytes or only white space.",
              "Re-crawl the page; the download was empty."),
    IssueCode("too_large", "error", True, "The file is larger than OGI_MAX_FILE_MB (default 50).",
              "Check it is a report and not a bundle; raise OGI_MAX_FILE_MB if it is (the next run parses it).",
              decided_by_limits=True),
    IssueCode("binary_file", "error", True,
              "The bytes are not text in any encoding (NUL bytes, an image, a RAR or 7-Zip archive, a presentation).",
              "Find the report's text, HTML, PDF, Word or RTF version; convert other office files (.ppt, .pptx) first, "
              "and unpack a RAR or 7-Zip archive into the raw folder."),
    IssueCode("undecodable", "error", True, "No encoding decodes the bytes into readable text.",
              "Re-crawl with the page's declared charset; look at the file with `ogi parse`."),
    IssueCode("no_text_layer", "error", True,
              "A PDF or OFD document whose pages carry no text layer (a scanned image), or a ZIP archive of pictures alone.",
              "Find a text or HTML version of the report; OCR is not done here."),
    IssueCode("unreadable_pdf", "error", True,
              "A PDF the PDF library cannot open (broken, encrypted, or truncated beyond what qpdf rebuilds: no page's "
              "text arrived), or a file named .pdf whose bytes are no PDF (no %PDF- header) and no page.",
              "Re-download it; open it in a viewer to see whether it is damaged."),
    IssueCode("unreadable_ofd", "error", True,
              "An OFD document (GB/T 33190, China's fixed-layout format) that cannot be read: cut short, damaged, "
              "or a part it names missing or over 64 MB unpacked.",
              "Re-download it; open it in an OFD reader to see whether it is damaged, or find the report's PDF."),
    IssueCode("unreadable_docx", "error", True,
              "A Word document (.docx, or Word 2003's XML document) that cannot be opened: cut short before its "
              "text, damaged, or its text part missing or over 64 MB.",
              "Re-download it; open it in Word or LibreOffice to see whether it is damaged."),
    IssueCode("unreadable_doc", "error", True,
              "A Word 97-2003 document (.doc) that cannot be read: cut short, damaged, password-protected, "
              "or in Word 6/95's older format.",
              "Re-download it; open it in Word or LibreOffice and save it as .docx."),
    IssueCode("unreadable_workbook", "error", True,
              "A workbook (.xlsx, .xls, WPS .et, .ods, Excel 2003's XML spreadsheet) that cannot be read: cut short, "
              "damaged, a part over 64 MB unpacked, or a sheet spanning over 2,000,000 cells (a stray value or "
              "merge far from the table).",
              "Re-download it; open it in Excel, WPS or LibreOffice to see whether it is damaged, and save it again."),
    IssueCode("unreadable_archive", "error", True,
              "A gzip file or a ZIP archive that cannot be unpacked: damaged, cut short before its directory, "
              "password-protected, its document over 64 MB unpacked, or an archive inside another.",
              "Re-download it; unpack it by hand (`unzip`, `gunzip`) to see what is wrong, and put the report it "
              "holds in the raw folder."),
    IssueCode("archive_of_many_files", "error", True,
              "A ZIP archive holding more than one document (its folders, system files and a saved page's pictures, "
              "styles and scripts aside): which is the report is not guessed. The message lists them.",
              "Unpack it into the raw folder (each document is then read as a file of its own) and remove the archive."),
    IssueCode("unreadable_rtf", "error", True, "An RTF file the RTF reader cannot follow (a damaged control word).",
              "Re-download it; open it in Word or LibreOffice to see whether it is damaged."),
    IssueCode("not_a_report", "error", True,
              "The text decodes but holds no figure, no year and no organ of an OGI annual report, "
              "or is JSON data (a crawler's metadata beside a page, an export), an XML feed or sitemap, "
              "or a CSV or TSV file of one table (a crawler's index). The message says how its text begins (a "
              "site's error page saved as the report, 对不起，您访问的页面不存在).",
              "Remove it from the crawl or fix the crawler's link selection; keep a crawler's metadata "
              "outside the raw folder."),
    IssueCode("duplicate_content", "error", True,
              "The same bytes as another file (same report_id); only the first path in sorted order is parsed.",
              "Nothing: the report is in the warehouse once. Delete the copy to silence this."),
    IssueCode("parse_error", "error", True, "The parser raised on this file (a bug): the message holds the exception.",
              "Report it with the file; the rest of the run is unaffected.", pipeline_failure=True),
    IssueCode("unreadable_file", "error", True,
              "The file was listed but could not be read: permission denied, an I/O error, or moved or removed "
              "while the run read the folder (the message holds the system's error). It has no content_sha256 or "
              "file_size, and its report_id is made from its path.",
              "Fix its permissions or the disk. It is tried again on every run until it reads; a file that is gone "
              "leaves the tables at the next run.", pipeline_failure=True, tried_every_run=True),
    IssueCode("unreadable_folder", "error", True,
              "A folder under the raw folder could not be listed (permission denied, an I/O error, or removed while "
              "the run listed it; the message holds the system's error): one row, its path ending in `/`, stands for "
              "the files in it, which are not in the tables.",
              "Fix its permissions or the disk. It is tried again on every run, and its files come in once it lists.",
              pipeline_failure=True, tried_every_run=True),
    IssueCode("not_a_file", "error", True,
              "An entry of the raw folder with no file to read: a link to nothing, a link that loops "
              "or to a folder that holds it (not followed: that folder's files are listed once, where they are), a "
              "named pipe, a socket or a device. The message says which.",
              "Remove it from the raw folder, or point the link at the report it stands for; a loop's files are in "
              "the tables already."),
    IssueCode("parse_timeout", "error", True,
              "The file's parse ran past OGI_FILE_TIME_LIMIT_S (default 300 s), parsed alone, and its worker was "
              "stopped (its stack is in the run's log). The other files were parsed.",
              "Report it with the file (a loop in a PDF or HTML library, or in the parser); raise the limit if the "
              "machine is slow and the file large: a run with other limits, or after the file is touched, tries it "
              "again.", decided_by_limits=True, pipeline_failure=True),
    IssueCode("parse_memory_limit", "error", True,
              "The file's parse held more memory than OGI_WORKER_MEMORY_MB (default: the machine's, or its "
              "container's, memory shared among the parse workers and the run, at least 1,024 MB), parsed alone, and "
              "its process was stopped before the out-of-memory killer had to choose one. The other files were parsed.",
              "Look at the file's size and kind and report it with the file; raise the limit if the machine has the "
              "memory. A run with other limits tries it again, as does touching the file.", decided_by_limits=True,
              pipeline_failure=True),
    IssueCode("worker_died", "error", True,
              "The parse worker's process died on this file, parsed alone, twice (killed by the out-of-memory killer, "
              "or a crash in a C library): the message holds how it ended. The other files were parsed.",
              "Look at the file's size and kind; give the workers more memory or lower OGI_MAX_FILE_MB, and report "
              "it with the file. A run with other limits (OGI_MAX_FILE_MB, OGI_FILE_TIME_LIMIT_S, OGI_WORKER_MEMORY_MB) "
              "tries it again, as does touching the file or a change of the parser.", decided_by_limits=True,
              pipeline_failure=True),
    # Problems inside a parsed report: its figures are kept.
    IssueCode("duplicate_report", "warning", False,
              "Another file with different content claims the same organ and year; both are kept.",
              "Decide which is the report (a revision, a mirror, a mis-named page) and record it in a correction."),
    IssueCode("report_in_pages", "warning", False,
              "Files that claim the same organ and year are named as the pages of one article a site paged "
              "(t20230120_456.html, …_1.html, …_2.html; content_123-2.html; index.html?page=2): each page is "
              "parsed as a report of its own, its figures kept under its report_id, and the tables a page lacks "
              "make it incomplete.",
              "Read the pages as one report: their figures together are the report's (dim_report.is_report_page). "
              "If they are versions of the report instead, decide which is the report and record it in a correction."),
    IssueCode("several_reports", "warning", False,
              "The text holds several reports' tables 三, or stat tables (a file collecting an organ's departments' "
              "reports, a workbook of a sheet a department, a page of two years): only the first report's tables "
              "are read. The message names each other report's organ and year as the text before its table gives "
              "them; the issue spans the other tables.",
              "Split the file into one file a report (each from its title to its last table): each then parses "
              "as a report of its own."),
    IssueCode("incomplete", "warning", False,
              "The page stops inside a table, or a table of the national format is missing, or the file ends inside "
              "a character (a download cut short at a byte), or an XML document (Word 2003's, an XML spreadsheet) "
              "or a .docx ends before its markup or its ZIP does, or a PDF had to be rebuilt (qpdf) to be read: the "
              "visible figures are kept.",
              "Look for a complete copy of the report (PDF attachment, another mirror)."),
    IssueCode("report_in_attachment", "warning", False,
              "No table of the report in the text, and the file links to or frames documents (PDF, Word, WPS, OFD, "
              "Excel, an archive): a notice whose report, or whose tables, is an attachment (附件). The message "
              "lists each link's text and target. With figures in the text, only links that name a report or a "
              "table (报告, 统计表, 附件 ...) count, not the site's forms.",
              "Crawl the attachment into the raw folder: it parses as the report. The notice then claims the "
              "organ and year no more (see duplicate_report)."),
    IssueCode("tables_as_images", "warning", False,
              "No table of the report in the text, and the file (a page, a PDF, a Word or RTF document) shows pictures "
              "(a page's own left aside: a linked logo, a button, a QR code, one declared under 100 pixels): "
              "its tables are likely among them, and a picture's text is not read (no OCR). Raised when the text "
              "has no figure either, or its year is one of the national tables' (2019 on).",
              "Find a text version of the report (its PDF or Word attachment, another mirror) or record its "
              "figures as corrections."),
    IssueCode("no_figures", "warning", False,
              "No table and no figure of the report in the text, no attachment linked and no picture shown: a "
              "page whose content a script loads or another page it frames holds (the message names the framed "
              "pages), a page cut short before its figures (a crawl's excerpt), or a notice of the report rather "
              "than the report.",
              "Look at the page in a browser and crawl what it shows (the report's own page or file)."),
    IssueCode("invalid_bytes", "warning", False,
              "A few byte sequences of the file are not valid in its encoding (at most 1% of its other non-ASCII "
              "characters: a title the site's system cut at a byte, a piece of a page in another encoding, a damaged "
              "download), and each was read as U+FFFD (�); the rest of the file was decoded as usual. The message "
              "counts them and shows the first in their context. A label so broken leaves its row unread (the "
              "table's checks then say so).",
              "Check the figures near them (`values`' snippets); find a clean copy of the page if a row is missing."),
    IssueCode("identity_failed", "warning", False,
              "A 勾稽关系 of REPORTS.md does not hold; the figures are kept as printed.",
              "Check the report by eye (snippets in `values`); record a correction if the parse, not the report, is wrong."),
    IssueCode("row_cell_count_mismatch", "warning", False,
              "A table row has fewer figures than columns and the page is not cut there: the figures cannot be placed and are not kept.",
              "Read the row in the snippet and record its figures as corrections."),
    IssueCode("row_extra_cells", "warning", False,
              "A table row has more figures than columns: the first ones were taken.",
              "Check the row in the snippet; the layout of the page may be shifted."),
    IssueCode("figure_with_note_mark", "warning", False,
              "A table cell or a sentence holds a figure with a note's mark beside it (12*, 3①, 5(注1), a superscript "
              "7¹, 收到申请25¹件, a mark set raised in a page, a document or a workbook, read as 5[1]): the figure is "
              "read without the mark, which stays in raw_text.",
              "Read the report's note (注) the mark points to: it may narrow or widen what the figure counts."),
    IssueCode("no_report_year", "warning", False, "No year covered could be read: the report is parsed but has no year.",
              "Record the year as a correction."),
    IssueCode("no_agency_name", "warning", False, "The reporting organ could not be read from the text.",
              "Record the organ as a correction; the crawl's metadata may know it."),
    IssueCode("year_range", "info", False,
              "The title names a period of years (\"2022-2023年度\", \"2022年至2023年\"), not one: a report covers one "
              "year, and report_year is the period's last (the year its figures carried forward are of). The message "
              "names both; a period named backwards (\"2023-2022年度\") keeps the year written last, and says so.",
              "Check the report's tables cover the period's last year alone; if they sum the period, record that as a "
              "correction, and read the organ's reports of the years before with it."),
    IssueCode("later_year_set_aside", "info", False,
              "A year after the year of the run was read where the report's year is looked for (its title, a stated "
              "period, or the years its text mentions most) and set aside: no report covers a year that has not "
              "begun (a typo, or a target such as 2035). The message lists the years and where each was read.",
              "Nothing: the first run of a later year parses the report again under that year. If the title's year "
              "is a typo, record the report's year as a correction.", decided_by_the_year=True),
    IssueCode("read_from_archive", "info", False,
              "The file is a gzip file (a crawler that saved a server's compressed bytes) or a ZIP archive holding "
              "one document, and that document was read: the message names it, and says when the gzip file was "
              "cut short (its tables then raise `incomplete` where they stop). `source_format` is the document's.",
              "Nothing: its figures are in the tables."),
    IssueCode("file_name_not_utf8", "info", False,
              "The file's path on disk (its name or a folder's) is not UTF-8: `source_path` shows the other bytes "
              "as `\\xNN` escapes, and the message the name read as GB18030 when it reads as that.",
              "Nothing for the figures; rename the file in UTF-8 (e.g. `convmv -f gbk -t utf-8`) for a readable path."),
    IssueCode("region_unknown", "info", False,
              "The organ's province / prefecture / county could not be placed from its name and the text "
              "(no place named, or a name several places share); the region columns stay NULL.",
              "Check the report's page on its site; the crawl's URL usually tells the place."),
)

BY_CODE: dict[str, IssueCode] = {code.code: code for code in ISSUE_CODES}
SEVERITIES = ("error", "warning", "info")
# The codes each flag marks, for the code that acts on them.
DECIDED_BY_LIMITS = frozenset(code.code for code in ISSUE_CODES if code.decided_by_limits)
PIPELINE_FAILURES = tuple(code.code for code in ISSUE_CODES if code.pipeline_failure)
TRIED_EVERY_RUN = frozenset(code.code for code in ISSUE_CODES if code.tried_every_run)
DECIDED_BY_THE_YEAR = frozenset(code.code for code in ISSUE_CODES if code.decided_by_the_year)


def severity(code: str) -> str:
    return BY_CODE[code].severity
