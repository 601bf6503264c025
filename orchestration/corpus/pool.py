"""The parse workers: new files parsed on every core by a process pool, a chunk of
files per task, their rows given back in path order."""

from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import select
import signal
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Self

import pyarrow as pa

from ..parsing import FileParse, Issue, Parsed, crashed, parse_bytes, too_large, unreadable
from ..parsing.columns import CHECK_COLUMNS, VALUE_COLUMNS, append_checks, append_values, empty_columns
from ..parsing.regions import gazetteer
from ..settings import this_year
from . import reasons
from .entries import READ_FLAGS, not_regular, read_ahead, unopened
from .memory_guard import MemoryGuard
from .rows import FileRows, Span, empty_span, file_rows, issue_row, keyed_table
from .same_bytes import streamed_sha256

CHUNK = 64  # files a worker parses per task
WINDOW = 1024  # files in flight at once (bounds memory; 16 chunks keep 2-8 workers busy)
POOL_THRESHOLD = 256  # fewer new files than this are not sent while the run plans
EARLY = 8192  # new files sent while the run plans (held LZ4-compressed until written: about 8.5 KB each)


def _parse_chunk(chunk: list[tuple[str, str, int]], max_year: int) -> list[FileRows]:
    """Parse files given as (relative path, absolute path, size limit), in order."""
    return _unpack(parse_chunk_packed(chunk, max_year))


_Packed = tuple[pa.Table, pa.Table, list[FileRows], list[tuple[int, int]]]


def _unpack(packed: _Packed) -> list[FileRows]:
    """Give each file its span of the chunk's figures and checks."""
    values, checks, rows, counts = packed
    value_offset = check_offset = 0
    for file, (value_count, check_count) in zip(rows, counts):
        file.values = Span(values, value_offset, value_count)
        file.checks = Span(checks, check_offset, check_count)
        value_offset += value_count
        check_offset += check_count
    return rows


def parse_chunk_packed(chunk: list[tuple[str, str, int]], max_year: int | None = None) -> _Packed:
    """Worker: parse a chunk; its figures and checks travel as two Arrow tables.

    Files are given their spans in the parent: a pickled slice would carry the whole table.
    ``max_year`` is the last year a report may cover: a run gives its own
    (``Settings.max_report_year``), the same to every chunk; by default, this year.
    """
    if max_year is None:
        max_year = this_year()
    read_ahead([absolute for _, absolute, _ in chunk])
    earlier: Parsed = {}  # a copy of a file in the chunk takes its parse (the chunk has one size limit)
    parses = []
    deadline = 0.0
    for relative, absolute, max_bytes in chunk:
        if _time_limit and (now := time.monotonic()) + _time_limit > deadline:
            # faulthandler's own thread ends the process, even while this one holds the GIL in C.
            # Arming it starts a thread (38 µs), so it is armed for twice the limit, again only
            # when less than the limit is left: a file is stopped after one to two limits.
            faulthandler.dump_traceback_later(2 * _time_limit, exit=True)
            deadline = now + 2 * _time_limit
        parses.append(_parse_file(relative, absolute, max_bytes, max_year, earlier))
    if _time_limit:
        faulthandler.cancel_dump_traceback_later()
    return _packed(parses)


def _packed(parses: list[FileParse]) -> _Packed:
    """A chunk's parses as the pool sends them back: their figures and checks in two Arrow
    tables, their other rows, and each one's count of figures and checks."""
    values, checks = empty_columns(VALUE_COLUMNS), empty_columns(CHECK_COLUMNS)
    counts = []
    for parse in parses:
        result = parse.result
        counts.append((len(result.values), len(result.checks)) if result else (0, 0))
        if result:
            append_values(values, result.values)
            append_checks(checks, result.checks)
    # Each file's span is marked in the parent (_unpack): an Arrow table per file,
    # even an empty one, would cost more to pickle than the file's rows.
    rows = [file_rows(parse) for parse in parses]
    report_ids = [parse.report_id for parse in parses]
    return (keyed_table("values", values, report_ids, [n for n, _ in counts]),
            keyed_table("identity_checks", checks, report_ids, [n for _, n in counts]), rows, counts)


