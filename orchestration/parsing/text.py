"""Text normalisation and tokenisation that keep character offsets.

Every value the parser emits points back into the decoded report text with
``char_start`` / ``char_end``. To make that possible the normalised text has
exactly the same length as the original: each character maps to one character.
Tables are then cut into *cells* (tokens) carrying their own offsets.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Separators between table cells in the text shapes seen in the wild: one cell
# per line, cells ending in " |", markdown rows, tab-separated rows and HTML
# fragments (<td>, <br> ...) left in the text; not a superscript's or subscript's tags, which
# hold a note's mark beside a figure in its cell (FOOTNOTE_MARK).
_CELL_SEPARATOR = re.compile(r"\||\t|<(?!/?su[pb]>)[^<>\n]{0,200}>|\u3000{2,}")


def blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span (start, end) put as spaces: its length and every offset kept
    (the tables blanked for the prose rules, a page's links for the metadata)."""
    parts: list[str] = []
    done = 0  # text before this is in parts
    for start, end in sorted(spans):
        start, end = max(start, done), min(end, len(text))
        if start >= end:
            continue  # inside a span already blanked
        parts.append(text[done:start])
        parts.append(" " * (end - start))
        done = end
    parts.append(text[done:])
    return "".join(parts)


def markdown_row(cells: list[str]) -> str:
    """A table row as the extractors write it for the cutting here (HTML, Word, RTF):
    "| a | b |", an empty cell as "|  |"."""
    return "| " + " | ".join(cells) + " |"


