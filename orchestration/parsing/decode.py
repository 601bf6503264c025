"""From the bytes of a raw file to text, or to the reason it cannot be read."""

from __future__ import annotations

import re
from dataclasses import dataclass

import charset_normalizer

UTF16_BOMS: tuple[bytes, bytes] = (b"\xff\xfe", b"\xfe\xff")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    *((bom, "utf-16") for bom in UTF16_BOMS),
)
# Share of characters that may be control or replacement characters before the
# decoded text is taken to be garbage.
_MAX_GARBAGE_SHARE = 0.02
# UTF-16 without a BOM (decode._utf16_without_bom): NUL bytes at one parity in more than this share
# of its first 4 KiB's characters (ASCII ones: digits, line ends), and this many times fewer at the
# other; or a few at one and none at the other (a short text nearly all Chinese, its line ends').
_UTF16_MIN_NULS = 0.08
_UTF16_NUL_PARITY = 4
_UTF16_MIN_NULS_ALONE = 0.02
_GARBAGE = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")
_GARBAGE_BYTES = bytes([*range(0x09), *range(0x0E, 0x20)])  # its control characters, in UTF-8
_REPLACEMENT_UTF8 = "\ufffd".encode()
_GB18030_SUBSETS: frozenset[str] = frozenset(("gb2312", "gbk", "gb_2312-80", "cp936"))


# What a binary file is, by its first bytes, so that a quarantined attachment says so
# (reports are often published as Word files, workbooks or ZIP archives; those are read: word.py,
# word97.py, workbook.py, archive.py): (magic, a name found in a ZIP's first 64 KiB or b"", what
# to call it). The first that fits is taken.
_BINARY_KINDS = (
    (b"PK\x03\x04", b"ppt/", "a PowerPoint file (.pptx)"),
    (b"PK\x03\x04", b"opendocument.text", "an OpenDocument text (.odt)"),
    (b"PK\x03\x04", b"opendocument.presentation", "an OpenDocument presentation (.odp)"),
    (b"PK\x03\x04", b"", "an office file's package (a ZIP of parts, not Word's, OFD's or a workbook's)"),
    (b"\x89PNG", b"", "a PNG image"),
    (b"\xff\xd8\xff", b"", "a JPEG image"),
    (b"GIF8", b"", "a GIF image"),
    (b"Rar!", b"", "a RAR archive"),
    (b"7z\xbc\xaf", b"", "a 7-Zip archive"),
)
BINARY_ADVICE: str = (
    ", not text: only text, HTML, PDF, OFD, Word (.docx, .doc), RTF and workbook (.xlsx, .xls, .et, .ods) files "
    "are read, and a gzip file or ZIP archive holding one; convert it (or unpack it) first"
)
# A quarantine's detail is read by a person in the issues table, not the whole text of an
# exception (lxml's and the ZIP reader's can run to pages).
DETAIL_CHARS: int = 300


# A character is at most four bytes in the encodings pages use (UTF-8, GB18030).
_MAX_CHARACTER_BYTES: int = 4
_CUT_SHORT: frozenset[str] = frozenset(("unexpected end of data", "incomplete multibyte sequence"))  # (the codecs' words)
# A text is taken in an encoding that fails on a few of its byte sequences when these are at most
# this share of its other non-ASCII characters: a title a site's system cut at a byte, a piece of
# a page in another encoding. Text in another encoding fails on most of its characters.
_MAX_BROKEN_SHARE: float = 0.01
_BROKEN_SHOWN: int = 3
_BROKEN_CONTEXT: int = 8  # characters shown on each side of a broken sequence
Told = tuple[tuple[str, str], ...]  # issues found in reading a file: (code, message)