def _parse_file(relative: str, absolute: str, max_bytes: int, max_year: int, earlier: Parsed) -> FileParse:
    try:
        descriptor = os.open(absolute, READ_FLAGS)
    except OSError as error:  # (moved or removed since it was listed, permissions; a link to nothing)
        return unopened(relative, absolute, error)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):  # (a folder the walk could not list, a pipe, a device)
            return not_regular(relative, absolute, status)
        with open(descriptor, "rb", closefd=False) as file:
            if status.st_size > max_bytes:
                # Hashed as it is read, not held: a crawl's video or archive of gigabytes
                # took as much memory in a worker only to be quarantined.
                digest, size = streamed_sha256(file.read)
                if size > max_bytes:
                    return too_large(relative, digest, size, max_bytes)
                file.seek(0)  # (it shrank meanwhile)
            data = file.read()
    except OSError as error:  # (the disk)
        return unreadable(relative, error)
    finally:
        os.close(descriptor)
    return parse_bytes(data, relative, max_year=max_year, max_bytes=max_bytes, earlier=earlier)


def parse_chunk_held(chunk: list[tuple[str, str, int]], max_year: int) -> tuple[bytes, int]:
    """Worker: ``parse_chunk_packed``'s result pickled and compressed (LZ4: a quarter of
    the size, for about 27 µs a file here and 10 µs in the parent), for a chunk that
    will wait in the parent until the run writes its files (``Parser.begin``)."""
    pickled = pickle.dumps(parse_chunk_packed(chunk, max_year), protocol=pickle.HIGHEST_PROTOCOL)
    return pa.compress(pickled, codec="lz4", asbytes=True), len(pickled)


def _unheld(held: tuple[bytes, int]) -> _Packed:
    compressed, size = held
    return pickle.loads(pa.decompress(compressed, decompressed_size=size, codec="lz4", asbytes=True))


_time_limit = 0.0  # seconds a worker may spend on one file before it ends itself (set in workers only)


def _start_limited_worker(time_limit: float, run: int) -> None:
    """A pool worker's start: ready (``start_worker``, done once in the forkserver) and
    limited to ``time_limit`` seconds a file (to twice that at most, ``parse_chunk_packed``).
    A file whose parse runs past it (a loop in a PDF library, say) ends the worker with the
    stack it was in, on stderr; the file is then found as a dying worker's is
    (``_isolated``) and quarantined ``parse_timeout``. The worker ends with the run's
    process, ``run`` (``_end_with``), and when the pool ends it (``_stoppable``)."""
    global _time_limit
    start_worker()
    _first_for_the_oom_killer()
    _end_with(run)
    _stoppable()
    _time_limit = time_limit


def _stoppable() -> None:
    """Let SIGTERM end this worker, as the pool ends the workers of a broken pool (one died):
    a run started where SIGINT is ignored (a shell's background job, ``nohup``) has SIGTERM
    ignored too once Dagster maps it to SIGINT's handler, and its workers inherit that. A
    worker left up, blocked writing its result to a pool that no longer reads it, held the
    run for ever: the pool waits for it to end before it raises."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _end_with(run: int) -> None:
    """End this process when the run's process ``run`` ends. A pool's worker waits for work on
    a queue whose writing end it holds too, so a run killed outright (SIGKILL, the
    out-of-memory killer) left its workers waiting for ever, holding their memory, and with
    them the forkserver (each holds the descriptor that keeps it up). A thread waits on the
    run's pidfd; without pidfds (Linux before 5.3) nothing is watched."""
    try:
        descriptor = os.pidfd_open(run)
    except ProcessLookupError:
        os._exit(1)  # (the run is gone already)
    except (AttributeError, OSError):
        return
    threading.Thread(target=_exit_when_readable, args=(descriptor,), name="ogi-end-with-the-run", daemon=True).start()


