"""Re-runs parse only what changed, and give the same bytes as a full run."""

from __future__ import annotations

import json
import os
import shutil
from itertools import groupby
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pyarrow as pa
import pytest

from orchestration.corpus import build_parquet, pool
from orchestration.corpus.duplicates import LinkedPaths, strings
from orchestration.corpus.listing import RawListing
from orchestration.corpus.parts import part_name, part_of, part_runs
from orchestration.corpus.plan import new_files
from orchestration.corpus.previous import Sources
from orchestration.synth import generate

from .conftest import SAMPLES_RAW, published_parquet, settings


@pytest.fixture()
def corpus(tmp_path):
    raw = generate(400, tmp_path / "synth", seed=9)
    data = tmp_path / "data"
    first = build_parquet(settings(raw, data), workers=2)
    assert first.reparsed == first.files == 400
    return raw, data


def test_an_unchanged_folder_is_not_parsed_again(corpus):
    raw, data = corpus
    target, before = os.readlink(data / "parquet"), published_parquet(data)
    again = build_parquet(settings(raw, data), workers=2)
    assert again.unchanged and again.reparsed == 0
    assert (again.files, again.parsed, again.values) == (400, 400 - again.quarantined, again.values)
    assert os.readlink(data / "parquet") == target and published_parquet(data) == before


def test_a_deleted_file_alone_is_a_change(corpus):
    """Every file the run plans is unchanged, but the last run had one more: not the same output."""
    raw, data = corpus
    files = sorted(raw.rglob("*.txt"))
    deleted = files[-1]  # (the last: no later copy of it becomes the report)
    deleted.unlink()
    again = build_parquet(settings(raw, data), workers=2)
    assert not again.unchanged and (again.files, again.reparsed) == (399, 0)
    with duckdb.connect() as db:
        (count,) = db.execute("select count(*) from read_parquet(?) where source_path = ?",
                              [str(data / "parquet" / "reports" / "*.parquet"), deleted.relative_to(raw).as_posix()]).fetchone()
    assert count == 0


def test_new_changed_and_deleted_files(corpus, tmp_path):
    raw, data = corpus
    files = sorted(raw.rglob("*.txt"))
    truth = {t["path"]: t for t in map(json.loads, (raw.parent / "truth.jsonl").read_text(encoding="utf-8").splitlines())}
    (raw / "batch_0000" / "0000003.txt").unlink()
    # A copy of the deleted file was quarantined as its duplicate: now it is the report, parsed anew.
    orphaned = truth["batch_0000/0000004.txt"]["fault"] == "duplicate"
    changed = raw / "batch_0000" / "0000010.txt"
    changed.write_bytes(files[20].read_bytes().replace(b"2", b"3"))
    new_dir = raw / "batch_new"
    new_dir.mkdir()
    for index in range(3):
        (new_dir / f"n{index}.txt").write_bytes(files[30 + index].read_bytes() + f"\n附:第{index}号补充说明。".encode())
    run = build_parquet(settings(raw, data), workers=2)
    assert run.reparsed == 4 + orphaned and run.files == 402
    # The same bytes as a full run over the same folder.
    full = build_parquet(settings(raw, tmp_path / "full"), workers=1)
    assert full.reparsed == 402
    assert published_parquet(data) == published_parquet(tmp_path / "full")
    with duckdb.connect() as db:
        paths = [row[0] for row in db.execute(
            "select source_path from read_parquet(?) order by all", [str(data / "parquet" / "reports" / "*.parquet")]).fetchall()]
    assert "batch_0000/0000003.txt" not in paths and "batch_new/n2.txt" in paths


