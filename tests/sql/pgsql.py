"""PostgreSQL side of the differential tests: the generated documents as typed tables, the corpus SQL
rewritten for them, and the exact comparison of PostgreSQL's answer with ours.

Type mapping (issue 10's, one way everywhere): int32 -> integer, int64 -> bigint, double -> double
precision, decimal128 -> numeric, string -> text, date -> timestamp, bool -> boolean. A nested
document becomes a composite type, an array a PostgreSQL array (of a composite type for arrays of
documents). A field that is missing and a field that is NULL both become NULL. The schemas are the
DuckDB ones (``duck.SCHEMAS``, ``duck_multi.SCHEMAS``): a field mixing int32 and int64 (``edge.n``)
is bigint, one mixing ints and doubles (``users.amount``) is double precision.

The SQL the user writes stays the MongoDB-side SQL; a copy is rewritten for PostgreSQL with sqlglot:
- ``profile.location.city`` (a path into a document) -> ``(profile).location.city``;
- ``items[0]`` (0-based, the QueryLeaf convention) -> ``items[1]`` (PostgreSQL is 1-based);
- ``NOW()``/``CURRENT_TIMESTAMP``/``CURRENT_DATE`` -> the query's fixed instant;
- ``:name`` parameters -> psycopg placeholders (a ``str`` goes as an untyped literal, as in SQL).
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

import psycopg
import sqlglot
from psycopg.types.composite import CompositeInfo, register_composite
from psycopg.types.json import set_json_loads
from sqlglot import exp

from tests.sql.datagen import Doc
from tests.sql.duck import ColType
from tests.sql.pg import PostgresAddress, PostgresServer

# DuckDB type names used by the schemas -> PostgreSQL types.
PG_TYPES = {
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "DOUBLE": "double precision",
    "DECIMAL": "numeric",
    "VARCHAR": "text",
    "TIMESTAMP": "timestamp",
    "DATE": "date",
    "BOOLEAN": "boolean",
}


# ------------------------------------------------------------------------------------- loading


class PgDatabase:
    """One schema of a shared PostgreSQL server holding one table per collection."""

    def __init__(self, conn: psycopg.Connection[Any], prefix: str = "leaf") -> None:
        self.conn = conn
        self.schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
        self.documents: set[str] = set()  # column names holding documents or arrays of documents
        self._types: list[str] = []
        conn.execute(f'CREATE SCHEMA "{self.schema}"')
        conn.execute(f'SET search_path = "{self.schema}"')

    def _type(self, table: str, path: str, t: ColType) -> str:
        if isinstance(t, str):
            return PG_TYPES[t]
        if isinstance(t, Mapping):
            name = f"{table}.{path}"
            members = ", ".join(f'"{k}" {self._type(table, f"{path}.{k}", sub)}' for k, sub in t.items())
            self.conn.execute(f'CREATE TYPE "{name}" AS ({members})')
            self._types.append(name)
            return f'"{name}"'
        (element,) = t
        return f"{self._type(table, path, element)}[]"

    def load(self, name: str, schema: Mapping[str, ColType], docs: Sequence[Doc]) -> None:
        columns = []
        for col, t in schema.items():
            if not isinstance(t, str) and not (isinstance(t, Sequence) and isinstance(t[0], str)):
                self.documents.add(col)
            columns.append(f'"{col}" {self._type(name, col, t)}')
        self.conn.execute(f'CREATE TABLE "{name}" ({", ".join(columns)})')
        if docs:
            self.conn.execute(
                f'INSERT INTO "{name}" SELECT * FROM json_populate_recordset(NULL::"{name}", %s::json)',
                [json.dumps([_jsonable(d) for d in docs])],
            )

    def register(self) -> None:
        """Composite values come back as named tuples (read as documents by ``pg_norm``); JSON numbers
        as floats, since JSON does not tell 681 from 681.0 (the comparison then accepts either)."""
        set_json_loads(_json_loads, self.conn)
        for name in self._types:
            info = CompositeInfo.fetch(self.conn, f'"{self.schema}"."{name}"')
            if info is not None:
                register_composite(info, self.conn)

    def drop(self) -> None:
        self.conn.execute(f'DROP SCHEMA "{self.schema}" CASCADE')


def _json_loads(data: str | bytes) -> Any:
    return json.loads(data, parse_int=float)


def _jsonable(v: Any) -> Any:
    """Documents as JSON for json_populate_recordset: every scalar whose JSON spelling could lose
    something (-0.0, a decimal128, a datetime) travels as the text PostgreSQL's input function reads."""
    if isinstance(v, Mapping):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if hasattr(v, "to_decimal"):
        return str(v.to_decimal())
    return v


