"""The title a document's properties give (Word's and WPS's File > Properties, a PDF's
document information, an OFD's DocInfo, a workbook's) names the organ and the year where
the document's text names neither, as a page's head does (test_page_head.py), and after
it; the text's own title wins; a title that names nothing ("文档1") names nothing; a
damaged property part never fails the file."""

from __future__ import annotations

import io
import re
import zipfile
from functools import cache
from pathlib import Path

import docx
import pytest
from pdfminer.pdftypes import PDFStream

from orchestration.parsing import parse_bytes
from orchestration.parsing.properties import _xmp_title, document_title, info_title, shown_title

from .conftest import as_map
from .docx_builder import docx_from_html
from .docx_builder import saved as saved_docx
from .ofd_builder import ofd_from_rows
from .pdf_builder import pdf_from_rows
from .rtf_builder import HEADER, rtf_from_html
from .test_formats import _pdf_rows, reference
from .test_workbook import national_page
from .workbook_builder import saved, xlsx_from_html
from .zip_builder import rewritten

FIXTURES = Path(__file__).parent
TITLE = "甲县教育局2022年政府信息公开工作年度报告"
# As a PDF printer names the document: the window's title, the file's name in it.
PRINTED_TITLE = f"Microsoft Word - {TITLE}.doc"
# A report's lines and no title, organ or year: a cover set as a picture.
LINES = ("一、总体情况", "本机关认真贯彻落实《中华人民共和国政府信息公开条例》。")


def untitled_rows() -> list[list[str]]:
    """The national report's rows as a PDF or OFD lays them out, without its title and period."""
    t3, t4, _ = reference("t2021")
    return _pdf_rows("t2021", t3, t4)[2:]


@cache
def untitled_page() -> str:
    """The national report's page (精河县人民政府办公室, 2021) without its title (in its head
    and its body) and its period: it names no organ and no year."""
    page = national_page("t2021")
    for element in (r"<title>.*?</title>", r"<h1>.*?</h1>", r"<p>本报告中所列数据的统计期限.*?</p>"):
        page = re.sub(element, "", page)
    return page


def titled_docx(title: str = TITLE) -> bytes:
    """The untitled page as a Word document whose title property is ``title`` (also saved as
    tests/word97/titled.doc by tools/make_word97_fixtures.py)."""
    document = docx.Document(io.BytesIO(docx_from_html(untitled_page())))
    document.core_properties.title = title
    return saved_docx(document)


