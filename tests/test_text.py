"""Text normalisation and table masking: the fast paths do exactly what the plain ways do."""

import re

from hypothesis import example, given
from hypothesis import strategies as st

from orchestration.parsing.tables import _page_ends_after, _RowSnippets, _snippet
from orchestration.parsing.text import (
    _NULL_MARKERS,
    Token,
    _append_cell,
    _tokenize_pipes,
    _tokenize_separated,
    _tokenize_tabs,
    _translation_table,
    blanked,
    is_figure,
    is_plain_cell,
    label_key,
    normalize,
)


def test_normalize_folds_full_width_forms_and_keeps_length():
    text = "一、本年新收政府信息公开申请数量：１２３，（一）自然人　　４５件。“依申请”"
    normal = normalize(text)
    assert normal == '一、本年新收政府信息公开申请数量:123,(一)自然人  45件。"依申请"'
    assert len(normal) == len(text)


def test_normalize_agrees_with_the_whole_table():
    table = _translation_table()
    # every character the table changes, alone, in runs, and between characters it keeps
    changed = "".join(chr(code) for code in sorted(table))
    text = "开头" + "公".join(changed[i : i + 7] for i in range(0, len(changed), 7)) + changed + "结尾①㈠"
    assert normalize(text) == text.translate(table)
    assert normalize("") == ""
    assert normalize("没有要改的字") == "没有要改的字"


@given(st.text(alphabet="ab表 。\n", max_size=40), st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=4))
def test_masking_tables_blanks_exactly_their_spans(text, pairs):
    spans = [(min(a, b, len(text)), min(max(a, b), len(text))) for a, b in pairs]
    chars = list(text)  # the plain way: blank each span in turn
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    assert blanked(text, spans) == "".join(chars)


@given(st.text(alphabet="ab表 \n\t\u3000\xa0\u2003。", max_size=40), st.integers(0, 45))
def test_a_cut_page_is_told_by_the_visible_characters_after_a_table(text, position):
    assert _page_ends_after(text, position) == (len("".join(text[position:].split())) < 12)


@given(st.text(alphabet="|| 1２表,—", max_size=30))
def test_a_line_of_pipes_is_cut_as_the_general_separator_loop_cuts_it(line):
    text = f"前\n{line}\n后"
    start, end = 2, 2 + len(line)
    stripped = line.strip()
    is_markdown_row = stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3
    fast: list = []
    general: list = []
    _tokenize_pipes(text, start, line, is_markdown_row, fast)
    _tokenize_separated(text, start, end, is_markdown_row, general)
    assert [(t.text, t.start, t.end) for t in fast] == [(t.text, t.start, t.end) for t in general]


@given(st.text(alphabet="\t\t 1２表,—\u3000\xa0", max_size=30).filter(lambda line: "\u3000\u3000" not in line))
@example("")
@example("\t")
@example("label\t1\t")  # a blank last cell
@example("\tlabel\t\t2")  # a blank first cell is no cell; a blank between tabs is
@example("一、本年新收 1 0\t3")  # a label and its figures on one side of a tab
def test_a_line_of_tabs_is_cut_as_the_general_separator_loop_cuts_it(line):
    """(Lines with two wide spaces in a row, a separator too, go the general way.)"""
    text = f"前\n{line}\n后"
    start, end = 2, 2 + len(line)
    fast: list = []
    general: list = []
    _tokenize_tabs(text, start, line, fast)
    _tokenize_separated(text, start, end, False, general)
    assert [(t.text, t.start, t.end) for t in fast] == [(t.text, t.start, t.end) for t in general]


@given(st.text(alphabet="a表1 |\n\t\u3000", min_size=1, max_size=200), st.integers(0, 30),
       st.lists(st.integers(0, 200), max_size=8))
def test_a_rows_snippets_built_cell_by_cell_are_each_cells_own(text, label_start, ends):
    label_start = min(label_start, len(text) - 1)
    label = Token(text[label_start], label_start, label_start + 1)
    snippets = _RowSnippets(text, label)
    for end in ends:  # in any order: a cell before the last one read is collapsed afresh
        end = max(label_start + 1, min(end, len(text)))
        figure = Token(text[end - 1 : end], end - 1, end)
        assert snippets.to(figure) == _snippet(text, label, figure)


@given(st.text(alphabet="a表1 |<>\t\u3000\xa0\u2003\x1c\r\n", max_size=12))
def test_a_plain_cell_is_what_the_plain_cell_pattern_fully_matches(cell):
    assert is_plain_cell(cell) == bool(re.fullmatch(r"[^|\t<\s\u3000]+", cell))


def test_cells_are_told_apart_the_same_from_a_full_cache():
    from orchestration.parsing import text

    assert [text.is_figure(c) for c in ("12", "1,272", "92.8050万元", "—", "无", "表", "1 2", " 3 ")] == [
        True, True, True, True, True, False, False, True,
    ]
    text._IS_FIGURE.update({f"x{i}": False for i in range(text._CACHE_SIZE)})
    text._LABEL_KEYS.update({f"x{i}": "" for i in range(text._CACHE_SIZE)})
    # Full: a cell not seen before empties the cache, then is answered as before
    # (cells no other test asks, so none is in the cache already).
    assert text.is_figure("3,456,789") and not text.is_figure("12缓存测试格")
    assert set(text._IS_FIGURE) == {"3,456,789", "12缓存测试格"}
    assert label_key("(一)缓存测试行") == label_key("二、 缓存测试行") == "缓存测试行"
    assert set(text._LABEL_KEYS) == {"(一)缓存测试行", "二、 缓存测试行"}


_CELL_PARTS = ["1", "0", "٣", "１", "²", "①", "+", "-", ",", ".", "万元", "件", "人次", "—", "/", "无", "表", "申请", "_"]
_PADDING = st.sampled_from(["", " ", "\u3000", "\t"])


@given(st.tuples(
    _PADDING,
    st.one_of(st.sampled_from(sorted(_NULL_MARKERS)), st.lists(st.sampled_from(_CELL_PARTS), max_size=6).map("".join)),
    _PADDING,
).map("".join))
@example("——/")  # the longest markers, which open with no digit
@example("———\t")
@example(" 12")
@example("²")  # a digit, but no decimal one: not what \d matches
@example("表格标题 ")
def test_is_figure_answers_as_its_pattern_does(cell):
    """The shortcuts before the cache (digits alone, a label) give what the pattern gives."""
    from orchestration.parsing import text

    stripped = cell.strip()
    expected = bool(text._NUMERIC_PART.fullmatch(stripped)) or stripped in _NULL_MARKERS
    assert text.is_figure(cell) is expected


@given(st.text(alphabet="a表1２ \t\u3000—|", max_size=24))
def test_a_cell_is_cut_into_tokens_that_point_at_their_text(cell):
    """A cell's tokens are its words as printed, in order: a label, then the figures
    that end it (or the cell whole, when it does not end in a figure)."""
    text = f"前{cell}后"
    tokens: list = []
    _append_cell(text, 1, 1 + len(cell), tokens)
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert "".join("".join(t.text.split()) for t in tokens) == "".join(cell.split())
    assert [t.start for t in tokens] == sorted(t.start for t in tokens)
    words = cell.split()
    if len(words) == 1 or (words and not is_figure(words[-1])):
        assert [t.text for t in tokens] == [cell.strip()]
    elif words:
        assert all(is_figure(t.text) for t in tokens[1:]) and tokens[-1].text == words[-1]
