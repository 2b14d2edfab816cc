"""The compiler's entry points: a SELECT to a pipeline, an expression or a condition to MongoDB."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from leaf_dagster.sql.columns import STAR
from leaf_dagster.sql.context import Context
from leaf_dagster.sql.coverage import check_consumed
from leaf_dagster.sql.errors import LeafSQLError
from leaf_dagster.sql.expressions import Translator
from leaf_dagster.sql.parsing import parse_fragment, parse_statement
from leaf_dagster.sql.query import compile_query
from leaf_dagster.sql.scope import Scope
from leaf_dagster.sql.subqueries import run_once
from leaf_dagster.sql.values import project_value


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


def compile_sql(
    sql: str, *, params: Mapping[str, Any] | None = None, now: dt.datetime | None = None
) -> CompiledQuery:
    """A PostgreSQL SELECT as a MongoDB aggregation pipeline on the collection it reads first."""
    parsed = parse_statement(sql)
    check_consumed(parsed.tree, parsed.source)  # nothing the compiler does not read is dropped
    result = compile_query(parsed.tree, Context.create(parsed.source, Scope(), params, now))
    once = run_once(result.collection, result.stages)
    return CompiledQuery(result.collection, once, result.columns, result.stages)


def compile_expression(
    sql_expr: str, *, params: Mapping[str, Any] | None = None, now: dt.datetime | None = None
) -> Any:
    """A SQL scalar expression over one document's fields as an aggregation expression.

    The result is safe as a ``$set``/``$project`` value (constants are ``$literal``).
    """
    translator = _fragment_translator(sql_expr, params, now)
    return project_value(translator.translate(translator.tree).expr)


def compile_condition(
    sql_condition: str, *, params: Mapping[str, Any] | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """A WHERE condition as a ``$match``/find filter (query operators when possible, else ``$expr``)."""
    translator = _fragment_translator(sql_condition, params, now)
    return translator.conditions.filter(translator.tree)


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
