from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.parsing import parse_text
from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.warehouse import DBT_EXECUTABLE

REPO = Path(__file__).resolve().parent.parent
SAMPLES_RAW = REPO / "raw"
# A copy of ../shared/samples (expected.json, real/), so the tests run wherever the
# repository is cloned; tests/samples/README.md says how to refresh it.
SAMPLES = REPO / "tests" / "samples"
EXPECTED = SAMPLES / "expected.json"
REAL = SAMPLES / "real"

# The test warehouses are a few reports: dbt's two threads build them faster, and share
# DuckDB's memory cap with nothing large (the default, 1, is for a million reports).
os.environ.setdefault("OGI_DBT_THREADS", "2")


def ogi_run(raw: Path, data: Path, monkeypatch=None, **env) -> tuple[int, str]:
    """`ogi run` in this process over ``raw`` into ``data``, with no Dagster home (an
    ephemeral instance) and ``env`` set through ``monkeypatch``: its exit code and output.
    Without one (a fixture of a module's scope), the environment is set for the run alone."""
    if monkeypatch is None:
        with pytest.MonkeyPatch.context() as own:
            return ogi_run(raw, data, own, **env)
    from orchestration.cli import main

    monkeypatch.setenv("OGI_RAW_DIR", str(raw))
    monkeypatch.setenv("OGI_DATA_DIR", str(data))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["run"])
    return code, out.getvalue()


def published_parquet(data: Path) -> dict[str, bytes]:
    """The published Parquet of a data folder, file by file (``<table>/<part>.parquet``)."""
    root = (data / "parquet").resolve()
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.parquet"))}


def parse(text: str):
    return parse_text(text, max_year=2030)


def found(values, section: str, item: str | None = None, *, source: str | None = None, **dims):
    """Figures matching section, item, dims (and source), as Decimal or None."""
    out = []
    for value in values:
        if value.section != section or (item is not None and value.item != item):
            continue
        if source is not None and value.source != source:
            continue
        if all(value.dims.get(k) == v for k, v in dims.items()):
            out.append(value)
    return out


def as_map(values, section: str | None = None) -> dict:
    """{(section, item, sorted dims): value} of table figures; fails on a repeated key."""
    result = {}
    for value in values:
        if value.source != "table" or (section and value.section != section):
            continue
        key = (value.section, value.item, tuple(sorted(value.dims.items())))
        assert key not in result, f"figure {key} found twice"
        result[key] = value.value
    return result


def figures_map(figures) -> dict:
    return {f.key: f.value for f in figures}


@pytest.fixture(scope="session")
def expected() -> dict:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def settings(raw: Path, data: Path) -> Settings:
    """The settings of a parse of ``raw`` into ``data`` (files up to 50 MB)."""
    return Settings(raw, data, 50 * 2**20)


def dec(x) -> Decimal:
    return Decimal(str(x))


def dbt_show(inline: str, warehouse: Path, target: Path) -> list[dict]:
    """The rows of ``dbt show --inline`` (this project's macros and refs) run on the
    warehouse file ``warehouse`` (named warehouse.duckdb, as the models' catalog is)."""
    done = subprocess.run(
        [DBT_EXECUTABLE, "show", "--inline", inline, "--output", "json", "--log-format", "json", "--limit", "-1",
         "--target-path", str(target), "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        capture_output=True, text=True, cwd=DBT_PROJECT_DIR, check=False,
        env={**os.environ, "OGI_WAREHOUSE_PATH": str(warehouse)},
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    preview = next(json.loads(line)["data"]["preview"] for line in done.stdout.splitlines() if '"preview"' in line)
    return json.loads(preview)
