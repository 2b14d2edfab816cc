"""Running a compiled query: one dict per row, keyed by the output columns in SELECT order.

Values come back as Python values of their SQL type: integer and bigint as ``int``, double precision
as ``float``, numeric as ``decimal.Decimal`` (the server stores ``Decimal128``), text as ``str``,
timestamp as a naive UTC ``datetime``, boolean as ``bool``; arrays and documents hold the same.

An error PostgreSQL raises while running a query (integer out of range, division by zero, a
subquery returning two rows…) is raised by the server; ``run_sql`` raises it as ``SqlRuntimeError``
(an ``OperationFailure``) whose message is PostgreSQL's, without the server's wrapping.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from bson import Decimal128
from pymongo.database import Database
from pymongo.errors import OperationFailure

from leaf_dagster.sql.compiler import CompiledQuery, compile_sql
from leaf_dagster.sql.errors import PLANTED_MARK

_MISSING = object()
# How the server reports the failures the compiler plants (``errors.runtime_error``) and its own.
_PLANTED = re.compile(f"Failed to parse number '{PLANTED_MARK}(?P<message>[^']+)' in \\$convert")
# Types, as SQL names them, in the server's messages about values of the wrong type.
_SQL_TYPES = {
    "string": "text",
    "bool": "boolean",
    "date": "timestamp",
    "object": "a document",
    "array": "array",
}


def _sql_type(match: re.Match[str]) -> str:
    return _SQL_TYPES.get(match.group("type"), match.group("type"))


# The server's own failures that are PostgreSQL errors, and PostgreSQL's words for them. Values of
# the wrong type reach an operator only from fields of unknown type (PostgreSQL refuses the query).
_SERVER: dict[re.Pattern[str], Callable[[re.Match[str]], str]] = {
    re.compile(r"can't \$(divide|mod) by zero|\$mod by 0|divide by zero", re.I): lambda m: "division by zero",
    re.compile(r"\$\w+ only supports numeric (or date )?types, not (?P<type>\w+)"): lambda m: (
        f"operator does not exist: arithmetic on {_sql_type(m)}"
    ),
    re.compile(r"can't convert from BSON type (?P<type>\w+) to Date"): lambda m: (
        f"function does not exist: a date/time function of {_sql_type(m)}"
    ),
    re.compile(r"Failed to parse number '(?P<value>[^']*)' in \$convert"): lambda m: (
        f'invalid input syntax for type numeric: "{m.group("value")}"'
    ),
    # $toInt / $toLong of a value past the type's range (CAST(big AS INTEGER) of 3000000000).
    re.compile(r"Conversion would overflow target type"): lambda m: "integer out of range",
    # $toDate / $dateFromString of a text field that holds no date (CAST(birthDate AS DATE)).
    re.compile(r"Error parsing date string '(?P<value>[^']*)'"): lambda m: (
        f'invalid input syntax for type timestamp: "{m.group("value")}"'
    ),
}


class SqlRuntimeError(OperationFailure):
    """An error PostgreSQL raises while running the query, raised by the server (see the module).

    Its text is PostgreSQL's message alone (``OperationFailure`` would append the server's whole
    reply, ``, full error: {…}``, to it); ``details`` still holds the reply.
    """

    def __init__(
        self, message: str, code: int | None = None, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message, code, details)
        self.sql_message = message

    def __str__(self) -> str:
        return self.sql_message


def sql_runtime_error(exc: OperationFailure) -> OperationFailure:
    """``exc`` as a ``SqlRuntimeError`` with PostgreSQL's message when it is one, else ``exc``."""
    text = str(exc)
    found = _PLANTED.search(text)
    message = found.group("message") if found else None
    for pattern, meaning in _SERVER.items():
        server = pattern.search(text) if message is None else None
        if server is not None:
            message = meaning(server)
    if message is None:
        return exc
    return SqlRuntimeError(message, exc.code, exc.details)


def run_sql(
    db: Database[Any],
    sql: str,
    *,
    params: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
    catalog: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Compiles ``sql`` (see ``compile_sql``, also for ``catalog``) and runs it on ``db``."""
    query = compile_sql(sql, params=params, now=now, catalog=catalog)
    try:
        found = rows(query, db[query.collection].aggregate(query.pipeline))
    except OperationFailure as exc:
        raise sql_runtime_error(exc) from exc
    return [{k: python_value(v) for k, v in row.items()} for row in found]


def rows(query: CompiledQuery, documents: Any) -> list[dict[str, Any]]:
    """Output rows from pipeline documents (a dotted column name reads its nested output field), as BSON."""
    if query.is_star:
        return [dict(doc) for doc in documents]
    return [{name: _read(doc, name) for name in query.columns} for doc in documents]


def python_value(value: Any) -> Any:
    """A BSON value as its SQL type's Python value: ``Decimal128`` (numeric) becomes ``Decimal``."""
    if isinstance(value, Decimal128):
        return value.to_decimal()
    if isinstance(value, list):
        return [python_value(v) for v in value]
    if isinstance(value, dict):
        return {k: python_value(v) for k, v in value.items()}
    return value


def _read(doc: Mapping[str, Any], name: str) -> Any:
    if name in doc:
        return doc[name]
    value: Any = doc
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part, _MISSING)
        if value is _MISSING:
            return None
    return value
