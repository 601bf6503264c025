"""The parse stage's workers: pooled as in process, a chunk reads the same bytes once, and their forkserver started before Dagster loads and warmed once."""

from __future__ import annotations

import math
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, wait

import pyarrow as pa
import pytest

from orchestration import corpus, parsing
from orchestration.corpus import pool
from orchestration.parsing import parse_bytes
from orchestration.parsing.formats import sniff_format
from orchestration.parsing.regions import gazetteer
from orchestration.synth import generate, make_report

from .conftest import published_parquet, settings

LIMIT = 50 * 2**20


def _reports(count: int, kind: str) -> list[bytes]:
    """Synthetic reports with figures (no faults), each different, that read as ``kind``
    under a .txt name (the tables come as HTML: prose-only reports as text)."""
    found = []
    index = 0
    while len(found) < count:
        data, truth, copy_of = make_report(index, seed=5)
        if truth.fault is None and copy_of is None and sniff_format(data, "report.txt") == kind:
            found.append(data)
        index += 1
    return found


def _count_parses(monkeypatch) -> list[str]:
    """The texts parse_text is given from now on."""
    calls: list[str] = []
    real = parsing.parse_text

    def counting(text, max_year, heading=()):
        calls.append(text)
        return real(text, max_year, heading)

    monkeypatch.setattr(parsing, "parse_text", counting)
    return calls


def _comparable(rows: list[corpus.FileRows]) -> list[tuple]:
    return [(r.source_path, r.report_id, r.status, r.report, r.values.rows().to_pylist(), r.issues,
             r.checks.rows().to_pylist()) for r in rows]


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    return generate(300, tmp_path_factory.mktemp("synth"), seed=4)


def test_the_pool_gives_the_rows_of_parsing_in_process_in_path_order(raw):
    work = corpus.raw_file_names(raw)
    assert len(work) == 300 >= pool.POOL_THRESHOLD  # so two workers parse them
    with corpus.parsing(raw, work, LIMIT, 2) as rows:
        pooled = list(rows)
    with corpus.parsing(raw, work, LIMIT, 1) as rows:
        in_process = list(rows)
    assert [r.source_path for r in pooled] == work
    assert _comparable(pooled) == _comparable(in_process)
    assert sum(r.values.length for r in pooled) > 10_000
    # A synthetic copy (of the file before) comes back as that file did: the writer makes it a copy.
    copies = [(r, previous) for r, previous in zip(pooled[1:], pooled) if r.report_id == previous.report_id]
    assert any(r.status == "parsed" for r, _ in copies)
    assert all((r.status, r.report["value_count"]) == (previous.status, previous.report["value_count"])
               for r, previous in copies)


def test_the_pool_is_parsing_before_the_first_file_is_asked_for(raw, monkeypatch):
    """A run links the folders it keeps while the workers parse its new files, so the
    first chunks go out on entering ``parsing``; no more than the window is ever out."""
    monkeypatch.setattr(pool, "CHUNK", 8)
    monkeypatch.setattr(pool, "WINDOW", 40)  # 5 chunks of 8 files in flight
    sent: list[int] = []  # files per chunk, as submitted
    real_submit = ProcessPoolExecutor.submit

    def submit(executor, function, chunk, *args):
        sent.append(len(chunk))
        return real_submit(executor, function, chunk, *args)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    work = corpus.raw_file_names(raw)
    with corpus.parsing(raw, work, LIMIT, 2) as rows:
        assert sent == [8] * 5
        paths = []
        for file_rows in rows:
            paths.append(file_rows.source_path)
            # one chunk goes out as each one comes back, while there are chunks left
            assert len(sent) == min(38, 5 + math.ceil(len(paths) / 8))
    assert paths == work
    assert sent == [8] * 37 + [4]


def _counting_submits(monkeypatch) -> list[list[str]]:
    """The files of each chunk the workers are sent, from now on."""
    sent: list[list[str]] = []
    real_submit = ProcessPoolExecutor.submit

    def submit(executor, function, chunk, *args):
        sent.append([relative for relative, _, _ in chunk])
        return real_submit(executor, function, chunk, *args)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    return sent


