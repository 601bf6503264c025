"""Finding labelled rows in a stream of cells.

A table is read as labels in a known order, each followed by its figures. The
figures of a row are the figure cells between its label and the next text cell:
this survives every text shape (one cell per line, " |" endings, markdown rows,
tabs, PDF lines) because it never counts line positions or blank cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .labels import RowLabel
from .text import Token, label_key, starts_numbered

# Cells of the stat table's 单位 column, skipped between a label and its figure; asked of a cell's
# key, so "人 次", as a PDF's spaced letters give it, is one (before, its row was lost).
UNIT_CELLS = frozenset({"条", "件", "次", "篇", "个", "人", "人次", "万元", "元", "项", "份", "期", "户", "家", "天", "日"})

# A cell is only taken for a label when it is not much longer than the label:
# the rest can be a note ("(不同方式回应同一热点或舆情计1次)"), not a paragraph.
MAX_LABEL_OVERHANG = 45
# A label cut short by the page must still be this long to be recognised.
MIN_CUT_LABEL = 4


class _Pattern:
    """A label pattern as matching needs it: its key, whether it must match exactly,
    and how long a label cut short by the page must still be to match it."""

    def __init__(self, key: str, exact: bool) -> None:
        self.key = key
        self.exact = exact
        self.min_cut = max(MIN_CUT_LABEL, int(len(key) * 0.6))


# Patterns per spec, keyed by identity: a RowLabel (a frozen dataclass) hashes all
# its fields in Python at every lookup, and label matching asks for them per cell.
_PATTERNS: dict[int, tuple[RowLabel, tuple[_Pattern, ...]]] = {}


def _patterns(spec: RowLabel) -> tuple[_Pattern, ...]:
    cached = _PATTERNS.get(id(spec))
    if cached is None or cached[0] is not spec:
        patterns = tuple(
            _Pattern(label_key(p[1:]), True) if p.startswith("=") else _Pattern(label_key(p), False)
            for p in spec.patterns
        )
        cached = _PATTERNS[id(spec)] = (spec, patterns)
    return cached[1]


def label_matches(key: str, spec: RowLabel) -> bool:
    for pattern in _patterns(spec):
        if pattern.exact:
            if key == pattern.key:
                return True
            continue
        if key.startswith(pattern.key) and len(key) <= len(pattern.key) + MAX_LABEL_OVERHANG:
            return True
        # A label cut short by the page ("危及国家安全、公共安全、经济安全和社会").
        if len(key) >= pattern.min_cut and pattern.key.startswith(key):
            return True
    return False


_INDEXES: dict[int, tuple[tuple[RowLabel, ...], dict[str, list[int]]]] = {}


def _prefix_index(specs: tuple[RowLabel, ...]) -> dict[str, list[int]]:
    """Spec indices by the first two characters of their patterns.

    Every way a label can match a pattern (equal, longer, or cut short but at
    least MIN_CUT_LABEL long) shares those two characters, so the index finds
    every candidate and skips the rest of a long label table.
    """
    cached = _INDEXES.get(id(specs))
    if cached is None or cached[0] is not specs:
        index: dict[str, list[int]] = {}
        for position, spec in enumerate(specs):
            for prefix in sorted({pattern.key[:2] for pattern in _patterns(spec)}):
                index.setdefault(prefix, []).append(position)
        cached = _INDEXES[id(specs)] = (specs, index)
    return cached[1]


def find_spec(key: str, specs: tuple[RowLabel, ...], start: int) -> int | None:
    """Index of the first spec at or after ``start`` that ``key`` matches."""
    if len(key) < 2:
        return None
    for index in _prefix_index(specs).get(key[:2], ()):
        if index >= start and label_matches(key, specs[index]):
            return index
    return None


@dataclass
class Row:
    """A label and the figure cells that follow it."""

    spec: RowLabel | None  # None: a text cell no spec matches (a local row, or noise)
    label: Token
    figures: list[Token] = field(default_factory=list)

    def __init__(self, spec: RowLabel | None, label: Token, figures: list[Token] | None = None) -> None:
        self.spec = spec  # (written out to be compiled, as model.Value)
        self.label = label
        self.figures = [] if figures is None else figures


@dataclass
class ScanResult:
    rows: list[Row]
    end_index: int  # index of the first token after the table

    def __init__(self, rows: list[Row], end_index: int) -> None:
        self.rows = rows  # (written out to be compiled, as model.Value)
        self.end_index = end_index

    @property
    def recognised(self) -> list[Row]:
        return [row for row in self.rows if row.spec is not None]

    @property
    def figure_rows(self) -> list[tuple[RowLabel, Row]]:
        """The recognised rows that carry figures (not headings), with their spec."""
        return [(row.spec, row) for row in self.rows if row.spec is not None and not row.spec.is_heading]

    @property
    def span(self) -> tuple[int, int]:
        recognised = self.recognised
        first = recognised[0].label.start
        last = recognised[-1]
        return first, (last.figures[-1].end if last.figures else last.label.end)


def scan_rows(
    tokens: list[Token],
    start: int,
    specs: tuple[RowLabel, ...],
    *,
    stop=lambda token: False,
    max_unknown_run: int = 6,
    header_opening: frozenset[str] = frozenset(),
    header_words: frozenset[str] = frozenset(),
) -> ScanResult:
    """Read rows from ``tokens[start:]`` in the order of ``specs``.

    Ends at a cell for which ``stop`` is true, or after ``max_unknown_run``
    text cells in a row that neither match a label nor carry figures. The table's header
    repeated among its rows (a cell whose key is in ``header_opening``, then any in
    ``header_words``) is skipped.
    """
    rows: list[Row] = []
    pointer = 0
    unknown_run = 0
    in_header = False
    index = start
    while index < len(tokens):
        token = tokens[index]
        if token.is_figure:
            if rows:
                rows[-1].figures.append(token)
            unknown_run = 0
            in_header = False
        elif token.key in UNIT_CELLS:
            pass
        elif in_header and token.key in header_words:
            pass  # (the rest of the header repeated)
        else:
            in_header = False
            if rows and stop(token):
                break
            spec_index = find_spec(token.key, specs, pointer)
            if spec_index is None and rows and _continues_label(rows[-1], token):
                pass  # (the rest of the last row's label, not a row of its own)
            elif spec_index is not None:
                rows.append(Row(specs[spec_index], token))
                pointer = spec_index + 1
                unknown_run = 0
            elif rows and token.key in header_opening:
                in_header = True  # (the header again, as a PDF repeats it on each page)
            else:
                if rows and rows[-1].spec is None and not rows[-1].figures:
                    unknown_run += 1
                    if unknown_run >= max_unknown_run:
                        break
                rows.append(Row(None, token))
        index += 1
    # Text cells after the last recognised row belong to what follows the table.
    while rows and rows[-1].spec is None:
        rows.pop()
    return ScanResult(rows, index)


def _continues_label(row: Row, token: Token) -> bool:
    """Whether ``token`` is the rest of ``row``'s label, its cell's text wrapped onto a line of
    its own before the row's figures, as a PDF or a page gives a long label: the row is one of
    the table's with no figure yet, the cell has no number of its own, and either the label was
    cut short and the two together still begin the spec's ("其他法律行政法规" then "禁止公开"), or
    the label opened a note in brackets the cell closes ("(二)部分公开(区分处理的,只计这一情形,不计
    其他" then "情形)"). Any other cell there is a row of its own (a local row, a heading)."""
    spec = row.spec
    if spec is None or spec.is_heading or row.figures:
        return False
    label = row.label.text
    if not (label.count("(") > label.count(")") and ")" in token.text):
        joined = row.label.key + token.key
        if not any(not pattern.exact and pattern.key.startswith(joined) for pattern in _patterns(spec)):
            return False
    return not starts_numbered(token.text)
