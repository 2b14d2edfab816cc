"""SQL text to a sqlglot AST (PostgreSQL dialect, 0-based array subscripts), cached by text."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import ParseError, TokenError
from sqlglot.parsers.postgres import PostgresParser
from sqlglot.tokens import TokenType

from leaf_dagster.sql.errors import PARSE_RECURSION_LIMIT, LeafSQLError, Source, Token, deep_recursion


def _renamed(kind: type[exp.Func], name: str) -> Callable[[list[exp.Expr]], exp.Expr]:
    """A PostgreSQL spelling that sqlglot leaves anonymous, read as the node that means the same;
    the output column keeps PostgreSQL's name (``meta["sql_name"]``, see ``columns.default_name``)."""

    def build(args: list[exp.Expr]) -> exp.Expr:
        node = kind.from_arg_list(args)
        node.meta["sql_name"] = name
        return node

    return build


def _date_part(parser: PostgresParser) -> exp.Expr | None:
    """``date_part(…)`` parses as ``EXTRACT``, but returns double precision where EXTRACT gives numeric."""
    node = parser._parse_date_part()
    if node is not None:
        node.meta["sql_name"] = "date_part"
    return node


class LeafPostgres(Postgres):
    # QueryLeaf reads items[0] as the first element; PostgreSQL arrays are 1-based.
    INDEX_OFFSET = 0

    class Parser(PostgresParser):
        FUNCTIONS: ClassVar = {
            **PostgresParser.FUNCTIONS,
            "EVERY": _renamed(exp.LogicalAnd, "every"),  # the SQL standard's BOOL_AND
            "JSONB_AGG": _renamed(exp.JSONArrayAgg, "jsonb_agg"),  # JSON_AGG over BSON values
        }
        FUNCTION_PARSERS: ClassVar = {**PostgresParser.FUNCTION_PARSERS, "DATE_PART": _date_part}


DIALECT = LeafPostgres()
_CLAUSE_TOKENS = {
    TokenType.FROM,
    TokenType.WHERE,
    TokenType.GROUP_BY,
    TokenType.ORDER_BY,
    TokenType.HAVING,
    TokenType.LIMIT,
    TokenType.R_PAREN,
}


@dataclass(frozen=True)
class Parsed:
    tree: exp.Expr
    source: Source


def parse_statement(sql: str) -> Parsed:
    """One SQL statement. The AST is shared through a cache: never mutate it."""
    return _parse(sql, statement=True)


def parse_fragment(sql: str) -> Parsed:
    """One scalar expression or condition, such as ``profile.age >= 18``."""
    return _parse(sql, statement=False)


@lru_cache(maxsize=1024)
def _parse(sql: str, statement: bool) -> Parsed:
    if not sql.strip():
        raise LeafSQLError("empty SQL", line=1, col=1)
    try:
        raw = DIALECT.tokenize(sql)
    except TokenError as exc:
        raise _token_error(sql, exc) from None
    source = Source(sql, [Token(t.text, t.start) for t in raw])
    for comma, after in itertools.pairwise(raw):
        # sqlglot forgives "SELECT a, FROM t"; PostgreSQL does not.
        if comma.token_type == TokenType.COMMA and after.token_type in _CLAUSE_TOKENS:
            line, col = source.position(comma.start)
            raise LeafSQLError(
                f"malformed SQL: a comma before {after.text.upper()}", line=line, col=col, construct=","
            )
    text = sql if statement else f"SELECT {sql}"
    tokens = raw if statement else DIALECT.tokenize(text)
    try:
        with deep_recursion(PARSE_RECURSION_LIMIT):
            trees = DIALECT.parser().parse(tokens, text)
    except ParseError as exc:
        raise _parse_error(sql, exc, shift=0 if statement else len("SELECT ")) from None
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        raise LeafSQLError(f"expected exactly one SQL statement, got {len(trees)}", line=1, col=1)
    tree = trees[0]
    if not statement:
        assert isinstance(tree, exp.Select)
        if len(tree.expressions) != 1 or (len(tree.args) > 1 and _has_clauses(tree)):
            raise LeafSQLError("expected a single expression", line=1, col=1, construct=sql.strip())
        tree = tree.expressions[0]
        _shift_meta(tree, -len("SELECT "))
    assert tree is not None
    for quantified in list(tree.find_all(exp.All, exp.Any)):
        if isinstance(quantified.this, exp.Select):  # "ALL (SELECT …)" parses without its Subquery
            quantified.set("this", exp.Subquery(this=quantified.this))
    for cast in list(tree.find_all(exp.Cast)):
        # '30 days'::interval is the interval constant INTERVAL '30 days', as in PostgreSQL.
        literal = cast.this
        if (
            cast.to.is_type(exp.DataType.Type.INTERVAL)
            and isinstance(literal, exp.Literal)
            and literal.is_string
        ):
            interval = exp.Interval(this=literal.copy())
            interval.meta.update(cast.meta)
            cast.replace(interval)
    for join in list(tree.find_all(exp.Join)):
        if join.args.get("using"):
            _using_as_on(join)
    return Parsed(tree, source)


