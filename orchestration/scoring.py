"""A synthetic corpus's truth (``ogi synth``'s ``truth.jsonl``) against what the pipeline
made of it, file by file and figure by figure: the parse stage's Parquet (``score``) or the
warehouse's marts, what an analyst reads (``score_warehouse``).

Both read the same three things from their source, keyed as the truth keys them: each
file's status, quarantine code, report id and metadata; its issue codes; its figures as
(section, item, dimensions, source) and value. A figure is recovered when the source has it
once, with the same value (NULL for a blank cell); one the truth does not have, or a
second row for the same figure, counts against the score as well.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .parsing.model import DIMENSIONS
from .settings import table_glob

METADATA = ("agency_name", "report_year", "template", "published_date", "region_code", "agency_level")


@dataclass
class Score:
    files: int = 0
    figures: int = 0
    figures_recovered: int = 0
    figures_unexpected: int = 0  # found, but not in the truth, or found twice
    metadata_fields: int = 0
    metadata_recovered: int = 0
    statuses_right: int = 0
    expected_issues: int = 0
    expected_issues_found: int = 0
    unexpected_warnings: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def mistakes(self) -> int:
        """Figures missed or wrong, found but not in the truth or twice; metadata fields
        wrong; statuses wrong; issues expected and not raised; files with an issue a clean
        report must not raise."""
        return (self.figures - self.figures_recovered + self.figures_unexpected
                + self.metadata_fields - self.metadata_recovered + self.files - self.statuses_right
                + self.expected_issues - self.expected_issues_found + self.unexpected_warnings)

    @property
    def perfect(self) -> bool:
        return self.mistakes == 0

    def miss(self, text: str, max_misses: int) -> None:
        if len(self.misses) < max_misses:
            self.misses.append(text)


# Issues a clean synthetic report must not raise (no_agency_name may, for names the
# generator makes up without an organ suffix; it makes none).
_UNEXPECTED = ("row_cell_count_mismatch", "row_extra_cells", "incomplete", "identity_failed", "no_report_year", "year_range",
               "no_agency_name", "region_unknown", "parse_error", "report_in_attachment", "tables_as_images", "no_figures")


@dataclass(frozen=True)
class _Queries:
    """SQL giving, in this order: source_path, status, quarantine_code, report_id and the
    METADATA columns, a row per raw file; source_path and code, a row per issue; report_id,
    section, item, the DIMENSIONS, the value as text and source, a row per figure."""

    files: str
    issues: str
    figures: str


def _parquet_queries(parquet_dir: Path) -> _Queries:
    def table(name: str) -> str:
        return "read_parquet('" + table_glob(parquet_dir, name).replace("'", "''") + "')"

    return _Queries(
        files="select source_path, status, quarantine_code, report_id, agency_name, report_year, template, "
              f"cast(published_date as varchar), region_code, agency_level from {table('reports')}",
        issues=f"select source_path, code from {table('issues')}",
        figures=f"select report_id, section, item, {', '.join(DIMENSIONS)}, cast(value as varchar), source "
                f"from {table('values')}",
    )


# The marts as the truth keys figures, each from the mart's own columns. fct_appeals and
# fct_disclosures keep no item: each of their sections has one ('cases', 'disclosure').
_WAREHOUSE = _Queries(
    files="select f.source_path, f.status, f.quarantine_code, f.report_id, r.agency_name, r.report_year, "
          "r.template, cast(r.published_date as varchar), r.region_code, r.agency_level "
          "from dim_source_file as f left join dim_report as r on f.status = 'parsed' and r.report_id = f.report_id",
    issues="select source_path, code from fct_issues",
    figures="""
        select report_id, 'requests', item, applicant_type, channel, null, null, null, null,
               cast(count as varchar), source
        from fct_requests
        union all
        select report_id, 'appeals', 'cases', null, null, proceeding, outcome, null, null,
               cast(count as varchar), source
        from fct_appeals
        union all
        select report_id, 'proactive', 'disclosure', null, null, null, null, category, measure,
               cast(value as varchar), source
        from fct_disclosures
        union all
        select report_id, section, item, null, null, null, null, category, null,
               cast(value as varchar), source
        from fct_other_figures
    """,
)


def score(truth_file: Path, parquet_dir: Path, max_misses: int = 20, by: str | None = None):
    """Compare the parse stage's Parquet with the truth.

    With ``by`` ("era", "shape", "fault" or "title_form"), a Score per value of that field.
    """
    import duckdb

    with duckdb.connect() as db:
        return _score(db, _parquet_queries(parquet_dir), truth_file, max_misses, by)


def score_warehouse(truth_file: Path, warehouse: Path, max_misses: int = 20, by: str | None = None):
    """Compare the warehouse's marts (dim_source_file, dim_report, fct_issues and the four
    figure marts) with the truth, as ``score`` does the Parquet."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as db:
        return _score(db, _WAREHOUSE, truth_file, max_misses, by)


