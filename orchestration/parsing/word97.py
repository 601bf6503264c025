"""A Word 97-2003 document (.doc, Word's binary format) to the report's text, laid out as
word.py lays out a .docx: a line per paragraph, a markdown row per table row, a cell
spanning columns in its first position with the others left blank, a cell merged down
blank below its first row.

Reports are still published as .doc attachments, many of them. olefile reads the file's
compound container; what is inside is read here after Microsoft's [MS-DOC], as no
library on the package registry does without a program outside Python: the piece table
gives the document's characters (UTF-16, or one byte each), and the paragraph properties
say which cell mark ends a row and how wide each cell is; the character properties, which
characters are set raised (a note's mark beside a figure, read in brackets: "5[1]") or
hidden (not read). Only the main text and text boxes are read: headers, footers and notes
hold no figure.
"""

from __future__ import annotations

import io
import re
import struct
from bisect import bisect_right
from functools import lru_cache

from .decode import BINARY_ADVICE, damaged_detail
from .text import bracketed_mark, markdown_row, paragraph_lines

OLE2_MAGIC: bytes = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_STREAM: str = "WordDocument"
# An Excel workbook's stream: BIFF8 (Excel 97 on, WPS .et) or BIFF5 (Excel 5 and 95).
WORKBOOK_STREAMS: tuple[str, ...] = ("Workbook", "Book")
_DATA_STREAM: str = "Data"
_STREAMS: tuple[str, ...] = (_WORD_STREAM, "0Table", "1Table", _DATA_STREAM)
_FIB_IDENT: int = 0xA5EC
# Word 97 and every later version write 0x00C1 or more here; Word 6 and 95 (a format
# without the piece table where it is looked for here) wrote 101-105.
_FIRST_NFIB: int = 0xC1
_ENCRYPTED: int = 0x0100
_TABLE_STREAM_1: int = 0x0200
# The positions of what is read in FibRgLw97 (character counts of the stories) and in
# FibRgFcLcb97 (offset and size pairs into the table stream).
_CCP_TEXT: int = 3
_CCP_STORIES_BEFORE_TEXT_BOXES: tuple[int, ...] = (4, 5, 7, 8)  # footnotes, headers, comments, endnotes (6 is unused)
_CCP_TEXT_BOXES: int = 9
_FC_PLCF_BTE_CHPX: int = 12
_FC_PLCF_BTE_PAPX: int = 13
_FC_CLX: int = 33
_FKP_SIZE: int = 512
_COMPRESSED: int = 0x40000000

# Paragraph properties (sprms) read: in a table, ends a row (TTP); the table depth, and in a
# table inside a cell, ends a cell or a row; a row's cells; where too many properties are kept.
_SPRM_IN_TABLE: int = 0x2416
_SPRM_ROW_END: int = 0x2417
_SPRM_DEPTH: int = 0x6649  # (itap: 2 or more inside a table in a cell)
_MAX_DEPTH: int = 64
_SPRM_INNER_CELL: int = 0x244B
_SPRM_INNER_ROW_END: int = 0x244C
_SPRM_DEF_TABLE: int = 0xD608
_SPRM_VERT_MERGE: int = 0xD62B
_SPRM_HUGE_PAPX: int = 0x6646
_SPRM_CHANGE_TABS: int = 0xC615
# Character properties (sprms) read: superscript or subscript (sprmCIss: 1 or 2), a position
# raised or lowered by half-points (sprmCHpsPos; LibreOffice writes a page's <sup> so), hidden
# text (sprmCFVanish: on, or the opposite of the style's, which is taken for off).
_SPRM_SUPERSCRIPT_OR_SUBSCRIPT: int = 0x2A48
_SPRM_POSITION: int = 0x4845
_SPRM_HIDDEN: int = 0x083C
_HIDDEN_ON: frozenset[int] = frozenset((1, 0x81))
_SET_RAISED: int = 1  # (superscript or subscript)
_PLACED_RAISED: int = 2  # (raised or lowered by points: a mark only beside a figure)
_HIDDEN: int = 3  # (not shown, not printed: not read; read, "5" and a hidden "3" were 53)
# An operand's size by the sprm's top three bits (spra); 0: a size byte first.
_OPERAND_SIZES: tuple[int, ...] = (1, 1, 2, 4, 2, 2, 0, 3)
# A cell merged down from the row above (TC80's vertMerge: 1; 3 starts a merge).
_VERT_MERGE_CONTINUES: int = 1
_TC80_SIZE: int = 20
# Cell edges closer than this (twips: a 20th of a point; 30 is about half a millimetre,
# narrower than any column) are one column's edge.
_SAME_EDGE_TWIPS: int = 30

