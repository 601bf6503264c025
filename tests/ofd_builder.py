"""Write OFD documents (GB/T 33190-2016) as converters write them: OFD.xml naming a
Document.xml that lists the pages, each page's Content.xml holding text objects placed in
millimetres on an A4 page. A table's row is a text object a cell (as most converters
write one), or the whole row one text code whose DeltaX carries the gaps between its
cells; optionally every object scaled by a CTM, a template page with a running header of
its own figures, and pictures (image objects)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

NAMESPACE = "http://www.ofdspec.org/2016"
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def ofd_from_rows(rows: list[list[str]], *, size: float = 2.5, first_column: float = 122.0, column_width: float = 9.2,
                  one_code_a_row: bool = False, scale: float | None = None, header: str | None = None,
                  pictures: int = 0, rows_a_page: int = 60, label_spread: float = 0.0, mark_rise: float = 0.8,
                  title: str = "年度报告") -> bytes:
    """Each row: a label (or a line of text) at the left, figures in fixed columns (PDF builder's layout);
    ``label_spread`` (mm) spreads a table row's label of up to eight characters across its cell; a
    cell's text after "^" is a note's mark, set ``mark_rise`` mm up (down: below 0); ``title``: DocInfo's."""
    pages = [rows[start : start + rows_a_page] for start in range(0, len(rows), rows_a_page)] or [[]]
    parts: dict[str, str] = {
        "OFD.xml": (f'{_HEAD}<ofd:OFD xmlns:ofd="{NAMESPACE}" Version="1.1" DocType="OFD"><ofd:DocBody>'
                    f"<ofd:DocInfo><ofd:DocID>0c1d2e3f</ofd:DocID><ofd:Title>{escape(title)}</ofd:Title></ofd:DocInfo>"
                    "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"),
    }
    template = '<ofd:TemplatePage ID="900" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if header else ""
    listed = "".join(f'<ofd:Page ID="{index + 1}" BaseLoc="Pages/Page_{index}/Content.xml"/>' for index in range(len(pages)))
    parts["Doc_0/Document.xml"] = (
        f'{_HEAD}<ofd:Document xmlns:ofd="{NAMESPACE}"><ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID>'
        f"<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>{template}</ofd:CommonData>"
        f"<ofd:Pages>{listed}</ofd:Pages></ofd:Document>")
    if header:
        parts["Doc_0/Tpls/Tpl_0/Content.xml"] = _page([_object(header, 80, 10, size, scale)])
    for index, page in enumerate(pages):
        objects: list[str] = []
        y = 20.0
        for row in page:
            objects += _row(row, y, size, first_column, column_width, one_code_a_row, scale, label_spread, mark_rise)
            y += size + 1.8
        if index == len(pages) - 1:
            for _ in range(pictures):
                objects.append(f'<ofd:ImageObject ID="1" Boundary="12 {y:.2f} 180 40" ResourceID="77"/>')
                y += 42
        use = '<ofd:Template TemplateID="900" ZOrder="Background"/>' if header else ""
        parts[f"Doc_0/Pages/Page_{index}/Content.xml"] = _page(objects, use)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml.encode("utf-8"))
    return buffer.getvalue()


def _page(objects: list[str], use: str = "") -> str:
    return (f'{_HEAD}<ofd:Page xmlns:ofd="{NAMESPACE}">{use}<ofd:Content><ofd:Layer ID="2" Type="Body">'
            f"{''.join(objects)}</ofd:Layer></ofd:Content></ofd:Page>")


def _width(text: str, size: float) -> float:
    return sum(size if ord(character) > 0x2E7F else size / 2 for character in text)


def _object(text: str, x: float, y: float, size: float, scale: float | None, delta_x: str = "") -> str:
    """A text object at (x, y): its box, and one text code at its baseline."""
    box = f"{x:.2f} {y:.2f} {max(_width(text, size), size):.2f} {size * 1.3:.2f}"
    deltas = f' DeltaX="{delta_x}"' if delta_x else ""
    if scale is None:
        return (f'<ofd:TextObject ID="1" Boundary="{box}" Font="3" Size="{size}">'
                f'<ofd:TextCode X="0" Y="{size}"{deltas}>{escape(text)}</ofd:TextCode></ofd:TextObject>')
    # (the object's own units scaled onto the page: a converter's habit for condensed text)
    local = size / scale
    if delta_x:
        deltas = ' DeltaX="' + " ".join(token if token == "g" or "." not in token else f"{float(token) / scale:.4f}"
                                        for token in delta_x.split()) + '"'
    return (f'<ofd:TextObject ID="1" Boundary="{box}" Font="3" Size="{local:.4f}" CTM="{scale} 0 0 {scale} 0 0">'
            f'<ofd:TextCode X="0" Y="{local:.4f}"{deltas}>{escape(text)}</ofd:TextCode></ofd:TextObject>')


def _row(row: list[str], y: float, size: float, first_column: float, column_width: float, one_code_a_row: bool,
         scale: float | None, label_spread: float = 0.0, mark_rise: float = 0.0) -> list[str]:
    label, cells = row[0], row[1:]
    if not one_code_a_row or not cells:
        spread = label_spread if cells and len(label) <= 8 else 0.0
        deltas = _runs([f"{_width(character, size) + spread:.4f}" for character in label[:-1]]) if spread else ""
        objects = [_object(label, 12, y, size, scale, deltas)] if label else []
        for index, cell in enumerate(cells):
            cell, _, mark = cell.partition("^")
            if cell:
                objects.append(_object(cell, first_column + index * column_width, y, size, scale))
            if mark:  # (a note's mark: two thirds of the size, ``mark_rise`` mm up, as Word sets a superscript)
                objects.append(_object(mark, first_column + index * column_width + _width(cell, size), y - mark_rise,
                                       size * 2 / 3, scale))
        return objects
    # One code: each character's advance its width, the last of the label's and of each cell's
    # the way to the next cell's start (DeltaX "g N D": N advances of D).
    text, advances, x = "", [], 12.0
    start = 12.0 if label else first_column
    pieces = ([(label, 12.0)] if label else []) + [
        (cell, first_column + index * column_width) for index, cell in enumerate(cells) if cell]
    for number, (piece, at) in enumerate(pieces):
        if number:
            advances.append(f"{at - x:.4f}")
        for character in piece[:-1]:
            advances.append(f"{_width(character, size):.4f}")
        text += piece
        x = at + _width(piece[:-1], size)
    return [_object(text, start, y, size, scale, _runs(advances))]


def _runs(advances: list[str]) -> str:
    """DeltaX as converters write it: a run of equal advances as "g N D"."""
    out: list[str] = []
    index = 0
    while index < len(advances):
        end = index
        while end < len(advances) and advances[end] == advances[index]:
            end += 1
        out += ["g", str(end - index), advances[index]] if end - index > 1 else [advances[index]]
        index = end
    return " ".join(out)
