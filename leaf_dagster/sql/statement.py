"""Statement-level checks: one SELECT, clauses this compiler supports, and the collection it reads."""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from leaf_dagster.sql.context import Context
from leaf_dagster.sql.errors import LeafSQLError

# Select clauses of the next stage of the compiler, by sqlglot argument name.
UNSUPPORTED_CLAUSES = {
    "joins": ("JOIN", "JOIN"),
    "with_": ("WITH (common table expressions)", "WITH"),
    "with": ("WITH (common table expressions)", "WITH"),
    "laterals": ("LATERAL", "LATERAL"),
    "windows": ("WINDOW clauses", "WINDOW"),
    "qualify": ("QUALIFY", "QUALIFY"),
    "locks": ("FOR UPDATE/SHARE", "FOR"),
    "sample": ("TABLESAMPLE", "TABLESAMPLE"),
    "into": ("SELECT INTO", "INTO"),
    "prewhere": ("PREWHERE", "PREWHERE"),
    "connect": ("CONNECT BY", "CONNECT"),
    "match": ("MATCH_RECOGNIZE", "MATCH_RECOGNIZE"),
    "pivots": ("PIVOT", "PIVOT"),
    "settings": ("SETTINGS", "SETTINGS"),
    "format": ("FORMAT", "FORMAT"),
    "options": ("OPTION", "OPTION"),
    "cluster": ("CLUSTER BY", "CLUSTER"),
    "distribute": ("DISTRIBUTE BY", "DISTRIBUTE"),
    "sort": ("SORT BY", "SORT"),
}
ALLOWED_CLAUSES = {
    "expressions",
    "from_",
    "where",
    "group",
    "having",
    "order",
    "limit",
    "offset",
    "distinct",
    "kind",
    "hint",
}


def check_statement(tree: exp.Expr, ctx: Context) -> exp.Select:
    if isinstance(tree, exp.Union | exp.Intersect | exp.Except):
        word = type(tree).__name__.upper()
        raise ctx.source.error(f"{word} is not supported yet", tree, word)
    if not isinstance(tree, exp.Select):
        raise ctx.source.error(
            "only SELECT statements are supported", tree, tree.key.upper() if tree.key else None
        )
    for name, value in tree.args.items():
        if not value or name in ALLOWED_CLAUSES:
            continue
        what, keyword = UNSUPPORTED_CLAUSES.get(name, (name.rstrip("_").upper(), name.rstrip("_").upper()))
        node = value[0] if isinstance(value, list) else value
        if not isinstance(node, exp.Expr):
            node = tree
        raise ctx.source.error(f"{what} is not supported yet", node, keyword)
    distinct = tree.args.get("distinct")
    if distinct is not None and distinct.args.get("on") is not None:
        raise ctx.source.error("DISTINCT ON is not supported", distinct, "ON")
    return tree


def source_table(select: exp.Select, source: Any) -> tuple[str, frozenset[str]]:
    """The collection and the names that may qualify its fields."""
    from_ = select.args.get("from_")
    if from_ is None:
        raise LeafSQLError("a FROM clause naming a collection is required", line=1, col=1)
    table = from_.this
    if isinstance(table, exp.Subquery):
        raise source.error("subqueries in FROM are not supported yet", table, "SELECT")
    if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier):
        raise source.error("FROM must name a collection", table)
    if table.args.get("db") or table.args.get("catalog"):
        raise source.error("FROM must name a collection of the current database", table)
    alias = table.args.get("alias")
    if alias is not None and alias.columns:
        raise source.error("column aliases on the collection are not supported", alias)
    name = table.name
    return name, frozenset([alias.name if alias is not None and alias.name else name])
