"""What a translation needs besides the AST: the source (for positions), the scope, params and now."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlglot import exp

from leaf_dagster.sql.catalog import EMPTY, Catalog
from leaf_dagster.sql.errors import Source
from leaf_dagster.sql.scope import Scope
from leaf_dagster.sql.values import SqlType, Typed, const, to_bson_datetime


@dataclass(frozen=True)
class Definition:
    """A CTE: its query and the CTEs it sees (those before it)."""

    query: exp.Expr
    visible: Mapping[str, Definition]


@dataclass(frozen=True)
class Context:
    source: Source
    scope: Scope
    params: Mapping[str, Any]
    now: dt.datetime  # naive UTC, millisecond precision
    # The CTEs visible here (by name), and the counter naming $lookup variables and fields.
    ctes: Mapping[str, Definition] = field(default_factory=dict)
    names: itertools.count[int] = field(default_factory=itertools.count)
    # Values the compiler puts into a query it rewrites, as :__leaf_… placeholders.
    injected: Mapping[str, Typed] = field(default_factory=dict)
    catalog: Catalog = field(default_factory=lambda: EMPTY)  # declared field types by collection

    @staticmethod
    def create(
        source: Source,
        scope: Scope,
        params: Mapping[str, Any] | None,
        now: dt.datetime | None,
        catalog: Catalog | None = None,
    ) -> Context:
        moment = to_bson_datetime(now if now is not None else dt.datetime.now(dt.UTC))
        return Context(source, scope, dict(params or {}), moment, catalog=catalog or EMPTY)

    def with_scope(self, scope: Scope) -> Context:
        return replace(self, scope=scope)

    def param(self, node: exp.Placeholder) -> Typed:
        name = node.name
        if name in self.injected:
            return self.injected[name]
        if not name or name == "?":
            raise self.source.error("only named parameters (:name) are supported", node, ":")
        if name not in self.params:
            raise self.source.error(f"missing parameter :{name}", node, name)
        return bind(self.params[name])


def bind(value: Any) -> Typed:
    """A parameter value as a BSON constant (dates become BSON dates).

    A str is untyped, like a quoted literal: a driver (psycopg) sends it without a type and
    PostgreSQL gives it the type of what it meets (``createdAt >= :since`` reads a timestamp)."""
    if isinstance(value, dt.datetime | dt.date):
        return const(to_bson_datetime(value), SqlType.DATE)
    if isinstance(value, str):
        return replace(const(value, SqlType.TEXT), untyped=True)
    if isinstance(value, tuple | set | frozenset):
        value = list(value)
    return const(value)
