"""One migration: a Python revision file turned into a :class:`Revision`.

A revision file defines module attributes, in the style of Alembic::

    id = "20240815_users_v2"
    collection = "users"
    from_version = "1.0.0"
    to_version = "2.0.0"
    depends_on = []                      # ids that must be applied first (optional)
    deprecated_fields = ["_deprecated"]  # removed by the cleanup phase (optional)
    indexes = [[("profile.lastName", 1)]]  # created by the prepare phase (optional)

    def up(doc): ...                     # per-document transform, run client-side
    def down(doc): ...                   # its exact inverse (optional: no down = irreversible)

or ``up_pipeline`` / ``down_pipeline``: update pipelines run server-side with ``update_many``.
The engine sets ``_schema.version`` itself; transforms need not.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from leaf_dagster.connection import Document
from leaf_dagster.migrations.errors import RevisionError

Transform = Callable[[Document], Document]
Pipeline = list[dict[str, Any]]
IndexSpec = Sequence[tuple[str, int | str]]

VERSION_FIELD = "_schema.version"
_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Revision:
    id: str
    collection: str
    from_version: str
    to_version: str
    depends_on: tuple[str, ...] = ()
    up: Transform | None = None
    down: Transform | None = None
    up_pipeline: Pipeline | None = None
    down_pipeline: Pipeline | None = None
    deprecated_fields: tuple[str, ...] = ()
    indexes: tuple[IndexSpec, ...] = ()
    description: str = ""
    path: Path | None = None
    checksum: str = ""
    source: str = field(default="python", compare=False)

    @property
    def server_side(self) -> bool:
        return self.up is None and self.up_pipeline is not None

    @property
    def reversible(self) -> bool:
        return self.down is not None or self.down_pipeline is not None

    def __post_init__(self) -> None:
        where = f" in {self.path}" if self.path else ""
        if not _ID_RE.match(self.id):
            raise RevisionError(f"revision id {self.id!r}{where} must be letters, digits, '_', '.', '-'")
        if not self.collection or self.collection.startswith("system."):
            raise RevisionError(f"revision {self.id}{where}: invalid collection {self.collection!r}")
        if self.from_version == self.to_version:
            raise RevisionError(
                f"revision {self.id}{where}: from_version equals to_version ({self.to_version})"
            )
        if self.up is None and self.up_pipeline is None:
            raise RevisionError(f"revision {self.id}{where} defines neither up(doc) nor up_pipeline")
        if self.up is not None and self.up_pipeline is not None:
            raise RevisionError(f"revision {self.id}{where} defines both up(doc) and up_pipeline: pick one")
        if self.down is not None and self.down_pipeline is not None:
            raise RevisionError(f"revision {self.id}{where} defines both down(doc) and down_pipeline")


def file_checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _import_file(path: Path) -> ModuleType:
    name = f"leaf_migrations_{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise RevisionError(f"cannot import revision file {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise RevisionError(f"revision file {path} failed to import: {type(exc).__name__}: {exc}") from exc
    return module


def _as_tuple(value: Any, what: str, path: Path) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(value)
    raise RevisionError(f"{path}: {what} must be a string or a list, not {type(value).__name__}")


def load_python_revision(path: Path) -> Revision:
    module = _import_file(path)
    missing = [a for a in ("id", "collection", "from_version", "to_version") if not hasattr(module, a)]
    if missing:
        raise RevisionError(f"revision file {path} lacks {', '.join(missing)}")

    def callable_or_none(name: str) -> Transform | None:
        value = getattr(module, name, None)
        if value is not None and not callable(value):
            raise RevisionError(f"{path}: {name} must be a function taking and returning a document")
        return value

    def pipeline_or_none(name: str) -> Pipeline | None:
        value = getattr(module, name, None)
        if value is not None and not (isinstance(value, list) and all(isinstance(s, dict) for s in value)):
            raise RevisionError(f"{path}: {name} must be a list of pipeline stages")
        return value

    return Revision(
        id=str(module.id),
        collection=str(module.collection),
        from_version=str(module.from_version),
        to_version=str(module.to_version),
        depends_on=tuple(str(d) for d in _as_tuple(getattr(module, "depends_on", None), "depends_on", path)),
        up=callable_or_none("up"),
        down=callable_or_none("down"),
        up_pipeline=pipeline_or_none("up_pipeline"),
        down_pipeline=pipeline_or_none("down_pipeline"),
        deprecated_fields=tuple(
            str(f) for f in _as_tuple(getattr(module, "deprecated_fields", None), "deprecated_fields", path)
        ),
        indexes=_as_tuple(getattr(module, "indexes", None), "indexes", path),
        description=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else "",
        path=path,
        checksum=file_checksum(path),
    )
