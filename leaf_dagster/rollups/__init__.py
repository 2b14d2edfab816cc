"""Computed-pattern and bucket-pattern rollups defined in SQL files (no Dagster import here).

- :func:`load_rollup_folder` / :func:`load_rollup_file` / :func:`parse_rollup`: rollup files → :class:`RollupSpec`
- :func:`run_bucket_rollup`: one partition of events → bucket documents
- :func:`run_computed_rollup`: a SELECT → ``$merge`` into the target (full refresh, partition or incremental)
"""

from leaf_dagster.rollups.bucket import run_bucket_rollup
from leaf_dagster.rollups.computed import run_computed_rollup
from leaf_dagster.rollups.config import load_rollup_file, load_rollup_folder, parse_rollup
from leaf_dagster.rollups.errors import LeafRollupConfigError
from leaf_dagster.rollups.runs import RollupResult, TimeWindow
from leaf_dagster.rollups.spec import PARTITION_PERIOD, WINDOW_PARAMS, BucketOptions, RollupSpec

__all__ = [
    "PARTITION_PERIOD",
    "WINDOW_PARAMS",
    "BucketOptions",
    "LeafRollupConfigError",
    "RollupResult",
    "RollupSpec",
    "TimeWindow",
    "load_rollup_file",
    "load_rollup_folder",
    "parse_rollup",
    "run_bucket_rollup",
    "run_computed_rollup",
]
