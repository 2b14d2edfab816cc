"""Run one SQL query on DuckDB and on MongoDB (through leaf_dagster.sql) and compare the rows.

PostgreSQL semantics are the truth; DuckDB stands in for PostgreSQL, with a per-query DuckDB variant
where the two disagree (see ``Query.duck``). Rows are compared as multisets; where the query has an
ORDER BY, the sequence of sort keys that appear in the output is compared in order as well.

Values compare with a relative tolerance of 1e-9 for non-integer numerics, but a column that DuckDB
types as an integer (COUNT, integer division, CAST AS INT…) must come back as an int, and a boolean
as a bool. Missing struct members and NULL ones are the same.

The report over every corpus, PostgreSQL first, is ``python -m tests.sql.pg_report``.
"""

from __future__ import annotations

import math
import re
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from pymongo import MongoClient
from pymongo.database import Database
from sqlglot import exp

from tests.sql.datagen import Doc
from tests.sql.oracle_cases import DUCKDB_ONLY
from tests.sql.pgsql import (
    Exact,
    PgDatabase,
    PgResult,
    Rounded,
    exact_value,
    loaded_pg,
    parse_postgres,
    pg_norm,
    run_pg,
)

REL_TOL = 1e-9
ABS_TOL = 1e-9


@dataclass(frozen=True)
class Query:
    id: str
    sql: str
    # DuckDB spelling with PostgreSQL semantics, when the SQL itself would not do (1-based lists,
    # LIKE escapes, functions DuckDB lacks). NOW()/CURRENT_* and :params are rewritten automatically.
    duck: str | None = None
    params: Mapping[str, Any] | None = None
    now: datetime | None = None
    # Columns holding unordered aggregates: None for a list (ARRAY_AGG), else the STRING_AGG separator.
    unordered: Mapping[str, str | None] = field(default_factory=dict)
    # False where PostgreSQL's type is numeric or double but DuckDB's is an integer (EXTRACT,
    # DATE_PART): then an integral float is as good as an int.
    exact_types: bool = True


@dataclass
class Env:
    duck: duckdb.DuckDBPyConnection
    db: Database[Doc]
    pg: PgDatabase | None = None


@dataclass
class Result:
    columns: list[str]
    types: list[str]
    rows: list[list[Any]]
    oracle: str = "DuckDB"
    # PostgreSQL's rounding bound of a float8 statistic's value, per row and column (pgsql.Rounded).
    bounds: list[list[float | None]] | None = None

    @classmethod
    def postgres(cls, res: PgResult) -> Result:
        return cls(res.columns, res.types, res.rows, oracle="PostgreSQL", bounds=res.bounds)


# ---------------------------------------------------------------------------------------- running

_PARAM_RE = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def duck_sql(q: Query) -> str:
    text = q.duck or q.sql
    if q.now is not None:
        stamp = q.now.strftime("%Y-%m-%d %H:%M:%S.%f")
        text = re.sub(r"\bNOW\s*\(\s*\)", f"TIMESTAMP '{stamp}'", text, flags=re.I)
        text = re.sub(r"\bCURRENT_TIMESTAMP\b", f"TIMESTAMP '{stamp}'", text, flags=re.I)
        text = re.sub(r"\bCURRENT_DATE\b", f"DATE '{q.now.date().isoformat()}'", text, flags=re.I)
    return _PARAM_RE.sub(r"$\1", text)


def run_duck(con: duckdb.DuckDBPyConnection, q: Query) -> Result:
    cur = con.execute(duck_sql(q), dict(q.params) if q.params else None)
    rows = [list(r) for r in cur.fetchall()]
    desc = cur.description or []
    return Result([d[0] for d in desc], [str(d[1]) for d in desc], rows)


def run_oracle(env: Env, q: Query) -> Result:
    """PostgreSQL's answer, or DuckDB's where the data cannot be loaded into PostgreSQL faithfully."""
    if env.pg is None or q.id in DUCKDB_ONLY:
        return run_duck(env.duck, q)
    return Result.postgres(run_pg(env.pg.conn, q.sql, env.pg.documents, params=q.params, now=q.now))


def run_mongo(db: Database[Doc], q: Query) -> list[dict[str, Any]]:
    from leaf_dagster.sql import run_sql  # imported late: the compiler may not exist yet

    return run_sql(db, q.sql, params=q.params, now=q.now)


# ------------------------------------------------------------------------------------ normalizing


