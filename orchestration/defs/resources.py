"""Resources shared by the assets."""

from collections.abc import Sequence
from functools import cached_property

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_dbt.compat import DBT_PYTHON_VERSION
from packaging.version import Version

from ..warehouse import DBT_EXECUTABLE
from .warehouse import dbt_project


class WarehouseDbtResource(DbtCliResource):
    """`DbtCliResource` without two start-up costs that buy this project nothing.

    Before each `dbt build`, dagster-dbt runs `dbt --version` (a second Python
    process importing dbt, which also asks PyPI for the latest release: 3.7 s here)
    and builds a dbt adapter inside the Dagster process (2.5 s), used only to fetch
    row counts and column metadata, which these assets do not request. The dbt run
    is always ``DBT_EXECUTABLE``, the dbt-core installed beside dagster-dbt, so its
    version is that package's. tests/test_warehouse_resource.py fails if a
    dagster-dbt upgrade renames either hook.
    """

    @cached_property
    def _cli_version(self) -> Version:
        assert DBT_PYTHON_VERSION is not None, "dbt-core is a pinned dependency"
        return DBT_PYTHON_VERSION

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


# A module holding a Definitions object contributes exactly that object, so the
# resources live here on their own.
defs = dg.Definitions(resources={"dbt": WarehouseDbtResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)})
