"""Resources shared by the assets."""

from dagster_dbt import DbtCliResource

import dagster as dg

from ..warehouse import DBT_EXECUTABLE
from .warehouse import dbt_project

# A module holding a Definitions object contributes exactly that object, so the
# resources live here on their own.
defs = dg.Definitions(resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)})
