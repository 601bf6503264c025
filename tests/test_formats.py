"""Inputs as they come from the web: HTML pages, PDFs, mirror copies in
traditional characters with pinyin, any encoding."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration import synthetic
from orchestration.parsing import parse_bytes
from orchestration.parsing.formats import _pdf_pages, extract, html_to_text
from orchestration.parsing.pages import blank_page_numbers
from orchestration.perturb import paged

from .conftest import REPO, SAMPLES_RAW, as_map, figures_map
from .pdf_builder import blank_pdf, pdf_from_rows

T2 = {
    "t2021": {("regulation", "issued"): 1, ("regulation", "repealed"): 2, ("regulation", "in_force"): 3,
              ("normative_document", "issued"): 4, ("normative_document", "repealed"): 5,
              ("normative_document", "in_force"): 6, ("administrative_license", "decisions"): 7,
              ("administrative_penalty", "decisions"): 8, ("administrative_coercion", "decisions"): 9,
              ("administrative_fee", "fee_amount"): "1.5"},
    "t2019": {key: index + 10 for index, key in enumerate(
        [(c, m) for c in ("regulation", "normative_document") for m in ("newly_made", "newly_published", "total_published")]
        + [(c, m) for c in ("administrative_license", "other_management_service", "administrative_penalty",
                             "administrative_coercion") for m in ("prior_year_items", "change", "decisions")]
        + [("administrative_fee", "prior_year_items"), ("administrative_fee", "change"),
           ("centralized_procurement", "procurement_projects")])} | {("centralized_procurement", "procurement_amount"): "92.805"},
}


def reference(layout: str, seed: int = 2):
    t3 = synthetic.consistent_table3(layout, seed)
    t4 = synthetic.consistent_table4(seed)
    lines = synthetic.national_report("精河县人民政府办公室", 2021, layout, layout, T2[layout], t3, t4, "lines")
    return t3, t4, figures_map(lines.figures)


@pytest.mark.parametrize("layout", ["t2019", "t2021"])
@pytest.mark.parametrize("charset,encoding", [("utf-8", "utf-8"), ("gb2312", "gb18030")])
def test_html_page_with_merged_cells(layout, charset, encoding):
    t3, t4, want = reference(layout)
    page = synthetic.national_report_html("精河县人民政府办公室", 2021, layout, T2[layout], t3, t4, charset=charset)
    assert_the_national_page(parse_bytes(page.encode(encoding), "pages/report.html"), layout, want, "html", encoding)


@pytest.mark.parametrize("encoding,told", [("utf-16", "utf-16"), ("utf-16-le", "utf_16_le"), ("utf-16-be", "utf_16_be")])
@pytest.mark.parametrize("name", ["pages/report.htm", "crawl/0001.txt"])
def test_a_page_saved_in_utf16_is_read_as_a_page(encoding, told, name):
    """Word's "Unicode" web page, with a BOM or without: a NUL between the letters of every tag,
    so a page named anything but .htm was taken for text, its tags in its lines (its title's
    "<br>" hid the organ)."""
    t3, t4, want = reference("t2021")
    page = synthetic.national_report_html("精河县人民政府办公室", 2021, "t2021", T2["t2021"], t3, t4, charset="utf-8")
    page = page.replace('charset="utf-8"', 'charset="unicode"').replace("charset=utf-8", "charset=unicode")
    parse = parse_bytes(page.encode(encoding), name)
    assert_the_national_page(parse, "t2021", want, "html", told)
    assert parse.result.metadata.agency_name == "精河县人民政府办公室"


def assert_the_national_page(parse, layout: str, want: dict, source_format: str, encoding: str) -> None:
    """``parse`` is of synthetic.national_report_html's page for 精河县 in 2021, whatever the file it came in."""
    assert (parse.status, parse.source_format, parse.encoding) == ("parsed", source_format, encoding)
    assert parse.result.metadata.table_layouts == {"table2": layout, "table3": layout, "table4": layout}
    assert as_map(parse.result.values) == want
    assert (parse.result.metadata.report_year, parse.result.metadata.published_date) == (2021, "2022-01-28")
    assert parse.result.metadata.region.county.code == "652722"
    assert not parse.result.issues


