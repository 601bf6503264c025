"""A file whose text holds none of the report's tables says where they are: the
attachment its page links to (report_in_attachment), its pictures (tables_as_images),
or nothing at all (no_figures). Before, such a file parsed as a report with no figures,
and no issue said so."""

from __future__ import annotations

import pytest

from orchestration import synthetic
from orchestration.issue_codes import BY_CODE
from orchestration.parsing import parse_bytes
from orchestration.parsing.elsewhere import Elsewhere
from orchestration.parsing.formats import page_text

from .conftest import REAL
from .docx_builder import docx_with_pictures, png
from .pdf_builder import pdf_with_pictures
from .rtf_builder import rtf_from_html
from .test_formats import T2, reference
from .test_word97 import fixture

TITLE = "精河县财政局2023年政府信息公开工作年度报告"


def page(body: str, title: str = TITLE, form: str = "/download/申请表.doc") -> bytes:
    """A site's page around ``body``: the chrome of a real one (a logo, a sidebar's form to download)."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<script>var pdf = "a.pdf";</script></head><body>
<div class="head"><a href="/"><img src="/images/logo.png" alt="精河县人民政府"></a></div>
<div class="side"><a href="{form}">政府信息公开申请表</a><a href="http://www.doc.gov.cn/">文化部</a></div>
<div class="article"><h1>{title}</h1><p>发布时间：2024-01-20</p>{body}</div>
</body></html>""".encode()


def issues(data: bytes, path: str = "notice.html") -> list[tuple[str, str]]:
    parse = parse_bytes(data, path)
    assert parse.status == "parsed", parse.quarantine_reason
    return [(issue.code, issue.message) for issue in parse.all_issues if issue.code != "region_unknown"]


def test_a_notice_names_the_attachments_it_links_to_and_frames():
    """Each document once, those that name a report or a table first, then in the page's order:
    a link's name or its target ending as a document's does (in a query, a script's call,
    percent-encoded), a frame showing a PDF; a host named .doc is not one."""
    body = """<p>根据《中华人民共和国政府信息公开条例》要求，现将我局2023年政府信息公开工作年度报告予以公布。</p>
<p>附件：<a href="/attach/P020240120.pdf">精河县财政局2023年政府信息公开工作年度报告.pdf</a></p>
<p><a href="/module/download/downfile.jsp?classid=0&amp;filename=2401201.docx">统计表</a></p>
<p><a href="javascript:down('/files/%E9%99%84%E8%A1%A8.xls')">下载</a>
<a href="/attach/P020240120.pdf">再次下载</a></p>
<iframe src="/pdfjs/web/viewer.html?file=/attach/report.pdf"></iframe>"""
    assert issues(page(body)) == [(
        "report_in_attachment",
        ("no table and no figure of the report in the text; the file links to 5 documents, likely the report or its "
         "tables: 精河县财政局2023年政府信息公开工作年度报告.pdf (/attach/P020240120.pdf); 统计表 "
         "(/module/download/downfile.jsp?classid=0&filename=2401201.docx); 下载 "
         "(javascript:down('/files/%E9%99%84%E8%A1%A8.xls')); 政府信息公开申请表 (/download/申请表.doc); "
         "/pdfjs/web/viewer.html?file=/attach/report.pdf"),
    )]


def test_a_page_of_pictures_names_them():
    body = "<p>现将我局2023年政府信息公开工作年度报告公布如下：</p>" + "".join(
        f'<p><img src="/uploads/2024/01/W0202401{n}.png"></p>' for n in range(1, 7))
    assert issues(page(body, form="/forms/apply.html")) == [(
        "tables_as_images",
        ("no table and no figure of the report in the text, and the file shows 6 pictures "
         "(/uploads/2024/01/W02024011.png; /uploads/2024/01/W02024012.png; /uploads/2024/01/W02024013.png; "
         "/uploads/2024/01/W02024014.png; /uploads/2024/01/W02024015.png; and 1 more): its tables are likely among "
         "them, and a picture's text is not read (no OCR)"),
    )]


