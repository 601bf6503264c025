"""A page's links to the articles beside it ("上一篇", "下一篇", a "相关链接" list) name other
reports, often of other organs and years: they are not read for the report's organ and year.
A report signed as a 公文 is (its organ's name, the date under it) names its organ there."""

from __future__ import annotations

import pytest

from orchestration.parsing import parse_text
from orchestration.parsing.metadata import without_page_links

# A body long enough that the links are past the first lines a title is looked for in first,
# and one so short they are in them.
_LONG = "\n一、总体情况\n" + "本年度本机关认真贯彻落实条例，主动公开政府信息120条，收到申请12件。\n" * 40
_SHORT = "\n一、总体情况\n本年度本机关主动公开政府信息120条，收到申请12件。\n"
_NEIGHBOURS = "上一篇：乙县民政局2021年政府信息公开工作年度报告\n下一篇：丙县财政局2023年政府信息公开工作年度报告\n"
_RELATED = "相关链接\n乙县民政局2021年政府信息公开工作年度报告\n丙县财政局2023年政府信息公开工作年度报告\n"


def _read(text: str):
    meta = parse_text(text, max_year=2026).metadata
    return meta.agency_name, meta.agency_source, meta.report_year, meta.year_source


@pytest.mark.parametrize("body", [_LONG, _SHORT])
@pytest.mark.parametrize("links", [
    _NEIGHBOURS, _RELATED, "【上一条】乙县民政局2021年政府信息公开工作年度报告\n",
    "上一篇: 乙县民政局2021年政府信息公开工作年度报告   下一篇: 丙县财政局2023年政府信息公开工作年度报告\n",
    "下篇 乙县民政局2021年政府信息公开工作年度报告\n", "相关阅读:\n· 乙县民政局2021年政府信息公开工作年度报告\n",
    # After a page's other words on its line, marked by a colon.
    "打印本页 关闭窗口 上一篇:乙县民政局2021年政府信息公开工作年度报告\n",
])
def test_a_page_s_links_to_other_reports_name_neither_its_organ_nor_its_year(body, links):
    # A title that names no organ, and one that names no year: the links named them, each.
    assert _read("2022年政府信息公开工作年度报告" + body + links) == (None, None, 2022, "title")
    assert _read("甲县教育局政府信息公开工作年度报告" + body + "统计期限自2022年1月1日起至2022年12月31日止。\n" + links) \
        == ("甲县教育局", "title", 2022, "period")


@pytest.mark.parametrize("signature", ["甲县教育局\n2023年1月15日", "甲县教育局  2023年1月15日", "甲县教育局\n二〇二三年一月十五日"])
def test_a_title_that_names_no_organ_and_the_signature_s_organ(signature):
    """The organ's name over the date, as a 公文 is signed, where no phrase before names it; the
    neighbours' titles below do not."""
    text = "2022年政府信息公开工作年度报告" + _LONG + signature + "\n" + _NEIGHBOURS
    assert _read(text) == ("甲县教育局", "signature", 2022, "title")


def test_the_links_are_blanked_where_they_are_and_nothing_else():
    text = "甲县教育局2022年政府信息公开工作年度报告" + _LONG + "打印本页\n" + _RELATED + "上一篇：乙县民政局\n本站由甲县主办。"
    blanked = without_page_links(text)
    assert len(blanked) == len(text)
    kept = text.index("打印本页\n") + len("打印本页\n")
    assert blanked[:kept] == text[:kept]
    assert blanked[kept:].split() == ["本站由甲县主办。"]
    # (a related list's lines go on to the first sentence: the page's footer's short lines too)
    # Words that only begin as a link does, a heading among a line's other words, a sentence
    # under a related heading (the heading alone blanked): kept.
    for tail, left in (("上篇文章说明了情况。\n", "上篇文章说明了情况。\n"), ("相关链接的内容。\n", "相关链接的内容。\n"),
                       ("见上一篇 报告。\n", "见上一篇 报告。\n"),
                       ("甲县相关信息\n乙县民政局2021年报告\n", "甲县相关信息\n乙县民政局2021年报告\n"),
                       ("相关链接\n本年度主动公开信息120条。\n", "    \n本年度主动公开信息120条。\n")):
        text = "甲县教育局2022年政府信息公开工作年度报告" + _LONG + tail
        assert without_page_links(text) == text[: -len(tail)] + left
    # A related heading before the text's first sentence (a side bar's, before the report's title): kept.
    top = "相关链接\n乙县民政局2021年政府信息公开工作年度报告\n甲县教育局2022年政府信息公开工作年度报告" + _LONG
    assert without_page_links(top) == top
