"""Untyped ('unknown') literals in value positions, generated and compared with PostgreSQL 15.

Every construct that picks a common type (CASE, COALESCE, GREATEST, LEAST, NULLIF, UNION) × literal
shapes (integer-like, decimal-like, date-like, 'on', plain text, '') × column types (integer,
bigint, double, numeric, text, text holding dates, timestamp, boolean) × where the column is NULL
(in some rows; in every row the filter keeps). Two rules of PostgreSQL's are at stake:

- a literal beside a column takes the column's type, also in the rows where the column is NULL
  (the compiler probes the field's type once per query: ``leaf_dagster.sql.probes``);
- a CASE/COALESCE/... of quoted literals only is text, which no other context retypes
  (``COALESCE(CASE WHEN b THEN '5' END, big)`` is "COALESCE types text and bigint cannot be matched").

Each query must give PostgreSQL's rows, or fail where PostgreSQL fails.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from bson import Decimal128, Int64
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.sql import LeafSQLError, compile_sql
from tests.sql.duck import ColType
from tests.sql.fuzz.oracle import assert_all_agree, run_one
from tests.sql.harness import loaded_both
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase

COLLECTION = "u"
SCHEMA: dict[str, ColType] = {
    "_id": "INTEGER",
    "i": "INTEGER",
    "big": "BIGINT",
    "f": "DOUBLE",
    "d": "DECIMAL",
    "s": "VARCHAR",
    "sd": "VARCHAR",
    "ts": "TIMESTAMP",
    "b": "BOOLEAN",
    "nt": "VARCHAR",  # NULL or missing in every document: a field without a type
}
MISSING = object()
D = dt.datetime
COLUMNS: dict[str, list[Any]] = {
    "i": [1, 30, None, MISSING, -5, 7, None, 2],
    "big": [Int64(5), Int64(3000000000), None, MISSING, Int64(-1), Int64(42), None, Int64(0)],
    "f": [2.5, 0.5, None, MISSING, -1.5, 30.0, None, 1e10],
    "d": [Decimal128("0.7"), Decimal128("2.5"), None, MISSING, Decimal128("-3.5"), Decimal128("30"), None,
          Decimal128("1.25")],
    "s": ["abc", "30", None, MISSING, "on", "", None, "2024-09-02"],
    "sd": ["2024-09-01", "2024-09-02 10:30:00", None, MISSING, "2023-12-31", "1999-01-01", None, "2024-02-29"],
    "ts": [D(2024, 9, 1), D(2024, 9, 2, 10, 30), None, MISSING, D(2023, 12, 31), D(2024, 2, 29), None,
           D(1999, 1, 1)],
    "b": [True, False, None, MISSING, True, False, None, True],
    "nt": [None, MISSING, None, MISSING, None, None, MISSING, None],
}  # fmt: skip
FIELDS = ["i", "big", "f", "d", "s", "sd", "ts", "b"]
LITERALS = ["'30'", "'2.5'", "'2024-09-02'", "'on'", "'abc'", "''"]
# The constructs: {f} the column, {l} the literal; each can return the literal where {f} is NULL.
CONSTRUCTS = {
    "case": "CASE WHEN _id % 2 = 0 THEN {f} ELSE {l} END",
    "coalesce": "COALESCE({f}, {l})",
    "greatest": "GREATEST({f}, {l})",
    "least": "LEAST({l}, {f})",
    "nullif": "NULLIF({l}, {f})",
    # the column's values passed through other constructs keep its type
    "nested": "COALESCE(CASE WHEN _id > 2 THEN NULLIF({f}, {f}) END, {l})",
    "nested_case": "CASE WHEN _id % 3 = 0 THEN {l} ELSE CASE WHEN _id > 2 THEN {f} ELSE {l} END END",
}
FILTERS = {"some-null": "", "all-null": " WHERE {f} IS NULL"}


def rows() -> list[Document]:
    out: list[Document] = []
    for n in range(len(COLUMNS["i"])):
        doc: Document = {"_id": n + 1}
        for name, values in COLUMNS.items():
            if values[n] is not MISSING:
                doc[name] = values[n]
        out.append(doc)
    return out


@pytest.fixture(scope="module")
def unknown_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(
        pg_server, mongo_client, "leaf_unknown", {COLLECTION: SCHEMA}, {COLLECTION: rows()}
    ) as pair:
        yield pair


def value_cases() -> list[str]:
    out = []
    for template, lit, f, where in itertools.product(CONSTRUCTS.values(), LITERALS, FIELDS, FILTERS.values()):
        expr = template.format(f=f, l=lit)
        out.append(f"SELECT _id, {expr} AS c FROM {COLLECTION}{where.format(f=f)} ORDER BY _id")
    return out


def test_a_literal_takes_the_columns_type_in_every_value_position_and_null_pattern(
    unknown_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = unknown_db
    assert_all_agree(pg, db, value_cases())


def set_operation_cases() -> list[str]:
    out = []
    for lit, f in itertools.product(LITERALS, FIELDS):
        out.append(f"SELECT {f} AS c FROM {COLLECTION} UNION SELECT {lit} FROM {COLLECTION}")
        out.append(
            f"SELECT {lit} AS c FROM {COLLECTION} UNION ALL SELECT CASE WHEN b THEN {lit} END FROM {COLLECTION}"
        )
    return out


def all_quoted_cases() -> list[str]:
    """A construct of quoted literals only is text: beside a column of another type, PostgreSQL fails."""
    out = []
    for lit, f in itertools.product(LITERALS, FIELDS):
        text = f"CASE WHEN b THEN {lit} END"
        for expr in (f"COALESCE({text}, {f})", f"LEAST({f}, {text})", f"NULLIF({f}, {text})",
                     f"CASE WHEN _id > 3 THEN {f} ELSE {text} END", f"GREATEST(COALESCE({lit}, {lit}), {f})"):  # fmt: skip
            out.append(f"SELECT _id, {expr} AS c FROM {COLLECTION} ORDER BY _id")
        out.append(f"SELECT _id FROM {COLLECTION} WHERE {f} = {text} ORDER BY _id")
        out.append(f"SELECT _id, NULLIF({lit}, '30') AS c FROM {COLLECTION} ORDER BY _id")
    return out


@pytest.mark.parametrize("family", ["set-operations", "all-quoted"])
def test_quoted_only_constructs_are_text_and_set_operations_agree_with_postgres(
    unknown_db: tuple[PgDatabase, Database[Any]], family: str
) -> None:
    pg, db = unknown_db
    cases = set_operation_cases() if family == "set-operations" else all_quoted_cases()
    assert_all_agree(pg, db, cases)


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("SELECT NULLIF(LENGTH(s), CASE WHEN FALSE THEN '-1' END) AS c FROM u", "operator does not exist: integer = text"),
        ("SELECT _id FROM u WHERE CAST(sd AS DATE) - CAST('2024-09-01' AS DATE) < CASE WHEN b THEN '2.5' END",
         "operator does not exist: integer < text"),
        ("SELECT CAST(f AS DOUBLE PRECISION) <= CASE WHEN b THEN '0.1' END AS c FROM u",
         "operator does not exist: double precision <= text"),
        ("SELECT (1 BETWEEN '-1' AND _id) AS c FROM u EXCEPT ALL SELECT CASE WHEN b THEN 'yes' END FROM u",
         "EXCEPT types boolean and text cannot be matched"),
        ("SELECT MODE() WITHIN GROUP (ORDER BY 'Zz') AS m FROM u",
         "could not determine polymorphic type because input has type unknown"),
    ],
)  # fmt: skip
def test_static_mismatches_are_refused_at_compile_time_with_postgres_reason(sql: str, reason: str) -> None:
    with pytest.raises(LeafSQLError, match=reason):
        compile_sql(sql)


def test_a_bad_literal_fails_once_at_the_head_even_when_no_row_is_read(
    unknown_db: tuple[PgDatabase, Database[Any]],
) -> None:
    """PostgreSQL reads the literal as the column's type when it types the query, rows or not."""
    pg, db = unknown_db
    for sql in (
        "SELECT _id FROM u WHERE FALSE HAVING MAX(COALESCE(i, 'abc')) IS NULL",
        "SELECT COALESCE(ts, '') AS c FROM u WHERE _id < 0",
        "SELECT MAX(COALESCE(big, '3000000000000000000000')) AS m FROM u HAVING FALSE",
    ):
        outcome = run_one(pg, db, sql)
        assert (outcome.status, outcome.kind) == ("pass", "both-error"), (sql, outcome)