# ----------------------------------------------------------------------------------- rewriting

_MARK = "__leaf_param__"
_MARK_RE = re.compile(f"{_MARK}(\\w+?){_MARK}")


def _qualifiers(tree: exp.Expr) -> set[str]:
    names: set[str] = set()
    for table in tree.find_all(exp.Table):
        names.add(table.name)
        if table.alias:
            names.add(table.alias)
    for sub in tree.find_all(exp.Subquery, exp.CTE, exp.TableAlias):
        if sub.alias:
            names.add(sub.alias)
    return names


def _path_parts(node: exp.Column) -> list[exp.Identifier]:
    return [p for p in (node.args.get(k) for k in ("catalog", "db", "table", "this")) if p is not None]


def _rewrite_column(node: exp.Column, documents: set[str], qualifiers: set[str]) -> exp.Expr:
    parts = _path_parts(node)
    names = [p.name for p in parts]
    if len(parts) < 2 or isinstance(node.this, exp.Star):
        return node
    if names[0] in documents and names[0] not in qualifiers:
        head, fields = exp.column(parts[0]), parts[1:]
    elif len(parts) >= 3 and names[1] in documents:
        head, fields = exp.column(parts[1], table=parts[0]), parts[2:]
    else:
        return node
    out: exp.Expr = exp.Paren(this=head)
    for field in fields:
        out = exp.Dot(this=out, expression=field)
    return out


def _plus_one(index: exp.Expr) -> exp.Expr:
    if isinstance(index, exp.Literal) and index.is_int:
        return exp.Literal.number(int(index.this) + 1)
    if isinstance(index, exp.Neg) and isinstance(index.this, exp.Literal) and index.this.is_int:
        return exp.Literal.number(1 - int(index.this.this))
    return exp.Add(this=exp.Paren(this=index), expression=exp.Literal.number(1))


def _one_based(node: exp.Bracket) -> exp.Bracket:
    if len(node.expressions) == 1 and not node.args.get("one_based"):
        node.set("expressions", [_plus_one(node.expressions[0])])
        node.set("one_based", True)
    return node


@functools.lru_cache(maxsize=256)
def parse_postgres(sql: str) -> exp.Expr:
    """One parse per query text for the oracle's rewriting and the comparison. Read-only: copy to change."""
    return sqlglot.parse_one(sql, read="postgres")


def pg_sql(sql: str, documents: set[str], now: datetime | None = None, params: bool = False) -> str:
    """The PostgreSQL spelling of a corpus query (see the module docstring)."""
    return _render(_pg_tree(sql, documents, now), params)


def _render(tree: exp.Expr, params: bool) -> str:
    text = tree.sql(dialect="postgres", identify=True)  # identifiers keep their case, as in MongoDB
    if params:
        text = _MARK_RE.sub(lambda m: f"%({m.group(1)})s", text.replace("%", "%%"))
    return text


def _pg_tree(sql: str, documents: set[str], now: datetime | None) -> exp.Expr:
    tree = parse_postgres(sql)
    qualifiers = _qualifiers(tree)

    def visit(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column):
            return _rewrite_column(node, documents, qualifiers)
        if isinstance(node, exp.Dot) and isinstance(node.this, exp.Bracket):
            return exp.Dot(this=exp.Paren(this=_one_based(node.this)), expression=node.expression)
        if isinstance(node, exp.Bracket):
            return _one_based(node)
        if isinstance(node, exp.Placeholder) and node.name:
            return exp.Var(this=f"{_MARK}{node.name}{_MARK}")
        if now is not None and isinstance(node, exp.CurrentTimestamp | exp.CurrentDate):
            kind = "timestamp" if isinstance(node, exp.CurrentTimestamp) else "date"
            text = now.isoformat(sep=" ") if kind == "timestamp" else now.date().isoformat()
            return exp.cast(exp.Literal.string(text), kind)
        return node

    tree = tree.transform(visit, copy=True)
    for row in list(tree.find_all(exp.Anonymous)):
        if row.name.upper() == "ROW":
            # An anonymous record comes back as text; as JSON its fields are f1, f2, ... with types.
            row.replace(exp.Anonymous(this="ROW_TO_JSON", expressions=[row.copy()]))
    # Dots over a rewritten column nest: (a).b.c parses back the same, so one pass is enough.
    return tree


