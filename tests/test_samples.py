"""The five sample reports against expected.json, and the 45 real excerpts
against their hand-read labels (tests/samples/real/labels.jsonl, from ../shared)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest

from orchestration.parsing import parse_bytes

from .conftest import REAL, SAMPLES_RAW, parse


def chosen(values, section, **dims):
    """The figure a mart shows for a key: filled table cell, then prose, then blank cell."""
    matches = [
        v for v in values
        if v.section == section and all((v.item if k == "item" else v.dims.get(k)) == x for k, x in dims.items())
    ]
    for rank in (lambda v: v.source == "table" and v.value is not None, lambda v: v.source == "prose" and v.value is not None,
                 lambda v: True):
        picked = [v for v in matches if rank(v)]
        if picked:
            return picked[0]
    return None


@pytest.fixture(scope="module")
def sample_results(expected):
    return {name: parse((SAMPLES_RAW / name).read_text(encoding="utf-8")) for name in expected}


@pytest.mark.parametrize("field", ["agency_name", "report_year", "template", "published_date"])
def test_sample_metadata(sample_results, expected, field):
    for name, result in sample_results.items():
        assert getattr(result.metadata, field) == expected[name][field], name


def test_sample_figures(sample_results, expected):
    checked = 0
    for name, result in sample_results.items():
        for row in expected[name].get("requests", []):
            value = chosen(result.values, "requests", item=row["item"], applicant_type=row["applicant_type"], channel=row["channel"])
            assert value is not None and value.value == row["count"], (name, row)
            if "source" in row:
                assert value.source == row["source"], (name, row)
            checked += 1
        for row in expected[name].get("appeals", []):
            value = chosen(result.values, "appeals", proceeding=row["proceeding"], outcome=row["outcome"])
            assert value is not None and value.value == row["count"], (name, row)
            if "source" in row:
                assert value.source == row["source"], (name, row)
            checked += 1
        for row in expected[name].get("disclosures", []):
            value = chosen(result.values, "proactive", category=row["category"], measure=row["measure"])
            assert value is not None and value.value == Decimal(str(row["value"])), (name, row)
            if "unit" in row:
                assert value.unit == row["unit"]
            checked += 1
    assert checked == sum(
        len(e.get(k, [])) for e in expected.values() for k in ("requests", "appeals", "disclosures")
    )


def test_sample_blank_cells_are_null(sample_results, expected):
    for name, result in sample_results.items():
        for row in expected[name].get("blank_is_not_zero", []):
            if row["table"] == "fct_requests":
                value = chosen(result.values, "requests", item=row["item"], applicant_type="total", channel="all")
            else:
                value = chosen(result.values, "proactive", category=row["category"], measure=row["measure"])
            assert value is not None and value.value is None and value.source == "table", (name, row)


def test_stat_table_keeps_every_number(sample_results, expected):
    result = sample_results["000_e0a35a2ab27e6366.txt"]
    stat = [v for v in result.values if v.layout == "stat_table"]
    assert len(stat) == expected["000_e0a35a2ab27e6366.txt"]["stat_table_numbers"] == 58
    by_item = {v.item: v.value for v in stat if v.section not in ("requests", "appeals", "proactive")}
    assert by_item["policy_interpretations"] == 3
    assert by_item["social_media_responses"] == 3117
    assert by_item["reading_points"] == 1
    assert (by_item["staff"], by_item["staff_full_time"], by_item["staff_part_time"]) == (2, 0, 2)
    assert by_item["meetings"] == 1 and by_item["trainees"] == 2


def test_cumulative_figure_is_not_the_years(sample_results):
    values = sample_results["001_52ee1c9a66fdb884.txt"].values
    prose = {v.dims["measure"]: v.value for v in values if v.section == "proactive" and v.source == "prose"}
    assert prose == {"items": 67, "cumulative_items": 1276}


def test_zhejiang_request_topics_are_kept(sample_results):
    topics = [v for v in sample_results["001_52ee1c9a66fdb884.txt"].values if v.section == "request_topics"]
    assert len(topics) == 19 and all(v.value is None for v in topics)
    assert {v.dims["category"] for v in topics} >= {"all", "budget_final_accounts", "enterprise_credit", "other"}


# ------------------------------------------------------------------ real excerpts

LABEL_KEYS = {
    "proactive_disclosed_total": ("proactive", {"category": "proactive_information", "measure": "items"}),
    "prose_requests_received": ("requests", {"item": "new_received", "applicant_type": "total", "channel": "all"}),
    "requests_new_total": ("requests", {"item": "new_received", "applicant_type": "total", "channel": "all"}),
    "requests_new_natural_person": ("requests", {"item": "new_received", "applicant_type": "natural_person", "channel": "all"}),
    "requests_carried_over_total": ("requests", {"item": "carried_over", "applicant_type": "total"}),
    "requests_granted_total": ("requests", {"item": "granted", "applicant_type": "total"}),
    "requests_partial_total": ("requests", {"item": "partially_granted", "applicant_type": "total"}),
    "requests_processed_total": ("requests", {"item": "total_processed", "applicant_type": "total"}),
    "requests_carried_forward_total": ("requests", {"item": "carried_forward", "applicant_type": "total"}),
    "review_total": ("appeals", {"proceeding": "administrative_review", "outcome": "total"}),
    "litigation_direct_total": ("appeals", {"proceeding": "litigation_direct", "outcome": "total"}),
    "litigation_after_review_total": ("appeals", {"proceeding": "litigation_after_review", "outcome": "total"}),
    "normative_docs_valid": ("proactive", {"category": "normative_document", "measure": "in_force"}),
}
MADE = {"regulations_made": "regulation", "normative_docs_made": "normative_document"}

REAL_LABELS = [json.loads(line) for line in (REAL / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
MANIFEST = list(csv.DictReader((REAL / "manifest.csv").open(encoding="utf-8")))


@pytest.mark.parametrize("label", REAL_LABELS, ids=lambda label: label["file"])
def test_real_excerpt_labelled_figures(label):
    result = parse((REAL / label["file"]).read_text(encoding="utf-8"))
    assert result.metadata.report_year == label["report_year"]
    for key, expected_value in label["fields"].items():
        if key in MADE:
            value = chosen(result.values, "proactive", category=MADE[key], measure="newly_made") or chosen(
                result.values, "proactive", category=MADE[key], measure="issued")
        else:
            section, dims = LABEL_KEYS[key]
            value = chosen(result.values, section, **dims)
        assert value is not None and value.value == expected_value, (key, value)
        if key == "prose_requests_received":
            assert value.source == "prose"


@pytest.mark.parametrize("row", MANIFEST, ids=lambda row: row["file"])
def test_real_excerpt_year_and_no_crash(row):
    parse_result = parse_bytes((REAL / row["file"]).read_bytes(), row["file"])
    assert parse_result.status == "parsed"
    assert parse_result.result.metadata.report_year == int(row["report_year"])


def test_cut_off_table_keeps_visible_figures_and_says_incomplete():
    """r039 stops inside table 三 at 4.保护第三方合法权益 | 1 |."""
    result = parse((REAL / "r039.txt").read_text(encoding="utf-8"))
    third_party = [v for v in result.values if v.item == "denied_third_party_rights"]
    assert [(v.dims["applicant_type"], v.value) for v in third_party] == [("natural_person", 1)]
    new = {v.dims["applicant_type"]: v.value for v in result.values if v.item == "new_received" and v.source == "table"}
    assert new == {"natural_person": 1, "commercial_enterprise": 0, "research_institution": 0, "social_welfare_org": 0,
                   "legal_service_org": 0, "other_org": 0, "total": 1}
    incomplete = [i for i in result.issues if i.code == "incomplete"]
    assert len(incomplete) == 1 and "table4 (whole table)" in incomplete[0].message
    assert "denied_internal_affairs" in incomplete[0].message


def test_rows_that_cannot_be_placed_are_issues_not_guesses():
    """r031's table 三 rows show 5 figures for 7 columns."""
    result = parse((REAL / "r031.txt").read_text(encoding="utf-8"))
    assert not [v for v in result.values if v.section == "requests" and v.source == "table"]
    mismatches = [i for i in result.issues if i.code == "row_cell_count_mismatch"]
    assert len(mismatches) == 3 and "5 cells for 7 columns" in mismatches[0].message
    decisions = {v.dims["category"]: v.value for v in result.values if v.dims.get("measure") == "decisions"}
    assert decisions == {"administrative_license": 47, "administrative_penalty": 51, "administrative_coercion": 0}
