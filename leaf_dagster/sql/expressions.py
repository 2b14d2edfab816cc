"""SQL scalar expressions to MongoDB aggregation expressions, typed, with PostgreSQL semantics.

One ``Translator`` walks an expression; node kinds are handled by small tables in
``arithmetic``, ``functions`` and ``casts``; conditions (``a > 5`` used as a value) go to
``predicates``. Anything without a handler raises ``LeafSQLError``: nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql import (
    arithmetic,
    arrays,
    casts,
    functions,
    json,
    numeric,
    regex_functions,
    strings,
    text_functions,
)
from leaf_dagster.sql.context import Context
from leaf_dagster.sql.errors import LeafSQLError
from leaf_dagster.sql.paths import PATH_NODES, resolve
from leaf_dagster.sql.values import SqlType, Typed, const

if TYPE_CHECKING:
    from leaf_dagster.sql.predicates import Conditions

Handler = Callable[["Translator", exp.Expr], Typed]

# Constructs of the next stage of the compiler, named so the error says what is missing.
NOT_YET = {
    exp.Window: "window functions (OVER)",
    exp.Subquery: "subqueries",
    exp.Select: "subqueries",
    exp.Exists: "EXISTS",
    exp.Unnest: "UNNEST",
    exp.WithinGroup: "WITHIN GROUP",
    exp.Filter: "aggregate FILTER",
    exp.Struct: "row constructors",
    exp.Array: "array constructors",
    exp.Tuple: "row values (a, b, …) (compare members one by one: a = x AND b = y; COUNT(DISTINCT (a, b)) is COUNT(*) of SELECT DISTINCT a, b)",
    exp.Any: "ANY/SOME other than a comparison with an array or a subquery (for LIKE ANY, write x LIKE a OR x LIKE b)",
}

CONDITION_NODES = (
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.NullSafeEQ,
    exp.NullSafeNEQ,
    exp.And,
    exp.Or,
    exp.Not,
    exp.In,
    exp.Between,
    exp.Like,
    exp.ILike,
    exp.Escape,
    exp.Is,
    exp.RegexpLike,
    exp.RegexpILike,
    exp.SimilarTo,
)


# Arguments PostgreSQL reads as text: a CASE/COALESCE/GREATEST/LEAST there whose other members are
# fields of unknown type reads its quoted literals as text (``LOWER(COALESCE(s, '30'))`` is '30'
# where ``s`` is NULL, as ``s`` must be text for LOWER to apply).
TEXT_ARGUMENTS: dict[type[exp.Expr], tuple[str, ...]] = {
    exp.Lower: ("this",),
    exp.Upper: ("this",),
    exp.Length: ("this",),
    exp.Trim: ("this",),
    exp.Replace: ("this",),
    exp.Substring: ("this",),
    exp.StrPosition: ("this", "substr"),
    exp.Left: ("this",),
    exp.Right: ("this",),
    exp.Like: ("this",),
    exp.ILike: ("this",),
}

# Binary operators whose long left-deep chains are translated bottom-up (see _translate_chain).
CHAIN_NODES = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.DPipe)
LONG_CHAIN = 64


class Translator:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._conditions: Conditions | None = None
        # The $lookup stages the subqueries translated so far need, placed by the planner.
        self.lookups: list[dict[str, Any]] = []
        self.lookup_names: dict[str, str] = {}  # the same subquery translated twice reads one $lookup
        self._chain_done: dict[int, Typed] = {}  # links of a long chain already translated
        # The type a node's context requires (a CASE used as a condition is boolean), by node id.
        self.context_types: dict[int, SqlType] = {}

    @property
    def conditions(self) -> Conditions:
        if self._conditions is None:
            from leaf_dagster.sql.predicates import Conditions

            self._conditions = Conditions(self)
        return self._conditions

    def require(self, node: exp.Expr | None, type_: SqlType) -> None:
        """Marks ``node`` (without its parentheses) as in a place of type ``type_`` (``context_types``)."""
        while isinstance(node, exp.Paren):
            node = node.this
        if node is not None:
            self.context_types.setdefault(id(node), type_)

    def error(self, message: str, node: exp.Expr, keyword: str | None = None) -> LeafSQLError:
        return self.ctx.source.error(message, node, keyword)

    def substitute(self, node: exp.Expr) -> Typed | None:
        """A hook for scopes that replace whole expressions (GROUP BY keys, aggregates)."""
        return None

    def aggregate(self, node: exp.AggFunc) -> Typed:
        raise self.error("aggregate functions are not allowed here", node)

    def translate(self, node: exp.Expr) -> Typed:
        while isinstance(node, exp.Paren):
            node = node.this
        done = self._chain_done.get(id(node))
        if done is not None:
            return done
        if isinstance(node, CHAIN_NODES) and not self._chain_done:
            return self._translate_chain(node)
        return self._translate(node)

    def _translate_chain(self, node: exp.Expr) -> Typed:
        """A long left-deep chain (``a + b + c + …``) bottom-up, so recursion stays shallow."""
        spine: list[exp.Expr] = []
        inner = node.this
        while isinstance(inner, (*CHAIN_NODES, exp.Paren)):
            if not isinstance(inner, exp.Paren):
                spine.append(inner)
            inner = inner.this
        if len(spine) < LONG_CHAIN:
            return self._translate(node)
        try:
            for link in reversed(spine):
                self._chain_done[id(link)] = self._translate(link)
            return self._translate(node)
        finally:
            self._chain_done.clear()

    def _translate(self, node: exp.Expr) -> Typed:
        if node is None:
            raise LeafSQLError("malformed SQL: a value is missing")
        if isinstance(node, exp.Func):
            missing = [k for k, required in node.arg_types.items() if required and node.args.get(k) is None]
            if missing:
                raise self.error(f"{node.sql_name()} is missing an argument", node)
        for name in TEXT_ARGUMENTS.get(type(node), ()):
            self.require(node.args.get(name), SqlType.TEXT)
        required = self.context_types.get(id(node))
        if required is not None:  # the place's type reaches a nested CASE/COALESCE's results
            for result in _results(node):
                self.require(result, required)
        found = self.substitute(node)
        if found is not None:
            return found
        if isinstance(node, exp.AggFunc) and not isinstance(node, exp.Anonymous):
            return self.aggregate(node)
        if isinstance(node, PATH_NODES):
            return resolve(node, self.ctx.scope, self.ctx.source, self.translate)
        if isinstance(node, CONDITION_NODES):
            return self.conditions.value(node)
        handler = HANDLERS.get(type(node))
        if handler is not None:
            return handler(self, node)
        if isinstance(node, exp.Subquery | exp.Exists):
            from leaf_dagster.sql.subqueries import subquery_value

            return subquery_value(self, node)
        for kind, what in NOT_YET.items():
            if isinstance(node, kind):
                raise self.error(f"{what} are not supported yet", node)
        if isinstance(node, exp.Anonymous):
            raise self.error(f"unknown function {str(node.this).upper()}", node)
        if isinstance(node, exp.Func):
            raise self.error(f"unsupported function {node.sql_name()}", node)
        raise self.error(f"unsupported construct ({type(node).__name__})", node)


def _results(node: exp.Expr) -> list[exp.Expr]:
    """The arguments a CASE/COALESCE/GREATEST/LEAST/NULLIF can return."""
    if isinstance(node, exp.Case):
        found = [i.args.get("true") for i in node.args.get("ifs") or []]
        return [r for r in [*found, node.args.get("default")] if r is not None]
    if isinstance(node, exp.If):
        return [r for r in (node.args.get("true"), node.args.get("false")) if r is not None]
    if isinstance(node, exp.Coalesce | exp.Greatest | exp.Least):
        return [node.this, *node.expressions]
    if isinstance(node, exp.Nullif):
        return [node.this]
    return []


def _literal(tr: Translator, node: exp.Expr) -> Typed:
    assert isinstance(node, exp.Literal)
    if node.is_string:
        return replace(const(node.this, SqlType.TEXT), untyped=True)
    text = str(node.this)
    # PostgreSQL: a number with a point or an exponent, or too big for bigint, is numeric.
    value = int(text) if not any(c in text for c in ".eE") else None
    if value is not None and -(2**63) <= value < 2**63:
        return const(value, SqlType.INT)
    number = Decimal(text)
    shape = number.as_tuple()
    if 0 < int(shape.exponent) <= numeric.DECIMAL_DIGITS - len(shape.digits):
        number = number.quantize(Decimal(1))  # 1e7 is 10000000, of scale 0, as in PostgreSQL
    if len(number.as_tuple().digits) > numeric.DECIMAL_DIGITS:
        raise tr.error("numeric literal with more than the 34 digits of Decimal128", node)
    return const(number, SqlType.DECIMAL)


def _boolean(tr: Translator, node: exp.Expr) -> Typed:
    return const(bool(node.this), SqlType.BOOL)


def _null(tr: Translator, node: exp.Expr) -> Typed:
    return const(None, SqlType.NULL)


def _paren(tr: Translator, node: exp.Expr) -> Typed:
    return tr.translate(node.this)


def _placeholder(tr: Translator, node: exp.Expr) -> Typed:
    assert isinstance(node, exp.Placeholder)
    return tr.ctx.param(node)


def _star(tr: Translator, node: exp.Expr) -> Typed:
    raise tr.error("'*' is only supported alone in the select list or in COUNT(*)", node, "*")


HANDLERS: dict[type[exp.Expr], Handler] = {
    exp.Literal: _literal,
    exp.Boolean: _boolean,
    exp.Null: _null,
    exp.Paren: _paren,
    exp.Placeholder: _placeholder,
    exp.Star: _star,
    **arithmetic.HANDLERS,
    **functions.HANDLERS,
    **strings.HANDLERS,
    **text_functions.HANDLERS,
    **arrays.HANDLERS,
    **regex_functions.HANDLERS,
    **casts.HANDLERS,
    **json.HANDLERS,
}
