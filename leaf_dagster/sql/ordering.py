"""ORDER BY with PostgreSQL's NULL placement (NULLs sort as larger than every value).

MongoDB sorts null and missing first ascending, so unless the requested placement is the native
one (ASC NULLS FIRST, DESC NULLS LAST) each key gets a helper "is NULL" key sorted before it.

MongoDB sorts an array by its smallest (ascending) or largest (descending) element; PostgreSQL
compares arrays element by element, a shorter prefix first, NULL elements above every value. A
key that may hold an array therefore sorts by ``sort_value``: the array inside a document, whose
BSON comparison is element by element, with NULL elements as MaxKey.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bson import MaxKey

from leaf_dagster.sql.values import SqlType, Typed, is_null

HELPER_PREFIX = "__leaf_"


@dataclass(frozen=True)
class SortKey:
    field: str  # the sorted field (an output column or a helper computed for the sort)
    source: Any  # the expression whose value the field holds, in the stage computing it
    descending: bool
    nulls_first: bool
    non_null: bool = False

    @property
    def native(self) -> bool:
        return self.non_null or self.nulls_first != self.descending


def may_be_array(typed: Typed) -> bool:
    return typed.type in (SqlType.ANY, SqlType.ARRAY)


def sort_value(expr: Any) -> Any:
    """``expr`` as a sort key that orders arrays as PostgreSQL does (other values unchanged)."""
    elements = {"$map": {"input": expr, "in": {"$ifNull": ["$$this", MaxKey()]}}}
    return {"$cond": [{"$isArray": expr}, {"a": elements}, expr]}


def sort_stage(keys: list[SortKey], helpers: dict[str, Any]) -> dict[str, Any]:
    """The ``$sort`` document; adds the needed NULL-placement helpers to ``helpers``."""
    spec: dict[str, int] = {}
    for i, key in enumerate(keys):
        if not key.native:
            flag = f"{HELPER_PREFIX}n{i}"
            helpers[flag] = {"$cond": [is_null(key.source), 1, 0]}
            spec[flag] = -1 if key.nulls_first else 1
        spec.setdefault(key.field, -1 if key.descending else 1)
    return {"$sort": spec}
