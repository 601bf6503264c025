"""Reports in a wrapper (a gzip file a crawler saved as the server sent it, a ZIP archive an
organ published) read as the document inside; archives that hold no single document
quarantined with a reason. And files cut short at a byte, inside a character."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from orchestration import synthetic
from orchestration.parsing import parse_bytes
from orchestration.parsing.archive import MAX_UNPACKED_BYTES

from .conftest import SAMPLES_RAW, as_map
from .docx_builder import docx_from_html, png
from .pdf_builder import pdf_from_rows
from .test_formats import T2, assert_the_national_page, reference

LAYOUT = "t2021"


def _page(charset: str = "utf-8") -> tuple[str, dict]:
    t3, t4, want = reference(LAYOUT)
    return synthetic.national_report_html("精河县人民政府办公室", 2021, LAYOUT, T2[LAYOUT], t3, t4, charset=charset), want


def zipped(members: list[tuple[str, bytes]], *, gbk_names: bool = False) -> bytes:
    """A ZIP of ``members``; with ``gbk_names``, named in GBK without the UTF-8 flag, as
    Chinese Windows' own zipper writes them (the zipfile module writes UTF-8: each name is
    written as ASCII of the GBK name's length, then its bytes replaced)."""
    buffer = io.BytesIO()
    stand_ins = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(members):
            if gbk_names:
                gbk = name.encode("gbk")
                stand_in = f"@{index}@".ljust(len(gbk), "#")
                stand_ins[stand_in.encode()] = gbk
                name = stand_in
            archive.writestr(zipfile.ZipInfo(name, date_time=(2022, 1, 28, 9, 30, 0)), data, zipfile.ZIP_DEFLATED)
    data = buffer.getvalue()
    for stand_in, gbk in stand_ins.items():
        assert data.count(stand_in) == 2  # (the local header and the directory)
        data = data.replace(stand_in, gbk)
    return data


def test_a_page_saved_compressed_reads_as_the_page():
    """A crawler that stores what the server sent, gzip and all, under the page's own name."""
    page, want = _page()
    compressed = gzip.compress(page.encode(), mtime=0)
    for name in ("pages/report.html", "pages/report.html.gz", "pages/download"):
        parse = parse_bytes(compressed, name)
        assert_the_national_page(parse, LAYOUT, want, "html", "utf-8")
        assert [(i.code, i.message) for i in parse.issues] == [("read_from_archive", "unpacked from a gzip file")]


def test_a_compressed_gb2312_page_keeps_its_charset():
    page, want = _page("gb2312")
    parse = parse_bytes(gzip.compress(page.encode("gb18030"), mtime=0), "pages/report.shtml")
    assert_the_national_page(parse, LAYOUT, want, "html", "gb18030")


def test_a_sample_report_compressed_gives_its_figures():
    for path in sorted(SAMPLES_RAW.iterdir())[:3]:
        data = path.read_bytes()
        plain, compressed = parse_bytes(data, path.name), parse_bytes(gzip.compress(data, mtime=0), path.name + ".gz")
        assert as_map(compressed.result.values) == as_map(plain.result.values) != {}
        assert compressed.result.metadata.agency_name == plain.result.metadata.agency_name
        assert compressed.report_id != plain.report_id  # (the file's bytes: a report_id traces to the file as it is)


def test_a_compressed_pdf_under_its_own_name_reads_as_the_pdf():
    rows = [["精河县人民政府办公室2021年政府信息公开工作年度报告"], ["本年新收政府信息公开申请数量", "11"]]
    pdf = pdf_from_rows(rows)
    plain, compressed = parse_bytes(pdf, "a/report.pdf"), parse_bytes(gzip.compress(pdf, mtime=0), "a/report.pdf")
    assert (compressed.status, compressed.source_format) == (plain.status, "pdf")
    assert compressed.text == plain.text


