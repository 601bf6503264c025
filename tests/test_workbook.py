"""Workbooks (.xlsx, .xls, WPS .et, .ods): the stat table attached as a workbook, the national
tables published so; every figure in its column, none twice; a damaged workbook
quarantined with a reason."""

from __future__ import annotations

import datetime
import random
import struct
from functools import cache
from pathlib import Path

import pytest

from orchestration import synth, synthetic
from orchestration.parsing import parse_bytes
from orchestration.parsing.package import MAX_XML_BYTES
from orchestration.parsing.workbook import MAX_SHEET_CELLS, read_workbook

from .conftest import as_map
from .test_formats import T2, assert_the_national_page, figures_map, reference
from .workbook_builder import as_number, xlsx_from_html, xlsx_from_sheets
from .zip_builder import rewritten

WORKBOOKS = Path(__file__).parent / "workbooks"
AGENCY = "精河县人民政府办公室"


def fixture(name: str) -> bytes:
    return (WORKBOOKS / name).read_bytes()


def national_page(layout: str) -> str:
    t3, t4, _ = reference(layout)
    return synthetic.national_report_html(AGENCY, 2021, layout, T2[layout], t3, t4)


@cache
def stat_table_sheet() -> tuple[list[list], list[str], dict]:
    """The stat-table era's attachment as organs fill it in: the title and year merged across
    the table, a cell the figures' columns, the notes and the date signed below; figures
    that differ from each other and keep the table's identities. Its rows, merged ranges
    and figures."""
    rendered = synthetic.stat_table(synth._stat_values(random.Random(7)), "markdown", 2016)
    rows: list[list] = [[f"{AGENCY}政府信息公开情况统计表"], ["(2016年度)"]]
    for line in rendered.text.splitlines()[2:]:
        rows.append([as_number(cell.strip()) if cell.strip() else None for cell in line.strip()[1:-1].split("|")])
    end = len(rows)
    rows += [["注:本表数据统计期限为2016年1月1日至2016年12月31日。"], ["2017年1月20日"]]
    return rows, ["A1:C1", "A2:C2", f"A{end + 1}:C{end + 1}"], figures_map(rendered.figures)


def stat_table_workbook() -> tuple[bytes, dict]:
    rows, merged, want = stat_table_sheet()
    return xlsx_from_sheets({"统计表": rows}, merged={"统计表": merged}), want


@pytest.mark.parametrize("layout", ["t2019", "t2021"])
def test_the_national_tables_in_a_workbook_with_merged_cells(layout):
    """The template's tables as a sheet: header cells merged across, table 三's outcome groups
    merged down; every figure in its column, none twice; the title and date read."""
    _, _, want = reference(layout)
    parse = parse_bytes(xlsx_from_html(national_page(layout)), "attachments/report.xlsx")
    assert_the_national_page(parse, layout, want, "xlsx", "xlsx")


@pytest.mark.parametrize("name,layout,source_format", [
    ("national_t2021.xls", "t2021", "xls"), ("national_t2019.ods", "t2019", "ods"),
])
def test_the_national_tables_as_other_programs_save_them(name, layout, source_format):
    """Saved by LibreOffice as Excel 97-2003 and as OpenDocument (tools/make_workbook_fixtures.py)."""
    _, _, want = reference(layout)
    parse = parse_bytes(fixture(name), f"attachments/{name}")
    assert_the_national_page(parse, layout, want, source_format, source_format)


@pytest.mark.parametrize("source", ["xlsx", "stat_table.xls"])
def test_the_stat_table_attached_as_a_workbook(source):
    data, want = stat_table_workbook()
    if source != "xlsx":
        data = fixture(source)
    parse = parse_bytes(data, "attachments/统计表." + source.rsplit(".", 1)[-1])
    assert parse.status == "parsed"
    meta = parse.result.metadata
    assert (meta.agency_name, meta.agency_source) == (AGENCY, "stat_table_title")
    assert (meta.report_year, meta.template, meta.published_date) == (2016, "stat_table", "2017-01-20")
    assert as_map(parse.result.values) == want
    assert len(want) == 58 and len(set(want.values())) > 40  # (figures that differ: a shift shows)
    assert not parse.result.issues
    text = read_workbook(data, "xlsx" if source == "xlsx" else "xls")[0]
    # the title before the table and the notes after it are lines; the table's rows are rows
    assert text.splitlines()[:4] == [f"{AGENCY}政府信息公开情况统计表", "(2016年度)", "| 统计指标 | 单位 | 统计数 |",
                                     "| 一、主动公开情况 | —— | / |"]
    assert text.splitlines()[-2:] == ["注:本表数据统计期限为2016年1月1日至2016年12月31日。", "2017年1月20日"]


