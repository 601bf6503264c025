"""The identities (勾稽关系) a report's tables must satisfy, as data.

Each identity is a signed sum of figures that must be 0 (or >= 0), evaluated
per group (per applicant column, per row, per proceeding). The same rules are
written to the dbt seed ``identity_terms`` (``orchestration.seeds``) and
evaluated there in SQL on the marts, so the parser's ``identity_failed`` issues
and the warehouse's warn-level tests agree by construction.

An identity with a blank or missing term is not evaluated: a blank cell is
"not reported", and a sum over it says nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

from .model import Value

_T3_COLUMNS = (
    "natural_person", "commercial_enterprise", "research_institution",
    "social_welfare_org", "legal_service_org", "other_org",
)
_T3_OUTCOMES_COMMON = (
    "granted", "partially_granted",
    "denied_state_secret", "denied_prohibited_by_law", "denied_security_stability", "denied_third_party_rights",
    "denied_internal_affairs", "denied_process_information", "denied_enforcement_case_file", "denied_administrative_query",
    "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
    "not_processed_complaint", "not_processed_duplicate", "not_processed_publication", "not_processed_excessive",
    "not_processed_confirmation",
)


@dataclass(frozen=True)
class Term:
    match: tuple[tuple[str, str], ...]  # dimension -> value the figure must have
    coefficient: int


@dataclass(frozen=True)
class Identity:
    name: str
    description: str
    section: str
    layouts: tuple[str, ...]  # layouts of the table whose figures it checks
    group_by: str | None  # dimension the identity holds for each value of
    terms: tuple[Term, ...]
    comparison: str = "="  # lhs (signed sum) = 0, or >= 0


def _items(coefficients: dict[str, int], **fixed: str) -> tuple[Term, ...]:
    return tuple(Term((("item", item), *fixed.items()), c) for item, c in coefficients.items())


NATIONAL = ("t2019", "t2021")

IDENTITIES: tuple[Identity, ...] = (
    Identity(
        "t3_received_equals_processed",
        "Table 三, each column: 一 new + 二 carried over = 三(七) total processed + 四 carried forward",
        "requests", NATIONAL, "applicant_type",
        _items({"new_received": 1, "carried_over": 1, "total_processed": -1, "carried_forward": -1}, channel="all"),
    ),
    Identity(
        "t3_row_total",
        "Table 三, each row: 总计 = sum of the six applicant columns",
        "requests", NATIONAL, "item",
        (*(Term((("applicant_type", c),), 1) for c in _T3_COLUMNS), Term((("applicant_type", "total"),), -1)),
    ),
    Identity(
        "t3_outcomes_total_2019",
        "Table 三 (2019), each column: (七)总计 = sum of outcome rows (一) to (六)",
        "requests", ("t2019",), "applicant_type",
        _items({**{i: 1 for i in _T3_OUTCOMES_COMMON}, "other_handling": 1, "total_processed": -1}, channel="all"),
    ),
    Identity(
        "t3_outcomes_total_2021",
        "Table 三 (2021), each column: (七)总计 = sum of outcome rows (一) to (六)",
        "requests", ("t2021",), "applicant_type",
        _items(
            {**{i: 1 for i in _T3_OUTCOMES_COMMON}, "other_no_correction": 1, "other_unpaid_fee": 1, "other_misc": 1,
             "total_processed": -1},
            channel="all",
        ),
    ),
    Identity(
        "t4_block_total",
        "Table 四, each block: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
        "appeals", NATIONAL, "proceeding",
        tuple(Term((("outcome", o),), 1) for o in ("upheld", "corrected", "other", "pending"))
        + (Term((("outcome", "total"),), -1),),
    ),
    Identity(
        "stat_received_by_channel",
        "Stat table: 收到申请数 >= sum of the listed channels",
        "requests", ("stat_table",), None,
        (Term((("item", "new_received"), ("channel", "all")), 1),
         *(Term((("item", "new_received"), ("channel", c)), -1) for c in ("in_person", "fax", "online", "mail"))),
        ">=",
    ),
    Identity(
        "stat_completed",
        "Stat table: 申请办结数 = 按时 + 延期",
        "requests", ("stat_table",), None,
        _items({"completed": 1, "completed_on_time": -1, "completed_extended": -1}),
    ),
    Identity(
        "stat_denied_reasons",
        "Stat table: 不同意公开答复数 = sum of its reasons",
        "requests", ("stat_table",), None,
        _items({"denied": 1, "denied_state_secret": -1, "denied_commercial_secret": -1, "denied_personal_privacy": -1,
                "denied_security_stability": -1, "denied_not_government_information": -1, "denied_other_legal": -1}),
    ),
    Identity(
        "stat_appeal_outcomes",
        "Stat table: 行政复议数量 / 行政诉讼数量 = its three outcomes",
        "appeals", ("stat_table",), "proceeding",
        (Term((("outcome", "total"),), 1), *(Term((("outcome", o),), -1) for o in ("upheld", "corrected", "other"))),
    ),
    Identity(
        "stat_staff",
        "Stat table: 工作人员数 = 专职 + 兼职",
        "organization", ("stat_table",), None,
        _items({"staff": 1, "staff_full_time": -1, "staff_part_time": -1}),
    ),
)


@dataclass
class IdentityResult:
    identity: Identity
    group: str | None
    lhs: Decimal  # the signed sum; holds when it is 0 (or >= 0)

    def __init__(self, identity: Identity, group: str | None, lhs: Decimal) -> None:
        self.identity = identity  # (written out to be compiled, as model.Value)
        self.group = group
        self.lhs = lhs

    @property
    def holds(self) -> bool:
        return self.lhs >= 0 if self.identity.comparison == ">=" else self.lhs == 0


def _match_dimensions(identity: Identity) -> tuple[str, ...]:
    dimensions = {tuple(d for d, _ in term.match) for term in identity.terms}
    assert len(dimensions) == 1, f"{identity.name}: terms must match on the same dimensions"
    return next(iter(dimensions))


_MATCH_DIMENSIONS = {identity.name: _match_dimensions(identity) for identity in IDENTITIES}


_FIELDS = ("item", "applicant_type", "channel", "proceeding", "outcome")


def evaluate(values: list[Value]) -> list[IdentityResult]:
    """Evaluate every identity on a report's table figures."""
    buckets: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for v in values:
        if v.source == "table":
            dims = v.dims
            buckets[(v.section, v.layout)].append(
                (v.item, dims.get("applicant_type"), dims.get("channel"), dims.get("proceeding"), dims.get("outcome"), v.value)
            )
    # Identities over the same figures, grouped and matched alike (table 三's column
    # sums and its outcome totals), read the same cell tables: built once.
    tables: dict[tuple, tuple[dict[Any, dict[Any, Decimal | None]], list[Any]]] = {}
    results = []
    for identity in IDENTITIES:
        layouts = tuple(layout for layout in identity.layouts if (identity.section, layout) in buckets)
        if not layouts:
            continue
        shape = (identity.section, layouts, _SHAPES[identity.name])
        found = tables.get(shape)
        if found is None:
            members = [row for layout in layouts for row in buckets[(identity.section, layout)]]
            by_group = _cell_tables(members, identity.name)
            found = tables[shape] = (by_group, sorted(by_group, key=str))
        by_group, groups = found
        terms = _TERM_KEYS[identity.name]
        for group in groups:
            cells = by_group[group]
            total = Decimal(0)
            for match, positive in terms:
                cell = cells.get(match)
                if cell is None:
                    break
                total = total + cell if positive else total - cell
            else:
                results.append(IdentityResult(identity, group, total))
    return results


