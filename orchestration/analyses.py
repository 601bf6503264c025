"""Run a saved analysis (dbt_project/analyses/*.sql) against the published warehouse.

dbt compiles the analysis (refs, vars) into a scratch target path against an empty
scratch database of the warehouse's file name (compiling reads no data, and the
compiled SQL names the database after the file), so neither dbt's own target nor
an analyst's open session is touched; the compiled SQL then runs read-only on the
warehouse itself.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import duckdb

from .settings import DBT_PROJECT_DIR, environment
from .warehouse import DBT_EXECUTABLE

ANALYSES_DIR = DBT_PROJECT_DIR / "analyses"


def names() -> list[str]:
    return sorted(path.stem for path in ANALYSES_DIR.glob("*.sql"))


def compile_analyses(selected: list[str], warehouse: Path, variables: dict[str, object] | None = None) -> dict[str, str]:
    """Each selected analysis's compiled SQL, from one `dbt compile` (most of a compile
    is dbt starting and parsing the project, so several analyses share one)."""
    known = names()
    unknown = [name for name in selected if name not in known]
    if unknown:
        raise ValueError(f"no analysis {unknown[0]!r}; there are: {', '.join(known)}")
    with tempfile.TemporaryDirectory(prefix="ogi-analysis-") as scratch:
        stand_in = Path(scratch) / warehouse.name
        target = Path(scratch) / "target"
        command = [DBT_EXECUTABLE, "compile", "--quiet", "--select", *selected, "--target-path", str(target),
                   "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
        if variables:
            command += ["--vars", json.dumps(variables, ensure_ascii=False)]
        with environment(OGI_WAREHOUSE_PATH=str(stand_in), OGI_DATA_DIR=str(warehouse.parent)):
            done = subprocess.run(command, capture_output=True, text=True, cwd=DBT_PROJECT_DIR)
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
