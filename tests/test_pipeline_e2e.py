"""The whole pipeline (parse, Parquet, dbt build, every check) on the samples,
run headless with `ogi run` into temporary directories."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from orchestration.cli import main
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse import DBT_EXECUTABLE

from .conftest import SAMPLES_RAW, ogi_run, published_parquet

pytestmark = pytest.mark.e2e

BAD_FILES = {
    "bad/empty.txt": b"",
    "bad/binary.txt": bytes(range(256)) * 20,
    "bad/not_a_report.txt": "欢迎访问本网站。今日天气晴。".encode(),
    "copy/000_again.txt": (SAMPLES_RAW / "000_e0a35a2ab27e6366.txt").read_bytes(),
}


def make_raw(root: Path) -> Path:
    raw = root / "raw"
    shutil.copytree(SAMPLES_RAW, raw)
    for name, data in BAD_FILES.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_bytes(data)
    return raw


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    raw = make_raw(root)
    outputs = {run: ogi_run(raw, root / run) for run in ("first", "second")}
    return root, outputs


@pytest.fixture(scope="module")
def warehouse(pipeline):
    root, _ = pipeline
    connection = duckdb.connect(str(root / "first" / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()


def report_ids(warehouse) -> dict[str, str]:
    return dict(warehouse.execute("select source_path, report_id from dim_report").fetchall())


def test_run_succeeds_and_prints_a_summary(pipeline):
    root, outputs = pipeline
    code, out = outputs["first"]
    assert code == 0, out
    # the parse and the warehouse build each took their lock (orchestration/locks.py)
    assert sorted(p.name for p in (root / "first" / ".locks").iterdir()) == [
        "parquet.lock", "parts.lock", "warehouse.lock"]
    summary = out[out.index("files:"):]
    assert "files: 9\n" in summary
    assert "parsed: 5\n" in summary
    assert "quarantined: 4\n" in summary
    from orchestration.definitions import defs

    defined = len(list(defs().get_repository_def().asset_graph.asset_check_keys))
    assert f"checks: {defined} run, 0 failed" in summary  # every check ran, none failed
    assert "run: succeeded" in summary
    assert "raw folder layout" not in summary  # (5 files at the top, 2 folders: nothing to tell, corpus/layout.py)


def test_the_summary_says_where_the_run_s_time_went(pipeline):
    from orchestration.definitions import defs

    _, outputs = pipeline
    _, out = outputs["first"]
    parquet_checks = [key for key in defs().get_repository_def().asset_graph.asset_check_keys
                      if key.asset_key.path[0] == "parquet"]
    line = next(line for line in out.splitlines() if line.startswith("time in the run: "))
    found = re.fullmatch(r"time in the run: ([\d.]+) s \(parse_raw_reports ([\d.]+) s, the Parquet checks ([\d.]+) s "
                         r"in (\d+) steps, warehouse_models ([\d.]+) s, reports__data_report ([\d.]+) s\)", line)
    assert found, line
    run, parse, checks, check_steps, warehouse, data_report = (float(value) for value in found.groups())
    assert check_steps == len(parquet_checks) == 7
    assert 0 < parse + checks + warehouse + data_report <= run + 0.03  # (each figure rounded to 10 ms)
    assert warehouse > max(parse, checks, data_report)  # (dbt: its start alone takes seconds)


def test_every_raw_file_is_parsed_or_quarantined(warehouse):
    rows = warehouse.execute("select source_path, status, quarantine_code from dim_source_file order by 1").fetchall()
    assert rows == [
        ("000_e0a35a2ab27e6366.txt", "parsed", None),
        ("001_52ee1c9a66fdb884.txt", "parsed", None),
        ("002_a14c2c8461655229.txt", "parsed", None),
        ("003_da13f4a091621947.txt", "parsed", None),
        ("004_4aa281a40ca079eb.txt", "parsed", None),
        ("bad/binary.txt", "quarantined", "binary_file"),
        ("bad/empty.txt", "quarantined", "empty_file"),
        ("bad/not_a_report.txt", "quarantined", "not_a_report"),
        ("copy/000_again.txt", "quarantined", "duplicate_content"),
    ]
    codes = warehouse.execute("select source_path, code, severity from fct_issues where file_status = 'quarantined' order by 1").fetchall()
    assert [c[1] for c in codes] == ["binary_file", "empty_file", "not_a_report", "duplicate_content"]
    assert {c[2] for c in codes} == {"error"}


def test_metadata_in_dim_report(warehouse, expected):
    rows = {
        row[0]: row[1:]
        for row in warehouse.execute(
            "select source_path, agency_name, report_year, template, cast(published_date as varchar) from dim_report"
        ).fetchall()
    }
    assert set(rows) == set(expected)
    for name, want in expected.items():
        assert rows[name] == (want["agency_name"], want["report_year"], want["template"], want["published_date"]), name
    assert warehouse.execute("select typeof(report_year), typeof(published_date) from dim_report limit 1").fetchone() == (
        "INTEGER", "DATE")


def test_every_expected_figure_is_in_the_marts(warehouse, expected):
    ids = report_ids(warehouse)
    checked = 0
    for name, want in expected.items():
        report_id = ids[name]
        for row in want.get("requests", []):
            got = warehouse.execute(
                "select count, source from fct_requests where report_id = ? and applicant_type = ? and channel = ? and item = ?",
                [report_id, row["applicant_type"], row["channel"], row["item"]],
            ).fetchall()
            assert len(got) == 1 and got[0][0] == row["count"], (name, row, got)
            assert "source" not in row or got[0][1] == row["source"]
            checked += 1
        for row in want.get("appeals", []):
            got = warehouse.execute(
                "select count, source from fct_appeals where report_id = ? and proceeding = ? and outcome = ?",
                [report_id, row["proceeding"], row["outcome"]],
            ).fetchall()
            assert len(got) == 1 and got[0][0] == row["count"], (name, row, got)
            assert "source" not in row or got[0][1] == row["source"]
            checked += 1
        for row in want.get("disclosures", []):
            got = warehouse.execute(
                "select value, unit from fct_disclosures where report_id = ? and category = ? and measure = ?",
                [report_id, row["category"], row["measure"]],
            ).fetchall()
            assert len(got) == 1 and got[0][0] == Decimal(str(row["value"])), (name, row, got)
            assert "unit" not in row or got[0][1] == row["unit"]
            checked += 1
    assert checked == 473 - 4 * 5 - 6 - 1  # every figure of expected.json (metadata, blanks, counts checked apart)


def test_blank_cells_are_null_in_the_marts(warehouse, expected):
    report_id = report_ids(warehouse)["001_52ee1c9a66fdb884.txt"]
    for row in expected["001_52ee1c9a66fdb884.txt"]["blank_is_not_zero"]:
        if row["table"] == "fct_requests":
            got = warehouse.execute(
                "select count from fct_requests where report_id = ? and item = ? and applicant_type = 'total' and channel = 'all'",
                [report_id, row["item"]],
            ).fetchall()
        else:
            got = warehouse.execute(
                "select value from fct_disclosures where report_id = ? and category = ? and measure = ?",
                [report_id, row["category"], row["measure"]],
            ).fetchall()
        assert got == [(None,)], row


def test_every_stat_table_number_is_kept(warehouse):
    report_id = report_ids(warehouse)["000_e0a35a2ab27e6366.txt"]
    assert warehouse.execute(
        "select count(*) from fct_report_values where report_id = ? and layout = 'stat_table'", [report_id]
    ).fetchone() == (58,)
    other = dict(warehouse.execute(
        "select item, value from fct_other_figures where report_id = ?", [report_id]).fetchall())
    assert other["policy_interpretations"] == 3 and other["social_media_responses"] == 3117
    assert (other["staff"], other["staff_full_time"], other["staff_part_time"]) == (2, 0, 2)


def test_figures_trace_back_to_the_text(warehouse):
    rows = warehouse.execute(
        "select r.source_path, v.char_start, v.char_end, v.raw_text from fct_requests v join dim_report r using (report_id) "
        "where v.count is not null and v.source = 'table'"
    ).fetchall()
    assert rows
    for path, start, end, raw in rows:
        text = (SAMPLES_RAW / path).read_text(encoding="utf-8")
        assert text[start:end] == raw


def test_identity_checks_agree_with_the_parser(warehouse):
    evaluated, failed = warehouse.execute(
        "select count(*), count(*) filter (where not holds) from fct_identity_checks").fetchone()
    assert evaluated == 88 and failed == 0
    assert warehouse.execute("select count(*) from fct_issues where code = 'identity_failed'").fetchone() == (failed,)


def test_sql_recheck_of_the_identities_catches_a_parser_that_disagrees(pipeline, tmp_path):
    """The dbt test identity_checks_agree_with_sql evaluates the identities again in SQL:
    a check the parser got wrong, and one it left out, both fail it."""
    import subprocess

    import pyarrow.parquet as pq

    from orchestration.settings import DBT_PROJECT_DIR
    from orchestration.warehouse import DBT_EXECUTABLE

    root, _ = pipeline
    data = tmp_path / "data"
    shutil.copytree((root / "first" / "parquet").resolve(), data / "parquet")
    shutil.copyfile(root / "first" / "warehouse.duckdb", data / "warehouse.duckdb")
    checks = pq.read_table(data / "parquet" / "identity_checks" / "_root.parquet").to_pylist()
    assert len(checks) == 88
    checks[0]["signed_sum"] += 5
    checks[0]["holds"] = False
    del checks[1]
    schema = pq.read_schema(data / "parquet" / "identity_checks" / "_root.parquet")
    pq.write_table(pa.Table.from_pylist(checks, schema=schema), data / "parquet" / "identity_checks" / "_root.parquet")

    def dbt(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [DBT_EXECUTABLE, *command, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
             "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
            cwd=DBT_PROJECT_DIR, capture_output=True, text=True, check=False,
            env={**os.environ, "OGI_DATA_DIR": str(data), "OGI_WAREHOUSE_PATH": str(data / "warehouse.duckdb")},
        )

    # The staging views name the Parquet they read: point the copy's at the copied files.
    assert dbt("run", "--select", "staging").returncode == 0

    def recheck() -> subprocess.CompletedProcess:
        return dbt("test", "--select", "identity_checks_agree_with_sql")

    tampered = recheck()
    assert tampered.returncode == 1, tampered.stdout
    assert "Got 2 results" in tampered.stdout
    shutil.copyfile((root / "first" / "parquet" / "identity_checks" / "_root.parquet").resolve(),
                    data / "parquet" / "identity_checks" / "_root.parquet")
    untouched = recheck()
    assert untouched.returncode == 0, untouched.stdout


def test_two_runs_give_identical_parquet_and_rows(pipeline):
    root, outputs = pipeline
    assert outputs["second"][0] == 0
    first, second = published_parquet(root / "first"), published_parquet(root / "second")
    assert {name.split("/")[0] for name in first} == {"reports", "values", "issues", "identity_checks", "file_state"}
    assert first == second
    with duckdb.connect(str(root / "first" / "warehouse.duckdb"), read_only=True) as a, duckdb.connect(
        str(root / "second" / "warehouse.duckdb"), read_only=True
    ) as b:
        tables = [t[0] for t in a.execute("select table_name from information_schema.tables where table_schema = 'main' order by 1").fetchall()]
        assert "fct_requests" in tables and "dim_report" in tables
        for table in tables:
            query = f"select * from {table} order by all"
            assert a.execute(query).fetchall() == b.execute(query).fetchall(), table


def test_every_model_and_column_is_described(warehouse):
    import json

    from orchestration.warehouse import MANIFEST

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    undocumented = []
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "seed"):
            continue
        if not node.get("description", "").strip():
            undocumented.append(node["name"])
        described = {name for name, column in node["columns"].items() if column.get("description", "").strip()}
        columns = [row[0] for row in warehouse.execute(
            "select column_name from information_schema.columns where table_name = ?", [node["name"]]).fetchall()]
        assert columns, node["name"]
        undocumented += [f"{node['name']}.{column}" for column in columns if column not in described]
    assert undocumented == []


def test_report_summary_harmonises_the_eras(warehouse):
    rows = {row[0]: row[1:] for row in warehouse.execute(
        "select r.source_path, s.template, s.applications_received, s.applications_carried_over, s.granted, "
        "s.reviews, s.lawsuits, s.proactive_disclosures, s.grant_rate, s.identities_hold, s.figures_from_prose_only "
        "from report_summary s join dim_report r using (report_id)").fetchall()}
    # stat table: received 0 from the table, no carried-over row in that era (NULL, not 0)
    assert rows["000_e0a35a2ab27e6366.txt"] == ("stat_table", 0, None, 0, 0, 0, 1272, None, True, False)
    # blank stat table: the prose's 0 fills in, granted stays NULL
    assert rows["001_52ee1c9a66fdb884.txt"] == ("stat_table", 0, None, None, 0, 0, 67, None, True, False)
    assert rows["002_a14c2c8461655229.txt"] == ("t2019", 0, 0, 0, 0, 0, None, None, True, False)
    assert rows["003_da13f4a091621947.txt"] == ("prose", 2, None, None, 0, 0, 2680, None, True, True)


def test_docs_site_is_built(pipeline, warehouse, monkeypatch, capsys):
    """Also while an analyst (the `warehouse` fixture) holds a read-only session."""
    import json

    from orchestration.settings import DBT_PROJECT_DIR

    root, _ = pipeline
    monkeypatch.setenv("OGI_DATA_DIR", str(root / "first"))
    assert main(["docs"]) == 0
    assert f"documentation: {DBT_PROJECT_DIR / 'target' / 'index.html'}" in capsys.readouterr().out
    catalog = json.loads((DBT_PROJECT_DIR / "target" / "catalog.json").read_text(encoding="utf-8"))
    assert "model.ogi_reports.report_summary" in catalog["nodes"]
    assert "count" in {c.lower() for c in catalog["nodes"]["model.ogi_reports.fct_requests"]["columns"]}


def test_saved_analyses_run_on_the_sample_warehouse(pipeline, warehouse, monkeypatch):
    from orchestration import analyses
    from orchestration.analyses import names, run_analyses, run_analysis

    root, _ = pipeline
    path = root / "first" / "warehouse.duckdb"
    assert names() == ["carried_forward_exceeds_received", "cross_year_breaks", "grant_rate_by_year",
                       "identity_failures"]
    found = run_analyses(names(), path)
    # 阿合奇县人民政府办公室 2020 is the samples' one county government in 新疆: it processed no application.
    columns, rows = found["grant_rate_by_year"]
    assert columns == ["report_year", "reports", "reports_with_rate", "granted", "processed", "grant_rate"]
    assert rows == [(2020, 1, 0, 0, 0, None)]
    # The samples keep every identity, carry nothing forward, and have one report per organ.
    for name in ("carried_forward_exceeds_received", "identity_failures", "cross_year_breaks"):
        assert found[name][1] == [], name
    # 江源区 (吉林省) 2016 reports in prose: received 2, nothing about decisions.
    assert run_analysis("grant_rate_by_year", path, {"province": "吉林省", "from_year": 2010})[1] == [
        (2016, 1, 0, None, None, None)]
    with pytest.raises(analyses.UnknownAnalysis, match="no analysis 'grant_rate'"):
        run_analyses(["identity_failures", "grant_rate"], path)

    # Asked again, the compiled SQL is the one kept: no dbt process, the same rows.
    def no_dbt(*args, **kwargs):
        raise AssertionError(f"dbt ran again: {args}")

    monkeypatch.setattr(analyses.subprocess, "run", no_dbt)
    assert run_analyses(names(), path) == found


def test_ogi_analyse_and_ogi_report_on_the_sample_warehouse(pipeline, warehouse, monkeypatch, capsys):
    """The commands an analyst types, as the README gives them."""
    root, _ = pipeline
    monkeypatch.setenv("OGI_DATA_DIR", str(root / "first"))
    assert main(["analyse"]) == 0
    assert capsys.readouterr().out.split() == ["carried_forward_exceeds_received", "cross_year_breaks",
                                               "grant_rate_by_year", "identity_failures"]
    assert main(["analyse", "grant_rate_by_year", "--var", "province=吉林省", "--var", "from_year=2010"]) == 0
    assert capsys.readouterr().out == ("report_year,reports,reports_with_rate,granted,processed,grant_rate\n"
                                       "2016,1,0,,,\n")
    page = root / "first" / "report" / "index.html"
    page.unlink()
    assert main(["report"]) == 0
    assert capsys.readouterr().out == f"data report: {page}\n"
    from orchestration.data_report import CHARTS

    written = page.read_text(encoding="utf-8")
    assert all(f'id="chart-{chart.slug}"' in written for chart in CHARTS)


def test_rebuilding_the_warehouse_in_the_same_data_folder(pipeline, monkeypatch):
    """A build of some models keeps the other tables; a build of every model by a changed
    project starts from an empty file; the second build starts from the parse the first one saved; neither
    asks dbt its version in a new process; only the last builds' folders are kept."""
    import dagster as dg
    import dagster_dbt.core.resource as dbt_resource

    from orchestration.defs import warehouse as warehouse_defs
    from orchestration.defs.resources import defs as resources
    from orchestration.settings import load_settings
    from orchestration.warehouse import KEPT_BUILD_FOLDERS, build_record_path

    root, _ = pipeline
    data = root / "second"
    monkeypatch.setenv("OGI_DATA_DIR", str(data))
    with duckdb.connect(str(data / "warehouse.duckdb")) as connection:
        connection.execute("create table left_by_a_removed_model as select 1 as x")

    def no_version_process(*args, **kwargs):
        raise AssertionError(f"dagster-dbt ran {args}")

    monkeypatch.setattr(dbt_resource, "check_output", no_version_process)
    targets = []
    keep = warehouse_defs.keep_partial_parse
    monkeypatch.setattr(warehouse_defs, "keep_partial_parse", lambda target: (targets.append(target), keep(target)))

    def build(**selection):
        result = dg.materialize([warehouse_defs.warehouse_models], resources=resources.resources, **selection)
        assert result.success
        with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as connection:
            return {t[0] for t in connection.execute("select table_name from information_schema.tables").fetchall()}

    some = build(selection=[dg.AssetKey("fct_issues")])
    assert {"left_by_a_removed_model", "fct_issues", "fct_requests", "dim_report"} <= some
    # A table of a removed model can only come from another project: a build of every
    # model then starts from an empty file.
    build_record_path(load_settings()).write_text('{"build_fingerprint": "the project before"}')
    every = build()
    assert "left_by_a_removed_model" not in every
    assert every == some - {"left_by_a_removed_model"}
    with duckdb.connect(str(root / "first" / "warehouse.duckdb"), read_only=True) as a, duckdb.connect(
        str(data / "warehouse.duckdb"), read_only=True
    ) as b:
        query = "select * from fct_requests order by all"
        assert a.execute(query).fetchall() == b.execute(query).fetchall()

    logs = [(target / "dbt.log").read_text(encoding="utf-8") for target in targets]
    assert len(logs) == 2
    assert "Unable to do partial parsing" not in logs[1]
    assert "Nothing changed, skipping partial parsing" in logs[1]
    # dagster-dbt leaves a folder per build under dbt_project/target: the old ones go.
    builds = [p for p in targets[1].parent.iterdir() if p.is_dir() and p.name.startswith("warehouse_models-")]
    assert targets[1] in builds and len(builds) <= KEPT_BUILD_FOLDERS


