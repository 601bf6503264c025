"""Whatever text or bytes come in, the parser returns figures or coded issues; it never raises."""

from __future__ import annotations

import gzip
import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.issue_codes import BY_CODE
from orchestration.parsing import parse_bytes
from orchestration.parsing.word97 import read_streams

from .docx_builder import docx_with_body
from .mhtml_builder import mhtml_from_html
from .ofd_builder import ofd_from_rows
from .rtf_builder import HEADER
from .test_archive import zipped
from .test_ofd import with_part as ofd_with_part
from .test_word97 import fixture as word97_fixture
from .test_word97 import streams as word97_streams
from .test_workbook import fixture as workbook_fixture
from .test_workbook import stat_table_workbook, with_sheet_xml

FRAGMENTS = st.sampled_from([
    "一、本年新收政府信息公开申请数量", "(七)总计", "第二十条第(一)项", "规章", "行政复议", "结果维持", "尚未审结",
    "收到申请数", "统计指标", "|", "| |", "\n", "\n\n", " ", "\t", "0", "12", "—", "/", "92.8050万元", "2021年",
    "政府信息公开工作年度报告", "未收到依申请公开政府信息申请", "主动公开政府信息", "条", "<td>", "</td>", "①", "㈠", "１２",
])


def _check(parse):
    assert parse.status in ("parsed", "quarantined")
    for issue in parse.all_issues:
        assert issue.code in BY_CODE
    if parse.status == "quarantined":
        assert parse.quarantine_code in BY_CODE and BY_CODE[parse.quarantine_code].quarantines
    else:
        for value in parse.result.values:
            assert value.section and value.item
            assert 0 <= value.char_start <= value.char_end <= len(parse.text)
            assert parse.text[value.char_start:value.char_end] == value.raw_text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, max_size=80).map("".join))
