"""Agency, year covered and publication date."""

from __future__ import annotations

import re

import pytest

from orchestration.parsing import parse_text

from .conftest import parse


@pytest.mark.parametrize(
    "text,agency",
    [
        ("阿合奇县人民政府办公室2020年政府信息公开工作年度报告\n正文", "阿合奇县人民政府办公室"),
        ("根据条例规定,现公布衢州市机关事务管理局2017年政府信息公开工作年度报告。", "衢州市机关事务管理局"),
        ("现就精河县行政服务中心2016年度政府信息公开工作情况报告如下:", "精河县行政服务中心"),
        ("本年度报告根据精河工业园区管理委员会的政府信息公开年度工作情况进行编制。", "精河工业园区管理委员会"),
        ("本报告由广西壮族自治区北部湾经济区规划建设管理办公室(以下简称自治区北部湾办)编制。", "广西壮族自治区北部湾经济区规划建设管理办公室"),
        ("Page 8 - 威海市文登区信访局2022年政府信息公开工作年度报告\n", "威海市文登区信访局"),
        ("如有疑问请与来凤县政务服务和大数据管理局(地址:来凤县)联系。2021年工作。", "来凤县政务服务和大数据管理局"),
        ("现公布资阳市雁江区 中和镇人民政府2021年政府信息公开工作年度报告。", "资阳市雁江区中和镇人民政府"),
        # Others that report under the 条例 than administrative organs.
        ("中国人民银行乌鲁木齐中心支行2019年政府信息公开工作年度报告\n正文", "中国人民银行乌鲁木齐中心支行"),
        ("国网衢州供电公司2020年信息公开工作年度报告\n正文", "国网衢州供电公司"),
        ("精河县气象台2021年政府信息公开工作年度报告\n正文", "精河县气象台"),
        ("阿合奇县第一中学2022年政府信息公开工作年度报告\n正文", "阿合奇县第一中学"),
        ("浙江省女子监狱2018年政府信息公开工作年度报告\n正文", "浙江省女子监狱"),
        ("精河县林场2017年政府信息公开工作年度报告\n正文", "精河县林场"),
    ],
)
def test_agency_name(text, agency):
    assert parse(text).metadata.agency_name == agency


@pytest.mark.parametrize(
    "text,year",
    [
        ("江源区人民政府办公室2016年政府信息公开工作年度报告\n所列数据截止日期为2015年12月31日", 2016),
        ("海南州2014政府信息公开工作年度报告\n发布时间: 2018-02-13", 2014),
        ("本年报所列数据的统计期限自2023年1月1日起至12月31日止。", 2023),
        ("报告所列数据统计期限为2024年1月1日至2024年12月31日。", 2024),
        ("精河县行政服务中心信息公开情况统计表\n(2016年度) |", 2016),
        ("2021年我局通过网站发布工作动态1条。2021年度我局未收到申请。2022年01月24日", 2021),
    ],
)
def test_report_year(text, year):
    assert parse(text).metadata.report_year == year


# A body whose years are not the title's: a year taken from it (most_mentioned) would show.
_PLANS = "\n一、总体情况\n本机关全年主动公开信息120条。2024年将继续推进政务公开。2024年要加强培训。\n"


