"""A corpus query (``Case``) and the two builders every corpus writes its queries with."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.sql.harness import Query


@dataclass(frozen=True)
class Case:
    query: Query
    refused: str | None = None  # a word of the expected LeafSQLError
    error: bool = False  # PostgreSQL rejects it: so must we
    xfail: str | None = None
    catalog: Mapping[str, Mapping[str, str]] | None = None
    unordered: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.query.id


def builders(now: datetime) -> tuple[Callable[..., Case], Callable[..., Case]]:
    """``C(id, sql, ...)``, a query whose rows must equal PostgreSQL's, and ``E(id, sql, ...)``, one
    PostgreSQL rejects, both run as of ``now``."""

    def query(id: str, sql: str, *, params: Mapping[str, Any] | None = None, **kw: Any) -> Case:
        unordered = kw.pop("unordered", {})
        text = textwrap.dedent(sql).strip()
        return Case(Query(id=id, sql=text, params=params, now=now, unordered=unordered), **kw)

    def rejected(id: str, sql: str, **kw: Any) -> Case:
        return query(id, sql, error=True, **kw)

    return query, rejected
