"""Parse every raw file into the Parquet tables ``reports``, ``values``, ``issues``
and ``identity_checks``.

One multi-asset writes the four tables together: they come from one pass over
the files and are published together (one symlink swap), so they always agree.
Their asset keys ``parquet/<table>`` are the dbt sources of the same names.

For fan-out, ``parquet/folder_parts`` is the same parse partitioned by top-level
raw sub-folder (dynamic partitions, one per folder, added by ``raw_folders_sensor``):
a backfill parses folders in parallel runs (on k8s or celery, one pod or worker
each); the multi-asset then links each folder's part into the published tables
(each table is a folder of parts, ``<table>/<folder>.parquet``) and settles what
crosses folders (duplicate files, two reports for one organ and year).
"""

import dagster as dg

from .. import locks
from ..corpus import build_folder_part, build_parquet, raw_folders
from ..corpus.listing import RawDirMissing, require_raw_dir
from ..corpus.progress import RunLog
from ..corpus.summary import taken_without_parse
from ..schema import TABLES, Table
from ..settings import load_settings
from .raw_reports import RAW_REPORT_FILES


def _log(context: dg.AssetExecutionContext) -> RunLog:
    """The parse's lines in the step's log: how far it is, and a worker that died."""
    return RunLog(say=context.log.info, warn=context.log.warning)


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


RAW_FOLDERS = dg.DynamicPartitionsDefinition(name="raw_folders")
FOLDER_PARTS = dg.AssetKey(["parquet", "folder_parts"])
FOLDER_PARTS_JOB = "parse_raw_folders"  # (defined in jobs.py; named here for the sensor's target)


@dg.asset(
    key=FOLDER_PARTS,
    partitions_def=RAW_FOLDERS,
    deps=[RAW_REPORT_FILES],
    group_name="parsed",
    pool=locks.POOL,
    kinds={"python", "parquet"},
    description="One top-level raw sub-folder parsed into $OGI_DATA_DIR/parts/<folder>/ "
    "(the parse, partitioned for backfills; parse_raw_reports composes the parts).",
)
def folder_parts(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    settings = load_settings()
    folder = context.partition_key
    summary = build_folder_part(settings, folder, waiting=context.log.warning, log=_log(context))
    if summary.folder_gone:
        context.log.warning(f"{folder} is no longer a sub-folder of {settings.raw_dir}: its part is removed and "
                            "it has no files (raw_folders_sensor deletes the partitions of gone folders)")
    else:
        context.log.info(f"{folder}: {summary.files} files, {summary.reparsed} parsed this run"
                         + "".join(f", {note}" for note in taken_without_parse(vars(summary))))
    return dg.MaterializeResult(metadata={
        "files": summary.files, "parsed": summary.parsed, "quarantined": summary.quarantined,
        "values": summary.values, "reparsed": summary.reparsed, "linked": summary.linked, "resumed": summary.resumed,
        "same_bytes": summary.same_bytes, "moved": summary.moved, "damaged_parts": summary.damaged_parts,
        "unchanged": summary.unchanged, "folder_gone": summary.folder_gone,
    })


@dg.sensor(job_name=FOLDER_PARTS_JOB, minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Adds a raw_folders partition for each new top-level raw sub-folder and parses it; "
           "deletes the partitions of folders gone from the raw folder.")
def raw_folders_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    raw_dir = load_settings().raw_dir
    try:
        require_raw_dir(raw_dir)
    except RawDirMissing as missing:  # not mounted, or OGI_RAW_DIR mistyped: not a reason to forget every partition
        return dg.SkipReason(str(missing))
    known = context.instance.get_dynamic_partitions(RAW_FOLDERS.name)
    folders = raw_folders(raw_dir)
    if known and not folders:  # the empty mount point of a share not mounted, more likely than every folder removed
        return dg.SkipReason(f"raw directory {raw_dir} has no sub-folders: keeping the {len(known)} partitions "
                             "(delete them in the UI if the folders were removed on purpose)")
    new = sorted(set(folders).difference(known))
    gone = sorted(set(known).difference(folders))
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=folder) for folder in new],
        dynamic_partitions_requests=[
            *([RAW_FOLDERS.build_add_request(new)] if new else []),
            *([RAW_FOLDERS.build_delete_request(gone)] if gone else []),
        ],
    )


@dg.multi_asset(
    name="parse_raw_reports",
    specs=[
        dg.AssetSpec(
            parquet_key(name),
            description=table.description,
            deps=[RAW_REPORT_FILES, FOLDER_PARTS],
            group_name="parsed",
            kinds={"python", "parquet"},
            metadata={"dagster/column_schema": column_schema(table)},
        )
        for name, table in TABLES.items()
    ],
    pool=locks.POOL,
)
def parse_raw_reports(context: dg.AssetExecutionContext):
    """Parse $OGI_RAW_DIR and publish $OGI_DATA_DIR/parquet/{reports,values,issues,identity_checks}/*.parquet."""
    settings = load_settings()
    summary = build_parquet(settings, waiting=context.log.warning, log=_log(context))
    context.log.info(
        f"{summary.files} files: {summary.parsed} parsed, {summary.quarantined} quarantined; "
        f"{summary.values} figures, {summary.issues} issues; {summary.reparsed} files parsed this run, "
        f"{summary.linked} kept in folders that did not change"
        + "".join(f"; {note}" for note in taken_without_parse(vars(summary)))
        + (" (nothing changed: the published Parquet is kept)" if summary.unchanged else "")
    )
    counts = {"reports": summary.files, "values": summary.values, "issues": summary.issues,
              "identity_checks": summary.checks}
    for name in TABLES:
        metadata = {
            "dagster/row_count": counts[name],
            "path": dg.MetadataValue.path(str(settings.parquet_table(name))),
        }
        if name == "reports":
            metadata.update(
                files=summary.files,
                parsed=summary.parsed,
                quarantined=summary.quarantined,
                reparsed=summary.reparsed,
                linked=summary.linked,
                resumed=summary.resumed,
                same_bytes=summary.same_bytes,
                moved=summary.moved,
                damaged_parts=summary.damaged_parts,
                unchanged=summary.unchanged,
                raw_dir=dg.MetadataValue.path(str(settings.raw_dir)),
                layout_advice=dg.MetadataValue.json(summary.layout_advice),  # (corpus/layout.py; [] for a layout that costs little)
            )
        if name == "issues":
            metadata["issues_by_code"] = dg.MetadataValue.json(dict(sorted(summary.by_code.items())))
        yield dg.MaterializeResult(asset_key=parquet_key(name), metadata=metadata)
