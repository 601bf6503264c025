"""`ogi synth`: a synthetic corpus with known answers.

N reports over every era (stat table, 2019, 2021, prose-only, mixed tables) and
every text shape, with varied figures that satisfy the identities, plus a set
rate of real-world faults: broken identities, blank cells, cut-off pages,
duplicate files and junk. Next to the raw files, ``truth.jsonl`` holds what the
parser must find in each file. The same seed gives the same files.
"""

from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from . import synthetic
from .synthetic import SHAPES, TITLE_FORMS, Figure, figure

ERAS = ("t2021", "t2019", "stat_table", "prose", "mixed")
_ERA_WEIGHTS = (30, 20, 25, 15, 10)
FAULTS = ("broken_identity", "blank_cells", "cut_off", "duplicate", "junk")
# The national template's title in half the reports, each other form in one in twenty.
_TITLE_FORM_WEIGHTS = tuple(10 if form == "plain" else 1 for form in TITLE_FORMS)
BATCH_SIZE = 1000  # files per raw sub-folder

_CHARS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥东南西北安平和宁康泰"
# Organs: a real place from the gazetteer, a made-up unique part, and a kind;
# (template, level, rank of the place the region columns must show).
_KINDS = (
    ("{county}{unique}镇人民政府", "township", 2),
    ("{county}{unique}街道办事处", "township", 2),
    ("{county}{unique}中心", "department", 2),
    ("{prefecture}{unique}局", "department", 1),
    ("{province}{unique}厅", "department", 0),
)


@dataclass
class Truth:
    path: str
    status: str = "parsed"
    quarantine_code: str | None = None
    agency_name: str | None = None
    region_code: str | None = None
    agency_level: str | None = None
    report_year: int | None = None
    template: str | None = None
    published_date: str | None = None
    era: str | None = None
    shape: str | None = None
    title_form: str | None = None
    page_links: str | None = None  # PAGE_LINKS' kind at the page's end, if any
    fault: str | None = None
    issues: list[str] = field(default_factory=list)  # codes the parse must report
    figures: list[dict] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, sort_keys=True)


@functools.lru_cache(maxsize=1)
def _places_by_rank() -> tuple[tuple, ...]:
    """Gazetteer places whose name alone says which place they are."""
    from .parsing.regions import gazetteer

    places = gazetteer().places.values()
    counts: dict[str, int] = {}
    for place in places:
        counts[place.name] = counts.get(place.name, 0) + 1
    return tuple(
        tuple(sorted((p for p in places if p.rank == rank and counts[p.name] == 1), key=lambda p: p.code))
        for rank in range(3)
    )


def _agency(index: int, rng: random.Random, places: tuple[tuple, ...]) -> tuple[str, str, str]:
    """A unique organ name, its region code and its level."""
    unique = ""
    value = index
    while True:
        unique = _CHARS[value % len(_CHARS)] + unique
        value //= len(_CHARS)
        if value == 0:
            break
    template, level, rank = rng.choice(_KINDS)
    place = rng.choice(places[rank])
    name = template.format(**{("province", "prefecture", "county")[rank]: place.name, "unique": unique})
    return name, place.code, level


def _figure_dicts(figures: list[Figure], source: str = "table") -> list[dict]:
    return [
        {"section": f.section, "item": f.item, "dims": dict(f.dims), "value": None if f.value is None else str(f.value),
         "source": source}
        for f in figures
    ]


def _table3(rng: random.Random, layout: str) -> dict[str, list]:
    outcomes = synthetic.T3_OUTCOME_ITEMS[layout]
    values = {item: [rng.choice((0, 0, rng.randint(1, 40))) for _ in range(6)] for item in outcomes}
    values["total_processed"] = [sum(values[i][c] for i in outcomes) for c in range(6)]
    values["carried_forward"] = [rng.randint(0, 9) for _ in range(6)]
    values["carried_over"] = [rng.randint(0, 9) for _ in range(6)]
    values["new_received"] = [
        values["total_processed"][c] + values["carried_forward"][c] - values["carried_over"][c] for c in range(6)
    ]
    for c in range(6):  # new_received may not be negative: raise it with carried_forward
        if values["new_received"][c] < 0:
            values["carried_forward"][c] -= values["new_received"][c]
            values["new_received"][c] = 0
    return {item: [*cells, sum(cells)] for item, cells in values.items()}


