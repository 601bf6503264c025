"""Parse a folder of raw files into the ``reports``, ``values``, ``issues`` and ``identity_checks`` Parquet.

- **Parallel**: new files are parsed by a process pool (all cores); each worker
  returns its files' figures as an Arrow batch. A crawl's new folders go to the
  workers while the run plans the rest.
- **No file stops the run**: one that cannot be read, that kills its worker, or
  whose parse runs past the time limit or holds more memory than the limit is found
  (the chunks a dead worker took down are parsed again, alone) and quarantined with
  a code; the others are parsed.
- **Streaming**: rows are written in row groups of ``ROW_GROUP_FILES`` files as
  they come, so memory does not grow with the number of files; a row group is
  encoded on a thread of its own while the run gathers the next.
- **In parts**: each table is a folder of Parquet files, one per top-level raw
  folder (``<table>/<folder>.parquet``) and one for the files at the top
  (``<table>/_root.parquet``, which also holds the issues that cross folders).
- **Incremental**: a file whose path, size, mtime and ctime match the last run (and
  the parser and row code are the same, and the limits if one quarantined it) is not parsed
  again: its rows are copied from the published Parquet, read in step with the
  new output and kept as Arrow (not turned into Python objects and back). A
  changed file is parsed again and its old rows are gone. A folder none of whose
  files changed keeps its part as it was (a hard link), so a crawl that adds a
  folder costs that folder.
- **Deterministic**: files are written in sorted path order with the same row
  groups whether parsed or copied, so the same raw files give byte-identical
  Parquet, full run or incremental.
- **Atomic**: the new Parquet is written aside and published by swapping one
  symlink; a run that fails half-way leaves the last published files as they were.
- **Resumable**: a run that stops half-way (killed, or failing) keeps the folder parts
  it completed where it wrote them, and the next run takes them up as it takes the
  published run's: a million files stopped at 90% are not parsed again from the start.

Modules, in the order a run uses them: ``listing`` (the raw folder), ``plan`` (every
file, and what earlier outputs have of it), ``previous`` (those outputs' rows),
``limits`` (which earlier states the run's limits let it take), ``interrupted`` (the
parts of runs that did not finish), ``pool`` (the parse
workers, readied by ``worker_preload``, their memory held by ``memory_guard``),
``rows`` (one file's rows), ``writers`` and ``parts`` (the output on disk),
``duplicates``, ``summary``, ``progress`` (what the run's log is told); ``run`` puts
them together.
"""

from .listing import RawDirEmptied, RawDirMissing, list_raw_files, raw_file_names, raw_folders, recorded_path
from .pool import parsing
from .rows import FileRows
from .run import build_folder_part, build_parquet, part_dir, publish, write_corpus
from .summary import RunSummary

__all__ = [
    "FileRows", "RawDirEmptied", "RawDirMissing", "RunSummary", "build_folder_part", "build_parquet", "list_raw_files",
    "parsing", "part_dir", "publish", "raw_file_names", "raw_folders", "recorded_path", "write_corpus",
]
