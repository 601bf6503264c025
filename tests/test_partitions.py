"""The parse partitioned by raw sub-folder: a backfill of the folder partitions,
then the composed parse parses nothing more and gives the bytes of a full run; the
sensor's ticks, and the folders that go from the raw folder."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.corpus import build_folder_part, build_parquet, part_dir
from orchestration.corpus.run import damaged_text
from orchestration.definitions import defs
from orchestration.defs.parsing import RAW_FOLDERS, folder_parts, raw_folders_sensor
from orchestration.settings import environment

from .conftest import SAMPLES_RAW, published_parquet, settings
from .test_incremental import _full


@pytest.fixture()
def raw(tmp_path) -> Path:
    raw = tmp_path / "raw"
    samples = sorted(SAMPLES_RAW.iterdir())
    (raw / "crawl-a").mkdir(parents=True)
    (raw / "crawl-b").mkdir()
    for sample in samples[:3]:
        shutil.copy(sample, raw / "crawl-a" / sample.name)
    for sample in samples[3:]:
        shutil.copy(sample, raw / "crawl-b" / sample.name)
    # the same bytes in two folders: only the composed parse sees both
    shutil.copy(samples[0], raw / "crawl-b" / "copy_of_a.txt")
    (raw / "at_the_root.txt").write_bytes(samples[1].read_bytes() + "\n重新发布。".encode())
    return raw


def test_backfilled_folders_are_composed_without_parsing_again(raw, tmp_path):
    data, full = tmp_path / "data", tmp_path / "full"
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(RAW_FOLDERS.name, ["crawl-a", "crawl-b"])
    with environment(OGI_RAW_DIR=str(raw), OGI_DATA_DIR=str(data)):
        for folder in ("crawl-a", "crawl-b"):
            result = dg.materialize([folder_parts], partition_key=folder, instance=instance)
            assert result.success
            files = result.asset_materializations_for_node("parquet__folder_parts")[0].metadata["files"].value
            assert files == {"crawl-a": 3, "crawl-b": 3}[folder]
    assert sorted(p.name for p in (data / "parts").iterdir()) == ["crawl-a", "crawl-b"]

    composed = build_parquet(settings(raw, data), workers=1)
    # only the file outside every folder was parsed; the rest came from the parts: crawl-a's
    # linked whole, crawl-b's copied file by file (its copy of a crawl-a file is a duplicate now)
    assert (composed.files, composed.reparsed, composed.linked) == (7, 1, 3)
    reference = build_parquet(settings(raw, full), workers=1)
    assert reference.reparsed == 7
    assert published_parquet(data) == published_parquet(full)

    with duckdb.connect() as db:
        status = dict(db.execute("select source_path, coalesce(quarantine_code, status) from read_parquet(?)",
                                 [str(data / "parquet" / "reports" / "*.parquet")]).fetchall())
    assert status["crawl-b/copy_of_a.txt"] == "duplicate_content"
    assert status["crawl-a/" + min(SAMPLES_RAW.iterdir()).name] == "parsed"


def test_a_file_changed_after_its_part_is_parsed_again(raw, tmp_path):
    data = tmp_path / "data"
    build_folder_part(settings(raw, data), "crawl-a", workers=1)
    again = build_folder_part(settings(raw, data), "crawl-a", workers=1)
    assert again.unchanged and again.reparsed == 0
    changed = sorted((raw / "crawl-a").iterdir())[1]
    changed.write_bytes(changed.read_bytes() + "\n更正。".encode())
    os.utime(changed, ns=(1, 1))
    composed = build_parquet(settings(raw, data), workers=1)
    # crawl-b (3), the root file and the changed file
    assert composed.reparsed == 5
    assert part_dir(settings(raw, data), "crawl-a").is_symlink()


def test_a_folder_gone_from_the_raw_folder_has_its_part_removed(raw, tmp_path):
    data = tmp_path / "data"
    for folder in ("crawl-a", "crawl-b"):
        build_folder_part(settings(raw, data), folder, workers=1)
    shutil.rmtree(raw / "crawl-b")
    gone = build_folder_part(settings(raw, data), "crawl-b", workers=1)
    assert gone.folder_gone and (gone.files, gone.reparsed) == (0, 0)
    assert sorted(p.name for p in (data / "parts").iterdir()) == ["crawl-a"]
    assert sorted(p.name for p in (data / "parts.d").iterdir()) == ["crawl-a"]
    kept = build_folder_part(settings(raw, data), "crawl-a", workers=1)
    assert (kept.folder_gone, kept.unchanged, kept.files) == (False, True, 3)


def test_the_whole_parse_removes_the_parts_of_folders_gone_from_the_raw_folder(raw, tmp_path):
    data, full = tmp_path / "data", tmp_path / "full"
    for folder in ("crawl-a", "crawl-b"):
        build_folder_part(settings(raw, data), folder, workers=1)
    (raw / "crawl-a").rename(raw / "crawl-c")  # renamed: crawl-a's part is of no use any more
    composed = build_parquet(settings(raw, data), workers=1)
    assert sorted(p.name for p in (data / "parts").iterdir()) == ["crawl-b"]
    assert sorted(p.name for p in (data / "parts.d").iterdir()) == ["crawl-b"]
    # crawl-c and the root file parsed; crawl-b's files taken from its part
    assert (composed.files, composed.reparsed) == (7, 4)
    build_parquet(settings(raw, full), workers=1)
    assert published_parquet(data) == published_parquet(full)


def sensor_tick(instance: dg.DagsterInstance, raw: Path, data: Path):
    """One tick of the sensor as the daemon evaluates it: with the code location's
    definitions, which check its run requests against its target and its partitions
    (calling the sensor's function alone checks neither)."""
    context = dg.build_sensor_context(instance=instance, instance_ref=instance.get_ref(), definitions=defs())
    with environment(OGI_RAW_DIR=str(raw), OGI_DATA_DIR=str(data)):
        return raw_folders_sensor.evaluate_tick(context)


@pytest.fixture()
def instance():
    """A persistent instance, as the daemon's: the sensor's run requests name partitions it
    checks against the instance's, after the tick's own additions."""
    with dg.instance_for_test() as instance:
        yield instance


def test_sensor_adds_new_folders_and_requests_their_parse(raw, tmp_path, instance):
    instance.add_dynamic_partitions(RAW_FOLDERS.name, ["crawl-a", "crawl-old"])
    result = sensor_tick(instance, raw, tmp_path / "data")
    assert raw_folders_sensor.job_name == "parse_raw_folders"
    # resolved against the job's partitions, as the daemon launches it
    assert [request.tags["dagster/partition"] for request in result.run_requests] == ["crawl-b"]
    requests = [(type(request).__name__, list(request.partition_keys)) for request in result.dynamic_partitions_requests]
    # crawl-old is gone from the raw folder: its partition goes (a backfill would find no folder)
    assert requests == [("AddDynamicPartitionsRequest", ["crawl-b"]), ("DeleteDynamicPartitionsRequest", ["crawl-old"])]


def test_sensor_skips_and_keeps_every_partition_when_the_raw_folder_is_missing_or_empty(tmp_path, instance):
    instance.add_dynamic_partitions(RAW_FOLDERS.name, ["crawl-a", "crawl-b"])
    result = sensor_tick(instance, tmp_path / "not_mounted", tmp_path / "data")
    assert (result.run_requests, result.dynamic_partitions_requests) == ([], [])
    assert "does not exist" in result.skip_message
    (tmp_path / "not_mounted").mkdir()  # the mount point, empty
    result = sensor_tick(instance, tmp_path / "not_mounted", tmp_path / "data")
    assert (result.run_requests, result.dynamic_partitions_requests) == ([], [])
    assert "keeping the 2 partitions" in result.skip_message
    assert instance.get_dynamic_partitions(RAW_FOLDERS.name) == ["crawl-a", "crawl-b"]


def test_a_damaged_folder_part_is_taken_neither_by_its_partition_nor_by_the_whole_parse(raw, tmp_path):
    """A folder partition's part cut short (a crash of the machine, a hand): its next run
    is not taken (here, the published tables of the whole parse have the folder, and it comes
    from them), and the whole parse composing the parts parses the folder again, rather than
    either failing on it; the metadata counts the damaged part."""
    data, full = tmp_path / "data", tmp_path / "full"
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(RAW_FOLDERS.name, ["crawl-a", "crawl-b"])
    with environment(OGI_RAW_DIR=str(raw), OGI_DATA_DIR=str(data)):
        for folder in ("crawl-a", "crawl-b"):
            assert dg.materialize([folder_parts], partition_key=folder, instance=instance).success
        values = (data / "parts" / "crawl-a").resolve() / "values" / "crawl-a.parquet"
        os.truncate(values, cut := values.stat().st_size // 2)
        composed = build_parquet(settings(raw, data), workers=1)
        # crawl-a's three files parsed again beside the one at the root; crawl-b's copied from its part
        assert (composed.files, composed.reparsed, composed.damaged_parts) == (7, 4, 1)
        assert published_parquet(data) == published_parquet(_full(raw, full))

        result = dg.materialize([folder_parts], partition_key="crawl-a", instance=instance)
    assert result.success
    metadata = result.asset_materializations_for_node("parquet__folder_parts")[0].metadata
    # (its files are taken from the published tables, whose crawl-a part the whole parse made whole)
    assert (metadata["reparsed"].value, metadata["damaged_parts"].value) == (0, 1)
    warnings = [record.user_message for record in instance.all_logs(result.run_id) if record.level == logging.WARNING]
    assert warnings == [damaged_text(data / "parts" / "crawl-a",
                                     {"crawl-a": f"values/crawl-a.parquet: {cut:,} bytes, not a whole Parquet file"})]
    again = build_folder_part(settings(raw, data), "crawl-a", workers=1)
    assert (again.reparsed, again.damaged_parts, again.unchanged) == (0, 0, True)


def test_a_damaged_folder_part_with_no_whole_parse_is_parsed_again(raw, tmp_path):
    data = tmp_path / "data"
    build_folder_part(settings(raw, data), "crawl-a", workers=1)
    values = (data / "parts" / "crawl-a").resolve() / "values" / "crawl-a.parquet"
    os.truncate(values, values.stat().st_size // 2)
    again = build_folder_part(settings(raw, data), "crawl-a", workers=1)
    assert (again.reparsed, again.damaged_parts) == (3, 1)


def test_a_first_backfill_after_whole_parses_takes_the_published_tables(raw, tmp_path):
    """The folders' files are those the whole parse published: a folder partition's first run
    links its part from them (crawl-a) or takes its files' rows (crawl-b, whose copy of a
    crawl-a file is its report now, and is parsed); the parse composing the parts then
    parses nothing but the file at the top, and gives the bytes of a full run."""
    data = tmp_path / "data"
    assert build_parquet(settings(raw, data), workers=1).reparsed == 7
    first = build_folder_part(settings(raw, data), "crawl-a", workers=1)
    assert (first.files, first.reparsed, first.linked) == (3, 0, 3)
    second = build_folder_part(settings(raw, data), "crawl-b", workers=1)
    assert (second.files, second.reparsed, second.linked) == (3, 1, 0)
    composed = build_parquet(settings(raw, data), workers=1)
    assert composed.reparsed == 0
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_a_renamed_folder_partition_takes_its_files_from_the_published_tables(raw, tmp_path):
    data = tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    (raw / "crawl-a").rename(raw / "a-renamed")  # (still before crawl-b, whose copy of a crawl-a file stays the copy)
    run = build_folder_part(settings(raw, data), "a-renamed", workers=1)
    assert (run.files, run.reparsed, run.moved) == (3, 0, 3)
    assert build_parquet(settings(raw, data), workers=1).reparsed == 0
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_a_gone_folder_partition_materializes_empty_and_says_so(raw, tmp_path):
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(RAW_FOLDERS.name, ["crawl-a", "crawl-b"])
    with environment(OGI_RAW_DIR=str(raw), OGI_DATA_DIR=str(tmp_path / "data")):
        assert dg.materialize([folder_parts], partition_key="crawl-b", instance=instance).success
        shutil.rmtree(raw / "crawl-b")
        result = dg.materialize([folder_parts], partition_key="crawl-b", instance=instance)
    assert result.success
    metadata = result.asset_materializations_for_node("parquet__folder_parts")[0].metadata
    assert (metadata["folder_gone"].value, metadata["files"].value) == (True, 0)
    warnings = [record.user_message for record in instance.all_logs(result.run_id)
                if record.level == logging.WARNING]
    assert any(message.startswith("crawl-b is no longer a sub-folder") for message in warnings)
    assert not (tmp_path / "data" / "parts" / "crawl-b").exists()