def titled_workbook() -> bytes:
    """The untitled page as a workbook whose title property names 乙县农业农村局's 2021 report
    (also saved as tests/workbooks/titled.xls by tools/make_workbook_fixtures.py)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx_from_html(untitled_page())))
    book.properties.title = "乙县农业农村局2021年度政府信息公开工作年度报告"
    return saved(book)


def _meta(data: bytes, name: str):
    parse = parse_bytes(data, f"raw/a/{name}", max_year=2026)
    assert parse.status == "parsed", parse.quarantine_reason
    meta = parse.result.metadata
    return (meta.agency_name, meta.agency_source, meta.report_year, meta.year_source), parse


# What the untitled report names without its title property: no organ, and its year only as the
# year before its publication date's (2022-01-…).
UNTITLED_META = (None, None, 2021, "before_published")


def test_without_its_title_property_the_untitled_report_names_no_organ_and_no_year_but_its_date_s():
    got, parse = _meta(untitled_page().encode(), "page.html")
    assert got == UNTITLED_META
    codes = {issue.code for issue in parse.all_issues}
    assert "no_agency_name" in codes and "no_report_year" not in codes


def test_a_word_document_s_title_property_names_the_organ_and_the_year():
    got, parse = _meta(titled_docx(), "report.docx")
    assert got == ("甲县教育局", "document_title", 2022, "document_title")
    assert not {"no_agency_name", "no_report_year"} & {issue.code for issue in parse.all_issues}
    # The figures are read as before: the title is no part of the text.
    assert as_map(parse.result.values) == reference("t2021")[2]


@pytest.mark.parametrize("title,want", [
    (PRINTED_TITLE, ("甲县教育局", "document_title", 2022, "document_title")),
    # A path, as some printers and converters give the file.
    (f"D:\\年报\\2022\\{TITLE}.docx", ("甲县教育局", "document_title", 2022, "document_title")),
    ("2022年度乙县农业农村局政府信息公开工作年度报告（定稿）", ("乙县农业农村局", "document_title", 2022, "document_title")),
    # A title the author never set names nothing.
    ("Microsoft Word - 文档1", (None, None, None, None)),
    ("untitled", (None, None, None, None)),
])
def test_a_pdf_s_title_is_read_as_a_window_title_is(title, want):
    got, parse = _meta(pdf_from_rows(untitled_rows(), title=title), "report.pdf")
    assert got == want
    assert as_map(parse.result.values) == reference("t2021")[2]


def test_a_pdf_title_in_gbk_or_utf8_bytes_is_decoded():
    """The PDF format's strings are UTF-16 with its mark or PDFDocEncoding; Chinese tools also
    write GBK's or UTF-8's bytes as they are."""
    import pikepdf

    for encoded in (TITLE.encode("gbk"), TITLE.encode("utf-8"), b"\xfe\xff" + TITLE.encode("utf-16-be")):
        with pikepdf.open(io.BytesIO(pdf_from_rows([[line] for line in LINES]))) as pdf:
            pdf.docinfo["/Title"] = pikepdf.String(encoded)
            buffer = io.BytesIO()
            pdf.save(buffer)
        got, _ = _meta(buffer.getvalue(), "report.pdf")
        assert got == ("甲县教育局", "document_title", 2022, "document_title"), encoded


def test_the_pdf_title_reader_takes_the_first_dictionary_with_a_title():
    assert info_title([{}, {"Title": TITLE.encode("gbk")}]) == TITLE
    assert info_title([{"Author": b"x"}]) is None
    assert info_title([{"Title": b"  Report\x00  2022 "}]) == "Report 2022"


def test_a_pdf_s_xmp_title_is_read_where_its_document_information_has_none():
    """PDF 2.0 deprecates the document information: a writer may give its title in the XMP
    metadata alone."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_from_rows(untitled_rows(), title="x"))) as pdf:
        del pdf.docinfo["/Title"]
        with pdf.open_metadata(update_docinfo=False) as meta:
            meta["dc:title"] = PRINTED_TITLE
        buffer = io.BytesIO()
        pdf.save(buffer)
    got, parse = _meta(buffer.getvalue(), "report.pdf")
    assert "/Title" not in pikepdf.open(io.BytesIO(buffer.getvalue())).docinfo
    assert got == ("甲县教育局", "document_title", 2022, "document_title")
    assert as_map(parse.result.values) == reference("t2021")[2]
    # A title in several languages: the first alternative (the default), not all joined.
    xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt>'
           f'<rdf:li xml:lang="x-default">{TITLE}</rdf:li><rdf:li xml:lang="en">Annual report</rdf:li>'
           '</rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>').encode()
    assert _xmp_title(PDFStream({}, xmp)) == TITLE
    assert _xmp_title(None) is None


