"""The title a document's properties give (File > Properties > Title in Word, WPS and
Excel; a PDF's document information; an OFD's DocInfo), for the metadata where the text
names no organ or year (a cover set as a picture, a body without its title): Word and WPS
fill it from the document's first line, and a PDF printer from the file's name
("Microsoft Word - 甲县教育局2022年…报告.doc"). One the author never set names nothing
("文档1", "Document1") and is read for nothing.

Each reader is given the file's bytes and answers None when the title is not there or
cannot be read: the title is no part of the text, so a damaged property never fails a file.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import Any

from .decode import superset
from .package import MAX_XML_BYTES, etree, part, xml_parser
from .rtf import CODE_PAGE, read_rtf
from .word97 import compound_file

TITLE_SHOWN: int = 300  # (characters kept of a title, or of what a page's head names: formats._page_head)

_DUBLIN_CORE_TITLE: str = "{http://purl.org/dc/elements/1.1/}title"
_RDF_ITEM: str = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li"
# The package part holding a ZIP document's title, and the title's element.
_ZIP_TITLES: dict[str, tuple[str, str]] = {
    "docx": ("docProps/core.xml", _DUBLIN_CORE_TITLE),
    "xlsx": ("docProps/core.xml", _DUBLIN_CORE_TITLE),
    "ods": ("meta.xml", _DUBLIN_CORE_TITLE),
    "ofd": ("OFD.xml", "{*}Title"),  # (DocBody/DocInfo/Title, GB/T 33190)
}
_OLE_KINDS: frozenset[str] = frozenset(("doc", "xls"))
# Word 2003's and Excel 2003's XML keep it in <o:DocumentProperties><o:Title>.
_OFFICE_2003_KINDS: frozenset[str] = frozenset(("wordml", "spreadsheetml"))
_OFFICE_2003_PROPERTIES: bytes = b"DocumentProperties"  # (the start tag's name: the first found)
_OFFICE_2003_TITLE = re.compile(rb"<(?:\w+:)?Title>([^<]{1,4000})</(?:\w+:)?Title>")
_PROPERTIES_WITHIN: int = 8192  # (bytes after the properties' start where their title is)
# An RTF's {\info{\title …}} group.
_RTF_INFO: bytes = b"{\\info"
_RTF_TITLE: bytes = b"{\\title"
_RTF_INFO_WITHIN: int = 4096
_RTF_TITLE_LENGTH: int = 4000

# An OLE2 property set's code page (PIDSI_CODEPAGE) and title (PIDSI_TITLE).
_PID_CODEPAGE: int = 1
_PID_TITLE: int = 2
_UNICODE_CODE_PAGES: dict[int, str] = {1200: "utf-16-le", 65001: "utf-8"}

TITLED: frozenset[str] = frozenset((*_ZIP_TITLES, *_OLE_KINDS, *_OFFICE_2003_KINDS, "rtf"))


def document_title(data: bytes, kind: str) -> str | None:
    """The title ``data``'s properties give (``kind``: formats.read_as's answer; not a PDF's,
    read with its pages: pdf_title), its white space collapsed; None when it has none."""
    try:
        if kind in _ZIP_TITLES:
            title = _zip_title(data, kind)
        elif kind in _OLE_KINDS:
            title = _ole_title(data)
        elif kind in _OFFICE_2003_KINDS:
            title = _office_2003_title(data)
        elif kind == "rtf":
            title = _rtf_title(data)
        else:
            title = None
    except Exception:  # noqa: BLE001 - a damaged property part fails anywhere; the text was read
        return None
    return shown_title(title)


def pdf_title(document: Any) -> str | None:
    """The title a PDF (pdfminer's PDFDocument) gives: its document information's, else its
    XMP metadata's (PDF 2.0 deprecates the document information); the XMP's too where the
    information's is in ASCII and the XMP's is not (a tool that rewrote the information left
    its placeholder, "untitled", beside the Chinese title the XMP kept)."""
    info = info_title(document.info)
    if info and not info.isascii():
        return info
    xmp = _xmp_title(document.catalog.get("Metadata"))
    return xmp if xmp and (not info or not xmp.isascii()) else info


def info_title(info: list[dict[str, Any]]) -> str | None:
    """The title a PDF's document information dictionaries (pdfminer's ``doc.info``) give.
    The PDF format's own encodings are UTF-16 with its mark and PDFDocEncoding; Chinese tools
    also write the title's GBK bytes, or UTF-8, as they are."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    for dictionary in info:
        value = resolve1(dictionary.get("Title"))
        if isinstance(value, bytes):
            if value.startswith((b"\xfe\xff", b"\xff\xfe")):
                return shown_title(value.decode("utf-16", errors="replace"))
            if value.isascii():
                return shown_title(decode_text(value))
            for encoding in ("utf-8", "gb18030"):
                try:
                    return shown_title(value.removeprefix(b"\xef\xbb\xbf").decode(encoding))
                except UnicodeDecodeError:
                    continue
            return shown_title(decode_text(value))
        if isinstance(value, str):
            return shown_title(value)
    return None


