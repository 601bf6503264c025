"""A saved analysis's compiled SQL is kept, and compiled again when anything it depends
on changes (orchestration/analyses.py). dbt is replaced by a stand-in that records what
it was asked to compile; tests/test_pipeline_e2e.py runs the real one."""

from __future__ import annotations

import pytest

from orchestration import analyses


@pytest.fixture()
def compiles(tmp_path, monkeypatch) -> list[tuple[list[str], dict | None]]:
    asked: list[tuple[list[str], dict | None]] = []

    def compile_with_dbt(selected, warehouse, variables):
        asked.append((list(selected), variables))
        return {name: f"select '{name}' as name, {len(asked)} as compile" for name in selected}

    monkeypatch.setattr(analyses, "COMPILED_DIR", tmp_path / "kept")
    monkeypatch.setattr(analyses, "_compile", compile_with_dbt)
    return asked


def test_an_analysis_compiles_once_then_is_kept(compiles, tmp_path):
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    first = analyses.compile_analyses(["identity_failures", "cross_year_breaks"], warehouse)
    assert compiles == [(["identity_failures", "cross_year_breaks"], None)]
    assert first["identity_failures"] == "select 'identity_failures' as name, 1 as compile"

    again = analyses.compile_analyses(["cross_year_breaks", "identity_failures"], warehouse)
    assert again == first and len(compiles) == 1
    # Only what is not kept yet goes to dbt.
    mixed = analyses.compile_analyses(["identity_failures", "grant_rate_by_year"], warehouse)
    assert compiles[1:] == [(["grant_rate_by_year"], None)]
    assert mixed["identity_failures"] == first["identity_failures"]
    assert mixed["grant_rate_by_year"] == "select 'grant_rate_by_year' as name, 2 as compile"


def test_other_vars_or_another_warehouse_compile_again(compiles, tmp_path):
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    analyses.compile_analyses(["grant_rate_by_year"], warehouse, {"province": "吉林省"})
    analyses.compile_analyses(["grant_rate_by_year"], warehouse, {"province": "吉林省"})
    analyses.compile_analyses(["grant_rate_by_year"], warehouse, {"province": "浙江省"})
    analyses.compile_analyses(["grant_rate_by_year"], warehouse)
    analyses.compile_analyses(["grant_rate_by_year"], tmp_path / "other" / "warehouse.duckdb", {"province": "吉林省"})
    assert [variables for _, variables in compiles] == [{"province": "吉林省"}, {"province": "浙江省"}, None,
                                                          {"province": "吉林省"}]


def test_a_change_to_the_dbt_project_compiles_again(compiles, tmp_path, monkeypatch):
    import shutil

    from orchestration import warehouse as warehouse_module

    warehouse = tmp_path / "data" / "warehouse.duckdb"
    project = tmp_path / "dbt_project"  # a copy, whose model the test edits
    shutil.copytree(warehouse_module.DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    monkeypatch.setattr(warehouse_module, "DBT_PROJECT_DIR", project)
    model = project / "models" / "marts" / "report_summary.sql"
    model.write_text("select 1 as report_year", encoding="utf-8")

    analyses.compile_analyses(["identity_failures"], warehouse)
    analyses.compile_analyses(["identity_failures"], warehouse)
    model.write_text("select 2 as report_year", encoding="utf-8")
    analyses.compile_analyses(["identity_failures"], warehouse)
    assert len(compiles) == 2


def test_an_unknown_analysis_is_refused_before_anything_compiles(compiles, tmp_path):
    with pytest.raises(ValueError, match="no analysis 'grant_rate'"):
        analyses.compile_analyses(["identity_failures", "grant_rate"], tmp_path / "warehouse.duckdb")
    assert compiles == []
