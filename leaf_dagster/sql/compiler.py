"""The compiler's entry points: a SELECT to a pipeline, an expression or a condition to MongoDB."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import bson
import bson.errors
from sqlglot import exp

from leaf_dagster.sql.catalog import as_catalog
from leaf_dagster.sql.columns import STAR
from leaf_dagster.sql.context import Context
from leaf_dagster.sql.coverage import check_consumed
from leaf_dagster.sql.errors import LeafSQLError, Source, deep_recursion
from leaf_dagster.sql.expressions import Translator
from leaf_dagster.sql.parsing import Parsed, parse_fragment, parse_statement
from leaf_dagster.sql.probes import with_probes
from leaf_dagster.sql.query import compile_query
from leaf_dagster.sql.scope import Scope
from leaf_dagster.sql.subqueries import run_once
from leaf_dagster.sql.values import SqlType, project_value


@dataclass(frozen=True)
class CompiledQuery:
    collection: str
    pipeline: list[dict[str, Any]]
    columns: list[str]  # output names in SELECT order; ["*"] for SELECT *
    # The same rows from stages that stream the collection's documents: a $match put before them
    # filters the query's input (rollups add their partition window so). Uncorrelated subqueries
    # there run once per document; ``pipeline`` runs each of them once (``subqueries.run_once``).
    streaming_pipeline: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_star(self) -> bool:
        return self.columns == [STAR]

    def with_input(self, stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``pipeline`` whose input documents first pass ``stages`` (a rollup's window ``$match``).

        The stages lead the query's own, so an index serves the ``$match``, and each uncorrelated
        subquery still runs once per query, not once per document."""
        return run_once(self.collection, [*stages, *self.streaming_pipeline])


def compile_sql(
    sql: str,
    *,
    params: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
    catalog: Mapping[str, Mapping[str, SqlType | str]] | None = None,
) -> CompiledQuery:
    """A PostgreSQL SELECT as a MongoDB aggregation pipeline on the collection it reads first.

    ``catalog`` gives declared field types (``{collection: {path: SqlType}}``, see ``sql_catalog``
    in ``leaf_dagster.schema``): a quoted literal then takes the field's type at compile time.
    """
    parsed = parse_statement(sql)
    check_consumed(parsed.tree, parsed.source)  # nothing the compiler does not read is dropped
    ctx = Context.create(parsed.source, Scope(), params, now, as_catalog(catalog))
    result, stages = with_probes(
        ctx.names, lambda: guarded(parsed.source, lambda: compile_query(parsed.tree, ctx), parsed.tree)
    )
    result = replace(result, stages=stages)
    _check_output_types(result.types, parsed)
    once = run_once(result.collection, result.stages)
    check_depth(once, parsed)
    check_depth(result.stages, parsed)
    check_size(once, parsed)
    return CompiledQuery(result.collection, once, result.columns, result.stages)


# MongoDB documents at most 100 levels of nesting for BSON documents, and an aggregate command is
# one: the command, its pipeline list and a stage take 4 of them. (The embedded server accepts more.)
MAX_PIPELINE_DEPTH = 96
MAX_PIPELINE_BYTES = 16 * 2**20 - 64 * 2**10  # the 16 MiB BSON limit, less room for the command
_T = TypeVar("_T")


def guarded(source: Source, compile_: Callable[[], _T], tree: exp.Expr | None = None) -> _T:
    """Runs a compilation step; running out of Python's stack becomes a positioned ``LeafSQLError``."""
    try:
        with deep_recursion():
            return compile_()
    except LeafSQLError as error:
        if tree is None or "nested too deeply" not in error.message:
            raise
        raise source.error(error.message, deepest(tree)) from None


