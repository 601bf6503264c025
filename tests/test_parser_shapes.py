"""Every text shape of REPORTS.md, with figures that all differ, so a column shift
or a row swap fails a test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration import synthetic
from orchestration.perturb import header_again
from orchestration.synthetic import SHAPES, figure

from .conftest import as_map, figures_map, parse


def distinct_table3(layout: str) -> dict[str, list]:
    """Each cell a different number: 100 * row + column + 1."""
    items = [item for _, item in synthetic.T3_ROWS[layout] if item]
    return {item: [100 * (row + 1) + column + 1 for column in range(7)] for row, item in enumerate(items)}


DISTINCT_T2 = {
    "t2019": {
        ("regulation", "newly_made"): 11, ("regulation", "newly_published"): 12, ("regulation", "total_published"): 13,
        ("normative_document", "newly_made"): 21, ("normative_document", "newly_published"): 22,
        ("normative_document", "total_published"): 23,
        ("administrative_license", "prior_year_items"): 31, ("administrative_license", "change"): -3,
        ("administrative_license", "decisions"): 33,
        ("other_management_service", "prior_year_items"): 41, ("other_management_service", "change"): 4,
        ("other_management_service", "decisions"): 43,
        ("administrative_penalty", "prior_year_items"): 51, ("administrative_penalty", "change"): 5,
        ("administrative_penalty", "decisions"): 53,
        ("administrative_coercion", "prior_year_items"): 61, ("administrative_coercion", "change"): 6,
        ("administrative_coercion", "decisions"): 63,
        ("administrative_fee", "prior_year_items"): 71, ("administrative_fee", "change"): 7,
        ("centralized_procurement", "procurement_projects"): 81, ("centralized_procurement", "procurement_amount"): "92.8050万元",
    },
    "t2021": {
        ("regulation", "issued"): 11, ("regulation", "repealed"): 12, ("regulation", "in_force"): 13,
        ("normative_document", "issued"): 21, ("normative_document", "repealed"): 22, ("normative_document", "in_force"): 23,
        ("administrative_license", "decisions"): 1234, ("administrative_penalty", "decisions"): 52,
        ("administrative_coercion", "decisions"): 62, ("administrative_fee", "fee_amount"): "3.5",
    },
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("layout", ["t2019", "t2021"])
def test_national_report_in_every_shape(shape, layout):
    t3 = distinct_table3(layout)
    t4 = [k * 3 + 1 for k in range(15)]
    report = synthetic.national_report("某县人民政府办公室", 2021 if layout == "t2021" else 2020, layout, layout,
                                       DISTINCT_T2[layout], t3, t4, shape)
    result = parse(report.text)
    assert result.metadata.template == layout
    assert result.metadata.table_layouts == {"table2": layout, "table3": layout, "table4": layout}
    assert as_map(result.values) == figures_map(report.figures)
    assert not [i for i in result.issues if i.code in ("incomplete", "row_cell_count_mismatch", "row_extra_cells")]


@pytest.mark.parametrize("shape", SHAPES)
def test_stat_table_in_every_shape(shape):
    labels = [row[0] for row in synthetic.STAT_ROWS if row[2] is not None]
    values = {label: 10 * (index + 1) + 7 for index, label in enumerate(labels)}
    values["七、依申请公开信息收取的费用"] = Decimal("1.25")
    rendered = synthetic.stat_table(values, shape, 2016)
    text = "某局2016年政府信息公开工作年度报告\n一、概述\n工作正常开展。\n附表\n" + rendered.text
    result = parse(text)
    assert result.metadata.template == "stat_table"
    assert as_map(result.values) == figures_map(rendered.figures)
    assert len(rendered.figures) == 58


@pytest.mark.parametrize("shape", ["lines", "pipe_lines", "tabs", "pdf"])
def test_stat_table_s_units_with_their_letters_spaced(shape):
    """A PDF's letters spaced give the 单位 column's "人 次" and "万 元": a unit still, skipped
    between the label and its figure (before, "人 次" was a cell of its own and its row was lost)."""
    labels = [row[0] for row in synthetic.STAT_ROWS if row[2] is not None]
    values = {label: 10 * (index + 1) + 3 for index, label in enumerate(labels)}
    rendered = synthetic.stat_table(values, shape, 2016)
    spaced = rendered.text.replace("人次", "人 次").replace("万元", "万 元")
    assert spaced.count("人 次") == 1 and spaced.count("万 元") >= 1
    result = parse("某局2016年政府信息公开工作年度报告\n附表\n" + spaced)
    assert as_map(result.values) == figures_map(rendered.figures)


def test_stat_table_blank_cells_are_null_not_zero():
    labels = [row[0] for row in synthetic.STAT_ROWS if row[2] is not None]
    values = {labels[0]: 67, labels[4]: 67, "(三)从事政府信息公开工作人员数": 2, "2.兼职人员数": 2}
    rendered = synthetic.stat_table(values, "pipe_lines", 2017)
    result = parse("某局2017年政府信息公开工作年度报告\n" + rendered.text + "\n某局\n2018年2月27日\n")
    table = as_map(result.values)
    assert table == figures_map(rendered.figures)
    nulls = [k for k, v in table.items() if v is None]
    assert len(nulls) == 58 - 4
    assert table[("requests", "granted", (("applicant_type", "total"), ("channel", "all")))] is None


NUMBERING_VARIANTS = {
    "(一)予以公开": ["（一）予以公开", "㈠予以公开", "一、予以公开", "1.予以公开", "1、予以公开", "①予以公开", "予以公开"],
}


@pytest.mark.parametrize("variant", NUMBERING_VARIANTS["(一)予以公开"])
def test_numbering_glyphs(variant):
    t3 = distinct_table3("t2021")
    report = synthetic.national_report("某局", 2021, "t2021", "t2021", DISTINCT_T2["t2021"], t3, list(range(1, 16)), "lines")
    text = report.text.replace("(一)予以公开", variant)
    result = parse(text)
    granted = [v for v in result.values if v.item == "granted" and v.source == "table"]
    assert [v.value for v in granted] == [Decimal(301 + c) for c in range(7)]


@pytest.mark.parametrize("heading,items", [
    ("第二十条第{}项", "㈠㈤㈥㈧㈨"), ("第二十条第{}项", "㊀㊄㊅㊇㊈"), ("第20条第({})项", "15689"), ("第二十条({})项", "一五六八九"),
    ("第二十条第{}项", "一五六八九"),
])
@pytest.mark.parametrize("layout", ["t2019", "t2021"])
def test_table2_s_headings_as_pages_write_them(layout, heading, items):
    """"第二十条第㈠项" as the numbering of REPORTS.md (㈠ ①) gives it (NFKC makes ㈠ "(一)", three
    characters where text.normalize keeps the length), the article and the item in digits, the
    item's 第 left out: before, the block heading was not found and the block's figures were lost
    ("第二十条第一项", with no brackets, was read already)."""
    t3 = distinct_table3(layout)
    report = synthetic.national_report("某局", 2021, layout, layout, DISTINCT_T2[layout], t3, list(range(1, 16)), "tabs")
    text = report.text
    for item, written in zip("一五六八九", items):
        text = text.replace(f"第二十条第({item})项", heading.format(written))
    assert text.count("第二十条第(") == 0 and text.count(heading.format(items[0])) == 1
    result = parse(text)
    assert as_map(result.values) == figures_map(report.figures)
    assert not [issue for issue in result.issues if issue.code == "incomplete"]


@pytest.mark.parametrize("continued", ["", "续表\n", "(续表)\n"])
@pytest.mark.parametrize("shape", ["lines", "pipe_lines", "markdown", "tabs"])
def test_a_table_s_header_repeated_on_the_page_it_runs_on_to(shape, continued):
    """A PDF repeats a table's header at the top of each page the table runs on to: table 三's
    ("申请人情况 自然人 … 总计") before its 4.保护第三方 row, a table 二 block's ("信息内容 本年制发件数
    …") before its second row. Before, the header's cells ended the table there: the rows after
    it lost, and its "其他" and "总计" read as rows' labels."""
    t3 = distinct_table3("t2021")
    report = synthetic.national_report("某局", 2021, "t2021", "t2021", DISTINCT_T2["t2021"], t3, list(range(1, 16)), shape)
    text = header_again("申请人情况", r"4\.保护第三方", continued)(report.text)
    text = header_again("信息内容", "行政规范性文件", continued)(text)
    assert text.count("申请人情况") == 2 and text.count("信息内容") == 5
    result = parse(text)
    assert as_map(result.values) == figures_map(report.figures)
    assert not [issue for issue in result.issues if issue.code in ("incomplete", "row_extra_cells")]


