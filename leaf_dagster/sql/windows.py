"""Window functions (``… OVER (PARTITION BY … ORDER BY … frame)``) as ``$setWindowFields`` stages.

They run after GROUP BY/HAVING and before DISTINCT/ORDER BY, as in PostgreSQL, so a window may
order by an aggregate. The stages, in order:

$set sort keys (NULL → null, or MaxKey where PostgreSQL sorts NULLs above every value)
→ one ``$setWindowFields`` per (partition, order): row numbers, ranks, LAG/LEAD, ROWS frames, and
  the row's peer group (``$denseRank``) when a RANGE frame needs it
→ one ``$setWindowFields`` per (partition, peer group) for RANGE frames: a numeric ``range``
  window over the peer group includes exactly the current row's peers, whatever the key types
→ $set the SQL values (NULL for SUM of no values, PERCENT_RANK, CUME_DIST, NTILE arithmetic).

Every value lands in a field ``__leaf_w<i>`` that the rest of the query reads instead of the window.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from bson import MaxKey
from sqlglot import exp

from leaf_dagster.sql import dates, numeric
from leaf_dagster.sql.aggregates import NAMES
from leaf_dagster.sql.context import Context
from leaf_dagster.sql.expressions import Translator
from leaf_dagster.sql.ordering import HELPER_PREFIX, may_be_array, sort_value
from leaf_dagster.sql.values import SqlType, Typed, is_null

PREFIX = f"{HELPER_PREFIX}w"
WHOLE = None  # the frame "the whole partition"
RANKING = (exp.RowNumber, exp.Rank, exp.DenseRank, exp.PercentRank, exp.CumeDist, exp.Ntile)
# Standard deviations and variances: (window operator, squared?).
SPREAD: dict[type[exp.Expr], tuple[str, bool]] = {
    exp.Stddev: ("$stdDevSamp", False),
    exp.StddevSamp: ("$stdDevSamp", False),
    exp.StddevPop: ("$stdDevPop", False),
    exp.Variance: ("$stdDevSamp", True),
    exp.VariancePop: ("$stdDevPop", True),
}
FRAMED_AGGREGATES: tuple[type[exp.Expr], ...] = (exp.Sum, exp.Avg, exp.Count, exp.Min, exp.Max, *SPREAD)
Stages = list[dict[str, Any]]
NOT_SUMMABLE = {SqlType.TEXT, SqlType.BOOL, SqlType.DATE, SqlType.DAY, SqlType.ARRAY, SqlType.INTERVAL}


def window_nodes(node: exp.Expr | None) -> list[exp.Window]:
    return [] if node is None else [n for n in node.walk() if isinstance(n, exp.Window)]


def key_of(node: exp.Window) -> str:
    return node.sql(dialect="postgres")


def reject_windows(node: exp.Expr | None, clause: str, ctx: Context) -> None:
    found = window_nodes(node)
    if found:
        raise ctx.source.error(f"window functions are not allowed in {clause}", found[0])


class WindowedTranslator(Translator):
    """The scope after the window stages: each window function reads its computed field."""

    def __init__(self, inner: Translator, fields: dict[str, Typed]) -> None:
        super().__init__(inner.ctx)
        self.inner = inner
        self.fields = fields

    def substitute(self, node: exp.Expr) -> Typed | None:
        if isinstance(node, exp.Window):
            found = self.fields.get(key_of(node))
            if found is None:
                raise self.error("window functions are only supported in the select list and ORDER BY", node)
            return found
        return self.inner.substitute(node)

    def aggregate(self, node: exp.AggFunc) -> Typed:
        return self.inner.aggregate(node)


@dataclass
class _Group:
    """One ``$setWindowFields``: a partition and a sort, and the outputs computed over them."""

    partition: Any
    sort_by: dict[str, int]
    output: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Builder:
    tr: Translator
    ctx: Context
    helpers: dict[str, Any] = field(default_factory=dict)  # sort key fields and NULL flags
    _helper_names: dict[str, str] = field(default_factory=dict)
    ordered: dict[str, _Group] = field(default_factory=dict)  # by (partition, sort)
    peers: dict[str, _Group] = field(default_factory=dict)  # RANGE frames, by (partition, peer group)
    finals: dict[str, Any] = field(default_factory=dict)
    count: int = 0

    def _helper(self, expr: Any, kind: str) -> str:
        key = json.dumps([kind, expr], sort_keys=True, default=str)
        name = self._helper_names.get(key)
        if name is None:
            name = f"{PREFIX}{kind}{len(self._helper_names)}"
            self._helper_names[key] = name
            self.helpers[name] = expr
        return name

    def _sort(self, order: list[exp.Ordered]) -> dict[str, int]:
        spec: dict[str, int] = {}
        for item in order:
            typed = self.tr.translate(item.this)
            if typed.is_const:
                continue
            descending, nulls_first = bool(item.args.get("desc")), bool(item.args.get("nulls_first"))
            if typed.non_null and typed.path is not None:
                spec.setdefault(typed.path, -1 if descending else 1)
                continue
            # One key per ORDER BY item: NULL and missing become one value (they are peers), MinKey's
            # null or, where PostgreSQL puts NULLs above every value (ASC NULLS LAST, DESC NULLS
            # FIRST), MaxKey, which sorts above every BSON value.
            nulls_high = nulls_first == descending and not typed.non_null
            # An array sorts element by element, as in PostgreSQL (``ordering.sort_value``).
            value = sort_value(typed.expr) if may_be_array(typed) else typed.expr
            key = self._helper({"$ifNull": [value, MaxKey() if nulls_high else None]}, "k")
            spec.setdefault(key, -1 if descending else 1)
        return spec

    def _partition(self, node: exp.Window) -> Any:
        parts = [self.tr.translate(p) for p in node.args.get("partition_by") or []]
        exprs = [{"$ifNull": [p.expr, None]} for p in parts if not p.is_const]
        if not exprs:
            return None
        return exprs[0] if len(exprs) == 1 else exprs

    def _group(self, groups: dict[str, _Group], partition: Any, sort_by: dict[str, int]) -> _Group:
        key = json.dumps([partition, sort_by], sort_keys=True, default=str)
        if key not in groups:
            groups[key] = _Group(partition, sort_by)
        return groups[key]

    def add(self, node: exp.Window, select: exp.Select) -> Typed:
        node = _resolve_named(node, select, self.ctx)
        func: exp.Expr = node.this
        condition = None
        if isinstance(func, exp.Filter):
            condition = self.tr.conditions.truth(func.expression.this, True)
            func = func.this
        for inner in func.walk():
            if inner is not func and isinstance(inner, exp.Window):
                raise self.ctx.source.error("window function calls cannot be nested", inner)
        name = f"{PREFIX}{self.count}"
        self.count += 1
        partition = self._partition(node)
        order = list(node.args["order"].expressions) if node.args.get("order") is not None else []
        sort_by = self._sort(order)
        # Functions that need some row order (row numbers, LAG…) use _id when the window has none;
        # PostgreSQL leaves that order unspecified too.
        row_sort = sort_by or {"_id": 1}
        ordered = self._group(self.ordered, partition, row_sort)
        whole = {"window": {"documents": ["unbounded", "unbounded"]}}

        if condition is not None and not isinstance(func, FRAMED_AGGREGATES):
            raise self.ctx.source.error("FILTER is only supported for aggregate window functions", node)
        if isinstance(func, exp.RowNumber):
            ordered.output[name] = {"$documentNumber": {}}
            return self._final(name, {"$toLong": f"${name}"}, SqlType.INT)
        if isinstance(func, exp.Rank | exp.DenseRank):
            if not sort_by:
                return Typed({"$literal": 1}, SqlType.INT, non_null=True)
            ordered.output[name] = {"$rank" if isinstance(func, exp.Rank) else "$denseRank": {}}
            return self._final(name, {"$toLong": f"${name}"}, SqlType.INT)
        if isinstance(func, exp.PercentRank):
            if not sort_by:
                return Typed({"$literal": 0.0}, SqlType.FLOAT, non_null=True)
            ordered.output[f"{name}r"] = {"$rank": {}}
            ordered.output[f"{name}c"] = {"$sum": 1, **whole}
            ratio = {
                "$cond": [
                    {"$eq": [f"${name}c", 1]},
                    0.0,
                    {"$divide": [{"$subtract": [f"${name}r", 1]}, {"$subtract": [f"${name}c", 1]}]},
                ]
            }
            return self._final(name, ratio, SqlType.FLOAT)
        if isinstance(func, exp.CumeDist):
            if not sort_by:
                return Typed({"$literal": 1.0}, SqlType.FLOAT, non_null=True)
            peers = self._peer_group(ordered, partition, name)
            peers.output[f"{name}l"] = {"$sum": 1, "window": {"range": ["unbounded", "current"]}}
            peers.output[f"{name}c"] = {"$sum": 1, **whole}
            return self._final(name, {"$divide": [f"${name}l", f"${name}c"]}, SqlType.FLOAT)
        if isinstance(func, exp.Ntile):
            buckets = self._const_int(func.this, node, "the NTILE bucket count", 1)
            ordered.output[f"{name}r"] = {"$documentNumber": {}}
            ordered.output[f"{name}c"] = {"$sum": 1, **whole}
            return self._final(name, _ntile(f"${name}r", f"${name}c", buckets), SqlType.INT)
        if isinstance(func, exp.Lag | exp.Lead):
            value = self.tr.translate(func.this)
            offset = self._const_int(func.args.get("offset"), node, f"{_name(func)} offset", 0)
            shift: dict[str, Any] = {
                "output": {"$ifNull": [value.expr, None]},
                "by": -offset if isinstance(func, exp.Lag) else offset,
            }
            default_node = func.args.get("default")
            if default_node is not None:
                default = self.tr.translate(default_node)
                if not default.is_const:
                    # The current row's default where the offset row is outside the partition:
                    # a shifted flag tells that apart from a NULL value.
                    inside = {"output": True, "by": shift["by"], "default": False}
                    ordered.output[name] = {"$shift": shift}
                    ordered.output[f"{name}i"] = {"$shift": inside}
                    chosen = {"$cond": [f"${name}i", f"${name}", {"$ifNull": [default.expr, None]}]}
                    return self._final(name, chosen, value.type)
                if default.value is not None:
                    shift["default"] = default.expr
            ordered.output[name] = {"$shift": shift}
            return self._final(name, f"${name}", value.type)
        if isinstance(func, exp.NthValue):
            return self._nth_value(node, func, name, partition, sort_by)
        if isinstance(func, (exp.FirstValue, exp.LastValue, *FRAMED_AGGREGATES)):
            return self._framed(node, func, name, partition, sort_by, condition)
        raise self.ctx.source.error(f"unsupported window function {_name(func)}", node)

    def _framed(
        self,
        node: exp.Window,
        func: exp.Expr,
        name: str,
        partition: Any,
        sort_by: dict[str, int],
        condition: Any,
    ) -> Typed:
        if isinstance(func.this, exp.Distinct) or (isinstance(func, exp.Min | exp.Max) and func.expressions):
            raise self.ctx.source.error(f"{_name(func)}(DISTINCT ...) is not supported as a window", node)
        group, framing = self._framing(node, self._frame(node, bool(sort_by)), partition, sort_by, name)

        if isinstance(func, exp.Count) and isinstance(func.this, exp.Star):
            counted: Any = 1 if condition is None else {"$cond": [condition, 1, 0]}
            self._accumulate(group, name, "$sum", counted, framing)
            return self._final(name, {"$toLong": f"${name}"}, SqlType.INT, non_null=True)
        if func.this is None:
            raise self.ctx.source.error(f"{_name(func)} needs an argument", node)
        value = self.tr.translate(func.this)
        if isinstance(func, (exp.Sum, exp.Avg, *SPREAD)) and value.type in NOT_SUMMABLE:
            raise self.ctx.source.error(f"{_name(func)} does not apply to {value.type.value}", node)
        x = value.expr if condition is None else {"$cond": [condition, value.expr, None]}
        x = {"$ifNull": [x, None]}
        if isinstance(func, exp.FirstValue | exp.LastValue):
            self._accumulate(
                group, name, ("$first" if isinstance(func, exp.FirstValue) else "$last"), x, framing
            )
            return self._final(name, f"${name}", value.type)
        if isinstance(func, exp.Count):
            self._accumulate(group, name, "$sum", {"$cond": [is_null(x), 0, 1]}, framing)
            return self._final(name, {"$toLong": f"${name}"}, SqlType.INT, non_null=True)
        if isinstance(func, exp.Sum):
            self._accumulate(group, f"{name}s", "$sum", numeric.sum_input(replace(value, expr=x)), framing)
            self._accumulate(group, f"{name}c", "$sum", {"$cond": [is_null(x), 0, 1]}, framing)
            total = numeric.bigint(f"${name}s")
            final = {"$cond": [{"$eq": [f"${name}c", 0]}, None, total]}
            return self._final(name, final, numeric.sum_type(value), scale=numeric.scale_of(value))
        if type(func) in SPREAD and value.type != SqlType.FLOAT:
            # Integers and numerics: numeric, exact, from the frame's sums (as the aggregate).
            sample = SPREAD[type(func)][0] == "$stdDevSamp"
            plain, squared_value = numeric.spread_inputs(replace(value, expr=x))
            self._accumulate(group, f"{name}s", "$sum", plain, framing)
            self._accumulate(group, f"{name}q", "$sum", squared_value, framing)
            self._accumulate(group, f"{name}c", "$sum", {"$cond": [is_null(x), 0, 1]}, framing)
            flag = numeric.spread_doubles(value, x)
            if flag is not None:
                self._accumulate(group, f"{name}d", "$max", flag, framing)
            final = numeric.spread_result(
                f"${name}s",
                f"${name}q",
                f"${name}c",
                value,
                sample=sample,
                root=not SPREAD[type(func)][1],
                doubles=None if flag is None else f"${name}d",
            )
            exact = value.type in (SqlType.INT, SqlType.DECIMAL)
            return self._final(name, final, SqlType.DECIMAL if exact else SqlType.NUMBER)
        if type(func) in SPREAD:
            op, squared = SPREAD[type(func)]
            self._accumulate(group, name, op, x, framing)
            return self._final(name, {"$pow": [f"${name}", 2]} if squared else f"${name}", SqlType.FLOAT)
        if isinstance(func, exp.Avg):
            if value.type == SqlType.FLOAT:
                self._accumulate(group, name, "$avg", x, framing)
                return self._final(name, f"${name}", SqlType.FLOAT)
            self._accumulate(group, f"{name}s", "$sum", numeric.sum_input(replace(value, expr=x)), framing)
            self._accumulate(group, f"{name}c", "$sum", {"$cond": [is_null(x), 0, 1]}, framing)
            final = numeric.avg_result(f"${name}s", f"${name}c", value)
            return self._final(name, final, numeric.avg_type(value))
        op = "$min" if isinstance(func, exp.Min) else "$max"
        self._accumulate(group, name, op, x, framing)
        return self._final(name, f"${name}", value.type)

    def _accumulate(self, group: _Group, name: str, op: str, arg: Any, framing: dict[str, Any]) -> None:
        """One windowed accumulator. An argument that is an expression is computed once per row in
        the first ``$set`` (``helpers``), not once per row of every frame it falls in: a server
        evaluates the accumulator's argument for each document of each window."""
        if isinstance(arg, dict):
            arg = f"${self._helper(arg, 'a')}"
        group.output[name] = {op: arg, **framing}

    def _framing(
        self, node: exp.Window, frame: Any, partition: Any, sort_by: dict[str, int], name: str
    ) -> tuple[_Group, dict[str, Any]]:
        """The stage that computes a frame, and the ``window`` option that bounds it there."""
        window: dict[str, Any] | None
        if frame is WHOLE:
            group = self._group(self.ordered, partition, sort_by)
            window = {"documents": ["unbounded", "unbounded"]} if sort_by else None
        elif frame[0] == "documents":
            group = self._group(self.ordered, partition, sort_by or {"_id": 1})
            window = {"documents": frame[1]}
        elif frame[0] == "value":
            group = self._value_group(node, partition, frame[2])
            window = {"range": frame[1]}
        else:  # RANGE and GROUPS frames: a range over the peer group's number
            group = self._peer_group(self._group(self.ordered, partition, sort_by), partition, name)
            window = {"range": frame[1]}
        return group, ({"window": window} if window is not None else {})

    def _nth_value(
        self, node: exp.Window, func: exp.NthValue, name: str, partition: Any, sort_by: dict[str, int]
    ) -> Typed:
        """NTH_VALUE(x, n): the frame's nth row. A frame that starts at the partition's start holds
        the partition's nth row (numbered in a stage before) once it reaches it; another frame
        collects its rows and takes the nth."""
        position = self._const_int(func.args.get("offset"), node, "the NTH_VALUE position", 1)
        value = self.tr.translate(func.this)
        x = {"$ifNull": [value.expr, None]}
        frame = self._frame(node, bool(sort_by))
        if frame is WHOLE or frame[1][0] == "unbounded":
            ordered = self._group(self.ordered, partition, sort_by or {"_id": 1})
            number = next((k for k, v in ordered.output.items() if v == {"$documentNumber": {}}), None)
            if number is None:
                number = f"{name}n"
                ordered.output[number] = {"$documentNumber": {}}
            if frame is WHOLE or frame[0] == "documents":
                # A stage after the numbering one, in the same order.
                group = self._group(self.peers, partition, {number: 1})
                bounds = ["unbounded", "unbounded"] if frame is WHOLE else frame[1]
                framing: dict[str, Any] = {"window": {"documents": bounds}}
            else:
                group, framing = self._framing(node, frame, partition, sort_by, name)
            # Documents sort above null: the $max is the nth row's value, boxed (it may be NULL).
            picked = {"$cond": [{"$eq": [f"${number}", position]}, {"v": x}, None]}
            group.output[name] = {"$max": picked, **framing}
            return self._final(name, {"$getField": {"field": "v", "input": f"${name}"}}, value.type)
        group, framing = self._framing(node, frame, partition, sort_by, name)
        group.output[name] = {"$push": x, **framing}
        return self._final(name, {"$arrayElemAt": [f"${name}", position - 1]}, value.type)

    def _frame(self, node: exp.Window, has_order: bool) -> Any:
        """WHOLE, ("documents", [lo, hi]) or ("range", [lo, hi]) over peer groups."""
        spec = node.args.get("spec")
        if spec is None:
            return ("range", ["unbounded", "current"]) if has_order else WHOLE
        if spec.args.get("exclude") is not None:
            raise self.ctx.source.error("frame EXCLUDE is not supported", node)
        kind = str(spec.args.get("kind") or "").upper()
        start = self._bound(spec.args.get("start"), spec.args.get("start_side"), node, kind)
        end = self._bound(spec.args.get("end") or "CURRENT ROW", spec.args.get("end_side"), node, kind)
        if start == "unbounded_following" or end == "unbounded_preceding":
            raise self.ctx.source.error("invalid frame bounds", node)
        lo = "unbounded" if start == "unbounded_preceding" else start
        hi = "unbounded" if end == "unbounded_following" else end
        if kind == "GROUPS":
            # Peer groups are numbered by $denseRank: a range over that number counts groups.
            if not has_order:
                raise self.ctx.source.error("GROUPS frames need an ORDER BY", node)
            if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
                raise self.ctx.source.error("a frame that starts after it ends is not supported", node)
            return ("range", [lo, hi])
        if kind == "ROWS":
            lo, hi = (0 if b == "current" else b for b in (lo, hi))
            if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
                raise self.ctx.source.error("a frame that starts after it ends is not supported", node)
            return ("documents", [lo, hi])
        if kind == "RANGE":
            if (lo == "unbounded" and hi == "unbounded") or not has_order:
                return WHOLE
            if isinstance(lo, str) and isinstance(hi, str):
                return ("range", [lo, hi])
            if "unbounded" in (lo, hi):
                raise self.ctx.source.error(
                    "a RANGE frame mixing UNBOUNDED with an offset bound is not supported", node
                )
            offsets = [b for b in (lo, hi) if b != "current"]
            on_dates = all(isinstance(b, _Millis) for b in offsets)
            if not on_dates and any(isinstance(b, _Millis) for b in offsets):
                raise self.ctx.source.error("a RANGE frame cannot mix interval and numeric offsets", node)
            return ("value", [0 if b == "current" else b for b in (lo, hi)], on_dates)
        raise self.ctx.source.error(f"{kind or 'this'} frames are not supported", node)

    def _bound(self, value: Any, side: Any, node: exp.Window, kind: str) -> Any:
        side_text = str(side or "").upper()
        if isinstance(value, str):
            if value.upper() == "CURRENT ROW":
                return "current"
            if value.upper() == "UNBOUNDED":
                return "unbounded_following" if side_text == "FOLLOWING" else "unbounded_preceding"
        if not isinstance(value, exp.Expr):
            raise self.ctx.source.error("unsupported frame bound", node)
        if isinstance(value, exp.Interval) and kind == "RANGE":
            millis = self._interval_millis(value)
            return _Millis(-millis if side_text == "PRECEDING" else millis)
        if kind in ("ROWS", "GROUPS"):
            offset: int | float = self._const_int(value, node, f"a {kind} frame offset", 0)
        else:
            typed = self.tr.translate(value)
            number = typed.value if typed.is_const else None
            if not isinstance(number, int | float | Decimal) or isinstance(number, bool) or number < 0:
                raise self.ctx.source.error(
                    "a RANGE frame offset must be a non-negative numeric constant", value
                )
            # A window's range bound must be an int or a double here (Decimal128 is refused).
            bound = float(number) if isinstance(number, Decimal) else number
            return -bound if side_text == "PRECEDING" else bound
        return -offset if side_text == "PRECEDING" else offset

    def _const_int(self, node: exp.Expr | None, window: exp.Window, what: str, minimum: int) -> int:
        if node is None:
            return 1
        typed = self.tr.translate(node)
        value = typed.value if typed.is_const else None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.ctx.source.error(f"{what} must be an integer constant ≥ {minimum}", node)
        return value

    def _interval_millis(self, node: exp.Interval) -> int:
        """An interval offset as milliseconds (a day is 24 hours for a timestamp without time zone)."""
        unit = node.args.get("unit")
        text = node.this.name if isinstance(node.this, exp.Literal) else None
        parsed = dates.parse_interval(text, unit.name if unit else None) if text is not None else None
        if parsed is None:
            raise self.ctx.source.error("malformed or unsupported interval", node, "INTERVAL")
        if parsed.months:
            raise self.ctx.source.error(
                "RANGE offsets in months or years are not supported", node, "INTERVAL"
            )
        millis = parsed.days * 86_400_000 + parsed.millis
        if millis < 0:
            raise self.ctx.source.error("a RANGE frame offset cannot be negative", node, "INTERVAL")
        return millis

    def _value_group(self, node: exp.Window, partition: Any, on_dates: bool) -> _Group:
        """RANGE frames with offsets: a numeric ``range`` window over the single ORDER BY key.

        MongoDB wants one ascending numeric sort field, so a descending key is negated, a timestamp
        becomes its milliseconds (interval offsets are milliseconds too), and NULL keys (peers only
        of each other, as PostgreSQL frames them) get a partition of their own.
        """
        order = [o for o in node.args["order"].expressions if not self.tr.translate(o.this).is_const]
        if len(order) != 1:
            raise self.ctx.source.error("a RANGE frame with offsets needs exactly one ORDER BY key", node)
        typed = self.tr.translate(order[0].this)
        if on_dates:
            if typed.type not in (SqlType.DATE, SqlType.DAY, SqlType.ANY):
                raise self.ctx.source.error("a RANGE frame with interval offsets needs a timestamp key", node)
            # A key that is not a timestamp becomes text, which the range window rejects loudly.
            key: Any = {
                "$switch": {
                    "branches": [
                        {"case": is_null(typed.expr), "then": 0},
                        {"case": {"$eq": [{"$type": typed.expr}, "date"]}, "then": {"$toLong": typed.expr}},
                    ],
                    "default": "a RANGE frame with interval offsets needs timestamps",
                }
            }
        elif typed.type not in (SqlType.INT, SqlType.FLOAT, SqlType.NUMBER, SqlType.ANY):
            raise self.ctx.source.error("a RANGE frame with offsets needs a numeric ORDER BY key", node)
        else:
            key = {"$ifNull": [typed.expr, 0]}
        if order[0].args.get("desc"):
            key = {"$multiply": [-1, key]}
        flag = is_null(typed.expr)
        parts = [flag] if partition is None else [partition, flag]
        return self._group(self.ordered, parts, {self._helper(key, "v"): 1})

    def _peer_group(self, ordered: _Group, partition: Any, name: str) -> _Group:
        """The stage for RANGE frames: rows numbered by peer group (equal ORDER BY keys)."""
        peer_field = next((k for k, v in ordered.output.items() if v == {"$denseRank": {}}), None)
        if peer_field is None:
            peer_field = f"{name}g"
            ordered.output[peer_field] = {"$denseRank": {}}
        return self._group(self.peers, partition, {peer_field: 1})

    def _final(
        self, name: str, value: Any, type_: SqlType, *, non_null: bool = False, scale: int | None = None
    ) -> Typed:
        if value != f"${name}":
            self.finals[name] = value
        return Typed(f"${name}", type_, path=name, non_null=non_null, scale=scale)

    def stages(self) -> Stages:
        out: Stages = []
        if self.helpers:
            out.append({"$set": self.helpers})
        for group in [*self.ordered.values(), *self.peers.values()]:
            if not group.output:
                continue
            spec: dict[str, Any] = {}
            if group.partition is not None:
                spec["partitionBy"] = group.partition
            if group.sort_by:
                spec["sortBy"] = group.sort_by
            spec["output"] = group.output
            out.append({"$setWindowFields": spec})
        if self.finals:
            out.append({"$set": self.finals})
        return out