@pytest.mark.parametrize("footer", ["- {n} -", "— {n} —", "{n}", "第 {n} 页", "第{n}页 共3页", "{n}/3", "Page {n} of 3"])
def test_a_pdf_s_page_numbers_are_no_figures(footer):
    """A page's number at its foot, between two rows of a table that runs on to the next page:
    before, "- 2 -" was a figure too many of the row above it (`row_extra_cells`)."""
    t3, t4, want = reference("t2021")
    rows = _pdf_rows("t2021", t3, t4)
    rows[1:1] = [["本年度,本机关认真贯彻落实《中华人民共和国政府信息公开条例》,做好政府信息公开工作。"]] * 35
    data = pdf_from_rows(rows, footer=footer)
    pages = _pdf_pages(data)[0]
    assert len(pages) == 2 and pages[0].rstrip().endswith(footer.format(n=1))  # (the table runs on to page 2)
    parse = parse_bytes(data, "attachments/report.pdf")
    assert as_map(parse.result.values) == want
    assert not parse.result.issues
    text = extract(data, "report.pdf").text
    assert text.count("\n") == len(rows) - 1  # (every row's line, no page's number)


# (a bare number between two lines of a text that no form feed divides is a figure as much as a
# page's number: not dropped, so not among these)
TEXT_FOOTERS = [(footer, form_feed) for footer in ["- {n} -", "— {n} —", "{n}", "第 {n} 页 共 {pages} 页", "共{pages}页 第{n}页",
                                                  "{n}/{pages}", "Page {n} of {pages}"]
                for form_feed in (False, True) if footer != "{n}" or form_feed]