def _exit_when_readable(descriptor: int) -> None:
    select.select([descriptor], [], [])  # (a pidfd reads as ready once its process has ended)
    os._exit(1)


OOM_SCORE_ADJ = "/proc/self/oom_score_adj"


def _first_for_the_oom_killer() -> None:
    """Make this parse process the kernel's first choice when the machine's (or a container's)
    memory runs out before the memory guard acts: a worker that dies costs its chunk, parsed
    again alone, where the run's own process (or dbt's, or Dagster's daemon) would cost the
    run. Any process may raise its own score; where it cannot (no /proc), nothing changes."""
    try:
        with open(OOM_SCORE_ADJ, "w", encoding="ascii") as score:
            score.write("1000")
    except OSError:
        pass


def start_worker() -> None:
    """Ready a parse worker: load the gazetteer, then take what it holds for good out
    of the garbage collector's sweeps, which otherwise cost about 3% of a worker.

    A chunk's parses are freed by reference counting when it is sent, not by the
    collector: it need only run now and then, not every 700 allocations.
    """
    gazetteer()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def warm_up() -> _Packed:
    """Parse synthetic reports of every era, text shape and title's form (``warm_up_reports``) as a
    chunk's files are parsed, here: in the workers' forkserver (``worker_preload``), whose
    workers are then forked with what a parse makes on first use ready (regular
    expressions compiled, lxml's parser, the rows' index): a worker's first chunk of 64
    files took 70-88 ms cold, 45-49 ms so warmed. `ogi run` starts the forkserver before
    Dagster loads, so this is done by the time its parse step begins. From memory: nothing
    on the disk to fail."""
    max_year = this_year()
    return _packed([parse_bytes(data, name, max_year=max_year) for name, data, _ in warm_up_reports()])


def warm_up_reports() -> list[tuple[str, bytes, tuple[str, str, str]]]:
    """The first synthetic reports (seed 1, no faults) that show an era, a text shape or a
    title's form none before did, until every one is shown: a name, the bytes, (era, shape,
    title's form). A title's form compiles the phrases that read it."""
    from ..synth import ERAS, make_report
    from ..synthetic import SHAPES, TITLE_FORMS

    eras, shapes, forms = set(ERAS), set(SHAPES), set(TITLE_FORMS)
    chosen = []
    for index in range(WARM_UP_LOOKS):
        data, truth, _ = make_report(index, seed=1, fault_rate=0)
        if truth.era in eras or truth.shape in shapes or truth.title_form in forms:
            eras.discard(truth.era)
            shapes.discard(truth.shape)
            forms.discard(truth.title_form)
            chosen.append((f"warm_up/{index}.txt", data, (truth.era, truth.shape, truth.title_form)))
        if not eras and not shapes and not forms:
            break
    return chosen


WARM_UP_LOOKS = 1000  # synthetic reports looked at for every era, shape and title's form (seed 1: 41 of the first 251)


def parse_file(raw: Path, relative: str, max_bytes: int, on_disk: dict[str, str] | None = None,
               max_year: int | None = None) -> FileRows:
    """One file's rows, parsed in this process."""
    with parsing(raw, [relative], max_bytes, 1, on_disk, max_year) as rows:
        return next(rows)


@contextmanager
def parsing(raw: Path, work: list[str], max_bytes: int, workers: int,
            on_disk: dict[str, str] | None = None, max_year: int | None = None) -> Iterator[Iterator[FileRows]]:
    """Parse files (recorded paths relative to ``raw``; ``on_disk`` has the path on disk
    of those whose differs, RawListing.on_disk, and their rows get an issue saying so) on
    ``workers`` processes when there are enough of them; gives their rows in order."""
    with Parser(raw, max_bytes, workers, on_disk, max_year=max_year) as parser:
        yield parser.rows(work)


