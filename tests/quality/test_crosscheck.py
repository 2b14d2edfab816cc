"""Cross-check: the ``_id``s the GX suite flags are exactly the ones the server's ``$jsonSchema``
validator rejects, on generated data with a violation of every construct both can express.

UNIQUE and REFERENCES are left out of the comparison (``$jsonSchema`` cannot express them), and so
are CHECKs the validator builder reports as not expressible.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from bson import Decimal128, Int64, ObjectId
from pymongo.database import Database
from pymongo.errors import WriteError

from leaf_dagster.connection import Document
from leaf_dagster.quality import build_plan, validate_collection
from leaf_dagster.schema import DocumentSchema, SchemaSet
from leaf_dagster.schema.apply import apply_schema
from leaf_dagster.schema.validator import build_validator

DOCUMENT_VALIDATION_FAILURE = 121
Mutation = Callable[[Document], None]


def _set(path: str, value: Any) -> Mutation:
    def apply(doc: Document) -> None:
        *parents, last = path.split(".")
        target = doc
        for part in parents:
            target = target[part]
        target[last] = copy.deepcopy(value)

    return apply


def _unset(path: str) -> Mutation:
    def apply(doc: Document) -> None:
        *parents, last = path.split(".")
        target = doc
        for part in parents:
            target = target[part]
        del target[last]

    return apply


def _both(*mutations: Mutation) -> Mutation:
    def apply(doc: Document) -> None:
        for m in mutations:
            m(doc)

    return apply


# SecantusDB 0.7.0b3 ignores Decimal128 values in $jsonSchema minimum/maximum (MongoDB 7.0 does
# not): the suite flags these, the embedded server accepts them.
SERVER_GAP: dict[str, Mutation] = {
    "score decimal between": _set("score", Decimal128("10.25")),
}

INVALID: dict[str, Mutation] = {
    "_id type": lambda doc: doc.update(_id=f"not-an-id-{ObjectId()}"),
    "name type": _set("name", 5),
    "name missing": _unset("name"),
    "name null": _set("name", None),
    "name maxLength": _set("name", "x" * 11),
    "kind enum": _set("kind", "c"),
    "kind type": _set("kind", 7),
    "kind missing": _unset("kind"),
    "count minimum": _set("count", -1),
    "count maximum": _set("count", 101),
    "count double": _set("count", 5.0),
    "count range": _set("count", Int64(2**40)),
    "count string": _set("count", "5"),
    "big type": _set("big", "7"),
    "big double": _set("big", 1.5),
    "score between": _set("score", 10.5),
    "score precision": _set("score", 1000.0),
    "score type": _set("score", "1"),
    "code like": _set("code", "XY"),
    "code non-string": _set("code", 12),
    "level in": _set("level", 4),
    "ratio exclusive": _set("ratio", 0),
    "ratio negative": _set("ratio", -1.5),
    "label length": _set("label", "x"),
    "flag type": _set("flag", "yes"),
    "at type": _set("at", "2024-01-01"),
    "born type": _set("born", 20000101),
    "ref type": _set("ref", "abc"),
    "tags element maxLength": _set("tags", ["toolong"]),
    "tags element type": _set("tags", [1]),
    "tags element null": _set("tags", ["a", None]),
    "tags maxItems": _set("tags", ["a", "b", "c", "d"]),
    "tags not an array": _set("tags", "a"),
    "colors element enum": _set("colors", ["green"]),
    "meta missing source": _set("meta", {"extra": {}}),
    "meta null source": _set("meta", {"source": None}),
    "meta source maxLength": _set("meta.source", "x" * 11),
    "meta type": _set("meta", 5),
    "meta extra type": _set("meta.extra", [1]),
    "items missing sku": _set("items", [{"qty": 1}]),
    "items sku maxLength": _set("items", [{"sku": "123456789"}]),
    "items qty check": _set("items", [{"sku": "a", "qty": 0}]),
    "items qty type": _set("items", [{"sku": "a", "qty": "1"}]),
    "items element type": _set("items", [{"sku": "a"}, 5]),
    "items not an array": _set("items", {"sku": "a"}),
    "payload a missing x": _set("payload", {}),
    "payload a null x": _set("payload", {"x": None}),
    "payload a x type": _set("payload", {"x": "s"}),
    "payload b missing y": _both(_set("kind", "b"), _set("payload", {"x": 1})),
    "payload b y maxLength": _both(_set("kind", "b"), _set("payload", {"y": "long"})),
    "payload type": _set("payload", 5),
    "status check": _both(_set("status", "bad"), _set("flag", False)),
    "note not in": _set("note", "x"),
}

VALID: dict[str, Mutation] = {
    "as generated": lambda doc: None,
    "nullable fields null": _both(
        *(_set(f, None) for f in ("count", "score", "code", "flag", "payload", "tags"))
    ),
    "nullable fields missing": _both(
        *(_unset(f) for f in ("count", "big", "meta", "items", "payload", "other"))
    ),
    "small long": _set("count", Int64(7)),
    "decimal128 score": _set("score", Decimal128("9.75")),
    "int score": _set("score", 3),
    "kind b payload": _both(_set("kind", "b"), _set("payload", {"y": "abc"})),
    "dangling reference": _set("ref", ObjectId()),  # only the REFERENCES expectation sees it
    "status bad with flag": _both(_set("status", "bad"), _set("flag", True)),
    "status bad, flag unknown": _both(_set("status", "bad"), _unset("flag")),  # FALSE OR UNKNOWN
    "empty arrays": _both(_set("tags", []), _set("items", [])),
    "mixed anything": _set("other", {"a": [1, {"b": None}]}),
}


def _valid(rng: random.Random, n: int) -> Document:
    return {
        "_id": ObjectId(),
        "name": f"n{n}",
        "kind": "a",
        "count": rng.randint(0, 100),
        "big": rng.choice([1, 2**40]),
        "score": rng.choice([0, 2.5, 10]),
        "code": "AB" + str(n),
        "level": rng.choice([1, 2, 3]),
        "ratio": 0.5,
        "label": "ok",
        "flag": rng.choice([True, False]),
        "at": dt.datetime(2024, 1, 1) + dt.timedelta(hours=n),
        "born": dt.datetime(2000, 1, 1),
        "ref": ObjectId(),
        "tags": ["a", "b"][: rng.randint(0, 2)],
        "colors": ["red", "blue"],
        "meta": {"source": "s", "extra": {"q": 1}},
        "items": [{"sku": f"s{n}", "qty": rng.randint(1, 9)}],
        "payload": {"x": n},
        "status": "ok",
        "note": "z",
        "other": rng.choice([1, "x", None]),
    }


def _documents() -> tuple[list[Document], set[Any], dict[Any, str]]:
    rng = random.Random(7)
    docs: list[Document] = []
    injected: set[Any] = set()
    labels: dict[Any, str] = {}
    n = 0
    for mutations, bad in ((INVALID, True), (VALID, False), (SERVER_GAP, False)):
        for label, mutate in mutations.items():
            for _ in range(2):  # twice each, so violations land in different batches
                doc = _valid(rng, n)
                n += 1
                mutate(doc)
                docs.append(doc)
                labels[doc["_id"]] = label
                if bad:
                    injected.add(doc["_id"])
    rng.shuffle(docs)
    return docs, injected, labels


def _compare(
    db: Database[Document], schema: DocumentSchema, docs: list[Document], batch_size: int
) -> tuple[set[Any], set[Any], Any]:
    """(ids GX flags on validator-expressible rules, ids the server's validator rejects, report)."""
    db.raw.insert_many(copy.deepcopy(docs))
    unexpressed = {(path, check.text) for path, check in build_validator(schema).unexpressed}
    compared = {
        r.id
        for r in build_plan(schema).rules
        if r.kind not in ("unique", "references")
        and not (r.kind == "check" and (r.path, r.description[len("CHECK (") : -1]) in unexpressed)
    }
    report = validate_collection(db, schema, collection="raw", batch_size=batch_size, max_example_ids=None)
    assert report.documents == len(docs)
    flagged = {i for r in report.results if r.rule.id in compared for i in r.example_ids}
    apply_schema(db, schema)
    db[schema.collection].drop_indexes()  # only the validator is compared
    rejected: set[Any] = set()
    for doc in docs:
        try:
            db[schema.collection].insert_one(copy.deepcopy(doc))
        except WriteError as exc:
            assert exc.code == DOCUMENT_VALIDATION_FAILURE, exc
            rejected.add(doc["_id"])
    return flagged, rejected, report


def test_gx_flags_exactly_what_the_validator_rejects(db: Database[Document], constructs: SchemaSet) -> None:
    schema = constructs.only("things")
    docs, injected, labels = _documents()
    flagged, rejected, report = _compare(db, schema, docs, batch_size=50)
    gap = {i for i, label in labels.items() if label in SERVER_GAP}
    assert rejected == injected  # every injected violation is one the server can express
    assert flagged - gap == rejected, sorted({labels[i] for i in flagged ^ rejected})
    assert gap <= flagged
    # The GX-only constraint still sees the dangling references.
    assert report.result("ref:references").unexpected_count == len(docs)
    assert not report.result("ref:references").success


def _notification(kind: str, data: Any, **extra: Any) -> Document:
    return {
        "_id": ObjectId(),
        "userId": ObjectId(),
        "type": kind,
        "title": "t",
        "notificationData": data,
        **extra,
    }


EMAIL = {"from": "a@x", "to": "b@x", "subject": "s"}
PUSH = {"deviceTokens": ["t1"], "payload": {"alert": {"title": "hi"}, "badge": 1}, "deliveryResults": []}
SMS = {"to": "+1", "message": "m"}


def test_variant_cases_match_the_validator_on_the_seed_notifications(
    db: Database[Document], seed: SchemaSet
) -> None:
    good = [
        _notification("email", EMAIL),
        _notification("push", PUSH),
        _notification("sms", SMS),
        _notification("sms", None),  # a nullable VARIANT may be null
        _notification("push", {**PUSH, "deliveryResults": [{"status": "failed", "error": "x"}]}),
        _notification("sms", {**SMS, "deliveryResults": [{"status": "weird"}]}),  # not sms's field
        _notification("sms", {**SMS, "cost": Decimal128("1.5")}),
    ]
    bad = [
        _notification("email", {**SMS}, priority="high"),  # an sms shape under email: no from/subject
        _notification("email", {"from": "a@x", "to": "b@x"}),  # subject missing
        _notification("email", {**EMAIL, "subject": None}),
        _notification("sms", {**SMS, "to": "x" * 21}),
        _notification("sms", {**SMS, "cost": 100.0}),  # DECIMAL(6,4): below 100
        _notification("push", {**PUSH, "deviceTokens": ["t", 5]}),
        _notification("push", {**PUSH, "deviceTokens": ["x" * 256]}),
        _notification("push", {**PUSH, "deliveryResults": [{"status": "weird"}]}),
        _notification("push", {**PUSH, "deliveryResults": [{"status": "failed"}, "oops"]}),
        _notification("push", {**PUSH, "payload": {"alert": {"title": 5}}}),
        _notification("push", {**PUSH, "payload": {"badge": 1.5}}),
        _notification("push", 5),
        _notification("fax", {}),  # type outside its ENUM; the VARIANT leaves the shape free
        _notification("email", EMAIL, priority="meh"),
        {**_notification("email", EMAIL), "userId": None},
    ]
    flagged, rejected, report = _compare(db, seed["notifications"], [*good, *bad], batch_size=8)
    assert rejected == {d["_id"] for d in bad}
    assert flagged == rejected
    assert report.result("notificationData.deliveryResults.status:enum[type=push]").unexpected_count == 1
