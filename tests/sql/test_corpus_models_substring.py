"""``SUBSTRING(s FROM 'pattern')`` (a POSIX regular expression, as the third corpus's
``o_order_number_regex`` writes it), generated patterns against PostgreSQL 15: the first group's
text, the whole match without groups, NULL without a match or when the first group took no part."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.sql import LeafSQLError, compile_sql
from tests.sql.duck import ColType
from tests.sql.fuzz.oracle import assert_all_agree
from tests.sql.harness import loaded_both
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase

SCHEMA: dict[str, ColType] = {"_id": "INTEGER", "s": "VARCHAR"}
TEXTS: list[Any] = [
    "ORD-2024-091401",
    "ord-2023-1",
    "ORD-",
    "",
    None,
    "x ORD-1999-77 y",
    "Zoë-12-ab",
    "a.b.c",
]
PATTERNS = [
    r"^ORD-(\d{4})",
    r"\d+",
    r"(\d+)-(\d+)",
    r"-([a-z]+)$",
    r"[.]",
    r"ë-(\d)",
    r"",
    r"(\d{2})$",
]
# Patterns whose matched text may differ between PostgreSQL's and MongoDB's engines: refused, as for
# REGEXP_MATCH and REGEXP_REPLACE.
AMBIGUOUS = {r"^(ORD|ord)-": "alternation", r"(x)?ORD": "quantified group"}


@pytest.fixture(scope="module")
def texts_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    docs = [{"_id": i, "s": s} for i, s in enumerate(TEXTS)] + [{"_id": 99}]
    with loaded_both(pg_server, mongo_client, "leaf_substr", {"t": SCHEMA}, {"t": docs}) as pair:
        yield pair


def test_substring_from_a_quoted_pattern_agrees_with_postgresql(
    texts_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = texts_db
    queries = []
    for pattern in PATTERNS:
        quoted = pattern.replace("'", "''")
        queries.append(f"SELECT _id, SUBSTRING(s FROM '{quoted}') AS part FROM t ORDER BY _id")
        queries.append(f"SELECT _id FROM t WHERE SUBSTRING(s FROM '{quoted}') IS NULL ORDER BY _id")
    assert_all_agree(pg, db, queries)
    assert_all_agree(pg, db, queries, catalog={"t": {"s": "text"}})


@pytest.mark.parametrize("pattern", sorted(AMBIGUOUS))
def test_substring_with_an_ambiguous_pattern_is_refused(pattern: str) -> None:
    with pytest.raises(LeafSQLError, match=AMBIGUOUS[pattern]):
        compile_sql(f"SELECT SUBSTRING(s FROM '{pattern}') FROM t")


def test_substring_with_a_pattern_and_a_length_is_still_refused() -> None:
    with pytest.raises(LeafSQLError, match="SUBSTRING"):
        compile_sql("SELECT SUBSTRING(s FROM '%#\"o#\"%' FOR '#') FROM t")