def test_full_width_digits_thousands_separators_and_glued_units():
    text = (
        "某县2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n"
        "第二十条第(一)项\n信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n"
        "规章\n１２\n3件\n1,234\n行政规范性文件\n4\n５\n6\n"
        "第二十条第(五)项\n信息内容\n本年处理决定数量\n行政许可\n12,345件\n"
    )
    result = parse(text)
    table = as_map(result.values)
    key = lambda c, m: ("proactive", "disclosure", (("category", c), ("measure", m)))
    assert table[key("regulation", "issued")] == 12
    assert table[key("regulation", "repealed")] == 3
    assert table[key("regulation", "in_force")] == 1234
    assert table[key("normative_document", "repealed")] == 5
    assert table[key("administrative_license", "decisions")] == 12345


@pytest.mark.parametrize("marker", ["—", "/", "无", "-", ""])
def test_not_reported_markers_are_null(marker):
    t3 = distinct_table3("t2019")
    t3["granted"] = [1, 2, None, 4, 5, 6, 7]
    report = synthetic.national_report("某局", 2020, "t2019", "t2019", DISTINCT_T2["t2019"], t3, list(range(1, 16)), "markdown")
    text = report.text.replace("| (一)予以公开 | 1 | 2 |  |", f"| (一)予以公开 | 1 | 2 | {marker} |")
    result = parse(text)
    granted = {v.dims["applicant_type"]: v.value for v in result.values if v.item == "granted" and v.source == "table"}
    assert granted["research_institution"] is None
    assert granted["commercial_enterprise"] == 2 and granted["social_welfare_org"] == 4


