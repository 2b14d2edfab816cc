"""The Dagster code location that ``workspace.yaml``, ``dagster dev`` and ``dg dev`` load.

Everything is configured in ``defs/leaf_project/defs.yaml`` (a ``leaf_dagster.LeafProject``
Component over ``rollups/``, ``schemas/`` and ``migrations/``); this is all the Python a project needs.
"""

from pathlib import Path

import dagster as dg

defs = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
