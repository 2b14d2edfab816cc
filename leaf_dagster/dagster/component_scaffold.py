"""``dg scaffold defs leaf_dagster.LeafProject <path>``: a working project folder.

It writes ``defs.yaml`` plus one example of each kind of file: a daily rollup over a raw ``events``
collection, that collection's schema (its checks and column schema), and a migration revision.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg

EXAMPLE_ROLLUP = """/* leaf
description: Events per user and day (computed pattern), one document per user and day.
pattern: computed
target: daily_user_events
on: [userId, day]
partition: daily
time_field: createdAt
time_column: day
start: {start}
*/
SELECT
  userId,
  DATE_TRUNC('day', createdAt) AS day,
  COUNT(*) AS events,
  SUM(CASE WHEN kind = 'error' THEN 1 ELSE 0 END) AS errors
FROM events
GROUP BY userId, DATE_TRUNC('day', createdAt)
"""

EXAMPLE_SCHEMA = """-- The raw events the rollup reads; its checks run on every materialization of the project.
-- @version 2.0.0
CREATE DOCUMENT_SCHEMA events (
  _id OBJECTID PRIMARY KEY,
  userId OBJECTID NOT NULL,
  kind ENUM('view', 'click', 'error') NOT NULL,
  createdAt TIMESTAMP NOT NULL,
  _schema DOCUMENT {
    version VARCHAR(20) NOT NULL
  }
);

CREATE INDEX idx_events_created ON events (createdAt);
"""

EXAMPLE_REVISION = """-- Events written before 2.0.0 had a `type` field; 2.0.0 calls it `kind`.
-- from_version: 1.0.0

CREATE MIGRATION events_v1_to_v2 AS
BEGIN
  UPDATE events SET kind = type WHERE kind IS NULL;
  UPDATE events SET _schema.version = '2.0.0';
END;
"""


class LeafProjectScaffolder(dg.Scaffolder):
    """Writes ``defs.yaml`` and an example rollup, schema and migration revision."""

    def scaffold(self, request: dg.ScaffoldRequest) -> None:
        dg.scaffold_component(
            request,
            {
                "rollups": "rollups",
                "schemas": "schemas",
                "migrations": "migrations",
                "mongo": {
                    "uri_env": "LEAF_MONGODB_URI",
                    "database_env": "LEAF_MONGODB_DB",
                    "database": "leaf",
                },
                "daily_hour": 6,
                "migration_cron": "0 2 * * *",
            },
        )
        root = Path(request.target_path)
        start = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=14)).isoformat()
        files = {
            "rollups/daily_user_events.sql": EXAMPLE_ROLLUP.format(start=start),
            "schemas/events.ddl": EXAMPLE_SCHEMA,
            "migrations/events_v1_to_v2.sql": EXAMPLE_REVISION,
        }
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_text(text)
