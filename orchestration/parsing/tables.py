"""The tables of a report: the stat table (2008-2018) and tables 二, 三, 四 of the
2019 and 2021 national formats. Each table's layout is recognised on its own."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from . import labels
from .labels import RowLabel
from .model import Issue, Value
from .numbers import parse_cell, to_wan_yuan
from .rows import UNIT_CELLS, Row, find_spec, scan_rows
from .text import ENCLOSED_IDEOGRAPHS, Token, is_empty_cell, label_key

# How many places a stat table may be tried from before the report is taken to have none.
_STAT_TABLE_ATTEMPTS = 8
# Text after a table that is shorter than this means the page stops inside it.
_TRAILING_TEXT_OF_A_CUT_PAGE = 12


@dataclass
class TableResult:
    name: str  # "stat_table" | "table2" | "table3" | "table4"
    layout: str
    values: list[Value] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    span: tuple[int, int] = (0, 0)
    missing: list[str] = field(default_factory=list)  # rows expected but not found

    def __init__(self, name: str, layout: str, values: list[Value] | None = None, issues: list[Issue] | None = None,
                 span: tuple[int, int] = (0, 0), missing: list[str] | None = None) -> None:
        self.name = name  # (written out to be compiled: see model.Value)
        self.layout = layout
        self.values = [] if values is None else values
        self.issues = [] if issues is None else issues
        self.span = span
        self.missing = [] if missing is None else missing


# A snippet runs from the row's label to the figure, spaces collapsed, up to this long.
_SNIPPET_SPAN = 160


def _snippet(text: str, label: Token, figure: Token) -> str:
    if figure.end - label.start <= _SNIPPET_SPAN:
        return " ".join(text[label.start : figure.end].split())
    return f"{label.text} … {figure.text}"


class _RowSnippets:
    """The snippets of one row's figures, read left to right: each extends the last,
    so a row of n cells collapses its text once, not n times (as _snippet would)."""

    def __init__(self, text: str, label: Token) -> None:
        self.text = text
        self.label = label
        self.end = label.start  # the snippet so far covers text[label.start : end]
        self.words = ""

    def to(self, figure: Token) -> str:
        text, end = self.text, self.end
        if figure.end - self.label.start > _SNIPPET_SPAN or figure.end < end:
            return _snippet(text, self.label, figure)
        added = " ".join(text[end : figure.end].split())
        if added:
            # Text either side of ``end`` that is not a space is one word, not two.
            joined = 0 < end < len(text) and not text[end - 1].isspace() and not text[end].isspace()
            self.words = self.words + added if joined or not self.words else f"{self.words} {added}"
        self.end = figure.end
        return self.words


@lru_cache(maxsize=4096)
def _pairs_as_dict(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return dict(pairs)


# A figure's dimensions as a table gives them: a dict, or (name, value) pairs.
Dims = dict[str, str] | tuple[tuple[str, str], ...]


def _as_dict(dims: Dims) -> dict[str, str]:
    """A row's dimensions as a dict. Figures share it (one per label or column, built
    once): nothing changes a figure's dims once it is made."""
    return dims if isinstance(dims, dict) else _pairs_as_dict(dims)


def _value(section: str, item: str, dims: Dims, figure_token: Token, label_token: Token, unit: str | None,
           layout: str, snippet: str) -> Value | None:
    figure = parse_cell(figure_token.text)
    if figure is None:
        return None
    value = figure.value
    if unit == "万元" and value is not None:
        value = to_wan_yuan(value, figure.unit)
    return Value(
        section=section,
        item=item,
        dims=_as_dict(dims),
        value=value,
        unit=unit,
        source="table",
        layout=layout,
        label=label_token.text,
        raw_text=figure_token.text,
        char_start=figure_token.start,
        char_end=figure_token.end,
        snippet=snippet,
        note_mark=figure.mark,
    )