def test_header_words_split_by_spaces_and_labels_cut_short():
    t3 = distinct_table3("t2021")
    report = synthetic.national_report("某局", 2021, "t2021", "t2021", DISTINCT_T2["t2021"], t3, list(range(1, 16)), "pipe_lines")
    text = (
        report.text.replace("商业企业", "商业 企业").replace("结果纠正", "结果 纠正")
        .replace("5.要求行政机关确认或重新出具已获取信息", "5.要求行政机关确认或重新出具")
    )
    result = parse(text)
    assert as_map(result.values) == figures_map(report.figures)


def test_mixed_layouts_are_recognised_table_by_table():
    """Table 二 in the 2021 way, table 三 with the 2019 single (六)其他处理 row."""
    t3 = distinct_table3("t2019")
    report = synthetic.national_report("某局", 2021, "t2021", "t2019", DISTINCT_T2["t2021"], t3, list(range(1, 16)), "lines")
    result = parse(report.text)
    assert result.metadata.table_layouts == {"table2": "t2021", "table3": "t2019", "table4": "t2019"}
    assert result.metadata.template == "t2019"
    assert as_map(result.values) == figures_map(report.figures)


def test_page_chrome_around_the_report_is_ignored():
    t3 = distinct_table3("t2021")
    report = synthetic.national_report("某局", 2021, "t2021", "t2021", DISTINCT_T2["t2021"], t3, list(range(1, 16)), "lines")
    chrome = "首页 > 政务公开 > 年报\n索引号: | 123/2022-01 | 成文日期: | 2022-01-20 |\n发布机构: | 某局 |\n"
    text = chrome + report.text + "\n打印本页 关闭窗口\n"
    result = parse(text)
    assert as_map(result.values) == figures_map(report.figures)
    assert result.metadata.published_date == "2022-01-20"


def test_table4_in_a_pdf_text_layer():
    """The header of table 四 broken over lines and all 15 figures on one line (r025)."""
    text = (
        "某局2022年政府信息公开工作年度报告\n四、因政府信息公开工作被申请行政复议提起行政诉讼情况\n"
        "行政复议 行政诉讼\n未经复议直接起诉 复议后起诉\n结果 结果 其他 尚未 总\n"
        "维持 纠正 结果 审结 计 结果 结果 其他 尚未 总 结果 结果 其他 尚未 总\n"
        "维持 纠正 结果 审结 计 维持 纠正 结果 审结 计\n"
        "1 2 3 4 10 5 6 7 8 26 9 11 12 13 45\n五、存在的主要问题及改进情况\n"
    )
    result = parse(text)
    table = {(v.dims["proceeding"], v.dims["outcome"]): v.value for v in result.values if v.section == "appeals"}
    assert table[("administrative_review", "total")] == 10
    assert table[("litigation_direct", "pending")] == 8
    assert table[("litigation_after_review", "upheld")] == 9
    assert table[("litigation_after_review", "total")] == 45
    assert len(table) == 15
    assert not [i for i in result.issues if i.code == "identity_failed"]