class Parser:
    """The run's parse workers (a process pool, started when there is work enough for it).

    A run may send files it already knows to be new (``begin``: its new folders') while
    it plans the rest, then asks for the rows of all its work in path order (``rows``):
    the first chunks go out on entering ``rows``, as the run links the folders it keeps
    while the workers parse. Workers come from a forkserver, not a fork of this process:
    the run may hold threads (Dagster's, DuckDB's) whose locks a forked child would
    inherit. A worker that dies (the out-of-memory killer, a crash in a C library) takes
    the pool down with every chunk in flight: those chunks are parsed again, each in a
    process of its own (``_isolated``), and the run goes on with a new pool. The same
    befalls a worker that holds more memory than the limit (``MemoryGuard`` stops it).
    Chunks are cut as they are sent: the parent holds one string per file, not three.
    """

    def __init__(self, raw: Path, max_bytes: int, workers: int, on_disk: dict[str, str] | None = None,
                 time_limit: float = 0.0, in_process: bool | None = None, memory_mb: int = 0,
                 warn: Callable[[str], None] | None = None, max_year: int | None = None) -> None:
        self._root, self._max_bytes, self._workers, self._on_disk = str(raw), max_bytes, workers, on_disk or {}
        self._in_process = workers <= 1 if in_process is None else in_process  # (no worker process at all)
        # Seconds a file and memory a process, in the workers (none in this process).
        guard = MemoryGuard(memory_mb) if memory_mb and not self._in_process and MemoryGuard.available() else None
        # Every file of the run is parsed under one last report year (``parse_chunk_packed``), this
        # year's by default, whenever its chunk is parsed: a run across midnight on 31 December too.
        self._limits = _ProcessLimits(time_limit, guard, this_year() if max_year is None else max_year)
        self._warn = warn  # (told of a worker that died, and of the files quarantined for it)
        self._window = max(workers, WINDOW // CHUNK)  # chunks in flight
        # Early chunks in flight: one a worker and one waiting, so a file the run wants
        # first once it is planned (a changed one, say) waits behind no more than that.
        self._early_window = workers + 1
        self._pool: ProcessPoolExecutor | None = None
        self._early_chunk: dict[str, int] = {}  # a file sent by ``begin`` -> its chunk's index in _early
        self._early: list[_Sent | None] = []
        self._unsent: Iterator[list[tuple[str, str, int]]] | None = None  # early chunks not yet sent
        self._in_flight: deque[Future[tuple[bytes, int]]] = deque()  # early chunks sent, maybe not back
        self._starting: Future[None] | None = None  # sending the first early chunks

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if self._starting is not None:
            wait([self._starting])  # (the run failed or returned before asking for rows: what it raised goes)
            self._starting = None
        if self._pool is not None:
            # (after a failure the chunks not yet begun are not parsed for nothing)
            self._pool.shutdown(cancel_futures=kind is not None)
            self._pool = None
        if self._limits.guard is not None:
            self._limits.guard.close()

    def begin(self, new: list[str]) -> None:
        """Parse the first ``EARLY`` of ``new`` files (files no earlier output has) while the
        run stats and plans the rest, which at a million files takes seconds of one
        core, the other idle: a chunk a worker now, more as the run calls ``top_up``.
        Their rows are held, compressed, until the run writes them (after the files
        before them): ``EARLY`` bounds that."""
        if self._workers <= 1 or len(new) < POOL_THRESHOLD:
            return
        self._unsent = self._chunks(new[:EARLY])
        # On another thread: the first chunk sent waits until the forkserver can fork a
        # worker, which in a fresh process is once it has imported the parser (about
        # 0.4 s, most of the plan of 100,000 files), and the run plans meanwhile.
        starter = ThreadPoolExecutor(1, thread_name_prefix="parse-workers-start")
        self._starting = starter.submit(self._send_early_chunks)
        starter.shutdown(wait=False)  # (the thread ends with its one task)

    def top_up(self) -> None:
        """Keep the workers busy with early chunks, and no more than busy: the chunks the
        run wants once it is planned are sent behind those in flight (``rows``)."""
        if self._starting is not None and not self._starting.done():
            return
        self._started_early()
        self._send_early_chunks()

    def _started_early(self) -> None:
        """Wait for the first early chunks to be sent, if they are being (raising what that raised)."""
        if self._starting is not None:
            starting, self._starting = self._starting, None
            starting.result()

    def _send_early_chunks(self) -> None:
        while self._in_flight and self._in_flight[0].done():
            self._in_flight.popleft()
        while self._unsent is not None and len(self._in_flight) < self._early_window:
            chunk = next(self._unsent, None)
            if chunk is None:
                self._unsent = None
                break
            self._early_chunk.update(dict.fromkeys((relative for relative, _, _ in chunk), len(self._early)))
            self._early.append(self._sent(parse_chunk_held, chunk))
            self._in_flight.append(self._early[-1].future)

    def sent_early(self, relative: str) -> bool:
        """Whether the file was sent to the workers by ``begin``: its parse is under way."""
        return relative in self._early_chunk

    def rows(self, work: list[str]) -> Iterator[FileRows]:
        """The rows of the files ``work`` (in path order, those sent early among them), in
        that order. The others are sent now, ``WINDOW`` at most in flight; new files
        ``begin`` had not sent yet are among them."""
        self._started_early()
        self._unsent, self._in_flight = None, deque()
        rest = [relative for relative in work if relative not in self._early_chunk] if self._early_chunk else work
        chunks = self._chunks(rest)
        # However few the files, they go to a worker: a file that kills its process then
        # costs that process, not the run.
        if self._pool is None and (self._in_process or not work):
            return (rows for chunk in chunks for rows in self._named(_parse_chunk(chunk, self._limits.max_year)))
        pending = deque(self._sent(parse_chunk_packed, chunk) for chunk in islice(chunks, self._window))
        return self._in_order(work, pending, chunks)

    def _in_order(self, work: list[str], pending: deque[_Sent], chunks: Iterator[list]) -> Iterator[FileRows]:
        came: deque[FileRows] = deque()  # the last chunk back of the other files
        early: dict[str, FileRows] = {}  # early files back, not yet given
        for relative in work:
            chunk = self._early_chunk.get(relative)
            if chunk is None:
                if not came:
                    came.extend(self._named(self._back(pending.popleft(), _unpack)))
                    more = next(chunks, None)  # one back for each one taken: the window stays full
                    if more is not None:
                        pending.append(self._sent(parse_chunk_packed, more))
                yield came.popleft()
            else:
                if relative not in early:
                    sent, self._early[chunk] = self._early[chunk], None
                    assert sent is not None, relative  # (a chunk is taken whole, the first time one of its files is asked for)
                    early.update((rows.source_path, rows) for rows in self._named(self._back(sent, _unpack_held)))
                yield early.pop(relative)

    def _chunks(self, paths: list[str]) -> Iterator[list[tuple[str, str, int]]]:
        root, on_disk, max_bytes = self._root, self._on_disk, self._max_bytes
        return ([(relative, os.path.join(root, on_disk.get(relative, relative)), max_bytes) for relative in paths[i : i + CHUNK]]
                for i in range(0, len(paths), CHUNK))

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self._workers, mp_context=_pool_context(),
                                             initializer=_start_limited_worker, initargs=(self._limits.time_s, os.getpid()))
            if self._limits.guard is not None:
                self._limits.guard.watch_pool(self._pool)
        return self._pool

    def _sent(self, function: Callable[[list], Any], chunk: list[tuple[str, str, int]]) -> _Sent:
        """``chunk`` sent to the workers (to a new pool if a worker died since the last was sent)."""
        pool = self._started()
        try:
            return _Sent(chunk, pool.submit(function, chunk, self._limits.max_year), pool)
        except BrokenProcessPool:
            self._drop(pool)
            pool = self._started()
            return _Sent(chunk, pool.submit(function, chunk, self._limits.max_year), pool)

    def _back(self, sent: _Sent, unpack: Callable[[Any], list[FileRows]]) -> list[FileRows]:
        """A chunk's rows, once its worker is done; parsed again on its own if a worker died meanwhile."""
        try:
            return unpack(sent.future.result())
        except BrokenProcessPool:
            self._drop(sent.pool)
            rows = _isolated(sent.chunk, self._limits)
            for file in rows if self._warn else ():
                if file.quarantine_code in _ALONE_CODES:
                    self._warn(f"{file.source_path}: quarantined {file.quarantine_code}: {file.quarantine_reason}")
            return rows

    def _drop(self, pool: ProcessPoolExecutor) -> None:
        """Let go of a pool a worker died in (the chunks still in it come back through ``_back``)."""
        pool.shutdown(wait=False, cancel_futures=True)
        if pool is self._pool:
            self._pool = None
            if self._warn:
                guard = self._limits.guard
                how = "; ".join(guard.told() if guard else []) or ("the out-of-memory killer, a crash in a C library, "
                                                                   "the time or memory limit")
                self._warn(f"a parse worker died ({how}): the chunks the workers had are parsed again, each in a "
                           "process of its own")
        if self._limits.guard is not None:
            self._limits.guard.forget_pool(pool)

    def _named(self, parsed: list[FileRows]) -> list[FileRows]:
        return _noting_names(parsed, self._on_disk)


