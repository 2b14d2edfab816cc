"""Column references to document paths: nested fields of any depth, aliases, 0-based ``[i]``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from leaf_dagster.sql.errors import Source
from leaf_dagster.sql.probes import Origin
from leaf_dagster.sql.scope import Scope
from leaf_dagster.sql.values import SqlType, Typed, let

PATH_NODES = (exp.Column, exp.Dot, exp.Bracket)


@dataclass(frozen=True)
class Index:
    node: exp.Expr


Segment = str | Index


def segments(node: exp.Expr, source: Source) -> list[Segment]:
    if isinstance(node, exp.Column):
        if isinstance(node.this, exp.Star):
            raise source.error("'*' is only supported alone in the select list", node)
        out: list[Segment] = []
        for part in node.parts:
            out.extend(_split(part, source))
        return out
    if isinstance(node, exp.Dot):
        if not isinstance(node.expression, exp.Identifier):
            raise source.error("unsupported field access", node)
        return [*segments(node.this, source), *_split(node.expression, source)]
    if isinstance(node, exp.Bracket):
        if len(node.expressions) != 1 or isinstance(node.expressions[0], exp.Slice):
            raise source.error("array access takes exactly one index (slices are not supported)", node)
        return [*segments(node.this, source), Index(node.expressions[0])]
    raise source.error("expected a field reference", node)


def _split(ident: exp.Expr, source: Source) -> list[str]:
    name = ident.name
    parts = name.split(".") if isinstance(ident, exp.Identifier) and ident.quoted else [name]
    for part in parts:
        if not part or part.startswith("$"):
            raise source.error(f"invalid field name {name!r}", ident)
    return parts


def resolve(
    node: exp.Expr,
    scope: Scope,
    source: Source,
    index: Callable[[exp.Expr], Typed],
) -> Typed:
    """The document path ``node`` names, as an aggregation expression."""
    level, relation, rest = scope.locate(segments(node, source), node, source)
    level.touched.add(relation.alias)
    if level is not scope:
        # A relation of an enclosing level (or a JOIN's left side): a `let` variable of the $lookup.
        outer = resolve(node, level, source, index)
        if isinstance(outer.expr, str) and outer.expr.startswith("$$"):
            return outer
        bindings = scope.boundary(level).bindings
        assert bindings is not None
        return Typed(f"$${bindings.bind(outer.expr)}", outer.type, origin=outer.origin)
    segs = relation.field(rest)
    if not segs:
        raise source.error("expected a field reference", node)
    run: list[str] = []
    current: Any = None
    for seg in segs:
        if isinstance(seg, str):
            run.append(seg)
            continue
        current = _path(current, run)
        run = []
        idx = index(seg.node)
        if (idx.is_const and not isinstance(idx.value, int)) or idx.type not in (SqlType.INT, SqlType.ANY):
            raise source.error("array index must be an integer", seg.node)
        current = element(current, idx)
    if current is None:
        dotted = ".".join(run)
        inside = ".".join(s for s in rest if isinstance(s, str))
        declared = relation.types.get(inside, SqlType.ANY)
        origin = relation.origins.get(inside)
        if relation.collection is not None and declared == SqlType.ANY:
            origin = Origin(relation.collection, inside)
        int4 = declared == SqlType.INT and inside in getattr(relation.types, "int4", ())
        int8 = declared == SqlType.INT and inside in getattr(relation.types, "int8", ())
        if declared == SqlType.DECIMAL:
            return Typed(numeric_read(f"${dotted}"), declared, origin=origin, numeric_path=dotted)
        return Typed(f"${dotted}", declared, path=dotted, origin=origin, int32=int4, int64=int8)
    # ``tags[0]``: the element type of the array, probed over the elements (``probes``).
    one_index = len(rest) > 1 and all(isinstance(s, str) for s in rest[:-1]) and not isinstance(rest[-1], str)
    array = ".".join(rest[:-1]) if one_index else ""
    origin = Origin(relation.collection, array, element=True) if array and relation.collection else None
    return Typed(_path(current, run) if run else current, SqlType.ANY, origin=origin)


def numeric_read(x: Any) -> Any:
    """A field declared numeric as PostgreSQL's numeric column holds it, whatever BSON number type
    a value is stored as (the DDL's DECIMAL accepts any number; Node drivers store 100 as int32):
    a Decimal128 as is, an int32/int64 exactly, a double as ``float8_numeric`` (what PostgreSQL
    stores when a double is inserted into a numeric column). Anything else stays as it is."""
    from leaf_dagster.sql.casts import double_numeric

    integer = {"$in": [{"$type": "$$n"}, ["int", "long"]]}
    double = {"$eq": [{"$type": "$$n"}, "double"]}
    branches = [
        {"case": integer, "then": {"$toDecimal": "$$n"}},
        {"case": double, "then": double_numeric("$$n")},
    ]
    converted = let({"n": x}, {"$switch": {"branches": branches, "default": "$$n"}})
    if not _is_field_path(x):
        return converted
    # A field path: a Decimal128 (what a DECIMAL field usually holds) is tested first, with no
    # $let, as each operator costs per row on the embedded server.
    return {"$cond": [{"$eq": [{"$type": x}, "decimal"]}, x, converted]}


def nullness(expr: Any) -> Any:
    """An expression that is NULL (or missing) exactly when ``expr`` is, and cheaper per row: a
    numeric reading of a value is NULL only when the value is, and a ``$switch``/``$cond`` is NULL
    when the branch it takes is. For accumulators that only tell whether a value was seen."""
    if isinstance(expr, dict) and len(expr) == 1:
        ((op, arg),) = expr.items()
        if op == "$cond" and isinstance(arg, list) and len(arg) == 3:
            read = arg[1]
            if _is_field_path(read) and expr == numeric_read(read):
                return read
            return {"$cond": [arg[0], nullness(arg[1]), nullness(arg[2])]}
        if op == "$let" and isinstance(arg, dict) and set(arg.get("vars", {})) == {"n"}:
            bound = arg["vars"]["n"]
            value = bound["$ifNull"][0] if isinstance(bound, dict) and "$ifNull" in bound else None
            if value is not None and not _is_field_path(value) and expr == numeric_read(value):
                return nullness(value)
        if op == "$switch" and isinstance(arg, dict):
            branches = [{"case": b["case"], "then": nullness(b["then"])} for b in arg["branches"]]
            mapped: dict[str, Any] = {"branches": branches}
            if "default" in arg:  # no default: a row no case takes fails, as before
                mapped["default"] = nullness(arg["default"])
            return {"$switch": mapped}
    return expr


def _is_field_path(x: Any) -> bool:
    return isinstance(x, str) and x.startswith("$") and not x.startswith("$$")


def element(array: Any, idx: Typed) -> Any:
    """``array[idx]`` (0-based), NULL past either end as in PostgreSQL (``$arrayElemAt`` counts a
    negative index from the end). ``$ifNull`` makes an index past the end NULL rather than missing:
    the embedded server's "missing" there is a value ``$type`` calls an object, which ``$abs`` rejects."""
    if idx.is_const:
        if idx.value is None or idx.value < 0:
            return None
        return {"$ifNull": [{"$arrayElemAt": [array, idx.expr]}, None]}
    at = {"$ifNull": [{"$arrayElemAt": [array, "$$i"]}, None]}
    return let({"i": idx.expr}, {"$cond": [{"$lt": ["$$i", 0]}, None, at]})


def _path(current: Any, run: list[str]) -> Any:
    if current is None:
        return "$" + ".".join(run)
    if not run:
        return current
    return let({"elem": current}, "$$elem." + ".".join(run))


def output_name(node: exp.Expr, source: Source) -> str | None:
    """PostgreSQL's default column name for a path: its last field name."""
    if not isinstance(node, PATH_NODES):
        return None
    names = [s for s in segments(node, source) if isinstance(s, str)]
    return names[-1] if names else None
