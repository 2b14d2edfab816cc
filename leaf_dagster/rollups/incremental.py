"""Which output columns of a GROUP BY can be combined across runs, and how.

An incremental rollup merges the aggregates of new source documents into the stored ones, so
every output column must be a grouping key or ``COUNT``/``SUM``/``MIN``/``MAX``/``AVG`` of an
expression. ``AVG`` is kept as a sum and a count: the SQL is rewritten to produce both, the
average is derived from them, and the pair is stored under ``<metadata_field>.partials``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import sqlglot
from sqlglot import exp

from leaf_dagster.connection import Document

Kind = Literal["key", "count", "sum", "min", "max", "avg"]
_KINDS: dict[type[exp.Expression], Kind] = {
    exp.Count: "count",
    exp.Sum: "sum",
    exp.Min: "min",
    exp.Max: "max",
    exp.Avg: "avg",
}


class NotCombinableError(ValueError):
    pass


@dataclass(frozen=True)
class IncrementalPlan:
    sql: str
    kinds: dict[str, Kind]
    avg_parts: dict[str, tuple[str, str]] = field(default_factory=dict)


def _safe(column: str) -> str:
    return column.replace(".", "__")


def plan_incremental(sql: str) -> IncrementalPlan:
    """Classify every output column; raise :class:`NotCombinableError` naming the first that is not."""
    tree = sqlglot.parse_one(sql)
    if not isinstance(tree, exp.Select):
        raise NotCombinableError("an incremental rollup is a single SELECT")
    for clause in ("having", "limit", "order", "with"):
        if tree.args.get(clause):
            raise NotCombinableError(
                f"an incremental rollup cannot use {clause.upper()}: it is not combinable"
            )
    group = tree.args.get("group")
    group_sql = {g.sql() for g in group.expressions} if group else set()
    kinds: dict[str, Kind] = {}
    avg_parts: dict[str, tuple[str, str]] = {}
    projections: list[Any] = []
    for projection in tree.expressions:
        name = projection.alias_or_name
        inner = projection.unalias()
        kind = _KINDS.get(type(inner))
        if kind is None:
            is_key = inner.sql() in group_sql or (
                isinstance(inner, exp.Column) and any(g.endswith(inner.sql()) for g in group_sql)
            )
            if not is_key:
                raise NotCombinableError(
                    f"column {name!r} ({inner.sql()}) is neither a GROUP BY key nor COUNT/SUM/MIN/MAX/AVG"
                )
            kind = "key"
        elif isinstance(inner.this, exp.Distinct):
            raise NotCombinableError(f"column {name!r}: COUNT(DISTINCT ...) cannot be combined across runs")
        kinds[name] = kind
        if kind == "avg":
            sum_alias, count_alias = f"__leaf_sum_{_safe(name)}", f"__leaf_count_{_safe(name)}"
            avg_parts[name] = (sum_alias, count_alias)
            argument = inner.this
            projections.append(exp.alias_(exp.Sum(this=argument.copy()), sum_alias, quoted=True))
            projections.append(exp.alias_(exp.Count(this=argument.copy()), count_alias, quoted=True))
        else:
            projections.append(projection)
    rewritten = tree.copy()
    rewritten.set("expressions", projections)
    return IncrementalPlan(sql=rewritten.sql(), kinds=kinds, avg_parts=avg_parts)


def average_stages(plan: IncrementalPlan, metadata_field: str) -> list[Document]:
    """After the compiled SELECT: derive each AVG column and file its sum/count under partials."""
    if not plan.avg_parts:
        return []
    derived: Document = {}
    for column, (sum_alias, count_alias) in plan.avg_parts.items():
        derived[column] = {
            "$cond": [
                {"$gt": [f"${count_alias}", 0]},
                {"$divide": [f"${sum_alias}", f"${count_alias}"]},
                None,
            ]
        }
        derived[f"{metadata_field}.partials.{_safe(column)}"] = {
            "sum": f"${sum_alias}",
            "count": f"${count_alias}",
        }
    hidden = [alias for pair in plan.avg_parts.values() for alias in pair]
    return [{"$set": derived}, {"$unset": hidden}]


def combine_stage(plan: IncrementalPlan, on: tuple[str, ...], metadata_field: str) -> Document:
    """The ``whenMatched`` update: existing ⊕ ``$$new``, unless this doc already holds the range.

    A document whose stored watermark is at or past the run's watermark already contains this
    range (a run that crashed after merging it is being replayed) and is left as it is; so is a
    document a newer run wrote (a higher fencing epoch: this run is a zombie).
    """
    meta = metadata_field
    already = {
        "$or": [
            {"$gte": [{"$ifNull": [f"${meta}.watermark", None]}, f"$$new.{meta}.watermark"]},
            # fencing: a newer run wrote it (see leaf_dagster.rollups.fencing)
            {"$gt": [{"$ifNull": [f"${meta}.fence", 0]}, f"$$new.{meta}.fence"]},
        ]
    }

    def keep_or(column: str, combined: object) -> Document:
        return {"$cond": [already, f"${column}", combined]}

    updates: Document = {}
    for column, kind in plan.kinds.items():
        old, new = f"${column}", f"$$new.{column}"
        if column in on:
            continue
        if kind == "key":
            updates[column] = keep_or(column, new)
        elif kind in ("count", "sum"):
            updates[column] = keep_or(column, {"$add": [{"$ifNull": [old, 0]}, {"$ifNull": [new, 0]}]})
        elif kind in ("min", "max"):
            updates[column] = keep_or(column, {f"${kind}": [old, new]})
        else:
            part = f"{meta}.partials.{_safe(column)}"
            total = {"$add": [{"$ifNull": [f"${part}.sum", 0]}, {"$ifNull": [f"$$new.{part}.sum", 0]}]}
            count = {"$add": [{"$ifNull": [f"${part}.count", 0]}, {"$ifNull": [f"$$new.{part}.count", 0]}]}
            updates[column] = keep_or(
                column, {"$cond": [{"$gt": [count, 0]}, {"$divide": [total, count]}, None]}
            )
            updates[part] = keep_or(part, {"sum": total, "count": count})
    for key in ("runId", "computedAt", "sources", "watermark", "window", "fence"):
        updates[f"{meta}.{key}"] = keep_or(f"{meta}.{key}", f"$$new.{meta}.{key}")
    return {"$set": updates}
