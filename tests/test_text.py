"""Text normalisation and table masking: the fast paths do exactly what the plain ways do."""

from hypothesis import given
from hypothesis import strategies as st

from orchestration.parsing.report import _mask
from orchestration.parsing.text import _translation_table, normalize


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
    assert _mask(text, spans) == "".join(chars)
