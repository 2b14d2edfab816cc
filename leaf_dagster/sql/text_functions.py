"""PostgreSQL's text functions beyond the basics: CONCAT_WS, LPAD/RPAD, SPLIT_PART, INITCAP, REPEAT,
REVERSE, STARTS_WITH, TRANSLATE; MD5 is refused (MongoDB has no hash in aggregation expressions).

Positions and lengths count characters (code points), as PostgreSQL does with UTF-8: only the
``…CP`` operators are used. A strict function is NULL when any argument is NULL.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql.errors import runtime_error
from leaf_dagster.sql.literals import argument
from leaf_dagster.sql.parsing import DIALECT
from leaf_dagster.sql.strings import case_tables, output_text
from leaf_dagster.sql.values import NUMERIC, SqlType, Typed, const, let, null_if_any_null

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator

ZERO_FIELD = "field position must not be zero"
ASCII_ONLY = "^[\\x00-\\x7f]*$"


def _text(tr: Translator, node: exp.Expr, name: str) -> Typed:
    value = tr.translate(node)
    if value.type in NUMERIC or value.type in (SqlType.BOOL, SqlType.DATE, SqlType.DAY, SqlType.ARRAY):
        raise tr.error(f"{name} does not apply to {value.type.value} (cast it to TEXT)", node)
    return argument(value, SqlType.TEXT, tr.conditions.failure(node))


def _integer(tr: Translator, node: exp.Expr, name: str) -> Typed:
    value = argument(tr.translate(node), SqlType.INT, tr.conditions.failure(node))
    if value.type not in (SqlType.INT, SqlType.ANY, SqlType.NULL):
        raise tr.error(f"{name} needs an integer, not {value.type.value}", node)
    return value


def per_char(text: Any, piece: Callable[[Any, Any], Any], *, backwards: bool = False) -> Any:
    """The concatenation of ``piece(char, index)`` over the characters of ``text`` (not NULL)."""
    char = {"$substrCP": ["$$t", "$$this", 1]}
    joined = ["$$value", piece(char, "$$this")]
    body = {
        "$reduce": {
            "input": {"$range": [0, {"$strLenCP": "$$t"}]},
            "initialValue": "",
            "in": {"$concat": joined[::-1] if backwards else joined},
        }
    }
    return let({"t": text}, body)


def _repeated(text: Any, times: Any) -> Any:
    """``text`` ``times`` times (none for times <= 0)."""
    return {
        "$reduce": {
            "input": {"$range": [0, {"$max": [times, 0]}]},
            "initialValue": "",
            "in": {"$concat": ["$$value", text]},
        }
    }


def _concat_ws(tr: Translator, node: exp.Expr) -> Typed:
    if node.args.get("flatten"):
        raise tr.error("CONCAT_WS over arrays is not supported", node)
    sep_node, *item_nodes = node.expressions
    sep = _text(tr, sep_node, "CONCAT_WS")
    items = [output_text(tr.translate(n)) for n in item_nodes]
    if sep.is_null_const:
        return const(None, SqlType.TEXT)
    if sep.is_const and all(i.is_const for i in items):
        return const(sep.value.join(i.value for i in items if i.value is not None), SqlType.TEXT)
    present = {
        "$filter": {"input": [{"$ifNull": [i.expr, None]} for i in items], "cond": {"$ne": ["$$this", None]}}
    }
    joined = {
        "$reduce": {
            "input": "$$parts",
            "initialValue": None,
            "in": {
                "$cond": [{"$eq": ["$$value", None]}, "$$this", {"$concat": ["$$value", "$$sep", "$$this"]}]
            },
        }
    }
    body = {"$ifNull": [let({"parts": present}, joined), ""]}
    return Typed(null_if_any_null([sep], let({"sep": sep.expr}, body)), SqlType.TEXT)


def _pad(tr: Translator, node: exp.Expr) -> Typed:
    left = bool(node.args.get("is_left"))
    name = "LPAD" if left else "RPAD"
    text = _text(tr, node.this, name)
    length = _integer(tr, node.expression, name)
    fill_node = node.args.get("fill_pattern")
    fill = _text(tr, fill_node, name) if fill_node is not None else const(" ", SqlType.TEXT)
    # PostgreSQL: a length <= 0 gives ''; a longer string is cut to the length; an empty fill adds nothing.
    missing = {"$subtract": ["$$n", {"$strLenCP": "$$s"}]}
    copies = {"$toInt": {"$ceil": {"$divide": [missing, {"$strLenCP": "$$f"}]}}}
    padding = {"$substrCP": [_repeated("$$f", copies), 0, missing]}
    padded = {"$concat": ["$$p", "$$s"] if left else ["$$s", "$$p"]}
    body = {
        "$cond": [
            {"$lte": ["$$n", 0]},
            "",
            {
                "$cond": [
                    {"$or": [{"$lte": [missing, 0]}, {"$eq": ["$$f", ""]}]},
                    {"$substrCP": ["$$s", 0, "$$n"]},
                    let({"p": padding}, padded),
                ]
            },
        ]
    }
    expr = let({"s": text.expr, "n": length.expr, "f": fill.expr}, body)
    return Typed(null_if_any_null([text, length, fill], expr), SqlType.TEXT)


def _split_part(tr: Translator, node: exp.Expr) -> Typed:
    for flag in ("part_index_zero_as_one", "empty_delimiter_returns_whole"):
        if node.args.get(flag):
            raise tr.error("SPLIT_PART with another dialect's rules is not supported", node)
    if node.args.get("delimiter") is None or node.args.get("part_index") is None:
        raise tr.error("SPLIT_PART takes three arguments", node)
    text = _text(tr, node.this, "SPLIT_PART")
    delim = _text(tr, node.args["delimiter"], "SPLIT_PART")
    index = _integer(tr, node.args["part_index"], "SPLIT_PART")
    if index.is_const and index.value == 0:
        raise tr.error(ZERO_FIELD, node.args["part_index"])
    # PostgreSQL 14+: a negative field counts from the end; an empty delimiter makes one field.
    parts = {"$cond": [{"$eq": ["$$d", ""]}, ["$$s"], {"$split": ["$$s", "$$d"]}]}
    position = {
        "$cond": [{"$gt": ["$$i", 0]}, {"$subtract": ["$$i", 1]}, {"$add": [{"$size": "$$a"}, "$$i"]}]
    }
    inside = {"$and": [{"$gte": ["$$at", 0]}, {"$lt": ["$$at", {"$size": "$$a"}]}]}
    pick = let({"at": position}, {"$cond": [inside, {"$arrayElemAt": ["$$a", "$$at"]}, ""]})
    checked: Any = let({"a": parts}, pick)
    if not index.is_const:
        checked = {"$cond": [{"$eq": ["$$i", 0]}, runtime_error(ZERO_FIELD, "$$i"), checked]}
    expr = let({"s": text.expr, "d": delim.expr, "i": index.expr}, checked)
    return Typed(null_if_any_null([text, delim, index], expr), SqlType.TEXT)


@cache
def alnum_classes() -> tuple[str, ...]:
    """Regex classes of the non-ASCII letters and digits (PostgreSQL's word characters for INITCAP),
    each short enough for the embedded server's cap on a pattern's length (1000 characters)."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x80, sys.maxunicode + 1):
        if 0xD800 <= code < 0xE000 or not chr(code).isalnum():
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    items = [chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges]
    classes, current = [], ""
    for item in items:
        if len(current) + len(item) > 900:
            classes.append(f"[{current}]")
            current = ""
        current += item
    return (*classes, f"[{current}]")


def _map_case(char: Any, op: str) -> Any:
    sources, targets = case_tables(op)
    mapped = {
        "$let": {
            "vars": {"at": {"$indexOfCP": [sources, char]}},
            "in": {"$cond": [{"$gte": ["$$at", 0]}, {"$substrCP": [targets, "$$at", 1]}, {op: char}]},
        }
    }
    return mapped


def _initcap(tr: Translator, node: exp.Expr) -> Typed:
    # The parser fills in its dialect's word delimiters; PostgreSQL's INITCAP takes no second argument.
    given = node.args.get("expression")
    default = isinstance(given, exp.Literal) and given.this == DIALECT.INITCAP_DEFAULT_DELIMITER_CHARS
    if given is not None and (not default or "start" in given.meta):
        raise tr.error("INITCAP takes one argument", node)
    text = _text(tr, node.this, "INITCAP")
    if text.is_const:
        return const(None if text.value is None else _initcap_constant(text.value), SqlType.TEXT)

    fast, slow = per_char("$$s", _initcap_piece(True)), per_char("$$s", _initcap_piece(False))
    test = {"$regexMatch": {"input": "$$s", "regex": ASCII_ONLY}}
    expr = let({"s": text.expr}, {"$cond": [{"$eq": ["$$s", None]}, None, {"$cond": [test, fast, slow]}]})
    return Typed(expr, SqlType.TEXT)


def _initcap_piece(ascii_only: bool) -> Callable[[Any, Any], Any]:
    """A character of INITCAP: upper case after a non-word character, lower case inside a word."""

    def piece(char: Any, index: Any) -> Any:
        prev = {"$substrCP": ["$$t", {"$subtract": [index, 1]}, 1]}
        word: Any = {"$regexMatch": {"input": prev, "regex": "^[A-Za-z0-9]$"}}
        if not ascii_only:
            tests = [{"$regexMatch": {"input": "$$c", "regex": c}} for c in alnum_classes()]
            word = let({"c": prev}, {"$or": [word, *tests]})
        starts = {"$or": [{"$eq": [index, 0]}, {"$not": [word]}]}
        if ascii_only:
            return {"$cond": [starts, {"$toUpper": char}, {"$toLower": char}]}
        return {"$cond": [starts, _map_case(char, "$toUpper"), _map_case(char, "$toLower")]}

    return piece


def _initcap_constant(text: str) -> str:
    out, word = [], False
    for ch in text:
        if ch.isalnum():
            mapped = ch.lower() if word else ch.upper()
            out.append(mapped if len(mapped) == 1 else ch)
            word = True
        else:
            out.append(ch)
            word = False
    return "".join(out)


def _repeat(tr: Translator, node: exp.Expr) -> Typed:
    text = _text(tr, node.this, "REPEAT")
    times = _integer(tr, node.args["times"], "REPEAT")
    if text.is_const and times.is_const:
        if text.value is None or times.value is None:
            return const(None, SqlType.TEXT)
        return const(text.value * max(times.value, 0), SqlType.TEXT)
    return Typed(null_if_any_null([text, times], _repeated(text.expr, times.expr)), SqlType.TEXT)


def _reverse(tr: Translator, node: exp.Expr) -> Typed:
    text = _text(tr, node.this, "REVERSE")
    if text.is_const:
        return const(None if text.value is None else text.value[::-1], SqlType.TEXT)
    body = per_char(text.expr, lambda char, _: char, backwards=True)
    return Typed(null_if_any_null([text], body), SqlType.TEXT)


def _starts_with(tr: Translator, node: exp.Expr) -> Typed:
    text = _text(tr, node.this, "STARTS_WITH")
    prefix = _text(tr, node.expression, "STARTS_WITH")
    if text.is_const and prefix.is_const:
        if text.value is None or prefix.value is None:
            return const(None, SqlType.BOOL)
        return const(text.value.startswith(prefix.value), SqlType.BOOL)
    test = let(
        {"s": text.expr, "p": prefix.expr},
        {"$eq": [{"$substrCP": ["$$s", 0, {"$strLenCP": "$$p"}]}, "$$p"]},
    )
    return Typed(null_if_any_null([text, prefix], test), SqlType.BOOL)


def _translate(tr: Translator, node: exp.Expr) -> Typed:
    text = _text(tr, node.this, "TRANSLATE")
    source = _text(tr, node.args["from_"], "TRANSLATE")
    target = _text(tr, node.args["to"], "TRANSLATE")
    if text.is_const and source.is_const and target.is_const:
        if None in (text.value, source.value, target.value):
            return const(None, SqlType.TEXT)
        return const(_translate_constant(text.value, source.value, target.value), SqlType.TEXT)

    # The first occurrence in ``from`` decides; a character past the end of ``to`` is deleted.
    def piece(char: Any, _: Any) -> Any:
        at = {"$indexOfCP": ["$$from", char]}
        return let(
            {"at": at},
            {
                "$cond": [
                    {"$lt": ["$$at", 0]},
                    char,
                    {"$substrCP": ["$$to", "$$at", 1]},
                ]
            },
        )

    body = let({"from": source.expr, "to": target.expr}, per_char(text.expr, piece))
    return Typed(null_if_any_null([text, source, target], body), SqlType.TEXT)


def _translate_constant(text: str, source: str, target: str) -> str:
    out = []
    for ch in text:
        at = source.find(ch)
        if at < 0:
            out.append(ch)
        elif at < len(target):
            out.append(target[at])
    return "".join(out)


def _md5(tr: Translator, node: exp.Expr) -> Typed:
    raise tr.error(
        "MD5 is not supported: MongoDB's aggregation expressions have no hash function "
        "(store the hash when writing the documents, or compute it after reading)",
        node,
    )


HANDLERS: dict[type[exp.Expr], Callable[[Translator, exp.Expr], Typed]] = {
    exp.ConcatWs: _concat_ws,
    exp.Pad: _pad,
    exp.SplitPart: _split_part,
    exp.Initcap: _initcap,
    exp.Repeat: _repeat,
    exp.Reverse: _reverse,
    exp.StartsWith: _starts_with,
    exp.Translate: _translate,
    exp.MD5: _md5,
}
