"""GROUP BY GROUPING SETS / ROLLUP / CUBE and GROUPING(), against PostgreSQL 15 itself.

The documents hold NULL and missing grouping values (so a real NULL group meets a subtotal row with
the same NULL key), ties for ORDER BY, and an empty collection for the empty-input rows.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.sql import LeafSQLError, compile_sql
from tests.sql.harness import Query, Result, diff, load_mongo, run_mongo
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase, loaded_pg, run_pg

SCHEMA = {
    "_id": "INTEGER",
    "region": "VARCHAR",
    "product": "VARCHAR",
    "channel": "VARCHAR",
    "qty": "INTEGER",
    "price": "DOUBLE",
    "tags": ["VARCHAR"],
}


def _sales() -> list[Document]:
    rng = random.Random(11)
    docs: list[Document] = []
    for i in range(60):
        doc: Document = {"_id": i}
        for name, values in (
            ("region", ["north", "south", "east", None, "MISSING"]),
            ("product", ["apple", "pear", None, "MISSING"]),
            ("channel", ["web", "shop"]),
        ):
            value = rng.choice(values)
            if value != "MISSING":
                doc[name] = value
        if rng.random() > 0.15:
            doc["qty"] = rng.randrange(1, 6)  # few values: ties and repeated DISTINCT values
        if rng.random() > 0.2:
            doc["price"] = rng.choice([0.5, 1.25, 2.0, 10.0])
        if rng.random() > 0.3:
            doc["tags"] = rng.sample(["a", "b", "c"], rng.randrange(0, 3))
        docs.append(doc)
    return docs


DATA: dict[str, list[Document]] = {"sales": _sales(), "nothing": []}


@dataclass
class GroupingEnv:
    db: Database[Document]
    pg: PgDatabase


@pytest.fixture(scope="module")
def env(mongo_client: MongoClient[Document], pg_server: PostgresServer) -> Iterator[GroupingEnv]:
    name = f"leaf_gsets_{uuid.uuid4().hex[:10]}"
    db = mongo_client[name]
    load_mongo(db, DATA)
    try:
        with loaded_pg(pg_server, dict.fromkeys(DATA, SCHEMA), DATA) as pg:
            yield GroupingEnv(db, pg)
    finally:
        mongo_client.drop_database(name)


def _check(
    env: GroupingEnv, sql: str, unordered: dict[str, str | None] | None = None
) -> list[dict[str, Any]]:
    q = Query(id="grouping", sql=sql, unordered=unordered or {})
    res = run_pg(env.pg.conn, sql, env.pg.documents)
    expected = Result(res.columns, res.types, res.rows, oracle="PostgreSQL")
    got = run_mongo(env.db, q)
    difference = diff(q, expected, got)
    assert difference is None, f"{sql}\n{difference}"
    return got


CASES: dict[str, str] = {
    "rollup_two_keys": "SELECT region, product, COUNT(*) AS n, SUM(qty) AS total, GROUPING(region, product) AS g "
    "FROM sales GROUP BY ROLLUP (region, product) ORDER BY g, region, product",
    "cube_with_avg_and_distinct": "SELECT region, channel, AVG(qty) AS mean, COUNT(DISTINCT product) AS products, "
    "GROUPING(channel, region) AS g FROM sales GROUP BY CUBE (region, channel)",
    "grouping_sets_listed": "SELECT region, product, MIN(price) AS lo, MAX(price) AS hi, COUNT(qty) AS n "
    "FROM sales GROUP BY GROUPING SETS ((region), (product), ())",
    "plain_key_and_rollup": "SELECT channel, region, product, COUNT(*) AS n, GROUPING(region, product) AS g "
    "FROM sales GROUP BY channel, ROLLUP (region, product)",
    "rollup_then_cube": "SELECT region, product, channel, SUM(price) AS s FROM sales "
    "GROUP BY ROLLUP (region), CUBE (product, channel)",
    "nested_sets_and_units": "SELECT region, product, channel, COUNT(*) AS n, GROUPING(region, product, channel) AS g "
    "FROM sales GROUP BY GROUPING SETS (region, ROLLUP (product), CUBE ((region, channel)), ())",
    "rollup_composite_unit": "SELECT region, product, channel, COUNT(*) AS n FROM sales "
    "GROUP BY ROLLUP ((region, product), channel)",
    "duplicate_sets_give_duplicate_rows": "SELECT region, COUNT(*) AS n FROM sales GROUP BY region, ROLLUP (region)",
    "group_by_distinct_drops_duplicate_sets": "SELECT region, COUNT(*) AS n FROM sales "
    "GROUP BY DISTINCT region, ROLLUP (region)",
    "group_by_all_keeps_duplicate_sets": "SELECT region, COUNT(*) AS n FROM sales GROUP BY ALL region, ROLLUP (region)",
    "group_by_distinct_single_set": "SELECT region, COUNT(*) AS n FROM sales GROUP BY DISTINCT region, region",
    "listed_duplicates": "SELECT product, COUNT(*) AS n FROM sales GROUP BY GROUPING SETS ((product), (product), ())",
    "having_per_row": "SELECT region, product, COUNT(*) AS n FROM sales GROUP BY ROLLUP (region, product) "
    "HAVING GROUPING(product) = 1 OR COUNT(*) > 3",
    "having_on_aggregate_only": "SELECT region, SUM(qty) AS s FROM sales GROUP BY CUBE (region) HAVING SUM(qty) > 20",
    "order_by_grouping_and_ties": "SELECT region, channel, COUNT(*) AS n FROM sales GROUP BY ROLLUP (region, channel) "
    "ORDER BY GROUPING(region, channel) DESC, n DESC, region NULLS FIRST, channel",
    "order_limit": "SELECT region, product, COUNT(*) AS n FROM sales GROUP BY CUBE (region, product) "
    "ORDER BY n DESC, region, product LIMIT 7",
    "expressions_over_keys": "SELECT COALESCE(region, 'all') AS r, UPPER(region) AS u, region IS NULL AS isnull, "
    "COUNT(*) AS n FROM sales GROUP BY ROLLUP (region)",
    "computed_key": "SELECT LOWER(product) AS p, COUNT(*) AS n, GROUPING(LOWER(product)) AS g FROM sales "
    "GROUP BY ROLLUP (LOWER(product))",
    "array_element_key_missing_and_null": "SELECT tags[0] AS first_tag, COUNT(*) AS n, GROUPING(tags[0]) AS g "
    "FROM sales GROUP BY ROLLUP (tags[0])",
    "ordinals_and_aliases": "SELECT region AS r, product AS p, COUNT(*) AS n FROM sales GROUP BY ROLLUP (1, p)",
    "key_read_inside_aggregate": "SELECT region, COUNT(region) AS nr, MAX(region) AS top, COUNT(*) AS n FROM sales "
    "GROUP BY ROLLUP (region)",
    "filter_and_ordered_aggregates": "SELECT channel, COUNT(*) FILTER (WHERE qty > 2) AS big, "
    "STRING_AGG(DISTINCT product, ',' ORDER BY product) AS products FROM sales GROUP BY ROLLUP (channel)",
    "window_over_grouped_rows": "SELECT region, COUNT(*) AS n, "
    "RANK() OVER (PARTITION BY GROUPING(region) ORDER BY COUNT(*) DESC) AS r FROM sales GROUP BY ROLLUP (region)",
    "distinct_rows": "SELECT DISTINCT GROUPING(region, channel) AS g FROM sales GROUP BY CUBE (region, channel)",
    "top_level_parenthesized_list": "SELECT region, product, COUNT(*) AS n FROM sales GROUP BY (region, product)",
    "group_by_empty_set": "SELECT COUNT(*) AS n, SUM(qty) AS s FROM sales GROUP BY ()",
    "cte_filters_on_grouping": "WITH t AS (SELECT region, channel, COUNT(*) AS n, GROUPING(region, channel) AS g "
    "FROM sales GROUP BY CUBE (region, channel)) SELECT region, n FROM t WHERE g = 2 ORDER BY region",
    "where_before_grouping": "SELECT region, COUNT(*) AS n FROM sales WHERE qty > 2 GROUP BY ROLLUP (region)",
    "plain_group_by_with_grouping": "SELECT region, GROUPING(region) AS g, COUNT(*) AS n FROM sales GROUP BY region",
    "having_uncorrelated_subquery": "SELECT region, COUNT(*) AS n FROM sales GROUP BY ROLLUP (region) "
    "HAVING COUNT(*) > (SELECT COUNT(*) / 10 FROM sales)",
    "over_a_join": "SELECT s.region, t.channel, COUNT(*) AS n FROM sales s JOIN sales t ON t._id = s._id "
    "GROUP BY ROLLUP (s.region, t.channel)",
    "union_all_of_rollups": "SELECT region AS k, COUNT(*) AS n FROM sales GROUP BY ROLLUP (region) "
    "UNION ALL SELECT product, COUNT(*) FROM sales GROUP BY CUBE (product)",
    "distinct_on_grouped_rows": "SELECT DISTINCT ON (GROUPING(region, product)) GROUPING(region, product) AS g, "
    "region, product, COUNT(*) AS n FROM sales GROUP BY ROLLUP (region, product) "
    "ORDER BY GROUPING(region, product), COUNT(*) DESC, region, product",
    # Empty input: only the empty set () gives a row (COUNT 0, SUM NULL), once per such set.
    "empty_rollup": "SELECT region, product, COUNT(*) AS n, SUM(qty) AS s, GROUPING(region, product) AS g "
    "FROM nothing GROUP BY ROLLUP (region, product)",
    "empty_cube_where_false": "SELECT region, COUNT(*) AS n, ARRAY_AGG(qty) AS a FROM sales WHERE qty > 100 "
    "GROUP BY CUBE (region)",
    "empty_without_empty_set": "SELECT region, COUNT(*) AS n FROM nothing GROUP BY GROUPING SETS ((region), (product))",
    "empty_two_empty_sets": "SELECT COUNT(*) AS n, MAX(price) AS hi FROM nothing GROUP BY GROUPING SETS ((), ())",
    "empty_plain_key_and_rollup": "SELECT region, COUNT(*) AS n FROM nothing GROUP BY region, ROLLUP (product)",
    "empty_group_by_empty_set": "SELECT COUNT(*) AS n FROM nothing GROUP BY ()",
    "empty_having_drops_the_row": "SELECT COUNT(*) AS n FROM nothing GROUP BY ROLLUP (region) HAVING COUNT(*) > 0",
}


@pytest.mark.parametrize("sql", CASES.values(), ids=CASES.keys())
def test_same_rows_as_postgres(env: GroupingEnv, sql: str) -> None:
    _check(env, sql)


def test_subtotal_rows_and_null_groups_stay_apart(env: GroupingEnv) -> None:
    """A real NULL region (NULL and missing alike) and the grand total both read region NULL."""
    rows = _check(
        env,
        "SELECT region, GROUPING(region) AS g, COUNT(*) AS n FROM sales GROUP BY ROLLUP (region) "
        "ORDER BY g, region",
    )
    nulls = [r for r in rows if r["region"] is None]
    assert [r["g"] for r in nulls] == [0, 1]
    assert nulls[1]["n"] == len(DATA["sales"])


def test_one_pipeline_one_group_per_set() -> None:
    pipeline = compile_sql("SELECT a, b, COUNT(*) AS n FROM t GROUP BY ROLLUP (a, b)").pipeline
    (facet,) = [stage["$facet"] for stage in pipeline if "$facet" in stage]
    assert [sub[0]["$group"]["_id"] for sub in facet.values()] == [
        [0, "$a", "$b"],
        [1, "$a", None],
        [2, None, None],
    ]
    assert not any("$group" in stage for stage in pipeline)


ERRORS = {
    "SELECT GROUPING(channel) FROM sales GROUP BY ROLLUP (region)": (
        "arguments to GROUPING must be grouping expressions",
        "channel",
    ),
    "SELECT region FROM sales WHERE GROUPING(region) = 0 GROUP BY ROLLUP (region)": (
        "not allowed in WHERE",
        None,
    ),
    "SELECT COUNT(*) FROM sales GROUP BY ROLLUP (region, 1 + 1)": ("a constant in GROUPING SETS", None),
    "SELECT COUNT(*) FROM sales GROUP BY CUBE (a, b, c, d, e, f, g, h, i, j, k, l, m)": (
        "CUBE is limited to 12 elements",
        None,
    ),
    "SELECT COUNT(*) FROM sales GROUP BY ROLLUP ((region, (product, channel)))": ("cannot be nested", None),
    "SELECT SUM(GROUPING(region)) FROM sales GROUP BY ROLLUP (region)": ("aggregate functions", None),
    # GROUPING reads input columns, never output names (r): here r is then read as a field.
    "SELECT region AS r, GROUPING(r) FROM sales GROUP BY ROLLUP (r)": (
        "must appear in the GROUP BY",
        "region",
    ),
}


@pytest.mark.parametrize("sql", ERRORS, ids=range(len(ERRORS)))
def test_forms_that_cannot_be_exact_are_refused(sql: str) -> None:
    words, construct = ERRORS[sql]
    with pytest.raises(LeafSQLError) as info:
        compile_sql(sql)
    assert words in str(info.value)
    assert info.value.line is not None and info.value.col is not None
    if construct is not None:
        assert info.value.construct == construct


def test_with_totals_stays_refused() -> None:
    with pytest.raises(LeafSQLError, match="WITH TOTALS"):
        compile_sql("SELECT region, COUNT(*) FROM sales GROUP BY ROLLUP (region) WITH TOTALS")
