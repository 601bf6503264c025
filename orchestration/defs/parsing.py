"""Parse every raw file into the Parquet tables ``reports``, ``values`` and ``issues``.

One multi-asset writes the three tables together: they come from one pass over
the files and are published together (one symlink swap), so they always agree.
Their asset keys ``parquet/<table>`` are the dbt sources of the same names.
"""

import dagster as dg

from ..corpus import build_parquet
from ..schema import TABLES, Table
from ..settings import load_settings
from .raw_reports import RAW_REPORT_FILES


def parquet_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["parquet", table])


def column_schema(table: Table) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                column.name,
                str(column.type),
                description=column.description,
                constraints=dg.TableColumnConstraints(nullable=column.nullable),
            )
            for column in table.columns
        ]
    )


@dg.multi_asset(
    name="parse_raw_reports",
    specs=[
        dg.AssetSpec(
            parquet_key(name),
            description=table.description,
            deps=[RAW_REPORT_FILES],
            group_name="parsed",
            kinds={"python", "parquet"},
            metadata={"dagster/column_schema": column_schema(table)},
        )
        for name, table in TABLES.items()
    ],
)
def parse_raw_reports(context: dg.AssetExecutionContext):
    """Parse $OGI_RAW_DIR and publish $OGI_DATA_DIR/parquet/{reports,values,issues}.parquet."""
    settings = load_settings()
    summary = build_parquet(settings)
    context.log.info(
        f"{summary.files} files: {summary.parsed} parsed, {summary.quarantined} quarantined; "
        f"{summary.values} figures, {summary.issues} issues; {summary.reparsed} files parsed this run"
        + (" (nothing changed: the published Parquet is kept)" if summary.unchanged else "")
    )
    counts = {"reports": summary.files, "values": summary.values, "issues": summary.issues}
    for name in TABLES:
        metadata = {
            "dagster/row_count": counts[name],
            "path": dg.MetadataValue.path(str(settings.parquet_file(name))),
        }
        if name == "reports":
            metadata.update(
                files=summary.files,
                parsed=summary.parsed,
                quarantined=summary.quarantined,
                reparsed=summary.reparsed,
                unchanged=summary.unchanged,
                raw_dir=dg.MetadataValue.path(str(settings.raw_dir)),
            )
        if name == "issues":
            metadata["issues_by_code"] = dg.MetadataValue.json(dict(sorted(summary.by_code.items())))
        yield dg.MaterializeResult(asset_key=parquet_key(name), metadata=metadata)
