"""Which figure the marts show for a key (report.select_figures)."""

from __future__ import annotations

from decimal import Decimal

from orchestration.parsing.model import Value
from orchestration.parsing.report import select_figures


def figure(source: str, value: int | None, start: int, item: str = "new_received", applicant: str = "total") -> Value:
    return Value("requests", item, {"applicant_type": applicant, "channel": "all"},
                 None if value is None else Decimal(value), "件", source, "t2021" if source == "table" else "prose",
                 "label", str(value), start, start + 1, "snippet")


def selected(values: list[Value]) -> list[tuple[str, int | None, int]]:
    select_figures(values)
    return [(v.source, v.value, v.char_start) for v in values if v.is_selected]


def test_a_filled_table_cell_wins_over_a_sentence_that_comes_first():
    assert selected([figure("prose", 12, 10), figure("table", 15, 90)]) == [("table", 15, 90)]


def test_a_sentence_fills_in_a_blank_table_cell():
    assert selected([figure("table", None, 90), figure("prose", 12, 200)]) == [("prose", 12, 200)]


def test_a_blank_cell_is_shown_when_nothing_else_says_more():
    assert selected([figure("table", None, 90), figure("prose", None, 200)]) == [("table", None, 90)]


def test_among_equals_the_first_in_the_text_and_every_key_gets_one():
    values = [figure("table", 7, 50), figure("table", 8, 60), figure("table", 3, 70, applicant="natural_person"),
              figure("table", None, 80, item="carried_over")]
    assert selected(values) == [("table", 7, 50), ("table", 3, 70), ("table", None, 80)]
