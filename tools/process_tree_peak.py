"""Run a command and print the peak resident memory of each kind of process in its tree.

    python tools/process_tree_peak.py .venv/bin/ogi run

Samples ``ps`` every 0.2 s: dbt's subprocess, the parse workers (forkserver) and the
main process each get their own peak, which ``ru_maxrss`` (the bench's figure) cannot
tell apart. A peak shorter than the interval can be missed.
"""

from __future__ import annotations

import subprocess
import sys
import time


def kind(args: str) -> str:
    if "dbt" in args:
        return "dbt"
    if "forkserver" in args or "multiprocessing" in args:
        return "parse workers"
    return "main" if "ogi" in args else args[:40]


def tree(root: int) -> list[tuple[int, str]]:
    """(RSS in KiB, command line) of ``root`` and its descendants."""
    listing = subprocess.run(["ps", "-eo", "pid=,ppid=,rss=,args="], capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in listing.splitlines():
        pid, ppid, rss, args = line.split(None, 3)
        rows[int(pid)] = (int(ppid), int(rss), args)
    members, grew = {root}, True
    while grew:
        found = {pid for pid, (ppid, _, _) in rows.items() if ppid in members} - members
        members |= found
        grew = bool(found)
    return [(rows[pid][1], rows[pid][2]) for pid in members if pid in rows]


def main() -> None:
    process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.time()
    peak: dict[str, int] = {}
    at: dict[str, float] = {}

    def note(name: str, rss: int) -> None:
        # (a process already exited, "[python3]" with 0 KiB, still gets its line)
        if rss > peak.get(name, -1):
            peak[name], at[name] = rss, time.time() - start

    while process.poll() is None:
        total = 0
        for rss, args in tree(process.pid):
            total += rss
            note(kind(args), rss)
        note("all processes together", total)
        time.sleep(0.2)
    print(f"exit {process.returncode}, {time.time() - start:.1f} s")
    for name, rss in sorted(peak.items()):
        print(f"{name}: {rss / 1024:.0f} MB at {at[name]:.0f} s")


if __name__ == "__main__":
    main()