def _cell_tables(members: list[tuple], name: str) -> dict[Any, dict[Any, Decimal | None]]:
    """One cell table per group: a term is then found by its match key alone (a
    string, mostly, whose hash is kept), not by a (group, key) tuple built per lookup."""
    by_group: dict[Any, dict[Any, Decimal | None]] = {}
    for group, key, value in zip(map(_GROUP_GETTERS[name], members), map(_KEY_GETTERS[name], members),
                                 map(_VALUE, members)):
        cells = by_group.get(group)
        if cells is None:
            by_group[group] = {key: value}
            continue
        size = len(cells)
        cells[key] = value
        if len(cells) == size:  # a key given twice is no single cell: the identity is not evaluated there
            cells[key] = None
    return by_group


_VALUE = itemgetter(5)


def _getter(fields: tuple[str, ...]):
    """The row's match key: one value, or a tuple of several (as _TERM_KEYS has them)."""
    return itemgetter(*(_FIELDS.index(f) for f in fields))


def _NO_GROUP(row: tuple) -> None:
    return None


_SHAPES = {i.name: (i.group_by, _MATCH_DIMENSIONS[i.name]) for i in IDENTITIES}  # what makes two cell tables one
_KEY_GETTERS = {i.name: _getter(_MATCH_DIMENSIONS[i.name]) for i in IDENTITIES}
_GROUP_GETTERS = {
    i.name: (itemgetter(_FIELDS.index(i.group_by)) if i.group_by else _NO_GROUP) for i in IDENTITIES
}
_TERM_KEYS = {
    i.name: [(term.match[0][1] if len(term.match) == 1 else tuple(v for _, v in term.match), term.coefficient > 0)
             for term in i.terms]
    for i in IDENTITIES
}
assert all(abs(term.coefficient) == 1 for i in IDENTITIES for term in i.terms), "terms are added or subtracted"