def _blank(section: str, item: str, dims: Dims, label_token: Token, unit: str | None, layout: str) -> Value:
    """A row whose cell is blank: reported as NULL, never 0."""
    return Value(
        section=section,
        item=item,
        dims=_as_dict(dims),
        value=None,
        unit=unit,
        source="table",
        layout=layout,
        label=label_token.text,
        raw_text="",
        char_start=label_token.end,
        char_end=label_token.end,
        snippet=label_token.text,
    )


def _page_ends_after(text: str, position: int) -> bool:
    """Fewer than _TRAILING_TEXT_OF_A_CUT_PAGE visible characters (what str.split()
    keeps) follow ``position``. Counted a window at a time, up to that many: the rest
    of a long report need not be read."""
    seen = 0
    while position < len(text):
        seen += len("".join(text[position : position + _VISIBLE_WINDOW].split()))
        if seen >= _TRAILING_TEXT_OF_A_CUT_PAGE:
            return False
        position += _VISIBLE_WINDOW
    return True


_VISIBLE_WINDOW = 64


def _fit(figures: list[Token], columns: int) -> list[Token] | None:
    """The figures of a row, one per column, or None when they cannot be placed.

    Empty-cell tokens ("| |", a markdown blank) are real cells inside a row but
    often layout padding at its edges: they are trimmed from the edges, then
    dropped altogether, until the count fits.
    """
    if len(figures) == columns:
        return figures
    trimmed = list(figures)
    while len(trimmed) > columns and trimmed and is_empty_cell(trimmed[-1]):
        trimmed.pop()
    while len(trimmed) > columns and trimmed and is_empty_cell(trimmed[0]):
        trimmed.pop(0)
    if len(trimmed) == columns:
        return trimmed
    filled = [token for token in figures if not is_empty_cell(token)]
    if len(filled) == columns:
        return filled
    return None


def _place_figures(
    text: str,
    row: Row,
    columns: Sequence[tuple[Dims, str | None]],  # (dims, unit) per column
    section: str,
    item: str,
    layout: str,
    table: TableResult,
    cut_off: bool,
) -> None:
    """Give a row's figures to its columns, or say why they cannot be placed."""
    figures = row.figures
    if not any(not is_empty_cell(token) for token in figures):
        if cut_off:  # the page stops before this row's cells: not blank, unseen
            table.missing.append(f"{item} (cells cut off)")
            return
        for dims, unit in columns:
            table.values.append(_blank(section, item, dims, row.label, unit, layout))
        return
    placed = _fit(figures, len(columns))
    if placed is None and len(figures) > len(columns):
        filled = [token for token in figures if not is_empty_cell(token)]
        placed = (filled if len(filled) >= len(columns) else figures)[: len(columns)]
        if not cut_off:
            rest = figures[figures.index(placed[-1]) + 1 :]
            table.issues.append(
                Issue(
                    "row_extra_cells",
                    f"{table.name} row {row.label.text!r}: {len(figures)} cells for {len(columns)} columns; "
                    f"the first {len(columns)} figures were taken, the rest "
                    f"({' '.join(t.text or '∅' for t in rest)}) left out",
                    rest[0].start if rest else row.label.start,
                    figures[-1].end,
                )
            )
    if placed is None and cut_off:
        # The page stops inside this row: the visible cells are its first columns.
        placed = figures
    if placed is None:
        table.issues.append(
            Issue(
                "row_cell_count_mismatch",
                f"{table.name} row {row.label.text!r}: {len(figures)} cells for {len(columns)} columns "
                f"({' '.join(t.text or '∅' for t in figures)}); not placed, since which cells are missing cannot be told",
                row.label.start,
                figures[-1].end,
            )
        )
        return
    snippets = _RowSnippets(text, row.label)
    for (dims, unit), token in zip(columns, placed):
        if is_empty_cell(token):
            table.values.append(_blank(section, item, dims, row.label, unit, layout))
            continue
        value = _value(section, item, dims, token, row.label, unit, layout, snippets.to(token))
        if value is not None:
            table.values.append(value)


# ------------------------------------------------------------------ stat table


