"""The typed schema model every output (validator, indexes, GX suite, stats) is generated from.

The parser builds it from ``CREATE DOCUMENT_SCHEMA`` DDL; everything here is immutable. Paths are
full dotted paths from the document root (``profile.location.city``); a field inside an array of
documents has the path MongoDB uses to query it (``skills.name``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal, TypeAlias

from leaf_dagster.schema.errors import LeafSchemaError

ScalarKind = Literal[
    "objectid", "string", "text", "int", "long", "decimal", "bool", "date", "timestamp", "mixed"
]
Scalar: TypeAlias = str | int | float | Decimal | bool | None
"""A literal value as written in DDL: ``'a'``, ``42``, ``0.00`` (Decimal), ``true``, ``NULL``."""


# -- types -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScalarType:
    """A leaf value: ``OBJECTID``, ``VARCHAR(n)`` (string with max_length), ``TEXT``, ``INTEGER`` (int),
    ``BIGINT`` (long), ``DECIMAL(p,s)``, ``BOOLEAN``, ``DATE``, ``TIMESTAMP`` or ``MIXED`` (anything)."""

    kind: ScalarKind
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    # DOUBLE/FLOAT: the "decimal" kind (any number is valid) declared as double precision, which
    # the SQL catalog keeps apart from DECIMAL/NUMERIC (a whole double stored as int32 divides as a
    # double, as in PostgreSQL's double precision column).
    binary: bool = False


@dataclass(frozen=True)
class EnumType:
    """``ENUM('a', 'b')``: a string from a fixed set."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class DocumentType:
    """``DOCUMENT { … }`` with its fields, or bare ``DOCUMENT`` (``fields is None``: any document)."""

    fields: tuple[Field, ...] | None = None


@dataclass(frozen=True)
class ArrayType:
    """``ARRAY OF <type>``; ``max_length`` comes from ``VALIDATE (ARRAY_LENGTH(f) <= n)``."""

    of: FieldType
    max_length: int | None = None


@dataclass(frozen=True)
class VariantCase:
    """One ``WHEN discriminator = value THEN DOCUMENT { … }`` branch of a VARIANT."""

    value: Scalar
    document: DocumentType
    line: int = 0


@dataclass(frozen=True)
class VariantType:
    """``VARIANT { WHEN type = 'x' THEN DOCUMENT { … } … }``: the shape depends on a sibling field.

    ``discriminator`` is the sibling's name as written; ``discriminator_path`` its full dotted path
    (``type`` for a top-level variant, ``a.b.type`` for one nested in document ``a.b``).
    """

    discriminator: str
    discriminator_path: str
    cases: tuple[VariantCase, ...]


FieldType: TypeAlias = ScalarType | EnumType | DocumentType | ArrayType | VariantType


# -- defaults, references ----------------------------------------------------------------------


@dataclass(frozen=True)
class LiteralValue:
    """``DEFAULT <literal>`` (``value`` may be None for ``DEFAULT NULL``)."""

    value: Scalar


@dataclass(frozen=True)
class CurrentTimestamp:
    """``DEFAULT CURRENT_TIMESTAMP``: the time the document is written."""


@dataclass(frozen=True)
class StructuredDefault:
    """``DEFAULT {sessions: [], level: 'new'}`` or ``DEFAULT ['email']``: a document or array literal.

    Kept as JSON text so the model stays hashable; :attr:`value` is a fresh Python copy (DECIMAL
    literals inside become floats).
    """

    json: str

    @property
    def value(self) -> Any:
        return json.loads(self.json)


Default: TypeAlias = LiteralValue | CurrentTimestamp | StructuredDefault


@dataclass(frozen=True)
class Reference:
    """``REFERENCES collection(field)``: every non-null value exists as ``field`` in ``collection``."""

    collection: str
    field: str


# -- CHECK conditions ---------------------------------------------------------------------------
# Every leaf condition names the field as written (``field``, relative to the document the CHECK is
# declared in) and its full dotted path (``path``). SQL semantics: a NULL or missing value passes.

CompareOp = Literal["=", "!=", "<", "<=", ">", ">="]


@dataclass(frozen=True)
class Comparison:
    """``field op value``; with ``length=True`` it compares ``LENGTH(field)`` (string length)."""

    field: str
    path: str
    op: CompareOp
    value: Scalar
    length: bool = False


@dataclass(frozen=True)
class Between:
    """``field [NOT] BETWEEN low AND high`` (inclusive)."""

    field: str
    path: str
    low: Scalar
    high: Scalar
    negated: bool = False


@dataclass(frozen=True)
class InList:
    """``field [NOT] IN (v1, v2, …)``."""

    field: str
    path: str
    values: tuple[Scalar, ...]
    negated: bool = False


@dataclass(frozen=True)
class IsNull:
    """``field IS [NOT] NULL`` (null or missing)."""

    field: str
    path: str
    negated: bool = False


