"""A ZIP package of XML parts (a Word .docx, an OFD document): known by the names of
its parts, and each part unpacked within a limit and parsed without fetching anything; and a
one-file XML document (Word 2003's, an XML spreadsheet), read as far as it goes when cut short."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from functools import lru_cache
from typing import Any

ZIP_MAGIC: bytes = b"PK\x03\x04"
# A ZIP names each part in a header before its bytes, and all of them again in its
# directory at the end: a package's parts are found in either, a cut-short one's in its
# first bytes.
_SNIFF_BYTES: int = 65536
# A report's XML part is well under 10 MB unpacked; a compressed bomb is not.
MAX_XML_BYTES: int = 64 * 1024 * 1024
# A ZIP member's local header ([APPNOTE] 4.3.7): its signature, the flags, the compression,
# the sizes, the lengths of its name and extra field; then the name, the extra field, the data.
_LOCAL_HEADER: struct.Struct = struct.Struct("<4s2xHH8xII2H")
ZIP_ENCRYPTED: int = 0x1  # (a member's flag bit)
# Office Open XML's vertical alignments of a run set raised (w:vertAlign, a sheet's vertAlign).
RAISED_ALIGNMENTS: frozenset[str | None] = frozenset(("superscript", "subscript"))
_SIZES_AFTER: int = 0x8  # (a data descriptor follows the data: the header's sizes are 0)
_STORED: int = 0
_DEFLATED: int = 8
# A whole one-file XML document closes its root within this many bytes of its end (a line end,
# spaces, a comment).
_ROOT_CLOSED_WITHIN: int = 256

ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError,
)


class PartTooLarge(ValueError):
    pass


def names(data: bytes, start: bytes, anywhere: bytes) -> bool:
    """A ZIP whose first bytes name ``start`` or whose directory names ``anywhere``."""
    return data.startswith(ZIP_MAGIC) and (start in data[:_SNIFF_BYTES] or anywhere in data[-_SNIFF_BYTES:])


def part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A part of the package, unpacked, at most MAX_XML_BYTES (KeyError when it is not there)."""
    return member(archive, archive.getinfo(name), f"its {name}")


def member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str) -> bytes:
    """A file of a ZIP, unpacked, at most MAX_XML_BYTES: its header's size is checked first, and
    what it unpacks to as it is read (a header may lie); ``shown`` names it in the refusal."""
    if info.file_size > MAX_XML_BYTES:
        raise PartTooLarge(f"{shown} unpacks to {info.file_size:,} bytes (over {MAX_XML_BYTES:,})")
    with archive.open(info) as unpacking:
        content = unpacking.read(MAX_XML_BYTES + 1)
    if len(content) > MAX_XML_BYTES:
        raise PartTooLarge(f"{shown} unpacks to over {MAX_XML_BYTES:,} bytes")
    return content


@lru_cache(maxsize=1)
def etree():
    """lxml.etree, imported by the first page or package read, not by every process that
    imports the parser; and only then: an import statement in a compiled function goes
    through importlib at each call (6% of the time of a page)."""
    # (named apart from this function: compiled, an import in a function binds a module global)
    from lxml import etree as lxml_etree

    return lxml_etree


@lru_cache(maxsize=1)
def xml_parser():
    """No entity is expanded and nothing fetched: the XML comes from the web."""
    return etree().XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)


@lru_cache(maxsize=1)
def _recovering_parser():
    """xml_parser's, reading a document as far as it goes."""
    return etree().XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True, recover=True)


def xml_document(data: bytes, root: bytes) -> tuple[Any, bool]:
    """A one-file XML document's root element, and whether the file was cut short. One whose
    root (``root``: its name without a prefix) is not closed at its end, a download stopped
    early, is read up to its last whole tag (a figure cut in two is not read as a smaller one),
    by lxml's recovering parser; one damaged elsewhere raises its XMLSyntaxError."""
    try:
        return etree().fromstring(data, xml_parser()), False
    except etree().XMLSyntaxError as damaged:
        if re.search(rb"</(?:[\w.-]+:)?" + re.escape(root) + rb"\s*>", data[-_ROOT_CLOSED_WITHIN:]):
            raise
        error = damaged
    recovered = etree().fromstring(_whole_tags(data), _recovering_parser())
    if recovered is None:
        raise error
    return recovered, True


def without_a_cut_row(root, data: bytes, name: bytes, tag: str) -> None:
    """Leave out of a cut-short document (``data``, as xml_document read it into ``root``) the
    table row the cut fell in, its last ``name`` element (``tag`` in the tree), when the cut
    left it open: a row cut so has its first cells alone, and a row's cells are placed by their
    count."""
    if not _last_unclosed(data, name):
        return
    rows = list(root.iter(tag))
    if rows and rows[-1].getparent() is not None:
        rows[-1].getparent().remove(rows[-1])


def _last_unclosed(data: bytes, name: bytes) -> bool:
    """Whether a cut-short document's last ``name`` element (its name without a prefix) is open
    at its last whole tag."""
    whole = _whole_tags(data)
    opened = -1
    for opening in re.finditer(rb"<(?:[\w.-]+:)?" + re.escape(name) + rb"[\s/>]", whole):
        opened = opening.start()
    if opened < 0 or whole[whole.find(b">", opened) - 1:whole.find(b">", opened)] == b"/":
        return False  # (none, or the last one empty: <Row/>)
    return re.search(rb"</(?:[\w.-]+:)?" + re.escape(name) + rb"\s*>", whole[opened:]) is None


def _whole_tags(data: bytes) -> bytes:
    """A cut-short document up to its last whole tag: a text cut in two ("12" of "123") is
    left out with the rest."""
    return data[: data.rfind(b">") + 1]


def local_member(data: bytes, name: str) -> tuple[bytes, bool] | None:
    """A member of a ZIP cut short (its directory, at the end, lost), found by its local header:
    its bytes as far as they go (within MAX_XML_BYTES) and whether they are whole; or None
    (no such header, or not readable so: encrypted, another compression, damaged)."""
    wanted = name.encode()
    at = data.find(ZIP_MAGIC)
    while at >= 0 and at + _LOCAL_HEADER.size <= len(data):
        _, flags, method, compressed, _, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, at)
        start = at + _LOCAL_HEADER.size
        if data[start:start + name_length] == wanted:
            if flags & ZIP_ENCRYPTED or method not in (_STORED, _DEFLATED):
                return None
            body = start + name_length + extra_length
            sized = not flags & _SIZES_AFTER
            end = body + compressed if sized else len(data)
            if method == _STORED:
                return (data[body:min(end, body + MAX_XML_BYTES)], sized and end <= len(data)) if sized else None
            inflating = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                content = inflating.decompress(data[body:end], MAX_XML_BYTES + 1)
            except zlib.error:
                return None
            return (None if len(content) > MAX_XML_BYTES else (content, inflating.eof))
        at = data.find(ZIP_MAGIC, at + 4)
    return None