_SCORED_TOGETHER = 1000  # truth files read, and their reports' figures fetched, at once
# (holding every figure of 10,000 reports took 2 GB)


def _score(db, queries: _Queries, truth_file: Path, max_misses: int, by: str | None):
    groups: dict = {}
    files = {row[0]: row[1:] for row in db.execute(queries.files).fetchall()}
    issues: dict[str, set[str]] = {}
    for path, code in db.execute(queries.issues).fetchall():
        issues.setdefault(path, set()).add(code)
    with truth_file.open(encoding="utf-8") as lines:
        while batch := [json.loads(line) for line in itertools.islice(lines, _SCORED_TOGETHER)]:
            wanted = [files[t["path"]][2] for t in batch if t["status"] == "parsed" and t["path"] in files]
            figures = _figures_of(db, queries, wanted)
            for truth in batch:
                _score_file(truth, files, issues, figures, groups.setdefault(truth[by] if by else None, Score()),
                            max_misses)
    return groups if by else groups.get(None, Score())


def _figures_of(db, queries: _Queries, report_ids: list[str]) -> dict[str, dict[tuple, list]]:
    """The figures of ``report_ids``, by report, keyed as the truth keys them; every value
    found for a key, so that a figure found twice is seen."""
    import pyarrow as pa

    db.register("wanted", pa.table({"report_id": pa.array(report_ids, pa.string())}))
    figures: dict[str, dict[tuple, list]] = {}
    for row in db.execute(f"select * from ({queries.figures}) as figures semi join wanted using (report_id)").fetchall():
        dims = {name: value for name, value in zip(DIMENSIONS, row[3:9]) if value}
        key = (row[1], row[2], tuple(sorted(dims.items())), row[10])
        figures.setdefault(row[0], {}).setdefault(key, []).append(row[9])
    db.unregister("wanted")
    return figures


def _shown(values: list) -> str:
    return ", ".join("NULL" if value is None else value for value in values) or "missing"


def _same_value(got: str | None, want: str | None) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return Decimal(got) == Decimal(want)


def _score_file(truth: dict, files: dict, issues: dict, figures: dict, result: Score, max_misses: int) -> None:
    result.files += 1
    path = truth["path"]
    status, code, report_id, *meta = files.get(path, (None,) * (3 + len(METADATA)))
    if (status, code) == (truth["status"], truth["quarantine_code"]):
        result.statuses_right += 1
    else:
        result.miss(f"{path}: {status}/{code}, expected {truth['status']}/{truth['quarantine_code']}", max_misses)
    if truth["status"] != "parsed":
        return
    for name, got in zip(METADATA, meta):
        result.metadata_fields += 1
        if got == truth[name]:
            result.metadata_recovered += 1
        else:
            result.miss(f"{path}: {name} {got!r}, expected {truth[name]!r}", max_misses)
    found = dict(figures.get(report_id, {}))
    for expected in truth["figures"]:
        result.figures += 1
        key = (expected["section"], expected["item"], tuple(sorted(expected["dims"].items())), expected["source"])
        got = found.pop(key, [])
        if len(got) == 1 and _same_value(got[0], expected["value"]):
            result.figures_recovered += 1
        else:
            result.miss(f"{path}: {key} = {_shown(got)}, expected {_shown([expected['value']])}", max_misses)
        result.figures_unexpected += max(0, len(got) - 1)
    for key, values in found.items():
        result.figures_unexpected += len(values)
        result.miss(f"{path}: {key} = {_shown(values)}, not in the truth", max_misses)
    codes = issues.get(path, set())
    for expected_code in truth["issues"]:
        result.expected_issues += 1
        result.expected_issues_found += expected_code in codes
    unexpected = (codes - set(truth["issues"])) & set(_UNEXPECTED)
    if unexpected:
        result.unexpected_warnings += 1
        result.miss(f"{path}: unexpected {sorted(unexpected)} ({truth['era']}, {truth['shape']}, {truth['fault']})",
                    max_misses)
