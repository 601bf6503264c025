"""What parsing one report yields: its metadata, its figures and its issues.

Plain dataclasses (no ``slots``, no ``frozen``): mypyc compiles those into native
classes (the others stay Python classes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .regions import Region

# Dimensions a figure may carry, in the order of the ``values`` Parquet columns.
DIMENSIONS: tuple[str, ...] = ("applicant_type", "channel", "proceeding", "outcome", "category", "measure")

# What a web page's head names, as (source, text): its title and the metadata a
# government site's pages carry (labels.HEAD_META); a report's text may name neither.
Heading = tuple[tuple[str, str], ...]


@dataclass
class Value:
    """One figure found in a report, with where it was found."""

    section: str
    item: str
    dims: dict[str, str]
    value: Decimal | None  # None: the cell is blank or says "not reported"
    unit: str | None
    source: str  # "table" | "prose"
    layout: str  # "stat_table" | "t2019" | "t2021" | "prose"
    label: str  # the row label as printed
    raw_text: str  # the cell or phrase as printed
    char_start: int  # offsets of raw_text in the decoded report text
    char_end: int
    snippet: str  # the row or sentence around the figure, for checking by eye
    approximate: bool = False  # "30余条", "20余万条"
    is_selected: bool = False  # the figure the marts show for its key (report.select_figures)
    note_mark: str | None = None  # a note's mark beside a table's figure ("*" of "12*"), told by report.py

    # Written out (the dataclass would generate the same): mypyc compiles a written
    # __init__, while a generated one runs as Python — for the most-made object.
    def __init__(self, section: str, item: str, dims: dict[str, str], value: Decimal | None, unit: str | None,
                 source: str, layout: str, label: str, raw_text: str, char_start: int, char_end: int, snippet: str,
                 approximate: bool = False, is_selected: bool = False, note_mark: str | None = None) -> None:
        self.section = section
        self.item = item
        self.dims = dims
        self.value = value
        self.unit = unit
        self.source = source
        self.layout = layout
        self.label = label
        self.raw_text = raw_text
        self.char_start = char_start
        self.char_end = char_end
        self.snippet = snippet
        self.approximate = approximate
        self.is_selected = is_selected
        self.note_mark = note_mark


@dataclass
class Issue:
    """A problem found in a file, with a stable code (see orchestration.issue_codes)."""

    code: str
    message: str
    char_start: int | None = None
    char_end: int | None = None


@dataclass
class ReportMetadata:
    agency_name: str | None = None
    report_year: int | None = None
    published_date: str | None = None  # ISO date
    template: str | None = None
    table_layouts: dict[str, str] = field(default_factory=dict)  # table name -> layout
    year_source: str | None = None
    agency_source: str | None = None
    date_source: str | None = None
    region: Region | None = None  # place and level of the organ (regions.resolve)
    # The documents a file whose text holds no table links to (report_in_attachment), each
    # as the path its link gives (elsewhere.document_path): the warehouse looks for them
    # among the crawl's files (int_attachment_links).
    linked_documents: tuple[str, ...] = ()

    def __init__(self, agency_name: str | None = None, report_year: int | None = None,
                 published_date: str | None = None, template: str | None = None,
                 table_layouts: dict[str, str] | None = None, year_source: str | None = None,
                 agency_source: str | None = None, date_source: str | None = None,
                 region: Region | None = None, linked_documents: tuple[str, ...] = ()) -> None:
        self.agency_name = agency_name  # (written out to be compiled: see Value)
        self.report_year = report_year
        self.published_date = published_date
        self.template = template
        self.table_layouts = {} if table_layouts is None else table_layouts
        self.year_source = year_source
        self.agency_source = agency_source
        self.date_source = date_source
        self.region = region
        self.linked_documents = linked_documents


@dataclass
class Check:
    """One identity (勾稽关系) evaluated on a report's table figures."""

    identity: str
    group_value: str | None  # the column, row or block it was evaluated for
    signed_sum: Decimal  # 0 (or >= 0) when it holds
    holds: bool

    def __init__(self, identity: str, group_value: str | None, signed_sum: Decimal, holds: bool) -> None:
        self.identity = identity  # (written out to be compiled: see Value)
        self.group_value = group_value
        self.signed_sum = signed_sum
        self.holds = holds


@dataclass
class ParseResult:
    metadata: ReportMetadata
    values: list[Value]
    issues: list[Issue]
    text_length: int
    is_report: bool
    checks: list[Check] = field(default_factory=list)

    def __init__(self, metadata: ReportMetadata, values: list[Value], issues: list[Issue], text_length: int,
                 is_report: bool, checks: list[Check] | None = None) -> None:
        self.metadata = metadata  # (written out to be compiled: see Value)
        self.values = values
        self.issues = issues
        self.text_length = text_length
        self.is_report = is_report
        self.checks = [] if checks is None else checks