def test_table4_in_a_grid_merged_wide():
    """A page saved from a workbook or from Word whose grid is twice as fine as the table: each
    cell spans two positions, so 行政复议's header is followed by nine blank cells and 行政诉讼's
    by nineteen before the outcomes are named (the header was looked for within 20 cells,
    blanks counted, and the table was not found)."""
    from orchestration.parsing.formats import html_to_text

    values = [3, 4, 5, 6, 18, 7, 8, 9, 10, 34, 11, 12, 13, 14, 50]
    wide = synthetic.table4_html(values).replace('colspan="5"', 'colspan="10"').replace('colspan="10">行政诉讼',
                                                                                    'colspan="20">行政诉讼')
    wide = wide.replace("<td>", '<td colspan="2">').replace('<td rowspan="2">', '<td rowspan="2" colspan="2">')
    text = "某局2021年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n" + html_to_text(wide)
    assert text.count("|  |  |  |  |  |  |  |  |  | 行政诉讼 |") == 1
    result = parse(text)
    table = {(v.dims["proceeding"], v.dims["outcome"]): v.value for v in result.values if v.section == "appeals"}
    outcomes = ["upheld", "corrected", "other", "pending", "total"]
    proceedings = ["administrative_review", "litigation_direct", "litigation_after_review"]
    assert table == {(p, o): values[5 * i + j] for i, p in enumerate(proceedings) for j, o in enumerate(outcomes)}
    assert not [issue for issue in result.issues if issue.code == "identity_failed" or "table4" in issue.message]


def test_each_figure_points_back_into_the_text():
    t3 = distinct_table3("t2021")
    report = synthetic.national_report("某局", 2021, "t2021", "t2021", DISTINCT_T2["t2021"], t3, list(range(1, 16)), "markdown")
    result = parse(report.text)
    for value in result.values:
        assert report.text[value.char_start : value.char_end] == value.raw_text
        if value.value is not None and value.source == "table":
            assert value.raw_text.replace(",", "").startswith(str(abs(int(value.value))) if value.value == int(value.value) else value.raw_text[:1])
        assert value.raw_text in value.snippet or value.raw_text == ""


def test_figure_helper_sorts_dimensions():
    assert figure("requests", "granted", 3, channel="all", applicant_type="total").dims == (
        ("applicant_type", "total"), ("channel", "all"))


def test_table2_layout_tie_is_decided_the_same_way_in_every_process():
    import subprocess
    import sys

    code = "from orchestration.parsing.tables import _majority; print(_majority(['t2021', 't2019', 't2019', 't2021']))"
    answers = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": str(seed), "PATH": ""}).stdout.strip()
        for seed in range(6)
    }
    assert answers == {"t2019"}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends(shape, line_end):
    """A file saved on Windows ("\\r\\n"; a tab-separated row whose last cell is empty lost a
    figure to the "\\r" taken for one more cell) or on an old Mac ("\\r" alone)."""
    t3 = distinct_table3("t2021")
    t3["granted"] = [301, 302, 303, 304, 305, 306, None]
    report = synthetic.national_report("某局", 2021, "t2021", "t2021", DISTINCT_T2["t2021"], t3, list(range(1, 16)), shape)
    result = parse(report.text.replace("\n", line_end))
    assert as_map(result.values) == figures_map(report.figures)
    assert not [i for i in result.issues if i.code in ("row_cell_count_mismatch", "row_extra_cells")]


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_characters_a_page_shows_as_nothing(invisible):
    """A zero-width space (or a joiner, a BOM, a soft hyphen) before and inside the labels, as
    text copied from an editor or a chat app's article has it."""
    t3 = distinct_table3("t2019")
    report = synthetic.national_report("某局", 2020, "t2019", "t2019", DISTINCT_T2["t2019"], t3, list(range(1, 16)), "pipe_lines")
    text = report.text.replace("\n", "\n" + invisible).replace("予以公开", "予以" + invisible + "公开")
    result = parse(text)
    assert as_map(result.values) == figures_map(report.figures)


def test_table2_headings_and_subtotal_labels_with_spaces_inside():
    """A PDF's or a page's letters spaced out inside a block's heading ("第二十 条第(六)项") and
    a label's "其中:" ("其 中:")."""
    t3 = distinct_table3("t2021")
    report = synthetic.national_report("某局", 2021, "t2021", "t2021", DISTINCT_T2["t2021"], t3, list(range(1, 16)), "markdown")
    text = report.text.replace("第二十条第(五)项", "第二十 条第(五)项").replace("第二十条第(六)项", "第 二十条 第（六）项")
    result = parse(text)
    assert as_map(result.values) == figures_map(report.figures)
    labels = [row[0] for row in synthetic.STAT_ROWS if row[2] is not None]
    values = {label: 10 * (index + 1) + 7 for index, label in enumerate(labels)}
    rendered = synthetic.stat_table(values, "pipe_lines", 2016)
    spaced = rendered.text.replace("其中:", "其 中:")
    assert spaced != rendered.text
    result = parse("某局2016年政府信息公开工作年度报告\n附表\n" + spaced)
    assert as_map(result.values) == figures_map(rendered.figures)