def test_files_sent_early_come_back_in_their_place_among_the_others(raw, monkeypatch):
    """A run sends its new folders' files (``begin``) before it has planned the rest, a
    chunk a worker at a time as the plan goes (``top_up``); the rows still come in path
    order, each file parsed once, as parsed in process."""
    monkeypatch.setattr(pool, "CHUNK", 16)
    monkeypatch.setattr(pool, "EARLY", 100)
    monkeypatch.setattr(pool, "POOL_THRESHOLD", 64)
    sent = _counting_submits(monkeypatch)
    work = corpus.raw_file_names(raw)
    new = work[120:250]  # files in the middle: the ones before them are asked for first
    with pool.Parser(raw, LIMIT, 2) as parser:
        parser.begin(new)
        parser._starting.result()  # (sent from another thread)
        assert sent == [new[0:16], new[16:32], new[32:48]]  # a chunk a worker, and one waiting
        wait(list(parser._in_flight))
        parser.top_up()
        assert sent[3:] == [new[48:64], new[64:80], new[80:96]]
        rows = list(parser.rows(work))  # the plan is made: no more early chunks (new[96:100] were not sent)
    assert [r.source_path for r in rows] == work
    assert sorted(path for chunk in sent for path in chunk) == work  # none sent twice
    assert sent[6] == work[:16]  # the rest after, in path order, without the files sent early
    assert sent[6 + 120 // 16] == work[112:120] + new[96:104]
    with corpus.parsing(raw, work, LIMIT, 1) as in_process:
        assert _comparable(rows) == _comparable(list(in_process))


def test_the_run_plans_while_the_first_early_chunks_wait_for_the_workers(raw, monkeypatch):
    """Sending the first chunk waits until a worker can be forked (in a fresh process,
    until the forkserver has imported the parser): ``begin`` and ``top_up`` do not."""
    forkable = threading.Event()
    real_submit = ProcessPoolExecutor.submit

    def submit(executor, function, chunk, *args):
        assert forkable.wait(30)
        return real_submit(executor, function, chunk, *args)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    work = corpus.raw_file_names(raw)
    with pool.Parser(raw, LIMIT, 2) as parser:
        parser.begin(work)
        parser.top_up()
        assert parser._early == [] and not parser._starting.done()
        forkable.set()
        assert [r.source_path for r in parser.rows(work)] == work
    assert len(parser._early) == 3  # the early chunks the starting thread sent


def test_a_failure_to_send_the_early_chunks_fails_the_run(raw, monkeypatch):
    def submit(executor, function, chunk, *args):
        raise RuntimeError("no workers")

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    work = corpus.raw_file_names(raw)
    with pytest.raises(RuntimeError, match="no workers"), pool.Parser(raw, LIMIT, 2) as parser:
        parser.begin(work)
        parser.rows(work)


def test_a_file_sent_early_that_the_run_no_longer_wants_is_not_given(raw, monkeypatch):
    monkeypatch.setattr(pool, "CHUNK", 16)
    work = corpus.raw_file_names(raw)
    with pool.Parser(raw, LIMIT, 2) as parser:
        parser.begin(work[:260])
        wanted = work[:100] + work[101:280]  # work[100] went between the listing and the plan
        assert [r.source_path for r in parser.rows(wanted)] == wanted


def test_too_few_new_files_are_not_sent_early_but_still_go_to_a_worker(raw, monkeypatch):
    sent = _counting_submits(monkeypatch)
    work = corpus.raw_file_names(raw)
    with pool.Parser(raw, LIMIT, 2) as parser:
        parser.begin(work[: pool.POOL_THRESHOLD - 1])
        assert sent == []
        rows = parser.rows(work[:20])  # however few, parsed by a worker: one that dies does not take the run
        assert [r.source_path for r in rows] == work[:20] and sent == [work[:20]]
    with pool.Parser(raw, LIMIT, 1) as parser:  # one worker: no pool
        parser.begin(work)
        assert [r.source_path for r in parser.rows(work)] == work and sent == [work[:20]]  # (nothing more)


def test_a_failing_run_stops_the_workers(raw, monkeypatch):
    """Leaving the parser on an error sends no more early chunks, and cancels the chunks
    the workers have not begun."""
    monkeypatch.setattr(pool, "CHUNK", 8)
    futures = []
    real_submit = ProcessPoolExecutor.submit

    def submit(executor, function, chunk, *args):
        futures.append(real_submit(executor, function, chunk, *args))
        return futures[-1]

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    work = corpus.raw_file_names(raw)
    with pytest.raises(RuntimeError, match="disk gone"), pool.Parser(raw, LIMIT, 2) as parser:
        parser.begin(work[100:])  # 25 chunks that could go early
        rows = parser.rows(work)  # the plan is made: the other 276 files go, 35 chunks (the window is 128)
        next(rows)
        raise RuntimeError("disk gone")
    assert len(futures) == 3 + 35  # a chunk a worker and one waiting, then the others
    assert all(future.done() for future in futures) and any(future.cancelled() for future in futures[3:])


def test_a_file_with_the_bytes_of_an_earlier_one_takes_its_parse(monkeypatch):
    report, other = _reports(2, "text")
    calls = _count_parses(monkeypatch)
    earlier: parsing.Parsed = {}
    first = parse_bytes(report, "a/first.txt", earlier=earlier)
    copy = parse_bytes(report, "b/copy.txt", earlier=earlier)
    as_page = parse_bytes(report, "c/copy.html", earlier=earlier)  # the same bytes read as HTML
    different = parse_bytes(other, "d/other.txt", earlier=earlier)
    assert len(calls) == 3  # the copy was not parsed

    assert (copy.source_path, copy.report_id, copy.content_sha256) == ("b/copy.txt", first.report_id, first.content_sha256)
    assert copy.result is first.result and copy.status == first.status == "parsed"
    assert copy.issues == first.issues and copy.issues is not first.issues
    assert len(first.result.values) >= 3
    assert (first.source_format, as_page.source_format) == ("text", "html")
    assert as_page.result is not first.result and as_page.report_id == first.report_id
    assert different.report_id != first.report_id
    # Without the memory every file is parsed.
    calls.clear()
    assert parse_bytes(report, "e/again.txt").result is not first.result and len(calls) == 1


def test_an_index_and_its_copy_named_as_text_are_each_read_as_their_names_say():
    """A CSV index is data by its name alone: its copy named .txt is parsed, whichever came first."""
    index = "url,title\nhttp://a/1.htm,精河县2016年政府信息公开工作年度报告\n".encode()
    for order in (("a/index.csv", "b/index.txt"), ("b/index.txt", "a/index.csv")):
        earlier: parsing.Parsed = {}
        got = {path: parse_bytes(index, path, earlier=earlier) for path in order}
        assert (got["a/index.csv"].status, got["a/index.csv"].quarantine_code) == ("quarantined", "not_a_report")
        assert (got["b/index.txt"].status, got["b/index.txt"].result.metadata.report_year) == ("parsed", 2016)


def test_a_chunk_with_copies_gives_the_rows_of_parsing_each_file(tmp_path, monkeypatch):
    (one, two), prose = _reports(2, "html"), _reports(1, "text")[0]
    files = {"a.txt": one, "b.txt": one, "c.txt": two, "d.txt": one, "e.txt": prose, "f.htm": prose, "g.txt": b""}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    chunk = [(name, str(tmp_path / name), LIMIT) for name in files]
    parsed_texts = _count_parses(monkeypatch)
    reusing = pool.parse_chunk_packed(chunk)
    assert len(parsed_texts) == 4  # a (b and d are its copies), c, e, and f read as HTML

    real = pool.parse_bytes
    monkeypatch.setattr(pool, "parse_bytes", lambda *args, earlier=None, **kwargs: real(*args, **kwargs))
    parsed_texts.clear()
    each = pool.parse_chunk_packed(chunk)
    assert len(parsed_texts) == 6

    values, checks, rows, counts = reusing
    assert values.equals(each[0]) and checks.equals(each[1])
    assert [r.report for r in rows] == [r.report for r in each[2]] and counts == each[3]
    assert [r.report["source_path"] for r in rows] == list(files)
    assert counts[0] == counts[1] == counts[3] and counts[0][0] > 40 and counts[2][0] > 40
    assert [r.report["source_format"] for r in rows[4:6]] == ["text", "html"] and counts[4][0] >= 3
    assert rows[6].report["quarantine_code"] == "empty_file"
    assert isinstance(values, pa.Table) and values.num_rows == sum(n for n, _ in counts)


def _gazetteer_loads() -> tuple[int, int]:
    info = gazetteer.cache_info()
    return info.hits, info.misses


def test_a_worker_starts_with_the_gazetteer_its_forkserver_loaded():
    """Workers are forked from a forkserver that has readied one (worker_preload): the
    gazetteer was loaded there, before the fork, and the worker only finds it."""
    with ProcessPoolExecutor(1, mp_context=pool._pool_context(), initializer=pool.start_worker) as workers:
        hits, misses = workers.submit(_gazetteer_loads).result()
    assert misses == 1 and hits >= 1  # the forkserver's miss, then the worker's own call finds it


def test_a_machine_with_one_cpu_still_parses_in_a_worker_process(raw, tmp_path, monkeypatch):
    """One CPU gets one worker process, not the run's own, so that a file that kills its
    process spares the run; one worker asked for (tests, tools) parses in process. Both
    write the same bytes."""
    sent = _counting_submits(monkeypatch)
    pools: list[int] = []
    real_init = ProcessPoolExecutor.__init__

    def init(executor, max_workers=None, *args, **kwargs):
        pools.append(max_workers)
        real_init(executor, max_workers, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "__init__", init)
    monkeypatch.setenv("LOKY_MAX_CPU_COUNT", "1")  # (as a container's CPU quota of one would)
    summary = corpus.build_parquet(settings(raw, tmp_path / "one_cpu"))
    assert summary.files == 300 and summary.parsed > 250
    assert pools == [1]
    assert sorted(name for chunk in sent for name in chunk) == corpus.raw_file_names(raw)
    assert len(sent) == math.ceil(300 / pool.CHUNK)
    sent.clear()
    corpus.build_parquet(settings(raw, tmp_path / "in_process"), workers=1)
    assert sent == []
    assert published_parquet(tmp_path / "one_cpu") == published_parquet(tmp_path / "in_process")


def test_parse_workers_are_the_oom_killer_s_first_choice_and_the_run_is_not(raw):
    """When memory runs out before the memory guard acts, the kernel kills the process with
    the highest score: a worker (its chunk is parsed again alone), not the run's process."""
    own = _oom_score_adj("self")
    work = corpus.raw_file_names(raw)
    with pool.Parser(raw, LIMIT, 2) as parser:
        rows = list(parser.rows(work))
        workers = list(parser._pool._processes)
        scores = {_oom_score_adj(pid) for pid in workers}
    assert len(rows) == 300 and workers and scores == {"1000"}
    assert _oom_score_adj("self") == own != "1000"


def _oom_score_adj(process) -> str:
    with open(f"/proc/{process}/oom_score_adj", encoding="ascii") as score:
        return score.read().strip()


_OGI_RUN_PRELUDE = """
import multiprocessing.forkserver
import sys

from orchestration import cli
from orchestration.corpus import pool

loaded_when_started = []
start = pool.start_forkserver


def start_and_note():
    loaded_when_started.extend(name for name in ("dagster", "orchestration.definitions") if name in sys.modules)
    start()


pool.start_forkserver = start_and_note
job = cli.prepared_job()
# (multiprocessing keeps its forkserver's pid private; it is None until one is started.)
print(job.name, loaded_when_started, multiprocessing.forkserver._forkserver._forkserver_pid is not None)
"""


def test_ogi_run_starts_the_workers_forkserver_before_dagster_loads():
    """`ogi run` starts the parse workers' forkserver first, so that its imports run beside
    Dagster's start rather than hold up the parse step (a small crawl's parse: 0.51 s
    against 0.23 s); in a new process, as `ogi run` is."""
    from orchestration.defs.jobs import ALL_ASSETS_JOB

    done = subprocess.run([sys.executable, "-c", _OGI_RUN_PRELUDE], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[-2] == f"{ALL_ASSETS_JOB} [] True"


def test_the_forkservers_warm_up_parses_a_report_of_every_era_text_shape_and_title():
    from orchestration.synth import ERAS
    from orchestration.synthetic import SHAPES, TITLE_FORMS

    chosen = pool.warm_up_reports()
    assert {era for _, _, (era, _, _) in chosen} == set(ERAS)
    assert {shape for _, _, (_, shape, _) in chosen} == set(SHAPES)
    assert {form for _, _, (_, _, form) in chosen} == set(TITLE_FORMS)
    values, checks, rows, counts = pool.warm_up()
    assert [row.source_path for row in rows] == [name for name, _, _ in chosen]
    assert {row.status for row in rows} == {"parsed"}
    assert all(figures > 0 for figures, _ in counts) and sum(n for n, _ in counts) > 1000
    assert (values.num_rows, checks.num_rows) == (sum(n for n, _ in counts), sum(n for _, n in counts))


def _rows_index_built() -> bool:
    from orchestration.corpus import rows

    return rows._row_index.cache_info().currsize == 1


def test_a_parse_worker_is_forked_warmed():
    """A worker starts with what the forkserver's warm-up built (here, the rows' index that
    ``keyed_table`` builds on first use), not building it in its first chunk."""
    with ProcessPoolExecutor(1, mp_context=pool._pool_context()) as workers:
        assert workers.submit(_rows_index_built).result(timeout=60) is True