@pytest.mark.parametrize("name,source_format", [
    ("attachments/统计表.et", "xls"),  # (WPS's spreadsheet: Excel 97's format under its own name)
    ("attachments/report.xlsx", "xls"),
    ("attachments/download", "xls"),
])
def test_a_workbook_is_known_by_its_content_not_its_name(name, source_format):
    _, want = stat_table_workbook()
    parse = parse_bytes(fixture("stat_table.xls"), name)
    assert (parse.status, parse.source_format) == ("parsed", source_format)
    assert as_map(parse.result.values) == want


def test_an_xlsx_and_an_ods_under_other_names():
    _, _, want = reference("t2021")
    xlsx = xlsx_from_html(national_page("t2021"))
    for data, name, source_format in ((xlsx, "attachments/report.xls", "xlsx"),
                                      (fixture("national_t2019.ods"), "attachments/x.php?id=3", "ods")):
        parse = parse_bytes(data, name)
        assert (parse.status, parse.source_format) == ("parsed", source_format)
    assert as_map(parse_bytes(xlsx, "attachments/report.xls").result.values) == want


def test_cells_are_written_as_the_workbook_shows_them():
    """A whole number stored as a float is "1234", a sum's float error is not shown (15
    digits, as Excel), a date is ISO, a cell's lines one line; a blank cell stays blank."""
    data = xlsx_from_sheets({"表": [
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", 1234.0, 0.1 + 0.2, None],
        ["规范性\n文件", 7, 92.805, True],
        ["日期", datetime.date(2017, 1, 20), datetime.datetime(2017, 1, 20, 9, 30), None],
    ]})
    assert read_workbook(data, "xlsx")[0].splitlines() == [
        "| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |",
        "| 规章 | 1234 | 0.3 |  |",
        "| 规范性 文件 | 7 | 92.805 | TRUE |",
        "| 日期 | 2017-01-20 | 2017-01-20 09:30:00 |  |",
    ]


def test_a_sheet_away_from_its_first_cell_keeps_its_columns_and_merges():
    """A table starting at C5 (rows and columns before it empty), a cell merged down in its
    first column and a figure below the table's last row of two values (in its last column:
    the table's, not a note)."""
    rows = [["统计指标", "单位", "统计数"], ["收到申请数", "件", 17], ["办结", "件", 11], [None, None, 6]]
    data = xlsx_from_sheets({"表": rows}, origin=(5, 3), merged={"表": ["C7:C8", "D7:D8"]})
    assert read_workbook(data, "xlsx")[0].splitlines() == [
        "| 统计指标 | 单位 | 统计数 |", "| 收到申请数 | 件 | 17 |", "| 办结 | 件 | 11 |", "|  |  | 6 |",
    ]