@pytest.mark.parametrize("footer,form_feed", TEXT_FOOTERS)
@pytest.mark.parametrize("shape", ["lines", "pipe_lines", "tabs"])
def test_a_pdf_s_text_saved_as_text_reads_without_its_page_numbers(shape, footer, form_feed):
    """A PDF's text saved as a text file, a footer every 13 lines (set off by spaces):
    pdftotext's divides its pages by a form feed, one copied from a viewer does not. Before,
    "- 2 -" between a row's label and its figures (one cell a line) took the row's first figures,
    and between two rows was a figure too many (`row_extra_cells`), the row dropped. A bare number
    is known as a page's only where a form feed ends its page."""
    t3, t4, want = reference("t2021")
    report = synthetic.national_report("精河县人民政府办公室", 2021, "t2021", "t2021", T2["t2021"], t3, t4, shape).text
    text = paged(lambda n, pages: "   " + footer.format(n=n, pages=pages) + "  ", form_feed, lines_a_page=13)(report)
    parse = parse_bytes(text.encode(), "crawl/report.txt")
    pages = -(-(report.count("\n") + 1) // 13)
    assert pages >= 4 and f"\n   {footer.format(n=4, pages=pages)}  \n" in text and parse.status == "parsed"
    assert as_map(parse.result.values) == want
    assert parse.result.metadata.agency_name == "精河县人民政府办公室"
    assert not parse.result.issues


def test_a_text_s_dashes_and_numbers_one_a_line_are_cells_not_a_page_s_number():
    """A row written one cell a line with "-" for none ("-", "3", "-"): no part of a page's number
    crosses a line's end, so they stay the row's cells; the numbers' lines are blanked, the
    text's length kept (every offset read from it stays right)."""
    text = "第 3 页\n-\n3\n-\n- 4 -\n第5页 共9页\n2/9\nPage 2\n- 4 - 5\n本年增/减\n-12\n"
    blanked = blank_page_numbers(text)
    assert len(blanked) == len(text)
    assert [line.strip() for line in blanked.split("\n")] == ["", "-", "3", "-", "", "", "", "", "- 4 - 5", "本年增/减", "-12", ""]


@pytest.mark.parametrize("cut", ["its cross-reference table", "its second page"])
def test_a_pdf_cut_short_is_rebuilt_and_read_as_far_as_it_arrived(cut):
    """A download stopped early loses a PDF's cross-reference table and trailer, at its end, and
    pdfminer then finds no page: such a PDF was unreadable_pdf whatever it held. qpdf (pikepdf)
    rebuilds it from the objects that arrived: every figure when only the table was lost, the
    first page's (no figure wrong) when the cut fell in the second page's content; told as
    incomplete."""
    t3, t4, want = reference("t2021")
    rows = _pdf_rows("t2021", t3, t4)
    rows[1:1] = [["本年度,本机关认真贯彻落实《中华人民共和国政府信息公开条例》,做好政府信息公开工作。"]] * 20
    whole = pdf_from_rows(rows)  # (the tables over two pages)
    assert as_map(parse_bytes(whole, "attachments/report.pdf").result.values) == want
    at = whole.rindex(b"\nxref") if cut == "its cross-reference table" else whole.rindex(b"stream\n") - 300
    parse = parse_bytes(whole[:at], "attachments/report.pdf")
    assert (parse.status, parse.source_format) == ("parsed", "pdf")
    got = {key: value for key, value in as_map(parse.result.values).items() if value is not None}
    assert got == {key: want[key] for key in got}
    assert len(got) == len(want) if cut == "its cross-reference table" else 20 < len(got) < len(want)
    told = [issue.message for issue in parse.all_issues if issue.code == "incomplete"]
    assert told[0].startswith("the PDF could not be read as it is (PdfminerException: ")
    assert "rebuilt by qpdf and read" in told[0]


@pytest.mark.parametrize("spacing", [4, 8])
def test_a_pdf_whose_labels_are_spread_across_their_cells(spacing):
    """Labels set in distributed alignment (分散对齐), their characters spread across the cell:
    4 points apart at a 7-point font is under a cell's gap (6), 8 over it. Before, a row whose
    numbering came apart ("( 一 ) 予 以 公 开") was not found (165 of the 200 figures), and at 8
    points every label fell into cells of one character ("规 | 章": 29)."""
    t3, t4, want = reference("t2021")
    parse = parse_bytes(pdf_from_rows(_pdf_rows("t2021", t3, t4), label_spacing=spacing), "attachments/report.pdf")
    assert as_map(parse.result.values) == want
    assert not parse.result.issues
    text = parse.text.splitlines()
    assert "规章 | 1 | 2 | 3" in text and "行政规范性文件 | 4 | 5 | 6" in text
    assert any(line.startswith(("(一)予以公开 | ", "( 一 ) 予 以 公 开 | ")) for line in text)


def test_cells_of_one_character_stay_cells():
    """A row's markers ("无") and a column's units are cells of their own, at whatever gap;
    digits never join (a row of one-digit figures in narrow columns)."""
    rows = [["某局2021年政府信息公开工作年度报告"], ["行政许可", "无", "无", "无"], ["收到申请数", "件", "件", "3"],
            ["行政处罚", "1", "2", "3"]]
    lines = extract(pdf_from_rows(rows, first_column=80, column_width=16), "r.pdf").text.splitlines()
    assert lines[1:] == ["行政许可 | 无 | 无 | 无", "收到申请数 | 件 | 件 | 3", "行政处罚 | 1 | 2 | 3"]


def test_html_drops_scripts_and_styles():
    text = html_to_text("<html><head><style>p{}</style></head><body><script>x='收到申请99件'</script>"
                        "<p>2021年,收到政府信息公开申请3件。</p><!-- 主动公开政府信息88条 --></body></html>")
    assert text == "2021年,收到政府信息公开申请3件。\n"


def test_html_colspan_keeps_columns():
    text = html_to_text("<table><tr><td colspan='2'>合并</td><td>3</td></tr><tr><td>a</td><td rowspan='2'>b</td><td>4</td></tr>"
                        "<tr><td>c</td><td>5</td></tr></table>")
    assert text.splitlines() == ["| 合并 |  | 3 |", "| a | b | 4 |", "| c |  | 5 |"]


def _pdf_rows(layout, t3, t4):
    rows = [["精河县人民政府办公室2021年政府信息公开工作年度报告"], ["本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。"],
            ["二、主动公开政府信息情况"]]
    for title, header, block_rows, measures in synthetic.T2_BLOCKS[layout]:
        rows += [[title], header]
        for label, category in block_rows:
            rows.append([label, *(str(T2[layout][(category, m)]) for m in measures)])
    rows += [["三、收到和处理政府信息公开申请情况"], ["申请人情况", "自然人", "商业", "科研", "公益", "法律", "其他", "总计"]]
    for label, item in synthetic.T3_ROWS[layout]:
        rows.append([label, *(str(v) for v in t3[item])] if item else [label])
    rows += [["四、政府信息公开行政复议、行政诉讼情况"], ["行政复议 行政诉讼"], ["结果维持 结果纠正 其他结果 尚未审结 总计"],
             ["", *(str(v) for v in t4)], ["五、存在的主要问题及改进情况"], ["工作仍有不足。"]]
    return rows


@pytest.mark.parametrize("layout", ["t2019", "t2021"])
def test_pdf_with_a_text_layer(layout):
    t3, t4, want = reference(layout)
    rows = _pdf_rows(layout, t3, t4)
    table4 = rows.index(["", *(str(v) for v in t4)])
    rows[table4] = [" ".join(str(v) for v in t4)]  # table 四's 15 figures as one line of text
    data = pdf_from_rows(rows)
    parse = parse_bytes(data, "attachments/report.pdf")
    assert (parse.status, parse.source_format) == ("parsed", "pdf")
    got = as_map(parse.result.values)
    assert got == want
    assert parse.result.metadata.report_year == 2021


def test_pdf_digits_of_neighbouring_cells_do_not_run_together():
    data = pdf_from_rows([["某局2021年政府信息公开工作年度报告"], ["第二十条第(五)项"], ["信息内容", "本年处理决定数量"],
                          ["行政许可", "12"], ["第二十条第(六)项"], ["信息内容", "本年处理决定数量"], ["行政处罚", "3"], ["行政强制", "45"]],
                         column_width=9)
    parse = parse_bytes(data, "x.pdf")
    decisions = {v.dims["category"]: v.value for v in parse.result.values if v.dims.get("measure") == "decisions"}
    assert decisions == {"administrative_license": 12, "administrative_penalty": 3, "administrative_coercion": 45}


def test_scanned_pdf_is_quarantined():
    parse = parse_bytes(blank_pdf(), "scan.pdf")
    assert (parse.status, parse.quarantine_code) == ("quarantined", "no_text_layer")


def test_broken_pdf_is_quarantined():
    parse = parse_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntruncated", "broken.pdf")
    assert (parse.status, parse.quarantine_code) == ("quarantined", "unreadable_pdf")


def test_a_page_named_pdf_is_read_as_the_page():
    """A site that serves a report's page at a .pdf address, a crawler that names what it saved
    by the link: the bytes are a page, and were `unreadable_pdf`."""
    t3, t4, want = reference("t2021")
    page = synthetic.national_report_html("精河县人民政府办公室", 2021, "t2021", T2["t2021"], t3, t4)
    assert_the_national_page(parse_bytes(page.encode(), "attachments/report.pdf"), "t2021", want, "html", "utf-8")


def test_a_site_s_error_page_saved_as_the_report_says_how_it_begins():
    error_page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>404</title></head><body>"
                  "<h1>对不起，您访问的页面不存在！</h1><p>请返回首页</p></body></html>").encode()
    for name in ("attachments/report.pdf", "attachments/report.doc", "pages/t20220120_1.html"):
        parse = parse_bytes(error_page, name)
        assert (parse.status, parse.source_format, parse.quarantine_code, parse.quarantine_reason) == (
            "quarantined", "html", "not_a_report",
            "no figure, year or organ of an OGI annual report found; its text begins “对不起，您访问的页面不存在！”"), name
    long_line = ("欢迎访问本网站" * 12 + "\n今日天气晴").encode()
    assert parse_bytes(long_line, "x.txt").quarantine_reason == (
        "no figure, year or organ of an OGI annual report found; its text begins “" + ("欢迎访问本网站" * 9)[:60] + "…”")