def test_rows_of_a_changed_file_are_replaced(corpus):
    raw, data = corpus
    target = raw / "batch_0000" / "0000001.txt"
    with duckdb.connect() as db:
        query = ("select r.report_id, count(v.report_id) from read_parquet(?) r left join read_parquet(?) v using (report_id) "
                 "where r.source_path = 'batch_0000/0000001.txt' group by 1")
        args = [str(data / "parquet" / "reports" / "*.parquet"), str(data / "parquet" / "values" / "*.parquet")]
        (old_id, _), = db.execute(query, args).fetchall()
        target.write_text("某县人民政府办公室2021年政府信息公开工作年度报告\n2021年,本机关共收到政府信息公开申请7件。\n", encoding="utf-8")
        build_parquet(settings(raw, data), workers=2)
        (new_id, count), = db.execute(query, args).fetchall()
        assert new_id != old_id and count == 1
        assert db.execute("select count(*) from read_parquet(?) where report_id = ?",
                          [str(data / "parquet" / "values" / "*.parquet"), old_id]).fetchone() == (0,)


def test_folders_a_crawl_did_not_change_keep_their_parts(tmp_path):
    """A folder whose files are as they were is linked whole from the last run, unless a
    change elsewhere moves which copy of a duplicated file is the report."""
    raw, samples = _crawl_folders(tmp_path, 40, seed=5)
    shutil.copy2(samples[0], raw / "crawl_0" / "original.txt")
    shutil.copy2(samples[0], raw / "crawl_3" / "copy.txt")  # a copy of it, in a later folder
    shutil.copy2(samples[1], raw / "crawl_2" / "report.txt")
    data = tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)

    def inodes() -> dict[str, int]:
        return {name: (data / "parquet" / name).stat().st_ino for name in published_parquet(data)}

    def status() -> dict[str, str]:
        with duckdb.connect() as db:
            return dict(db.execute("select source_path, coalesce(quarantine_code, status) from read_parquet(?)",
                                   [str(data / "parquet" / "reports" / "*.parquet")]).fetchall())

    assert status()["crawl_3/copy.txt"] == "duplicate_content"

    # A crawl adds a folder: the others are linked, not written.
    (raw / "crawl_9").mkdir()
    for index in range(3):
        (raw / "crawl_9" / f"n{index}.txt").write_bytes(samples[2].read_bytes() + f"\n附:第{index}号。".encode())
    before = inodes()
    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.reparsed, run.linked) == (46, 3, 43)
    after = inodes()
    kept = {name for name in after if name.split("/")[1] in {f"crawl_{n}.parquet" for n in range(4)}}
    assert len(kept) == 4 * 5 and all(after[name] == before[name] for name in kept)
    assert all(after[name] != before.get(name) for name in after if name not in kept)
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full-1"))

    # The original goes, and a copy of a crawl_2 report lands before it, in crawl_1: crawl_3's
    # copy is the report now and crawl_2's report a copy, so neither folder can keep its part.
    (raw / "crawl_0" / "original.txt").unlink()
    shutil.copy2(samples[1], raw / "crawl_1" / "early.txt")
    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.reparsed, run.linked) == (46, 2, 3)  # early.txt and copy.txt parsed; crawl_9 linked
    found = status()
    assert (found["crawl_3/copy.txt"], found["crawl_1/early.txt"], found["crawl_2/report.txt"]) == (
        "parsed", "parsed", "duplicate_content")
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full-2"))


def test_new_files_are_those_of_folders_no_earlier_output_has():
    names = sorted(["_x/f.txt", "a-b/1.txt", "a.b/2.txt", "a/1.txt", "a/2.txt", "a0/x.txt", "ab/3.txt", "top.txt", "z/9.txt"])
    folders = ["z", "a", "ab", "a.b", "a-b", "a0", "_x"]
    parts = {"a", "z", "__x", "_root"}
    earlier = SimpleNamespace(has_part=parts.__contains__, part_names=parts, interrupted=False)  # (folder "_x" is part "__x")
    found = new_files(RawListing(names, {}), folders, Sources([earlier]))
    assert found == ["a-b/1.txt", "a.b/2.txt", "a0/x.txt", "ab/3.txt"]  # path order ("-" and "." come before "/")
    # An earlier output with a folder gone (renamed, perhaps): the new folders' files may be it, moved.
    gone = {*parts, "old"}
    assert new_files(RawListing(names, {}), folders, Sources([SimpleNamespace(
        has_part=gone.__contains__, part_names=gone, interrupted=False)])) == []
    assert new_files(RawListing(names, {}), folders, Sources([])) == [n for n in names if n != "top.txt"]
    assert new_files(RawListing(names, {}), ["a"], Sources([])) == ["a/1.txt", "a/2.txt"]  # (a folder partition's run)


