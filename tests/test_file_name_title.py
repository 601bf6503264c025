"""The raw file's own name, where it is a title ("甲县教育局2022年政府信息公开工作年度报告.pdf", as
people who collect reports by hand and crawlers that save a link's text name them), names
the organ and the year when neither the text, a page's head nor the document's title
property does; a crawl's ids (``t20230120_4567.html``, ``P020230131…pdf``) name nothing.
A file's rows then depend on its name: the same bytes under two names are read under each,
and a file renamed so that its name says otherwise is parsed again, not taken with the
rows of its old name."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from orchestration.corpus import build_parquet
from orchestration.parsing import parse_bytes
from orchestration.parsing.metadata import file_name_title

from .conftest import published_parquet, settings
from .pdf_builder import pdf_from_rows
from .test_document_title import TITLE, UNTITLED_META, untitled_page, untitled_rows
from .test_moved_files import _reports
from .test_same_bytes import _full, _raw

OTHER_TITLE = "乙县农业农村局2021年政府信息公开工作年度报告"


def _meta(data: bytes, path: str):
    parse = parse_bytes(data, path, max_year=2026)
    assert parse.status == "parsed", parse.quarantine_reason
    meta = parse.result.metadata
    return meta.agency_name, meta.agency_source, meta.report_year, meta.year_source


@pytest.mark.parametrize("path,want", [
    (f"raw/甲县/{TITLE}.html", ("甲县教育局", "file_name", 2022, "file_name")),
    (f"raw/a/{TITLE}(定稿).pdf.html", ("甲县教育局", "file_name", 2022, "file_name")),
    ("raw/a/2022年度乙县农业农村局政府信息公开工作年度报告.htm", ("乙县农业农村局", "file_name", 2022, "file_name")),
    ("raw/a/丙县统计局关于2020年政务公开工作年度报告.pdf.html", ("丙县统计局", "file_name", 2020, "file_name")),
    # A crawler that names a file by its link's text: the year alone.
    ("raw/a/2021年政府信息公开工作年度报告.html", (None, None, 2021, "file_name")),
    # A name that says an annual report but not of what: whole, but for a bracket.
    ("raw/a/丁县水利局2019年年报.pdf.html", ("丁县水利局", "file_name", 2019, "file_name")),
    ("raw/a/戊县林业局 2018年度报告(终稿).html", ("戊县林业局", "file_name", 2018, "file_name")),
    ("raw/a/己县审计局2017年年度报告.htm", ("己县审计局", "file_name", 2017, "file_name")),
    ("raw/a/2016年年报.html", (None, None, 2016, "file_name")),
    ("raw/a/庚县司法局2015年年报告知书.html", UNTITLED_META),
    # A crawl's ids, and a name that is no title, name nothing (the year is the publication date's).
    ("raw/a/t20230120_4567.html", UNTITLED_META),
    ("raw/a/附件1.html", UNTITLED_META),
    # Only the file's own name: a folder's is not read (a folder renamed keeps its files' rows).
    (f"raw/{TITLE}/index.html", UNTITLED_META),
])
def test_a_file_named_as_a_report_is_read_by_its_name(path, want):
    assert _meta(untitled_page().encode(), path) == want


def test_the_name_comes_after_the_page_s_head_and_the_document_s_title():
    page = untitled_page().replace("<head>", f"<head><title>{OTHER_TITLE}</title>", 1)
    assert _meta(page.encode(), f"raw/a/{TITLE}.html") == ("乙县农业农村局", "head_title", 2021, "head_title")
    pdf = pdf_from_rows(untitled_rows(), title=f"Microsoft Word - {OTHER_TITLE}.doc")
    assert _meta(pdf, f"raw/a/{TITLE}.pdf") == ("乙县农业农村局", "document_title", 2021, "document_title")
    assert _meta(pdf_from_rows(untitled_rows()), f"raw/a/{TITLE}.pdf") == ("甲县教育局", "file_name", 2022, "file_name")


def test_a_title_that_says_only_annual_report_comes_after_every_head_s_title_phrase():
    """A window title "乙县农业农村局2021年年报" says less than a file's name that names what it
    reports on: the name's organ and year; without that name, the window title's."""
    page = untitled_page().replace("<head>", "<head><title>乙县农业农村局2021年年报_乙县人民政府网</title>", 1)
    assert _meta(page.encode(), f"raw/a/{TITLE}.html") == ("甲县教育局", "file_name", 2022, "file_name")
    assert _meta(page.encode(), "raw/a/t20230120_4567.html") == ("乙县农业农村局", "head_title", 2021, "head_title")


def _zipped(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def test_an_archived_document_s_own_name_comes_before_the_archive_s():
    page = untitled_page().encode()
    assert _meta(_zipped(f"{TITLE}.html", page), "raw/a/download.zip") == ("甲县教育局", "file_name", 2022, "file_name")
    assert _meta(_zipped(f"{TITLE}.html", page), f"raw/a/{OTHER_TITLE}.zip")[:3] == ("甲县教育局", "file_name", 2022)
    assert _meta(_zipped("附件.html", page), f"raw/a/{OTHER_TITLE}.zip") == ("乙县农业农村局", "file_name", 2021, "file_name")
    assert _meta(_zipped("附件.html", page), "raw/a/download.zip") == UNTITLED_META


def test_the_title_a_name_gives():
    assert file_name_title(f"a/b/{TITLE}.pdf") == TITLE
    assert file_name_title(f"{TITLE}.tar.gz") == f"{TITLE}.tar"
    assert file_name_title(f"a/{TITLE}") == TITLE
    assert file_name_title("a/t20230120_4567.html") is None  # (ASCII: a crawl's id, no title)
    assert file_name_title(f"a/{TITLE}\\xb1\\xa8.txt") is None  # (a name escaped for not being UTF-8)
    assert file_name_title("a/附件1.pdf") is None  # (no 信息公开 or 年报: no title a name is read for)
    assert file_name_title("a/丁县水利局2019年年报.pdf") == "丁县水利局2019年年报"


def test_the_same_bytes_under_two_names_are_read_under_each():
    """parse_bytes' memory of parses (a worker's, across a chunk) does not give the second
    name the first one's reading."""
    earlier: dict = {}
    data = untitled_page().encode()
    first = parse_bytes(data, f"raw/a/{TITLE}.html", max_year=2026, earlier=earlier)
    second = parse_bytes(data, f"raw/a/{OTHER_TITLE}.html", max_year=2026, earlier=earlier)
    copy = parse_bytes(data, f"raw/b/{TITLE}.html", max_year=2026, earlier=earlier)
    assert first.result.metadata.agency_name == "甲县教育局"
    assert second.result.metadata.agency_name == "乙县农业农村局"
    assert copy.result is first.result  # (the same name: the same reading, read once)
    assert len(earlier) == 2


