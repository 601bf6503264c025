"""How a Dagster run (`dagster dev`, the daemon, `dagster job execute`) runs its steps: each
in a process of its own, as Dagster's multiprocess executor does by default, but forked from
a forkserver that has imported Dagster, dagster-dbt and dbt once, rather than spawned to
import them again (1.8 s of each step's 2 s start here). `ogi run` runs its steps in its own
process, so this does not concern it.

Only modules that start no thread as they are imported are preloaded: POSIX copies only the
forking thread into a child, so a lock another thread held at the fork could stay held for
ever in the step (pyarrow and DuckDB start threads as they are imported; each step imports
them itself, in 0.3 s).
"""

import dagster as dg

STEP_PRELOAD = ("orchestration.definitions", "dagster_dbt", "dbt.cli.main")


def _forked_from_the_preload(config: dict) -> dict:
    """The run's executor config as given (`max_concurrent`, retries, ...), with this start
    method unless the config names one itself."""
    return {**config, "start_method": config.get("start_method") or {"forkserver": {"preload_modules": list(STEP_PRELOAD)}}}


defs = dg.Definitions(
    executor=dg.multiprocess_executor.configured(_forked_from_the_preload,
                                                 config_schema=dg.multiprocess_executor.config_schema),
)
