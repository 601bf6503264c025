"""The DuckDB warehouse: built by dbt into a file aside, swapped in whole.

DuckDB allows one writer per file. dbt writes ``warehouse.building.duckdb``,
a copy of the current warehouse when it was built by the same project (the fact
marts then redo only the reports whose figures changed), else an empty file;
only when the build succeeds is it renamed over ``warehouse.duckdb``.
An analyst's read-only session on the old file is never blocked and never
sees a half-built warehouse.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import duckdb

from . import durable
from .settings import DBT_PROJECT_DIR, Settings, environment

DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
PARTIAL_PARSE = MANIFEST.with_name("partial_parse.msgpack")
DBT_SOURCES = ("models", "macros", "seeds", "tests", "analyses", "dbt_project.yml", "profiles.yml")
# What the tables are made of besides the Parquet's rows (tests and analyses only read them).
_TABLE_SOURCES = ("models", "macros", "seeds", "dbt_project.yml", "profiles.yml")
_TABLE_SOFTWARE = ("dbt-core", "dbt-duckdb", "duckdb")
# Set to 1 to build the warehouse from an empty file even when the last one could be kept.
FULL_REBUILD_VARIABLE = "OGI_WAREHOUSE_FULL_REBUILD"


def building_path(settings: Settings) -> Path:
    return settings.data_dir / "warehouse.building.duckdb"


def dbt_environment(settings: Settings, warehouse: Path):
    """Point dbt at this run's Parquet and at the warehouse file it may write."""
    return environment(OGI_DATA_DIR=str(settings.data_dir), OGI_WAREHOUSE_PATH=str(warehouse))


def build_record_path(settings: Settings) -> Path:
    """What the published warehouse was built with (``build_fingerprint``), beside it."""
    return settings.warehouse_path.with_name(settings.warehouse_path.name + ".build.json")


def build_fingerprint() -> str:
    """A hash of everything the warehouse's tables depend on but the Parquet's rows:
    the dbt project's models, macros, seeds and profile, the dbt, dbt-duckdb and DuckDB
    versions, and the parser's version. When it changes, the fact marts cannot be kept."""
    from .parsing import PARSER_VERSION

    digest = project_digest(_TABLE_SOURCES, _TABLE_SOFTWARE)
    digest.update(PARSER_VERSION.encode())
    return digest.hexdigest()[:16]


