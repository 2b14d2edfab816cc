"""SQL-style revisions: the seed's statements compiled to server-side update pipelines.

A ``.sql`` revision has header comments and statements; ``-- down`` starts the statements of the
rollback (without it the revision is irreversible)::

    -- id: migration_20241101_v31
    -- from_version: 3.0.0
    -- to_version: 3.1.0          (or taken from  SET _schema.version = '3.1.0')
    -- depends_on: migration_20241001_v3
    ALTER DOCUMENT_SCHEMA users ADD COLUMN loyalty DOCUMENT { tier VARCHAR(10) DEFAULT 'bronze' };
    UPDATE users SET display_name = CONCAT(profile.firstName, ' ', profile.lastName)
      WHERE profile.firstName IS NOT NULL;
    ALTER DOCUMENT_SCHEMA users RENAME COLUMN nickname TO handle;
    ALTER DOCUMENT_SCHEMA users DROP COLUMN legacy_flags;

``ADD COLUMN`` fills the column's DEFAULT into documents that lack it; ``UPDATE … SET`` values are SQL
expressions (``leaf_dagster.sql.compile_expression``) or ``{…}``/``[…]`` literals as in the seed; the
engine sets ``_schema.version`` itself. The seed's ``CREATE MIGRATION name AS BEGIN … END`` wrapper is
accepted and names the revision.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leaf_dagster.migrations.errors import RevisionError
from leaf_dagster.migrations.revision import VERSION_FIELD, Pipeline, Revision, file_checksum

_HEADER = re.compile(
    r"^--\s*(id|collection|from_version|to_version|depends_on|deprecated_fields)\s*:\s*(.+?)\s*$"
)
_DOWN = re.compile(r"^--\s*down\s*$", re.IGNORECASE)
_CREATE = re.compile(r"^\s*CREATE\s+MIGRATION\s+(\w+)\s+AS\s+BEGIN\b(.*)\bEND\s*;?\s*$", re.I | re.S)
_ALTER = re.compile(r"^ALTER\s+DOCUMENT_SCHEMA\s+(\w+)\s+(.*)$", re.I | re.S)
_RENAME = re.compile(r"^RENAME\s+COLUMN\s+([\w.]+)\s+TO\s+([\w.]+)$", re.I)
_DROP = re.compile(r"^DROP\s+COLUMN\s+([\w.]+)$", re.I)
_UPDATE = re.compile(r"^UPDATE\s+(\w+)\s+SET\s+(.*)$", re.I | re.S)
_NOW = re.compile(r"^(CURRENT_TIMESTAMP|NOW\(\s*\))$", re.I)
_PAIRS = {"(": ")", "[": "]", "{": "}"}


def _strip_comments(text: str) -> str:
    return "\n".join(line.split("--", 1)[0] if not _in_string(line) else line for line in text.splitlines())


def _in_string(line: str) -> bool:
    head = line.split("--", 1)[0]
    return head.count("'") % 2 == 1


def split_top(text: str, separator: str) -> list[str]:
    """``text`` split on ``separator`` (a char or an uppercase keyword) outside quotes and brackets."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    upper = text.upper()
    while i < len(text):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in _PAIRS:
            depth += 1
        elif ch in _PAIRS.values():
            depth -= 1
        elif depth == 0 and upper.startswith(separator, i):
            word = len(separator) > 1
            before = text[i - 1] if i else " "
            after = text[i + len(separator)] if i + len(separator) < len(text) else " "
            if not word or (
                not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")
            ):
                parts.append(text[start:i])
                i += len(separator)
                start = i
                continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