def norm(v: Any) -> Any:
    if v is None or isinstance(v, bool | str):
        return v
    if isinstance(v, int):
        return int(v)  # bson Int64 too
    if isinstance(v, float):
        return v
    if isinstance(v, Decimal):
        return v  # numeric: compared by ``same``
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.astimezone(UTC).replace(tzinfo=None)
        return v
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day)
    if isinstance(v, list | tuple):
        return [norm(x) for x in v]
    if isinstance(v, Mapping):
        out = {str(k): norm(x) for k, x in v.items()}
        return {k: x for k, x in out.items() if x is not None}
    if hasattr(v, "to_decimal"):  # bson Decimal128
        return v.to_decimal()
    return v


def canon(v: Any) -> tuple[Any, ...]:
    """A total sort key over normalized values; numerics of either type sort together."""
    if v is None:
        return (0,)
    if isinstance(v, bool):
        return (1, v)
    if isinstance(v, Rounded) and v.value is None:
        return (0,)
    if isinstance(v, int | float | Decimal | Exact | Rounded):
        return (2, float(f"{float(v):.9g}"))
    if isinstance(v, str):
        return (3, v)
    if isinstance(v, datetime):
        return (4, v.isoformat())
    if isinstance(v, list):
        return (5, tuple(canon(x) for x in v))
    if isinstance(v, dict):
        return (6, tuple(sorted((k, canon(x)) for k, x in v.items())))
    return (7, repr(v))


