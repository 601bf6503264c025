"""Write PDFs with a real Chinese text layer (reportlab's built-in CID font, no
font file needed), laid out like a report's tables: label, then figures in columns."""

from __future__ import annotations

import io

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def pdf_from_rows(rows: list[list[str]], *, font_size: float = 7, first_column: float = 345, column_width: float = 26,
                  label_spacing: float = 0, mark_rise: float = 2.5, title: str | None = None,
                  footer: str | None = None) -> bytes:
    """Each row: a label (or a line of text) at the left, figures in fixed columns. ``label_spacing``
    (points) spreads the characters of a table row's label of up to eight across its cell, as a
    cell's distributed alignment (分散对齐) does. A cell's text after "^" is a note's mark, set
    as Word sets a superscript (two thirds of the size) ``mark_rise`` points up (down: below 0).
    ``title``: the document information's title (reportlab's default is "untitled"). ``footer``:
    each page's number at its foot, "{n}" in it the number ("- {n} -")."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    if title is not None:
        page.setTitle(title)
    number = 1

    def foot() -> None:
        if footer is not None:
            line = page.beginText(290, 30)
            line.setFont(FONT, 9)
            line.textOut(footer.format(n=number))
            page.drawText(line)

    y = 800
    for row in rows:
        if y < 60:
            foot()
            page.showPage()
            number += 1
            y = 800
        spread = label_spacing if len(row) > 1 and len(row[0]) <= 8 else 0
        for x, text, spacing in [(36, row[0], spread)] + [
                (first_column + index * column_width, cell, 0) for index, cell in enumerate(row[1:])]:
            line = page.beginText(x, y)
            line.setFont(FONT, font_size)
            line.setCharSpace(spacing)  # (a text state, kept from one text object to the next: set on each)
            text, _, mark = text.partition("^")
            line.textOut(text)
            if mark:
                line.setFont(FONT, font_size * 2 / 3)
                line.setRise(mark_rise)
                line.textOut(mark)
                line.setRise(0)
            page.drawText(line)
        y -= font_size + 5
    foot()
    page.save()
    return buffer.getvalue()


def blank_pdf() -> bytes:
    """A 'scan': a page with a drawing and no text layer."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(50, 50, 400, 600, fill=1)
    page.save()
    return buffer.getvalue()


def pdf_with_pictures(lines: list[str], pictures: int, picture: bytes) -> bytes:
    """A report whose tables are pictures: its lines of text, then ``pictures`` copies of ``picture`` (PNG)."""
    from reportlab.lib.utils import ImageReader

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    y = 800
    for line in lines:
        page.setFont(FONT, 12)
        page.drawString(36, y, line)
        y -= 20
    for _ in range(pictures):
        y -= 110
        page.drawImage(ImageReader(io.BytesIO(picture)), 36, y, width=400, height=100)
    page.save()
    return buffer.getvalue()
