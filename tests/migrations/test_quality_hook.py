"""The validate phase running the target schema's Great Expectations suite (leaf_dagster.quality)."""

from __future__ import annotations

import pytest
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.migrations import (
    MigrationOptions,
    MigrationRunner,
    MigrationValidationError,
    Revisions,
    schema_validator,
)
from leaf_dagster.schema import parse_ddl
from tests.migrations.conftest import WriteRevision
from tests.migrations.helpers import insert_users

USERS_V2 = """
-- @version 2.0.0
CREATE DOCUMENT_SCHEMA users (
  _id INTEGER PRIMARY KEY,
  username VARCHAR(50) NOT NULL,
  profile DOCUMENT {
    firstName VARCHAR(50) NOT NULL,
    lastName VARCHAR(50) NOT NULL
  } NOT NULL
);
"""

SPLIT = """
id = "split"
collection = "users"
from_version = "1.0.0"
to_version = "2.0.0"

def up(doc):
    first, _, last = doc.pop("full_name").partition(" ")
    doc["profile"] = {"firstName": first}
    if doc["_id"] % 50:
        doc["profile"]["lastName"] = last
    return doc
"""


def test_schema_suite_failures_fail_validation(db: Database[Document], write_revision: WriteRevision) -> None:
    insert_users(db, 200)
    schema = parse_ddl(USERS_V2)["users"]
    options = MigrationOptions(validator=schema_validator([schema]))
    runner = MigrationRunner(db, Revisions.load(write_revision("split.py", SPLIT)), options)
    with pytest.raises(
        MigrationValidationError, match=r"validator: 1 expectation\(s\) failed on 200 document\(s\) at 2.0.0"
    ) as failure:
        runner.up()
    assert "4 unexpected" in str(failure.value)  # _id 0, 50, 100, 150 lack profile.lastName


def test_schema_suite_passes_and_other_versions_are_skipped(
    db: Database[Document], write_revision: WriteRevision
) -> None:
    insert_users(db, 100)
    fixed = SPLIT.replace('if doc["_id"] % 50:', "if True:")
    schema = parse_ddl(USERS_V2)["users"]
    validator = schema_validator([schema], sample=50)
    runner = MigrationRunner(
        db, Revisions.load(write_revision("split.py", fixed)), MigrationOptions(validator=validator)
    )
    report = runner.up()[0].validation
    assert report is not None and report.validator is not None
    assert (
        report.validator.ok and "passed on 50 document(s) at 2.0.0 (sample of 50)" in report.validator.summary
    )
    other = schema_validator([parse_ddl(USERS_V2.replace("2.0.0", "9.9.9"))["users"]])
    assert "not checked" in other(db.users, runner.revisions.get("split")).summary
