"""The new output's writers: each part's four tables and file states, streamed in row
groups of ``ROW_GROUP_FILES`` files, the same bytes whether a file was parsed or copied."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .. import durable
from ..issue_codes import TRIED_EVERY_RUN
from ..schema import TABLES
from .interrupted import mark_complete
from .limits import Limits
from .listing import UNREADABLE_MTIME, unstamp
from .parts import ROOT_PART, ROW_GROUP_FILES, STATE_DIR, STATE_SCHEMA, LazyTable, link_file, part_file, read_part
from .rows import ROWS_VERSION, FileRows, Span
from .summary import RunSummary


class _StateWriter:
    """A part's file states, written in row groups as files are settled (not held to the
    end), by ``encoder`` like the part's tables: every Parquet write of a run on one thread,
    in order, so the first that fails (a full disk) is the run's error, not another write's
    raised on the run's thread meanwhile."""

    def __init__(self, path: Path, encoder: _InOrder) -> None:
        self._writer = pq.ParquetWriter(path, STATE_SCHEMA)
        self._encoder = encoder
        self._rows: list[_StateRow] = []

    def add(self, relative: str, size: int, mtime_ns: int, ctime_ns: int, digest: str | None,
            limits: str | None) -> None:
        self._rows.append((relative, size, mtime_ns, ctime_ns, digest, limits))
        if len(self._rows) == ROW_GROUP_FILES:
            self._encoder.submit(partial(self._write, self._rows))
            self._rows = []

    def _write(self, rows: list[_StateRow], then_close: bool = False) -> None:
        """(On the encoder's thread.)"""
        if rows:
            paths, sizes, mtimes, ctimes, digests, limits = map(list, zip(*rows))
            columns = [paths, sizes, mtimes, ctimes, digests, [ROWS_VERSION] * len(paths), limits]
            self._writer.write_table(pa.table(dict(zip(STATE_SCHEMA.names, columns)), schema=STATE_SCHEMA))
        if then_close:
            self._writer.close()

    @property
    def is_open(self) -> bool:
        return self._writer.is_open

    def close(self) -> None:
        self._encoder.submit(partial(self._write, self._rows, then_close=True))
        self._rows = []

    def abandon(self) -> None:
        """A failing run: the rows not written are dropped, the file closed as it is."""
        self._rows = []
        _abandon(self._writer)


_StateRow = tuple[str, int, int, int, str | None, str | None]  # path, size, mtime_ns, ctime_ns, content hash, limits


class _InOrder:
    """Tasks run in order on a thread of its own beside the run's, at most ``depth`` of
    them waiting or running (``submit`` waits for the oldest beyond that).

    Two of them: the row groups' Parquet encoding (``ENCODING``: Arrow encodes without
    the GIL, and a run that copies most of its rows, a crawl adding to every folder,
    spent 40% of its time there; one deep, so one row group at most is held beyond the
    one being gathered: two gave no more speed, for about 60 MB more), and the parts'
    flushing to the disk and naming complete (``FLUSHING``: waiting on the disk, 0.75 s
    a 100k parse and ten times that at a million, does not hold up the encoding).
    """

    def __init__(self, name: str, depth: int) -> None:
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._depth = depth
        self._pending: deque[Future] = deque()

    def submit(self, task: Callable[[], None]) -> None:
        while len(self._pending) >= self._depth:
            self._pending.popleft().result()  # (raises here what the task raised)
        self._pending.append(self._executor.submit(task))

    def wait(self) -> None:
        """Every task submitted is done (what one raised is raised here)."""
        while self._pending:
            self._pending.popleft().result()

    def close(self) -> None:
        self.wait()
        self._executor.shutdown()

    def stop(self) -> None:
        """A failing run: drop the tasks not started, let the running one end, whatever it raises."""
        self._pending.clear()
        self._executor.shutdown(wait=True, cancel_futures=True)


ENCODING = ("ogi-parquet", 1)
FLUSHING = ("ogi-flush", 64)  # (a task a part: a few bytes each)


_FIGURES = ("values", "identity_checks")  # the tables keyed by report, with no path: a folder renamed has them as they were