class _Millis(int):
    """A RANGE offset given as an interval, in milliseconds."""


def _name(func: exp.Expr) -> str:
    if type(func) in NAMES:  # sqlglot's names for these are not PostgreSQL's (JSON_AGG, EVERY…)
        return NAMES[type(func)].upper()
    return func.sql_name() if isinstance(func, exp.Func) else type(func).__name__.upper()


def _ntile(row: str, count: str, buckets: int) -> Any:
    """PostgreSQL's NTILE: ``count % n`` leading buckets hold one row more than the others."""
    size = {"$floor": {"$divide": [count, buckets]}}
    extra = {"$mod": [count, buckets]}
    big_rows = {"$multiply": [extra, {"$add": [size, 1]}]}
    in_big = {"$add": [{"$floor": {"$divide": [{"$subtract": [row, 1]}, {"$add": [size, 1]}]}}, 1]}
    in_small = {
        "$add": [
            extra,
            {"$floor": {"$divide": [{"$subtract": [{"$subtract": [row, big_rows]}, 1]}, size]}},
            1,
        ]
    }
    return {"$toLong": {"$cond": [{"$lte": [row, big_rows]}, in_big, in_small]}}


def _resolve_named(node: exp.Window, select: exp.Select, ctx: Context) -> exp.Window:
    """``OVER w`` / ``OVER (w ORDER BY …)``: the named window's clauses, completed by the reference."""
    alias = node.args.get("alias")
    if alias is None:
        return node
    named = next((w for w in select.args.get("windows") or [] if w.name == alias.name), None)
    if named is None:
        raise ctx.source.error(f"window {alias.name!r} does not exist", node)
    merged = node.copy()
    merged.set("alias", None)
    if node.args.get("partition_by"):
        raise ctx.source.error(f"cannot override PARTITION BY of window {alias.name!r}", node)
    # PostgreSQL's rules for copying a window: ORDER BY is added only where the window has none, and
    # a window with a frame clause cannot be refined.
    if node.args.get("order") is not None and named.args.get("order") is not None:
        raise ctx.source.error(f"cannot override ORDER BY clause of window {alias.name!r}", node)
    if named.args.get("spec") is not None and (node.args.get("order") or node.args.get("spec")):
        raise ctx.source.error(f"cannot copy window {alias.name!r} because it has a frame clause", node)
    merged.set("partition_by", named.args.get("partition_by"))
    merged.set("order", node.args.get("order") or named.args.get("order"))
    merged.set("spec", node.args.get("spec") or named.args.get("spec"))
    return merged


def window_stages(
    select: exp.Select, items: list[exp.Expr], ctx: Context, tr: Translator
) -> tuple[Translator, Stages]:
    """The window stages for the windows in ``items`` (select list, ORDER BY) and the scope after them."""
    nodes = [w for item in items for w in window_nodes(item)]
    if not nodes:
        return tr, []
    builder = _Builder(tr, ctx)
    fields: dict[str, Typed] = {}
    for node in nodes:
        key = key_of(node)
        if key not in fields:
            fields[key] = builder.add(node, select)
    return WindowedTranslator(tr, fields), builder.stages()