@pytest.mark.parametrize(
    "title,agency,year",
    [
        ("乙县农业农村局2019年政府信息公开工作年度报告", "乙县农业农村局", 2019),
        # "关于" between the organ and its year, as a title on "…的报告" does.
        ("丙县统计局关于2020年度政府信息公开工作年度报告", "丙县统计局", 2020),
        # 政务公开 (open government affairs), alone or beside 政府信息公开.
        ("丁市人民政府办公室2021年政务公开工作年度报告", "丁市人民政府办公室", 2021),
        ("戊县卫生健康委员会2022年政府信息与政务公开工作年度报告", "戊县卫生健康委员会", 2022),
        ("己县民政局2018年度政府信息公开和政务公开工作年度报告", "己县民政局", 2018),
        # A summary (总结) for a report.
        ("午县民政局2019年政府信息公开工作总结", "午县民政局", 2019),
        # A notice publishing it, the organ before 关于.
        ("丑县交通运输局关于公布2019年度政府信息公开工作年度报告的公告", "丑县交通运输局", 2019),
        ("寅县市场监督管理局关于印发《2020年政府信息公开工作年度报告》的通知", "寅县市场监督管理局", 2020),
        ("卯县医疗保障局关于发布政府信息公开工作2021年度报告的通知", "卯县医疗保障局", 2021),
        # The year after what the title reports on.
        ("庚县水利局政府信息公开工作2010年度报告", "庚县水利局", 2010),
        ("辛县林业局政府信息公开年度报告(2011年)", "辛县林业局", 2011),
        ("壬县审计局政府信息公开工作年度报告（2012年度）", "壬县审计局", 2012),
        # The year first: its year is the title's, not the year the text mentions most.
        ("2013年癸县司法局政府信息公开工作年度报告", "癸县司法局", 2013),
        # In brackets.
        ("(2014年度)子县司法局政府信息公开工作年度报告", "子县司法局", 2014),
        ("【2015年】丑县司法局政府信息公开工作年度报告", "丑县司法局", 2015),
        # The organ in a site list's brackets.
        ("【子县财政局】2014年政府信息公开工作年度报告", "子县财政局", 2014),
        # Breadcrumbs of every separator before it, a hyphen in them or in the organ's name.
        ("您现在的位置: 首页 >> 政务公开 >> 丑县教育局2015年政府信息公开工作年度报告", "丑县教育局", 2015),
        ("首页-政务公开|年度报告 > 寅县财政局政府信息公开工作2016年度报告", "寅县财政局", 2016),
        ("中国-东盟博览会秘书处2017年政府信息公开工作年度报告", "中国-东盟博览会秘书处", 2017),
        ("附件2、卯县民政局政府信息公开年度报告(2018年)", "卯县民政局", 2018),
        # Indented as a paragraph's first line (two wide spaces, non-breaking ones, a tab).
        ("\u3000\u3000附件1:卯县民政局2018年政府信息公开工作年度报告", "卯县民政局", 2018),
        ("\xa0\xa0附件2、卯县民政局政府信息公开年度报告(2018年)", "卯县民政局", 2018),
        ("\t首页 > 政务公开 > 卯县民政局2018年政府信息公开工作年度报告", "卯县民政局", 2018),
        # Breadcrumbs set apart by slashes, guillemets, arrows or a hyphen between spaces.
        ("首页 / 信息公开 / 年度报告 / 辰县教育局2019年政府信息公开工作年度报告", "辰县教育局", 2019),
        ("首页 » 政务公开 » 巳县财政局政府信息公开工作2020年度报告", "巳县财政局", 2020),
        ("首页 → 政务公开 → 未县统计局政府信息公开年度报告(2021年)", "未县统计局", 2021),
        ("首页 - 信息公开 - 年度报告 - 申县水利局2022年政府信息公开工作年度报告", "申县水利局", 2022),
        ("首页>通知>中国-东盟博览会秘书处2023年政府信息公开工作年度报告", "中国-东盟博览会秘书处", 2023),
        # A year alone between them (a year's folder of a site), and a title a separator follows.
        ("首页 > 2008年度 > 酉县林业局2008年政府信息公开工作年度报告", "酉县林业局", 2008),
        ("首页 > 2009 > 戌县审计局政府信息公开工作2009年度报告|发布时间:2010-01-05", "戌县审计局", 2009),
        # A list's mark before it, as a site's list of links sets each: no letter of the organ's.
        ("· 子县商务局2012年政府信息公开工作年度报告", "子县商务局", 2012),
        ("★丑县文化广电旅游局政府信息公开工作2013年度报告", "丑县文化广电旅游局", 2013),
        ("● 寅县自然资源局政府信息公开年度报告(2014年)", "寅县自然资源局", 2014),
        # Or its number enclosed (before, the organ began with it: "③卯县…").
        ("③卯县民政局2015年政府信息公开工作年度报告", "卯县民政局", 2015),
        ("⑷ 辰县卫生健康委员会2016年政府信息公开工作年度报告", "辰县卫生健康委员会", 2016),
        ("⒌巳县应急管理局政府信息公开年度报告(2017年)", "巳县应急管理局", 2017),
        ("❻午县医疗保障局2018年政府信息公开工作年度报告", "午县医疗保障局", 2018),
        ("㈦未县人力资源和社会保障局2019年政府信息公开工作年度报告", "未县人力资源和社会保障局", 2019),
        # A site list's category before it, in either bracket.
        ("【通知公告】亥县司法局2010年政府信息公开工作年度报告", "亥县司法局", 2010),
        ("[年度报告]甲县交通局政府信息公开年度报告(2011年)", "甲县交通局", 2011),
        # A list's number before it, of digits or Chinese numerals; a place whose name begins
        # with a numeral is no number ("十堰市").
        ("1.巳县商务局2016年政府信息公开工作年度报告", "巳县商务局", 2016),
        ("(三)午县教育局政府信息公开工作2017年度报告", "午县教育局", 2017),
        ("十一、未县财政局政府信息公开年度报告(2018年)", "未县财政局", 2018),
        ("2、申县统计局2019年政府信息公开工作年度报告", "申县统计局", 2019),
        ("十堰市教育局2020年政府信息公开工作年度报告", "十堰市教育局", 2020),
        # (the bench's 100k corpus: a name that begins with 公 was no numbered title's)
        ("3.公主岭市民政局2011年政府信息公开工作年度报告", "公主岭市民政局", 2011),
        # The year in brackets after the organ, the organ in brackets too.
        ("酉县林业局(2021年度)政府信息公开工作年度报告", "酉县林业局", 2021),
        ("【戌县审计局】【2022年】政府信息公开工作年度报告", "戌县审计局", 2022),
        # 关于 with what the report is of: the organ before it.
        ("丁县人民政府办公室关于丁县2016年政府信息公开工作年度报告", "丁县人民政府办公室", 2016),
        ("丁市人民政府办公室关于全市2016年度政府信息公开工作年度报告", "丁市人民政府办公室", 2016),
        # A colon, a dash or a quote between the organ and the rest of its title.
        ("戊县教育局：2017年政府信息公开工作年度报告", "戊县教育局", 2017),
        ("己县教育局——2018年政府信息公开工作年度报告", "己县教育局", 2018),
        ("庚县教育局-2019年政府信息公开工作年度报告", "庚县教育局", 2019),
        ("辛县教育局“2020年政府信息公开工作年度报告”", "辛县教育局", 2020),
        ("壬县教育局：政府信息公开工作2021年度报告", "壬县教育局", 2021),
        # "年年度报告" after a year inside; its proactive disclosure named.
        ("乙县交通局政府信息公开2014年年度报告", "乙县交通局", 2014),
        ("丙县交通局2015年度政府信息主动公开工作年度报告", "丙县交通局", 2015),
        # The year at the line's end without brackets.
        ("亥县交通局政府信息公开工作年度报告 2012", "亥县交通局", 2012),
        ("甲县交通局政府信息公开工作年度报告2013年度", "甲县交通局", 2013),
    ],
)
def test_the_title_s_shapes(title, agency, year):
    meta = parse(title + _PLANS).metadata
    assert (meta.agency_name, meta.report_year, meta.year_source) == (agency, year, "title")
    assert meta.agency_source in {"title", "year_then_agency"}


@pytest.mark.parametrize("title", [
    "甲县教育局政府信息公开年度报告(2022年)", "2022年甲县教育局政府信息公开工作年度报告", "甲县教育局政府信息公开工作2022年度报告",
    "2022年政府信息公开工作年度报告\n甲县教育局", "1.甲县教育局2022年政府信息公开工作年度报告",
])
def test_the_title_in_the_first_lines_wins_over_one_of_another_form_further_down(title):
    """The phrases that read a title read the first lines first (metadata._TITLE_LINES_CHARS), each
    in turn: a title there of a form a later phrase reads is not passed over for a line of the
    national template's form further down (another organ's report named in the text); both
    in the first lines, the first phrase's organ wins, as before."""
    body = "\n一、总体情况\n" + "本机关认真贯彻落实条例,主动公开政府信息。\n" * 40
    meta = parse(title + body + "乙县财政局2021年政府信息公开工作年度报告\n" + _PLANS).metadata
    assert (meta.agency_name, meta.report_year, meta.year_source) == ("甲县教育局", 2022, "title")
    assert parse(title + "\n乙县财政局2021年政府信息公开工作年度报告" + body + _PLANS).metadata.agency_name == "乙县财政局"


