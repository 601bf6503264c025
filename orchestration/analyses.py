"""Run a saved analysis (dbt_project/analyses/*.sql) against the published warehouse.

dbt compiles the analysis (refs, vars) into a scratch target path against an empty
scratch database of the warehouse's file name (compiling reads no data, and the
compiled SQL names the database after the file), so neither dbt's own target nor
an analyst's open session is touched; the compiled SQL then runs read-only on the
warehouse itself.

A compile takes about 14 s (dbt starting and parsing the whole project) and its SQL
does not depend on the data: it is kept in ``dbt_project/target/ogi_analyses/``, keyed
by everything it does depend on (the project's files, dbt's version, the vars, the
warehouse's path), so asking again after a new run of the pipeline takes well under
a second. Any change to the project compiles again.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import duckdb

from .settings import DBT_PROJECT_DIR, environment
from .warehouse import DBT_EXECUTABLE, DBT_SOURCES, project_digest, replace_whole

ANALYSES_DIR = DBT_PROJECT_DIR / "analyses"
COMPILED_DIR = DBT_PROJECT_DIR / "target" / "ogi_analyses"


def names() -> list[str]:
    return sorted(path.stem for path in ANALYSES_DIR.glob("*.sql"))


class UnknownAnalysis(ValueError):
    pass


def check_names(selected: list[str]) -> None:
    """Raise UnknownAnalysis, naming the analyses there are, for a name that is none."""
    known = names()
    unknown = [name for name in selected if name not in known]
    if unknown:
        raise UnknownAnalysis(f"no analysis {unknown[0]!r}; there are: {', '.join(known)}")


def compile_analyses(selected: list[str], warehouse: Path, variables: dict[str, object] | None = None) -> dict[str, str]:
    """Each selected analysis's compiled SQL: kept from an earlier compile when nothing it
    depends on changed, else from one `dbt compile` of those missing (most of a compile is
    dbt starting and parsing the project, so several analyses share one)."""
    check_names(selected)
    kept = {name: COMPILED_DIR / f"{name}-{key}.sql" for name, key in _keys(selected, warehouse, variables).items()}
    missing = [name for name in selected if not kept[name].exists()]
    if missing:
        COMPILED_DIR.mkdir(parents=True, exist_ok=True)
        for name, sql in _compile(missing, warehouse, variables).items():
            replace_whole(kept[name], sql.encode("utf-8"))  # another analyst may be compiling it too
    return {name: kept[name].read_text(encoding="utf-8") for name in selected}


def _keys(selected: list[str], warehouse: Path, variables: dict[str, object] | None) -> dict[str, str]:
    """What an analysis's compiled SQL depends on, hashed: the dbt project's files (its
    own SQL, the models it refs, macros, profile), dbt's version, the vars, and the
    warehouse's path (the SQL names the database after the file)."""
    shared = project_digest(DBT_SOURCES, ("dbt-core", "dbt-duckdb"))
    shared.update(json.dumps(variables or {}, sort_keys=True, ensure_ascii=False).encode())
    shared.update(str(warehouse.resolve()).encode())
    keys = {}
    for name in selected:
        digest = shared.copy()
        digest.update(f"\nanalysis {name}".encode())
        keys[name] = digest.hexdigest()[:20]
    return keys


def _compile(selected: list[str], warehouse: Path, variables: dict[str, object] | None) -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="ogi-analysis-") as scratch:
        stand_in = Path(scratch) / warehouse.name
        target = Path(scratch) / "target"
        command = [DBT_EXECUTABLE, "compile", "--quiet", "--select", *selected, "--target-path", str(target),
                   "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
        if variables:
            command += ["--vars", json.dumps(variables, ensure_ascii=False)]
        with environment(OGI_WAREHOUSE_PATH=str(stand_in), OGI_DATA_DIR=str(warehouse.parent)):
            done = subprocess.run(command, capture_output=True, text=True, cwd=DBT_PROJECT_DIR, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"dbt could not compile {', '.join(selected)}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        return {name: next(target.rglob(f"analyses/{name}.sql")).read_text(encoding="utf-8") for name in selected}


def run_analyses(selected: list[str], warehouse: Path,
                 variables: dict[str, object] | None = None) -> dict[str, tuple[list[str], list[tuple]]]:
    """Each selected analysis's column names and rows, compiled together."""
    compiled = compile_analyses(selected, warehouse, variables)
    results = {}
    with duckdb.connect(str(warehouse), read_only=True) as db:
        for name in selected:
            cursor = db.execute(compiled[name])
            results[name] = ([column[0] for column in cursor.description], cursor.fetchall())
    return results


def run_analysis(name: str, warehouse: Path, variables: dict[str, object] | None = None) -> tuple[list[str], list[tuple]]:
    """The analysis's column names and rows."""
    return run_analyses([name], warehouse, variables)[name]
