"""A file that holds several reports (an organ's departments collected on one page or in one
workbook, a sheet each; a page of two years): the first report's tables are read, and the
others are named (several_reports). Before, the others were dropped and nothing said so."""

from __future__ import annotations

import random

import pytest

from orchestration import synth, synthetic
from orchestration.parsing import parse_bytes

from .conftest import as_map, figures_map
from .test_formats import T2
from .workbook_builder import as_number, xlsx_from_sheets

LAYOUT = "t2021"


def _report(agency: str, year: int, seed: int, shape: str) -> synthetic.Rendered:
    t3, t4 = synthetic.consistent_table3(LAYOUT, seed), synthetic.consistent_table4(seed)
    return synthetic.national_report(agency, year, LAYOUT, LAYOUT, T2[LAYOUT], t3, t4, shape)


def _several(parse) -> list:
    return [issue for issue in parse.all_issues if issue.code == "several_reports"]


@pytest.mark.parametrize("shape", ["lines", "pipe_lines", "markdown", "tabs", "pdf"])
def test_the_first_report_is_read_and_the_others_named(shape):
    reports = [_report("甲县教育局", 2022, 3, shape), _report("甲县民政局", 2022, 4, shape), _report("甲县教育局", 2021, 5, shape)]
    text = "\n".join(report.text for report in reports)
    parse = parse_bytes(text.encode(), "collected/departments.txt", max_year=2026)
    assert (parse.result.metadata.agency_name, parse.result.metadata.report_year) == ("甲县教育局", 2022)
    # the marts' figures (the selected ones) are the first report's, each as it printed it
    assert as_map([v for v in parse.result.values if v.is_selected]) == figures_map(reports[0].figures)
    told = _several(parse)
    assert [issue.message for issue in told] == [("the text holds 3 reports' tables 三: only the first report's "
                                                  "tables are read; the others are 甲县民政局 2022; 甲县教育局 2021")]
    second = len(reports[0].text) + 1
    # the issue spans the other reports' tables 三: from the second's first row to the third's last
    assert second < told[0].char_start < second + len(reports[1].text)
    assert parse.text[told[0].char_start:].lstrip("| ").startswith(("一、本年新收", "本年新收"))
    assert told[0].char_end > second + len(reports[1].text)


def test_a_page_of_two_reports():
    t3, t4 = synthetic.consistent_table3(LAYOUT, 3), synthetic.consistent_table4(3)
    first = synthetic.national_report_html("甲县教育局", 2022, LAYOUT, T2[LAYOUT], t3, t4)
    second = synthetic.national_report_html("甲县民政局", 2022, LAYOUT, T2[LAYOUT], synthetic.consistent_table3(LAYOUT, 4),
                                            synthetic.consistent_table4(4))
    page = first.replace("</body></html>", "") + second[second.index("<body>") + len("<body>"):]
    parse = parse_bytes(page.encode(), "pages/all.html", max_year=2026)
    assert [issue.message.rsplit("; the others are ", 1)[1] for issue in _several(parse)] == ["甲县民政局 2022"]
    assert len([v for v in parse.result.values if v.is_selected]) == 200


def test_a_sentence_that_opens_as_table_three_does_is_no_other_report():
    report = _report("甲县教育局", 2022, 3, "lines")
    text = report.text + "\n本年新收政府信息公开申请数量较上年增加12件，上年结转政府信息公开申请数量3件。\n"
    parse = parse_bytes(text.encode(), "reports/one.txt", max_year=2026)
    assert _several(parse) == []
    assert as_map([v for v in parse.result.values if v.is_selected]) == figures_map(report.figures)


def test_a_report_whose_other_report_names_no_organ_says_so():
    first = _report("甲县教育局", 2022, 3, "lines").text
    other = _report("甲县民政局", 2022, 4, "lines").text
    other = other[other.index("三、"):]  # (its title, organ and year gone)
    parse = parse_bytes((first + "\n" + other).encode(), "reports/two.txt", max_year=2026)
    assert [issue.message.rsplit("; the others are ", 1)[1] for issue in _several(parse)] == [
        "an organ not named of a year not given"]


def _stat_report(agency: str, seed: int, shape: str) -> tuple[bytes, synth.Truth]:
    truth = synth.Truth(f"{agency}.txt")
    return synth._stat_report(random.Random(seed), truth, agency, shape, None), truth


@pytest.mark.parametrize("shape", ["lines", "markdown", "tabs"])
def test_a_file_of_the_stat_table_era_s_reports(shape):
    (first, truth), (second, other) = _stat_report("甲县教育局", 1, shape), _stat_report("甲县民政局", 2, shape)
    parse = parse_bytes(first + b"\n" + second, "collected/2010.txt", max_year=2026)
    meta = parse.result.metadata
    assert (meta.agency_name, meta.report_year, meta.template) == ("甲县教育局", truth.report_year, "stat_table")
    assert len([v for v in parse.result.values if v.is_selected]) == len(truth.figures) == 58
    assert [issue.message for issue in _several(parse)] == [(
        f"the text holds 2 reports' stat tables (统计表): only the first report's tables are read; the others are "
        f"甲县民政局 {other.report_year}")]


def test_a_workbook_of_a_sheet_a_department():
    """A county's departments' stat tables in one workbook, one sheet each, each titled with its organ."""
    sheets = {}
    for name, seed in (("教育局", 1), ("民政局", 2), ("财政局", 3)):
        table = synthetic.stat_table(synth._stat_values(random.Random(seed)), "markdown", 2016)
        rows: list[list] = [[f"甲县{name}政府信息公开情况统计表"], ["(2016年度)"]]
        for line in table.text.splitlines()[2:]:
            rows.append([as_number(cell.strip()) if cell.strip() else None for cell in line.strip()[1:-1].split("|")])
        sheets[name] = rows
    parse = parse_bytes(xlsx_from_sheets(sheets), "attachments/各部门统计表.xlsx", max_year=2026)
    assert (parse.result.metadata.agency_name, parse.result.metadata.report_year) == ("甲县教育局", 2016)
    assert [issue.message.rsplit("; the others are ", 1)[1] for issue in _several(parse)] == [
        "甲县民政局 2016; 甲县财政局 2016"]
