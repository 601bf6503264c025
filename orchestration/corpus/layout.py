"""What the raw folder's layout costs every run, said in the run's log when it costs much.

The parse writes a part (a Parquet file per table, and one of file states) per top-level
folder, and one part, ``_root``, for the files at the top. Two layouts make every run pay:

- many files at the top: they are one part, written again whole by every run that
  changes anything in the raw folder (a run keeps a part only if none of its files
  changed), and not taken up after a stopped run;
- many small top-level folders: each part has a cost of its own beside its files' parse
  (five Parquet files opened, written, closed and flushed to the disk) and its own files
  for every reader of the tables.

The thresholds and the figures quoted are data, here; the figures were measured on the
synthetic corpus (``ogi synth --reports 10000``) laid out each way, on the 2-core machine
the README's benchmarks ran on (docs/performance-log.md, session 40).
"""

from __future__ import annotations

from dataclasses import dataclass

TOP_FILES = 10_000  # files at the top of the raw folder from which a run says what they cost
SMALL_FOLDERS = 1_000  # top-level folders from which a run says what their number costs ...
SMALL_FOLDER_FILES = 20  # ... when they hold fewer files than this on average

# Measured (session 40): 10,000 files at the top, and 100 new ones, took 1.36-1.43 s to
# parse against 0.53-0.55 s in 10 folders; the 10,000 moved into 10 folders, 1.7 s the
# first run after (64 parsed, sent to the workers before the plan found them moved).
# 10,000 files in 5,000 folders took 20.6-21.7 s to parse against 5.1-5.4 s in 10, and
# wrote 203 MB of Parquet against 23 MB; gathered under 10 folders, 10.6 s the first run
# after (none parsed again: their rows are read from the 5,000 parts).
TOP_FILE_COST = "about 85 µs of every such run a file"
FOLDER_COST = "about 3 ms of the parse and 40 KB of Parquet a folder"


@dataclass(frozen=True)
class Layout:
    """How a raw folder's files are laid out, as the listing found them."""

    files: int  # every entry listed
    top_files: int  # of them, directly under the raw folder (the ``_root`` part)
    folders: int  # top-level folders (a part each)


def advice(layout: Layout, raw_dir: str) -> list[str]:
    """What ``layout`` costs each run, and what to do about it: a warning for the run's log
    per costly trait, none for a layout that costs nothing to speak of."""
    said = []
    if layout.top_files >= TOP_FILES:
        said.append(
            f"{layout.top_files:,} files are at the top of the raw folder {raw_dir}: they are one part of the "
            f"tables, written again whole by every run that changes anything ({TOP_FILE_COST}), and not taken "
            "up after a run that stopped. Move them into sub-folders of about a thousand files, e.g. one per "
            "crawl batch (raw/<batch>/...): the folders a crawl does not touch are then kept as they are. Moving "
            "them costs less than a parse: their rows are taken by content hash"
        )
    in_folders = layout.files - layout.top_files
    if layout.folders >= SMALL_FOLDERS and in_folders < SMALL_FOLDER_FILES * layout.folders:
        said.append(
            f"{layout.folders:,} top-level folders under the raw folder {raw_dir} hold "
            f"{in_folders / layout.folders:.1f} files each on average: each is a part of the tables with a cost "
            f"of its own ({FOLDER_COST}), more than its files' parse. Gather them under fewer top-level folders "
            "of hundreds to thousands of files (raw/<batch>/<site>/...: only the top level makes parts)"
        )
    return said