def test_bytes_named_pdf_that_are_no_pdf_say_so():
    parse = parse_bytes(b"Service Unavailable\r\n", "attachments/report.pdf")
    assert (parse.source_format, parse.quarantine_code, parse.quarantine_reason) == (
        "pdf", "unreadable_pdf", "named .pdf, but no PDF: its bytes have no %PDF- header (the download saved something else)")


def _mirror(text: str) -> str:
    """A mirror site's copy: traditional characters, pinyin after some of them."""
    import opencc

    traditional = opencc.OpenCC("s2t").convert(text)
    for char, pinyin in (("報", "bào"), ("請", "qǐng"), ("開", "kāi"), ("規", "guī")):
        traditional = traditional.replace(char, f"{char}({pinyin})")
    return traditional


@pytest.mark.parametrize("sample", ["002_a14c2c8461655229.txt", "004_4aa281a40ca079eb.txt", "000_e0a35a2ab27e6366.txt"])
def test_traditional_mirror_with_pinyin_parses_like_the_original(sample):
    original = (SAMPLES_RAW / sample).read_text(encoding="utf-8")
    mirror = _mirror(original)
    assert "報(bào)告" in mirror or "開(kāi)" in mirror
    simple = parse_bytes(original.encode(), sample)
    copy = parse_bytes(mirror.encode("big5", errors="ignore") if False else mirror.encode(), "mirror/" + sample)
    assert copy.status == "parsed"
    assert copy.transforms == ["pinyin_removed", "traditional_to_simplified"]
    assert as_map(copy.result.values) == as_map(simple.result.values)
    meta, want = copy.result.metadata, simple.result.metadata
    assert (meta.report_year, meta.template, meta.published_date) == (want.report_year, want.template, want.published_date)
    for value in copy.result.values:
        assert mirror[value.char_start : value.char_end] == value.raw_text


