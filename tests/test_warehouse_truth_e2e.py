"""The warehouse against a synthetic corpus's truth: after `ogi run`, the marts an analyst
reads hold every generated figure once, with its value (NULL for a blank cell), and
nothing else, for every era, text shape and fault; and the score notices a mart that does not."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from orchestration.scoring import score_warehouse
from orchestration.synth import ERAS, FAULTS, generate
from orchestration.synthetic import SHAPES

from .conftest import ogi_run

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("warehouse_truth")
    raw = generate(400, root / "corpus", seed=1)
    code, output = ogi_run(raw, root / "data")
    assert code == 0, output[-3000:]
    return root / "corpus" / "truth.jsonl", root / "data" / "warehouse.duckdb"


def truths(truth_file: Path) -> list[dict]:
    return [json.loads(line) for line in truth_file.read_text(encoding="utf-8").splitlines()]


def test_the_corpus_covers_every_era_shape_and_fault(run):
    records = truths(run[0])
    assert {(r["era"], r["shape"]) for r in records if r["era"]} == {(era, shape) for era in ERAS for shape in SHAPES}
    assert {(r["era"], r["fault"]) for r in records if r["era"] and r["fault"]} == {
        (era, fault) for era in ERAS for fault in FAULTS if fault not in ("duplicate", "junk")}
    assert {r["fault"] for r in records} == {None, *FAULTS}
    blanks = sum(f["value"] is None for r in records for f in r["figures"])
    assert blanks > 10


def test_every_generated_figure_is_in_the_marts_once_with_its_value(run):
    truth_file, warehouse = run
    result = score_warehouse(truth_file, warehouse)
    assert result.misses == []
    assert result.files == 400 and result.statuses_right == 400
    assert result.figures > 40_000 and result.figures_recovered == result.figures
    assert result.figures_unexpected == 0
    assert result.metadata_recovered == result.metadata_fields == 6 * sum(
        r["status"] == "parsed" for r in truths(truth_file))
    assert result.expected_issues_found == result.expected_issues > 10
    assert result.perfect


def test_the_marts_per_era_shape_and_fault(run):
    """The score above, broken down: no era, shape or fault kind hides behind the others."""
    truth_file, warehouse = run
    records = truths(truth_file)
    for key in ("era", "shape", "fault"):
        groups = score_warehouse(truth_file, warehouse, by=key)
        assert set(groups) == {r[key] for r in records}
        for group, result in groups.items():
            assert result.perfect, (key, group, result.misses)
            assert result.files == Counter(r[key] for r in records)[group]


@pytest.fixture
def damaged(run, tmp_path):
    """A copy of the warehouse, and a function that changes it with SQL."""
    truth_file, warehouse = run
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)

    def change(*statements: str) -> None:
        with duckdb.connect(str(copy)) as db:
            for statement in statements:
                db.execute(statement)

    return truth_file, copy, change


def one_report(copy: Path, sql: str) -> str:
    with duckdb.connect(str(copy), read_only=True) as db:
        return db.execute(sql).fetchone()[0]


def test_the_score_sees_two_figures_swapped(damaged):
    truth_file, copy, change = damaged
    with duckdb.connect(str(copy), read_only=True) as db:
        report, granted, denied = db.execute("""
            select report_id, g.count, d.count
            from fct_requests as g inner join fct_requests as d using (report_id, applicant_type, channel, source)
            where applicant_type = 'total' and channel = 'all' and g.item = 'granted'
              and d.item = 'denied_state_secret' and g.count <> d.count
            order by report_id limit 1""").fetchone()
    total_row = "applicant_type = 'total' and channel = 'all'"
    change(f"update fct_requests set count = {denied} where report_id = '{report}' and {total_row} and item = 'granted'",
           f"update fct_requests set count = {granted} where report_id = '{report}' and {total_row} "
           "and item = 'denied_state_secret'")
    result = score_warehouse(truth_file, copy)
    assert not result.perfect
    assert result.figures - result.figures_recovered == 2
    assert any("'granted'" in miss and f"= {denied}, expected {granted}" in miss for miss in result.misses)


def test_the_score_sees_a_blank_cell_made_zero(damaged):
    truth_file, copy, change = damaged
    report = one_report(copy, "select min(report_id) from fct_requests where count is null")
    change(f"update fct_requests set count = 0 where report_id = '{report}' and count is null")
    result = score_warehouse(truth_file, copy)
    assert result.figures - result.figures_recovered >= 1
    assert all("= 0, expected NULL" in miss for miss in result.misses)


def test_the_score_sees_a_figure_missing_or_shown_twice(damaged):
    truth_file, copy, change = damaged
    appeal = one_report(copy, "select min(report_id) from fct_appeals where outcome = 'upheld'")
    disclosure = one_report(copy, "select min(value_id) from fct_disclosures")
    doubled = one_report(copy, f"select cast(value as varchar) from fct_disclosures where value_id = '{disclosure}'")
    change(f"delete from fct_appeals where report_id = '{appeal}' and outcome = 'upheld'",
           f"insert into fct_disclosures select * from fct_disclosures where value_id = '{disclosure}'")
    result = score_warehouse(truth_file, copy)
    assert result.figures - result.figures_recovered >= 2  # the upheld appeals, and the doubled figure
    assert result.figures_unexpected == 1
    assert any("'upheld'" in miss and "= missing" in miss for miss in result.misses)
    assert any(f"= {doubled}, {doubled}, expected" in miss for miss in result.misses)


def test_the_score_sees_a_figure_the_report_does_not_have(damaged):
    truth_file, copy, change = damaged
    value_id = one_report(copy, "select min(value_id) from fct_other_figures")
    change(f"update fct_other_figures set item = 'invented' where value_id = '{value_id}'")
    result = score_warehouse(truth_file, copy)
    assert result.figures - result.figures_recovered == 1
    assert result.figures_unexpected == 1
    assert any("'invented'" in miss and "not in the truth" in miss for miss in result.misses)


def test_the_score_sees_wrong_metadata_and_a_wrong_status(damaged):
    truth_file, copy, change = damaged
    report = one_report(copy, "select min(report_id) from dim_report where template = 't2021'")
    quarantined = one_report(copy, "select min(source_path) from dim_source_file where status = 'quarantined'")
    change(f"update dim_report set template = 't2019', report_year = report_year + 1 where report_id = '{report}'",
           f"update dim_source_file set quarantine_code = 'too_large' where source_path = '{quarantined}'")
    result = score_warehouse(truth_file, copy)
    assert result.metadata_fields - result.metadata_recovered == 2
    assert result.files - result.statuses_right == 1
    assert any("template 't2019', expected 't2021'" in miss for miss in result.misses)