@dataclass(frozen=True, slots=True)
class _ProcessLimits:
    """What a parse process may spend: seconds a file (0: no limit), and memory, which
    ``guard`` holds it to (None: no limit); and the last year a report may cover."""

    time_s: float
    guard: MemoryGuard | None
    max_year: int


@dataclass(slots=True)
class _Sent:
    """A chunk in the workers: the files, the future of their rows, and the pool they went to."""

    chunk: list[tuple[str, str, int]]
    future: Future
    pool: ProcessPoolExecutor


class ParseWorkersDying(RuntimeError):
    """A parse worker died with no file to parse: the machine or the installation, not a file."""


def _unpack_held(held: tuple[bytes, int]) -> list[FileRows]:
    return _unpack(_unheld(held))


def _isolated(chunk: list[tuple[str, str, int]], limits: _ProcessLimits) -> list[FileRows]:
    """A chunk whose worker died (the pool fails every chunk in flight then, not only the
    one that killed it), parsed in a process of its own. If that dies too, each of its
    files is parsed alone: one that kills its process twice is quarantined
    ``worker_died``, one that runs past the time limit ``parse_timeout``, one whose
    process holds more memory than the limit ``parse_memory_limit``, and the others
    are parsed."""
    packed, _, _ = _parse_alone(chunk, limits)
    if packed is not None:
        return _unpack(packed)
    if _parse_alone([], limits)[0] is None:
        raise ParseWorkersDying("a parse worker died with no file to parse (out of memory, or a broken "
                                "installation: try `python -c 'import orchestration.corpus.worker_preload'`)")
    return [rows for file in chunk for rows in _file_alone(file, limits)]


