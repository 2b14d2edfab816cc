"""Field-level differences between two documents, for dry-run previews."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leaf_dagster.connection import Document

_MISSING = object()


@dataclass(frozen=True)
class Change:
    path: str
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        if self.before is _MISSING:
            return "added"
        if self.after is _MISSING:
            return "removed"
        return "changed"

    def __str__(self) -> str:
        if self.kind == "added":
            return f"+ {self.path} = {self.after!r}"
        if self.kind == "removed":
            return f"- {self.path} (was {self.before!r})"
        return f"~ {self.path}: {self.before!r} -> {self.after!r}"


def diff_documents(before: Document, after: Document, prefix: str = "") -> list[Change]:
    changes: list[Change] = []
    for key in [*before, *(k for k in after if k not in before)]:
        path = f"{prefix}{key}"
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        if isinstance(old, dict) and isinstance(new, dict):
            changes.extend(diff_documents(old, new, f"{path}."))
        elif old is _MISSING or new is _MISSING or old != new:
            changes.append(Change(path, old, new))
    return changes
