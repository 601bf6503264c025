"""Two different files for one organ and year: every such file is flagged, naming the others."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.corpus.duplicates import duplicate_report_issues, paged_report
from orchestration.schema import TABLES


def _reports(path, rows):
    schema = TABLES["reports"].arrow_schema
    full = [
        {"content_sha256": "0" * 64, "file_size": 1, "source_format": "text", "value_count": 0, "check_count": 0,
         "parser_version": "test", **row}
        for row in rows
    ]
    pq.write_table(pa.Table.from_pylist(full, schema=schema), path)


def test_every_claimant_of_a_shared_organ_and_year_is_flagged_in_path_order(tmp_path):
    rows = [
        # (issue_count is the next issue index of the file; a/3 before a/1 in the rows, to show
        # that the order is the paths', whatever the order of the rows and parts)
        ("a/3.txt", "r3", "parsed", "乙县人民政府", 2021, 2),
        ("a/1.txt", "r1", "parsed", "乙县人民政府", 2021, 0),
        ("b/2.txt", "r2", "parsed", "甲市教育局", 2020, 1),
        ("b/4.txt", "r4", "parsed", "甲市教育局", 2021, 0),  # another year: not shared
        ("c/5.txt", "r5", "parsed", "乙县人民政府", 2021, 5),
        ("c/6.txt", "r6", "quarantined", "甲市教育局", 2020, 1),  # not a parsed report: claims nothing
        ("c/7.txt", "r7", "parsed", "甲市教育局", 2020, 3),
        ("d/8.txt", "r8", "parsed", None, 2020, 0),  # no organ: claims nothing
        ("d/9.txt", "r9", "parsed", None, 2020, 0),
        ("d/10.txt", "r10", "parsed", "丙县财政局", None, 0),  # no year: claims nothing
        ("d/11.txt", "r11", "parsed", "丙县财政局", None, 0),
    ]
    parts = tmp_path / "reports"
    parts.mkdir()
    for name, part in (("a", rows[:4]), ("c", rows[4:])):  # the table's parts, as the parse writes them
        _reports(parts / f"{name}.parquet", [
            {"source_path": p, "report_id": i, "status": s, "agency_name": a, "report_year": y, "issue_count": n}
            for p, i, s, a, y, n in part
        ])
    issues = duplicate_report_issues(str(parts / "*.parquet"))
    assert [(i["source_path"], i["report_id"], i["issue_index"], i["code"], i["message"]) for i in issues] == [
        # organs in code-point order (乙 U+4E59 before 甲 U+7532), files in path order
        ("a/1.txt", "r1", 0, "duplicate_report", "乙县人民政府 2021 is also reported by a/3.txt, c/5.txt"),
        ("a/3.txt", "r3", 2, "duplicate_report", "乙县人民政府 2021 is also reported by a/1.txt, c/5.txt"),
        ("c/5.txt", "r5", 5, "duplicate_report", "乙县人民政府 2021 is also reported by a/1.txt, a/3.txt"),
        ("b/2.txt", "r2", 1, "duplicate_report", "甲市教育局 2020 is also reported by c/7.txt"),
        ("c/7.txt", "r7", 3, "duplicate_report", "甲市教育局 2020 is also reported by b/2.txt"),
    ]


def test_no_shared_claim_gives_no_issue(tmp_path):
    _reports(tmp_path / "reports.parquet", [
        {"source_path": "x.txt", "report_id": "x", "status": "parsed", "agency_name": "乙县人民政府", "report_year": 2021,
         "issue_count": 0},
    ])
    assert duplicate_report_issues(str(tmp_path / "reports.parquet")) == []


def test_a_file_with_no_figure_claims_nothing_beside_one_with_figures(tmp_path):
    """A crawl keeps a notice page (report_in_attachment) beside the PDF it links to: one report."""
    rows = [
        # (path, id, organ, year, figures)
        ("notice.html", "n1", "丁市统计局", 2022, 0),
        ("notice.pdf", "p1", "丁市统计局", 2022, 118),  # the notice and its attachment: no issue
        ("old/notice.html", "n2", "戊县人民政府", 2020, 0),
        ("old/first.pdf", "p2", "戊县人民政府", 2020, 97),
        ("old/revised.pdf", "p3", "戊县人民政府", 2020, 99),  # two reports with figures: both flagged, not the notice
        ("blank/a.html", "n3", "己县教育局", 2021, 0),
        ("blank/b.html", "n4", "己县教育局", 2021, 0),  # no file with figures: both claim, as before
    ]
    _reports(tmp_path / "reports.parquet", [
        {"source_path": p, "report_id": i, "status": "parsed", "agency_name": a, "report_year": y, "issue_count": 1,
         "value_count": v}
        for p, i, a, y, v in rows
    ])
    issues = duplicate_report_issues(str(tmp_path / "reports.parquet"))
    assert [(i["source_path"], i["message"]) for i in issues] == [  # (己 U+5DF1 before 戊 U+620A)
        ("blank/a.html", "己县教育局 2021 is also reported by blank/b.html"),
        ("blank/b.html", "己县教育局 2021 is also reported by blank/a.html"),
        ("old/first.pdf", "戊县人民政府 2020 is also reported by old/revised.pdf"),
        ("old/revised.pdf", "戊县人民政府 2020 is also reported by old/first.pdf"),
    ]


def test_the_pages_of_a_paged_report_are_told_as_pages_not_duplicates(tmp_path):
    """A site pages a long report (TRS: t20230120_456.html, …_1.html, …_2.html): each page is
    parsed, and claims the organ and year, as a report of its own."""
    rows = [
        ("trs/t20230120_456.html", "甲县教育局", 2022),
        ("trs/t20230120_456_1.html", "甲县教育局", 2022),
        ("trs/t20230120_456_2.html", "甲县教育局", 2022),
        ("wget/index.html?page=2", "乙县财政局", 2022),
        ("wget/index.html", "乙县财政局", 2022),
        ("mixed/t1_456.html", "丙县民政局", 2022),
        ("mixed/t1_456_1.html", "丙县民政局", 2022),
        ("mixed/copy.pdf", "丙县民政局", 2022),  # a third file, not a page: all three are duplicates
        ("a/t_456_1.html", "丁县水利局", 2022),
        ("b/t_456.html", "丁县水利局", 2022),  # pages in two folders: not one article's
    ]
    _reports(tmp_path / "reports.parquet", [
        {"source_path": p, "report_id": p, "status": "parsed", "agency_name": a, "report_year": y, "issue_count": 0}
        for p, a, y in rows
    ])
    issues = duplicate_report_issues(str(tmp_path / "reports.parquet"))
    assert [(i["source_path"], i["code"]) for i in issues] == [  # (丁 U+4E01, 丙 U+4E19, 乙 U+4E59, 甲 U+7532)
        ("a/t_456_1.html", "duplicate_report"), ("b/t_456.html", "duplicate_report"),
        ("mixed/copy.pdf", "duplicate_report"), ("mixed/t1_456.html", "duplicate_report"),
        ("mixed/t1_456_1.html", "duplicate_report"),
        ("wget/index.html", "report_in_pages"), ("wget/index.html?page=2", "report_in_pages"),
        ("trs/t20230120_456.html", "report_in_pages"), ("trs/t20230120_456_1.html", "report_in_pages"),
        ("trs/t20230120_456_2.html", "report_in_pages"),
    ]
    assert issues[-1]["message"] == ("甲县教育局 2022: this page and trs/t20230120_456.html, trs/t20230120_456_1.html are "
                                     "named as the pages of one report a site paged (…_2.html); each page's figures "
                                     "are kept as its own")


@pytest.mark.parametrize("path,report", [
    ("a/t20230120_456_1.html", "a/t20230120_456.html"),
    ("a/t20230120_456.html", "a/t20230120_456.html"),  # (an article's number is no page's)
    ("a/content_123-2.htm", "a/content_123.htm"),
    ("a/content_123_p2.html", "a/content_123.html"),
    ("a/content_123_page3.html", "a/content_123.html"),
    ("a/report_2023.html", "a/report_2023.html"),  # (a year is no page's number)
    ("a/index.html?page=2", "a/index.html"),
    ("a/view.jsp?id=7&pn=3", "a/view.jsp?id=7"),
    ("a/view.jsp?id=7", "a/view.jsp?id=7"),
    ("a/notes_2", "a/notes"),
    ("top_1.txt", "top.txt"),
])
def test_a_page_s_report(path, report):
    assert paged_report(path) == report