@dataclass(frozen=True)
class Decoded:
    text: str | None
    encoding: str | None
    problem: str | None = None  # an issue code when the bytes cannot be used
    detail: str = ""
    told: Told = ()  # what the text is not quite the file's: a character cut short at its end, bytes not read


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a report's bytes; UTF-8 first (most pages), then the encoding a page declares
    (``declared``, when Python knows it and it fails on only a few byte sequences: no encoding
    decoded them all), then a detected encoding."""
    if not data.strip():
        return Decoded(None, None, "empty_file", "the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"), encoding)
    whole = strictly_decoded(data, "utf-8")
    if whole is not None:
        text, cut = whole
        return _checked(text, "utf-8", _utf8_garbage(data[:len(data) - cut]), cut_short(cut, "utf-8"))
    if data.find(0, 0, 4096) >= 0 and _utf16_without_bom(data) is None:
        return Decoded(None, None, "binary_file", binary_detail(data))
    for candidate in ("utf-8", declared):  # (UTF-8's multibyte sequences are rare by chance: a strong sign)
        try:
            mostly = leniently_decoded(data, candidate) if candidate else None
        except LookupError:  # (a declared encoding no codec knows)
            mostly = None
        if candidate and mostly is not None:
            return _checked(mostly[0], candidate, told=mostly[1])
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return _detected_past_broken_bytes(data)
    encoding = superset(best.encoding)
    return _checked(data.decode(encoding, errors="replace"), encoding)


def strictly_decoded(data: bytes, encoding: str) -> tuple[str, int] | None:
    """``data`` decoded as ``encoding`` with no error, or None; a file that ends inside a
    character (a download stopped early, at a byte, not at a character) is decoded without
    that character's first bytes, and their count is given."""
    try:
        return data.decode(encoding), 0
    except UnicodeDecodeError as error:
        cut = len(data) - error.start
        if error.reason not in _CUT_SHORT or error.end != len(data) or cut >= _MAX_CHARACTER_BYTES:
            return None
    try:
        return data[:len(data) - cut].decode(encoding), cut
    except UnicodeDecodeError:
        return None


def cut_short(count: int, encoding: str) -> Told:
    """The issue of a file that ends inside a character: a download stopped early, whose
    text (and tables) may stop anywhere before their end."""
    if not count:
        return ()
    last = "byte is" if count == 1 else f"{count} bytes are"
    message = (f"the file ends inside a character: its last {last} the start of one in {encoding} "
               "(a download cut short, whose text stops there)")
    return (("incomplete", message),)


def leniently_decoded(data: bytes, encoding: str) -> tuple[str, Told] | None:
    """``data`` decoded as ``encoding`` when only a few of its byte sequences fail (each read
    as U+FFFD, and told), else None."""
    text = data.decode(encoding, errors="replace")
    broken = text.count("\ufffd") - (data.count(_REPLACEMENT_UTF8) if encoding == "utf-8" else 0)
    if broken <= 0:
        return text, ()
    others = len(text) - len(text.encode("ascii", errors="ignore")) - broken
    if broken > others * _MAX_BROKEN_SHARE:
        return None
    shown: list[str] = []
    covered = 0
    at = text.find("\ufffd")
    while at >= 0 and len(shown) < _BROKEN_SHOWN:
        shown.append("“" + " ".join(text[max(0, at - _BROKEN_CONTEXT): at + _BROKEN_CONTEXT + 1].split()) + "”")
        covered += text.count("\ufffd", at, at + _BROKEN_CONTEXT + 1)
        at = text.find("\ufffd", at + _BROKEN_CONTEXT + 1)
    what = (f"a byte sequence that is not {encoding}, read as \ufffd" if broken == 1
            else f"{broken} byte sequences that are not {encoding}, each read as \ufffd")
    return text, (("invalid_bytes", f"{what}: {', '.join(shown)}" + (", and more" if covered < broken else "")),)


