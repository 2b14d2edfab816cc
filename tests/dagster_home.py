"""A throwaway Dagster instance for tests that run the ``dagster`` CLI against the code location."""

from __future__ import annotations

import os
from pathlib import Path

from leaf_dagster.connection import ENV_DB, ENV_URI


def dagster_env(
    tmp_path: Path, instance_yaml: str, mongo_uri: str, database: str
) -> tuple[Path, dict[str, str]]:
    """A ``DAGSTER_HOME`` under ``tmp_path`` holding ``instance_yaml``, and the environment that points
    a ``dagster`` subprocess at it and the code location at ``database`` (telemetry off)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(instance_yaml)
    env = {
        **os.environ,
        ENV_URI: mongo_uri,
        ENV_DB: database,
        "DAGSTER_HOME": str(home),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "GX_ANALYTICS_ENABLED": "false",
    }
    return home, env
