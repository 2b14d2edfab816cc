"""DEFAULT values: what a new field or a new document gets when the value is not given.

Used to fill an ``ALTER DOCUMENT_SCHEMA … ADD COLUMN`` into existing documents and to complete new
documents. A DOCUMENT field without its own DEFAULT gets the defaults of its sub-fields, when any
(``analytics`` in the seed becomes ``{totalLogins: 0, engagement: {level: 'new', score: 0.0}}``).
Arrays and VARIANTs are never filled element by element.
"""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal
from typing import Any

from leaf_dagster.schema.model import (
    CurrentTimestamp,
    DocumentSchema,
    DocumentType,
    Field,
    LiteralValue,
    StructuredDefault,
)

NO_DEFAULT: Any = object()
"""Returned by :func:`default_value` for a field without a default."""


def default_value(field: Field, *, now: datetime) -> Any:
    """The value a missing ``field`` takes, or :data:`NO_DEFAULT` when it has none."""
    if isinstance(field.default, CurrentTimestamp):
        return now
    if isinstance(field.default, StructuredDefault):
        return field.default.value
    if isinstance(field.default, LiteralValue):
        value = field.default.value
        return float(value) if isinstance(value, Decimal) else value
    if isinstance(field.type, DocumentType) and field.type.fields:
        nested = _defaults(field.type.fields, now)
        return nested if nested else NO_DEFAULT
    return NO_DEFAULT


def _defaults(fields: tuple[Field, ...], now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        value = default_value(f, now=now)
        if value is not NO_DEFAULT:
            out[f.name] = value
    return out


def apply_defaults(doc: dict[str, Any], schema: DocumentSchema, *, now: datetime) -> dict[str, Any]:
    """A copy of ``doc`` with every missing field that has a default filled in, recursing into
    sub-documents that are present. Present values (null included) are kept as they are."""
    filled = copy.deepcopy(doc)
    _fill(filled, schema.fields, now)
    return filled


def _fill(doc: dict[str, Any], fields: tuple[Field, ...], now: datetime) -> None:
    for f in fields:
        if f.name not in doc:
            value = default_value(f, now=now)
            if value is not NO_DEFAULT:
                doc[f.name] = value
        elif isinstance(f.type, DocumentType) and f.type.fields and isinstance(doc[f.name], dict):
            _fill(doc[f.name], f.type.fields, now)
