"""The dbt resource skips dagster-dbt's `dbt --version` process and in-process adapter
(orchestration/defs/resources.py); builds keep dbt's parse for the next one, and
only the last builds' folders."""

from __future__ import annotations

import os
import subprocess

import duckdb
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


# ---------------------------------------------------------------- incremental builds


def _settings(tmp_path):
    from orchestration.settings import Settings

    return Settings(tmp_path / "raw", tmp_path / "data", 2**20)


def _publish(settings, every_model: bool = True) -> bytes:
    """Publish a warehouse of one table (a DuckDB file: one that is not would be taken for damaged)."""
    build = warehouse.start_build(settings, every_model=every_model)
    build.path.unlink(missing_ok=True)
    with duckdb.connect(str(build.path)) as db:
        db.execute("create table built as select ? as tag", [os.urandom(4).hex()])
    warehouse.publish_build(settings, build)
    return settings.warehouse_path.read_bytes()


def test_a_build_starts_from_a_copy_only_when_this_project_built_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.delenv(warehouse.FULL_REBUILD_VARIABLE, raising=False)
    settings = _settings(tmp_path)

    first = warehouse.start_build(settings, every_model=True)  # nothing published yet
    assert (first.incremental, first.path.exists()) == (False, False)
    assert first.dbt_arguments == ["build", "--full-refresh"]

    published = _publish(settings)
    assert warehouse.recorded_fingerprint(settings) == warehouse.build_fingerprint()
    same_project = warehouse.start_build(settings, every_model=True)
    assert same_project.incremental and same_project.dbt_arguments == ["build"]
    assert same_project.path.read_bytes() == published

    monkeypatch.setenv(warehouse.FULL_REBUILD_VARIABLE, "1")  # asked for a build from scratch
    asked = warehouse.start_build(settings, every_model=True)
    assert (asked.incremental, asked.path.exists()) == (False, False)
    monkeypatch.delenv(warehouse.FULL_REBUILD_VARIABLE)

    # Built by another project (a model, a seed, dbt or the parser changed since):
    record = warehouse.build_record_path(settings)
    record.write_text('{"build_fingerprint": "another project"}')
    every = warehouse.start_build(settings, every_model=True)
    assert (every.incremental, every.path.exists()) == (False, False)  # every model from an empty file
    assert record.exists()  # the old warehouse is still the published one, and still the other project's
    some = warehouse.start_build(settings, every_model=False)
    assert some.incremental is False and some.dbt_arguments == ["build", "--full-refresh"]
    assert some.path.read_bytes() == published  # the models not selected stay as they were
    assert not record.exists()  # a mix of two projects: the next build of every model starts empty


def test_a_damaged_warehouse_is_not_built_on(tmp_path, monkeypatch):
    """Cut short by a crash of the machine, the published warehouse is not copied for the
    build: every model is built from an empty file, and the record of its project goes."""
    monkeypatch.delenv(warehouse.FULL_REBUILD_VARIABLE, raising=False)
    settings = _settings(tmp_path)
    whole = _publish(settings)
    settings.warehouse_path.write_bytes(whole[: len(whole) // 2])
    build = warehouse.start_build(settings, every_model=True)
    assert (build.incremental, build.path.exists(), build.dbt_arguments) == (False, False, ["build", "--full-refresh"])
    assert build.damaged.startswith(f'IO Error: Could not read enough bytes from file "{settings.warehouse_path}"')
    assert not warehouse.build_record_path(settings).exists()
    assert warehouse.start_build(settings, every_model=False).damaged == build.damaged
    _publish(settings)
    assert warehouse.start_build(settings, every_model=True).damaged is None


def test_the_warehouse_is_copied_by_the_file_system_or_else_by_shutil(tmp_path, monkeypatch):
    """``copy_file_range`` (blocks shared on XFS and btrfs; a kernel copy elsewhere), a call
    at a time until the whole file is copied, and ``shutil.copyfile`` where it fails."""
    import errno

    source, target = tmp_path / "warehouse.duckdb", tmp_path / "warehouse.building.duckdb"
    source.write_bytes(os.urandom(3 * 2**20 + 12345))
    real, calls = os.copy_file_range, []

    def a_mebibyte_at_most(reading, writing, count, *args):
        calls.append(count)
        return real(reading, writing, min(count, 2**20), *args)

    monkeypatch.setattr(os, "copy_file_range", a_mebibyte_at_most)
    warehouse.copy_sharing_blocks(source, target)
    assert target.read_bytes() == source.read_bytes() and len(calls) == 4

    def cannot(*args):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", cannot)
    target.write_bytes(b"a half-copied file")
    warehouse.copy_sharing_blocks(source, target)
    assert target.read_bytes() == source.read_bytes()


def test_only_a_build_of_every_model_records_its_project(tmp_path, monkeypatch):
    monkeypatch.delenv(warehouse.FULL_REBUILD_VARIABLE, raising=False)
    settings = _settings(tmp_path)
    _publish(settings, every_model=False)
    assert warehouse.recorded_fingerprint(settings) is None
    assert not warehouse.start_build(settings, every_model=True).incremental
    _publish(settings, every_model=True)
    assert warehouse.start_build(settings, every_model=True).incremental
    warehouse.build_record_path(settings).write_text("not json")
    assert warehouse.recorded_fingerprint(settings) is None


def test_the_fingerprint_follows_what_the_tables_are_made_of(tmp_path, monkeypatch):
    import shutil

    from orchestration import parsing

    project = tmp_path / "dbt_project"
    shutil.copytree(warehouse.DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    monkeypatch.setattr(warehouse, "DBT_PROJECT_DIR", project)
    original = warehouse.build_fingerprint()

    def edited(path: str) -> str:
        file = project / path
        kept = file.read_bytes()
        file.write_bytes(kept + b"\n-- edited\n")
        try:
            return warehouse.build_fingerprint()
        finally:
            file.write_bytes(kept)

    # Tests and analyses only read the tables; models, macros, seeds and the profile make them.
    assert edited("analyses/grant_rate_by_year.sql") == original
    assert edited("tests/identity_checks_agree_with_sql.sql") == original
    for path in ("models/marts/fct_requests.sql", "macros/incremental_by_report.sql", "seeds/corrections.csv",
                 "dbt_project.yml", "profiles.yml"):
        assert edited(path) != original, path
    assert warehouse.build_fingerprint() == original
    monkeypatch.setattr(parsing, "PARSER_VERSION", parsing.PARSER_VERSION + "-changed")
    assert warehouse.build_fingerprint() != original


def test_an_abandoned_build_leaves_neither_its_file_nor_its_log(tmp_path):
    """After a full disk the write-ahead log can be most of what the build wrote."""
    settings = _settings(tmp_path)
    building = warehouse.start_build(settings, every_model=True).path
    building.write_bytes(b"x" * 100)
    log = building.with_name(building.name + ".wal")
    log.write_bytes(b"y" * 1000)
    warehouse.abandon_build(settings)
    assert sorted(p.name for p in settings.data_dir.iterdir()) == []
