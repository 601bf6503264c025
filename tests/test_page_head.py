"""What a web page's head names (its title; the ArticleTitle, ContentSource and PubDate a
government site's pages carry) gives the organ, the year and the date where the report's
text names none, and before a guess from the text; the text's own wins."""

from __future__ import annotations

import pytest

from orchestration.parsing import parse_bytes
from orchestration.parsing.formats import page_text

from .mhtml_builder import mhtml_from_html

# A body with figures and no title, date or organ: a continuation page, or a page whose
# title is a picture or written by a script.
_BODY = ("<p>一、总体情况</p><p>本年度本机关主动公开政府信息36条，收到政府信息公开申请14件。"
         "2023年将继续推进政务公开工作。2023年要加强培训。</p>")
_TITLE = "甲县教育局2022年政府信息公开工作年度报告"


def _page(head: str, body: str = _BODY) -> bytes:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def _meta(page: bytes):
    parse = parse_bytes(page, "raw/a/page.html", max_year=2026)
    assert parse.status == "parsed", parse.quarantine_reason
    meta = parse.result.metadata
    return (meta.agency_name, meta.agency_source, meta.report_year, meta.year_source,
            meta.published_date, meta.date_source), [issue.code for issue in parse.all_issues]


def test_the_head_names_what_the_body_does_not():
    head = (f"<title>{_TITLE}_甲县人民政府网</title><meta name='ArticleTitle' content='乙县农业农村局2021年政府信息公开工作年度报告'>"
            "<meta name='PubDate' content='2022-01-20 10:30:00'><meta name='ContentSource' content='丙县人民政府办公室'>")
    got, codes = _meta(_page(head))
    # The article's title before the window's; the content's source only when no title names an organ.
    assert got == ("乙县农业农村局", "head_article_title", 2021, "head_article_title", "2022-01-20", "head_pub_date")
    assert "no_report_year" not in codes and "no_agency_name" not in codes
    # Without a head the same body names nothing but the year it mentions most (2023, its plans).
    got, codes = _meta(_page("<title></title>"))
    assert got == (None, None, 2023, "most_mentioned", None, None)
    assert "no_agency_name" in codes


@pytest.mark.parametrize("title,agency", [
    (f"{_TITLE}_甲县人民政府网", "甲县教育局"),          # the site's name after it
    (f"甲县人民政府-{_TITLE}", "甲县教育局"),            # before it
    (f"甲县人民政府 | {_TITLE}", "甲县教育局"),
    (f"{_TITLE}——甲县人民政府门户网站", "甲县教育局"),
    ("甲县教育局２０２２年政府信息公开工作年度报告｜甲县人民政府", "甲县教育局"),  # full-width forms
    ("甲县教育局二〇二二年政府信息公开工作年度报告", "甲县教育局"),  # the year in Chinese numerals
    ("甲县教育局政府信息公开年度报告(2022年)_甲县人民政府网", "甲县教育局"),  # the year after
    ("甲县教育局政务公开工作2022年度报告", "甲县教育局"),  # 政务公开, the year inside
    # The site's name before the title, a place in it: a part apart, not a line the title wrapped.
    ("衢州市人民政府网_机关事务局2022年政府信息公开工作年度报告", "机关事务局"),
])
def test_a_window_title_s_parts_are_read_alone(title, agency):
    got, _ = _meta(_page(f"<title>{title}</title>"))
    assert got[:4] == (agency, "head_title", 2022, "head_title")


def test_the_content_source_names_the_organ_when_no_title_does():
    head = "<title>政务公开_甲县人民政府网</title><meta name='contentsource' content=' 丁市生态环境局 '>"
    got, _ = _meta(_page(head))
    assert got[:2] == ("丁市生态环境局", "head_content_source")
    # A source that is no organ's name (the site itself) names none.
    got, codes = _meta(_page("<meta name='ContentSource' content='本网'>"))
    assert got[:2] == (None, None) and "no_agency_name" in codes


def test_the_body_s_own_title_and_date_win():
    body = f"<h1>{_TITLE}</h1><p>发布日期：2023-01-18</p>" + _BODY
    head = ("<title>乙县农业农村局2021年政府信息公开工作年度报告</title>"
            "<meta name='PubDate' content='2023-02-01'>")
    got, _ = _meta(_page(head, body))
    assert got == ("甲县教育局", "title", 2022, "title", "2023-01-18", "发布日期")


def test_the_head_s_title_year_comes_before_the_year_the_body_mentions_most():
    got, _ = _meta(_page("<title>2022年政府信息公开工作年度报告</title>"))
    assert got[2:4] == (2022, "head_title")


def test_the_head_s_date_comes_before_the_signature_s_and_is_checked_against_the_year():
    body = _BODY + "<p>甲县教育局</p><p>2023年1月9日</p>"
    dated, _ = _meta(_page(f"<title>{_TITLE}</title><meta name='PubDate' content='2023年01月20日'>", body))
    assert dated[4:] == ("2023-01-20", "head_pub_date")
    # A date before the year covered is no publication date of the report: the signature's then.
    early, _ = _meta(_page(f"<title>{_TITLE}</title><meta name='PubDate' content='2019-05-01'>", body))
    assert early[4:] == ("2023-01-09", "signature")
    unsigned, _ = _meta(_page(f"<title>{_TITLE}</title><meta name='PubDate' content='n/a'>"))
    assert unsigned[4:] == (None, None)


def test_a_later_year_in_the_head_is_set_aside_and_said():
    got, codes = _meta(_page("<title>甲县教育局2030年政府信息公开工作年度报告</title>"))
    assert got[2:4] == (2023, "most_mentioned")
    assert "later_year_set_aside" in codes


def test_the_second_page_of_a_report_split_in_pages_names_its_organ_and_year():
    """A site that pages a long report (…_2.html) repeats the head, not always the title."""
    second = _page(f"<title>{_TITLE}</title>",
                   "<p>四、政府信息公开行政复议、行政诉讼情况</p><table><tr><td>行政复议</td></tr>"
                   "<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>"
                   "<tr><td>3</td><td>1</td><td>0</td><td>2</td><td>6</td></tr></table>")
    parse = parse_bytes(second, "raw/a/t20230120_2.html", max_year=2026)
    meta = parse.result.metadata
    assert (meta.agency_name, meta.report_year) == ("甲县教育局", 2022)
    assert [(v.dims.get("outcome"), v.value) for v in parse.result.values if v.is_selected][:2] == [("upheld", 3), ("corrected", 1)]


def test_what_a_head_names_is_read_once_each_in_a_fixed_order():
    head = ("<title> 甲县\n教育局 </title><META NAME='PubDate' CONTENT='2023-01-20'>"
            "<meta name='pubdate' content='2024-01-01'><meta name='Keywords' content='年报'>"
            "<meta http-equiv='Content-Type' content='text/html'>")
    _, _, heading = page_text(f"<html><head>{head}</head><body><p>正文</p></body></html>")
    assert heading == (("head_pub_date", "2023-01-20"), ("head_title", "甲县 教育局"))
    assert page_text("<p>正文</p>")[2] == ()
    assert page_text("<html><head><title>" + "长" * 500 + "</title></head><body>x</body></html>")[2] == (("head_title", "长" * 300),)


def test_a_web_archive_s_page_head_is_read():
    archive = mhtml_from_html(f"<html><head><title>{_TITLE}</title></head><body>{_BODY}</body></html>")
    parse = parse_bytes(archive, "raw/a/page.mht", max_year=2026)
    assert (parse.source_format, parse.result.metadata.agency_name, parse.result.metadata.year_source) == (
        "mhtml", "甲县教育局", "head_title")
