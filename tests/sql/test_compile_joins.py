"""JOIN, UNNEST, CTEs and subqueries in FROM on the real server: rows, NULL keys, pipeline shape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from bson import Regex
from pymongo.database import Database

from leaf_dagster.sql import LeafSQLError, compile_sql, run_sql

NOW = dt.datetime(2024, 3, 1, 12, 0)


@pytest.fixture
def shop(db: Database[Any]) -> Database[Any]:
    db.categories.insert_many(
        [
            {"_id": 1, "category_id": 10, "category_name": "Tools", "parent_category_id": None},
            {"_id": 2, "category_id": 11, "category_name": "Saws", "parent_category_id": 10},
            {"_id": 3, "category_id": None, "category_name": "Orphan"},
        ]
    )
    db.products.insert_many(
        [
            {"_id": 1, "product_id": 1, "name": "hammer", "category_id": 10, "meta": {"brand": {"id": 7}}},
            {"_id": 2, "product_id": 2, "name": "saw", "category_id": 11, "meta": {"brand": {"id": 8}}},
            {"_id": 3, "product_id": 3, "name": "ghost", "category_id": None},
            {"_id": 4, "product_id": 4, "name": "lost", "category_id": 99},
        ]
    )
    db.images.insert_many(
        [
            {"product_id": 1, "url": "h1", "is_primary": True},
            {"product_id": 1, "url": "h2", "is_primary": False},
            {"product_id": 2, "url": "s1", "is_primary": False},
        ]
    )
    db.brands.insert_many(
        [{"brand": {"id": 7}, "brand_name": "Acme"}, {"brand": {"id": 8}, "brand_name": "Bolt"}]
    )
    db.users.insert_many(
        [
            {
                "_id": 1,
                "username": "ann",
                "attributes": [{"key": "department", "value": "ops"}],
                "tags": ["a", "b"],
            },
            {"_id": 2, "username": "bob", "attributes": [], "tags": None},
            {"_id": 3, "username": "cy"},
        ]
    )
    db.buckets.insert_many(
        [
            {"userId": 1, "bucketDate": dt.datetime(2024, 2, 20), "views": 5},
            {"userId": 1, "bucketDate": dt.datetime(2023, 1, 1), "views": 100},
            {"userId": 2, "bucketDate": dt.datetime(2024, 2, 25), "views": 3},
        ]
    )
    return db


def run(db: Database[Any], sql: str) -> list[dict[str, Any]]:
    return run_sql(db, sql, now=NOW)


def test_inner_join_drops_unmatched_and_null_keys(shop: Database[Any]) -> None:
    sql = (
        "SELECT p.name, c.category_name FROM products p "
        "JOIN categories c ON p.category_id = c.category_id ORDER BY p.name"
    )
    assert run(shop, sql) == [
        {"name": "hammer", "category_name": "Tools"},
        {"name": "saw", "category_name": "Saws"},
    ]
    lookup = compile_sql(sql).pipeline[0]["$lookup"]
    # The combined form: the foreign key's index serves the lookup.
    assert (lookup["from"], lookup["localField"], lookup["foreignField"]) == (
        "categories",
        "category_id",
        "category_id",
    )


def test_inner_join_to_id_guards_keys_instead_of_filtering(db: Database[Any]) -> None:
    """``$lookup`` would pair these left keys with ``_id``s that SQL's ``=`` does not equal."""
    db.accounts.insert_many(
        [{"_id": None, "name": "null-id"}, {"_id": 1, "name": "one"}, {"_id": "ab", "name": "ab"}]
    )
    db.payments.insert_many(
        [
            {"_id": 10, "account": 1},
            {"_id": 11, "account": 1.0},  # numerically equal: SQL pairs it
            {"_id": 12, "account": None},  # would meet _id null
            {"_id": 13},  # missing: likewise
            {"_id": 14, "account": [1, "ab"]},  # would meet both elements
            {"_id": 15, "account": Regex("^a")},  # could meet "ab" as a pattern
            {"_id": 16, "account": "ab"},
            {"_id": 17, "account": 2},
        ]
    )
    sql = "SELECT p._id, a.name FROM payments p JOIN accounts a ON p.account = a._id ORDER BY p._id"
    assert [(r["_id"], r["name"]) for r in run(db, sql)] == [(10, "one"), (11, "one"), (16, "ab")]
    pipeline = compile_sql(sql).pipeline
    assert pipeline[0] == {"$match": {"account": {"$ne": None, "$not": {"$type": ["array", "regex"]}}}}
    assert "$set" not in pipeline[2]  # no $filter after the lookup
    # LEFT keeps every row, so it filters what the lookup found instead of guarding.
    left = sql.replace("JOIN", "LEFT JOIN")
    assert [(r["_id"], r["name"]) for r in run(db, left)] == [
        (10, "one"),
        (11, "one"),
        (12, None),
        (13, None),
        (14, None),
        (15, None),
        (16, "ab"),
        (17, None),
    ]


