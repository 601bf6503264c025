"""Figures stated in sentences (REPORTS.md, "Text shapes seen in the wild")."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from orchestration import synthetic
from orchestration.parsing import labels
from orchestration.parsing.prose import _LITIGATION_NONE, _REVIEW_NONE, _finditer_from, _requests

from .conftest import found, parse


def prose_value(text, section, **dims):
    values = found(parse(text).values, section, source="prose", **dims)
    assert len(values) <= 1, values
    return values[0].value if values else "absent"


PROACTIVE = [
    ("2016年,全区主动公开政府信息的2680条。其中,区本级公开政府信息的2070条。", 2680),
    ("我镇通过网站主动公开政府信息共81条。其中,工作动态50条。", 81),
    ("我镇通过不同渠道和方式主动公开政务信息共217条。", 217),
    ("截至2010年底,我局主动公开政府信息历年累计52条,其中2010年新增主动公开政府信息14条。", 14),
    ("2020年度主动公开政府信息总数2942条。", 2942),
    ("我关通过各类政务公开渠道主动公开海关政府信息634条。", 634),
    ("全年公开政府信息995845条,较上年增长7.5%。", 995845),
    ("2021年,曼德拉苏木遵循公正、便民的原则,累计公开政府信息5条。", 5),
    ("截至目前,公开各类信息30余条,其中日常工作信息32条。", 30),
    ("主动公开政府信息20余万条。", 200000),
    ("全年主动公开政府信息１,２３４条。", 1234),
    # an online running total, not the year's disclosures
    ("累计网上公开政府信息1276条。", "absent"),
    ("累计网上公开政府信息1276条,全年公开政府信息35条。", 35),
]


@pytest.mark.parametrize("sentence,value", PROACTIVE)
def test_proactive_disclosures_in_prose(sentence, value):
    assert prose_value(sentence, "proactive", category="proactive_information", measure="items") == value


def test_approximate_figures_are_flagged():
    values = found(parse("主动公开政府信息260余条。").values, "proactive", source="prose")
    assert [(v.value, v.approximate) for v in values] == [(260, True)]


def test_cumulative_figure_kept_apart_from_the_years():
    text = "截至2017年12月底,累计主动公开政府信息1276条(其中2017年1-12月主动公开政府信息67条)。"
    values = {v.dims["measure"]: v.value for v in found(parse(text).values, "proactive", source="prose")}
    assert values == {"items": 67, "cumulative_items": 1276}


RECEIVED = [
    ("2016年江源区国土局收到依申请公开2条,按照要求予以回复。", 2),
    ("2021年,我局收到政府信息依申请公开办理事项1件。", 1),
    ("2024年全县共受理依申请公开12件,予以公开的有6件。", 12),
    ("全年共收到并按时办结16件政府信息公开申请。", 16),
    ("本年度共接收23件依申请公开申请,均已办结。", 23),
    ("受理答复政府信息公开申请28件,其中,行政复议1件、行政诉讼0件。", 28),
    ("2020年,我镇收到0件信息公开申请受理。", 0),
    ("本年度共收到政府信息公开申请三件。", 3),
    ("2016年,精河县行政服务中心未收到依申请公开政府信息申请。", 0),
    ("2010年度我镇没有接到群众主动要求公开政府信息的申请。", 0),
    ("由于主动公开及时准确,2014年没有发生依申请信息公开事件。", 0),
    ("全年未发生依申请和处理政府信息。", 0),
    ("2021年,我局未发生依申请公开政府信息方面的行政复议和行政诉讼。", "absent"),
    ("依申请公开政府信息不收取任何费用。", "absent"),
]


@pytest.mark.parametrize("sentence,value", RECEIVED)
def test_applications_received_in_prose(sentence, value):
    assert prose_value(sentence, "requests", item="new_received", applicant_type="total", channel="all") == value


_WORDS = ["未", "没有", "无", "收到", "受理", "有", "申请", "请求", "复议", "诉讼", "公开", "。", ";", ",", "!", "?", "\n", " "]


@given(st.lists(st.sampled_from(_WORDS), max_size=40).map("".join))
@example("未收到\n申请")  # a statement broken by a clause's end is none
@example("未收到!申请。没有收到 申请")
@example("未收到复议申请;无受理申请")  # the first clause is about appeals
@example("未受理申请请求,复议")
def test_a_stated_none_is_found_as_reading_clause_by_clause_finds_it(text):
    """The text is searched once for "none received": the first such statement in a
    clause that says nothing of appeals, as searching each clause in turn finds it."""
    expected = None
    for clause in re.finditer(r"[^。;!?\n]+", text):
        if any(word in clause.group() for word in labels.APPEAL_WORDS):
            continue
        none = re.search(r"(?:未|没有|无)(?:收到|接到|受理|发生|有)[^。;,]{0,30}?(?:申请|请求)", clause.group())
        if none:
            expected = (clause.start() + none.start(), clause.start() + none.end())
            break
    # (no digit or numeral in the words: no count is stated, only a "none")
    assert [(v.char_start, v.char_end, v.value) for v in _requests(text)][:1] == ([(*expected, 0)] if expected else [])


_PATTERN_WORDS = ["未", "没有", "无", "收到", "受理", "接到", "接收", "并按时办结", "答复", "申请", "依申请公开", "公开申请",
                  "事项", "共", "12", "3", "三", "件", "条", "余", "万", "行政复议", "行政诉讼", "诉讼", "和", "提起诉讼",
                  "政府信息公开", "有", "发生", "请求", "我局", "。", ";", ",", "\n", " "]
_OPENED_PATTERNS = [
    *((pattern, labels.RECEIVING_WORDS) for pattern in labels.REQUESTS_COUNT),
    *((pattern, labels.NEGATION_WORDS) for pattern in (labels.REQUESTS_NONE, _REVIEW_NONE, _LITIGATION_NONE)),
]


@given(st.lists(st.sampled_from(_PATTERN_WORDS), max_size=30).map("".join))
@example("未收到未收到申请")  # a failed try inside a later match
@example("收到申请12件,受理3件申请")
@example("接收政府信息公开申请12件")  # each opening word, as the first of a match
@example("无发生申请;没有收到请求;未行政复议;无和诉讼")
def test_patterns_tried_only_where_their_opening_words_stand_match_as_finditer_does(text):
    """Each pattern prose reads with _finditer_from opens with one of its words: read
    there alone, it gives every match finditer gives, in order."""
    for pattern, openings in _OPENED_PATTERNS:
        compiled = re.compile(pattern)
        assert [m.span() for m in _finditer_from(compiled, openings, text)] == [
            m.span() for m in compiled.finditer(text)], pattern


def test_all_natural_persons_and_carried_forward():
    text = "2024年,全县共收到政府信息公开申请11件,全部属自然人申请件,按时办结11件,结转下年度办理0件。"
    values = parse(text).values
    assert prose_value(text, "requests", item="new_received", applicant_type="natural_person") == 11
    assert prose_value(text, "requests", item="carried_forward", applicant_type="total") == 0
    assert len(found(values, "requests", source="prose")) == 3


APPEALS = [
    ("2017年,无行政复议和行政诉讼情况。", 0, 0),
    ("全区没有收到有关政府信息公开事务的行政复议申请。全区没有发生有关政府信息公开事务的行政诉讼案件。", 0, 0),
    ("2016年,精河县行政服务中心未接到政府信息公开工作行政复议、诉讼和申诉。", 0, 0),
    ("涉及信息公开的行政复议1件,行政诉讼0件。", 1, 0),
    ("2021年度我镇共受理政府信息依申请公开0件,政府信息公开行政复议2件,政府信息公开行政诉讼3件。", 2, 3),
    ("本报告包括因政府信息公开申请行政复议、提起行政诉讼的情况等部分。", "absent", "absent"),
]


@pytest.mark.parametrize("sentence,review,litigation", APPEALS)
def test_reviews_and_lawsuits_in_prose(sentence, review, litigation):
    assert prose_value(sentence, "appeals", proceeding="administrative_review", outcome="total") == review
    assert prose_value(sentence, "appeals", proceeding="litigation", outcome="total") == litigation


def test_prose_is_kept_beside_a_table_and_points_at_its_sentence():
    t3 = synthetic.consistent_table3("t2021")
    report = synthetic.national_report("某局", 2021, "t2021", "t2021",
                                       {k: 1 for k in [("regulation", "issued"), ("regulation", "repealed"), ("regulation", "in_force"),
                                                       ("normative_document", "issued"), ("normative_document", "repealed"),
                                                       ("normative_document", "in_force"), ("administrative_license", "decisions"),
                                                       ("administrative_penalty", "decisions"), ("administrative_coercion", "decisions"),
                                                       ("administrative_fee", "fee_amount")]},
                                       t3, synthetic.consistent_table4(), "lines")
    text = report.text.replace("本年度按照条例要求推进政务公开工作。", "本年度共收到政府信息公开申请999件。")
    values = parse(text).values
    prose = found(values, "requests", "new_received", source="prose", applicant_type="total")
    table = found(values, "requests", "new_received", source="table", applicant_type="total")
    assert [v.value for v in prose] == [999]
    assert [v.value for v in table] == [t3["new_received"][6]]
    assert text[prose[0].char_start : prose[0].char_end] == "999"
    assert "999件" in prose[0].snippet


def test_prose_does_not_read_numbers_inside_tables():
    t3 = synthetic.consistent_table3("t2019")
    values = parse(synthetic.table3("t2019", t3, "lines").text).values
    assert not found(values, "requests", source="prose")
