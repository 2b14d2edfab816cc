"""Text functions against PostgreSQL 15: NULL and missing values, empty strings, non-ASCII text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient

from leaf_dagster.sql import LeafSQLError, compile_sql
from tests.sql.pg import PostgresServer
from tests.sql.textdiff import TextEnv, loaded_text_env


@pytest.fixture(scope="module")
def text_env(mongo_client: MongoClient[Any], pg_server: PostgresServer) -> Iterator[TextEnv]:
    yield from loaded_text_env(mongo_client, pg_server)


QUERIES = [
    "SELECT _id, CONCAT_WS(',', s, p, n) AS a, CONCAT_WS(p, s, 'x', NULL) AS b, CONCAT_WS(NULL, s) AS c FROM w",
    "SELECT _id, CONCAT_WS('-', NULL, NULL) AS a, CONCAT_WS('', s, s) AS b FROM w",
    "SELECT _id, CONCAT_WS(',', n > 1, TRUE, 1.50, s) AS a, CONCAT('x', n < 3, FALSE) AS b FROM w",
    "SELECT _id, LPAD(s, 8) AS a, RPAD(s, 8, 'xy') AS b, LPAD(s, n, p) AS c, RPAD(s, n) AS d, LPAD(s, 3, '') AS e FROM w",
    "SELECT _id, LPAD(s, 0) AS a, RPAD(s, -3, 'z') AS b, LPAD('ab', 7, 'éx') AS c FROM w",
    "SELECT _id, SPLIT_PART(s, ',', 2) AS a, SPLIT_PART(s, ' ', -1) AS b, SPLIT_PART(s, p, 1) AS c FROM w",
    "SELECT _id, SPLIT_PART(s, p, -2) AS a, SPLIT_PART(s, '', 1) AS b, SPLIT_PART(s, '', -1) AS c, SPLIT_PART(s, '', 2) AS d FROM w",
    "SELECT _id, SPLIT_PART(s, p, n) AS a FROM w WHERE n <> 0 OR n IS NULL",
    "SELECT _id, INITCAP(s) AS a, INITCAP(p) AS b, INITCAP('hello wORLD é-x ñu_b 3ab') AS c FROM w",
    "SELECT _id, REPEAT(s, 2) AS a, REPEAT(p, n) AS b, REPEAT('ab', -1) AS c, REPEAT(s, 0) AS d FROM w",
    "SELECT _id, REVERSE(s) AS a, REVERSE(p) AS b, REVERSE('héllo') AS c FROM w",
    "SELECT _id, STARTS_WITH(s, 'h') AS a, STARTS_WITH(s, p) AS b, STARTS_WITH(s, '') AS c FROM w",
    "SELECT _id FROM w WHERE STARTS_WITH(s, 'hé') OR NOT STARTS_WITH(s, p)",
    "SELECT _id, TRANSLATE(s, 'lo', '0') AS a, TRANSLATE(s, p, 'Ω') AS b, TRANSLATE(s, 'éöa', 'EOAZ') AS c FROM w",
    "SELECT _id, LENGTH(LPAD(s, 12, 'ü')) AS a, LEFT(REVERSE(s), 2) AS b FROM w",
]


@pytest.mark.parametrize("sql", QUERIES)
def test_text_functions_match_postgresql(text_env: TextEnv, sql: str) -> None:
    text_env.check(sql)


def test_split_part_field_zero_fails_as_in_postgresql() -> None:
    with pytest.raises(LeafSQLError, match="field position must not be zero"):
        compile_sql("SELECT SPLIT_PART(s, ',', 0) AS a FROM w")


def test_md5_is_refused_with_a_hint() -> None:
    with pytest.raises(LeafSQLError, match=r"MD5 is not supported.*hash") as info:
        compile_sql("SELECT MD5(s) AS h FROM w")
    assert (info.value.line, info.value.col) == (1, 8)


def test_text_functions_refuse_numbers() -> None:
    with pytest.raises(LeafSQLError, match="LPAD does not apply to int"):
        compile_sql("SELECT LPAD(1 + 2, 5) AS a FROM w")
