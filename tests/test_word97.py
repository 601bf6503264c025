"""Word 97-2003 documents (.doc, Word's binary format): reports published as attachments,
read as HTML pages and .docx files are; damaged ones quarantined with a reason.

The documents in tests/word97/ were saved as .doc by LibreOffice's Word 97 filter from
.docx files the tests' builders make, and one .docx encrypted with a password by
msoffcrypto-tool (tools/make_word97_fixtures.py)."""

from __future__ import annotations

import struct
from functools import cache
from pathlib import Path

import olefile
import pytest

from orchestration import synthetic
from orchestration.parsing import parse_bytes
from orchestration.parsing.decode import BINARY_ADVICE
from orchestration.parsing.formats import html_to_text
from orchestration.parsing.word97 import _characters, _pieces, read_doc, read_streams

from .conftest import as_map
from .test_formats import T2, assert_the_national_page, reference
from .test_word import _rows_ended

FIXTURES = Path(__file__).parent / "word97"


@cache
def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@cache
def streams(name: str) -> dict[str, bytes]:
    with olefile.OleFileIO(fixture(name)) as container:
        return {"/".join(path): container.openstream(path).read() for path in container.listdir()}


@pytest.mark.parametrize("layout", ["t2019", "t2021"])
def test_a_word97_report_with_merged_cells(layout):
    """The template's tables as a .doc holds them: header cells merged across (wider cells,
    their edges rounded apart by a twip from row to row), table 三's outcome groups merged
    down; every figure in its column, none twice."""
    t3, t4, want = reference(layout)
    assert_the_national_page(parse_bytes(fixture(f"national_{layout}.doc"), "attachments/report.doc"), layout, want, "doc", "doc")
    # and the text of the HTML page the document was made from, line for line
    page = synthetic.national_report_html("精河县人民政府办公室", 2021, layout, T2[layout], t3, t4)
    assert _rows_ended(read_doc(fixture(f"national_{layout}.doc"))[0]) == _rows_ended(html_to_text(page))


@pytest.mark.parametrize("name", ["attachments/download", "attachments/report.wps", "attachments/REPORT.DOC", "report.docx"])
def test_a_word97_report_is_known_by_its_content_not_its_name(name):
    parse = parse_bytes(fixture("national_t2021.doc"), name)
    assert (parse.status, parse.source_format) == ("parsed", "doc")
    assert as_map(parse.result.values) == reference("t2021")[2]


def test_merged_cells_keep_the_columns_as_in_html():
    """A cell two columns wide fills its first; one merged down two rows is blank in the second."""
    assert read_doc(fixture("merged.doc")) == ("| 合并 |  | 3 |\n| a | b | 4 |\n| c |  | 5 |\n", None, "", 0)
    assert html_to_text("<table><tr><td colspan='2'>合并</td><td>3</td></tr><tr><td>a</td><td rowspan='2'>b</td><td>4</td>"
                        "</tr><tr><td>c</td><td>5</td></tr></table>") == "| 合并 |  | 3 |\n| a | b | 4 |\n| c |  | 5 |\n"


def test_paragraphs_tabs_breaks_fields_cells_of_several_paragraphs_and_a_text_box():
    """A hyperlink's field code is not text (its result is), a no-break hyphen is one, a
    line break starts a line, a cell's two paragraphs are its words, a text box's text
    comes after the main text's; the page header's '第9页 共12页' is left out."""
    assert read_doc(fixture("shapes.doc")) == (
        "行政许可\t12\t\t3\n收到申请7件\n办结6件\n详见 政府信息公开专栏第二十条-1\n| 结果 纠正 | 45 |\n|  | 46 |\n总计\n收到申请35件\n",
        None, "", 0)  # (no picture: the hyperlink's and the text box's marks are not pictures)
    assert "HYPERLINK" in streams("shapes.doc")["WordDocument"].decode("utf-16-le", errors="replace")


def test_a_table_laying_out_tables_gives_their_rows():
    """As word.py reads a .docx's: the outer cells' paragraphs in order, the inner table's rows as rows."""
    assert read_doc(fixture("nested.doc")) == ("二、主动公开\n| 行政许可 | 12 |\n| 行政处罚 | 8 |\n右栏\n三、依申请公开\n", None, "", 0)


