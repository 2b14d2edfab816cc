"""The executor of leaf_dagster's jobs and code location: Dagster's own ``multi_or_in_process_executor``,
in-process by default.

A rollup step sends one aggregation and waits for the server; its checks send a few more. In a
process of its own, each step would first pay an interpreter start, ``import dagster`` and a load of
the code location (seconds, against an aggregation of a fraction of a second to a few seconds). So
the steps of a run share the run's process by default, which also imports Great Expectations once per
run, not once per check. A run that wants parallel steps switches per run, from the launchpad or
``--config-json``, exactly as with Dagster's default executor::

    execution:
      config:
        multiprocess:
          max_concurrent: 4

Dagster's pools hold either way: the in-process executor claims a pool slot for each step as the
multiprocess one does (``dagster._core.executor.in_process``).
"""

import dagster as dg

IN_PROCESS: dict[str, dict[str, object]] = {"in_process": {}}
_DAGSTER_DEFAULT = dg.multi_or_in_process_executor


def _in_process_first() -> dg.ExecutorDefinition:
    modes = _DAGSTER_DEFAULT.config_schema.config_type
    assert isinstance(modes, dg.Selector)  # {"multiprocess": ..., "in_process": ...}
    return dg.ExecutorDefinition(
        name="in_process_or_multiprocess",
        config_schema=dg.Field(modes, default_value=IN_PROCESS),
        executor_creation_fn=_DAGSTER_DEFAULT.executor_creation_fn,
        requirements=_DAGSTER_DEFAULT.get_requirements,
        description="Steps in the run's process unless the run's config says multiprocess.",
    )


in_process_or_multiprocess_executor = _in_process_first()
