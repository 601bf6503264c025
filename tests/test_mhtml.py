"""Web archives (MHTML: a page saved as one file, `.mht`, or exported as `.doc` for Word to
open): the page inside read as any page."""

from __future__ import annotations

import pytest

from orchestration import synthetic
from orchestration.parsing import parse_bytes
from orchestration.parsing.mhtml import is_mhtml

from .conftest import SAMPLES_RAW, as_map
from .mhtml_builder import BOUNDARY, mhtml_from_html
from .test_formats import T2, assert_the_national_page, reference


@pytest.mark.parametrize("layout", ["t2019", "t2021"])
@pytest.mark.parametrize("charset,transfer,declared,encoding", [
    ("gb2312", "quoted-printable", True, "gb18030"),
    ("utf-8", "base64", True, "utf-8"),
    ("gb2312", "base64", False, "gb18030"),  # no charset on the part: the page's <meta> tells
])
def test_a_web_archive_of_a_report_page(layout, charset, transfer, declared, encoding):
    t3, t4, want = reference(layout)
    page = synthetic.national_report_html("精河县人民政府办公室", 2021, layout, T2[layout], t3, t4, charset=charset)
    parse = parse_bytes(mhtml_from_html(page, charset, transfer, declared), "attachments/report.doc")
    assert_the_national_page(parse, layout, want, "mhtml", encoding)


def test_a_web_archive_with_no_page_is_empty():
    data = (f'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="{BOUNDARY}"\r\n\r\n'
            f"--{BOUNDARY}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
            f"--{BOUNDARY}--\r\n").encode()
    parse = parse_bytes(data, "a/report.mht")
    assert (parse.status, parse.source_format, parse.quarantine_code) == ("quarantined", "mhtml", "empty_file")
    assert [issue.message for issue in parse.issues] == ["the web archive (MHTML) holds no HTML page"]


@pytest.mark.parametrize("opening", ["Subject: 2016年度报告\n", "Title: report\nContent-Type: text/plain\n\n", "From: 办公室\n"])
def test_a_report_opening_with_header_like_lines_is_still_text(opening):
    text = (SAMPLES_RAW / "000_e0a35a2ab27e6366.txt").read_text(encoding="utf-8")
    data = (opening + text).encode()
    assert not is_mhtml(data)
    parse = parse_bytes(data, "a/report.txt")
    assert (parse.status, parse.source_format) == ("parsed", "text")
    assert as_map(parse.result.values) == as_map(parse_bytes(text.encode(), "a/plain.txt").result.values) != {}
