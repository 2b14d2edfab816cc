"""The thin Dagster layer over leaf_dagster's engines."""

from leaf_dagster.dagster.resources import MongoResource
from leaf_dagster.dagster.retries import TRANSIENT_RETRY_POLICY, fail_fast_unless_transient

__all__ = ["TRANSIENT_RETRY_POLICY", "MongoResource", "fail_fast_unless_transient"]