class _Writer:
    """One part's tables and file states, in row groups of ROW_GROUP_FILES files
    (encoded by ``encoder``, the file states too), flushed to the disk by ``flusher`` once
    closed.

    With ``figures_from`` (an earlier output's folder and part whose files this part's are,
    every one moved in its order: a folder renamed), the figure tables' row groups are held
    rather than written; if they are that part's rows, whole and in order, its files are
    linked as they are (the bytes a write would give), else written as gathered."""

    def __init__(self, out_dir: Path, part: str, encoder: _InOrder, flusher: _InOrder, limits: Limits,
                 figures_from: tuple[Path, str] | None = None) -> None:
        self.part = part
        self._out_dir = out_dir
        self._encoder = encoder
        self._flusher = flusher
        self._limits = limits
        self._figures_from = figures_from
        self._held: list[tuple[list[Span], list[Span]]] = []  # (with figures_from) each row group's figure spans
        self._writers = {}
        for name in TABLES:
            if figures_from is None or name not in _FIGURES:
                self._open(name)
        (out_dir / STATE_DIR).mkdir(exist_ok=True)
        self._state = _StateWriter(part_file(out_dir, STATE_DIR, part), encoder)
        self._reports: list[Span] = []
        self._parsed_reports: list[dict] = []  # the row group's report rows made as dicts (``_PENDING`` spans)
        self._values: list[Span] = []
        self._issues: list[dict] = []
        self._checks: list[Span] = []
        self._files = 0

    def add(self, rows: FileRows, summary: RunSummary, stamp: int, digest: str | None) -> None:
        if isinstance(rows.report, dict):
            join_span(self._reports, Span(_PENDING, len(self._parsed_reports), 1))
            self._parsed_reports.append(rows.report)
        else:
            join_span(self._reports, rows.report)
        join_span(self._values, rows.values)
        self._issues.extend(rows.issues)
        join_span(self._checks, rows.checks)
        size, mtime_ns, ctime_ns = unstamp(stamp)
        # A file or folder that could not be read is never taken for unchanged: the next run tries it again.
        retry = rows.quarantine_code in TRIED_EVERY_RUN
        self._state.add(rows.source_path, size, UNREADABLE_MTIME if retry else mtime_ns, ctime_ns, digest,
                        self._limits.recorded(rows.quarantine_code, rows.issues))
        summary.files += 1
        summary.parsed += rows.status == "parsed"
        summary.quarantined += rows.status != "parsed"
        summary.values += rows.values.length
        summary.issues += len(rows.issues)
        summary.checks += rows.checks.length
        for issue in rows.issues:
            summary.by_code[issue["code"]] += 1
        self._files += 1
        if self._files % ROW_GROUP_FILES == 0:
            self.flush()

    def close_reports(self) -> None:
        """Write what is pending and close the reports' file, so it can be read back."""
        self.flush()
        self._encoder.submit(self._writers["reports"].close)
        self._encoder.wait()

    def add_issues(self, issues: list[dict], summary: RunSummary) -> None:
        self.flush()
        self._issues.extend(issues)
        summary.issues += len(issues)
        for issue in issues:
            summary.by_code[issue["code"]] += 1

    def _end_parsed_reports(self) -> None:
        """The row group's report rows made as dicts, made one table, which their spans then
        point into: one conversion a row group, not one for each run of them between copied
        rows (a renamed folder's copies, each a dict among copied rows, cost 0.26 ms apiece)."""
        if self._parsed_reports:
            made = pa.Table.from_pylist(self._parsed_reports, schema=TABLES["reports"].arrow_schema)
            self._reports = [Span(made, span.offset, span.length) if span.table is _PENDING else span
                             for span in self._reports]
            self._parsed_reports = []

    def _open(self, name: str) -> None:
        path = part_file(self._out_dir, name, self.part)
        path.parent.mkdir(exist_ok=True)
        self._writers[name] = pq.ParquetWriter(path, TABLES[name].arrow_schema, write_statistics=_statistics_columns(name))

    def flush(self, then_close: bool = False) -> None:
        """Send what is gathered to the encoder as a row group (and the files' closing after it:
        one task, so the next part is gathered while this one's last row group is encoded)."""
        self._end_parsed_reports()
        if self._figures_from is not None and (self._values or self._checks):
            self._held.append((self._values, self._checks))
            self._values, self._checks = [], []
        if self._reports or self._values or self._issues or self._checks or then_close:
            self._encoder.submit(partial(self._write_row_group, self._reports, self._values, self._issues, self._checks,
                                         then_close))
        self._reports, self._values, self._issues, self._checks = [], [], [], []

    def _write_row_group(self, reports: list[Span], values: list[Span], issues: list[dict], checks: list[Span],
                         then_close: bool) -> None:
        """(On the encoder's thread.)"""
        if reports:
            _write_spans(self._writers["reports"], reports)
        if values:
            _write_spans(self._writers["values"], values)
        if issues:
            self._writers["issues"].write_table(pa.Table.from_pylist(issues, schema=TABLES["issues"].arrow_schema))
        if checks:
            _write_spans(self._writers["identity_checks"], checks)
        if then_close:
            if self._figures_from is not None:
                self._settle_figures()
            self._close_files()
            self._flusher.submit(self._flush_to_disk)

    def _settle_figures(self) -> None:
        """(On the encoder's thread, as the part closes.) Link the earlier part's figure tables
        if the held row groups are their rows, whole and in order; else write what is held."""
        directory, part = self._figures_from  # type: ignore[misc]
        sources = [part_file(directory, name, part) for name in _FIGURES]
        held = [[span for group in self._held for span in group[n]] for n in range(len(_FIGURES))]
        if all(_whole_of(source, spans) for source, spans in zip(sources, held, strict=True)):
            for name, source in zip(_FIGURES, sources, strict=True):
                link_file(source, part_file(self._out_dir, name, self.part))
            return
        for name in _FIGURES:
            self._open(name)
        for values, checks in self._held:
            for name, spans in zip(_FIGURES, (values, checks), strict=True):
                if spans:
                    _write_spans(self._writers[name], spans)

    def _flush_to_disk(self) -> None:
        """(On the flusher's thread.) The part's files on the disk before it is named
        complete, or its run published (durable.py)."""
        durable.sync_files([*(part_file(self._out_dir, name, self.part) for name in TABLES),
                            part_file(self._out_dir, STATE_DIR, self.part)])
        if self.part != ROOT_PART:  # (the root part is closed as the run ends: nothing to take up)
            mark_complete(self._out_dir, self.part)

    def close(self) -> None:
        # The file states first (on the encoder too): the part is named complete once the encoder has closed
        # the tables after them and the flusher has put all five on the disk.
        self._state.close()
        self.flush(then_close=True)

    def abort(self) -> None:
        """(Once the encoder is stopped.) The files are closed as they are, whatever that
        raises: the part is not named complete, and the run's own error is the one to tell."""
        self._abandon_files()
        self._state.abandon()

    def is_open(self) -> bool:
        """Whether a file of the part's is still open (its closing not yet done by the encoder)."""
        return any(writer.is_open for writer in self._writers.values())

    def _close_files(self) -> None:
        try:
            for writer in self._writers.values():
                writer.close()
        except BaseException:
            self._abandon_files()  # (those closed already are left as they are)
            raise

    def _abandon_files(self) -> None:
        for writer in self._writers.values():
            _abandon(writer)


