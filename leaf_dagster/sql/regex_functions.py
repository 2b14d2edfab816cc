"""``~``, ``~*``, ``!~``, ``!~*``, ``SIMILAR TO``, ``REGEXP_REPLACE`` and ``REGEXP_MATCH`` on constant
patterns that ``regex`` can rewrite exactly; everything else is refused, naming the construct.

REGEXP_REPLACE rebuilds the text from ``$regexFind``/``$regexFindAll`` (whose ``idx`` counts code
points, like ``$substrCP``): PostgreSQL's replacement string reads ``\\1``…``\\9`` (a group that did
not take part is empty), ``\\&`` (the whole match) and ``\\\\``; any other backslash stays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql.regex import RegexRefused, Translated, similar_to_regex, translate
from leaf_dagster.sql.values import NUMERIC, SqlType, Typed, const, let, not_null, null_if_any_null

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator

MAX_CHARS = 2_147_483_647
REGEX_NODES = (exp.RegexpLike, exp.RegexpILike, exp.SimilarTo)
_OPERATORS: dict[type[exp.Expr], str] = {
    exp.RegexpLike: "~",
    exp.RegexpILike: "~*",
    exp.SimilarTo: "SIMILAR TO",
}


def is_regex_condition(node: exp.Expr) -> bool:
    return isinstance(node, REGEX_NODES) or (
        isinstance(node, exp.Escape) and isinstance(node.this, exp.SimilarTo)
    )


def _subject(tr: Translator, node: exp.Expr, what: str) -> Typed:
    value = tr.translate(node)
    if value.type in NUMERIC or value.type in (SqlType.BOOL, SqlType.DATE, SqlType.DAY, SqlType.ARRAY):
        raise tr.error(f"{what} does not apply to {value.type.value} (cast it to TEXT)", node)
    return value


def _pattern_text(tr: Translator, node: exp.Expr, what: str) -> str | None:
    pattern = tr.translate(node)
    if not pattern.is_const or not isinstance(pattern.value, str | type(None)):
        raise tr.error(f"the pattern of {what} must be a constant string or parameter", node)
    return pattern.value


def _translated(tr: Translator, node: exp.Expr, text: str, *, icase: bool, what: str) -> Translated:
    try:
        return translate(text, icase=icase)
    except RegexRefused as exc:
        raise tr.error(f"{exc} ({what})", node) from None


def condition_parts(tr: Translator, node: exp.Expr) -> tuple[Typed, str | None]:
    """The text tested and the PCRE pattern (None for a NULL pattern) of a regex condition."""
    escape: str | None = "\\"
    if isinstance(node, exp.Escape):
        esc = tr.translate(node.expression)
        if not esc.is_const or not isinstance(esc.value, str) or len(esc.value) > 1:
            raise tr.error("ESCAPE must be a single character", node)
        escape = esc.value or None
        node = node.this
    if node.args.get("flag") is not None or node.args.get("full_match"):
        raise tr.error("regular expression flags here are not supported", node)
    what = _OPERATORS[type(node)]
    value = _subject(tr, node.this, what)
    text = _pattern_text(tr, node.expression, what)
    if text is None:
        return value, None
    if isinstance(node, exp.SimilarTo):
        try:
            text = similar_to_regex(text, escape)
        except RegexRefused as exc:
            raise tr.error(str(exc), node.expression) from None
    found = _translated(tr, node.expression, text, icase=isinstance(node, exp.RegexpILike), what=what)
    return value, found.pcre


def regex_truth(tr: Translator, node: exp.Expr, want: bool) -> Any:
    value, pcre = condition_parts(tr, node)
    if pcre is None or value.is_null_const:
        return False
    test = {"$regexMatch": {"input": value.expr, "regex": pcre}}
    return {"$and": [not_null(value.expr), test if want else {"$not": [test]}]}


def regex_match(tr: Translator, node: exp.Expr, want: bool) -> dict[str, Any] | None:
    """The condition as a ``$match`` filter on a field (``$regex`` matches strings only)."""
    value, pcre = condition_parts(tr, node)
    if value.path is None:
        return None
    if pcre is None:
        return {"$expr": False}
    spec = {"$regex": pcre}
    return {value.path: spec} if want else {value.path: {"$type": "string", "$not": spec}}


def _flags(tr: Translator, node: exp.Expr | None, allowed: str) -> tuple[bool, bool]:
    """(global, case-insensitive) from a constant flags string."""
    if node is None:
        return False, False
    flags = tr.translate(node)
    if not flags.is_const or not isinstance(flags.value, str):
        raise tr.error("regular expression flags must be a constant string", node)
    bad = sorted(set(flags.value) - set(allowed))
    if bad:
        raise tr.error(
            f"regular expression flag {bad[0]!r} is not supported (only {', '.join(allowed)})", node
        )
    icase = False
    for flag in flags.value:  # the last of i/c wins, as in PostgreSQL
        icase = {"i": True, "c": False}.get(flag, icase)
    return "g" in flags.value, icase


def _replacement(text: str, groups: int) -> list[Any]:
    """``$concat`` parts of PostgreSQL's replacement string, over a match ``$$m`` of ``$regexFind``."""
    parts: list[Any] = []
    literal = ""
    i = 0
    while i < len(text):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else None
        if ch != "\\" or nxt is None:
            literal += ch
            i += 1
            continue
        if nxt.isdigit() and nxt != "0":
            if literal:
                parts.append(literal)
                literal = ""
            number = int(nxt)
            if number <= groups:
                parts.append({"$ifNull": [{"$arrayElemAt": ["$$m.captures", number - 1]}, ""]})
        elif nxt == "&":
            if literal:
                parts.append(literal)
                literal = ""
            parts.append({"$ifNull": ["$$m.match", ""]})
        elif nxt == "\\":
            literal += "\\"
        else:
            literal += "\\" + nxt
        i += 2
    if literal:
        parts.append(literal)
    return [{"$literal": p} if isinstance(p, str) and p.startswith("$") else p for p in parts]


