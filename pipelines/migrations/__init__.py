"""The example code location's migrations of ``users``, from the seed article.

- ``migration_20240815_v2.py``: 1.0.0 → 2.0.0, ``full_name`` → ``profile.firstName``/``lastName``
  (client-side ``up``/``down``; the original is kept in ``_deprecated`` until cleanup)
- ``migration_20240914_v21.py``: 2.0.0 → 2.1.0, analytics defaults, ``user_preferences`` → ``preferences``
- ``migrate_users_v2_to_v3.sql``: 2.1.0 → 3.0.0, the seed's ``CREATE MIGRATION``, SQL-style, compiled
  to a server-side update pipeline

Not imported as a package: ``leaf_dagster.migrations.Revisions.load`` reads the files one by one.
"""
