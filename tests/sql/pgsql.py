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
    text = tree.sql(dialect="postgres", identify=True)  # identifiers keep their case, as in MongoDB
    if params:
        text = _MARK_RE.sub(lambda m: f"%({m.group(1)})s", text.replace("%", "%%"))
    return text


# ------------------------------------------------------------------------------------- running


@dataclass
class PgResult:
    columns: list[str]
    types: list[str]  # PostgreSQL type names: int4, numeric, float8, text, timestamp, ...
    rows: list[list[Any]]


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
    text = pg_sql(sql, documents, now=now, params=bool(params))
    cur = conn.execute(text, dict(params) if params else None)
    desc = cur.description or []
    rows = [list(r) for r in cur.fetchall()]
    return PgResult([d.name for d in desc], type_names(conn, [d.type_code for d in desc]), rows)


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
        with localcontext() as ctx:
            ctx.prec = 200
            try:
                return got.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP) == self.value
            except InvalidOperation:
                return False

    def __float__(self) -> float:
        return float(self.value)


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
