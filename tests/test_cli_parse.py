"""`ogi parse FILE [--text]`: one report's parse as JSON, with the compiled parser's
classes (neither ``__dict__`` nor ``__slots__``) written out field by field."""

from __future__ import annotations

import json

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
