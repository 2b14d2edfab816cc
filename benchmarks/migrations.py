"""Migration speed: our engine vs the seed's per-document algorithm, and server-side vs client-side.

Migrates users 1.0.0 → 2.0.0 (``full_name`` → ``profile.firstName``/``lastName``, original kept in
``_deprecated``) on N documents (default 200,000; ``LEAF_BENCH_MIGRATION_DOCS``) three ways, on the same
server in one run:

- engine, client-side transform (``up(doc)``, one journaled ``bulk_write`` per batch), and again with
  the seed's own write concern (``w="majority"``) for a like-for-like comparison
- engine, server-side update pipeline (one journaled ``update_many`` per batch)
- the seed's algorithm: per document, set a ``_migrationLock`` flag, update, then unset the flag
  (three round trips per document). It runs on a subset (``LEAF_BENCH_NAIVE_DOCS``, default 20,000)
  and its per-document rate is extrapolated to N, as the output says.

Uses ``LEAF_MONGODB_URI`` if set, else starts an embedded server. Run: ``python benchmarks/migrations.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from pymongo import MongoClient, UpdateOne, WriteConcern
from pymongo.database import Database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from leaf_dagster.connection import ENV_URI, Document  # noqa: E402
from leaf_dagster.embedded import EmbeddedServer  # noqa: E402
from leaf_dagster.migrations import MigrationOptions, MigrationRunner, Revisions  # noqa: E402

N = int(os.environ.get("LEAF_BENCH_MIGRATION_DOCS", "200000"))
NAIVE_N = min(N, int(os.environ.get("LEAF_BENCH_NAIVE_DOCS", "20000")))
BATCH = 1000
FIRST = ["Sarah", "Ada", "Linus", "Grace", "Ken"]
LAST = ["Johnson", "Lovelace", "Torvalds", "Hopper", "Thompson", "van Rossum"]

SERVER_SIDE_REVISION = """
id = "bench_v2_server"
collection = "users_server"
from_version = "1.0.0"
to_version = "2.0.0"

up_pipeline = [
    {"$set": {"_space": {"$indexOfCP": ["$full_name", " "]}}},
    {
        "$set": {
            "profile": {
                "firstName": {
                    "$cond": [{"$gte": ["$_space", 0]}, {"$substrCP": ["$full_name", 0, "$_space"]}, "$full_name"]
                },
                "lastName": {
                    "$cond": [
                        {"$gte": ["$_space", 0]},
                        {"$substrCP": ["$full_name", {"$add": ["$_space", 1]}, 1000]},
                        "",
                    ]
                },
            },
            "_deprecated.full_name": "$full_name",
        }
    },
    {"$unset": ["full_name", "_space"]},
]
"""


def users(start: int, n: int) -> list[Document]:
    return [
        {
            "_id": i,
            "_schema": {"version": "1.0.0"},
            "username": f"user_{i}",
            "email": f"user_{i}@example.com",
            "full_name": f"{FIRST[i % 5]} {LAST[i % 6]}",
            "createdAt": f"2024-01-{i % 28 + 1:02d}",
        }
        for i in range(start, start + n)
    ]


def load(db: Database[Document], name: str, n: int) -> None:
    db.drop_collection(name)
    for k in range(0, n, 10_000):
        db[name].insert_many(users(k, min(10_000, n - k)))


def split_name(doc: Document) -> Document:
    parts = str(doc["full_name"]).split(" ")
    doc["profile"] = {"firstName": parts[0], "lastName": " ".join(parts[1:])}
    doc.setdefault("_deprecated", {})["full_name"] = doc.pop("full_name")
    return doc


def naive_seed_migration(db: Database[Document], name: str) -> int:
    """The seed's MongoSchemaManager.performGradualMigration, with its per-document lock flag."""
    coll = db[name]
    majority = coll.with_options(write_concern=WriteConcern(w="majority"))
    migrated = 0
    while True:
        docs = list(
            coll.find({"_schema.version": {"$ne": "2.0.0"}, "_migrationLock": {"$exists": False}}).limit(
                BATCH
            )
        )
        if not docs:
            return migrated
        for doc in docs:
            coll.update_one({"_id": doc["_id"]}, {"$set": {"_migrationLock": True}})
            new = split_name(dict(doc))
            new.pop("_id")
            new["_schema"] = {"version": "2.0.0"}
            majority.bulk_write([UpdateOne({"_id": doc["_id"]}, {"$set": new, "$unset": {"full_name": ""}})])
            coll.update_one({"_id": doc["_id"]}, {"$unset": {"_migrationLock": ""}})
            migrated += 1


