"""`ogi bench` on a small corpus: every figure it promises, with values that add up; and
the measuring tools (a worker's steps, a process tree's peaks, a killed parse, a crawl's
steps)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from orchestration import parsing
from orchestration.bench import CpuSpent, crawl_spread, report, run
from orchestration.corpus import build_parquet
from orchestration.settings import PROJECT_ROOT, usable_cpus
from orchestration.synth import generate

from .conftest import published_parquet, settings


def test_bench_prints_every_figure(tmp_path):
    figures = run(300, seed=5, workdir=tmp_path, full=False)
    assert figures["files"] == figures["reports"] == 300
    assert figures["compiled_parser"] == int(parsing.COMPILED)
    assert figures["parse_reports_per_s"] == pytest.approx(300 / figures["parse_s"])
    assert figures["floor_ratio"] == pytest.approx(figures["floor_reports_per_s"] / figures["parse_reports_per_s"])
    assert figures["parse_workers"] == usable_cpus()
    # The parse's CPU: within what the machine's cores could give in its time (a tick of
    # /proc/stat either side), spent in this process and in the workers both.
    assert 0 < figures["parse_cores_busy"] <= os.cpu_count() + 0.1
    assert figures["parse_main_cpu_us_per_report"] > 0 and figures["parse_workers_cpu_us_per_report"] > 0
    assert figures["incremental_reparsed"] == 0  # nothing changed: nothing parsed again
    assert figures["incremental_share_of_parse"] < 1
    assert figures["added_files"] == 3  # the crawl's 1%, and only those, parsed
    assert figures["added_same_bytes"] == 0  # no kept file read again (its links were made before the first run)
    assert figures["incremental_add_share_of_parse"] == pytest.approx(figures["incremental_add_1pct_s"] / figures["parse_s"])
    # The same crawl in a new process, as `ogi run`'s parse step: the same 1% parsed, the workers'
    # forkserver started (this process's has been up since its first parse).
    assert figures["fresh_added_files"] == 3 and figures["incremental_add_1pct_fresh_s"] > 0
    assert figures["incremental_add_fresh_share_of_parse"] == pytest.approx(
        figures["incremental_add_1pct_fresh_s"] / figures["parse_s"])
    crawl = tmp_path / "crawl-300-5" / "raw"
    assert len([p for p in crawl.rglob("*") if p.is_file()]) == 303
    assert (crawl / "next_crawl").is_dir() and not (tmp_path / "run-300-5-crawl").exists()
    assert figures["spread_added_files"] == 3  # the same new files, in the corpus's folders
    assert figures["incremental_add_spread_share_of_parse"] == pytest.approx(figures["incremental_add_1pct_spread_s"] / figures["parse_s"])
    spread = tmp_path / "crawl-spread-300-5" / "raw"
    added = sorted(p.relative_to(spread).as_posix() for p in spread.rglob("*-crawl.txt"))
    assert len(added) == 3 and {name.split("/")[0] for name in added} == {"batch_0000"}  # (300 reports: one folder)
    assert len([p for p in spread.rglob("*") if p.is_file()]) == 303
    # A copy of the raw folder with new times only: nothing parsed, every file's bytes known.
    assert (figures["copied_reparsed"], figures["copied_same_bytes"]) == (0, 300)
    assert figures["incremental_copied_share_of_parse"] == pytest.approx(figures["incremental_copied_s"] / figures["parse_s"])
    copied = tmp_path / "copied-300-5" / "raw"
    originals = sorted(p for p in (tmp_path / "synth-300-5" / "raw").rglob("*") if p.is_file())
    assert len(originals) == 300 and all((copied / p.relative_to(tmp_path / "synth-300-5" / "raw")).stat().st_ino
                                         != p.stat().st_ino for p in originals)
    # Every folder renamed: nothing parsed, every file taken as moved, the same files linked.
    assert (figures["renamed_reparsed"], figures["renamed_moved"]) == (0, 300)
    assert figures["incremental_renamed_share_of_parse"] == pytest.approx(figures["incremental_renamed_s"] / figures["parse_s"])
    renamed = tmp_path / "renamed-300-5" / "raw"
    assert sorted(p.name for p in renamed.iterdir()) == ["renamed_batch_0000"]
    assert all((renamed / "renamed_batch_0000" / p.name).stat().st_ino == p.stat().st_ino for p in originals)
    assert figures["peak_rss_mb"] == max(figures["peak_rss_own_mb"], figures["peak_rss_children_mb"]) > 50
    assert 50 < figures["peak_rss_first_runs_mb"] <= figures["peak_rss_mb"]
    assert figures["values"] > 20_000 and figures["figures_recovered_pct"] == 100 and figures["score_mistakes"] == 0
    assert "warehouse_figures_recovered_pct" not in figures  # no full run: no warehouse to score
    printed = dict(line.split(": ") for line in report(figures).splitlines())
    assert set(printed) == set(figures) and printed["files"] == "300"
    assert (tmp_path / "synth-300-5" / ".complete").exists()  # generated once, reused by the next bench


def test_the_cpu_spent_is_told_apart_between_this_process_and_the_others():
    """CpuSpent (the bench's parse_cores_busy and CPU a report) on a known load: 0.3 s of
    CPU in this process, then 0.6 s in a child, and no more than the cores could give."""
    start, started = CpuSpent.now(), time.perf_counter()
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass
    burn = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)
    spent, wall = CpuSpent.now().since(start), time.perf_counter() - started
    assert 0.29 <= spent.own_s < 0.5  # (the child's CPU is not this process's)
    assert spent.machine_s - spent.own_s >= 0.6 - 0.02  # the child's, to a tick of /proc/stat
    assert spent.machine_s <= wall * os.cpu_count() + 0.02  # (idle time: the next test)


def test_the_machine_s_busy_time_is_its_work_not_its_idle_or_stolen_time(tmp_path):
    """/proc/stat's first line: user, nice, system, idle, iowait, irq, softirq, steal, ...
    in clock ticks; busy is user + nice + system + irq + softirq."""
    stat = tmp_path / "stat"
    stat.write_text("cpu  1000 200 300 40000 5000 60 70 8000 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n")
    assert CpuSpent.now(stat).machine_s == pytest.approx(1630 / os.sysconf("SC_CLK_TCK"))
    assert CpuSpent.now(tmp_path / "missing") is None  # (not Linux: the bench leaves the CPU figures out)


def test_a_spread_crawl_deals_the_new_files_out_to_every_folder(tmp_path):
    raw = tmp_path / "raw"
    for folder, names in {"a": ["1.txt", "3.txt"], "b": ["2.txt"]}.items():
        (raw / folder).mkdir(parents=True)
        for name in names:
            (raw / folder / name).write_text(name)
    added = tmp_path / "work" / "synth-1-8"  # the crawl's corpus (1% of 100 reports, seed 7 + 1), made already
    (added / "raw" / "batch_0000").mkdir(parents=True)
    for name in ("0.txt", "2.txt", "4.txt"):
        (added / "raw" / "batch_0000" / name).write_text(f"new {name}")
    (added / ".complete").touch()
    spread = crawl_spread(raw, 100, 7, tmp_path / "work")
    files = {p.relative_to(spread).as_posix(): p.read_text() for p in spread.rglob("*") if p.is_file()}
    assert files == {"a/1.txt": "1.txt", "a/3.txt": "3.txt", "b/2.txt": "2.txt",
                     "a/0-crawl.txt": "new 0.txt", "b/2-crawl.txt": "new 2.txt", "a/4-crawl.txt": "new 4.txt"}
    assert (spread / "a" / "1.txt").stat().st_ino == (raw / "a" / "1.txt").stat().st_ino  # hard links: the same stamps


def test_the_worker_steps_tool_times_every_step_of_a_chunk(tmp_path):
    """tools/worker_steps.py runs the worker's real chunk function with a timer on each
    name it calls: a name renamed in corpus.pool would fail it here, not on the day it is
    needed."""
    generate(40, tmp_path / "synth", seed=3)
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "tools" / "worker_steps.py"),
                           str(tmp_path / "synth" / "raw"), "30"], capture_output=True, text=True, check=True,
                          cwd=PROJECT_ROOT)
    rounds = done.stdout.splitlines()
    assert [line.split(":")[0] for line in rounds] == ["round 1", "round 2"]
    steps = dict(step.rsplit(" ", 1) for step in rounds[1].split("(30 files): ")[1].split(", "))
    assert list(steps) == ["read ahead", "parse_bytes", "append to columns", "file_rows", "keyed_table (to Arrow)",
                           "pickle", "rest"]
    assert int(steps["parse_bytes"]) > max(int(steps["file_rows"]), 1)


def test_the_perturbed_corpus_tool_scores_each_perturbation(tmp_path):
    """tools/perturbed_corpus.py: one line a perturbation, its figures and fields scored; one that
    loses what is not read yet (a page's buttons run into the title's line before an attachment's
    number) shows its first mistakes."""
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "tools" / "perturbed_corpus.py"), "--reports", "60",
                           "--workdir", str(tmp_path), "--show", "2", "windows_line_ends", "utf16_without_bom",
                           "page_chrome_on_the_title_line"], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines if not line.startswith("  ")] == [
        "windows_line_ends", "utf16_without_bom", "page_chrome_on_the_title_line"]
    for line in lines[:2]:
        figures, fields = (part.split(" ")[1].split("/") for part in line.split(", ")[1:3])
        assert figures[0] == figures[1] and int(figures[1]) > 5_000 and fields[0] == fields[1]
        assert line.endswith("unexpected warnings 0")
    assert lines[2].endswith("(not expected whole)") and len(lines) == 5 and lines[3].startswith("  ")


def test_the_process_tree_tool_lists_a_child_that_exited_before_it_was_reaped():
    """tools/process_tree_peak.py samples `ps`: a child that has exited but is not yet
    reaped shows as "[true] <defunct>" with 0 KiB. Its line is printed (0 MB) rather than
    the tool failing at the end of a long run, as it did at the end of a million-report run."""
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "tools" / "process_tree_peak.py"), sys.executable, "-c",
                           "import subprocess, time; child = subprocess.Popen(['true']); time.sleep(1)"],
                          capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("exit 0, ")
    peaks = dict(line.rsplit(": ", 1) for line in lines[1:])
    assert peaks["[true] <defunct>"].startswith("0 MB at ")  # (kept by `child`, reaped only at exit)
    assert int(peaks["all processes together"].split()[0]) > 5


def test_the_bench_times_the_parse_with_a_run_s_default_limits(tmp_path):
    """Its parse runs with the limits a run gets with no OGI_* set: the memory guard included."""
    from orchestration.bench import _settings
    from orchestration.settings import environment, load_settings

    with environment(OGI_RAW_DIR=str(tmp_path / "raw"), OGI_DATA_DIR=str(tmp_path / "data"), OGI_MAX_FILE_MB=None,
                     OGI_FILE_TIME_LIMIT_S=None, OGI_WORKER_MEMORY_MB=None):
        assert _settings(tmp_path / "raw", tmp_path / "data") == load_settings()
        assert load_settings().worker_memory_mb >= 1024


def test_the_resume_tool_kills_a_parse_and_times_the_next(tmp_path):
    """tools/resume_after_kill.py: a parse killed once it completed a folder part, the next
    one taking that part up, and the same bytes as a whole parse."""
    raw = generate(2400, tmp_path / "synth", seed=4)  # (three folders: 1,000, 1,000 and 400 files)
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "tools" / "resume_after_kill.py"), str(raw),
                           str(tmp_path / "data"), "1", str(tmp_path / "full")],
                          capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    figures = {name: float(value) for name, value in (line.split(": ") for line in done.stdout.splitlines())}
    assert list(figures) == ["killed_after_s", "complete_parts_left", "resumed_parse_s", "files", "reparsed_files",
                             "resumed_files", "linked_files", "full_parse_s", "same_bytes"]
    assert figures["files"] == 2400 and figures["complete_parts_left"] >= 1 and figures["same_bytes"] == 1
    assert figures["resumed_files"] >= 1000 and figures["reparsed_files"] == 2400 - figures["resumed_files"]


def test_the_incremental_parse_tool_times_a_crawl_s_steps_over_a_linked_copy(tmp_path):
    """tools/incremental_parse.py with ``--link --prepared --steps``: the crawl's new files
    parsed and the kept folders linked in a hard-linked copy of the last run, which stays
    as it was, and each step's CPU printed (a name renamed in the parse stage would fail it
    here, not on the day it is needed)."""
    raw = generate(1100, tmp_path / "synth", seed=5)  # (batch_0000: 1,000 files, batch_0001: 100)
    data = tmp_path / "data"
    build_parquet(settings(raw, data), workers=2)
    before = published_parquet(data), os.readlink(data / "parquet")
    (generate(10, tmp_path / "crawl", seed=6) / "batch_0000").rename(raw / "next_crawl")
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "tools" / "incremental_parse.py"), str(raw), str(data),
                           str(tmp_path / "copy"), "--link", "--prepared", "--steps"],
                          capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    lines = done.stdout.splitlines()
    assert lines[0].endswith(" s: 10 files parsed, 1100 kept in unchanged folders")
    assert lines[1].startswith("main process CPU: ") and lines[1].endswith(" s system")
    steps = {label: (float(cpu.removesuffix(" s CPU")), int(calls.removesuffix(" calls")))
             for label, cpu, calls in (line.replace(": ", ", ", 1).split(", ") for line in lines[2:])}
    assert list(steps) == ["listing", "plan", "  stats", "  file states read", "kept parts linked",
                           "  their reports and issue codes read", "duplicate reports check"]
    calls = {label: count for label, (_, count) in steps.items()}
    assert (calls["listing"], calls["plan"], calls["  stats"]) == (1, 1, 3)  # the two folders kept, the new one
    assert (calls["kept parts linked"], calls["  their reports and issue codes read"]) == (2, 4)
    assert calls["duplicate reports check"] == 1
    assert steps["plan"][0] >= steps["  stats"][0] > 0 and steps["kept parts linked"][0] >= steps[
        "  their reports and issue codes read"][0] > 0
    assert (published_parquet(data), os.readlink(data / "parquet")) == before  # the last run, linked from, as it was
    kept = "parquet/values/batch_0000.parquet"
    assert (tmp_path / "copy" / kept).stat().st_ino == (data / kept).stat().st_ino
