"""PostgreSQL's JSON operators and constructors on BSON: a json value is the BSON value itself (an
embedded document is a JSON object, an array a JSON array).

- ``x -> 'key'`` is the member of a document (NULL when ``x`` is not a document or lacks it),
  ``x -> n`` the element of an array (0-based as in PostgreSQL's jsonb, negative from the end);
  ``x #> '{a,b,0}'`` follows a path of such steps.
- ``->>`` and ``#>>`` give text as jsonb prints it: a string itself, ``true``/``false``, integers and
  numerics with their digits (``1.50`` stays ``1.50``); a JSON null is SQL NULL. Where the text would
  not be jsonb's (a document or an array, which jsonb prints with its own key order and spacing; a
  double, a date or an ObjectId, which JSON does not have), the server fails with a message
  naming the operator rather than return a different text.
- ``JSON[B]_BUILD_ARRAY(…)`` is an array, ``TO_JSON[B](x)`` the value itself, and ``TO_JSON[B](t)``
  (``ROW_TO_JSON(t)``) of the FROM relation ``t`` its whole document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql.errors import runtime_error
from leaf_dagster.sql.ordering import HELPER_PREFIX
from leaf_dagster.sql.values import SqlType, Typed, let

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator

Step = str | int


def _member(value: Any, step: Step, path: bool) -> Any:
    """One step on a value that may be anything; a text step of a #> ``path`` may index an array."""
    if isinstance(step, int):
        return let(
            {"j": value},
            {"$cond": [{"$isArray": "$$j"}, {"$ifNull": [{"$arrayElemAt": ["$$j", step]}, None]}, None]},
        )
    member = {"$ifNull": [{"$getField": {"field": {"$literal": step}, "input": "$$j"}}, None]}
    by_type: list[dict[str, Any]] = [{"case": {"$eq": [{"$type": "$$j"}, "object"]}, "then": member}]
    index = _array_index(step) if path else None
    if index is not None:  # a path step ('{a,0}') is a key of a document or an index of an array
        element = {"$ifNull": [{"$arrayElemAt": ["$$j", index]}, None]}
        by_type.append({"case": {"$isArray": "$$j"}, "then": element})
    return let({"j": value}, {"$switch": {"branches": by_type, "default": None}})


def _array_index(text: str) -> int | None:
    body = text[1:] if text.startswith("-") else text
    return int(text) if body.isdigit() else None


def _steps(tr: Translator, node: exp.Expr) -> list[Step]:
    path = node.expression
    if isinstance(node, exp.JSONExtract | exp.JSONExtractScalar):
        if not isinstance(path, exp.JSONPath):  # a negative index: -> -1
            key = tr.translate(path)
            if not key.is_const or not isinstance(key.value, int | str) or isinstance(key.value, bool):
                raise tr.error("the key of -> and ->> must be a constant text or integer", node)
            return [key.value]
        steps: list[Step] = []
        for part in path.expressions:
            if isinstance(part, exp.JSONPathRoot):
                continue
            if (isinstance(part, exp.JSONPathKey) and isinstance(part.this, str)) or (
                isinstance(part, exp.JSONPathSubscript) and isinstance(part.this, int)
            ):
                steps.append(part.this)
            else:
                raise tr.error("the key of -> and ->> must be a constant text or integer", node)
        return steps
    text = tr.translate(path)
    if not text.is_const or not isinstance(text.value, str):
        raise tr.error("the path of #> and #>> must be a constant text array such as '{a,b,0}'", node)
    return _text_array(tr, node, text.value)


def _text_array(tr: Translator, node: exp.Expr, text: str) -> list[Step]:
    """A PostgreSQL text[] literal of plain (unquoted, unescaped) elements."""
    body = text.strip()
    if not (body.startswith("{") and body.endswith("}")):
        raise tr.error("the path of #> and #>> must be a text array such as '{a,b,0}'", node)
    inner = body[1:-1].strip()
    if not inner:
        return []
    parts = [p.strip() for p in inner.split(",")]
    if any(not p or any(c in p for c in '"\\{} ') or p.upper() == "NULL" for p in parts):
        raise tr.error("a #> path with quoted, empty or NULL elements is not supported", node)
    return list(parts)


def extract(tr: Translator, node: exp.Expr) -> Typed:
    """``->``, ``->>``, ``#>``, ``#>>``."""
    value = tr.translate(node.this)
    if value.type not in (SqlType.ANY, SqlType.ARRAY, SqlType.NULL):
        raise tr.error(f"{_operator(node)} applies to documents and arrays, not {value.type.value}", node)
    expr = value.expr
    path = isinstance(node, exp.JSONBExtract | exp.JSONBExtractScalar)
    for step in _steps(tr, node):
        expr = _member(expr, step, path)
    if isinstance(node, exp.JSONExtractScalar | exp.JSONBExtractScalar):
        return Typed(as_text(expr, _operator(node)), SqlType.TEXT)
    return Typed(expr, SqlType.ANY)


