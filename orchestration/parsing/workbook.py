"""A workbook (Excel .xlsx or .xls, WPS .et, OpenDocument .ods) to the report's text, laid
out as a page holding a table: a sheet's rows before its first row of two or more values
(its title) as lines, and after its last such row those of one value in the first column
(the notes, the date signed); the others as markdown rows, a merged cell's other
positions left blank, so the figures keep their columns.

The stat-table era's reports often attach their 政府信息公开情况统计表 as a workbook, and
some organs publish the 2019 and 2021 tables so too. python-calamine (Rust's calamine)
reads every one of these formats, a cell's value as stored, a formula's as last computed.
A number is written as a workbook shows it at General format: 1234.0 as "1234", up to 15
significant digits (Excel's precision), so a stored 0.30000000000000004 is "0.3". Hidden
sheets and chart sheets are left out: what a reader of the report is shown is read. A note's
mark set superscript in a cell's rich text, which the reader gives joined to the figure ("5"
and "1": 51), is read from the workbook's strings and put in brackets (text.bracketed_mark).
"""

from __future__ import annotations

import datetime
import io
import re
import struct
import zipfile
from collections.abc import Iterator
from functools import lru_cache

from .decode import damaged_detail
from .package import MAX_XML_BYTES, RAISED_ALIGNMENTS, ZIP_ERRORS, ZIP_MAGIC, etree, names, xml_parser
from .text import markdown_row, with_marks
from .word97 import compound_file

# An OpenDocument file names its kind first, uncompressed, at this offset.
_ODS_MIMETYPE: bytes = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
_ODS_MIMETYPE_AT: int = 30
# A report's sheet is a few hundred cells; a stray value far down or right makes a sheet
# of millions, each a Python object: such a sheet is refused, not read into memory.
MAX_SHEET_CELLS: int = 2_000_000
_SHEETS: str = "xl/worksheets/"
# An Excel 97-2003 workbook's records ([MS-XLS]): a substream's (a sheet's) first, the
# sheet's dimensions, and those of cells (their row and column first): LABEL, LABELSST,
# NUMBER, RK, BOOLERR, FORMULA, RSTRING, BLANK, and MULRK and MULBLANK, a run of a row's cells
# whose last column ends the record.
_BIFF_BOF: int = 0x0809
_BIFF_DIMENSIONS: int = 0x0200
_BIFF_FONT: int = 0x0031
_BIFF_SST: int = 0x00FC
_BIFF_CONTINUE: int = 0x003C
_BIFF_RAISED: frozenset[int] = frozenset((1, 2))  # (a font's escapement: superscript, subscript)
_BIFF_ROW_RUNS: frozenset[int] = frozenset((0x00BD, 0x00BE))
_BIFF_CELLS: frozenset[int] = frozenset((0x0204, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0006, 0x00D6, 0x0201)) | _BIFF_ROW_RUNS
_CELL_REFERENCE: re.Pattern[bytes] = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})([0-9]{1,7})"')
_SHARED_STRINGS: str = "xl/sharedStrings.xml"
_MAIN: str = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RAISED_RUN: re.Pattern[bytes] = re.compile(rb'vertAlign\s+val="(?:superscript|subscript)"')
_VERT_ALIGN: str = f"{_MAIN}rPr/{_MAIN}vertAlign"


def workbook_kind(data: bytes) -> str | None:
    """"xlsx" for an Excel workbook's package (.xlsx, .xlsm, .xlsb), "ods" for an
    OpenDocument spreadsheet, else None; known by its bytes, whatever its name (a .xls or
    .et compound file is known by word97.holds_workbook)."""
    if names(data, b"xl/", b"xl/workbook."):
        return "xlsx"
    if data.startswith(ZIP_MAGIC) and data[_ODS_MIMETYPE_AT:_ODS_MIMETYPE_AT + len(_ODS_MIMETYPE)] == _ODS_MIMETYPE:
        return "ods"
    return None


@lru_cache(maxsize=1)
def _calamine():
    """python_calamine, imported by the first workbook read (named apart from this function:
    compiled, an import in a function binds a module global)."""
    import python_calamine as calamine_module

    return calamine_module