def _using_as_on(join: exp.Join) -> None:
    """``a JOIN b USING (k)`` as ``a JOIN b ON a.k = b.k``, with every unqualified ``k`` of the SELECT
    read as ``a.k``: PostgreSQL's merged column, ``COALESCE(a.k, b.k)``, is ``a.k`` in an INNER or
    LEFT join. Only the first join of a SELECT whose relations have names, without ``*`` and without
    an output alias named like a USING column; any other USING stays, and is refused (``sources``)."""
    select = join.parent
    if not isinstance(select, exp.Select) or (select.args.get("joins") or [None])[0] is not join:
        return
    using = join.args["using"]
    from_ = select.args.get("from_")
    left, right = (from_.this if from_ else None), join.this
    if (
        (join.args.get("side") or "").upper() not in ("", "LEFT")
        or (join.args.get("kind") or "").upper() not in ("", "INNER", "OUTER")
        or join.args.get("on") is not None
        or not all(isinstance(k, exp.Identifier) for k in using)
        or not all(isinstance(r, exp.Table | exp.Subquery) and r.alias_or_name for r in (left, right))
    ):
        return
    names = {k.name for k in using}
    for item in select.expressions:
        if isinstance(item, exp.Star) or (isinstance(item, exp.Column) and item.is_star):
            return
        shadows = isinstance(item, exp.Alias) and item.alias in names
        if shadows and not (isinstance(item.this, exp.Column) and item.this.name == item.alias):
            return
    assert isinstance(left, exp.Table | exp.Subquery) and isinstance(right, exp.Table | exp.Subquery)
    for column in list(select.find_all(exp.Column)):
        if not column.table and column.name in names and column.find_ancestor(exp.Select) is select:
            column.set("table", exp.to_identifier(left.alias_or_name))
    pairs = []
    for key in using:
        pair = exp.EQ(
            this=exp.column(key.copy(), table=left.alias_or_name),
            expression=exp.column(key.copy(), table=right.alias_or_name),
        )
        for node in pair.walk():
            node.meta.update(key.meta)
        pairs.append(pair)
    join.set("using", None)
    join.set("on", exp.and_(*pairs) if len(pairs) > 1 else pairs[0])


def _has_clauses(select: exp.Select) -> bool:
    return any(v for k, v in select.args.items() if k != "expressions")


def _shift_meta(tree: exp.Expr, delta: int) -> None:
    for node in tree.walk():
        if isinstance(node, exp.Expr) and "start" in node.meta:
            node.meta["start"] += delta


# sqlglot's node classes and argument names, in SQL words, for "incomplete ..." messages.
_CONSTRUCTS = {
    "WHERE": "WHERE condition",
    "HAVING": "HAVING condition",
    "ORDER": "ORDER BY list",
    "GROUP": "GROUP BY list",
    "LIMIT": "LIMIT count",
    "OFFSET": "OFFSET count",
    "IF": "CASE WHEN branch",
    "CASE": "CASE expression",
    "COLUMN": "column reference",
    "DOT": "column reference",
    "TABLE": "table name",
    "EQ": "comparison =",
    "NEQ": "comparison <>",
    "GT": "comparison >",
    "GTE": "comparison >=",
    "LT": "comparison <",
    "LTE": "comparison <=",
    "AND": "AND",
    "OR": "OR",
    "NOT": "NOT",
    "ADD": "operator +",
    "SUB": "operator -",
    "MUL": "operator *",
    "DIV": "operator /",
    "MOD": "operator %",
    "DPIPE": "operator ||",
    "ALIAS": "alias (AS)",
    "CAST": "CAST",
    "IN": "IN list",
    "JOIN": "JOIN",
    "CTE": "WITH query",
}
_PARTS = {
    "expression": "an operand",
    "expressions": "its items",
    "low": "its lower bound",
    "high": "AND and its upper bound",
    "true": "THEN and its result",
    "to": "its type",
}


def _incomplete(match: re.Match[str]) -> str:
    name, part = match.group(2).upper(), match.group(1).rstrip("_")
    what = _CONSTRUCTS.get(name, name)
    missing = _PARTS.get(part)
    return f"incomplete {what}" + (f": {missing} is missing" if missing else "")


def _parse_error(sql: str, exc: ParseError, shift: int) -> LeafSQLError:
    first = exc.errors[0] if exc.errors else {}
    highlight = str(first.get("highlight") or "")
    description = str(first.get("description") or exc).split(". Line")[0]
    description = re.sub(r"<Token token_type: TokenType\.(\w+), text: ([^,]*),.*?>", r"\2", description)
    description = description.replace("SENTINEL", "end of input")
    description = re.sub(
        r"Required keyword: '(\w+)' missing for <class '[\w.]*\.(\w+)'>", _incomplete, description
    )
    description = re.sub(r"^Expecting (.+)$", r"expected \1", description)
    description = re.sub(r"<class '[\w.]*\.(\w+)'>", lambda m: m.group(1).upper(), description)
    description = " ".join(description.split())  # one line
    line = int(first.get("line") or 1)
    col = max(1, int(first.get("col") or 1) - max(len(highlight), 1) + 1)
    if line == 1:
        col = max(1, col - shift)
    return LeafSQLError(f"malformed SQL: {description}", line=line, col=col, construct=highlight)


def _token_error(sql: str, exc: TokenError) -> LeafSQLError:
    match = re.search(r"Error tokenizing '(.*)'", str(exc), re.S)
    offset = 0
    if match:
        context = match.group(1)
        found = sql.find(context)
        quote = max(context.rfind("'"), context.rfind('"'))
        offset = found + (quote if quote >= 0 else len(context) - 1) if found >= 0 else 0
    source = Source(sql, [])
    line, col = source.position(offset)
    return LeafSQLError("malformed SQL: unterminated string or bad token", line=line, col=col)