def test_traditional_big5_page():
    import opencc

    original = (SAMPLES_RAW / "004_4aa281a40ca079eb.txt").read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(original)
    data = traditional.encode("big5", errors="replace")
    parse = parse_bytes(data, "big5.txt")
    assert parse.encoding == "big5" and parse.status == "parsed"
    assert "traditional_to_simplified" in parse.transforms
    simple = parse_bytes(original.encode(), "x.txt")
    assert as_map(parse.result.values) == as_map(simple.result.values)


_CELL_PARTS = st.sampled_from(["12", " 3 ", "件", "&nbsp;", "&amp;", "<br>", "<p>", "</p>", "<span>4</span>",
                               "<b>合计</b>", "<!-- 9 -->", "<?php x ?>", "\u3000", "\n", "<font size=2>5</font>"])


@given(st.lists(_CELL_PARTS, max_size=8))
def test_cell_text_is_what_text_content_gives(parts):
    """_table_rows reads a cell without XPath; comments go before (html_to_text), as here."""
    from lxml import etree
    from lxml import html as lxml_html

    from orchestration.parsing.formats import _cell_text

    document = lxml_html.document_fromstring(f"<table><tr><td>{''.join(parts)}</td><td>x</td></tr></table>")
    etree.strip_elements(document, etree.Comment, with_tail=False)
    for cell in document.iter("td"):
        assert _cell_text(cell) == cell.text_content()


def _table_rows_by_dict(table) -> list[str]:
    """The plain way _table_rows fills its grid: a dict keyed by (row, column)."""
    from orchestration.parsing.formats import _cell_text, _span

    grid: dict[tuple[int, int], str] = {}
    rows = [row for row in table.iter("tr") if row.getparent() is not None]
    width = 0
    for r, row in enumerate(rows):
        column = 0
        for cell in row.iterchildren("td", "th"):
            while (r, column) in grid:
                column += 1
            rowspan, colspan = _span(cell.get("rowspan")), _span(cell.get("colspan"))
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, column + dc)] = " ".join(_cell_text(cell).split()) if (dr, dc) == (0, 0) else ""
            column += colspan
            width = max(width, column)
    out = []
    for r in range(len(rows)):
        cells = [grid.get((r, c)) for c in range(width)]
        while cells and cells[-1] is None:
            cells.pop()
        if any(cells):
            out.append("| " + " | ".join(cell or "" for cell in cells) + " |")
    return out


_SPAN = st.sampled_from([None, "1", "2", "3", "0", "-1", "x", "", "150"])
_CELL = st.tuples(st.sampled_from(["td", "th"]), st.sampled_from(["", "7", "合计", " 8 ", "<b>9</b>"]), _SPAN, _SPAN)


@given(st.lists(st.lists(_CELL, max_size=5), min_size=1, max_size=6))
def test_table_rows_fill_the_grid_as_the_plain_way(rows):
    from lxml import etree

    from orchestration.parsing.formats import _html_parser, _table_rows

    def cell(tag, text, rowspan, colspan):
        spans = "".join(f' {name}="{value}"' for name, value in (("rowspan", rowspan), ("colspan", colspan)) if value is not None)
        return f"<{tag}{spans}>{text}</{tag}>"

    markup = "<table>" + "".join("<tr>" + "".join(cell(*c) for c in row) + "</tr>" for row in rows) + "</table>"
    table = next(etree.fromstring(markup, _html_parser()).iter("table"))
    assert _table_rows(table) == _table_rows_by_dict(table)


_ODD_PARTS = st.sampled_from([
    "<tr>", "</tr>", "<td>1</td>", "<th>表</th>", "<td>", "</td>", "<tbody>", "</tbody>", "<thead>", "<tr><td>2",
    "<td rowspan=2>3</td>", "<td colspan=2>4</td>", "<div><td>5</td></div>", "<span>6</span>", "文", "<p>7</p>",
])


