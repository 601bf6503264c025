"""A long parse says how far it is (the plan, then the writer's position, the parse rate
and the time left), as Dagster steps log: a million files take minutes."""

from __future__ import annotations

import re
from types import SimpleNamespace

from orchestration.corpus import build_parquet, plan, progress
from orchestration.corpus.progress import Progress, RunLog, _duration
from orchestration.synth import generate

from .conftest import published_parquet, settings


def test_a_parse_says_its_listing_its_stats_its_plan_then_how_far_it_is(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "INTERVAL_S", 0.0)
    monkeypatch.setattr(progress, "CHECK_EVERY", 100)
    monkeypatch.setattr(plan, "STAT_BATCH", 150)
    raw = generate(400, tmp_path / "synth", seed=9)
    said: list[str] = []
    build_parquet(settings(raw, tmp_path / "data"), workers=2, log=RunLog(say=said.append))
    # Before the plan, each folder listed (the raw folder's own files first: none), then each batch of stats.
    assert [re.sub(r" in \d+ s$", "", line) for line in said[:5]] == [
        "listing the raw folder: 0 files found", "listing the raw folder: 400 files found",
        "listed 400 raw files; stat-ed 0 of them (0%)", "listed 400 raw files; stat-ed 150 of them (38%)",
        "listed 400 raw files; stat-ed 300 of them (75%)"]
    said[:5] = []
    assert re.fullmatch(r"listed and planned 400 raw files in \d+\.\d s: 400 to parse, 0 unchanged", said[0]), said[0]
    positions = [re.fullmatch(r"written (\d+) of 400 files \((\d+)%\); parsed (\d+) of 400 at [\d,]+ a second, "
                              r"about \d+ s left", line) for line in said[1:]]
    assert all(positions), said[1:]
    assert [tuple(map(int, match.groups())) for match in positions] == [(100, 25, 100), (200, 50, 200), (300, 75, 300)]
    # (stat-ed in batches, the files are planned as in one)
    with monkeypatch.context() as whole:
        whole.setattr(plan, "STAT_BATCH", 1 << 20)
        build_parquet(settings(raw, tmp_path / "one_batch"), workers=2)
    assert published_parquet(tmp_path / "data") == published_parquet(tmp_path / "one_batch")

    # A crawl adds a folder: the others are kept whole, and the plan says so.
    (raw / "crawl_new").mkdir()
    for index, source in enumerate(sorted(raw.rglob("*.txt"))[:3]):
        (raw / "crawl_new" / f"n{index}.txt").write_bytes(source.read_bytes() + f"\n附:第{index}号。".encode())
    said.clear()
    build_parquet(settings(raw, tmp_path / "data"), workers=2, log=RunLog(say=said.append))
    said[:] = said[[line.startswith("listed and planned") for line in said].index(True):]
    assert re.fullmatch(r"listed and planned 403 raw files in \d+\.\d s: 3 to parse, 400 unchanged \(400 of them in "
                        r"folders kept whole\)", said[0]), said[0]
    # (the writer jumps over the kept folders: it looks at the clock once past each 100 files)
    assert [re.match(r"written (\d+) of 403 files", line).group(1) for line in said[1:]] == ["400"]


def test_no_one_to_tell_costs_the_writer_no_look_at_the_clock():
    silent = Progress(None)
    silent.planned(10, 5, 0)
    assert silent.next_at > 10**15


def test_the_listing_and_the_stats_are_told_at_most_every_interval(monkeypatch):
    clock = iter([0.0, 10.0, 31.0, 40.0, 62.0, 70.0])
    monkeypatch.setattr(progress, "time", SimpleNamespace(monotonic=lambda: next(clock)))  # (this module's clock only)
    said: list[str] = []
    told = Progress(said.append)  # (started at 0 s)
    told.listing(10)  # 10 s: too soon
    told.listing(2_500)  # 31 s
    told.stating(1_000, 2_500)  # 40 s: too soon
    told.stating(2_000, 2_500)  # 62 s
    told.listing(3_000)  # 70 s: too soon
    assert said == ["listing the raw folder: 2,500 files found in 31 s",
                    "listed 2,500 raw files; stat-ed 2,000 of them (80%) in 62 s"]


def test_the_time_left_in_words():
    assert [_duration(s) for s in (0, 42.4, 89, 90, 3000, 5399, 5400, 36_000)] == [
        "0 s", "42 s", "89 s", "2 min", "50 min", "90 min", "1.5 h", "10.0 h"]