def parse_stat_table(text: str, tokens: list[Token]) -> TableResult | None:
    specs = labels.STAT_TABLE_ROWS
    scan = None
    resume_at = 0
    for attempt, start in enumerate(_stat_row_starts(tokens, specs)):
        if start < resume_at:
            continue
        if attempt >= _STAT_TABLE_ATTEMPTS:
            break
        candidate = scan_rows(tokens, start, specs, stop=_starts_national_table)
        if len(candidate.figure_rows) >= labels.STAT_TABLE_MIN_ROWS:
            scan = candidate
            break
        resume_at = candidate.end_index
    if scan is None:
        return None
    table = TableResult("stat_table", "stat_table", span=scan.span)
    cut_off = _page_ends_after(text, table.span[1])
    position_of = {id(spec): index for index, spec in enumerate(specs)}
    last_seen = 0
    for position, row in enumerate(scan.rows):
        if row.spec is None:
            if row.figures and position + 1 < len(scan.rows):
                _local_row(text, row, table)
            continue
        if row.spec.is_heading:
            continue
        last_seen = max(last_seen, position_of[id(row.spec)])
        is_last = position == len(scan.rows) - 1
        _place_figures(
            text, row, [(row.spec.dims, row.spec.unit)], row.spec.figure_section, row.spec.figure_item,
            "stat_table", table, cut_off and is_last,
        )
    if cut_off and last_seen < len(specs) - 1:
        table.missing = [spec.chinese for spec in specs[last_seen + 1 :] if not spec.is_heading]
    return table


def _stat_row_starts(tokens: list[Token], specs: tuple[RowLabel, ...]) -> Iterator[int]:
    """Where a stat table may start: a stat row's label followed by a figure (lazily:
    most reports have their table at the first place)."""
    for index, token in enumerate(tokens):
        if token.is_figure or len(token.key) < 4:
            continue
        spec_index = find_spec(token.key, specs, 0)
        if spec_index is not None and not specs[spec_index].is_heading and _figure_follows(tokens, index):
            yield index


def _figure_follows(tokens: list[Token], index: int) -> bool:
    for token in tokens[index + 1 : index + 4]:
        if token.is_figure:
            return True
        if token.key not in UNIT_CELLS:
            return False
    return False


def _local_row(text: str, row: Row, table: TableResult) -> None:
    """A row a local form adds: kept under section 'local' with its label."""
    token = row.figures[0]
    value = _value("local", "local_row", {"category": row.label.key[:60]}, token, row.label, None, "stat_table",
                   _snippet(text, row.label, token))
    if value is not None:
        table.values.append(value)


def _starts_national_table(token: Token) -> bool:
    return _table2_block(token) is not None or token.key.startswith("本年新收")


# ------------------------------------------------------------------ table 二

_TABLE2_BLOCK = re.compile(
    r"第\s*(?:二\s*十|20)\s*条\s*第?\s*"
    rf"(?:[(（]?\s*([一二三四五六七八九十]+|\d{{1,2}})\s*[)）]?|([{ENCLOSED_IDEOGRAPHS}]))\s*项"
)
# (㈠…㈩ at U+3220, ㊀…㊉ at U+3280: text.ENCLOSED_IDEOGRAPHS)
_NUMERALS = "一二三四五六七八九十"


def _table2_block(token: Token, spaced: bool = False) -> str | None:
    """The item of 第二十条 whose heading a cell holds: "第二十条第(一)项", as a page may write it
    too, "第二十条第㈠项", "第20条第(1)项", "第二十条(一)项"; ``spaced``, with spaces inside it
    ("第二十 条第(六)项", as a page's letters spaced out give it). A substring test first: every
    cell is asked."""
    text = token.text
    if "十条" in text or "20条" in text or (spaced and " " in text and "条" in text):
        found = _TABLE2_BLOCK.search(text)
        if found is not None:
            item = found.group(1)
            if item is None:
                return _NUMERALS[(ord(found.group(2)) - 0x3220) % 0x60]
            return _NUMERALS[int(item) - 1] if item.isdigit() and 1 <= int(item) <= 10 else item
    return None


