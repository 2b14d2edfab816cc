"""``schema_stats``: the seed's DOCUMENT_SCHEMA_STATS report, one server-side aggregation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bson import ObjectId
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.schema import SchemaSet, parse_ddl
from leaf_dagster.schema.stats import NEAR_LIMIT_BYTES, schema_stats, stats_pipeline

DDL = """
-- @version 2.1.0
CREATE DOCUMENT_SCHEMA users (
  _id OBJECTID PRIMARY KEY,
  username VARCHAR(30) NOT NULL,
  email VARCHAR(255) NOT NULL,
  profile DOCUMENT { firstName VARCHAR(50) NOT NULL, bio TEXT },
  events ARRAY OF DOCUMENT { at TIMESTAMP NOT NULL } VALIDATE (ARRAY_LENGTH(events) <= 3),
  _schema DOCUMENT { version VARCHAR(20) NOT NULL }
)
"""


def user(**fields: Any) -> Document:
    doc: Document = {
        "username": "u",
        "email": "e@x",
        "profile": {"firstName": "A"},
        "events": [],
        "_schema": {"version": "2.1.0"},
    }
    doc.update(fields)
    return {k: v for k, v in doc.items() if v is not ...}


def test_report_counts_every_finding(db: Database[Document]) -> None:
    schema = parse_ddl(DDL)["users"]
    now = dt.datetime(2024, 1, 1)
    db.users.insert_many(
        [
            user(),
            user(username=None),
            user(username=..., email=...),
            user(profile={"bio": "no first name"}),
            user(profile=...),  # optional document absent: its required field is not counted
            user(events=[{"at": now}] * 4),
            user(_schema={"version": "2.0.0"}),
            user(_schema={"version": "2.0.0"}, _migrationLock=True),
            user(_schema=..., _leaf_lock={"owner": "x"}),
            user(bigText="x" * 20_000),
        ]
    )
    stats = schema_stats(db, schema)
    assert stats.document_count == 10
    assert stats.current_version == "2.1.0"
    assert stats.missing_required == {
        "_id": 0,
        "username": 2,
        "email": 1,
        "profile.firstName": 1,
        "_schema.version": 0,  # _schema is optional: its version is required only where it exists
    }
    assert stats.version_counts == {None: 1, "2.0.0": 2, "2.1.0": 7}
    assert stats.outdated == 3
    assert stats.migration_locks == 2
    assert stats.arrays_over_limit == {"events": 1}
    assert stats.near_size_limit == 0
    assert sum(b.count for b in stats.size_histogram) == 10
    by_label = {b.label: b.count for b in stats.size_histogram}
    assert by_label["0 B–1 KB"] == 9 and by_label["16 KB–64 KB"] == 1
    sizes = [len(__import__("bson").encode(d)) for d in db.users.find()]
    assert stats.max_size_bytes == max(sizes)
    assert abs(stats.avg_size_bytes - sum(sizes) / len(sizes)) < 1e-6
    problems = stats.problems()
    assert "2 document(s) miss required field 'username'" in problems
    assert "3 document(s) are not at schema version 2.1.0" in problems
    assert "1 document(s) have more than 3 items in 'events'" in problems
    report = stats.to_dict()
    assert report["versions"][0] == {"version": None, "count": 1}
    assert report["arrayLimits"] == {"events": 3}


def test_explicit_version_match_and_empty_collection(db: Database[Document]) -> None:
    schema = parse_ddl(DDL)["users"]
    empty = schema_stats(db, schema)
    assert empty.document_count == 0 and empty.outdated == 0 and empty.problems() == []
    assert empty.avg_size_bytes == 0.0
    db.users.insert_many([user(), user(_schema={"version": "2.0.0"}, username=None)])
    old = schema_stats(db, schema, current_version="2.0.0")
    assert old.outdated == 1
    only_old = schema_stats(db, schema, match={"_schema.version": "2.0.0"})
    assert only_old.document_count == 1 and only_old.missing_required["username"] == 1
    unversioned = schema_stats(db, parse_ddl("CREATE DOCUMENT_SCHEMA users (username TEXT)")["users"])
    assert unversioned.outdated is None and unversioned.missing_required == {}


def test_variant_required_fields_count_only_in_their_case(db: Database[Document], seed: SchemaSet) -> None:
    notifications = seed["notifications"]
    uid = ObjectId()
    db.notifications.insert_many(
        [
            {"userId": uid, "type": "sms", "title": "t", "notificationData": {"to": "1", "message": "m"}},
            {"userId": uid, "type": "sms", "title": "t", "notificationData": {"message": "m"}},
            {"userId": uid, "type": "email", "title": "t", "notificationData": {"from": "a"}},
            {"userId": uid, "type": "push", "title": "t", "notificationData": {}},
        ]
    )
    stats = schema_stats(db, notifications)
    assert stats.missing_required["notificationData.to"] == 2
    assert stats.missing_required["notificationData.message"] == 0
    assert stats.missing_required["notificationData.subject"] == 1
    assert stats.missing_required["notificationData.from"] == 0
    assert stats.missing_required["title"] == 0


def test_near_limit_flag_uses_bson_size(db: Database[Document]) -> None:
    schema = parse_ddl("CREATE DOCUMENT_SCHEMA big (blob TEXT)")["big"]
    db.big.insert_many([{"blob": "x" * (NEAR_LIMIT_BYTES + 10)}, {"blob": "small"}])
    stats = schema_stats(db, schema)
    assert stats.near_size_limit == 1
    assert stats.size_histogram[-1].count == 1
    assert "1 document(s) are over 80% of the 16 MB limit" in stats.problems()


def test_pipeline_is_one_aggregation_with_a_facet() -> None:
    pipeline = stats_pipeline({"a": {"$in": [{"$type": "$a"}, ["missing", "null"]]}}, {"tags": 5})
    assert [next(iter(stage)) for stage in pipeline] == ["$project", "$facet"]
    assert set(pipeline[1]["$facet"]) == {"totals", "versions", "sizes"}