def test_report_like_text_never_raises(text):
    _check(parse_bytes(text.encode("utf-8"), "x.txt"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_never_raises(text):
    _check(parse_bytes(text.encode("utf-8", errors="surrogatepass"), "x.txt"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_never_raise(data):
    _check(parse_bytes(data, "x.bin"))


WORD = docx_with_body(
    "<w:p><w:r><w:t>某县2021年政府信息公开工作年度报告</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>行政许可</w:t>"
    "</w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
)
RICH_TEXT = (HEADER + r"\pard \'c4\'b3\'cf\'d8 2021\par\trowd\clvmgf\cellx600\cellx1200\pard\intbl \u34892?\cell 12\cell\row}").encode()
WEB_ARCHIVE = mhtml_from_html("<html><body><p>某县2021年政府信息公开工作年度报告</p><table><tr><td>行政许可</td><td>12</td></tr>"
                              "</table></body></html>", "utf-8", "base64")


def damaged(original: bytes, alphabet: bytes | None = None):
    """``original`` with up to eight bytes changed (to any byte, or to one of ``alphabet``), cut anywhere."""
    changes = st.lists(st.tuples(st.integers(0, len(original) - 1),
                                 st.integers(0, 255) if alphabet is None else st.sampled_from(alphabet)), max_size=8)

    def apply(drawn: tuple[list[tuple[int, int]], int]) -> bytes:
        data = bytearray(original)
        for position, byte in drawn[0]:
            data[position] = byte
        return bytes(data[: drawn[1]])

    return st.tuples(changes, st.integers(0, len(original))).map(apply)


@settings(max_examples=200, deadline=None)
@given(damaged(WORD))
def test_a_damaged_word_document_never_raises(data):
    _check(parse_bytes(data, "attachments/report.docx"))


@settings(max_examples=200, deadline=None)
@given(damaged(RICH_TEXT, b"{}\\'u?0123456789abcdefx \x80\xff"))
def test_a_damaged_rtf_file_never_raises(data):
    _check(parse_bytes(data, "attachments/report.doc"))


@settings(max_examples=200, deadline=None)
@given(damaged(WEB_ARCHIVE, b"=-\r\n:;\"AZaz09+/ \x80\xff"))
def test_a_damaged_web_archive_never_raises(data):
    _check(parse_bytes(data, "attachments/report.mht"))


WORD97 = word97_fixture("merged.doc")
WORD97_STREAMS = word97_streams("merged.doc")


@settings(max_examples=200, deadline=None)
@given(damaged(WORD97))
def test_a_damaged_word97_document_never_raises(data):
    _check(parse_bytes(data, "attachments/report.doc"))


@settings(max_examples=300, deadline=None)
@given(damaged(WORD97_STREAMS["WordDocument"]), damaged(WORD97_STREAMS["1Table"]))
def test_damaged_word97_streams_never_raise(word, table):
    """The compound file's bytes damaged at random mostly miss what the reader reads: here
    its two streams are damaged themselves (the file information block, the text, the
    paragraph properties' pages; the piece table and the pages' index)."""
    text, code, detail, pictures = read_streams({"WordDocument": word, "1Table": table})
    assert (text is None) == (code is not None) and (code is None or code in BY_CODE and detail)
    assert pictures >= 0 and (text is not None or pictures == 0)


OFD = ofd_from_rows([["某县2021年政府信息公开工作年度报告"], ["行政许可", "12", "3"]], one_code_a_row=True, scale=0.8)
OFD_PAGE = "Doc_0/Pages/Page_0/Content.xml"


@settings(max_examples=200, deadline=None)
@given(damaged(OFD))
def test_a_damaged_ofd_document_never_raises(data):
    _check(parse_bytes(data, "attachments/report.ofd"))


@settings(max_examples=300, deadline=None)
@given(damaged(zipfile.ZipFile(io.BytesIO(OFD)).read(OFD_PAGE), b'<>/=" .,-0123456789gX\x80\xff'))
def test_a_damaged_ofd_page_never_raises(page):
    """A page's XML damaged itself (a box, a DeltaX, a CTM, a tag), in a whole ZIP."""
    _check(parse_bytes(ofd_with_part(OFD, OFD_PAGE, page.decode("utf-8", errors="replace")), "attachments/report.ofd"))


XLS = workbook_fixture("stat_table.xls")
XLSX = stat_table_workbook()[0]


@settings(max_examples=200, deadline=None)
@given(damaged(XLS))
def test_a_damaged_xls_workbook_never_raises(data):
    _check(parse_bytes(data, "attachments/统计表.xls"))


@settings(max_examples=200, deadline=None)
@given(damaged(XLSX))
def test_a_damaged_xlsx_workbook_never_raises(data):
    _check(parse_bytes(data, "attachments/统计表.xlsx"))


@settings(max_examples=300, deadline=None)
@given(damaged(zipfile.ZipFile(io.BytesIO(XLSX)).read("xl/worksheets/sheet1.xml"), b'<>/=" rtsvc0123456789AZ\x80\xff'))
def test_a_damaged_xlsx_sheet_never_raises(sheet):
    """A sheet's XML damaged itself (a cell's reference, type or value, a merge, a tag), in a whole ZIP."""
    _check(parse_bytes(with_sheet_xml(XLSX, lambda _: sheet), "attachments/统计表.xlsx"))


PAGE = ("<html><head><meta charset='utf-8'></head><body><p>某县2021年政府信息公开工作年度报告</p><table><tr><td>行政许可</td>"
        "<td>12</td></tr></table></body></html>").encode()
ZIPPED = zipped([("报告/report.html", PAGE), ("报告/logo.png", b"\x89PNG")], gbk_names=True)
GZIPPED = gzip.compress(PAGE, mtime=0)


@settings(max_examples=200, deadline=None)
@given(damaged(ZIPPED))
def test_a_damaged_zip_archive_never_raises(data):
    """Its headers' flags, sizes and names, its compressed bytes, its directory: changed or cut."""
    assert parse_bytes(ZIPPED, "attachments/报告.zip").source_format == "html"  # (whole, it is read)
    _check(parse_bytes(data, "attachments/报告.zip"))


@settings(max_examples=200, deadline=None)
@given(damaged(GZIPPED))
def test_a_damaged_gzip_file_never_raises(data):
    _check(parse_bytes(data, "pages/report.html"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.integers(1, 3))
def test_text_cut_inside_a_character_never_raises(text, cut):
    data = text.encode("utf-8", errors="surrogatepass")
    _check(parse_bytes(data[: max(0, len(data) - cut)], "x.txt"))


WORD2003 = (
    '<?xml version="1.0" encoding="UTF-8"?><w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml">'
    '<w:body><w:p><w:r><w:t>某县2021年政府信息公开工作年度报告</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:tcPr>'
    '<w:vmerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>行政许可</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>12</w:t>'
    '</w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vmerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>3</w:t></w:r>'
    '</w:p></w:tc></w:tr></w:tbl></w:body></w:wordDocument>'
).encode()


SPREADSHEETML = (
    '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:'
    'spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="表"><Table><Row>'
    '<Cell ss:MergeAcross="1"><Data ss:Type="String">某县2016年政府信息公开情况统计表</Data></Cell></Row><Row>'
    '<Cell ss:MergeDown="1"><Data ss:Type="String">收到申请数</Data></Cell><Cell><Data ss:Type="Number">12</Data>'
    '</Cell></Row><Row ss:Index="4"><Cell ss:Index="2"><Data ss:Type="Number">3</Data></Cell></Row></Table>'
    '</Worksheet></Workbook>'
).encode()


@settings(max_examples=200, deadline=None)
@given(damaged(SPREADSHEETML, b'<>/=" ss:IndexMergeDownAcrossSpanType0123456789-\x80\xff'))
def test_a_damaged_xml_spreadsheet_never_raises(data):
    _check(parse_bytes(data, "attachments/统计表.xls"))


@settings(max_examples=200, deadline=None)
@given(damaged(WORD2003, b'<>/=" w:tcrpv0123456789\x80\xff'))
def test_a_damaged_word_2003_document_never_raises(data):
    _check(parse_bytes(data, "attachments/report.doc"))