def dbt_by_hand(shell_folder: Path, *args: str, pwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    """dbt as typed in a shell in ``shell_folder`` (``$PWD`` may be made to say otherwise)."""
    environ = {k: v for k, v in os.environ.items() if k not in ("OGI_DATA_DIR", "OGI_WAREHOUSE_PATH")}
    return subprocess.run(
        [DBT_EXECUTABLE, *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(shell_folder / "target"), "--log-path", str(shell_folder / "logs")],
        capture_output=True, text=True, cwd=shell_folder, check=False,
        env={**environ, "PWD": str(pwd or shell_folder), **env},
    )


@pytest.fixture
def beside_data(pipeline, tmp_path) -> Path:
    """A folder ``dbt/`` beside a data folder ``data/`` holding the samples' Parquet, as
    dbt_project/ is beside data/; in a folder whose name has a quote, a parenthesis and a
    brace, each of which broke the build (dbt-duckdb quotes a source's location without
    escaping, not at all when it holds a "(", and fills in its braces)."""
    root, _ = pipeline
    base = tmp_path / "a user's (copy) {x}"
    (base / "data").mkdir(parents=True)
    (base / "data" / "parquet").symlink_to(root / "first" / "parquet", target_is_directory=True)
    (base / "dbt").mkdir()
    return base


@pytest.mark.parametrize("relative", [True, False], ids=["relative", "absolute"])
def test_a_warehouse_built_by_hand_opens_anywhere(pipeline, beside_data, monkeypatch, relative):
    """dbt run by hand in dbt_project/ (OGI_DATA_DIR unset: ../data) made views whose
    Parquet path was relative, read against the folder of whoever opened the warehouse:
    they failed everywhere else, `ogi report` included. The views hold an absolute path now."""
    root, _ = pipeline
    data = "./../data/" if relative else str(beside_data / "data")
    done = dbt_by_hand(beside_data / "dbt", "run", "--select", "staging",
                       OGI_DATA_DIR=data, OGI_WAREHOUSE_PATH="../data/warehouse.duckdb")
    assert done.returncode == 0, done.stdout[-2000:]
    monkeypatch.chdir(root)
    values = duckdb.sql(f"select count(*) from '{root}/first/parquet/values/*.parquet'").fetchone()[0]
    with duckdb.connect(str(beside_data / "data" / "warehouse.duckdb"), read_only=True) as built:
        view = built.execute("select sql from duckdb_views() where view_name = 'stg_parquet__values'").fetchone()[0]
        assert f'FROM "{beside_data}/data/parquet/values/*.parquet"' in view
        assert built.execute("select count(*) from stg_parquet__values").fetchone()[0] == values > 500
        assert built.execute("select count(*) from stg_parquet__reports").fetchone()[0] == len(BAD_FILES) + 5


def test_dbt_by_hand_stops_when_it_cannot_tell_its_folder(beside_data):
    """A relative data folder is made absolute from $PWD, the only folder dbt's Jinja can
    read; a $PWD that is not where dbt runs stops the build rather than aim the views elsewhere."""
    done = dbt_by_hand(beside_data / "dbt", "run", "--select", "stg_parquet__values", pwd=beside_data,
                       OGI_DATA_DIR="../data", OGI_WAREHOUSE_PATH="../data/warehouse.duckdb")
    assert done.returncode != 0
    assert (f"the relative path ../data/parquet/values/*.parquet, and the folder dbt runs in cannot be told "
            f"($PWD={beside_data} does not hold the same files): give an absolute OGI_DATA_DIR") in done.stdout
