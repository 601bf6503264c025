"""Parse one report's text: tables, prose figures, metadata, issues."""

from __future__ import annotations

from operator import attrgetter

from . import identities, metadata, prose, regions, tables
from .model import DIMENSIONS, Check, Heading, Issue, ParseResult, ReportMetadata, Value
from .pages import blank_page_numbers
from .text import blanked, normalize, tokenize

# Tables a report in the national formats has; a missing one is worth saying.
_NATIONAL_TABLES = ("table2", "table3", "table4")
_REPORT_WORDS = ("政府信息公开", "政务公开", "信息公开")


def parse_text(text: str, max_year: int, heading: Heading = ()) -> ParseResult:
    """Parse a decoded report (``heading``: what a page's head names, for the metadata).
    Never raises on odd text: what cannot be read is an issue."""
    normal = blank_page_numbers(normalize(text))
    tokens = tokenize(normal)
    issues: list[Issue] = []

    meta = ReportMetadata()
    dated = metadata.arabic_dates(normal)
    head = {source: metadata.arabic_dates(normalize(said)) for source, said in heading}
    meta.report_year, meta.year_source, later_years, first_of_range = metadata.report_year(dated, max_year, head)
    meta.agency_name, meta.agency_source = metadata.agency_name(dated, head)
    meta.published_date, meta.date_source = metadata.published_date(dated, meta.report_year, head)
    if meta.report_year is None and meta.published_date:  # (no year read: the one before its publication's)
        meta.report_year = metadata.year_before_publication(meta.published_date, max_year)
        meta.year_source = "before_published" if meta.report_year is not None else None

    table3 = tables.parse_table3(normal, tokens)
    table2 = tables.parse_table2(normal, tokens, hint=table3.layout if table3 and table3.layout else None,
                                 has_table3=table3 is not None)
    table4 = tables.parse_table4(normal, tokens, after=table3.span[1] if table3 else 0)
    # A report has the stat table (2008-2018) or the national tables (2019-), never both.
    stat = None if (table2 or table3 or table4) else tables.parse_stat_table(normal, tokens)
    found = [t for t in (table2, table3, table4, stat) if t is not None]

    # Table 四 is the same in both formats, and a cut-off table 三 may not show
    # its (六) rows: those take the layout the rest of the report shows.
    year_layout = "t2021" if (meta.report_year or 0) >= 2021 else "t2019"
    national_layout = (table3 and table3.layout) or (table2 and table2.layout) or year_layout
    for table in (table3, table4):
        if table is not None and not table.layout:
            table.layout = national_layout
            for value in table.values:
                value.layout = national_layout
    meta.template = _template(table2, table3, table4, stat)
    meta.table_layouts = {t.name: t.layout for t in found}

    values: list[Value] = []
    for table in found:
        values.extend(table.values)
        issues.extend(table.issues)
    values.extend(prose.extract(blanked(normal, [t.span for t in found])))  # (prose rules read only sentences)

    issues.extend(_completeness(meta.template, found))
    first = table3 or stat
    if first is not None:
        issues.extend(_other_reports(normal, dated, tokens, first, max_year))
    evaluated = identities.evaluate(values)
    issues.extend(_identity_issues(evaluated))
    if later_years:
        where: dict[int, list[str]] = {}
        for year, source in later_years:  # (in the order read: a title or period first, the mentions last)
            if source not in where.setdefault(year, []):
                where[year].append(source)
        read = ", ".join(f"{year} ({', '.join(sources)})" for year, sources in sorted(where.items()))
        issues.append(Issue("later_year_set_aside", f"set aside as after the year of the run ({max_year}): {read}"))
    if first_of_range is not None:
        taken = "the one written last" if first_of_range > (meta.report_year or 0) else "the last"
        issues.append(Issue("year_range", f"the title names the years {first_of_range} to {meta.report_year}: "
                            f"the report's year is taken as {taken}"))
    if meta.report_year is None:
        issues.append(Issue("no_report_year", "no year covered could be read from the text"))
    # (an organ's place is its own name's: a second name in brackets is another organ's)
    meta.region = regions.resolve(meta.agency_name and metadata.primary_name(meta.agency_name), normal)
    if meta.agency_name is None:
        issues.append(Issue("no_agency_name", "the reporting organ's name could not be read from the text"))
    elif meta.region.problem:
        # (without a name, no_agency_name says enough)
        issues.append(Issue("region_unknown", f"{meta.agency_name}: {meta.region.problem}"))

    is_report = bool(values) or (
        any(word in normal for word in _REPORT_WORDS) and (meta.report_year is not None or meta.agency_name is not None)
    )
    for value in values:
        # Normalising kept every offset, so the cell as printed ("１２") is at the same place.
        value.raw_text = text[value.char_start : value.char_end]
        if value.note_mark is not None:
            issues.append(Issue("figure_with_note_mark", f"{value.raw_text} read as {value.value} ({value.label}): its "
                                f"mark {value.note_mark} points to a note that may qualify it", value.char_start, value.char_end))
    # Stable: figures at one place (a row's blank cells) keep the table's column order.
    values.sort(key=_POSITION)
    select_figures(values)
    checks = [Check(r.identity.name, r.group, r.lhs, r.holds) for r in evaluated]
    return ParseResult(meta, values, issues, len(text), is_report, checks)


