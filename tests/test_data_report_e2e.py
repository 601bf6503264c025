"""The data report asset: `ogi run` writes an HTML page of charts, and headless
Chromium renders every chart (Plotly draws SVG traces only when its script ran)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from orchestration.data_report import CHARTS, build
from orchestration.synth import generate

from .conftest import ogi_run

pytestmark = pytest.mark.e2e

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail("headless Chromium is needed to render the data report: `apt-get install chromium` (.ci/run does)")


def render(page: Path, profile: Path) -> lxml_html.HtmlElement:
    """The page's DOM after its scripts ran."""
    done = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=20000", "--dump-dom",
         page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return lxml_html.fromstring(done.stdout)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("data_report")
    raw = generate(160, root / "corpus", seed=11)
    code, output = ogi_run(raw, root / "data")
    return root, code, output


def test_run_writes_the_report_and_says_where(run):
    root, code, output = run
    assert code == 0, output
    page = root / "data" / "report" / "index.html"
    assert f"data report: {page}" in output
    assert (root / "data" / "report" / "plotly.min.js").stat().st_size > 1_000_000


def test_every_chart_renders_in_headless_chromium(run, tmp_path):
    root, _, _ = run
    dom = render(root / "data" / "report" / "index.html", tmp_path / "profile")
    for chart in CHARTS:
        div = dom.get_element_by_id(f"chart-{chart.slug}")
        assert div.find_class("main-svg"), f"{chart.slug}: Plotly drew nothing"
        traces = [g for g in div.iter("g") if "trace" in (g.get("class") or "").split()]
        assert traces, f"{chart.slug}: no trace drawn"
        marks = [e for e in div.iter() if {"point", "js-line"} & set((e.get("class") or "").split())]
        assert marks, f"{chart.slug}: traces without bars or lines"
    # every chart had figures: none shows the empty-chart note
    assert "no figures for this chart" not in lxml_html.tostring(dom, encoding="unicode")


def test_same_warehouse_same_page(run, tmp_path):
    root, _, _ = run
    first = (root / "data" / "report" / "index.html").read_bytes()
    again = build(root / "data" / "warehouse.duckdb", tmp_path / "again")
    assert again.read_bytes() == first


def test_a_new_page_replaces_the_old_one_whole(run, tmp_path):
    """A reader that has the old page open (here: a hard link to it) keeps the old bytes;
    the new page is another file renamed into place, and nothing is left beside it."""
    root, _, _ = run
    out = tmp_path / "report"
    out.mkdir()
    old_page = b"<html>the page of the last run</html>"
    (out / "index.html").write_bytes(old_page)
    (out / "plotly.min.js").write_bytes(b"an old, shorter plotly")
    os.link(out / "index.html", tmp_path / "held_open.html")
    os.link(out / "plotly.min.js", tmp_path / "held_open.js")

    page = build(root / "data" / "warehouse.duckdb", out)

    assert (tmp_path / "held_open.html").read_bytes() == old_page
    assert (tmp_path / "held_open.js").read_bytes() == b"an old, shorter plotly"
    assert page.read_bytes() == (root / "data" / "report" / "index.html").read_bytes()
    assert (out / "plotly.min.js").read_bytes() == (root / "data" / "report" / "plotly.min.js").read_bytes()
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "plotly.min.js"]