# Table 二's blocks in every layout (第二十条第(一), (五), (六), (八)项).
_TABLE2_IN_EVERY_LAYOUT: frozenset[str] = frozenset(
    block.article_item for block in labels.TABLE2_BLOCKS if {"t2019", "t2021"} <= set(block.layouts)
)


def parse_table2(text: str, tokens: list[Token], hint: str | None, has_table3: bool = False) -> TableResult | None:
    """Table 二; ``has_table3``: the report has table 三, so one of the blocks every layout has
    that is not found may have its heading spaced out, and the cells are asked again for it
    (only then: asked of every cell of every report, it cost 0.1% of a report's instructions)."""
    starts = [(index, item) for index, token in enumerate(tokens) if (item := _table2_block(token))]
    if has_table3 and not _TABLE2_IN_EVERY_LAYOUT <= {item for _, item in starts}:
        starts = [(index, item) for index, token in enumerate(tokens) if (item := _table2_block(token, True))]
    if not starts:
        return None
    blocks = {block.article_item: block for block in labels.TABLE2_BLOCKS}
    table = TableResult("table2", "")
    layouts: list[str] = []
    spans = []
    last_end = tokens[starts[-1][0]].end
    for number, (index, article_item) in enumerate(starts):
        block = blocks.get(article_item)
        if block is None:
            continue
        end_index = starts[number + 1][0] if number + 1 < len(starts) else len(tokens)
        block_layout, block_end, block_rows_found = _parse_table2_block(
            text, tokens, index, end_index, block, hint or (layouts[-1] if layouts else None), table
        )
        spans.append((tokens[index].start, block_end))
        last_end = max(last_end, block_end)
        if block_layout:
            layouts.append(block_layout)
        for category, _ in block.rows:
            if category not in block_rows_found and not (
                block_layout == "t2021" and category in labels.TABLE2_ROWS_2019_ONLY
            ):
                table.missing.append(f"第二十条第({article_item})项 {category}")
    if not spans:
        return None
    table.span = (spans[0][0], last_end)
    table.layout = _majority(layouts) or hint or "t2019"
    return table


def _parse_table2_block(text: str, tokens: list[Token], start: int, end: int, block: labels.Table2Block,
                        hint: str | None, table: TableResult) -> tuple[str, int, set[str]]:
    """One block: header cells, then rows of figures (added to ``table``).

    Returns the block's layout, where it ends, and the categories it has rows for."""
    row_specs = _TABLE2_ROW_SPECS[block.article_item]
    row_labels = _TABLE2_ROW_LABELS[block.article_item]
    header_cells: list[Token] = []
    rows: list[Row] = []
    categories: list[str] = []  # of each row
    index = start + 1
    while index < end:
        token = tokens[index]
        if token.is_figure:
            if rows:
                rows[-1].figures.append(token)
        else:
            spec_index = find_spec(token.key, row_specs, 0)
            if spec_index is not None and (token.key in row_labels or len(token.key) <= 12):
                rows.append(Row(row_specs[spec_index], token))
                categories.append(dict(row_specs[spec_index].dims)["category"])
            elif rows and (token.key in _TABLE2_HEADER_KEYS or token.key.startswith("信息内容")):
                pass  # (the block's header again, as a PDF repeats it on a page)
            elif rows:
                break  # the text after the block (the next section)
            else:
                header_cells.append(token)
        index += 1
    layout = _table2_layout(block, "".join(cell.key for cell in header_cells), rows, hint)
    columns = block.layouts.get(layout) or next(iter(block.layouts.values()))
    found: set[str] = set()
    block_end = tokens[index - 1].end if index > start + 1 else tokens[start].end
    cut_off = _page_ends_after(text, block_end)
    for position, (row, category) in enumerate(zip(rows, categories)):
        found.add(category)
        column_dims = [({"category": category, "measure": measure}, unit) for _, measure, unit in columns]
        _place_figures(
            text, row, column_dims, "proactive", "disclosure", layout, table, cut_off and position == len(rows) - 1
        )
    return layout, block_end, found


