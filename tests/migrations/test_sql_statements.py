"""SQL-style revisions: the seed's statements compiled to update pipelines and run server-side."""

from __future__ import annotations

from pathlib import Path

import pytest
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.migrations import MigrationOptions, MigrationRunner, RevisionError, Revisions
from leaf_dagster.migrations.sql_statements import compile_statements
from tests.migrations.conftest import WriteRevision
from tests.migrations.helpers import collection_hashes

LOYALTY = """
-- Loyalty program: defaults, a display name, a renamed and a dropped column.
-- id: loyalty_v31
-- from_version: 3.0.0
ALTER DOCUMENT_SCHEMA users ADD COLUMN loyalty DOCUMENT {
  tier ENUM('bronze', 'silver', 'gold') DEFAULT 'bronze',
  points INTEGER DEFAULT 0
};
UPDATE users
SET display_name = CONCAT(first, ' ', last), _schema.version = '3.1.0'
WHERE first IS NOT NULL;  -- a comment; with a ; inside 'quotes'
ALTER DOCUMENT_SCHEMA users RENAME COLUMN nick TO handle;
ALTER DOCUMENT_SCHEMA users DROP COLUMN legacy;

-- down
ALTER DOCUMENT_SCHEMA users RENAME COLUMN handle TO nick;
ALTER DOCUMENT_SCHEMA users DROP COLUMN display_name;
ALTER DOCUMENT_SCHEMA users DROP COLUMN loyalty;
"""


def test_sql_revision_runs_server_side(db: Database[Document], write_revision: WriteRevision) -> None:
    db.users.insert_many(
        [
            {"_id": 1, "_schema": {"version": "3.0.0"}, "first": "Ada", "last": "Lovelace", "nick": "ada"},
            {"_id": 2, "_schema": {"version": "3.0.0"}, "last": "Hopper", "loyalty": {"tier": "gold"}},
            {"_id": 3, "_schema": {"version": "3.0.0"}, "first": "Ken", "last": "T", "legacy": True},
        ]
    )
    rev = Revisions.load(write_revision("loyalty.sql", LOYALTY)).get("loyalty_v31")
    assert (rev.collection, rev.to_version, rev.server_side, rev.source) == ("users", "3.1.0", True, "sql")
    run = MigrationRunner(db, Revisions([rev]), MigrationOptions())
    assert run.up()[0].migrated == 3
    docs = {
        d["_id"]: d
        for d in db.users.find(
            {}, {"_id": 1, "loyalty": 1, "display_name": 1, "handle": 1, "nick": 1, "legacy": 1, "_schema": 1}
        )
    }
    assert docs[1] == {
        "_id": 1,
        "_schema": {"version": "3.1.0"},
        "handle": "ada",
        "display_name": "Ada Lovelace",
        "loyalty": {"tier": "bronze", "points": 0},
    }
    assert docs[2] == {
        "_id": 2,
        "_schema": {"version": "3.1.0"},
        "loyalty": {"tier": "gold"},
    }  # kept, no name
    assert "legacy" not in docs[3] and docs[3]["display_name"] == "Ken T"


def test_sql_down_section_rolls_back(db: Database[Document], write_revision: WriteRevision) -> None:
    db.users.insert_many(
        [
            {"_id": i, "_schema": {"version": "3.0.0"}, "first": "A", "last": str(i), "nick": "n"}
            for i in range(20)
        ]
    )
    before = collection_hashes(db, "users")
    run = MigrationRunner(
        db, Revisions.load(write_revision("loyalty.sql", LOYALTY)), MigrationOptions(batch_size=7)
    )
    run.up()
    run.down("loyalty_v31")
    assert collection_hashes(db, "users") == before


def test_seed_create_migration_example_compiles() -> None:
    rev = Revisions.load(Path(__file__).resolve().parents[2] / "pipelines" / "migrations").get(
        "migrate_users_v2_to_v3"
    )
    assert rev.up_pipeline is not None
    detailed = rev.up_pipeline[0]["$set"]["detailed_analytics"]["$cond"][1]["$literal"]
    assert detailed["preferences"]["frequencySettings"] == {"marketing": "monthly", "updates": "weekly"}
    assert rev.up_pipeline[1] == {"$set": {"_schema.lastMigrated": "$$NOW"}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("DELETE FROM users;", "unsupported statement"),
        ("UPDATE users SET a = 1; UPDATE orders SET b = 2;", "one collection"),
        ("ALTER DOCUMENT_SCHEMA users MODIFY COLUMN a INT;", "unsupported ALTER"),
        ("UPDATE users SET a = NO_SUCH_FUNCTION(b);", "cannot compile"),
        ("UPDATE users SET a = {b: };", "literal"),
    ],
)
def test_bad_statements_are_refused(text: str, message: str) -> None:
    with pytest.raises(RevisionError, match=message):
        compile_statements(text)


def test_missing_headers_are_refused(write_revision: WriteRevision) -> None:
    folder = write_revision("x.sql", "UPDATE users SET a = 1;\n")
    with pytest.raises(RevisionError, match="lacks id, from_version, to_version"):
        Revisions.load(folder)
