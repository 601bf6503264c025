"""A Word document (.docx) to the report's text, laid out as an HTML page's is: a
line per paragraph, a markdown row per table row, and a merged cell's other
positions left blank, so the figures keep their columns.

Reports are often published as Word attachments. python-docx reads them, but it
gives a merged cell's text again in every position the cell covers (a figure
merged down two rows would be counted twice), so the document's XML is walked
here with lxml. Only the body is read: headers, footers and notes hold no figure.
"""

from __future__ import annotations

import io
import zipfile

from .decode import damaged_detail
from .package import (
    RAISED_ALIGNMENTS,
    ZIP_ERRORS,
    PartTooLarge,
    etree,
    local_member,
    names,
    part,
    without_a_cut_row,
    xml_document,
    xml_parser,
)
from .text import bracketed_mark, markdown_row, paragraph_lines

_DOCUMENT: str = "word/document.xml"

_W_NAMESPACE: bytes = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Word's "Strict Open XML" files name the same elements in another namespace.
_W_STRICT_NAMESPACE: bytes = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
# Word 2003's XML document ("Word XML Document", one file, no ZIP): its body is written as a
# .docx's, in another namespace and with a cell merged down as w:vmerge. Office systems that fill
# a template with a report's figures (FreeMarker's Word export) serve it as .doc.
_W2003_NAMESPACE: bytes = b"http://schemas.microsoft.com/office/word/2003/wordml"
_W2003_ROOT: bytes = b"wordDocument"
_W2003_SNIFF_BYTES: int = 4096
_W: str = "{" + _W_NAMESPACE.decode() + "}"
_BODY: str = _W + "body"
_P: str = _W + "p"
_TBL: str = _W + "tbl"
_TR: str = _W + "tr"
_TC: str = _W + "tc"
_T: str = _W + "t"
_TAB: str = _W + "tab"
_R: str = _W + "r"
_RPR: str = _W + "rPr"
_VERT_ALIGN: str = _W + "vertAlign"
_POSITION: str = _W + "position"
_VANISH: str = _W + "vanish"  # (hidden text: not shown, not printed)
_OFF: frozenset[str | None] = frozenset(("0", "false", "off"))
_HIDDEN: int = 1
_RAISED: int = 2
_ON_THE_LINE: frozenset[str | None] = frozenset((None, "0"))
_BREAKS: frozenset[str] = frozenset((_W + "br", _W + "cr"))
_NO_BREAK_HYPHEN: str = _W + "noBreakHyphen"
_GRID_SPAN: str = _W + "gridSpan"
_GRID_BEFORE: str = _W + "gridBefore"
_V_MERGE: str = _W + "vMerge"
_V_MERGE_2003: str = _W + "vmerge"  # (once its namespace is a .docx's)
_VAL: str = _W + "val"
_ALT_CHUNK: str = _W + "altChunk"
_RELATIONSHIPS: str = "word/_rels/document.xml.rels"
_RELATIONSHIP: str = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_RELATIONSHIP_ID: str = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_FALLBACK: str = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# What holds no text of the page: properties (a paragraph's tab stops are w:tab too),
# deleted or moved-away text of tracked changes, and the copy of a drawing kept for
# old readers (mc:Fallback repeats a text box's text).
_SKIPPED: frozenset[str] = frozenset((
    _W + "pPr", _W + "rPr", _W + "tcPr", _W + "trPr", _W + "tblPr", _W + "tblGrid", _W + "sectPr",
    _W + "del", _W + "moveFrom",
    _FALLBACK,
))
# A picture: DrawingML's (a:blip) or VML's (v:imagedata, in older writers' files).
_PICTURES: tuple[str, ...] = (
    "{http://schemas.openxmlformats.org/drawingml/2006/main}blip", "{urn:schemas-microsoft-com:vml}imagedata",
)


def is_docx(data: bytes) -> bool:
    """A ZIP holding Word's parts, known by its bytes alone: sites serve .docx files as
    .doc or under a download link's name (and a file moved to another name keeps its format:
    corpus/moved.py)."""
    return names(data, b"word/", _DOCUMENT.encode())


def is_word2003(data: bytes) -> bool:
    """Word 2003's XML document, known by its bytes (saved as .doc, .xml or under a link's name)."""
    # (found in place, not in a copy of the first bytes: every file is asked)
    return data.find(_W2003_NAMESPACE, 0, _W2003_SNIFF_BYTES) >= 0 and data.find(_W2003_ROOT, 0, _W2003_SNIFF_BYTES) >= 0


