"""The job `ogi run` executes: every asset and every check, raw files to marts."""

import dagster as dg

from .parsing import FOLDER_PARTS, FOLDER_PARTS_JOB

ALL_ASSETS_JOB = "ogi_all_assets"

all_assets_job = dg.define_asset_job(
    ALL_ASSETS_JOB,
    # The folder partitions are for backfills; the composed parse parses what they have not.
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(FOLDER_PARTS),
    description="Parse every raw file, publish the Parquet, build the warehouse, run every check.",
)

folder_parts_job = dg.define_asset_job(
    FOLDER_PARTS_JOB,
    selection=dg.AssetSelection.assets(FOLDER_PARTS),
    description="Parse raw sub-folders, one partition each (backfill it to fan out).",
)
