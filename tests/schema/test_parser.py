"""The DDL parser: the seed's examples as written, every type and constraint, positioned errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leaf_dagster.schema import (
    And,
    ArrayType,
    Between,
    Comparison,
    CurrentTimestamp,
    DocumentType,
    EnumType,
    InList,
    IsNull,
    LeafSchemaError,
    Like,
    LiteralValue,
    Not,
    Or,
    Reference,
    ScalarType,
    SchemaSet,
    VariantType,
    parse_ddl,
)


def test_seed_declares_three_schemas_an_alteration_and_indexes(seed: SchemaSet) -> None:
    assert list(seed.schemas) == ["users", "notifications", "user_activity_buckets"]
    users = seed["users"]
    assert [ix.name for ix in users.indexes] == [
        "idx_users_username",
        "idx_users_email",
        "idx_users_profile_name",
        "idx_users_skills",
        "idx_users_location",
        "idx_users_active_premium",
        "idx_users_search",
    ]
    text = users.indexes[-1]
    assert text.is_text
    assert [k.path for k in text.keys] == [
        "username",
        "profile.firstName",
        "profile.lastName",
        "profile.bio",
        "skills.name",
    ]
    assert [(k.path, k.direction) for k in users.indexes[2].keys] == [
        ("profile.firstName", 1),
        ("profile.lastName", 1),
    ]
    assert [k.path for k in seed["user_activity_buckets"].indexes[0].keys] == [
        "userId",
        "bucketType",
        "bucketDate",
    ]
    (alter,) = seed.alterations
    assert (alter.collection, alter.field.name, alter.migration_strategy) == ("users", "analytics", "gradual")
    score = alter.field.type
    assert isinstance(score, DocumentType) and score.fields is not None
    engagement = score.fields[2]
    assert engagement.path == "analytics.engagement"


def test_seed_users_fields(seed: SchemaSet) -> None:
    users = seed["users"]
    by_path = {w.path: w for w in users.walk_fields()}
    assert by_path["_id"].field.primary_key and by_path["_id"].field.required
    username = by_path["username"].field
    assert username.type == ScalarType("string", max_length=30)
    assert username.not_null and username.unique
    assert by_path["profile.avatar.size.width"].field.type == ScalarType("int")
    assert by_path["profile.bio"].field.type == ScalarType("text")
    assert by_path["profile.dateOfBirth"].field.type == ScalarType("date")
    contact = by_path["contactMethods"].field.type
    assert isinstance(contact, ArrayType) and isinstance(contact.of, DocumentType)
    assert by_path["contactMethods.type"].array_path == "contactMethods"
    assert by_path["contactMethods.type"].field.type == EnumType(("email", "phone", "address"))
    assert by_path["contactMethods.isPrimary"].field.default == LiteralValue(False)
    assert by_path["account.status"].field.default == LiteralValue("active")
    assert by_path["account.createdAt"].field.default == CurrentTimestamp()
    assert by_path["attributes.value"].field.type == ScalarType("mixed")
    assert by_path["departmentId"].field.references == Reference("departments", "_id")
    (check,) = by_path["skills.yearsExperience"].field.checks
    assert check.condition == Comparison("yearsExperience", "skills.yearsExperience", ">=", 0)
    assert check.text == "yearsExperience >= 0"
    assert check.paths() == ("skills.yearsExperience",)
    assert not by_path["profile"].in_array and by_path["skills.level"].in_array
    assert users.required_paths() == ("_id", "username", "email")
    assert by_path["username"].field.line == 3


def test_seed_merged_adds_the_altered_column(seed: SchemaSet) -> None:
    merged = seed.merged()
    assert merged.alterations == ()
    users = merged["users"]
    assert users.fields[-1].name == "analytics"
    score = users.field_at("analytics.engagement.score")
    assert score is not None
    assert score.type == ScalarType("decimal", precision=3, scale=2)
    assert score.default == LiteralValue(Decimal("0.00"))
    assert seed["users"].field_at("analytics") is None


def test_seed_notifications_variant(seed: SchemaSet) -> None:
    notifications = seed["notifications"]
    data = notifications.field_at("notificationData")
    assert data is not None and isinstance(data.type, VariantType)
    assert data.type.discriminator == "type" and data.type.discriminator_path == "type"
    assert [c.value for c in data.type.cases] == ["email", "push", "sms"]
    walked = {(w.path, w.variant) for w in notifications.walk_fields() if w.variant}
    assert ("notificationData.subject", ("type", "email")) in walked
    assert ("notificationData.to", ("type", "sms")) in walked
    assert ("notificationData.deliveryResults.status", ("type", "push")) in walked
    templates = notifications.field_at("notificationData.templateVariables")
    assert templates is not None and templates.type == DocumentType(None)
    tokens = notifications.field_at("notificationData.deviceTokens")
    assert tokens is not None and tokens.type == ArrayType(ScalarType("string", max_length=255))
    assert notifications.field_at("userId") is not None
    user_id = notifications.field_at("userId")
    assert user_id is not None and user_id.references == Reference("users", "_id") and user_id.not_null


def test_seed_bucket_validate_limit(seed: SchemaSet) -> None:
    buckets = seed["user_activity_buckets"]
    events = buckets.field_at("events")
    assert events is not None and events.array_max_length == 1000
    assert isinstance(events.type, ArrayType) and events.type.max_length == 1000
    assert buckets.array_limits() == (("events", 1000),)
    total = buckets.field_at("summary.totalResponseTime")
    assert total is not None and total.type == ScalarType("long")


def test_check_expressions_are_structured() -> None:
    schema = parse_ddl(
        """
        CREATE DOCUMENT_SCHEMA t (
          a INTEGER CHECK (a BETWEEN 1 AND 5 OR a IS NULL),
          b VARCHAR(9) CHECK (b NOT IN ('x', 'y') AND b LIKE 'p%'),
          c DECIMAL(6,2) CHECK (NOT (c < -1.5)),
          d TEXT CHECK (LENGTH(d) <= 3 AND d REGEXP '^[a-z]+$'),
          e INTEGER CHECK (0 < e)
        )
        """
    )["t"]
    checks = {f.name: f.checks[0].condition for f in schema.fields}
    assert checks["a"] == Or((Between("a", "a", 1, 5), IsNull("a", "a")))
    assert checks["b"] == And((InList("b", "b", ("x", "y"), negated=True), Like("b", "b", "p%")))
    assert checks["c"] == Not(Comparison("c", "c", "<", Decimal("-1.5")))
    assert checks["d"] == And(
        (Comparison("d", "d", "<=", 3, length=True), Like("d", "d", "^[a-z]+$", regex=True))
    )
    assert checks["e"] == Comparison("e", "e", ">", 0)
    assert Like("b", "b", "p%_.").as_regex() == r"^p.*.\.$"


def test_check_may_name_a_sibling() -> None:
    schema = parse_ddl(
        "CREATE DOCUMENT_SCHEMA t (d DOCUMENT { kind VARCHAR(5), n INTEGER CHECK (n > 0 OR kind = 'none') })"
    )["t"]
    n = schema.field_at("d.n")
    assert n is not None
    assert n.checks[0].paths() == ("d.n", "d.kind")


def test_version_clause_and_directive() -> None:
    parsed = parse_ddl(
        """
        -- @version 2.1.0
        CREATE DOCUMENT_SCHEMA a (x INTEGER);
        CREATE DOCUMENT_SCHEMA b VERSION '3.0.0' (x INTEGER);
        """
    )
    assert parsed["a"].version == "2.1.0"
    assert parsed["b"].version == "3.0.0"
    assert parse_ddl("CREATE DOCUMENT_SCHEMA c (x INTEGER)")["c"].version is None


def test_unique_fields_imply_indexes_and_extra_indexes_are_kept() -> None:
    parsed = parse_ddl(
        """
        CREATE DOCUMENT_SCHEMA t (_id OBJECTID PRIMARY KEY, sku VARCHAR(9) NOT NULL UNIQUE, n INTEGER);
        CREATE UNIQUE INDEX ux_n ON t (n DESC);
        CREATE INDEX ix_other ON elsewhere (a.b);
        """
    )
    t = parsed["t"]
    assert [(ix.name, ix.unique, [(k.path, k.direction) for k in ix.keys]) for ix in t.all_indexes()] == [
        ("ux_n", True, [("n", -1)]),
        ("uq_t_sku", True, [("sku", 1)]),
    ]
    assert [ix.name for ix in parsed.extra_indexes] == ["ix_other"]


@pytest.mark.parametrize(
    ("ddl", "line", "col", "message"),
    [
        (
            "CREATE DOCUMENT_SCHEMA users (\n  a INTEGER\n  b VARCHAR(3)\n)",
            3,
            3,
            "expected ',' or ')' after field definition, found 'b'",
        ),
        (
            "CREATE DOCUMENT_SCHEMA users (\n  a INTEGER NOT NULL VARCHAR(3)\n)",
            2,
            22,
            "expected ',' or ')' after field definition, found 'VARCHAR'",
        ),
        ("CREATE DOCUMENT_SCHEMA users (\n  a FLOATY\n)", 2, 5, "unknown type 'FLOATY' for field 'a'"),
        ("CREATE DOCUMENT_SCHEMA users (a INTEGER, a TEXT)", 1, 42, "duplicate field 'a'"),
        ("CREATE DOCUMENT_SCHEMA users (a INTEGER CHECK (b > 1))", 1, 48, "CHECK names unknown field 'b'"),
        (
            "CREATE DOCUMENT_SCHEMA u (\n  d VARIANT { WHEN kind = 'x' THEN DOCUMENT { a INTEGER } }\n)",
            2,
            20,
            "discriminator names unknown field 'kind'",
        ),
        (
            "CREATE DOCUMENT_SCHEMA u (k ENUM('x'), d VARIANT { WHEN k = 'y' THEN DOCUMENT { a INTEGER } })",
            1,
            None,
            "'y' is not a value of ENUM 'k'",
        ),
        ("CREATE DOCUMENT_SCHEMA u (a VARCHAR(x))", 1, 37, "expected a length, found 'x'"),
        ("CREATE DOCUMENT_SCHEMA u (a ENUM('x') DEFAULT 'y')", 1, 47, "default 'y' of 'a' is not one of"),
        ("CREATE DOCUMENT_SCHEMA u (a INTEGER DEFAULT 'y')", 1, 45, "default 'y' of 'a' is not an integer"),
        ("CREATE DOCUMENT_SCHEMA u (a INTEGER DEFAULT 1.5)", 1, 45, "default '1.5' of 'a' is not an integer"),
        ("CREATE DOCUMENT_SCHEMA u (a VARCHAR(2) DEFAULT 'abc')", 1, 48, "is longer than 2"),
        ("CREATE DOCUMENT_SCHEMA u (a BOOLEAN DEFAULT 0)", 1, 45, "is not true or false"),
        ("CREATE DOCUMENT_SCHEMA u (a DECIMAL(2,5))", 1, 39, "scale 5 exceeds its precision 2"),
        ("CREATE DOCUMENT_SCHEMA u (a TIMESTAMP DEFAULT '2024-01-01')", 1, 47, "must be CURRENT_TIMESTAMP"),
        ("CREATE DOCUMENT_SCHEMA u (a DOCUMENT DEFAULT 1)", 1, 46, "must be a document or array literal"),
        ("CREATE DOCUMENT_SCHEMA u (a INTEGER VALIDATE (ARRAY_LENGTH(a) <= 3))", 1, 37, "applies to arrays"),
        ("CREATE DOCUMENT_SCHEMA u (a ARRAY OF INTEGER VALIDATE (ARRAY_LENGTH(b) <= 3))", 1, 69, "must name"),
        (
            "CREATE DOCUMENT_SCHEMA u (a INTEGER",
            1,
            36,
            "expected ',' or ')' after field definition, found end",
        ),
        ("CREATE TABLE u (a INTEGER)", 1, 8, "expected DOCUMENT_SCHEMA, INDEX"),
        ("CREATE DOCUMENT_SCHEMA u (a INTEGER) CREATE", 1, 38, "expected ';' after statement"),
        ("CREATE DOCUMENT_SCHEMA u (a TEXT CHECK (a = 'x))", 1, 45, "unterminated string"),
        ("CREATE DOCUMENT_SCHEMA u (a INTEGER);\nCREATE INDEX i ON u (a, b)", 2, 25, "'b' is not a field"),
        (
            "CREATE DOCUMENT_SCHEMA u (a INTEGER);\nALTER DOCUMENT_SCHEMA u ADD COLUMN a TEXT",
            2,
            None,
            "already exists",
        ),
        (
            "CREATE DOCUMENT_SCHEMA u (a INTEGER); CREATE DOCUMENT_SCHEMA u (b INTEGER)",
            1,
            39,
            "defined twice",
        ),
        ("CREATE DOCUMENT_SCHEMA u (a INTEGER CHECK (a + 1))", 1, 46, "expected a comparison"),
        ("CREATE DOCUMENT_SCHEMA u ()", 1, 27, "expected a field definition, found ')'"),
    ],
)
def test_errors_are_positioned(ddl: str, line: int, col: int | None, message: str) -> None:
    with pytest.raises(LeafSchemaError) as info:
        parse_ddl(ddl, source="users.ddl")
    err = info.value
    assert message in str(err)
    assert err.line == line
    if col is not None:
        assert err.col == col
        assert str(err).startswith(f"users.ddl:{line}:{col}: ")


def test_syntax_error_names_expected_and_found() -> None:
    with pytest.raises(LeafSchemaError) as info:
        parse_ddl(
            "CREATE DOCUMENT_SCHEMA users (\n    a INTEGER NOT NULL\n    VARCHAR(3))", source="users.ddl"
        )
    assert str(info.value) == "users.ddl:3:5: expected ',' or ')' after field definition, found 'VARCHAR'"
    assert info.value.expected == "',' or ')'"
    assert info.value.found == "'VARCHAR'"
    assert isinstance(info.value, ValueError)


def test_keywords_may_be_field_names_and_comments_are_ignored() -> None:
    schema = parse_ddl(
        """
        /* block
           comment */
        CREATE DOCUMENT_SCHEMA t (  -- trailing
          type ENUM('a'), from TEXT, timestamp TIMESTAMP, date DATE, "odd name" INTEGER DEFAULT -3
        );
        """
    )["t"]
    assert [f.name for f in schema.fields] == ["type", "from", "timestamp", "date", "odd name"]
    assert schema.fields[-1].default == LiteralValue(-3)
    assert schema.line == 4
