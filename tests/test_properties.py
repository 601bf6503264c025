"""Whatever text or bytes come in, the parser returns figures or coded issues; it never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.issue_codes import BY_CODE
from orchestration.parsing import parse_bytes

from .docx_builder import docx_with_body
from .mhtml_builder import mhtml_from_html
from .rtf_builder import HEADER

FRAGMENTS = st.sampled_from([
    "一、本年新收政府信息公开申请数量", "(七)总计", "第二十条第(一)项", "规章", "行政复议", "结果维持", "尚未审结",
    "收到申请数", "统计指标", "|", "| |", "\n", "\n\n", " ", "\t", "0", "12", "—", "/", "92.8050万元", "2021年",
    "政府信息公开工作年度报告", "未收到依申请公开政府信息申请", "主动公开政府信息", "条", "<td>", "</td>", "①", "㈠", "１２",
])


def _check(parse):
    assert parse.status in ("parsed", "quarantined")
    for issue in parse.all_issues:
        assert issue.code in BY_CODE
    if parse.status == "quarantined":
        assert parse.quarantine_code in BY_CODE and BY_CODE[parse.quarantine_code].quarantines
    else:
        for value in parse.result.values:
            assert value.section and value.item
            assert 0 <= value.char_start <= value.char_end <= len(parse.text)
            assert parse.text[value.char_start:value.char_end] == value.raw_text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, max_size=80).map("".join))
def test_report_like_text_never_raises(text):
    _check(parse_bytes(text.encode("utf-8"), "x.txt"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_never_raises(text):
    _check(parse_bytes(text.encode("utf-8", errors="surrogatepass"), "x.txt"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_never_raise(data):
    _check(parse_bytes(data, "x.bin"))


WORD = docx_with_body(
    "<w:p><w:r><w:t>某县2021年政府信息公开工作年度报告</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>行政许可</w:t>"
    "</w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(WORD) - 1), st.integers(0, 255)), max_size=8), st.integers(0, len(WORD)))
def test_a_damaged_word_document_never_raises(changes, length):
    data = bytearray(WORD)
    for position, byte in changes:
        data[position] = byte
    _check(parse_bytes(bytes(data[:length]), "attachments/report.docx"))


RICH_TEXT = (HEADER + r"\pard \'c4\'b3\'cf\'d8 2021\par\trowd\clvmgf\cellx600\cellx1200\pard\intbl \u34892?\cell 12\cell\row}").encode()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(RICH_TEXT) - 1), st.sampled_from(b"{}\\'u?0123456789abcdefx \x80\xff")),
                max_size=8), st.integers(0, len(RICH_TEXT)))
def test_a_damaged_rtf_file_never_raises(changes, length):
    data = bytearray(RICH_TEXT)
    for position, byte in changes:
        data[position] = byte
    _check(parse_bytes(bytes(data[:length]), "attachments/report.doc"))


WEB_ARCHIVE = mhtml_from_html("<html><body><p>某县2021年政府信息公开工作年度报告</p><table><tr><td>行政许可</td><td>12</td></tr>"
                              "</table></body></html>", "utf-8", "base64")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(WEB_ARCHIVE) - 1), st.sampled_from(b"=-\r\n:;\"AZaz09+/ \x80\xff")),
                max_size=8), st.integers(0, len(WEB_ARCHIVE)))
def test_a_damaged_web_archive_never_raises(changes, length):
    data = bytearray(WEB_ARCHIVE)
    for position, byte in changes:
        data[position] = byte
    _check(parse_bytes(bytes(data[:length]), "attachments/report.mht"))
