"""Imported by the parse workers' forkserver, never by a run: it readies a worker
(``pool.start_worker``) once, there, so that each worker forked from it starts
ready instead of loading the gazetteer itself (about 50 ms at the start of each
run's pool, which is most of a small crawl's wait for its first parsed files)."""

from .pool import start_worker

start_worker()
