"""A rollup's uncorrelated subquery runs once per run, not once per source document (issue 14)."""

from __future__ import annotations

import datetime as dt

from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.rollups import TimeWindow, parse_rollup, run_computed_rollup
from leaf_dagster.sql.subqueries import LOOKUP_PREFIX
from tests.sql.test_subquery_once import lookup_runs

T0 = dt.datetime(2024, 9, 14, tzinfo=dt.UTC)

BIG_SPENDERS = """/* leaf
target: big_days
on: [customerId, day]
partition: daily
time_field: createdAt
time_column: day
*/
SELECT customerId, DATE_TRUNC('day', createdAt) AS day, COUNT(*) AS orders
FROM orders
WHERE total > (SELECT AVG(total) FROM orders) AND customerId IN (SELECT _id FROM customers WHERE vip)
GROUP BY customerId, DATE_TRUNC('day', createdAt)
"""


def test_an_uncorrelated_subquery_in_a_partition_runs_once(db: Database[Document]) -> None:
    db.customers.insert_many([{"_id": i, "vip": i % 2 == 0} for i in range(6)])
    db.orders.insert_many(
        [
            {"customerId": i % 6, "total": (i * 37) % 100, "createdAt": T0 + dt.timedelta(hours=i % 48)}
            for i in range(240)
        ]
    )
    spec = parse_rollup(BIG_SPENDERS, name="big_days")
    window = TimeWindow(T0, T0 + dt.timedelta(days=1))
    result = run_computed_rollup(db, spec, window=window)

    select_part = result.pipeline[: next(i for i, s in enumerate(result.pipeline) if "$merge" in s)]
    runs = lookup_runs(db, "orders", select_part)
    assert runs and all(name.startswith(LOOKUP_PREFIX) for name in runs)
    assert sorted(runs.values()) == [1, 1], runs  # not once per order of the day

    orders = list(db.orders.find())
    average = sum(o["total"] for o in orders) / len(orders)
    expected: dict[int, int] = {}
    for o in orders:
        if (
            o["createdAt"].replace(tzinfo=dt.UTC) < window.end
            and o["total"] > average
            and o["customerId"] % 2 == 0
        ):
            expected[o["customerId"]] = expected.get(o["customerId"], 0) + 1
    got = {d["customerId"]: d["orders"] for d in db.big_days.find()}
    assert got == expected and got
