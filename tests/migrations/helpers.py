"""Test data and content hashes for the migration tests."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from bson import json_util
from pymongo.database import Database

from leaf_dagster.connection import Document

EXAMPLES = Path(__file__).resolve().parents[2] / "pipelines" / "migrations"
TEST_REVISIONS = Path(__file__).resolve().parent / "revisions"
FIRST_NAMES = ["Sarah", "Ada", "Linus", "Grace", "Ken"]
LAST_NAMES = ["Johnson", "Lovelace", "Torvalds", "Hopper", "Thompson", "van Rossum"]


def content_hash(doc: Document) -> str:
    """Order-insensitive hash of a document's content (keys sorted at every level)."""
    return hashlib.sha256(json_util.dumps(doc, sort_keys=True).encode()).hexdigest()


def collection_hashes(db: Database[Document], name: str) -> dict[Any, str]:
    return {doc["_id"]: content_hash(doc) for doc in db[name].find({})}


def database_hash(db: Database[Document]) -> str:
    """Every collection, every document, sorted: equal before and after means nothing was written."""
    digest = hashlib.sha256()
    for name in sorted(db.list_collection_names()):
        digest.update(name.encode())
        docs = sorted(content_hash(d) for d in db[name].find({}))
        digest.update("".join(docs).encode())
        indexes = sorted(json_util.dumps(i, sort_keys=True) for i in db[name].list_indexes())
        digest.update("".join(indexes).encode())
    return digest.hexdigest()


def make_users(n: int, *, start: int = 0) -> list[Document]:
    users = []
    for i in range(start, start + n):
        doc: Document = {
            "_id": i,
            "_schema": {"version": "1.0.0"},
            "username": f"user_{i}",
            "email": f"user_{i}@example.com",
            "full_name": f"{FIRST_NAMES[i % 5]} {LAST_NAMES[i % 6]}",
            "createdAt": f"2024-01-{i % 28 + 1:02d}",
        }
        if i % 3 == 0:
            doc["user_preferences"] = {"theme": "dark", "lang": "fr", "notifications": {"email": True}}
        users.append(doc)
    return users


def insert_users(db: Database[Document], n: int, collection: str = "users") -> None:
    docs = make_users(n)
    for k in range(0, n, 5000):
        db[collection].insert_many(docs[k : k + 5000])


def copy_examples(dest: Path, *names: str) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        source = EXAMPLES / name if (EXAMPLES / name).exists() else TEST_REVISIONS / name
        shutil.copy(source, dest / name)
    return dest


V2 = "migration_20240815_v2.py"
V21 = "migration_20240914_v21.py"
V3_SQL = "migrate_users_v2_to_v3.sql"  # the seed's CREATE MIGRATION, SQL-style
V3_PIPELINE = "pipeline_v3.py"  # the same change as a Python revision with up_pipeline
