"""A rollup refuses, before writing, to ``$merge`` into a sharded target on fields lacking the shard key.

SIMULATION: the embedded server cannot shard. A sharded cluster reports each sharded collection in
``config.collections`` (``{_id: "<db>.<coll>", key: {<shard key>}}``, as ``mongos`` serves it); the test
writes that catalog document itself, which is exactly what the run-time check reads. On a real
MongoDB (``LEAF_MONGODB_URI`` set) the config database is not writable, so the test is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from pymongo.database import Database

from leaf_dagster.connection import ENV_URI, Document
from leaf_dagster.rollups import LeafRollupConfigError, parse_rollup, run_bucket_rollup, run_computed_rollup
from leaf_dagster.rollups.runs import shard_key
from tests.rollups.conftest import BUCKET_ROLLUP, T0, make_events
from tests.rollups.test_overlap import DAILY_ORDERS, DAY_WINDOW, HOUR_WINDOW, _orders

Shard = Callable[[str, Document], None]
pytestmark = pytest.mark.skipif(bool(os.environ.get(ENV_URI)), reason="simulates a sharding catalog")


@pytest.fixture
def simulate_sharded(db: Database[Document]) -> Iterator[Shard]:
    catalog = db.client["config"]["collections"]
    added: list[str] = []

    def shard(collection: str, key: Document) -> None:
        namespace = f"{db.name}.{collection}"
        catalog.replace_one({"_id": namespace}, {"_id": namespace, "key": key, "unique": False}, upsert=True)
        added.append(namespace)

    yield shard
    catalog.delete_many({"_id": {"$in": added}})


def test_a_merge_key_without_the_shard_key_fails_before_writing(
    db: Database[Document], simulate_sharded: Shard
) -> None:
    spec = parse_rollup(DAILY_ORDERS, name="customer_daily_orders")
    db.orders.insert_many(_orders(20))
    simulate_sharded("customer_daily_orders", {"region": 1, "customerId": 1})
    assert shard_key(db, "customer_daily_orders") == {"region": 1, "customerId": 1}
    with pytest.raises(LeafRollupConfigError) as caught:
        run_computed_rollup(db, spec, window=DAY_WINDOW)
    message = str(caught.value)
    assert f"target {db.name}.customer_daily_orders is sharded on {{'region': 1, 'customerId': 1}}" in message
    assert "merges on ['customerId', 'day']" in message and "['region']" in message
    assert db.customer_daily_orders.count_documents({}) == 0
    assert "customer_daily_orders" not in db.list_collection_names()  # not even an index built

    simulate_sharded("customer_daily_orders", {"customerId": "hashed"})  # the key is within `on`: runs
    assert run_computed_rollup(db, spec, window=DAY_WINDOW).documents_written == 20


def test_a_sharded_bucket_target_needs_the_shard_key_in_its_id(
    db: Database[Document], simulate_sharded: Shard
) -> None:
    spec = parse_rollup(BUCKET_ROLLUP.format(max_events=100), name="buckets")
    db.events.insert_many(make_events(50, start=T0))
    simulate_sharded("buckets", {"userId": 1})
    with pytest.raises(
        LeafRollupConfigError,
        match=r"sharded on \{'userId': 1\}.*lacks the shard key field\(s\) \['userId'\]",
    ):
        run_bucket_rollup(db, spec, HOUR_WINDOW)
    assert db.buckets.count_documents({}) == 0
    assert "buckets" not in db.list_collection_names()  # not even an index built
