"""Excel 2003's XML spreadsheet (SpreadsheetML), as office systems export a table "to Excel"
and serve it as .xls: every figure in its column, none twice, a hidden sheet left out; a
damaged one quarantined with a reason. Before, it was read as text, markup and all."""

from __future__ import annotations

import pytest

from orchestration.parsing import parse_bytes
from orchestration.parsing.formats import extract, sniff_format
from orchestration.parsing.spreadsheetml import is_spreadsheetml, read_spreadsheetml
from orchestration.parsing.workbook import MAX_SHEET_CELLS

from .conftest import as_map
from .test_formats import assert_the_national_page, reference
from .test_workbook import AGENCY, fixture, stat_table_sheet
from .workbook_builder import SPREADSHEETML_HEAD, spreadsheetml_from_sheets


def sheet_xml(rows: str, options: str = "") -> bytes:
    """A workbook of one sheet whose table's rows are ``rows`` (markup)."""
    return (SPREADSHEETML_HEAD + f' <Worksheet ss:Name="表"><Table>{rows}</Table>{options}</Worksheet></Workbook>').encode()


@pytest.mark.parametrize("name", ["attachments/report.xls", "attachments/report.xml", "attachments/download.jsp?id=7"])
def test_the_national_tables_saved_by_libreoffice(name):
    """The report's page opened in LibreOffice Calc and saved as "Microsoft Excel 2003 XML"
    (tools/make_workbook_fixtures.py): its cells merged wide (table 四's header across nine
    and seventeen positions), a cell after a merge down given no ss:Index."""
    _, _, want = reference("t2021")
    parse = parse_bytes(fixture("national_t2021.xml"), name)
    assert_the_national_page(parse, "t2021", want, "spreadsheetml", "spreadsheetml")
    assert len(want) == 200


@pytest.mark.parametrize("writer", ["excel", "libreoffice"])
def test_the_stat_table_exported_as_an_xml_spreadsheet(writer):
    """Excel gives a cell after a gap its ss:Index; LibreOffice does not where the gap is a
    merge down's: both read alike, every figure in its column."""
    rows, merged, want = stat_table_sheet()
    data = spreadsheetml_from_sheets({"统计表": rows}, merged={"统计表": merged}, writer=writer)
    parse = parse_bytes(data, "attachments/统计表.xls")
    assert (parse.status, parse.source_format, parse.encoding) == ("parsed", "spreadsheetml", "spreadsheetml")
    meta = parse.result.metadata
    assert (meta.agency_name, meta.report_year, meta.template, meta.published_date) == (
        AGENCY, 2016, "stat_table", "2017-01-20")
    assert as_map(parse.result.values) == want
    assert len(want) == 58 and len(set(want.values())) > 40  # (figures that differ: a shift shows)
    assert not parse.result.issues
    text = read_spreadsheetml(data)[0]
    assert text.splitlines()[:4] == [f"{AGENCY}政府信息公开情况统计表", "(2016年度)", "| 统计指标 | 单位 | 统计数 |",
                                     "| 一、主动公开情况 | —— | / |"]
    assert text.splitlines()[-2:] == ["注:本表数据统计期限为2016年1月1日至2016年12月31日。", "2017年1月20日"]


@pytest.mark.parametrize("writer", ["excel", "libreoffice"])
def test_cells_merged_down_and_across_keep_their_columns(writer):
    rows = [["申请人情况", None, "自然人", "法人", None, "总计"],
            [None, None, None, "商业企业", "科研机构", None],
            ["收到申请", "新收", 31, 5, 7, 43],
            [None, "结转", 2, None, 1, 3]]
    merged = ["A3:B4", "C3:C4", "D3:E3", "F3:F4", "A5:A6"]
    data = spreadsheetml_from_sheets({"表": rows}, merged={"表": merged}, origin=(3, 1), writer=writer)
    # (row 4's first cell follows the positions row 3's cells cover: at column D, after A-C)
    first_of_row_4 = '<Cell{} ss:StyleID="s21"><Data ss:Type="String">商业企业'.format(
        ' ss:Index="4"' if writer == "excel" else "")
    assert f"<Row>{first_of_row_4}" in data.decode()
    assert read_spreadsheetml(data)[0].splitlines() == [
        "| 申请人情况 |  | 自然人 | 法人 |  | 总计 |",
        "|  |  |  | 商业企业 | 科研机构 |  |",
        "| 收到申请 | 新收 | 31 | 5 | 7 | 43 |",
        "|  | 结转 | 2 |  | 1 | 3 |",
    ]


