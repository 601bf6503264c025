"""Dagster entry point: ``dagster dev -w workspace.yaml`` loads this module."""

import dagster as dg

from orchestration import defs as defs_package


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_defs(defs_root=defs_package)
