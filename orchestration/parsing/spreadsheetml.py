"""Excel 2003's XML spreadsheet ("XML Spreadsheet 2003", SpreadsheetML: one XML file, no ZIP)
to the report's text, each sheet laid out as workbook.py lays out a workbook's.

Office systems that export a table "to Excel" write it so (a Java web application fills
the format's template), most often under a .xls name; Excel and WPS save it too. Before,
it was read as text: its markup's digits beside the figures, its style names in the
snippets. A cell's position is its row's and its own ``ss:Index`` when given, else the one
after the cell before, past the positions a cell above covers (``ss:MergeDown``: LibreOffice
writes no index after them); a merged cell's other positions are left blank.
"""

from __future__ import annotations

import datetime
import re

from .decode import damaged_detail
from .package import etree, without_a_cut_row, xml_document
from .text import bracket_raised
from .workbook import MAX_SHEET_CELLS, cell_text, grid_lines, over_the_limit

_NAMESPACE: bytes = b"urn:schemas-microsoft-com:office:spreadsheet"
_SNIFF_BYTES: int = 4096
# Its root element, after the XML declaration and the processing instruction naming Excel.
_ROOT: re.Pattern[bytes] = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*)*<(?:\w+:)?Workbook[\s>]", re.DOTALL)
_SS: str = "{" + _NAMESPACE.decode() + "}"
_WORKSHEET: str = _SS + "Worksheet"
_TABLE: str = _SS + "Table"
_ROW: str = _SS + "Row"
_CELL: str = _SS + "Cell"
_DATA: str = _SS + "Data"
_RICH_TEXT: str = "{http://www.w3.org/TR/REC-html40}"
_RAISED_TAGS: tuple[str, ...] = (_RICH_TEXT + "Sup", _RICH_TEXT + "Sub")
_NAME: str = _SS + "Name"
_INDEX: str = _SS + "Index"
_SPAN: str = _SS + "Span"
_TYPE: str = _SS + "Type"
_MERGE_ACROSS: str = _SS + "MergeAcross"
_MERGE_DOWN: str = _SS + "MergeDown"
# A hidden sheet's options say so (in Excel's own namespace): what a reader is shown is read.
_VISIBLE: str = "{urn:schemas-microsoft-com:office:excel}WorksheetOptions/{urn:schemas-microsoft-com:office:excel}Visible"
_HIDDEN: frozenset[str] = frozenset(("SheetHidden", "SheetVeryHidden"))


def is_spreadsheetml(data: bytes) -> bool:
    """An XML spreadsheet, known by its root element and namespace (saved as .xls, .xml or
    under a link's name)."""
    return bool(_ROOT.match(data, 0, _SNIFF_BYTES)) and data.find(_NAMESPACE, 0, _SNIFF_BYTES) >= 0


def read_spreadsheetml(data: bytes) -> tuple[str | None, str | None, str, bool]:
    """The spreadsheet's text; or None, an issue code and why; and whether the file was cut
    short (its rows read up to the cut: package.xml_document)."""
    try:
        root, cut = xml_document(data, b"Workbook")
    except etree().XMLSyntaxError as damaged:
        return None, "unreadable_workbook", damaged_detail(damaged, "an Excel 2003 XML spreadsheet: ", "damaged?"), False
    if cut:
        without_a_cut_row(root, data, b"Row", _ROW)
    lines: list[str] = []
    for number, sheet in enumerate(root.iter(_WORKSHEET)):
        visible = sheet.find(_VISIBLE)
        if visible is not None and (visible.text or "").strip() in _HIDDEN:
            continue
        shown = f"sheet {sheet.get(_NAME) or number + 1!r}"
        for table in sheet.iter(_TABLE):
            cells: dict[tuple[int, int], str] = {}
            refused = _placed(table, cells, shown)
            if not refused and cells:
                refused = _laid_out(cells, shown, lines)
            if refused:
                return None, "unreadable_workbook", refused, cut
    if not lines and cut:
        return None, "unreadable_workbook", "the XML spreadsheet is cut short before any of its values", cut
    if not lines:
        return None, "empty_file", "the XML spreadsheet's visible sheets hold no value", cut
    return "\n".join(lines) + "\n", None, "", cut


def _placed(table, cells: dict[tuple[int, int], str], shown: str) -> str:
    """Put a table's values in ``cells`` by (row, column) from 0; or say why it is refused."""
    covered: dict[int, int] = {}  # column: the last row a cell merged down covers in it
    covered_cells = 0
    row_number = -1
    for row in table.iter(_ROW):
        row_number = _index(row, row_number + 1)
        column = -1
        for cell in row.iter(_CELL):
            given = _number(cell.get(_INDEX) or cell.get("Index"))
            if given is not None and given > 0:
                column = given - 1
            else:
                column += 1
                while covered.get(column, -1) >= row_number:
                    column += 1
            across = max(_number(cell.get(_MERGE_ACROSS)) or 0, 0)
            down = max(_number(cell.get(_MERGE_DOWN)) or 0, 0)
            if (across + 1) * (down + 1) > MAX_SHEET_CELLS or covered_cells > MAX_SHEET_CELLS:
                return (f"its {shown} merges over {MAX_SHEET_CELLS:,} cells (row {row_number + 1}): a stray "
                        "merge far from the table? Unmerge it and save again")
            if down:
                covered_cells += across + 1
                for merged in range(column, column + across + 1):
                    covered[merged] = max(covered.get(merged, -1), row_number + down)
            data = cell.find(_DATA)
            if data is not None:
                text = _value(data)
                if text:
                    cells[(row_number, column)] = text
            column += across
        row_number += max(_number(row.get(_SPAN)) or 0, 0)  # (a run of rows alike, empty ones)
    return ""


def _index(element, following: int) -> int:
    """An element's position from 0: its ``ss:Index`` (from 1), else ``following``."""
    given = _number(element.get(_INDEX) or element.get("Index"))
    return given - 1 if given is not None and given > 0 else following


def _number(attribute: str | None) -> int | None:
    if attribute is None:
        return None
    try:
        return int(attribute)
    except ValueError:
        return None


def _value(data) -> str:
    """A cell's value as a workbook shows it at General format (workbook.cell_text)."""
    if len(data):  # (rich text: its runs are html:Font, html:B ... elements; a note's mark html:Sup)
        for mark in list(data.iter(*_RAISED_TAGS)):
            bracket_raised(mark)
    text = "".join(data.itertext())
    kind = data.get(_TYPE) or data.get("Type") or "String"
    if kind == "Number":
        try:
            return cell_text(float(text))
        except ValueError:
            return cell_text(text)
    if kind == "DateTime":
        try:
            return cell_text(datetime.datetime.fromisoformat(text.strip()))
        except ValueError:
            return cell_text(text)
    if kind == "Boolean":
        return cell_text(text.strip() not in ("0", "", "false", "FALSE"))
    return cell_text(text)


def _laid_out(cells: dict[tuple[int, int], str], shown: str, lines: list[str]) -> str:
    """Add a table's lines to ``lines``, its grid spanning the values alone; or say why not."""
    top = min(row for row, _ in cells)
    bottom = max(row for row, _ in cells)
    left = min(column for _, column in cells)
    right = max(column for _, column in cells)
    refused = over_the_limit(shown, top, bottom, left, right)
    if refused:
        return refused
    rows = [[""] * (right - left + 1) for _ in range(bottom - top + 1)]
    for (row, column), text in cells.items():
        rows[row - top][column - left] = text
    grid_lines(rows, lines)
    return ""