@given(st.lists(_ODD_PARTS, max_size=14))
def test_table_rows_of_broken_markup_are_the_plain_ways(parts):
    """Cells outside rows, rows without end tags, cells inside other elements: the one walk
    over rows and cells finds what a walk per row finds."""
    from lxml import etree

    from orchestration.parsing.formats import _html_parser, _table_rows

    document = etree.fromstring("<html><body><table>" + "".join(parts) + "</table></body></html>", _html_parser())
    for table in document.iter("table"):
        assert _table_rows(table) == _table_rows_by_dict(table)


REAL_SAMPLES = REPO / "tests" / "samples" / "real"
SIDECAR = {
    "url": "http://www.jinghe.gov.cn/info/1234.htm",
    "title": "精河县行政服务中心2016年政府信息公开工作年度报告",
    "source": "精河县行政服务中心",
    "published": "2017-03-10",
    "notes": "全年收到政府信息公开申请12件,行政复议1件",
}


@pytest.mark.parametrize("name,data", [
    ("a/page.json", json.dumps(SIDECAR, ensure_ascii=False, indent=1).encode()),
    ("a/page.txt", b"\xef\xbb\xbf" + json.dumps(SIDECAR, ensure_ascii=False).encode("utf-8")),
    ("a/page.meta", json.dumps({**SIDECAR, "content": "<div><p>收到申请12件</p></div>"}, ensure_ascii=False).encode()),
    ("labels.jsonl", (REAL_SAMPLES / "labels.jsonl").read_bytes()),
])
def test_json_is_not_a_report(name, data):
    """A crawler's metadata beside a page, or an export: each was parsed as a report (a
    year, a place and figures taken from its notes, and no organ)."""
    parse = parse_bytes(data, name)
    assert (parse.status, parse.quarantine_code) == ("quarantined", "not_a_report")
    assert [issue.message for issue in parse.issues] == [
        "JSON data (a crawler's metadata beside a page, an export), not a report's text"]


@pytest.mark.parametrize("before", ["[打印本页] [关闭窗口]\n", "{正文}\n", "[\n"])
def test_a_report_opening_with_a_bracket_is_still_a_report(before):
    sample = (SAMPLES_RAW / "000_e0a35a2ab27e6366.txt").read_text(encoding="utf-8")
    plain, bracketed = parse_bytes(sample.encode(), "r.txt"), parse_bytes((before + sample).encode(), "r.txt")
    assert bracketed.status == "parsed"
    assert as_map(bracketed.result.values) == as_map(plain.result.values) != {}


INDEX_ROWS = [
    ["url", "title", "published"],
    ["http://www.jinghe.gov.cn/info/1234.htm", "精河县行政服务中心2016年政府信息公开工作年度报告", "2017-03-10"],
    ["http://www.jinghe.gov.cn/info/1301.htm", "精河县民政局2016年政府信息公开工作年度报告,收到申请12件", "2017-03-12"],
]


