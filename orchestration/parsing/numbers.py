"""Reading one figure out of a cell or a prose match."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import cn2an

from .text import FIGURE_UNITS, FOOTNOTE_MARK, is_null_marker

_CELL = re.compile(
    r"(?P<sign>[+\-]?)(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?\s*"
    r"(?P<unit>" + FIGURE_UNITS + ")?(?P<mark>" + FOOTNOTE_MARK + ")?"
)
_CHINESE_NUMERAL = re.compile(r"^[零〇一二两三四五六七八九十百千万亿]+$")


class Figure:
    """A cell's figure. Not changed once made: parse_cell's cache shares one between cells.
    (A plain class: compiled, one is made in 190 instructions, a frozen dataclass in 3,400.)"""

    value: Decimal | None  # None: the cell says "not reported" ("—", "/", "无", blank)
    unit: str | None
    mark: str | None  # a note's mark beside the figure ("*" of "12*": text.FOOTNOTE_MARK)

    def __init__(self, value: Decimal | None, unit: str | None, mark: str | None = None) -> None:
        self.value = value
        self.unit = unit
        self.mark = mark


@lru_cache(maxsize=65536)  # cells repeat ("0", "12", "—"): a Figure is immutable, so it is shared
def parse_cell(cell: str) -> Figure | None:
    """The figure in a table cell, or None when the cell holds no figure.

    "92.8050万元" keeps its printed unit; an amount in 元 is converted by the
    caller, which knows the column's unit.
    """
    cell = cell.strip()
    if not cell or is_null_marker(cell):
        return Figure(None, None)
    match = _CELL.fullmatch(cell)
    if not match:
        return None
    digits = match["number"].replace(",", "") + (match["fraction"] or "")
    try:
        value = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None
    if match["sign"] == "-":
        value = -value
    return Figure(value, match["unit"], match["mark"])


def parse_prose_number(text: str) -> Decimal | None:
    """A count written in a sentence: Arabic ("2680", "1,276") or Chinese ("两", "十二")."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    if text.isdigit():
        return Decimal(text)
    if _CHINESE_NUMERAL.match(text):
        try:
            return Decimal(int(cn2an.cn2an(text, "smart")))
        except (ValueError, KeyError, TypeError):
            return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def to_wan_yuan(value: Decimal, unit: str | None) -> Decimal:
    """Amounts are reported in 万元; a cell that says 元 is converted."""
    if unit == "元":
        return value / Decimal(10000)
    return value