def test_probes_are_made_only_where_a_literal_can_be_the_value_beside_an_untyped_field() -> None:
    probed = compile_sql("SELECT COALESCE(age, '0') AS a FROM users").pipeline
    assert probed[0] == {"$limit": 1}  # run once at the head (subqueries.run_once)
    head = [s["$lookup"]["pipeline"][0] for s in probed if "$lookup" in s and "let" not in s["$lookup"]]
    assert head == [{"$match": {"age": {"$ne": None}}}]
    for sql in (
        "SELECT age = '30' AS a FROM users",  # a comparison with NULL is NULL: no probe
        "SELECT COALESCE(age, 0) AS a FROM users",  # no quoted literal
        "SELECT name FROM users WHERE age > '30'",
    ):
        stages = compile_sql(sql).pipeline
        assert "$lookup" not in str(stages), sql
    typed = compile_sql("SELECT COALESCE(age, '0') AS a FROM users", catalog={"users": {"age": "integer"}})
    assert "$lookup" not in str(typed.pipeline)  # a declared type wins: no probe
    assert typed.pipeline == [{"$project": {"_id": 0, "a": {"$ifNull": ["$age", 0]}}}]


def test_probes_of_joined_collections_and_union_branches_run_once_at_their_pipelines_head(
    unknown_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = unknown_db
    for sql in (
        "SELECT a._id, COALESCE(o.s, '30') AS c FROM u a JOIN u o ON o._id = a._id ORDER BY a._id",
        "SELECT _id, COALESCE(sd, '7') AS c FROM u UNION ALL SELECT _id, COALESCE(s, '30') FROM u",
        "WITH w AS (SELECT _id, s FROM u) SELECT _id, COALESCE(s, '30') AS c FROM w ORDER BY _id",
        "SELECT b, MIN(COALESCE(sd, '2024-09-02')) AS m FROM u GROUP BY b",
    ):
        outcome = run_one(pg, db, sql)
        assert outcome.status == "pass", (sql, outcome.kind, outcome.detail)


def test_a_rollup_input_window_keeps_the_probe_once_at_the_head(
    unknown_db: tuple[PgDatabase, Database[Any]],
) -> None:
    """``with_input`` (rollups' window ``$match``) runs the probe over the whole collection, once."""
    _, db = unknown_db
    compiled = compile_sql("SELECT _id, COALESCE(s, '30') AS a, COALESCE(i, '30') AS b FROM u")
    stages = compiled.with_input([{"$match": {"_id": {"$in": [3, 4, 7]}}}])  # rows where s and i are NULL
    assert stages[0] == {"$limit": 1} and sum("$lookup" in s for s in stages) == 3  # 2 probes + the body
    rows = sorted(db[COLLECTION].aggregate(stages), key=lambda r: r["_id"])
    assert [(r["a"], r["b"]) for r in rows] == [("30", 30)] * 3
