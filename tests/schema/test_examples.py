"""The example schemas in ``pipelines/schemas`` parse, render back to the same schema, and apply."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bson import ObjectId
from pymongo.database import Database
from pymongo.errors import WriteError

from leaf_dagster.connection import Document
from leaf_dagster.schema import DocumentSchema, SchemaSet, load_ddl, parse_ddl
from leaf_dagster.schema.apply import apply_schema
from leaf_dagster.schema.render import render_schema
from leaf_dagster.schema.validator import to_json_schema
from tests.schema.conftest import FIXTURES, SCHEMAS

EXPECTED = {
    "users.ddl": "users",
    "notifications.ddl": "notifications",
    "user_activity_buckets.ddl": "user_activity_buckets",
    "products.ddl": "products",
    "orders.ddl": "orders",
    "activity_events.ddl": "activity_events",
}
NOW = dt.datetime(2024, 9, 14, 8, 30)


def example(name: str) -> DocumentSchema:
    return load_ddl(SCHEMAS / name).merged().only()


def test_every_example_parses_with_a_version() -> None:
    assert sorted(p.name for p in SCHEMAS.glob("*.ddl")) == sorted(EXPECTED)
    for file, collection in EXPECTED.items():
        schema = example(file)
        assert schema.collection == collection
        assert schema.version is not None
    users = example("users.ddl")
    assert users.version == "3.0.0"  # the newest revision of pipelines/migrations
    assert users.field_at("_schema.version") is not None and users.field_at("analytics.engagement.score")
    products = example("products.ddl")
    assert products.field_at("reviews.recent.rating") is not None
    assert products.array_limits() == (("tags", 20), ("reviews.recent", 10))
    orders = example("orders.ddl")
    customer = orders.field_at("customerId")
    assert customer is not None and customer.references is not None
    assert customer.references.collection == "users"


def _schemas_of(path: Path) -> SchemaSet:
    return load_ddl(path).merged()


@pytest.mark.parametrize(
    "path", [*sorted(SCHEMAS.glob("*.ddl")), FIXTURES / "seed.ddl"], ids=lambda p: p.name
)
def test_render_round_trips(path: Path) -> None:
    for schema in _schemas_of(path).schemas.values():
        again = parse_ddl(render_schema(schema)).only()
        assert to_json_schema(again) == to_json_schema(schema)
        assert [(w.path, w.array_path, w.variant) for w in again.walk_fields()] == [
            (w.path, w.array_path, w.variant) for w in schema.walk_fields()
        ]
        assert [f.default for f in again.fields] == [f.default for f in schema.fields]
        assert [(ix.name, ix.keys, ix.unique) for ix in again.indexes] == [
            (ix.name, ix.keys, ix.unique) for ix in schema.indexes
        ]


def fresh_id(collection: str) -> object:
    """Buckets have the rollup's deterministic string ids; the rest ObjectIds."""
    return f"{ObjectId()}|2024-09-14T08:00:00Z|0" if collection == "user_activity_buckets" else ObjectId()


def valid_documents() -> dict[str, Document]:
    uid, pid = ObjectId(), ObjectId()
    return {
        "users": {
            "_id": uid,
            "username": "sarah_dev",
            "email": "sarah@example.com",
            "profile": {"firstName": "Sarah", "lastName": "Dev", "location": {"city": "Oslo"}},
            "skills": [{"name": "python", "level": "expert", "yearsExperience": 8}],
            "account": {"status": "active", "type": "premium", "loginCount": 3},
            "analytics": {"totalLogins": 0, "lastLoginAt": None, "engagement": {"level": "new", "score": 0}},
            "preferences": {"theme": "dark", "language": "en", "notifications": {}},
            "_schema": {
                "version": "2.1.0",
                "migrationHistory": [{"fromVersion": "2.0.0", "toVersion": "2.1.0", "migratedAt": NOW}],
            },
            "_deprecated": {"full_name": "Sarah Dev"},
        },
        "notifications": {
            "userId": uid,
            "type": "push",
            "title": "Hello",
            "notificationData": {"deviceTokens": ["t1"], "payload": {"alert": {"title": "Hi"}, "badge": 1}},
        },
        "user_activity_buckets": {
            "_id": fresh_id("user_activity_buckets"),
            "userId": uid,
            "bucketDate": NOW,
            "bucketType": "hourly",
            "eventCount": 1,
            "events": [{"timestamp": NOW, "eventType": "click", "page": "/"}],
            "summary": {"clicks": 1, "avgResponseTime": 12.5, "totalResponseTime": 2**40},
        },
        "products": {
            "_id": pid,
            "name": "Lamp",
            "sku": "LAMP-1",
            "category": "home",
            "pricing": {"basePrice": 19.99, "currency": "EUR", "discountPercent": 10},
            "reviews": {
                "summary": {"count": 1, "averageRating": 4.5},
                "recent": [{"reviewId": ObjectId(), "rating": 5, "createdAt": NOW}],
            },
        },
        "orders": {
            "customerId": uid,
            "status": "paid",
            "items": [{"productId": pid, "qty": 2, "price": 19.99}],
            "total": 39.98,
            "shippingAddress": {"city": "Oslo", "country": "NO"},
            "createdAt": NOW,
        },
        "activity_events": {
            "userId": uid,
            "timestamp": NOW,
            "eventType": "api_call",
            "responseTime": 120,
            "statusCode": 200,
        },
    }


INVALID_CHANGES: dict[str, Document] = {
    "users": {"_schema": {"version": "two"}},
    "notifications": {"type": "email"},  # an email needs from/to/subject
    "user_activity_buckets": {"events": [{"timestamp": NOW, "eventType": "scroll"}]},
    "products": {"reviews": {"recent": [{"reviewId": ObjectId(), "rating": 6, "createdAt": NOW}]}},
    "orders": {"items": [{"productId": ObjectId(), "qty": 0, "price": 1}]},
    "activity_events": {"statusCode": 700},
}


def test_examples_apply_accept_valid_and_reject_invalid(db: Database[Document]) -> None:
    docs = valid_documents()
    for file in EXPECTED:
        schema = example(file)
        result = apply_schema(db, schema)
        text_indexes = {ix.name for ix in schema.indexes if ix.is_text}
        assert {name for name, _ in result.indexes_failed} <= text_indexes
        db[schema.collection].insert_one(docs[schema.collection])
        invalid = {**docs[schema.collection], "_id": fresh_id(schema.collection)}
        with pytest.raises(WriteError):
            db[schema.collection].insert_one({**invalid, **INVALID_CHANGES[schema.collection]})
        assert db[schema.collection].count_documents({}) == 1
