"""A crawl as it comes: every input kind, every bad case, runs that fail or are
killed half-way, and analysts reading the warehouse during a run."""

from __future__ import annotations

import gzip
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import opencc
import pytest

from orchestration import synthetic
from orchestration.corpus import recorded_path

from .conftest import SAMPLES_RAW, dbt_show, ogi_run, published_parquet
from .docx_builder import docx_from_html
from .mhtml_builder import mhtml_from_html
from .ofd_builder import ofd_from_rows
from .pdf_builder import blank_pdf, pdf_from_rows
from .rtf_builder import rtf_from_html
from .test_archive import zipped
from .test_formats import T2, _mirror, _pdf_rows
from .test_same_bytes import _retime
from .test_workbook import fixture as workbook_fixture
from .test_workbook import stat_table_sheet, stat_table_workbook
from .workbook_builder import xlsx_from_sheets

pytestmark = pytest.mark.e2e


def sample(name: str) -> str:
    return (SAMPLES_RAW / name).read_text(encoding="utf-8")


def national(agency: str, year: int, layout: str = "t2021", seed: int = 1, shape: str = "lines", **changes) -> str:
    t3 = synthetic.consistent_table3(layout, seed)
    for item, cells in changes.items():
        t3[item] = cells
    return synthetic.national_report(agency, year, layout, layout, T2[layout], t3, synthetic.consistent_table4(seed), shape).text


