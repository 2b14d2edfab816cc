"""IN/EXISTS/scalar subqueries and UNION on the real server: SQL's NULL rules and pipeline shape."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database
from pymongo.errors import OperationFailure

from leaf_dagster.sql import LeafSQLError, compile_sql, run_sql


@pytest.fixture
def shop(db: Database[Any]) -> Database[Any]:
    db.users.insert_many(
        [
            {"_id": 1, "name": "ann", "city": "Paris"},
            {"_id": 2, "name": "bob", "city": None},
            {"_id": 3, "name": "cy", "city": "Rome"},
            {"_id": 4, "name": None},
        ]
    )
    db.orders.insert_many(
        [
            {"_id": 10, "user": 1, "total": 5, "city": "Paris"},
            {"_id": 11, "user": 1, "total": 7, "city": "Oslo"},
            {"_id": 12, "user": 3, "total": 1, "city": None},
            {"_id": 13, "user": None, "total": 2, "city": "Oslo"},
        ]
    )
    db.create_collection("empty")
    return db


def names(db: Database[Any], sql: str) -> list[Any]:
    return [row["name"] for row in run_sql(db, sql)]


def test_in_subquery_correlated_or_not(shop: Database[Any]) -> None:
    assert names(shop, "SELECT name FROM users WHERE _id IN (SELECT user FROM orders) ORDER BY name") == [
        "ann",
        "cy",
    ]
    sql = "SELECT u.name FROM users u WHERE 'Oslo' IN (SELECT o.city FROM orders o WHERE o.user = u._id)"
    assert names(shop, sql) == ["ann"]
    lookup = compile_sql(sql).pipeline[0]["$lookup"]
    assert "let" in lookup and lookup["pipeline"][-1] == {"$limit": 1}


def test_not_in_follows_sql_null_rules(shop: Database[Any]) -> None:
    # orders.user holds a NULL: NOT IN is never true.
    assert names(shop, "SELECT name FROM users WHERE _id NOT IN (SELECT user FROM orders)") == []
    sql = "SELECT name FROM users WHERE _id NOT IN (SELECT user FROM orders WHERE user IS NOT NULL) ORDER BY _id"
    assert names(shop, sql) == ["bob", None]
    # A NULL value is NOT IN nothing: an empty subquery gives true even for it.
    assert names(shop, "SELECT name FROM users WHERE city NOT IN (SELECT city FROM empty) ORDER BY _id") == [
        "ann",
        "bob",
        "cy",
        None,
    ]
    # ...but for a non-empty subquery NULL NOT IN (...) is NULL.
    sql = "SELECT name FROM users WHERE city NOT IN (SELECT city FROM orders WHERE city IS NOT NULL) ORDER BY _id"
    assert names(shop, sql) == ["cy"]


def test_exists_and_not_exists(shop: Database[Any]) -> None:
    sql = (
        "SELECT u.name FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user = u._id) ORDER BY u._id"
    )
    assert names(shop, sql) == ["ann", "cy"]
    sql = "SELECT u.name FROM users u WHERE NOT EXISTS (SELECT * FROM orders o WHERE o.user = u._id) ORDER BY u._id"
    assert names(shop, sql) == ["bob", None]
    assert names(shop, "SELECT name FROM users WHERE EXISTS (SELECT 1 FROM empty)") == []


def test_scalar_subqueries_in_select_and_where(shop: Database[Any]) -> None:
    sql = (
        "SELECT u.name, (SELECT SUM(o.total) FROM orders o WHERE o.user = u._id) AS spent, "
        "(SELECT COUNT(*) FROM orders) AS all_orders FROM users u ORDER BY u._id"
    )
    assert [(r["name"], r["spent"], r["all_orders"]) for r in run_sql(shop, sql)] == [
        ("ann", 12, 4),
        ("bob", None, 4),
        ("cy", 1, 4),
        (None, None, 4),
    ]
    sql = "SELECT _id FROM orders WHERE total > (SELECT AVG(total) FROM orders) ORDER BY _id"
    assert [r["_id"] for r in run_sql(shop, sql)] == [10, 11]


def test_a_scalar_subquery_with_two_rows_fails_at_run_time(shop: Database[Any]) -> None:
    with pytest.raises(OperationFailure, match="more than one row returned by a subquery"):
        run_sql(shop, "SELECT name, (SELECT total FROM orders o WHERE o.user = users._id) AS t FROM users")


def test_union_all_and_union_with_order_and_limit(shop: Database[Any]) -> None:
    sql = "SELECT city FROM users UNION ALL SELECT city FROM orders"
    assert len(run_sql(shop, sql)) == 8
    stages = compile_sql(sql).pipeline
    assert stages[-1]["$unionWith"]["coll"] == "orders"
    # UNION removes duplicates, NULLs included (NULL and missing are one NULL).
    rows = run_sql(shop, "SELECT city AS c FROM users UNION SELECT city FROM orders ORDER BY c NULLS FIRST")
    assert [r["c"] for r in rows] == [None, "Oslo", "Paris", "Rome"]
    rows = run_sql(
        shop, "SELECT name, _id FROM users UNION ALL SELECT city, _id FROM orders ORDER BY 2 DESC LIMIT 2"
    )
    assert rows == [{"name": "Oslo", "_id": 13}, {"name": None, "_id": 12}]


def test_union_inside_a_cte_and_errors(shop: Database[Any]) -> None:
    sql = (
        "WITH ids AS (SELECT _id AS id FROM users UNION SELECT user FROM orders) "
        "SELECT COUNT(*) AS n, COUNT(id) AS known FROM ids"
    )
    assert run_sql(shop, sql) == [{"n": 5, "known": 4}]
    with pytest.raises(LeafSQLError, match="same number of columns"):
        compile_sql("SELECT a FROM t UNION SELECT a, b FROM u")
    with pytest.raises(LeafSQLError, match="correlated subqueries after GROUP BY"):
        compile_sql(
            "SELECT city, (SELECT COUNT(*) FROM orders o WHERE o.city = u.city) FROM users u GROUP BY city"
        )


def test_a_subquery_on_the_base_runs_before_the_joins(shop: Database[Any]) -> None:
    sql = (
        "SELECT u.name, o.total FROM users u JOIN orders o ON o.user = u._id "
        "WHERE u._id IN (SELECT user FROM orders WHERE total > 6) AND o.total < 6"
    )
    stages = compile_sql(sql).streaming_pipeline  # (``pipeline`` runs the IN subquery first, once)
    kinds = [next(iter(stage)) for stage in stages]
    assert kinds[:4] == ["$lookup", "$match", "$lookup", "$set"]
    # An uncorrelated IN is one set of values, computed without reading the outer row.
    lookup = stages[0]["$lookup"]
    assert "let" not in lookup and "$group" in lookup["pipeline"][-1]
    assert run_sql(shop, sql) == [{"name": "ann", "total": 5}]


def test_subqueries_where_no_lookup_can_run_are_refused() -> None:
    from leaf_dagster.sql import compile_condition

    with pytest.raises(LeafSQLError, match="single expression") as info:
        compile_condition("a IN (SELECT b FROM t)")
    assert (info.value.line, info.value.col) == (1, 7)
    with pytest.raises(LeafSQLError, match="in this position"):
        compile_sql("SELECT a, SUM(a) OVER (PARTITION BY (SELECT MAX(b) FROM u)) AS s FROM t")


def test_subqueries_on_an_equality_let_the_index_narrow_the_lookup(shop: Database[Any]) -> None:
    """``field = outer value`` in the subquery's WHERE becomes localField/foreignField as well; the
    exact ``$expr`` stays, so NULL and array keys still pair as SQL's ``=`` does."""
    shop.orders.insert_many([{"_id": 14, "user": [1, 3], "total": 9}, {"_id": 15, "user": 1.0, "total": 3}])
    exists = "SELECT o._id FROM orders o WHERE EXISTS (SELECT 1 FROM users u WHERE u._id = o.user) ORDER BY 1"
    scalar = (
        "SELECT o._id, (SELECT u.name FROM users u WHERE u._id = o.user) AS name FROM orders o ORDER BY 1"
    )
    within = "SELECT _id FROM orders WHERE user IN (SELECT _id FROM users WHERE city IS NOT NULL) ORDER BY 1"
    for sql in (exists, scalar):
        lookup = compile_sql(sql).pipeline[0]["$lookup"]
        assert (lookup["localField"], lookup["foreignField"]) == ("user", "_id"), sql
    # An uncorrelated IN is computed once as a set of values (test_subquery_once.py), not per row.
    assert "localField" not in compile_sql(within).streaming_pipeline[0]["$lookup"]
    assert [r["_id"] for r in run_sql(shop, exists)] == [10, 11, 12, 15]
    assert [(r["_id"], r["name"]) for r in run_sql(shop, scalar)] == [
        (10, "ann"),
        (11, "ann"),
        (12, "cy"),
        (13, None),
        (14, None),
        (15, "ann"),
    ]
    assert [r["_id"] for r in run_sql(shop, within)] == [10, 11, 12, 15]
