"""One writer at a time for each output in the data folder, across processes.

Two runs can overlap: a schedule and a click in the UI, two clicks, a backfill's
folder runs beside the whole parse. Without a lock they race. A parse that publishes
removes every other version in its folder, the other run's half-written one too (that
run then fails on a missing file). Two warehouse builds use the same file aside: one
removes the other's, which then fails on DuckDB's lock or publishes a file that is not
its own build. A warehouse build or a check that reads the Parquet while a parse
publishes sees some tables of each version.

Each output has a lock file in ``<data folder>/.locks``, held with ``flock(2)``:
- a parse of the whole raw folder holds ``parquet.lock`` and ``parts.lock`` alone;
- a folder partition shares ``parts.lock`` (folders run side by side) and holds its
  own folder's lock alone;
- a warehouse build holds ``warehouse.lock`` alone and shares ``parquet.lock``, as
  the checks on the Parquet share it.

A run that finds a lock held says so and waits, as Dagster queues a run: it does not
fail. The kernel releases a lock when its holder exits, however it exits, so no lock
is ever left to clear by hand. Locks are always taken in the order above (parquet,
then parts, then a folder; warehouse, then parquet), so no two runs can each wait for
the other. A process takes one of these at a time: ``flock`` locks belong to an open
file, so a second one taken in the same process waits for the first like any other.

A data folder on a file system without ``flock`` (NFSv3 without its lock daemon, some
FUSE mounts) fails the run at its first lock, saying so, rather than running unguarded.
``OGI_LOCKS=off`` turns the locks off, for deployments that keep runs apart otherwise
(a Dagster pool with a limit of one).
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .settings import switched_on

LOCKS = ".locks"  # in the data folder (not a name a table, a part or a folder's part can have)
PARQUET = "parquet.lock"  # the published tables (parquet/ and parquet.d/)
PARTS = "parts.lock"  # the folder partitions' parts, as a whole (parts/)
WAREHOUSE = "warehouse.lock"  # the published warehouse and the file it is built in

# The Dagster pool of every step that writes the data folder or reads the Parquet (the
# parses, the warehouse build, the checks on the Parquet). It has no limit unless one is
# set; where flock cannot work, `dagster instance concurrency set ogi_data_folder 1`
# keeps those steps one at a time instead (with OGI_LOCKS=off).
POOL = "ogi_data_folder"

Waiting = Callable[[str], None]


class LocksUnsupported(RuntimeError):
    """The data folder's file system cannot hold a ``flock``."""


def enabled() -> bool:
    """Whether runs take the locks: unless ``OGI_LOCKS`` is ``off`` (or ``0``, ``false``, ``no``)."""
    return switched_on("OGI_LOCKS")


def _log_waiting(message: str) -> None:
    logging.getLogger(__name__).warning(message)


@contextmanager
def hold(path: Path, *, shared: bool = False, waiting: Waiting | None = None) -> Iterator[None]:
    """Hold the lock file ``path`` (created if need be), alone or ``shared``; if another
    process holds it in a way that excludes this, tell ``waiting`` and wait."""
    if not enabled():
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    with open(path, "a") as handle:  # (never truncated: another process may hold it)
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            (waiting or _log_waiting)(f"{path} is held by another run; waiting for it to finish")
            fcntl.flock(handle, mode)
        except OSError as error:  # ENOLCK, EOPNOTSUPP, ENOSYS, EINVAL: no flock on this file system
            raise LocksUnsupported(
                f"cannot lock {path}: {error.strerror or error} (errno {error.errno}). The data folder's "
                "file system does not support flock, so two runs at once could not take turns. Put "
                f"OGI_DATA_DIR on local disk or NFSv4, or keep runs apart with the Dagster pool {POOL} "
                f"(`dagster instance concurrency set {POOL} 1`) and set OGI_LOCKS=off."
            ) from error
        try:
            yield
        finally:
            # (Not left to the close: a child forked meanwhile holds a copy of the descriptor,
            # which would keep the lock taken until the child exits.)
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def whole_parse(data_dir: Path, waiting: Waiting | None = None) -> Iterator[None]:
    """A parse of the whole raw folder: it publishes the tables and reads every folder's part."""
    with hold(data_dir / LOCKS / PARQUET, waiting=waiting), hold(data_dir / LOCKS / PARTS, waiting=waiting):
        yield


@contextmanager
def folder_parse(data_dir: Path, part: str, waiting: Waiting | None = None) -> Iterator[None]:
    """A parse of one folder partition: other folders may be parsed meanwhile, not this one."""
    with hold(data_dir / LOCKS / PARTS, shared=True, waiting=waiting), \
            hold(data_dir / LOCKS / "parts" / f"{part}.lock", waiting=waiting):
        yield


@contextmanager
def reading_parquet(data_dir: Path, waiting: Waiting | None = None) -> Iterator[None]:
    """Reading the published tables: no parse publishes (and removes this version) meanwhile."""
    with hold(data_dir / LOCKS / PARQUET, shared=True, waiting=waiting):
        yield


@contextmanager
def warehouse_build(data_dir: Path, waiting: Waiting | None = None) -> Iterator[None]:
    """Building the warehouse: alone, from the published tables as they are when it starts."""
    with hold(data_dir / LOCKS / WAREHOUSE, waiting=waiting), reading_parquet(data_dir, waiting):
        yield