def _operator(node: exp.Expr) -> str:
    words: dict[type[exp.Expr], str] = {
        exp.JSONExtract: "->",
        exp.JSONExtractScalar: "->>",
        exp.JSONBExtract: "#>",
        exp.JSONBExtractScalar: "#>>",
    }
    return words.get(type(node), "a JSON operator")


def as_text(value: Any, operator: str) -> Any:
    """A JSON value as the text jsonb's ``->>`` gives, or a server error where BSON cannot say it."""
    kind = {"$type": "$$t"}

    def fails(what: str) -> Any:
        return runtime_error(f"{operator} of {what} is not supported: jsonb prints it its own way", "$$t")

    branches = [
        {"case": {"$in": [kind, ["missing", "null"]]}, "then": None},
        {"case": {"$eq": [kind, "string"]}, "then": "$$t"},
        {"case": {"$eq": [kind, "bool"]}, "then": {"$cond": ["$$t", "true", "false"]}},
        {"case": {"$in": [kind, ["int", "long"]]}, "then": {"$toString": "$$t"}},
        {
            # Decimal128 keeps its scale as numeric does (1.50); an exponent form jsonb never prints.
            "case": {"$eq": [kind, "decimal"]},
            "then": let(
                {"s": {"$toString": "$$t"}},
                {
                    "$cond": [
                        {"$regexMatch": {"input": "$$s", "regex": "^-?[0-9]+(\\.[0-9]+)?$"}},
                        "$$s",
                        fails("a numeric in exponent form"),
                    ]
                },
            ),
        },
        {
            "case": {"$in": [kind, ["object", "array"]]},
            "then": fails("a JSON object or array (use -> or #>)"),
        },
    ]
    return let({"t": value}, {"$switch": {"branches": branches, "default": fails("a non-JSON BSON value")}})


def build_array(tr: Translator, node: exp.Expr) -> Typed:
    items = [tr.translate(e) for e in node.expressions]
    for item, item_node in zip(items, node.expressions, strict=True):
        check_json_value(tr, item, item_node)
    # Inside an operator, so that a $project does not read the list as a constant.
    return Typed({"$concatArrays": [[{"$ifNull": [i.expr, None]} for i in items]]}, SqlType.ARRAY)


def check_json_value(tr: Translator, value: Typed, node: exp.Expr) -> None:
    """PostgreSQL turns a timestamp into a JSON string; BSON would keep a date: refused."""
    if value.type in (SqlType.DATE, SqlType.DAY, SqlType.INTERVAL):
        raise tr.error(f"a {value.type.value} inside JSON is not supported (CAST it to TEXT)", node)


def to_json(tr: Translator, node: exp.Expr) -> Typed:
    """TO_JSON[B](x): the value; of the FROM relation's name, its whole document."""
    name = str(node.this).upper()
    if len(node.expressions) != 1:
        raise tr.error(f"{name} takes one argument", node)
    (arg,) = node.expressions
    if isinstance(arg, exp.Column) and not arg.table and isinstance(arg.this, exp.Identifier):
        relation = next((r for r in tr.ctx.scope.all_relations if r.alias == arg.name), None)
        if relation is not None:
            if relation.prefix or relation.columns is not None or len(tr.ctx.scope.all_relations) != 1:
                raise tr.error(f"{name} of a row is supported for the one collection in FROM", node)
            # The document without the compiler's own helper fields (window keys…).
            fields = {"$objectToArray": "$$ROOT"}
            own = {"$eq": [{"$indexOfCP": ["$$this.k", HELPER_PREFIX]}, 0]}
            return Typed(
                {"$arrayToObject": {"$filter": {"input": fields, "cond": {"$not": [own]}}}}, SqlType.ANY
            )
    if name == "ROW_TO_JSON":
        raise tr.error("ROW_TO_JSON needs the FROM collection's name", node)
    value = tr.translate(arg)
    check_json_value(tr, value, arg)
    return value


ANONYMOUS: dict[str, Callable[[Translator, exp.Expr], Typed]] = {
    "JSON_BUILD_ARRAY": build_array,
    "JSONB_BUILD_ARRAY": build_array,
    "TO_JSON": to_json,
    "TO_JSONB": to_json,
    "ROW_TO_JSON": to_json,
}
HANDLERS: dict[type[exp.Expr], Callable[[Translator, exp.Expr], Typed]] = {
    exp.JSONExtract: extract,
    exp.JSONExtractScalar: extract,
    exp.JSONBExtract: extract,
    exp.JSONBExtractScalar: extract,
}