def project_digest(sources: tuple[str, ...], packages: tuple[str, ...]):
    """A sha256 of the dbt project's files under ``sources`` (paths and contents) and of
    the installed versions of ``packages``: what dbt's output depends on but the data."""
    digest = hashlib.sha256()
    for path in dbt_project_files(sources):
        digest.update(path.relative_to(DBT_PROJECT_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in packages:
        digest.update(f"{name}=={metadata.version(name)}\0".encode())
    return digest


def recorded_fingerprint(settings: Settings) -> str | None:
    """The fingerprint the published warehouse was built with; None when unknown."""
    try:
        return json.loads(build_record_path(settings).read_text(encoding="utf-8"))["build_fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Build:
    path: Path  # the file dbt builds into
    fingerprint: str
    incremental: bool  # a copy of the published warehouse, built by the same project
    every_model: bool
    damaged: str | None = None  # why the published warehouse could not be built on (then not copied)

    @property
    def dbt_arguments(self) -> list[str]:
        """`dbt build`, with --full-refresh unless the fact marts may be kept: a build
        of some models into a copy made by another project rebuilds them whole."""
        return ["build"] if self.incremental else ["build", "--full-refresh"]


def start_build(settings: Settings, *, every_model: bool) -> Build:
    """Prepare the file dbt builds into.

    When the published warehouse was built by the same project (``build_fingerprint``),
    the build starts from a copy of it and the fact marts only redo the reports whose
    figures changed (macros/incremental_by_report.sql): at 100,000 reports the copy
    takes a second or two, the marts it spares about 30 s. Otherwise a build of every
    model starts from an empty file, so no table of a model since removed stays, and a
    build of some models starts from a copy, so the others stay as they were. A copy
    that is damaged (``warehouse_damage``) is not built on: ``Build.damaged`` says why.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    building = building_path(settings)
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)
    fingerprint = build_fingerprint()
    published = settings.warehouse_path.exists()
    incremental = (
        published
        and recorded_fingerprint(settings) == fingerprint
        and os.environ.get(FULL_REBUILD_VARIABLE, "") in ("", "0")
    )
    damaged = None
    if published and (incremental or not every_model):
        copy_sharing_blocks(settings.warehouse_path, building)
        # (The copy is told, not the published file: an analyst's session on that one may hold a lock.)
        if damaged := warehouse_damage(building, settings.warehouse_path):
            # A build of every model starts from an empty file instead; one of some models cannot.
            building.unlink()
            incremental = False
    if not incremental and (not every_model or damaged):
        # Some models rebuilt by this project beside others kept from another (or nothing
        # kept of a damaged file): only a build of every model makes the warehouse this project's again.
        build_record_path(settings).unlink(missing_ok=True)
    return Build(building, fingerprint, incremental, every_model, damaged)


def copy_sharing_blocks(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` by the file system itself (``copy_file_range``): on XFS
    or btrfs the copy shares the source's blocks until the build writes them, so the 7 GB
    warehouse of a million reports is copied at once and takes no space but what the build
    changes (690 MB on XFS: 0.001 s against 1.4 s, and nothing to flush against 2.1 s); on
    ext4 the kernel copies, as fast as ``shutil.copyfile``. A file system that cannot (an
    old kernel, some network mounts) gets ``shutil.copyfile``."""
    try:
        with open(source, "rb") as reading, open(target, "wb") as writing:
            left = os.fstat(reading.fileno()).st_size
            while left > 0 and (copied := os.copy_file_range(reading.fileno(), writing.fileno(), left)):
                left -= copied
    except OSError:
        shutil.copyfile(source, target)


def warehouse_damage(path: Path, named: Path | None = None) -> str | None:
    """Why a warehouse file cannot be built on, or None: DuckDB cannot open it (its last
    blocks lost: cut short by a crash of the machine before this project flushed it, or by
    hand), or it is shorter than the blocks it counts. 15 ms on a warehouse of 100,000
    reports (690 MB); a block damaged inside is found by DuckDB's checksums when read."""
    try:
        with duckdb.connect(str(path), read_only=True) as db:
            block_size, blocks = db.execute("select block_size, total_blocks from pragma_database_size()").fetchone()
    except duckdb.Error as error:  # (told of the file ``named``, when ``path`` is a copy of it)
        return str(error).strip().splitlines()[0].replace(str(path), str(named or path))
    size, needed = path.stat().st_size, _DUCKDB_HEADERS + block_size * blocks
    return f"{size:,} bytes, and its blocks need {needed:,}" if size < needed else None


_DUCKDB_HEADERS = 3 * 4096  # the file's header and the two database headers before the first block


def publish_build(settings: Settings, build: Build) -> None:
    # (DuckDB flushes what it checkpoints; a build that changed nothing may leave the copy's bytes unflushed.)
    durable.sync_files([build.path])
    os.replace(build.path, settings.warehouse_path)
    durable.sync_folder(settings.warehouse_path.parent)
    if build.every_model:
        # Written after the rename: a crash in between leaves the old record, which
        # then either matches this project (the build was this project's too) or not
        # (the next build starts from an empty file). Never a wrong "same project".
        replace_whole(build_record_path(settings), json.dumps({"build_fingerprint": build.fingerprint}).encode())


def abandon_build(settings: Settings) -> None:
    """Remove a failed build's file and its write-ahead log (after a full disk, the space)."""
    building = building_path(settings)
    for left in (building, building.with_name(building.name + ".wal")):
        left.unlink(missing_ok=True)


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
    durable.sync_files([incoming])  # (else a crash of the machine can leave the new name with no bytes)
    os.replace(incoming, path)
    durable.sync_folder(path.parent)


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


def dbt_project_files(sources: tuple[str, ...] = DBT_SOURCES) -> list[Path]:
    """The files dbt reads when it parses the project (or those of ``sources``), in a fixed order."""
    files: list[Path] = []
    for name in sources:
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