@pytest.mark.parametrize("shape", ["lines", "pdf"])
def test_a_long_label_wrapped_before_its_figures(shape):
    """A label's cell wrapped onto a line of its own before the row's figures: a note in
    brackets closed on the next line, a label cut short and ended there. Its figures are the
    row's, not a local row's of the rest."""
    t3 = distinct_table3("t2021")
    report = synthetic.national_report("某局", 2021, "t2021", "t2021", DISTINCT_T2["t2021"], t3, list(range(1, 16)), shape)
    wrapped = (report.text.replace("不计其他情形)", "不计其他\n情形)", 1)
               .replace("2.其他法律行政法规禁止公开", "2.其他法律行政法规\n禁止公开", 1))
    assert wrapped.count("\n") == report.text.count("\n") + 2
    result = parse(wrapped)
    assert as_map(result.values) == figures_map(report.figures)
    assert not [v for v in result.values if v.item == "local_row"]


def test_a_row_of_its_own_after_a_row_with_no_figures_is_not_taken_for_its_label():
    """What follows a row with no figure yet is the rest of its label only where it continues
    it: the figures of a row table 三 does not have ("本机关自定指标") are not (二)部分公开's."""
    text = ("某局2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            "一、本年新收政府信息公开申请数量\n11\n12\n13\n14\n15\n16\n81\n二、上年结转政府信息公开申请数量\n"
            "三、本年度办理结果\n(一)予以公开\n3\n4\n5\n6\n7\n8\n33\n(二)部分公开\n本机关自定指标\n"
            "21\n22\n23\n24\n25\n26\n141\n(三)不予公开\n1.属于国家秘密\n1\n0\n2\n0\n3\n0\n6\n")
    result = parse(text)
    assert [v.value for v in result.values if v.item == "partially_granted"] == [None] * 7
    assert [v.value for v in result.values if v.item == "granted"] == [3, 4, 5, 6, 7, 8, 33]
    assert [v.value for v in result.values if v.item == "denied_state_secret"] == [1, 0, 2, 0, 3, 0, 6]
    assert not [v for v in result.values if v.value in (21, 141)]


@pytest.mark.parametrize("minus", ["\u2212", "\u2013", "\u2010", "\u2011", "\u2012", "\uff0d"])
def test_a_change_s_minus_as_a_word_processor_sets_it(minus):
    """本年增/减 with a minus sign, an en dash or a hyphen for "-" (NFKC leaves all but the
    full-width one): before, "−3" was no figure and the row was dropped."""
    t3 = distinct_table3("t2019")
    report = synthetic.national_report("某局", 2020, "t2019", "t2019", DISTINCT_T2["t2019"], t3, list(range(1, 16)), "pipe_lines")
    assert "-3 |" in report.text
    result = parse(report.text.replace("-3 |", f"{minus}3 |"))
    assert as_map(result.values) == figures_map(report.figures)
    assert as_map(result.values)[("proactive", "disclosure", (("category", "administrative_license"), ("measure", "change")))] == -3


@pytest.mark.parametrize("layout", ["t2019", "t2021"])
def test_rows_with_pipes_between_their_cells_only(layout):
    """A markdown table some converters write with no pipe at a row's ends: a blank between two
    pipes is an empty cell (NULL); before, the row had a cell too few and was dropped."""
    t3 = distinct_table3(layout)
    t3["granted"] = [301, 302, None, 304, 305, 306, 1218]
    report = synthetic.national_report("某局", 2021 if layout == "t2021" else 2020, layout, layout, DISTINCT_T2[layout], t3,
                                       list(range(1, 16)), "markdown")
    text = "\n".join(line[2:-2] if line.startswith("| ") and line.endswith(" |") else line for line in report.text.split("\n"))
    assert "\n(一)予以公开 | 301 | 302 |  | 304 | 305 | 306 | 1218\n" in text
    result = parse(text)
    assert as_map(result.values) == figures_map(report.figures)
