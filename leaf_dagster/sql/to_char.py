"""``TO_CHAR(timestamp, format)`` for the common PostgreSQL patterns, else a ``LeafSQLError`` naming one.

sqlglot rewrites the format into strftime codes (``'Dy'`` becomes ``'%uy'``), losing what was
written, so the format is read back from the SQL text and checked against sqlglot's rewrite.
Patterns are matched as PostgreSQL does (the longest keyword first, ``DDD`` before ``DD``); a letter
that starts no supported pattern is refused rather than guessed (quote literal text: ``"T"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.time import format_time

from leaf_dagster.sql.errors import Token
from leaf_dagster.sql.values import SqlType, Typed, const, null_if_any_null

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator

_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]  # by ISO day of week (1 = Monday)
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Supported patterns: a $dateToString format, or a name table read by ISO weekday / month.
_FORMATS = {
    "YYYY": "%Y",
    "IYYY": "%G",
    "MM": "%m",
    "DD": "%d",
    "HH24": "%H",
    "MI": "%M",
    "SS": "%S",
    "IW": "%V",
}
_FORMATS.update({k.lower(): v for k, v in _FORMATS.items()})
_NAMES = {"Dy": ("dow", str.title), "DY": ("dow", str.upper), "dy": ("dow", str.lower)}
_NAMES.update({"Mon": ("month", str.title), "MON": ("month", str.upper), "mon": ("month", str.lower)})
_QUARTER = {"Q", "q"}

# PostgreSQL's pattern keywords and modifiers (formatting.c), to name what is refused.
_PG_KEYWORDS = [
    "A.D.",
    "A.M.",
    "AD",
    "AM",
    "B.C.",
    "BC",
    "CC",
    "DAY",
    "DDD",
    "DD",
    "DY",
    "Day",
    "Dy",
    "D",
    "FF1",
    "FF2",
    "FF3",
    "FF4",
    "FF5",
    "FF6",
    "FX",
    "HH24",
    "HH12",
    "HH",
    "IDDD",
    "ID",
    "IW",
    "IYYY",
    "IYY",
    "IY",
    "I",
    "J",
    "MI",
    "MM",
    "MONTH",
    "MON",
    "MS",
    "Month",
    "Mon",
    "OF",
    "P.M.",
    "PM",
    "Q",
    "RM",
    "SSSSS",
    "SSSS",
    "SS",
    "TZH",
    "TZM",
    "TZ",
    "US",
    "WW",
    "W",
    "Y,YYY",
    "YYYY",
    "YYY",
    "YY",
    "Y",
    "a.d.",
    "a.m.",
    "ad",
    "am",
    "b.c.",
    "bc",
    "cc",
    "day",
    "ddd",
    "dd",
    "dy",
    "d",
    "ff1",
    "ff2",
    "ff3",
    "ff4",
    "ff5",
    "ff6",
    "fx",
    "hh24",
    "hh12",
    "hh",
    "iddd",
    "id",
    "iw",
    "iyyy",
    "iyy",
    "iy",
    "i",
    "j",
    "mi",
    "mm",
    "month",
    "mon",
    "ms",
    "of",
    "p.m.",
    "pm",
    "q",
    "rm",
    "sssss",
    "ssss",
    "ss",
    "tz",
    "us",
    "ww",
    "w",
    "y,yyy",
    "yyyy",
    "yyy",
    "yy",
    "y",
    "FM",
    "fm",
    "TM",
    "tm",
    "TH",
    "th",
    "SP",
    "sp",
]
_BY_LENGTH = sorted(set(_PG_KEYWORDS) | set(_FORMATS) | set(_NAMES) | _QUARTER, key=len, reverse=True)


def last_argument(tr: Translator, node: exp.Expr) -> list[Token]:
    """The tokens of the last argument of the call ``node`` as written (empty when not found)."""
    source = tr.ctx.source
    start = node.meta.get("start")
    tokens = source.tokens
    index = next((i for i, t in enumerate(tokens) if t.start == start), None)
    if index is None:
        return []
    depth, argument = 0, list[Token]()
    for token in tokens[index + 1 :]:
        char = source.sql[token.start]
        if char == "(":
            depth += 1
            if depth == 1:
                continue
        elif char == ")":
            depth -= 1
            if depth == 0:
                return argument
        elif char == "," and depth == 1:
            argument = []
            continue
        argument.append(token)
    return []


def original_format(tr: Translator, node: exp.Expr) -> str:
    """The format string as written: the last argument of the call, a string literal."""
    sql = tr.ctx.source.sql
    fmt = node.args.get("format")
    argument = last_argument(tr, node)
    quoted = len(argument) == 1 and (
        sql[argument[0].start] == "'" or sql[argument[0].start : argument[0].start + 2].lower() == "e'"
    )
    if not quoted or not isinstance(fmt, exp.Literal) or not fmt.is_string:
        raise tr.error("TO_CHAR needs a constant format string", node)
    text = argument[0].text
    if format_time(text, Postgres.TIME_MAPPING, Postgres.TIME_TRIE) != fmt.this:
        raise tr.error("TO_CHAR needs a constant format string", node)
    return text


def parse_format(text: str) -> list[tuple[str, str]]:
    """``[(kind, text)]``: kind is ``literal`` or a supported pattern; raises ``ValueError(pattern)``."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == '"':
            i += 1
            chunk = []
            while i < len(text) and text[i] != '"':
                if text[i] == "\\" and i + 1 < len(text) and text[i + 1] == '"':
                    i += 1
                chunk.append(text[i])
                i += 1
            i += 1
            out.append(("literal", "".join(chunk)))
            continue
        if char == "\\":
            raise ValueError("\\")
        if not char.isalpha():
            out.append(("literal", char))
            i += 1
            continue
        keyword = next((k for k in _BY_LENGTH if text.startswith(k, i)), None)
        if keyword is None or not (keyword in _FORMATS or keyword in _NAMES or keyword in _QUARTER):
            if keyword is not None and keyword.upper() in ("FM", "TM", "FX"):
                following = next((k for k in _BY_LENGTH if text.startswith(k, i + 2)), "")
                keyword += following
            raise ValueError(keyword or _letters(text, i))
        out.append((keyword, keyword))
        i += len(keyword)
    return out


