"""The DuckDB warehouse: built by dbt into a file aside, swapped in whole.

DuckDB allows one writer per file. dbt writes ``warehouse.building.duckdb``
(empty when every model is selected; a copy of the current warehouse when only
some are, so the others are kept); only when the build succeeds is it renamed
over ``warehouse.duckdb``.
An analyst's read-only session on the old file is never blocked and never
sees a half-built warehouse.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .settings import DBT_PROJECT_DIR, Settings, environment

DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
PARTIAL_PARSE = MANIFEST.with_name("partial_parse.msgpack")
_DBT_SOURCES = ("models", "macros", "seeds", "tests", "analyses", "dbt_project.yml", "profiles.yml")


def building_path(settings: Settings) -> Path:
    return settings.data_dir / "warehouse.building.duckdb"


def dbt_environment(settings: Settings, warehouse: Path):
    """Point dbt at this run's Parquet and at the warehouse file it may write."""
    return environment(OGI_DATA_DIR=str(settings.data_dir), OGI_WAREHOUSE_PATH=str(warehouse))


def start_build(settings: Settings, *, every_model: bool) -> Path:
    """Prepare the file dbt builds into.

    A build of every model starts from an empty file: copying the published warehouse
    (642 MB at 100,000 reports) would only give dbt tables to drop, and would keep
    tables of models since removed from the project. A build of some models starts
    from a copy, so the others stay as they were.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    building = building_path(settings)
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)
    if not every_model and settings.warehouse_path.exists():
        shutil.copyfile(settings.warehouse_path, building)
    return building


def publish_build(settings: Settings) -> None:
    os.replace(building_path(settings), settings.warehouse_path)


def abandon_build(settings: Settings) -> None:
    building_path(settings).unlink(missing_ok=True)


def keep_partial_parse(invocation_target: Path) -> None:
    """Make the state dbt parsed this build with the one the next build starts from.

    dagster-dbt gives each invocation its own target folder and seeds it with
    ``target/partial_parse.msgpack``. That file comes from `dbt parse` under the default
    profile, and dbt discards it when the profile differs (this run's warehouse path):
    every build parsed the whole project again (about 5 s here). The file this build
    wrote matches the next build with the same data folder; dbt still re-parses any file
    or env var that changed since.
    """
    written = invocation_target / PARTIAL_PARSE.name
    if written.exists():
        replace_whole(PARTIAL_PARSE, written.read_bytes())


def replace_whole(path: Path, data: bytes) -> None:
    """Write ``path`` aside, then rename it into place: a reader, or another process
    writing the same file, sees the old bytes or the new ones, never part of either."""
    incoming = path.with_name(f".{path.name}.{os.getpid()}")
    incoming.write_bytes(data)
    os.replace(incoming, path)


# Folders of the last builds (dbt.log, run_results.json, compiled SQL) kept in dbt_project/target.
KEPT_BUILD_FOLDERS = 10


def prune_build_folders(invocation_target: Path, keep: int = KEPT_BUILD_FOLDERS) -> list[Path]:
    """Delete the target folders of all builds but the last ``keep`` (this one among them).

    dagster-dbt gives each dbt invocation a folder of its own under dbt_project/target
    (about 6 MB here) and never removes one: a pipeline run every hour would pile up
    50 GB a year. Only folders named as this one is (the asset's name, then ids) go;
    dbt's own ``compiled`` and ``run`` folders stay.
    """
    prefix = invocation_target.name.split("-", 1)[0] + "-"
    folders = sorted(
        (path for path in invocation_target.parent.iterdir() if path.is_dir() and path.name.startswith(prefix)),
        key=lambda path: (path.stat().st_mtime_ns, path.name),
        reverse=True,
    )
    stale = [path for path in folders[keep:] if path != invocation_target]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


def dbt_project_files() -> list[Path]:
    """The files dbt reads when it parses the project, in a fixed order."""
    files: list[Path] = []
    for name in _DBT_SOURCES:
        path = DBT_PROJECT_DIR / name
        if path.is_file():
            files.append(path)
        elif path.exists():
            files.extend(sorted(f for f in path.rglob("*") if f.is_file()))
    return files


def manifest_is_stale() -> bool:
    if not MANIFEST.exists():
        return True
    built = MANIFEST.stat().st_mtime
    return any(f.stat().st_mtime > built for f in dbt_project_files())


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than its files,
    so `dagster dev`, `ogi run` and the tests need no separate `dbt parse`."""
    if manifest_is_stale():
        subprocess.run(
            [DBT_EXECUTABLE, "parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--quiet"],
            check=True,
            cwd=DBT_PROJECT_DIR,
        )
    return MANIFEST