_POSITION = attrgetter("char_start", "char_end")


# Which figure the marts show when a report gives several for one key: a filled
# table cell, then a prose statement, then a blank table cell (NULL: not reported).
# Prose never overrides a table figure (REPORTS.md) but fills in what the table
# leaves blank; the others stay visible in fct_report_values.
_PREFERENCE = {("table", True): 1, ("prose", True): 2, ("table", False): 3, ("prose", False): 4}
_RANK_FILLED = {source: rank for (source, filled), rank in _PREFERENCE.items() if filled}
_RANK_BLANK = {source: rank for (source, filled), rank in _PREFERENCE.items() if not filled}


def select_figures(values: list[Value]) -> None:
    """Mark one figure per (section, item, dimensions): the first of the best kind."""
    chosen: dict[tuple, Value] = {}
    # Figures of a row or column share one dims dict; equal dims get one number, so
    # a key hashes two strings and an int, not a tuple of every dimension.
    dims_numbers: dict[int, int] = {}
    numbers: dict[tuple, int] = {}
    for value in values:
        dims = value.dims
        number = dims_numbers.get(id(dims))
        if number is None:
            number = dims_numbers[id(dims)] = numbers.setdefault(tuple([dims.get(name) for name in DIMENSIONS]), len(numbers))
        key = (value.section, value.item, number)
        held = chosen.get(key)
        # Most keys have one figure: ranks are compared only where two meet.
        if held is None or _rank(value) < _rank(held):
            chosen[key] = value
    for value in chosen.values():
        value.is_selected = True


def _rank(value: Value) -> int:
    return (_RANK_BLANK if value.value is None else _RANK_FILLED)[value.source]


# What the tables a report has one of are called in several_reports' message.
_TABLE_NAMES: dict[str, str] = {"table3": "tables 三", "stat_table": "stat tables (统计表)"}


def _other_reports(normal: str, dated: str, tokens: list, table: tables.TableResult, max_year: int) -> list[Issue]:
    """An issue for a file that holds several reports (tables 三, or stat tables, after the
    one read): only the first report's tables are read, and the others' organs and years
    are named."""
    later = tables.later_tables(normal, tokens, table)
    if not later:
        return []
    named: list[str] = []
    previous = table.span[1]
    for start, _ in later:
        # (each other report's title is before its table, after the table before it)
        before = dated[previous:start]
        agency, _source = metadata.agency_name(before)
        year, _year_source, _later, _first = metadata.report_year(before, max_year)
        named.append(f"{agency or 'an organ not named'} {year or 'of a year not given'}")
        previous = start
    return [Issue("several_reports", f"the text holds {len(later) + 1} reports' {_TABLE_NAMES[table.name]}: only the "
                  f"first report's tables are read; the others are {'; '.join(named)}", later[0][0], later[-1][1])]


def _template(table2, table3, table4, stat) -> str:
    if table3 is not None:
        return table3.layout
    if table2 is not None:
        return table2.layout
    if table4 is not None:
        return table4.layout
    if stat is not None:
        return "stat_table"
    return "prose"


def _completeness(template: str, found: list[tables.TableResult]) -> list[Issue]:
    """Say what a cut-off or partial report is missing (code ``incomplete``)."""
    missing: list[str] = []
    names = {t.name for t in found}
    if template in ("t2019", "t2021"):
        missing += [f"{name} (whole table)" for name in _NATIONAL_TABLES if name not in names]
    for table in found:
        missing += [f"{table.name}: {what}" for what in table.missing]
    if not missing:
        return []
    shown = "; ".join(missing[:12]) + (f"; and {len(missing) - 12} more" if len(missing) > 12 else "")
    return [Issue("incomplete", f"report ends or lacks parts of its tables: {shown}")]


def _identity_issues(evaluated: list[identities.IdentityResult]) -> list[Issue]:
    issues = []
    for result in evaluated:
        if not result.holds:
            group = f" [{result.group}]" if result.group else ""
            issues.append(
                Issue(
                    "identity_failed",
                    f"{result.identity.name}{group}: {result.identity.description}; "
                    f"signed sum is {result.lhs}, should be {'>= 0' if result.identity.comparison == '>=' else '0'}",
                )
            )
    return issues