# ------------------------------------------------------------------------------------- running


@dataclass
class PgResult:
    columns: list[str]
    types: list[str]  # PostgreSQL type names: int4, numeric, float8, text, timestamp, ...
    rows: list[list[Any]]
    # Per row and column, the rounding bound of a float8 statistic's value (see ``rounding_bounds``).
    bounds: list[list[float | None]] | None = None


def type_names(conn: psycopg.Connection[Any], oids: Sequence[int]) -> list[str]:
    names = []
    for oid in oids:
        info = conn.adapters.types.get(oid)
        names.append(info.name if info is not None else str(oid))
    return names


def run_pg(
    conn: psycopg.Connection[Any],
    sql: str,
    documents: set[str],
    params: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> PgResult:
    tree = _pg_tree(sql, documents, now)
    bounded = rounding_bounds(tree)
    if bounded is not None:
        try:
            cur = conn.execute(_render(bounded[0], bool(params)), dict(params) if params else None)
        except psycopg.Error:  # the bounds' own arithmetic: PostgreSQL's error is the query's own
            bounded = None
    if bounded is None:
        cur = conn.execute(_render(tree, bool(params)), dict(params) if params else None)
    desc = cur.description or []
    rows = [list(r) for r in cur.fetchall()]
    result = PgResult([d.name for d in desc], type_names(conn, [d.type_code for d in desc]), rows)
    if bounded is None:
        return result
    columns = bounded[1]
    kept = len(desc) - len(columns)
    by_column = dict(zip(columns, range(kept, len(desc)), strict=True))
    bounds = [[_bound_value(r[by_column[k]]) if k in by_column else None for k in range(kept)] for r in rows]
    return PgResult(result.columns[:kept], result.types[:kept], [r[:kept] for r in rows], bounds)


# ------------------------------------------------------------- float8 statistics' rounding bounds
#
# CORR, COVAR_POP/SAMP, REGR_SLOPE and REGR_INTERCEPT are double precision in PostgreSQL, computed
# with float8 Youngs-Cramer sums: its answer carries rounding noise that depends on the row order
# and on the magnitude of the inputs, not of the result (REGR_INTERCEPT(f, f) is 6.4e-07 where the
# exact answer is 0, for f up to 1e10). Ours sums exactly (Decimal128) and rounds once. A relative
# tolerance on the result cannot tell those apart from a wrong answer, so the oracle computes, in
# the same query and per output row, a bound of PostgreSQL's rounding from the inputs it
# aggregated: n rows whose |x| and |y| are at most Ax and Ay have sums off by at most
# d = ROUNDING * n times their magnitude (dSxx = d*n*Ax², dSyy = d*n*Ay², dSxy = d*n*Ax*Ay), and
# the statistics propagate that (COVAR_POP: d*Ax*Ay; REGR_SLOPE: (dSxy + |slope|*dSxx) / Sxx;
# REGR_INTERCEPT: d*(Ay + Ax*|slope|) + Ax*dslope; CORR: dSxy/sqrt(Sxx*Syy) + |corr|/2*(dSxx/Sxx +
# dSyy/Syy)). Where PostgreSQL's Sxx (or Syy) is within its own rounding of zero, its answer has no
# significant digit (it may even be a value where the exact answer is NULL): the bound is infinite.
# An output column gets a bound when it is one of these aggregates (with FILTER or OVER), or one
# combined with constants or other values by + - * / (bounds add, and scale by |other operand|);
# everything else is compared as before.

FLOAT8_STATISTICS = (exp.Corr, exp.CovarPop, exp.CovarSamp, exp.RegrSlope, exp.RegrIntercept)
ROUNDING = 8 * 2.0**-52  # per summed row, a few units in the last place of a float8
BOUND_PREFIX = "__leaf_bound_"


def _bound_value(v: Any) -> float | None:
    if v is None:
        return None
    value = float(v)
    return math.inf if math.isnan(value) else value


def rounding_bounds(tree: exp.Expr) -> tuple[exp.Expr, list[int]] | None:
    """``tree`` with one more output column per output column holding a float8 statistic: the bound
    of PostgreSQL's rounding of that column; and the positions of the columns bounded. None when the
    query has none (or is not a plain SELECT: DISTINCT would compare the bounds too)."""
    distinct = tree.args.get("distinct") if isinstance(tree, exp.Select) else None
    if not isinstance(tree, exp.Select) or (distinct is not None and not distinct.args.get("on")):
        return None
    extra: list[exp.Expr] = []
    positions: list[int] = []
    for k, projection in enumerate(tree.expressions):
        node = projection.this if isinstance(projection, exp.Alias) else projection
        if not node.find(*FLOAT8_STATISTICS):
            continue
        bound = _bound(node)
        if bound is None:
            continue
        extra.append(exp.alias_(sqlglot.parse_one(bound, read="postgres"), f"{BOUND_PREFIX}{k}"))
        positions.append(k)
    if not extra:
        return None
    copy = tree.copy()
    copy.set("expressions", [*copy.expressions, *extra])
    return copy, positions


def _sql(node: exp.Expr) -> str:
    return node.sql(dialect="postgres", identify=True)


def _bound(node: exp.Expr) -> str | None:
    """SQL for the bound of ``node``'s rounding: "0" where it holds no statistic, None if unknown."""
    if not node.find(*FLOAT8_STATISTICS):
        return "0"
    if isinstance(node, exp.Paren | exp.Neg):
        return _bound(node.this)
    chain: list[exp.Expr] = []
    inner = node
    while isinstance(inner, exp.Window | exp.Filter):
        chain.append(inner)
        inner = inner.this
    if isinstance(inner, FLOAT8_STATISTICS):
        return _statistic_bound(inner, chain)
    if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Div):
        a, b = _bound(node.this), _bound(node.expression)
        if a is None or b is None:
            return None
        left, right = (f"ABS(CAST(({_sql(e)}) AS DOUBLE PRECISION))" for e in (node.this, node.expression))
        if isinstance(node, exp.Add | exp.Sub):
            return f"(({a}) + ({b}))"
        if isinstance(node, exp.Mul):
            return f"(({a}) * {right} + ({b}) * {left} + ({a}) * ({b}))"
        return f"(({a}) / {right})" if b == "0" else None
    return None


