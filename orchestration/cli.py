"""``ogi``: the command line of the pipeline.

- ``ogi run``: materialize every asset and check, headless and in-process;
- ``ogi parse FILE``: one report's parse as JSON, for looking at a single file;
- ``ogi seeds``: regenerate the dbt seeds from the Python registries;
- ``ogi synth``: write a synthetic corpus with known answers;
- ``ogi bench``: speed and memory of the pipeline on a synthetic corpus;
- ``ogi docs``: the dbt documentation site of the warehouse;
- ``ogi report``: the data report (HTML charts) again, from the published warehouse;
- ``ogi analyse [NAME]``: a saved analysis on the warehouse, as CSV (without a name, the list).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ogi", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run",
        help="parse $OGI_RAW_DIR (raw/), build $OGI_DATA_DIR (data/): Parquet, warehouse and every check",
    )
    parse = commands.add_parser("parse", help="print one report's parse as JSON")
    parse.add_argument("file", type=Path)
    parse.add_argument("--text", action="store_true", help="include the decoded text (offsets point into it)")
    commands.add_parser("seeds", help="regenerate dbt_project/seeds from the Python registries")
    commands.add_parser("docs", help="build the dbt documentation site (data dictionary, lineage) of the warehouse")
    commands.add_parser("report", help="rebuild the data report (HTML charts) from the published warehouse")
    analyse_parser = commands.add_parser("analyse", help="run a saved analysis (dbt_project/analyses) on the warehouse, print CSV")
    analyse_parser.add_argument("name", nargs="?", help="analysis name; omit to list them")
    analyse_parser.add_argument("--var", action="append", default=[], type=_assignment, metavar="NAME=VALUE",
                                help="a dbt var, e.g. province=浙江省")
    synth = commands.add_parser("synth", help="write a synthetic corpus with known answers (truth.jsonl)")
    synth.add_argument("--reports", type=_report_count, required=True)
    synth.add_argument("--out", type=Path, required=True)
    synth.add_argument("--seed", type=int, default=1)
    synth.add_argument("--fault-rate", type=float, default=0.05, help="rate of each fault kind (default 0.05)")
    bench = commands.add_parser("bench", help="measure speed and memory on a synthetic corpus")
    bench.add_argument("--reports", type=_report_count, required=True)
    bench.add_argument("--seed", type=int, default=1)
    bench.add_argument("--workdir", type=Path, default=None, help="default $OGI_DATA_DIR/bench")
    bench.add_argument("--no-full-run", action="store_true", help="skip the full `ogi run` (parse + dbt + checks)")
    args = parser.parse_args(argv)
    from .settings import SettingsError

    try:
        code = _command(args)
        sys.stdout.flush()  # a closed pipe raises here, not in Python's flush at exit
        return code
    except SettingsError as error:  # (a variable no command can run with: said in a line, as argparse does)
        print(f"ogi: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader stopped early (`ogi parse FILE | head`): end quietly, as other tools do;
        # stdout goes to /dev/null so that Python's own flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _command(args: argparse.Namespace) -> int:
    if args.command == "run":
        return run()
    if args.command == "parse":
        return parse_one(args.file, args.text)
    if args.command == "bench":
        from . import bench as benchmark

        print(benchmark.report(benchmark.run(args.reports, args.seed, args.workdir, full=not args.no_full_run)))
        return 0
    if args.command == "synth":
        from .synth import generate

        raw = generate(args.reports, args.out, args.seed, args.fault_rate)
        print(f"{args.reports} reports in {raw}; truth in {args.out / 'truth.jsonl'}")
        return 0
    if args.command == "docs":
        return docs()
    if args.command == "report":
        return report()
    if args.command == "analyse":
        return analyse(args.name, args.var)
    if args.command == "seeds":
        from .seeds import write_seeds

        for path in write_seeds():
            print(path)
        return 0
    return 2  # pragma: no cover - argparse rejects unknown commands


def run() -> int:
    from .corpus.listing import RawDirMissing, require_raw_dir
    from .settings import load_settings

    settings = load_settings()
    try:
        require_raw_dir(settings.raw_dir)
    except RawDirMissing as error:
        print(f"ogi: {error}", file=sys.stderr)
        return 2
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    job = prepared_job()

    import dagster as dg

    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    print(_summary(result, settings, _time_in_the_run(instance, result.run_id)))
    return 0 if result.success else 1


def prepared_job():
    """`ogi run`'s job, and what the run does before its first step. The parse workers'
    forkserver is started first: its imports (about 0.35 s) then run beside Dagster's own
    start (about 2 s), and the parse step, run in this process, finds it up. Started by
    the parse step instead, it held up a small crawl's parse (10k reports: 0.51 s against
    0.23 s with 100 new files)."""
    from .corpus.pool import start_forkserver

    start_forkserver()
    from .definitions import defs
    from .defs.jobs import ALL_ASSETS_JOB

    return defs().resolve_job_def(ALL_ASSETS_JOB)


def _not_parsed(reports_meta: dict) -> str:
    """Why the files not parsed this run were not (and why some were parsed again), for the line after
    ``parsed this run``."""
    from .corpus.summary import taken_without_parse

    if reports_meta.get("unchanged"):
        return " (nothing changed)"
    notes = [f"{reports_meta['linked']} more kept in folders that did not change"] if reports_meta.get("linked") else []
    notes += taken_without_parse(reports_meta)
    if damaged := reports_meta.get("damaged_parts"):
        notes.append(f"{damaged} damaged {'part' if damaged == 1 else 'parts'} of the last run parsed again")
    return f" ({'; '.join(notes)})" if notes else ""


# The step keys of the checks on the Parquet tables start so (their assets' key prefix): told as one step.
PARQUET_CHECK_STEPS = "parquet__"


def _time_in_the_run(instance, run_id: str) -> str | None:
    """Where the run's time went, from Dagster's own record of its steps: each step's
    seconds in the order they started (the Parquet checks together), after the run's from
    its start to its end (not Dagster's start before it). None when Dagster kept no times."""
    run = instance.get_run_stats(run_id)
    if run.start_time is None or run.end_time is None:
        return None
    spent: dict[str, list[float]] = {}
    for step in sorted(instance.get_run_step_stats(run_id), key=lambda step: step.start_time or 0.0):
        if step.start_time is not None and step.end_time is not None:  # (not a step skipped)
            name = "the Parquet checks" if step.step_key.startswith(PARQUET_CHECK_STEPS) else step.step_key
            spent.setdefault(name, []).append(step.end_time - step.start_time)
    steps = ", ".join(f"{name} {sum(seconds):.2f} s" + (f" in {len(seconds)} steps" if len(seconds) > 1 else "")
                      for name, seconds in spent.items())
    return f"time in the run: {run.end_time - run.start_time:.2f} s ({steps})"


def _summary(result, settings, time_in_the_run: str | None = None) -> str:
    reports_meta: dict = {}
    values_count = issues_count = 0
    data_report = None
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        key = materialization.asset_key.to_user_string()
        metadata = {name: value.value for name, value in materialization.metadata.items()}
        if key == "parquet/reports":
            reports_meta = metadata
        elif key == "parquet/values":
            values_count = metadata.get("dagster/row_count", 0)
        elif key == "parquet/issues":
            issues_count = metadata.get("dagster/row_count", 0)
        elif key == "reports/data_report":
            data_report = metadata.get("path")
    evaluations = result.get_asset_check_evaluations()
    failed = [e for e in evaluations if not e.passed]
    failed_errors = [e for e in failed if e.severity.value == "ERROR"]
    lines = [
        f"files: {reports_meta.get('files', 0)}",
        f"parsed: {reports_meta.get('parsed', 0)}",
        f"quarantined: {reports_meta.get('quarantined', 0)}",
        f"parsed this run: {reports_meta.get('reparsed', 0)}" + _not_parsed(reports_meta),
        f"values: {values_count}",
        f"issues: {issues_count}",
        f"checks: {len(evaluations)} run, {len(failed)} failed ({len(failed_errors)} errors, {len(failed) - len(failed_errors)} warnings)",
    ]
    for evaluation in failed:
        lines.append(f"  failed {evaluation.severity.value.lower()}: {evaluation.asset_key.to_user_string()} {evaluation.check_name}")
    for evaluation in evaluations:
        if evaluation.check_name == "every_raw_file_accounted_for" and evaluation.description:
            lines.append(f"  raw folder: {evaluation.description}")  # (a crawl still writing)
        if evaluation.check_name == "no_file_failed_in_the_pipeline" and evaluation.description:
            lines.append(f"  pipeline: {evaluation.description}")
    for text in reports_meta.get("layout_advice") or []:  # (the parse's warnings on it, corpus/layout.py)
        lines.append(f"  raw folder layout: {text}")
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.error
            if error.cls_name == "DagsterExecutionStepExecutionError" and error.cause:  # Dagster's wrapper
                error = error.cause
            lines.append(f"  failed step: {event.step_key}: {error.message.strip()}")
    if time_in_the_run:
        lines.append(time_in_the_run)
    lines.append(f"warehouse: {settings.warehouse_path}")
    if data_report:
        lines.append(f"data report: {data_report}")
    lines.append(f"run: {'succeeded' if result.success else 'FAILED'}")
    return "\n".join(lines)


def report() -> int:
    """The data report from the published warehouse, as the asset writes it."""
    from .data_report import build
    from .settings import load_settings

    settings = load_settings()
    if not settings.warehouse_path.exists():
        print(f"ogi: no warehouse at {settings.warehouse_path}; run `ogi run` first", file=sys.stderr)
        return 2
    print(f"data report: {build(settings.warehouse_path, settings.data_dir / 'report')}")
    return 0


def _report_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a number of reports, at least 1")
    return int(text)


def _assignment(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"{text!r}: a var is NAME=VALUE, e.g. province=浙江省")
    return name, value


def analyse(name: str | None, assignments: list[tuple[str, str]]) -> int:
    import csv

    from .analyses import UnknownAnalysis, check_names, names, run_analysis
    from .settings import load_settings

    if not name:
        print("\n".join(names()))
        return 0
    try:
        check_names([name])
    except UnknownAnalysis as error:
        print(f"ogi: {error}", file=sys.stderr)
        return 2
    settings = load_settings()
    if not settings.warehouse_path.exists():
        print(f"ogi: no warehouse at {settings.warehouse_path}; run `ogi run` first", file=sys.stderr)
        return 2
    columns, rows = run_analysis(name, settings.warehouse_path, dict(assignments))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return 0


def docs() -> int:
    """`dbt docs generate` against the published warehouse; says where the site is."""
    import shutil
    import subprocess

    from .settings import DBT_PROJECT_DIR, environment, load_settings
    from .warehouse import DBT_EXECUTABLE

    settings = load_settings()
    if not settings.warehouse_path.exists():
        print(f"ogi: no warehouse at {settings.warehouse_path}: run `ogi run` first", file=sys.stderr)
        return 2
    # dbt opens its warehouse for writing; analysts may hold read-only sessions on
    # the published one, so the catalog is read from a copy.
    copy = settings.data_dir / "warehouse.docs.duckdb"
    shutil.copyfile(settings.warehouse_path, copy)
    try:
        with environment(OGI_DATA_DIR=str(settings.data_dir), OGI_WAREHOUSE_PATH=str(copy)):
            done = subprocess.run(
                [DBT_EXECUTABLE, "docs", "generate", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
                 str(DBT_PROJECT_DIR), "--quiet"],
                cwd=DBT_PROJECT_DIR, check=False,
            )
    finally:
        copy.unlink(missing_ok=True)
    if done.returncode != 0:
        return done.returncode
    site = DBT_PROJECT_DIR / "target" / "index.html"
    print(f"documentation: {site}\nserve it with: dbt docs serve --project-dir {DBT_PROJECT_DIR} --profiles-dir {DBT_PROJECT_DIR}")
    return 0


def parse_one(path: Path, with_text: bool) -> int:
    from .parsing import parse_bytes

    if not path.is_file():
        print(f"ogi: {path} is not a file", file=sys.stderr)
        return 2
    parse = parse_bytes(path.read_bytes(), path.name)
    result = parse.result
    document = {
        "source_path": str(path),
        "report_id": parse.report_id,
        "status": parse.status,
        "quarantine_code": parse.quarantine_code,
        "quarantine_reason": parse.quarantine_reason,
        "encoding": parse.encoding,
        "metadata": _plain(result.metadata) if result else None,
        "values": [_plain(value) for value in result.values] if result else [],
        "issues": [_plain(issue) for issue in parse.all_issues],
        "identity_checks": [_plain(check) for check in result.checks] if result else [],
    }
    if with_text:
        document["text"] = parse.text
    json.dump(document, sys.stdout, ensure_ascii=False, indent=1, default=_json_default)
    sys.stdout.write("\n")
    return 0


def _plain(obj):
    """A parse's dataclasses as JSON's dicts and lists. By their fields: the compiled
    parser's classes have neither ``__dict__`` nor ``__slots__``."""
    if dataclasses.is_dataclass(obj):
        return {field.name: _plain(getattr(obj, field.name)) for field in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {key: _plain(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(value) for value in obj]
    return obj


def _json_default(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


if __name__ == "__main__":
    sys.exit(main())