_ALONE_CODES = ("worker_died", "parse_timeout", "parse_memory_limit")  # (what a file parsed alone may be quarantined as)


def _file_alone(file: tuple[str, str, int], limits: _ProcessLimits) -> list[FileRows]:
    endings = []
    for _ in range(2):  # (a worker killed for something else, once, does not quarantine the file)
        started = time.monotonic()
        packed, exit_code, over_memory = _parse_alone([file], limits)
        if packed is not None:
            return _unpack(packed)
        if over_memory and limits.guard:
            return _quarantined_alone(file, "parse_memory_limit",
                                      reasons.PARSE_MEMORY_LIMIT.format(limit_mb=limits.guard.limit_mb))
        if limits.time_s and exit_code == 1 and time.monotonic() - started >= limits.time_s:
            return _quarantined_alone(file, "parse_timeout", reasons.PARSE_TIMEOUT.format(limit_s=limits.time_s))
        endings.append(_ending(exit_code))
    how = endings[0] if endings[0] == endings[1] else "; ".join(endings)
    return _quarantined_alone(file, "worker_died", reasons.WORKER_DIED.format(how=how))


def _quarantined_alone(file: tuple[str, str, int], code: str, reason: str) -> list[FileRows]:
    relative, absolute, _ = file
    try:
        data = Path(absolute).read_bytes()
    except OSError as error:
        return [_alone_rows(unreadable(relative, error))]
    return [_alone_rows(crashed(data, relative, code, reason))]