def test_the_plan_takes_the_files_a_part_at_a_time():
    """``part_runs`` finds each folder's files by bisection in the sorted names: the same
    runs as working out each name's part, with files at the top between folders, names
    that sort before and after a folder's ("a b/", "a.txt", "a0"), a folder that could not
    be listed ("e/") and folders whose part is not their name ("_x", a long one)."""
    long = "长" * 80  # over 200 bytes in UTF-8: its part is a digest
    names = sorted(["_x/f.txt", "a b/1.txt", "a.txt", "a/1.txt", "a/2/3.txt", "a0", "a0/x.txt", "b.txt", "c.txt",
                    "e/", f"{long}/r.txt", "年报/1.txt", "年报/2.txt", "top.txt"])
    runs = list(part_runs(names))
    assert runs == [(part, list(group)) for part, group in groupby(names, key=part_of)]
    assert [(part, len(group)) for part, group in runs] == [
        ("__x", 1), ("a b", 1), ("_root", 1), ("a", 2), ("_root", 1), ("a0", 1), ("_root", 2), ("e", 1),
        ("_root", 1), ("年报", 2), (part_name(long), 1)]
    assert part_name(long).startswith("_h") and list(part_runs([])) == []


def test_a_crawl_s_new_folders_are_parsed_while_the_rest_is_planned(corpus, tmp_path, monkeypatch):
    """The files of folders the last run did not have go to the workers before the run
    has stat-ed and planned the folders it had; the output is still a full run's."""
    raw, data = corpus
    monkeypatch.setattr(pool, "POOL_THRESHOLD", 8)
    monkeypatch.setattr(pool, "CHUNK", 4)
    monkeypatch.setattr(pool, "EARLY", 12)
    files = sorted(raw.rglob("*.txt"))
    for folder, start in (("a_new", 40), ("zz_new", 60)):  # a new folder before the one kept, and one after
        (raw / folder).mkdir()
        for index in range(8):
            (raw / folder / f"n{index}.txt").write_bytes(files[start + index].read_bytes() + f"\n附:{folder}第{index}号。".encode())
    shutil.copy2(files[100], raw / "a_new" / "copy.txt")  # now the first copy of a report kept in batch_0000
    (raw / "batch_0000" / "0000010.txt").write_bytes(files[20].read_bytes().replace(b"2", b"3"))
    (raw / "top.txt").write_bytes(files[5].read_bytes() + "\n附:顶层。".encode())
    begun: list[list[str]] = []
    real_begin, real_rows = pool.Parser.begin, pool.Parser.rows

    def begin(parser, new):
        begun.append(list(new))
        real_begin(parser, new)

    def rows(parser, work):
        given = real_rows(parser, work)
        begun.append(list(parser._early_chunk))  # sent before the plan was made
        return given

    monkeypatch.setattr(pool.Parser, "begin", begin)
    monkeypatch.setattr(pool.Parser, "rows", rows)
    run = build_parquet(settings(raw, data), workers=2)
    new = [f"a_new/{name}" for name in ["copy.txt", *(f"n{i}.txt" for i in range(8))]] + [f"zz_new/n{i}.txt" for i in range(8)]
    assert begun == [new, new[:12]]
    assert (run.files, run.reparsed, run.linked) == (418, 19, 0)
    full = build_parquet(settings(raw, tmp_path / "full"), workers=2)
    assert full.reparsed == 418
    assert begun[2:] == [[]]  # a first run has nothing sent early (no begin, and rows found none)
    assert published_parquet(data) == published_parquet(tmp_path / "full")