def test_cells_are_written_as_a_workbook_shows_them():
    """Numbers at General format (15 digits), a date, a boolean, a formula's value, rich text's
    runs joined, an empty cell and one of style alone blank, a row and a cell placed by ss:Index."""
    data = sheet_xml(
        '<Row><Cell><Data ss:Type="String">信息内容</Data></Cell><Cell><Data ss:Type="String">数量</Data></Cell>'
        '<Cell><Data ss:Type="String">其他</Data></Cell></Row>'
        '<Row><Cell><Data ss:Type="String">规章</Data></Cell><Cell><Data ss:Type="Number">1234.0</Data></Cell>'
        '<Cell ss:Formula="=0.1+0.2"><Data ss:Type="Number">0.30000000000000004</Data></Cell></Row>'
        '<Row ss:Index="4"><Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40">'
        '<B>规范性</B><Font html:Color="#FF0000">\n文件</Font></ss:Data></Cell>'
        '<Cell ss:StyleID="s21"/><Cell ss:Index="3"><Data ss:Type="Boolean">1</Data></Cell></Row>'
        '<Row ss:Span="2"/><Row><Cell><Data ss:Type="String">日期</Data></Cell>'
        '<Cell><Data ss:Type="DateTime">2017-01-20T00:00:00.000</Data></Cell>'
        '<Cell><Data ss:Type="DateTime">2017-01-20T09:30:00.000</Data></Cell></Row>'
        '<Row><Cell><Data ss:Type="String">规范性文件</Data></Cell><Cell><Data ss:Type="Number">1.5E3</Data></Cell>'
        '<Cell><Data ss:Type="Number">92.805</Data></Cell></Row>')
    assert read_spreadsheetml(data)[0].splitlines() == [
        "| 信息内容 | 数量 | 其他 |",
        "| 规章 | 1234 | 0.3 |",
        "| 规范性 文件 |  | TRUE |",  # (after an empty row; before the rows ss:Span says are empty)
        "| 日期 | 2017-01-20 | 2017-01-20 09:30:00 |",
        "| 规范性文件 | 1500 | 92.805 |",
    ]


def test_a_hidden_sheet_is_not_read():
    """A hidden sheet (another year's figures, a working copy) is not what the report shows."""
    rows, merged, want = stat_table_sheet()
    data = spreadsheetml_from_sheets({"去年": [["(一)收到申请数", "件", 999]] * 3, "统计表": rows},
                                     hidden=("去年",), merged={"统计表": merged})
    assert as_map(parse_bytes(data, "attachments/统计表.xls").result.values) == want
    assert "999" not in read_spreadsheetml(data)[0]