def read_word2003(data: bytes) -> tuple[str | None, str | None, str, int, bool]:
    """The text of Word 2003's XML document, read as a .docx's body is; or None, an issue code
    and why; how many pictures it shows; and whether the file was cut short (its body read up
    to the cut: package.xml_document)."""
    try:
        root, cut = xml_document(data.replace(_W2003_NAMESPACE, _W_NAMESPACE), _W2003_ROOT)
    except etree().XMLSyntaxError as damaged:
        return None, "unreadable_docx", damaged_detail(damaged, "a Word 2003 XML document: ", "damaged?"), 0, False
    for merge in root.iter(_V_MERGE_2003):
        merge.tag = _V_MERGE
    if cut:
        without_a_cut_row(root, data, b"tr", _TR)
    text = _body_text(root)
    if text is None and cut:
        return None, "unreadable_docx", "the Word 2003 XML document is cut short before any of its text", 0, cut
    if text is None:
        return None, "empty_file", "the Word 2003 XML document holds no text (only images, a scan?)", 0, cut
    return text, None, "", _pictures(root), cut


def _body_text(root) -> str | None:
    """The document body's paragraphs and tables as lines, or None when it has none."""
    lines: list[str] = []
    body = root.find(_BODY)
    if body is not None:
        _blocks(body, lines)
    return "\n".join(lines) + "\n" if lines else None


def read_docx(data: bytes) -> tuple[str | None, str | None, str, bytes | None, int, str]:
    """The document's text; or None, an issue code and why; the page a document with no
    text of its own embeds in its place (``w:altChunk``: an HTML or web archive part, as
    office systems that write Word files from pages do), else None; how many pictures its
    body shows; and, last, how a file cut short was read ("" for a whole one)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        xml = part(archive, _DOCUMENT)
    except KeyError:
        return None, "unreadable_docx", f"a ZIP of Word's parts without {_DOCUMENT} (not a whole Word document)", None, 0, ""
    except PartTooLarge as too_large:  # (each exception its own name: mypyc types a name once)
        return None, "unreadable_docx", str(too_large), None, 0, ""
    except ZIP_ERRORS as damaged:
        return _cut_docx(data, damaged_detail(damaged))
    with archive:
        try:
            root = etree().fromstring(xml.replace(_W_STRICT_NAMESPACE, _W_NAMESPACE), xml_parser())
        except etree().XMLSyntaxError as error:
            return None, "unreadable_docx", damaged_detail(error, f"{_DOCUMENT}: ", "damaged?"), None, 0, ""
        text = _body_text(root)
        if text is not None:
            return text, None, "", None, _pictures(root), ""
        return (None, "empty_file", "the Word document holds no text (only images, a scan?)",
                _embedded_page(archive, root), 0, "")


def _cut_docx(data: bytes, unreadable: str) -> tuple[str | None, str | None, str, bytes | None, int, str]:
    """A .docx whose ZIP cannot be opened (``unreadable`` says why): one cut short, its directory
    lost, has its document part found by its local header (Word writes it among the first
    parts, so most cut files hold it whole), read up to the cut as Word 2003's XML is."""
    local = local_member(data, _DOCUMENT)
    if local is None:
        return None, "unreadable_docx", unreadable, None, 0, ""
    xml, whole = local
    try:
        root, cut = xml_document(xml.replace(_W_STRICT_NAMESPACE, _W_NAMESPACE), b"document")
    except etree().XMLSyntaxError:
        return None, "unreadable_docx", unreadable, None, 0, ""
    if cut or not whole:
        without_a_cut_row(root, xml, b"tr", _TR)
    text = _body_text(root)
    if text is None:
        return None, "unreadable_docx", unreadable, None, 0, ""
    how = ("its document part whole, found by its header (its other parts, styles and pictures, lost)" if whole and not cut
           else "its document part read up to the cut, a table row cut in two left out")
    return text, None, "", None, _pictures(root), f"the file ends before its ZIP does (a download cut short): {how}"



def _pictures(root) -> int:
    """The pictures the document shows, a picture's copy for old readers (mc:Fallback) not counted."""
    shown = sum(1 for _ in root.iter(*_PICTURES))
    return shown - sum(1 for fallback in root.iter(_FALLBACK) for _ in fallback.iter(*_PICTURES))


def _embedded_page(archive: zipfile.ZipFile, root) -> bytes | None:
    """The part ``w:altChunk`` names, or None (none named, or not to be read)."""
    chunk = next(root.iter(_ALT_CHUNK), None)
    if chunk is None:
        return None
    try:
        relationships = etree().fromstring(part(archive, _RELATIONSHIPS), xml_parser())
        target = next((relationship.get("Target") for relationship in relationships.iter(_RELATIONSHIP)
                       if relationship.get("Id") == chunk.get(_RELATIONSHIP_ID)), None)
        if not target:
            return None
        # (a target is relative to word/, or to the package's root when it starts with /)
        return part(archive, target[1:] if target.startswith("/") else "word/" + target)
    except (KeyError, PartTooLarge, etree().XMLSyntaxError, *ZIP_ERRORS):
        return None


