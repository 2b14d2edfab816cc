"""Reading collections as frames: flattening, exploding, projection, batching, exact BSON types."""

from __future__ import annotations

import datetime

from bson import Decimal128, Int64, ObjectId
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.quality.frames import (
    MISSING,
    ROOT,
    FrameSpec,
    bson_type,
    flatten,
    flatten_all,
    get_path,
    iter_documents,
    projection_for,
    read_frames,
)

DOCS: list[Document] = [
    {
        "_id": 1,
        "kind": "a",
        "profile": {"name": "x", "geo": {"city": "Oslo"}},
        "items": [{"sku": "s1", "tags": ["t1", "t2"]}, {"sku": "s2"}],
    },
    {"_id": 2, "kind": "b", "profile": None, "items": "oops"},
    {"_id": 3, "kind": "a", "items": [{"sku": None, "tags": ["t3"]}, 7]},
]


def test_get_path_distinguishes_missing_from_null() -> None:
    assert get_path(DOCS[0], "profile.geo.city") == "Oslo"
    assert get_path(DOCS[1], "profile") is None
    assert get_path(DOCS[1], "profile.name") is MISSING
    assert get_path(DOCS[2], "profile.name") is MISSING


def test_bson_type_is_exact() -> None:
    assert bson_type(5) == "int"
    assert bson_type(2**40) == "long"
    assert bson_type(Int64(5)) == "long"
    assert bson_type(True) == "bool"
    assert bson_type(5.0) == "double"
    assert bson_type(Decimal128("1.5")) == "decimal"
    assert bson_type(datetime.datetime(2024, 1, 1)) == "date"
    assert bson_type(ObjectId()) == "objectId"
    assert bson_type({}) == "object"
    assert bson_type([]) == "array"
    assert bson_type(None) is None
    assert bson_type(MISSING) is None


def test_flatten_explodes_arrays_into_child_frames_with_parent_ids() -> None:
    specs = [
        FrameSpec(ROOT, None, ("kind", "profile.geo.city")),
        FrameSpec("items", ROOT, ("items", "items.sku"), ("kind",)),
        FrameSpec("items.tags", "items", ("items.tags",), ("kind",)),
    ]
    frames = flatten(DOCS, specs)
    root = frames.root
    assert list(root["_id"]) == [1, 2, 3]
    assert list(root["profile.geo.city"]) == ["Oslo", None, None]
    items = frames["items"]
    assert list(items["_id"]) == [1, 1, 3, 3]
    assert list(items["_index"]) == [0, 1, 0, 1]
    assert list(items["_parent"]) == [0, 0, 2, 2]
    assert list(items["items.sku"]) == ["s1", "s2", None, None]
    assert list(items["kind"]) == ["a", "a", "a", "a"]
    tags = frames["items.tags"]
    assert list(tags["items.tags"]) == ["t1", "t2", "t3"]
    assert list(tags["_id"]) == [1, 1, 3]
    assert list(tags["_parent"]) == [0, 0, 2]
    assert all(frame[c].dtype == object for frame in frames.frames.values() for c in frame if c[0] != "_")


def test_flatten_all_uses_dotted_leaf_names() -> None:
    frames = flatten_all(DOCS, ["items"])
    assert {"_id", "kind", "profile.name", "profile.geo.city"} <= set(frames.root.columns)
    assert "items" not in frames.root.columns
    assert list(frames["items"]["items.sku"]) == ["s1", "s2", None, None]


def test_projection_drops_paths_under_a_projected_ancestor() -> None:
    assert projection_for(["a.b", "a", "c.d", "_id"]) == {"_id": 1, "a": 1, "c.d": 1}


def test_batches_projection_filter_and_sample(db: Database[Document]) -> None:
    db.things.insert_many([{"_id": i, "n": i, "big": "x" * 100, "sub": {"a": i, "b": 1}} for i in range(23)])
    batches = list(iter_documents(db.things, projection={"_id": 1, "sub.a": 1}, batch_size=10))
    assert [len(b) for b in batches] == [10, 10, 3]
    assert batches[0][0] == {"_id": 0, "sub": {"a": 0}}
    filtered = [d["_id"] for b in iter_documents(db.things, filter={"n": {"$gte": 20}}) for d in b]
    assert sorted(filtered) == [20, 21, 22]
    sampled = [d for b in iter_documents(db.things, sample=5, batch_size=2) for d in b]
    assert len(sampled) == 5 and len({d["_id"] for d in sampled}) == 5
    frames = list(read_frames(db.things, [FrameSpec(ROOT, None, ("sub.a",))], batch_size=20))
    assert [len(f.root) for f in frames] == [20, 3]
    assert list(frames[1].root.columns) == ["_id", "sub.a"]