def read_workbook(data: bytes, kind: str) -> tuple[str | None, str | None, str]:
    """The workbook's text; or None, an issue code and why."""
    if kind == "xls":
        biff, refused = _workbook_stream(data)
        refused = refused or _refused_biff(biff)
        marked = {} if refused else _marked_biff_strings(biff)
    else:
        refused, texts = _package(data)
        marked = _marked_strings(texts) if kind == "xlsx" and not refused else {}
    if refused:
        return None, "unreadable_workbook", refused
    calamine = _calamine()
    lines: list[str] = []
    try:
        book = calamine.load_workbook(io.BytesIO(data))
        for sheet_meta in book.sheets_metadata:
            if sheet_meta.typ != calamine.SheetTypeEnum.WorkSheet or sheet_meta.visible != calamine.SheetVisibleEnum.Visible:
                continue
            problem = _sheet_lines(book.get_sheet_by_name(sheet_meta.name), lines, marked)
            if problem:
                return None, "unreadable_workbook", problem
    except calamine.CalamineError as error:
        return None, "unreadable_workbook", damaged_detail(error)
    except Exception as broken:  # noqa: BLE001 - a damaged part fails anywhere in the reader
        return None, "unreadable_workbook", damaged_detail(broken)
    except BaseException as panic:  # (a Rust panic is a BaseException: pyo3's PanicException)
        if type(panic).__name__ != "PanicException":
            raise
        return None, "unreadable_workbook", damaged_detail(panic, "the workbook reader failed on it: ", "damaged?")
    if not lines:
        return None, "empty_file", "the workbook's visible sheets hold no value (only pictures, a scan?)"
    return "\n".join(lines) + "\n", None, ""


def _package(data: bytes) -> tuple[str, list[bytes]]:
    """Why a workbook's package is not to be read, or "": a part over MAX_XML_BYTES, or a
    sheet spanning over MAX_SHEET_CELLS. The reader makes a sheet's grid before anything
    can be asked of it, and a grid of billions of cells ends the process (its allocation
    fails): an Excel sheet's extent is read from its cells' references first. And the texts
    an Excel workbook holds, its sheets and shared strings, unpacked once (_marked_strings)."""
    texts: list[bytes] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.file_size > MAX_XML_BYTES:
                    return f"its {info.filename} unpacks to {info.file_size:,} bytes (over {MAX_XML_BYTES:,})", []
            for info in archive.infolist():
                if info.filename.startswith(_SHEETS) and info.filename.endswith(".xml"):
                    sheet = archive.read(info)
                    extent = _extent(sheet, info.filename)
                    if extent:
                        return extent, []
                    texts.append(sheet)
                elif info.filename == _SHARED_STRINGS:
                    try:
                        texts.append(archive.read(info))
                    except ZIP_ERRORS:  # (the reader says what is wrong with them; no mark is read)
                        pass
    except ZIP_ERRORS as damaged:
        return damaged_detail(damaged), []
    return "", texts


def _workbook_stream(data: bytes) -> tuple[bytes, str]:
    """An Excel 97-2003 workbook's stream (its BIFF records); or b"" and why it cannot be had:
    its compound file damaged (the reader's own container code can end the process on one)."""
    found = compound_file(data)
    if found.problem:
        return b"", found.problem
    if not found.workbook_name:
        return b"", "a compound file with no workbook stream (damaged?)"
    if found.streams_problem:
        return b"", found.streams_problem
    return found.streams[found.workbook_name], ""


def _records(biff: bytes) -> Iterator[tuple[int, int, int]]:
    """An Excel 97-2003 workbook stream's records: (its type, where its body starts, its size
    as recorded; the last one's may run past the stream's end)."""
    position = 0
    while position + 4 <= len(biff):
        record, size = struct.unpack_from("<HH", biff, position)
        yield record, position + 4, size
        position += 4 + size


def _refused_biff(biff: bytes) -> str:
    """Why an Excel 97-2003 workbook's stream is not to be read, or "": a sheet spanning over
    MAX_SHEET_CELLS by its cell records' rows and columns (a damaged record's among them)."""
    top = left = 1 << 30
    bottom = right = -1
    sheet = 0  # (substreams begun: the workbook's globals, then each sheet)
    for record, body, size in _records(biff):
        if record == _BIFF_BOF or body + size > len(biff):
            refused = over_the_limit(f"sheet {sheet - 1}", top, bottom, left, right)
            if refused:
                return refused
            top = left = 1 << 30
            bottom = right = -1
            sheet += record == _BIFF_BOF
        elif record == _BIFF_DIMENSIONS and size >= 8:
            # (the reader sizes the sheet's grid by it: a first row after the last, a damaged
            # record's, asked for billions of cells; its rows are 32 bits from Excel 97, 16 before)
            form = "<IIHH" if size >= 12 else "<HHHH"
            first_row, end_row, first_column, end_column = struct.unpack_from(form, biff, body)
            if end_row < first_row or end_column < first_column:
                return (f"sheet {sheet - 1}'s dimensions record is damaged (rows {first_row}-{end_row}, "
                        f"columns {first_column}-{end_column})")
            refused = over_the_limit(f"sheet {sheet - 1}", first_row, end_row - 1, first_column, end_column - 1)
            if refused:
                return refused
        elif record in _BIFF_CELLS and size >= 4:
            row, column = struct.unpack_from("<HH", biff, body)
            last = struct.unpack_from("<H", biff, body + size - 2)[0] if record in _BIFF_ROW_RUNS and size >= 6 else column
            top, bottom, left, right = min(top, row), max(bottom, row), min(left, column), max(right, column, last)
    return over_the_limit(f"sheet {sheet - 1}", top, bottom, left, right)


