"""``REGEXP_MATCHES(s, p [, flags])`` without ``g`` in a select list, as PostgreSQL runs it.

It is a set-returning function: one row (the first match's groups) or none, so a row whose text does
not match (or is NULL) disappears. Several such calls in one list run in lockstep: a row stays when
any of them matches, the others giving NULL. Without GROUP BY, aggregates or windows (which run
before it), that is exactly ``REGEXP_MATCH`` in the list with ``AND (s ~ p OR …)`` added to WHERE.
Everywhere else, and with ``g`` (several rows), it is refused.
"""

from __future__ import annotations

from sqlglot import exp

from leaf_dagster.sql.context import Context

NAME = "REGEXP_MATCHES"


def _calls(select: exp.Select) -> list[exp.Anonymous]:
    return [
        node
        for node in select.find_all(exp.Anonymous)
        if str(node.this).upper() == NAME and node.find_ancestor(exp.Select) is select
    ]


def expand_regexp_matches(select: exp.Select, ctx: Context) -> exp.Select:
    """``select`` with its REGEXP_MATCHES calls rewritten (a copy; the parsed tree is shared)."""
    calls = _calls(select)
    if not calls:
        return select
    for call in calls:
        _check(select, call, ctx)
    copy = select.copy()
    conditions: list[exp.Expr] = []
    for call in _calls(copy):
        args = call.expressions
        flags = args[2].name if len(args) == 3 else ""
        icase = False
        for flag in flags:
            icase = {"i": True, "c": False}.get(flag, icase)
        test = exp.RegexpILike if icase else exp.RegexpLike
        conditions.append(exp.Paren(this=test(this=args[0].copy(), expression=args[1].copy())))
        single = exp.Anonymous(this="REGEXP_MATCH", expressions=[a.copy() for a in args])
        single.meta.update(call.meta)
        if call.parent is copy:
            call.replace(exp.alias_(single, "regexp_matches"))
        else:
            call.replace(single)
    matched = conditions[0]
    for extra in conditions[1:]:
        matched = exp.Or(this=matched, expression=extra)
    where = copy.args.get("where")
    condition = exp.And(this=exp.Paren(this=where.this), expression=matched) if where is not None else matched
    copy.set("where", exp.Where(this=condition))
    return copy


def _check(select: exp.Select, call: exp.Anonymous, ctx: Context) -> None:
    def refuse(why: str) -> Exception:
        return ctx.source.error(f"REGEXP_MATCHES {why}: use REGEXP_MATCH (NULL without a match)", call)

    if not any(_inside(call, item) for item in select.expressions):
        raise refuse("is supported only in the select list (it returns a set of rows)")
    if select.args.get("group") is not None or select.args.get("having") is not None:
        raise refuse("beside GROUP BY is not supported")
    for item in select.expressions:
        if any(
            isinstance(n, exp.AggFunc | exp.Window) and not isinstance(n, exp.Anonymous) for n in item.walk()
        ):
            raise refuse("beside aggregates or window functions is not supported")
    if any(isinstance(n, exp.Case | exp.Coalesce | exp.If | exp.Nullif) for n in _ancestors(call, select)):
        raise refuse("inside CASE or COALESCE is not allowed (as in PostgreSQL)")
    args = call.expressions
    if len(args) not in (2, 3):
        raise refuse("takes two or three arguments")
    if len(args) == 3:
        flags = args[2]
        if not isinstance(flags, exp.Literal) or not flags.is_string:
            raise refuse("flags must be a constant string")
        if "g" in flags.name:
            raise refuse("with 'g' returns a row per match, which is not supported")


def _inside(node: exp.Expr, root: exp.Expr) -> bool:
    return node is root or any(a is root for a in _ancestors(node, None))


def _ancestors(node: exp.Expr, stop: exp.Expr | None) -> list[exp.Expr]:
    out: list[exp.Expr] = []
    current = node.parent
    while current is not None and current is not stop:
        out.append(current)
        current = current.parent
    return out