def _blocks(element, lines: list[str]) -> None:
    """Paragraphs and tables in the order of the page, through the containers that wrap
    them (content controls, custom XML, tracked insertions)."""
    for child in element:
        tag = child.tag
        if tag == _P:
            _paragraph(child, lines)
        elif tag == _TBL:
            if next(child.iterdescendants(_TBL), None) is None:
                lines.extend(_table_rows(child))
            else:  # a table laying out other tables: its cells' contents as blocks
                for row in _own(child, _TR):
                    for cell in _own(row, _TC):
                        _blocks(cell, lines)
        elif tag not in _SKIPPED and len(child):
            _blocks(child, lines)


def _paragraph(paragraph, lines: list[str]) -> None:
    parts: list[str] = []
    _runs(paragraph, parts)
    paragraph_lines("".join(parts), lines)


def _runs(element, parts: list[str]) -> None:
    """The text of ``element``'s runs, in order; a paragraph nested in it (in a cell, a
    content control, a text box) set apart by line breaks; a raised run's (a note's mark
    beside a figure) in brackets, the runs of one mark together (text.bracketed_mark)."""
    raised: list[str] = []  # (the raised runs' text so far, until a run that is not)
    for child in element:
        tag = child.tag
        if tag == _R:
            shown = _shown(child, bool(raised) or (bool(parts) and parts[-1][-1:].isdecimal()))
            if shown == _HIDDEN:
                continue
            if shown == _RAISED:
                _runs(child, raised)
                continue
        if raised:
            parts.append(bracketed_mark("".join(raised)))
            raised.clear()
        if tag == _T:
            text = child.text
            if text:
                parts.append(text)
        elif tag == _TAB:
            parts.append("\t")
        elif tag in _BREAKS:
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag == _P:
            parts.append("\n")
            _runs(child, parts)
            parts.append("\n")
        elif tag not in _SKIPPED and len(child):
            _runs(child, parts)
    if raised:
        parts.append(bracketed_mark("".join(raised)))


def _shown(run, after_a_figure: bool) -> int:
    """How a run is shown: _HIDDEN (set hidden: Word shows and prints none of it; read, its
    text joined what was shown, "5" and a hidden "3": 53); _RAISED (superscript or subscript;
    or, after a figure, raised or lowered by points: LibreOffice writes a page's <sup> so, and
    a whole cell's text may be set so too); else 0."""
    properties = run.find(_RPR)
    if properties is None:
        return 0
    vanish = properties.find(_VANISH)
    if vanish is not None and vanish.get(_VAL) not in _OFF:
        return _HIDDEN
    align = properties.find(_VERT_ALIGN)
    if align is not None and align.get(_VAL) in RAISED_ALIGNMENTS:
        return _RAISED
    position = properties.find(_POSITION) if after_a_figure else None
    return _RAISED if position is not None and position.get(_VAL) not in _ON_THE_LINE else 0


def _table_rows(table) -> list[str]:
    """A table as markdown rows. A cell spanning columns (gridSpan) fills its first
    position and leaves the others empty, as does a cell merged down (vMerge: the cells
    it covers below are empty continuations), so no figure moves or repeats."""
    out: list[str] = []
    for row in _own(table, _TR):
        cells: list[str] = [""] * _property(row, _GRID_BEFORE)
        for cell in _own(row, _TC):
            span = _property(cell, _GRID_SPAN)
            if _continues_a_merge(cell):
                text = ""
            else:
                parts: list[str] = []
                _runs(cell, parts)
                text = " ".join("".join(parts).split())
            cells.append(text)
            cells.extend([""] * (span - 1))
        if any(cells):
            out.append(markdown_row(cells))
    return out


def _own(element, tag: str) -> list:
    """``element``'s rows or cells (``tag``), through the containers that may wrap them
    (a content control around a row), not those of a table inside it."""
    found = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag != _TBL and child.tag not in _SKIPPED and len(child):
            found.extend(_own(child, tag))
    return found


def _property(element, name: str) -> int:
    """A row's or cell's count property (gridBefore, gridSpan): 0 or 1 when absent."""
    properties = element.find(_W + ("trPr" if element.tag == _TR else "tcPr"))
    found = None if properties is None else properties.find(name)
    default = 0 if name == _GRID_BEFORE else 1
    if found is None:
        return default
    try:
        return max(default, min(int(found.get(_VAL) or default), 100))
    except ValueError:
        return default


def _continues_a_merge(cell) -> bool:
    properties = cell.find(_W + "tcPr")
    merge = None if properties is None else properties.find(_V_MERGE)
    return merge is not None and merge.get(_VAL, "continue") != "restart"
