"""Recursive-descent parser for the seed's schema DDL.

Statements, separated by ``;``::

    CREATE DOCUMENT_SCHEMA name [VERSION 'x.y.z'] ( field, … )
    CREATE [UNIQUE | TEXT] INDEX name ON collection ( path [ASC | DESC], … )
    ALTER DOCUMENT_SCHEMA collection ADD [COLUMN] field [WITH MIGRATION_STRATEGY name]

A field is ``name type constraint*``; see :mod:`leaf_dagster.schema.model` for types and
constraints. Names of fields may be keywords (``type``, ``from``, ``timestamp``). A ``-- @version
x.y.z`` comment line sets the version of every schema created after it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from leaf_dagster.schema.errors import LeafSchemaError
from leaf_dagster.schema.model import (
    AlterAddColumn,
    And,
    ArrayType,
    Between,
    Check,
    CompareOp,
    Comparison,
    Condition,
    CurrentTimestamp,
    Default,
    DocumentSchema,
    DocumentType,
    EnumType,
    Field,
    FieldType,
    IndexDef,
    IndexDirection,
    IndexKey,
    InList,
    IsNull,
    Like,
    LiteralValue,
    Not,
    Or,
    Reference,
    Scalar,
    ScalarType,
    SchemaSet,
    StructuredDefault,
    VariantCase,
    VariantType,
)
from leaf_dagster.schema.tokens import Directive, Token, tokenize

_SIMPLE_TYPES: dict[str, ScalarType] = {
    "OBJECTID": ScalarType("objectid"),
    "TEXT": ScalarType("text"),
    "STRING": ScalarType("string"),
    "INTEGER": ScalarType("int"),
    "INT": ScalarType("int"),
    "BIGINT": ScalarType("long"),
    "BOOLEAN": ScalarType("bool"),
    "BOOL": ScalarType("bool"),
    "DATE": ScalarType("date"),
    "TIMESTAMP": ScalarType("timestamp"),
    "MIXED": ScalarType("mixed"),
}
_TYPE_NAMES = (
    "OBJECTID, VARCHAR(n), TEXT, INTEGER, BIGINT, DECIMAL(p,s), BOOLEAN, DATE, TIMESTAMP, "
    "ENUM(...), DOCUMENT, ARRAY OF <type>, MIXED, VARIANT"
)
_CONSTRAINT_WORDS = ("NOT", "NULL", "UNIQUE", "PRIMARY", "DEFAULT", "CHECK", "REFERENCES", "VALIDATE")
_COMPARE_OPS: dict[str, CompareOp] = {
    "=": "=",
    "!=": "!=",
    "<>": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}
_FLIPPED: dict[CompareOp, CompareOp] = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def parse_ddl(text: str, *, source: str | None = None) -> SchemaSet:
    """Parse DDL text into a :class:`SchemaSet`; raises :class:`LeafSchemaError` with a position."""
    tokens, directives = tokenize(text, source)
    return _Parser(tokens, directives, source).script()


def load_ddl(path: str | Path) -> SchemaSet:
    """Parse a DDL file; error positions name the file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise LeafSchemaError(f"cannot read {file}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise LeafSchemaError(
            f"{file}:{line}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None
    return parse_ddl(text, source=file.name)


@dataclass(frozen=True)
class _FieldRef:
    """A field named inside a CHECK or VARIANT, kept to validate once all siblings are known."""

    name: str
    token: Token
    what: str


class _Parser:
    def __init__(self, tokens: list[Token], directives: list[Directive], source: str | None) -> None:
        self.tokens = tokens
        self.directives = directives
        self.source = source
        self.pos = 0
        self.key_tokens: dict[tuple[str, str], Token] = {}  # (index name, path) → where it is written

    # -- token helpers ------------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tok
        if token.kind != "eof":
            self.pos += 1
        return token

    def error_at(self, token: Token, message: str) -> LeafSchemaError:
        return LeafSchemaError(message, line=token.line, col=token.col, source=self.source)

    def expected(self, what: str, context: str = "") -> LeafSchemaError:
        found = self.tok.describe()
        suffix = f" {context}" if context else ""
        return LeafSchemaError(
            f"expected {what}{suffix}, found {found}",
            line=self.tok.line,
            col=self.tok.col,
            source=self.source,
            expected=what,
            found=found,
        )

    def accept_word(self, *words: str) -> Token | None:
        return self.advance() if self.tok.is_word(*words) else None

    def expect_word(self, word: str, context: str = "") -> Token:
        if not self.tok.is_word(word):
            raise self.expected(word, context)
        return self.advance()

    def accept_op(self, *ops: str) -> Token | None:
        return self.advance() if self.tok.is_op(*ops) else None

    def expect_op(self, op: str, context: str = "") -> Token:
        if not self.tok.is_op(op):
            raise self.expected(f"'{op}'", context)
        return self.advance()

    def name(self, what: str) -> Token:
        if self.tok.kind != "ident":
            raise self.expected(what)
        return self.advance()

    def dotted_name(self, what: str) -> tuple[str, Token]:
        first = self.name(what)
        parts = [first.text]
        while self.tok.is_op(".") and self.peek().kind == "ident":
            self.advance()
            parts.append(self.advance().text)
        return ".".join(parts), first

    def integer(self, what: str) -> int:
        token = self.tok
        if token.kind != "number" or not token.text.isdigit():
            raise self.expected(what)
        self.advance()
        return int(token.text)

    # -- statements ---------------------------------------------------------------------------

    def script(self) -> SchemaSet:
        schemas: dict[str, DocumentSchema] = {}
        indexes: list[IndexDef] = []
        alterations: list[AlterAddColumn] = []
        while self.tok.kind != "eof":
            if self.accept_op(";"):
                continue
            start = self.tok
            if start.is_word("CREATE"):
                nxt = self.peek()
                if nxt.is_word("DOCUMENT_SCHEMA"):
                    schema = self.create_schema()
                    if schema.collection in schemas:
                        raise self.error_at(start, f"document schema {schema.collection!r} is defined twice")
                    schemas[schema.collection] = schema
                elif nxt.is_word("INDEX", "UNIQUE", "TEXT"):
                    indexes.append(self.create_index())
                else:
                    self.advance()
                    raise self.expected("DOCUMENT_SCHEMA, INDEX, UNIQUE INDEX or TEXT INDEX after CREATE")
            elif start.is_word("ALTER"):
                alterations.append(self.alter_schema())
            else:
                raise self.expected("CREATE or ALTER at the start of a statement")
            if not self.accept_op(";") and self.tok.kind != "eof":
                raise self.expected("';'", "after statement")
        return self.assemble(schemas, indexes, alterations)

    def assemble(
        self, schemas: dict[str, DocumentSchema], indexes: list[IndexDef], alterations: list[AlterAddColumn]
    ) -> SchemaSet:
        added: dict[str, set[str]] = {
            name: {f.name for f in schema.fields} for name, schema in schemas.items()
        }
        for alter in alterations:
            existing = added.get(alter.collection)
            if existing is None:
                continue
            if alter.field.name in existing:
                raise LeafSchemaError(
                    f"ALTER DOCUMENT_SCHEMA {alter.collection} ADD COLUMN {alter.field.name}: "
                    "the field already exists",
                    line=alter.line,
                    source=self.source,
                )
            existing.add(alter.field.name)
        names: set[str] = set()
        extra: list[IndexDef] = []
        by_collection: dict[str, list[IndexDef]] = {}
        merged = SchemaSet(schemas, tuple(alterations)).merged().schemas
        for index in indexes:
            if index.name in names:
                raise LeafSchemaError(
                    f"index {index.name!r} is defined twice", line=index.line, source=self.source
                )
            names.add(index.name)
            schema = merged.get(index.collection)
            if schema is None:
                extra.append(index)
                continue
            known = {w.path for w in schema.walk_fields()} | {"_id"}
            for key in index.keys:
                if key.path not in known:
                    raise self.error_at(
                        self.key_tokens[(index.name, key.path)],
                        f"index {index.name!r}: {key.path!r} is not a field of document schema "
                        f"{index.collection!r}",
                    )
            by_collection.setdefault(index.collection, []).append(index)
        final = {
            name: replace(schema, indexes=tuple(by_collection.get(name, ())))
            for name, schema in schemas.items()
        }
        return SchemaSet(final, tuple(alterations), tuple(extra), self.source)

    def version_directive(self, line: int) -> str | None:
        found = [d.value for d in self.directives if d.name == "version" and d.line < line]
        return found[-1] if found else None

    def create_schema(self) -> DocumentSchema:
        create = self.expect_word("CREATE")
        self.expect_word("DOCUMENT_SCHEMA")
        collection = self.name("a collection name after DOCUMENT_SCHEMA").text
        version = self.version_directive(create.line)
        if self.accept_word("VERSION"):
            if self.tok.kind != "string":
                raise self.expected("a quoted version such as '2.1.0'", "after VERSION")
            version = self.advance().text
        self.expect_op("(", f"to open the fields of {collection}")
        fields = self.field_list("", ")")
        self.expect_op(")", "after field definition")
        primary = [f for f in fields if f.primary_key]
        if len(primary) > 1:
            raise LeafSchemaError(
                f"document schema {collection!r} has more than one PRIMARY KEY",
                line=primary[1].line,
                source=self.source,
            )
        return DocumentSchema(collection, fields, (), version, self.source, create.line)

    def create_index(self) -> IndexDef:
        create = self.expect_word("CREATE")
        unique = bool(self.accept_word("UNIQUE"))
        text = not unique and bool(self.accept_word("TEXT"))
        self.expect_word("INDEX")
        name = self.name("an index name").text
        self.expect_word("ON", "after the index name")
        collection = self.name("a collection name after ON").text
        self.expect_op("(", "to open the index keys")
        keys: list[IndexKey] = []
        while True:
            path, key_token = self.dotted_name("a field path")
            self.key_tokens.setdefault((name, path), key_token)
            direction: IndexDirection = "text" if text else 1
            if self.accept_word("DESC"):
                if text:
                    raise self.error_at(self.tokens[self.pos - 1], "a TEXT index key has no direction")
                direction = -1
            elif self.accept_word("ASC") and text:
                raise self.error_at(self.tokens[self.pos - 1], "a TEXT index key has no direction")
            if any(k.path == path for k in keys):
                raise self.error_at(self.tokens[self.pos - 1], f"index key {path!r} is listed twice")
            keys.append(IndexKey(path, direction))
            if self.accept_op(","):
                continue
            if self.accept_op(")"):
                break
            raise self.expected("',' or ')'", "after index key")
        return IndexDef(name, collection, tuple(keys), unique, create.line)

    def alter_schema(self) -> AlterAddColumn:
        alter = self.expect_word("ALTER")
        self.expect_word("DOCUMENT_SCHEMA", "after ALTER")
        collection = self.name("a collection name after DOCUMENT_SCHEMA").text
        self.expect_word("ADD", f"after ALTER DOCUMENT_SCHEMA {collection}")
        self.accept_word("COLUMN")
        field, refs = self.field_def("")
        self.check_refs(refs, {field.name: field})
        strategy = None
        if self.accept_word("WITH"):
            self.expect_word("MIGRATION_STRATEGY", "after WITH")
            strategy = self.name("a migration strategy name").text
        return AlterAddColumn(collection, field, strategy, alter.line)

    # -- fields -------------------------------------------------------------------------------

    def field_list(self, parent: str, closer: str) -> tuple[Field, ...]:
        """Fields up to (not including) ``closer``; checks names against their siblings."""
        fields: dict[str, Field] = {}
        refs: list[_FieldRef] = []
        while True:
            if self.tok.is_op(closer) and not fields:
                raise self.expected("a field definition")
            name_token = self.tok
            field, field_refs = self.field_def(parent)
            if field.name in fields:
                raise self.error_at(name_token, f"duplicate field {field.path!r}")
            fields[field.name] = field
            refs.extend(field_refs)
            if self.accept_op(","):
                continue
            if self.tok.is_op(closer):
                break
            raise self.expected(f"',' or '{closer}'", "after field definition")
        self.check_refs(refs, fields)
        for field in fields.values():
            if isinstance(field.type, VariantType):
                self.check_variant(field, field.type, fields)
        return tuple(fields.values())

    def check_variant(self, field: Field, variant: VariantType, siblings: dict[str, Field]) -> None:
        disc = siblings[variant.discriminator.split(".", 1)[0]]
        if isinstance(disc.type, EnumType):
            for case in variant.cases:
                if case.value not in disc.type.values:
                    raise LeafSchemaError(
                        f"VARIANT {field.path!r}: {case.value!r} is not a value of ENUM {disc.path!r}",
                        line=case.line,
                        source=self.source,
                    )
        elif not isinstance(disc.type, ScalarType) or disc.type.kind in ("mixed",):
            raise LeafSchemaError(
                f"VARIANT {field.path!r}: discriminator {disc.path!r} must be an ENUM or scalar field",
                line=field.line,
                source=self.source,
            )

    def check_refs(self, refs: list[_FieldRef], siblings: dict[str, Field]) -> None:
        for ref in refs:
            head = ref.name.split(".", 1)[0]
            if head not in siblings:
                raise self.error_at(ref.token, f"{ref.what} names unknown field {ref.name!r}")

    def field_def(self, parent: str) -> tuple[Field, list[_FieldRef]]:
        name_token = self.name("a field name")
        name = name_token.text
        path = f"{parent}.{name}" if parent else name
        refs: list[_FieldRef] = []
        ftype = self.field_type(path, parent, refs)
        field = Field(name=name, path=path, type=ftype, line=name_token.line)
        return self.constraints(field, parent, refs), refs

    def field_type(self, path: str, parent: str, refs: list[_FieldRef]) -> FieldType:
        token = self.tok
        if token.kind != "ident" or token.quoted:
            raise self.expected("a type", f"for field {path!r}")
        word = token.text.upper()
        if word in _SIMPLE_TYPES:
            self.advance()
            return _SIMPLE_TYPES[word]
        if word in ("VARCHAR", "CHAR"):
            self.advance()
            self.expect_op("(", f"after {word}")
            size = self.integer("a length")
            self.expect_op(")", "after the length")
            return ScalarType("string", max_length=size)
        if word in ("DECIMAL", "NUMERIC", "DOUBLE", "FLOAT"):
            self.advance()
            precision = scale = None
            if self.accept_op("("):
                precision = self.integer("a precision")
                if self.accept_op(","):
                    scale_token = self.tok
                    scale = self.integer("a scale")
                    if scale > precision:
                        raise self.error_at(
                            scale_token, f"DECIMAL scale {scale} exceeds its precision {precision}"
                        )
                self.expect_op(")", "after the precision")
            return ScalarType("decimal", precision=precision, scale=scale, binary=word in ("DOUBLE", "FLOAT"))
        if word == "ENUM":
            self.advance()
            self.expect_op("(", "after ENUM")
            values: list[str] = []
            while True:
                if self.tok.kind != "string":
                    raise self.expected("a quoted enum value")
                value_token = self.advance()
                if value_token.text in values:
                    raise self.error_at(value_token, f"enum value {value_token.text!r} is listed twice")
                values.append(value_token.text)
                if self.accept_op(","):
                    continue
                self.expect_op(")", "after enum value")
                return EnumType(tuple(values))
        if word == "DOCUMENT":
            self.advance()
            if not self.accept_op("{"):
                return DocumentType(None)
            fields = self.field_list(path, "}")
            self.expect_op("}", "after field definition")
            return DocumentType(fields)
        if word == "ARRAY":
            self.advance()
            self.expect_word("OF", "after ARRAY")
            element = self.field_type(path, parent, refs)
            if isinstance(element, VariantType):
                raise self.error_at(
                    token, "ARRAY OF VARIANT is not supported; use a VARIANT field in a DOCUMENT"
                )
            return ArrayType(element)
        if word == "VARIANT":
            self.advance()
            return self.variant(path, parent, refs)
        raise LeafSchemaError(
            f"unknown type {token.text!r} for field {path!r} (expected one of {_TYPE_NAMES})",
            line=token.line,
            col=token.col,
            source=self.source,
            expected="a type",
            found=token.describe(),
        )

    def variant(self, path: str, parent: str, refs: list[_FieldRef]) -> VariantType:
        self.expect_op("{", "after VARIANT")
        discriminator: str | None = None
        cases: list[VariantCase] = []
        while True:
            when = self.expect_word("WHEN", "to start a VARIANT case")
            disc_token = self.name("a discriminator field after WHEN")
            if discriminator is None:
                discriminator = disc_token.text
                refs.append(_FieldRef(discriminator, disc_token, f"VARIANT {path!r} discriminator"))
            elif disc_token.text != discriminator:
                raise self.error_at(
                    disc_token,
                    f"VARIANT {path!r} mixes discriminators {discriminator!r} and {disc_token.text!r}",
                )
            self.expect_op("=", "after the discriminator")
            value_token = self.tok
            value = self.literal("a discriminator value")
            if any(c.value == value for c in cases):
                raise self.error_at(value_token, f"VARIANT {path!r} has two cases for {value!r}")
            self.expect_word("THEN", "after the discriminator value")
            if not self.tok.is_word("DOCUMENT"):
                raise self.expected("DOCUMENT", "after THEN")
            document = self.field_type(path, parent, refs)
            assert isinstance(document, DocumentType)
            cases.append(VariantCase(value, document, when.line))
            self.accept_op(",")
            if self.accept_op("}"):
                break
            if not self.tok.is_word("WHEN"):
                raise self.expected("WHEN or '}'", "after VARIANT case")
        assert discriminator is not None
        disc_path = f"{parent}.{discriminator}" if parent else discriminator
        return VariantType(discriminator, disc_path, tuple(cases))

    def constraints(self, field: Field, parent: str, refs: list[_FieldRef]) -> Field:
        changes: dict[str, object] = {}
        checks: list[Check] = []
        while self.tok.is_word(*_CONSTRAINT_WORDS):
            token = self.advance()
            word = token.text.upper()
            if word == "NOT":
                self.expect_word("NULL", "after NOT")
                changes["not_null"] = True
            elif word == "NULL":
                changes["not_null"] = False
            elif word == "UNIQUE":
                changes["unique"] = True
            elif word == "PRIMARY":
                self.expect_word("KEY", "after PRIMARY")
                changes.update(primary_key=True, not_null=True, unique=True)
            elif word == "DEFAULT":
                changes["default"] = self.default(field)
            elif word == "CHECK":
                checks.append(self.check(field, parent, refs))
            elif word == "REFERENCES":
                collection = self.name("a collection name after REFERENCES").text
                self.expect_op("(", "after the referenced collection")
                target, _ = self.dotted_name("a referenced field")
                self.expect_op(")", "after the referenced field")
                changes["references"] = Reference(collection, target)
            elif word == "VALIDATE":
                changes["array_max_length"] = self.validate(field, token)
        result = replace(field, checks=tuple(checks), **changes)  # type: ignore[arg-type]
        if isinstance(result.type, ArrayType) and result.array_max_length is not None:
            result = replace(result, type=replace(result.type, max_length=result.array_max_length))
        return result

    def default(self, field: Field) -> Default:
        if self.accept_word("CURRENT_TIMESTAMP", "NOW"):
            if self.accept_op("("):
                self.expect_op(")", "after NOW(")
            return CurrentTimestamp()
        if self.tok.is_op("{", "["):
            fits = isinstance(field.type, DocumentType | ArrayType) or field.type == ScalarType("mixed")
            if not fits:
                raise self.error_at(self.tok, f"a document or array default does not fit {field.path!r}")
            return StructuredDefault(json.dumps(self.structured(), separators=(",", ":")))
        token = self.tok
        value = self.literal("a default value or CURRENT_TIMESTAMP")
        if isinstance(field.type, EnumType) and value is not None and value not in field.type.values:
            raise self.error_at(token, f"default {value!r} of {field.path!r} is not one of its ENUM values")
        problem = _default_problem(field.type, value)
        if problem:
            raise self.error_at(token, f"default {token.describe()} of {field.path!r} {problem}")
        return LiteralValue(value)

    def validate(self, field: Field, token: Token) -> int:
        if not isinstance(field.type, ArrayType):
            raise self.error_at(
                token, f"VALIDATE (ARRAY_LENGTH(...)) applies to arrays; {field.path!r} is not one"
            )
        self.expect_op("(", "after VALIDATE")
        self.expect_word("ARRAY_LENGTH", "in VALIDATE")
        self.expect_op("(", "after ARRAY_LENGTH")
        arg = self.name("the array field name")
        if arg.text != field.name:
            raise self.error_at(
                arg, f"ARRAY_LENGTH({arg.text}) must name the field it is attached to, {field.name!r}"
            )
        self.expect_op(")", "after the array field name")
        op = self.accept_op("<=", "<")
        if op is None:
            raise self.expected("'<=' or '<'", "after ARRAY_LENGTH(...)")
        limit = self.integer("an array length limit")
        self.expect_op(")", "to close VALIDATE")
        return limit if op.text == "<=" else limit - 1

    # -- literals and CHECK expressions -------------------------------------------------------

    def literal(self, what: str) -> Scalar:
        token = self.tok
        if token.kind == "string":
            self.advance()
            return token.text
        negative = False
        if token.is_op("-", "+"):
            negative = token.text == "-"
            self.advance()
            if self.tok.kind != "number":
                raise self.expected("a number", f"after '{token.text}'")
        if self.tok.kind == "number":
            text = self.advance().text
            number: int | Decimal = int(text) if text.isdigit() else Decimal(text)
            return -number if negative else number
        if token.is_word("TRUE", "FALSE"):
            self.advance()
            return token.text.upper() == "TRUE"
        if token.is_word("NULL"):
            self.advance()
            return None
        raise self.expected(what)

    def structured(self) -> Any:
        """A JSON-like literal: ``{key: value, …}``, ``[value, …]`` or a scalar literal."""
        if self.accept_op("{"):
            doc: dict[str, Any] = {}
            while not self.accept_op("}"):
                if self.tok.kind not in ("ident", "string"):
                    raise self.expected("a key or '}'", "in document literal")
                key = self.advance()
                if key.text in doc:
                    raise self.error_at(key, f"key {key.text!r} appears twice in the document literal")
                self.expect_op(":", "after the key")
                doc[key.text] = self.structured()
                if not self.accept_op(","):
                    self.expect_op("}", "after document literal value")
                    break
            return doc
        if self.accept_op("["):
            items: list[Any] = []
            while not self.accept_op("]"):
                items.append(self.structured())
                if not self.accept_op(","):
                    self.expect_op("]", "after array literal item")
                    break
            return items
        value = self.literal("a value")
        return float(value) if isinstance(value, Decimal) else value

    def check(self, field: Field, parent: str, refs: list[_FieldRef]) -> Check:
        open_token = self.expect_op("(", "after CHECK")
        start = self.pos
        condition = self.or_expr(parent, refs)
        end = self.pos
        self.expect_op(")", "to close CHECK")
        text = _render_tokens(self.tokens[start:end])
        return Check(condition, text, open_token.line)

    def or_expr(self, parent: str, refs: list[_FieldRef]) -> Condition:
        items = [self.and_expr(parent, refs)]
        while self.accept_word("OR"):
            items.append(self.and_expr(parent, refs))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self, parent: str, refs: list[_FieldRef]) -> Condition:
        items = [self.not_expr(parent, refs)]
        while self.accept_word("AND"):
            items.append(self.not_expr(parent, refs))
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_expr(self, parent: str, refs: list[_FieldRef]) -> Condition:
        if self.accept_word("NOT"):
            return Not(self.not_expr(parent, refs))
        if self.accept_op("("):
            inner = self.or_expr(parent, refs)
            self.expect_op(")", "to close the parenthesis")
            return inner
        return self.predicate(parent, refs)

    def operand(self, parent: str, refs: list[_FieldRef]) -> tuple[str, str, bool]:
        """``field`` or ``LENGTH(field)``: (name as written, full path, is length)."""
        length = False
        if self.tok.is_word("LENGTH", "CHAR_LENGTH") and self.peek().is_op("("):
            self.advance()
            self.advance()
            length = True
        name, token = self.dotted_name("a field name in CHECK")
        if length:
            self.expect_op(")", "after LENGTH(field")
        refs.append(_FieldRef(name, token, "CHECK"))
        return name, f"{parent}.{name}" if parent else name, length

    def predicate(self, parent: str, refs: list[_FieldRef]) -> Condition:
        if self.tok.kind in ("string", "number") or self.tok.is_op("-", "+"):
            # ``0 <= x``: a literal on the left, flipped into ``x >= 0``.
            value = self.literal("a value")
            op_token = self.tok
            if op_token.text not in _COMPARE_OPS or op_token.kind != "op":
                raise self.expected("a comparison operator")
            self.advance()
            name, path, length = self.operand(parent, refs)
            return Comparison(name, path, _FLIPPED[_COMPARE_OPS[op_token.text]], value, length)
        name, path, length = self.operand(parent, refs)
        if self.tok.kind == "op" and self.tok.text in _COMPARE_OPS:
            op = _COMPARE_OPS[self.advance().text]
            return Comparison(name, path, op, self.literal("a value to compare with"), length)
        if length:
            raise self.expected("a comparison operator", "after LENGTH(...)")
        if self.accept_word("IS"):
            negated = bool(self.accept_word("NOT"))
            self.expect_word("NULL", "after IS")
            return IsNull(name, path, negated)
        negated = bool(self.accept_word("NOT"))
        if self.accept_word("BETWEEN"):
            low = self.literal("a lower bound")
            self.expect_word("AND", "between the BETWEEN bounds")
            return Between(name, path, low, self.literal("an upper bound"), negated)
        if self.accept_word("IN"):
            self.expect_op("(", "after IN")
            values = [self.literal("a value")]
            while self.accept_op(","):
                values.append(self.literal("a value"))
            self.expect_op(")", "after the IN list")
            return InList(name, path, tuple(values), negated)
        if self.tok.is_word("LIKE", "REGEXP", "RLIKE") or self.tok.is_op("~"):
            regex = not self.advance().is_word("LIKE")
            if self.tok.kind != "string":
                raise self.expected("a quoted pattern")
            return Like(name, path, self.advance().text, regex, negated)
        raise self.expected(
            "a comparison (=, !=, <, <=, >, >=), BETWEEN, IN, LIKE, REGEXP or IS NULL", f"after {name!r}"
        )


