"""``leaf-dagster migrate new``: write a revision file to fill in."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from leaf_dagster.migrations.errors import RevisionError
from leaf_dagster.migrations.revisions import Revisions

TEMPLATE = '''"""{title}"""

id = "{id}"
collection = "{collection}"
from_version = "{from_version}"
to_version = "{to_version}"
depends_on: list[str] = {depends_on}
# Fields removed by the cleanup phase (keep them until then: down needs them).
deprecated_fields: list[str] = []


def up(doc: dict) -> dict:
    """Return the document at {to_version}; the engine sets _schema.version."""
    return doc


def down(doc: dict) -> dict:
    """Return the document exactly as it was at {from_version}."""
    return doc


# Or, for changes an update pipeline can express (run server-side, much faster), delete up/down and:
# up_pipeline = [{{"$set": {{"newField": "default"}}}}]
# down_pipeline = [{{"$unset": "newField"}}]
'''


def slugify(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()
    if not slug:
        raise RevisionError(f"cannot make a revision name out of {name!r}")
    return slug


def new_revision(
    folder: Path | str,
    name: str,
    *,
    collection: str,
    from_version: str | None = None,
    to_version: str,
    at: datetime | None = None,
) -> Path:
    """Create ``<folder>/<timestamp>_<name>.py``; it depends on the collection's current head, and
    starts from the head's ``to_version`` unless ``from_version`` is given."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    head = Revisions.load(folder).head(collection) if any(folder.glob("*.py")) else None
    if from_version is None:
        if head is None:
            raise RevisionError(f"no revision for {collection} yet: pass the version to start from (--from)")
        from_version = head.to_version
    # A leading letter keeps the file name a valid module name (mypy, importlib).
    rid = f"m{(at or datetime.now(UTC)):%Y%m%d%H%M%S}_{slugify(name)}"
    path = folder / f"{rid}.py"
    if path.exists():
        raise RevisionError(f"{path} already exists")
    path.write_text(
        TEMPLATE.format(
            title=name,
            id=rid,
            collection=collection,
            from_version=from_version,
            to_version=to_version,
            depends_on=repr([head.id] if head else []),
        )
    )
    return path