def _marked_biff_strings(biff: bytes) -> dict[str, str]:
    """_marked_strings of an Excel 97-2003 workbook: its shared strings (SST and its CONTINUE
    records) whose formatting runs set characters in a font that is superscript or subscript
    (FONT's escapement); none when they cannot be read (the text is read as before)."""
    escapements: list[int] = []
    parts: list[bytes] = []
    begun = 0  # (substreams begun: the globals, where the fonts and strings are, then a sheet)
    strings_go_on = False
    for record, start, size in _records(biff):
        strings_go_on = record == _BIFF_SST or (record == _BIFF_CONTINUE and strings_go_on)
        if record == _BIFF_BOF:
            begun += 1
            if begun > 1:
                break
        elif record == _BIFF_FONT and min(size, len(biff) - start) >= 10:
            escapements.append(struct.unpack_from("<H", biff, start + 8)[0])
        elif strings_go_on:
            parts.append(biff[start : start + size])
    if not parts or not any(escapement in _BIFF_RAISED for escapement in escapements):
        return {}
    try:
        strings = _sst_strings(parts)
    except (ValueError, IndexError, struct.error, UnicodeDecodeError):
        return {}
    texts: list[list[tuple[str, bool]]] = []
    for text, formatting in strings:
        runs = [(text[: formatting[0][0]] if formatting else text, False)]
        for index, (first, font) in enumerate(formatting):
            font_at = font if font < 4 else font - 1  # (no font is written at index 4)
            last = formatting[index + 1][0] if index + 1 < len(formatting) else len(text)
            runs.append((text[first:last], font_at < len(escapements) and escapements[font_at] in _BIFF_RAISED))
        texts.append(runs)
    return _marks_of(texts)


class _Continued:
    """Bytes read across a record and the CONTINUE records after it ([MS-XLS] 2.1.7.1): a
    string's characters cut by a record's end go on after a byte saying their width."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts
        self.k = 0
        self.at = 0

    def read(self, count: int) -> bytes:
        out = b""
        while count > 0:
            part = self._part()
            piece = part[self.at : self.at + count]
            self.at += len(piece)
            count -= len(piece)
            out += piece
        return out

    def characters(self, count: int, wide: bool) -> str:
        out: list[str] = []
        while count > 0:
            if self.at >= len(self.parts[self.k]):
                wide = bool(self._part()[0] & 1)
                self.at = 1
            part = self.parts[self.k]
            width = 2 if wide else 1
            taken = min(count, (len(part) - self.at) // width)
            if taken == 0:
                raise ValueError("a character cut by a record's end")
            raw = part[self.at : self.at + taken * width]
            out.append(raw.decode("utf-16-le") if wide else raw.decode("latin-1"))
            self.at += taken * width
            count -= taken
        return "".join(out)

    def _part(self) -> bytes:
        """The record being read, the next one when this one is read whole."""
        while self.at >= len(self.parts[self.k]):
            self.k += 1
            self.at = 0
            if self.k >= len(self.parts):
                raise ValueError("the shared strings end before their count")
        return self.parts[self.k]


def _sst_strings(parts: list[bytes]) -> list[tuple[str, list[tuple[int, int]]]]:
    """The shared strings: each one's text and formatting runs (first character, font index)."""
    reader = _Continued(parts)
    reader.read(4)  # (the count of strings in the workbook)
    unique = struct.unpack("<I", reader.read(4))[0]
    strings: list[tuple[str, list[tuple[int, int]]]] = []
    for _ in range(unique):
        length, flags = struct.unpack("<HB", reader.read(3))
        runs = struct.unpack("<H", reader.read(2))[0] if flags & 0x08 else 0
        extended = struct.unpack("<I", reader.read(4))[0] if flags & 0x04 else 0
        text = reader.characters(length, bool(flags & 0x01))
        formatting = reader.read(4 * runs)
        reader.read(extended)
        strings.append((text, [struct.unpack_from("<HH", formatting, 4 * k) for k in range(runs)]))
    return strings


def _extent(sheet_xml: bytes, part: str) -> str:
    """Why a sheet is refused for the cells its references span, or ""."""
    top = left = 1 << 30
    bottom = right = 0
    for reference in _CELL_REFERENCE.finditer(sheet_xml):
        column = 0
        for letter in reference.group(1):
            column = column * 26 + letter - 64
        row = int(reference.group(2))
        top, bottom, left, right = min(top, row), max(bottom, row), min(left, column), max(right, column)
    return over_the_limit(part, top - 1, bottom - 1, left - 1, right - 1)  # (its references count from 1)