def paragraph_lines(text: str, lines: list[str]) -> None:
    """A Word paragraph's lines, added to ``lines`` (a line break starts one; white space
    collapsed); its tabs stay, as the cells of a tab-separated row."""
    for line in text.split("\n"):
        cells = [" ".join(cell.split()) for cell in line.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        while cells and not cells[0]:
            cells.pop(0)
        if cells:
            lines.append("\t".join(cells))


def is_plain_cell(cell: str) -> bool:
    """A single cell: no separator ("|", "<"), no white space (tabs, wide spaces
    included) anywhere. What ``[^|\\t<\\s\\u3000]+`` fully matches, asked of most
    lines of a report without running a regex on each."""
    if not cell or "|" in cell or "<" in cell or cell[0].isspace() or cell[-1].isspace():
        return False
    return len(cell.split(maxsplit=1)) == 1


# A note's mark printed beside a figure ("12*", "3①", "5(注1)", "7¹", "9[2]"), as the normalised
# text has it (full-width forms folded). The figure is read and the mark told (numbers.parse_cell);
# before, a superscript's digit joined the figure ("7¹" read 71) and any other mark lost its row.
# A page's <sup>/<sub> is written "[...]" by the page reader, and left in a text as it is.
_MARK_SIGNS: str = r"\*{1,3}|※|#|△|▲|[\u2460-\u2473]"
FOOTNOTE_MARK: str = (
    rf"(?:{_MARK_SIGNS}|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]{{1,2}}|\((?:注\d{{0,2}}|{_MARK_SIGNS})\)"
    rf"|[\[【〔](?:注\d{{0,2}}|\d{{1,2}}|[a-z]|{_MARK_SIGNS})[\]】〕]|注\d{{0,2}}|<su[pb]>[^<>\n]{{1,8}}</su[pb]>)"
)
# The units a figure's cell may print after it ("92.8050万元", "12件"; numbers.parse_cell keeps it).
FIGURE_UNITS: str = "万元|元|条|件|个|人次|人|次|篇|项|份|期"
_NUMERIC_PART = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?(?:" + FIGURE_UNITS + ")?" + FOOTNOTE_MARK + "?")
# A character this much smaller than a figure's digit, just after it, is a note's mark set raised
# (a PDF's words, an OFD's characters: read in brackets, bracketed_mark).
RAISED_MARK_SIZE: float = 0.8
_NULL_MARKERS = frozenset({"", "—", "——", "———", "-", "--", "/", "无", "－", "／", "―", "_", "——/"})


# A label's characters spread across its cell (distributed alignment, 分散对齐: "规    章"), as a
# PDF or OFD page places them: single ideographs (or brackets) at even gaps, each at most this
# many characters wide and within this share of a character of the run's first gap; a number's
# digit and its stop ("1 ." of "1.属于国家秘密") too. A figure's marker ("无") is a cell of its
# own; digits are not letters (a row of one-digit figures in narrow columns is not a word); two
# characters one of which is a unit ("件 件": the unit column beside another) are two cells.
_SPREAD_GAP_CHARACTERS: float = 3.0
_SPREAD_EVEN: float = 0.25
_SPREAD_MARKS: frozenset[str] = frozenset("()（）.、")
_NUMBERING_STOPS: frozenset[str] = frozenset(".、")
_NOT_SPREAD: frozenset[str] = frozenset("无")
_UNITS: frozenset[str] = frozenset("件条次人篇个项元")


def spread_letters(pieces: list[tuple[float, float, str]]) -> list[bool]:
    """For each gap between a line's pieces (left, right, text; in order), whether it lies
    inside a label whose characters are spread across its cell, to be read as one word. Before,
    a gap as wide as a cell's edge split the label into cells of one character ("规 | 章"), and
    its row was not found."""
    joined = [False] * max(len(pieces) - 1, 0)
    run_gap = -1.0  # (the gap of the run of spread characters the last pair was in; -1: none)
    for index in range(1, len(pieces)):
        left, right = pieces[index - 1], pieces[index]
        if not (_spread_letter(left[2]) or (left[2].isdecimal() and len(left[2]) == 1 and right[2] in _NUMBERING_STOPS)) \
                or not _spread_letter(right[2]):
            run_gap = -1.0
            continue
        gap = right[0] - left[1]
        width = max(left[1] - left[0], right[1] - right[0])
        if gap > width * _SPREAD_GAP_CHARACTERS or (run_gap >= 0 and abs(gap - run_gap) > width * _SPREAD_EVEN):
            run_gap = -1.0  # (a cell's edge: the next pair may begin a run of its own)
            continue
        joined[index - 1] = True
        if run_gap < 0:
            run_gap = gap
    for index, join in enumerate(joined):
        alone = join and (index == 0 or not joined[index - 1]) and (index + 1 == len(joined) or not joined[index + 1])
        if alone and (pieces[index][2] in _UNITS or pieces[index + 1][2] in _UNITS):
            joined[index] = False
    return joined


def _spread_letter(text: str) -> bool:
    return len(text) == 1 and (("\u4e00" <= text <= "\u9fff" and text not in _NOT_SPREAD) or text in _SPREAD_MARKS)


_SUPERSCRIPT_DIGITS: frozenset[int] = frozenset((0xB2, 0xB3, 0xB9))


# Zero-width space, non-joiner, joiner, word joiner, a BOM inside the text, soft hyphen.
_INVISIBLE: str = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Hyphen, non-breaking hyphen, figure dash, en dash, minus sign (not the em dash, "—": not reported).
_MINUS_SIGNS: str = "\u2010\u2011\u2012\u2013\u2212"


@lru_cache(maxsize=1)
def _translation_table() -> dict[int, str]:
    """Map each BMP character whose NFKC form is one different character.

    Full-width digits and punctuation ("１２３", "（一）", "：") become ASCII, so
    labels and numbers match whatever glyphs the page used. Characters whose NFKC
    form is longer (㈠ -> "(一)") are left as they are: changing the length would
    break the offsets. Label matching handles those glyphs itself.
    """
    table: dict[int, str] = {}
    for code in range(0x80, 0x10000):
        if 0x2460 <= code <= 0x24FF or 0x3251 <= code <= 0x32BF:
            continue  # circled numbers (①) are numbering: "1" would glue onto the label
        if code in _SUPERSCRIPT_DIGITS or 0x2070 <= code <= 0x209F:
            continue  # a note's mark ("7¹"), or a formula's: "1" would glue onto the figure (71)
        char = chr(code)
        normal = unicodedata.normalize("NFKC", char)
        if len(normal) == 1 and normal != char:
            table[code] = normal
    # Ideographic space and non-breaking spaces are plain spaces for our purpose.
    table[0x3000] = " "
    table[0xA0] = " "
    # Characters a page shows as nothing (copied from an editor, a chat app's article, a Word
    # export): left in, one before a label ("\u200b一、本年新收…") hid the label.
    for invisible in _INVISIBLE:
        table[ord(invisible)] = " "
    # A minus sign or a dash a word processor set for "-" ("−3", "–3" in 本年增/减; "2022–2023年度"):
    # NFKC leaves them, and a change's figure was no figure, its row dropped.
    for minus in _MINUS_SIGNS:
        table[ord(minus)] = "-"
    # Curly quotes differ between pages of the same template.
    for quote in "“”‘’「」『』":
        table[ord(quote)] = '"'
    return table


@lru_cache(maxsize=1)
def _foldable() -> re.Pattern[str]:
    """Runs of characters the translation table changes."""
    codes = sorted(_translation_table())
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    members = "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges)
    return re.compile(f"[{members}]+")


def normalize(text: str) -> str:
    """Return ``text`` with full-width forms folded, keeping its length.

    Only the runs that change are translated: ``str.translate`` looks every
    character up in the table, and most of a report's characters are not in it.
    Line ends are made "\n": a file saved on Windows ends its lines "\r\n" (read " \n"),
    an old Mac's "\r"; a "\r" left before "\n" ended a tab-separated row whose last
    cell was empty with one cell too many, and the row was dropped.
    """
    text = newline_line_ends(text)
    table = _translation_table()
    parts: list[str] = []
    done = 0
    for run in _foldable().finditer(text):
        parts.append(text[done : run.start()])
        parts.append(run.group().translate(table))
        done = run.end()
    parts.append(text[done:])
    normal = "".join(parts)
    assert len(normal) == len(text)
    return normal


def newline_line_ends(text: str) -> str:
    """``text`` with each line ending in "\n", its length kept: Windows' "\r\n" read " \n", an old
    Mac's "\r" "\n"."""
    if "\r" in text:
        return text.replace("\r\n", " \n").replace("\r", "\n")
    return text


class Token:
    """One table cell with its offsets in the text.

    ``is_figure`` and ``key`` are computed once: every table parser asks them
    of every cell.
    """

    __slots__ = ("_key", "end", "is_figure", "start", "text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.is_figure = is_figure(text)
        self._key: str | None = None

    @property
    def key(self) -> str:
        if self._key is None:
            self._key = label_key(self.text)
        return self._key

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Cut ``text[start:end]`` into cells.

    Blank cells are mostly dropped: whether a blank between two labels is one
    empty cell or a layout artefact cannot be told in most shapes, so the table
    parsers count the figures between labels instead of counting cells. Where a
    shape does mark an empty cell (an interior cell of a markdown row, a line
    that is only "|" or "| |", an empty <td></td>) it becomes an *empty cell*
    token (text ""), which row placement may trim at a row's edges.
    """
    end = len(text) if end is None else end
    tokens: list[Token] = []
    line_start = start
    for line in text[start:end].split("\n"):
        stripped = line.strip()
        if stripped:
            if is_plain_cell(stripped):  # the common case: one cell, nothing to split
                offset = line_start + line.find(stripped)  # (white space alone precedes it)
                tokens.append(Token(stripped, offset, offset + len(stripped)))
            elif stripped[-1] == "|" and stripped.count("|") == 1 and is_plain_cell(cell := stripped[:-1].rstrip()):
                # "cell |": one cell per line, ending in a pipe
                offset = line_start + line.find(stripped)
                tokens.append(Token(cell, offset, offset + len(cell)))
            else:
                _tokenize_line(text, line_start, line_start + len(line), tokens)
        line_start += len(line) + 1
    return tokens


def _tokenize_line(text: str, start: int, end: int, tokens: list[Token]) -> None:
    """Cut a line of several cells (or of an empty cell's "|") into tokens."""
    line = text[start:end]
    stripped = line.strip()
    if "|" in stripped and not stripped.strip("| \t"):
        # "|" or "| |": the end of an empty cell in the one-cell-per-line shape.
        position = start + line.index("|")
        tokens.append(Token("", position, position))
        return
    is_markdown_row = stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3
    if "<" in line or "\u3000\u3000" in line:
        _tokenize_separated(text, start, end, is_markdown_row, tokens)
    elif "\t" not in line:
        _tokenize_pipes(text, start, line, is_markdown_row, tokens)
    elif "|" not in line:
        _tokenize_tabs(text, start, line, tokens)
    else:
        _tokenize_separated(text, start, end, is_markdown_row, tokens)


def _tokenize_separated(text: str, start: int, end: int, is_markdown_row: bool, tokens: list[Token]) -> None:
    """Cells between any of the separators (pipes, tabs, HTML tags, wide spaces); a blank
    between two pipes an empty cell where _tokenize_pipes takes it for one."""
    line = text[start:end]
    is_tab_row = line.count("\t") >= 2 and "|" not in line
    pipe_row = is_markdown_row or _no_leading_pipe(line.split("|"))
    position = start
    previous_separator = ""
    for match in _CELL_SEPARATOR.finditer(text, start, end):
        separator = match.group()
        empty_cell = not text[position : match.start()].strip() and (
            (pipe_row and previous_separator == "|" and separator == "|")
            or (is_tab_row and separator == "\t" and position > start)
            or (previous_separator.lower().startswith("<td") and separator.lower().startswith("</td"))
        )
        if empty_cell:
            tokens.append(Token("", position, position))
        else:
            _append_cell(text, position, match.start(), tokens)
        position = match.end()
        previous_separator = separator
    if is_tab_row and previous_separator == "\t" and not text[position:end].strip():
        tokens.append(Token("", position, position))  # a blank last cell: "label\t1\t"
    else:
        _append_cell(text, position, end, tokens)


def _tokenize_pipes(text: str, start: int, line: str, is_markdown_row: bool, tokens: list[Token]) -> None:
    """A line whose only separator is "|" (most multi-cell lines are markdown rows).
    "| |" inside a markdown row is an empty cell; what lies outside its pipes is not. So in a
    row with no pipe before its first cell ("(一)予以公开 | 3 |  | 5", as some converters write a
    markdown table); not a blank after its last pipe ("4.保护第三方合法权益 | 1 | ", a row cut
    short, or every row's "… | 0 | |")."""
    pieces = line.split("|")
    _tokenize_pieces(text, start, pieces, len(pieces) - 1 if is_markdown_row or _no_leading_pipe(pieces) else 0, tokens)


def _no_leading_pipe(pieces: list[str]) -> bool:
    """Whether a line cut at its pipes into ``pieces`` is a row of cells between pipes with none
    before its first: two pipes or more, text before the first."""
    return len(pieces) > 2 and pieces[0] != "" and not pieces[0].isspace()


def _tokenize_tabs(text: str, start: int, line: str, tokens: list[Token]) -> None:
    """A line whose only separator is the tab (a spreadsheet row pasted as text). With
    two tabs or more, a blank after the first is an empty cell, the last one too ("label\t1\t")."""
    pieces = line.split("\t")
    _tokenize_pieces(text, start, pieces, len(pieces) if len(pieces) > 2 else 0, tokens)


def _tokenize_pieces(text: str, start: int, pieces: list[str], blank_cells_before: int, tokens: list[Token]) -> None:
    """The cells of a line cut at one separator into ``pieces``: what _tokenize_separated
    does, without a regex match per cell. A blank piece from the second up to (not
    including) ``blank_cells_before`` is an empty cell; any other blank piece is none."""
    position = start
    for index, piece in enumerate(pieces):
        end = position + len(piece)
        if 0 < index < blank_cells_before and not piece.strip():
            tokens.append(Token("", position, position))
        else:
            _append_cell(text, position, end, tokens, piece)
        position = end + 1


def is_empty_cell(token: Token) -> bool:
    return token.text == ""


def _append_cell(text: str, start: int, end: int, tokens: list[Token], raw: str | None = None) -> None:
    """The cell ``text[start:end]`` (``raw``, when the caller has it) as tokens, if not blank."""
    if raw is None:
        raw = text[start:end]
    stripped = raw.strip()
    if not stripped:
        return
    offset = start + raw.find(stripped)  # where stripped begins: what precedes it is white space
    parts = stripped.split()
    if len(parts) > 1 and is_figure(parts[-1]):
        # A label followed by its figures on one line ("一、本年新收… 1 0 0"), or a
        # row of figures ("0 0 0 0"), as PDF text layers and some pages render them.
        first_figure = len(parts)
        while first_figure > 0 and is_figure(parts[first_figure - 1]):
            first_figure -= 1
        cursor = offset
        if first_figure > 0:
            label_end = _find_after(text, cursor, first_figure)
            tokens.append(Token(text[offset:label_end], offset, label_end))
            cursor = label_end
        for part in parts[first_figure:]:
            part_start = text.index(part, cursor, end)
            tokens.append(Token(part, part_start, part_start + len(part)))
            cursor = part_start + len(part)
        return
    tokens.append(Token(stripped, offset, offset + len(stripped)))


def _find_after(text: str, cursor: int, count: int) -> int:
    """End offset of the ``count``-th whitespace-separated word starting at cursor."""
    position = cursor
    for _ in range(count):
        while text[position].isspace():
            position += 1
        while position < len(text) and not text[position].isspace():
            position += 1
    return position


_LONGEST_MARKER = max(map(len, _NULL_MARKERS))


def _may_open_figure(char: str) -> bool:
    return char.isdecimal() or char in "+-" or char.isspace()


_MARK_BRACKETS: str = "[]【】〔〕()（）"


def bracketed_mark(raised: str) -> str:
    """A superscript's or subscript's text (a page's <sup>, a Word run raised) in brackets,
    as FOOTNOTE_MARK reads it beside a figure ("7" and a raised "1" are "7[1]": joined, they
    were 71); "" for none."""
    text = " ".join(raised.split()).strip(_MARK_BRACKETS)
    return f"[{text}]" if text else ""


def with_marks(runs: list[tuple[str, bool]]) -> str:
    """Runs of a text, those set raised (True) in brackets, the runs of one mark together
    (bracketed_mark: "5", "注", "1" raised are "5[注1]")."""
    out: list[str] = []
    mark: list[str] = []
    for text, raised in runs:
        if raised:
            mark.append(text)
            continue
        if mark:
            out.append(bracketed_mark("".join(mark)))
            mark = []
        out.append(text)
    if mark:
        out.append(bracketed_mark("".join(mark)))
    return "".join(out)


def bracket_raised(element) -> None:
    """An (lxml) element set raised (a page's <sup>, an XML spreadsheet's html:Sup) made its
    text in brackets (bracketed_mark), its children gone."""
    text = "".join(element.itertext())
    for child in list(element):
        element.remove(child)  # (its tail, inside the element, is in the text above)
    element.text = bracketed_mark(text) or None


def is_null_marker(cell: str) -> bool:
    return cell.strip() in _NULL_MARKERS


# Cells repeat across reports ("0", "12", "—", the labels of the forms): what is
# known of a cell is kept in a plain dict, emptied when full. A dict lookup costs a
# fifth of a call through functools.lru_cache, and every cell is asked.
_CACHE_SIZE = 65536
_IS_FIGURE: dict[str, bool] = {}
_LABEL_KEYS: dict[str, str] = {}


def is_figure(cell: str) -> bool:
    """True for a cell holding one figure ("12", "1,272", "92.8050万元", "+2") or a
    "not reported" marker ("—", "/", "无")."""
    # Most cells are answered before hashing them for the cache: digits alone (what
    # \d matches: any Unicode decimal digit), or a label, longer than any marker and
    # opening with what no figure opens with.
    if cell.isdecimal():
        return True
    if len(cell) > _LONGEST_MARKER and not _may_open_figure(cell[0]) and not cell[-1].isspace():
        return False
    known = _IS_FIGURE.get(cell)
    if known is None:
        if len(_IS_FIGURE) >= _CACHE_SIZE:
            _IS_FIGURE.clear()
        stripped = cell.strip()
        known = _IS_FIGURE[cell] = bool(_NUMERIC_PART.fullmatch(stripped)) or stripped in _NULL_MARKERS
    return known


# Numbers enclosed as one character, as regex class ranges: ①-⑳, ⑴-⒇, ⒈-⒛; ㈠-㈩ and ㊀-㊉ (NFKC
# makes these three characters or two, which normalize, keeping the length, cannot).
ENCLOSED_DIGITS: str = r"\u2460-\u249b"
ENCLOSED_IDEOGRAPHS: str = r"\u3220-\u3229\u3280-\u3289"

# Numbering glyphs in front of labels: (一) （一） ㈠ 一、 1. 1、 ① and "其中:"; spaces inside
# them too ("( 一 )", "1 .", "其 中:"), where a PDF spreads a label's characters across its cell.
_NUMBERING = re.compile(
    r"^(?:"
    r"[(\[]?\s*[一二三四五六七八九十]{1,3}\s*[)\]、.]"
    r"|[(\[]?\s*\d{1,2}\s*[)\]、.](?!\d)"
    rf"|[{ENCLOSED_DIGITS}{ENCLOSED_IDEOGRAPHS}]"
    r"|其\s*中\s*:?"
    r"|第[一二三四五六七八九十]+[,、]?"
    r"|\s+"
    r")+"
)
_KEY_DROP = re.compile(r"[\s\"'|:;,。、·•*#]")


def starts_numbered(label: str) -> bool:
    """Whether a cell begins with a row's number ("(八)", "9.", "其中:"): a row's label, not
    the rest of one."""
    return _NUMBERING.match(label.strip()) is not None


def label_key(label: str) -> str:
    """Canonical form of a row label for matching: no numbering, no spaces,
    no quotes or punctuation that pages render differently."""
    key = _LABEL_KEYS.get(label)
    if key is None:
        if len(_LABEL_KEYS) >= _CACHE_SIZE:
            _LABEL_KEYS.clear()
        key = _LABEL_KEYS[label] = _KEY_DROP.sub("", _NUMBERING.sub("", label.strip()))
    return key
