"""RTF files (Word's rich text, often served as .doc): read as HTML pages are."""

from __future__ import annotations

import pytest

from orchestration import synthetic
from orchestration.parsing import parse_bytes
from orchestration.parsing.rtf import read_rtf

from .conftest import SAMPLES_RAW, as_map
from .rtf_builder import HEADER, rtf_from_html
from .test_formats import T2, assert_the_national_page, reference


@pytest.mark.parametrize("layout", ["t2019", "t2021"])
@pytest.mark.parametrize("characters", ["escaped", "unicode", "raw"])
@pytest.mark.parametrize("merge_across", ["marked", "wide"])
def test_an_rtf_report_with_merged_cells(layout, characters, merge_across):
    """Every figure in its column: RTF writes a merged cell's other positions as empty
    cells, or (Word, across) as one wider cell, a row of fewer cells."""
    t3, t4, want = reference(layout)
    page = synthetic.national_report_html("精河县人民政府办公室", 2021, layout, T2[layout], t3, t4)
    parse = parse_bytes(rtf_from_html(page, characters, merge_across), "attachments/report.doc")
    assert_the_national_page(parse, layout, want, "rtf", "rtf")


def test_a_prose_report_in_rtf_gives_the_figures_of_its_text():
    text = (SAMPLES_RAW / "000_e0a35a2ab27e6366.txt").read_text(encoding="utf-8")
    page = "<html><body>" + "".join(f"<p>{line}</p>" for line in text.splitlines()) + "</body></html>"
    parse = parse_bytes(rtf_from_html(page), "x/download")
    plain = parse_bytes(text.encode(), "x/report.txt")
    assert (parse.status, parse.source_format) == ("parsed", "rtf")
    assert as_map(parse.result.values) == as_map(plain.result.values) != {}
    assert parse.result.metadata.agency_name == plain.result.metadata.agency_name == "精河县行政服务中心"


def test_a_table_row_becomes_a_markdown_row():
    rtf = HEADER + r"\trowd\cellx600\cellx1200\cellx1800\pard\intbl \'d0\'d0\'d5\'fe\'d0\'ed\'bf\'c9\cell 12\cell\cell\row\pard \'cd\'ea\par}"
    assert read_rtf(rtf.encode()) == ("| 行政许可 | 12 |  |\n完\n", None, "")


@pytest.mark.parametrize("data,code,detail", [
    (rb"{\rtf1 \uc\u}", "unreadable_rtf", "TypeError: "),
    (rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}{\*\generator Word;}{\pict\pngblip 89504e47}}", "empty_file",
     "the RTF file holds no text (only images, a scan?)"),
])
def test_an_rtf_file_with_no_text_or_a_broken_word_is_quarantined(data, code, detail):
    parse = parse_bytes(data, "attachments/report.rtf")
    assert (parse.status, parse.source_format, parse.quarantine_code) == ("quarantined", "rtf", code)
    message = [issue.message for issue in parse.issues]
    assert len(message) == 1 and message[0].startswith(detail), message
