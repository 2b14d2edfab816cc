"""Repeat the overlap trials of ``test_overlap`` at a larger scale, for before/after figures.

    python -m tests.rollups.overlap_trials --trials 9 [--root /path/to/another/checkout]

``--root`` runs the worker processes on another checkout's ``leaf_dagster`` (e.g. the commit before
the partition lease), against an embedded server started here. Prints, per pattern, how many trials
ended with a target different from one clean run, and the document counts seen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bson import ObjectId
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.embedded import EmbeddedServer
from leaf_dagster.rollups import load_rollup_file, run_bucket_rollup, run_computed_rollup
from tests.rollups import test_overlap as overlap
from tests.rollups.conftest import BUCKET_ROLLUP, make_events


def incremental_trials(uri: str, db: Database[Document], tmp: Path, trials: int, rng: random.Random) -> None:
    """Two incremental runs 20-60 ms apart while a writer inserts reviews; after each pair, the
    summed counts must equal the reviews at or before the committed watermark."""
    path = tmp / "product_review_summary.sql"
    sql = overlap.REVIEW_SUMMARY
    if not (overlap.ROOT / "leaf_dagster" / "rollups" / "fencing.py").exists():
        sql = sql.replace("watermark_lag: 1 second\n", "")  # the key is newer than that checkout
    path.write_text(sql)
    products = [ObjectId() for _ in range(150)]
    db.products.insert_many([{"_id": p} for p in products])
    db.reviews.create_index("createdAt")
    old = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
    db.reviews.insert_many(
        [
            {
                "productId": rng.choice(products),
                "rating": rng.randint(1, 5),
                "createdAt": old + dt.timedelta(minutes=i),
            }
            for i in range(1000)
        ]
    )
    overlap.Worker(uri, db, path).result(timeout=600)
    writer = overlap.ReviewWriter(db, products, rng.randrange(1 << 30))
    writer.start()
    wrong, diffs = 0, []
    started = time.perf_counter()
    try:
        for _ in range(trials):
            first = overlap.Worker(uri, db, path)
            second = overlap.Worker(uri, db, path, delay_s=rng.uniform(0.02, 0.06))
            first.result(timeout=600), second.result(timeout=600)
            state = db["_leaf_watermarks"].find_one({"_id": "product_review_summary"}) or {}
            counted = sum(
                d["reviews"]["summary"]["count"]
                for d in db.products.find({"reviews.summary.count": {"$exists": True}})
            )
            expected = db.reviews.count_documents({"createdAt": {"$lte": state.get("watermark")}})
            diffs.append(counted - expected)
            wrong += counted != expected
    finally:
        writer.stop.set()
        writer.join()
    print(
        f"incremental: {wrong} of {trials} trials counted a different number of reviews than lie at or "
        f"before the watermark (counted - expected: {diffs}); {time.perf_counter() - started:.0f}s",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=9)
    parser.add_argument("--customers", type=int, default=600)
    parser.add_argument("--root", type=Path, default=overlap.ROOT)
    parser.add_argument("--seed", type=int, default=overlap.SEED)
    parser.add_argument("--patterns", default="computed,bucket,incremental")
    args = parser.parse_args()
    worker_dir = args.root / "tests" / "rollups"
    if not (worker_dir / "overlap_worker.py").exists():
        worker_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(__file__).with_name("overlap_worker.py"), worker_dir / "overlap_worker.py")
    overlap.ROOT = args.root
    tmp = Path(tempfile.mkdtemp(prefix="leaf-overlap-"))
    server = EmbeddedServer(tmp / "data")
    server.start()
    try:
        client: MongoClient[Document] = MongoClient(server.uri)
        db = client["overlap"]
        db.orders.create_index("createdAt")
        db.orders.insert_many(overlap._orders(args.customers))
        db.events.create_index("timestamp")
        db.events.insert_many(
            make_events(args.customers * 10, users=args.customers // 2, hours=1, start=overlap.HOUR)
        )
        (tmp / "customer_daily_orders.sql").write_text(overlap.DAILY_ORDERS)
        (tmp / "buckets.sql").write_text(BUCKET_ROLLUP.format(max_events=20))
        orders = load_rollup_file(tmp / "customer_daily_orders.sql")
        buckets = load_rollup_file(tmp / "buckets.sql")
        cases = [
            (
                "computed",
                orders,
                overlap.DAY_WINDOW,
                lambda: run_computed_rollup(db, orders, window=overlap.DAY_WINDOW),
            ),
            (
                "bucket",
                buckets,
                overlap.HOUR_WINDOW,
                lambda: run_bucket_rollup(db, buckets, overlap.HOUR_WINDOW),
            ),
        ]
        rng = random.Random(args.seed)
        for name, spec, window, clean in cases:
            if name not in args.patterns:
                continue
            clean()
            expected = overlap.snapshot(db, spec.target, spec.metadata_field)
            window_args: dict[str, Any] = {"start": window.start.isoformat(), "end": window.end.isoformat()}
            wrong, counts, exits = 0, [], []
            started = time.perf_counter()
            for trial in range(args.trials):
                if trial % 2:
                    db[spec.target].drop()
                offset = rng.uniform(0.0, 2.0)
                path = tmp / f"{spec.name}.sql"
                first = overlap.Worker(server.uri, db, path, **window_args)
                second = overlap.Worker(server.uri, db, path, delay_s=offset, **window_args)
                exits.append((first.result(timeout=600)[0], second.result(timeout=600)[0]))
                got = overlap.snapshot(db, spec.target, spec.metadata_field)
                counts.append(got[0])
                wrong += got != expected
            print(
                f"{name}: {wrong} of {args.trials} trials differ from one clean run "
                f"({expected[0]} documents); counts {counts}; exit codes {exits}; "
                f"{time.perf_counter() - started:.0f}s",
                flush=True,
            )
        if "incremental" in args.patterns:
            incremental_trials(server.uri, client["incremental"], tmp, args.trials, rng)
        client.close()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
