"""Dagster entry point: ``dagster dev -w workspace.yaml`` loads this module."""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    # Every module under orchestration/defs/ (the [tool.dg.project] section of pyproject.toml).
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