def _default_problem(ftype: FieldType, value: Scalar) -> str | None:
    """Why a literal DEFAULT cannot be a value of ``ftype``, or None when it fits."""
    if value is None or isinstance(ftype, EnumType) or ftype == ScalarType("mixed"):
        return None
    if not isinstance(ftype, ScalarType):
        return "must be a document or array literal, or NULL"
    kind = ftype.kind
    if kind in ("string", "text"):
        if not isinstance(value, str):
            return "is not a string"
        if ftype.max_length is not None and len(value) > ftype.max_length:
            return f"is longer than {ftype.max_length}"
        return None
    if kind == "bool":
        return None if isinstance(value, bool) else "is not true or false"
    is_number = isinstance(value, int | Decimal) and not isinstance(value, bool)
    if kind in ("int", "long"):
        return None if is_number and isinstance(value, int) else "is not an integer"
    if kind == "decimal":
        return None if is_number else "is not a number"
    if kind in ("date", "timestamp"):
        return "must be CURRENT_TIMESTAMP or NULL"
    return "cannot be written as a literal (OBJECTID)"


def _render_tokens(tokens: list[Token]) -> str:
    """The CHECK text, normalised to single spaces (for messages and the model)."""
    out: list[str] = []
    for token in tokens:
        text = f"'{token.text.replace(chr(39), chr(39) * 2)}'" if token.kind == "string" else token.text
        glue = token.is_op(")", ",", ".") or (token.is_op("(") and out and out[-1][-1:].isalnum())
        if out and (glue or out[-1].endswith(("(", "."))):
            out[-1] += text
        else:
            out.append(text)
    return " ".join(out)
