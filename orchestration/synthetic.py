"""Render reports with known figures, in every text shape of REPORTS.md.

The labels here are written as the national templates print them (copied from
real reports), not taken from the parser's label tables, so a test that renders
with this module and parses the result checks the parser against the template,
not against itself.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal

import cn2an

SHAPES = ("lines", "pipe_lines", "markdown", "html", "tabs", "pdf")

# How a report's title line names its organ and year, as reports and the pages that carry them
# print it: the national template's title; the year as 年度, after "关于", after what the title
# reports on, or first, or none; open government affairs (政务公开) for information; an
# attachment's or a list's number, a page's breadcrumbs or a notice's quotes before it; a colon or
# a dash after the organ.
TITLE_FORMS: dict[str, str] = {
    "plain": "{agency}{year}年政府信息公开工作年度报告",
    "year_of": "{agency}{year}年度政府信息公开工作年度报告",
    "about": "{agency}关于{year}年政府信息公开工作年度报告",
    "affairs": "{agency}{year}年政务公开工作年度报告",
    "both": "{agency}{year}年政府信息与政务公开工作年度报告",
    "year_inside": "{agency}政府信息公开工作{year}年度报告",
    "year_after": "{agency}政府信息公开年度报告({year}年)",
    "year_first": "{year}年{agency}政府信息公开工作年度报告",
    "year_first_bracketed": "（{year}年度）{agency}政府信息公开工作年度报告",
    "attachment": "附件1:{agency}{year}年政府信息公开工作年度报告",
    "breadcrumbs": "首页 > 政务公开 > 年度报告 > {agency}{year}年政府信息公开工作年度报告",
    "quoted": "《{agency}{year}年政府信息公开工作年度报告》",
    "second_name": "{agency}（{second}）{year}年政府信息公开工作年度报告",
    "second_name_lenticular": "{agency}【{second}】{year}年政府信息公开工作年度报告",
    # Its letters spaced out, as a PDF's title set with wide letter spacing is extracted.
    "spaced": "{agency}{year}年政府信息公开工作年度报告",
    # Only its year's digits spaced out.
    "year_spaced": "{agency} {spaced_year} 年政府信息公开工作年度报告",
    # Wrapped inside its year, as a PDF's or a document's long title is where its line ends.
    "year_wrapped": "{agency}{century}\n{decade}年政府信息公开工作年度报告",
    "crumbs_slash": "首页 / 信息公开 / 年度报告 / {agency}{year}年政府信息公开工作年度报告",
    "crumbs_year": "首页 > 信息公开 > {year}年 > {agency}{year}年政府信息公开工作年度报告",
    # A site's list's category before the title.
    "category": "【通知公告】{agency}{year}年政府信息公开工作年度报告",
    # A list's mark before it, as a site's list of links sets each.
    "list_mark": "· {agency}{year}年政府信息公开工作年度报告",
    # No organ in the title: its name alone on the next line, as a document's cover sets it.
    "byline": "{year}年政府信息公开工作年度报告{line}{agency}{line_end}",
    # The organ's notice that publishes it.
    "notice": "{agency}关于印发《{year}年政府信息公开工作年度报告》的通知",
    # A list's number before it, as a site's list of links or a notice's of attachments numbers each.
    "list_number": "3.{agency}{year}年政府信息公开工作年度报告",
    # Its year in brackets after the organ, or at the line's end without (a page's title is an
    # element of its own: run into the words after it, where it ends is not told).
    "year_bracketed": "{agency}（{year}年度）政府信息公开工作年度报告",
    "year_after_bare": "{agency}政府信息公开工作年度报告 {year}{line_end}",
    # No year: the text's own mentions of it tell it.
    "no_year": "{agency}政府信息公开工作年度报告{line_end}",
    # A colon or a dash between the organ and the rest.
    "colon": "{agency}：{year}年政府信息公开工作年度报告",
    "dash": "{agency}——政府信息公开工作{year}年度报告",
    # A period of two years named (issue year_range: its year is the last).
    "year_range": "{agency}{prior_year}-{year}年度政府信息公开工作年度报告",
    # No organ, the year after what the title reports on, the organ under it, as a cover sets them.
    "byline_year_after": "政府信息公开工作年度报告（{year}年度）{line}{agency}{line_end}",
    # The organ after the title, in brackets, as a county's list of its departments' reports names each.
    "organ_after": "{year}年政府信息公开工作年度报告（{agency}）",
    # The notice that publishes it, the organ after 关于公布.
    "notice_publish": "关于公布{agency}{year}年政府信息公开工作年度报告的公告",
    # No organ in the title: the page's header names its publisher on the line after.
    "publisher": "{year}年政府信息公开工作年度报告{line}文章来源：{agency}　浏览次数：{views}{line_end}",
    # No year, and the date it was published after it, as a site's list sets it.
    "no_year_dated": "{agency}政府信息公开工作年度报告 {published}{line_end}",
    # …or in brackets, in Chinese numerals, as a 公文 dates itself.
    "no_year_dated_chinese": "{agency}政府信息公开工作年度报告（{published_chinese}）{line_end}",
    # The organ in brackets before the title, as a site's list sets it apart.
    "organ_bracketed_first": "（{agency}）{year}年政府信息公开工作年度报告",
    # No organ in the title: after a dash, then the date a page's header sets on its line.
    "organ_after_dash_dated": "{year}年政府信息公开工作年度报告——{agency}　发布日期：{published}{line_end}",
    # A news item's title: the organ publishes it.
    "organ_publishes": "{agency}发布{year}年度政府信息公开工作年度报告",
}
# The forms whose title says the date the report was published (``published``).
DATED_FORMS: frozenset[str] = frozenset({"no_year_dated", "no_year_dated_chinese", "organ_after_dash_dated"})
_SECOND_NAME_FORMS: frozenset[str] = frozenset({"second_name", "second_name_lenticular"})
# The second name a title may give in brackets: an organ that works as one with the reporting
# one (合署办公), by how the reporting one's name ends.
_SECOND_NAMES: tuple[tuple[str, str], ...] = (
    ("镇人民政府", "镇便民服务中心"), ("街道办事处", "街道便民服务中心"), ("中心", "服务站"), ("局", "事务中心"),
    ("厅", "事务中心"),
)


def report_title(agency: str, year: int, form: str | None = None, shape: str | None = None, published: str = "") -> str:
    """The title line, in ``form`` (TITLE_FORMS; None: the national template's), on a page of
    ``shape`` (SHAPES: a page's lines apart are its elements, a line break in its text a space);
    ``published``, the ISO date a form of DATED_FORMS gives."""
    if form in DATED_FORMS and not published:
        raise ValueError(f"the title's form {form!r} gives the date the report was published: pass it")
    second = second_name(agency) if form in _SECOND_NAME_FORMS else ""
    title = TITLE_FORMS[form or "plain"].format(agency=agency, year=year, second=second, spaced_year=" ".join(str(year)),
                                                prior_year=year - 1, published=published,
                                                published_chinese=chinese_date(published), views=year % 97 + 3,
                                                century=str(year)[:2], decade=str(year)[2:],
                                                line="<br>\n" if shape == "html" else "\n",
                                                line_end="<br>" if shape == "html" else "")
    return " ".join(title) if form == "spaced" else title


def chinese_date(iso: str) -> str:
    """An ISO date as a 公文 writes it: "2023-01-05" → "二〇二三年一月五日"."""
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return cn2an.transform(f"{year}年{int(month)}月{int(day)}日", "an2cn").replace("零", "〇")


def second_name(agency: str) -> str:
    """The organ that works as one with ``agency``, as the forms "second_name…" name it."""
    for ending, other in _SECOND_NAMES:
        if agency.endswith(ending):
            return agency[: -len(ending)] + other
    raise ValueError(f"no second name for an organ's name ending as {agency!r} does (synthetic._SECOND_NAMES)")


def titled_agency(agency: str, form: str | None) -> str:
    """The organ's name as a title in ``form`` gives it, and the parser reads it."""
    return f"{agency}({second_name(agency)})" if form in _SECOND_NAME_FORMS else agency

# ------------------------------------------------------------ printed labels

T3_HEADER = ["申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
T3_COLUMNS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org", "total"]

_T3_COMMON_HEAD = [
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("三、本年度办理结果", None),
    ("(一)予以公开", "granted"),
    ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "partially_granted"),
    ("(三)不予公开", None),
    ("1.属于国家秘密", "denied_state_secret"),
    ("2.其他法律行政法规禁止公开", "denied_prohibited_by_law"),
    ("3.危及“三安全一稳定”", "denied_security_stability"),
    ("4.保护第三方合法权益", "denied_third_party_rights"),
    ("5.属于三类内部事务信息", "denied_internal_affairs"),
    ("6.属于四类过程性信息", "denied_process_information"),
    ("7.属于行政执法案卷", "denied_enforcement_case_file"),
    ("8.属于行政查询事项", "denied_administrative_query"),
    ("(四)无法提供", None),
    ("1.本机关不掌握相关政府信息", "unavailable_not_held"),
    ("2.没有现成信息需要另行制作", "unavailable_needs_creation"),
    ("3.补正后申请内容仍不明确", "unavailable_unclear"),
    ("(五)不予处理", None),
    ("1.信访举报投诉类申请", "not_processed_complaint"),
    ("2.重复申请", "not_processed_duplicate"),
    ("3.要求提供公开出版物", "not_processed_publication"),
    ("4.无正当理由大量反复申请", "not_processed_excessive"),
    ("5.要求行政机关确认或重新出具已获取信息", "not_processed_confirmation"),
]
_T3_TAIL = [("(七)总计", "total_processed"), ("四、结转下年度继续办理", "carried_forward")]
T3_ROWS = {
    "t2019": [*_T3_COMMON_HEAD, ("(六)其他处理", "other_handling"), *_T3_TAIL],
    "t2021": [
        *_T3_COMMON_HEAD,
        ("(六)其他处理", None),
        ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
        ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_unpaid_fee"),
        ("3.其他", "other_misc"),
        *_T3_TAIL,
    ],
}
T3_OUTCOME_ITEMS = {
    layout: [item for _, item in rows if item and item not in ("new_received", "carried_over", "total_processed", "carried_forward")]
    for layout, rows in T3_ROWS.items()
}

T2_BLOCKS = {
    "t2019": [
        ("第二十条第(一)项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
         [("规章", "regulation"), ("规范性文件", "normative_document")], ["newly_made", "newly_published", "total_published"]),
        ("第二十条第(五)项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
         [("行政许可", "administrative_license"), ("其他对外管理服务事项", "other_management_service")],
         ["prior_year_items", "change", "decisions"]),
        ("第二十条第(六)项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
         [("行政处罚", "administrative_penalty"), ("行政强制", "administrative_coercion")],
         ["prior_year_items", "change", "decisions"]),
        ("第二十条第(八)项", ["信息内容", "上一年项目数量", "本年增/减"],
         [("行政事业性收费", "administrative_fee")], ["prior_year_items", "change"]),
        ("第二十条第(九)项", ["信息内容", "采购项目数量", "采购总金额"],
         [("政府集中采购", "centralized_procurement")], ["procurement_projects", "procurement_amount"]),
    ],
    "t2021": [
        ("第二十条第(一)项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
         [("规章", "regulation"), ("行政规范性文件", "normative_document")], ["issued", "repealed", "in_force"]),
        ("第二十条第(五)项", ["信息内容", "本年处理决定数量"], [("行政许可", "administrative_license")], ["decisions"]),
        ("第二十条第(六)项", ["信息内容", "本年处理决定数量"],
         [("行政处罚", "administrative_penalty"), ("行政强制", "administrative_coercion")], ["decisions"]),
        ("第二十条第(八)项", ["信息内容", "本年收费金额(单位:万元)"], [("行政事业性收费", "administrative_fee")], ["fee_amount"]),
    ],
}
T4_HEADER = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉",
             *(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)]
T4_COLUMNS = [(p, o) for p in ("administrative_review", "litigation_direct", "litigation_after_review")
              for o in ("upheld", "corrected", "other", "pending", "total")]

# (label as printed, unit, section, item, dims) of the 2014-2018 national stat form.
STAT_ROWS: list[tuple[str, str, str | None, str | None, dict]] = [
    ("一、主动公开情况", "——", None, None, {}),
    ("(一)主动公开政府信息数", "条", "proactive", "disclosure", {"category": "proactive_information", "measure": "items"}),
    ("其中:主动公开规范性文件数", "条", "proactive", "disclosure", {"category": "normative_document", "measure": "published"}),
    ("制发规范性文件总数", "件", "proactive", "disclosure", {"category": "normative_document", "measure": "issued"}),
    ("(二)通过不同渠道和方式公开政府信息的情况", "——", None, None, {}),
    ("1.政府公报公开政府信息数", "条", "proactive", "disclosure", {"category": "proactive_information", "measure": "via_gazette"}),
    ("2.政府网站公开政府信息数", "条", "proactive", "disclosure", {"category": "proactive_information", "measure": "via_website"}),
    ("3.政务微博公开政府信息数", "条", "proactive", "disclosure", {"category": "proactive_information", "measure": "via_weibo"}),
    ("4.政务微信公开政府信息数", "条", "proactive", "disclosure", {"category": "proactive_information", "measure": "via_wechat"}),
    ("5.其他方式公开政府信息数", "条", "proactive", "disclosure", {"category": "proactive_information", "measure": "via_other"}),
    ("二、回应解读情况", "——", None, None, {}),
    ("(一)回应公众关注热点或重大舆情数(不同方式回应同一热点或舆情计1次)", "次", "responses", "hot_topic_responses", {}),
    ("(二)通过不同渠道和方式回应解读的情况", "——", None, None, {}),
    ("1.参加或举办新闻发布会总次数", "次", "responses", "press_conferences", {}),
    ("其中:主要负责同志参加新闻发布会次数", "次", "responses", "press_conferences_with_leader", {}),
    ("2.政府网站在线访谈次数", "次", "responses", "online_interviews", {}),
    ("其中:主要负责同志参加政府网站在线访谈次数", "次", "responses", "online_interviews_with_leader", {}),
    ("3.政策解读稿件发布数", "篇", "responses", "policy_interpretations", {}),
    ("4.微博微信回应事件数", "次", "responses", "social_media_responses", {}),
    ("5.其他方式回应事件数", "次", "responses", "other_responses", {}),
    ("三、依申请公开情况", "——", None, None, {}),
    *[
        (label, "件", "requests", item, {"applicant_type": "total", "channel": channel})
        for label, item, channel in [
            ("(一)收到申请数", "new_received", "all"),
            ("1.当面申请数", "new_received", "in_person"),
            ("2.传真申请数", "new_received", "fax"),
            ("3.网络申请数", "new_received", "online"),
            ("4.信函申请数", "new_received", "mail"),
            ("(二)申请办结数", "completed", "all"),
            ("1.按时办结数", "completed_on_time", "all"),
            ("2.延期办结数", "completed_extended", "all"),
            ("(三)申请答复数", "answered", "all"),
            ("1.属于已主动公开范围数", "answered_already_public", "all"),
            ("2.同意公开答复数", "granted", "all"),
            ("3.同意部分公开答复数", "partially_granted", "all"),
            ("4.不同意公开答复数", "denied", "all"),
            ("其中:涉及国家秘密", "denied_state_secret", "all"),
            ("涉及商业秘密", "denied_commercial_secret", "all"),
            ("涉及个人隐私", "denied_personal_privacy", "all"),
            ("危及国家安全、公共安全、经济安全和社会稳定", "denied_security_stability", "all"),
            ("不是《条例》所指政府信息", "denied_not_government_information", "all"),
            ("法律法规规定的其他情形", "denied_other_legal", "all"),
            ("5.不属于本行政机关公开数", "not_this_agency", "all"),
            ("6.申请信息不存在数", "information_not_exist", "all"),
            ("7.告知作出更改补充数", "told_to_amend", "all"),
            ("8.告知通过其他途径办理数", "told_other_channel", "all"),
        ]
    ],
    ("四、行政复议数量", "件", "appeals", "cases", {"proceeding": "administrative_review", "outcome": "total"}),
    ("(一)维持具体行政行为数", "件", "appeals", "cases", {"proceeding": "administrative_review", "outcome": "upheld"}),
    ("(二)被依法纠错数", "件", "appeals", "cases", {"proceeding": "administrative_review", "outcome": "corrected"}),
    ("(三)其他情形数", "件", "appeals", "cases", {"proceeding": "administrative_review", "outcome": "other"}),
    ("五、行政诉讼数量", "件", "appeals", "cases", {"proceeding": "litigation", "outcome": "total"}),
    ("(一)维持具体行政行为或者驳回原告诉讼请求数", "件", "appeals", "cases", {"proceeding": "litigation", "outcome": "upheld"}),
    ("(二)被依法纠错数", "件", "appeals", "cases", {"proceeding": "litigation", "outcome": "corrected"}),
    ("(三)其他情形数", "件", "appeals", "cases", {"proceeding": "litigation", "outcome": "other"}),
    ("六、举报投诉数量", "件", "complaints", "complaints", {}),
    ("七、依申请公开信息收取的费用", "万元", "fees", "fees_collected", {}),
    ("八、机构建设和保障经费情况", "——", None, None, {}),
    ("(一)政府信息公开工作专门机构数", "个", "organization", "dedicated_units", {}),
    ("(二)设置政府信息公开查阅点数", "个", "organization", "reading_points", {}),
    ("(三)从事政府信息公开工作人员数", "人", "organization", "staff", {}),
    ("1.专职人员数(不包括政府公报及政府网站工作人员数)", "人", "organization", "staff_full_time", {}),
    ("2.兼职人员数", "人", "organization", "staff_part_time", {}),
    ("(四)政府信息公开专项经费(不包括用于政府公报编辑管理及政府网站建设维护等方面的经费)", "万元", "organization", "dedicated_funds", {}),
    ("九、政府信息公开会议和培训情况", "——", None, None, {}),
    ("(一)召开政府信息公开工作会议或专题会议数", "次", "meetings", "meetings", {}),
    ("(二)举办各类培训班数", "次", "meetings", "training_sessions", {}),
    ("(三)接受培训人员数", "人次", "meetings", "trainees", {}),
]


# ------------------------------------------------------------ figures


@dataclass(frozen=True)
class Figure:
    """A figure a rendered report holds: what the parser must find."""

    section: str
    item: str
    dims: tuple[tuple[str, str], ...]
    value: Decimal | None  # None: a blank cell

    @property
    def key(self) -> tuple:
        return (self.section, self.item, self.dims)


@dataclass
class Rendered:
    text: str
    figures: list[Figure] = field(default_factory=list)


def figure(section: str, item: str, value, **dims: str) -> Figure:
    return Figure(section, item, tuple(sorted(dims.items())), None if value is None else Decimal(str(value)))


# ------------------------------------------------------------ shapes


def render_rows(rows: list[list[str]], shape: str) -> str:
    """Lay table rows out as text in one of SHAPES.

    In the one-cell-per-line and PDF shapes a blank cell cannot be told from a
    missing one, so those pages print "—" for "not reported", as real ones do.
    """
    if shape in ("lines", "pdf"):
        rows = [[cell or "—" for cell in row] for row in rows]
    if shape == "lines":  # one cell per line, blank lines between (samples 002)
        return "\n\n".join(cell for row in rows for cell in row) + "\n"
    if shape == "pipe_lines":  # cells ending in " |", "| |" for an empty cell (samples 001, 004)
        return "\n".join(f"{cell} |" if cell else "| |" for row in rows for cell in row) + "\n"
    if shape == "markdown":
        return "\n".join("| " + " | ".join(row) + " |" for row in rows) + "\n"
    if shape == "html":
        body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>\n" for row in rows)
        return f"<table>\n{body}</table>\n"
    if shape == "tabs":
        return "\n".join("\t".join(row) for row in rows) + "\n"
    if shape == "pdf":  # a PDF text layer: cells of a row joined by spaces
        return "\n".join(" ".join(cell for cell in row if cell) for row in rows) + "\n"
    raise ValueError(f"unknown shape {shape}")


def cell_text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


# ------------------------------------------------------------ tables


def table3(layout: str, values: dict[str, list], shape: str) -> Rendered:
    """Table 三 with ``values[item]`` = 7 figures (None: blank) for each item row."""
    rows = [T3_HEADER]
    figures = []
    for label, item in T3_ROWS[layout]:
        if item is None:
            rows.append([label])
            continue
        cells = values[item]
        rows.append([label, *(cell_text(_dec(v)) for v in cells)])
        figures += [figure("requests", item, v, applicant_type=c, channel="all") for c, v in zip(T3_COLUMNS, cells)]
    return Rendered(render_rows(rows, shape), figures)


def table2(layout: str, values: dict[tuple[str, str], object], shape: str) -> Rendered:
    """Table 二 with ``values[(category, measure)]``."""
    rows: list[list[str]] = []
    figures = []
    for title, header, block_rows, measures in T2_BLOCKS[layout]:
        rows.append([title])
        rows.append(header)
        for label, category in block_rows:
            cells = [values[(category, m)] for m in measures]
            rows.append([label, *(cell_text(_dec(v)) if not isinstance(v, str) else v for v in cells)])
            for measure, v in zip(measures, cells):
                figures.append(figure("proactive", "disclosure", _amount(v), category=category, measure=measure))
    return Rendered(render_rows(rows, shape), figures)


def table4(values: list, shape: str) -> Rendered:
    rows = [T4_HEADER[:2], T4_HEADER[2:7], T4_HEADER[7:9], T4_HEADER[9:], [cell_text(_dec(v)) for v in values]]
    figures = [figure("appeals", "cases", v, proceeding=p, outcome=o) for (p, o), v in zip(T4_COLUMNS, values)]
    return Rendered(render_rows(rows, shape), figures)


def stat_table(values: dict[str, object], shape: str, year: int) -> Rendered:
    """The stat table; ``values`` by printed label (missing label: blank cell)."""
    rows = [["政府信息公开情况统计表"], [f"({year}年度)"], ["统计指标", "单位", "统计数"]]
    figures = []
    for label, unit, section, item, dims in STAT_ROWS:
        if section is None:
            rows.append([label, unit, "/"])
            continue
        value = values.get(label)
        rows.append([label, unit, cell_text(_dec(value))])
        figures.append(figure(section, item, value, **dims))
    return Rendered(render_rows(rows, shape), figures)


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _amount(value) -> Decimal | None:
    if isinstance(value, str):  # "92.8050万元"
        return Decimal(value.removesuffix("万元"))
    return _dec(value)


# ------------------------------------------------------------ whole reports


def national_report(
    agency: str,
    year: int,
    layout2: str,
    layout3: str,
    t2: dict,
    t3: dict[str, list],
    t4: list,
    shape: str,
    published: str = "",
    title_form: str | None = None,
) -> Rendered:
    """A report in the 2019/2021 national format (tables may mix eras)."""
    parts = [
        report_title(agency, year, title_form, shape, published) + "\n",
        f"发布日期:{published}\n" if published else "",
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。\n",
        "一、总体情况\n本年度按照条例要求推进政务公开工作。\n",
        "二、主动公开政府信息情况\n",
    ]
    r2 = table2(layout2, t2, shape)
    parts += [r2.text, "三、收到和处理政府信息公开申请情况\n", "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)\n"]
    r3 = table3(layout3, t3, shape)
    parts += [r3.text, "四、政府信息公开行政复议、行政诉讼情况\n"]
    r4 = table4(t4, shape)
    parts += [r4.text, "五、存在的主要问题及改进情况\n工作仍有不足。\n", "六、其他需要报告的事项\n无。\n"]
    return Rendered("".join(parts), r2.figures + r3.figures + r4.figures)


def consistent_table3(layout: str, seed: int = 1) -> dict[str, list]:
    """Table 三 figures that differ from each other and satisfy every identity."""
    outcomes = T3_OUTCOME_ITEMS[layout]
    values: dict[str, list] = {}
    for row, item in enumerate(outcomes):
        values[item] = [(seed * 7 + row * 3 + column * 5) % 23 + 1 for column in range(6)]
    values["total_processed"] = [sum(values[i][c] for i in outcomes) for c in range(6)]
    values["carried_forward"] = [c + 2 + seed for c in range(6)]
    values["carried_over"] = [c + 1 + seed for c in range(6)]
    values["new_received"] = [
        values["total_processed"][c] + values["carried_forward"][c] - values["carried_over"][c] for c in range(6)
    ]
    for item, figures in values.items():
        values[item] = [*figures, sum(figures)]
    return values


def consistent_table4(seed: int = 1) -> list[int]:
    figures = []
    for block in range(3):
        outcomes = [seed + block * 4 + k + 1 for k in range(4)]
        figures += [*outcomes, sum(outcomes)]
    return figures


# ------------------------------------------------------------ HTML pages


def _td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{spans}>{html.escape(text)}</td>"


def table3_html(layout: str, values: dict[str, list]) -> str:
    """Table 三 as the template's HTML: merged header cells, and the outcome groups
    ((三)不予公开, (四)无法提供 ...) as cells spanning their rows."""
    out = [
        "<table border='1'>",
        "<tr>" + _td("申请人情况", 2, 3) + _td("自然人", 2) + _td("法人或其他组织", 1, 5) + _td("总计", 2) + "</tr>",
        "<tr>" + "".join(_td(h) for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")) + "</tr>",
    ]
    rows = T3_ROWS[layout]
    cells = lambda item: "".join(_td(cell_text(_dec(v))) for v in values[item])
    outcome_rows = [i for i, (label, _) in enumerate(rows) if label.startswith("三、")]
    start = outcome_rows[0]
    end = next(i for i, (label, _) in enumerate(rows) if label.startswith("(七)"))
    # <tr> under 三、本年度办理结果, (七)总计 included: group headings have no row of their own.
    group_rows = sum(1 for _, item in rows[start + 1 : end + 1] if item is not None)
    index = 0
    while index < len(rows):
        label, item = rows[index]
        if label.startswith(("一、", "二、", "四、")):
            out.append("<tr>" + _td(label, 1, 3) + cells(item) + "</tr>")
            index += 1
        elif label.startswith("三、"):
            first = True
            index += 1
            while index < len(rows) and not rows[index][0].startswith("四、"):
                group_label, group_item = rows[index]
                lead = _td(label, group_rows) if first else ""
                first = False
                if group_item is not None:  # (一)予以公开, (二)部分公开, 2019 (六)其他处理, (七)总计
                    out.append("<tr>" + lead + _td(group_label, 1, 2) + cells(group_item) + "</tr>")
                    index += 1
                    continue
                members = []
                index += 1
                while index < len(rows) and rows[index][0][:1].isdigit():
                    members.append(rows[index])
                    index += 1
                for position, (member_label, member_item) in enumerate(members):
                    group_cell = _td(group_label, len(members)) if position == 0 else ""
                    out.append("<tr>" + (lead if position == 0 else "") + group_cell + _td(member_label) + cells(member_item) + "</tr>")
        else:  # pragma: no cover - every row of T3_ROWS is handled above
            index += 1
    out.append("</table>")
    return "\n".join(out)


def table4_html(values: list) -> str:
    header = (
        "<tr>" + _td("行政复议", 1, 5) + _td("行政诉讼", 1, 10) + "</tr>"
        "<tr>" + _td("结果维持", 2) + _td("结果纠正", 2) + _td("其他结果", 2) + _td("尚未审结", 2) + _td("总计", 2)
        + _td("未经复议直接起诉", 1, 5) + _td("复议后起诉", 1, 5) + "</tr>"
        "<tr>" + "".join(_td(h) for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2) + "</tr>"
    )
    return "<table>" + header + "<tr>" + "".join(_td(cell_text(_dec(v))) for v in values) + "</tr></table>"


def table2_html(layout: str, values: dict) -> str:
    out = ["<table>"]
    for title, header, block_rows, measures in T2_BLOCKS[layout]:
        out.append("<tr>" + _td(title, 1, len(header)) + "</tr>")
        out.append("<tr>" + "".join(_td(h) for h in header) + "</tr>")
        for label, category in block_rows:
            cells = [values[(category, m)] for m in measures]
            out.append("<tr>" + _td(label) + "".join(_td(v if isinstance(v, str) else cell_text(_dec(v))) for v in cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def national_report_html(agency: str, year: int, layout: str, t2: dict, t3: dict, t4: list, charset: str = "utf-8") -> str:
    """A whole report page: chrome around, metadata table, the three tables."""
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{agency}{year}年政府信息公开工作年度报告</title>
<script>var tracker = "主动公开政府信息999条";</script><style>td {{ border: 1px }}</style></head>
<body><div class="nav">首页 &gt; 政务公开 &gt; 年报</div>
<table class="meta"><tr><td>索引号</td><td>000-{year}-01</td><td>发布日期</td><td>{year + 1}-01-28</td></tr></table>
<h1>{agency}{year}年政府信息公开工作年度报告</h1>
<p>本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。</p>
<h2>一、总体情况</h2><p>本年度按照条例要求推进政务公开工作。</p>
<h2>二、主动公开政府信息情况</h2>
{table2_html(layout, t2)}
<h2>三、收到和处理政府信息公开申请情况</h2>
{table3_html(layout, t3)}
<h2>四、政府信息公开行政复议、行政诉讼情况</h2>
{table4_html(t4)}
<h2>五、存在的主要问题及改进情况</h2><p>工作仍有不足。</p>
<h2>六、其他需要报告的事项</h2><p>无。</p>
<div class="footer">打印本页 关闭窗口</div>
</body></html>
"""