def over_the_limit(sheet: str, top: int, bottom: int, left: int, right: int) -> str:
    """Why a sheet whose cells span rows ``top``-``bottom`` and columns ``left``-``right``
    (from 0, ends included; none when an end is before its start) is refused, or "".
    ``sheet``: the sheet as the reader knows it (its name, its part, its place)."""
    if bottom < top or right < left:
        return ""
    cells = (bottom - top + 1) * (right - left + 1)
    if cells <= MAX_SHEET_CELLS:
        return ""
    return (f"its {sheet} spans {cells:,} cells (rows {top + 1}-{bottom + 1}, over "
            f"{MAX_SHEET_CELLS:,}): a stray value far from the table? Delete it and save again")


def _marked_strings(held: list[bytes]) -> dict[str, str]:
    """An Excel workbook's text (``held``: its sheets' and shared strings' XML) that holds a run
    set superscript or subscript (a note's mark beside a figure: "5" and a raised "1"), shared or
    in a cell, as the reader gives it ("51", read 51 before) and with the mark in brackets ("5[1]":
    text.bracketed_mark); not when a text without one reads the same (which of them a cell holds
    is not known)."""
    if not any(_RAISED_RUN.search(xml) for xml in held):
        return {}
    texts: list[list[tuple[str, bool]]] = []
    for xml in held:
        try:
            root = etree().fromstring(xml, xml_parser())
        except etree().XMLSyntaxError:
            continue
        for text in root.iter(_MAIN + "si", _MAIN + "is"):  # (a shared text; a cell's own)
            runs = [("".join(run.itertext()), _is_raised(run)) for run in text.iter(_MAIN + "r")]
            texts.append(runs or [(text.findtext(_MAIN + "t") or "", False)])
    return _marks_of(texts)


def _is_raised(run) -> bool:
    align = run.find(_VERT_ALIGN)
    return align is not None and align.get("val") in RAISED_ALIGNMENTS


def _marks_of(texts: list[list[tuple[str, bool]]]) -> dict[str, str]:
    """Each text (its runs, raised or not) that holds a raised run, as the reader gives it
    (joined) and with its marks in brackets (text.with_marks); not one that reads as a text
    without any does."""
    marked: dict[str, str] = {}
    plain: set[str] = set()
    for runs in texts:
        read = "".join(text for text, _ in runs)
        if any(raised for _, raised in runs):
            marked[read] = with_marks(runs)
        else:
            plain.add(read)
    return {read: written for read, written in marked.items() if read not in plain}


def _sheet_lines(sheet, lines: list[str], marked: dict[str, str]) -> str:
    """Add a sheet's lines to ``lines``; or say why the sheet is not read."""
    first_row, first_column = sheet.start or (0, 0)
    last_row, last_column = sheet.end or (-1, -1)
    refused = over_the_limit(f"sheet {sheet.name!r}", first_row, last_row, first_column, last_column)
    if refused:
        return refused
    rows = [[cell_text(value) for value in row] for row in sheet.to_python(skip_empty_area=True)] if not marked else [
        [cell_text(marked.get(value, value) if isinstance(value, str) else value) for value in row]
        for row in sheet.to_python(skip_empty_area=True)]
    # A merged cell's value is its first position's; a writer that repeats it in the others
    # would count a figure twice.
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or ():
        for r in range(max(top, first_row), min(bottom, last_row) + 1):
            row = rows[r - first_row]
            for c in range(max(left, first_column), min(right, last_column) + 1):
                if (r, c) != (top, left):
                    row[c - first_column] = ""
    grid_lines(rows, lines)
    return ""


def grid_lines(rows: list[list[str]], lines: list[str]) -> None:
    """Add a sheet's rows (its cells' text, "" for a blank or a merged cell's other position)
    to ``lines``, laid out as the module's docstring says."""
    filled = [sum(1 for cell in row if cell) for row in rows]
    table = [index for index, count in enumerate(filled) if count >= 2]
    table_start, table_end = (table[0], table[-1]) if table else (len(rows), len(rows))
    for index, row in enumerate(rows):
        if not filled[index]:
            continue
        # Before the table: its title lines. After it, a value alone in the first column is a
        # note or the date signed; one in another column is the table's (a figure below a
        # cell merged down).
        if index < table_start or (index > table_end and row[0]):
            lines.append(" ".join(cell for cell in row if cell))
        else:
            lines.append(markdown_row(row))


def cell_text(value: object) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.15g}" if not value.is_integer() else str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value) if value is not None else ""