def test_left_join_keeps_unmatched_rows_with_nulls(shop: Database[Any]) -> None:
    sql = (
        "SELECT p.name, c.category_name AS cat FROM products p "
        "LEFT JOIN categories c ON p.category_id = c.category_id ORDER BY p.product_id"
    )
    assert [(r["name"], r["cat"]) for r in run(shop, sql)] == [
        ("hammer", "Tools"),
        ("saw", "Saws"),
        ("ghost", None),  # a NULL key matches nothing, not the category whose key is NULL
        ("lost", None),
    ]


def test_one_to_many_multiplies_and_on_filters_the_joined_side(shop: Database[Any]) -> None:
    many = "SELECT p.name, i.url FROM products p JOIN images i ON p.product_id = i.product_id ORDER BY i.url"
    assert [r["url"] for r in run(shop, many)] == ["h1", "h2", "s1"]
    primary = (
        "SELECT p.name, pi.url FROM products p LEFT JOIN images pi "
        "ON p.product_id = pi.product_id AND pi.is_primary = true ORDER BY p.product_id"
    )
    assert [(r["name"], r["url"]) for r in run(shop, primary)] == [
        ("hammer", "h1"),
        ("saw", None),
        ("ghost", None),
        ("lost", None),
    ]


def test_self_join_and_several_joins_with_nested_keys(shop: Database[Any]) -> None:
    sql = (
        "SELECT p.name, c.category_name, parent_c.category_name AS parent, b.brand_name FROM products p "
        "JOIN categories c ON p.category_id = c.category_id "
        "LEFT JOIN categories parent_c ON c.parent_category_id = parent_c.category_id "
        "JOIN brands b ON p.meta.brand.id = b.brand.id ORDER BY p.name"
    )
    assert run(shop, sql) == [
        {"name": "hammer", "category_name": "Tools", "parent": None, "brand_name": "Acme"},
        {"name": "saw", "category_name": "Saws", "parent": "Tools", "brand_name": "Bolt"},
    ]


def test_compound_condition_with_a_date_range_and_grouping(shop: Database[Any]) -> None:
    sql = (
        "SELECT u.username, SUM(ab.views) AS views, COUNT(ab.views) AS n FROM users u "
        "LEFT JOIN buckets ab ON u._id = ab.userId AND ab.bucketDate >= CURRENT_DATE - INTERVAL '30 days' "
        "GROUP BY u.username ORDER BY u.username"
    )
    assert run(shop, sql) == [
        {"username": "ann", "views": 5, "n": 1},
        {"username": "bob", "views": 3, "n": 1},
        {"username": "cy", "views": None, "n": 0},
    ]


def test_where_on_the_base_runs_before_the_join_and_the_rest_after(shop: Database[Any]) -> None:
    sql = (
        "SELECT p.name FROM products p LEFT JOIN categories c ON p.category_id = c.category_id "
        "WHERE p.product_id <= 3 AND c.category_name IS NULL"
    )
    stages = compile_sql(sql).pipeline
    assert stages[0] == {"$match": {"product_id": {"$lte": 3}}}
    assert "$lookup" in stages[1]
    assert stages[4] == {"$match": {"__leaf_j_c.category_name": None}}
    assert run(shop, sql) == [{"name": "ghost"}]


def test_left_join_unnest_keeps_empty_and_missing_arrays(shop: Database[Any]) -> None:
    sql = (
        "SELECT u.username, ua.key, ua.value FROM users u "
        "LEFT JOIN UNNEST(u.attributes) AS ua ON true ORDER BY u.username"
    )
    assert run(shop, sql) == [
        {"username": "ann", "key": "department", "value": "ops"},
        {"username": "bob", "key": None, "value": None},
        {"username": "cy", "key": None, "value": None},
    ]


def test_cross_join_unnest_of_scalars_drops_empty_arrays(shop: Database[Any]) -> None:
    rows = run(shop, "SELECT u.username, tag FROM users u CROSS JOIN UNNEST(u.tags) AS t(tag) ORDER BY tag")
    assert rows == [{"username": "ann", "tag": "a"}, {"username": "ann", "tag": "b"}]
    rows = run(shop, "SELECT t FROM users u, UNNEST(u.tags) t WHERE t <> 'a'")
    assert rows == [{"t": "b"}]


def test_ctes_each_using_the_earlier_ones_and_star_over_them(shop: Database[Any]) -> None:
    sql = (
        "WITH named AS (SELECT p.name, c.category_name AS cat FROM products p "
        "JOIN categories c ON p.category_id = c.category_id), "
        "counted AS (SELECT cat, COUNT(*) AS n FROM named GROUP BY cat) "
        "SELECT *, n * 10 AS tens FROM counted ORDER BY cat"
    )
    assert run(shop, sql) == [{"cat": "Saws", "n": 1, "tens": 10}, {"cat": "Tools", "n": 1, "tens": 10}]
    assert compile_sql(sql).collection == "products"


