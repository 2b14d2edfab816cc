"""The generated ``$jsonSchema``: the server rejects a violation of every construct, accepts valid
documents, and ``apply_schema`` creates the collection, validator and indexes idempotently."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from bson import ObjectId
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, WriteError

from leaf_dagster.connection import Document
from leaf_dagster.schema import LeafSchemaError, SchemaSet, parse_ddl
from leaf_dagster.schema.apply import SchemaApplyError, apply_schema, plan_apply, plan_schema
from leaf_dagster.schema.validator import bson_types, build_validator, to_json_schema
from tests.schema.conftest import is_embedded

DOCUMENT_VALIDATION_FAILURE = 121


def valid_thing(**changes: Any) -> Document:
    doc: Document = {
        "_id": ObjectId(),
        "name": f"n{str(ObjectId())[-8:]}",
        "kind": "a",
        "count": 5,
        "big": 2**40,
        "score": 9.5,
        "code": "ABC",
        "level": 2,
        "ratio": 0.5,
        "label": "ok",
        "flag": True,  # status 'bad' is allowed only with flag = true
        "at": dt.datetime(2024, 1, 1),
        "born": dt.datetime(2000, 1, 1),
        "ref": ObjectId(),
        "tags": ["a", "b", "c"],
        "colors": ["red"],
        "meta": {"source": "s", "extra": {"q": 1}},
        "items": [{"sku": "x1", "qty": 1}, {"sku": "x2"}],
        "payload": {"x": 1},
        "status": "bad",
        "note": "z",
        "other": [1, "x"],
    }
    for key, value in changes.items():
        if value is _MISSING:
            doc.pop(key)
        else:
            doc[key] = value
    return doc


_MISSING = object()

VIOLATIONS: dict[str, dict[str, Any]] = {
    "bsonType objectId (_id)": {"_id": "not-an-id"},
    "bsonType string": {"name": 5},
    "required (missing)": {"name": _MISSING},
    "required (null)": {"name": None},
    "maxLength": {"name": "x" * 11},
    "enum": {"kind": "c"},
    "CHECK minimum": {"count": -1},
    "CHECK maximum": {"count": 101},
    "INTEGER rejects a double": {"count": 5.0},
    "INTEGER range": {"count": 2**40},
    "BIGINT type": {"big": "7"},
    "CHECK BETWEEN": {"score": 10.5},
    "DECIMAL precision": {"score": 1000.0},
    "CHECK LIKE (pattern)": {"code": "XY"},
    "CHECK IN": {"level": 4},
    "CHECK exclusive minimum": {"ratio": 0},
    "CHECK LENGTH (minLength)": {"label": "x"},
    "bsonType bool": {"flag": "yes"},
    "bsonType date (TIMESTAMP)": {"at": "2024-01-01"},
    "bsonType date (DATE)": {"born": 20000101},
    "bsonType objectId (REFERENCES)": {"ref": "abc"},
    "maxItems (VALIDATE)": {"tags": ["a", "b", "c", "d"]},
    "items maxLength": {"tags": ["toolong"]},
    "items not null": {"tags": [None]},
    "bsonType array": {"tags": "a"},
    "items enum": {"colors": ["green"]},
    "nested required": {"meta": {"extra": {}}},
    "nested bsonType object": {"meta": {"source": "s", "extra": 3}},
    "bsonType object": {"meta": "s"},
    "array of documents required": {"items": [{"qty": 1}]},
    "array of documents CHECK": {"items": [{"sku": "a", "qty": 0}]},
    "array of documents items type": {"items": ["a"]},
    "VARIANT case a shape": {"payload": {"y": "abc"}},
    "VARIANT case b shape": {"kind": "b", "payload": {"x": 1}},
    "VARIANT case b maxLength": {"kind": "b", "payload": {"y": "abcd"}},
    "VARIANT bsonType": {"payload": 3},
    "CHECK across fields (OR)": {"status": "bad", "flag": False},
    "CHECK NOT IN": {"note": "x"},
}


@pytest.fixture
def things(db: Database[Document], constructs: SchemaSet) -> Database[Document]:
    apply_schema(db, constructs["things"])
    return db


@pytest.mark.parametrize("construct", list(VIOLATIONS))
def test_server_rejects_every_construct(things: Database[Document], construct: str) -> None:
    doc = valid_thing(**VIOLATIONS[construct])
    with pytest.raises(WriteError) as info:
        things.things.insert_one(doc)
    assert info.value.code == DOCUMENT_VALIDATION_FAILURE
    assert things.things.count_documents({}) == 0


def test_server_accepts_valid_minimal_and_null_documents(things: Database[Document]) -> None:
    full = valid_thing()
    minimal = {"_id": ObjectId(), "name": "minimal", "kind": "b"}
    nullable = [k for k in full if k not in ("_id", "name", "kind")]
    nulls = {"_id": ObjectId(), "name": "nulls", "kind": "b", **dict.fromkeys(nullable)}
    undeclared = valid_thing(extra_field={"anything": [1, 2]}, kind="b", payload={"y": "ab"})
    edges = valid_thing(count=0, score=10, ratio=1e-9, tags=[], items=[], label="ab", code="AB", big=-(2**62))
    for doc in (full, minimal, nulls, undeclared, edges):
        things.things.insert_one(doc)
    assert things.things.count_documents({}) == 5
    stored = things.things.find_one({"_id": full["_id"]})
    assert stored is not None and stored["payload"] == {"x": 1}


def test_variant_without_a_case_leaves_the_shape_free(db: Database[Document]) -> None:
    schema = parse_ddl(
        """CREATE DOCUMENT_SCHEMA n (
             kind VARCHAR(10) NOT NULL,
             data VARIANT { WHEN kind = 'email' THEN DOCUMENT { to VARCHAR(5) NOT NULL } }
           )"""
    )["n"]
    apply_schema(db, schema)
    db.n.insert_one({"kind": "fax", "data": {"anything": 1}})
    with pytest.raises(WriteError):
        db.n.insert_one({"kind": "email", "data": {"anything": 1}})
    with pytest.raises(WriteError):
        db.n.insert_one({"kind": "email", "data": {"to": "toolong"}})
    db.n.insert_one({"kind": "email", "data": {"to": "a@b"}})
    assert db.n.count_documents({}) == 2


def test_unique_indexes_reject_duplicates_but_allow_many_missing(db: Database[Document]) -> None:
    schema = parse_ddl(
        """CREATE DOCUMENT_SCHEMA u (
             _id OBJECTID PRIMARY KEY,
             username VARCHAR(30) NOT NULL UNIQUE,
             handle VARCHAR(30) UNIQUE
           );
           CREATE INDEX ix_u_handle_desc ON u (handle DESC, username);"""
    )["u"]
    result = apply_schema(db, schema)
    assert result.created_collection
    assert set(result.indexes_created) == {"uq_u_username", "uq_u_handle", "ix_u_handle_desc"}
    info = db.u.index_information()
    # UNIQUE constrains the values present; NOT NULL is the validator's (documents that broke it
    # before the validator existed must not make the index unbuildable).
    assert info["uq_u_username"]["unique"]
    assert info["uq_u_username"]["partialFilterExpression"] == {"username": {"$exists": True}}
    assert info["uq_u_handle"]["partialFilterExpression"] == {"handle": {"$type": ["string"]}}
    assert info["ix_u_handle_desc"]["key"] == [("handle", -1), ("username", 1)]
    db.u.insert_many([{"username": "a"}, {"username": "b"}, {"username": "c", "handle": None}])
    db.u.insert_one({"username": "d", "handle": "h"})
    with pytest.raises(DuplicateKeyError):
        db.u.insert_one({"username": "a"})
    with pytest.raises(DuplicateKeyError):
        db.u.insert_one({"username": "e", "handle": "h"})


def test_seed_schemas_apply(db: Database[Document], seed: SchemaSet) -> None:
    merged = seed.merged()
    for schema in merged.schemas.values():
        apply_schema(db, schema)
    info = db.users.index_information()
    assert {"idx_users_skills", "idx_users_profile_name", "idx_users_email"} <= set(info)
    # The declared index on a UNIQUE field is that unique index, not a second one on the same key.
    assert info["idx_users_email"].get("unique") and "uq_users_email" not in info
    user = {
        "_id": ObjectId(),
        "username": "ada",
        "email": "ada@example.com",
        "profile": {"firstName": "Ada", "lastName": "Lovelace", "location": {"city": "London"}},
        "skills": [{"name": "math", "level": "expert", "yearsExperience": 20}],
        "analytics": {"totalLogins": 3, "engagement": {"level": "power", "score": 9.5}},
        "account": {"status": "active", "type": "free"},
    }
    db.users.insert_one(user)
    with pytest.raises(WriteError):
        db.users.insert_one(
            {**user, "_id": ObjectId(), "username": "bob", "email": "b@x", "skills": [{"level": "x"}]}
        )
    with pytest.raises(WriteError):
        db.users.insert_one(
            {
                **user,
                "_id": ObjectId(),
                "username": "c",
                "email": "c@x",
                "analytics": {"engagement": {"score": 12}},
            }
        )
    db.notifications.insert_one(
        {"userId": user["_id"], "type": "sms", "title": "t", "notificationData": {"to": "1", "message": "m"}}
    )
    with pytest.raises(WriteError):
        db.notifications.insert_one(
            {
                "userId": user["_id"],
                "type": "email",
                "title": "t",
                "notificationData": {"to": "1", "message": "m"},
            }
        )
    events = [{"timestamp": dt.datetime(2024, 1, 1), "eventType": "click"}] * 1001
    with pytest.raises(WriteError):
        db.user_activity_buckets.insert_one(
            {
                "userId": user["_id"],
                "bucketDate": dt.datetime(2024, 1, 1),
                "bucketType": "daily",
                "events": events,
            }
        )


def test_seed_text_index_searches(db: Database[Document], seed: SchemaSet) -> None:
    if is_embedded(db):
        pytest.skip("embedded-server gap: text indexes are refused (CannotCreateIndex, code 67)")
    result = apply_schema(db, seed["users"])
    assert result.ok and "idx_users_search" in result.indexes_created
    db.users.insert_one(
        {"username": "ada", "email": "a@x", "profile": {"firstName": "Ada", "lastName": "Lovelace"}}
    )
    assert [d["username"] for d in db.users.find({"$text": {"$search": "lovelace"}})] == ["ada"]


def test_apply_is_idempotent_and_sets_level_and_action(db: Database[Document], constructs: SchemaSet) -> None:
    schema = constructs["things"]
    first = apply_schema(db, schema)
    again = apply_schema(db, schema, validation_level="moderate", validation_action="warn")
    assert first.created_collection and not again.created_collection
    assert again.indexes_created == () and again.indexes_existing == ("uq_things_name",)
    (options,) = db.command("listCollections", filter={"name": "things"})["cursor"]["firstBatch"]
    assert options["options"]["validationLevel"] == "moderate"
    assert options["options"]["validationAction"] == "warn"
    assert options["options"]["validator"] == {"$jsonSchema": to_json_schema(schema)}
    db.things.insert_one(valid_thing(kind="zzz"))  # warn: accepted, logged by the server
    assert db.things.count_documents({"kind": "zzz"}) == 1


def test_conflicting_index_is_a_clear_error(db: Database[Document]) -> None:
    db.t.create_index([("sku", 1)], name="ix_t_sku")
    schema = parse_ddl("CREATE DOCUMENT_SCHEMA t (sku TEXT); CREATE INDEX ix_t_sku ON t (sku DESC)")["t"]
    with pytest.raises(LeafSchemaError, match="ix_t_sku"):
        apply_schema(db, schema)


def test_plan_lists_unexpressed_checks_without_a_database() -> None:
    schema = parse_ddl(
        "CREATE DOCUMENT_SCHEMA t (code VARCHAR(5) CHECK (code >= 'B'), at DATE CHECK (at > '2020-01-01'))"
    )["t"]
    plan = plan_schema(schema, validation_level="moderate")
    assert plan.unexpressed_checks == ("code: CHECK (code >= 'B')", "at: CHECK (at > '2020-01-01')")
    assert plan.to_dict()["validationLevel"] == "moderate"
    with pytest.raises(LeafSchemaError, match="validation action"):
        plan_schema(schema, validation_action="explode")  # type: ignore[arg-type]


def test_json_schema_shape_for_simple_constructs(seed: SchemaSet) -> None:
    built = build_validator(seed["users"])
    props = built.json_schema["properties"]
    assert built.json_schema["required"] == ["_id", "username", "email"]
    assert props["username"] == {"bsonType": "string", "maxLength": 30}
    assert props["profile"]["properties"]["bio"] == {"bsonType": ["string", "null"]}
    skill = props["skills"]["items"]
    assert skill["required"] == ["name"]
    assert skill["properties"]["yearsExperience"] == {
        "bsonType": ["int", "long", "null"],
        "minimum": 0,
        "maximum": 2**31 - 1,
    }
    assert props["account"]["properties"]["status"] == {"enum": ["active", "inactive", "suspended", None]}
    assert "additionalProperties" not in built.json_schema
    assert built.unexpressed == ()
    assert bson_types(seed["users"].fields[0].type) == ("objectId",)


def test_deep_copy_safe() -> None:
    schema = parse_ddl("CREATE DOCUMENT_SCHEMA t (a INTEGER CHECK (a > 1))")["t"]
    first = to_json_schema(schema)
    copied = copy.deepcopy(first)
    assert to_json_schema(schema) == copied


def test_a_failing_step_restores_the_previous_validator_and_indexes(db: Database[Document]) -> None:
    db.create_collection("t", validator={"$jsonSchema": {"required": ["old"]}})
    db.t.insert_many([{"old": 1, "sku": "dup"}, {"old": 2, "sku": "dup"}])
    before = db.command("listCollections", filter={"name": "t"})["cursor"]["firstBatch"][0]["options"]
    schema = parse_ddl(
        "CREATE DOCUMENT_SCHEMA t (sku VARCHAR(5) UNIQUE, n INTEGER); CREATE INDEX ix_t_n ON t (n)"
    )["t"]
    with pytest.raises(SchemaApplyError, match="duplicate key"):
        apply_schema(db, schema)
    after = db.command("listCollections", filter={"name": "t"})["cursor"]["firstBatch"][0]["options"]
    assert after["validator"] == before["validator"]
    assert (after.get("validationLevel", "strict"), after.get("validationAction", "error")) == (
        "strict",
        "error",
    )
    assert set(db.t.index_information()) == {"_id_"}
    db.t.insert_one({"old": 3, "sku": "toolong"})  # the old validator, not the new one


def test_plan_adopts_replaces_and_refuses(db: Database[Document]) -> None:
    """A loader's default-named indexes: adopted when equivalent, replaced when weaker; a
    deliberately named one with other options is a conflict, refused before any change."""
    db.t.create_index([("a", 1), ("b", -1)])  # a_1_b_-1, as a loader makes it
    db.t.create_index([("sku", 1)])  # sku_1, not unique
    schema = parse_ddl(
        "CREATE DOCUMENT_SCHEMA t (sku VARCHAR(5) NOT NULL UNIQUE, a INTEGER, b INTEGER);"
        "CREATE INDEX ix_t_ab ON t (a, b DESC)"
    )["t"]
    plan = plan_apply(db, schema)
    assert {a.spec.name: (a.kind, a.existing) for a in plan.indexes} == {
        "ix_t_ab": ("adopt", "a_1_b_-1"),
        "uq_t_sku": ("replace", "sku_1"),
    }
    assert not plan.conflicts and "validator: set" in plan.validator_change()
    result = apply_schema(db, schema)
    info = db.t.index_information()
    assert set(info) == {"_id_", "a_1_b_-1", "uq_t_sku"} and info["uq_t_sku"]["unique"]
    assert result.indexes_created == ("uq_t_sku",) and result.indexes_existing == ("ix_t_ab",)
    again = plan_apply(db, schema)
    assert again.validator_unchanged and {a.kind for a in again.indexes} == {"adopt", "present"}

    db.u.create_index([("sku", 1)], name="my_sku_lookup")
    db.u.insert_one({"sku": "x"})
    conflicting = parse_ddl("CREATE DOCUMENT_SCHEMA u (sku VARCHAR(5) NOT NULL UNIQUE)")["u"]
    (conflict,) = plan_apply(db, conflicting).conflicts
    assert conflict.existing == "my_sku_lookup"
    with pytest.raises(LeafSchemaError, match=r"nothing applied.*my_sku_lookup"):
        apply_schema(db, conflicting)
    options = db.command("listCollections", filter={"name": "u"})["cursor"]["firstBatch"][0]["options"]
    assert "validator" not in options and set(db.u.index_information()) == {"_id_", "my_sku_lookup"}