def test_a_crawl_s_copy_of_a_kept_report_is_its_duplicate(tmp_path, monkeypatch):
    """A linked folder's reports are known by id alone; the path of one is read back
    from its part when a later file turns out to be a copy of it."""
    raw, samples = _crawl_folders(tmp_path, 30, seed=6)
    shutil.copy2(samples[0], raw / "crawl_1" / "report.txt")
    data = tmp_path / "data"
    build_parquet(settings(raw, data), workers=1)
    (raw / "crawl_5").mkdir()
    shutil.copy2(samples[0], raw / "crawl_5" / "copy.txt")
    shutil.copy2(samples[1], raw / "crawl_5" / "other.txt")
    read_back: list[str] = []
    real_path = LinkedPaths.path
    monkeypatch.setattr(LinkedPaths, "path", lambda self, report_id: read_back.append(report_id) or real_path(self, report_id))
    run = build_parquet(settings(raw, data), workers=1)
    assert (run.files, run.reparsed, run.linked) == (33, 2, 31)
    with duckdb.connect() as db:
        found = db.execute("select source_path, report_id, quarantine_reason from read_parquet(?) "
                           "where source_path in ('crawl_1/report.txt', 'crawl_5/copy.txt') order by 1",
                           [str(data / "parquet" / "reports" / "*.parquet")]).fetchall()
    (_, original_id, none), (_, copy_id, reason) = found
    assert original_id == copy_id and none is None and reason == "same bytes as crawl_1/report.txt"
    assert read_back == [copy_id]  # one path read back: the other kept reports stayed ids
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))


def test_a_column_of_report_ids_as_strings():
    ids = pa.chunked_array([["849d905b95e473df", "00000000000000ff"], ["abcdefabcdef0123"]])
    assert strings(ids) == ids.to_pylist()
    sliced = pa.chunked_array([pa.array(["x" * 16, "a" * 16, "b" * 16, "c" * 16]).slice(1, 2)])
    assert strings(sliced) == ["a" * 16, "b" * 16]
    for other in ([["ab", "cde"]], [["中文", "汉字"]], [["中", "abc"]], [["ab", None]], [["", ""]], [[]]):
        column = pa.chunked_array(other, pa.string())
        assert strings(column) == column.to_pylist()


def _crawl_folders(tmp_path: Path, reports: int, seed: int) -> tuple[Path, list[Path]]:
    """``tmp_path/raw`` with ``reports`` synthetic reports, ten a folder (``crawl_0``, ...),
    and the sample reports, to copy in."""
    synthetic = sorted((generate(reports, tmp_path / "synth", seed=seed) / "batch_0000").iterdir())
    raw = tmp_path / "raw"
    for index, file in enumerate(synthetic):
        (raw / f"crawl_{index // 10}").mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, raw / f"crawl_{index // 10}" / file.name)
    return raw, sorted(p for p in SAMPLES_RAW.iterdir() if p.is_file())


def _full(raw: Path, data: Path) -> Path:
    full = build_parquet(settings(raw, data), workers=1)
    assert full.reparsed == full.files and full.linked == 0
    return data


def test_the_rows_version_follows_the_code_that_makes_the_rows():
    from orchestration.corpus.rows import ROWS_VERSION, rows_version
    from orchestration.parsing import PARSER_VERSION

    codes = [("empty_file", "error"), ("region_unknown", "info")]
    sources = [b"rows", b"reasons"]
    version = rows_version("1.2+abc", sources, codes)
    assert version.startswith("1.2+abc+rows-") and version == rows_version("1.2+abc", sources, codes[::-1])
    assert len({version, rows_version("1.2+abd", sources, codes), rows_version("1.2+abc", [b"rows 2", b"reasons"], codes),
                rows_version("1.2+abc", [b"rows", b"reasons 2"], codes),
                rows_version("1.2+abc", [b"rowsr", b"easons"], codes),  # (each module hashed apart)
                rows_version("1.2+abc", sources, [("empty_file", "error"), ("region_unknown", "warning")])}) == 6
    assert ROWS_VERSION.startswith(f"{PARSER_VERSION}+rows-")


