"""A run says what the raw folder's layout costs when it costs much: many files at the top
(one part, written again by every run that changes anything) or many small top-level
folders (a part each, with a cost of its own)."""

from __future__ import annotations

from orchestration.corpus import build_parquet, layout
from orchestration.corpus.layout import Layout, advice
from orchestration.corpus.listing import raw_listing
from orchestration.corpus.progress import RunLog
from orchestration.corpus.run import build_folder_part

from .conftest import SAMPLES_RAW, settings


def test_files_at_the_top_are_told_from_ten_thousand():
    assert advice(Layout(files=12_345, top_files=9_999, folders=3), "/crawl") == []
    said = advice(Layout(files=12_345, top_files=10_000, folders=3), "/crawl")
    assert len(said) == 1
    assert said[0].startswith("10,000 files are at the top of the raw folder /crawl: they are one part of the tables, "
                              "written again whole by every run that changes anything (about 85 µs of every such run "
                              "a file), and not taken up after a run that stopped. Move them into sub-folders")


def test_many_small_folders_are_told_with_their_average():
    said = advice(Layout(files=12_345 + 7, top_files=7, folders=1_500), "/crawl")
    assert len(said) == 1
    assert said[0].startswith("1,500 top-level folders under the raw folder /crawl hold 8.2 files each on average: "
                              "each is a part of the tables with a cost of its own (about 3 ms of the parse and 40 KB "
                              "of Parquet a folder), more than its files' parse. Gather them")
    # Fewer folders, or folders of 20 files on average (the files at the top not counted), are not told.
    assert advice(Layout(files=999 * 2, top_files=0, folders=999), "/crawl") == []
    assert advice(Layout(files=20_000 + 9_000, top_files=9_000, folders=1_000), "/crawl") == []
    assert len(advice(Layout(files=19_999 + 9_000, top_files=9_000, folders=1_000), "/crawl")) == 1


def test_both_are_told_the_top_first():
    said = advice(Layout(files=30_000, top_files=25_000, folders=2_000), "/crawl")
    assert [text.split(" ", 2)[:2] for text in said] == [["25,000", "files"], ["2,000", "top-level"]]
    assert "hold 2.5 files each on average" in said[1]


def test_the_listing_counts_what_is_at_the_top(tmp_path):
    raw = tmp_path / "raw"
    for path in ("a.txt", "b.html", "x/1.txt", "x/y/2.txt", "x/y/3.txt", "z/4.txt", ".hidden/5.txt", ".seen.txt"):
        (raw / path).parent.mkdir(parents=True, exist_ok=True)
        (raw / path).write_text(path)
    (raw / "empty").mkdir()
    listing = raw_listing(raw)
    assert (len(listing.names), listing.top_files, listing.top_folders) == (6, 2, 3)  # (x, z and empty: hidden ones aside)
    # A folder partition's listing is one folder: the raw folder's layout is not its to weigh.
    one = raw_listing(raw, "x")
    assert (one.names, one.top_files, one.top_folders) == (["x/1.txt", "x/y/2.txt", "x/y/3.txt"], 0, 0)


def test_a_run_warns_of_its_layout_every_time_and_a_folder_partition_does_not(tmp_path, monkeypatch):
    # The thresholds lowered to the samples (5 files at the top) and 3 folders of under 2 files each.
    monkeypatch.setattr(layout, "TOP_FILES", 5)
    monkeypatch.setattr(layout, "SMALL_FOLDERS", 3)
    monkeypatch.setattr(layout, "SMALL_FOLDER_FILES", 2)
    raw = tmp_path / "raw"
    raw.mkdir()
    samples = sorted(SAMPLES_RAW.iterdir())
    for sample in samples:
        (raw / sample.name).write_bytes(sample.read_bytes())
    for index, folder in enumerate(("site-a", "site-b", "site-c")):
        (raw / folder).mkdir()
        (raw / folder / "report.txt").write_bytes(samples[index].read_bytes() + f"\n附{index}。".encode())
    expected = advice(Layout(files=8, top_files=5, folders=3), str(raw))
    assert [text.split(" ", 2)[:2] for text in expected] == [["5", "files"], ["3", "top-level"]]
    assert "hold 1.0 files each on average" in expected[1]

    warned: list[str] = []
    first = build_parquet(settings(raw, tmp_path / "data"), workers=1, log=RunLog(warn=warned.append))
    assert (first.files, first.reparsed) == (8, 8)
    assert warned == expected and first.layout_advice == expected

    warned.clear()
    again = build_parquet(settings(raw, tmp_path / "data"), workers=1, log=RunLog(warn=warned.append))
    assert again.unchanged and warned == expected and again.layout_advice == expected

    warned.clear()
    part = build_folder_part(settings(raw, tmp_path / "data"), "site-a", workers=1, log=RunLog(warn=warned.append))
    assert part.files == 1 and warned == [] and part.layout_advice == []

    # Gathered under one folder, the files are told nothing (and taken by their hashes, not parsed again).
    gathered = raw / "batch-1"
    gathered.mkdir()
    for entry in sorted(raw.iterdir()):
        if entry != gathered:
            entry.rename(gathered / entry.name)
    warned.clear()
    moved = build_parquet(settings(raw, tmp_path / "data"), workers=1, log=RunLog(warn=warned.append))
    assert warned == [] and moved.layout_advice == [] and (moved.files, moved.reparsed, moved.moved) == (8, 0, 8)
