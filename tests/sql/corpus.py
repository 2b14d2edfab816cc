"""What one corpus query did on PostgreSQL 15 and through ``leaf_dagster.sql`` (``outcome``), shared
by the independent corpora (``test_corpus_realistic.py``, ``test_corpus_analyst.py``).

The kinds:
- ``agree``: the same rows as PostgreSQL (the differential harness's comparison);
- ``refused``: PostgreSQL answers, we raise a ``LeafSQLError`` naming the construct and its position;
- ``rejected``: PostgreSQL rejects the query and so do we, with a one-line error (``LeafSQLError`` at
  compile time, ``SqlRuntimeError`` from the server);
- ``wrong``: other rows, or an answer where PostgreSQL raises an error (the worst outcome);
- ``crash``: any other exception (a traceback a user would see); ``server error``: a raw server error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import psycopg
import sqlglot
from pymongo.errors import OperationFailure
from sqlglot import exp

from leaf_dagster.sql import LeafSQLError, run_sql
from leaf_dagster.sql.runner import SqlRuntimeError
from tests.sql.corpus_case import Case
from tests.sql.harness import Env, Result, diff, norm, rows_same
from tests.sql.pgsql import run_pg


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


# A data set's schemas as a catalog (``compile_sql(catalog=…)``), as ``leaf-dagster sql --schemas``
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


def schema_catalog(schemas: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    return {name: _fields(schema) for name, schema in schemas.items()}


def report(
    name: str,
    cases: Sequence[Case],
    loaded: Callable[[Any, Any], AbstractContextManager[Env]],
    catalog: Any = None,
    want: Callable[[Case, bool], str] | None = None,
) -> None:  # pragma: no cover - a report for people
    """A corpus run for people: ``python -m tests.sql.test_corpus_<name> [id prefix] [--catalog]``
    prints each case's outcome (``--catalog`` compiles with ``catalog``), then the totals."""
    import dataclasses
    import sys
    from collections import Counter

    from pymongo import MongoClient

    from tests.sql.harness import mongo_uri
    from tests.sql.pg import PostgresServer

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    with_catalog = "--catalog" in sys.argv and catalog is not None
    prefix = args[0] if args else ""
    with (
        mongo_uri(name) as uri,
        PostgresServer() as pg_server,
        MongoClient[dict[str, Any]](uri) as client,
        loaded(client, pg_server) as env,
    ):
        totals: Counter[str] = Counter()
        for case in (c for c in cases if c.id.startswith(prefix)):
            run = dataclasses.replace(case, catalog=catalog) if with_catalog else case
            kind, detail = outcome(env, run)
            totals[kind] += 1
            expected = want(case, with_catalog) if want is not None else expected_kind(case)
            flag = "" if kind == expected else "  <-- unexpected"
            print(f"{kind:12} {case.id}{flag}")
            if kind != "agree":
                print(f"             {detail[:600]}")
        print(dict(totals))


def params(cases: Sequence[Case], catalog_xfail: Mapping[str, str], catalog: bool) -> list[Any]:
    """A corpus's cases as pytest parameters, each a strict xfail where it is a known wrong answer:
    its own ``xfail`` without the catalog, ``catalog_xfail[id]`` with it."""
    import pytest

    out = []
    for case in cases:
        reason = catalog_xfail.get(case.id) if catalog else case.xfail
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(case, id=case.id, marks=marks))
    return out
