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