def _letters(text: str, i: int) -> str:
    end = i
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[i:end]


def _piece(kind: str, text: str, date: Any) -> Any:
    if kind == "literal":
        return text
    if kind in _FORMATS:
        return {"$dateToString": {"date": date, "format": _FORMATS[kind]}}
    if kind in _QUARTER:
        return {"$arrayElemAt": [[str(m // 3 + 1) for m in range(12)], {"$subtract": [{"$month": date}, 1]}]}
    table, case = _NAMES[kind]
    names = [case(n) for n in (_DAYS if table == "dow" else _MONTHS)]
    position = {"$isoDayOfWeek": date} if table == "dow" else {"$month": date}
    return {"$arrayElemAt": [names, {"$subtract": [position, 1]}]}


def to_char(tr: Translator, node: exp.Expr) -> Typed:
    value = tr.translate(node.this)
    if value.type not in (SqlType.DATE, SqlType.DAY, SqlType.ANY, SqlType.NULL):
        raise tr.error(f"TO_CHAR of {value.type.value} is not supported (only of a timestamp or date)", node)
    text = original_format(tr, node)
    try:
        parts = parse_format(text)
    except ValueError as exc:
        raise tr.error(
            f"TO_CHAR pattern {exc.args[0]!r} is not supported (supported: YYYY MM DD HH24 MI SS Dy Mon"
            ' IW IYYY Q; quote literal text as "text")',
            node,
        ) from None
    if not text or value.is_null_const:
        return const(None, SqlType.TEXT)  # PostgreSQL: an empty format gives NULL
    pieces: list[Any] = []
    for kind, chunk in parts:
        piece = _piece(kind, chunk, "$$d")
        if isinstance(piece, str) and pieces and isinstance(pieces[-1], str):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    body = {"$concat": [{"$literal": p} if isinstance(p, str) else p for p in pieces]}
    expr = {"$let": {"vars": {"d": value.expr}, "in": body}}
    return Typed(null_if_any_null([value], expr), SqlType.TEXT)
