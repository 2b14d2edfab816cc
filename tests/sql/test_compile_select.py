"""SELECT/WHERE/paths/ORDER BY/LIMIT on the real server: values, NULL semantics and pipeline shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bson.decimal128 import Decimal128
from pymongo.database import Database

from leaf_dagster.sql import LeafSQLError, compile_condition, compile_expression, compile_sql, run_sql

NOW = dt.datetime(2024, 3, 1, 12, 0)

DOCS: list[dict[str, Any]] = [
    {
        "_id": 1,
        "a": 1,
        "name": "Ann",
        "ts": dt.datetime(2024, 2, 20),
        "profile": {"location": {"city": "Paris", "geo": {"zone": {"code": "P1"}}}},
        "items": [{"price": 5}, {"price": 7}],
    },
    {
        "_id": 2,
        "a": None,
        "name": "bob",
        "ts": dt.datetime(2023, 5, 1),
        "profile": {"location": {"city": "Rome"}},
    },
    {"_id": 3, "name": "C.*+?", "day": "2024-01-01", "items": []},
    {"_id": 4, "a": 7, "name": "100% real", "ts": dt.datetime(2024, 2, 29, 23, 59)},
]


@pytest.fixture
def users(db: Database[Any]) -> Database[Any]:
    db.users.insert_many(DOCS)
    return db


def ids(db: Database[Any], where: str, **kw: Any) -> list[int]:
    return [r["_id"] for r in run_sql(db, f"SELECT _id FROM users WHERE {where} ORDER BY _id", now=NOW, **kw)]


def test_nested_paths_with_and_without_alias(users: Database[Any]) -> None:
    rows = run_sql(
        users,
        "SELECT u._id, profile.location.city, u.profile.location.city AS c2, "
        "u.profile.location.geo.zone.code, items[0].price AS first, items[1].price AS second "
        "FROM users AS u ORDER BY _id",
    )
    assert list(rows[0]) == ["_id", "city", "c2", "code", "first", "second"]
    assert rows[0] == {"_id": 1, "city": "Paris", "c2": "Paris", "code": "P1", "first": 5, "second": 7}
    assert rows[1] == {"_id": 2, "city": "Rome", "c2": "Rome", "code": None, "first": None, "second": None}
    assert rows[2]["first"] is None


def test_rows_hold_only_selected_columns(users: Database[Any]) -> None:
    rows = run_sql(users, "SELECT name FROM users ORDER BY name")
    assert rows == [{"name": n} for n in ["100% real", "Ann", "C.*+?", "bob"]]


def test_select_star_returns_whole_documents(users: Database[Any]) -> None:
    rows = run_sql(users, "SELECT * FROM users WHERE _id = 3")
    assert rows == [DOCS[2]]


def test_three_valued_logic_excludes_null_and_missing(users: Database[Any]) -> None:
    assert ids(users, "NOT (a > 5)") == [1]
    assert ids(users, "a <> 7") == [1]
    assert ids(users, "a NOT IN (7)") == [1]
    assert ids(users, "a NOT IN (1, NULL)") == []
    assert ids(users, "a IN (1, NULL)") == [1]
    assert ids(users, "NOT (a BETWEEN 2 AND 10)") == [1]
    assert ids(users, "a IS NULL") == [2, 3]
    assert ids(users, "a IS NOT NULL") == [1, 4]
    assert ids(users, "NOT (a + 1 > 5)") == [1]  # $expr form keeps the NULL rules
    assert ids(users, "a = NULL") == []


def test_where_is_a_plain_match_when_possible(users: Database[Any]) -> None:
    query = compile_sql(
        "SELECT _id FROM users u WHERE u.a > 5 AND name <> 'x' AND ts >= DATE '2024-01-01'",
        catalog={"users": {"name": "text"}},  # without it, 'x' also guards against non-text names
    )
    assert query.pipeline[0] == {
        "$match": {"a": {"$gt": 5}, "name": {"$nin": ["x", None]}, "ts": {"$gte": dt.datetime(2024, 1, 1)}}
    }
    partly = compile_sql("SELECT _id FROM users WHERE a > 1 AND a * 2 > 3").pipeline[0]["$match"]
    assert partly["a"] == {"$gt": 1}  # the indexable part stays a query operator
    assert set(partly) == {"a", "$expr"}


def test_a_time_range_where_uses_the_index(users: Database[Any]) -> None:
    users.users.create_index("ts")
    for where in ("ts >= DATE '2024-02-01' AND ts < :until", "ts BETWEEN '2024-02-01' AND '2024-03-01'"):
        query = compile_sql(
            f"SELECT COUNT(*) AS n FROM users WHERE {where}",
            params={"until": dt.datetime(2024, 3, 1)},
            catalog={"users": {"ts": "timestamp"}},  # else a text reading of the literal joins in an $or
        )
        plan = users.command("explain", {"aggregate": "users", "pipeline": query.pipeline, "cursor": {}})
        assert "IXSCAN" in str(plan)
        assert users.users.aggregate(query.pipeline).next() == {"n": 2}


def test_like_escapes_regex_metacharacters(users: Database[Any]) -> None:
    assert ids(users, "name LIKE 'C.*+?'") == [3]
    assert ids(users, "name LIKE 'C%'") == [3]
    assert ids(users, "name LIKE 'C____'") == [3]
    assert ids(users, "name LIKE '%\\%%'") == [4]
    assert ids(users, "name ILIKE 'a%'") == [1]
    assert ids(users, "name NOT LIKE 'A%'") == [2, 3, 4]
    assert ids(users, "profile.location.city NOT LIKE 'P%'") == [2]  # missing is not a match


def test_dates_from_literals_iso_strings_and_now(users: Database[Any]) -> None:
    assert ids(users, "ts >= '2024-02-01'") == [1, 4]
    assert ids(users, "day = '2024-01-01'") == [3]  # a string field stays a string comparison
    assert ids(users, "ts >= TIMESTAMP '2024-02-29 12:00:00'") == [4]
    assert ids(users, "ts >= CURRENT_DATE - INTERVAL '30 days'") == [1, 4]
    assert ids(users, "ts > NOW() - INTERVAL '6 months'") == [1, 4]
    query = compile_sql("SELECT _id FROM users WHERE ts >= CURRENT_DATE - INTERVAL '1 month'", now=NOW)
    assert query.pipeline[0] == {"$match": {"ts": {"$gte": dt.datetime(2024, 2, 1)}}}
    ranged = compile_sql(
        "SELECT _id FROM users WHERE ts BETWEEN '2024-01-01' AND '2024-01-31T12:00:00'",
        catalog={"users": {"ts": "timestamp"}},
    )
    assert ranged.pipeline[0] == {
        "$match": {"ts": {"$gte": dt.datetime(2024, 1, 1), "$lte": dt.datetime(2024, 1, 31, 12)}}
    }


def test_quoted_literals_take_the_type_of_the_field(users: Database[Any]) -> None:
    assert ids(users, "a = '7'") == [4]  # PostgreSQL reads '7' as the column's type
    assert ids(users, "a + 0 = '7'") == [4]
    assert ids(users, "a IN ('1', '7')") == [1, 4]
    assert ids(users, "name = '7'") == []
    # an array value reads the literal as an array literal: the query operators leave arrays out
    plain = {"a": {"$in": ["7", 7, 7.0, Decimal128("7")], "$not": {"$type": ["array"]}}}
    assert compile_condition("a = '7'")["$or"][0] == plain
    typed = compile_sql("SELECT _id FROM users WHERE a = '7'", catalog={"users": {"a": "integer"}})
    assert typed.pipeline[0] == {"$match": {"a": 7}}
    assert run_sql(users, "SELECT a + '1' AS b FROM users WHERE _id = 4") == [{"b": 8}]
    # a str parameter is untyped as psycopg sends it: PostgreSQL reads it as the column's type
    assert ids(users, "a = :v", params={"v": "7"}) == [4]
    assert ids(users, "a = :v", params={"v": 7.0}) == [4]


def test_order_by_puts_nulls_last_ascending_and_first_descending(users: Database[Any]) -> None:
    def order(sql: str) -> list[int]:
        return [r["_id"] for r in run_sql(users, sql)]

    assert order("SELECT _id, a FROM users ORDER BY a, _id") == [1, 4, 2, 3]
    assert order("SELECT _id, a FROM users ORDER BY a DESC, _id") == [2, 3, 4, 1]
    assert order("SELECT _id, a FROM users ORDER BY a NULLS FIRST, _id") == [2, 3, 1, 4]
    assert order("SELECT _id, a FROM users ORDER BY a DESC NULLS LAST, _id") == [4, 1, 2, 3]
    assert order("SELECT _id, a AS x FROM users ORDER BY x DESC NULLS LAST, 1") == [4, 1, 2, 3]
    assert order("SELECT _id FROM users ORDER BY LENGTH(name) DESC, _id") == [4, 3, 1, 2]
    assert order("SELECT * FROM users ORDER BY a DESC, _id DESC") == [3, 2, 4, 1]


def test_limit_offset_and_distinct(users: Database[Any]) -> None:
    rows = run_sql(users, "SELECT _id FROM users ORDER BY _id LIMIT 2 OFFSET 1")
    assert rows == [{"_id": 2}, {"_id": 3}]
    assert run_sql(users, "SELECT _id FROM users LIMIT 0") == []
    rows = run_sql(users, "SELECT DISTINCT a > 0 AS pos FROM users ORDER BY pos")
    assert rows == [{"pos": True}, {"pos": None}]


def test_parameters_are_bound_as_values(users: Database[Any]) -> None:
    assert ids(users, "name = :n", params={"n": "Ann"}) == [1]
    assert ids(users, "name = :n", params={"n": "x' OR '1'='1"}) == []
    assert ids(users, "ts >= :since", params={"since": dt.date(2024, 2, 25)}) == [4]
    assert ids(users, "a IN (:xs)", params={"xs": [1, 7]}) == [1, 4]
    with pytest.raises(LeafSQLError, match="missing parameter :n"):
        compile_sql("SELECT _id FROM users WHERE name = :n")


def test_dotted_alias_builds_a_nested_output(users: Database[Any]) -> None:
    query = compile_sql('SELECT _id AS "key.id", name AS "key.name" FROM users WHERE _id = 1')
    assert users.users.aggregate(query.pipeline).next() == {"key": {"id": 1, "name": "Ann"}}
    assert run_sql(users, 'SELECT _id AS "key.id" FROM users WHERE _id = 1') == [{"key.id": 1}]


def test_compile_condition_and_expression_for_documents(db: Database[Any]) -> None:
    version = compile_condition("_schema.version <> '2.1.0'")["$or"][0]
    assert version["_schema.version"]["$nin"] == ["2.1.0", None]
    assert compile_condition("a > b")["$expr"]["$and"][-1] == {"$gt": ["$a", "$b"]}
    db.docs.insert_many(
        [{"_id": 1, "profile": {"firstName": "Ann", "lastName": "Lee"}}, {"_id": 2, "profile": {}}]
    )
    full = compile_expression("profile.firstName || ' ' || profile.lastName")
    db.docs.update_many({}, [{"$set": {"fullName": full, "n": compile_expression("1")}}])
    assert [d.get("fullName") for d in db.docs.find(sort=[("_id", 1)])] == ["Ann Lee", None]
    assert db.docs.find_one({"_id": 1})["n"] == 1
    stamp = compile_expression("NOW()", now=NOW)
    assert stamp == {"$literal": NOW}
