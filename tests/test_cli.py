"""The `ogi` commands that need no warehouse: `ogi parse FILE [--text]` (one report's parse
as JSON, the compiled parser's classes, which have neither ``__dict__`` nor ``__slots__``,
written out field by field), `ogi synth`, and the warehouse commands without one. `ogi run`,
`ogi docs`, `ogi analyse` and `ogi report` on a warehouse: tests/test_pipeline_e2e.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration import parsing
from orchestration.cli import main

from .conftest import SAMPLES_RAW

SAMPLE = "002_a14c2c8461655229.txt"  # 阿合奇县 2020, a 2019-form table with a 万元 figure


def parse_json(capsys, *args: str) -> dict:
    code = main(["parse", *args])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_ogi_parse_prints_the_report_its_figures_and_their_offsets(capsys, expected):
    document = parse_json(capsys, str(SAMPLES_RAW / SAMPLE), "--text")
    assert parsing.COMPILED  # what the command runs on a machine set up as the README says
    assert (document["status"], document["quarantine_code"]) == ("parsed", None)
    metadata = document["metadata"]
    assert {name: metadata[name] for name in ("agency_name", "report_year", "template", "published_date")} == {
        name: expected[SAMPLE][name] for name in ("agency_name", "report_year", "template", "published_date")}
    assert metadata["region"]["county"] == {"code": "653023", "name": "阿合奇县", "rank": 2}
    assert metadata["region"]["agency_level"] == "county"
    by_key = {(v["section"], tuple(sorted(v["dims"].items()))): v for v in document["values"] if v["is_selected"]}
    amount = by_key[("proactive", (("category", "centralized_procurement"), ("measure", "procurement_amount")))]
    assert (amount["value"], amount["unit"], amount["source"]) == (92.805, "万元", "table")
    made = by_key[("proactive", (("category", "normative_document"), ("measure", "newly_made")))]
    in_force = by_key[("proactive", (("category", "normative_document"), ("measure", "total_published")))]
    assert (made["value"], in_force["value"]) == (1, 18)
    text = document["text"]
    assert all(text[v["char_start"]:v["char_end"]] == v["raw_text"] for v in document["values"])
    assert len(document["values"]) > 150
    assert document["identity_checks"] and all(check["holds"] for check in document["identity_checks"])


def test_ogi_parse_of_a_file_that_is_no_report(capsys, tmp_path):
    junk = tmp_path / "notice.txt"
    junk.write_text("欢迎访问本网站。今日天气晴。", encoding="utf-8")
    document = parse_json(capsys, str(junk))
    assert (document["status"], document["quarantine_code"]) == ("quarantined", "not_a_report")
    assert "text" not in document


def test_ogi_synth_writes_the_corpus_and_its_truth(capsys, tmp_path):
    assert main(["synth", "--reports", "30", "--out", str(tmp_path / "corpus"), "--seed", "2"]) == 0
    raw, truth = tmp_path / "corpus" / "raw", tmp_path / "corpus" / "truth.jsonl"
    assert capsys.readouterr().out == f"30 reports in {raw}; truth in {truth}\n"
    records = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 30 and sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file()) == sorted(
        r["path"] for r in records)


@pytest.mark.parametrize("command", [["report"], ["analyse", "identity_failures"]])
def test_warehouse_commands_without_a_warehouse_say_what_to_do(command, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / "data"))
    assert main(command) == 2
    assert capsys.readouterr().err == f"ogi: no warehouse at {tmp_path / 'data' / 'warehouse.duckdb'}; run `ogi run` first\n"


def test_ogi_analyse_of_a_name_that_is_none_lists_the_analyses(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / "data"))  # (no warehouse either: the name is told first)
    assert main(["analyse", "grant_rates"]) == 2
    assert capsys.readouterr().err == ("ogi: no analysis 'grant_rates'; there are: carried_forward_exceeds_received, "
                                       "cross_year_breaks, grant_rate_by_year, identity_failures\n")


@pytest.mark.parametrize("var", ["province", "=浙江省"])
def test_ogi_analyse_refuses_a_var_that_is_not_name_equals_value(var, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["analyse", "grant_rate_by_year", "--var", var])
    assert stopped.value.code == 2
    assert f"argument --var: {var!r}: a var is NAME=VALUE, e.g. province=浙江省" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["synth", "bench"])
@pytest.mark.parametrize("reports", ["0", "-3", "ten"])
def test_a_corpus_of_no_reports_is_refused(command, reports, capsys, tmp_path):
    with pytest.raises(SystemExit) as stopped:
        main([command, "--reports", reports, *(["--out", str(tmp_path / "out")] if command == "synth" else [])])
    assert stopped.value.code == 2
    assert f"argument --reports: {reports!r}: a number of reports, at least 1" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["report"], ["docs"], ["analyse", "identity_failures"]])
def test_every_command_that_reads_the_settings_refuses_one_it_cannot_use(command, capsys, monkeypatch):
    """(Only `ogi run` said so in a line: the others ended in a traceback.)"""
    monkeypatch.setenv("OGI_DBT_THREADS", "0")
    assert main(command) == 2
    assert capsys.readouterr().err == "ogi: OGI_DBT_THREADS=0: give a number of threads (default 1), at least 1\n"


@pytest.mark.parametrize("command", [["parse", str(SAMPLES_RAW / SAMPLE)], ["analyse"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(command, tmp_path):
    """`ogi parse FILE | head`: the pipe closed under the command ended in a traceback."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"} | {"OGI_DATA_DIR": str(tmp_path)}
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:  # stdout buffered, as on most machines: the short list of analyses is written at the end
        done = subprocess.run([str(Path(sys.executable).with_name("ogi")), *command], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, check=False, env=environment)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (1, "")
