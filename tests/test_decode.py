"""Bytes to text: encodings, and files that are not text."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration.parsing import parse_bytes
from orchestration.parsing.decode import _GARBAGE, _checked, _utf8_garbage, decode

TRADITIONAL = "精河縣行政服務中心2016年度政府信息公開工作年度報告。2016年,未收到依申請公開政府信息申請。" * 3
TEXT = "精河县行政服务中心2016年度政府信息公开工作年度报告。2016年,未收到依申请公开政府信息申请。" * 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "big5"])
def test_encodings_decode_to_the_same_text(encoding):
    source = TEXT if encoding != "big5" else TRADITIONAL
    decoded = decode(source.encode(encoding))
    assert decoded.problem is None
    assert decoded.text == source


@pytest.mark.parametrize(
    "data,code",
    [(b"", "empty_file"), (b"  \n\t ", "empty_file"), (bytes(range(256)) * 40, "binary_file"),
     (b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, "binary_file")],
)
def test_bad_bytes_are_quarantined_with_a_code(data, code):
    parse = parse_bytes(data, "bad.txt")
    assert parse.status == "quarantined"
    assert parse.quarantine_code == code
    assert [i.code for i in parse.all_issues] == [code]


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("[Content_Types].xml", *names):
            archive.writestr(name, "<x>精河县2016年政府信息公开工作年度报告</x>")
    return buffer.getvalue()


ADVICE = (", not text: only text, HTML, PDF, OFD, Word (.docx, .doc), RTF and workbook (.xlsx, .xls, .et, .ods) "
          "files are read, and a gzip file or ZIP archive holding one; convert it (or unpack it) first")


@pytest.mark.parametrize("data,detail", [
    (_zip("ppt/presentation.xml"), "a PowerPoint file (.pptx)" + ADVICE),
    (_zip("report.txt"), "an office file's package (a ZIP of parts, not Word's, OFD's or a workbook's)" + ADVICE),
    (b"Rar!\x1a\x07\x01\x00" + bytes(range(256)) * 4, "a RAR archive" + ADVICE),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, "a PNG image" + ADVICE),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 300, "a JPEG image" + ADVICE),
    (bytes(range(256)) * 40, "NUL bytes in the first 4 KiB"),
])
def test_a_binary_file_says_what_it_is(data, detail):
    """Reports are often published as Word attachments: a quarantined one said only "NUL bytes"."""
    parse = parse_bytes(data, "attachment")
    assert (parse.status, parse.quarantine_code) == ("quarantined", "binary_file")
    assert [issue.message for issue in parse.issues] == [detail]


def test_a_page_that_is_no_report():
    parse = parse_bytes("欢迎访问本网站。今日天气晴。".encode(), "x.txt")
    assert (parse.status, parse.quarantine_code) == ("quarantined", "not_a_report")


def test_too_large():
    parse = parse_bytes(TEXT.encode(), "big.txt", max_bytes=100)
    assert (parse.status, parse.quarantine_code) == ("quarantined", "too_large")


def test_report_id_is_the_content_hash():
    first = parse_bytes(TEXT.encode(), "a.txt")
    second = parse_bytes(TEXT.encode(), "b/c.txt")
    assert first.report_id == second.report_id and len(first.report_id) == 16
    assert first.status == "parsed" and first.result.metadata.report_year == 2016


@given(st.text(alphabet="公开 a1\n\t\r\x00\x01\x08\x09\x0b\x0e\x1f\x7f\ufffd\u3000", max_size=60))
def test_garbage_counted_in_utf8_bytes_is_the_patterns_count_in_the_text(text):
    """The UTF-8 path counts control and replacement characters in the bytes: the
    count, and so the verdict, is the one the pattern gives on the decoded text."""
    data = text.encode("utf-8")
    assert _utf8_garbage(data) == len(_GARBAGE.findall(text))
    if text.strip():
        assert decode(data) == _checked(text, "utf-8")
