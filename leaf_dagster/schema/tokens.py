"""Splits DDL text into tokens with 1-based line and column, dropping comments.

``-- @version 2.1.0`` comment lines are kept aside as version directives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from leaf_dagster.schema.errors import LeafSchemaError

TokenKind = Literal["ident", "string", "number", "op", "eof"]

_OPERATORS = (
    "<=", ">=", "<>", "!=", "(", ")", "{", "}", "[", "]", ",", ";", ":", ".", "=", "<", ">", "-", "+", "~"
)  # fmt: skip


@dataclass(frozen=True)
class Token:
    """One token; ``text`` is the identifier as written, the string's value, or the operator."""

    kind: TokenKind
    text: str
    line: int
    col: int
    quoted: bool = False

    def is_word(self, *words: str) -> bool:
        """True for an unquoted identifier equal (ignoring case) to one of ``words``."""
        return self.kind == "ident" and not self.quoted and self.text.upper() in words

    def is_op(self, *ops: str) -> bool:
        return self.kind == "op" and self.text in ops

    def describe(self) -> str:
        if self.kind == "eof":
            return "end of input"
        if self.kind == "string":
            return repr(self.text)
        return f"'{self.text}'"


@dataclass(frozen=True)
class Directive:
    """A ``-- @name value`` comment line."""

    name: str
    value: str
    line: int


def tokenize(text: str, source: str | None = None) -> tuple[list[Token], list[Directive]]:
    tokens: list[Token] = []
    directives: list[Directive] = []
    i, line, line_start = 0, 1, 0
    n = len(text)

    def error(message: str, at: int) -> LeafSchemaError:
        return LeafSchemaError(message, line=line, col=at - line_start + 1, source=source)

    while i < n:
        ch = text[i]
        col = i - line_start + 1
        if ch == "\n":
            i += 1
            line += 1
            line_start = i
        elif ch.isspace():
            i += 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            end = n if end == -1 else end
            comment = text[i + 2 : end].strip()
            if comment.startswith("@"):
                name, _, value = comment[1:].partition(" ")
                directives.append(Directive(name.lower(), value.strip().strip("'\""), line))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end == -1:
                raise error("unterminated /* comment", i)
            line += text.count("\n", i, end)
            last_nl = text.rfind("\n", i, end)
            if last_nl != -1:
                line_start = last_nl + 1
            i = end + 2
        elif ch == "'":
            value, i = _read_quoted(text, i, "'", error)
            tokens.append(Token("string", value, line, col))
        elif ch in '"`':
            value, i = _read_quoted(text, i, ch, error)
            tokens.append(Token("ident", value, line, col, quoted=True))
        elif ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            start = i
            while i < n and (text[i].isdigit() or text[i] == "."):
                i += 1
            if i < n and text[i] in "eE":
                j = i + 1
                if j < n and text[j] in "+-":
                    j += 1
                if j < n and text[j].isdigit():
                    i = j
                    while i < n and text[i].isdigit():
                        i += 1
            if text[start:i].count(".") > 1:
                raise error(f"malformed number {text[start:i]!r}", start)
            tokens.append(Token("number", text[start:i], line, col))
        elif ch.isalpha() or ch in "_$@":
            start = i
            while i < n and (text[i].isalnum() or text[i] in "_$@"):
                i += 1
            tokens.append(Token("ident", text[start:i], line, col))
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
            if op is None:
                raise error(f"unexpected character {ch!r}", i)
            tokens.append(Token("op", op, line, col))
            i += len(op)
    tokens.append(Token("eof", "", line, n - line_start + 1))
    return tokens, directives


def _read_quoted(
    text: str, start: int, quote: str, error: Callable[[str, int], LeafSchemaError]
) -> tuple[str, int]:
    """The value of a quoted string or identifier starting at ``start``; a doubled quote escapes."""
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == quote:
            if i + 1 < len(text) and text[i + 1] == quote:
                out.append(quote)
                i += 2
                continue
            return "".join(out), i + 1
        if ch == "\n":
            break
        out.append(ch)
        i += 1
    raise error(f"unterminated {'string' if quote == chr(39) else 'quoted name'}", start)
