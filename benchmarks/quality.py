"""Validation throughput and peak memory: batched streaming vs one whole-collection DataFrame.

    python benchmarks/quality.py            # 100k documents (1M with --full)
    python benchmarks/quality.py --sizes 20000 --batch-size 5000

Starts an embedded server (or uses ``LEAF_MONGODB_URI``), loads generated documents with a few
violations, then validates each size in a fresh child process per approach and reports documents
per second and the child's peak RSS (``VmHWM``). Target: batched peak RSS < 400 MB at 1M documents.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DDL = """
-- @version 1.0
CREATE DOCUMENT_SCHEMA bench_events (
  _id OBJECTID PRIMARY KEY,
  userId OBJECTID NOT NULL REFERENCES bench_users(_id),
  email VARCHAR(60) NOT NULL UNIQUE,
  kind ENUM('view', 'click', 'buy') NOT NULL,
  title VARCHAR(40),
  amount INTEGER CHECK (amount >= 0),
  createdAt TIMESTAMP NOT NULL,
  tags ARRAY OF VARCHAR(12) VALIDATE (ARRAY_LENGTH(tags) <= 5),
  meta DOCUMENT { source VARCHAR(20) NOT NULL, score DECIMAL(5,2) }
);
"""
USERS = 1000
INSERT_BATCH = 10_000


def _schema() -> Any:
    from leaf_dagster.schema import parse_ddl

    return parse_ddl(DDL).only("bench_events")


def load(uri: str, db_name: str, size: int) -> float:
    """Load ``size`` events (1 in 1000 with a violation); seconds spent inserting."""
    import datetime as dt

    from bson import ObjectId
    from pymongo import MongoClient

    db: Any = MongoClient(uri)[db_name]
    if (
        db.bench_events.estimated_document_count() == size
        and db.bench_users.estimated_document_count() == USERS
    ):
        return 0.0  # already loaded by a previous run
    db.drop_collection("bench_events")
    db.drop_collection("bench_users")
    users = [ObjectId() for _ in range(USERS)]
    db.bench_users.insert_many([{"_id": u} for u in users])
    db.bench_events.create_index("email")
    start = time.perf_counter()
    base = dt.datetime(2024, 1, 1)
    for first in range(0, size, INSERT_BATCH):
        docs = []
        for i in range(first, min(size, first + INSERT_BATCH)):
            doc = {
                "_id": ObjectId(),
                "userId": users[i % USERS],
                "email": f"user{i}@example.com",
                "kind": ("view", "click", "buy")[i % 3],
                "title": f"title {i % 97}",
                "amount": i % 500,
                "createdAt": base + dt.timedelta(seconds=i),
                "tags": ["a", "bb", "ccc"][: i % 4],
                "meta": {"source": "web", "score": (i % 900) / 10},
                "_schema": {"version": "1.0"},
            }
            if i % 1000 == 7:
                doc["kind"] = "zap"
                doc["amount"] = -1
                doc["email"] = "dup@example.com"
            docs.append(doc)
        db.bench_events.insert_many(docs, ordered=False)
    return time.perf_counter() - start


def child(uri: str, db_name: str, batch_size: int) -> None:
    """Validate once and print JSON: seconds, documents, failures, peak RSS (VmHWM) in MB."""
    from pymongo import MongoClient

    from leaf_dagster.quality import validate_collection

    db: Any = MongoClient(uri)[db_name]
    start = time.perf_counter()
    report = validate_collection(db, _schema(), batch_size=batch_size)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "documents": report.documents,
                "batches": report.batches,
                "failed": [r.rule.id for r in report.failures],
                "unexpected": {r.rule.id: r.unexpected_count for r in report.failures},
                "peak_rss_mb": _peak_rss_mb(),
            }
        )
    )


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(uri: str, db_name: str, batch_size: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--uri", uri, "--db", db_name, "--batch-size", str(batch_size)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="also 1M documents (loading takes a while)")
    parser.add_argument("--sizes", type=int, nargs="*", help="document counts (default 100000 [1000000])")
    parser.add_argument("--batch-size", type=int, nargs="+", default=[5000], help="one run per batch size")
    parser.add_argument("--skip-naive", action="store_true", help="only the batched approach")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--uri", help=argparse.SUPPRESS)
    parser.add_argument("--db", default="leaf_bench_quality", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.uri, args.db, args.batch_size[0])
        return 0

    from leaf_dagster.embedded import EmbeddedServer

    sizes = args.sizes or ([100_000, 1_000_000] if args.full else [100_000])
    external = os.environ.get("LEAF_MONGODB_URI")
    server = None if external else EmbeddedServer().start()
    uri = external or (server.uri if server else "")
    try:
        print(f"# server: {'LEAF_MONGODB_URI' if external else 'embedded'}", flush=True)
        print(
            f"{'documents':>10} {'approach':>8} {'batch':>7} {'docs/s':>9} {'peak RSS':>9}  failed expectations",
            flush=True,
        )
        for size in sizes:
            seconds = load(uri, args.db, size)
            if seconds:
                print(
                    f"# loaded {size:,} documents in {seconds:.0f}s ({size / seconds:,.0f} docs/s)",
                    flush=True,
                )
            runs = [("batched", b) for b in args.batch_size] + ([] if args.skip_naive else [("naive", size)])
            for name, batch in runs:
                r = run_child(uri, args.db, batch)
                print(
                    f"{r['documents']:>10,} {name:>8} {batch:>7,} {r['documents'] / r['seconds']:>9,.0f} "
                    f"{r['peak_rss_mb']:>7.0f}MB  {r['unexpected']}",
                    flush=True,
                )
        if not args.full and not args.sizes:
            print("# 1M documents is opt-in (--full): loading them into the embedded server takes minutes")
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