# Row labels of each block of table 二, built once (find_spec indexes them by identity).
_TABLE2_ROW_SPECS: dict[str, tuple[RowLabel, ...]] = {
    block.article_item: tuple(
        RowLabel(patterns, "proactive", "disclosure", (("category", category),)) for category, patterns in block.rows
    )
    for block in labels.TABLE2_BLOCKS
}
_TABLE2_ROW_LABELS: dict[str, frozenset[str]] = {
    block.article_item: frozenset(p for _, patterns in block.rows for p in patterns) for block in labels.TABLE2_BLOCKS
}
_TABLE2_HEADER_KEYS: frozenset[str] = frozenset(label_key(cell) for cell in labels.TABLE2_HEADER_CELLS)
_TABLE3_FIRST_ROW = labels.TABLE3_ROWS[:1]


def _table2_layout(block, header: str, rows: list[Row], hint: str | None) -> str:
    if len(block.layouts) == 1:
        return next(iter(block.layouts))
    scores = {}
    for layout, columns in block.layouts.items():
        hits = sum(1 for stem, _, _ in columns if stem in header)
        # "本年处理决定数量" (2021) also contains the 2019 stem "处理决定": weigh by share.
        scores[layout] = hits / len(columns)
    best = max(scores.values())
    leaders = [layout for layout, score in scores.items() if score == best]
    if best > 0 and len(leaders) == 1:
        return leaders[0]
    if rows:
        counts = {layout: len(columns) for layout, columns in block.layouts.items()}
        by_count = [layout for layout, count in counts.items() if count == len(rows[0].figures)]
        if len(by_count) == 1:
            return by_count[0]
        if any(row.label.key.startswith("行政规范性文件") for row in rows):
            return "t2021"
    return hint if hint is not None and hint in block.layouts else "t2019"


def _majority(layouts: list[str]) -> str | None:
    """The layout most blocks show; a tie goes to the first in sorted order, so
    the result never depends on set iteration (string hashing differs per process)."""
    return max(sorted(set(layouts)), key=layouts.count) if layouts else None


# ------------------------------------------------------------------ table 三


def parse_table3(text: str, tokens: list[Token]) -> TableResult | None:
    specs = labels.TABLE3_ROWS
    start = None
    for index, token in enumerate(tokens):
        if not token.is_figure and find_spec(token.key, _TABLE3_FIRST_ROW, 0) is not None:
            start = index
            break
    if start is None:
        return None
    scan = scan_rows(tokens, start, specs, stop=_starts_table4, max_unknown_run=3,
                     header_opening=labels.TABLE3_HEADER_OPENING, header_words=labels.TABLE3_HEADER_WORDS)
    rows = [(spec.figure_item, row) for spec, row in scan.figure_rows]
    if len(rows) < labels.TABLE3_MIN_ROWS:
        return None
    items = {item for item, _ in rows}
    has_2021_rows = bool(items & labels.TABLE3_ROWS_2021_ONLY)
    has_2019_row = any(
        item in labels.TABLE3_ROWS_2019_ONLY and any(not is_empty_cell(t) for t in row.figures) for item, row in rows
    )
    # Only the (六) rows tell the layouts apart; a table cut off before them is
    # left undetermined here and takes table 二's layout (or the year's).
    layout = "t2021" if has_2021_rows else "t2019" if has_2019_row else ""
    table = TableResult("table3", layout, span=scan.span)
    cut_off = _page_ends_after(text, table.span[1])
    columns = [({"applicant_type": code, "channel": "all"}, "件") for code, _ in labels.TABLE3_COLUMNS]
    last = rows[-1][1]
    for item, row in rows:
        if item in labels.TABLE3_ROWS_2019_ONLY and not has_2019_row:
            continue  # (六)其他处理 is a heading in the 2021 layout (or the page stops there)
        _place_figures(text, row, columns, "requests", item, layout, table, cut_off and row is last)
    expected = [
        spec.figure_item
        for spec in specs
        if not spec.is_heading
        and spec.item not in (labels.TABLE3_ROWS_2019_ONLY if has_2021_rows else labels.TABLE3_ROWS_2021_ONLY)
    ]
    table.missing = [item for item in expected if item not in items]
    return table


