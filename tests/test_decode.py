"""Bytes to text: encodings, and files that are not text."""

from __future__ import annotations

import io
import zipfile

import opencc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration import synthetic
from orchestration.parsing import parse_bytes
from orchestration.parsing.decode import _GARBAGE, DETAIL_CHARS, _checked, _utf8_garbage, damaged_detail, decode

from .conftest import SAMPLES_RAW, as_map
from .test_formats import T2, reference

TRADITIONAL = "精河縣行政服務中心2016年度政府信息公開工作年度報告。2016年,未收到依申請公開政府信息申請。" * 3
TEXT = "精河县行政服务中心2016年度政府信息公开工作年度报告。2016年,未收到依申请公开政府信息申请。" * 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "big5"])
def test_encodings_decode_to_the_same_text(encoding):
    source = TEXT if encoding != "big5" else TRADITIONAL
    decoded = decode(source.encode(encoding))
    assert decoded.problem is None
    assert decoded.text == source


def test_a_report_in_utf16_without_a_byte_order_mark_is_text():
    """Its NUL bytes are at one parity in the ASCII characters, and at the other in those whose low
    byte is 0 (一, U+4E00; 2.6% of the first 4 KiB here): read as binary before session 61 (94
    of 300 synthetic reports so written were `binary_file`), and a short page nearly all Chinese too."""
    rendered = synthetic.stat_table({"(一)主动公开政府信息数": 111, "一、主动公开情况": None}, "lines", 2013)
    report = "贵州省庚厅2013年度政府信息公开工作年度报告\n一、概述\n本年度工作正常开展。\n" + rendered.text
    for encoding in ("utf-16-le", "utf-16-be"):
        data = report.encode(encoding)
        assert data[: 4096].count(0) > 0
        parse = parse_bytes(data, "crawl/0006.txt")
        assert (parse.status, parse.encoding, parse.text) == ("parsed", encoding.replace("-", "_"), report)
        assert parse.result.metadata.agency_name == "贵州省庚厅"
        short = parse_bytes("网站首页 新闻中心 联系我们。欢迎访问。今日天气晴。\n".encode(encoding), "crawl/0082.txt")
        assert (short.status, short.quarantine_code) == ("quarantined", "not_a_report")


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


# ---------------------------------------------------------------- a few bytes its encoding does not decode


def _sample(index: int = 4) -> str:
    return sorted(SAMPLES_RAW.iterdir())[index].read_text(encoding="utf-8")


def _broken(text: str, encoding: str, marker: str, insert: bytes = b"", drop: int = 0) -> bytes:
    """``text`` in ``encoding`` with ``insert`` put before ``marker``, or the first ``drop``
    bytes of ``marker`` removed."""
    at = len(text[: text.index(marker)].encode(encoding, errors="replace"))
    data = text.encode(encoding, errors="replace")
    return data[:at] + insert + data[at + drop:]


@pytest.mark.parametrize("encoding,marker,change,told", [
    # a stray byte (0xFF begins no character in either encoding)
    ("utf-8", "同时,定期召开", {"insert": b"\xff"}, "a byte sequence that is not utf-8, read as \ufffd: “落实的工作格局。\ufffd同时,定期召开专”"),
    # a character's first byte lost (a title cut at a byte and joined to what follows): its two others are each one
    ("utf-8", "同时,定期召开", {"drop": 1},
     "2 byte sequences that are not utf-8, each read as \ufffd: “落实的工作格局。\ufffd\ufffd时,定期召开专”"),
    ("gb18030", "同时,定期召开", {"insert": b"\xff"}, "a byte sequence that is not gb18030, read as \ufffd: “落实的工作格局。\ufffd同时,定期召开专”"),
])
def test_a_few_bytes_its_encoding_does_not_decode_leave_the_figures(encoding, marker, change, told):
    """One bad byte made the whole file undecodable; now it is read as U+FFFD and told,
    and every figure is the clean file's."""
    text = _sample()
    clean = parse_bytes(text.encode(encoding), "x.txt")
    parse = parse_bytes(_broken(text, encoding, marker, **change), "x.txt")
    assert (parse.status, parse.encoding) == ("parsed", encoding)
    assert as_map(parse.result.values) == as_map(clean.result.values) != {}
    assert parse.result.metadata.agency_name == clean.result.metadata.agency_name == "精河工业园区管理委员会"
    assert [(i.code, i.message) for i in parse.issues] == [("invalid_bytes", told)]
    assert clean.issues == []


