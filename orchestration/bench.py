"""`ogi bench`: the pipeline's speed and memory on a synthetic corpus, one
``name: value`` line per figure.

- ``parse_reports_per_s``: the parse stage (all cores) over N reports, Parquet written;
- ``floor_reports_per_s``: one process reading, decoding and running one regex for
  digits over the same files — what no parser can beat per core;
- ``floor_ratio``: parse time / floor time;
- ``incremental_rerun_s``: the parse stage again, nothing changed;
- ``incremental_add_1pct_s``: the parse stage again after a crawl added 1% new files
  (``added_files``) in a folder of their own, and its share of the first parse (no kept
  file read again: ``added_same_bytes``);
- ``incremental_add_1pct_fresh_s``: that crawl's parse again, in a new process as `ogi
  run`'s parse step is (``fresh_added_files``), after what `ogi run` does before it (the
  parse workers' forkserver started, Dagster's definitions loaded): the figure above has
  the forkserver up since the first parse;
- ``incremental_add_1pct_spread_s``: the same new files spread over every existing folder
  instead (``spread_added_files``): every folder part is written again;
- ``incremental_copied_s``: the parse stage again over a copy of the raw folder made
  without its times (``cp -r``, a download that does not keep them): every file's time is new,
  no file's bytes are (``copied_reparsed``, ``copied_same_bytes``);
- ``incremental_renamed_s``: the parse stage again after every top-level folder was
  renamed (``renamed_<folder>``): every file's path is new, no file's bytes are
  (``renamed_reparsed``, ``renamed_moved``);
- ``full_run_s``: `ogi run` from scratch (parse + dbt build + every check);
- ``full_rerun_add_1pct_s``: `ogi run` again in the same data folder after that crawl
  (parse of the new files, the fact marts only for the new reports, every check);
- ``parse_cores_busy``: how many of the machine's cores the parse kept busy, on average
  (its CPU time over its wall time, read from ``/proc/stat``: every process, the
  workers' and this one's), then the CPU time a report took in this process
  (``parse_main_cpu_us_per_report``: listing, planning, gathering the workers' rows and
  encoding the Parquet) and in the rest of the machine (``parse_workers_cpu_us_per_report``:
  the parse workers, and whatever else ran meanwhile); Linux only;
- ``compiled_parser``: 1 when the parser runs compiled by mypyc (setup.py), 0 from source;
- ``peak_rss_mb``: the largest resident set of this process or any child (workers, dbt),
  then each of the two (``peak_rss_own_mb``, ``peak_rss_children_mb``), and the largest
  before the crawl (``peak_rss_first_runs_mb``: the parse and the full run from scratch);
- up to 20,000 reports, ``figures_recovered_pct``: the generated figures the Parquet has,
  with their values, and ``score_mistakes``: all it has wrong against the corpus's truth
  (figures missed or wrong, found but not in the truth or twice, metadata, statuses and
  issues: ``scoring.Score.mistakes``); ``warehouse_figures_recovered_pct`` and
  ``warehouse_score_mistakes``: the same of the full run's marts and dimensions, what an
  analyst reads (``orchestration/scoring.py``).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import parsing
from .corpus import RunSummary, build_parquet, list_raw_files
from .scoring import score, score_warehouse
from .settings import Settings, default_worker_memory_mb, environment, load_settings, usable_cpus
from .synth import generate

_DIGITS = re.compile(r"\d+")
# Scoring takes 14 s a source at 10,000 reports and 3.4-4.4 min at 100,000 (a query a
# thousand truth files, each over the whole corpus; 601 MB): larger corpora are measured,
# not scored, here; orchestration.scoring scores them when asked. The tests score recovery.
_SCORED_UP_TO = 20_000


def _made_once(out: Path, make: Callable[[Path], object]) -> Path:
    """``out``, made by ``make`` the first time and reused after (a half-made one is made again)."""
    done = out / ".complete"
    if not done.exists():
        shutil.rmtree(out, ignore_errors=True)
        make(out)
        done.touch()
    return out


def corpus(reports: int, seed: int, workdir: Path) -> Path:
    """A synthetic corpus of ``reports`` files, generated once and reused."""
    return _made_once(workdir / f"synth-{reports}-{seed}", lambda out: generate(reports, out, seed))


def crawl_added(raw: Path, reports: int, seed: int, workdir: Path) -> Path:
    """The raw folder as the next crawl leaves it: the same files (hard links, so the
    same size and modification time) and 1% new reports under ``next_crawl/``."""
    added = corpus(max(1, reports // 100), seed + 1, workdir)

    def make(out: Path) -> None:
        shutil.copytree(raw, out / "raw", copy_function=os.link)
        shutil.copytree(added / "raw", out / "raw" / "next_crawl")

    return _made_once(workdir / f"crawl-{reports}-{seed}", make) / "raw"


def crawl_spread(raw: Path, reports: int, seed: int, workdir: Path) -> Path:
    """The raw folder as a crawl that adds to every folder leaves it: the same files (hard
    links) and the 1% new reports of ``crawl_added``, dealt out to the top-level folders
    in turn, each named after its own file so it falls among the folder's files."""
    added = corpus(max(1, reports // 100), seed + 1, workdir)

    def make(out: Path) -> None:
        shutil.copytree(raw, out / "raw", copy_function=os.link)
        folders = sorted(path for path in (out / "raw").iterdir() if path.is_dir()) or [out / "raw"]
        for n, path in enumerate(sorted(list_raw_files(added / "raw"))):
            os.link(path, folders[n % len(folders)] / f"{path.stem}-crawl{path.suffix}")

    return _made_once(workdir / f"crawl-spread-{reports}-{seed}", make) / "raw"


def copied_without_times(raw: Path, reports: int, seed: int, workdir: Path) -> Path:
    """The raw folder copied as ``cp -r`` copies it: the same bytes, every file's
    modification time the copy's (a copy, not links, which share their times: as much
    disk as the corpus, made once)."""
    return _made_once(workdir / f"copied-{reports}-{seed}",
                      lambda out: shutil.copytree(raw, out / "raw", copy_function=shutil.copyfile)) / "raw"


def renamed_folders(raw: Path, reports: int, seed: int, workdir: Path) -> Path:
    """The raw folder with every top-level folder renamed (``renamed_<folder>``): the same
    files (hard links), under new paths."""
    def make(out: Path) -> None:
        (out / "raw").mkdir(parents=True)
        for path in sorted(raw.iterdir()):
            target = out / "raw" / (f"renamed_{path.name}" if path.is_dir() else path.name)
            if path.is_dir():
                shutil.copytree(path, target, copy_function=os.link)
            else:
                os.link(path, target)

    return _made_once(workdir / f"renamed-{reports}-{seed}", make) / "raw"


def copy_run(data: Path | None, copy: Path, link: bool = False) -> None:
    """Make ``copy`` a copy of the run in ``data`` (an empty folder if ``data`` is None),
    so the parse can be measured over that run again and again. With ``link``, by hard
    links (a run never writes a file in place, so ``data`` stays as it was), its lock files
    aside, so that the copy's run does not wait on ``data``'s."""
    shutil.rmtree(copy, ignore_errors=True)
    if data is None:
        copy.mkdir(parents=True)
    elif link:
        shutil.copytree(data, copy, symlinks=True, copy_function=os.link, ignore=shutil.ignore_patterns(".locks"))
    else:
        shutil.copytree(data, copy, symlinks=True)


def timed_parse(raw: Path, data: Path) -> tuple[float, RunSummary]:
    """Seconds for the parse stage over ``raw`` into the data folder ``data``, and its summary."""
    start = time.perf_counter()
    summary = build_parquet(_settings(raw, data))
    return time.perf_counter() - start, summary


def _settings(raw: Path, data: Path) -> Settings:
    """A run's default limits (as ``load_settings`` gives them with no OGI_* set): the
    memory guard is timed too."""
    return Settings(raw, data, 50 * 2**20, 300.0, default_worker_memory_mb(usable_cpus()))


def parse_into_copy(raw: Path, data: Path, copy: Path,
                    before_parse: Callable[[], object] | None = None) -> tuple[float, RunSummary]:
    """Seconds to parse ``raw`` into a copy of the run in ``data`` (a crawl over the
    last run), and the run's summary; the copy is removed, ``data`` kept as it was.
    ``before_parse`` runs once the copy is made, before the clock starts."""
    copy_run(data, copy)
    try:
        if before_parse:
            before_parse()
        return timed_parse(raw, copy)
    finally:
        shutil.rmtree(copy, ignore_errors=True)


_IN_A_NEW_PROCESS = """
import sys
from pathlib import Path

from orchestration.bench import parse_into_copy
from orchestration.cli import prepared_job

seconds, summary = parse_into_copy(*(Path(argument) for argument in sys.argv[1:4]), before_parse=prepared_job)
print(seconds, summary.reparsed)
"""


def parse_into_copy_fresh(raw: Path, data: Path, copy: Path) -> tuple[float, int]:
    """``parse_into_copy`` in a new Python process, after what `ogi run` does there before
    its parse step (``cli.prepared_job``: the parse workers' forkserver started, Dagster's
    definitions loaded), where this process has kept its workers' forkserver up since its
    first parse. Its seconds, and the files it parsed."""
    done = subprocess.run([sys.executable, "-c", _IN_A_NEW_PROCESS, str(raw), str(data), str(copy)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the parse in a new process failed:\n{done.stderr[-2000:]}")
    seconds, reparsed = done.stdout.split()[-2:]
    return float(seconds), int(reparsed)


def floor(raw: Path) -> tuple[float, int]:
    """Seconds for one process to read, decode and scan every file for digits.

    The files are read once before the timing: the parse that follows reads them from
    the page cache, and a floor read from the disk (a corpus not read for a while) is
    about 3 times slower (10k corpus evicted: 7,191-8,592 reports/s, cached: 21,499-22,664),
    which made the floor ratio look that much better."""
    files = list_raw_files(raw)
    for path in files:
        path.read_bytes()
    start = time.perf_counter()
    for path in files:
        _DIGITS.findall(path.read_bytes().decode("utf-8", errors="replace"))
    return time.perf_counter() - start, len(files)


@dataclass(frozen=True)
class CpuSpent:
    """CPU seconds spent so far: by the whole machine (busy, from ``/proc/stat``; the
    hypervisor's steal and the idle wait for the disk are not work) and by this process
    (all its threads)."""

    machine_s: float
    own_s: float

    @classmethod
    def now(cls, stat: Path = Path("/proc/stat")) -> CpuSpent | None:
        """None where there is no ``/proc/stat`` (not Linux)."""
        try:
            fields = stat.read_text().split("\n", 1)[0].split()
        except OSError:
            return None
        user, nice, system, _idle, _iowait, irq, softirq = (int(field) for field in fields[1:8])
        own = resource.getrusage(resource.RUSAGE_SELF)
        return cls((user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK"), own.ru_utime + own.ru_stime)

    def since(self, earlier: CpuSpent) -> CpuSpent:
        return CpuSpent(self.machine_s - earlier.machine_s, self.own_s - earlier.own_s)


def _cpu_figures(spent: CpuSpent, wall_s: float, files: int) -> dict[str, float]:
    others = max(0.0, spent.machine_s - spent.own_s)  # (the two are read apart: a tick may fall between)
    return {
        "parse_cores_busy": spent.machine_s / wall_s,
        "parse_main_cpu_us_per_report": 1e6 * spent.own_s / files,
        "parse_workers_cpu_us_per_report": 1e6 * others / files,
    }


def _peak_rss_mb() -> tuple[float, float]:
    """Largest resident set of this process, and of any child (workers, dbt), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / 1024, children / 1024  # ru_maxrss is in KiB on Linux


def run(reports: int, seed: int = 1, workdir: Path | None = None, full: bool = True) -> dict[str, float]:
    workdir = workdir or load_settings().data_dir / "bench"
    out = corpus(reports, seed, workdir)
    raw = out / "raw"
    figures: dict[str, float] = {"reports": reports, "compiled_parser": int(parsing.COMPILED)}
    # The crawls' raw folders before any run: they hard-link the corpus's files, and a new
    # link changes a file's status change time, which a run reads as a file to hash again.
    crawl, spread = crawl_added(raw, reports, seed, workdir), crawl_spread(raw, reports, seed, workdir)
    copied, renamed = copied_without_times(raw, reports, seed, workdir), renamed_folders(raw, reports, seed, workdir)

    floor_s, files = floor(raw)
    data = workdir / f"run-{reports}-{seed}"
    shutil.rmtree(data, ignore_errors=True)
    cpu_before = CpuSpent.now()
    parse_s, summary = timed_parse(raw, data)
    cpu_after = CpuSpent.now()
    figures["files"] = files
    figures["parse_s"] = parse_s
    figures["parse_reports_per_s"] = files / parse_s
    figures["floor_reports_per_s"] = files / floor_s
    figures["floor_ratio"] = parse_s / floor_s
    figures["parse_workers"] = usable_cpus()
    if cpu_before and cpu_after:
        figures.update(_cpu_figures(cpu_after.since(cpu_before), parse_s, files))

    figures["incremental_rerun_s"], again = timed_parse(raw, data)
    figures["incremental_reparsed"] = again.reparsed
    figures["incremental_share_of_parse"] = figures["incremental_rerun_s"] / parse_s
    figures["values"] = summary.values

    full_data = workdir / f"full-{reports}-{seed}"
    if full:
        figures["full_run_s"] = _full_run(raw, full_data)
    # The runs from scratch, before the crawl below: the peak the bench has always shown.
    figures["peak_rss_first_runs_mb"] = max(_peak_rss_mb())

    # A crawl adds 1% new files: parsed into a copy of this run's data folder, so the
    # scoring below reads the corpus it knows.
    figures["incremental_add_1pct_s"], added = parse_into_copy(crawl, data, workdir / f"run-{reports}-{seed}-crawl")
    figures["added_files"] = added.reparsed
    figures["added_linked_files"] = added.linked  # in folders the crawl did not touch, kept whole
    figures["added_same_bytes"] = added.same_bytes  # kept files read and hashed for a new time: none in a crawl
    figures["incremental_add_share_of_parse"] = figures["incremental_add_1pct_s"] / parse_s
    figures["incremental_add_1pct_fresh_s"], figures["fresh_added_files"] = parse_into_copy_fresh(
        crawl, data, workdir / f"run-{reports}-{seed}-crawl")
    figures["incremental_add_fresh_share_of_parse"] = figures["incremental_add_1pct_fresh_s"] / parse_s
    figures["incremental_add_1pct_spread_s"], added = parse_into_copy(spread, data, workdir / f"run-{reports}-{seed}-crawl")
    figures["spread_added_files"] = added.reparsed
    figures["incremental_add_spread_share_of_parse"] = figures["incremental_add_1pct_spread_s"] / parse_s
    figures["incremental_copied_s"], again = parse_into_copy(copied, data, workdir / f"run-{reports}-{seed}-crawl")
    figures["copied_reparsed"], figures["copied_same_bytes"] = again.reparsed, again.same_bytes
    figures["incremental_copied_share_of_parse"] = figures["incremental_copied_s"] / parse_s
    figures["incremental_renamed_s"], again = parse_into_copy(renamed, data, workdir / f"run-{reports}-{seed}-crawl")
    figures["renamed_reparsed"], figures["renamed_moved"] = again.reparsed, again.moved
    figures["incremental_renamed_share_of_parse"] = figures["incremental_renamed_s"] / parse_s
    if full:
        figures["full_rerun_add_1pct_s"] = _full_run(crawl, full_data, fresh=False)
    own, children = _peak_rss_mb()  # before scoring, which holds every figure in memory
    figures["peak_rss_mb"] = max(own, children)
    figures["peak_rss_own_mb"] = own  # this process: the parse's parent, the Dagster run, the Parquet checks
    # parse workers, dbt; never below this process's peak when it started dbt: a child started
    # by subprocess (vfork, then exec) inherits that high-water mark in ru_maxrss
    figures["peak_rss_children_mb"] = children
    if reports <= _SCORED_UP_TO:
        recovered = score(out / "truth.jsonl", _settings(raw, data).parquet_dir)
        figures["figures_recovered_pct"] = 100 * recovered.figures_recovered / max(1, recovered.figures)
        figures["score_mistakes"] = recovered.mistakes
        if full:  # its warehouse holds the crawl's reports too, which the truth does not name
            in_marts = score_warehouse(out / "truth.jsonl", _settings(crawl, full_data).warehouse_path)
            figures["warehouse_figures_recovered_pct"] = 100 * in_marts.figures_recovered / max(1, in_marts.figures)
            figures["warehouse_score_mistakes"] = in_marts.mistakes
    return figures


def _full_run(raw: Path, data: Path, fresh: bool = True) -> float:
    """`ogi run` in this process, from an empty data directory unless not ``fresh``."""
    import contextlib
    import io

    from .cli import main

    if fresh:
        shutil.rmtree(data, ignore_errors=True)
    with environment(OGI_RAW_DIR=str(raw), OGI_DATA_DIR=str(data), DAGSTER_HOME=None):
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()) as output:
            code = main(["run"])
        elapsed = time.perf_counter() - start
    if code != 0:
        raise RuntimeError(f"ogi run failed:\n{output.getvalue()[-2000:]}")
    return elapsed


def report(figures: dict[str, float]) -> str:
    lines = []
    for name, value in figures.items():
        text = f"{value:.0f}" if name.endswith(("_per_s", "_mb", "_per_report")) or float(value).is_integer() else f"{value:.3f}"
        lines.append(f"{name}: {text}")
    return "\n".join(lines)
