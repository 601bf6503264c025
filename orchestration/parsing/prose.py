"""Figures stated in sentences: proactive disclosures, applications received,
reviews and lawsuits. A stated "none" ("未收到…申请") is a reported 0.

Prose is read only outside the tables (the caller masks them), and a prose
figure never replaces a table figure: the marts prefer the table (REPORTS.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import cache

from . import labels
from .model import Value
from .numbers import parse_prose_number

_SUB_FIGURE = re.compile(r"其中[^。;]{0,12}$")


@cache
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _finditer_from(pattern: re.Pattern[str], openings: tuple[str, ...], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, for a pattern whose every match opens with one of
    ``openings``: tried only where one of them stands, found by ``str.find``, not at
    every character of the report (a pattern opening with alternatives is)."""
    next_at = [text.find(opening) for opening in openings]  # where each stands next; -1: nowhere
    position = 0
    while True:
        start = -1
        for index, at in enumerate(next_at):
            if -1 < at < position:
                at = next_at[index] = text.find(openings[index], position)
            if at != -1 and (start == -1 or at < start):
                start = at
        if start == -1:
            return
        match = pattern.match(text, start)
        if match is None:
            position = start + 1
            continue
        yield match
        position = max(match.end(), start + 1)


def _number(match: re.Match[str]) -> tuple[Decimal | None, bool]:
    value = parse_prose_number(match["number"])
    if value is None:
        return None, False
    if match["wan"]:
        value *= 10000
    return value, bool(match["approx"] or match["approx2"])


def _printed(match: re.Match[str]) -> tuple[int, int]:
    """Where the number is printed, with its note's mark ("25¹" of "收到申请25¹件")."""
    return match.start("number"), match.end("mark") if match["mark"] is not None else match.end("number")


def _clause_of(text: str, position: int, marks: str = "。;\n") -> tuple[int, int]:
    """The run of ``text`` around ``position`` that holds none of ``marks``."""
    start = max(text.rfind(mark, 0, position) for mark in marks) + 1
    ends = [i for i in (text.find(mark, position) for mark in marks) if i != -1]
    return start, min(ends) if ends else len(text)


def _prose_value(text, section, item, dims, value, number_span, approximate=False, raw=None, mark=None) -> Value:
    clause_start, clause_end = _clause_of(text, number_span[0])
    snippet = " ".join(text[clause_start:clause_end].split())
    if len(snippet) > 200:
        snippet = " ".join(text[max(clause_start, number_span[0] - 80) : number_span[1] + 40].split())
    return Value(
        section=section,
        item=item,
        dims=dict(dims),
        value=value,
        unit={"proactive": "条", "requests": "件", "appeals": "件"}[section],
        source="prose",
        layout="prose",
        label=snippet[:80],
        raw_text=raw if raw is not None else text[number_span[0] : number_span[1]],
        char_start=number_span[0],
        char_end=number_span[1],
        snippet=snippet,
        approximate=approximate,
        note_mark=mark,
    )


def extract(text: str) -> list[Value]:
    """All prose figures of ``text`` (tables already blanked out)."""
    return [*_proactive(text), *_requests(text), *_appeals(text)]


# ---------------------------------------------------------------- 主动公开


def _proactive(text: str) -> list[Value]:
    candidates: list[tuple[int, int, re.Match[str]]] = []  # (rank, position, match)
    cumulative: list[re.Match[str]] = []
    for match in _re(labels.YEARLY_BESIDE_CUMULATIVE).finditer(text):
        candidates.append((0, match.start(), match))
    for strength, pattern in labels.PROACTIVE_PHRASES:
        for match in _re(pattern).finditer(text):
            clause_start, _ = _clause_of(text, match.start())
            lead = text[clause_start : match.start()]
            near = text[max(clause_start, match.start() - 20) : match.start() + 12]
            is_cumulative = bool(_re(labels.CUMULATIVE_WEAK).search(near))
            if is_cumulative and _re(labels.CUMULATIVE_CONTEXT).search(lead + near):
                cumulative.append(match)  # "截至2017年12月底…累计主动公开…1276条"
                continue
            if _SUB_FIGURE.search(lead):
                continue  # "其中, 区本级公开政府信息的2070条": part of a total
            rank = (1 if strength == "strong" else 2) + (2 if is_cumulative else 0)
            candidates.append((rank, match.start(), match))
    values = []
    if candidates:
        _, _, best = min(candidates, key=lambda c: (c[0], c[1]))
        value, approximate = _number(best)
        if value is not None:
            values.append(
                _prose_value(
                    text, "proactive", "disclosure",
                    {"category": "proactive_information", "measure": "items"},
                    value, _printed(best), approximate, mark=best["mark"],
                )
            )
    if cumulative:
        first = cumulative[0]
        value, approximate = _number(first)
        if value is not None:
            values.append(
                _prose_value(
                    text, "proactive", "disclosure",
                    {"category": "proactive_information", "measure": "cumulative_items"},
                    value, _printed(first), approximate, mark=first["mark"],
                )
            )
    return values