def test_the_page_s_own_pictures_are_not_a_report_s():
    """A logo linked to the home page, a button, a QR code, a picture declared small: the
    page's own; a page with no figure and only those says no_figures."""
    chrome = ('<p><img src="/images/wx_ewm.jpg"><img src="/images/print_btn.gif"><img src="/x/1.png" width="16">'
              '<img src="/x/2.png" height="40px"></p>')
    found = issues(page(chrome, form="/forms/apply.html"))
    assert [code for code, _ in found] == ["no_figures"]
    table = '<p><img src="/uploads/2024/01/W020240120.png" width="800"></p>'
    found = issues(page(chrome + table, form="/forms/apply.html"))
    assert [code for code, _ in found] == ["tables_as_images"]
    assert "shows 1 picture (/uploads/2024/01/W020240120.png)" in found[0][1]


def test_a_page_with_neither_says_it_holds_no_figure():
    """A page whose content a script loads: its title and nothing else."""
    data = (b'<html><head><meta charset="utf-8"><title>' + TITLE.encode() + b"</title></head><body>"
            b"<h1>" + TITLE.encode() + b'</h1><div id="content"></div><script src="/load.js"></script></body></html>')
    assert issues(data) == [(
        "no_figures",
        ("no table and no figure of the report in the text, no attachment linked and no picture shown: a page whose "
         "content a script loads, a page cut short before its figures, or a notice of the report rather than the "
         "report"),
    )]


def test_a_page_framing_its_content_names_the_framed_pages():
    """An iframe's page (the report's text served apart from the site's frame), not a document."""
    data = (b'<html><head><meta charset="utf-8"><title>' + TITLE.encode() + b"</title></head><body>"
            b"<h1>" + TITLE.encode() + b'</h1><iframe src="/content/2024/0120/c123.html"></iframe>'
            b'<iframe src="/content/2024/0120/c123.html"></iframe><iframe src=""></iframe></body></html>')
    assert issues(data) == [(
        "no_figures",
        ("no table and no figure of the report in the text, no attachment linked and no picture shown; the page "
         "frames 1 other page, likely its content: /content/2024/0120/c123.html"),
    )]


PROSE = "<p>本年度主动公开政府信息1234条，收到政府信息公开申请56件，行政复议3件。</p>"


@pytest.mark.parametrize("year,want", [(2021, "tables_as_images"), (2015, None)])
def test_a_prose_report_s_pictures_count_from_the_national_tables_year(year, want):
    """A report with figures in its prose and no table: in 2019 on its tables are missing, and
    its pictures are where they are; before, a report with no table is a report of its era."""
    title = f"精河县财政局{year}年政府信息公开工作年度报告"
    data = page(PROSE + '<p><img src="/uploads/t1.png"></p>', title)
    found = issues(data)
    assert [code for code, _ in found] == ([want] if want else [])
    if want:
        assert found[0][1].startswith("no table of the report in the text, and the file shows 1 picture "
                                      "(/uploads/t1.png)")
    parse = parse_bytes(data, "notice.html")
    assert {(v.item, v.value) for v in parse.result.values if v.item == "new_received"} == {("new_received", 56)}


def test_with_figures_only_a_link_naming_a_report_or_a_table_counts():
    """The sidebar's form (申请表) is no report; the stat table attached to an old report is."""
    old = "精河县财政局2015年政府信息公开工作年度报告"
    assert issues(page(PROSE, old)) == []
    attached = PROSE + '<p><a href="/attach/2016/tj.xls">2015年政府信息公开情况统计表</a></p>'
    assert issues(page(attached, old)) == [(
        "report_in_attachment",
        ("no table of the report in the text; the file links to 1 document, likely the report or its tables: "
         "2015年政府信息公开情况统计表 (/attach/2016/tj.xls)"),
    )]


def test_a_report_with_its_tables_says_nothing_of_its_links_or_pictures():
    t3, t4, _ = reference("t2021")
    html = synthetic.national_report_html("精河县人民政府办公室", 2021, "t2021", T2["t2021"], t3, t4)
    html = html.replace("<h1>", '<p><img src="/uploads/seal.png"><a href="/attach/report.pdf">附件：年度报告.pdf</a></p><h1>')
    parse = parse_bytes(html.encode(), "report.html")
    assert parse.result.metadata.template == "t2021"
    assert [issue.code for issue in parse.all_issues] == []