@dataclass(frozen=True)
class Like:
    """``field [NOT] LIKE 'pattern'`` (SQL ``%``/``_`` wildcards), or a regular expression when
    written ``field [NOT] REGEXP 'regex'`` (``regex=True``, ``pattern`` is the regex)."""

    field: str
    path: str
    pattern: str
    regex: bool = False
    negated: bool = False

    def as_regex(self) -> str:
        """The pattern as an anchored regular expression."""
        if self.regex:
            return self.pattern
        return "^" + "".join(_like_char(c) for c in self.pattern) + "$"


def _like_char(char: str) -> str:
    if char == "%":
        return ".*"
    if char == "_":
        return "."
    return re.escape(char)


@dataclass(frozen=True)
class And:
    """All of ``items``."""

    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Or:
    """Any of ``items``."""

    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """``NOT item``."""

    item: Condition


Condition: TypeAlias = Comparison | Between | InList | IsNull | Like | And | Or | Not
LeafCondition: TypeAlias = Comparison | Between | InList | IsNull | Like


def condition_leaves(condition: Condition) -> Iterator[LeafCondition]:
    """Every leaf comparison in a condition tree, left to right."""
    if isinstance(condition, And | Or):
        for item in condition.items:
            yield from condition_leaves(item)
    elif isinstance(condition, Not):
        yield from condition_leaves(condition.item)
    else:
        yield condition


@dataclass(frozen=True)
class Check:
    """A ``CHECK (expr)`` constraint: the structured condition plus its original text."""

    condition: Condition
    text: str
    line: int = 0

    def paths(self) -> tuple[str, ...]:
        """The full paths of the fields the condition reads, in order, without repeats."""
        return tuple(dict.fromkeys(leaf.path for leaf in condition_leaves(self.condition)))


