"""The data report: an HTML page of charts over the marts, linked from the asset."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from ..data_report import CHARTS, build
from ..settings import load_settings
from .warehouse import warehouse_models

MARTS_READ = ("dim_report", "dim_source_file", "dim_agency", "report_summary", "fct_identity_checks",
              "fct_issues", "fct_report_values")


@dg.asset(
    key=dg.AssetKey(["reports", "data_report"]),
    deps=[get_asset_key_for_model([warehouse_models], model) for model in MARTS_READ],
    group_name="reports",
    kinds={"html", "plotly"},
    description="An HTML page of charts (reports by year and era, table coverage, identity failures, "
    "applications and grant rates by year and level) at $OGI_DATA_DIR/report/index.html.",
)
def data_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    settings = load_settings()
    page = build(settings.warehouse_path, settings.data_dir / "report")
    context.log.info(f"data report written to {page}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(page)),
            "url": dg.MetadataValue.url(page.as_uri()),
            "charts": dg.MetadataValue.json([chart.title for chart in CHARTS]),
        }
    )
