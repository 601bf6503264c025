"""One organ over two years: dim_agency keys its renamed reports together, the
cross-year checks pass and fail as they should, and an analyst's correction flows
to the marts with its audit row.

The corrections seed belongs to the dbt project, so the test builds a copy of the
project with its own corrections.csv (the repository's stays as committed).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from decimal import Decimal

import duckdb
import pytest

from orchestration import synthetic
from orchestration.analyses import run_analyses, run_analysis
from orchestration.corpus import build_parquet
from orchestration.parsing import content_id
from orchestration.settings import DBT_PROJECT_DIR, Settings, environment
from orchestration.warehouse import DBT_EXECUTABLE

from .test_formats import T2

pytestmark = pytest.mark.e2e

# Table 二 of the 2021 layout with the stock figures of each year chosen by hand:
# regulation 2021 in force 3; 2022: 3 + 4 issued - 2 repealed = 5 (holds).
# normative_document 2021 in force 6; 2022: 6 + 7 - 1 = 12, but 20 printed (fails by 8).
T2_2022 = T2["t2021"] | {
    ("regulation", "issued"): 4, ("regulation", "repealed"): 2, ("regulation", "in_force"): 5,
    ("normative_document", "issued"): 7, ("normative_document", "repealed"): 1,
    ("normative_document", "in_force"): 20,
}

# In force unchanged: as many issued as repealed (3 + 1 - 1 = 3, 6 + 4 - 4 = 6).
T2_STEADY = T2["t2021"] | {("regulation", "repealed"): 1, ("normative_document", "repealed"): 4}


def backlog_table3() -> dict[str, list]:
    """A consistent table 三 whose organ carries forward more than it received:
    500 carried over and 600 carried forward per column."""
    t3 = synthetic.consistent_table3("t2021", 4)
    for item, per_column in (("carried_over", 500), ("carried_forward", 600)):
        t3[item] = [per_column] * 6 + [per_column * 6]
    received = [p + 600 - 500 for p in t3["total_processed"][:6]]
    t3["new_received"] = [*received, sum(received)]
    return t3


def broken_table3() -> dict[str, list]:
    """Table 三 with 5 too many granted to natural persons: the row total and the
    column total both break (by +5)."""
    t3 = synthetic.consistent_table3("t2021", 5)
    t3["granted"] = [t3["granted"][0] + 5, *t3["granted"][1:]]
    return t3


def report(agency: str, year: int, t2: dict, seed: int, chrome: str = "", t3: dict | None = None) -> bytes:
    # consistent_table3(seed=s) carries over (c + 1 + s) per column and carries forward
    # (c + 2 + s): seed s+1's 上年结转 equals seed s's 结转下年度 (total 33 for s = 1).
    t3 = t3 or synthetic.consistent_table3("t2021", seed)
    t4 = synthetic.consistent_table4(seed)
    rendered = synthetic.national_report(agency, year, "t2021", "t2021", t2, t3, t4, "lines",
                                         published=f"{year + 1}-01-20")
    return (chrome + rendered.text).encode()


FILES = {
    # Organ A under two names; the 2022 page names its city only in the breadcrumb.
    "quzhou/2021.txt": report("衢州市机关事务管理局", 2021, T2["t2021"], 1),
    "quzhou/2022.txt": report("市机关事务局", 2022, T2_2022, 2, chrome="衢州市人民政府 > 衢州市机关事务局 > 政务公开\n"),
    # Organ B: 2022 prints 上年结转 39 where 2021 carried forward 33; an analyst corrects it.
    "jinghe/2021.txt": report("精河县人民政府办公室", 2021, T2["t2021"], 1),
    "jinghe/2022.txt": report("精河县人民政府办公室", 2022, T2_STEADY, 3),
    # Organ C: the same break, left as printed.
    "aheqi/2021.txt": report("阿合奇县人民政府办公室", 2021, T2["t2021"], 1),
    "aheqi/2022.txt": report("阿合奇县人民政府办公室", 2022, T2_STEADY, 3),
    # Organ D carries forward more than it received; organ E's table 三 breaks two identities.
    "backlog/2022.txt": report("衢江区人民政府", 2022, T2_STEADY, 4, t3=backlog_table3()),
    "broken/2022.txt": report("柯城区人民政府", 2022, T2_STEADY, 5, t3=broken_table3()),
    # Organs F (placed) and G (a county the gazetteer lacks): in 2022 each gives a second name, in
    # brackets, of an organ that works as one with it (合署办公).
    "xihu/2021.txt": report("杭州市西湖区教育局", 2021, T2["t2021"], 1),
    "xihu/2022.txt": report("杭州市西湖区教育局（杭州市西湖区体育局）", 2022, T2_STEADY, 2),
    "minzheng/2021.txt": report("甲乙县民政局", 2021, T2["t2021"], 1),
    "minzheng/2022.txt": report("甲乙县民政局(甲乙县老龄工作委员会)", 2022, T2_STEADY, 2),
    # Organs H and I: unplaced, their names told apart by their tier's word alone.
    "unplaced/county.txt": report("县教育局", 2022, T2_STEADY, 2),
    "unplaced/city.txt": report("市教育局", 2022, T2_STEADY, 2),
}
JINGHE_2022 = content_id(FILES["jinghe/2022.txt"])[0]
CORRECTIONS = [
    {"report_id": JINGHE_2022, "section": "requests", "item": "carried_over", "applicant_type": "total",
     "channel": "all", "value": "33", "reason": "the 2021 report carries forward 33; 39 is a typo",
     "corrected_by": "analyst@example.org", "corrected_on": "2026-11-22"},
    # A key that names no figure: kept, shown as not applied.
    {"report_id": JINGHE_2022, "section": "requests", "item": "carried_ovr", "applicant_type": "total",
     "channel": "all", "value": "1", "reason": "typo in the item", "corrected_by": "analyst@example.org",
     "corrected_on": "2026-11-22"},
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("panels")
    raw = root / "raw"
    for name, data in FILES.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_bytes(data)
    settings = Settings(raw, root / "data", 50 * 1024 * 1024)
    build_parquet(settings, workers=1)

    project = root / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    with (project / "seeds" / "corrections.csv").open("a", newline="", encoding="utf-8") as out:
        columns = (DBT_PROJECT_DIR / "seeds" / "corrections.csv").read_text().strip().split(",")
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        for row in CORRECTIONS:
            writer.writerow(row)
    path = root / "warehouse.duckdb"
    with environment(OGI_DATA_DIR=str(settings.data_dir), OGI_WAREHOUSE_PATH=str(path)):
        build = subprocess.run(
            [DBT_EXECUTABLE, "build", "--project-dir", str(project), "--profiles-dir", str(project)],
            capture_output=True, text=True, cwd=project, check=False,
        )
    assert build.returncode == 0, build.stdout[-3000:]
    connection = duckdb.connect(str(path), read_only=True)
    yield connection, build.stdout, path
    connection.close()


def rows(connection, sql: str) -> list[tuple]:
    return connection.execute(sql).fetchall()


def test_renamed_organ_has_one_key(warehouse):
    connection, *_ = warehouse
    reports = dict(rows(connection, "select source_path, agency_key from dim_report"))
    assert reports["quzhou/2021.txt"] == reports["quzhou/2022.txt"]
    assert reports["jinghe/2021.txt"] == reports["jinghe/2022.txt"] != reports["quzhou/2021.txt"]
    quzhou = rows(connection, f"""
        select name_variants, name_variant_count, agency_name, province, prefecture, prefecture_code, county,
               region_code, agency_level, admin_tier, first_year, last_year, year_count, report_count
        from dim_agency where agency_key = '{reports["quzhou/2021.txt"]}'""")
    assert quzhou == [("市机关事务局 / 衢州市机关事务管理局", 2, "市机关事务局", "浙江省", "衢州市", "330800", None,
                       "330800", "department", "prefecture", 2021, 2022, 2, 2)]
    assert rows(connection, "select count(*) from dim_agency") == [(9,)]


def test_an_organ_with_a_second_name_has_its_one_key(warehouse):
    """agency_name as the title gives it; the key, the place and the core the first name's,
    whether the organ is placed or not."""
    connection, *_ = warehouse
    reports = {path: (name, key) for path, name, key in rows(
        connection, "select source_path, agency_name, agency_key from dim_report")}
    assert reports["xihu/2022.txt"][0] == "杭州市西湖区教育局(杭州市西湖区体育局)"
    assert reports["minzheng/2022.txt"][0] == "甲乙县民政局(甲乙县老龄工作委员会)"
    for organ in ("xihu", "minzheng"):
        assert reports[f"{organ}/2021.txt"][1] == reports[f"{organ}/2022.txt"][1]
    assert reports["xihu/2021.txt"][1] != reports["minzheng/2021.txt"][1]
    # Unplaced, 县教育局 and 市教育局 are two organs (their agency_core alike: 教育局).
    assert reports["unplaced/county.txt"][1] != reports["unplaced/city.txt"][1]
    agencies = rows(connection, f"""
        select agency_key, agency_name, name_variant_count, county, region_code, agency_level, year_count
        from dim_agency where agency_key in ('{reports["xihu/2021.txt"][1]}', '{reports["minzheng/2021.txt"][1]}')
        order by agency_name""")
    assert [row[1:] for row in agencies] == [
        ("杭州市西湖区教育局(杭州市西湖区体育局)", 2, "西湖区", "330106", "department", 2),
        ("甲乙县民政局(甲乙县老龄工作委员会)", 2, None, None, "department", 2),
    ]


def test_cross_year_checks_pass_and_fail(warehouse):
    connection, build_log, _ = warehouse
    checks = rows(connection, """
        select d.source_path, c.check_name, c.category, c.expected, c.actual, c.difference, c.holds
        from fct_cross_year_checks as c inner join dim_report as d using (report_id)
        order by d.source_path, c.check_name, c.category""")
    assert checks == [
        # C: 39 printed where 2021 carried forward 33
        ("aheqi/2022.txt", "carried_over", "applications", Decimal(33), Decimal(39), Decimal(6), False),
        ("aheqi/2022.txt", "in_force_stock", "normative_document", Decimal(6), Decimal(6), Decimal(0), True),
        ("aheqi/2022.txt", "in_force_stock", "regulation", Decimal(3), Decimal(3), Decimal(0), True),
        # B: the correction (33) makes it hold
        ("jinghe/2022.txt", "carried_over", "applications", Decimal(33), Decimal(33), Decimal(0), True),
        ("jinghe/2022.txt", "in_force_stock", "normative_document", Decimal(6), Decimal(6), Decimal(0), True),
        ("jinghe/2022.txt", "in_force_stock", "regulation", Decimal(3), Decimal(3), Decimal(0), True),
        # G: as B corrected, its second name no matter
        ("minzheng/2022.txt", "carried_over", "applications", Decimal(33), Decimal(33), Decimal(0), True),
        ("minzheng/2022.txt", "in_force_stock", "normative_document", Decimal(6), Decimal(6), Decimal(0), True),
        ("minzheng/2022.txt", "in_force_stock", "regulation", Decimal(3), Decimal(3), Decimal(0), True),
        # A: carried over as carried forward; 规章 stock adds up, 规范性文件 is off by 8
        ("quzhou/2022.txt", "carried_over", "applications", Decimal(33), Decimal(33), Decimal(0), True),
        ("quzhou/2022.txt", "in_force_stock", "normative_document", Decimal(12), Decimal(20), Decimal(8), False),
        ("quzhou/2022.txt", "in_force_stock", "regulation", Decimal(5), Decimal(5), Decimal(0), True),
        # F: as G
        ("xihu/2022.txt", "carried_over", "applications", Decimal(33), Decimal(33), Decimal(0), True),
        ("xihu/2022.txt", "in_force_stock", "normative_document", Decimal(6), Decimal(6), Decimal(0), True),
        ("xihu/2022.txt", "in_force_stock", "regulation", Decimal(3), Decimal(3), Decimal(0), True),
    ]
    # the warn-level test reports both failures and does not fail the build
    assert "WARN 2 is_true_fct_cross_year_checks_holds" in build_log.replace("\x1b[33m", "").replace("\x1b[0m", "") \
        or "Got 2 results, configured to warn if != 0" in build_log


def test_correction_flows_to_the_marts_with_its_audit_row(warehouse):
    connection, *_ = warehouse
    fact = rows(connection, f"""
        select count, source, parsed_value, correction_reason from fct_requests
        where report_id = '{JINGHE_2022}' and item = 'carried_over' and applicant_type = 'total'""")
    assert fact == [(33, "correction", Decimal(39), "the 2021 report carries forward 33; 39 is a typo")]
    # other figures of the report are untouched
    assert rows(connection, f"""
        select count, source, parsed_value from fct_requests
        where report_id = '{JINGHE_2022}' and item = 'carried_forward' and applicant_type = 'total'""") == [
        (45, "table", None)]
    assert rows(connection, f"select applications_carried_over from report_summary where report_id = '{JINGHE_2022}'") \
        == [(33,)]
    audit = rows(connection, """
        select item, parsed_value, parsed_source, corrected_value, difference, corrected_by, is_applied, raw_text
        from audit_corrections order by item""")
    assert audit == [
        ("carried_over", Decimal(39), "table", Decimal(33), Decimal(-6), "analyst@example.org", True, "39"),
        ("carried_ovr", None, None, Decimal(1), None, "analyst@example.org", False, None),
    ]


# The saved analyses (dbt_project/analyses), compiled by dbt and run on this warehouse.


@pytest.fixture(scope="module")
def analyses_without_vars(warehouse):
    """The analyses that take no vars, compiled in one dbt call (a compile is mostly dbt starting)."""
    *_, path = warehouse
    return run_analyses(["carried_forward_exceeds_received", "identity_failures", "cross_year_breaks"], path)


def test_analysis_carried_forward_exceeds_received(analyses_without_vars):
    backlog = backlog_table3()
    columns, found = analyses_without_vars["carried_forward_exceeds_received"]
    assert columns[:3] == ["agency_key", "agency_name", "report_year"]
    assert [row[1:9] for row in found] == [
        ("衢江区人民政府", 2022, "浙江省", "衢州市", "衢江区", backlog["new_received"][-1], 3600,
         3600 - backlog["new_received"][-1]),
    ]


def test_analysis_identity_failures(analyses_without_vars):
    _, found = analyses_without_vars["identity_failures"]
    assert [(r[0], r[1], r[2], r[3], r[4], r[6]) for r in found] == [
        ("柯城区人民政府", 2022, "broken/2022.txt", "t3_outcomes_total_2021", "natural_person", Decimal(5)),
        ("柯城区人民政府", 2022, "broken/2022.txt", "t3_row_total", "granted", Decimal(5)),
    ]


def test_analysis_cross_year_breaks(analyses_without_vars):
    _, found = analyses_without_vars["cross_year_breaks"]
    assert [(r[0], r[1], r[2], r[3], r[6]) for r in found] == [
        ("市机关事务局", 2022, "in_force_stock", "normative_document", Decimal(8)),
        ("阿合奇县人民政府办公室", 2022, "carried_over", "applications", Decimal(6)),
    ]


def test_analysis_grant_rate_by_year(warehouse):
    *_, path = warehouse
    # county governments in 新疆: 精河县 and 阿合奇县 offices, 2021 and 2022 (精河县's 2022 corrected)
    granted = {year: sum(synthetic.consistent_table3("t2021", seed)["granted"][-1] for _ in range(2))
               for year, seed in ((2021, 1), (2022, 3))}
    processed = {year: 2 * synthetic.consistent_table3("t2021", seed)["total_processed"][-1]
                 for year, seed in ((2021, 1), (2022, 3))}
    _, found = run_analysis("grant_rate_by_year", path, {"from_year": 2016, "to_year": 2023})
    assert found == [
        (year, 2, 2, granted[year], processed[year], round(granted[year] / processed[year], 4))
        for year in (2021, 2022)
    ]
    # the same analysis for Zhejiang's county governments (衢江区, 柯城区 in 2022)
    _, found = run_analysis("grant_rate_by_year", path, {"province": "浙江省"})
    backlog, broken = backlog_table3(), broken_table3()
    assert found == [(2022, 2, 2, backlog["granted"][-1] + broken["granted"][-1],
                      backlog["total_processed"][-1] + broken["total_processed"][-1],
                      round((backlog["granted"][-1] + broken["granted"][-1])
                            / (backlog["total_processed"][-1] + broken["total_processed"][-1]), 4))]
