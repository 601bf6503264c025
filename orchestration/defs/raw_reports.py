"""The raw report files: not produced by the pipeline, so an external asset."""

import dagster as dg

RAW_REPORT_FILES = dg.AssetKey(["raw", "report_files"])

raw_report_files = dg.AssetSpec(
    RAW_REPORT_FILES,
    description=(
        "Raw report files (text, HTML, ...) under $OGI_RAW_DIR (default raw/), one file per "
        "crawled page. Added by the crawler; every file ends up parsed or quarantined."
    ),
    group_name="raw",
    kinds={"file"},
)