class _Literal:
    """The seed's object literals: ``{ key: 'text', n: 1, list: ['a'], nested: { … } }``."""

    _TOKEN = re.compile(
        r"\s*(?:([{}\[\],:])|'((?:[^']|'')*)'|\"((?:[^\"\\]|\\.)*)\"|([-+]?\d+(?:\.\d+)?)|([A-Za-z_$][\w$]*))"
    )

    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, Any]] = []
        pos = 0
        while pos < len(text.rstrip()):
            m = self._TOKEN.match(text, pos)
            if not m:
                raise RevisionError(f"cannot read literal at {text[pos : pos + 20]!r}")
            pos = m.end()
            punct, single, double, number, word = m.groups()
            if punct:
                self.tokens.append(("p", punct))
            elif single is not None:
                self.tokens.append(("v", single.replace("''", "'")))
            elif double is not None:
                self.tokens.append(("v", double))
            elif number is not None:
                self.tokens.append(("v", float(number) if "." in number else int(number)))
            else:
                lowered = {"true": True, "false": False, "null": None}
                self.tokens.append(("v", lowered[word.lower()]) if word.lower() in lowered else ("w", word))
        self.i = 0

    def parse(self) -> Any:
        value = self._value()
        if self.i != len(self.tokens):
            raise RevisionError("unexpected text after literal")
        return value

    def _next(self) -> tuple[str, Any]:
        if self.i >= len(self.tokens):
            raise RevisionError("literal ends too early")
        self.i += 1
        return self.tokens[self.i - 1]

    def _value(self) -> Any:
        kind, value = self._next()
        if (kind, value) == ("p", "{"):
            out: dict[str, Any] = {}
            while self.tokens[self.i] != ("p", "}"):
                _, key = self._next()
                if self._next() != ("p", ":"):
                    raise RevisionError(f"expected ':' after {key!r}")
                out[str(key)] = self._value()
                if self.tokens[self.i] == ("p", ","):
                    self.i += 1
            self.i += 1
            return out
        if (kind, value) == ("p", "["):
            items: list[Any] = []
            while self.tokens[self.i] != ("p", "]"):
                items.append(self._value())
                if self.tokens[self.i] == ("p", ","):
                    self.i += 1
            self.i += 1
            return items
        if kind != "v":
            raise RevisionError(f"unexpected {value!r} in literal")
        return value


def _missing(path: str) -> dict[str, Any]:
    return {"$eq": [{"$type": f"${path}"}, "missing"]}


def _value_expression(text: str) -> Any:
    if text[:1] in "{[":
        return {"$literal": _Literal(text).parse()}
    if _NOW.match(text):
        return "$$NOW"
    from leaf_dagster.sql import LeafSQLError, compile_expression

    try:
        return compile_expression(text)
    except LeafSQLError as exc:
        raise RevisionError(f"cannot compile {text!r}: {exc}") from exc


def _add_column(collection: str, statement: str) -> list[dict[str, Any]]:
    from leaf_dagster.schema import NO_DEFAULT, CurrentTimestamp, LeafSchemaError, default_value, parse_ddl

    try:
        alteration = parse_ddl(f"ALTER DOCUMENT_SCHEMA {collection} {statement};").alterations[0]
    except LeafSchemaError as exc:
        raise RevisionError(
            f"cannot parse ALTER DOCUMENT_SCHEMA {collection} {statement[:60]}…: {exc}"
        ) from exc
    name = alteration.field.name
    if isinstance(alteration.field.default, CurrentTimestamp):
        value: Any = "$$NOW"
    else:
        default = default_value(alteration.field, now=datetime.now(UTC))
        if default is NO_DEFAULT:
            return []  # a schema-only change: nothing to write into documents
        value = {"$literal": default}
    return [{"$set": {name: {"$cond": [_missing(name), value, f"${name}"]}}}]


class _Compiled:
    def __init__(self) -> None:
        self.collection: str | None = None
        self.to_version: str | None = None
        self.pipeline: Pipeline = []

    def table(self, name: str) -> None:
        if self.collection not in (None, name):
            raise RevisionError(f"one revision migrates one collection: {self.collection} and {name}")
        self.collection = name

    def statement(self, text: str) -> None:
        if m := _ALTER.match(text):
            self.table(m[1])
            rest = " ".join(m[2].split())
            if r := _RENAME.match(rest):
                self.pipeline += [{"$set": {r[2]: f"${r[1]}"}}, {"$unset": r[1]}]
            elif d := _DROP.match(rest):
                self.pipeline.append({"$unset": d[1]})
            elif rest.upper().startswith("ADD COLUMN"):
                self.pipeline += _add_column(m[1], m[2])
            else:
                raise RevisionError(f"unsupported ALTER DOCUMENT_SCHEMA: {rest[:60]}")
        elif m := _UPDATE.match(text):
            self.table(m[1])
            where_parts = split_top(m[2], "WHERE")
            if len(where_parts) > 2:
                raise RevisionError(f"more than one WHERE in {text[:60]}")
            condition = _value_expression(where_parts[1]) if len(where_parts) == 2 else None
            assignments: dict[str, Any] = {}
            for assignment in split_top(where_parts[0], ","):
                target, _, value = (s.strip() for s in assignment.partition("="))
                if not value:
                    raise RevisionError(f"expected column = value, got {assignment!r}")
                if target == VERSION_FIELD:
                    self.to_version = str(_Literal(value).parse()) if value[:1] in "'\"" else value
                    continue
                expr = _value_expression(value)
                assignments[target] = (
                    expr if condition is None else {"$cond": [condition, expr, f"${target}"]}
                )
            if assignments:
                self.pipeline.append({"$set": assignments})
        else:
            raise RevisionError(f"unsupported statement: {text[:60]}")