# -- fields, indexes, schemas -------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field definition with its constraints.

    ``not_null`` is true for ``NOT NULL`` and for ``PRIMARY KEY``; such fields are required (a
    nullable field may be missing, as in SQL). ``array_max_length`` mirrors the ``VALIDATE`` limit
    of an array field (also on its ``ArrayType``). ``line`` is the 1-based DDL line.
    """

    name: str
    path: str
    type: FieldType
    not_null: bool = False
    unique: bool = False
    primary_key: bool = False
    default: Default | None = None
    checks: tuple[Check, ...] = ()
    references: Reference | None = None
    array_max_length: int | None = None
    line: int = 0

    @property
    def required(self) -> bool:
        return self.not_null or self.primary_key


IndexDirection = Literal[1, -1, "text"]


@dataclass(frozen=True)
class IndexKey:
    """One key of an index: a dotted path and ``1``, ``-1`` or ``'text'``."""

    path: str
    direction: IndexDirection = 1


@dataclass(frozen=True)
class IndexDef:
    """``CREATE [UNIQUE|TEXT] INDEX name ON collection (keys)``, or one implied by ``UNIQUE``."""

    name: str
    collection: str
    keys: tuple[IndexKey, ...]
    unique: bool = False
    line: int = 0

    @property
    def is_text(self) -> bool:
        return any(key.direction == "text" for key in self.keys)


@dataclass(frozen=True)
class WalkedField:
    """A field met by :meth:`DocumentSchema.walk_fields`, with where it lies.

    ``array_path`` is the path of the innermost enclosing array (``skills`` for ``skills.name``),
    None at document level. ``variant`` is ``(discriminator_path, value)`` of the innermost VARIANT
    case holding the field (``('type', 'email')`` for ``notificationData.from``), None outside one.
    """

    field: Field
    array_path: str | None = None
    variant: tuple[str, Scalar] | None = None

    @property
    def path(self) -> str:
        return self.field.path

    @property
    def in_array(self) -> bool:
        return self.array_path is not None


@dataclass(frozen=True)
class DocumentSchema:
    """``CREATE DOCUMENT_SCHEMA collection (…)`` with its indexes and optional version.

    ``version`` comes from a ``VERSION '2.1.0'`` clause or a ``-- @version 2.1.0`` comment line.
    """

    collection: str
    fields: tuple[Field, ...]
    indexes: tuple[IndexDef, ...] = ()
    version: str | None = None
    source: str | None = None
    line: int = 0

    def walk_fields(self) -> Iterator[WalkedField]:
        """Every field, depth first in declaration order, including those nested in documents,
        arrays of documents and VARIANT cases."""
        yield from _walk(self.fields, None, None)

    def field_at(self, path: str) -> Field | None:
        """The first field with this full dotted path (VARIANT cases may share paths)."""
        return next((w.field for w in self.walk_fields() if w.path == path), None)

    def required_paths(self) -> tuple[str, ...]:
        """Top-level-reachable required fields: required fields whose ancestors are all required
        documents (a required field of an optional or array sub-document is not listed)."""
        found: list[str] = []

        def visit(fields: tuple[Field, ...]) -> None:
            for f in fields:
                if not f.required:
                    continue
                found.append(f.path)
                if isinstance(f.type, DocumentType) and f.type.fields:
                    visit(f.type.fields)

        visit(self.fields)
        return tuple(found)

    def array_limits(self) -> tuple[tuple[str, int], ...]:
        """``(path, max_length)`` of every array field with a ``VALIDATE`` limit."""
        return tuple(
            (w.path, w.field.array_max_length)
            for w in self.walk_fields()
            if w.field.array_max_length is not None
        )

    def all_indexes(self) -> tuple[IndexDef, ...]:
        """Declared indexes plus a unique index for each ``UNIQUE`` field outside arrays and VARIANT
        cases (not ``_id``, which MongoDB indexes uniquely already). A declared single-key index on
        a ``UNIQUE`` field becomes that unique index (MongoDB refuses two indexes on one key)."""
        unique_paths = [
            w.path
            for w in self.walk_fields()
            if w.field.unique and w.path != "_id" and w.variant is None and not w.in_array
        ]
        declared: list[IndexDef] = []
        covered: set[str] = set()
        for ix in self.indexes:
            single = ix.keys[0].path if len(ix.keys) == 1 and ix.keys[0].direction != "text" else None
            if single in unique_paths:
                covered.add(single)
                ix = replace(ix, unique=True)
            declared.append(ix)
        implied = tuple(
            IndexDef(
                name=f"uq_{self.collection}_{path.replace('.', '_')}",
                collection=self.collection,
                keys=(IndexKey(path, 1),),
                unique=True,
                line=getattr(self.field_at(path), "line", 0),
            )
            for path in unique_paths
            if path not in covered
        )
        return (*declared, *implied)

    def with_field(self, new: Field) -> DocumentSchema:
        """This schema with a top-level field added, or replaced if one has the same name."""
        kept = tuple(f for f in self.fields if f.name != new.name)
        return replace(self, fields=(*kept, new))


def _walk(
    fields: tuple[Field, ...], array_path: str | None, variant: tuple[str, Scalar] | None
) -> Iterator[WalkedField]:
    for f in fields:
        yield WalkedField(f, array_path, variant)
        yield from _walk_type(f.type, f.path, array_path, variant)


def _walk_type(
    ftype: FieldType, path: str, array_path: str | None, variant: tuple[str, Scalar] | None
) -> Iterator[WalkedField]:
    if isinstance(ftype, DocumentType) and ftype.fields:
        yield from _walk(ftype.fields, array_path, variant)
    elif isinstance(ftype, ArrayType):
        yield from _walk_type(ftype.of, path, path, variant)
    elif isinstance(ftype, VariantType):
        for case in ftype.cases:
            if case.document.fields:
                yield from _walk(case.document.fields, array_path, (ftype.discriminator_path, case.value))


@dataclass(frozen=True)
class AlterAddColumn:
    """``ALTER DOCUMENT_SCHEMA collection ADD COLUMN <field> [WITH MIGRATION_STRATEGY name]``."""

    collection: str
    field: Field
    migration_strategy: str | None = None
    line: int = 0


@dataclass(frozen=True)
class SchemaSet:
    """Everything one DDL text declares.

    ``schemas`` maps collection → schema as created (alterations NOT applied; see :meth:`merged`).
    ``extra_indexes`` are indexes on collections whose schema is not in this text.
    """

    schemas: dict[str, DocumentSchema] = field(default_factory=dict)
    alterations: tuple[AlterAddColumn, ...] = ()
    extra_indexes: tuple[IndexDef, ...] = ()
    source: str | None = None

    def __getitem__(self, collection: str) -> DocumentSchema:
        return self.schemas[collection]

    def merged(self) -> SchemaSet:
        """The schemas with every ``ALTER … ADD COLUMN`` of a known collection applied in order."""
        schemas = dict(self.schemas)
        pending: list[AlterAddColumn] = []
        for alter in self.alterations:
            if alter.collection in schemas:
                schemas[alter.collection] = schemas[alter.collection].with_field(alter.field)
            else:
                pending.append(alter)
        return replace(self, schemas=schemas, alterations=tuple(pending))

    def only(self, collection: str | None = None) -> DocumentSchema:
        """The named schema, or the single schema of the set; a clear error otherwise."""
        if collection is not None:
            if collection not in self.schemas:
                known = ", ".join(sorted(self.schemas)) or "none"
                raise LeafSchemaError(f"no document schema for {collection!r} (defined: {known})")
            return self.schemas[collection]
        if len(self.schemas) != 1:
            known = ", ".join(sorted(self.schemas)) or "none"
            raise LeafSchemaError(f"expected exactly one document schema, found {known}; name one")
        return next(iter(self.schemas.values()))
