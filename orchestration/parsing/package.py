"""A ZIP package of XML parts (a Word .docx, an OFD document): known by the names of
its parts, and each part unpacked within a limit and parsed without fetching anything."""

from __future__ import annotations

import zipfile
import zlib
from functools import lru_cache

ZIP_MAGIC: bytes = b"PK\x03\x04"
# A ZIP names each part in a header before its bytes, and all of them again in its
# directory at the end: a package's parts are found in either, a cut-short one's in its
# first bytes.
_SNIFF_BYTES: int = 65536
# A report's XML part is well under 10 MB unpacked; a compressed bomb is not.
MAX_XML_BYTES: int = 64 * 1024 * 1024

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