# Characters that end or mark something: a paragraph, a cell or row, a line or page
# break, a field's start, separator and end; and what holds no text (pictures, notes'
# and comments' anchors), or is one (hyphens, a no-break space).
_PARAGRAPH_END: str = "\r"
_CELL_MARK: str = "\x07"
_FIELD_START: str = "\x13"
_FIELD_SEPARATOR: str = "\x14"
_FIELD_END: str = "\x15"
# An inline picture's mark, outside a field or in the result of one that shows a picture or an
# object (a sheet pasted in is one); a field's code has one for the field's data, and a text box
# or shape written as a field (SHAPE) its picture for old readers: not counted. A floating
# picture's anchor (\x08) is a text box's or a shape's too: not counted.
_PICTURE: str = "\x01"
_PICTURE_FIELDS: frozenset[str] = frozenset(("INCLUDEPICTURE", "EMBED"))
_SPECIAL = re.compile("[\r\x07\x13\x14\x15]")
_REPLACED: dict[int, str | None] = {
    0x0B: "\n", 0x0C: "\n", 0x0E: "\n", 0x1E: "-", 0x1F: None, 0xA0: " ",
    0x01: None, 0x02: None, 0x03: None, 0x04: None, 0x05: None, 0x08: None,
}


class _Unreadable(ValueError):
    pass


def is_ole2(data: bytes) -> bool:
    """A compound file (Word .doc, WPS, Excel .xls, PowerPoint .ppt ...), known by its first bytes."""
    return data.startswith(OLE2_MAGIC)


def holds_workbook(data: bytes) -> bool | None:
    """Whether a compound file holds an Excel workbook (.xls, WPS's .et) and no Word document
    (a Word document may hold a workbook inside, as an embedded object's: not at its root);
    None when its directory cannot be read (cut short, damaged)."""
    found = compound_file(data)
    return None if found.problem else not found.word and bool(found.workbook_name)


def read_doc(data: bytes) -> tuple[str | None, str | None, str, int]:
    """The document's text; or None, an issue code and why (``binary_file`` for a compound
    file holding no Word document: a presentation, an encrypted package); and how many pictures its
    text shows."""
    found = compound_file(data)
    if found.problem:
        return None, "unreadable_doc", found.problem, 0
    if not found.word:
        return None, "binary_file", found.other, 0
    if found.streams_problem:
        return None, "unreadable_doc", found.streams_problem, 0
    return read_streams(found.streams)


class Compound:
    """What the parse reads of a compound file, from one opening of it (compound_file)."""

    def __init__(self) -> None:
        self.problem: str = ""  # why its directory could not be read ("": it could)
        self.word: bool = False  # whether a Word document is at its root
        self.workbook_name: str = ""  # the name of the workbook stream at its root ("": none)
        self.other: str = ""  # what it is, holding no Word document (binary_file's message)
        self.streams: dict[str, bytes] = {}  # the Word document's streams and the workbook's, by name
        self.streams_problem: str = ""  # why they could not be read
        self.summary: dict[int, object] | None = None  # its summary properties (the title's), if read


SUMMARY_STREAM: str = "\x05SummaryInformation"
# The last file's (its sniffing, its reading and its title's share one opening).
_LAST_COMPOUND: list[tuple[bytes, Compound]] = []


def compound_file(data: bytes) -> Compound:
    """``data``'s compound file, opened once a file: the format's sniffing, the document's or
    workbook's reading and the title property each opened it (60-80 µs a time, 5-8% of a .doc's
    or .xls's parse). Kept until the next file's or forget_compound."""
    if _LAST_COMPOUND and _LAST_COMPOUND[0][0] is data:
        return _LAST_COMPOUND[0][1]
    found = _read_compound(data)
    _LAST_COMPOUND[:] = [(data, found)]
    return found


def forget_compound() -> None:
    """Let the last compound file's streams go (formats.extract, when the file is read)."""
    _LAST_COMPOUND.clear()


