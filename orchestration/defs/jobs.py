"""The job `ogi run` executes: every asset and every check, raw files to marts."""

import dagster as dg

ALL_ASSETS_JOB = "ogi_all_assets"

all_assets_job = dg.define_asset_job(
    ALL_ASSETS_JOB,
    selection=dg.AssetSelection.all(),
    description="Parse every raw file, publish the Parquet, build the warehouse, run every check.",
)