@pytest.mark.parametrize("info,xmp,want", [
    # A placeholder in the information, the Chinese title in the XMP: the XMP's.
    ("untitled", PRINTED_TITLE, ("甲县教育局", "document_title", 2022, "document_title")),
    # The Chinese title in the information, a placeholder in the XMP: the information's.
    (PRINTED_TITLE, "Document1", ("甲县教育局", "document_title", 2022, "document_title")),
    # Both placeholders: nothing named.
    ("untitled", "Document1", (None, None, None, None)),
])
def test_a_pdf_s_xmp_title_is_read_where_its_document_information_s_is_a_placeholder(info, xmp, want):
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_from_rows(untitled_rows(), title=info))) as pdf:
        with pdf.open_metadata(update_docinfo=False, set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = xmp
        buffer = io.BytesIO()
        pdf.save(buffer)
    got, _ = _meta(buffer.getvalue(), "report.pdf")
    assert got == want


def test_the_text_s_own_title_wins_over_the_property():
    page = untitled_page().replace("<h2>一、总体情况</h2>", "<h1>丙县财政局2021年政府信息公开工作年度报告</h1><h2>一、总体情况</h2>")
    document = docx.Document(io.BytesIO(docx_from_html(page)))
    document.core_properties.title = TITLE
    got, _ = _meta(saved_docx(document), "report.docx")
    assert got == ("丙县财政局", "title", 2021, "title")


def test_the_property_s_year_comes_before_the_year_the_text_mentions_most():
    lines = (*LINES, "2023年将继续推进政务公开工作。", "2023年要加强培训。")
    got, _ = _meta(pdf_from_rows([[line] for line in lines], title=PRINTED_TITLE), "report.pdf")
    assert got[2:] == (2022, "document_title")
    got, _ = _meta(pdf_from_rows([[line] for line in lines], title="Microsoft Word - 文档1"), "report.pdf")
    assert got[2:] == (2023, "most_mentioned")


def test_a_word_97_document_s_title_property_is_read():
    """LibreOffice's "MS Word 97" save of titled_docx: the title in the compound file's
    SummaryInformation, in its code page."""
    got, parse = _meta((FIXTURES / "word97" / "titled.doc").read_bytes(), "report.doc")
    assert parse.source_format == "doc"
    assert got == ("甲县教育局", "document_title", 2022, "document_title")
    assert as_map(parse.result.values) == reference("t2021")[2]


@pytest.mark.parametrize("name,data", [
    ("report.xlsx", titled_workbook),
    ("report.xls", lambda: (FIXTURES / "workbooks" / "titled.xls").read_bytes()),
])
def test_a_workbook_s_title_property_is_read(name, data):
    got, parse = _meta(data(), name)
    assert got == ("乙县农业农村局", "document_title", 2021, "document_title")
    assert as_map(parse.result.values) == reference("t2021")[2]


@pytest.mark.parametrize("name,kind", [("word97/titled.doc", "doc"), ("workbooks/titled.xls", "xls")])
def test_a_compound_file_is_opened_once_for_its_format_its_text_and_its_title(name, kind, monkeypatch):
    """The format's sniffing, the document's reading and its title each opened it (70-80 µs a
    time); and it is let go once read: the same bytes parsed again are opened again."""
    import olefile

    opened = []
    real = olefile.OleFileIO

    def counted(*args, **kwargs):
        opened.append(kind)
        return real(*args, **kwargs)

    monkeypatch.setattr(olefile, "OleFileIO", counted)
    data = (FIXTURES / name).read_bytes()
    got, parse = _meta(data, f"report.{kind}")
    assert (parse.source_format, got[1], len(opened)) == (kind, "document_title", 1)
    assert as_map(parse.result.values) == reference("t2021")[2]
    assert _meta(data, f"report.{kind}")[0] == got and len(opened) == 2


@pytest.mark.parametrize("name,kind", [("word97/titled.doc", "doc"), ("workbooks/titled.xls", "xls")])
def test_a_damaged_property_set_leaves_a_compound_file_read_without_a_title(name, kind, tmp_path):
    import olefile

    path = tmp_path / f"report.{kind}"
    path.write_bytes((FIXTURES / name).read_bytes())
    with olefile.OleFileIO(str(path), write_mode=True) as container:
        size = container.get_size("\x05SummaryInformation")
        container.write_stream("\x05SummaryInformation", b"\xff" * size)
    got, parse = _meta(path.read_bytes(), f"report.{kind}")
    assert (parse.source_format, got) == (kind, UNTITLED_META)
    assert as_map(parse.result.values) == reference("t2021")[2]


def test_an_opendocument_workbook_s_title_is_read_and_its_text_s_own_organ_wins():
    """meta.xml's dc:title; the workbook's own title row names its organ and year."""
    def titled(name: str, content: bytes) -> bytes:
        return content.replace(b"<office:meta>", f"<office:meta><dc:title>{TITLE}</dc:title>".encode()) if name == "meta.xml" else content

    buffer = io.BytesIO()  # (each part as it was packed: the mimetype first and stored, as sniffed)
    with zipfile.ZipFile(FIXTURES / "workbooks" / "national_t2019.ods") as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, titled(info.filename, source.read(info)))
    data = buffer.getvalue()
    assert document_title(data, "ods") == TITLE
    got, _ = _meta(data, "report.ods")
    assert got == ("精河县人民政府办公室", "title", 2021, "title")


