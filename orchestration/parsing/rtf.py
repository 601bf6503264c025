"""An RTF file (Word's rich text, which sites often serve as .doc) to the report's text,
through striprtf: Chinese characters come as ``\\'xx`` escapes in the code page the
file or its font declares, or as ``\\uN``; a table's row becomes a markdown row, its
merged cells' other positions empty (RTF writes them as empty cells), as in an HTML
table.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .decode import damaged_detail, superset
from .text import bracketed_mark, markdown_row

_RTF_START = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]{0,64}\{\\rtf")
CODE_PAGE = re.compile(rb"\\ansicpg(\d{3,5})")
# A file's \ansicpg names a Windows code page (cp936, GBK, read as its superset: decode.superset).
_CODE_PAGE_ENCODINGS: dict[str, str] = {"950": "big5"}
# striprtf ends each cell of a row with this, and the row with a line break.
_CELL_END: str = "|"
# A picture's group; Word writes each picture twice, for itself (\shppict) and, in a
# \nonshppict group, for readers of older RTF: that copy is not counted.
_PICTURE = re.compile(rb"\\pict(?![a-z])")
_PICTURE_COPY: bytes = b"\\nonshppict"
# A group of a few characters set raised or lowered (Word's \super or \sub, LibreOffice's \upN
# for a page's <sup>): a note's mark beside a figure, in brackets (text.bracketed_mark). Read
# as it came, "5" and a raised "1" were 51.
_SHORT_GROUP = re.compile(r"\{(?P<format>(?:\\[a-z]+-?\d* ?|\{\\\*[^{}]*\}|[\r\n])*)(?P<text>[^{}\\\r\n][^{}\\]{0,7})\}")
_RAISED = re.compile(r"\\(?:super|sub|up\d+|dn\d+)(?![a-z])")
# A short group set hidden (\v; \v0 ends it): not shown, not read ("5" and a hidden "3" were 53).
_HIDDEN = re.compile(r"\\v(?![a-z0-9])")


def is_rtf(data: bytes) -> bool:
    return _RTF_START.match(data) is not None


def pictures(data: bytes) -> int:
    """How many pictures the file shows."""
    return max(0, len(_PICTURE.findall(data)) - data.count(_PICTURE_COPY))


def read_rtf(data: bytes) -> tuple[str | None, str | None, str]:
    """The file's text; or None, an issue code and why."""
    # The characters outside ASCII are escaped by most writers; some write the code
    # page's bytes as they are, which are read in it.
    declared = CODE_PAGE.search(data[:4096])
    code_page = declared.group(1).decode() if declared else "1252"
    encoding = superset(_CODE_PAGE_ENCODINGS.get(code_page, "cp" + code_page))
    try:
        source = data.decode(encoding, errors="replace")
    except LookupError:
        source = data.decode("cp1252", errors="replace")
    source = _SHORT_GROUP.sub(_marks_bracketed, source)
    try:
        text = _rtf_to_text()(source, errors="replace")
    except Exception as error:  # noqa: BLE001 - striprtf fails on some broken control words
        return None, "unreadable_rtf", damaged_detail(error)
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if line.endswith(_CELL_END) and len(line) > 1:
            line = markdown_row([" ".join(cell.split()) for cell in line[:-1].split(_CELL_END)])
        if line:
            lines.append(line)
    if not lines:
        return None, "empty_file", "the RTF file holds no text (only images, a scan?)"
    return "\n".join(lines) + "\n", None, ""


def _marks_bracketed(group: re.Match[str]) -> str:
    """A short group's text in brackets when it is raised, left out when hidden."""
    if _HIDDEN.search(group["format"]) is not None:
        return "{" + group["format"] + "}"
    if _RAISED.search(group["format"]) is None:
        return group.group()
    return "{" + group["format"] + bracketed_mark(group["text"]) + "}"


@lru_cache(maxsize=1)
def _rtf_to_text():
    """striprtf's reader, imported by the first RTF file, not by every process that imports
    the parser (an import statement in a compiled function goes through importlib at each call)."""
    from striprtf.striprtf import rtf_to_text

    return rtf_to_text