def test_it_is_known_by_its_content_not_its_name():
    """Not by its name (.xls, .xml, none), and no other XML or page is taken for one: Excel's own
    web page (whose x:ExcelWorkbook names a workbook), Word 2003's XML document."""
    data = spreadsheetml_from_sheets({"表": [["收到申请数", 3]]})
    for name in ("a.xls", "a.xml", "download", "a.txt"):
        assert sniff_format(data, name) == "spreadsheetml"
    with_bom = b"\xef\xbb\xbf" + data.replace(b"?>\n<?mso", b"?>\n<!-- exported -->\n<?mso")
    assert is_spreadsheetml(with_bom)
    excel_page = ('<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
                  "<head><!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets></x:ExcelWorksheets>"
                  "</x:ExcelWorkbook></xml><![endif]--></head><body><table><tr><td>收到申请数</td><td>3</td></tr>"
                  "</table></body></html>").encode()
    assert sniff_format(excel_page, "a.xls") == "html"
    word2003 = (b'<?xml version="1.0"?><w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml">'
                b"<w:body/></w:wordDocument>")
    assert sniff_format(word2003, "a.doc") == "wordml"
    not_its_namespace = data.replace(b"urn:schemas-microsoft-com:office:spreadsheet", b"urn:example:sheet")
    assert not is_spreadsheetml(not_its_namespace)


@pytest.mark.parametrize("share", [0.55, 0.7, 0.85, 0.97])
def test_an_xml_spreadsheet_cut_short_keeps_its_rows_before_the_cut(share):
    """A download stopped early (here inside a cell's figure, a tag, or between rows): the rows
    before the cut are read, a figure cut in two is not read as a smaller one, and the file says
    it is incomplete. Before, the whole file was unreadable_workbook."""
    _, _, want = reference("t2021")
    whole = fixture("national_t2021.xml")
    parse = parse_bytes(whole[: int(len(whole) * share)], "attachments/report.xls")
    assert (parse.status, parse.source_format) == ("parsed", "spreadsheetml")
    got = as_map(parse.result.values)
    assert 20 < len(got) < len(want)
    assert {key: value for key, value in got.items() if value is not None} == {
        key: want[key] for key, value in got.items() if value is not None}  # (no figure wrong)
    assert "the file ends before its XML does (a download cut short)" in " ".join(
        issue.message for issue in parse.all_issues if issue.code == "incomplete")
    assert parse.result.metadata.agency_name == "精河县人民政府办公室"


def test_only_the_row_cut_is_left_out():
    """Cut inside the last sheet's last row: that row is left out, not the last row of each
    sheet (the stat table's last row is the date it was signed)."""
    rows, merged, want = stat_table_sheet()
    data = spreadsheetml_from_sheets({"统计表": rows, "说明": [["填报说明"], ["甲", "乙"], ["丙", "丁"]]},
                                     merged={"统计表": merged})
    cut = data.rindex("丙".encode()) + len("丙".encode())  # (in the last row's first cell's text)
    parse = parse_bytes(data[:cut], "attachments/统计表.xls")
    assert as_map(parse.result.values) == want
    assert parse.result.metadata.published_date == "2017-01-20"  # (the stat table's sheet's last row)
    text = extract(data[:cut], "attachments/统计表.xls").text
    assert "| 甲 | 乙 |" in text and "丙" not in text


@pytest.mark.parametrize("case,code,detail", [
    ("damaged", "unreadable_workbook", "an Excel 2003 XML spreadsheet: XMLSyntaxError: "),
    ("cut before its values", "unreadable_workbook", "the XML spreadsheet is cut short before any of its values"),
    ("no value", "empty_file", "the XML spreadsheet's visible sheets hold no value"),
    ("far cell", "unreadable_workbook",
     "its sheet '表' spans 17,179,869,184 cells (rows 1-1048576, over 2,000,000): a stray value far from the table?"),
    ("wide merge", "unreadable_workbook", "its sheet '表' merges over 2,000,000 cells (row 2): a stray merge"),
])
def test_a_damaged_xml_spreadsheet_is_quarantined_with_its_reason(case, code, detail):
    whole = spreadsheetml_from_sheets({"表": stat_table_sheet()[0]})
    if case == "damaged":  # (a tag misspelt inside a whole file)
        data = whole.replace(b"</Row>", b"</Rwo>", 1)
    elif case == "cut before its values":
        data = whole[: whole.index(b"<Table")]
    elif case == "no value":
        data = sheet_xml('<Row><Cell ss:StyleID="s21"/><Cell><Data ss:Type="String"> </Data></Cell></Row>')
    elif case == "far cell":
        data = sheet_xml('<Row><Cell><Data ss:Type="String">收到申请数</Data></Cell></Row>'
                         '<Row ss:Index="1048576"><Cell ss:Index="16384"><Data ss:Type="Number">1</Data></Cell></Row>')
    else:
        data = sheet_xml('<Row><Cell><Data ss:Type="String">收到申请数</Data></Cell></Row>'
                         '<Row><Cell ss:MergeAcross="16383" ss:MergeDown="1048574"><Data ss:Type="Number">1</Data></Cell></Row>')
    assert MAX_SHEET_CELLS == 2_000_000
    parse = parse_bytes(data, "attachments/统计表.xls")
    assert (parse.status, parse.source_format, parse.quarantine_code) == ("quarantined", "spreadsheetml", code)
    message = [issue.message for issue in parse.issues]
    assert len(message) == 1 and message[0].startswith(detail), message