def build_crawl(raw: Path) -> dict[str, tuple[str, str | None]]:
    """Write a crawl; returns {path: (status, quarantine code or the issue code that must be there)}."""
    files: dict[str, bytes] = {}
    expect: dict[str, tuple[str, str | None]] = {}

    def add(path: str, data: bytes, status: str, code: str | None = None) -> None:
        files[path] = data
        expect[path] = (status, code)

    add("good/utf8.txt", sample("000_e0a35a2ab27e6366.txt").encode(), "parsed")
    add("good/utf8_bom.txt", b"\xef\xbb\xbf" + sample("001_52ee1c9a66fdb884.txt").encode(), "parsed")
    add("good/gb18030.txt", sample("002_a14c2c8461655229.txt").encode("gb18030"), "parsed")
    add("good/utf16.txt", sample("003_da13f4a091621947.txt").encode("utf-16"), "parsed")
    add("good/big5.txt", opencc.OpenCC("s2t").convert(sample("004_4aa281a40ca079eb.txt")).encode("big5", errors="replace"), "parsed")
    t3 = synthetic.consistent_table3("t2021", 3)
    t4 = synthetic.consistent_table4(3)
    add("good/page.html", synthetic.national_report_html("精河县人民政府办公室", 2022, "t2021", T2["t2021"], t3, t4,
                                                          charset="gb2312").encode("gb18030"), "parsed")
    pdf_rows = _pdf_rows("t2021", t3, t4)
    pdf_rows[0] = ["富县人民政府办公室2021年政府信息公开工作年度报告"]
    add("good/attachment.pdf", pdf_from_rows(pdf_rows), "parsed")
    ofd_rows = _pdf_rows("t2021", synthetic.consistent_table3("t2021", 13), synthetic.consistent_table4(13))
    ofd_rows[0] = ["柯坪县人民政府办公室2021年政府信息公开工作年度报告"]
    add("good/attachment.ofd", ofd_from_rows(ofd_rows, one_code_a_row=True), "parsed")
    # The page the PDF is published on, saved by the same crawl: a notice naming it, not a second report
    notice = ("<html><head><meta charset='utf-8'><title>富县人民政府办公室2021年政府信息公开工作年度报告</title></head><body>"
              "<h1>富县人民政府办公室2021年政府信息公开工作年度报告</h1><p>现将我办2021年政府信息公开工作年度报告予以公布。</p>"
              "<p>附件：<a href='attachment.pdf'>富县人民政府办公室2021年政府信息公开工作年度报告.pdf</a></p></body></html>")
    add("good/notice.html", notice.encode(), "parsed", "report_in_attachment")
    # A mirror of a site (its paths kept): a notice whose stat table is a workbook naming no organ,
    # linked by its full URL, percent-encoded; and a second attachment the crawl did not fetch
    site = "mirror/www.blsh.gov.cn/xxgk/2017/"
    notice = ("<html><head><meta charset='utf-8'></head><body><h1>博乐市人民政府办公室2016年政府信息公开工作年度报告"
              "</h1><p>附件：<a href='http://www.blsh.gov.cn/xxgk/2017/P020170120%E7%BB%9F%E8%AE%A1%E8%A1%A8.xlsx'>"
              "统计表</a> <a href='../files/附件2.pdf'>附件2</a></p></body></html>")
    add(site + "t20170120_1.html", notice.encode(), "parsed", "report_in_attachment")
    rows, merged, _ = stat_table_sheet()
    add(site + "P020170120统计表.xlsx", xlsx_from_sheets({"统计表": [["政府信息公开情况统计表"], *rows[1:]]},
                                                    merged={"统计表": merged}), "parsed", "no_agency_name")
    other_rows = _pdf_rows("t2021", synthetic.consistent_table3("t2021", 14), synthetic.consistent_table4(14))
    other_rows[0] = ["温泉县人民政府办公室2021年政府信息公开工作年度报告"]
    add("mirror/www.wq.gov.cn/附件2.pdf", pdf_from_rows(other_rows), "parsed")  # (another site's: not that page's)
    word = docx_from_html(synthetic.national_report_html("温宿县人民政府办公室", 2021, "t2019", T2["t2019"],
                                                          synthetic.consistent_table3("t2019", 10), synthetic.consistent_table4(10)))
    add("good/attachment.docx", word, "parsed")
    # A PDF whose cover is a picture (its text names no organ or year) and whose title property a
    # PDF printer wrote; a page saved under its report's title, its body without one
    cover_rows = _pdf_rows("t2021", synthetic.consistent_table3("t2021", 20), synthetic.consistent_table4(20))[2:]
    add("good/P020220125394821.pdf", pdf_from_rows(
        cover_rows, title="Microsoft Word - 乌恰县人民政府办公室2021年政府信息公开工作年度报告.doc"), "parsed")
    untitled = synthetic.national_report_html("阿图什市人民政府办公室", 2021, "t2021", T2["t2021"],
                                              synthetic.consistent_table3("t2021", 21), synthetic.consistent_table4(21))
    for element in (r"<title>.*?</title>", r"<h1>.*?</h1>", r"<p>本报告中所列数据的统计期限.*?</p>"):
        untitled = re.sub(element, "", untitled)
    add("good/阿图什市人民政府办公室2021年政府信息公开工作年度报告.html", untitled.encode(), "parsed")
    add("good/web_archive.doc", mhtml_from_html(synthetic.national_report_html(
        "阿瓦提县人民政府办公室", 2021, "t2021", T2["t2021"], synthetic.consistent_table3("t2021", 12),
        synthetic.consistent_table4(12), charset="gb2312")), "parsed")
    add("good/rich_text.doc", rtf_from_html(synthetic.national_report_html(
        "乌什县人民政府办公室", 2021, "t2021", T2["t2021"], synthetic.consistent_table3("t2021", 11),
        synthetic.consistent_table4(11))), "parsed")
    word97 = (Path(__file__).parent / "word97" / "national_t2021.doc").read_bytes()
    add("good/word97.doc", word97, "parsed")
    # Word 2003's XML document, as a template-filling office system serves it (as .doc), without
    # the cells' margins, borders and widths LibreOffice writes (under the run's 0.1 MB limit)
    word2003 = (Path(__file__).parent / "word97" / "national_t2021.xml").read_bytes()
    word2003 = re.sub(rb"<w:tcMar>.*?</w:tcMar>|<w:tcBorders>.*?</w:tcBorders>|<w:tcW [^>]*/>", b"", word2003)
    add("good/word2003.doc", word2003.replace("精河县".encode(), "博湖县".encode()), "parsed")
    add("good/mirror.txt", _mirror(national("合水县人民政府办公室", 2021, seed=4)).encode(), "parsed")
    # An office system's "export to Excel": Excel 2003's XML spreadsheet served as .xls (LibreOffice's)
    add("good/导出.xls", workbook_fixture("national_t2021.xml").replace("精河县".encode(), "沙雅县".encode()), "parsed")
    # The stat table a 2016 report attached as a workbook (Excel 97-2003, saved by LibreOffice)
    add("good/统计表.xls", workbook_fixture("stat_table.xls"), "parsed")
    # A page a crawler saved as the server sent it (gzip), and a report published as a ZIP of its Word file
    add("good/saved_compressed.html", gzip.compress(synthetic.national_report_html(
        "拜城县人民政府办公室", 2021, "t2021", T2["t2021"], synthetic.consistent_table3("t2021", 15),
        synthetic.consistent_table4(15), charset="gb2312").encode("gb18030"), mtime=0), "parsed", "read_from_archive")
    add("good/新和县年报.zip", zipped([("新和县2021年报告.docx", docx_from_html(synthetic.national_report_html(
        "新和县人民政府办公室", 2021, "t2021", T2["t2021"], synthetic.consistent_table3("t2021", 16),
        synthetic.consistent_table4(16))))], gbk_names=True), "parsed", "read_from_archive")
    add("bad/empty.txt", b"", "quarantined", "empty_file")
    add("bad/image.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8, "quarantined", "binary_file")
    add("bad/undecodable.txt", b"\xff\xfe" + b"\x00\xd8" * 400, "quarantined", "undecodable")
    add("bad/portal.html", "<html><body><p>欢迎访问本网站</p><p>今日天气晴</p></body></html>".encode(), "quarantined", "not_a_report")
    add("bad/huge.txt", (national("丁局", 2021) * 40).encode(), "quarantined", "too_large")
    add("bad/scan.pdf", blank_pdf(), "quarantined", "no_text_layer")
    add("bad/broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntruncated", "quarantined", "unreadable_pdf")
    # A .docx cut before its document part's text (its ZIP's directory lost with the rest)
    with zipfile.ZipFile(io.BytesIO(word)) as package:
        document_at = package.getinfo("word/document.xml").header_offset
    add("bad/cut_short.docx", word[: document_at + 60], "quarantined", "unreadable_docx")
    add("bad/cut_short_word97.doc", word97[: len(word97) // 2], "quarantined", "unreadable_doc")
    add("bad/cut_short.xlsx", stat_table_workbook()[0][:3000], "quarantined", "unreadable_workbook")
    add("bad/bundle.zip", zipped([("报告.doc", word97), ("统计表.xls", workbook_fixture("stat_table.xls"))]),
        "quarantined", "archive_of_many_files")
    add("bad/cut_short.zip", files["good/新和县年报.zip"][:4000], "quarantined", "unreadable_archive")
    add("mirrors/copy_of_utf8.txt", files["good/utf8.txt"], "quarantined", "duplicate_content")
    whole = national("戊县人民政府办公室", 2021, seed=5)
    add("warn/cut_off.txt", whole[: whole.index("(四)无法提供")].encode(), "parsed", "incomplete")
    # A .docx cut halfway: its document part, among the first, is whole (read from its local header)
    cut_word = docx_from_html(synthetic.national_report_html("叶城县人民政府办公室", 2021, "t2021", T2["t2021"],
                                                               synthetic.consistent_table3("t2021", 18),
                                                               synthetic.consistent_table4(18)))
    add("warn/cut_short.docx", cut_word[: len(cut_word) // 2], "parsed", "incomplete")
    cut_at = len(whole[: whole.index("(四)无法提供")].encode()) + 1 + 2  # (past "(", two bytes into 四)
    add("warn/cut_inside_a_character.txt", national("壬县人民政府办公室", 2021, seed=5).encode()[:cut_at], "parsed", "incomplete")
    stray = synthetic.national_report_html("阿克苏市人民政府办公室", 2021, "t2021", T2["t2021"], synthetic.consistent_table3("t2021", 17),
                                           synthetic.consistent_table4(17), charset="gbk").encode("gb18030")
    cut_title = "工作动态".encode("gb18030")[:-1]  # (a title the site's system cut at a byte)
    add("warn/stray_byte.html", stray.replace(b"<body>", b"<body><p>" + cut_title + b"</p>", 1), "parsed", "invalid_bytes")
    add("warn/revision_a.txt", national("己县人民政府办公室", 2021, seed=6).encode(), "parsed", "duplicate_report")
    add("warn/revision_b.txt", national("己县人民政府办公室", 2021, seed=7).encode(), "parsed", "duplicate_report")
    # A report a site paged in two (TRS: …_1.html): the second page's body has no title; its head names it
    paged = synthetic.national_report_html("癸县人民政府办公室", 2022, "t2021", T2["t2021"], synthetic.consistent_table3("t2021", 19),
                                           synthetic.consistent_table4(19))
    split = paged.index("<h2>三、")
    add("warn/paged/t20230120_4567.html", (paged[:split] + "<p>共2页 1 2 下一页</p></body></html>").encode(), "parsed",
        "report_in_pages")
    add("warn/paged/t20230120_4567_1.html", (paged[: paged.index("<body>") + 6] + paged[split:]).replace(
        "<h1>癸县人民政府办公室2022年政府信息公开工作年度报告</h1>", "").encode(), "parsed", "report_in_pages")
    broken = synthetic.consistent_table3("t2021", 8)
    broken["granted"] = [cell + 1 if column == 0 else cell for column, cell in enumerate(broken["granted"])]
    add("warn/typo.txt", national("庚县人民政府办公室", 2021, seed=8, granted=broken["granted"]).encode(), "parsed", "identity_failed")
    # A name in GBK (a crawl unpacked from a Windows zip): recorded with \xNN escapes, flagged
    gbk_name = os.fsdecode("names/辛县年报.txt".encode("gbk"))
    files[gbk_name] = national("辛县人民政府办公室", 2021, seed=9).encode()
    expect[recorded_path(gbk_name)] = ("parsed", "file_name_not_utf8")
    for path, data in files.items():
        (raw / path).parent.mkdir(parents=True, exist_ok=True)
        (raw / path).write_bytes(data)
    return expect


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    root = tmp_path_factory.mktemp("crawl")
    raw = root / "raw"
    expect = build_crawl(raw)
    code, out = ogi_run(raw, root / "data", OGI_MAX_FILE_MB="0.1")
    connection = duckdb.connect(str(root / "data" / "warehouse.duckdb"), read_only=True)
    yield expect, code, out, connection
    connection.close()


CUT_DOCX_TOLD = ("the file ends before its ZIP does (a download cut short): its document part whole, found by its "
                 "header (its other parts, styles and pictures, lost)")


def test_crawl_run_succeeds_and_counts_add_up(crawl):
    expect, code, out, warehouse = crawl
    assert code == 0, out
    parsed = sum(1 for status, _ in expect.values() if status == "parsed")
    quarantined = len(expect) - parsed
    assert f"files: {len(expect)}\nparsed: {parsed}\nquarantined: {quarantined}\n" in out
    assert warehouse.execute("select count(*) from dim_source_file").fetchone() == (len(expect),)
    assert warehouse.execute("select count(*) from dim_report").fetchone() == (parsed,)


def test_each_file_has_its_status_and_code(crawl):
    expect, _, _, warehouse = crawl
    rows = {path: (status, code) for path, status, code in warehouse.execute(
        "select source_path, status, quarantine_code from dim_source_file").fetchall()}
    issues = {}
    for path, code in warehouse.execute("select source_path, code from fct_issues").fetchall():
        issues.setdefault(path, set()).add(code)
    for path, (status, code) in expect.items():
        assert rows[path][0] == status, path
        if status == "quarantined":
            assert rows[path][1] == code, path
        elif code:
            assert code in issues.get(path, set()), (path, issues.get(path))
    clean = ["good/utf8.txt", "good/gb18030.txt", "good/page.html", "good/attachment.pdf", "good/attachment.ofd",
             "good/attachment.docx", "good/P020220125394821.pdf", "good/阿图什市人民政府办公室2021年政府信息公开工作年度报告.html",
             "good/rich_text.doc", "good/web_archive.doc", "good/word97.doc", "good/word2003.doc", "good/mirror.txt",
             "good/统计表.xls", "good/导出.xls"]
    for path in clean:
        assert not issues.get(path, set()) - {"no_agency_name"}, (path, issues.get(path))
    for path in ("good/saved_compressed.html", "good/新和县年报.zip"):
        assert issues[path] == {"read_from_archive"}, path
    # (the notice and its attachment claim one report: neither is a duplicate_report)
    assert issues["good/notice.html"] == {"report_in_attachment"}
    flags = dict(warehouse.execute(
        "select source_path, (has_figures_elsewhere, has_duplicate_report, value_count) from dim_report "
        "where source_path in ('good/notice.html', 'good/attachment.pdf')").fetchall())
    assert flags == {"good/notice.html": (True, False, 0), "good/attachment.pdf": (False, False, 200)}  # (t2021: 200 figures)
    # each notice's attachment found in the crawl, and each attachment's notice: its organ and year
    links = warehouse.execute(
        "select r.source_path, r.attachment_source_path, n.source_path, r.notice_agency_name, r.notice_report_year "
        "from dim_report r left join dim_report n on n.report_id = r.notice_report_id "
        "where r.attachment_report_id is not null or r.notice_report_id is not null order by 1").fetchall()
    site = "mirror/www.blsh.gov.cn/xxgk/2017/"
    assert links == [
        ("good/attachment.pdf", None, "good/notice.html", "富县人民政府办公室", 2021),
        ("good/notice.html", "good/attachment.pdf", None, None, None),
        (site + "P020170120统计表.xlsx", None, site + "t20170120_1.html", "博乐市人民政府办公室", 2016),
        (site + "t20170120_1.html", site + "P020170120统计表.xlsx", None, None, None),
    ]
    # the workbook names no organ itself; the link the crawl did not fetch matches no file of that name elsewhere
    assert warehouse.execute("select agency_name, report_year, value_count from dim_report where source_path = ?",
                             [site + "P020170120统计表.xlsx"]).fetchone() == (None, 2016, 58)
    assert warehouse.execute("select link_index, document, attachment_path, match_rule from int_attachment_links "
                             "order by notice_path, link_index").fetchall() == [
        (1, "attachment.pdf", "good/attachment.pdf", "path"),
        (1, "/xxgk/2017/P020170120统计表.xlsx", site + "P020170120统计表.xlsx", "site_path"),
    ]
    assert warehouse.execute("select s.has_figures_elsewhere, s.applications_received is null from report_summary s "
                             "join dim_report r using (report_id) where r.source_path = 'good/notice.html'").fetchone() == (
        True, True)


def test_the_pages_of_a_paged_report_are_told_as_its_pages(crawl):
    _, _, _, warehouse = crawl
    pages = warehouse.execute(
        "select source_path, agency_name, report_year, year_source, table_value_count, is_incomplete, "
        "is_report_page, has_duplicate_report from dim_report where source_path like 'warn/paged/%' order by 1").fetchall()
    # (t2021: 10 figures in table 二, 190 in tables 三 and 四: the report's 200 between its pages)
    assert pages == [
        ("warn/paged/t20230120_4567.html", "癸县人民政府办公室", 2022, "title", 10, True, True, True),
        ("warn/paged/t20230120_4567_1.html", "癸县人民政府办公室", 2022, "head_title", 190, True, True, True),
    ]
    messages = [m for (m,) in warehouse.execute(
        "select message from fct_issues where code = 'report_in_pages' order by source_path").fetchall()]
    told = ("癸县人民政府办公室 2022: this page and warn/paged/{} are named as the pages of one report a site paged "
            "(…_2.html); each page's figures are kept as its own")
    assert messages == [told.format("t20230120_4567_1.html"), told.format("t20230120_4567.html")]


def test_a_file_named_in_gbk_lands_under_an_escaped_path(crawl):
    _, _, _, warehouse = crawl
    path = recorded_path(os.fsdecode("names/辛县年报.txt".encode("gbk")))
    assert path == "names/\\xd0\\xc1\\xcf\\xd8\\xc4걨.txt"  # (EA B1 A8 is UTF-8: 걨)
    assert warehouse.execute("select severity, message, action is not null from fct_issues "
                             "where source_path = ? and code = 'file_name_not_utf8'", [path]).fetchall() == [
        ("info", "the file's path on disk is not UTF-8; read as GB18030 it is names/辛县年报.txt", True)]
    assert warehouse.execute("select agency_name, report_year from dim_report where source_path = ?", [path]).fetchone() == (
        "辛县人民政府办公室", 2021)
    got = dict(warehouse.execute("select item, count from fct_requests join dim_report using (report_id) "
                                 "where source_path = ? and applicant_type = 'total'", [path]).fetchall())
    assert got == {item: cells[6] for item, cells in synthetic.consistent_table3("t2021", 9).items()}


def test_good_files_land_with_their_figures(crawl):
    _, _, _, warehouse = crawl
    meta = {row[0]: row[1:] for row in warehouse.execute(
        "select source_path, source_format, encoding, text_transforms, agency_name, report_year, template from dim_report").fetchall()}
    assert meta["good/gb18030.txt"] == ("text", "gb18030", None, "阿合奇县人民政府办公室", 2020, "t2019")
    assert meta["good/utf16.txt"][:2] == ("text", "utf-16")
    assert meta["good/big5.txt"][0:3] == ("text", "big5", "traditional_to_simplified")
    assert meta["good/page.html"] == ("html", "gb18030", None, "精河县人民政府办公室", 2022, "t2021")
    assert meta["good/attachment.pdf"] == ("pdf", "pdf", None, "富县人民政府办公室", 2021, "t2021")
    assert meta["good/attachment.ofd"] == ("ofd", "ofd", None, "柯坪县人民政府办公室", 2021, "t2021")
    assert meta["good/attachment.docx"] == ("docx", "docx", None, "温宿县人民政府办公室", 2021, "t2019")
    assert meta["good/rich_text.doc"] == ("rtf", "rtf", None, "乌什县人民政府办公室", 2021, "t2021")
    assert meta["good/web_archive.doc"] == ("mhtml", "gb18030", None, "阿瓦提县人民政府办公室", 2021, "t2021")
    assert meta["good/word97.doc"] == ("doc", "doc", None, "精河县人民政府办公室", 2021, "t2021")
    assert meta["good/word2003.doc"] == ("wordml", "wordml", None, "博湖县人民政府办公室", 2021, "t2021")
    assert meta["good/统计表.xls"] == ("xls", "xls", None, "精河县人民政府办公室", 2016, "stat_table")
    assert meta["good/导出.xls"] == ("spreadsheetml", "spreadsheetml", None, "沙雅县人民政府办公室", 2021, "t2021")
    assert meta["good/saved_compressed.html"] == ("html", "gb18030", None, "拜城县人民政府办公室", 2021, "t2021")
    assert meta["good/新和县年报.zip"] == ("docx", "docx", None, "新和县人民政府办公室", 2021, "t2021")
    # The organ and year a PDF's title property and a file's name give, where the text names neither
    named = warehouse.execute(
        "select source_path, agency_name, agency_source, report_year, year_source, table_value_count from dim_report "
        "where source_path in ('good/P020220125394821.pdf', 'good/阿图什市人民政府办公室2021年政府信息公开工作年度报告.html') "
        "order by 1").fetchall()
    assert named == [("good/P020220125394821.pdf", "乌恰县人民政府办公室", "document_title", 2021, "document_title", 200),
                     ("good/阿图什市人民政府办公室2021年政府信息公开工作年度报告.html", "阿图什市人民政府办公室", "file_name",
                      2021, "file_name", 200)]
    assert warehouse.execute("select message from fct_issues where source_path = 'good/新和县年报.zip'").fetchall() == [
        ("新和县2021年报告.docx unpacked from a ZIP archive",)]
    for path, seed, column in (("good/saved_compressed.html", 15, 3), ("good/新和县年报.zip", 16, 4)):
        got = dict(warehouse.execute(
            "select q.item, q.count from fct_requests q join dim_report r using (report_id) "
            "where r.source_path = ? and q.applicant_type = ?", [path, synthetic.T3_COLUMNS[column]]).fetchall())
        assert got == {item: cells[column] for item, cells in synthetic.consistent_table3("t2021", seed).items()}, path
    # the stat table's figures, each where the marts keep it (58 figures that differ from each other)
    want = stat_table_sheet()[2]
    got = dict(warehouse.execute(
        "select channel, count from fct_requests join dim_report using (report_id) "
        "where source_path = 'good/统计表.xls' and item = 'new_received'").fetchall())
    assert got == {dict(key[2])["channel"]: int(value) for key, value in want.items() if key[1] == "new_received"}
    assert len(got) == 5
    assert warehouse.execute("select value_count from dim_report where source_path = 'good/统计表.xls'").fetchone() == (58,)
    assert meta["good/mirror.txt"][2:] == ("pinyin_removed+traditional_to_simplified", "合水县人民政府办公室", 2021, "t2021")
    t3 = synthetic.consistent_table3("t2021", 3)
    for path in ("good/page.html", "good/attachment.pdf"):
        got = dict(warehouse.execute(
            "select q.item, q.count from fct_requests q join dim_report r using (report_id) "
            "where r.source_path = ? and q.applicant_type = 'natural_person'", [path]).fetchall())
        assert got == {item: cells[0] for item, cells in t3.items()}, path
    got = dict(warehouse.execute(
        "select q.item, q.count from fct_requests q join dim_report r using (report_id) "
        "where r.source_path = 'good/attachment.ofd' and q.applicant_type = 'total'").fetchall())
    assert got == {item: cells[6] for item, cells in synthetic.consistent_table3("t2021", 13).items()}
    word_t3 = synthetic.consistent_table3("t2019", 10)
    got = dict(warehouse.execute(
        "select q.item, q.count from fct_requests q join dim_report r using (report_id) "
        "where r.source_path = 'good/attachment.docx' and q.applicant_type = 'legal_service_org'").fetchall())
    assert got == {item: cells[4] for item, cells in word_t3.items()}
    got = dict(warehouse.execute(
        "select q.item, q.count from fct_requests q join dim_report r using (report_id) "
        "where r.source_path = 'good/rich_text.doc' and q.applicant_type = 'research_institution'").fetchall())
    assert got == {item: cells[2] for item, cells in synthetic.consistent_table3("t2021", 11).items()}
    got = dict(warehouse.execute(
        "select q.item, q.count from fct_requests q join dim_report r using (report_id) "
        "where r.source_path = 'good/web_archive.doc' and q.applicant_type = 'other_org'").fetchall())
    assert got == {item: cells[5] for item, cells in synthetic.consistent_table3("t2021", 12).items()}
    got = dict(warehouse.execute(
        "select q.item, q.count from fct_requests q join dim_report r using (report_id) "
        "where r.source_path = 'good/word97.doc' and q.applicant_type = 'commercial_enterprise'").fetchall())
    assert got == {item: cells[1] for item, cells in synthetic.consistent_table3("t2021", 2).items()}  # (test_formats.reference)
    mirror_t3 = synthetic.consistent_table3("t2021", 4)
    got = dict(warehouse.execute(
        "select q.item, q.count from fct_requests q join dim_report r using (report_id) "
        "where r.source_path = 'good/mirror.txt' and q.applicant_type = 'total'").fetchall())
    assert got == {item: cells[6] for item, cells in mirror_t3.items()}


def test_identity_failure_and_cut_off_report_keep_their_figures(crawl):
    _, _, _, warehouse = crawl
    failed = warehouse.execute(
        "select c.identity, c.group_value, c.signed_sum from fct_identity_checks c join dim_report r using (report_id) "
        "where r.source_path = 'warn/typo.txt' and not c.holds order by 1, 2").fetchall()
    # 予以公开 / 自然人 printed one too high: its column and its row no longer add up.
    assert failed == [("t3_outcomes_total_2021", "natural_person", 1), ("t3_row_total", "granted", 1)]
    cut = warehouse.execute(
        "select count(*) filter (where item = 'denied_administrative_query'), count(*) filter (where item = 'unavailable_not_held') "
        "from fct_requests q join dim_report r using (report_id) where r.source_path = 'warn/cut_off.txt'").fetchone()
    assert cut == (7, 0)
    flags = warehouse.execute("select is_incomplete from dim_report where source_path = 'warn/cut_off.txt'").fetchone()
    assert flags == (True,)
    # the same page cut two bytes into a character (a download stopped at a byte): the same figures, and why
    assert warehouse.execute(
        "select count(*) filter (where item = 'denied_administrative_query'), count(*) filter (where item = 'unavailable_not_held') "
        "from fct_requests q join dim_report r using (report_id) where r.source_path = 'warn/cut_inside_a_character.txt'"
    ).fetchone() == (7, 0)
    incomplete, encoding, (tables, file) = warehouse.execute(
        "select r.is_incomplete, r.encoding, list(i.message order by i.message) from dim_report r join fct_issues i "
        "using (report_id) where r.source_path = 'warn/cut_inside_a_character.txt' and i.code = 'incomplete' group by all"
    ).fetchone()
    assert (incomplete, encoding) == (True, "utf-8")
    assert tables.startswith("report ends or lacks parts of its tables: table4 (whole table); table3: unavailable_not_held;")
    assert file == ("the file ends inside a character: its last 2 bytes are the start of one in utf-8 (a download cut "
                    "short, whose text stops there)")
    assert warehouse.execute("select source_format, quarantine_code from dim_source_file where source_path = "
                             "'bad/bundle.zip'").fetchone() == ("zip", "archive_of_many_files")
    # a .docx cut halfway: every figure, and why it is incomplete
    assert warehouse.execute(
        "select r.source_format, r.agency_name, r.value_count, r.is_incomplete, list(i.message) from dim_report r "
        "join fct_issues i using (report_id) where r.source_path = 'warn/cut_short.docx' and i.code = 'incomplete' "
        "group by all").fetchone() == ("docx", "叶城县人民政府办公室", 200, True, [CUT_DOCX_TOLD])
    # a page with a character cut at a byte (a title cut by the site's system): read in its charset, every figure there
    assert warehouse.execute("select encoding, value_count from dim_report where source_path = 'warn/stray_byte.html'"
                             ).fetchone() == ("gb18030", 200)
    got = dict(warehouse.execute(
        "select q.item, q.count from fct_requests q join dim_report r using (report_id) "
        "where r.source_path = 'warn/stray_byte.html' and q.applicant_type = 'total'").fetchall())
    assert got == {item: cells[6] for item, cells in synthetic.consistent_table3("t2021", 17).items()}


# ---------------------------------------------------------------- safety of what analysts read


@pytest.fixture(scope="module")
def published_once(tmp_path_factory) -> Path:
    """One published run of the five samples (raw/ and data/), which `published` copies
    for each test."""
    root = tmp_path_factory.mktemp("published")
    work = root / "work"
    shutil.copytree(SAMPLES_RAW, work / "raw")
    code, out = ogi_run(work / "raw", work / "data")
    assert code == 0, out
    work.rename(root / "template")
    return root


@pytest.fixture()
def published(published_once, monkeypatch):
    """A data directory with a published run of the five samples, for a test to change.

    A copy of one run rather than a run per test (about 20 s each), always at the path
    the run was made in: the staging views name the Parquet there, and dbt keeps its
    parse only while the warehouse path stays the same. The raw files keep their
    modification times, so the next run sees them unchanged.
    """
    work = published_once / "work"
    shutil.rmtree(work, ignore_errors=True)  # the last test's copy
    shutil.copytree(published_once / "template", work, symlinks=True)
    raw, data = work / "raw", work / "data"
    monkeypatch.setenv("OGI_RAW_DIR", str(raw))  # as ogi_run leaves them, for a step run on its own
    monkeypatch.setenv("OGI_DATA_DIR", str(data))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return raw, data


def snapshot(data: Path) -> dict[str, bytes]:
    files = {f"parquet/{name}": content for name, content in published_parquet(data).items()}
    files["parquet ->"] = os.readlink(data / "parquet").encode()
    files["warehouse.duckdb"] = (data / "warehouse.duckdb").read_bytes()
    return files


def change_every_file(raw: Path) -> None:
    """Make every raw file new to the next run: its bytes, not only its time (a file whose
    time alone moved on is kept, tests/test_same_bytes.py)."""
    for path in raw.iterdir():
        path.write_bytes(path.read_bytes() + b"\n")


def test_raw_files_with_new_times_only_are_not_parsed_again(published, monkeypatch):
    """The raw folder copied or fetched again without its times: `ogi run` parses nothing,
    says so, and publishes the same tables (the file states have the new times)."""
    raw, data = published
    before = published_parquet(data)
    _retime(sorted(raw.iterdir()))
    code, out = ogi_run(raw, data, monkeypatch)
    assert code == 0 and "run: succeeded" in out, out
    assert "parsed this run: 0 (5 of the kept files had new times, not new bytes)" in out.splitlines()
    after = published_parquet(data)
    assert after.keys() == before.keys()
    assert {name for name in after if after[name] != before[name]} == {"file_state/_root.parquet"}


def test_a_parse_that_fails_half_way_leaves_the_published_outputs(published, monkeypatch):
    raw, data = published
    before = snapshot(data)
    from orchestration.corpus import pool

    real = pool.Parser.rows

    def rows_then_failure(parser, work):
        for count, file_rows in enumerate(real(parser, work)):
            if count == 2:
                raise RuntimeError("disk gone")
            yield file_rows

    monkeypatch.setattr(pool.Parser, "rows", rows_then_failure)
    change_every_file(raw)
    (raw / "new.txt").write_text("新的报告2021年政府信息公开工作年度报告,未收到申请。", encoding="utf-8")
    code, out = ogi_run(raw, data, monkeypatch)
    assert code == 1 and "run: FAILED" in out
    assert snapshot(data) == before
    assert [p.name for p in (data / "parquet.d").iterdir()] == [os.readlink(data / "parquet").split("/")[-1]]


def test_a_missing_raw_folder_fails_the_parse_and_keeps_the_published_outputs(published):
    """A share not mounted, or OGI_RAW_DIR mistyped in the UI's environment: parsed, an absent
    folder would publish empty tables, and the warehouse build after it would empty the warehouse."""
    raw, data = published
    before = snapshot(data)
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.defs.jobs import ALL_ASSETS_JOB

    shutil.move(raw, raw.with_name("raw_elsewhere"))
    result = defs().resolve_job_def(ALL_ASSETS_JOB).execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert not result.success
    (failure,) = [event for event in result.all_events if event.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "parse_raw_reports"
    cause = failure.step_failure_data.error.cause  # (the UI shows it under Dagster's own wrapper)
    assert cause.cls_name == "RawDirMissing" and f"raw directory {raw} does not exist" in cause.message
    materialized = {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}
    assert materialized == set()  # the steps after the parse did not run
    assert snapshot(data) == before


def test_ogi_run_over_an_emptied_raw_folder_says_why_and_keeps_the_warehouse(published, monkeypatch):
    raw, data = published
    before = snapshot(data)
    for path in raw.iterdir():  # the mount point of a share that is not mounted
        path.unlink()
    code, out = ogi_run(raw, data, monkeypatch)
    assert code == 1 and "run: FAILED" in out
    failed = [line for line in out.splitlines() if line.startswith("  failed step:")]
    reason = (f"raw directory {raw} has no files, and the published tables have 5: nothing was parsed, the published "
              "tables are kept (a share that is not mounted looks like this). To empty the tables on purpose, remove "
              f"{data / 'parquet'} first.")
    assert failed == [f"  failed step: parse_raw_reports: orchestration.corpus.listing.RawDirEmptied: {reason}"]
    assert snapshot(data) == before


def test_a_crawl_writing_during_ogi_run_does_not_fail_it(published, monkeypatch):
    """Files a crawler adds, and one it renames, after the parse has listed the raw folder:
    the blocking accounting check passes, the warehouse is built from what the parse saw,
    and the summary says what changed; the next run takes it up."""
    raw, data = published
    from orchestration.corpus import run as corpus_run

    written = corpus_run.write_corpus
    first, second = sorted(raw.iterdir())[:2]

    def writing_then_crawling(*args, **kwargs):
        summary = written(*args, **kwargs)
        (raw / "arrived.txt").write_bytes(first.read_bytes() + "\n附:又一份。".encode())
        second.rename(raw / "renamed.txt")
        return summary

    monkeypatch.setattr(corpus_run, "write_corpus", writing_then_crawling)
    change_every_file(raw)
    code, out = ogi_run(raw, data, monkeypatch)
    assert code == 0 and "run: succeeded" in out, out
    assert ("  raw folder: 2 raw file(s) came and 1 went after the parse listed the raw folder: the next run takes "
            "them up") in out.splitlines()
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as connection:
        paths = {path for (path,) in connection.execute("select source_path from dim_source_file").fetchall()}
    assert second.name in paths and "arrived.txt" not in paths and len(paths) == 5

    monkeypatch.setattr(corpus_run, "write_corpus", written)
    code, out = ogi_run(raw, data, monkeypatch)
    assert code == 0 and "raw folder:" not in out
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as connection:
        paths = {path for (path,) in connection.execute("select source_path from dim_source_file").fetchall()}
    assert {"arrived.txt", "renamed.txt"} <= paths and second.name not in paths and len(paths) == 6


def test_ogi_run_says_what_the_raw_folder_layout_costs(published, monkeypatch):
    """The parse's warnings on the layout (corpus/layout.py) reach the step's log, the
    asset's metadata and ``ogi run``'s summary; here with the threshold for files at the
    top lowered to the five samples', as a crawl kept flat would reach it."""
    raw, data = published
    from orchestration.corpus import layout

    monkeypatch.setattr(layout, "TOP_FILES", 5)
    code, out = ogi_run(raw, data, monkeypatch)
    told = [line for line in out.splitlines() if line.startswith("  raw folder layout: ")]
    assert code == 0 and told == [(
        f"  raw folder layout: 5 files are at the top of the raw folder {raw}: they are one part of the tables, written "
        "again whole by every run that changes anything (about 85 µs of every such run a file), and not taken up "
        "after a run that stopped. Move them into sub-folders of about a thousand files, e.g. one per crawl batch "
        "(raw/<batch>/...): the folders a crawl does not touch are then kept as they are. Moving them costs less than "
        "a parse: their rows are taken by content hash")], out


def test_ogi_run_says_which_files_the_pipeline_failed_on(published, monkeypatch):
    """A file a crawler moves away after the parse listed it cannot be read: quarantined
    ``unreadable_file``, the run succeeds, and the summary says the pipeline failed on it
    (the warning check ``no_file_failed_in_the_pipeline``), apart from the input's faults."""
    raw, data = published
    from orchestration.corpus import run as corpus_run

    listed = corpus_run.raw_listing
    victim = sorted(raw.iterdir())[2]

    def listing_then_moved_away(raw_dir, folder=None, listed_so_far=None):
        files = listed(raw_dir, folder, listed_so_far)
        victim.unlink()
        return files

    monkeypatch.setattr(corpus_run, "raw_listing", listing_then_moved_away)
    change_every_file(raw)
    code, out = ogi_run(raw, data, monkeypatch)
    assert code == 0 and "run: succeeded" in out, out
    lines = out.splitlines()
    assert "  pipeline: 1 file(s) the pipeline failed on: unreadable_file 1" in lines
    assert "  failed warn: parquet/reports no_file_failed_in_the_pipeline" in lines
    assert not [line for line in lines if line.startswith("  failed error:")]


def test_a_dbt_failure_keeps_the_previous_warehouse(published, monkeypatch):
    _, data = published
    before = (data / "warehouse.duckdb").read_bytes()
    import dagster as dg
    import pyarrow.parquet as pq

    from orchestration.corpus import publish
    from orchestration.defs.resources import defs as resources
    from orchestration.defs.warehouse import warehouse_models

    # Publish Parquet that lacks a column the staging models read: dbt cannot build.
    staging = data / "parquet.d" / "staging-broken"
    staging.mkdir()
    shutil.copytree((data / "parquet").resolve(), staging, dirs_exist_ok=True)
    part = staging / "reports" / "_root.parquet"
    pq.write_table(pq.read_table(part).drop_columns(["template"]), part)
    publish(staging, data / "parquet")
    result = dg.materialize(
        [warehouse_models],
        resources=resources.resources,
        raise_on_error=False,
    )
    assert not result.success
    assert (data / "warehouse.duckdb").read_bytes() == before
    assert not (data / "warehouse.building.duckdb").exists()
    assert not (data / "warehouse.building.duckdb.wal").exists()
    (failure,) = result.get_step_failure_events()
    told = failure.step_failure_data.user_failure_data.description
    # The first model's error as dbt gave it, not only that dbt failed.
    assert told.startswith("dbt could not build the warehouse: Runtime Error in model stg_parquet__reports "), told
    assert '"template"' in told and told.endswith("; the previous warehouse is kept."), told


def _cut_warehouse(data: Path, keep: float) -> int:
    """Cut the published warehouse short (a crash of the machine before its blocks were on the disk)."""
    path = data / "warehouse.duckdb"
    os.truncate(path, int(path.stat().st_size * keep))
    return path.stat().st_size


WAREHOUSE_TABLES = "select table_name, estimated_size from duckdb_tables() order by all"


def test_a_damaged_warehouse_is_built_again_from_the_parquet(published):
    """Cut short, DuckDB cannot open the copy a build starts from; every model is then
    built from the Parquet into an empty file, with a warning, rather than every run failing."""
    _, data = published
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as connection:
        before = connection.execute(WAREHOUSE_TABLES).fetchall()
        requests = connection.execute("select * from fct_requests order by all").fetchall()
    _cut_warehouse(data, 0.5)
    import dagster as dg

    from orchestration.defs.resources import defs as resources
    from orchestration.defs.warehouse import warehouse_models

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([warehouse_models], resources=resources.resources, instance=instance)
    warnings = [record.user_message for record in instance.all_logs(result.run_id) if record.level == logging.WARNING]
    (warning,) = warnings
    assert re.fullmatch(re.escape(f"the published warehouse {data / 'warehouse.duckdb'} is damaged (IO Error: Could not "
                                  f'read enough bytes from file "{data / "warehouse.duckdb"}": attempted to read ')
                        + r"\d+ bytes from location \d+\): every model is built again from the Parquet, into an empty file",
                        warning), warning
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as connection:
        assert connection.execute(WAREHOUSE_TABLES).fetchall() == before
        assert connection.execute("select * from fct_requests order by all").fetchall() == requests
        assert len(requests) > 10


def test_a_build_of_some_models_on_a_damaged_warehouse_says_what_to_do(published):
    _, data = published
    _cut_warehouse(data, 0.5)
    import dagster as dg

    from orchestration.defs.resources import defs as resources
    from orchestration.defs.warehouse import warehouse_models

    result = dg.materialize([warehouse_models], resources=resources.resources, raise_on_error=False,
                            selection=[dg.AssetKey("fct_issues")])
    assert not result.success
    (failure,) = result.get_step_failure_events()
    told = failure.step_failure_data.user_failure_data.description
    assert told.startswith(f"the published warehouse {data / 'warehouse.duckdb'} is damaged (IO Error: "), told
    assert told.endswith("Materialize every warehouse asset (or `ogi run`) to build it again from the Parquet."), told
    assert not (data / "warehouse.building.duckdb").exists()


def test_dbt_stopping_before_any_model_says_why(published, monkeypatch):
    """dbt that cannot open its warehouse writes no run results: the failure line has
    dbt's own error (it said only that run_results.json was missing)."""
    _, data = published
    before = _cut_warehouse(data, 0.5)
    import dagster as dg

    from orchestration import warehouse
    from orchestration.defs.resources import defs as resources
    from orchestration.defs.warehouse import warehouse_models

    monkeypatch.setattr(warehouse, "warehouse_damage", lambda path, named=None: None)  # (as if not told)
    result = dg.materialize([warehouse_models], resources=resources.resources, raise_on_error=False)
    assert not result.success
    (failure,) = result.get_step_failure_events()
    told = failure.step_failure_data.user_failure_data.description
    assert told.startswith("dbt could not build the warehouse: Encountered an error: IO Error: Could not read enough "
                           f'bytes from file "{data / "warehouse.building.duckdb"}"'), told
    assert told.endswith("; the previous warehouse is kept."), told
    assert (data / "warehouse.duckdb").stat().st_size == before


def test_warehouse_damage_is_told_by_duckdb_and_the_blocks_it_counts(published, tmp_path):
    _, data = published
    from orchestration.warehouse import warehouse_damage

    whole = data / "warehouse.duckdb"
    assert warehouse_damage(whole) is None
    size = whole.stat().st_size
    # Its last block cut: DuckDB still opens it (its catalog is before), the count of blocks says it.
    shutil.copyfile(whole, tmp_path / "cut.duckdb")
    os.truncate(tmp_path / "cut.duckdb", size - 5000)
    assert warehouse_damage(tmp_path / "cut.duckdb") == f"{size - 5000:,} bytes, and its blocks need {size:,}"
    (tmp_path / "empty.duckdb").write_bytes(b"")
    assert "not a valid DuckDB database file" in warehouse_damage(tmp_path / "empty.duckdb", whole)
    assert str(whole) in warehouse_damage(tmp_path / "empty.duckdb", whole)


def test_a_reader_holding_the_warehouse_open_does_not_block_a_run(published, monkeypatch):
    raw, data = published
    reader = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        assert reader.execute("select count(*) from dim_report").fetchone() == (5,)
        (raw / "more.txt").write_bytes(national("辛县人民政府办公室", 2021, seed=9).encode())
        code, out = ogi_run(raw, data, monkeypatch)
        assert code == 0, out
        # The reader keeps its consistent, complete view of the old warehouse...
        assert reader.execute("select count(*) from dim_report").fetchone() == (5,)
        assert reader.execute("select count(*) from fct_requests").fetchone()[0] > 0
    finally:
        reader.close()
    # ...and a new session sees the new one.
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as fresh:
        assert fresh.execute("select count(*) from dim_report").fetchone() == (6,)


def test_a_killed_run_leaves_the_published_outputs(published):
    raw, data = published
    before = snapshot(data)
    text = national("壬县人民政府办公室", 2021, seed=10)
    for index in range(4000):
        (raw / "bulk" / f"{index:05d}.txt").parent.mkdir(exist_ok=True)
        (raw / "bulk" / f"{index:05d}.txt").write_text(text.replace("壬县", f"壬{index}县"), encoding="utf-8")
    env = {**os.environ, "OGI_RAW_DIR": str(raw), "OGI_DATA_DIR": str(data)}
    env.pop("DAGSTER_HOME", None)
    process = subprocess.Popen([sys.executable, "-m", "orchestration.cli", "run"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    # Kill it once it is writing the new Parquet aside.
    while time.monotonic() < deadline and not any(p.name.startswith("staging-") for p in (data / "parquet.d").iterdir()):
        time.sleep(0.05)
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert snapshot(data) == before


def test_a_changed_file_replaces_its_rows_in_the_warehouse(published, monkeypatch):
    raw, data = published
    sample_file = raw / "002_a14c2c8461655229.txt"
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as db:
        (old_id,) = db.execute("select report_id from dim_report where source_path = ?", [sample_file.name]).fetchone()
    # The page is corrected: 180 procurement projects become 181.
    sample_file.write_text(sample_file.read_text(encoding="utf-8").replace("\n180\n", "\n181\n"), encoding="utf-8")
    code, out = ogi_run(raw, data, monkeypatch)
    assert code == 0, out
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as db:
        (new_id,) = db.execute("select report_id from dim_report where source_path = ?", [sample_file.name]).fetchone()
        assert new_id != old_id
        for table in ("fct_requests", "fct_appeals", "fct_disclosures", "fct_report_values", "dim_report"):
            assert db.execute(f"select count(*) from {table} where report_id = ?", [old_id]).fetchone() == (0,), table
        assert db.execute(
            "select value from fct_disclosures where report_id = ? and measure = 'procurement_projects'", [new_id]
        ).fetchone() == (181,)


def _tables(db) -> dict[str, list]:
    names = [row[0] for row in db.execute(
        "select table_name from information_schema.tables where table_schema = 'main' order by 1").fetchall()]
    return {name: db.execute(f"select * from {name} order by all").fetchall() for name in names}


_FACT_MARTS = ("fct_requests", "fct_appeals", "fct_disclosures", "fct_other_figures")


def test_an_incremental_build_equals_a_build_from_scratch(published, monkeypatch):
    """The second build of a data folder keeps the fact rows of the reports whose
    figures did not change, and ends with the same tables as a build from scratch."""
    raw, data = published
    kept, changed, deleted, moved = (raw / f"{name}.txt" for name in (
        "000_e0a35a2ab27e6366", "002_a14c2c8461655229", "003_da13f4a091621947", "001_52ee1c9a66fdb884"))
    with duckdb.connect(str(data / "warehouse.duckdb")) as db:
        ids = dict(db.execute("select source_path, report_id from dim_report").fetchall())
        # Mark the rows of a report that will not change: a rebuilt row would lose the mark.
        marked = db.execute("update fct_requests set snippet = '[kept] ' || snippet where report_id = ? returning 1",
                            [ids[kept.name]]).fetchall()
        assert len(marked) > 10
    changed.write_text(changed.read_text(encoding="utf-8").replace("\n180\n", "\n181\n"), encoding="utf-8")
    deleted.unlink()
    (raw / "moved").mkdir()
    moved.rename(raw / "moved" / moved.name)  # same content, so the same report, under another path
    (raw / "new.txt").write_bytes(national("辛县人民政府办公室", 2021, seed=9).encode())

    code, out = ogi_run(raw, data, monkeypatch)
    assert code == 0, out
    with duckdb.connect(str(data / "warehouse.duckdb")) as db:
        assert db.execute("select count(*), count(*) filter (where snippet like '[kept] %') from fct_requests "
                          "where report_id = ?", [ids[kept.name]]).fetchone() == (len(marked), len(marked))
        now = dict(db.execute("select source_path, report_id from dim_report").fetchall())
        assert sorted(now) == sorted([kept.name, changed.name, "moved/" + moved.name, "004_4aa281a40ca079eb.txt", "new.txt"])
        assert now["moved/" + moved.name] == ids[moved.name]
        for table in _FACT_MARTS:
            for gone in (ids[changed.name], ids[deleted.name]):
                assert db.execute(f"select count(*) from {table} where report_id = ?", [gone]).fetchone() == (0,), table
        assert db.execute("select value from fct_disclosures where report_id = ? and measure = 'procurement_projects'",
                          [now[changed.name]]).fetchone() == (181,)
        assert db.execute("select count(*) from fct_requests where report_id = ?", [now["new.txt"]]).fetchone()[0] > 100
        assert db.execute("select count(*) from fct_requests where report_id = ?",
                          [ids[moved.name]]).fetchone()[0] > 0
        db.execute("update fct_requests set snippet = substr(snippet, 8) where snippet like '[kept] %'")
        incremental = _tables(db)

    code, out = ogi_run(raw, data, monkeypatch, OGI_WAREHOUSE_FULL_REBUILD="1")
    assert code == 0, out
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as db:
        assert db.execute("select count(*) from fct_requests where snippet like '[kept] %'").fetchone() == (0,)
        from_scratch = _tables(db)
        moved_rows = db.execute("select count(*) from fct_requests where report_id = ?", [ids[moved.name]]).fetchone()[0]
    assert {*_FACT_MARTS, "dim_report"} <= set(from_scratch)
    assert incremental.keys() == from_scratch.keys()
    for table, rows in from_scratch.items():
        assert incremental[table] == rows, table

    # A crawl adds a folder: the folder moved/ keeps its Parquet part, and the warehouse reads both.
    (raw / "later").mkdir()
    (raw / "later" / "x.txt").write_bytes(national("壬县人民政府办公室", 2021, seed=10).encode())
    code, out = ogi_run(raw, data, monkeypatch)
    assert code == 0, out
    assert "parsed this run: 1 (1 more kept in folders that did not change)" in out
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as db:
        counts = dict(db.execute("select r.source_path, count(*) from fct_requests f join dim_report r using (report_id) "
                                 "group by 1").fetchall())
    assert counts["later/x.txt"] > 100 and counts["moved/" + moved.name] == moved_rows


def test_a_build_leaves_no_report_for_the_next_to_insert(crawl, tmp_path):
    """After a build every report a fact mart has figures for is there under its current
    hash, so the next build over the same Parquet has nothing to insert (the marts' own
    macro, current_fingerprints, against each mart) and reads none of the mart's figures.
    A report with no figure for a mart (a page cut off before table 四 has no appeals; a
    national form, nothing for fct_other_figures) has no hash for it: before, one hash per
    report listed such reports as still to insert on every build, and each mart read all
    of its figures again to find none."""
    _, _, _, warehouse = crawl
    for mart in _FACT_MARTS:
        assert warehouse.execute(
            f"select count(*) from {mart} m left join int_report_fingerprints f using (report_id) "
            f"where f.{mart}_fingerprint is distinct from m.figures_fingerprint").fetchone() == (0,), mart
    without = dict(warehouse.execute(" union all ".join(
        f"select '{mart}', count(*) from int_report_fingerprints where {mart}_fingerprint is null" for mart in _FACT_MARTS
    )).fetchall())
    assert without["fct_appeals"] > 0 and without["fct_other_figures"] > 0, without

    copy = tmp_path / "warehouse.duckdb"  # (the fixture holds the file open)
    shutil.copyfile(warehouse.execute("select path from duckdb_databases() where database_name = 'warehouse'").fetchone()[0],
                    copy)
    to_insert = dbt_show(" union all ".join(
        f"select '{mart}' as mart, count(*) as reports from (({{{{ current_fingerprints('{mart}') }}}}) "
        f"except select distinct report_id, figures_fingerprint from {{{{ ref('{mart}') }}}})" for mart in _FACT_MARTS
    ), copy, tmp_path / "target")
    assert {row["mart"]: row["reports"] for row in to_insert} == dict.fromkeys(_FACT_MARTS, 0)


def test_report_summary_of_a_2021_page(crawl):
    _, _, _, warehouse = crawl
    t3 = synthetic.consistent_table3("t2021", 3)
    t4 = synthetic.consistent_table4(3)
    row = warehouse.execute(
        "select applications_received, applications_carried_over, applications_processed, granted, partially_granted, "
        "denied, unable_to_provide, not_processed, applications_carried_forward, reviews, reviews_corrected, lawsuits, "
        "lawsuits_corrected, grant_rate from report_summary s join dim_report r using (report_id) "
        "where r.source_path = 'good/page.html'").fetchone()
    total = lambda *items: sum(t3[i][6] for i in items)
    denied = [i for i in t3 if i.startswith("denied_")]
    unavailable = [i for i in t3 if i.startswith("unavailable_")]
    not_processed = [i for i in t3 if i.startswith("not_processed_")]
    assert row == (
        total("new_received"), total("carried_over"), total("total_processed"), total("granted"),
        total("partially_granted"), total(*denied), total(*unavailable), total(*not_processed),
        total("carried_forward"), t4[4], t4[1], t4[9] + t4[14], t4[6] + t4[11],
        round(total("granted") / total("total_processed"), 4),
    )


def test_organs_of_every_input_kind_are_placed(crawl):
    _, _, _, warehouse = crawl
    placed = {path: rest for path, *rest in warehouse.execute(
        "select source_path, province, prefecture_code, county_code, agency_level, region_source from dim_report "
        "where source_path in ('good/page.html', 'good/attachment.pdf', 'good/mirror.txt')").fetchall()}
    assert placed == {
        "good/page.html": ["新疆维吾尔自治区", "652700", "652722", "county", "agency_name"],
        "good/attachment.pdf": ["陕西省", "610600", "610628", "county", "agency_name"],
        # a traditional-character mirror: 合水縣 is placed after conversion
        "good/mirror.txt": ["甘肃省", "621000", "621024", "county", "agency_name"],
    }