def _read_compound(data: bytes) -> Compound:
    found = Compound()
    try:
        container = olefile_module().OleFileIO(io.BytesIO(data))
        with container:
            found.word = container.exists(_WORD_STREAM)
            found.workbook_name = next((name for name in WORKBOOK_STREAMS if container.exists(name)), "")
            if not found.word:
                found.other = _other_compound_file(container)
            _read_streams(container, found)
    except Exception as broken:  # noqa: BLE001 - olefile raises what its parsing meets
        found.problem = damaged_detail(broken)
    return found


def _read_streams(container, found: Compound) -> None:
    """``found``'s streams and summary properties, each failing on its own: a damaged stream
    leaves the directory read, and a damaged property set the document."""
    names = (*(_STREAMS if found.word else ()), *((found.workbook_name,) if found.workbook_name else ()))
    try:
        found.streams = {name: container.openstream(name).read() for name in names if container.exists(name)}
    except Exception as unread:  # noqa: BLE001 - olefile raises what its parsing meets
        found.streams_problem = damaged_detail(unread)
    try:
        if container.exists(SUMMARY_STREAM):
            found.summary = container.getproperties(SUMMARY_STREAM, convert_time=False)
    except Exception:  # noqa: BLE001 - a damaged property set fails anywhere; the text is read without it
        found.summary = None


def read_streams(streams: dict[str, bytes]) -> tuple[str | None, str | None, str, int]:
    """read_doc's answer from the document's streams, by name."""
    try:
        text, pictures = _document_text(streams)
    except _Unreadable as unreadable:  # (each exception its own name: mypyc types a name once)
        return None, "unreadable_doc", str(unreadable), 0
    except Exception as damaged:  # noqa: BLE001 - a damaged stream fails anywhere in it
        return None, "unreadable_doc", damaged_detail(damaged), 0
    if not text:
        return None, "empty_file", "the Word document holds no text (only images, a scan?)", 0
    return text, None, "", pictures


_OTHER_STREAMS: tuple[tuple[str, str], ...] = (
    # (a .docx, .xlsx or .pptx with a password to open is its package, encrypted, in a compound file)
    ("EncryptedPackage", "a password-protected Office file (a .docx, .xlsx or .pptx encrypted to open)"),
    ("PowerPoint Document", "a PowerPoint file (.ppt)"),
)


def _other_compound_file(container) -> str:
    kind = next((name for stream, name in _OTHER_STREAMS if container.exists(stream)),
                "an OLE2 compound file with no Word document in it")
    return kind + BINARY_ADVICE


def _document_text(streams: dict[str, bytes]) -> tuple[str, int]:
    """The text of the main story and the text boxes, and how many pictures they show."""
    word = streams[_WORD_STREAM]
    if len(word) < 0x200 or _u16(word, 0) != _FIB_IDENT:
        raise _Unreadable("its WordDocument stream does not start as a Word document's does (damaged?)")
    if _u16(word, 2) < _FIRST_NFIB:
        raise _Unreadable("a Word 6 or Word 95 document, a format not read: save it as .docx or .doc (Word 97-2003)")
    flags = _u16(word, 0x0A)
    if flags & _ENCRYPTED:
        raise _Unreadable("the Word document is password-protected (encrypted)")
    table_name = "1Table" if flags & _TABLE_STREAM_1 else "0Table"
    if table_name not in streams:
        raise _Unreadable(f"its {table_name} stream is missing (damaged?)")
    table = streams[table_name]
    data_stream = streams.get(_DATA_STREAM, b"")

    position = 32
    position += 2 + 2 * _u16(word, position)  # (FibRgW97)
    counts_at = position + 2
    position += 2 + 4 * _u16(word, position)  # (FibRgLw97)
    pairs = _u16(word, position)
    pairs_at = position + 2
    if pairs <= _FC_CLX:
        raise _Unreadable("its file information block is too short (damaged?)")

    def count(index: int) -> int:
        return max(0, struct.unpack_from("<i", word, counts_at + 4 * index)[0])

    def pair(index: int) -> tuple[int, int]:
        return struct.unpack_from("<II", word, pairs_at + 8 * index)

    pieces = _pieces(table, *pair(_FC_CLX))
    paragraphs = _Paragraphs(word, table, data_stream, *pair(_FC_PLCF_BTE_PAPX))
    set_apart = _CharacterRuns(word, table, *pair(_FC_PLCF_BTE_CHPX))
    main = count(_CCP_TEXT)
    text_boxes_at = main + sum(count(index) for index in _CCP_STORIES_BEFORE_TEXT_BOXES)
    lines: list[str] = []
    pictures = 0
    for start, end in ((0, main), (text_boxes_at, text_boxes_at + count(_CCP_TEXT_BOXES))):
        if end > start:
            story = _Story(paragraphs, set_apart, lines)
            story.read(_characters(word, pieces, start, end))
            pictures += story.pictures
    return ("\n".join(lines) + "\n" if lines else ""), pictures