def test_a_big5_mirror_with_a_stray_byte_is_still_big5():
    """GB18030 decodes nearly any pair of bytes, Big5's too: the encoding is detected in the
    bytes it decodes, not taken for it."""
    mirror = opencc.OpenCC("s2t").convert(_sample())
    data = mirror.encode("big5", errors="replace")
    clean, parse = parse_bytes(data, "x.txt"), parse_bytes(_broken(mirror, "big5", "同時,定期召開", b"\xff"), "x.txt")
    assert (clean.encoding, parse.encoding, parse.status) == ("big5", "big5", "parsed")
    assert as_map(parse.result.values) == as_map(clean.result.values) != {}
    assert [i.code for i in parse.issues] == ["invalid_bytes"]


def test_a_page_whose_charset_fails_on_a_byte_keeps_its_charset():
    t3, t4, want = reference("t2021")
    page = synthetic.national_report_html("精河县人民政府办公室", 2021, "t2021", T2["t2021"], t3, t4, charset="gb2312")
    parse = parse_bytes(_broken(page, "gb18030", "无法提供", b"\x80"), "pages/report.html")
    assert (parse.status, parse.source_format, parse.encoding) == ("parsed", "html", "gb18030")
    assert as_map(parse.result.values) == want
    assert [i.code for i in parse.issues] == ["invalid_bytes"]


def test_a_gbk_page_with_a_utf8_header_reads_as_its_charset():
    """A site's page in GBK that includes a header written in UTF-8 (a server-side include): the
    header's characters are not GBK's, but only a few of its bytes fail; the report is GBK's."""
    t3, t4, want = reference("t2021")
    page = synthetic.national_report_html("精河县人民政府办公室", 2021, "t2021", T2["t2021"], t3, t4, charset="gbk")
    head, body = page.split("<body>", 1)
    data = head.encode("gb18030") + "<body><div>首页 ｜ 政务公开 ｜ 联系我们</div>".encode() + body.encode("gb18030")
    parse = parse_bytes(data, "pages/report.html")
    assert (parse.status, parse.encoding) == ("parsed", "gb18030")
    assert as_map(parse.result.values) == want


def test_more_broken_bytes_than_one_in_a_hundred_characters_are_not_glossed_over():
    text = _sample()
    data = text.encode()
    characters = sum(1 for char in text if ord(char) > 127)
    step = len(data) // (characters // 100 + 5)  # (a stray byte every `step` bytes: over 1% of the characters)
    broken = b"".join(data[i:i + step] + b"\xff" for i in range(0, len(data), step))
    assert parse_bytes(broken, "x.txt").quarantine_code == "undecodable"
    # and a GBK text is never taken for UTF-8 with broken bytes: nearly every character of it fails as UTF-8
    gbk = parse_bytes(text.encode("gbk"), "x.txt")
    assert (gbk.encoding, gbk.issues) == ("gb18030", [])


def test_the_message_shows_the_first_three_and_says_there_are_more():
    marker = "政府信息公开工作".encode()
    data = b"".join(TEXT.encode().replace(marker, b"\xff" + marker, 1) if i < 10 else TEXT.encode() for i in range(40))
    decoded = decode(data)
    assert decoded.encoding == "utf-8" and decoded.told[0][0] == "invalid_bytes"
    message = decoded.told[0][1]
    assert message.startswith("10 byte sequences that are not utf-8, each read as \ufffd: “中心2016年度\ufffd政府信息公开工作”, “")
    assert message.count("“") == 3 and message.endswith("”, and more")


def test_a_readers_failure_reads_as_its_error_and_the_likely_cause_in_one_short_line():
    assert damaged_detail(KeyError("Doc_0/Document.xml"), "a part it names is missing: ") == \
        "a part it names is missing: KeyError: 'Doc_0/Document.xml' (cut short or damaged?)"
    assert damaged_detail(ValueError("bad"), guess="damaged?") == "ValueError: bad (damaged?)"
    long = damaged_detail(ValueError("x" * 1000))
    assert len(long) == DETAIL_CHARS == 300 and long.startswith("ValueError: xxx")
