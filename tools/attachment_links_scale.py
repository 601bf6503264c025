"""Time int_attachment_links on a million files, 100,000 of them notice pages each linking a
name every folder shares ("附件1.pdf", three ways: beside, from the page's folder, from the
site's root), in DuckDB on two threads. Its SQL is the model as dbt last compiled it (run
any build first: `ogi run`, or the tests). Prints the links found and the seconds:

    .venv/bin/python tools/attachment_links_scale.py [FILES]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    compiled = sorted(ROOT.glob("dbt_project/target/*/compiled/ogi_reports/models/intermediate/int_attachment_links.sql"),
                      key=lambda path: path.stat().st_mtime)
    if not compiled:
        sys.exit("no compiled int_attachment_links.sql under dbt_project/target: run a build first")
    sql = compiled[-1].read_text().replace('"warehouse"."main"."stg_parquet__reports"', "stg")
    connection = duckdb.connect()
    connection.execute("set threads = 2")
    connection.execute(f"""
        create table stg as
        select 'site' || (i // 10) || '/page/' || case when i % 10 = 0 then 'notice.html'
                                                       when i % 10 = 1 then '附件1.pdf'
                                                       else 'f' || (i % 10) || '.pdf' end as source_path,
               md5(i::varchar)[:16] as report_id, 'parsed' as status, null::varchar as quarantine_code,
               case when i % 10 = 0 then '附件1.pdf' || chr(10) || '../files/附件1.pdf' || chr(10) || '/upload/附件1.pdf'
               end as linked_documents
        from range({files}) as t(i)
    """)
    started = time.perf_counter()
    found, by_path = connection.execute(
        f"select count(*), count(*) filter (where match_rule = 'path') from ({sql})").fetchone()
    print(f"files: {files}\nnotices: {(files + 9) // 10}\nlinks_found: {found}\nby_path: {by_path}\n"
          f"seconds: {time.perf_counter() - started:.2f}")


if __name__ == "__main__":
    main()
