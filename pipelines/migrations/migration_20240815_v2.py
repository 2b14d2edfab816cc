"""Split full_name into profile.firstName / profile.lastName, keeping the original in _deprecated."""

from typing import Any

id = "migration_20240815_v2"
collection = "users"
from_version = "1.0.0"
to_version = "2.0.0"
depends_on: list[str] = []
# Removed by a later cleanup run; until then down restores full_name exactly.
deprecated_fields = ["_deprecated.full_name"]


def up(doc: dict[str, Any]) -> dict[str, Any]:
    if "full_name" in doc and "profile" not in doc:
        parts = str(doc["full_name"]).split(" ")
        doc["profile"] = {"firstName": parts[0], "lastName": " ".join(parts[1:])}
        doc.setdefault("_deprecated", {})["full_name"] = doc.pop("full_name")
    return doc


def down(doc: dict[str, Any]) -> dict[str, Any]:
    deprecated = doc.get("_deprecated") or {}
    if "full_name" in deprecated:
        doc["full_name"] = deprecated.pop("full_name")
        doc.pop("profile", None)
        if not deprecated:
            doc.pop("_deprecated", None)
    return doc