class PartWriters:
    """The writers of the root part (open from start to end: files at the top of the
    raw folder come between folders) and of the folder part being written."""

    def __init__(self, out_dir: Path, limits: Limits, renamed: dict[str, tuple[Path, str]] | None = None) -> None:
        self._out_dir, self._limits = out_dir, limits
        self._renamed = renamed or {}  # a folder part -> the earlier output and part whose figure tables it may take
        self._encoder, self._flusher = _InOrder(*ENCODING), _InOrder(*FLUSHING)
        # (The root part is always written: every table has a file to read.)
        self.root = _Writer(out_dir, ROOT_PART, self._encoder, self._flusher, limits)
        self._folder: _Writer | None = None
        self._closing: list[_Writer] = []  # folder parts whose closing the encoder may not have done yet
        self._restamped: list[_StateWriter] = []  # linked parts' file states the encoder may not have closed yet

    def add(self, part: str, rows: FileRows, summary: RunSummary, stamp: int, digest: str | None) -> None:
        if part == ROOT_PART:
            writer = self.root
        else:
            if self._folder is None or self._folder.part != part:
                self._close_folder()
                self._folder = _Writer(self._out_dir, part, self._encoder, self._flusher, self._limits,
                                       self._renamed.get(part))
            writer = self._folder
        writer.add(rows, summary, stamp, digest)

    def restamp(self, part: str, linked_state: Path, stamps: list[int]) -> None:
        """The file states of a folder part linked from an earlier output (``linked_state``,
        its states) whose files have its bytes under other times (``stamps``, their sizes and
        times now, in its order): written again by the encoder and flushed by the flusher, as a part's are,
        so the bytes are a full run's and every Parquet write of the run is on one thread."""
        state = read_part(linked_state, ["source_path", "content_sha256", "limits"])
        path = part_file(self._out_dir, STATE_DIR, part)
        writer = _StateWriter(path, self._encoder)
        self._restamped = [open_writer for open_writer in self._restamped if open_writer.is_open] + [writer]
        for relative, stamp, digest, limits in zip(state["source_path"].to_pylist(), stamps,
                                                   state["content_sha256"].to_pylist(), state["limits"].to_pylist(),
                                                   strict=True):
            writer.add(relative, *unstamp(stamp), digest, limits)
        writer.close()
        # (Sent to the flusher by the encoder once it has closed the file.)
        self._encoder.submit(partial(self._flusher.submit, partial(durable.sync_files, [path])))

    def _close_folder(self) -> None:
        if self._folder is not None:
            folder, self._folder = self._folder, None
            self._closing = [writer for writer in self._closing if writer.is_open()] + [folder]
            folder.close()

    def close_reports(self) -> None:
        """Every file is written: close the folder part and the root part's reports, to be read back."""
        self._close_folder()
        self.root.close_reports()

    def close(self) -> None:
        self.root.close()
        self._encoder.close()
        self._flusher.close()

    def abort(self) -> None:
        self._encoder.stop()  # (a folder part's closing not yet done is dropped with it: its files are closed here)
        self._flusher.stop()  # (a part not yet flushed is not named complete)
        for writer in (self.root, self._folder, *self._closing):
            if writer is not None:
                writer.abort()
        for state in self._restamped:
            state.abandon()


