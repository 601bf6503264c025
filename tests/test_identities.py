"""The identities (勾稽关系): recorded when broken, never fixed."""

from __future__ import annotations

from orchestration import synthetic
from orchestration.parsing import identities

from .conftest import parse

T2 = {("regulation", m): 1 for m in ("issued", "repealed", "in_force")} | {
    ("normative_document", m): 2 for m in ("issued", "repealed", "in_force")} | {
    ("administrative_license", "decisions"): 3, ("administrative_penalty", "decisions"): 4,
    ("administrative_coercion", "decisions"): 5, ("administrative_fee", "fee_amount"): 6}


def report(t3, t4):
    return synthetic.national_report("某局", 2021, "t2021", "t2021", T2, t3, t4, "lines").text


def failures(text):
    return [i.message for i in parse(text).issues if i.code == "identity_failed"]


def test_consistent_tables_satisfy_every_identity():
    result = parse(report(synthetic.consistent_table3("t2021"), synthetic.consistent_table4()))
    evaluated = identities.evaluate(result.values)
    names = {r.identity.name for r in evaluated}
    assert names == {"t3_received_equals_processed", "t3_row_total", "t3_outcomes_total_2021", "t4_block_total"}
    assert len(evaluated) == 7 + 25 + 7 + 3
    assert all(r.holds for r in evaluated)
    assert not failures(report(synthetic.consistent_table3("t2021"), synthetic.consistent_table4()))


def test_a_broken_total_is_recorded_and_the_figure_kept():
    t3 = synthetic.consistent_table3("t2021")
    printed = t3["granted"][0]
    t3["granted"][0] = printed + 5  # a typo in 自然人 / 予以公开
    result = parse(report(t3, synthetic.consistent_table4()))
    messages = [i.message for i in result.issues if i.code == "identity_failed"]
    assert any(m.startswith("t3_row_total [granted]") and "signed sum is 5" in m for m in messages)
    assert any(m.startswith("t3_outcomes_total_2021 [natural_person]") and "signed sum is 5" in m for m in messages)
    kept = [v.value for v in result.values if v.item == "granted" and v.dims["applicant_type"] == "natural_person"]
    assert kept == [printed + 5]


def test_table4_block_total():
    t4 = synthetic.consistent_table4()
    t4[9] += 1  # litigation_direct total
    assert [m for m in failures(report(synthetic.consistent_table3("t2021"), t4)) if m.startswith("t4_block_total")] == [
        ("t4_block_total [litigation_direct]: Table 四, each block: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结; "
         "signed sum is -1, should be 0")
    ]


def test_blank_cells_leave_an_identity_unevaluated():
    t3 = synthetic.consistent_table3("t2021")
    t3["granted"][0] = None
    result = parse(report(t3, synthetic.consistent_table4()))
    evaluated = {(r.identity.name, r.group) for r in identities.evaluate(result.values)}
    assert ("t3_row_total", "granted") not in evaluated
    assert ("t3_outcomes_total_2021", "natural_person") not in evaluated
    assert ("t3_row_total", "partially_granted") in evaluated


def test_stat_table_identities():
    labels = [row[0] for row in synthetic.STAT_ROWS if row[2] is not None]
    values = {label: 0 for label in labels}
    values.update({"(一)收到申请数": 10, "1.当面申请数": 3, "3.网络申请数": 8, "(二)申请办结数": 9, "1.按时办结数": 9,
                   "(三)从事政府信息公开工作人员数": 3, "1.专职人员数(不包括政府公报及政府网站工作人员数)": 1, "2.兼职人员数": 2})
    text = "某局2016年政府信息公开工作年度报告\n" + synthetic.stat_table(values, "pipe_lines", 2016).text
    messages = failures(text)
    assert [m.split(":")[0] for m in messages] == ["stat_received_by_channel"]
    assert "signed sum is -1, should be >= 0" in messages[0]


def test_a_cell_given_twice_or_more_leaves_its_group_unevaluated():
    """Two figures for one (group, term) are no single cell: that group is skipped, the others not."""
    result = parse(report(synthetic.consistent_table3("t2021"), synthetic.consistent_table4()))
    values = list(result.values)
    granted = next(v for v in values if v.item == "granted" and v.dims["applicant_type"] == "natural_person")
    refused = next(v for v in values if v.item == "not_processed_complaint" and v.dims["applicant_type"] == "other_org")
    before = {(r.identity.name, r.group): r.lhs for r in identities.evaluate(values)}
    # The same figure twice (so the sum would still hold), and another three times.
    evaluated = {(r.identity.name, r.group): r.lhs
                 for r in identities.evaluate([*values, granted, refused, refused])}
    assert ("t3_row_total", "granted") not in evaluated
    assert ("t3_outcomes_total_2021", "natural_person") not in evaluated
    assert ("t3_row_total", "not_processed_complaint") not in evaluated
    assert ("t3_outcomes_total_2021", "other_org") not in evaluated
    assert evaluated == {key: lhs for key, lhs in before.items() if key not in {
        ("t3_row_total", "granted"), ("t3_outcomes_total_2021", "natural_person"),
        ("t3_row_total", "not_processed_complaint"), ("t3_outcomes_total_2021", "other_org")}}
    assert len(evaluated) == len(before) - 4