class StatementError(RevisionError):
    """A statement that does not compile, with the line (1-based, in the text given) it starts on."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line


def compile_statements(text: str) -> tuple[str | None, str | None, Pipeline]:
    """(collection, to_version from ``SET _schema.version``, pipeline) of a block of statements.

    Raises :class:`StatementError` naming the line of ``text`` where the failing statement starts.
    """
    compiled = _Compiled()
    stripped = _strip_comments(text)
    cursor = 0
    for statement in split_top(stripped, ";"):
        if not statement:
            continue
        start = stripped.find(statement, cursor)
        cursor = start + len(statement)
        try:
            compiled.statement(statement)
        except StatementError:
            raise
        except RevisionError as exc:
            raise StatementError(str(exc), stripped.count("\n", 0, start) + 1) from None
    return compiled.collection, compiled.to_version, compiled.pipeline


def load_sql_revision(path: Path) -> Revision:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        bad_line = exc.object[: exc.start].count(b"\n") + 1
        raise RevisionError(f"{path}:{bad_line}: not UTF-8 text; save it as UTF-8") from None
    headers: dict[str, str] = {}
    # Both blocks keep a blank line for every line they do not hold, so that a statement's line in
    # its block is its line in the file.
    up_lines: list[str] = []
    down_lines: list[str] | None = None
    for line in text.splitlines():
        if m := _HEADER.match(line.strip()):
            headers[m[1]] = m[2]
            line = ""
        elif _DOWN.match(line.strip()):
            down_lines = [""] * (len(up_lines) + 1)
            continue
        up_lines.append(line if down_lines is None else "")
        if down_lines is not None:
            down_lines.append(line)
    up_text = "\n".join(up_lines)
    if m := _CREATE.match(_strip_comments(up_text)):
        headers.setdefault("id", m[1])
        up_text = "\n" * _strip_comments(up_text).count("\n", 0, m.start(2)) + m[2]
    try:
        collection, to_version, up_pipeline = compile_statements(up_text)
        down_pipeline = compile_statements("\n".join(down_lines))[2] if down_lines is not None else None
    except StatementError as exc:
        raise RevisionError(f"{path}:{exc.line}: {exc.message}") from None
    except RevisionError as exc:
        raise RevisionError(f"{path}: {exc}") from None
    collection = headers.get("collection", collection)
    to_version = headers.get("to_version", to_version)
    missing = [
        k
        for k, v in (
            ("id", headers.get("id")),
            ("collection", collection),
            ("from_version", headers.get("from_version")),
            ("to_version", to_version),
        )
        if not v
    ]
    if missing:
        raise RevisionError(
            f"revision file {path} lacks {', '.join(missing)} (header comments such as -- id: …)"
        )
    if not up_pipeline:
        raise RevisionError(f"{path}: the statements change no document")

    def listed(key: str) -> tuple[str, ...]:
        return tuple(s.strip() for s in headers.get(key, "").split(",") if s.strip())

    return Revision(
        id=headers["id"],
        collection=str(collection),
        from_version=headers["from_version"],
        to_version=str(to_version),
        depends_on=listed("depends_on"),
        up_pipeline=up_pipeline,
        down_pipeline=down_pipeline or None,
        deprecated_fields=listed("deprecated_fields"),
        path=path,
        checksum=file_checksum(path),
        source="sql",
    )
