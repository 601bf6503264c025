"""`ogi bench` on a small corpus: every figure it promises, with values that add up."""

from __future__ import annotations

import pytest

from orchestration import parsing
from orchestration.bench import report, run


def test_bench_prints_every_figure(tmp_path):
    figures = run(300, seed=5, workdir=tmp_path, full=False)
    assert figures["files"] == figures["reports"] == 300
    assert figures["compiled_parser"] == int(parsing.COMPILED)
    assert figures["parse_reports_per_s"] == pytest.approx(300 / figures["parse_s"])
    assert figures["floor_ratio"] == pytest.approx(figures["floor_reports_per_s"] / figures["parse_reports_per_s"])
    assert figures["incremental_reparsed"] == 0  # nothing changed: nothing parsed again
    assert figures["incremental_share_of_parse"] < 1
    assert figures["added_files"] == 3  # the crawl's 1%, and only those, parsed
    assert figures["incremental_add_share_of_parse"] == pytest.approx(figures["incremental_add_1pct_s"] / figures["parse_s"])
    crawl = tmp_path / "crawl-300-5" / "raw"
    assert len([p for p in crawl.rglob("*") if p.is_file()]) == 303
    assert (crawl / "next_crawl").is_dir() and not (tmp_path / "run-300-5-crawl").exists()
    assert figures["peak_rss_mb"] == max(figures["peak_rss_own_mb"], figures["peak_rss_children_mb"]) > 50
    assert 50 < figures["peak_rss_first_runs_mb"] <= figures["peak_rss_mb"]
    assert figures["values"] > 20_000 and figures["figures_recovered_pct"] == 100
    printed = dict(line.split(": ") for line in report(figures).splitlines())
    assert set(printed) == set(figures) and printed["files"] == "300"
    assert (tmp_path / "synth-300-5" / ".complete").exists()  # generated once, reused by the next bench
