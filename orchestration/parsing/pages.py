"""The numbers a document prints on its pages, which are no figures of its tables.

A PDF's or an OFD's text comes a page at a time: each page's footer or header number is dropped
(``without_page_numbers``). A PDF's text saved as a text file divides its pages by a form feed
where pdftotext wrote it (``pages_of_text``), and not at all where it was copied from a viewer: a
decorated number alone on a line ("- 3 -", "第 3 页 共 10 页") is blanked wherever it stands, in
every format (``blank_page_numbers``). Before, between two rows of a table, "- 3 -" was a figure
too many (`row_extra_cells`), the row dropped; between a row's label and its figures (one cell a
line), it took the row's first figures.
"""

from __future__ import annotations

import re

from .labels import PAGE_NUMBER_LINE
from .text import newline_line_ends

_PAGE_NUMBER = re.compile(PAGE_NUMBER_LINE)
_PAGE_NUMBER_ON_ITS_LINE = re.compile(r"[^\S\n]*(?:" + PAGE_NUMBER_LINE + r")[^\S\n]*")
# What each decorated number holds, found by str.find: looking at every line cost 1.7% of a
# report's instructions, a regex over the text 2%. (In the normalised text: full-width forms and
# minus signs are "-" there.)
_PAGE_NUMBER_MARKS: tuple[str, ...] = ("-", "—", "页", "/", "age", "AGE")


def without_page_numbers(pages: list[str]) -> list[str]:
    """Each page without the number its footer or header prints (labels.PAGE_NUMBER_LINE); a
    number alone is the page's only on its last line, as its own number (or the one before: a
    cover left unnumbered)."""
    kept = []
    for index, page in enumerate(pages):
        lines = page.split("\n")
        for position in (-1, 0):  # (its footer, then its header)
            filled = [i for i, line in enumerate(lines) if line.strip()]
            if not filled:
                break
            at = filled[position]
            line = lines[at].strip()
            if _PAGE_NUMBER.fullmatch(line) or (position == -1 and line.isdigit() and int(line) in (index, index + 1)):
                del lines[at]
        kept.append("\n".join(lines))
    return kept


def pages_of_text(text: str) -> list[str]:
    """A text's pages, as a form feed divides them (pdftotext's), its line ends made "\n" (an old
    Mac's "\r" ends a line too)."""
    return newline_line_ends(text).split("\f")


def blank_page_numbers(text: str) -> str:
    """``text`` (normalised) with each line that is a decorated page number made spaces, the
    length kept. A bare number is kept: between two lines of a text it is a figure as much."""
    found: set[tuple[int, int]] = set()
    for mark in _PAGE_NUMBER_MARKS:
        at = text.find(mark)
        while at >= 0:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            if end < 0:
                end = len(text)
            if _PAGE_NUMBER_ON_ITS_LINE.fullmatch(text, start, end) is not None:
                found.add((start, end))
            at = text.find(mark, end)
    if not found:
        return text
    parts = []
    done = 0
    for start, end in sorted(found):
        parts.append(text[done:start])
        parts.append(" " * (end - start))
        done = end
    parts.append(text[done:])
    return "".join(parts)
