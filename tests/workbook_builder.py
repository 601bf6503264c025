"""Write workbooks (.xlsx) with openpyxl, as Excel's own files are made: an HTML page's
paragraphs a cell each in the first column, its tables' cells in their columns, merged
where the page spans them; or sheets of rows. tools/make_workbook_fixtures.py saves them as
.xls and .ods with LibreOffice. Sheets of rows as Excel 2003's XML spreadsheet are written
here too (no library on the package registry writes one)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import openpyxl
from lxml import html as lxml_html

from .docx_builder import placed_cells

Cell = str | int | float | None


def xlsx_from_html(page: str, title: str = "统计表") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    row = 1
    for element in lxml_html.document_fromstring(page).body:
        if element.tag == "table":
            height, _, placed = placed_cells(element)
            for r, column, rowspan, colspan, text in placed:
                sheet.cell(row + r, column + 1, as_number(text))
                if rowspan > 1 or colspan > 1:
                    sheet.merge_cells(start_row=row + r, start_column=column + 1,
                                      end_row=row + r + rowspan - 1, end_column=column + colspan)
            row += height
        elif element.tag not in ("script", "style"):
            text = " ".join(element.text_content().split())
            if text:
                sheet.cell(row, 1, text)
                row += 1
    return saved(book)


def xlsx_from_sheets(sheets: dict[str, list[list[Cell]]], hidden: tuple[str, ...] = (),
                     merged: dict[str, list[str]] | None = None, origin: tuple[int, int] = (1, 1),
                     chartsheet: str | None = None) -> bytes:
    """Sheets of rows by name, their first cell at ``origin`` (row, column, from 1); the
    ``hidden`` ones hidden; ``merged`` ranges ("A1:C1") by sheet; a chart sheet last when named."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                if value is not None:
                    sheet.cell(origin[0] + r, origin[1] + c, value)
        for cell_range in (merged or {}).get(name, ()):
            sheet.merge_cells(cell_range)
        if name in hidden:
            sheet.sheet_state = "hidden"
    if chartsheet:
        book.create_chartsheet(chartsheet)
    return saved(book)


def as_number(text: str) -> Cell:
    """A cell's text as a workbook keeps it: a whole number or a decimal as a number, else text."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text) if text.replace(".", "", 1).isdigit() else text
    except ValueError:
        return text


def rich_text(*runs: tuple[str, str | None]):
    """A cell's rich text: (text, None or "superscript" or "subscript") runs."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    return CellRichText([text if align is None else TextBlock(InlineFont(vertAlign=align), text) for text, align in runs])


# marked_workbook's rows after its 1,500 others, as they are read.
MARKED_ROWS = ("| 行政许可 | 5[注1] | 8 |", "| 行政处罚 | 6[2] | 9 |", "| 行政强制 | 51 | 51 |", "| 行政征收 | 51 | 3 |")