def _table4(rng: random.Random) -> list[int]:
    cells = []
    for _ in range(3):
        outcomes = [rng.randint(0, 12) for _ in range(4)]
        cells += [*outcomes, sum(outcomes)]
    return cells


def _table2(rng: random.Random, layout: str) -> dict:
    values = {}
    for _, _, rows, measures in synthetic.T2_BLOCKS[layout]:
        for _, category in rows:
            for measure in measures:
                if measure in ("procurement_amount", "fee_amount"):
                    values[(category, measure)] = f"{rng.randint(0, 9999)}.{rng.randint(0, 9999):04d}"
                elif measure == "change":
                    values[(category, measure)] = rng.randint(-5, 9)
                else:
                    values[(category, measure)] = rng.randint(0, 3000)
    return values


def _stat_values(rng: random.Random) -> dict[str, object]:
    labels = [row[0] for row in synthetic.STAT_ROWS if row[2] is not None]
    values: dict[str, object] = {label: rng.randint(0, 400) for label in labels}
    channels = ["1.当面申请数", "2.传真申请数", "3.网络申请数", "4.信函申请数"]
    values["(一)收到申请数"] = sum(values[c] for c in channels) + rng.randint(0, 3)
    values["(二)申请办结数"] = values["1.按时办结数"] + values["2.延期办结数"]
    reasons = ["其中:涉及国家秘密", "涉及商业秘密", "涉及个人隐私", "危及国家安全、公共安全、经济安全和社会稳定",
               "不是《条例》所指政府信息", "法律法规规定的其他情形"]
    values["4.不同意公开答复数"] = sum(values[r] for r in reasons)
    for total, parts in (("四、行政复议数量", ["(一)维持具体行政行为数", "(二)被依法纠错数", "(三)其他情形数"]),):
        values[total] = sum(values[p] for p in parts)
    litigation = ["(一)维持具体行政行为或者驳回原告诉讼请求数"]
    # (二)被依法纠错数 and (三)其他情形数 repeat under 五: the renderer reads values by label, so
    # both blocks share them; 五's total is computed with the shared ones.
    values["五、行政诉讼数量"] = values[litigation[0]] + values["(二)被依法纠错数"] + values["(三)其他情形数"]
    values["(三)从事政府信息公开工作人员数"] = values["1.专职人员数(不包括政府公报及政府网站工作人员数)"] + values["2.兼职人员数"]
    values["七、依申请公开信息收取的费用"] = f"{rng.randint(0, 20)}.{rng.randint(0, 99):02d}"
    return values