def _with_named_report(tmp_path: Path) -> tuple[Path, Path]:
    raw, data = _raw(tmp_path), tmp_path / "data"
    (raw / "crawl_3" / f"{TITLE}.html").write_bytes(untitled_page().encode())
    assert build_parquet(settings(raw, data), workers=1).reparsed == 43
    return raw, data


def test_a_file_renamed_to_another_title_is_parsed_again(tmp_path):
    raw, data = _with_named_report(tmp_path)
    (raw / "crawl_3" / f"{TITLE}.html").rename(raw / "crawl_3" / f"{OTHER_TITLE}.html")

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.moved, run.reparsed) == (0, 1)
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))
    with duckdb.connect() as db:
        named = db.execute("select agency_name, agency_source, report_year from read_parquet(?) where source_path = ?",
                           [str(data / "parquet" / "reports" / "*.parquet"), f"crawl_3/{OTHER_TITLE}.html"]).fetchall()
    assert named == [("乙县农业农村局", "file_name", 2021)]


def test_a_file_moved_under_its_name_keeps_its_rows(tmp_path):
    raw, data = _with_named_report(tmp_path)
    before = _reports(data)[f"crawl_3/{TITLE}.html"]
    shutil.move(raw / "crawl_3" / f"{TITLE}.html", raw / "crawl_0" / f"{TITLE}.html")

    run = build_parquet(settings(raw, data), workers=1)
    assert (run.moved, run.reparsed) == (1, 0)
    assert _reports(data)[f"crawl_0/{TITLE}.html"] == before
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))
