"""OFD documents (China's fixed-layout format for official documents) are read as PDFs
are: each character where the page shows it, cells far apart on a line set apart, so
every figure keeps its column. Before, an OFD file (a ZIP) was quarantined `binary_file`."""

from __future__ import annotations

import io
import zipfile

import pytest

from orchestration.parsing import parse_bytes
from orchestration.parsing.ofd import _advances, read_ofd

from .conftest import as_map
from .ofd_builder import ofd_from_rows
from .test_formats import _pdf_rows, reference
from .zip_builder import rewritten


@pytest.mark.parametrize("layout", ["t2019", "t2021"])
@pytest.mark.parametrize("written", [
    {},  # a text object a cell
    {"one_code_a_row": True},  # a row one text code, DeltaX carrying the gaps ("g N D" runs)
    {"scale": 0.5},  # every object drawn in its own units, scaled onto the page by its CTM
    {"one_code_a_row": True, "scale": 0.8, "header": "第1页 共2页 收到申请99件"},  # and a template's header
])
def test_an_ofd_report_gives_every_figure_in_its_column(layout, written):
    t3, t4, want = reference(layout)
    parse = parse_bytes(ofd_from_rows(_pdf_rows(layout, t3, t4), **written), "attachments/report.ofd")
    assert (parse.status, parse.source_format, parse.encoding) == ("parsed", "ofd", "ofd")
    assert as_map(parse.result.values) == want
    assert (parse.result.metadata.report_year, parse.result.metadata.agency_name) == (2021, "精河县人民政府办公室")
    assert "99" not in parse.text  # (the template page's running header is left out)
    assert [issue.code for issue in parse.all_issues] == []


def test_labels_spread_across_their_cells():
    """Labels in distributed alignment, their characters 3 mm apart (a cell's gap is 2.1 mm):
    before, each fell into cells of one character and its row was not found."""
    t3, t4, want = reference("t2021")
    parse = parse_bytes(ofd_from_rows(_pdf_rows("t2021", t3, t4), label_spread=3.0), "attachments/report.ofd")
    assert as_map(parse.result.values) == want
    assert "规章 | 1 | 2 | 3" in parse.text.splitlines()
    assert [issue.code for issue in parse.all_issues] == []


def test_lines_and_cells_by_position():
    """Characters a line by their baseline, in the order of the page whatever the order of the
    objects; a gap as wide as a space a space, a cell's gap " | "; digits of cells a column
    apart never run together."""
    rows = [["某局2021年政府信息公开工作年度报告"], ["信息内容", "本年处理决定数量"], ["行政许可", "12", "3"], ["行政处罚", "45", "6"]]
    data = ofd_from_rows(rows)
    pages, problem, detail, pictures = read_ofd(data)
    assert (pages, problem, detail, pictures) == (
        ["某局2021年政府信息公开工作年度报告\n信息内容 | 本年处理决定数量\n行政许可 | 12 | 3\n行政处罚 | 45 | 6"], None, "", 0)
    # Columns 3.5 mm apart: "12" (2.5 mm wide) and "3" a millimetre apart, a space between
    assert read_ofd(ofd_from_rows(rows, column_width=3.5))[0] == [
        "某局2021年政府信息公开工作年度报告\n信息内容 | 本年处理决定数量\n行政许可 | 12 3\n行政处罚 | 45 6"]
    # The same objects in the reverse order in the page's content: the same text
    archive = zipfile.ZipFile(io.BytesIO(data))
    page = archive.read("Doc_0/Pages/Page_0/Content.xml").decode()
    head, _, rest = page.partition('<ofd:Layer ID="2" Type="Body">')
    body, _, tail = rest.partition("</ofd:Layer>")
    objects = body.replace("</ofd:TextObject>", "</ofd:TextObject>\n").split("\n")[:-1]
    reversed_page = head + '<ofd:Layer ID="2" Type="Body">' + "".join(reversed(objects)) + "</ofd:Layer>" + tail
    assert read_ofd(with_part(data, "Doc_0/Pages/Page_0/Content.xml", reversed_page))[0] == pages


def test_delta_x_runs():
    assert _advances("g 3 2.5 1.25 g 2 0.5") == [2.5, 2.5, 2.5, 1.25, 0.5, 0.5]
    assert _advances("1,2 x 3") == [1.0, 2.0]  # (a damaged list: the advances read before the damage)
    assert _advances(None) == [] and _advances("") == []


def test_known_by_its_bytes_whatever_its_name():
    t3, t4, want = reference("t2021")
    data = ofd_from_rows(_pdf_rows("t2021", t3, t4))
    for name in ("report.zip", "download.do", "附件1"):
        parse = parse_bytes(data, name)
        assert (parse.status, parse.source_format) == ("parsed", "ofd")
        assert as_map(parse.result.values) == want


def test_a_scan_is_no_text_layer_and_a_damaged_file_unreadable_ofd():
    scan = parse_bytes(ofd_from_rows([], pictures=3), "scan.ofd")
    assert (scan.status, scan.quarantine_code, scan.quarantine_reason) == (
        "quarantined", "no_text_layer", "1 page(s) with no text layer (a scan?)")
    data = ofd_from_rows([["某局2021年政府信息公开工作年度报告"], ["行政许可", "12"]])
    cases = {
        "cut short": data[: len(data) // 2],
        "no document": without_part(data, "Doc_0/Document.xml"),
        "not XML": with_part(data, "Doc_0/Pages/Page_0/Content.xml", "<ofd:Page"),
    }
    reasons = {}
    for case, damaged in cases.items():
        parse = parse_bytes(damaged, "report.ofd")
        assert (parse.status, parse.quarantine_code) == ("quarantined", "unreadable_ofd"), case
        reasons[case] = parse.quarantine_reason
    assert reasons["no document"] == "a part it names is missing: KeyError: \"There is no item named 'Doc_0/Document.xml' in the " \
                                    "archive\" (cut short or damaged?)"
    assert reasons["not XML"].startswith("XMLSyntaxError: ")


def test_an_absolute_location_and_a_page_without_one():
    """A page's BaseLoc from the package's root ("/Doc_0/..."), a page listed with none (skipped)."""
    data = ofd_from_rows([["某局2021年政府信息公开工作年度报告"], ["行政许可", "12"]])
    document = zipfile.ZipFile(io.BytesIO(data)).read("Doc_0/Document.xml").decode()
    document = document.replace('BaseLoc="Pages/', 'BaseLoc="/Doc_0/Pages/').replace(
        "</ofd:Pages>", '<ofd:Page ID="9"/></ofd:Pages>')
    assert read_ofd(with_part(data, "Doc_0/Document.xml", document))[0] == ["某局2021年政府信息公开工作年度报告\n行政许可 | 12"]


def test_its_pictures_say_its_tables_are_pictures():
    data = ofd_from_rows([["精河县财政局2021年政府信息公开工作年度报告"], ["本年度政府信息公开情况见下表。"]], pictures=2)
    parse = parse_bytes(data, "report.ofd")
    assert [(issue.code, issue.message) for issue in parse.all_issues if issue.code != "region_unknown"] == [(
        "tables_as_images",
        ("no table and no figure of the report in the text, and the file shows 2 pictures: its tables are likely "
         "among them, and a picture's text is not read (no OCR)"),
    )]


def with_part(data: bytes, name: str, xml: str) -> bytes:
    return rewritten(data, lambda part, content: xml.encode() if part == name else content)


def without_part(data: bytes, name: str) -> bytes:
    return rewritten(data, lambda part, content: None if part == name else content)
