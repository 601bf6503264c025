"""An OFD document (GB/T 33190-2016: China's fixed-layout format for official documents,
published beside a PDF or in its place) to the report's text, laid out as a PDF's is:
each character placed where the page shows it, a line of them a line of text, and
characters far apart on a line set apart as cells (" | "), so the digits of neighbouring
cells never run together.

An OFD file is a ZIP of XML parts. OFD.xml names each document's Document.xml, which
lists its pages' content parts; a page's text objects each hold text codes, a code placed
at a point of its object's box and each of its characters after the last by the code's
DeltaX (else by the character's own width), through the object's CTM when it has one.
Template pages (a page's running header and footer), annotations and signatures are left
out, as a Word document's headers and notes are. No library on the package registry reads
OFD text with positions (the ones there render pages to images or PDF), hence this reader.
"""

from __future__ import annotations

import io
import posixpath
import unicodedata
import zipfile
from bisect import bisect_left

from .decode import damaged_detail
from .package import ZIP_ERRORS, PartTooLarge, etree, names, part, xml_parser
from .text import RAISED_MARK_SIZE, bracketed_mark, spread_letters

_ROOT: str = "OFD.xml"
_DOC_ROOT: str = "{*}DocRoot"
_PAGE: str = "{*}Page"
_CONTENT: str = "{*}Content"
_TEXT_OBJECT: str = "{*}TextObject"
_IMAGE_OBJECT: str = "{*}ImageObject"
_TEXT_CODE: str = "{*}TextCode"
# Distances on the page, in millimetres (OFD's unit): characters whose baselines are this
# close are one line; a gap this wide between two characters is a space, this wide a cell's
# edge (PDF's 1.5 and 6 points, formats.py).
_LINE_TOLERANCE_MM: float = 1.0
_WORD_GAP_MM: float = 0.53
_CELL_GAP_MM: float = 2.1
# A character's size when its text object gives none (a common body text's, 10.5 points).
_DEFAULT_SIZE_MM: float = 3.7

# (baseline, left, right, character, size; a mark's: its figure's baseline, and its size negative)
_Placed = tuple[float, float, float, str, float]


def is_ofd(data: bytes) -> bool:
    """A ZIP holding OFD.xml, known by its bytes alone (sites serve it under a download link's name)."""
    return names(data, _ROOT.encode(), _ROOT.encode())


def read_ofd(data: bytes) -> tuple[list[str] | None, str | None, str, int]:
    """Each page's text; or None, an issue code and why; and how many pictures the pages show."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _pages(archive)
    except KeyError as missing:  # (each exception its own name: mypyc types a name once)
        return None, "unreadable_ofd", damaged_detail(missing, "a part it names is missing: "), 0
    except PartTooLarge as too_large:
        return None, "unreadable_ofd", str(too_large), 0
    except ZIP_ERRORS as damaged:
        return None, "unreadable_ofd", damaged_detail(damaged), 0
    except Exception as broken:  # noqa: BLE001 - lxml's syntax errors, and what a damaged part breaks
        return None, "unreadable_ofd", damaged_detail(broken, guess="damaged?"), 0


def _pages(archive: zipfile.ZipFile) -> tuple[list[str], None, str, int]:
    pages: list[str] = []
    pictures = 0
    root = _xml(archive, _ROOT)
    for doc_root in root.iter(_DOC_ROOT):
        location = _located("", doc_root.text or "")
        document = _xml(archive, location)
        folder = posixpath.dirname(location)
        for page in document.iter(_PAGE):
            base = page.get("BaseLoc")
            if not base:
                continue
            text, shown = _page(_xml(archive, _located(folder, base)))
            pages.append(text)
            pictures += shown
    return pages, None, "", pictures


def _xml(archive: zipfile.ZipFile, name: str):
    return etree().fromstring(part(archive, name), xml_parser())


def _located(folder: str, location: str) -> str:
    """A part's name in the ZIP: a location is from the package's root when it starts with /,
    else from the folder of the part naming it."""
    location = location.strip().replace("\\", "/")
    if location.startswith("/"):
        return posixpath.normpath(location).lstrip("/")
    return posixpath.normpath(posixpath.join(folder, location)).lstrip("/")


def _page(content) -> tuple[str, int]:
    """A page's text, a line per line of characters, and how many pictures it shows."""
    placed: list[_Placed] = []
    pictures = 0
    for layers in content.iter(_CONTENT):
        for element in layers.iter(_TEXT_OBJECT, _IMAGE_OBJECT):
            if element.tag.endswith("ImageObject"):
                pictures += 1
            else:
                _text_object(element, placed)
    return _lines(placed), pictures


