"""Which SQL construct became which pipeline stage: ``leaf-dagster sql --explain``'s reading aid.

The planner emits stages clause by clause (FROM, WHERE, joins, GROUP BY, HAVING, windows, ORDER BY,
LIMIT, the select list) and names its helper fields after their construct (``__leaf_j_<alias>``
for a join, ``__leaf_w…`` for a window, ``__leaf_s…``/``__leaf_n…`` for sort keys). ``annotate``
walks a compiled pipeline with the parsed statement beside it and labels each stage with the
clause it comes from, in SQL words; nested pipelines (``$lookup``, ``$unionWith``, ``$facet``) are
labelled too, indented. It reads the pipeline only, so it never changes what runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from leaf_dagster.sql.parsing import parse_statement


@dataclass(frozen=True)
class Line:
    depth: int
    operator: str
    construct: str

    def render(self, number: str) -> str:
        return f"{'  ' * self.depth}{number:>3} {self.operator:<18} {self.construct}"


def _sql(node: exp.Expr | None) -> str:
    return "" if node is None else " ".join(node.sql(dialect="postgres").split())


def _clause(select: exp.Expr, key: str) -> exp.Expr | None:
    value = select.args.get(key)
    return value if isinstance(value, exp.Expr) else None


class _Reader:
    """Labels the stages of one query level (a SELECT, or a set operation's outer clauses)."""

    def __init__(self, query: exp.Expr) -> None:
        self.query = query
        self.select = query if isinstance(query, exp.Select) else None
        self.grouped = False
        self.joins = {self._alias(j): j for j in (self.select.args.get("joins") or [])} if self.select else {}

    @staticmethod
    def _alias(join: exp.Join) -> str:
        return join.this.alias_or_name

    def _join_for(self, stage: dict[str, Any]) -> exp.Join | None:
        text = repr(stage)
        for alias, join in self.joins.items():
            if f"__leaf_j_{alias}" in text:
                return join
        return None

    def _join_words(self, join: exp.Join) -> str:
        on = join.args.get("on")
        head = " ".join(w for w in (join.side, join.kind) if w) or "INNER"
        target = _sql(join.this)
        return f"{head} JOIN {target}" + (f" ON {_sql(on)}" if on is not None else "")

    def label(self, stage: dict[str, Any]) -> str:
        operator = next(iter(stage))
        body = stage[operator]
        join = self._join_for(stage)
        if operator == "$match":
            return self._match(body, join)
        if operator == "$lookup":
            if join is not None:
                return self._join_words(join)
            return f"subquery over {body.get('from', 'its own documents')}"
        if operator == "$unwind":
            if join is not None and isinstance(join.this, exp.Unnest):
                return f"{self._join_words(join)}: one row per element"
            if join is not None:
                return f"{self._join_words(join)}: one row per match"
            return "one row per result of the stage above"
        if operator == "$group":
            return self._group(body)
        if operator == "$setWindowFields":
            windows = [_sql(w) for w in self.query.find_all(exp.Window)]
            return "window functions: " + ", ".join(windows) if windows else "window functions"
        if operator in ("$set", "$unset", "$addFields") and join is not None:
            return f"{self._join_words(join)}: the exact matches"
        if operator in ("$sort", "$set", "$unset", "$addFields", "$project", "$replaceWith"):
            return self._shape(operator, stage)
        if operator == "$skip":
            return f"OFFSET {body}"
        if operator == "$limit":
            if self.query.args.get("limit") is not None:
                return _sql(self.query.args["limit"])
            if self.query.args.get("offset") is not None or (body != 1 and body != 2):
                return f"first {body} row(s)"
            return "a scalar subquery: a second row is an error" if body == 2 else "one row is enough"
        if operator == "$unionWith":
            return f"{type(self.query).__name__.upper()} member over {body.get('coll', 'its documents')}"
        if operator == "$facet":
            if list(body) == ["g"]:
                return "aggregates without GROUP BY: one row even over no input"
            return "one branch per grouping set"
        if operator == "$documents":
            return "a constant row"
        if operator == "$count":
            return "COUNT(*)"
        return "compiler helper"

    def _match(self, body: Any, join: exp.Join | None) -> str:
        if join is not None:
            return f"{self._join_words(join)}: keep exact matches only"
        guard = isinstance(body, dict) and any(
            isinstance(v, dict) and "$not" in v and "$ne" in v for v in body.values()
        )
        if guard:
            joins = [self._join_words(j) for j in self.joins.values() if not isinstance(j.this, exp.Unnest)]
            return (joins[0] if joins else "JOIN") + ": NULL, array and regex keys never match"
        if self.grouped and self.select is not None and self.select.args.get("having") is not None:
            return _sql(self.select.args["having"])
        if self.select is not None and self.select.args.get("where") is not None:
            return _sql(self.select.args["where"])
        return "a condition (subquery, set operation or DISTINCT)"

    def _group(self, body: dict[str, Any]) -> str:
        select = self.select
        first = not self.grouped
        self.grouped = True
        if select is None:
            return "set operation: count each row's copies"
        if "__leaf_row" in body:
            return _sql(select.args.get("distinct")) + ": the first row per key"
        group = select.args.get("group")
        if group is None:
            if select.args.get("distinct") is not None and not _has_aggregate(select):
                return "SELECT DISTINCT"
            return "aggregates over all rows: " + _aggregates(select)
        words = _sql(group)
        if first and self.joins and "__leaf_j_" not in repr(body):
            return f"{words}: eager aggregation, grouped by the join key before the join"
        return f"{words}: {_aggregates(select)}" if _has_aggregate(select) else words

    def _shape(self, operator: str, stage: dict[str, Any]) -> str:
        text = repr(stage)
        order = self.query.args.get("order")
        if operator in ("$project", "$replaceWith") and stage[operator] == {"$literal": {}}:
            return "one starting row"
        if operator in ("$project", "$replaceWith") and "__leaf_s" not in text:
            if self.select is not None:
                return "SELECT " + ", ".join(_sql(e) for e in self.select.expressions)
            first = self.query.find(exp.Select)
            return "SELECT " + ", ".join(_sql(e) for e in first.expressions) if first else "the result row"
        if operator == "$sort" or "__leaf_s" in text or "__leaf_n" in text:
            if order is not None:
                return _sql(order) + ("" if operator == "$sort" else ": sort keys (NULL order, arrays)")
            distinct = self.select.args.get("distinct") if self.select else None
            return _sql(distinct) + " order" if distinct is not None else "sort"
        if "__leaf_w" in text:
            return "window function results: PostgreSQL's types"
        return "computed values for the stages below"


def _plain_aggregates(select: exp.Select) -> list[exp.Expr]:
    """The aggregates of the select list and HAVING, not the window functions."""
    parts = [*select.expressions, select.args.get("having")]
    found = [a for e in parts if e is not None for a in e.find_all(exp.AggFunc)]
    return [a for a in found if not (isinstance(a.parent, exp.Window) and a.parent.this is a)]


def _has_aggregate(select: exp.Select) -> bool:
    return bool(_plain_aggregates(select))


def _aggregates(select: exp.Select) -> str:
    found = [_sql(a) for a in _plain_aggregates(select)]
    return ", ".join(dict.fromkeys(found)) or "the group keys"


_RUN_ONCE_HEAD: list[dict[str, Any]] = [
    {"$limit": 1},
    {"$facet": {"one": [{"$limit": 1}]}},
    {"$replaceWith": {"$literal": {}}},
]


def annotate(sql: str, pipeline: list[dict[str, Any]]) -> list[Line]:
    """One ``Line`` per stage of ``pipeline`` (and of its nested pipelines), in order."""
    tree = parse_statement(sql).tree
    subqueries = [s for s in tree.find_all(exp.Select) if s is not tree]
    reader = _Reader(tree)
    if pipeline[:3] != _RUN_ONCE_HEAD:
        return _walk(pipeline, reader, subqueries, 0)
    # subqueries.run_once: one row, a $lookup per uncorrelated subquery, then the query in a $lookup.
    head = "one starting row, so that each subquery runs once"
    lines = [
        Line(0, "$limit", head),
        Line(0, "$facet", head),
        Line(1, "$limit", head),
        Line(0, "$replaceWith", head),
    ]
    main = max(i for i, s in enumerate(pipeline) if "$lookup" in s)
    for index, stage in enumerate(pipeline[3:], start=3):
        if index < main:
            inner = _walk([stage], reader, subqueries, 0)
            source = stage.get("$lookup", {}).get("from")
            lines.append(Line(0, inner[0].operator, f"uncorrelated subquery over {source}, run once"))
            lines.extend(inner[1:])
        elif index == main:
            lines.append(Line(0, "$lookup", "the query itself, given the subqueries' results as variables"))
            lines.extend(_walk(stage["$lookup"]["pipeline"], reader, subqueries, 1))
        else:
            lines.append(Line(0, next(iter(stage)), "the query's rows, one document each"))
    return lines


def _walk(
    stages: list[dict[str, Any]], reader: _Reader, subqueries: list[exp.Select], depth: int
) -> list[Line]:
    lines: list[Line] = []
    for stage in stages:
        operator = next(iter(stage))
        lines.append(Line(depth, operator, reader.label(stage)))
        body = stage[operator]
        nested: list[tuple[str, list[dict[str, Any]]]] = []
        if operator in ("$lookup", "$unionWith") and isinstance(body, dict) and body.get("pipeline"):
            nested.append((str(body.get("from") or body.get("coll") or ""), body["pipeline"]))
        if operator == "$facet":
            nested.extend(("", branch) for branch in body.values())
        for collection, inner in nested:
            lines.extend(
                _walk(inner, _Reader(_subquery(collection, subqueries, reader)), subqueries, depth + 1)
            )
    return lines


def _subquery(collection: str, subqueries: list[exp.Select], outer: _Reader) -> exp.Expr:
    """The first subquery reading ``collection`` (used once), else the outer query."""
    for index, select in enumerate(subqueries):
        source = select.args.get("from_")
        if source is not None and isinstance(source.this, exp.Table) and source.this.name == collection:
            return subqueries.pop(index)
    return outer.query


def numbered(lines: list[Line]) -> list[tuple[str, Line]]:
    """Each line with its outline number: ``3``, ``3.1``, ``3.1.2`` for nested pipelines."""
    numbers: list[int] = []
    out = []
    for line in lines:
        del numbers[line.depth + 1 :]
        while len(numbers) <= line.depth:
            numbers.append(0)
        numbers[line.depth] += 1
        out.append((".".join(str(n) for n in numbers), line))
    return out


def render(lines: list[Line]) -> str:
    return "\n".join(line.render(number) for number, line in numbered(lines))