def marked_workbook() -> bytes:
    """Notes' marks set superscript or subscript in a cell's rich text, after 1,500 other texts
    (as .xls, the shared strings then go on in CONTINUE records); a text and a number that read
    as a marked text does; and a marked text that reads as the plain one (which a cell holds is
    not known: neither is marked)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "统计表"
    for index in range(1500):
        sheet.append([f"第{index}项说明文字，用于填满共享字符串表", index])
    sheet.append(["行政许可", rich_text(("5", None), ("注", "superscript"), ("1", "superscript")), 8])  # (one mark, two runs)
    sheet.append(["行政处罚", rich_text(("6", None), ("2", "subscript")), 9])
    sheet.append(["行政强制", "51", 51])
    sheet.append(["行政征收", rich_text(("5", None), ("1", "superscript")), 3])
    return saved(book)


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SPREADSHEETML_HEAD = (
    '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"'
    ' xmlns:html="http://www.w3.org/TR/REC-html40">\n'
    ' <DocumentProperties xmlns="urn:schemas-microsoft-com:office:office"><Author>政务公开</Author>'
    '<Created>2017-01-20T08:00:00Z</Created><Version>11.9999</Version></DocumentProperties>\n'
    ' <Styles><Style ss:ID="Default" ss:Name="Normal"><Alignment ss:Vertical="Center"/>'
    '<Font ss:FontName="宋体" x:CharSet="134" ss:Size="12"/></Style><Style ss:ID="s21"><Alignment'
    ' ss:Horizontal="Center" ss:Vertical="Center" ss:WrapText="1"/></Style></Styles>\n'
)


def spreadsheetml_from_sheets(sheets: dict[str, list[list[Cell]]], hidden: tuple[str, ...] = (),
                              merged: dict[str, list[str]] | None = None, origin: tuple[int, int] = (1, 1),
                              writer: str = "excel") -> bytes:
    """Excel 2003's XML spreadsheet of ``sheets``, as xlsx_from_sheets takes them: a merged range's
    other positions not written, as the format wants. ``writer`` "excel" gives a cell after a gap
    its ss:Index, as Excel does; "libreoffice" leaves it out where the gap is only positions a
    cell above covers (merged down), as LibreOffice's export does."""
    parts = [SPREADSHEETML_HEAD]
    for name, rows in sheets.items():
        spans = [_range(text) for text in (merged or {}).get(name, ())]
        starts = {(top, left): (bottom - top, right - left) for top, left, bottom, right in spans}
        covered = {(r, c) for top, left, bottom, right in spans for r in range(top, bottom + 1)
                   for c in range(left, right + 1)} - set(starts)
        below = {(r, c) for top, left, bottom, right in spans for r in range(top + 1, bottom + 1)
                 for c in range(left, right + 1)}
        parts.append(f' <Worksheet ss:Name="{escape(name)}">\n  <Table x:FullColumns="1" x:FullRows="1">\n')
        next_row = 1
        for r, cells in enumerate(rows, origin[0]):
            written = []
            next_column = 1
            for c, value in enumerate(cells, origin[1]):
                if (r, c) in covered or (value is None and (r, c) not in starts):
                    continue
                implied = next_column
                while writer == "libreoffice" and (r, implied) in below:
                    implied += 1
                index = f' ss:Index="{c}"' if c != implied else ""
                down, across = starts.get((r, c), (0, 0))
                merge = (f' ss:MergeAcross="{across}"' if across else "") + (f' ss:MergeDown="{down}"' if down else "")
                data = "" if value is None else _data(value)
                written.append(f'<Cell{index}{merge} ss:StyleID="s21">{data}</Cell>')
                next_column = c + across + 1
            if not written:
                continue
            row_index = f' ss:Index="{r}"' if r != next_row else ""
            parts.append(f"   <Row{row_index}>" + "".join(written) + "</Row>\n")
            next_row = r + 1
        parts.append("  </Table>\n  <WorksheetOptions xmlns=\"urn:schemas-microsoft-com:office:excel\">"
                     + ("<Visible>SheetHidden</Visible>" if name in hidden else "<Selected/>")
                     + "<ProtectObjects>False</ProtectObjects></WorksheetOptions>\n </Worksheet>\n")
    parts.append("</Workbook>\n")
    return "".join(parts).encode()


def _range(text: str) -> tuple[int, int, int, int]:
    """"A1:C2" as (top, left, bottom, right), from 1."""
    (top, left), (bottom, right) = (openpyxl.utils.cell.coordinate_to_tuple(end) for end in text.split(":"))
    return top, left, bottom, right


def _data(value: Cell) -> str:
    if isinstance(value, bool):
        return f'<Data ss:Type="Boolean">{int(value)}</Data>'
    if isinstance(value, (int, float)):
        return f'<Data ss:Type="Number">{value!r}</Data>'
    return f'<Data ss:Type="String">{escape(str(value))}</Data>'
