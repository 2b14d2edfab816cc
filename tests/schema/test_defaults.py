"""DEFAULT values: literals, CURRENT_TIMESTAMP, document/array literals, and nested defaults."""

from __future__ import annotations

import datetime as dt

import pytest

from leaf_dagster.schema import (
    NO_DEFAULT,
    LeafSchemaError,
    SchemaSet,
    StructuredDefault,
    apply_defaults,
    default_value,
    load_ddl,
    parse_ddl,
)
from leaf_dagster.schema.render import render_schema
from tests.schema.conftest import FIXTURES

NOW = dt.datetime(2024, 12, 1, 2, 0)
V3_DEFAULT = {
    "sessions": [],
    "preferences": {
        "communicationChannels": ["email"],
        "contentTopics": [],
        "frequencySettings": {"marketing": "monthly", "updates": "weekly"},
    },
}


def test_seed_v3_alter_with_a_document_default() -> None:
    (alter,) = load_ddl(FIXTURES / "alter_v3.ddl").alterations
    assert alter.collection == "users" and alter.field.name == "detailed_analytics"
    assert isinstance(alter.field.default, StructuredDefault)
    assert default_value(alter.field, now=NOW) == V3_DEFAULT
    # Each call gives a fresh copy: callers may mutate it.
    default_value(alter.field, now=NOW)["sessions"].append(1)
    assert default_value(alter.field, now=NOW) == V3_DEFAULT
    assert hash(alter.field) == hash(alter.field)  # the model stays hashable


def test_nested_defaults_fill_a_missing_document(seed: SchemaSet) -> None:
    users = seed.merged()["users"]
    analytics = users.field_at("analytics")
    assert analytics is not None
    assert default_value(analytics, now=NOW) == {
        "totalLogins": 0,
        "engagement": {"level": "new", "score": 0.0},
    }
    profile = users.field_at("profile")
    assert profile is not None and default_value(profile, now=NOW) is NO_DEFAULT
    filled = apply_defaults(
        {"username": "x", "account": {"type": "premium"}, "updatedAt": None}, users, now=NOW
    )
    assert filled["account"] == {
        "type": "premium",
        "status": "active",
        "createdAt": NOW,
        "loginCount": 0,
        "isEmailVerified": False,
        "twoFactorEnabled": False,
    }
    assert filled["createdAt"] == NOW and filled["updatedAt"] is None
    assert "profile" not in filled and "contactMethods" not in filled


def test_structured_defaults_round_trip_and_are_checked() -> None:
    ddl = "CREATE DOCUMENT_SCHEMA t (tags ARRAY OF TEXT DEFAULT ['a', 'it''s'], m MIXED DEFAULT {\"odd key\": 1.5})"
    schema = parse_ddl(ddl)["t"]
    assert [default_value(f, now=NOW) for f in schema.fields] == [["a", "it's"], {"odd key": 1.5}]
    assert [f.default for f in parse_ddl(render_schema(schema))["t"].fields] == [
        f.default for f in schema.fields
    ]
    with pytest.raises(LeafSchemaError, match="does not fit 'n'"):
        parse_ddl("CREATE DOCUMENT_SCHEMA t (n INTEGER DEFAULT [1])")
    with pytest.raises(LeafSchemaError, match="appears twice"):
        parse_ddl("CREATE DOCUMENT_SCHEMA t (d DOCUMENT DEFAULT {a: 1, a: 2})")
    with pytest.raises(LeafSchemaError, match="expected ':' after the key"):
        parse_ddl("CREATE DOCUMENT_SCHEMA t (d DOCUMENT DEFAULT {a 1})")