def test_joined_cte_and_subquery_in_from(shop: Database[Any]) -> None:
    sql = (
        "WITH counts AS (SELECT product_id, COUNT(*) AS images FROM images GROUP BY product_id) "
        "SELECT p.name, k.images FROM (SELECT name, product_id FROM products WHERE product_id < 4) p "
        "LEFT JOIN counts k ON k.product_id = p.product_id ORDER BY p.name"
    )
    assert run(shop, sql) == [
        {"name": "ghost", "images": None},
        {"name": "hammer", "images": 2},
        {"name": "saw", "images": 1},
    ]
    # The joined CTE is narrowed to the outer row's key before it groups (not run whole per row).
    lookup = next(s["$lookup"] for s in compile_sql(sql).pipeline if "$lookup" in s)
    assert "$expr" in lookup["pipeline"][0]["$match"]
    assert "$group" in lookup["pipeline"][1]


def test_qualified_star_over_a_join(shop: Database[Any]) -> None:
    rows = run(
        shop, "SELECT c.* FROM products p JOIN categories c ON p.category_id = c.category_id WHERE p._id = 2"
    )
    assert rows == [{"_id": 2, "category_id": 11, "category_name": "Saws", "parent_category_id": 10}]
    rows = run(
        shop, "SELECT p.* FROM products p JOIN categories c ON p.category_id = c.category_id WHERE p._id = 2"
    )
    assert rows == [
        {"_id": 2, "product_id": 2, "name": "saw", "category_id": 11, "meta": {"brand": {"id": 8}}}
    ]


def test_names_are_resolved_like_postgresql(shop: Database[Any]) -> None:
    with pytest.raises(LeafSQLError, match="ambiguous"):
        compile_sql("SELECT name FROM products p JOIN categories c ON p.category_id = c.category_id")
    with pytest.raises(LeafSQLError, match="does not exist"):
        compile_sql("WITH x AS (SELECT name FROM products) SELECT price FROM x")
    with pytest.raises(LeafSQLError, match="specified more than once"):
        compile_sql("SELECT p.name FROM products p JOIN categories p ON p.category_id = p.category_id")


def test_an_unqualified_name_next_to_unnest_of_documents_must_be_qualified() -> None:
    # The elements may be documents with a field of that name, as PostgreSQL would see it.
    with pytest.raises(LeafSQLError, match="ambiguous: qualify"):
        compile_sql("SELECT username FROM users u LEFT JOIN UNNEST(u.attributes) AS ua ON true")
    compile_sql("SELECT username, tag FROM users u CROSS JOIN UNNEST(u.tags) AS t(tag)")


def test_group_by_over_an_id_join_aggregates_before_the_join() -> None:
    """The differential corpus's ``eager_*`` queries take the eager plan; ``eager_not_*`` do not."""
    from tests.sql.queries_multi import EAGER

    for query in EAGER:
        pipeline = compile_sql(query.sql).pipeline
        lookups = [s["$lookup"] for s in pipeline if "$lookup" in s]
        eager = any(lookup["localField"] in ("_id", "_id.k") for lookup in lookups)
        assert eager == (not query.id.startswith("eager_not_")), query.id
        if eager:
            first_group = next(i for i, s in enumerate(pipeline) if "$group" in s)
            early = next(
                i
                for i, s in enumerate(pipeline)
                if s.get("$lookup", {}).get("localField") in ("_id", "_id.k")
            )
            assert first_group < early, query.id


def test_eager_plan_rows(shop: Database[Any]) -> None:
    shop.orders.insert_many(
        [
            {"_id": 1, "customerId": 1, "total": 10, "qty": 1},
            {"_id": 2, "customerId": 1, "total": None, "qty": 2},
            {"_id": 3, "customerId": 1.0, "total": 5.5, "qty": 2},  # the same customer as 1
            {"_id": 4, "customerId": 2, "qty": 7},
            {"_id": 5, "customerId": [1, 2], "total": 100, "qty": 1},  # an array key meets no _id
            {"_id": 6, "customerId": None, "total": 100, "qty": 1},
            {"_id": 7, "customerId": 42, "total": 100, "qty": 1},  # dangling
        ]
    )
    sql = (
        "SELECT u.username, COUNT(*) AS n, SUM(o.total) AS s, AVG(o.qty) AS q, MIN(o.total) AS lo "
        "FROM orders o JOIN users u ON o.customerId = u._id GROUP BY u.username ORDER BY u.username"
    )
    first = compile_sql(sql).pipeline[0]["$group"]
    assert first["_id"] == "$customerId" and first["a0"] == {"$sum": 1}  # grouped before the join
    assert run(shop, sql) == [  # AVG of integers is numeric
        {"username": "ann", "n": 3, "s": 15.5, "q": Decimal("1.6666666666666667"), "lo": 5.5},
        {"username": "bob", "n": 1, "s": None, "q": Decimal("7.0000000000000000"), "lo": None},
    ]
