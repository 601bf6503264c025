"""Word documents (.docx): reports published as attachments, read as HTML pages are;
damaged ones quarantined with a reason."""

from __future__ import annotations

import io
import random
import zipfile
from functools import cache
from pathlib import Path

import docx
import pytest

from orchestration import synthetic
from orchestration.parsing import parse_bytes
from orchestration.parsing.formats import html_to_text
from orchestration.parsing.package import MAX_XML_BYTES
from orchestration.parsing.word import read_docx, read_word2003

from .conftest import as_map
from .docx_builder import docx_from_html, docx_from_rows, docx_with_body, saved
from .mhtml_builder import mhtml_from_html
from .test_formats import T2, assert_the_national_page, reference


@cache  # (python-docx takes most of a second to merge a report's cells)
def _report(layout: str) -> tuple[str, bytes, dict]:
    t3, t4, want = reference(layout)
    page = synthetic.national_report_html("精河县人民政府办公室", 2021, layout, T2[layout], t3, t4)
    return page, docx_from_html(page), want


@pytest.mark.parametrize("layout", ["t2019", "t2021"])
def test_a_word_report_with_merged_cells(layout):
    """The template's tables as Word writes them: header cells merged across, table 三's
    outcome groups merged down; every figure in its column, none twice."""
    page, data, want = _report(layout)
    assert_the_national_page(parse_bytes(data, "attachments/report.docx"), layout, want, "docx", "docx")
    # and the text of the HTML page it was made from, line for line (Word's rows are as
    # wide as the table: the HTML's shorter rows have no empty cells at their ends)
    assert _rows_ended(read_docx(data)[0]) == _rows_ended(html_to_text(page))


def _rows_ended(text: str) -> list[str]:
    return [line.rstrip(" |") for line in text.splitlines()]


@pytest.mark.parametrize("name", ["attachments/report.doc", "attachments/download", "attachments/report.DOCX"])
def test_a_word_report_is_known_by_its_content_not_its_name(name):
    """Sites serve .docx files as .doc, or under a download link's name."""
    _, data, want = _report("t2021")
    parse = parse_bytes(data, name)
    assert (parse.status, parse.source_format) == ("parsed", "docx")
    assert as_map(parse.result.values) == want


@pytest.mark.parametrize("target,embedded", [("/word/afchunk.mht", "mhtml"), ("page.htm", "html")])
def test_a_word_document_embedding_a_page_gives_the_page_s_figures(target, embedded):
    """Office systems that write Word files from pages put the page in whole (w:altChunk),
    with no paragraph of the document's own: that read as an empty document."""
    t3, t4, want = reference("t2021")
    page = synthetic.national_report_html("精河县人民政府办公室", 2021, "t2021", T2["t2021"], t3, t4, charset="gb2312")
    chunk = mhtml_from_html(page) if embedded == "mhtml" else page.encode("gb18030")
    name = target[1:] if target.startswith("/") else "word/" + target
    relationships = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                     'package/2006/relationships"><Relationship Id="htmlChunk" Type="http://schemas.openxmlformats.org/'
                     f'officeDocument/2006/relationships/aFChunk" Target="{target}"/></Relationships>')
    data = docx_with_body('<w:altChunk r:id="htmlChunk"/><w:sectPr/>', parts={
        "word/_rels/document.xml.rels": relationships.encode(), name: chunk})
    parse = parse_bytes(data, "attachments/report.doc")
    assert (parse.status, parse.source_format, parse.encoding) == ("parsed", "docx", "gb18030")
    assert as_map(parse.result.values) == want
    assert not parse.result.issues


def test_a_word_document_whose_first_part_is_a_large_picture():
    """Its parts' names come after the first 64 KiB: found in the ZIP's directory at its end."""
    _, data, want = _report("t2021")
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    picture = random.Random(45).randbytes(100_000)  # packs no smaller, as a JPEG does not
    reordered = _zip({"customXml/cover.jpeg": picture, **parts})
    assert b"word/" not in reordered[:65536]
    parse = parse_bytes(reordered, "attachments/download")
    assert (parse.status, parse.source_format) == ("parsed", "docx")
    assert as_map(parse.result.values) == want


