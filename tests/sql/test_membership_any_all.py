"""``x op ANY/ALL (array | subquery)``, ``@>``, ``<@``, ``&&``, ``ARRAY_POSITION``, ``ARRAY_LENGTH`` and
``BETWEEN SYMMETRIC`` against PostgreSQL 15: NULL elements, empty and NULL arrays, NULL left sides."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from leaf_dagster.sql import LeafSQLError, compile_sql, run_sql
from tests.sql.pg import PostgresServer
from tests.sql.textdiff import TextEnv, loaded_text_env


@pytest.fixture(scope="module")
def text_env(mongo_client: MongoClient[Any], pg_server: PostgresServer) -> Iterator[TextEnv]:
    yield from loaded_text_env(mongo_client, pg_server)


QUERIES = [
    # arrays: every operator, as a value (TRUE/FALSE/NULL) and as a filter
    "SELECT _id, 2 = ANY(nums) AS a, 2 <> ALL(nums) AS b, n > ANY(nums) AS c, n <= ALL(nums) AS d FROM w",
    "SELECT _id, n = ANY(nums) AS a, n <> ANY(nums) AS b, n = ALL(nums) AS c, 3 >= SOME(nums) AS d FROM w",
    "SELECT _id, 'x' = ANY(tags) AS a, 'x' <> ALL(tags) AS b, p = ANY(tags) AS c, s < ALL(tags) AS d FROM w",
    "SELECT _id, NULL::int = ANY(nums) AS a, NULL::int <> ALL(nums) AS b FROM w",
    "SELECT _id FROM w WHERE 'x' = ANY(tags)",
    "SELECT _id FROM w WHERE 'x'::text = ANY(tags) OR 3 = ANY(nums)",
    "SELECT _id FROM w WHERE 2 = ANY(nums) AND n > 1",
    "SELECT _id FROM w WHERE NOT ('y' = ANY(tags))",
    "SELECT _id FROM w WHERE 'y' <> ALL(tags)",
    "SELECT _id FROM w WHERE NOT (2 <> ALL(nums)) OR n > ALL(nums)",
    "SELECT _id, n = ANY(ARRAY[1, 2, NULL]) AS a, n <> ALL(ARRAY[1, 3]) AS b FROM w",
    # subqueries: uncorrelated (once), empty, with NULLs; correlated
    "SELECT _id, n = ANY(SELECT n FROM w WHERE _id < 4) AS a, n > ALL(SELECT n FROM w WHERE _id < 4) AS b FROM w",
    "SELECT _id, n < ANY(SELECT n FROM w WHERE _id > 100) AS a, n < ALL(SELECT n FROM w WHERE _id > 100) AS b FROM w",
    "SELECT _id, n >= ALL(SELECT n FROM w WHERE n IS NOT NULL) AS a, n <> ALL(SELECT n FROM w WHERE _id IN (1, 6)) AS b FROM w",
    "SELECT _id FROM w WHERE n > ALL(SELECT n FROM w WHERE _id BETWEEN 2 AND 4)",
    "SELECT _id FROM w WHERE NOT (n = ANY(SELECT n FROM w WHERE _id IN (1, 2, 6)))",
    "SELECT _id, n > ANY(SELECT v.n FROM w AS v WHERE v._id < w._id) AS a FROM w",
    # containment, overlap, position, length
    "SELECT _id, tags @> ARRAY['x'] AS a, tags && ARRAY['x', 'z'] AS b, ARRAY['y'] <@ tags AS c FROM w",
    "SELECT _id, nums @> ARRAY[2] AS a, nums && ARRAY[1, 5] AS b FROM w",
    "SELECT _id, nums @> ARRAY[NULL::int] AS a, nums && ARRAY[NULL::int] AS b, nums @> nums AS c, tags && tags AS d FROM w",
    "SELECT _id FROM w WHERE tags @> ARRAY['x'] OR NOT (nums && ARRAY[2])",
    "SELECT _id, ARRAY_POSITION(tags, 'x') AS a, ARRAY_POSITION(nums, 2) AS b, ARRAY_POSITION(nums, NULL) AS c, ARRAY_POSITION(tags, p) AS d FROM w",
    "SELECT _id, ARRAY_LENGTH(nums, 1) AS a, ARRAY_LENGTH(tags, 1) AS b, CARDINALITY(nums) AS c FROM w",
    # BETWEEN SYMMETRIC
    "SELECT _id, n BETWEEN SYMMETRIC 5 AND -1 AS a, n NOT BETWEEN SYMMETRIC 5 AND -1 AS b, n BETWEEN SYMMETRIC NULL AND 3 AS c FROM w",
    "SELECT _id FROM w WHERE n BETWEEN SYMMETRIC 4 AND 1",
    "SELECT _id FROM w WHERE n NOT BETWEEN SYMMETRIC 4 AND 1",
    "SELECT _id FROM w WHERE s BETWEEN SYMMETRIC 'z' AND 'a'",
]


@pytest.mark.parametrize("sql", QUERIES)
def test_membership_matches_postgresql(text_env: TextEnv, sql: str) -> None:
    text_env.check(sql)


def test_arrays_of_different_element_types_fail_as_in_postgresql(text_env: TextEnv) -> None:
    with pytest.raises(OperationFailure, match="operator does not exist"):
        run_sql(text_env.db, "SELECT _id FROM w WHERE nums @> ARRAY['1']")


def test_a_constant_in_an_array_field_is_an_index_friendly_match() -> None:
    assert compile_sql("SELECT _id FROM w WHERE 2 = ANY(nums)").pipeline[0] == {"$match": {"nums": 2}}
    assert compile_sql("SELECT _id FROM w WHERE 'x'::text = ANY(tags)").pipeline[0] == {
        "$match": {"tags": "x"}
    }


def test_any_of_a_scalar_is_refused() -> None:
    with pytest.raises(LeafSQLError, match="ANY needs an array or a subquery"):
        compile_sql("SELECT _id FROM w WHERE 1 = ANY(5)")
