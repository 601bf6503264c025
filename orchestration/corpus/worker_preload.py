"""Imported by the parse workers' forkserver, never by a run: it readies a worker
(``pool.start_worker``) and warms it (``pool.warm_up``) once, there, so that each worker
forked from it starts ready instead of loading the gazetteer itself (about 50 ms at the
start of each run's pool, which is most of a small crawl's wait for its first parsed
files) and compiling what a parse compiles on first use."""

from .pool import start_worker, warm_up

start_worker()
warm_up()
