"""A note's mark printed beside a figure in a table cell ("5*", "5①", "5(注1)", a superscript
"5¹"; a mark set raised in a page, a Word or RTF document, a workbook, a PDF or an OFD, which
its reader gives as "5[1]"): the figure is read without it and the mark told
(figure_with_note_mark). Before, a raised digit joined the figure (read 51) and any other mark
lost its row."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from orchestration import synthetic
from orchestration.parsing import parse_bytes
from orchestration.parsing.numbers import parse_cell
from orchestration.parsing.text import is_figure, normalize, with_marks
from orchestration.parsing.word import read_docx
from orchestration.parsing.word97 import read_doc

from .conftest import as_map
from .docx_builder import docx_from_html, docx_with_body
from .ofd_builder import ofd_from_rows
from .pdf_builder import pdf_from_rows
from .rtf_builder import rtf_from_html
from .test_formats import T2, _pdf_rows, reference
from .workbook_builder import MARKED_ROWS, marked_workbook, rich_text, saved, spreadsheetml_from_sheets, xlsx_from_html

WORD97 = Path(__file__).parent / "word97"
LAYOUT = "t2021"
AGENCY = "精河县人民政府办公室"
# Table 四's third figure (行政复议, 其他结果) is 5 in reference()'s tables: rendered as this
# stand-in (no other figure's text), then replaced by 5 and its mark.
STAND_IN = "98765"
MARKED = Decimal(5)


def _tables():
    t3, t4, want = reference(LAYOUT)
    assert t4[2] == MARKED
    return t3, [*t4[:2], int(STAND_IN), *t4[3:]], want


def _told(parse) -> list:
    return [issue for issue in parse.all_issues if issue.code == "figure_with_note_mark"]


def _assert_read(parse, printed: str) -> None:
    """Every figure as the report gives it, the marked one 5; the mark told once, at its cell."""
    _, _, want = _tables()
    assert parse.status == "parsed"
    assert as_map(parse.result.values) == want
    assert [issue.code for issue in parse.result.issues] == ["figure_with_note_mark"]
    issue = _told(parse)[0]
    assert parse.text[issue.char_start : issue.char_end] == printed
    assert issue.message.startswith(f"{printed} read as 5 (")
    marked = [value for value in parse.result.values if value.char_start == issue.char_start]
    assert [(value.section, value.item, value.dims, value.value, value.raw_text) for value in marked] == [
        ("appeals", "cases", {"proceeding": "administrative_review", "outcome": "other"}, MARKED, printed)]


@pytest.mark.parametrize("shape", ["lines", "pipe_lines", "markdown", "tabs", "pdf"])
@pytest.mark.parametrize("mark", ["*", "①", "（注1）", "(注)", "[2]", "【注】", "¹", "²³", "※", "<sup>1</sup>"])
def test_a_marked_figure_in_every_text_shape(shape, mark):
    t3, t4, _ = _tables()
    text = synthetic.national_report(AGENCY, 2021, LAYOUT, LAYOUT, T2[LAYOUT], t3, t4, shape).text
    assert text.count(STAND_IN) == 1
    _assert_read(parse_bytes(text.replace(STAND_IN, "5" + mark).encode(), "reports/report.txt"), "5" + mark)


@pytest.mark.parametrize("mark", ["¹", "²³", "[1]", "*", "①", "（注1）", "<sup>2</sup>"])
def test_a_prose_figure_s_mark_is_read_apart(mark):
    """A figure in a sentence with a note's mark before its unit: before, "25¹件" read 251
    and any other mark lost the figure."""
    text = (f"{AGENCY}2021年政府信息公开工作年度报告\n本年度主动公开政府信息36条，收到政府信息公开申请25{mark}件，"
            f"结转下年度继续办理3件。全年发生行政复议案件2{mark}起，未发生行政诉讼。\n注1：含补正后受理的申请。")
    parse = parse_bytes(text.encode(), "reports/prose.txt")
    got = {(v.section, v.item, v.dims.get("proceeding")): (v.value, v.note_mark, v.raw_text) for v in parse.result.values}
    assert got == {
        ("proactive", "disclosure", None): (36, None, "36"),
        ("requests", "new_received", None): (25, normalize(mark), "25" + mark),
        ("requests", "carried_forward", None): (3, None, "3"),
        ("appeals", "cases", "administrative_review"): (2, normalize(mark), "2" + mark),
        ("appeals", "cases", "litigation"): (0, None, "未发生行政诉讼"),
    }
    told = _told(parse)
    assert [parse.text[issue.char_start : issue.char_end] for issue in told] == ["25" + mark, "2" + mark]
    assert told[1].message.startswith(f"2{mark} read as 2 (全年发生行政复议案件2")


@pytest.mark.parametrize("markup,printed", [
    ("5<sup>1</sup>", "5[1]"), ("5<sup>(注1)</sup>", "5[注1]"), ("5<sup>*</sup>", "5[*]"), ("5<sub> 2 </sub>", "5[2]"),
    ("<span>5</span><sup><span>注</span>1</sup>", "5[注1]"),
])
def test_a_page_s_superscript_is_a_mark_not_a_digit(markup, printed):
    t3, t4, _ = _tables()
    page = synthetic.national_report_html(AGENCY, 2021, LAYOUT, T2[LAYOUT], t3, t4)
    assert page.count(f"<td>{STAND_IN}</td>") == 1
    _assert_read(parse_bytes(page.replace(STAND_IN, markup).encode(), "pages/report.html"), printed)


# Word's superscript, the mark split into runs as it was typed ("注" and "1": one mark); and
# LibreOffice's, as it writes a page's <sup>: raised by points, smaller.
_SUPERSCRIPT = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>{}</w:t></w:r>'
WORD_SUPERSCRIPT_MARK = _SUPERSCRIPT.format("注") + _SUPERSCRIPT.format("1")
_RAISED_BY_POINTS = '<w:r><w:rPr><w:position w:val="8"/><w:sz w:val="19"/></w:rPr><w:t>{}</w:t></w:r>'


def national_docx_with_mark(runs: str) -> bytes:
    """The national report as Word writes it, table 四's third figure 5 and ``runs`` (also the
    source of tests/word97/national_marked.doc: tools/make_word97_fixtures.py)."""
    t3, t4, _ = _tables()
    document = docx_from_html(synthetic.national_report_html(AGENCY, 2021, LAYOUT, T2[LAYOUT], t3, t4))
    with zipfile.ZipFile(io.BytesIO(document)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    body = parts["word/document.xml"].decode()
    assert body.count(f"<w:t>{STAND_IN}</w:t></w:r>") == 1
    parts["word/document.xml"] = body.replace(f"<w:t>{STAND_IN}</w:t></w:r>", "<w:t>5</w:t></w:r>" + runs).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("runs,printed", [
    (WORD_SUPERSCRIPT_MARK, "5[注1]"),
    (_RAISED_BY_POINTS.format("1"), "5[1]"),
])
def test_a_word_run_set_superscript_is_a_mark_not_a_digit(runs, printed):
    _assert_read(parse_bytes(national_docx_with_mark(runs), "attachments/report.docx"), printed)


def test_a_word_97_run_set_superscript_is_a_mark_not_a_digit():
    """The .docx above (Word's superscript, "注" and "1") saved as .doc by LibreOffice: its
    character properties say which characters are raised."""
    _assert_read(parse_bytes((WORD97 / "national_marked.doc").read_bytes(), "attachments/report.doc"), "5[注1]")


def test_word_97_marks_of_every_kind():
    """tests/word97/marks.doc (tools/make_word97_fixtures.py's MARKS_BODY): a superscript mark in
    two runs, a subscript, a cell's whole figure raised by points (its figure: not a mark), a
    mark raised by points after a figure, and a superscript in a sentence."""
    assert read_doc((WORD97 / "marks.doc").read_bytes())[0] == "| 行政许可 | 5[注1] | 8[2] | 7 | 9[3] |\n收到申请12[*]件\n"


def test_a_run_raised_by_points_is_a_mark_only_beside_a_figure():
    """A whole cell's text set a point up (a writer's alignment) is the cell's figure."""
    body = ("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>行政许可</w:t></w:r></w:p></w:tc><w:tc><w:p>"
            + _RAISED_BY_POINTS.format("7") + "</w:p></w:tc><w:tc><w:p><w:r><w:t>8</w:t></w:r>"
            + _RAISED_BY_POINTS.format("1") + "</w:p></w:tc></w:tr></w:tbl>")
    assert read_docx(docx_with_body(body))[0] == "| 行政许可 | 7 | 8[1] |\n"


@pytest.mark.parametrize("group", [
    r"{\super 1}",  # (Word: the run's properties, then the mark)
    r"{\rtlch\fcs1 \af0 \ltrch\fcs0 \super\insrsid2103 1}",
    "{\\loch{\\*\\updnprop8000}\\up8\\loch\n1}",  # (LibreOffice, a page's <sup>)
    r"{\sub 1}",
])
def test_an_rtf_group_set_raised_is_a_mark_not_a_digit(group):
    t3, t4, _ = _tables()
    document = rtf_from_html(synthetic.national_report_html(AGENCY, 2021, LAYOUT, T2[LAYOUT], t3, t4))
    assert document.count(STAND_IN.encode()) == 1
    _assert_read(parse_bytes(document.replace(STAND_IN.encode(), b"5" + group.encode()), "attachments/report.rtf"), "5[1]")


@pytest.mark.parametrize("rise", [2.5, 5, -1.5, -4])
def test_pdf_characters_set_small_and_raised_are_a_mark(rise):
    """Near the line, the mark's characters join the figure's word (read 51 before); raised or
    lowered further, they are a word on no line of the figure's (a line of their own before,
    a row's extra figure)."""
    t3, t4, _ = _tables()
    rows = _pdf_rows(LAYOUT, t3, t4)
    row = next(row for row in rows if STAND_IN in row)
    row[row.index(STAND_IN)] = "5^1"
    _assert_read(parse_bytes(pdf_from_rows(rows, mark_rise=rise), "attachments/report.pdf"), "5[1]")


@pytest.mark.parametrize("rise", [0.8, 1.6, -0.5, -1.2])
def test_ofd_characters_set_small_and_raised_are_a_mark(rise):
    """As a PDF's: near the line the mark joined the figure (51); further, it made a line."""
    t3, t4, _ = _tables()
    rows = _pdf_rows(LAYOUT, t3, t4)
    row = next(row for row in rows if STAND_IN in row)
    row[row.index(STAND_IN)] = "5^注1"
    _assert_read(parse_bytes(ofd_from_rows(rows, mark_rise=rise), "attachments/report.ofd"), "5[注1]")


def test_a_superscript_digit_is_not_folded_into_a_digit():
    """Full-width digits fold to ASCII; superscript and subscript digits, NFKC digits too, do not."""
    assert normalize("１２ 7¹ 3²³ 4₅ 6⁰") == "12 7¹ 3²³ 4₅ 6⁰"


@pytest.mark.parametrize("cell,value,mark", [
    ("12*", 12, "*"), ("12**", 12, "**"), ("3①", 3, "①"), ("5(注1)", 5, "(注1)"), ("5(注)", 5, "(注)"), ("7¹", 7, "¹"),
    ("9[2]", 9, "[2]"), ("9[注]", 9, "[注]"), ("9【1】", 9, "【1】"), ("12注1", 12, "注1"), ("4<sup>1</sup>", 4, "<sup>1</sup>"),
    ("8件*", 8, "*"), ("12", 12, None), ("1,276", 1276, None), ("92.8050万元", Decimal("92.8050"), None),
])
def test_a_cell_s_figure_and_mark(cell, value, mark):
    assert is_figure(cell)
    figure = parse_cell(cell)
    assert (figure.value, figure.mark) == (value, mark)


def test_runs_with_marks():
    assert with_marks([("5", False), ("注", True), ("1", True), ("件", False), ("*", True)]) == "5[注1]件[*]"
    assert with_marks([("12", False)]) == "12" and with_marks([("(1)", True)]) == "[1]"


@pytest.mark.parametrize("cell", ["5(2)", "5[123]", "5 *", "5(1)(2)", "①", "注1", "*"])
def test_what_is_no_marked_figure(cell):
    """A bracketed figure beside a figure ("5(2)": 5, of which 2) is not a mark: the cell is
    not a figure, and its row is not read, rather than read as 5 or 52."""
    assert not is_figure(cell)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHARED_STRINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _shared(workbook: bytes) -> bytes:
    """The workbook with its cells' texts (openpyxl writes each in its cell) in a shared strings
    part, as Excel and LibreOffice write them."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    moved: list[str] = []

    def shared(cell: re.Match) -> str:
        moved.append(cell["runs"])
        return f'<c r="{cell["at"]}"{cell["style"]} t="s"><v>{len(moved) - 1}</v></c>'

    parts["xl/worksheets/sheet1.xml"] = re.sub(
        r'<c r="(?P<at>[A-Z]+\d+)"(?P<style>(?: s="\d+")?) t="inlineStr"><is>(?P<runs>.*?)</is></c>', shared,
        parts["xl/worksheets/sheet1.xml"].decode()).encode()
    assert moved
    parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{len(moved)}" '
                                     f'uniqueCount="{len(moved)}">' + "".join(f"<si>{runs}</si>" for runs in moved) + "</sst>").encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdStrings" Type="{_SHARED_STRINGS}" Target="sharedStrings.xml"/>'
                             f"</Relationships>".encode())
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SHARED_STRINGS_TYPE}"/></Types>'.encode())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("where", ["shared", "in the cell"])
@pytest.mark.parametrize("align", ["superscript", "subscript"])
def test_an_excel_cell_s_raised_run_is_a_mark_not_a_digit(where, align):
    """The workbook reader gives a rich text's runs joined: "5" and a superscript "1" were 51."""
    t3, t4, _ = _tables()
    book = openpyxl.load_workbook(io.BytesIO(xlsx_from_html(synthetic.national_report_html(AGENCY, 2021, LAYOUT, T2[LAYOUT], t3, t4))))
    sheet = book.active
    cell = next(cell for row in sheet.iter_rows() for cell in row if cell.value == int(STAND_IN))
    cell.value = rich_text(("5", None), ("1", align))
    workbook = saved(book)
    _assert_read(parse_bytes(_shared(workbook) if where == "shared" else workbook, "attachments/report.xlsx"), "5[1]")


@pytest.mark.parametrize("form", ["xlsx, its texts in the cells", "xlsx, its texts shared", "xls"])
def test_an_excel_rich_text_s_marks_and_what_reads_as_one(form):
    """tests/workbooks/marks.xls is marked_workbook saved by LibreOffice as Excel 97-2003, its
    marks past three CONTINUE records of shared strings."""
    if form == "xls":
        workbook = (Path(__file__).parent / "workbooks" / "marks.xls").read_bytes()
    else:
        workbook = marked_workbook() if form.endswith("cells") else _shared(marked_workbook())
    lines = parse_bytes(workbook, "t." + form[:4].rstrip(",")).text.splitlines()
    assert lines[-4:] == list(MARKED_ROWS)
    assert lines[:2] == ["| 第0项说明文字，用于填满共享字符串表 | 0 |  |", "| 第1项说明文字，用于填满共享字符串表 | 1 |  |"]


def test_an_xml_spreadsheet_s_superscript_is_a_mark_not_a_digit():
    """Excel's XML spreadsheet keeps a cell's rich text as HTML elements in its Data."""
    rich = ('<ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><Font html:Color="#000000">5</Font>'
            '<Font html:Color="#000000"><Sup>注1</Sup></Font></ss:Data>')
    document = spreadsheetml_from_sheets({"统计表": [["行政许可", "STAND", 8], ["行政处罚", "9", 10]]}).decode()
    cell = re.search(r"<Data[^>]*>STAND</Data>", document)
    assert cell
    document = document[:cell.start()] + rich + document[cell.end():]
    text = parse_bytes(document.encode(), "export.xls").text
    assert "| 行政许可 | 5[注1] | 8 |" in text.splitlines()
