"""An uncorrelated subquery (scalar, IN, EXISTS, at any depth) runs once per query.

The runs are counted on the server: a ``$lookup`` runs its pipeline once per document entering it,
so each subquery lookup's runs are the documents the pipeline before it yields (``$count``), times
the runs of the pipeline holding it.
"""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database

from leaf_dagster.sql import compile_sql, run_sql
from leaf_dagster.sql.subqueries import LOOKUP_PREFIX

NESTED = (
    "SELECT _id FROM users WHERE _id IN "
    "(SELECT customerId FROM orders WHERE total > (SELECT AVG(total) FROM orders)) ORDER BY _id"
)


@pytest.fixture
def shop(db: Database[Any]) -> Database[Any]:
    db.users.insert_many([{"_id": i, "name": f"u{i}"} for i in range(40)])
    orders: list[dict[str, Any]] = [
        {"_id": i, "customerId": i % 25, "total": (i * 7) % 50} for i in range(80)
    ]
    orders.append({"_id": 80, "customerId": None, "total": 99})
    db.orders.insert_many(orders)
    return db


def lookup_runs(
    db: Database[Any], collection: str, pipeline: list[dict[str, Any]], times: int = 1
) -> dict[str, int]:
    runs: dict[str, int] = {}
    for i, stage in enumerate(pipeline):
        spec = stage.get("$lookup")
        if not isinstance(spec, dict) or "let" in spec:
            continue
        entering = next(db[collection].aggregate([*pipeline[:i], {"$count": "n"}]), {"n": 0})["n"] * times
        if spec["as"].startswith(LOOKUP_PREFIX):
            runs[spec["as"]] = entering
        for name, n in lookup_runs(db, spec["from"], spec["pipeline"], entering).items():
            runs[name] = runs.get(name, 0) + n
    return runs


def test_nested_uncorrelated_subqueries_run_once(shop: Database[Any]) -> None:
    compiled = compile_sql(NESTED)
    runs = lookup_runs(shop, compiled.collection, compiled.pipeline)
    assert sorted(runs.values()) == [1, 1], runs  # the IN set and the AVG inside it
    orders = list(shop.orders.find())
    average = sum(o["total"] for o in orders) / len(orders)
    expected = sorted(
        {o["customerId"] for o in orders if o["total"] > average and o["customerId"] is not None}
    )
    assert [r["_id"] for r in run_sql(shop, NESTED)] == expected
    # The streaming form (rollups filter its input) gives the same rows.
    rows = list(shop.users.aggregate(compiled.streaming_pipeline))
    assert [r["_id"] for r in rows] == expected


def test_scalar_and_exists_run_once_and_empty_input_still_aggregates(shop: Database[Any]) -> None:
    sql = (
        "SELECT COUNT(*) AS n FROM users WHERE _id < (SELECT MAX(customerId) FROM orders) "
        "AND EXISTS (SELECT 1 FROM orders WHERE total > 40)"
    )
    compiled = compile_sql(sql)
    assert sorted(lookup_runs(shop, compiled.collection, compiled.pipeline).values()) == [1, 1]
    assert run_sql(shop, sql) == [{"n": 24}]
    assert run_sql(shop, sql.replace("FROM users", "FROM nobody")) == [{"n": 0}]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # orders.customerId holds a NULL: NOT IN is never true, IN is true only on a match.
        (
            "SELECT _id FROM users WHERE _id IN (SELECT customerId FROM orders) AND _id > 22 ORDER BY _id",
            [23, 24],
        ),
        ("SELECT _id FROM users WHERE _id NOT IN (SELECT customerId FROM orders) ORDER BY _id", []),
        ("SELECT _id FROM users WHERE NOT (_id IN (SELECT customerId FROM orders)) ORDER BY _id", []),
        (
            "SELECT _id FROM users WHERE _id NOT IN (SELECT customerId FROM orders WHERE customerId IS NOT NULL) "
            "AND _id < 27 ORDER BY _id",
            [25, 26],
        ),
        # No rows at all: NOT IN is true, even for NULL.
        (
            "SELECT COUNT(*) AS n FROM users WHERE NULL NOT IN (SELECT customerId FROM orders WHERE total > 1000)",
            [40],
        ),
        ("SELECT COUNT(*) AS n FROM users WHERE NULL IN (SELECT customerId FROM orders)", [0]),
        (
            "SELECT COUNT(*) AS n FROM users WHERE 3 NOT IN (SELECT customerId FROM orders WHERE total > 1000)",
            [40],
        ),
    ],
)
def test_in_and_not_in_follow_sql_null_rules(shop: Database[Any], sql: str, expected: list[Any]) -> None:
    rows = run_sql(shop, sql)
    assert [next(iter(r.values())) for r in rows] == expected


def test_a_filtered_pipeline_keeps_the_subqueries_once_and_filters_the_input(shop: Database[Any]) -> None:
    # What a rollup runs: its window's $match on the input, the subqueries still once per query.
    compiled = compile_sql(NESTED)
    window = {"_id": {"$gte": 10, "$lt": 30}}
    pipeline = compiled.with_input([{"$match": window}])
    assert sorted(lookup_runs(shop, compiled.collection, pipeline).values()) == [1, 1]
    got = [r["_id"] for r in shop.users.aggregate(pipeline)]
    everything = [r["_id"] for r in run_sql(shop, NESTED)]
    assert got == [i for i in everything if 10 <= i < 30] and got