def _abandon(writer: pq.ParquetWriter) -> None:
    """Close a failing run's writer, letting go what that raises: on a full disk a close
    fails too, and its error would replace the run's (``ArrowInvalid: Operation on closed
    file`` in place of ``No space left on device``)."""
    try:
        writer.close()
    except (OSError, pa.ArrowException):
        writer.is_open = False  # (else its __del__ closes it again, and prints that error)


def _whole_of(source: Path, spans: list[Span]) -> bool:
    """Whether ``spans`` are every row of the Parquet file ``source``, in order (read lazily
    from it: ``LazyTable``)."""
    at = 0
    for span in spans:
        if not isinstance(span.table, LazyTable) or span.table.path != source or span.offset != at:
            return False
        at += span.length
    return at == pq.read_metadata(source).num_rows


def _write_spans(writer: pq.ParquetWriter, spans: list[Span]) -> None:
    """One row group of the spans' rows, combined into one chunk per column whether
    they were parsed or copied (and however they were cut): a column's pages, and so
    the bytes, do not depend on it."""
    rows = pa.concat_tables([span.rows() for span in spans]).combine_chunks()
    writer.write_table(rows, row_group_size=max(1, rows.num_rows))


def _statistics_columns(name: str) -> bool | list[str]:
    """Columns whose row-group min / max the Parquet keeps.

    In the figure tables, not the strings outside the key: every row group holds
    every section, item and dimension, so their bounds would prune nothing, and
    computing them was a fifth of encoding the values table.
    """
    if name not in ("values", "identity_checks"):
        return True
    table = TABLES[name]
    return [c.name for c in table.columns if c.name in table.unique_key or not pa.types.is_string(c.type)]


# Where a report row made as a dict goes among the row group's spans, until the dicts are one table.
_PENDING = pa.table({})


def join_span(spans: list[Span], span: Span) -> None:
    """Add ``span`` to ``spans``, lengthening the last one when it follows on from it."""
    if not span.length:
        return
    if spans and span.follows(spans[-1]):
        last = spans[-1]
        spans[-1] = Span(last.table, last.offset, last.length + span.length)
    else:
        spans.append(span)