def make_report(index: int, seed: int, fault_rate: float = 0.05) -> tuple[bytes, Truth, str | None]:
    """One report's bytes and truth; the third value names an earlier file to copy."""
    rng = random.Random(seed * 1_000_003 + index)
    path = f"batch_{index // BATCH_SIZE:04d}/{index:07d}.txt"
    truth = Truth(path)
    fault = None
    if rng.random() < fault_rate * len(FAULTS):
        fault = rng.choice(FAULTS)
    truth.fault = fault
    if fault == "duplicate" and index > 0:
        truth.status, truth.quarantine_code = "quarantined", "duplicate_content"
        return b"", truth, f"batch_{(index - 1) // BATCH_SIZE:04d}/{index - 1:07d}.txt"
    if fault == "junk":
        truth.status = "quarantined"
        if rng.random() < 0.5:
            truth.quarantine_code = "binary_file"
            return bytes(rng.getrandbits(8) for _ in range(600)) + b"\x00" * 64, truth, None
        truth.quarantine_code = "not_a_report"
        return "网站首页 新闻中心 联系我们。欢迎访问。今日天气晴。".encode(), truth, None
    era = rng.choices(ERAS, _ERA_WEIGHTS)[0]
    shape = rng.choice(SHAPES)
    agency, truth.region_code, truth.agency_level = _agency(index, rng, _places_by_rank())
    truth.era, truth.shape = era, shape
    # (drawn apart, so the rest of the corpus is what it was before titles took forms)
    truth.title_form = random.Random(f"title {seed} {index}").choices(list(TITLE_FORMS), _TITLE_FORM_WEIGHTS)[0]
    truth.agency_name = synthetic.titled_agency(agency, truth.title_form)
    if truth.title_form == "year_range":
        truth.issues.append("year_range")
    if era == "prose":
        return _prose_report(rng, truth, agency) + _page_links(seed, index, truth), truth, None
    if era == "stat_table":
        return _stat_report(rng, truth, agency, shape, fault) + _page_links(seed, index, truth), truth, None
    layout2, layout3 = {"t2021": ("t2021", "t2021"), "t2019": ("t2019", "t2019"), "mixed": ("t2021", "t2019")}[era]
    year = rng.randint(2021, 2025) if layout2 == "t2021" else rng.randint(2019, 2020)
    published = f"{year + 1}-01-{rng.randint(10, 31):02d}"
    truth.report_year, truth.published_date, truth.template = year, published, layout3
    t2, t3, t4 = _table2(rng, layout2), _table3(rng, layout3), _table4(rng)
    if fault == "broken_identity":
        item = rng.choice(synthetic.T3_OUTCOME_ITEMS[layout3])
        t3[item][rng.randint(0, 5)] += rng.randint(1, 3)
        truth.issues.append("identity_failed")
    if fault == "blank_cells":
        for _ in range(rng.randint(1, 3)):
            t3[rng.choice(list(t3))][rng.randint(0, 6)] = None
    rendered = synthetic.national_report(agency, year, layout2, layout3, t2, t3, t4, shape, published=published,
                                         title_form=truth.title_form)
    text, figures = rendered.text, rendered.figures
    tail = b""
    if fault == "cut_off":
        rows = [(label, item) for label, item in synthetic.T3_ROWS[layout3] if item]
        cut_at = rng.randint(3, len(rows) - 1)
        label, _ = rows[cut_at]
        position = text.index(label, text.index("本年新收"))
        text = text[:position]
        kept_items = {item for _, item in rows[:cut_at]}
        if not kept_items & {"other_handling", "other_no_correction"}:
            # Only the (六) rows tell table 三's layouts apart: cut before them, it can
            # only take table 二's layout, and the report's template with it.
            truth.template = layout2
        figures = [f for f in figures if f.section == "proactive" or (f.section == "requests" and f.item in kept_items)]
        truth.issues.append("incomplete")
        tail = _cut_inside(label, cut_at)
    truth.figures = _figure_dicts(figures)
    return text.encode() + tail + _page_links(seed, index, truth), truth, None


# What a page's end may link to: the articles beside it, or a list of related ones, titled as
# other organs' reports of other years (they are not the report's: metadata.without_page_links).
PAGE_LINKS: dict[str, str] = {
    "neighbours": "上一篇：乙县民政局{before}年政府信息公开工作年度报告{line}下一篇：丙县财政局{year}年政府信息公开工作年度报告{line}",
    "related": "相关链接{line}乙县民政局{before}年政府信息公开工作年度报告{line}丙县财政局{year}年政务公开工作年度报告{line}",
}
_PAGE_LINKS_RATE = 0.1


def _page_links(seed: int, index: int, truth: Truth) -> bytes:
    """The links a page's end has to other reports, in one report in ten (none where a download
    was cut short: the page's end is gone); drawn apart, so the rest of the corpus is as it was."""
    draw = random.Random(f"links {seed} {index}")
    if truth.fault == "cut_off" or draw.random() >= _PAGE_LINKS_RATE:
        return b""
    truth.page_links = draw.choice(sorted(PAGE_LINKS))
    year = truth.report_year or 2022
    # (a page's line breaks: a prose report's "page" is text, its tags kept as they are)
    line = "<br>\n" if truth.shape == "html" and truth.era != "prose" else "\n"
    return (line + PAGE_LINKS[truth.page_links].format(before=year - 1, year=year, line=line)).encode()


def _cut_inside(label: str, cut_at: int) -> bytes:
    """What a download stopped at a byte leaves of the label it stopped in (after its ASCII
    start): none, or the first one or two of its first Chinese character's three bytes in UTF-8."""
    start = next((i for i, char in enumerate(label) if ord(char) > 127), len(label))
    if start == len(label) or not cut_at % 3:
        return b""
    return label[:start].encode() + label[start].encode()[: cut_at % 3]


