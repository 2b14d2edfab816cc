"""Name resolution over the relations a query reads: the base collection, joined collections, CTEs,
subqueries and UNNEST elements, and the enclosing queries of a correlated subquery.

Each relation's row lives at a field of the current document (``prefix``; "" is the document root).
A relation of an enclosing level lives outside the current ``$lookup`` pipeline: it is reached
through a ``let`` variable of that ``$lookup`` (``Bindings``). A JOIN's ON condition is compiled
inside the joined collection's ``$lookup`` pipeline, so it is a level of its own whose ``outer`` is
the same query level (``lateral``): unqualified names are looked up in both as one level.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from leaf_dagster.sql.errors import LeafSQLError, Source
from leaf_dagster.sql.values import SqlType

JOIN_PREFIX = "__leaf_j_"


@dataclass(frozen=True)
class Relation:
    alias: str
    prefix: str = ""  # the field holding this relation's row; "" for the document root
    columns: tuple[str, ...] | None = None  # known output columns; None for a collection (any field)
    element: str | None = None  # UNNEST: the column name that stands for the element itself
    # UNNEST without a column alias: its elements may be documents, so any field name may be theirs.
    open_fields: bool = False
    # Declared types of the relation's fields by dotted path (a collection named in the catalog).
    types: Mapping[str, SqlType] = field(default_factory=dict)
    collection: str | None = None  # the collection whose documents are the rows (not a CTE's)
    origins: Mapping[str, Any] = field(default_factory=dict)  # a CTE's columns that are stored fields

    def field(self, rest: list[str]) -> list[str]:
        return [self.prefix, *rest] if self.prefix else rest


class Bindings:
    """The ``let`` variables of one ``$lookup``: expressions of the enclosing document, by name."""

    def __init__(self, names: itertools.count[int]) -> None:
        self.names = names
        self.vars: dict[str, Any] = {}
        self._by_key: dict[str, str] = {}

    def bind(self, expr: Any) -> str:
        key = json.dumps(expr, sort_keys=True, default=str)
        name = self._by_key.get(key)
        if name is None:
            name = f"v{next(self.names)}"
            self._by_key[key] = name
            # Bound through $ifNull: a variable bound to a missing field misbehaves on some servers.
            self.vars[name] = {"$ifNull": [expr, None]}
        return name

    def let(self) -> dict[str, Any]:
        return dict(self.vars)


@dataclass(frozen=True, eq=False)
class Scope:
    """What a query level reads. ``Scope(collection, qualifiers)`` is one collection at the root."""

    collection: str | None = None
    qualifiers: frozenset[str] = field(default_factory=frozenset)
    relations: tuple[Relation, ...] = ()
    outer: Scope | None = None
    lateral: bool = False  # ``outer`` is the same query level (a JOIN's ON condition)
    bindings: Bindings | None = None  # how this level reaches ``outer``
    touched: set[str] = field(default_factory=set)  # aliases resolved so far (for WHERE pushdown)

    @property
    def all_relations(self) -> tuple[Relation, ...]:
        if self.relations:
            return self.relations
        return tuple(Relation(q) for q in sorted(self.qualifiers))

    @property
    def aliases(self) -> frozenset[str]:
        return frozenset(r.alias for r in self.all_relations)

    def nested(self, relations: tuple[Relation, ...], *, lateral: bool, names: itertools.count[int]) -> Scope:
        """A level inside a ``$lookup`` pipeline whose enclosing document this scope describes."""
        return Scope(
            collection=None, relations=relations, outer=self, lateral=lateral, bindings=Bindings(names)
        )

    def locate(self, segs: list[Any], node: exp.Expr, source: Source) -> tuple[Scope, Relation, list[Any]]:
        """The level and relation a path names, and the path inside the relation's row."""
        first = segs[0]
        if len(segs) > 1 and isinstance(first, str):
            level: Scope | None = self
            while level is not None:
                for rel in level.all_relations:
                    if rel.alias == first:
                        return level, rel, self._inside(rel, segs[1:], node, source, qualified=True)
                level = level.outer
        if not isinstance(first, str):
            raise source.error("array access needs a field before '['", node)
        level, rel = self._unqualified(first, node, source)
        return level, rel, self._inside(rel, segs, node, source, qualified=False)

    @staticmethod
    def _inside(
        rel: Relation, rest: list[Any], node: exp.Expr, source: Source, *, qualified: bool
    ) -> list[Any]:
        if rel.element is not None:
            if rest and rest[0] == rel.element:
                return rest[1:]
            if qualified:
                return rest
        if rel.columns is not None and (not rest or rest[0] not in rel.columns):
            name = rest[0] if rest else ""
            raise source.error(f"column {name!r} does not exist in {rel.alias!r}", node)
        return rest

    def _level(self) -> list[Scope]:
        out: list[Scope] = [self]
        while out[-1].lateral and out[-1].outer is not None:
            out.append(out[-1].outer)
        return out

    def _unqualified(self, name: str, node: exp.Expr, source: Source) -> tuple[Scope, Relation]:
        level = self._level()
        rels = [(s, r) for s in level for r in s.all_relations]
        known = [(s, r) for s, r in rels if name in ((r.element,) if r.element else r.columns or ())]
        if len(known) > 1:
            raise source.error(f"column reference {name!r} is ambiguous", node)
        if known:
            return known[0]
        open_ = [(s, r) for s, r in rels if r.columns is None and (r.element is None or r.open_fields)]
        if len(open_) > 1:
            raise source.error(
                f"column reference {name!r} is ambiguous: qualify it with a table alias "
                f"({', '.join(r.alias for _, r in open_)})",
                node,
            )
        if open_:
            return open_[0]
        beyond = level[-1].outer
        if beyond is not None:
            return beyond._unqualified(name, node, source)
        if not rels:
            return self, Relation("")
        raise source.error(f"column {name!r} does not exist", node)

    def boundary(self, level: Scope) -> Scope:
        """The level directly inside ``level`` in this chain (whose ``let`` reaches ``level``)."""
        current = self
        while current.outer is not level:
            if current.outer is None:
                raise LeafSQLError("internal error: scope chain broken")
            current = current.outer
        return current
