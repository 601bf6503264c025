"""A report inside a wrapper: a gzip-compressed file (a crawler that saved the bytes a
server sent compressed, whatever it asked for) or a ZIP archive (a report published as a
.zip attachment). The one document inside is unpacked, within a limit, and read as the
file it is; an archive of several documents is not guessed at.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass

from .decode import binary_detail, damaged_detail
from .package import MAX_XML_BYTES, ZIP_ENCRYPTED, ZIP_ERRORS, ZIP_MAGIC, PartTooLarge, member

GZIP_MAGIC: bytes = b"\x1f\x8b"
_EMPTY_ZIP_MAGIC: bytes = b"PK\x05\x06"
# A report unpacks to well under this; a compressed bomb does not (the limit of a package's part).
MAX_UNPACKED_BYTES: int = MAX_XML_BYTES
# What an archive holds beside its documents and is no document: a Mac's and Windows'
# folder records, and the pictures, styles and scripts of a page saved whole.
_SYSTEM_FILES: frozenset[str] = frozenset((".ds_store", "thumbs.db", "desktop.ini"))
_PICTURES: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".svg", ".ico")
_PAGE_RESOURCES: tuple[str, ...] = (*_PICTURES, ".css", ".js")
# An office document is a ZIP too (a .pptx, an .odt): known by these parts, it is no archive.
_OFFICE_PARTS: frozenset[str] = frozenset(("[Content_Types].xml", "mimetype"))
_MAX_NAMES_SHOWN: int = 8
# The ZIP flag bit of a UTF-8 name.
_UTF8_NAME: int = 0x800


@dataclass(frozen=True)
class Unpacked:
    data: bytes | None  # the document's bytes (None: see problem)
    name: str  # the document's name: its suffix says how to read it, as a raw file's does
    told: str  # what was unpacked from what, for the file's issue
    problem: str | None = None
    detail: str = ""


def wrapper_kind(data: bytes) -> str | None:
    """"gzip" or "zip" for a wrapper (a ZIP that an earlier test of formats.sniff_format did
    not take for a Word, OFD or workbook package), else None."""
    if data.startswith(GZIP_MAGIC):
        return "gzip"
    if data.startswith((ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        return "zip"
    return None


def unpack(data: bytes, kind: str, source_path: str) -> Unpacked:
    return gunzip(data, source_path) if kind == "gzip" else unzip(data)


def gunzip(data: bytes, source_path: str) -> Unpacked:
    """The file a gzip stream holds, named as the raw file without its .gz suffix (a page
    saved compressed keeps its own name). A stream cut short gives what it holds, as a
    page cut short does (the parser tells where its tables stop); a damaged one nothing."""
    name = posixpath.basename(source_path)
    stem, suffix = posixpath.splitext(name)
    if suffix.lower() in (".gz", ".gzip", ".tgz"):
        name = stem + (".tar" if suffix.lower() == ".tgz" else "")
    inflater = zlib.decompressobj(wbits=31)
    try:
        content = inflater.decompress(data, MAX_UNPACKED_BYTES + 1)
    except zlib.error as damaged:
        return Unpacked(None, name, "", "unreadable_archive", f"a gzip file that is damaged ({damaged})")
    if len(content) > MAX_UNPACKED_BYTES:
        return Unpacked(None, name, "", "unreadable_archive",
                        f"a gzip file that unpacks to over {MAX_UNPACKED_BYTES:,} bytes")
    cut = "" if inflater.eof else f", cut short: the first {len(content):,} bytes it holds"
    return Unpacked(content, name, f"unpacked from a gzip file{cut}")


def unzip(data: bytes) -> Unpacked:
    """The one document a ZIP archive holds (its folders, system files and a saved page's
    pictures, styles and scripts aside)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except ZIP_ERRORS as damaged:
        return Unpacked(None, "", "", "unreadable_archive",
                        damaged_detail(damaged, "a ZIP archive that cannot be opened: "))
    names = [member_name(info) for info in members]
    if _OFFICE_PARTS.intersection(names):
        return Unpacked(None, "", "", "binary_file", binary_detail(data))
    documents = [(name, info) for name, info in zip(names, members) if not _set_aside(name)]
    if not documents and any(name.lower().endswith(_PICTURES) for name in names):
        return Unpacked(None, "", "", "no_text_layer", f"a ZIP archive of pictures and no document ({_listed(names)}): "
                        "scanned pages are not read (no OCR)")
    if not documents:
        shown = f" ({_listed(names)})" if names else ""
        return Unpacked(None, "", "", "empty_file", f"a ZIP archive holding no document{shown}")
    if len(documents) > 1:
        return Unpacked(None, "", "", "archive_of_many_files",
                        f"a ZIP archive of {len(documents)} documents ({_listed([name for name, _ in documents])}): "
                        "which is the report is not guessed")
    name, info = documents[0]
    if info.flag_bits & ZIP_ENCRYPTED:
        return Unpacked(None, name, "", "unreadable_archive", f"a ZIP archive whose {name} is encrypted (password-protected)")
    try:
        content = member(archive, info, f"a ZIP archive whose {name}")
    except PartTooLarge as too_large:  # (before ZIP_ERRORS, which holds its ValueError; each its own name for mypyc)
        return Unpacked(None, name, "", "unreadable_archive", str(too_large))
    except ZIP_ERRORS as broken:
        return Unpacked(None, name, "", "unreadable_archive",
                        damaged_detail(broken, f"a ZIP archive whose {name} cannot be unpacked: "))
    others = len(names) - 1
    besides = f" (beside {others} {'file' if others == 1 else 'files'} that are no document: {_listed([n for n in names if n != name])})" if others else ""
    return Unpacked(content, name, f"{name} unpacked from a ZIP archive{besides}")


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its writer meant it: a ZIP made on Chinese Windows names its files
    in GBK without the UTF-8 flag, which the zipfile module reads as code page 437."""
    if info.flag_bits & _UTF8_NAME:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return info.filename


def _set_aside(name: str) -> bool:
    base = posixpath.basename(name).lower()
    return (name.startswith("__MACOSX/") or base in _SYSTEM_FILES or base.startswith("._")
            or base.endswith(_PAGE_RESOURCES))


def _listed(names: list[str]) -> str:
    shown = sorted(names)[:_MAX_NAMES_SHOWN]
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")