def _statistic_bound(stat: exp.Expr, chain: list[exp.Expr]) -> str:
    y, x = stat.this, stat.expression
    pairs = exp.and_(
        exp.Not(this=exp.Is(this=y.copy(), expression=exp.Null())),
        exp.Not(this=exp.Is(this=x.copy(), expression=exp.Null())),
    )

    def agg(text: str, paired: bool = False) -> str:
        """An aggregate over the statistic's rows: its FILTER (and the pairs, if asked) and OVER."""
        out: exp.Expr = sqlglot.parse_one(text, read="postgres")
        condition: exp.Expr | None = pairs.copy() if paired else None
        for wrapper in chain:
            if isinstance(wrapper, exp.Filter):
                own = wrapper.expression.this.copy()
                condition = own if condition is None else exp.and_(exp.Paren(this=own), condition)
        if condition is not None:
            out = exp.Filter(this=out, expression=exp.Where(this=condition))
        for wrapper in chain:
            if isinstance(wrapper, exp.Window):
                window = wrapper.copy()
                window.set("this", out)
                out = window
        return _sql(out)

    ys, xs = _sql(y), _sql(x)
    n = agg(f"REGR_COUNT({ys}, {xs})")
    ax = agg(f"MAX(ABS(CAST({xs} AS DOUBLE PRECISION)))", paired=True)
    ay = agg(f"MAX(ABS(CAST({ys} AS DOUBLE PRECISION)))", paired=True)
    sxx, syy = agg(f"REGR_SXX({ys}, {xs})"), agg(f"REGR_SYY({ys}, {xs})")
    slope, corr = f"ABS({agg(f'REGR_SLOPE({ys}, {xs})')})", f"ABS({agg(f'CORR({ys}, {xs})')})"
    d = f"({ROUNDING!r} * {n})"
    dsxx, dsyy, dsxy = (f"({d} * {n} * {a} * {b})" for a, b in ((ax, ax), (ay, ay), (ax, ay)))
    dslope = f"(({dsxy} + {slope} * {dsxx}) / {sxx})"
    unbounded = "CAST('Infinity' AS DOUBLE PRECISION)"
    if isinstance(stat, exp.CovarPop):
        return f"({d} * {ax} * {ay})"
    if isinstance(stat, exp.CovarSamp):
        return f"({dsxy} / NULLIF({n} - 1, 0))"
    if isinstance(stat, exp.RegrSlope):
        return f"(CASE WHEN {sxx} <= {dsxx} THEN {unbounded} ELSE {dslope} END)"
    if isinstance(stat, exp.RegrIntercept):
        value = f"({d} * ({ay} + {ax} * {slope}) + {ax} * {dslope})"
        return f"(CASE WHEN {sxx} <= {dsxx} THEN {unbounded} ELSE {value} END)"
    value = f"({dsxy} / SQRT({sxx} * {syy}) + {corr} / 2 * ({dsxx} / {sxx} + {dsyy} / {syy}))"
    return f"(CASE WHEN {sxx} <= {dsxx} OR {syy} <= {dsyy} THEN {unbounded} ELSE {value} END)"


