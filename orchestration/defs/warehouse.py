"""The dbt project as Dagster assets; its tests surface as asset checks."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from .. import locks
from ..settings import DBT_PROJECT_DIR, Settings, load_settings
from ..warehouse import (
    abandon_build,
    dbt_environment,
    ensure_manifest,
    keep_partial_parse,
    prune_build_folders,
    publish_build,
    start_build,
)

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class WarehouseTranslator(DagsterDbtTranslator):
    """Groups follow the dbt folders (staging, intermediate, marts, seeds)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "warehouse"


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=ensure_manifest(), project=dbt_project, dagster_dbt_translator=translator, pool=locks.POOL)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build` into a file aside, published only if every model built.

    The fact marts are incremental (dbt's incremental models): when the published
    warehouse was built by this same project, the build starts from a copy of it and
    they redo only the reports whose figures changed; otherwise with --full-refresh.

    A failing data test is reported as a failed asset check and does not stop the
    publication: the models are right, the data has a finding. A model that fails
    to build keeps the previous warehouse in place and fails the run.

    One build at a time, and no parse publishes while it reads the Parquet
    (``orchestration.locks``): a run that finds another building waits for it.
    """
    settings = load_settings()
    with locks.warehouse_build(settings.data_dir, waiting=context.log.warning):
        yield from _build(context, dbt, settings)


def _why_not_built(results: list[dict], broken: list[str], returncode: int, dbt_errors: list[str]) -> str:
    """The step's failure, with the first model's error as dbt gave it (a full disk, a
    memory cap too low, a column missing from the Parquet), or dbt's own error when it
    stopped before any model: ``ogi run`` prints this line, and dbt's lines are far above
    it in the log."""
    errors = [result for result in results if result["unique_id"] in broken]
    message = errors[0].get("message") if errors else next(iter(dbt_errors), None)
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    if not lines:
        return f"dbt could not build the warehouse (dbt exited with {returncode}); the previous warehouse is kept."
    more = f" ({len(errors) - 1} more models failed)" if len(errors) > 1 else ""
    said = lines[0] if len(lines) == 1 else lines[0] + (" " if lines[0].endswith(":") else ": ") + lines[1]
    return f"dbt could not build the warehouse: {said}{more}; the previous warehouse is kept."


def _dbt_errors(invocation) -> list[str]:
    """dbt's error-level log lines, as dagster-dbt gathered them while streaming
    (``get_error``: its public way to them)."""
    error = invocation.get_error()
    _, found, messages = str(getattr(error, "description", None) or "").partition("Errors parsed from dbt logs:")
    return [message.strip() for message in messages.split("\n\n") if message.strip()] if found else []


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: Settings):
    build = start_build(settings, every_model=not context.is_subset)
    if build.damaged:
        damaged = f"the published warehouse {settings.warehouse_path} is damaged ({build.damaged})"
        if not build.every_model:
            raise dg.Failure(description=f"{damaged}: a build of some models cannot keep the others from it. "
                             "Materialize every warehouse asset (or `ogi run`) to build it again from the Parquet.")
        context.log.warning(f"{damaged}: every model is built again from the Parquet, into an empty file")
    context.log.info(
        "fact marts: only the reports whose figures changed (the last warehouse was built by this project)"
        if build.incremental
        else "fact marts: built whole (no warehouse yet, a changed project, a damaged warehouse, "
        "or OGI_WAREHOUSE_FULL_REBUILD=1)"
    )
    with dbt_environment(settings, build.path):
        invocation = dbt.cli(build.dbt_arguments, context=context, raise_on_error=False)
        yield from invocation.stream()
    keep_partial_parse(invocation.target_path)
    prune_build_folders(invocation.target_path)
    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except FileNotFoundError:  # dbt stopped before any model (it could not open the warehouse, say)
        results = []
    broken = [
        r["unique_id"]
        for r in results
        if r["status"] == "error" and not r["unique_id"].startswith(("test.", "unit_test."))
    ]
    if broken or (invocation.process.returncode not in (0, 1)):
        abandon_build(settings)
        raise dg.Failure(
            description=_why_not_built(results, broken, invocation.process.returncode, _dbt_errors(invocation)),
            metadata={"failed_nodes": dg.MetadataValue.json(broken)},
        )
    publish_build(settings, build)
    context.log.info(f"warehouse published at {settings.warehouse_path}")