def test_documents_count_their_pictures():
    """A Word document (.docx, .doc), a PDF or an RTF file whose tables are pasted in as pictures."""
    lines = ["精河县财政局2021年政府信息公开工作年度报告", "本年度政府信息公开情况见下表。"]
    want = ("tables_as_images", ("no table and no figure of the report in the text, and the file shows 2 pictures: "
                                 "its tables are likely among them, and a picture's text is not read (no OCR)"))
    assert issues(docx_with_pictures(lines, 2), "report.docx") == [want]
    assert issues(fixture("pictures.doc"), "report.doc") == [want]
    assert issues(pdf_with_pictures(lines, 2, png()), "report.pdf") == [want]
    # RTF: Word writes each picture twice, for itself and for older readers (\nonshppict)
    picture = r"{\*\shppict{\pict\pngblip\picw8\pich4 " + png().hex() + r"}}{\nonshppict{\pict\wmetafile8 0a0b}}\par"
    rtf = rtf_from_html("<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>")
    assert issues(rtf[:-1] + (picture * 2).encode() + b"}", "report.doc") == [want]


def test_the_page_s_text_is_html_to_text_s():
    text, elsewhere, _ = page_text('<p>附件：<a href="a.pdf">报告</a></p><img src="b.png"><object data="c.ofd"></object>')
    assert text == "附件：报告\n"
    assert elsewhere() == Elsewhere((("报告", "a.pdf"), ("", "c.ofd")), ("b.png",))
    _, framed, _ = page_text('<iframe src="/c/1.html"></iframe><embed src="/c/2.pdf"><object data="/c/3.htm"></object>')
    assert framed() == Elsewhere((("", "/c/2.pdf"),), (), ("/c/1.html", "/c/3.htm"))


def test_the_codes_are_warnings_that_keep_the_report():
    for code in ("report_in_attachment", "tables_as_images", "no_figures"):
        assert BY_CODE[code].severity == "warning" and not BY_CODE[code].quarantines


@pytest.mark.parametrize("link,document", [
    ('<a href="/a/P020240120.PDF">报告</a>', True),  # (any case)
    ('<a href="/down.jsp?file=tj.xlsx&amp;id=3">统计表</a>', True),
    ('<a href="#">2023年度报告.pdf（120KB）</a>', True),  # the name in the link's text, its size after it
    ('<a href="#">2023年度报告.pdf (120KB)</a>', True),
    ('<a href="/a.wps#page=2">报告</a>', True),
    ('<a href="http://www.doc.gov.cn/">文化部</a>', False),  # a host, not a document
    ('<a href="/reports/pdf/index.html">报告</a>', False),
    ('<a href="/a.pdfx">报告</a>', False),
    ('<a href="/a.docs">报告</a>', False),
])
def test_what_names_a_document(link, document):
    _, shown, _ = page_text(f"<p>{link}</p>")
    assert bool(shown().attachments) == document


def test_the_real_excerpts_cut_before_their_figures_say_so():
    """Of the 45 real excerpts (tests/samples/real, cut after 700-2,500 characters), the ten
    prose reports cut before any figure get no_figures; none gets the other two codes (a text
    file shows no link or picture), and no excerpt with a figure or a table gets one."""
    flagged = {}
    for path in sorted(REAL.glob("r*.txt")):
        parse = parse_bytes(path.read_bytes(), path.name)
        codes = [i.code for i in parse.all_issues if i.code in ("report_in_attachment", "tables_as_images", "no_figures")]
        if codes:
            flagged[path.stem] = (codes, parse.result.metadata.template, len(parse.result.values))
    assert flagged == {name: (["no_figures"], "prose", 0) for name in (
        "r011", "r012", "r021", "r023", "r026", "r034", "r036", "r038", "r041", "r042")}