@pytest.mark.parametrize("gap", ["\n", "\n\n", "\n \n\n\n\n\n"])
def test_an_organ_on_a_line_of_its_own_above_its_title_blank_lines_between(gap):
    """A title phrase near its key is searched from a few lines above the key's
    (labels.PHRASE_KEY_LINES), blank lines not counted: the organ above is still read."""
    for title in ("甲县教育局" + gap + "2022年政府信息公开工作年度报告", "甲县教育局" + gap + "政府信息公开工作2022年度报告"):
        meta = parse(title + _PLANS).metadata
        assert (meta.agency_name, meta.agency_source, meta.report_year) == ("甲县教育局", "title", 2022), title


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_a_title_broken_where_the_first_lines_end_is_read_whole(gap):
    """The first lines' reading (metadata._TITLE_LINES_CHARS) ends at a line's start: a title whose
    organ is on the line before it, and its year's line after, is read by the rest's, which
    begins a few lines before (labels.PHRASE_KEY_LINES)."""
    from orchestration.parsing.metadata import _TITLE_LINES_CHARS
    filler = "本机关认真贯彻落实条例,主动公开政府信息。\n"
    head = filler * ((_TITLE_LINES_CHARS - 8) // len(filler)) + "\n" * ((_TITLE_LINES_CHARS - 8) % len(filler))
    meta = parse(head + "甲县教育局" + gap + "2022年政府信息公开工作年度报告" + _PLANS).metadata
    assert (meta.agency_name, meta.report_year, meta.year_source) == ("甲县教育局", 2022, "title")


def test_a_numbered_title_is_read_before_the_text_s_other_phrases():
    """A title with a list's number is read apart (labels.NUMBERED_TITLE), after the title
    phrases but before the phrases that name an organ elsewhere in the text: its title wins;
    and only in the first lines (metadata._TITLE_LINES_CHARS)."""
    meta = parse("1.丙县民政局2022年政府信息公开工作年度报告" + _PLANS + "如有疑问,请联系:丁县人民政府办公室,电话1234。\n").metadata
    assert (meta.agency_name, meta.agency_source, meta.report_year) == ("丙县民政局", "title", 2022)
    # Further down than the first lines, a numbered line naming a report is a list's item.
    body = "一、总体情况\n" + "本机关认真贯彻落实条例,主动公开政府信息。\n" * 40
    assert parse(body + "1.丙县民政局2022年政府信息公开工作年度报告" + _PLANS).metadata.agency_name is None


@pytest.mark.parametrize("title", ["乙县民政局政府信息公开工作年度报告", "首页 > 年报 > 乙县民政局政府信息公开年度报告 "])
def test_a_title_that_names_no_year_names_its_organ_and_the_text_its_year(title):
    meta = parse(title + _PLANS).metadata
    assert (meta.agency_name, meta.agency_source, meta.report_year, meta.year_source) == \
        ("乙县民政局", "title", 2024, "most_mentioned")


@pytest.mark.parametrize("title", [
    # Words after a year that ends no title: no title's year, and no title.
    "乙县民政局政府信息公开工作年度报告 2022 阅读次数:5",
    # A report's heading numbered as the title of another: no organ's name.
    "(一)政府信息公开工作年度报告", "二、政府信息公开工作年度报告", "本机关政府信息公开工作年度报告",
])
def test_a_line_that_only_looks_like_a_title_without_its_year_names_nothing(title):
    meta = parse(title + _PLANS).metadata
    assert (meta.agency_name, meta.report_year, meta.year_source) == (None, 2024, "most_mentioned")


@pytest.mark.parametrize(
    "title,agency,core",
    [
        # A second organ that works as one with the first (合署办公, 挂牌), in brackets of either width.
        ("杭州市西湖区教育局（杭州市西湖区体育局）2022年政府信息公开工作年度报告",
         "杭州市西湖区教育局(杭州市西湖区体育局)", "教育局"),
        ("中共杭州市西湖区委宣传部(杭州市西湖区新闻出版局)关于2022年度政府信息公开工作年度报告",
         "中共杭州市西湖区委宣传部(杭州市西湖区新闻出版局)", "中共委宣传部"),
        ("附件1:杭州市西湖区应急管理局 （杭州市西湖区地震局）政府信息公开年度报告(2022年)",
         "杭州市西湖区应急管理局(杭州市西湖区地震局)", "应急局"),
        ("2022年杭州市西湖区教育局(杭州市西湖区体育局)政府信息公开工作年度报告",
         "杭州市西湖区教育局(杭州市西湖区体育局)", "教育局"),
        # In 【】 or 〔〕: kept in ASCII's, as a key of the same organ whatever its title's brackets.
        ("杭州市西湖区教育局【杭州市西湖区体育局】2022年政府信息公开工作年度报告",
         "杭州市西湖区教育局(杭州市西湖区体育局)", "教育局"),
        ("中共杭州市西湖区委宣传部〔杭州市西湖区新闻出版局〕政府信息公开工作2022年度报告",
         "中共杭州市西湖区委宣传部(杭州市西湖区新闻出版局)", "中共委宣传部"),
        ("杭州市西湖区教育局【本级】2022年政府信息公开工作年度报告", "杭州市西湖区教育局", "教育局"),
        # A bracket that names no organ, or only an office of it: the organ alone.
        ("杭州市西湖区教育局（本级）2022年政府信息公开工作年度报告", "杭州市西湖区教育局", "教育局"),
        ("杭州市西湖区教育局(办公室)2022年政府信息公开工作年度报告", "杭州市西湖区教育局", "教育局"),
    ],
)
def test_an_organ_s_second_name_in_brackets(title, agency, core):
    """The organ as it names itself, its second name kept; its place and its name across years
    (agency_core) are the first name's: 西湖区 of 杭州市, as without the bracket."""
    meta = parse(title + _PLANS).metadata
    assert (meta.agency_name, meta.report_year, meta.year_source) == (agency, 2022, "title")
    assert meta.agency_source in {"title", "year_then_agency"}
    assert (meta.region.county.name, meta.region.prefecture.name, meta.region.agency_core) == ("西湖区", "杭州市", core)
    alone = parse(re.sub(r"[(（【〔][^)）】〕]*[)）】〕]", "", title, count=1) + _PLANS).metadata
    assert (alone.region.county.code, alone.region.agency_core) == (meta.region.county.code, core)


@pytest.mark.parametrize("title,published,source", [
    ("乙县民政局政府信息公开工作年度报告 2025-01-15", "2025-01-15", "header_date"),
    ("乙县民政局政府信息公开工作年度报告(2025-01-15)", "2025-01-15", "header_date"),
    ("首页 > 年报 > 乙县民政局政府信息公开工作年度报告 2025年1月16日", "2025-01-16", "header_date"),
    ("乙县民政局政府信息公开年度报告 发布时间:2025-01-17 10:22:05", "2025-01-17", "发布时间"),
    ("乙县民政局政府信息公开工作年度报告 更新日期:2025/01/18", "2025-01-18", "日期"),
    # The date in the other shapes a title's line gives it, each in the same place.
    ("乙县民政局政府信息公开工作年度报告(2025年1月19日)", "2025-01-19", "header_date"),
    ("乙县民政局政府信息公开工作年度报告（二〇二五年一月二十日）", "2025-01-20", "header_date"),
    ("乙县民政局政府信息公开工作年度报告 2025/01/21", "2025-01-21", "header_date"),
    ("乙县民政局政府信息公开工作年度报告 2025.1.22", "2025-01-22", "header_date"),
    ("乙县民政局政府信息公开工作年度报告【2025-01-23 09:30】", "2025-01-23", "header_date"),
])
def test_a_title_that_names_no_year_but_its_date_names_its_organ(title, published, source):
    """A site's list or a page's header sets the date a report was published after its title:
    the title is read, and its date is the publication's, not the year reported on (the text's
    mentions give that, 2024)."""
    meta = parse(title + _PLANS).metadata
    assert (meta.agency_name, meta.agency_source, meta.report_year, meta.year_source) == \
        ("乙县民政局", "title", 2024, "most_mentioned")
    assert (meta.published_date, meta.date_source) == (published, source)


@pytest.mark.parametrize("title", ["乙县民政局2023年政府信息公开工作年度报告(2024年1月19日)",
                                   "乙县民政局2023年政府信息公开工作年度报告 2024/1/19"])
def test_a_title_s_date_after_its_year_is_the_publication_s(title):
    meta = parse(title + "\n一、总体情况\n本机关全年主动公开信息120条。\n").metadata
    assert (meta.agency_name, meta.report_year, meta.year_source) == ("乙县民政局", 2023, "title")
    assert (meta.published_date, meta.date_source) == ("2024-01-19", "header_date")


def test_a_date_that_ends_no_title_s_line_is_not_the_header_s():
    """Only a date after 报告 or 年报 on a title's line: a sentence's date in the header is none."""
    meta = parse("乙县民政局2023年政府信息公开工作年度报告\n本报告统计期限至2023年12月31日\n"
                 "本机关全年主动公开信息120条。\n").metadata
    assert (meta.published_date, meta.date_source) == (None, None)


@pytest.mark.parametrize("text,year,source,published", [
    # Nothing names the year: the one before the publication's, published in a year's first half.
    ("乙县民政局政府信息公开工作年度报告 2023-01-15\n本机关全年主动公开信息120条。", 2022, "before_published",
     "2023-01-15"),
    ("乙县民政局政府信息公开工作年度报告\n本机关全年主动公开信息120条。\n乙县民政局\n2023年3月30日", 2022,
     "before_published", "2023-03-30"),
    # A page posted in a year's second half may be one posted again: no year.
    ("乙县民政局政府信息公开工作年度报告\n发布日期:2023-09-01\n本机关全年主动公开信息120条。", None, None, "2023-09-01"),
    # A day's date is no mention of the year reported on: the plans' year (2024) is, the
    # signature's (2025) is not, though it is there as often.
    ("乙县民政局政府信息公开工作年度报告\n2024年主动公开信息120条。\n乙县民政局 2025年1月16日", 2024,
     "most_mentioned", "2025-01-16"),
])
def test_a_report_that_names_no_year_is_of_the_year_before_its_publication(text, year, source, published):
    result = parse_text(text, max_year=2026)
    meta = result.metadata
    assert (meta.agency_name, meta.report_year, meta.year_source, meta.published_date) == \
        ("乙县民政局", year, source, published)
    assert ("no_report_year" in {issue.code for issue in result.issues}) == (year is None)


@pytest.mark.parametrize("title,agency,first,year", [
    ("甲县教育局2021-2022年度政府信息公开工作年度报告", "甲县教育局", 2021, 2022),
    ("甲县教育局2021年至2022年政府信息公开工作年度报告", "甲县教育局", 2021, 2022),
    ("甲县教育局2020～2022年度政府信息公开工作年度报告", "甲县教育局", 2020, 2022),
    ("甲县教育局2021年度—2022年度政务公开工作年度报告", "甲县教育局", 2021, 2022),
    ("甲县教育局政府信息公开工作2021-2022年度报告", "甲县教育局", 2021, 2022),
    ("(2021-2022年度)甲县教育局政府信息公开工作年度报告", "甲县教育局", 2021, 2022),
    ("2018至2019年政府信息公开工作年度报告\n乙县民政局", "乙县民政局", 2018, 2019),
])
def test_a_title_that_names_a_period_of_years_is_of_its_last_and_says_so(title, agency, first, year):
    """A report covers one year (REPORTS.md): a title naming a period gives its last, and the
    period is told (issue year_range), the organ read as ever."""
    result = parse_text(title + "\n一、总体情况\n本机关全年主动公开信息120条。\n", max_year=2026)
    assert (result.metadata.agency_name, result.metadata.report_year, result.metadata.year_source) == \
        (agency, year, "title")
    told = [issue.message for issue in result.issues if issue.code == "year_range"]
    assert told == [f"the title names the years {first} to {year}: the report's year is taken as the last"]


@pytest.mark.parametrize("title", ["甲县教育局2023-2022年度政府信息公开工作年度报告",
                                   "甲县教育局2023年至2022年政府信息公开工作年度报告"])
def test_a_period_named_backwards_keeps_the_year_written_last_and_says_so(title):
    """Which year a period named backwards means is not known: the one written last, before
    年度, is kept (as for any period), and the period told, so the reader sees both."""
    result = parse_text(title + _PLANS, max_year=2026)
    assert (result.metadata.agency_name, result.metadata.report_year) == ("甲县教育局", 2022)
    told = [issue.message for issue in result.issues if issue.code == "year_range"]
    assert told == ["the title names the years 2023 to 2022: the report's year is taken as the one written last"]


def test_a_year_after_a_title_s_year_that_is_no_period_is_not_told_as_one():
    for title in ("甲县教育局2022年政府信息公开工作年度报告", "甲县教育局2022-2022年度政府信息公开工作年度报告"):
        result = parse_text(title + _PLANS, max_year=2026)
        assert result.metadata.report_year == 2022
        assert "year_range" not in {issue.code for issue in result.issues}


@pytest.mark.parametrize(
    "text,bound,year,source,said",
    [
        # The title's year after the run's: set aside, and the year mentioned most taken instead.
        ("某局2027年政府信息公开工作年度报告\n2026年收到申请3件。2026年办结3件。2025年1件。", 2026,
         2026, "most_mentioned", "2027 (title, mentioned)"),
        ("某局2027年政府信息公开工作年度报告\n2026年收到申请3件。2026年办结3件。2025年1件。", 2027, 2027, "title", None),
        # A target year among those mentioned, with no year in a title or a stated period.
        ("本局2024年主动公开文件5件,2024年收到申请2件,到2035年基本建成,2035年远景目标,2035年前完成。", 2025,
         2024, "most_mentioned", "2035 (mentioned)"),
        ("本局2024年主动公开文件5件,2024年收到申请2件,到2035年基本建成,2035年远景目标,2035年前完成。", 2035,
         2035, "most_mentioned", None),
        # Read twice (the period's end, then the mentions), nothing left under the bound.
        ("统计期限至2031年12月31日。2031年计划。", 2026, None, None, "2031 (period_end, mentioned)"),
        # A year in the title under the bound is taken first: later years in the text do not matter.
        ("某局2024年政府信息公开工作年度报告\n到2035年,2035年,2035年。", 2025, 2024, "title", None),
    ],
)
def test_a_year_after_the_run_is_set_aside_and_said(text, bound, year, source, said):
    """The last year a report may cover is the run's (``Settings.max_report_year``); a later
    year read on the way to the report's year is set aside, and an issue says which, since a
    run in a later year would read the report otherwise (``corpus/limits.py`` parses it again then)."""
    result = parse_text(text, max_year=bound)
    assert (result.metadata.report_year, result.metadata.year_source) == (year, source)
    told = [issue.message for issue in result.issues if issue.code == "later_year_set_aside"]
    assert told == ([f"set aside as after the year of the run ({bound}): {said}"] if said else [])


@pytest.mark.parametrize(
    "text,date",
    [
        ("某局2020年政府信息公开工作年度报告\n成文日期 2021-01-30 00:00\n发布日期 2021-01-31 18:31\n", "2021-01-31"),
        ("索引号: | 1/2018 | 成文日期: | 2018-02-28 |\n某局2017年政府信息公开工作年度报告\n某局\n2018年2月27日", "2018-02-28"),
        ("某局2016年政府信息公开工作年度报告\n正文\n某局\n2017年3月10日\n附件", "2017-03-10"),
        # Signed on one line, the organ's name and a space before the date; a date a sentence or
        # a figure ends is none ("截至…", "本机关…", "…12023年").
        ("某局2016年政府信息公开工作年度报告\n截至 2016年12月31日\n正文\n某县统计局\u3000\u30002017年3月11日\n", "2017-03-11"),
        ("某局2016年政府信息公开工作年度报告\n正文\n某县统计局(某县普查中心)  2017年3月12日", "2017-03-12"),
        ("某局2016年政府信息公开工作年度报告\n正文\n统计截至 2016年12月31日\n本机关 2017年3月13日\n", None),
        ("某局2016年政府信息公开工作年度报告\n正文\n共计12017年3月14日\n", None),
        ("某旗2021年政府信息公开工作年度报告\n来源:某旗 发布日期:2022年01月25日\n", "2022-01-25"),
        ("某市2022年政府信息公开工作年度报告\n银川市人民政府门户网站 www.yinchuan.gov.cn 2023-01-28\n", "2023-01-28"),
        ("某局2021年政府信息公开工作年度报告\n发布时间:\n正文", None),
        ("某局2021年政府信息公开工作年度报告\n发布日期:2019-05-01\n", None),
    ],
)
def test_published_date(text, date):
    assert parse(text).metadata.published_date == date


@pytest.mark.parametrize(
    "text,agency,year,date",
    [
        (("精河县人民政府办公室二〇二〇年政府信息公开工作年度报告\n二〇二〇年,主动公开政府信息一千二百七十二条。\n"
         "精河县人民政府办公室\n二〇二一年一月二十日\n"), "精河县人民政府办公室", 2020, "2021-01-20"),
        ("阿合奇县民政局二○一九年度政府信息公开工作年度报告\n正文\n阿合奇县民政局\n二○二○年三月三十一日\n",
         "阿合奇县民政局", 2019, "2020-03-31"),
        ("某镇人民政府二O一八年政府信息公开工作年度报告\n正文\n二O一九年十二月九日\n", "某镇人民政府", 2018, "2019-12-09"),
        # 十三月 is no month: the year is read, the date is not.
        ("某局二零二二年政府信息公开工作年度报告\n正文\n二零二三年十三月一日\n", "某局", 2022, None),
    ],
)
def test_years_and_dates_in_chinese_numerals(text, agency, year, date):
    """As 公文 sign them: each was read as no year, no organ and no date."""
    metadata = parse(text).metadata
    assert (metadata.agency_name, metadata.report_year, metadata.published_date) == (agency, year, date)


def test_missing_metadata_is_an_issue():
    result = parse("一些文字,没有年份也没有机关。收到申请2件。")
    codes = {issue.code for issue in result.issues}
    assert {"no_report_year", "no_agency_name"} <= codes


@pytest.mark.parametrize(
    "title,agency",
    [
        # A long title's line broken inside the organ's name, as a PDF or a document wraps it.
        ("浙江省衢州市柯城区人民政府\n办公室2022年政府信息公开工作年度报告", "浙江省衢州市柯城区人民政府办公室"),
        ("浙江省衢州市柯城\n区人民政府办公室2022年政府信息公开工作年度报告", "浙江省衢州市柯城区人民政府办公室"),
        ("衢州市机关事务\n管理局2022年政府信息公开工作年度报告", "衢州市机关事务管理局"),
        # A line before the title that is no part of it: the site's name, a menu's item.
        ("衢州市人民政府\n衢州市教育局2022年政府信息公开工作年度报告", "衢州市教育局"),
        ("政务公开\n衢州市教育局2022年政府信息公开工作年度报告", "衢州市教育局"),
        ("首页\n机关事务局2022年政府信息公开工作年度报告", "机关事务局"),
        # A party organ's name, its place after 中共 (or 中国共产党).
        ("中共衢州市柯城区委\n宣传部2022年政府信息公开工作年度报告", "中共衢州市柯城区委宣传部"),
        ("中国共产党衢州市柯城区委员会\n宣传部2022年政府信息公开工作年度报告", "中国共产党衢州市柯城区委员会宣传部"),
        ("首页\n宣传部2022年政府信息公开工作年度报告", "宣传部"),
        # A name in brackets is whole.
        ("浙江省衢州市\n(机关事务管理局)2022年政府信息公开工作年度报告", "机关事务管理局"),
    ],
)
def test_a_title_wrapped_inside_the_organ_s_name(title, agency):
    assert parse(title + _PLANS).metadata.agency_name == agency


@pytest.mark.parametrize("opening,closing", [("（", "）"), ("【", "】"), ("〔", "〕")])
def test_a_long_name_with_its_second_name_in_any_bracket(opening, closing):
    """Each name as long as a township's of an autonomous county is (22 and 24 characters: more
    than a name alone may be), in each bracket: the same organ, keyed as one."""
    first, second = "镇沅彝族哈尼族拉祜族自治县恩乐镇人民政府", "镇沅彝族哈尼族拉祜族自治县恩乐镇便民服务中心"
    meta = parse(f"{first}{opening}{second}{closing}2020年政府信息公开工作年度报告" + _PLANS).metadata
    assert (meta.agency_name, meta.report_year, meta.agency_source) == (f"{first}({second})", 2020, "title")
    assert meta.region.county.name == "镇沅彝族哈尼族拉祜族自治县"


@pytest.mark.parametrize(
    "title,agency",
    [
        ("2022年度政府信息公开工作年度报告\n辰县教育局", "辰县教育局"),
        ("首页 > 年报 > 2022年政府信息公开工作年度报告\n  （巳县财政局）  \n2023年1月", "巳县财政局"),
        # An empty line or two between, as a page's blocks or a document's paragraphs set them
        # (a page saved on Windows: " \r\n" is such a line too).
        ("2022年度政府信息公开工作年度报告\n\n辰县教育局", "辰县教育局"),
        ("2022年度政府信息公开工作年度报告\r\n \r\n\r\n辰县教育局\r\n", "辰县教育局"),
    ],
)
def test_a_title_that_names_no_organ_with_the_organ_on_the_line_after_it(title, agency):
    meta = parse(title + _PLANS).metadata
    assert (meta.agency_name, meta.agency_source, meta.report_year, meta.year_source) == (agency, "title_byline", 2022, "title")


@pytest.mark.parametrize(
    "title",
    ["2022年度政府信息公开工作年度报告\n一、总体情况", "2022年度政府信息公开工作年度报告\n本机关认真贯彻落实条例",
     "2022年度政府信息公开工作年度报告\n\n本机关认真贯彻落实条例"],
)
def test_a_line_after_a_title_that_is_no_organ_s_name_names_none(title):
    """Its first heading or a sentence, an empty line before it or not."""
    assert parse(title + _PLANS).metadata.agency_name is None


@pytest.mark.parametrize("title", [
    "2022年政府信息公开工作年度报告（甲县教育局）", "2022年政府信息公开工作年度报告【甲县教育局】",
    "2022年政府信息公开工作年度报告——甲县教育局", "2022年政府信息公开工作年度报告 - 甲县教育局",
    "首页 > 年报 > 2022年度政府信息公开工作年度报告(甲县教育局)",
    # A page's elements run on after the brackets that close it.
    "2022年政府信息公开工作年度报告(甲县教育局) 发布日期:2023-01-20 浏览次数:35",
    # The year after what the title reports on, or inside it, the organ under it or after it.
    "政府信息公开工作年度报告(2022年度)\n甲县教育局", "政府信息公开工作年度报告\n(2022年度)\n甲县教育局",
    "政府信息公开工作年度报告 2022\n甲县教育局", "政府信息公开工作2022年度报告\n甲县教育局",
    "政府信息公开工作年度报告(2022年度)(甲县教育局)",
    # After a dash or under the title, where the date a page's header sets after it begins.
    "2022年政府信息公开工作年度报告——甲县教育局 发布日期:2023-01-20",
    "2022年政府信息公开工作年度报告 - 甲县教育局 2023-01-20", "2022年政府信息公开工作年度报告——甲县教育局时间:2023-01-20",
    "2022年政府信息公开工作年度报告\n甲县教育局 (2023年1月20日)",
])
def test_an_organ_after_a_title_that_names_none_is_its(title):
    """As a county's list of its departments' reports names each: in brackets or after a dash."""
    meta = parse(title + _PLANS).metadata
    assert (meta.agency_name, meta.agency_source, meta.report_year, meta.year_source) == \
        ("甲县教育局", "title_byline", 2022, "title")


@pytest.mark.parametrize("title", [
    "[甲县教育局]2022年政府信息公开工作年度报告", "〔甲县教育局〕2022年政府信息公开工作年度报告",
    "【甲县教育局】2022年政府信息公开工作年度报告", "· [甲县教育局] 2022年政府信息公开工作年度报告",
    "(甲县教育局)2022年政府信息公开工作年度报告", "（甲县教育局） 2022年度政府信息公开工作年度报告",
    "(甲县教育局)政府信息公开工作2022年度报告", "首页 > (甲县教育局)政府信息公开工作年度报告(2022年)",
])
def test_a_title_s_organ_set_apart_in_brackets(title):
    meta = parse(title + _PLANS).metadata
    assert (meta.agency_name, meta.agency_source, meta.report_year) == ("甲县教育局", "title", 2022)


@pytest.mark.parametrize("title,agency", [
    # A name that begins as a heading's number or the template's note does.
    ("(四方台区戊康北镇人民政府)2023年政府信息公开工作年度报告", "四方台区戊康北镇人民政府"),
    ("（三明市教育局）2023年度政府信息公开工作年度报告", "三明市教育局"),
    ("(本溪市教育局)2023年政府信息公开工作年度报告", "本溪市教育局"),
])
def test_a_title_s_organ_in_brackets_named_as_a_heading_begins(title, agency):
    meta = parse(title + _PLANS).metadata
    assert (meta.agency_name, meta.agency_source, meta.report_year) == (agency, "title", 2023)


@pytest.mark.parametrize("title", ["2022年政府信息公开工作年度报告（定稿）", "2022年政府信息公开工作年度报告(全文)",
                                   "2022年政府信息公开工作年度报告——以数据看成效",
                                   # After a dash, words run on (no date) are none: where the name ends is not told.
                                   "2022年政府信息公开工作年度报告——甲县教育局 浏览次数:35",
                                   "2022年政府信息公开工作年度报告——甲县教育局2023年",
                                   # Brackets before a title hold no organ's name.
                                   "(一)2022年度政府信息公开工作年度报告", "(本级)2022年政府信息公开工作年度报告"])
def test_words_after_a_title_that_name_no_organ_name_none(title):
    assert parse(title + _PLANS).metadata.agency_name is None


@pytest.mark.parametrize("title", ["关于公布甲县教育局2022年政府信息公开工作年度报告的公告",
                                   "关于发布甲县教育局2022年度政府信息公开工作年度报告的通知",
                                   "关于印发《甲县教育局2022年政府信息公开工作年度报告》的通知",
                                   # A news item's title: the organ did it.
                                   "甲县教育局发布2022年度政府信息公开工作年度报告",
                                   "甲县教育局公布政府信息公开工作2022年度报告",
                                   "甲县教育局印发《2022年政府信息公开工作年度报告》"])
def test_a_notice_that_publishes_an_organ_s_report_names_it(title):
    meta = parse(title + _PLANS).metadata
    assert (meta.agency_name, meta.report_year) == ("甲县教育局", 2022)


@pytest.mark.parametrize(
    "text,agency",
    [
        ("2022年政府信息公开工作年度报告\n发布单位：午县统计局\n", "午县统计局"),
        ("2022年政府信息公开工作年度报告\n来源：未县统计局 发布时间：2023-01-20\n", "未县统计局"),
        ("2022年政府信息公开工作年度报告\n信息来源: 申县统计局 | 2023-01-20\n", "申县统计局"),
        # The other labels sites give it, each before other labels on its line or alone, below the title or above.
        ("文章来源：乙县民政局 浏览次数：123 发布时间：2023年01月20日\n2022年政府信息公开工作年度报告\n", "乙县民政局"),
        ("2022年政府信息公开工作年度报告\n发布部门：丙县民政局 发布日期：2023-01-21\n", "丙县民政局"),
        ("2022年政府信息公开工作年度报告\n稿件来源：丁县卫生健康局 作者：张三\n", "丁县卫生健康局"),
        ("2022年政府信息公开工作年度报告\n来源单位：戊县林业局\n", "戊县林业局"),
        ("2022年政府信息公开工作年度报告\n信息提供单位：己县水利局 | 2023-01-22\n", "己县水利局"),
        ("2022年政府信息公开工作年度报告\n发布者：庚县审计局 2023-01-23\n", "庚县审计局"),
        ("2022年政府信息公开工作年度报告\n公开主体：辛县商务局\n", "辛县商务局"),
        ("2022年政府信息公开工作年度报告\n内容来源：壬县司法局\n", "壬县司法局"),
        # A table's source of data is no publisher.
        ("2022年政府信息公开工作年度报告\n数据来源：酉县统计局\n", None),
    ],
)
def test_the_page_s_publisher_names_the_organ_where_nothing_else_does(text, agency):
    meta = parse(text + _PLANS).metadata
    assert (meta.agency_name, meta.agency_source) == (agency, "publisher" if agency else None)


def test_a_party_organ_is_one_organ_however_it_spells_中共():
    short, spelled = (parse(f"{name}2022年政府信息公开工作年度报告" + _PLANS).metadata.region
                      for name in ("中共衢州市柯城区委宣传部", "中国共产党衢州市柯城区委员会宣传部"))
    assert (short.county.name, short.agency_core) == (spelled.county.name, spelled.agency_core) == ("柯城区", "中共委宣传部")


@pytest.mark.parametrize(
    "title,agency,year",
    [
        ("衢 州 市 柯 城 区 教 育 局 2 0 2 2 年 政 府 信 息 公 开 工 作 年 度 报 告", "衢州市柯城区教育局", 2022),
        # Two or three spaces apart (a full-width space is one), the organ's second name spaced too.
        ("  衢  州  市  教  育  局 （ 衢 州 市 体 育 局 ）  2  0  2  1  年 度 政 府 信 息 公 开 年 度 报 告  ",
         "衢州市教育局(衢州市体育局)", 2021),
        ("\u3000".join("衢州市统计局政府信息公开年度报告(2019年)"), "衢州市统计局", 2019),
    ],
)
def test_a_title_with_its_letters_spaced_out(title, agency, year):
    """As a PDF's title set with wide letter spacing is extracted: its organ and year are the
    title's, not none and the year the text mentions most (2024)."""
    meta = parse("政务公开\n" + title + _PLANS + "2 0 2 4 年 计 划\n").metadata
    assert (meta.agency_name, meta.report_year, meta.year_source, meta.agency_source) == (agency, year, "title", "title")
    assert meta.region.prefecture.name == "衢州市"


def test_a_spaced_line_is_read_only_where_the_text_s_own_title_reads_nothing():
    meta = parse("丙县统计局2020年政府信息公开工作年度报告\n甲 县 教 育 局 2 0 2 2 年 政 府 信 息 公 开 工 作 年 度 报 告"
                 + _PLANS).metadata
    assert (meta.agency_name, meta.report_year) == ("丙县统计局", 2020)


_WRAPPED = "衢州市柯城区人民政府办公室2022年政府信息公开工作年度报告"


@pytest.mark.parametrize("at", range(_WRAPPED.index("年") + 1, len(_WRAPPED)))
@pytest.mark.parametrize("gap", ["\n", " "])
def test_a_title_wrapped_or_spaced_inside_what_it_reports_on(at, gap):
    """Its line broken (or a space) between any two characters after the year: the organ and
    the year are the title's, not the year the text mentions most (2024)."""
    meta = parse(_WRAPPED[:at] + gap + _WRAPPED[at:] + _PLANS).metadata
    assert (meta.agency_name, meta.report_year, meta.year_source) == ("衢州市柯城区人民政府办公室", 2022, "title")


_YEAR_TITLES = (
    ("衢州市柯城区人民政府办公室", "2022年政府信息公开工作年度报告"),
    ("2022年衢州市柯城区人民政府办公室政府信息公开工作年度报告", ""),
    ("衢州市柯城区人民政府办公室政府信息公开工作", "2022年度报告"),
    ("衢州市柯城区人民政府办公室政府信息公开年度报告(", "2022年)"),
)


@pytest.mark.parametrize("at", range(1, 4))
@pytest.mark.parametrize("gap", ["\n", " "])
@pytest.mark.parametrize("before,after", _YEAR_TITLES)
def test_a_title_wrapped_or_spaced_inside_its_year(before, after, at, gap):
    """Its line broken (or a space) between two of its year's digits, in each of the title's
    phrases: the organ and the year are the title's, not none and the year the text mentions
    most (2024)."""
    title = before + after
    year_at = title.index("2022") + at
    meta = parse(title[:year_at] + gap + title[year_at:] + _PLANS).metadata
    assert (meta.agency_name, meta.report_year, meta.year_source) == ("衢州市柯城区人民政府办公室", 2022, "title")


@pytest.mark.parametrize(
    "title",
    ["衢州市柯城区人民政府办公室 2 0 2 2 年政府信息公开工作年度报告",
     "衢州市柯城区人民政府办公室 2  0  2  2 年度政府信息公开工作年度报告",
     "衢州市柯城区人民政府办公室政府信息公开年度报告( 2 0 2 2 年)"],
)
def test_a_title_with_only_its_year_s_digits_spaced_out(title):
    meta = parse(title + _PLANS).metadata
    assert (meta.agency_name, meta.report_year, meta.year_source) == ("衢州市柯城区人民政府办公室", 2022, "title")


def test_a_year_s_digits_are_one_year_only_where_few_spaces_are_between_them():
    """A figure beside a year is no part of it ("20 2019年": the year is 2019), and digits four
    spaces apart are none (the year the text mentions most)."""
    meta = parse("辰县教育局20 2019年政府信息公开工作年度报告" + _PLANS).metadata
    assert (meta.report_year, meta.year_source) == (2019, "title")
    meta = parse("辰县教育局 2    0    2    2 年政府信息公开工作年度报告" + _PLANS).metadata
    assert (meta.agency_name, meta.report_year, meta.year_source) == (None, 2024, "most_mentioned")


def _phrase_texts() -> list[str]:
    """Reports of every era, shape and title's form, each also without its title and with the
    sentences and tables the keyed phrases read put in."""
    from orchestration.parsing.metadata import arabic_dates
    from orchestration.parsing.text import normalize
    from orchestration.synth import make_report

    extra = ("\n本报告由乙县民政局编制。丙县财政局编制了2021年度报告。\n丁县统计局政府信息公开情况统计表\n"
             "2019年戊县水利局政府信息公开工作情况\n己县林业局政府信息公开年度报告(2018年)\n"
             "庚县审计局2017年政府信息公\n开工作年度报告\n辛县交通局政府信息公开工作2016年度\n报告\n"
             "2015年政府信息公开工作年度报告\n壬县交通局\n信息来源:癸县统计局 发布时间:2016-01-02\n"
             "子县商务局政府信息公开工作年度报告\n丑县教育局政府信息公开工作年度报告 2014\n寅县教育局\n2016年1月5日\n"
             "卯县民政局  2017年2月3日\n政府信息公开工作年度报告(2013年度)\n辰县林业局\n政府信息公开工作2012年度报告\n"
             "巳县水利局\n")
    texts = []
    for index in range(120):
        data, _, _ = make_report(index, seed=54, fault_rate=0)
        text = data.decode("utf-8", "replace")
        for variant in (text, text.partition("\n")[2], extra + text, text + extra):
            texts.append(arabic_dates(normalize(variant)))
    return texts


def test_a_keyed_phrase_finds_what_a_search_of_the_whole_text_finds():
    """The phrases searched only near their key (metadata.phrase_matches) give the matches a
    search of the whole text gives, in order: each match holds its key, within reach."""
    import re

    from orchestration.parsing import labels
    from orchestration.parsing.metadata import phrase_matches

    texts = _phrase_texts()
    keyed = [(source, pattern, key) for source, pattern, key in (*labels.AGENCY_YEAR_PHRASES, *labels.YEAR_PHRASES)
             if key]
    assert {source for source, _, _ in keyed} >= {"title", "year_then_agency", "compiled_by_self", "stat_table_title"}
    for source, pattern, key in keyed:
        compiled = re.compile(pattern)
        found = 0
        for text in texts:
            whole = [match.span() for match in compiled.finditer(text)]
            assert [match.span() for match in phrase_matches(pattern, key, text)] == whole, (source, pattern)
            found += len(whole)
            middle = text.find("\n", len(text) // 2) + 1  # (from a line's start, as the title phrases are searched)
            after = [match.span() for match in compiled.finditer(text, middle)]
            assert [match.span() for match in phrase_matches(pattern, key, text, middle)] == after, (source, pattern)
        assert found >= 20, (source, pattern)  # (each phrase's matches were there to find)


def test_a_run_of_spaces_is_read_once():
    """A year followed by a long run of spaces and no title: each run is taken whole
    (labels._REPORT's `\\s*+`); split between two runs' patterns it was tried every way, 30 s at
    20,000 spaces and hours at 100,000, until the file's time limit quarantined the report. Run
    apart, with a deadline no working parse comes near (a hang guard, not a measure of speed)."""
    import subprocess
    import sys

    code = (
        "from orchestration.parsing import parse_text\n"
        "meta = parse_text('甲县教育局2022' + ' ' * 100_000 + '\\n2021年政府信息公开工作年度报告\\n本报告由甲县教育局编制。',"
        " 2026).metadata\n"
        "print(meta.agency_name, meta.report_year, meta.year_source)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.split() == ["甲县教育局", "2021", "title"]  # (the organ: compiled_by)


@pytest.mark.parametrize("chrome", ["字号:[大 中 小] 打印本页 关闭窗口 ", "【打印】【关闭】 ", "分享到: ", "收藏本页 打印此页 ",
                                    "首页 > 政务公开 > 默认 大 中 小 "])
def test_a_page_s_buttons_run_into_the_title_s_line_are_no_part_of_the_organ(chrome):
    """A page whose blocks are inline elements runs its buttons into the title's line: before,
    the organ read was "打印本页关闭窗口甲县教育局"."""
    meta = parse(chrome + "甲县教育局2022年政府信息公开工作年度报告" + _PLANS).metadata
    assert (meta.agency_name, meta.agency_source, meta.report_year) == ("甲县教育局", "title", 2022)
