"""A raw folder that is not there (OGI_RAW_DIR mistyped) or shows no files (a share not
mounted leaves its empty mount point): the parse stops before it writes, so the build
after it cannot empty the warehouse. (The same through Dagster, with the warehouse:
tests/test_robustness_e2e.py::test_a_missing_raw_folder_fails_the_parse_and_keeps_the_published_outputs.)"""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
import pytest

from orchestration.cli import main
from orchestration.corpus import RawDirEmptied, RawDirMissing, build_folder_part, build_parquet
from orchestration.settings import environment

from .conftest import SAMPLES_RAW, published_parquet, settings


def test_a_parse_of_a_missing_raw_folder_stops_before_writing(tmp_path):
    missing = settings(tmp_path / "not_mounted", tmp_path / "data")
    with pytest.raises(RawDirMissing, match="does not exist or is not a directory"):
        build_parquet(missing, workers=1)
    with pytest.raises(RawDirMissing):
        build_folder_part(missing, "crawl-a", workers=1)
    (tmp_path / "a_file").write_text("not a folder")
    with pytest.raises(RawDirMissing, match="is not a directory"):
        build_parquet(settings(tmp_path / "a_file", tmp_path / "data"), workers=1)
    assert not (tmp_path / "data").exists()


def test_ogi_run_of_a_missing_raw_folder_exits_saying_so(tmp_path, capsys):
    with environment(OGI_RAW_DIR=str(tmp_path / "not_mounted"), OGI_DATA_DIR=str(tmp_path / "data")):
        assert main(["run"]) == 2
    assert capsys.readouterr().err.startswith(f"ogi: raw directory {tmp_path / 'not_mounted'} does not exist")
    assert not (tmp_path / "data").exists()


def test_a_raw_folder_emptied_keeps_the_published_tables_until_they_are_removed(tmp_path):
    raw, data = tmp_path / "raw", tmp_path / "data"
    shutil.copytree(SAMPLES_RAW, raw / "crawl-a")
    assert build_folder_part(settings(raw, data), "crawl-a", workers=1).files == 5
    assert build_parquet(settings(raw, data), workers=1).files == 5
    before = published_parquet(data)
    part = (data / "parts" / "crawl-a").resolve()
    shutil.rmtree(raw / "crawl-a")  # the mount point of a share that is not mounted
    (raw / ".mounted_here").touch()  # (hidden files are not raw files)
    with pytest.raises(RawDirEmptied, match=f"raw directory {raw} has no files, and the published tables have 5"):
        build_parquet(settings(raw, data), workers=1)
    assert published_parquet(data) == before
    assert [p.name for p in (data / "parquet.d").iterdir()] == [(data / "parquet").resolve().name]
    assert (data / "parts" / "crawl-a").resolve() == part and part.is_dir()  # the folder's part is kept too

    # Emptied on purpose: with the published tables removed, the parse publishes empty ones.
    (data / "parquet").unlink()
    emptied = build_parquet(settings(raw, data), workers=1)
    assert (emptied.files, emptied.values) == (0, 0)
    assert pq.read_table(data / "parquet" / "reports" / "_root.parquet").num_rows == 0
    assert not (data / "parts" / "crawl-a").exists() and not (data / "parts.d" / "crawl-a").exists()


def test_a_first_parse_of_an_empty_raw_folder_publishes_empty_tables(tmp_path):
    (tmp_path / "raw").mkdir()
    summary = build_parquet(settings(tmp_path / "raw", tmp_path / "data"), workers=1)
    assert (summary.files, summary.values, summary.issues) == (0, 0, 0)
    assert sorted(p.name for p in (tmp_path / "data" / "parquet").iterdir()) == [
        "file_state", "identity_checks", "issues", "listed_at", "reports", "values"]
    # and the next run over it, the published tables empty too, publishes empty tables again
    again = build_parquet(settings(tmp_path / "raw", tmp_path / "data"), workers=1)
    assert (again.files, again.values, again.damaged_parts) == (0, 0, 0)
    assert pq.read_table(tmp_path / "data" / "parquet" / "reports" / "_root.parquet").num_rows == 0