def test_a_gzip_file_cut_short_gives_the_text_it_holds():
    page, want = _page()
    compressed = gzip.compress(page.encode(), mtime=0)
    parse = parse_bytes(compressed[: len(compressed) * 2 // 3], "pages/report.html")
    assert parse.status == "parsed"
    told = [(i.code, i.message) for i in parse.issues]
    assert told[0][0] == "read_from_archive" and told[0][1].startswith("unpacked from a gzip file, cut short: the first ")
    got = as_map(parse.result.values)
    assert got and len(got) < len(want)
    assert all(want[key] == value for key, value in got.items())  # what it holds is right; what it lacks is missing
    assert "incomplete" in {i.code for i in parse.all_issues}


def test_a_damaged_gzip_file_is_quarantined():
    page, _ = _page()
    compressed = bytearray(gzip.compress(page.encode(), mtime=0))
    compressed[20:40] = b"\xff" * 20
    parse = parse_bytes(bytes(compressed), "pages/report.html")
    assert (parse.status, parse.quarantine_code, parse.source_format) == ("quarantined", "unreadable_archive", "gzip")
    assert parse.quarantine_reason.startswith("a gzip file that is damaged (")


@pytest.mark.parametrize("gbk_names", [False, True])
def test_a_zip_of_one_word_document_reads_as_the_document(gbk_names):
    page, want = _page()
    data = zipped([("精河县2021年报告.docx", docx_from_html(page))], gbk_names=gbk_names)
    parse = parse_bytes(data, "attachments/精河县2021年报告.zip")
    assert_the_national_page(parse, LAYOUT, want, "docx", "docx")
    assert [(i.code, i.message) for i in parse.issues] == [
        ("read_from_archive", "精河县2021年报告.docx unpacked from a ZIP archive")]


def test_what_an_archive_holds_besides_its_document_is_set_aside():
    page, want = _page()
    data = zipped([("报告/", b""), ("报告/report.html", page.encode()), ("报告/report_files/logo.png", png()),
                   ("报告/report_files/style.css", b"p{}"), ("__MACOSX/报告/._report.html", b"\x00\x05\x16\x07"),
                   ("报告/Thumbs.db", b"\xd0\xcf\x11\xe0")])
    parse = parse_bytes(data, "attachments/报告.zip")
    assert_the_national_page(parse, LAYOUT, want, "html", "utf-8")
    assert [i.message for i in parse.issues] == [(
        "报告/report.html unpacked from a ZIP archive (beside 4 files that are no document: __MACOSX/报告/._report.html, "
        "报告/Thumbs.db, 报告/report_files/logo.png, 报告/report_files/style.css)")]


def test_a_zip_of_several_documents_is_not_guessed_at():
    data = zipped([("b/附件2.xls", b"x"), ("a/报告.doc", b"y"), ("a/报告.pdf", b"z"), ("a/cover.jpg", png())])
    parse = parse_bytes(data, "x.zip")
    assert (parse.status, parse.quarantine_code, parse.source_format) == ("quarantined", "archive_of_many_files", "zip")
    assert parse.quarantine_reason == ("a ZIP archive of 3 documents (a/报告.doc, a/报告.pdf, b/附件2.xls): "
                                       "which is the report is not guessed")


@pytest.mark.parametrize("members,code,reason", [
    ([("scan/p1.jpg", b"\xff\xd8\xff"), ("scan/p2.png", b"\x89PNG")], "no_text_layer",
     "a ZIP archive of pictures and no document (scan/p1.jpg, scan/p2.png): scanned pages are not read (no OCR)"),
    ([("empty/", b""), ("empty/sub/", b"")], "empty_file", "a ZIP archive holding no document"),
    ([("Thumbs.db", b"\xd0\xcf\x11\xe0"), (".DS_Store", b"\x00\x00")], "empty_file",
     "a ZIP archive holding no document (.DS_Store, Thumbs.db)"),
    ([], "empty_file", "a ZIP archive holding no document"),
    ([("inner.zip", b"PK\x05\x06" + b"\x00" * 18)], "unreadable_archive",
     "inner.zip unpacked from a ZIP archive, which is a ZIP archive in turn: unpack it first"),
    ([("report.html.gz", gzip.compress(b"<p>x</p>", mtime=0))], "unreadable_archive",
     "report.html.gz unpacked from a ZIP archive, which is a gzip file in turn: unpack it first"),
    ([("report.doc", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)], "binary_file",
     ("report.doc unpacked from a ZIP archive: a PNG image, not text: only text, HTML, PDF, OFD, Word (.docx, .doc), "
      "RTF and workbook (.xlsx, .xls, .et, .ods) files are read, and a gzip file or ZIP archive holding one; "
      "convert it (or unpack it) first")),
])
def test_an_archive_with_no_document_to_read_says_why(members, code, reason):
    parse = parse_bytes(zipped(members), "attachments/x.zip")
    assert (parse.status, parse.quarantine_code, parse.quarantine_reason) == ("quarantined", code, reason)


def test_a_zip_cut_short_or_password_protected_is_quarantined():
    page, _ = _page()
    data = zipped([("report.html", page.encode())])
    cut = parse_bytes(data[: len(data) // 2], "x.zip")
    assert (cut.quarantine_code, cut.source_format) == ("unreadable_archive", "zip")
    assert cut.quarantine_reason.startswith("a ZIP archive that cannot be opened: BadZipFile: ")
    # the encryption flag (bit 0) set in the local and central headers of the one member
    encrypted = data.replace(b"PK\x03\x04\x14\x00\x00\x00", b"PK\x03\x04\x14\x00\x01\x00")
    encrypted = encrypted.replace(b"PK\x01\x02\x14\x03\x14\x00\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x01\x00")
    parse = parse_bytes(encrypted, "x.zip")
    assert (parse.quarantine_code, parse.quarantine_reason) == (
        "unreadable_archive", "a ZIP archive whose report.html is encrypted (password-protected)")


def test_an_archive_over_the_limit_unpacked_is_refused():
    bomb = b"0" * (MAX_UNPACKED_BYTES + 1)
    as_zip = parse_bytes(zipped([("report.txt", bomb)]), "x.zip")
    assert (as_zip.quarantine_code, as_zip.quarantine_reason) == (
        "unreadable_archive", f"a ZIP archive whose report.txt unpacks to {MAX_UNPACKED_BYTES + 1:,} bytes (over {MAX_UNPACKED_BYTES:,})")
    as_gzip = parse_bytes(gzip.compress(bomb, compresslevel=1, mtime=0), "x.txt.gz")
    assert (as_gzip.quarantine_code, as_gzip.quarantine_reason) == (
        "unreadable_archive", f"a gzip file that unpacks to over {MAX_UNPACKED_BYTES:,} bytes")


def _odt() -> bytes:
    """An OpenDocument text's package: its mimetype first and stored, as ODF requires."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@pytest.mark.parametrize("data,kind", [
    (zipped([("[Content_Types].xml", b"<Types/>"), ("ppt/presentation.xml", b"<p/>")]), "a PowerPoint file (.pptx)"),
    (_odt(), "an OpenDocument text (.odt)"),
    (zipped([("[Content_Types].xml", b"<Types/>"), ("visio/document.xml", b"<v/>")]),
     "an office file's package (a ZIP of parts, not Word's, OFD's or a workbook's)"),
])
def test_an_office_file_that_is_not_read_is_no_archive(data, kind):
    parse = parse_bytes(data, "slides.zip")
    assert (parse.quarantine_code, parse.source_format) == ("binary_file", "zip")
    assert parse.quarantine_reason.startswith(kind + ", not text")


# ---------------------------------------------------------------- cut inside a character


@pytest.mark.parametrize("extra", [1, 2])
def test_a_file_cut_inside_a_character_is_read_up_to_it(extra):
    """A download stopped at a byte: 2 in 3 cuts of Chinese UTF-8 text fall inside a
    character. The text before it is the report's, and its figures are right."""
    path = sorted(SAMPLES_RAW.iterdir())[4]
    data = path.read_bytes()
    at = data.index("三、".encode(), len(data) // 2)  # (a Chinese character begins here)
    whole, cut = parse_bytes(data[:at], path.name), parse_bytes(data[: at + extra], path.name)
    assert cut.status == "parsed" and cut.encoding == "utf-8"
    assert as_map(cut.result.values) == as_map(whole.result.values) != {}
    noun = "byte is" if extra == 1 else "2 bytes are"
    message = f"the file ends inside a character: its last {noun} the start of one in utf-8 (a download cut short, whose text stops there)"
    assert [(i.code, i.message) for i in cut.issues] == [("incomplete", message)]
    assert whole.issues == []


def test_a_gb18030_page_cut_inside_a_character_keeps_its_charset():
    page, want = _page("gb2312")
    data = page.encode("gb18030")
    at = len(page[: page.index("无法提供")].encode("gb18030"))  # (where a Chinese character begins)
    parse = parse_bytes(data[: at + 1], "pages/report.html")
    assert (parse.status, parse.encoding) == ("parsed", "gb18030")
    got = as_map(parse.result.values)
    assert got and all(want[key] == value for key, value in got.items())
    assert [i.code for i in parse.issues] == ["incomplete"]


def test_a_stray_byte_at_the_end_is_no_cut_character():
    """0xFF begins no UTF-8 character: the file is not UTF-8, and detection decides."""
    data = min(SAMPLES_RAW.iterdir()).read_bytes() + b"\xff"
    parse = parse_bytes(data, "x.txt")
    assert "incomplete" not in {i.code for i in parse.issues}
