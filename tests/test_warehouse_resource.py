"""The dbt resource skips dagster-dbt's `dbt --version` process and in-process adapter
(orchestration/defs/resources.py); builds keep dbt's parse for the next one, and
only the last builds' folders."""

from __future__ import annotations

import os
import subprocess

from dagster_dbt import DbtCliResource

from orchestration import warehouse
from orchestration.defs.resources import WarehouseDbtResource
from orchestration.defs.warehouse import dbt_project
from orchestration.warehouse import DBT_EXECUTABLE


def test_the_hooks_it_overrides_still_exist_in_dagster_dbt():
    # A rename upstream would leave the overrides unused: slower runs, no error.
    assert "_cli_version" in vars(DbtCliResource)
    assert "_initialize_dbt_core_adapter" in vars(DbtCliResource)


def test_the_version_it_reports_is_the_dbt_it_runs():
    resource = WarehouseDbtResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)
    printed = subprocess.run([DBT_EXECUTABLE, "--version"], capture_output=True, text=True, check=True).stdout
    assert f"installed: {resource._cli_version}" in printed
    assert resource._cli_version.major == 1  # dbt Core: dagster-dbt reads its events as such


def test_keep_partial_parse_copies_the_builds_file_over_the_projects(tmp_path, monkeypatch):
    project_file = tmp_path / "target" / "partial_parse.msgpack"
    project_file.parent.mkdir()
    project_file.write_bytes(b"from dbt parse")
    monkeypatch.setattr(warehouse, "PARTIAL_PARSE", project_file)
    invocation = tmp_path / "target" / "warehouse_models-abc"
    invocation.mkdir()

    warehouse.keep_partial_parse(invocation)  # a build that never parsed leaves it alone
    assert project_file.read_bytes() == b"from dbt parse"

    (invocation / "partial_parse.msgpack").write_bytes(b"from the build")
    warehouse.keep_partial_parse(invocation)
    assert project_file.read_bytes() == b"from the build"
    assert sorted(p.name for p in project_file.parent.iterdir()) == ["partial_parse.msgpack", "warehouse_models-abc"]


def test_only_the_last_build_folders_are_kept(tmp_path):
    target = tmp_path / "target"
    for name in ("compiled", "run"):  # dbt's own, from `dbt parse` / `dbt docs`
        (target / name).mkdir(parents=True)
    (target / "manifest.json").write_text("{}")
    builds = [target / f"warehouse_models-{index:03d}a-b{index}" for index in range(14)]
    for index, folder in enumerate(builds):  # builds[0] oldest ... builds[13] newest, a second apart
        folder.mkdir()
        (folder / "dbt.log").write_text(folder.name)
        stamp = 1_700_000_000_000_000_000 + index * 10**9
        os.utime(folder, ns=(stamp, stamp))
    os.utime(builds[0], ns=(1, 1))  # this build's folder, even if the clock says it is old

    removed = warehouse.prune_build_folders(builds[0], keep=4)

    kept = sorted(p.name for p in target.iterdir())
    assert kept == sorted(["compiled", "run", "manifest.json", builds[0].name, *(b.name for b in builds[10:])])
    assert sorted(removed) == builds[1:10]
