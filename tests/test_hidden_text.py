"""What a report's reader is not shown is not read: a page's table row, cell or text set hidden
by its own style or attribute, a Word run set hidden (.docx, .doc), an RTF group (a short one). Before, a hidden cell moved
its row's figures a column on and hidden text joined a figure ("5" and a hidden "3": 53)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from orchestration import synthetic
from orchestration.parsing import parse_bytes
from orchestration.parsing.formats import html_to_text
from orchestration.parsing.rtf import read_rtf
from orchestration.parsing.word import read_docx
from orchestration.parsing.word97 import read_doc

from .conftest import as_map
from .docx_builder import docx_with_body
from .test_formats import T2, reference

LAYOUT = "t2021"
# Table 四's third figure (行政复议, 其他结果), 5 in reference()'s tables, rendered as this stand-in.
STAND_IN = "98765"


def _page_with(cell: str) -> tuple[bytes, dict]:
    """The national page, table 四's third figure's cell written as ``cell``; and its figures."""
    t3, t4, want = reference(LAYOUT)
    assert t4[2] == 5
    page = synthetic.national_report_html("精河县人民政府办公室", 2021, LAYOUT, T2[LAYOUT], t3, [*t4[:2], int(STAND_IN), *t4[3:]])
    assert page.count(f"<td>{STAND_IN}</td>") == 1
    return page.replace(f"<td>{STAND_IN}</td>", cell).encode(), want


@pytest.mark.parametrize("cell", [
    '<td>5<span style="display:none">3</span></td>',
    '<td>5<span hidden>3</span></td>',
    '<td>5<font style="COLOR: red; VISIBILITY: HIDDEN">3</font></td>',
    '<td>5</td><td style="display: none">77</td>',  # (a cell a browser lays out no place for)
    '<td><span>5</span><span style="display:none"><b>3</b>9</span></td>',
])
def test_what_a_page_s_table_hides_is_not_read(cell):
    data, want = _page_with(cell)
    parse = parse_bytes(data, "pages/report.html")
    assert as_map(parse.result.values) == want
    assert not parse.result.issues


def test_a_hidden_cell_keeps_its_place_when_only_invisible():
    """visibility:hidden keeps the cell's place (blank: no figure); display:none and a hidden
    row take none."""
    page = ("<table><tr><td>行政许可</td><td>4</td><td style='visibility:hidden'>5</td><td>6</td></tr>"
            "<tr><td>行政处罚</td><td style='display:none'>7</td><td>8</td><td>9</td></tr>"
            "<tr style='display:none'><td>行政强制</td><td>1</td><td>2</td><td>3</td></tr></table>")
    assert html_to_text(page) == "| 行政许可 | 4 |  | 6 |\n| 行政处罚 | 8 | 9 |\n"


def test_a_hidden_block_outside_tables_is_read():
    """A page's tabs hide all but one panel, and the report may be in any: a hidden div is read."""
    t3, t4, want = reference(LAYOUT)
    page = synthetic.national_report_html("精河县人民政府办公室", 2021, LAYOUT, T2[LAYOUT], t3, t4)
    start, end = page.index("<h2>二、"), page.index("<h2>五、")
    page = page[:start] + '<div class="tab" style="display:none">' + page[start:end] + "</div>" + page[end:]
    assert as_map(parse_bytes(page.encode(), "pages/report.html").result.values) == want


def test_hidden_text_in_a_sentence_is_not_read():
    page = ("<html><body><p>精河县2021年政府信息公开工作年度报告</p>"
            "<p>本年度收到政府信息公开申请12<span style='display:none'>0</span>件。</p></body></html>")
    values = parse_bytes(page.encode(), "pages/report.html").result.values
    assert [(value.item, value.value) for value in values] == [("new_received", Decimal(12))]


def test_a_word_run_set_hidden_is_not_read():
    """A .docx's w:vanish; set off again (w:val="0"), it is shown and read."""
    run = "<w:r>{}<w:t>{}</w:t></w:r>"
    cells = [[("", "行政许可")], [("", "5"), ("<w:rPr><w:vanish/></w:rPr>", "3")],
             [("", "8"), ('<w:rPr><w:vanish w:val="0"/></w:rPr>', "1")]]
    body = "<w:tbl><w:tr>" + "".join(
        "<w:tc><w:p>" + "".join(run.format(*part) for part in cell) + "</w:p></w:tc>" for cell in cells) + "</w:tr></w:tbl>"
    assert read_docx(docx_with_body(body))[0] == "| 行政许可 | 5 | 81 |\n"


def test_a_word_97_run_set_hidden_is_not_read():
    """tests/word97/hidden.doc (tools/make_word97_fixtures.py's HIDDEN_BODY, saved as .doc by
    LibreOffice): its character properties' sprmCFVanish. Read before: 53 and 收到申请120件."""
    document = (Path(__file__).parent / "word97" / "hidden.doc").read_bytes()
    assert read_doc(document)[0] == "| 行政许可 | 5 | 81 |\n收到申请12件\n"


def test_an_rtf_group_set_hidden_is_not_read():
    """\\v sets a group's text hidden, \\v0 shows it again."""
    document = rb"{\rtf1\ansi {\trowd\cellx1000\cellx2000\cellx3000 \intbl 5{\v 3}\cell 8{\v0 1}\cell{\b\v 7}9\cell\row}}"
    assert read_rtf(document)[0] == "| 5 | 81 | 9 |\n"
