"""The Dagster code location that ``workspace.yaml`` loads.

Each capability contributes a function returning its ``dg.Definitions``; ``defs`` merges them
(Dagster allows a single ``Definitions`` object at module scope). To add asset checks, schema
assets or migration jobs, write one more such function and add it to the merge.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from leaf_dagster.connection import DEFAULT_DB, ENV_DB, ENV_URI
from leaf_dagster.dagster import MongoResource, rollup_definitions

ROLLUPS_DIR = Path(__file__).parent / "rollups"
# Hour (UTC) at which the daily rollups run; hourly rollups run at minute 10 of every hour.
DAILY_HOUR = int(os.environ.get("LEAF_DAILY_HOUR", "6"))


def resource_definitions() -> dg.Definitions:
    database = os.environ.get(ENV_DB, DEFAULT_DB)
    return dg.Definitions(resources={"mongo": MongoResource(uri=dg.EnvVar(ENV_URI), database=database)})


def rollups() -> dg.Definitions:
    return rollup_definitions(ROLLUPS_DIR, daily_hour=DAILY_HOUR)


defs = dg.Definitions.merge(resource_definitions(), rollups())
