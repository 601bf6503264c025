"""Re-runs parse only what changed, and give the same bytes as a full run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from orchestration.corpus import build_parquet
from orchestration.settings import Settings
from orchestration.synth import generate


def settings(raw: Path, data: Path) -> Settings:
    return Settings(raw, data, 50 * 2**20)


def published(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((data / "parquet").iterdir())}


@pytest.fixture()
def corpus(tmp_path):
    raw = generate(400, tmp_path / "synth", seed=9)
    data = tmp_path / "data"
    first = build_parquet(settings(raw, data), workers=2)
    assert first.reparsed == first.files == 400
    return raw, data


def test_an_unchanged_folder_is_not_parsed_again(corpus):
    raw, data = corpus
    target, before = os.readlink(data / "parquet"), published(data)
    again = build_parquet(settings(raw, data), workers=2)
    assert again.unchanged and again.reparsed == 0
    assert (again.files, again.parsed, again.values) == (400, 400 - again.quarantined, again.values)
    assert os.readlink(data / "parquet") == target and published(data) == before


def test_new_changed_and_deleted_files(corpus, tmp_path):
    raw, data = corpus
    files = sorted(raw.rglob("*.txt"))
    truth = {t["path"]: t for t in map(json.loads, (raw.parent / "truth.jsonl").read_text(encoding="utf-8").splitlines())}
    (raw / "batch_0000" / "0000003.txt").unlink()
    # A copy of the deleted file was quarantined as its duplicate: now it is the report, parsed anew.
    orphaned = truth["batch_0000/0000004.txt"]["fault"] == "duplicate"
    changed = raw / "batch_0000" / "0000010.txt"
    changed.write_bytes(files[20].read_bytes().replace("2".encode(), "3".encode()))
    new_dir = raw / "batch_new"
    new_dir.mkdir()
    for index in range(3):
        (new_dir / f"n{index}.txt").write_bytes(files[30 + index].read_bytes() + f"\n附:第{index}号补充说明。".encode())
    run = build_parquet(settings(raw, data), workers=2)
    assert run.reparsed == 4 + orphaned and run.files == 402
    # The same bytes as a full run over the same folder.
    full = build_parquet(settings(raw, tmp_path / "full"), workers=1)
    assert full.reparsed == 402
    assert published(data) == published(tmp_path / "full")
    with duckdb.connect() as db:
        paths = [row[0] for row in db.execute(
            "select source_path from read_parquet(?) order by all", [str(data / "parquet" / "reports.parquet")]).fetchall()]
    assert "batch_0000/0000003.txt" not in paths and "batch_new/n2.txt" in paths


def test_rows_of_a_changed_file_are_replaced(corpus):
    raw, data = corpus
    target = raw / "batch_0000" / "0000001.txt"
    with duckdb.connect() as db:
        query = ("select r.report_id, count(v.report_id) from read_parquet(?) r left join read_parquet(?) v using (report_id) "
                 "where r.source_path = 'batch_0000/0000001.txt' group by 1")
        args = [str(data / "parquet" / "reports.parquet"), str(data / "parquet" / "values.parquet")]
        (old_id, _), = db.execute(query, args).fetchall()
        target.write_text("某县人民政府办公室2021年政府信息公开工作年度报告\n2021年,本机关共收到政府信息公开申请7件。\n", encoding="utf-8")
        build_parquet(settings(raw, data), workers=2)
        (new_id, count), = db.execute(query, args).fetchall()
        assert new_id != old_id and count == 1
        assert db.execute("select count(*) from read_parquet(?) where report_id = ?",
                          [str(data / "parquet" / "values.parquet"), old_id]).fetchone() == (0,)