def _xmp_title(metadata: Any) -> str | None:
    """dc:title's first alternative in a PDF's XMP metadata stream (``metadata``: the catalog's
    reference to it), or None."""
    from pdfminer.pdftypes import PDFStream, resolve1

    stream = resolve1(metadata)
    if not isinstance(stream, PDFStream):
        return None
    data = stream.get_data()
    if not data or len(data) > MAX_XML_BYTES:
        return None
    found = next(etree().fromstring(data.strip(), xml_parser()).iter(_DUBLIN_CORE_TITLE), None)
    if found is None:
        return None
    first = next(found.iter(_RDF_ITEM), None)  # (one title a language: the first, x-default by the spec)
    return shown_title("".join((found if first is None else first).itertext()))


def shown_title(title: str | None) -> str | None:
    """``title`` as the metadata reads it (its white space and NULs collapsed, its start), or
    None when nothing is left."""
    if not title:
        return None
    said = " ".join(title.replace("\x00", " ").split())[:TITLE_SHOWN]
    return said or None


def _zip_title(data: bytes, kind: str) -> str | None:
    name, tag = _ZIP_TITLES[kind]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if name not in archive.NameToInfo:
            return None
        root = etree().fromstring(part(archive, name), xml_parser())
    found = next(root.iter(tag), None)
    return "".join(found.itertext()) if found is not None else None


def _ole_title(data: bytes) -> str | None:
    properties = compound_file(data).summary
    if properties is None:
        return None
    title = properties.get(_PID_TITLE)
    if isinstance(title, str):  # (olefile decodes a VT_LPWSTR)
        return title
    if not isinstance(title, bytes):
        return None
    code_page = properties.get(_PID_CODEPAGE)
    number = code_page & 0xFFFF if isinstance(code_page, int) else 1252  # (a signed short: 65001 reads -535)
    encoding = _UNICODE_CODE_PAGES.get(number) or superset(f"cp{number}")
    try:
        return title.decode(encoding, errors="replace")
    except LookupError:
        return title.decode("cp1252", errors="replace")


def _office_2003_title(data: bytes) -> str | None:
    start = data.find(_OFFICE_2003_PROPERTIES)
    if start < 0:
        return None
    found = _OFFICE_2003_TITLE.search(data, start, start + _PROPERTIES_WITHIN)
    return html.unescape(found.group(1).decode("utf-8", errors="replace")) if found else None


def _rtf_title(data: bytes) -> str | None:
    """The title group's text, read as the file's text is (rtf.read_rtf: its code page, its
    escapes), from a file of that group alone."""
    info = data.find(_RTF_INFO)
    start = data.find(_RTF_TITLE, info, info + _RTF_INFO_WITHIN) if info >= 0 else -1
    if start < 0:
        return None
    start += len(_RTF_TITLE)
    depth = 0
    end = start
    limit = min(len(data), start + _RTF_TITLE_LENGTH)
    while end < limit:
        byte = data[end]
        if byte == 0x5C:  # (a backslash: the next byte is escaped or starts a control word)
            end += 2
            continue
        if byte == 0x7B:
            depth += 1
        elif byte == 0x7D:
            if depth == 0:
                break
            depth -= 1
        end += 1
    declared = CODE_PAGE.search(data[:4096])
    header = b"{\\rtf1\\ansi" + (b"\\ansicpg" + declared.group(1) if declared else b"") + b" "
    text, _, _ = read_rtf(header + data[start:end] + b"}")
    return text