def _pieces(table: bytes, at: int, size: int) -> list[tuple[int, int, int, bool]]:
    """The piece table: (first character position, end, offset in WordDocument, one byte a character)."""
    end = at + size
    if size == 0 or end > len(table):
        raise _Unreadable("its piece table is missing or past the end of its table stream (damaged?)")
    while at < end and table[at] == 1:  # (property lists of the pieces come first: skipped)
        size_of_list = struct.unpack_from("<h", table, at + 1)[0]
        if size_of_list < 0:  # (a damaged size would step back, or stay, for ever)
            raise _Unreadable("its piece table's property lists are damaged")
        at += 3 + size_of_list
    if at >= end or table[at] != 2:
        raise _Unreadable("its piece table is not where its file information block says (damaged?)")
    plc_size = _u32(table, at + 1)
    plc = at + 5
    n = (plc_size - 4) // 12
    if n <= 0 or plc + plc_size > len(table):
        raise _Unreadable("its piece table is cut short (damaged?)")
    positions = struct.unpack_from(f"<{n + 1}I", table, plc)
    pieces = []
    for k in range(n):
        offset = _u32(table, plc + 4 * (n + 1) + 8 * k + 2)
        compressed = bool(offset & _COMPRESSED)
        offset &= _COMPRESSED - 1
        pieces.append((positions[k], positions[k + 1], offset // 2 if compressed else offset, compressed))
    return pieces


def _characters(word: bytes, pieces: list[tuple[int, int, int, bool]], start: int, end: int) -> list[tuple[str, int, int]]:
    """The story's characters from ``start`` to ``end``, a piece at a time: (its text, the
    offset of its first character in WordDocument, bytes a character)."""
    out = []
    for first, last, offset, compressed in pieces:
        first_in, last_in = max(first, start), min(last, end)
        if first_in >= last_in:
            continue
        width = 1 if compressed else 2
        at = offset + (first_in - first) * width
        raw = word[at : at + (last_in - first_in) * width]
        out.append((raw.decode("cp1252" if compressed else "utf-16-le", errors="replace"), at, width))
    return out


class _Properties:
    """What is read of a paragraph's properties: its table depth (0 out of tables), whether
    its mark ends a row (a table's first level: TTP) or, in a table inside a cell, a cell
    or a row, and for a row's end the row's cell edges and vertical merges."""

    def __init__(self, depth: int, row_end: bool, inner_cell_end: bool, inner_row_end: bool,
                 cells: tuple[list[int], list[int]] | None) -> None:
        self.depth = depth
        self.row_end = row_end
        self.inner_cell_end = inner_cell_end
        self.inner_row_end = inner_row_end
        self.cells = cells


_NO_PROPERTIES: _Properties = _Properties(0, False, False, False, None)


class _Paragraphs:
    """The properties of the paragraph a mark ends, found by the mark's offset in WordDocument."""

    def __init__(self, word: bytes, table: bytes, data_stream: bytes, at: int, size: int) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.properties: list[_Properties] = []
        if size < 12 or at + size > len(table):
            raise _Unreadable("its paragraph properties are missing (damaged?)")
        n = (size - 4) // 8
        runs = []
        for k in range(n):
            page = _u32(table, at + 4 * (n + 1) + 4 * k) & 0x3FFFFF
            fkp = word[page * _FKP_SIZE : (page + 1) * _FKP_SIZE]
            if len(fkp) < _FKP_SIZE:
                raise _Unreadable("its paragraph properties are past the end of the document (cut short?)")
            count = fkp[_FKP_SIZE - 1]
            for j in range(count):
                offset = fkp[4 * (count + 1) + 13 * j] * 2
                runs.append((_u32(fkp, 4 * j), _u32(fkp, 4 * j + 4),
                             _paragraph_properties(fkp, offset, data_stream) if offset else _NO_PROPERTIES))
        runs.sort(key=lambda run: run[0])
        for start, end, properties in runs:
            self.starts.append(start)
            self.ends.append(end)
            self.properties.append(properties)

    def at(self, offset: int) -> _Properties:
        k = bisect_right(self.starts, offset) - 1
        if k < 0 or offset >= self.ends[k]:
            return _NO_PROPERTIES
        return self.properties[k]


class _CharacterRuns:
    """The runs of characters set raised or hidden, by their offsets in WordDocument (the
    character properties' FKPs: [MS-DOC] PlcBteChpx, ChpxFkp); none when they cannot be read
    (the text is read as it is)."""

    def __init__(self, word: bytes, table: bytes, at: int, size: int) -> None:
        runs: list[tuple[int, int, int]] = []
        n = (size - 4) // 8
        if size >= 12 and at + size <= len(table):
            for k in range(n):
                page = _u32(table, at + 4 * (n + 1) + 4 * k) & 0x3FFFFF
                fkp = word[page * _FKP_SIZE : (page + 1) * _FKP_SIZE]
                if len(fkp) < _FKP_SIZE:
                    break
                count = fkp[_FKP_SIZE - 1]
                for j in range(min(count, (_FKP_SIZE - 5) // 5)):
                    offset = fkp[4 * (count + 1) + j] * 2
                    how = _set_apart(fkp, offset + 1, min(offset + 1 + fkp[offset], _FKP_SIZE - 1)) if offset else 0
                    if how:
                        runs.append((_u32(fkp, 4 * j), _u32(fkp, 4 * j + 4), how))
        runs.sort()
        self.starts = [start for start, _, _ in runs]
        self.runs = runs

    def pieces(self, text: str, offset: int, width: int) -> list[tuple[str, int, int]]:
        """``text`` (its first character at ``offset``) cut where raised or hidden runs start
        and end: (a part, its offset, 0 or how it is set apart)."""
        if not self.runs:
            return [(text, offset, 0)]
        end = offset + len(text) * width
        k = max(0, bisect_right(self.starts, offset) - 1)
        out: list[tuple[str, int, int]] = []
        at = 0  # (characters of text given out)
        while k < len(self.runs) and self.runs[k][0] < end:
            start, stop, how = self.runs[k]
            k += 1
            first = max(0, -(-(start - offset) // width))
            last = min(len(text), -(-(stop - offset) // width))
            if last <= first or last <= at:
                continue
            first = max(first, at)
            if first > at:
                out.append((text[at:first], offset + at * width, 0))
            out.append((text[first:last], offset + first * width, how))
            at = last
        if at < len(text):
            out.append((text[at:], offset + at * width, 0))
        return out


def _set_apart(grpprl: bytes, at: int, end: int) -> int:
    """How a run's character properties (sprms, ``grpprl[at:end]``) set it apart: hidden,
    raised, or 0 (not)."""
    how = 0
    hidden = False
    while at + 2 <= end:
        sprm = _u16(grpprl, at)
        at += 2
        size = _OPERAND_SIZES[sprm >> 13]
        if size == 0:  # (a size byte, then the operand)
            size = 1 + (grpprl[at] if at < end else 0)
        if sprm == _SPRM_SUPERSCRIPT_OR_SUBSCRIPT and at < end:
            how = _SET_RAISED if grpprl[at] in (1, 2) else 0
        elif sprm == _SPRM_POSITION and at + 2 <= end and how != _SET_RAISED:
            how = _PLACED_RAISED if _u16(grpprl, at) else 0
        elif sprm == _SPRM_HIDDEN and at < end:
            hidden = grpprl[at] in _HIDDEN_ON
        at += size
    return _HIDDEN if hidden else how


def _paragraph_properties(fkp: bytes, offset: int, data_stream: bytes) -> _Properties:
    size = fkp[offset]
    if size:
        start, end = offset + 1, offset + 2 * size
    else:
        start, end = offset + 2, offset + 2 + 2 * fkp[offset + 1]
    return _read_sprms(fkp, start + 2, min(end, len(fkp)), data_stream)  # (after the style's index)


def _read_sprms(grpprl: bytes, at: int, end: int, data_stream: bytes) -> _Properties:
    in_table = row_end = inner_cell_end = inner_row_end = False
    depth = -1
    edges: list[int] = []
    merges: list[int] = []
    while at + 2 <= end:
        sprm = _u16(grpprl, at)
        at += 2
        size = _OPERAND_SIZES[sprm >> 13]
        if sprm == _SPRM_DEF_TABLE:
            operand_size = _u16(grpprl, at) + 1
        elif size == 0:
            operand_size = grpprl[at] + 1 if at < end else 1
            if sprm == _SPRM_CHANGE_TABS and at < end and grpprl[at] == 255:
                break  # (a form of tab stops after a paragraph's table properties: nothing more read)
        else:
            operand_size = size
        operand = at
        at += operand_size
        if at > end:
            break
        if sprm == _SPRM_IN_TABLE:
            in_table = grpprl[operand] != 0
        elif sprm == _SPRM_ROW_END:
            row_end = grpprl[operand] != 0
        elif sprm == _SPRM_INNER_CELL:
            inner_cell_end = grpprl[operand] != 0
        elif sprm == _SPRM_INNER_ROW_END:
            inner_row_end = grpprl[operand] != 0
        elif sprm == _SPRM_DEPTH:
            depth = min(_u32(grpprl, operand), _MAX_DEPTH)
        elif sprm == _SPRM_DEF_TABLE:
            edges, merges = _row_cells(grpprl, operand + 2, at)
        elif sprm == _SPRM_VERT_MERGE and grpprl[operand] >= 2 and grpprl[operand + 1] < len(merges):
            merges[grpprl[operand + 1]] = grpprl[operand + 2]
        elif sprm == _SPRM_HUGE_PAPX:
            # (properties too large for their page are in the Data stream: its size, then them)
            huge = _u32(grpprl, operand)
            if huge + 2 <= len(data_stream):
                return _read_sprms(data_stream, huge + 2, min(huge + 2 + _u16(data_stream, huge), len(data_stream)), b"")
    if depth < 0:
        depth = 1 if in_table else 0
    return _Properties(depth, row_end, inner_cell_end, inner_row_end, (edges, merges) if edges else None)


def _row_cells(grpprl: bytes, at: int, end: int) -> tuple[list[int], list[int]]:
    """A row's cell edges (twips, one more than its cells) and each cell's vertical merge."""
    cells = grpprl[at]
    edges = list(struct.unpack_from(f"<{cells + 1}h", grpprl, at + 1)) if at + 3 + 2 * cells <= end else []
    merges = []
    described = at + 1 + 2 * (cells + 1)
    for cell in range(cells):
        flags_at = described + _TC80_SIZE * cell
        merges.append((_u16(grpprl, flags_at) >> 5) & 3 if flags_at + 2 <= end else 0)
    return edges, merges


class _Table:
    """A table being read: its rows (each cell a list of blocks: a paragraph's text, or a
    table inside the cell), the row and cell being read."""

    def __init__(self) -> None:
        self.rows: list[tuple[list[list[str | _Table]], tuple[list[int], list[int]] | None]] = []
        self.row: list[list[str | _Table]] = []
        self.cell: list[str | _Table] = []


class _Field:
    """A field being read: its code first (left out of the text), then its result."""

    def __init__(self) -> None:
        self.in_code = True
        self.kind = ""  # its code's first word ("HYPERLINK", "SHAPE" ...)


class _Story:
    """A story's characters to lines and markdown rows, a paragraph or cell at a time."""

    def __init__(self, paragraphs: _Paragraphs, set_apart: _CharacterRuns, lines: list[str]) -> None:
        self.paragraphs = paragraphs
        self.set_apart = set_apart
        self.lines = lines
        self.text: list[str] = []  # the paragraph being read
        self.mark: list[str] = []  # the raised characters before the text's next (bracketed_mark)
        self.tables: list[_Table] = []  # the tables the paragraph is in, outermost first
        self.fields: list[_Field] = []  # the open fields, innermost last
        self.pictures = 0  # inline pictures in the text, and objects embedded (a sheet pasted as one)

    def read(self, characters: list[tuple[str, int, int]]) -> None:
        for piece, piece_offset, width in characters:
            for text, offset, how in self.set_apart.pieces(piece, piece_offset, width):
                at = 0
                for special in _SPECIAL.finditer(text):
                    position = special.start()
                    self._add(text[at:position], how)
                    self._mark(special.group(), offset + position * width)
                    at = position + 1
                self._add(text[at:], how)
        self._mark(_PARAGRAPH_END, -1)  # (a story's last paragraph mark, were it missing)

    def _add(self, text: str, how: int = 0) -> None:
        if not text or how == _HIDDEN:
            return
        field = self.fields[-1] if self.fields else None
        if field is not None and field.in_code:
            if not field.kind and text.strip():
                field.kind = text.split(maxsplit=1)[0].upper()
            return
        if field is None or field.kind in _PICTURE_FIELDS:
            self.pictures += text.count(_PICTURE)
        text = text.translate(_REPLACED)
        if how == _SET_RAISED or (how == _PLACED_RAISED and (self.mark or (self.text and self.text[-1][-1:].isdecimal()))):
            self.mark.append(text)
            return
        self._end_mark()
        self.text.append(text)

    def _end_mark(self) -> None:
        if self.mark:
            self.text.append(bracketed_mark("".join(self.mark)))
            self.mark = []

    def _mark(self, mark: str, offset: int) -> None:
        self._end_mark()
        if mark == _FIELD_START:
            self.fields.append(_Field())
            return
        if mark == _FIELD_SEPARATOR:
            if self.fields:
                self.fields[-1].in_code = False
            return
        if mark == _FIELD_END:
            if self.fields:
                self.fields.pop()
            return
        properties = self.paragraphs.at(offset)
        depth = properties.depth
        self._at_depth(depth)
        text = "".join(self.text)
        self.text = []
        if depth == 0:
            paragraph_lines(text, self.lines)
            return
        table = self.tables[-1]
        if depth == 1:
            row_end = mark == _CELL_MARK and properties.row_end
            cell_end = mark == _CELL_MARK and not row_end
        else:
            row_end = properties.inner_row_end
            cell_end = properties.inner_cell_end or mark == _CELL_MARK
        if row_end:
            if text.strip() or table.cell:  # (a row's end is a paragraph of its own, after its last cell's)
                table.cell.append(text)
                table.row.append(table.cell)
                table.cell = []
            table.rows.append((table.row, properties.cells))
            table.row = []
        else:
            table.cell.append(text)
            if cell_end:
                table.row.append(table.cell)
                table.cell = []

    def _at_depth(self, depth: int) -> None:
        """Close the tables deeper than ``depth`` (one in a cell becomes a block of that
        cell; an outermost one is written out), and open those a paragraph at ``depth`` is in."""
        while len(self.tables) > depth:
            table = self.tables.pop()
            if table.cell or table.row:  # (a row whose end mark is missing: cut short)
                table.row.append(table.cell)
                table.rows.append((table.row, None))
                table.cell, table.row = [], []
            if self.tables:
                self.tables[-1].cell.append(table)
            else:
                _table_lines(table, self.lines)
        while len(self.tables) < depth:
            self.tables.append(_Table())


def _table_lines(table: _Table, lines: list[str]) -> None:
    """A table as markdown rows, laid out on its columns; a table holding tables (a page's
    layout) as its cells' paragraphs and tables in order, as word.py reads one."""
    if any(isinstance(block, _Table) for cells, _ in table.rows for cell in cells for block in cell):
        for cells, _ in table.rows:
            for cell in cells:
                for block in cell:
                    if isinstance(block, _Table):
                        _table_lines(block, lines)
                    else:
                        paragraph_lines(block, lines)
        return
    # The table's columns: every row's cell edges, those a few twips apart taken as one
    # (writers round the widths of merged cells their own way).
    grid: list[int] = []
    for edge in sorted({edge for _, edges in table.rows if edges for edge in edges[0]}):
        if not grid or edge - grid[-1] > _SAME_EDGE_TWIPS:
            grid.append(edge)
    for cells, described in table.rows:
        texts = [" ".join(" ".join(block for block in cell if isinstance(block, str)).split()) for cell in cells]
        row: list[str] = []
        if described and len(described[0]) == len(texts) + 1:
            edges, merges = described
            columns = [bisect_right(grid, edge + _SAME_EDGE_TWIPS) - 1 for edge in edges]
            row.extend([""] * columns[0])
            for k, text in enumerate(texts):
                row.append("" if k < len(merges) and merges[k] == _VERT_MERGE_CONTINUES else text)
                row.extend([""] * (columns[k + 1] - columns[k] - 1))
        else:
            row = texts
        if any(row):
            lines.append(markdown_row(row))


def _u16(data: bytes, at: int) -> int:
    return struct.unpack_from("<H", data, at)[0]


def _u32(data: bytes, at: int) -> int:
    return struct.unpack_from("<I", data, at)[0]


@lru_cache(maxsize=1)
def olefile_module():
    """olefile, imported by the first .doc or .xls, not by every process that imports the parser."""
    import olefile

    return olefile