def test_pieces_of_one_byte_and_two_byte_characters():
    """Word keeps a piece whose characters are all in Windows-1252 at a byte each
    (its offset doubled and flagged in the piece table), others in UTF-16; a story is cut
    from the pieces by character position."""
    word = bytearray(0x1000)
    word[0x800:0x80C] = b"Report 2021\r"
    word[0x900:0x90C] = "收到申请7件".encode("utf-16-le")
    positions = struct.pack("<3I", 0, 12, 18)
    descriptors = struct.pack("<HIH", 0, (0x800 * 2) | 0x40000000, 0) + struct.pack("<HIH", 0, 0x900, 0)
    plc = positions + descriptors
    table = b"\x00" * 7 + b"\x01" + struct.pack("<h", 3) + b"xyz" + b"\x02" + struct.pack("<I", len(plc)) + plc
    pieces = _pieces(table, 7, len(table) - 7)
    assert pieces == [(0, 12, 0x800, True), (12, 18, 0x900, False)]
    assert _characters(bytes(word), pieces, 0, 18) == [("Report 2021\r", 0x800, 1), ("收到申请7件", 0x900, 2)]
    assert _characters(bytes(word), pieces, 7, 15) == [("2021\r", 0x807, 1), ("收到申", 0x900, 2)]


def _patched(name: str, stream: str, at: int, value: bytes) -> dict[str, bytes]:
    patched = dict(streams(name))
    data = bytearray(patched[stream])
    data[at : at + len(value)] = value
    patched[stream] = bytes(data)
    return patched


def test_the_streams_as_read_from_the_file():
    assert read_streams(streams("merged.doc")) == read_doc(fixture("merged.doc"))


@pytest.mark.parametrize("case,detail", [
    ("password", "the Word document is password-protected (encrypted)"),
    ("word95", "a Word 6 or Word 95 document, a format not read: save it as .docx or .doc (Word 97-2003)"),
    ("no_pieces", "its piece table is missing or past the end of its table stream (damaged?)"),
    ("not_word", "its WordDocument stream does not start as a Word document's does (damaged?)"),
    ("no_table", "its 1Table stream is missing (damaged?)"),
    ("list_size", "its piece table's property lists are damaged"),
])
def test_a_word97_document_that_cannot_be_read_says_why(case, detail):
    flags = struct.unpack_from("<H", streams("merged.doc")["WordDocument"], 0x0A)[0]
    clx = struct.unpack_from("<I", streams("merged.doc")["WordDocument"], 0x1A2)[0]
    patched = {
        "password": lambda: _patched("merged.doc", "WordDocument", 0x0A, struct.pack("<H", flags | 0x0100)),
        "word95": lambda: _patched("merged.doc", "WordDocument", 2, struct.pack("<H", 104)),
        "no_pieces": lambda: _patched("merged.doc", "WordDocument", 0x1A2 + 4, struct.pack("<I", 0)),
        "not_word": lambda: _patched("merged.doc", "WordDocument", 0, b"\x00\x00"),
        "no_table": lambda: {name: data for name, data in streams("merged.doc").items() if name != "1Table"},
        # (a property list's size of -3 before the piece table: the reader stayed on it for ever)
        "list_size": lambda: _patched("merged.doc", "1Table", clx, b"\x01" + struct.pack("<h", -3)),
    }[case]()
    assert read_streams(patched) == (None, "unreadable_doc", detail, 0)


@pytest.mark.parametrize("data,code,detail", [
    (fixture("national_t2021.doc")[:30000], "unreadable_doc", None),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "unreadable_doc", None),
    (fixture("no_text.doc"), "empty_file", "the Word document holds no text (only images, a scan?)"),
    (fixture("protected.docx"), "binary_file",
     "a password-protected Office file (a .docx, .xlsx or .pptx encrypted to open)" + BINARY_ADVICE),
])
def test_a_damaged_or_other_compound_file_is_quarantined_with_its_reason(data, code, detail):
    parse = parse_bytes(data, "attachments/report.doc")
    assert (parse.status, parse.quarantine_code) == ("quarantined", code)
    [issue] = parse.issues
    if detail is None:  # (olefile's words for what it met)
        assert issue.message.endswith("(cut short or damaged?)") and len(issue.message) > 30, issue.message
    else:
        assert issue.message == detail
    assert parse.source_format == ("text" if code == "binary_file" else "doc")