# ----------------------------------------------------------------------------------- comparing

INT_TYPES = {"int2", "int4", "int8"}
FLOAT_TYPES = {"float4", "float8"}


@dataclass(frozen=True)
class Exact:
    """A PostgreSQL numeric, which ours must equal exactly.

    An int must be equal; a Decimal (Decimal128) must equal it once rounded to PostgreSQL's scale
    (PostgreSQL rounds a numeric quotient to at least 16 significant digits); a double only counts
    if its shortest spelling is the same number (1.5 for 1.5, never 0.7000000000000001 for 0.7).
    """

    value: Decimal

    def matches(self, got: Any) -> bool:
        if isinstance(got, bool) or not isinstance(got, int | float | Decimal):
            return False
        if isinstance(got, float):
            return math.isfinite(got) and Decimal(repr(got)) == self.value
        if isinstance(got, int):
            return Decimal(got) == self.value
        exponent = self.value.as_tuple().exponent
        if not isinstance(exponent, int) or not got.is_finite():
            return got == self.value
        if got == self.value:  # exact comparison, also beyond the quantize's 200 digits (1e300)
            return True
        with localcontext() as ctx:
            ctx.prec = 200
            try:
                return got.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP) == self.value
            except InvalidOperation:
                return False

    def __float__(self) -> float:
        return float(self.value)


@dataclass(frozen=True)
class Rounded:
    """PostgreSQL's double precision value of a float8 statistic and the bound of its rounding
    (``rounding_bounds``): ours must lie within it; an infinite bound (no significant digit, or a
    value where the exact answer may be NULL) takes any answer."""

    value: float | None
    bound: float

    def matches(self, got: Any) -> bool:
        if math.isinf(self.bound):
            return got is None or (isinstance(got, int | float | Decimal) and not isinstance(got, bool))
        if self.value is None or got is None:
            return self.value is None and got is None
        if isinstance(got, bool) or not isinstance(got, int | float | Decimal):
            return False
        slack = self.bound + 1e-9 * abs(self.value) + 1e-9
        return abs(float(got) - self.value) <= slack

    def __float__(self) -> float:
        return float("nan") if self.value is None else float(self.value)


def pg_norm(v: Any) -> Any:
    """A PostgreSQL value as the harness compares it: composites become documents without NULLs."""
    if hasattr(v, "_asdict"):
        out = {k: pg_norm(x) for k, x in v._asdict().items()}
        return {k: x for k, x in out.items() if x is not None}
    if isinstance(v, list | tuple):
        return [pg_norm(x) for x in v]
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, date) and not isinstance(v, datetime):
        return datetime(v.year, v.month, v.day)
    if isinstance(v, Mapping):  # JSON objects: a NULL member reads as a missing one
        return {k: pg_norm(x) for k, x in v.items() if x is not None}
    return v


def exact_value(v: Any) -> Any:
    """Our value for a numeric column: Decimal128 exactly, other numbers as they are."""
    if hasattr(v, "to_decimal"):
        return v.to_decimal()
    if isinstance(v, int) and not isinstance(v, bool):
        return int(v)
    return v


@contextlib.contextmanager
def loaded_pg(
    server: PostgresServer | PostgresAddress,
    schemas: Mapping[str, Mapping[str, ColType]],
    data: Mapping[str, Sequence[Doc]],
) -> Iterator[PgDatabase]:
    """The documents in a schema of their own on its own connection, dropped afterwards."""
    with server.connect() as conn:
        pg = PgDatabase(conn)
        try:
            for name, docs in data.items():
                pg.load(name, schemas[name], docs)
            pg.register()
            yield pg
        finally:
            pg.drop()