def engine(db: Database[Document], folder: Path, rid: str, *, durable: bool = True) -> float:
    options = MigrationOptions(batch_size=BATCH, durable_writes=durable)
    runner = MigrationRunner(db, Revisions.load(folder), options)
    started = time.perf_counter()
    result = runner.apply(rid)
    seconds = time.perf_counter() - started
    assert result.migrated == N, result
    db.drop_collection("_leaf_migrations")
    return seconds


def main() -> int:
    external = os.environ.get(ENV_URI)
    server = None if external else EmbeddedServer().start()
    uri = external or (server.uri if server else "")
    client: MongoClient[Document] = MongoClient(uri)
    db = client["leaf_bench_migrations"]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            client_folder, server_folder = Path(tmp, "client"), Path(tmp, "server")
            client_folder.mkdir()
            server_folder.mkdir()
            (client_folder / "bench_v2_client.py").write_text(
                textwrap.dedent(
                    """
                    id = "bench_v2_client"
                    collection = "users_client"
                    from_version = "1.0.0"
                    to_version = "2.0.0"

                    def up(doc):
                        parts = str(doc["full_name"]).split(" ")
                        doc["profile"] = {"firstName": parts[0], "lastName": " ".join(parts[1:])}
                        doc.setdefault("_deprecated", {})["full_name"] = doc.pop("full_name")
                        return doc
                    """
                )
            )
            (server_folder / "bench_v2_server.py").write_text(SERVER_SIDE_REVISION)
            print(f"server: {'LEAF_MONGODB_URI' if external else 'embedded SecantusDB'}; {N} documents")

            # The seed's algorithm first, on a fresh database, then each run on its own collection.
            load(db, "users_naive", NAIVE_N)
            started = time.perf_counter()
            assert naive_seed_migration(db, "users_naive") == NAIVE_N
            naive_measured = time.perf_counter() - started
            db.drop_collection("users_naive")
            naive_rate = NAIVE_N / naive_measured
            naive_s = N / naive_rate
            print(f"seed per-document algorithm (its own wc):     {naive_s:8.1f} s {naive_rate:7.0f} docs/s")
            if NAIVE_N != N:
                print(
                    f"  (seed algorithm measured {naive_measured:.1f} s on {NAIVE_N} documents, extrapolated to {N})"
                )

            load(db, "users_client", N)
            client_s = engine(db, client_folder, "bench_v2_client")
            print(
                f"engine, client-side transform, j=True:        {client_s:8.1f} s {N / client_s:7.0f} docs/s"
            )
            sample = db.users_client.find_one({"_id": 7})

            load(db, "users_client", N)
            majority = db.client.get_database(db.name, write_concern=WriteConcern(w="majority"))
            client_maj_s = engine(majority, client_folder, "bench_v2_client", durable=False)
            print(
                f"engine, client-side transform, w=majority:    {client_maj_s:8.1f} s {N / client_maj_s:7.0f} docs/s"
            )
            db.drop_collection("users_client")

            load(db, "users_server", N)
            server_s = engine(db, server_folder, "bench_v2_server")
            print(
                f"engine, server-side pipeline, j=True:         {server_s:8.1f} s {N / server_s:7.0f} docs/s"
            )
            assert db.users_server.find_one({"_id": 7}) == sample
            db.drop_collection("users_server")
            print()
            print(
                f"engine client-side (w=majority, as the seed) vs seed algorithm: {naive_s / client_maj_s:5.1f}x faster"
            )
            print(
                f"engine client-side (j=True, crash-safe) vs seed algorithm:      {naive_s / client_s:5.1f}x faster"
            )
            print(
                f"engine server-side (j=True, crash-safe) vs seed algorithm:      {naive_s / server_s:5.1f}x faster"
            )
            print(
                f"server-side pipeline vs client-side transform (both j=True):    {client_s / server_s:5.1f}x faster"
            )
        return 0
    finally:
        client.drop_database(db.name)
        client.close()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
