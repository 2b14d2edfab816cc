"""Add analytics tracking defaults; move user_preferences to preferences (kept in _deprecated)."""

from typing import Any

id = "migration_20240914_v21"
collection = "users"
from_version = "2.0.0"
to_version = "2.1.0"
depends_on = ["migration_20240815_v2"]
deprecated_fields = ["_deprecated.user_preferences", "_deprecated.added_in_v21"]


def up(doc: dict[str, Any]) -> dict[str, Any]:
    added = []
    if "analytics" not in doc:
        doc["analytics"] = {
            "totalLogins": 0,
            "lastLoginAt": None,
            "createdAt": doc.get("createdAt"),
            "engagement": {"level": "new", "score": 0},
        }
        added.append("analytics")
    if "user_preferences" in doc and "preferences" not in doc:
        old = doc["user_preferences"] or {}
        doc["preferences"] = {
            "theme": old.get("theme") or "light",
            "language": old.get("lang") or "en",
            "notifications": old.get("notifications") or {},
        }
        doc.setdefault("_deprecated", {})["user_preferences"] = doc.pop("user_preferences")
    if added:
        # What up added, so that down removes exactly that and nothing the document had before.
        doc.setdefault("_deprecated", {})["added_in_v21"] = added
    return doc


def down(doc: dict[str, Any]) -> dict[str, Any]:
    deprecated = doc.get("_deprecated") or {}
    for field in deprecated.pop("added_in_v21", []):
        doc.pop(field, None)
    if "user_preferences" in deprecated:
        doc["user_preferences"] = deprecated.pop("user_preferences")
        doc.pop("preferences", None)
    if "_deprecated" in doc and not deprecated:
        doc.pop("_deprecated")
    return doc