def later_tables(text: str, tokens: list[Token], table: TableResult) -> list[tuple[int, int]]:
    """The spans of the tables like ``table`` (a table 三 or a stat table) after it: a file
    of several reports holds one a report. Found by their first figure row's label,
    searched for as text, so a report with one table pays one search."""
    first_row, parse = (labels.STAT_TABLE_ROWS[1], parse_stat_table) if table.name == "stat_table" else (
        _TABLE3_FIRST_ROW[0], parse_table3)
    opening = min((pattern.lstrip("=") for pattern in first_row.patterns), key=len)
    spans: list[tuple[int, int]] = []
    at = text.find(opening, table.span[1])
    while at != -1:
        index = max(bisect_right(tokens, at, key=_start) - 1, 0)  # (the cell holding it: "一、本年新收…")
        other = parse(text, tokens[index:])
        if other is None or len({value.label for value in other.values}) < labels.ANOTHER_TABLE_MIN_ROWS:
            at = text.find(opening, at + len(opening))
            continue
        spans.append(other.span)
        at = text.find(opening, other.span[1])
    return spans


def _start(token: Token) -> int:
    return token.start


def _starts_table4(token: Token) -> bool:
    key = token.key
    return key.startswith(("行政复议", "政府信息公开行政复议")) or "行政复议、行政诉讼" in token.text


# ------------------------------------------------------------------ table 四

# Header cells of table 四, however the page splits them ("结果 纠正", "总 / 计").
_TABLE4_HEADER_WORDS = re.compile(r"[行政复议诉讼未经直接起后结果维持纠正其他尚未审总计()]+")


# How many of the cells after 行政复议 hold the outcomes' header (维持, 尚未审结).
_TABLE4_HEADER_CELLS = 20


def _table4_header_follows(tokens: list[Token], index: int) -> bool:
    """Whether the outcomes' header follows the token at ``index`` within _TABLE4_HEADER_CELLS
    cells that are not blank: a grid whose cells are merged wide (a workbook's, a page saved
    from one) has a blank for every position a header cell covers."""
    window: list[str] = []
    while index < len(tokens) and len(window) < _TABLE4_HEADER_CELLS:  # (not a copy of the rest)
        if not is_empty_cell(tokens[index]):
            window.append(tokens[index].key)
        index += 1
    joined = "".join(window)
    return "维持" in joined and ("尚未" in joined or "审结" in joined)


def parse_table4(text: str, tokens: list[Token], after: int = 0) -> TableResult | None:
    start = None
    for index, token in enumerate(tokens):
        if token.start < after or not token.key.startswith("行政复议"):
            continue
        if _table4_header_follows(tokens, index):
            start = index
            break
    if start is None:
        return None
    figures: list[Token] = []
    index = start + 1
    while index < len(tokens):
        token = tokens[index]
        if token.is_figure:
            if figures or not is_empty_cell(token):  # blanks inside the header are layout
                figures.append(token)
        elif figures or not _TABLE4_HEADER_WORDS.fullmatch(token.key):
            break
        index += 1
    header = tokens[start]
    filled = [token for token in figures if not is_empty_cell(token)]
    end = filled[-1].end if filled else tokens[index - 1].end
    table = TableResult("table4", "", span=(header.start, end))
    cut_off = _page_ends_after(text, end)
    row = Row(None, header, figures)
    columns = [({"proceeding": p, "outcome": o}, "件") for p, o in labels.TABLE4_COLUMNS]
    _place_figures(text, row, columns, "appeals", "cases", "", table, cut_off)
    if len(figures) < len(columns):
        table.missing = [f"{p}/{o}" for p, o in labels.TABLE4_COLUMNS[len(figures) :]]
    return table
