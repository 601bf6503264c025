"""Write workbooks (.xlsx) with openpyxl, as Excel's own files are made: an HTML page's
paragraphs a cell each in the first column, its tables' cells in their columns, merged
where the page spans them; or sheets of rows. tools/make_workbook_fixtures.py saves them as
.xls and .ods with LibreOffice."""

from __future__ import annotations

import io

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


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