def _detected_past_broken_bytes(data: bytes) -> Decoded:
    """No encoding decodes every byte: detect the encoding of the bytes GB18030 (which takes
    nearly any pair of bytes, Big5's too) does decode, and take it if it fails on few."""
    clean = data.decode("gb18030", errors="ignore").encode("gb18030")
    best = charset_normalizer.from_bytes(clean).best() if clean != data and clean.strip() else None
    encoding = superset(best.encoding) if best is not None else ""
    mostly = leniently_decoded(data, encoding) if encoding else None
    if mostly is None:
        return Decoded(None, None, "undecodable", "no encoding fits the bytes")
    return _checked(mostly[0], encoding, told=mostly[1])


def superset(encoding: str) -> str:
    """GB2312 and GBK (Windows' code page 936) are subsets of GB18030: decode with the
    superset, so that the rare characters a page uses do not fail."""
    return "gb18030" if encoding in _GB18030_SUBSETS else encoding


def damaged_detail(error: BaseException, before: str = "", guess: str = "cut short or damaged?") -> str:
    """The detail of a file a reader failed on: the reader's error, and what most often makes
    it (a download cut short, a file damaged on the way) rather than a fault of the parser's."""
    return f"{before}{type(error).__name__}: {error} ({guess})"[:DETAIL_CHARS]


def binary_detail(data: bytes) -> str:
    for magic, inner, kind in _BINARY_KINDS:
        if data.startswith(magic) and inner in data[:65536]:
            return kind + BINARY_ADVICE
    return "NUL bytes in the first 4 KiB"


def utf16_start_as_utf8(data: bytes, size: int) -> bytes:
    """The first ``size`` bytes of ``data`` in UTF-8 when they are UTF-16 (a BOM, or NUL bytes
    on one parity: a page or an XML document Word or .NET saved as "Unicode"), for the sniffs
    that look for ASCII markup in a file's first bytes; any other ``data`` as it is."""
    codec = "utf-16" if data.startswith(UTF16_BOMS) else _utf16_without_bom(data)
    if codec is None:
        return data
    return data[:size].decode(codec, errors="ignore").encode("utf-8")


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for UTF-16 text without a BOM, else None. Its ASCII characters
    have a NUL byte on one parity (the odd bytes, little-endian); on the other only the
    characters whose low byte is 0 have one (一 is U+4E00: 2-3% of a Chinese text's, which read
    as binary before); binary data has them on both alike. (One taken for text is decoded, and
    told binary by its control characters: decode._checked.)"""
    if data.find(0, 0, 4096) < 0:  # (most files: no copy of their first 4 KiB)
        return None
    sample = data[:4096]
    half = max(1, len(sample) // 2)
    even, odd = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    more, fewer = max(even, odd), min(even, odd)
    if (more > _UTF16_MIN_NULS and fewer < more / _UTF16_NUL_PARITY) or (fewer == 0 and more > _UTF16_MIN_NULS_ALONE):
        return "utf-16-le" if odd > even else "utf-16-be"
    return None


def _utf8_garbage(data: bytes) -> int:
    """The count of _GARBAGE characters in the text ``data`` holds as UTF-8, counted in
    the bytes (a control character is one byte, U+FFFD three), without a pattern tried
    at every character of the text."""
    return len(data) - len(data.translate(None, _GARBAGE_BYTES)) + data.count(_REPLACEMENT_UTF8)


def _checked(text: str, encoding: str, garbage: int | None = None, told: Told = ()) -> Decoded:
    """``text`` unless it is blank or garbage (``garbage``: its count of _GARBAGE
    characters, when known); ``told``: what reading it found."""
    if not text.strip():
        return Decoded(None, encoding, "empty_file", "only white space once decoded")
    if garbage is None:
        garbage = len(_GARBAGE.findall(text))
    if garbage > _MAX_GARBAGE_SHARE * len(text):
        return Decoded(None, encoding, "binary_file" if "\x00" in text else "undecodable",
                       f"{garbage} of {len(text)} characters are control or replacement characters as {encoding}")
    return Decoded(text.lstrip("\ufeff"), encoding, told=told)
