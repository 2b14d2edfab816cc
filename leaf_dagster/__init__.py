"""leaf_dagster: SQL-defined MongoDB rollups, schemas, quality checks and migrations for Dagster.

Capabilities live in subpackages with small public surfaces:

- ``leaf_dagster.sql``: SQL → one MongoDB aggregation pipeline (no Dagster import)
- ``leaf_dagster.schema``: ``CREATE DOCUMENT_SCHEMA`` DDL → validators, indexes, GX suites
- ``leaf_dagster.rollups``: computed-pattern and bucket-pattern rollups
- ``leaf_dagster.migrations``: crash-safe, resumable document migrations (no Dagster import)
- ``leaf_dagster.quality``: Great Expectations validation over collections
- ``leaf_dagster.dagster``: the thin Dagster layer (resources, asset factories, checks, jobs)
"""

__version__ = "0.1.0"

# ``leaf_dagster.LeafProject`` is the Dagster Component (``type: leaf_dagster.LeafProject`` in a
# defs.yaml). It is imported on first use so that the engines can be imported without Dagster.
_LAZY = {"LeafProject": "leaf_dagster.dagster.component", "LeafAsset": "leaf_dagster.dagster.component"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'leaf_dagster' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