def test_a_value_repeated_under_a_merge_is_read_once():
    """Excel keeps a merged cell's value in its first position; a writer that repeats it in
    the others would have a figure counted twice."""
    data = xlsx_from_sheets({"表": [["收到申请数", 12, 12], ["办结", 3, 4]]})
    data = with_sheet_xml(data, lambda xml: xml.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="B1:C1"/></mergeCells>'))
    assert read_workbook(data, "xlsx")[0].splitlines() == ["| 收到申请数 | 12 |  |", "| 办结 | 3 | 4 |"]


def test_hidden_and_chart_sheets_are_not_read():
    """A hidden sheet (another year's figures, a working copy) is not what the report shows."""
    rows, merged, want = stat_table_sheet()
    data = xlsx_from_sheets({"统计表": rows, "去年": [["(一)收到申请数", "件", 999]] * 3}, hidden=("去年",),
                            merged={"统计表": merged}, chartsheet="图表")
    parse = parse_bytes(data, "attachments/统计表.xlsx")
    assert as_map(parse.result.values) == want
    assert "999" not in read_workbook(data, "xlsx")[0]


def test_a_workbook_of_data_is_not_a_report():
    """A workbook holding no figure of a report (a list of organs, an export) is said to be none."""
    parse = parse_bytes((Path(__file__).parent / "word97" / "workbook.xls").read_bytes(), "attachments/机关.xls")
    assert (parse.status, parse.source_format, parse.quarantine_code) == ("quarantined", "xls", "not_a_report")


@pytest.mark.parametrize("case,code,detail", [
    ("cut short", "unreadable_workbook", "BadZipFile: File is not a zip file (cut short or damaged?)"),
    ("cut short xls", "unreadable_workbook", "OleFileError: OLE directory index out of range (cut short or damaged?)"),
    ("empty", "empty_file", "the workbook's visible sheets hold no value (only pictures, a scan?)"),
    ("not its XML", "unreadable_workbook", "XmlError: syntax error: tag not closed"),
    ("a bomb", "unreadable_workbook", f"its xl/worksheets/sheet1.xml unpacks to {MAX_XML_BYTES + 2:,} bytes"),
    ("far cell", "unreadable_workbook",
     "its xl/worksheets/sheet1.xml spans 17,179,869,184 cells (rows 1-1048576, over 2,000,000)"),
])
def test_a_damaged_workbook_is_quarantined_with_its_reason(case, code, detail):
    name = "attachments/统计表.xls" if case == "cut short xls" else "attachments/统计表.xlsx"
    if case == "cut short":
        whole = stat_table_workbook()[0]
        data = whole[: len(whole) // 2]
    elif case == "cut short xls":
        whole = fixture("stat_table.xls")
        data = whole[:2048]
    elif case == "empty":
        data = xlsx_from_sheets({"表": []})
    elif case == "not its XML":
        data = with_sheet_xml(xlsx_from_sheets({"表": [["x"]]}), lambda xml: b"<worksheet><sheetData><row")
    elif case == "a bomb":  # 64 MiB of spaces packs into a few KiB
        data = with_sheet_xml(xlsx_from_sheets({"表": [["x"]]}), lambda xml: b"<" + b" " * (MAX_XML_BYTES + 1))
    else:
        data = xlsx_from_sheets({"表": [["收到申请数", 3]]})
        data = with_sheet_xml(data, lambda xml: xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    assert MAX_SHEET_CELLS < 17_179_869_184
    parse = parse_bytes(data, name)
    source_format = "xls" if case == "cut short xls" else "xlsx"
    assert (parse.status, parse.source_format, parse.quarantine_code) == ("quarantined", source_format, code)
    message = [issue.message for issue in parse.issues]
    assert len(message) == 1 and message[0].startswith(detail), message


@pytest.mark.parametrize("record,change,detail", [
    # DIMENSIONS: the first row (32 bits) after the last
    (b"\x00\x02\x0e\x00", lambda body: struct.pack("<II", 90, 70) + body[8:],
     "sheet 1's dimensions record is damaged (rows 90-70, columns 0-3)"),
    # NUMBER: a cell's row and column far from the table (Excel 97's last row, its 256th column)
    (b"\x03\x02\x0e\x00", lambda body: struct.pack("<HH", 65535, 255) + body[4:],
     "its sheet 1 spans 16,777,216 cells (rows 1-65536, over 2,000,000)"),
])
def test_an_xls_sheet_too_large_or_damaged_is_refused_before_it_is_read(record, change, detail):
    """The reader makes a sheet's grid before anything can be asked of it, sized by the
    DIMENSIONS record and the cells: a grid of billions of cells ended the process."""
    data = bytearray(fixture("stat_table.xls"))
    at = data.index(record) + 4  # (the stream's sectors lie in order in so small a file)
    data[at:at + 14] = change(bytes(data[at:at + 14]))
    parse = parse_bytes(bytes(data), "attachments/统计表.xls")
    assert (parse.status, parse.source_format, parse.quarantine_code) == ("quarantined", "xls", "unreadable_workbook")
    assert parse.issues[0].message.startswith(detail), parse.issues[0].message


def with_sheet_xml(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML changed."""
    return rewritten(data, lambda name, content: change(content) if name == "xl/worksheets/sheet1.xml" else content)
