"""A report's figures and checks appended to column lists, in the order of the
``values`` and ``identity_checks`` Parquet tables (orchestration.schema, which
corpus checks against these names at import).

Here rather than beside the writer: compiled with the parser, reading the
figures' fields is a C struct access, where Python spent a fifth of a worker's
time turning objects into columns.
"""

from __future__ import annotations

from typing import Any

from .model import DIMENSIONS, Check, Value

VALUE_COLUMNS: tuple[str, ...] = (
    "report_id", "value_index", "section", "item", *DIMENSIONS, "value", "unit", "source", "layout", "approximate",
    "label", "raw_text", "char_start", "char_end", "snippet", "is_selected",
)
CHECK_COLUMNS: tuple[str, ...] = ("report_id", "check_index", "identity", "group_value", "signed_sum", "holds")
# The first two columns of both (the report and the row's index in it) are laid out
# from each report's row count by the writer (corpus), in Arrow, not per row in Python.
KEY_COLUMNS = 2


def empty_columns(names: tuple[str, ...]) -> list[list[Any]]:
    return [[] for _ in names]


def append_values(columns: list[list[Any]], values: list[Value]) -> None:
    """Append one report's figures to ``columns`` (one list per VALUE_COLUMNS name but the key columns)."""
    columns[2].extend([v.section for v in values])
    columns[3].extend([v.item for v in values])
    for offset, name in enumerate(DIMENSIONS):
        columns[4 + offset].extend([v.dims.get(name) for v in values])
    position = 4 + len(DIMENSIONS)
    columns[position].extend([v.value for v in values])
    columns[position + 1].extend([v.unit for v in values])
    columns[position + 2].extend([v.source for v in values])
    columns[position + 3].extend([v.layout for v in values])
    columns[position + 4].extend([v.approximate for v in values])
    columns[position + 5].extend([v.label for v in values])
    columns[position + 6].extend([v.raw_text for v in values])
    columns[position + 7].extend([v.char_start for v in values])
    columns[position + 8].extend([v.char_end for v in values])
    columns[position + 9].extend([v.snippet for v in values])
    columns[position + 10].extend([v.is_selected for v in values])


def append_checks(columns: list[list[Any]], checks: list[Check]) -> None:
    """Append one report's checks to ``columns`` (one list per CHECK_COLUMNS name but the key columns)."""
    columns[2].extend([c.identity for c in checks])
    columns[3].extend([c.group_value for c in checks])
    columns[4].extend([c.signed_sum for c in checks])
    columns[5].extend([c.holds for c in checks])