def deepest(tree: exp.Expr) -> exp.Expr:
    """The most deeply nested node of an expression tree (walked without recursion)."""
    found, depth = tree, 0
    stack = [(tree, 0)]
    while stack:
        node, level = stack.pop()
        if level > depth:
            found, depth = node, level
        stack.extend((child, level + 1) for child in node.iter_expressions())
    while (
        isinstance(found, exp.Literal | exp.Column | exp.Identifier | exp.Paren) and found.parent is not None
    ):
        found = found.parent  # the operator or function around the innermost value names the construct
    return found


def _check_output_types(types: Mapping[str, SqlType], parsed: Parsed) -> None:
    """An interval has no BSON type: it can be compared or EXTRACTed, not output."""
    for name, type_ in types.items():
        if type_ != SqlType.INTERVAL:
            continue
        message = (
            f"column {name!r} is an interval, which MongoDB cannot store:"
            " output EXTRACT(EPOCH FROM ...) (seconds) or compare it with an INTERVAL"
        )
        items = parsed.tree.expressions if isinstance(parsed.tree, exp.Select) else []
        node = next((e for e in items if e.alias_or_name == name), None)
        raise parsed.source.error(message, node) if node is not None else LeafSQLError(message)


def check_size(stages: list[dict[str, Any]], parsed: Parsed) -> None:
    """A pipeline the server could not receive: MongoDB takes a command of at most 16 MiB."""
    try:
        size = len(bson.encode({"pipeline": stages}))
    except (bson.errors.InvalidDocument, OverflowError):
        return  # the server reports what BSON cannot hold
    if size > MAX_PIPELINE_BYTES:
        message = (
            f"the compiled pipeline is {size / 2**20:.1f} MiB, more than the 16 MiB MongoDB accepts in one command:"
            " nested CASE/COALESCE of quoted literals beside fields of unknown type grow it; give a catalog"
            " (--schemas) or split the expression into a CTE"
        )
        raise parsed.source.error(message, parsed.tree)


def check_depth(stages: list[dict[str, Any]], parsed: Parsed) -> None:
    depth = _depth(stages)
    if depth > MAX_PIPELINE_DEPTH:
        message = (
            f"expression nested too deeply for MongoDB ({depth} levels, at most {MAX_PIPELINE_DEPTH}):"
            " split it into a CTE or flatten its parentheses"
        )
        raise parsed.source.error(message, deepest(parsed.tree))


def _depth(value: Any) -> int:
    """The nesting depth of a pipeline, without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list | tuple):
            stack.extend((v, level + 1) for v in item)
    return deepest


def compile_expression(
    sql_expr: str, *, params: Mapping[str, Any] | None = None, now: dt.datetime | None = None
) -> Any:
    """A SQL scalar expression over one document's fields as an aggregation expression.

    The result is safe as a ``$set``/``$project`` value (constants are ``$literal``).
    """
    translator = _fragment_translator(sql_expr, params, now)
    return project_value(guarded(translator.ctx.source, lambda: translator.translate(translator.tree)).expr)


def compile_condition(
    sql_condition: str, *, params: Mapping[str, Any] | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """A WHERE condition as a ``$match``/find filter (query operators when possible, else ``$expr``)."""
    translator = _fragment_translator(sql_condition, params, now)
    return guarded(translator.ctx.source, lambda: translator.conditions.filter(translator.tree))


class _FragmentTranslator(Translator):
    tree: Any


def _fragment_translator(
    text: str, params: Mapping[str, Any] | None, now: dt.datetime | None
) -> _FragmentTranslator:
    if not isinstance(text, str):
        raise LeafSQLError(f"expected SQL text, got {type(text).__name__}")
    parsed = parse_fragment(text)
    check_consumed(parsed.tree, parsed.source, statement=False)
    for node in parsed.tree.walk():
        if isinstance(node, exp.Subquery | exp.Exists):
            # A subquery needs a $lookup stage, which a lone expression or filter cannot carry.
            raise parsed.source.error("subqueries are not supported in a single expression", node, "SELECT")
    translator = _FragmentTranslator(Context.create(parsed.source, Scope(), params, now))
    translator.tree = parsed.tree
    return translator
