"""What a run publishes outlasts a crash of the machine, and an earlier output damaged
anyway (a crash before this was so, a file cut short or removed by hand) does not stop
the runs after it: the damaged parts' files are parsed again and the output replaced."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration import durable, warehouse
from orchestration.cli import _not_parsed
from orchestration.corpus import build_parquet
from orchestration.corpus.listing import RawDirEmptied
from orchestration.corpus.parts import damage
from orchestration.corpus.progress import RunLog

from .conftest import published_parquet, settings
from .test_incremental import _crawl_folders, _full


@pytest.fixture()
def raw(tmp_path):
    """Four folders of ten reports and a report at the top."""
    raw, samples = _crawl_folders(tmp_path, 40, seed=17)
    shutil.copy2(samples[0], raw / "top.txt")
    return raw


def _published(data: Path, table: str, part: str) -> Path:
    return (data / "parquet").resolve() / table / f"{part}.parquet"


def _cut_short(path: Path) -> str:
    os.truncate(path, path.stat().st_size // 2)
    return f"{path.stat().st_size:,} bytes, not a whole Parquet file"


def _emptied(path: Path) -> str:
    os.truncate(path, 0)
    return "0 bytes"


def _removed(path: Path) -> str:
    path.unlink()
    return "missing"


def _zeroed(path: Path) -> str:
    """As XFS can leave a file whose size reached the disk and its bytes did not."""
    path.write_bytes(bytes(path.stat().st_size))
    return f"{path.stat().st_size:,} bytes, not a whole Parquet file"


@pytest.mark.parametrize(("table", "part", "harm", "files_in_part"), [
    ("values", "crawl_1", _emptied, 10),
    ("reports", "crawl_2", _cut_short, 10),
    ("issues", "crawl_0", _removed, 10),
    ("file_state", "crawl_3", _zeroed, 10),
    ("identity_checks", "_root", _emptied, 1),
])
def test_a_damaged_part_of_the_last_run_is_parsed_again_and_replaced(raw, tmp_path, table, part, harm, files_in_part):
    data = tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    why = harm(_published(data, table, part))

    warned: list[str] = []
    again = build_parquet(settings(raw, data), workers=1, log=RunLog(warn=warned.append))

    linked = 40 - (files_in_part if part != "_root" else 0)  # (the other folders' parts, linked whole)
    assert (again.files, again.reparsed, again.linked, again.damaged_parts) == (41, files_in_part, linked, 1)
    assert warned == [(f"1 part of the output in {data / 'parquet'} is damaged: {part} ({table}/{part}.parquet: "
                       f"{why}). Their files are parsed again and this run's output replaces them (a crash of the "
                       "machine before they reached the disk, or files changed or removed by hand, does this)")]
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))
    assert _not_parsed({"linked": again.linked, "damaged_parts": again.damaged_parts}) == (
        f" ({linked} more kept in folders that did not change; 1 damaged part of the last run parsed again)")
    # The output is whole again: the next run has nothing to do.
    assert build_parquet(settings(raw, data), workers=1).unchanged


def test_a_damaged_part_whose_folder_is_gone_is_not_kept_as_unchanged(raw, tmp_path):
    """Every file left is unchanged, but the published output holds a damaged part (of a
    folder since removed): it is written again, without that part, not kept as it is."""
    data = tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    _emptied(_published(data, "values", "crawl_3"))
    shutil.rmtree(raw / "crawl_3")

    again = build_parquet(settings(raw, data), workers=1)

    assert not again.unchanged and (again.files, again.reparsed, again.damaged_parts) == (31, 0, 1)
    assert not _published(data, "values", "crawl_3").exists()
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_every_part_damaged_has_every_file_parsed_again(raw, tmp_path):
    data = tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    for path in (data / "parquet").resolve().glob("values/*.parquet"):
        _emptied(path)
    warned: list[str] = []
    again = build_parquet(settings(raw, data), workers=1, log=RunLog(warn=warned.append))
    assert (again.files, again.reparsed, again.damaged_parts) == (41, 41, 5)
    assert warned[0].startswith(f"5 parts of the output in {data / 'parquet'} are damaged: _root (values/_root.parquet: "
                                "0 bytes), crawl_0 (values/crawl_0.parquet: 0 bytes), crawl_1 (")
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_an_emptied_raw_folder_still_stops_a_run_whose_last_output_is_all_damaged(raw, tmp_path):
    """Every part damaged, the last output counts no file; a raw folder with none (a share not
    mounted) must still not publish empty tables over it."""
    data = tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    for path in (data / "parquet").resolve().glob("file_state/*.parquet"):
        _emptied(path)
    for folder in raw.iterdir():
        shutil.rmtree(folder) if folder.is_dir() else folder.unlink()
    with pytest.raises(RawDirEmptied, match=r"has no files, and the published tables have 0 \(and 5 damaged parts\)"):
        build_parquet(settings(raw, data), workers=1)


def test_damage_is_told_by_the_files_ends(tmp_path):
    whole = tmp_path / "whole.parquet"
    pq.write_table(pa.table({"figure": [3, 1, 4]}), whole)
    assert damage(whole) is None
    size = whole.stat().st_size
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole.read_bytes()[:-1])
    assert damage(cut) == f"{size - 1:,} bytes, not a whole Parquet file"
    # Its two ends whole, but a footer longer than the file: cut out of the middle.
    middle = tmp_path / "middle.parquet"
    middle.write_bytes(whole.read_bytes()[:4] + whole.read_bytes()[-8:])
    assert damage(middle) == "12 bytes, not a whole Parquet file"
    tiny = tmp_path / "tiny.parquet"
    tiny.write_bytes(b"PAR1")
    assert damage(tiny) == "4 bytes, not a whole Parquet file"
    assert damage(tmp_path / "gone.parquet") == "missing"
    assert damage(tmp_path) is not None  # a folder where a file should be


class _Disk:
    """What reaches the disk in order: ``fsync`` of a file or folder, and renames."""

    def __init__(self, monkeypatch) -> None:
        self.events: list[tuple[str, str]] = []
        fsync, rename, replace = os.fsync, os.rename, os.replace

        def recorded_fsync(descriptor: int) -> None:
            self.events.append(("sync", os.readlink(f"/proc/self/fd/{descriptor}")))
            fsync(descriptor)

        def recorded_rename(source, target, **kwargs) -> None:
            self.events.append(("rename", str(target)))
            rename(source, target, **kwargs)

        def recorded_replace(source, target, **kwargs) -> None:
            self.events.append(("rename", str(target)))
            replace(source, target, **kwargs)

        monkeypatch.setattr(os, "fsync", recorded_fsync)
        monkeypatch.setattr(os, "rename", recorded_rename)
        monkeypatch.setattr(os, "replace", recorded_replace)

    def at(self, event: tuple[str, str]) -> int:
        return self.events.index(event)

    def synced(self, path: Path) -> int:
        """When ``path`` was last flushed (-1: never)."""
        moments = [index for index, (kind, where) in enumerate(self.events) if kind == "sync" and where == str(path)]
        return moments[-1] if moments else -1


def test_a_run_is_on_the_disk_before_it_is_published(raw, tmp_path, monkeypatch):
    data = tmp_path / "data"
    disk = _Disk(monkeypatch)
    build_parquet(settings(raw, data), workers=1)

    final = (data / "parquet").resolve()
    (staging,) = [Path(where) for kind, where in disk.events if kind == "sync" and "/staging-" in where
                  and Path(where).parent == data / "parquet.d"]
    renamed, linked = disk.at(("rename", str(final))), disk.at(("rename", str(data / "parquet")))
    files = sorted(final.rglob("*"))
    assert len([path for path in files if path.suffix == ".parquet"]) == 5 * 5  # four tables and the states, five parts
    for path in files:  # each file and folder flushed under its staging name before the run was renamed
        assert 0 <= disk.synced(staging / path.relative_to(final)) < renamed, path
    assert disk.synced(staging) < renamed < disk.synced(data / "parquet.d") < linked < disk.synced(data)


def test_a_crawl_flushes_what_it_wrote_not_the_parts_it_linked(raw, tmp_path, monkeypatch):
    data = tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    (raw / "crawl_4").mkdir()
    shutil.copy2(raw / "top.txt", raw / "crawl_4" / "new.txt")
    disk = _Disk(monkeypatch)
    assert build_parquet(settings(raw, data), workers=1).linked == 40
    synced_files = sorted(Path(where).relative_to(Path(where).parents[1]).as_posix() for kind, where in disk.events
                          if kind == "sync" and where.endswith(".parquet"))
    assert synced_files == sorted(f"{table}/{part}.parquet" for part in ("_root", "crawl_4") for table in
                                  ("reports", "values", "issues", "identity_checks", "file_state"))


def test_the_warehouse_and_small_files_are_flushed_before_their_rename(tmp_path, monkeypatch):
    disk = _Disk(monkeypatch)
    page = tmp_path / "report.html"
    warehouse.replace_whole(page, b"<p>3 reports</p>")
    incoming = tmp_path / f".report.html.{os.getpid()}"
    assert disk.events == [("sync", str(incoming)), ("rename", str(page)), ("sync", str(tmp_path))]
    assert page.read_bytes() == b"<p>3 reports</p>"

    disk.events.clear()
    data = tmp_path / "data"
    data.mkdir()
    config = settings(tmp_path / "raw", data)
    build = warehouse.Build(warehouse.building_path(config), "fingerprint", incremental=False, every_model=False)
    build.path.write_bytes(b"a warehouse")
    warehouse.publish_build(config, build)
    assert disk.events[:3] == [("sync", str(build.path)), ("rename", str(config.warehouse_path)), ("sync", str(data))]


def test_a_folder_that_cannot_be_flushed_is_let_be(tmp_path, monkeypatch):
    """Some file systems refuse ``fsync`` on a folder (EINVAL): nothing to flush there."""
    def refuse(descriptor: int) -> None:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(os, "fsync", refuse)
    durable.sync_folder(tmp_path)
    with pytest.raises(OSError, match="Invalid argument"):
        durable.sync_files([Path(__file__)])  # (a file that cannot be flushed is an error: its bytes may be lost)