@pytest.mark.parametrize("name,data", [
    ("index.csv", "\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in INDEX_ROWS).encode()),
    ("crawl/INDEX.CSV", ("\r\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in INDEX_ROWS)).encode("gb18030")),
    ("pages.tsv", "\n".join("\t".join(row) for row in INDEX_ROWS).encode()),
    ("pages.csv", "\n".join(";".join(row) for row in INDEX_ROWS).encode()),
])
def test_a_crawler_s_csv_index_is_not_a_report(name, data):
    """Each was parsed as a report of 2016 in 精河县, with no organ (and, from the second
    title, 12 requests)."""
    parse = parse_bytes(data, name)
    assert (parse.status, parse.quarantine_code) == ("quarantined", "not_a_report")
    assert [issue.message for issue in parse.issues] == [
        "a CSV or TSV table of data (a crawler's index of pages, an export), not a report's text"]


@pytest.mark.parametrize("shape", ["tabs", "markdown", "lines"])
def test_a_report_named_csv_is_still_a_report(shape):
    """Only a table of one width throughout is data: a report's rows have many."""
    t3, t4, _ = reference("t2021")
    report = synthetic.national_report("精河县人民政府办公室", 2021, "t2021", "t2021", T2["t2021"], t3, t4, shape)
    parse = parse_bytes(report.text.encode(), "exports/report.csv")
    assert parse.status == "parsed"
    assert as_map(parse.result.values) == figures_map(report.figures)


def test_a_table_exported_as_csv_is_read_cell_by_cell():
    """The stat table as a system exports it to CSV (GBK, CRLF): its title and notes rows of one
    field, the table's of three, a label holding a comma and a figure written 1,234 quoted.
    Before, its commas were read as prose: no figure."""
    from .test_workbook import AGENCY, stat_table_sheet

    rows, _, want = stat_table_sheet()
    rows = [list(row) for row in rows]
    at = next(index for index, row in enumerate(rows) if row[0] == "(一)收到申请数")
    rows[at][2] = 1234
    received = ("requests", "new_received", (("applicant_type", "total"), ("channel", "all")))
    want = {**want, received: Decimal(1234)}
    lines = [",".join(("" if cell is None else f'"{cell:,}"' if isinstance(cell, int) and cell >= 1000
                       else f'"{cell}"' if "," in str(cell) else str(cell)) for cell in row) for row in rows]
    assert '"1,234"' in "\n".join(lines) and any('"' in line and "," in line.split('"')[1] for line in lines)
    parse = parse_bytes("\r\n".join(lines).encode("gb18030"), "exports/统计表.csv")
    assert (parse.status, parse.encoding) == ("parsed", "gb18030")
    assert (parse.result.metadata.agency_name, parse.result.metadata.template) == (AGENCY, "stat_table")
    assert as_map(parse.result.values) == want
    assert Decimal(1234) in want.values() and not parse.result.issues


@pytest.mark.parametrize("name,delimiter,titled", [
    ("exports/统计表.xls", ",", True),  # (a system's "export to Excel" writing CSV, which Excel opens)
    ("exports/统计表.et", ",", False),  # (no title: rows of one width, a report's all the same)
    ("exports/统计表.xls", "\t", True),  # (tab-separated: read as cells before, as now)
])
def test_text_under_a_workbook_s_name_is_read_cell_by_cell(name, delimiter, titled):
    from .test_workbook import AGENCY, stat_table_sheet

    rows, _, want = stat_table_sheet()
    if not titled:
        rows = [row for row in rows if len(row) > 1]
    text = "\r\n".join(delimiter.join("" if cell is None else str(cell) for cell in row) for row in rows)
    parse = parse_bytes(text.encode("gb18030"), name)
    assert (parse.status, parse.source_format) == ("parsed", "text")
    assert as_map(parse.result.values) == want
    assert parse.result.metadata.agency_name == (AGENCY if titled else None)


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>精河县人民政府 信息公开</title>
<item><title>精河县行政服务中心2016年政府信息公开工作年度报告</title><link>http://www.jinghe.gov.cn/1234.htm</link>
<description><![CDATA[<p>2016年,县行政服务中心主动公开各类政府信息1272条</p>]]></description></item>
</channel></rss>
"""


@pytest.mark.parametrize("name,text", [
    ("feed.xml", RSS),
    ("feed", "\ufeff" + RSS.replace("<rss", "<!-- generated -->\n<?xml-stylesheet href='s.xsl'?>\n<rss", 1)),
    ("atom.xml", ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
                 "<title>精河县民政局2016年政府信息公开工作年度报告</title><summary>收到申请12件</summary></entry></feed>")),
    ("sitemap.xml", ('<?xml version="1.0"?><urlset><url><loc>http://a/2016年政府信息公开工作年度报告.htm</loc>'
                    "<lastmod>2017-03-10</lastmod></url></urlset>")),
])
def test_a_feed_or_sitemap_is_not_a_report(name, text):
    """A site's list of its pages: each was parsed as a report (the RSS: of 2016, in 精河县, no
    organ, 1272 items disclosed, out of a description)."""
    parse = parse_bytes(text.encode(), name)
    assert (parse.status, parse.quarantine_code) == ("quarantined", "not_a_report")
    assert [issue.message for issue in parse.issues] == [
        "an XML feed or sitemap (a site's list of its pages), not a report's text"]


def test_an_xhtml_page_is_still_a_page():
    sample = (SAMPLES_RAW / "000_e0a35a2ab27e6366.txt").read_text(encoding="utf-8")
    page = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml">'
            f"<body><pre>{sample}</pre></body></html>")
    parse = parse_bytes(page.encode(), "page.xhtml")
    assert (parse.status, parse.source_format) == ("parsed", "html")
    assert as_map(parse.result.values) == as_map(parse_bytes(sample.encode(), "r.txt").result.values) != {}
