"""Text functions with SQL NULL handling and PostgreSQL's character semantics.

MongoDB string operators turn NULL into "" (``$toLower``) or fail (``$strLenCP``), and change the
case of ASCII letters only; SQL returns NULL and maps every letter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql import numeric
from leaf_dagster.sql.casts import to_text
from leaf_dagster.sql.errors import runtime_error
from leaf_dagster.sql.literals import argument, is_unknown
from leaf_dagster.sql.regex_functions import substring_regex
from leaf_dagster.sql.values import SqlType, Typed, const, is_null, let, null_if_any_null

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator

MAX_CHARS = 2_147_483_647
NEGATIVE_LENGTH = "negative substring length not allowed"


def _case_table(upper: bool) -> tuple[str, str]:
    sources, targets = [], []
    for code in range(0x80, 0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        mapped = ch.upper() if upper else ch.lower()
        if len(mapped) == 1 and mapped != ch:
            sources.append(ch)
            targets.append(mapped)
    return "".join(sources), "".join(targets)


_CASE_TABLES = {"$toUpper": _case_table(True), "$toLower": _case_table(False)}


def case_tables(op: str) -> tuple[str, str]:
    """The non-ASCII characters ``op`` ($toUpper/$toLower) changes, and what each becomes."""
    return _CASE_TABLES[op]


def _change_case(op: str) -> Callable[[Translator, exp.Expr], Typed]:
    """UPPER/LOWER beyond ASCII (MongoDB's operators only map ASCII letters), per code point."""
    sources, targets = _CASE_TABLES[op]

    def handle(tr: Translator, node: exp.Expr) -> Typed:
        value = tr.translate(node.this)
        if value.is_const:
            text = value.value
            return const(
                None if text is None else text.upper() if op == "$toUpper" else text.lower(), SqlType.TEXT
            )
        char = {"$substrCP": ["$$s", "$$this", 1]}
        mapped = {
            "$let": {
                "vars": {"at": {"$indexOfCP": [sources, char]}},
                "in": {"$cond": [{"$gte": ["$$at", 0]}, {"$substrCP": [targets, "$$at", 1]}, {op: char}]},
            }
        }
        per_char = {
            "$reduce": {
                "input": {"$range": [0, {"$strLenCP": "$$s"}]},
                "initialValue": "",
                "in": {"$concat": ["$$value", mapped]},
            }
        }
        ascii_only = {"$regexMatch": {"input": "$$s", "regex": "^[\\x00-\\x7f]*$"}}
        body = {"$cond": [{"$eq": ["$$s", None]}, None, {"$cond": [ascii_only, {op: "$$s"}, per_char]}]}
        return Typed(let({"s": value.expr}, body), SqlType.TEXT)

    return handle


def _integer(tr: Translator, node: exp.Expr) -> Typed:
    """An integer argument: a quoted literal is read as an integer, as PostgreSQL does."""
    return argument(tr.translate(node), SqlType.INT, tr.conditions.failure(node))


def _left_right(tr: Translator, node: exp.Expr) -> Typed:
    text, count = tr.translate(node.this), _integer(tr, node.expression)
    if not count.is_const:
        return _left_right_per_row(node, text, count)
    if not isinstance(count.value, int | type(None)):
        raise tr.error(f"{node.key.upper()} needs an integer length", node)
    if count.value is None:
        return const(None, SqlType.TEXT)
    n = count.value
    size = {"$strLenCP": "$$s"}
    if isinstance(node, exp.Left):
        # A negative n keeps all but the last |n| characters, as PostgreSQL.
        length: Any = n if n >= 0 else {"$max": [{"$add": [size, n]}, 0]}
        body: Any = {"$substrCP": ["$$s", 0, length]}
    else:
        start = {"$max": [{"$subtract": [size, n]}, 0]} if n >= 0 else min(-n, MAX_CHARS)
        body = {"$substrCP": ["$$s", start, MAX_CHARS]}
    return Typed(let({"s": text.expr}, {"$cond": [{"$eq": ["$$s", None]}, None, body]}), SqlType.TEXT)


def _left_right_per_row(node: exp.Expr, text: Typed, count: Typed) -> Typed:
    """LEFT/RIGHT with a length computed per row (``LEFT(email, POSITION('@' IN email) - 1)``): the
    constant form's rules, chosen on the server by the length's sign."""
    size = {"$strLenCP": "$$s"}
    negative = {"$lt": ["$$n", 0]}
    if isinstance(node, exp.Left):
        length = {"$cond": [negative, {"$max": [{"$add": [size, "$$n"]}, 0]}, "$$n"]}
        body: Any = {"$substrCP": ["$$s", 0, length]}
    else:
        start = {
            "$cond": [
                negative,
                {"$min": [{"$multiply": [-1, "$$n"]}, size]},
                {"$max": [{"$subtract": [size, "$$n"]}, 0]},
            ]
        }
        body = {"$substrCP": ["$$s", start, MAX_CHARS]}
    either_null = {"$or": [{"$eq": ["$$s", None]}, {"$eq": ["$$n", None]}]}
    return Typed(
        let({"s": text.expr, "n": {"$toLong": count.expr}}, {"$cond": [either_null, None, body]}),
        SqlType.TEXT,
    )


def _length(tr: Translator, node: exp.Expr) -> Typed:
    value = tr.translate(node.this)
    if value.type not in (SqlType.TEXT, SqlType.ANY, SqlType.NULL):
        raise tr.error(f"LENGTH does not apply to {value.type.value}", node)
    # length() is an integer (int4); of a constant it folds, as PostgreSQL folds it at plan time, so
    # 2147483647 + LENGTH('abc') fails at compile time as it does there (also under WHERE FALSE).
    if value.is_const and isinstance(value.value, str):
        return numeric.integer_const(len(value.value), True)
    if value.is_null_const:
        return replace(const(None, SqlType.INT), int32=True)
    return Typed(null_if_any_null([value], {"$strLenCP": value.expr}), SqlType.INT, int32=True)


def _substring(tr: Translator, node: exp.Expr) -> Typed:
    text = tr.translate(node.this)
    start_arg = node.args.get("start")
    if node.args.get("length") is None and start_arg is not None and is_unknown(tr.translate(start_arg)):
        # PostgreSQL reads SUBSTRING(s FROM '2') as substring(text, text): a regular expression.
        return substring_regex(tr, node)
    for part in ("start", "length"):
        arg = node.args.get(part)
        if arg is not None and is_unknown(tr.translate(arg)):
            raise tr.error(
                "SUBSTRING with a quoted pattern (a regular expression) is not supported: write the position as a number",
                node,
            )
    start = tr.translate(node.args["start"]) if node.args.get("start") else const(1)
    length = tr.translate(node.args["length"]) if node.args.get("length") else None
    args = [text, start] + ([length] if length else [])
    if start.is_const and (length is None or length.is_const):
        if length is not None and length.value is not None and length.value < 0:
            raise tr.error(NEGATIVE_LENGTH, node)
        if start.value is None or (length is not None and length.value is None):
            return const(None, SqlType.TEXT)
        first = max(start.value - 1, 0)
        count = MAX_CHARS if length is None else max(start.value - 1 + length.value - first, 0)
        return Typed(null_if_any_null([text], {"$substrCP": [text.expr, first, count]}), SqlType.TEXT)
    if length is not None and not length.is_const:
        # PostgreSQL fails on a negative length; the server does too, with the same words.
        checked = {
            "$cond": [
                {"$and": [{"$isNumber": length.expr}, {"$lt": [length.expr, 0]}]},
                runtime_error(NEGATIVE_LENGTH, length.expr),
                length.expr,
            ]
        }
        length = Typed(checked, length.type)
    zero_based = {"$subtract": [start.expr, 1]}
    first_expr = {"$max": [zero_based, 0]}
    count_expr: Any = (
        MAX_CHARS
        if length is None
        else {"$max": [{"$subtract": [{"$add": [zero_based, length.expr]}, first_expr]}, 0]}
    )
    return Typed(null_if_any_null(args, {"$substrCP": [text.expr, first_expr, count_expr]}), SqlType.TEXT)


def _trim(tr: Translator, node: exp.Expr) -> Typed:
    text = tr.translate(node.this)
    chars_node = node.args.get("expression")
    chars = tr.translate(chars_node) if chars_node is not None else const(" ")
    position = str(node.args.get("position") or "BOTH").upper()
    op = {"LEADING": "$ltrim", "TRAILING": "$rtrim"}.get(position, "$trim")
    return Typed(
        null_if_any_null([text, chars], {op: {"input": text.expr, "chars": chars.expr}}), SqlType.TEXT
    )


def _replace(tr: Translator, node: exp.Expr) -> Typed:
    if node.args.get("replacement") is None:
        raise tr.error("REPLACE takes three arguments", node)
    text, find = tr.translate(node.this), tr.translate(node.expression)
    replacement = tr.translate(node.args["replacement"])
    if find.is_const and find.value == "":
        return text
    body = {"$replaceAll": {"input": text.expr, "find": find.expr, "replacement": replacement.expr}}
    return Typed(null_if_any_null([text, find, replacement], body), SqlType.TEXT)


def output_text(value: Typed) -> Typed:
    """A value as CONCAT prints it: its output function's text, so a boolean is ``t``/``f``
    (unlike ``CAST(… AS TEXT)``, which gives true/false)."""
    if value.type == SqlType.BOOL:
        if value.is_const:
            return const(None if value.value is None else "t" if value.value else "f", SqlType.TEXT)
        return Typed({"$cond": [is_null(value.expr), None, {"$cond": [value.expr, "t", "f"]}]}, SqlType.TEXT)
    if value.type != SqlType.ANY:
        return to_text(value)
    flag = {"$cond": ["$$o", "t", "f"]}
    body = {"$cond": [{"$eq": [{"$type": "$$o"}, "bool"]}, flag, to_text(Typed("$$o", SqlType.ANY)).expr]}
    return Typed(let({"o": value.expr}, body), SqlType.TEXT)


def _no_interval(tr: Translator, node: exp.Expr, *values: Typed) -> None:
    """An interval is held as milliseconds: its text is not PostgreSQL's (``1 day 02:00:00``)."""
    if any(v.type == SqlType.INTERVAL for v in values):
        raise tr.error("the text of an interval is not supported", node)


def _concat(tr: Translator, node: exp.Expr) -> Typed:
    values = [tr.translate(a) for a in node.expressions]
    _no_interval(tr, node, *values)
    parts = [output_text(v) for v in values]
    exprs = [p.expr if p.is_const else {"$ifNull": [p.expr, ""]} for p in parts if not p.is_null_const]
    if all(p.is_const for p in parts):
        return const("".join(p.value for p in parts if p.value is not None), SqlType.TEXT)
    return Typed({"$concat": exprs}, SqlType.TEXT)


def _dpipe(tr: Translator, node: exp.Expr) -> Typed:
    a, b = tr.translate(node.this), tr.translate(node.expression)
    if SqlType.ARRAY in (a.type, b.type):
        raise tr.error("array concatenation is not supported", node)
    _no_interval(tr, node, a, b)
    ta, tb = to_text(a), to_text(b)
    if ta.is_null_const or tb.is_null_const:
        return const(None, SqlType.TEXT)
    if ta.is_const and tb.is_const:
        return const(ta.value + tb.value, SqlType.TEXT)
    parts = [p for t in (ta, tb) for p in _concat_parts(t.expr)]
    return Typed({"$concat": parts}, SqlType.TEXT)


def _concat_parts(expr: Any) -> list[Any]:
    # a || b || c: one $concat (NULL in any part still makes the whole NULL).
    if isinstance(expr, dict) and list(expr) == ["$concat"]:
        return list(expr["$concat"])
    return [expr]


def _position(tr: Translator, node: exp.Expr) -> Typed:
    text, sub = tr.translate(node.this), tr.translate(node.args["substr"])
    if node.args.get("position") is not None:
        raise tr.error("STRPOS with a start position is not supported", node)
    body = {"$add": [{"$indexOfCP": [text.expr, sub.expr]}, 1]}
    return Typed(null_if_any_null([text, sub], body), SqlType.INT)


HANDLERS: dict[type[exp.Expr], Callable[[Translator, exp.Expr], Typed]] = {
    exp.Lower: _change_case("$toLower"),
    exp.Upper: _change_case("$toUpper"),
    exp.Length: _length,
    exp.Substring: _substring,
    exp.Trim: _trim,
    exp.Replace: _replace,
    exp.Concat: _concat,
    exp.DPipe: _dpipe,
    exp.StrPosition: _position,
    exp.Left: _left_right,
    exp.Right: _left_right,
}