def test_the_rows_version_covers_the_words_of_the_stage_s_own_quarantines():
    """``corpus/reasons.py`` words the quarantines the parse stage writes itself (what is not
    a file, a file whose parse ended its process): its bytes are in the rows' version, so a
    change to them reaches the kept files' rows."""
    from pathlib import Path

    from orchestration import issue_codes
    from orchestration.corpus import reasons, rows
    from orchestration.parsing import PARSER_VERSION

    here = Path(rows.__file__).parent
    severities = [(code.code, code.severity) for code in issue_codes.ISSUE_CODES]
    sources = [(here / "rows.py").read_bytes(), Path(reasons.__file__).read_bytes()]
    assert rows.ROWS_VERSION == rows.rows_version(PARSER_VERSION, sources, severities)
    reworded = sources[1].replace(b"not a file: not read", b"not a file, so not read")
    assert reworded != sources[1]
    assert rows.rows_version(PARSER_VERSION, [sources[0], reworded], severities) != rows.ROWS_VERSION


def test_the_stage_s_quarantine_reasons_are_taken_from_reasons(tmp_path, monkeypatch):
    """What ``entries`` and ``pool`` write as a reason comes from ``corpus/reasons.py`` (the
    module the rows' version hashes), not from words of their own."""
    import ast
    import signal

    from orchestration.corpus import entries, reasons

    for name, words in (("NOT_A_FILE", "{kind}"), ("LINK_TO_NOTHING", ""), ("LINK_LOOPS", "{error}"),
                        ("EXIT_CODE", "{code}"), ("KILLED_BY", "{signal}"), ("OUT_OF_MEMORY_KILLER", "")):
        monkeypatch.setattr(reasons, name, f"<{name}>{words}")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "dangling").symlink_to("nowhere")
    (tmp_path / "self").symlink_to("self")
    fifo = entries.not_regular("pipe", str(tmp_path / "pipe"), os.stat(tmp_path / "pipe"))
    assert fifo.quarantine_reason == "<NOT_A_FILE>a named pipe (FIFO)"
    for name, expected in (("dangling", "<LINK_TO_NOTHING>"), ("self", "<LINK_LOOPS>")):
        try:
            os.open(tmp_path / name, entries.READ_FLAGS)
        except OSError as error:
            assert entries.unopened(name, str(tmp_path / name), error).quarantine_reason.startswith(expected)
        else:
            raise AssertionError(f"{name} opened")
    assert pool._ending(-signal.SIGKILL) == "<KILLED_BY>SIGKILL<OUT_OF_MEMORY_KILLER>"
    assert pool._ending(3) == "<EXIT_CODE>3"
    # No module of the stage hands a quarantine a reason worded in place: each is taken from
    # ``reasons`` or passed on as a parameter.
    quarantines, calls = {"not_a_file", "unreadable_folder", "crashed", "_quarantined_alone"}, 0
    for module in Path(reasons.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in quarantines:
                reason, calls = node.args[-1], calls + 1
                assert isinstance(reason, ast.Name) or ast.unparse(reason).startswith("reasons."), (module.name, node.lineno)
    assert calls >= 9  # (entries: 6, pool: 3 and the pass-through)


def test_files_kept_by_other_row_code_are_parsed_again(corpus, tmp_path, monkeypatch):
    """Rows made by another ``corpus/rows.py`` (or issue severities) are not kept: every
    file is parsed again, and the tables are a full run's."""
    from orchestration.corpus import limits, rows, writers

    raw, _ = corpus
    data = tmp_path / "older"
    with monkeypatch.context() as older:
        for module in (rows, writers, limits):
            older.setattr(module, "ROWS_VERSION", "1.2+older")
        build_parquet(settings(raw, data), workers=1)  # (in this process, which has the older version)
    with duckdb.connect() as db:
        query = "select distinct parser_version from read_parquet(?)"
        assert db.execute(query, [str(data / "parquet" / "reports" / "*.parquet")]).fetchall() == [("1.2+older",)]
        again = build_parquet(settings(raw, data), workers=2)
        assert (again.files, again.reparsed) == (400, 400)
        assert db.execute(query, [str(data / "parquet" / "reports" / "*.parquet")]).fetchall() == [(rows.ROWS_VERSION,)]
    assert published_parquet(data) == published_parquet(_full(raw, tmp_path / "full"))