def test_merged_cells_keep_the_columns_as_in_html():
    data = docx_from_rows([[("合并", 1, 2), ("3", 1, 1)], [("a", 1, 1), ("b", 2, 1), ("4", 1, 1)], [("c", 1, 1), ("5", 1, 1)]])
    assert read_docx(data) == ("| 合并 |  | 3 |\n| a | b | 4 |\n| c |  | 5 |\n", None, "", None, 0, "")


def test_paragraphs_tabs_breaks_and_cells_of_several_paragraphs():
    document = docx.Document()
    document.add_paragraph("行政许可\t12\t\t3")  # a tab-aligned row: its cells stay apart
    run = document.add_paragraph().add_run("收到申请7件")
    run.add_break()
    run.add_text("办结6件")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "结果"
    table.cell(0, 0).add_paragraph("纠正")  # a header's words on two lines of its cell
    table.cell(0, 1).text = "  45 "
    assert read_docx(saved(document))[0] == "行政许可\t12\t\t3\n收到申请7件\n办结6件\n| 结果 纠正 | 45 |\n"


def test_what_is_not_the_page_s_text_is_left_out():
    """Tab stops in a paragraph's properties, text a tracked change deleted, the copy of a
    text box kept for old readers: none is text of the page (a deleted figure would count)."""
    body = (
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>主动公开政府信息</w:t></w:r>'
        '<w:del w:id="1" w:author="x"><w:r><w:delText>99</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="x"><w:r><w:t>120</w:t></w:r></w:ins><w:r><w:t xml:space="preserve">条</w:t></w:r></w:p>'
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
        '<w:p><w:r><w:t>收到申请35件</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>'
        '<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>收到申请35件</w:t></w:r></w:p></w:txbxContent></w:pict>'
        '</mc:Fallback></mc:AlternateContent></w:r></w:p>'
        '<w:sdt><w:sdtContent><w:p><w:r><w:t>第二十条</w:t></w:r><w:r><w:noBreakHyphen/><w:t>1</w:t></w:r></w:p>'
        '</w:sdtContent></w:sdt>'
        '<w:tbl><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>行政处罚</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>8</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>'
        '<w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>'
        '<w:p><w:r><w:t>6</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>'
        '<w:tc><w:p><w:r><w:t>d</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
    )
    assert read_docx(docx_with_body(body))[0] == (
        "主动公开政府信息120条\n收到申请35件\n第二十条-1\n|  | 行政处罚 | 8 |  |  |\n| a | 6 | b |\n| c |  | d |\n"
    )


def test_a_text_box_in_a_cell_keeps_its_text_in_the_cell():
    box = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>12</w:t></w:r>'
           '</w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>12</w:t>'
           '</w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    body = f'<w:tbl><w:tr><w:tc><w:p><w:r><w:t>行政许可</w:t></w:r></w:p></w:tc><w:tc><w:p>{box}</w:p></w:tc></w:tr></w:tbl>'
    assert read_docx(docx_with_body(body))[0] == "| 行政许可 | 12 |\n"


def test_a_strict_open_xml_document():
    body = '<w:p><w:r><w:t>收到申请7件</w:t></w:r></w:p>'
    data = docx_with_body(body, namespace="http://purl.oclc.org/ooxml/wordprocessingml/main")
    assert read_docx(data) == ("收到申请7件\n", None, "", None, 0, "")


