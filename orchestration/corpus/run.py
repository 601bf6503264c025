"""A run of the parse stage: plan the raw files, parse the new and changed ones, take
the others' rows from earlier outputs (or link their folder parts whole), write the
tables aside and publish them."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from .. import durable, locks
from ..schema import TABLES
from ..settings import Settings, table_glob, usable_cpus
from . import interrupted as interrupted_runs
from .duplicates import FirstCopies, LinkedPaths, as_duplicate, duplicate_report_issues, strings
from .layout import Layout, advice
from .limits import Limits
from .listing import LISTED_AT, RawDirEmptied, raw_folders, raw_listing, require_raw_dir
from .parts import ROOT_PART, STATE_DIR, link_file, part_file, part_name, part_of, read_part
from .plan import Plan, new_files, plan_files
from .pool import Parser, parse_file, start_forkserver
from .previous import Previous, Sources
from .progress import Progress, RunLog
from .rows import FileRows
from .summary import RunSummary, summary_of
from .writers import PartWriters


def build_parquet(settings: Settings, workers: int | None = None, waiting: locks.Waiting | None = None,
                  log: RunLog | None = None) -> RunSummary:
    """Parse the raw folder and publish the three Parquet tables (and the state).

    Files a folder partition already parsed (``build_folder_part``) are taken from
    its part, so after a backfill of every folder this step parses nothing and
    only settles what crosses folders (duplicates) while composing the tables.
    While another run writes or reads them, it waits (``orchestration.locks``),
    telling ``waiting``. Once the tables are published, the parts of folders gone from
    the raw folder are removed. A raw folder that is missing, or has no files while the
    published tables have some, stops it before it writes (``RawDirMissing``,
    ``RawDirEmptied``). How far it is, and a worker that died, go to ``log``.
    """
    require_raw_dir(settings.raw_dir)
    with locks.whole_parse(settings.data_dir, waiting):
        folders = raw_folders(settings.raw_dir)
        parts = [part_dir(settings, folder) for folder in folders]
        summary = _build(settings, settings.data_dir / "parquet.d", settings.parquet_dir, workers,
                         parts=[p for p in parts if p.exists()], log=log)
        # (After the build: a run that fails, or stops on an emptied raw folder, removes nothing.)
        remove_parts_of_gone_folders(settings, keep={part_name(folder) for folder in folders})
        return summary


def build_folder_part(settings: Settings, folder: str, workers: int | None = None,
                      waiting: locks.Waiting | None = None, log: RunLog | None = None) -> RunSummary:
    """Parse one top-level raw sub-folder into its own part (a partition of the parse).

    A folder gone from the raw folder (moved, renamed, removed) has no files: its part,
    if any, is removed, and the summary says ``folder_gone``. The files the published tables
    of a whole parse have unchanged (a first backfill after whole runs), or have in folders
    gone (a folder renamed), are taken from them rather than parsed."""
    require_raw_dir(settings.raw_dir)
    name = part_name(folder)
    with locks.folder_parse(settings.data_dir, name, waiting):
        if folder not in raw_folders(settings.raw_dir):
            remove_part(settings, name)
            return RunSummary(folder_gone=True)
        return _build(settings, settings.data_dir / "parts.d" / name, part_dir(settings, folder), workers,
                      folder=folder, log=log, whole_run=settings.parquet_dir)


def part_dir(settings: Settings, folder: str) -> Path:
    return settings.data_dir / "parts" / part_name(folder)


def remove_part(settings: Settings, name: str) -> None:
    """Remove the folder part ``name``: its link in ``parts/`` and its versions in ``parts.d/``."""
    link = settings.data_dir / "parts" / name
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)
    shutil.rmtree(settings.data_dir / "parts.d" / name, ignore_errors=True)


def remove_parts_of_gone_folders(settings: Settings, keep: set[str]) -> None:
    """Remove every folder part but those named in ``keep`` (the raw folder's folders now):
    a folder partition's part outlives its folder otherwise, taking its disk for nothing.
    Called with the parts held alone (``locks.whole_parse``), so no folder is parsed meanwhile."""
    for place in ("parts", "parts.d"):
        directory = settings.data_dir / place
        if directory.is_dir():
            for entry in sorted(directory.iterdir()):
                if entry.name not in keep:
                    remove_part(settings, entry.name)


def _build(settings: Settings, versions: Path, link: Path, workers: int | None, folder: str | None = None,
           parts: list[Path] | None = None, log: RunLog | None = None, whole_run: Path | None = None) -> RunSummary:
    """Write the output aside (in ``versions``) and publish it at ``link``. A run that
    stops keeps the folder parts it completed, and the next run takes them up."""
    log = log or RunLog()
    interrupted = interrupted_runs.interrupted_runs(versions)
    staging = versions / f"{interrupted_runs.STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
    staging.mkdir(parents=True)
    try:
        summary = write_corpus(settings, staging, link, workers, folder=folder, parts=parts or [], log=log,
                               interrupted=interrupted, whole_run=whole_run)
    except BaseException:
        warn = log.warn  # (what it kept, if it completed a folder part, is told)
        if (kept := interrupted_runs.keep_or_remove(staging)) and warn:
            warn(kept)
        raise
    if summary.unchanged:
        shutil.rmtree(staging, ignore_errors=True)
        interrupted_runs.remove(interrupted)
    else:
        publish(staging, link)  # (which removes the interrupted runs' folders with the older versions)
    # Arrow's allocator keeps the memory the row groups freed (~80 MB at 100,000 files);
    # the checks and dbt that follow in this process do not allocate from it.
    pa.default_memory_pool().release_unused()
    return summary


def write_corpus(settings: Settings, out_dir: Path, previous_dir: Path | None = None, workers: int | None = None,
                 folder: str | None = None, parts: list[Path] | None = None, log: RunLog | None = None,
                 interrupted: list[Path] | None = None, whole_run: Path | None = None) -> RunSummary:
    """Write the tables for ``settings.raw_dir`` (or its sub-folder ``folder``) into
    ``out_dir``, reusing the rows of unchanged files from ``previous_dir``, ``parts`` and
    the complete folder parts of ``interrupted`` (staging folders of runs that did not finish);
    for a folder, from ``whole_run`` too (a whole parse's published tables: their part of the
    folder, and those of folders gone, whose files may be the folder's now).

    A folder part whose files an earlier output has, all and only them unchanged, is
    linked from it rather than written again (if which copy of a duplicated file is
    the report has not moved): a crawl that adds a folder writes that folder."""
    # One worker asked for (tests, tools) parses in this process; a machine with one CPU
    # still gets a worker process, so that a file that kills its process spares the run.
    in_process = workers is not None and workers <= 1
    log = log or RunLog()
    progress = Progress(log.say)
    workers = workers or usable_cpus()
    if not in_process:
        start_forkserver()
    limits = Limits.of(settings)
    previous = Previous(previous_dir, limits) if previous_dir and previous_dir.exists() else None
    resumed = [source for staging in interrupted or [] if (source := Previous(staging, limits, interrupted=True)).part_names]
    published = [Previous(part, limits) for part in parts or []] + ([previous] if previous else [])
    # (Its damaged parts are the whole parse's to mend: not told, nor counted, here.)
    of_whole_run = [_whole_run_for(settings.raw_dir, folder, whole_run, limits)] if folder and whole_run and whole_run.exists() else []
    sources = Sources(published + of_whole_run + resumed)
    warn = log.warn
    for source in published:
        if source.damaged and warn:
            warn(damaged_text(source.directory, source.damaged))
    if log.say and resumed:
        completed = set().union(*(source.part_names for source in resumed))
        parts_done = "1 folder part" if len(completed) == 1 else f"{len(completed):,} folder parts"
        runs = "a run" if len(resumed) == 1 else f"{len(resumed)} runs"
        log.say(f"taking up {parts_done} completed by {runs} that did not finish "
                f"({', '.join(source.directory.name for source in resumed)}): their unchanged files are not parsed again")
    raw = settings.raw_dir
    listed_at = time.time_ns()  # (before the walk: a file it missed came after this)
    files = raw_listing(raw, folder, progress.listing)
    # (A folder partition's run is one part: the whole raw folder's layout is the whole parse's to tell.)
    said = [] if folder else advice(Layout(len(files.names), files.top_files, files.top_folders), str(raw))
    for text in said if warn else ():
        warn(text)
    if folder is None and not files.names and previous and ((kept := previous.files()) or previous.damaged):
        damaged = f" (and {len(previous.damaged):,} damaged parts)" if previous.damaged else ""
        raise RawDirEmptied(
            f"raw directory {raw} has no files, and the published tables have {kept:,}{damaged}: nothing was "
            "parsed, the published tables are kept (a share that is not mounted looks like this). To empty the "
            f"tables on purpose, remove {settings.parquet_dir} first."
        )
    with Parser(raw, settings.max_file_bytes, workers, files.on_disk, settings.file_time_limit_s, in_process,
                settings.worker_memory_mb, log.warn, settings.max_report_year) as parser:
        # (Not in a first run: its plan is a sliver of its parse, and the files the workers
        # parsed meanwhile would wait to be written: a peak of 523 MB against 487 MB at a
        # million files.)
        if previous or parts or resumed or of_whole_run:
            parser.begin(new_files(files, [folder] if folder else raw_folders(raw), sources))
        listed = len(files.names)

        def between(stated: int) -> None:
            parser.top_up()
            progress.stating(stated, listed)

        plan = plan_files(raw, files, sources, between, parser.sent_early, settings.trust_ctime)
        del files  # the plan holds the paths now, and frees each as it is written
        progress.planned(len(plan), len(plan) - plan.known.count(1),
                         sum(end - start for start, (end, *_) in plan.links.items()))
        if previous and len(plan) and len(plan) == previous.matched == previous.files() and not previous.damaged:
            summary = summary_of(previous_dir)
            summary.unchanged = True
            summary.layout_advice = said
            return summary
        sources.planned()
        work = [relative for relative, known in zip(plan.paths, plan.known) if not known]

        def parse_now(relative: str) -> FileRows:
            return parse_file(raw, relative, settings.max_file_bytes, plan.on_disk, settings.max_report_year)

        summary = _write(plan, parser.rows(work), sources, out_dir, parse_now, limits, progress)
        summary.damaged_parts = sum(len(source.damaged) for source in published)
        summary.same_bytes = plan.same_bytes
        summary.moved = plan.moved
        summary.layout_advice = said
        (out_dir / LISTED_AT).write_text(f"{listed_at}\n", encoding="ascii")
        return summary


def _whole_run_for(raw: Path, folder: str, whole_run: Path, limits: Limits) -> Previous:
    """A whole parse's published output, as a folder partition's run takes from it: the
    folder's part, and the parts of folders the raw folder no longer has."""
    own, current = part_name(folder), {part_name(name) for name in raw_folders(raw)}
    return Previous(whole_run, limits, keep=lambda part: part == own or (part != ROOT_PART and part not in current))


def damaged_text(directory: Path, damaged: dict[str, str]) -> str:
    """The warning for an earlier output's parts that are not whole (``Previous.damaged``)."""
    shown = [f"{part} ({why})" for part, why in sorted(damaged.items())[:5]]
    more = f" and {len(damaged) - len(shown):,} more" if len(damaged) > len(shown) else ""
    parts = "1 part" if len(damaged) == 1 else f"{len(damaged):,} parts"
    return (f"{parts} of the output in {directory} {'is' if len(damaged) == 1 else 'are'} damaged: "
            f"{', '.join(shown)}{more}. Their files are parsed again and this run's output replaces them "
            "(a crash of the machine before they reached the disk, or files changed or removed by hand, does this)")


def _write(plan: Plan, parsed: Iterator[FileRows], previous: Sources, out_dir: Path, parse_now,
           limits: Limits, progress: Progress) -> RunSummary:
    """Write every file of ``plan`` in its order, taking up the plan as it goes: what is
    kept per file shrinks as the writer advances, rather than all of it being held to
    the end."""
    summary = RunSummary()
    writers = PartWriters(out_dir, limits, plan.renamed)
    first_copies = FirstCopies()
    try:
        index = 0
        while index < len(plan):
            if index >= progress.next_at:
                progress.at(index, len(plan), summary.reparsed)
            if index in plan.links:
                end, part, source, restamped = plan.links[index]
                if _link_part(source, part, out_dir, first_copies, summary, with_state=not restamped):
                    if restamped:  # (its files' times changed, not their bytes)
                        writers.restamp(part, part_file(source, STATE_DIR, part), plan.stamps[index:end])  # type: ignore[arg-type]
                    previous.skip(plan.forget(index, end))
                    if previous.interrupted(source):
                        summary.resumed += end - index
                    index = end
                    continue
            relative, stamp, known = plan.take(index)
            index += 1
            rows = previous.take(relative) if known else None
            if rows is None:
                rows = next(parsed)
                assert rows.source_path == relative, (rows.source_path, relative)
                summary.reparsed += 1
            digest = rows.content_sha256
            if rows.quarantine_code == "duplicate_content" and rows.report_id not in first_copies:
                # A copy in the last run whose original is gone: it is the report now.
                rows = parse_now(relative)
                summary.reparsed += 1
            elif known:
                summary.resumed += previous.taken_up
            if rows.report_id in first_copies and (rows.status == "parsed" or rows.quarantine_code == "duplicate_content"):
                rows = as_duplicate(rows, first_copies.path(rows.report_id))
            if rows.status == "parsed":
                first_copies.add(rows.report_id, relative)
            writers.add(part_of(relative), rows, summary, stamp, digest)
        # What was held per file goes before DuckDB reads the reports back (the run's peak).
        first_copies.clear()
        previous.close()
        writers.close_reports()
        pa.default_memory_pool().release_unused()
        writers.root.add_issues(duplicate_report_issues(table_glob(out_dir, "reports")), summary)
        writers.close()
    except BaseException:
        writers.abort()
        raise
    return summary


def _link_part(source: Path, part: str, out_dir: Path, first_copies: FirstCopies, summary: RunSummary,
               with_state: bool = True) -> bool:
    """Link an earlier output's part of a folder into ``out_dir`` if every file in it
    would be written as it is there: which copy of a duplicated file is the report (the
    first in path order) depends on the files before, which may have changed. Without
    ``with_state``, its tables alone (its files' times changed: the caller writes their states).

    The parsed reports are checked as a set (none may be the first copy elsewhere now),
    and only the duplicates one by one: a part is mostly parsed reports."""
    reports = read_part(part_file(source, "reports", part), [
        "source_path", "report_id", "status", "quarantine_code", "quarantine_reason",
        "value_count", "issue_count", "check_count"])
    is_parsed = pc.equal(reports["status"], "parsed")
    parsed = reports.filter(is_parsed)
    found = dict.fromkeys(strings(parsed["report_id"]), LinkedPaths(part_file(source, "reports", part)))
    if len(found) < parsed.num_rows or not first_copies.isdisjoint(found):
        return False  # a parsed report is a copy now
    copies = reports.filter(pc.equal(reports["quarantine_code"], "duplicate_content"))
    if copies.num_rows:
        firsts = parsed.filter(pc.is_in(parsed["report_id"], copies["report_id"].combine_chunks()))  # (in this part)
        here = dict(zip(firsts["report_id"].to_pylist(), firsts["source_path"].to_pylist()))
        for report_id, reason in zip(copies["report_id"].to_pylist(), copies["quarantine_reason"].to_pylist()):
            first = first_copies.path(report_id) or here.get(report_id)
            if first is None or reason != f"same bytes as {first}":
                return False  # its first copy moved, or is gone
    first_copies.update(found)
    for table in (*TABLES, STATE_DIR) if with_state else TABLES:
        link_file(part_file(source, table, part), part_file(out_dir, table, part))
    summary.files += reports.num_rows
    summary.parsed += parsed.num_rows
    summary.quarantined += reports.num_rows - parsed.num_rows
    summary.values += pc.sum(reports["value_count"]).as_py() or 0
    summary.issues += pc.sum(reports["issue_count"]).as_py() or 0
    summary.checks += pc.sum(reports["check_count"]).as_py() or 0
    codes = read_part(part_file(source, "issues", part), ["code"])["code"]
    for code in codes.value_counts().to_pylist():
        summary.by_code[code["values"]] += code["counts"]
    summary.linked += reports.num_rows
    return True


def publish(staging: Path, link: Path) -> None:
    """Point ``link`` at ``staging`` in one atomic rename; remove older versions.
    Each step is on the disk before the next (the parts' files were as they closed), so
    a crash of the machine leaves ``link`` at the old version or at the new one whole."""
    versions = staging.parent
    final = versions / f"run-{uuid.uuid4().hex[:12]}"
    durable.sync_files(path for path in staging.iterdir() if path.is_file())  # (the listing's time, the parts named)
    durable.sync_folders(staging)
    staging.rename(final)
    durable.sync_folder(versions)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a plain directory left by hand: replace it
    temporary = link.with_name(link.name + ".new")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    link.parent.mkdir(parents=True, exist_ok=True)
    temporary.symlink_to(os.path.relpath(final, link.parent))
    os.replace(temporary, link)
    durable.sync_folder(link.parent)
    for old in versions.iterdir():
        if old != final:
            shutil.rmtree(old, ignore_errors=True)