DECLARED = b'<?xml version="1.0"?>'


@pytest.mark.parametrize("declared,written", [
    ("utf-16", "utf-8"),  # (.NET's StringWriter: the declaration of the string, the bytes of the response)
    ("gb2312", "utf-8"),  # (a Java template's declaration over UTF-8 bytes)
    ("utf-8", "gb18030"),  # (and the other way round)
    ("x-wtf-8", "utf-8"),  # (an encoding no codec knows)
    ("gb2312", "gb18030"),  # (declared as it is written: a character past GB2312's, 堃, read too)
    ("utf-16", "utf-16"),  # (a .NET export written as UTF-16, its byte order mark first)
    ("utf-16", "utf-16-le-no-bom"),
])
def test_an_xml_spreadsheet_whose_declared_encoding_is_wrong_or_utf16(declared, written):
    """An XML reader trusts the declared encoding, which exports written from a template get
    wrong; Excel opens them. Each is read in the encoding its bytes are in; before, the first
    five were unreadable_workbook ("Invalid bytes in character encoding") and the UTF-16 one
    was read as text, markup and all. UTF-16 with no byte order mark is known by its NUL bytes on
    one parity (session 61: before, it was read as text, its figures read and the XML not)."""
    rows, merged, want = stat_table_sheet()
    rows = [*rows, ["填报人:王堃"]]
    data = spreadsheetml_from_sheets({"统计表": rows}, merged={"统计表": merged})
    data = data.replace(DECLARED, f'<?xml version="1.0" encoding="{declared}"?>'.encode())
    if written == "utf-16-le-no-bom":
        data = data.decode().encode("utf-16-le")
    elif written != "utf-8":
        data = data.decode().encode(written)
    parse = parse_bytes(data, "attachments/统计表.xls")
    assert (parse.status, parse.source_format) == ("parsed", "spreadsheetml")
    assert as_map(parse.result.values) == want
    assert not parse.result.issues
    assert parse.result.metadata.agency_name == AGENCY
    assert extract(data, "attachments/统计表.xls").text.endswith("\n填报人:王堃\n")


def test_word_2003_xml_in_utf16_is_read():
    """The same for Word 2003's XML document: a .NET export's, in UTF-16."""
    from .test_word import W2003

    document = (f'<?xml version="1.0" encoding="utf-16"?><w:wordDocument xmlns:w="{W2003}"><w:body><w:p><w:r>'
                "<w:t>精河县人民政府办公室2016年政府信息公开工作年度报告</w:t></w:r></w:p></w:body></w:wordDocument>")
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):  # (a byte order mark first, or none)
        assert sniff_format(document.encode(encoding), "report.doc") == "wordml"
        parse = parse_bytes(document.encode(encoding), "report.doc")
        assert (parse.source_format, parse.result.metadata.agency_name if parse.result else None) == (
            "wordml", "精河县人民政府办公室")
