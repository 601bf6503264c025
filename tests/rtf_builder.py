"""Write RTF files as Word and other writers do: an HTML page's headings, paragraphs and
tables; Chinese as \\'xx escapes of GBK bytes, as \\uN, or as the bytes themselves; merged
cells as RTF marks them, or (as Word writes a merge across) as one wider cell."""

from __future__ import annotations

from lxml import html as lxml_html

from .docx_builder import placed_cells

HEADER = r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 \'cb\'ce\'cc\'e5;}}" + "\n" + r"\uc1\pard\f0\fs21 "


def rtf_from_html(page: str, characters: str = "escaped", merge_across: str = "marked") -> bytes:
    """``characters``: escaped, unicode or raw; ``merge_across``: marked (\\clmgf, \\clmrg) or wide."""
    out = [HEADER]
    for element in lxml_html.document_fromstring(page).body:
        if element.tag == "table":
            out.append(_table(element, characters, merge_across))
        else:
            text = " ".join(element.text_content().split())
            if text:
                out.append(r"\pard " + _text(text, characters) + r"\par" + "\n")
    out.append("}")
    document = "".join(out)
    return document.encode("gb18030") if characters == "raw" else document.encode("ascii")


def _text(text: str, characters: str) -> str:
    out = []
    for char in text:
        if char in "\\{}":
            out.append("\\" + char)
        elif ord(char) < 128 or characters == "raw":
            out.append(char)
        elif characters == "unicode":
            code = ord(char)
            out.append(f"\\u{code - 65536 if code > 32767 else code}?")
        else:
            out.append("".join(f"\\'{byte:02x}" for byte in char.encode("gb18030")))
    return "".join(out)


def _table(table, characters: str, merge_across: str) -> str:
    height, width, placed = placed_cells(table)
    # each grid position: (marks, text) of the cell there
    grid: list[list[tuple[str, str] | None]] = [[None] * width for _ in range(height)]
    for r, column, rowspan, colspan, text in placed:
        for i in range(rowspan):
            for j in range(colspan):
                down = "" if rowspan == 1 else (r"\clvmgf" if i == 0 else r"\clvmrg")
                across = "" if colspan == 1 else (r"\clmgf" if j == 0 else r"\clmrg")
                grid[r + i][column + j] = (down + across, text if i == j == 0 else "")
    out = []
    for r, row in enumerate(grid):
        cells = []
        for column, cell in enumerate(row):
            marks, text = cell or ("", "")
            if merge_across == "wide" and r"\clmrg" in marks:
                cells[-1] = (cells[-1][0], cells[-1][1], (column + 1) * 600)  # the cell before grows
                continue
            cells.append((marks.replace(r"\clmgf", "") if merge_across == "wide" else marks, text, (column + 1) * 600))
        out.append(r"\trowd\trgaph108" + "".join(f"{marks}\\cellx{right}" for marks, _, right in cells) + "\n")
        out.append(r"\pard\intbl " + "".join(_text(text, characters) + r"\cell " for _, text, _ in cells) + r"\row" + "\n")
    return "".join(out) + r"\pard" + "\n"