def _stat_report(rng, truth: Truth, agency: str, shape: str, fault: str | None) -> bytes:
    year = rng.randint(2008, 2018)
    truth.report_year, truth.template = year, "stat_table"
    truth.published_date = f"{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28):02d}"
    values = _stat_values(rng)
    if fault == "broken_identity":
        values["(二)申请办结数"] = int(values["(二)申请办结数"]) + rng.randint(1, 4)
        truth.issues.append("identity_failed")
    if fault == "blank_cells":
        for label in rng.sample([row[0] for row in synthetic.STAT_ROWS if row[2] == "responses"], 2):
            values.pop(label)
    rendered = synthetic.stat_table(values, shape, year)
    head = (
        f"{synthetic.report_title(agency, year, truth.title_form, shape, truth.published_date)}\n"
        f"发布日期:{truth.published_date}\n"
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。\n一、概述\n本年度工作正常开展。\n附件\n"
    )
    text, figures = head + rendered.text, rendered.figures
    tail = b""
    if fault == "cut_off":
        labels = [row[0] for row in synthetic.STAT_ROWS if row[2] is not None]
        cut_at = rng.randint(10, len(labels) - 2)
        position = len(head)
        for label in labels[: cut_at + 1]:  # labels repeat (被依法纠错数): find them in order
            position = text.index(label, position)
        text = text[:position]
        figures = figures[:cut_at]
        truth.issues.append("incomplete")
        tail = _cut_inside(label, cut_at)
    truth.figures = _figure_dicts(figures)
    return text.encode() + tail


def _prose_report(rng, truth: Truth, agency: str) -> bytes:
    year = rng.randint(2010, 2024)
    truth.report_year, truth.template = year, "prose"
    # (a date only where the title gives one: a prose report has no header; drawn from no rng, so
    # the rest of the corpus is what it was before)
    truth.published_date = f"{year + 1}-02-{10 + year % 19:02d}" if truth.title_form in synthetic.DATED_FORMS else None
    proactive = rng.randint(5, 99999)
    received = rng.choice((0, rng.randint(1, 300)))
    review, litigation = rng.choice((0, rng.randint(1, 9))), rng.choice((0, rng.randint(1, 9)))
    received_sentence = (
        f"{year}年,本机关共收到政府信息公开申请{received}件,均已按时答复。" if received
        else f"{year}年,本机关未收到依申请公开政府信息申请。"
    )
    if review or litigation:
        appeal_sentence = f"全年发生政府信息公开行政复议{review}件,行政诉讼{litigation}件。"
    else:
        appeal_sentence = "全年未发生因政府信息公开引发的行政复议和行政诉讼。"
    text = (
        f"{synthetic.report_title(agency, year, truth.title_form, published=truth.published_date or '')}\n"
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。\n"
        f"一、概述\n本年度认真贯彻条例。\n二、主动公开政府信息情况\n{year}年,本机关主动公开政府信息{proactive}条。\n"
        f"三、依申请公开政府信息情况\n{received_sentence}\n四、行政复议、行政诉讼情况\n{appeal_sentence}\n"
        "五、存在的主要问题和改进措施\n工作仍有不足。\n"
    )
    figures = [
        figure("proactive", "disclosure", proactive, category="proactive_information", measure="items"),
        figure("requests", "new_received", received, applicant_type="total", channel="all"),
        figure("appeals", "cases", review, proceeding="administrative_review", outcome="total"),
        figure("appeals", "cases", litigation, proceeding="litigation", outcome="total"),
    ]
    truth.figures = _figure_dicts(figures, "prose")
    return text.encode()


def generate(reports: int, out: Path, seed: int = 1, fault_rate: float = 0.05) -> Path:
    """Write ``out/raw/batch_NNNN/*.txt`` and ``out/truth.jsonl``; returns the raw folder."""
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    previous: tuple[bytes, Truth] | None = None
    with (out / "truth.jsonl").open("w", encoding="utf-8") as truth_file:
        for index in range(reports):
            data, truth, copy_of = make_report(index, seed, fault_rate)
            if copy_of is not None:
                # A copy of the previous file: the same bytes, parsed once. A copy of
                # a quarantined file is quarantined for the same reason.
                data, original = previous
                if original.status == "quarantined":
                    truth.quarantine_code = original.quarantine_code
            target = raw / truth.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            previous = (data, truth)
            truth_file.write(truth.to_json() + "\n")
    return raw