def _text_object(element, placed: list[_Placed]) -> None:
    box = _numbers(element.get("Boundary"))
    if len(box) < 4:
        return
    left, top = box[0], box[1]
    size = (_numbers(element.get("Size")) or [box[3] or _DEFAULT_SIZE_MM])[0]
    matrix = _numbers(element.get("CTM"))
    a, b, c, d, e, f = matrix if len(matrix) == 6 else [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    scale = abs(a) or 1.0
    x = y = 0.0
    for code in element.iter(_TEXT_CODE):
        given_x, given_y = code.get("X"), code.get("Y")
        if given_x is not None:
            x = _number(given_x, x)
        if given_y is not None:
            y = _number(given_y, y)
        advances = _advances(code.get("DeltaX"))
        for index, character in enumerate(code.text or ""):
            width = size if unicodedata.east_asian_width(character) in ("W", "F") else size / 2
            if not character.isspace():
                at = left + a * x + c * y + e
                placed.append((top + b * x + d * y + f, at, at + width * scale, character, size * scale))
            x += advances[index] if index < len(advances) else width


def _marks_placed(placed: list[_Placed]) -> list[_Placed]:
    """The characters, those of a note's mark (a character smaller than a figure's digit by
    text.RAISED_MARK_SIZE, just after it and over or under it, and the characters of its size
    that follow it) placed on the figure's baseline, told by a negative size. Where they were, they joined the
    figure ("5" and a raised "1": 51) or made a line of their own."""
    anchors = sorted((character for character in placed if character[3].isdecimal()), key=lambda p: p[2])
    ends = [anchor[2] for anchor in anchors]
    out: list[_Placed] = []
    marks: list[tuple[_Placed, float]] = []  # (marks being read: the last character as placed, its own baseline)
    for character in sorted(placed, key=lambda p: p[1]):
        baseline, left, right, text, size = character
        marks = [(mark, own) for mark, own in marks if left - mark[2] <= _WORD_GAP_MM]
        going_on = next((k for k, (mark, own) in enumerate(marks) if abs(baseline - own) <= _LINE_TOLERANCE_MM / 4
                         and abs(-mark[4] - size) <= size / 10 and left - mark[2] >= -_WORD_GAP_MM / 4), -1)
        if going_on >= 0:
            placed_as = (marks[going_on][0][0], left, right, text, -size)
            marks[going_on] = (placed_as, baseline)
            out.append(placed_as)
            continue
        position = bisect_left(ends, left - _WORD_GAP_MM)
        while position < len(ends) and ends[position] <= left + _WORD_GAP_MM / 4:
            figure = anchors[position]
            position += 1
            if size < figure[4] * RAISED_MARK_SIZE and abs(figure[0] - baseline) < figure[4] and figure[1] < left:
                character = (figure[0], left, right, text, -size)
                marks.append((character, baseline))
                break
        out.append(character)
    return out


def _lines(placed: list[_Placed]) -> str:
    """Characters to lines, as formats._page_text lays a PDF's words out."""
    lines: list[list[_Placed]] = []
    for character in sorted(_marks_placed(placed), key=lambda p: (round(p[0]), p[1])):
        if lines and abs(lines[-1][0][0] - character[0]) <= _LINE_TOLERANCE_MM:
            lines[-1].append(character)
        else:
            lines.append([character])
    out: list[str] = []
    for line in lines:
        line.sort(key=lambda p: p[1])
        parts = [line[0][3]]
        joined = spread_letters([(character[1], character[2], character[3]) for character in line])
        mark: list[str] = []
        for index in range(1, len(line)):
            if line[index][4] < 0:  # (_marks_placed's)
                mark.append(line[index][3])
                continue
            if mark:
                parts.append(bracketed_mark("".join(mark)))
                mark = []
            gap = line[index][1] - line[index - 1][2]
            parts.append(("" if joined[index - 1] or gap <= _WORD_GAP_MM else " | " if gap > _CELL_GAP_MM else " ")
                         + line[index][3])
        if mark:
            parts.append(bracketed_mark("".join(mark)))
        out.append("".join(parts))
    return "\n".join(out)


def _advances(delta_x: str | None) -> list[float]:
    """DeltaX's advances, each character's after the first: numbers, and "g N D" for N times D."""
    if not delta_x:
        return []
    tokens = delta_x.replace(",", " ").split()
    advances: list[float] = []
    index = 0
    try:
        while index < len(tokens):
            if tokens[index] == "g" and index + 2 < len(tokens):
                advances.extend([float(tokens[index + 2])] * min(int(tokens[index + 1]), 100_000))
                index += 3
            else:
                advances.append(float(tokens[index]))
                index += 1
    except ValueError:
        pass  # (a damaged list: the advances read so far, then each character's width)
    return advances


def _numbers(value: str | None) -> list[float]:
    if not value:
        return []
    try:
        return [float(token) for token in value.replace(",", " ").split()]
    except ValueError:
        return []


def _number(value: str, default: float) -> float:
    try:
        return float(value)
    except ValueError:
        return default
