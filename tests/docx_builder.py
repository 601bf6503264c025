"""Write Word documents (.docx) with python-docx, as Word's own files are made: an HTML
page's headings, paragraphs and tables, its merged cells merged; or a document.xml
written by hand, for what python-docx does not write (text boxes, tracked changes)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
from lxml import html as lxml_html

WORDPROCESSINGML = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MARKUP_COMPATIBILITY = "http://schemas.openxmlformats.org/markup-compatibility/2006"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def docx_from_html(page: str) -> bytes:
    document = docx.Document()
    for element in lxml_html.document_fromstring(page).body:
        if element.tag == "table":
            _table(document, element)
        elif element.tag not in ("script", "style"):
            text = " ".join(element.text_content().split())
            if text:
                document.add_paragraph(text)
    return saved(document)


def docx_from_rows(rows: list[list[tuple[str, int, int]]]) -> bytes:
    """One table; each row's cells as (text, rowspan, colspan), laid out as HTML's are."""
    page = "<html><body><table>" + "".join(
        "<tr>" + "".join(f'<td rowspan="{rowspan}" colspan="{colspan}">{text}</td>' for text, rowspan, colspan in row) + "</tr>"
        for row in rows) + "</table></body></html>"
    return docx_from_html(page)


def _table(document, table) -> None:
    height, width, placed = placed_cells(table)
    grid = document.add_table(rows=height, cols=width)
    for r, column, rowspan, colspan, text in placed:
        cell = grid.cell(r, column)
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(grid.cell(r + rowspan - 1, column + colspan - 1))
        cell.text = text


def placed_cells(table) -> tuple[int, int, list[tuple[int, int, int, int, str]]]:
    """An HTML table's rows, columns and cells as (row, column, rowspan, colspan, text)."""
    placed = []
    taken: set[tuple[int, int]] = set()
    rows = table.findall(".//tr")
    for r, row in enumerate(rows):
        column = 0
        for cell in row.findall("td"):
            while (r, column) in taken:
                column += 1
            rowspan, colspan = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            placed.append((r, column, rowspan, colspan, " ".join(cell.text_content().split())))
            taken.update((r + i, column + j) for i in range(rowspan) for j in range(colspan))
            column += colspan
    return len(rows), max(c for _, c in taken) + 1, placed


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_body(body_xml: str, namespace: str = WORDPROCESSINGML, parts: dict[str, bytes] | None = None) -> bytes:
    """A Word document whose w:body is ``body_xml`` (the parts Word needs to open it, and
    ``parts``); its w: prefix in ``namespace``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
                         'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
                         'main+xml"/></Types>')
        archive.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                              f'<w:document xmlns:w="{namespace}" xmlns:mc="{MARKUP_COMPATIBILITY}" xmlns:r="{RELATIONSHIPS}">'
                                              f"<w:body>{body_xml}</w:body></w:document>")
        for name, content in (parts or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def png(width: int = 8, height: int = 4) -> bytes:
    """A small grey PNG: a picture for a document to show (a table's screenshot, in the reports)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))  # (filter byte, then grey pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def docx_with_pictures(paragraphs: list[str], pictures: int) -> bytes:
    """A notice whose tables are pictures: its paragraphs, then ``pictures`` pictures."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for _ in range(pictures):
        document.add_picture(io.BytesIO(png()))
    return saved(document)
