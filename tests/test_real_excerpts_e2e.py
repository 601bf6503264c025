"""The 45 real excerpts through the whole pipeline: report_summary, region columns and
dim_agency against the hand-made manifest and labels (tests/samples/real, from ../shared)."""

from __future__ import annotations

import csv
import json
import shutil

import duckdb
import pytest

from .conftest import REAL, ogi_run

pytestmark = pytest.mark.e2e

MANIFEST = {row["file"]: row for row in csv.DictReader((REAL / "manifest.csv").open(encoding="utf-8"))}
LABELS = {row["file"]: row for row in map(json.loads, (REAL / "labels.jsonl").read_text("utf-8").splitlines())}

# The organ's level as the pipeline reads it, checked by hand against the manifest's level:
# the manifest calls a government's general office (人民政府办公室) a department, the
# pipeline counts it as the government (it publishes the government's report); 'city' is a
# prefecture. None: no organ name in the text.
LEVELS = {
    "r001.txt": "township", "r002.txt": "township", "r003.txt": "township", "r004.txt": "township",
    "r005.txt": None, "r006.txt": "township", "r007.txt": "department", "r008.txt": "department",
    "r009.txt": None, "r010.txt": "department", "r011.txt": "department", "r012.txt": "department",
    "r013.txt": "township", "r014.txt": "township", "r015.txt": None, "r016.txt": "department",
    "r017.txt": "county", "r018.txt": "county", "r019.txt": "county", "r020.txt": "county", "r021.txt": None,
    "r022.txt": None, "r023.txt": None, "r024.txt": "department", "r025.txt": "department", "r026.txt": "county",
    "r027.txt": "township", "r028.txt": "department", "r029.txt": "township", "r030.txt": None,
    "r031.txt": "township", "r032.txt": "department", "r033.txt": "prefecture", "r034.txt": "county",
    "r035.txt": None, "r036.txt": None, "r037.txt": "department", "r038.txt": None, "r039.txt": "department",
    "r040.txt": None, "r041.txt": "county", "r042.txt": "prefecture", "r043.txt": "township", "r044.txt": None,
    "r045.txt": "township",
}
# Excerpts whose organ cannot be placed: a bare township or department name, and a text
# that names no place at all (the manifest knows the place from the site's domain).
UNPLACED = {"r002.txt", "r004.txt", "r005.txt", "r006.txt", "r009.txt", "r012.txt", "r022.txt"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    raw = root / "raw"
    raw.mkdir()
    for name in MANIFEST:
        shutil.copy(REAL / name, raw / name)
    code, output = ogi_run(raw, root / "data")
    assert code == 0, output
    connection = duckdb.connect(str(root / "data" / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()


def test_regions_match_the_manifest(warehouse):
    rows = warehouse.execute(
        "select source_path, province, region_code, agency_level from dim_report order by source_path").fetchall()
    assert len(rows) == len(MANIFEST) == 45
    for path, province, code, level in rows:
        expected = MANIFEST[path]
        if path in UNPLACED:
            assert (province, code) == (None, None), path
        else:
            # manifest provinces are short names (山东, 内蒙古, 北京)
            assert province.startswith(expected["province"]), (path, province, expected["province"])
            assert len(code) == 6 and code[:2] == {"北京": "11", "天津": "12"}.get(expected["province"], code[:2])
        assert level == LEVELS[path], (path, level)
    # and by hand, a few to the county
    codes = dict(warehouse.execute("select source_path, region_code from dim_report").fetchall())
    assert (codes["r014.txt"], codes["r018.txt"], codes["r027.txt"], codes["r042.txt"], codes["r030.txt"]) == (
        "110102", "622923", "152922", "632500", "411721")


def test_report_summary_matches_the_labels(warehouse):
    summary = {row[0]: row[1:] for row in warehouse.execute(
        "select r.source_path, s.applications_received, s.applications_carried_over, s.granted, "
        "s.partially_granted, s.applications_carried_forward, s.reviews, s.proactive_disclosures "
        "from report_summary s join dim_report r using (report_id)").fetchall()}
    assert len(summary) == 45
    checked = 0
    for path, label in LABELS.items():
        fields = label["fields"]
        got = dict(zip(("received", "carried_over", "granted", "partial", "carried_forward", "reviews", "proactive"),
                       summary[path]))
        for field, column in (("requests_new_total", "received"), ("prose_requests_received", "received"),
                              ("requests_carried_over_total", "carried_over"), ("requests_granted_total", "granted"),
                              ("requests_partial_total", "partial"),
                              ("requests_carried_forward_total", "carried_forward"), ("review_total", "reviews"),
                              ("proactive_disclosed_total", "proactive")):
            if field in fields:
                assert got[column] == fields[field], (path, field, got[column], fields[field])
                checked += 1
    assert checked >= 40


def test_dim_agency_covers_every_named_organ(warehouse):
    named, keys = warehouse.execute(
        "select count(*) filter (where agency_name is not null), count(distinct agency_key) from dim_report").fetchone()
    assert warehouse.execute("select count(*) from dim_agency").fetchone() == (keys,)
    assert (named, keys) == (34, 34)  # one report per organ among the excerpts
    assert warehouse.execute(
        "select agency_name, county, county_code, agency_level, first_year from dim_agency "
        "where agency_core = '政府' and county = '富县'").fetchall() == [("富县人民政府", "富县", "610628", "county", 2024)]
