"""The data report: one HTML page of charts over the published warehouse.

Charts are Plotly figures (the plotly package ships plotly.js, so the page needs no
network); the page loads ``plotly.min.js`` from its own folder. Each chart's
query is in ``CHARTS`` with the chart, so what a picture shows can be re-run in SQL.
The same warehouse gives the same page, byte for byte.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from .warehouse import replace_whole

TEMPLATE_NAMES = {"stat_table": "统计表 2008-2018", "t2019": "2019 format", "t2021": "2021 format", "prose": "prose only"}
LEVELS = ("central_department", "province", "prefecture", "county", "township", "department")


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    caption: str
    sql: str
    draw: Callable[[list[tuple]], go.Figure]


def _bars_by(rows, x_index: int, series_index: int, y_index: int, names=None, mode: str = "stack") -> go.Figure:
    series: dict[str, dict] = defaultdict(dict)
    for row in rows:
        series[row[series_index]][row[x_index]] = row[y_index]
    figure = go.Figure()
    xs = sorted({row[x_index] for row in rows}, key=str)
    for name in sorted(series, key=str):
        figure.add_bar(name=(names or {}).get(name, str(name)), x=[str(x) for x in xs],
                       y=[series[name].get(x) for x in xs])
    figure.update_layout(barmode=mode)
    return figure


def _lines_by(rows, x_index: int, series_index: int, y_index: int) -> go.Figure:
    series: dict[str, list] = defaultdict(list)
    for row in rows:
        series[row[series_index]].append((row[x_index], row[y_index]))
    figure = go.Figure()
    for name in sorted(series, key=lambda n: LEVELS.index(n) if n in LEVELS else len(LEVELS)):
        points = sorted(series[name])
        figure.add_scatter(name=str(name), x=[p[0] for p in points], y=[p[1] for p in points], mode="lines+markers")
    return figure


CHARTS: tuple[Chart, ...] = (
    Chart(
        "reports-by-year",
        "Reports by year and era",
        "Parsed reports per year covered, by template era (dim_report).",
        "select coalesce(cast(report_year as varchar), 'unknown') as year, template, count(*) as reports "
        "from dim_report group by all order by all",
        lambda rows: _bars_by(rows, 0, 1, 2, TEMPLATE_NAMES),
    ),
    Chart(
        "table-coverage",
        "Coverage of each table",
        "Share of each era's reports in which the table was found (dim_report.table_layouts), "
        "and share with any figure from the prose.",
        "with eras as (select template, count(*) as n from dim_report group by template) "
        "select t.template, x.tbl, round(100.0 * count(d.report_id) / any_value(t.n), 1) as pct "
        "from eras as t cross join (values ('table2'), ('table3'), ('table4'), ('stat_table'), ('prose')) as x(tbl) "
        "left join dim_report as d on d.template = t.template and ("
        "  (x.tbl = 'prose' and d.prose_value_count > 0) or contains(coalesce(d.table_layouts, ''), x.tbl || '=')) "
        "group by all order by all",
        lambda rows: _bars_by(rows, 1, 0, 2, TEMPLATE_NAMES, mode="group").update_yaxes(title="% of reports",
                                                                                      range=[0, 100]),
    ),
    Chart(
        "identity-failures",
        "Identity failures (勾稽关系)",
        "Identities that do not hold, by identity and year (fct_identity_checks; one per report, identity and "
        "column / row / block).",
        "select identity, coalesce(cast(report_year as varchar), 'unknown') as year, count(*) as failures "
        "from fct_identity_checks where not holds group by all order by all",
        lambda rows: _bars_by(rows, 0, 1, 2),
    ),
    Chart(
        "applications-by-level",
        "Applications received by year and level",
        "Sum of applications received (report_summary.applications_received) per year and organ level.",
        "select report_year, coalesce(agency_level, 'unknown') as level, sum(applications_received) as received "
        "from report_summary where report_year is not null group by all order by all",
        lambda rows: _lines_by(rows, 0, 1, 2),
    ),
    Chart(
        "grant-rate-by-level",
        "Grant rate by year and level",
        "Granted in full / processed, summed over the reports of each year and organ level (report_summary).",
        "select report_year, coalesce(agency_level, 'unknown') as level, "
        "round(sum(granted) / nullif(sum(applications_processed), 0), 4) as grant_rate "
        "from report_summary where report_year is not null and granted is not null "
        "and applications_processed is not null group by all order by all",
        lambda rows: _lines_by(rows, 0, 1, 2).update_yaxes(tickformat=".0%"),
    ),
)

SUMMARY_SQL = {
    "files": "select count(*) from dim_source_file",
    "parsed": "select count(*) from dim_report",
    "quarantined": "select count(*) from dim_source_file where status = 'quarantined'",
    "figures": "select count(*) from fct_report_values",
    "organs": "select count(*) from dim_agency",
    "placed": "select count(*) from dim_report where region_code is not null",
    "identity checks failing": "select count(*) from fct_identity_checks where not holds",
}
ISSUES_SQL = "select code, severity, count(*) from fct_issues group by all order by 3 desc, 1"


def build(warehouse: Path, out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` (and ``plotly.min.js``) from the warehouse; returns the page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as db:
        figures = [(chart, chart.draw(db.execute(chart.sql).fetchall())) for chart in CHARTS]
        summary = {name: db.execute(sql).fetchone()[0] for name, sql in SUMMARY_SQL.items()}
        issues = db.execute(ISSUES_SQL).fetchall()
    # Written aside and renamed into place: a browser or a copy job reading the page while
    # a run writes it, or two runs writing it at once, sees one whole page, never a mix.
    script = out_dir / "plotly.min.js"
    plotly_js = get_plotlyjs().encode()
    if not script.exists() or script.stat().st_size != len(plotly_js):
        replace_whole(script, plotly_js)
    page = out_dir / "index.html"
    replace_whole(page, _page(figures, summary, issues).encode())
    return page


def _page(figures, summary: dict, issues: list[tuple]) -> str:
    sections = []
    for chart, figure in figures:
        if not any(any(y is not None for y in (trace.y or ())) for trace in figure.data):
            figure.add_annotation(text="no figures for this chart in the warehouse yet", showarrow=False,
                                  xref="paper", yref="paper", x=0.5, y=0.5)
        figure.update_layout(template="plotly_white", height=380, margin={"l": 50, "r": 20, "t": 30, "b": 40},
                             legend={"orientation": "h", "y": -0.15})
        div = pio.to_html(figure, full_html=False, include_plotlyjs=False, div_id=f"chart-{chart.slug}",
                          config={"displaylogo": False, "responsive": True})
        sections.append(
            f'<section class="chart" data-chart="{chart.slug}"><h2>{html.escape(chart.title)}</h2>'
            f"<p>{html.escape(chart.caption)}</p>{div}"
            f"<details><summary>SQL</summary><pre>{html.escape(chart.sql)}</pre></details></section>"
        )
    cards = "".join(f'<div class="card"><b>{value:,}</b><span>{html.escape(name)}</span></div>'
                    for name, value in summary.items())
    issue_rows = "".join(f"<tr><td><code>{html.escape(code)}</code></td><td>{severity}</td><td>{count:,}</td></tr>"
                         for code, severity, count in issues) or '<tr><td colspan="3">none</td></tr>'
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>OGI annual reports — data report</title>
<script src="plotly.min.js"></script>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 24px auto; max-width: 1100px; color: #222; }}
.cards {{ display: flex; flex-wrap: wrap; gap: 12px; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: 10px 16px; min-width: 120px; }}
.card b {{ display: block; font-size: 22px; }} .card span {{ color: #666; font-size: 13px; }}
section.chart {{ margin-top: 28px; }} h2 {{ margin-bottom: 2px; }} p {{ margin-top: 2px; color: #555; }}
table {{ border-collapse: collapse; }} td {{ border-bottom: 1px solid #eee; padding: 2px 12px; }}
pre {{ white-space: pre-wrap; font-size: 12px; background: #f6f6f6; padding: 8px; }}
</style></head>
<body>
<h1>OGI annual reports — data report</h1>
<p>Built from the published warehouse (dbt marts). Each chart's SQL is under it.</p>
<div class="cards">{cards}</div>
{"".join(sections)}
<section><h2>Issues by code</h2><table>{issue_rows}</table></section>
</body></html>
"""