def _alone_rows(parse: FileParse) -> FileRows:
    rows = file_rows(parse)
    rows.values, rows.checks = empty_span("values"), empty_span("identity_checks")
    return rows


def _ending(exit_code: int | None) -> str:
    if exit_code is not None and exit_code < 0:
        try:
            name = signal.Signals(-exit_code).name
        except ValueError:
            name = reasons.UNKNOWN_SIGNAL.format(number=-exit_code)
        return reasons.KILLED_BY.format(signal=name) + (reasons.OUT_OF_MEMORY_KILLER if -exit_code == signal.SIGKILL else "")
    return reasons.EXIT_CODE.format(code=exit_code)


def _parse_alone(chunk: list[tuple[str, str, int]],
                 limits: _ProcessLimits) -> tuple[_Packed | None, int | None, bool]:
    """``chunk`` parsed in a process of its own (forked ready from the workers' forkserver):
    its rows, or None, how the process ended and whether the memory guard stopped it,
    when it died before sending them."""
    context = _pool_context()
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_parse_and_send, args=(chunk, limits.max_year, sending, limits.time_s, os.getpid()),
                              daemon=True)
    process.start()
    if limits.guard is not None:
        limits.guard.watch(process.pid)
    sending.close()  # (this end is the child's now: the pipe ends when the child does)
    try:
        packed = receiving.recv()
    except EOFError:
        packed = None
    finally:
        receiving.close()
    process.join()
    over_memory = limits.guard is not None and limits.guard.forget(process.pid)
    if packed is not None:
        return packed, None, False
    return None, process.exitcode, over_memory


def _parse_and_send(chunk: list[tuple[str, str, int]], max_year: int, sending, time_limit: float, run: int) -> None:
    _start_limited_worker(time_limit, run)  # (started as a pool's worker is)
    sending.send(parse_chunk_packed(chunk, max_year))
    sending.close()


def _noting_names(parsed: list[FileRows], on_disk: dict[str, str]) -> list[FileRows]:
    """A file parsed under an escaped path (``recorded_path``) gets an issue saying so,
    with its name read as GB18030 (how Chinese crawls unpacked on Windows name files)
    when it reads as that."""
    for rows in parsed if on_disk else ():
        if rows.source_path in on_disk:
            try:
                guess = f"; read as GB18030 it is {os.fsencode(on_disk[rows.source_path]).decode('gb18030')}"
            except UnicodeDecodeError:
                guess = ""
            issue = Issue("file_name_not_utf8", f"the file's path on disk is not UTF-8{guess}")
            rows.issues.append(issue_row(rows.source_path, rows.report_id, len(rows.issues), issue))
            rows.report["issue_count"] += 1
    return parsed


def _pool_context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([f"{__package__}.worker_preload"])
    return context


def start_forkserver() -> None:
    """Start the workers' forkserver now, without waiting for it: it imports the parser
    (about 0.4 s) while the run lists and plans the raw folder, rather than after, when
    the first chunk is sent. A process that has one running keeps it."""
    _pool_context()
    multiprocessing.forkserver.ensure_running()