def test_a_table_laying_out_tables_gives_their_rows():
    inner = '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>行政许可</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    body = f'<w:tbl><w:tr><w:tc><w:p><w:r><w:t>二、主动公开</w:t></w:r></w:p>{inner}</w:tc></w:tr></w:tbl>'
    assert read_docx(docx_with_body(body))[0] == "二、主动公开\n| 行政许可 | 12 |\n"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _document_offset(docx: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.getinfo("word/document.xml").header_offset


@pytest.mark.parametrize("past_the_document_part", [-1500, -900, 60, 5000])
def test_a_word_document_cut_short_is_read_from_its_document_part(past_the_document_part):
    """A download stopped early loses the ZIP's directory, at its end, and was unreadable_docx
    whatever it held. Word writes its document part among the first, so it is found by its
    local header: whole (here 60 and 5,000 bytes past its end: every figure), or read up to the
    cut, the table row cut in two left out (no figure wrong); the file says it is incomplete."""
    _, whole, want = _report("t2021")
    with zipfile.ZipFile(io.BytesIO(whole)) as archive:
        info = archive.getinfo("word/document.xml")
    end = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size
    parse = parse_bytes(whole[: end + past_the_document_part], "attachments/report.docx")
    assert (parse.status, parse.source_format) == ("parsed", "docx")
    got = {key: value for key, value in as_map(parse.result.values).items() if value is not None}
    assert got == {key: want[key] for key in got}
    told = [issue.message for issue in parse.all_issues if issue.code == "incomplete"]
    assert told[0].startswith("the file ends before its ZIP does (a download cut short): ")
    if past_the_document_part > 0:
        assert as_map(parse.result.values) == want and len(told) == 1
        assert "its document part whole, found by its header" in told[0]
    else:
        assert 20 < len(got) < len(want) and "read up to the cut" in told[0]


@pytest.mark.parametrize("case,code,detail", [
    ("cut before its text", "unreadable_docx", "BadZipFile: File is not a zip file (cut short or damaged?)"),
    ("no body part", "unreadable_docx", "a ZIP of Word's parts without word/document.xml (not a whole Word document)"),
    ("broken XML", "unreadable_docx", "word/document.xml: XMLSyntaxError: "),
    ("images only", "empty_file", "the Word document holds no text (only images, a scan?)"),
    ("a bomb", "unreadable_docx", f"its word/document.xml unpacks to {MAX_XML_BYTES + 2:,} bytes (over {MAX_XML_BYTES:,})"),
])
def test_a_damaged_word_document_is_quarantined_with_its_reason(case, code, detail):
    if case == "cut before its text":  # (just past the document part's local header)
        whole = _report("t2021")[1]
        data = whole[: _document_offset(whole) + 60]
    elif case == "no body part":
        data = _zip({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<w:styles/>"})
    elif case == "broken XML":
        data = _zip({"word/document.xml": "<w:document><w:body><w:p>收到申请3件".encode()})
    elif case == "images only":
        data = docx_with_body('<w:p><w:r><w:drawing/></w:r></w:p><w:sectPr/>')
    else:  # 64 MiB of spaces packs into a few KiB
        data = _zip({"word/document.xml": b"<" + b" " * (MAX_XML_BYTES + 1)})
    parse = parse_bytes(data, "attachments/report.docx")
    assert (parse.status, parse.source_format, parse.quarantine_code) == ("quarantined", "docx", code)
    message = [issue.message for issue in parse.issues]
    assert len(message) == 1 and message[0].startswith(detail), message


# ---------------------------------------------------------------- Word 2003's XML document


def test_a_word_2003_xml_report_reads_as_its_docx():
    """Word 2003's XML document ("Word XML Document": one XML file, as office systems that fill a
    template write reports, served as .doc), here saved by LibreOffice from the .docx: the same
    text, figures, organ and date. Before, its markup was read as text: the figures by luck of
    its lines, no organ, no date, and every snippet XML."""
    _, _, want = _report("t2021")
    xml = (Path(__file__).parent / "word97" / "national_t2021.xml").read_bytes()  # (tools/make_word97_fixtures.py)
    for name in ("attachments/report.doc", "attachments/report.xml", "attachments/download"):
        parse = parse_bytes(xml, name)
        assert_the_national_page(parse, "t2021", want, "wordml", "wordml")
        assert "<w:" not in parse.text and parse.text.splitlines()[2] == "精河县人民政府办公室2021年政府信息公开工作年度报告"


@pytest.mark.parametrize("share", [0.45, 0.6, 0.75, 0.9])
def test_a_word_2003_document_cut_short_keeps_what_comes_before_the_cut(share):
    """A download stopped early, inside a table row (whose first cells alone are left out with
    it: they would be taken for the row's), a cell or a tag: the text before the cut is read, no
    figure is wrong, and the file says it is incomplete. Before, it was unreadable_docx."""
    _, _, want = reference("t2021")
    whole = (Path(__file__).parent / "word97" / "national_t2021.xml").read_bytes()
    parse = parse_bytes(whole[: int(len(whole) * share)], "attachments/report.doc")
    assert (parse.status, parse.source_format) == ("parsed", "wordml")
    got = {key: value for key, value in as_map(parse.result.values).items() if value is not None}
    assert 20 < len(got) < len(want) and got == {key: want[key] for key in got}
    assert any(issue.code == "incomplete" and issue.message.startswith("the file ends before its XML does")
               for issue in parse.all_issues)


W2003 = "http://schemas.microsoft.com/office/word/2003/wordml"


def _word2003(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><?mso-application progid="Word.Document"?>'
            f'<w:wordDocument xmlns:w="{W2003}" xmlns:wx="http://schemas.microsoft.com/office/word/2003/auxHint">'
            f'<w:body><wx:sect>{body}<w:sectPr/></wx:sect></w:body></w:wordDocument>').encode()


def test_a_word_2003_document_s_merged_cells_keep_their_columns():
    """A template's table as a FreeMarker export writes it: a cell merged down (w:vmerge, not a
    .docx's w:vMerge), one across (w:gridSpan), paragraphs in a sub-section."""
    row = "<w:tr>{}</w:tr>"
    cell = "<w:tc>{}<w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    table = "<w:tbl>" + row.format(cell.format('<w:tcPr><w:vmerge w:val="restart"/></w:tcPr>', "结果纠正")
                                   + cell.format("", "12") + cell.format("", "3")) + row.format(
        cell.format("<w:tcPr><w:vmerge/></w:tcPr>", "") + cell.format('<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>', "45")
    ) + "</w:tbl>"
    body = ('<wx:sub-section><w:p><w:r><w:t>某县2021年政府信息公开工作年度报告</w:t></w:r></w:p>'
            '<w:p><w:r><w:t xml:space="preserve">行政许可</w:t></w:r><w:r><w:tab/><w:t>7</w:t></w:r></w:p></wx:sub-section>' + table)
    text, problem, detail, pictures, cut = read_word2003(_word2003(body))
    assert (problem, detail, pictures, cut) == (None, "", 0, False)
    assert text.splitlines() == ["某县2021年政府信息公开工作年度报告", "行政许可\t7", "| 结果纠正 | 12 | 3 |", "|  | 45 |  |"]


@pytest.mark.parametrize("data,code,detail", [
    (_word2003("<w:p><w:r><w:t>未完")[:-40], "unreadable_docx", "the Word 2003 XML document is cut short before any of its text"),
    (_word2003("<w:p><w:r><w:t>未完</w:x></w:r></w:p>"), "unreadable_docx", "a Word 2003 XML document: XMLSyntaxError: "),
    (_word2003("<w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>"), "empty_file",
     "the Word 2003 XML document holds no text (only images, a scan?)"),
])
def test_a_damaged_or_empty_word_2003_document_is_quarantined(data, code, detail):
    parse = parse_bytes(data, "attachments/report.doc")
    assert (parse.status, parse.source_format, parse.quarantine_code) == ("quarantined", "wordml", code)
    assert parse.quarantine_reason.startswith(detail)