def _regexp_replace(tr: Translator, node: exp.Expr) -> Typed:
    for arg in ("position", "occurrence"):
        if node.args.get(arg) is not None:
            raise tr.error(
                "REGEXP_REPLACE with a start position or occurrence is not supported", node.args[arg]
            )
    if node.args.get("replacement") is None:
        raise tr.error("REGEXP_REPLACE takes a replacement", node)
    text = _subject(tr, node.this, "REGEXP_REPLACE")
    pattern = _pattern_text(tr, node.expression, "REGEXP_REPLACE")
    replacement = tr.translate(node.args["replacement"])
    if not replacement.is_const or not isinstance(replacement.value, str | type(None)):
        raise tr.error(
            "the replacement of REGEXP_REPLACE must be a constant string", node.args["replacement"]
        )
    every, icase = _flags(tr, node.args.get("modifiers"), "gic")
    if pattern is None or replacement.value is None or text.is_null_const:
        return const(None, SqlType.TEXT)
    found = _translated(tr, node.expression, pattern, icase=icase, what="REGEXP_REPLACE")
    if found.ambiguous_extent is not None:
        raise tr.error(
            f"REGEXP_REPLACE with {found.ambiguous_extent} is not supported: PostgreSQL and MongoDB may "
            "match different text",
            node.expression,
        )
    if every and found.can_be_empty:
        raise tr.error(
            "REGEXP_REPLACE with 'g' and a pattern that can match empty text is not supported",
            node.expression,
        )
    pieces = _replacement(replacement.value, found.groups)
    spec = {"input": "$$s", "regex": found.pcre}
    matches: Any = (
        {"$regexFindAll": spec}
        if every
        else {"$filter": {"input": [{"$regexFind": spec}], "cond": {"$ne": ["$$this", None]}}}
    )
    step = {
        "$let": {
            "vars": {"m": "$$this"},
            "in": {
                "out": {
                    "$concat": [
                        "$$value.out",
                        {"$substrCP": ["$$s", "$$value.at", {"$subtract": ["$$m.idx", "$$value.at"]}]},
                        *pieces,
                    ]
                },
                "at": {"$add": ["$$m.idx", {"$strLenCP": "$$m.match"}]},
            },
        }
    }
    folded = {"$reduce": {"input": matches, "initialValue": {"out": "", "at": 0}, "in": step}}
    rest = let({"r": folded}, {"$concat": ["$$r.out", {"$substrCP": ["$$s", "$$r.at", MAX_CHARS]}]})
    return Typed(null_if_any_null([text], let({"s": text.expr}, rest)), SqlType.TEXT)


