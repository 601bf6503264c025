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


def compile_analysis(name: str, warehouse: Path, variables: dict[str, object] | None = None) -> str:
    if name not in names():
        raise ValueError(f"no analysis {name!r}; there are: {', '.join(names())}")
    with tempfile.TemporaryDirectory(prefix="ogi-analysis-") as scratch:
        stand_in = Path(scratch) / warehouse.name
        target = Path(scratch) / "target"
        command = [DBT_EXECUTABLE, "compile", "--quiet", "--select", name, "--target-path", str(target),
                   "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
        if variables:
            command += ["--vars", json.dumps(variables, ensure_ascii=False)]
        with environment(OGI_WAREHOUSE_PATH=str(stand_in), OGI_DATA_DIR=str(warehouse.parent)):
            done = subprocess.run(command, capture_output=True, text=True, cwd=DBT_PROJECT_DIR)
        if done.returncode != 0:
            raise RuntimeError(f"dbt could not compile {name}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        return next(target.rglob(f"analyses/{name}.sql")).read_text(encoding="utf-8")


def run_analysis(name: str, warehouse: Path, variables: dict[str, object] | None = None) -> tuple[list[str], list[tuple]]:
    """The analysis's column names and rows."""
    sql = compile_analysis(name, warehouse, variables)
    with duckdb.connect(str(warehouse), read_only=True) as db:
        cursor = db.execute(sql)
        return [column[0] for column in cursor.description], cursor.fetchall()
