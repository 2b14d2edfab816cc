"""``LeafSQLError``: what is wrong in a query, and where (line and column, 1-based)."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlglot import exp


class LeafSQLError(ValueError):
    """Malformed SQL, or a construct the compiler does not translate (it never guesses)."""

    def __init__(self, message: str, *, line: int = 1, col: int = 1, construct: str = "") -> None:
        self.message = message
        self.line = line
        self.col = col
        self.construct = construct
        where = f"line {line}, column {col}"
        super().__init__(f"{message} ({construct!r} at {where})" if construct else f"{message} (at {where})")

    def caret(self, sql: str) -> str:
        """The offending line of ``sql`` with a caret under the error's column."""
        lines = sql.splitlines() or [""]
        text = lines[min(self.line, len(lines)) - 1]
        return f"{text}\n{' ' * (self.col - 1)}^"


@dataclass(frozen=True)
class Token:
    text: str
    start: int


class Source:
    """The SQL text and its tokens, to turn AST nodes into line/column positions."""

    def __init__(self, sql: str, tokens: list[Token]) -> None:
        self.sql = sql
        self.tokens = tokens

    def position(self, offset: int) -> tuple[int, int]:
        line = self.sql.count("\n", 0, offset) + 1
        return line, offset - (self.sql.rfind("\n", 0, offset) + 1) + 1

    def offset_of(self, node: exp.Expr, keyword: str | None = None) -> int:
        starts = [n.meta["start"] for n in node.walk() if isinstance(n, exp.Expr) and "start" in n.meta]
        first, last = (min(starts), max(starts)) if starts else (None, None)
        word = (keyword or _keyword(node)).upper()
        hits = [t.start for t in self.tokens if t.text.upper() == word] if word else []
        if last is not None:
            # The construct's keyword: the last occurrence before the end of the construct.
            before = [s for s in hits if s <= last]
            return before[-1] if before else first if first is not None else 0
        return hits[0] if hits else 0

    def error(self, message: str, node: exp.Expr, keyword: str | None = None) -> LeafSQLError:
        line, col = self.position(self.offset_of(node, keyword))
        return LeafSQLError(in_sql_words(message, node), line=line, col=col, construct=construct_text(node))


def function_name(node: exp.Func) -> str:
    """A function's name as PostgreSQL spells it: the one sqlglot's PostgreSQL generator prints
    (``TO_CHAR`` for ``TimeToStr``, ``JSON_AGG`` for ``JSONArrayAgg``, ``LPAD`` for ``Pad``)."""
    if isinstance(node, exp.Anonymous):
        return str(node.this).upper()
    try:
        text = node.sql(dialect="postgres")
    except Exception:  # a node that cannot be printed (an argument missing) still gets a name
        text = ""
    found = _CALL.match(text)
    name = found.group(1).upper() if found else node.key.upper()
    if _SPLIT_ACRONYM.search(name):  # no PostgreSQL spelling: the class name, acronyms kept whole
        name = _WORD_BREAK.sub("_", type(node).__name__).upper()
    return name


_CALL = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\s*\(|$)")
_SPLIT_ACRONYM = re.compile(r"(^|_)[A-Z](_[A-Z])+(_|$)")  # J_S_O_N: sqlglot's default name of JSON…
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def in_sql_words(message: str, node: exp.Expr) -> str:
    """``message`` with sqlglot's internal function name (``TIME_TO_STR``) replaced by the SQL one."""
    if not isinstance(node, exp.Func) or isinstance(node, exp.Anonymous):
        return message
    try:
        internal = node.sql_name()
    except NotImplementedError:
        return message
    words = function_name(node)
    if internal == words:
        return message
    return re.sub(rf"\b{re.escape(internal)}\b", words, message)


def construct_text(node: exp.Expr) -> str:
    try:
        text = node.sql(dialect="postgres")
    except Exception:  # a node that cannot be printed still gets named
        text = type(node).__name__
    return text if len(text) <= 80 else text[:77] + "..."


def _keyword(node: exp.Expr) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this)
    if isinstance(node, exp.Func):
        return function_name(node)
    table: dict[type[exp.Expr], str] = {
        exp.Join: "JOIN",
        exp.Window: "OVER",
        exp.Subquery: "SELECT",
        exp.Select: "SELECT",
        exp.With: "WITH",
        exp.CTE: "WITH",
        exp.Union: "UNION",
        exp.Intersect: "INTERSECT",
        exp.Except: "EXCEPT",
        exp.Unnest: "UNNEST",
        exp.Exists: "EXISTS",
        exp.Lateral: "LATERAL",
    }
    return table.get(type(node), "")


def runtime_error(message: str, witness: object) -> dict[str, object]:
    """An expression that makes the server fail with ``message`` when it is evaluated.

    Converting the text to a number fails, and the server's error quotes it. ``witness`` (any
    expression of the current document) keeps the expression from being constant, so that a
    server that folds constants at parse time does not fail when the branch is never taken.
    """
    return {"$toDouble": {"$concat": [PLANTED_MARK + message, {"$substrCP": [{"$type": witness}, 0, 0]}]}}


# Starts every planted message, so that the runner tells them from the server's own conversion
# failures (whose text is the value that failed: ``CAST(username AS INTEGER)``).
PLANTED_MARK = "ERROR: "


# sqlglot parses recursively (about 15 frames per parenthesis). Its parser is plain Python, which
# Python 3.11+ runs without growing the C stack, so parsing gets a higher limit; the compiler keeps the
# default one (it compares and serialises nested dicts in C) and walks long chains without recursion.
PARSE_RECURSION_LIMIT = 100_000
_depth_lock = threading.Lock()
_deep_users = 0
_saved_limits: list[int] = []


@contextmanager
def deep_recursion(limit: int | None = None) -> Iterator[None]:
    """Runs a step with ``limit`` frames of room (if given); a RecursionError becomes a ``LeafSQLError``."""
    global _deep_users
    if limit is not None:
        with _depth_lock:
            if _deep_users == 0:
                _saved_limits.append(sys.getrecursionlimit())
                sys.setrecursionlimit(max(limit, _saved_limits[-1]))
            _deep_users += 1
    try:
        yield
    except RecursionError:
        raise LeafSQLError(
            "expression nested too deeply: split it (a CTE) or flatten its parentheses", line=1, col=1
        ) from None
    finally:
        if limit is not None:
            with _depth_lock:
                _deep_users -= 1
                if _deep_users == 0:
                    sys.setrecursionlimit(_saved_limits.pop())
