"""Helpers for rollup tests: rollup files in a temp folder, a small deterministic event set."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from bson import ObjectId

from leaf_dagster.connection import Document

T0 = dt.datetime(2024, 9, 14, 10, tzinfo=dt.UTC)
EVENT_TYPES = ("page_view", "click", "api_call", "error")

BUCKET_ROLLUP = """/* leaf
pattern: bucket
target: buckets
on: userId
partition: hourly
time_field: timestamp
start: 2024-09-01
bucket:
  max_events: {max_events}
  measures: [responseTime]
  count_by:
    eventType: {{page_view: pageViews, click: clicks, api_call: apiCalls, error: errors}}
  distinct: {{uniquePages: page}}
*/
SELECT userId, timestamp, eventType, page, responseTime
FROM events
"""


def user(i: int) -> ObjectId:
    return ObjectId(f"{i:024x}")


def make_events(
    n: int, *, users: int = 3, hours: int = 2, seed: int = 7, start: dt.datetime = T0
) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        event_type = rng.choice(EVENT_TYPES)
        doc: Document = {
            "userId": user(rng.randrange(users)),
            "timestamp": start + dt.timedelta(seconds=rng.randrange(hours * 3600)),
            "eventType": event_type,
            "page": f"/p{rng.randrange(5)}",
        }
        if event_type in ("page_view", "api_call"):
            doc["responseTime"] = rng.randrange(10, 1000)
        docs.append(doc)
    return docs


@pytest.fixture
def rollup_file(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / f"{name}.sql"
        path.write_text(text)
        return path

    return write
