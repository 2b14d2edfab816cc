"""An independent corpus of realistic analyst queries (``corpus_realistic_queries.py``), each run on
PostgreSQL 15 and on MongoDB through ``leaf_dagster.sql``, on the same documents.

Each query has one of these outcomes (``outcome``):
- ``agree``: the same rows as PostgreSQL (the differential harness's comparison);
- ``refused``: PostgreSQL answers, we raise a ``LeafSQLError`` naming the construct and its position;
- ``rejected``: PostgreSQL rejects the query and so do we, with a one-line error (``LeafSQLError`` at
  compile time, ``SqlRuntimeError`` from the server);
- ``wrong``: other rows, or an answer where PostgreSQL raises an error (the worst outcome);
- ``crash``: any other exception (a traceback a user would see, a raw server error).

``python -m tests.sql.test_corpus_realistic`` prints every query's outcome and the totals.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
import sqlglot
from pymongo import MongoClient
from pymongo.errors import OperationFailure
from sqlglot import exp

from leaf_dagster.connection import Document
from leaf_dagster.sql import LeafSQLError, run_sql
from leaf_dagster.sql.runner import SqlRuntimeError
from tests.sql import corpus_realistic_data
from tests.sql.corpus_realistic_queries import CASES, NULLS, NUMBERS, Case
from tests.sql.harness import Env, Result, diff, norm, rows_same
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import run_pg


@pytest.fixture(scope="module")
def corpus_env(mongo_client: MongoClient[Document], pg_server: PostgresServer) -> Iterator[Env]:
    with corpus_realistic_data.loaded(mongo_client, pg_server) as env:
        yield env


def _ordered_set_operation(sql: str) -> bool:
    tree = sqlglot.parse_one(sql, read="postgres")
    return isinstance(tree, exp.SetOperation) and bool(tree.args.get("order"))


def _naive_utc(v: Any) -> Any:
    """A timestamptz (``DATE_TRUNC(unit, ts, zone)``) as the naive UTC instant a BSON date reads as."""
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.astimezone(UTC).replace(tzinfo=None)
    return v


def outcome(env: Env, case: Case) -> tuple[str, str]:
    """(kind, detail): see the module docstring for the kinds."""
    q = case.query
    assert env.pg is not None
    expected: Result | None = None
    pg_error = ""
    try:
        res = run_pg(env.pg.conn, q.sql, env.pg.documents, params=q.params, now=q.now)
        rows = [[_naive_utc(v) for v in row] for row in res.rows]
        # psycopg names numeric[] "numeric" too: its elements compare as numbers, not one Exact.
        types = [
            f"{t}[]" if any(isinstance(row[i], list) for row in rows) else t for i, t in enumerate(res.types)
        ]
        expected = Result(res.columns, types, rows, oracle="PostgreSQL")
    except psycopg.Error as exc:
        pg_error = str(exc).splitlines()[0]
    got: list[dict[str, Any]] | None = None
    ours: BaseException | None = None
    try:
        got = run_sql(env.db, q.sql, params=q.params, now=q.now, catalog=case.catalog)
    except (LeafSQLError, SqlRuntimeError) as exc:
        ours = exc
    except Exception as exc:  # classified: every other exception is a crash
        kind = "server error" if isinstance(exc, OperationFailure) else "crash"
        return kind, f"{type(exc).__name__}: {str(exc)[:300]}"

    if expected is None:
        if ours is not None:
            if "\n" in str(ours):
                return "crash", f"a multi-line error: {ours!r}"
            return "rejected", f"PostgreSQL: {pg_error} | ours: {ours}"
        return "wrong", f"an answer where PostgreSQL fails: {pg_error}"
    if isinstance(ours, SqlRuntimeError):
        return "crash", f"SqlRuntimeError where PostgreSQL answers: {ours}"
    if isinstance(ours, LeafSQLError):
        if not ours.construct or "\n" in str(ours):
            return "crash", f"a refusal without its construct: {ours}"
        return "refused", str(ours)
    assert got is not None
    difference = diff(q, expected, got)
    if difference is None and _ordered_set_operation(q.sql):
        for k, (e, g) in enumerate(zip(expected.rows, got, strict=True)):
            e_row, g_row = [norm(v) for v in e], [norm(v) for v in g.values()]
            if not rows_same(e_row, g_row):
                difference = f"order differs at row {k}: expected {e_row!r}, got {g_row!r}"
                break
    return ("wrong", difference) if difference else ("agree", "")


def expected_kind(case: Case) -> str:
    if case.error:
        return "rejected"
    return "refused" if case.refused else "agree"


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


def test_corpus_is_well_formed() -> None:
    ids = Counter(c.id for c in CASES)
    assert [i for i, n in ids.items() if n > 1] == []
    assert len([c for c in CASES if not c.error]) >= 150


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_realistic_query(corpus_env: Env, case: Case) -> None:
    kind, detail = outcome(corpus_env, case)
    assert kind == expected_kind(case), f"{case.id} [{kind}]: {case.query.sql}\n{detail}"
    if case.refused:
        assert case.refused.lower() in detail.lower(), detail


# The data set's schemas as a catalog (``compile_sql(catalog=…)``), as ``leaf-dagster sql --schemas``
# gives one: every typed field compares and computes as its declared type.
_CATALOG_TYPES = {
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "DOUBLE": "double precision",
    "DECIMAL": "numeric",
    "VARCHAR": "text",
    "TIMESTAMP": "timestamp",
    "BOOLEAN": "boolean",
}


def _fields(schema: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for name, kind in schema.items():
        if isinstance(kind, str):
            out[prefix + name] = _CATALOG_TYPES[kind]
        elif isinstance(kind, Mapping):
            out.update(_fields(kind, f"{prefix}{name}."))
    return out


SCHEMA_CATALOG = {name: _fields(schema) for name, schema in corpus_realistic_data.SCHEMAS.items()}
CATALOG_XFAIL: dict[str, str] = {}
# A str parameter is untyped, as psycopg sends it: with a catalog it takes the field's type too.
# With a catalog, a typed constant of another type category is refused at compile time.
CATALOG_PARAMETER_CASES = {"date_param_since", "err_bool_vs_int", "err_date_vs_int"}
CATALOG_CASES = [
    *NUMBERS,
    *NULLS,
    *(c for c in CASES if c.id in CATALOG_PARAMETER_CASES | CATALOG_XFAIL.keys()),
]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c.id,
            marks=[pytest.mark.xfail(strict=True, reason=CATALOG_XFAIL[c.id])]
            if c.id in CATALOG_XFAIL
            else [],
        )
        for c in CATALOG_CASES
    ],
)
def test_realistic_query_with_the_schemas_as_catalog(corpus_env: Env, case: Case) -> None:
    """With declared types the whole-number-as-int32 answers agree too (int32 in a double field)."""
    kind, detail = outcome(corpus_env, dataclasses.replace(case, catalog=SCHEMA_CATALOG))
    assert kind == expected_kind(case), f"{case.id} [{kind}]: {case.query.sql}\n{detail}"


def main() -> None:  # pragma: no cover - a report for people
    """``python -m tests.sql.test_corpus_realistic [id prefix]``."""
    import sys

    from tests.sql.harness import mongo_uri

    with (
        mongo_uri("corpus") as uri,
        PostgresServer() as pg_server,
        MongoClient[Document](uri) as client,
        corpus_realistic_data.loaded(client, pg_server) as env,
    ):
        totals: Counter[str] = Counter()
        prefix = sys.argv[1] if len(sys.argv) > 1 else ""
        for case in (c for c in CASES if c.id.startswith(prefix)):
            kind, detail = outcome(env, case)
            totals[kind] += 1
            flag = "" if kind == expected_kind(case) else "  <-- unexpected"
            print(f"{kind:12} {case.id}{flag}")
            if kind != "agree":
                print(f"             {detail[:400]}")
        print(dict(totals))


if __name__ == "__main__":
    main()