# ---------------------------------------------------------------- 依申请公开

_TOTAL = {"applicant_type": "total", "channel": "all"}


def _requests(text: str) -> list[Value]:
    received: Value | None = None
    for pattern in labels.REQUESTS_COUNT:
        for match in _finditer_from(_re(pattern), labels.RECEIVING_WORDS, text):
            value, approximate = _number(match)
            if value is None:
                continue
            candidate = _prose_value(text, "requests", "new_received", _TOTAL, value, _printed(match), approximate,
                                      mark=match["mark"])
            if received is None or candidate.char_start < received.char_start:
                received = candidate
            break
    if received is None:
        # The first "none received" in a clause that says nothing of appeals. The pattern
        # cannot cross a clause's end, so the text is searched once, not clause by clause.
        for none in _finditer_from(_re(labels.REQUESTS_NONE), labels.NEGATION_WORDS, text):
            clause_start, clause_end = _clause_of(text, none.start(), labels.CLAUSE_ENDS)
            if any(word in text[clause_start:clause_end] for word in labels.APPEAL_WORDS):
                continue
            received = _prose_value(text, "requests", "new_received", _TOTAL, Decimal(0), none.span(), raw=none.group())
            break
    if received is None:
        return []
    values = [received]
    persons = _re(labels.REQUESTS_ALL_NATURAL_PERSONS).search(text) if received.value else None
    if persons:
        person = _prose_value(
            text, "requests", "new_received", {"applicant_type": "natural_person", "channel": "all"},
            received.value, persons.span(), raw=persons.group(),
        )
        values.append(person)
    carried = _re(labels.CARRIED_FORWARD_PROSE).search(text)
    if carried:
        value, approximate = _number(carried)
        if value is not None:
            values.append(_prose_value(text, "requests", "carried_forward", _TOTAL, value, _printed(carried),
                                       approximate, mark=carried["mark"]))
    return values


# ---------------------------------------------------------------- 行政复议 / 诉讼

_REVIEW_NONE = labels.NEGATION + r"[^。;,]{0,40}?行政复议"
_LITIGATION_NONE = labels.NEGATION + r"[^。;,]{0,50}?(?:行政诉讼|[、和或及与]诉讼|提起诉讼)"


def _appeals(text: str) -> list[Value]:
    values = []
    for proceeding, count_pattern, none_pattern, named in (
        ("administrative_review", labels.REVIEW_COUNT, _REVIEW_NONE, "行政复议"),
        ("litigation", labels.LITIGATION_COUNT, _LITIGATION_NONE, "诉讼"),
    ):
        if named not in text:
            # Both patterns name the proceeding; the "none" one, opening with 未/没有/无,
            # would otherwise be tried at each of those characters of the report.
            continue
        dims = {"proceeding": proceeding, "outcome": "total"}
        match = _re(count_pattern).search(text)
        if match:
            value, approximate = _number(match)
            if value is not None:
                values.append(_prose_value(text, "appeals", "cases", dims, value, _printed(match), approximate,
                                           mark=match["mark"]))
                continue
        match = next(_finditer_from(_re(none_pattern), labels.NEGATION_WORDS, text), None)
        if match:
            values.append(_prose_value(text, "appeals", "cases", dims, Decimal(0), match.span(), raw=match.group()))
    return values