def _rtf_title(title: str, form: str) -> str:
    if form == "escaped":
        return "".join(f"\\'{byte:02x}" for byte in title.encode("gbk"))
    return "".join(f"\\u{ord(char) if ord(char) < 32768 else ord(char) - 65536}?" for char in title)


@pytest.mark.parametrize("form", ["escaped", "unicode"])
def test_an_rtf_file_s_title_is_read_in_its_code_page(form):
    info = r"{\info{\title " + _rtf_title(TITLE, form) + r"}{\author \'d5\'c5{\*\company x}}}"
    data = rtf_from_html(untitled_page()).decode("ascii").replace(HEADER, HEADER.replace("\n", info + "\n", 1), 1).encode("ascii")
    assert document_title(data, "rtf") == TITLE
    got, parse = _meta(data, "report.rtf")
    assert got == ("甲县教育局", "document_title", 2022, "document_title")
    assert as_map(parse.result.values) == reference("t2021")[2]


def test_office_2003_xml_titles_are_read():
    word = ('<?xml version="1.0" encoding="UTF-8"?><?mso-application progid="Word.Document"?>'
            '<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml" '
            'xmlns:o="urn:schemas-microsoft-com:office:office">'
            f'<o:DocumentProperties><o:Title>{TITLE}&amp;附件</o:Title><o:Author>x</o:Author></o:DocumentProperties>'
            '<w:body>' + "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in LINES)
            + '</w:body></w:wordDocument>').encode()
    assert document_title(word, "wordml") == f"{TITLE}&附件"
    got, _ = _meta(word, "report.xml")
    assert got == ("甲县教育局", "document_title", 2022, "document_title")
    # Excel's: unprefixed, in the default namespace; an empty title is none.
    sheet = (b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
             b'<DocumentProperties xmlns="urn:schemas-microsoft-com:office:office"><Title>' + TITLE.encode()
             + b'</Title></DocumentProperties>')
    assert document_title(sheet, "spreadsheetml") == TITLE
    assert document_title(b"<w:wordDocument><o:DocumentProperties><o:Title/></o:DocumentProperties>", "wordml") is None


def test_an_ofd_s_doc_info_title_is_read():
    got, parse = _meta(ofd_from_rows(untitled_rows(), title=PRINTED_TITLE), "report.ofd")
    assert parse.source_format == "ofd"
    assert got == ("甲县教育局", "document_title", 2022, "document_title")
    assert as_map(parse.result.values) == reference("t2021")[2]
    # The converters' default ("年度报告", as the builder's) names neither.
    got, _ = _meta(ofd_from_rows(untitled_rows()), "report.ofd")
    assert got == (None, None, None, None)


_CORE = "docProps/core.xml"


def test_a_damaged_property_part_leaves_the_document_read_without_a_title():
    damaged = rewritten(titled_docx(), lambda name, content: b"<cp:coreProperties><dc:title>" if name == _CORE else content)
    got, parse = _meta(damaged, "report.docx")
    assert got == UNTITLED_META
    assert as_map(parse.result.values) == reference("t2021")[2]
    without = rewritten(titled_docx(), lambda name, content: None if name == _CORE else content)
    assert document_title(without, "docx") is None
    assert document_title(b"not a zip", "docx") is None
    assert document_title(b"\xd0\xcf\x11\xe0 cut", "doc") is None


def test_a_zipped_document_keeps_its_title():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("年报.docx", titled_docx())
    got, _ = _meta(buffer.getvalue(), "report.zip")
    assert got == ("甲县教育局", "document_title", 2022, "document_title")


def test_a_title_is_shown_collapsed_and_cut():
    assert shown_title(None) is None and shown_title(" \x00 ") is None
    assert shown_title(" 甲县\n教育局\t 报告 ") == "甲县 教育局 报告"
    assert len(shown_title("年" * 1000) or "") == 300
