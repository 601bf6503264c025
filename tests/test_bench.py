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
    assert figures["peak_rss_mb"] == max(figures["peak_rss_own_mb"], figures["peak_rss_children_mb"]) > 50
    assert figures["values"] > 20_000 and figures["figures_recovered_pct"] == 100
    printed = dict(line.split(": ") for line in report(figures).splitlines())
    assert set(printed) == set(figures) and printed["files"] == "300"
    assert (tmp_path / "synth-300-5" / ".complete").exists()  # generated once, reused by the next bench