def same(expected: Any, got: Any) -> bool:
    """Equal within tolerance; an expected integer or bool demands the same type back.

    DuckDB hands back a Python int exactly for its integer types (DECIMAL comes as Decimal, DOUBLE
    as float), so an expected int means the SQL result is an integer: 3.0 for 7 / 2 is wrong.
    """
    if isinstance(expected, Rounded):
        return expected.matches(got)
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(expected, Exact):
        return expected.matches(got)
    if isinstance(expected, bool) or isinstance(got, bool):
        return isinstance(expected, bool) and isinstance(got, bool) and expected == got
    if isinstance(expected, int) and isinstance(got, Decimal):
        # PostgreSQL's SUM(bigint) is a numeric where DuckDB's is an integer: a numeric of scale 0.
        return got == expected and got.as_tuple().exponent == 0
    if isinstance(expected, int):
        return isinstance(got, int) and expected == got
    if isinstance(expected, int | float | Decimal):
        if not isinstance(got, int | float | Decimal):
            return False
        return math.isclose(float(expected), float(got), rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(expected) == len(got)
            and all(same(e, g) for e, g in zip(expected, got, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and expected.keys() == got.keys()
            and all(same(expected[k], got[k]) for k in expected)
        )
    return bool(type(expected) is type(got) and expected == got)


def rows_same(e: Sequence[Any], g: Sequence[Any]) -> bool:
    return len(e) == len(g) and all(same(x, y) for x, y in zip(e, g, strict=True))


def _loosen(v: Any) -> Any:
    return float(v) if isinstance(v, int) and not isinstance(v, bool) else v


def _unorder(v: Any, sep: str | None) -> Any:
    if isinstance(v, list):
        return sorted(v, key=canon)
    if isinstance(v, str) and sep is not None:
        return sep.join(sorted(v.split(sep)))
    return v


# ------------------------------------------------------------------------------- SQL structure


@dataclass
class Shape:
    star: bool = False
    aliases: list[str | None] = field(default_factory=list)  # expected output names, where plain
    order: list[exp.Expression] = field(default_factory=list)
    limited: bool = False


def shape_of(sql: str) -> Shape:
    try:
        tree = parse_postgres(sql)
    except sqlglot.errors.ParseError:
        return Shape()
    if not isinstance(tree, exp.Select):
        return Shape()
    projections = tree.expressions
    order = tree.args.get("order")
    return Shape(
        star=any(isinstance(p, exp.Star) or (isinstance(p, exp.Column) and p.is_star) for p in projections),
        aliases=[_output_name(p) for p in projections],
        order=[o.this for o in order.expressions] if order else [],
        limited=bool(tree.args.get("limit") or tree.args.get("offset")),
    )


def _output_name(p: exp.Expression) -> str | None:
    """PostgreSQL's name for an output column where it is plain: the alias, or a path's last part."""
    if isinstance(p, exp.Alias):
        return p.alias
    if isinstance(p, exp.Column | exp.Dot) and p.output_name:
        return p.output_name
    return None


def order_positions(sql: str, columns: Sequence[str]) -> list[int] | None:
    """Output positions of the leading ORDER BY keys that are in the output (None: no ORDER BY)."""
    try:
        tree = parse_postgres(sql)
    except sqlglot.errors.ParseError:
        return None
    if not isinstance(tree, exp.Select) or not tree.args.get("order"):
        return None
    projections = tree.expressions
    star = any(isinstance(p, exp.Star) for p in projections)
    positions: list[int] = []
    for ordered in tree.args["order"].expressions:
        key = ordered.this
        found: int | None = None
        if isinstance(key, exp.Literal) and key.is_int:
            found = int(key.this) - 1
        elif star and isinstance(key, exp.Column) and key.name in columns:
            found = list(columns).index(key.name)
        else:
            for i, p in enumerate(projections):
                if isinstance(key, exp.Column) and not key.table and p.alias_or_name == key.name:
                    found = i
                    break
                if (p.this if isinstance(p, exp.Alias) else p) == key:
                    found = i
                    break
        if found is None:
            break
        positions.append(found)
    return positions


# ---------------------------------------------------------------------------------- comparing


def _fmt(row: Sequence[Any], limit: int = 240) -> str:
    text = repr(list(row))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def compare(env: Env, q: Query) -> str | None:
    """None when both engines agree, else a short description of the first difference."""
    expected = run_oracle(env, q)
    try:
        got_rows = run_mongo(env.db, q)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()[:500]
    return diff(q, expected, got_rows)


def diff(q: Query, expected: Result, got_rows: list[dict[str, Any]]) -> str | None:
    cols = expected.columns
    n = len(cols)
    shape = shape_of(q.sql)
    got: list[list[Any]] = []
    for row in got_rows:
        if shape.star:
            extra = set(row) - set(cols)
            if extra:
                return f"SELECT * row has columns not in the table: {sorted(extra)}"
            got.append([row.get(c) for c in cols])
        else:
            if len(row) != n:
                return f"row has {len(row)} columns {list(row)}, expected {n} {cols}"
            for i, (key, alias) in enumerate(zip(row, shape.aliases, strict=False)):
                if alias is not None and key != alias:
                    return f"column {i} is named {key!r}, expected {alias!r} (all: {list(row)})"
            got.append(list(row.values()))

    if expected.oracle == "PostgreSQL":
        # numeric columns compare exactly (Exact), double precision ones with the tolerance.
        numeric = [t == "numeric" for t in expected.types]
        exp_rows = [
            [Exact(v) if exact and v is not None else pg_norm(v) for v, exact in zip(r, numeric, strict=True)]
            for r in expected.rows
        ]
        if expected.bounds is not None:  # float8 statistics: within PostgreSQL's rounding
            for r, bounds in zip(exp_rows, expected.bounds, strict=True):
                for k, bound in enumerate(bounds):
                    if bound is not None:
                        r[k] = Rounded(r[k], bound)
        got = [
            [exact_value(v) if exact else norm(v) for v, exact in zip(r, numeric, strict=True)] for r in got
        ]
    else:
        exp_rows = [[norm(v) for v in r] for r in expected.rows]
        if not q.exact_types:
            exp_rows = [[_loosen(v) for v in r] for r in exp_rows]
        got = [[norm(v) for v in r] for r in got]
    for name, sep in q.unordered.items():
        i = cols.index(name)
        for r in exp_rows + got:
            r[i] = _unorder(r[i], sep)

    if len(exp_rows) != len(got):
        return f"expected {len(exp_rows)} rows, got {len(got)}" + _sample(exp_rows, got, expected.oracle)
    exp_sorted = sorted(exp_rows, key=lambda r: tuple(canon(v) for v in r))
    got_sorted = sorted(got, key=lambda r: tuple(canon(v) for v in r))
    if not all(rows_same(e, g) for e, g in zip(exp_sorted, got_sorted, strict=True)):
        # Sorting can pair rows differently when values tie under the tolerance (integers near 2^53
        # and their float neighbours): the rows differ only if no one-to-one matching exists.
        unmatched = _sample(exp_rows, got, expected.oracle)
        if unmatched:
            return "rows differ" + unmatched

    positions = order_positions(q.sql, cols)
    if positions:
        for k, (e, g) in enumerate(zip(exp_rows, got, strict=True)):
            ek, gk = [e[i] for i in positions], [g[i] for i in positions]
            if not rows_same(ek, gk):
                return f"order differs at row {k}: expected sort key {_fmt(ek)}, got {_fmt(gk)}"
    return None


def _sample(exp_rows: list[list[Any]], got: list[list[Any]], oracle: str = "DuckDB") -> str:
    """The first rows found only on one side: identical rows paired first (an ``Exact(0)`` of scale
    0 also matches -0.3 once rounded, which must not take the 0 from it), then a maximum matching
    of the rest within the tolerance. Greedy pairing could give a row a partner that another row
    needs (doubles near 3.4e9 are within 1e-9 relative of neighbours 3 apart)."""
    unmatched = list(got)
    left: list[list[Any]] = []
    for e in exp_rows:
        j = next((j for j, g in enumerate(unmatched) if _identical_rows(e, g)), None)
        if j is None:
            left.append(e)
        else:
            del unmatched[j]
    only_expected, unmatched = _unpaired(left, unmatched)
    parts = []
    if only_expected:
        parts.append(f"; expected ({oracle}) only: {_fmt(only_expected[0])} (+{len(only_expected) - 1} more)")
    if unmatched:
        parts.append(f"; got (Mongo) only: {_fmt(unmatched[0])} (+{len(unmatched) - 1} more)")
    return "".join(parts)


def _unpaired(
    expected: list[list[Any]], got: list[list[Any]], limit: int = 400
) -> tuple[list[list[Any]], list[list[Any]]]:
    """The rows of each side left without a partner by a maximum matching within the tolerance
    (augmenting paths; greedy beyond ``limit`` rows, where a failure is reported either way)."""
    partners = [[j for j, g in enumerate(got) if rows_same(e, g)] for e in expected]
    owner: dict[int, int] = {}  # got row -> expected row
    for i in range(len(expected)):
        if len(expected) > limit:
            j = next((j for j in partners[i] if j not in owner), None)
            if j is not None:
                owner[j] = i
            continue
        _augment(i, partners, owner, set())
    paired = set(owner.values())
    return [e for i, e in enumerate(expected) if i not in paired], [
        g for j, g in enumerate(got) if j not in owner
    ]


def _augment(i: int, partners: list[list[int]], owner: dict[int, int], visited: set[int]) -> bool:
    for j in partners[i]:
        if j in visited:
            continue
        visited.add(j)
        if j not in owner or _augment(owner[j], partners, owner, visited):
            owner[j] = i
            return True
    return False


def _identical_rows(e: list[Any], g: list[Any]) -> bool:
    def identical(x: Any, y: Any) -> bool:
        if isinstance(x, Exact):
            return isinstance(y, int | Decimal) and not isinstance(y, bool) and x.value == y
        if isinstance(x, float) and isinstance(y, float):
            return x == y  # bit for bit, not within the tolerance
        return same(x, y)

    return len(e) == len(g) and all(identical(x, y) for x, y in zip(e, g, strict=True))


# ------------------------------------------------------------------------------------- loading


def load_mongo(db: Database[Doc], data: Mapping[str, list[Doc]]) -> None:
    for name, docs in data.items():
        db.create_collection(name)
        if docs:
            db[name].insert_many([dict(d) for d in docs])


# -------------------------------------------------------------------------------------- script


@contextmanager
def mongo_uri(prefix: str) -> Iterator[str]:
    """``LEAF_MONGODB_URI``, else the URI of an embedded server started for the block."""
    import os

    from leaf_dagster.connection import ENV_URI
    from leaf_dagster.embedded import EmbeddedServer

    uri = os.environ.get(ENV_URI)
    if uri:
        yield uri
        return
    server = EmbeddedServer(Path(tempfile.mkdtemp(prefix=f"{prefix}-")) / "data")
    server.start()
    try:
        yield server.uri
    finally:
        server.stop()


@contextmanager
def scratch_database(prefix: str, uri: str | None = None) -> Iterator[Database[Doc]]:
    """A throwaway database on ``uri``, else on ``LEAF_MONGODB_URI`` or an embedded server started for it."""
    with ExitStack() as stack:
        if uri is None:
            uri = stack.enter_context(mongo_uri(prefix))
        client: MongoClient[Doc] = stack.enter_context(MongoClient(uri))
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        try:
            yield client[name]
        finally:
            client.drop_database(name)


def store_doubles_as_numeric(pg: PgDatabase, table: str, column: str, docs: list[Doc]) -> None:
    """What PostgreSQL's numeric ``column`` holds for a double inserted into it: CAST(double AS
    numeric) (float8_numeric), not its shortest text as the JSON loader reads it (0.30000000000000004
    is stored as 0.3)."""
    for doc in docs:
        if isinstance(doc.get(column), float):
            pg.conn.execute(
                f"UPDATE {table} SET {column} = CAST(CAST(%s AS double precision) AS numeric) WHERE _id = %s",
                [doc[column], doc["_id"]],
            )


@contextmanager
def loaded_both(
    pg_server: Any, client: Any, prefix: str, schemas: Mapping[str, Any], data: Mapping[str, list[Doc]]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    """The same documents in a fresh MongoDB database and a PostgreSQL schema, both dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    db: Database[Any] = client[name]
    load_mongo(db, data)
    try:
        with loaded_pg(pg_server, schemas, data) as pg:
            yield pg, db
    finally:
        client.drop_database(name)