def _regexp_match(tr: Translator, node: exp.Expr) -> Typed:
    """``REGEXP_MATCH(s, p [, flags])``: the first match's groups (or the match) as text[], else NULL."""
    args = node.expressions
    if len(args) not in (2, 3):
        raise tr.error("REGEXP_MATCH takes two or three arguments", node)
    text = _subject(tr, args[0], "REGEXP_MATCH")
    pattern = _pattern_text(tr, args[1], "REGEXP_MATCH")
    _, icase = _flags(tr, args[2] if len(args) == 3 else None, "ic")
    if pattern is None or text.is_null_const:
        return const(None, SqlType.ARRAY)
    found = _translated(tr, args[1], pattern, icase=icase, what="REGEXP_MATCH")
    if found.ambiguous_extent is not None:
        raise tr.error(
            f"REGEXP_MATCH with {found.ambiguous_extent} is not supported: PostgreSQL and MongoDB may "
            "match different text",
            args[1],
        )
    hit = {"$regexFind": {"input": "$$s", "regex": found.pcre}}
    groups = "$$m.captures" if found.groups else ["$$m.match"]
    body = let({"m": hit}, {"$cond": [{"$eq": ["$$m", None]}, None, groups]})
    return Typed(null_if_any_null([text], let({"s": text.expr}, body)), SqlType.ARRAY)


def substring_regex(tr: Translator, node: exp.Expr) -> Typed:
    """``SUBSTRING(s FROM pattern)`` with a text pattern: the part of the first match that the first
    parenthesized group took (NULL if it took none), the whole match without groups, else NULL."""
    text = _subject(tr, node.this, "SUBSTRING")
    pattern = _pattern_text(tr, node.args["start"], "SUBSTRING")
    if pattern is None or text.is_null_const:
        return const(None, SqlType.TEXT)
    found = _translated(tr, node.args["start"], pattern, icase=False, what="SUBSTRING")
    if found.ambiguous_extent is not None:
        raise tr.error(
            f"SUBSTRING with {found.ambiguous_extent} is not supported: PostgreSQL and MongoDB may "
            "match different text",
            node.args["start"],
        )
    hit = {"$regexFind": {"input": "$$s", "regex": found.pcre}}
    part = {"$arrayElemAt": ["$$m.captures", 0]} if found.groups else "$$m.match"
    body = let({"m": hit}, {"$cond": [{"$eq": ["$$m", None]}, None, part]})
    return Typed(null_if_any_null([text], let({"s": text.expr}, body)), SqlType.TEXT)


def _regexp_matches(tr: Translator, node: exp.Expr) -> Typed:
    raise tr.error(
        "REGEXP_MATCHES is not supported: it returns a set of rows (a row without a match disappears); "
        "use REGEXP_MATCH (NULL without a match), with WHERE s ~ pattern to keep only matching rows",
        node,
    )


ANONYMOUS: dict[str, Callable[[Translator, exp.Expr], Typed]] = {
    "REGEXP_MATCH": _regexp_match,
    "REGEXP_MATCHES": _regexp_matches,
}

HANDLERS: dict[type[exp.Expr], Callable[[Translator, exp.Expr], Typed]] = {
    exp.RegexpReplace: _regexp_replace,
}
