"""Statement-level checks: a SELECT with clauses this compiler supports."""

from __future__ import annotations

from sqlglot import exp

from leaf_dagster.sql.context import Context

# Select clauses of the next stage of the compiler, by sqlglot argument name.
UNSUPPORTED_CLAUSES = {
    "laterals": ("LATERAL", "LATERAL"),
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
    "joins",
    "with_",
    "with",
    "where",
    "group",
    "having",
    "order",
    "limit",
    "offset",
    "distinct",
    "kind",
    "hint",
    "windows",  # named windows, read by windows.py
}


def check_statement(tree: exp.Expr, ctx: Context) -> exp.Select:
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
    return tree
