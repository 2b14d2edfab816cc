"""Deterministic sample data on the seed article's domain.

``seed(db, SampleSize(...))`` replaces ``users`` (the seed's embedded profile, ``account``,
``attributes``, ``_schema.version``), raw ``activity_events``, ``products`` (``reviews.recent``
embedded, no summary yet), the flat ``reviews`` they come from, and ``orders``; it creates the
indexes every rollup filters on and clears rollup watermarks and the migration changelog's
records of those collections, whose data it replaced (so the revisions run again on the new data).

Users come at the versions of the seed's migration story, older than ``users.ddl`` (3.0.0): most at
2.1.0, every tenth from the sixth on at 1.0.0 (``full_name``, ``user_preferences``, no ``profile``)
and every tenth from the ninth on at 2.0.0 (``profile``, still ``user_preferences``).
``pipelines/migrations/`` brings them all to 3.0.0; ``make demo`` runs it before the checks.
The same options give the same documents, ``_id``s included. ``dirty=True`` injects a few schema
violations for the quality-checks demo. Money (``orders.total``, ``orders.items.price``,
``products.pricing.basePrice``: ``DECIMAL(p,2)`` in ``pipelines/schemas``) is Decimal128 with two
decimals, as the DDL declares it and as MongoDB advises for monetary values, so the rollups' sums
are exact numerics, as PostgreSQL's are over a ``DECIMAL`` column.

A live sample by default: the data spans the ``days`` (14) UTC days before the current one, so it
ends where today begins, the daily partitions of the last days are full and the schedules find work;
two runs on the same day give the same documents (a fixed seed). ``LEAF_SAMPLE_START=2024-09-14``
(or ``SampleSize(start=…)``) anchors it to a fixed first day instead, for tests asserting on values.
The example's partitions start on the sample's first day (:func:`sample_start`, a template variable
of ``defs/leaf_project/defs.yaml``).

``python -m pipelines.datagen --users 50 --days 2`` seeds ``LEAF_MONGODB_URI``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import dagster as dg
from bson import Decimal128, ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from leaf_dagster.connection import Document, get_database
from leaf_dagster.migrations import CHANGELOG_COLLECTION

ENV_START = "LEAF_SAMPLE_START"  # YYYY-MM-DD: a fixed first day instead of the live window
ANCHOR = dt.datetime(2024, 9, 14, tzinfo=dt.UTC)  # the fixed first day the tests use
DAYS = 14
SCHEMA_VERSION = "2.1.0"  # most users; the schema (users.ddl) is at 3.0.0, reached by migrations
# i % 10 -> the older version user i is generated at (the dirty user, i % 10 == 3, stays at 2.1.0)
LEGACY_VERSIONS = {5: "1.0.0", 8: "2.0.0"}
EVENT_TYPES = ("page_view", "click", "api_call", "error")
EVENT_WEIGHTS = (50, 30, 15, 5)
PAGES = ("/dashboard", "/reports", "/settings", "/products", "/checkout", "/profile", "/search", "/help")
CITIES = (
    ("San Francisco", "CA", "America/Los_Angeles"),
    ("New York", "NY", "America/New_York"),
    ("Austin", "TX", "America/Chicago"),
    ("Seattle", "WA", "America/Los_Angeles"),
    ("Boston", "MA", "America/New_York"),
)
FIRST = ("Sarah", "Ravi", "Mia", "Tom", "Ana", "Kenji", "Lea", "Omar", "Ines", "Jonas")
LAST = ("Johnson", "Patel", "Chen", "Garcia", "Muller", "Sato", "Okafor", "Rossi", "Novak", "Silva")
CATEGORIES = ("electronics", "books", "clothing", "home", "sports", "toys")
ORDER_STATUSES = ("paid", "shipped", "delivered", "cancelled", "pending")
SOURCE_COLLECTIONS = ("users", "activity_events", "products", "reviews", "orders")


@dataclass(frozen=True)
class SampleSize:
    users: int = 30
    days: int = DAYS
    events_per_user_day: int = 12
    products: int = 12
    reviews_per_product: int = 8
    orders_per_user: int = 3
    seed: int = 42
    dirty: bool = False
    start: dt.datetime | None = None  # None: $LEAF_SAMPLE_START, else `days` days before today (UTC)

    def __post_init__(self) -> None:
        if self.start is None:
            object.__setattr__(self, "start", first_day(self.days))

    @property
    def first(self) -> dt.datetime:
        assert self.start is not None
        return self.start


def first_day(days: int = DAYS, today: dt.date | None = None) -> dt.datetime:
    """The sample's first day: ``$LEAF_SAMPLE_START`` if set, else ``days`` days before today (UTC)."""
    fixed = os.environ.get(ENV_START)
    if fixed:
        return dt.datetime.strptime(fixed, "%Y-%m-%d").replace(tzinfo=dt.UTC)
    today = today or dt.datetime.now(dt.UTC).date()
    return dt.datetime.combine(today - dt.timedelta(days=days), dt.time(), tzinfo=dt.UTC)


@dg.template_var
def sample_start() -> str:
    """Where the example's partitions start: the first day of the default sample (``defs.yaml``)."""
    return first_day().strftime("%Y-%m-%d")


def _oid(kind: int, index: int) -> ObjectId:
    """Stable ObjectIds: the kind in the first bytes, the index in the last."""
    return ObjectId(f"64a1b2c3{kind:04x}{index:012x}")


def money(value: Decimal | float) -> Decimal128:
    """An amount of money as ``DECIMAL(p,2)`` declares it: a Decimal128 with two decimals (exact,
    as PostgreSQL's numeric; MongoDB's own advice for monetary values), never a binary double."""
    return Decimal128(Decimal(str(value)).quantize(Decimal("0.01")))


def _ms(value: dt.datetime) -> dt.datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def users(size: SampleSize, rng: random.Random) -> Iterator[Document]:
    for i in range(size.users):
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        city, state, tz = CITIES[i % len(CITIES)]
        created = size.first - dt.timedelta(days=30 + rng.randrange(300))
        username = f"{first.lower()}_{last.lower()}{i}"[:30]
        doc: Document = {
            "_id": _oid(1, i),
            "username": username,
            "email": f"{username}@example.com",
            "profile": {
                "firstName": first,
                "lastName": last,
                "dateOfBirth": dt.datetime(
                    1970 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28)
                ),
                "bio": f"{first} works on {rng.choice(['data', 'web', 'infra', 'mobile'])} projects",
                "location": {"city": city, "state": state, "country": "USA", "timezone": tz},
            },
            "preferences": {
                "theme": rng.choice(["light", "dark"]),
                "language": "en",
                "notifications": {"email": True},
            },
            "contactMethods": [{"type": "email", "value": f"{username}@example.com", "isPrimary": True}],
            "skills": [{"name": rng.choice(["Python", "MongoDB", "SQL", "React"]), "level": "advanced"}],
            "account": {
                "status": rng.choices(["active", "inactive", "suspended"], [85, 10, 5])[0],
                "type": rng.choices(["free", "premium", "enterprise"], [60, 30, 10])[0],
                "createdAt": created,
                "lastLoginAt": size.first - dt.timedelta(hours=rng.randrange(72)),
                "loginCount": rng.randrange(1, 500),
                "isEmailVerified": rng.random() < 0.9,
                "twoFactorEnabled": rng.random() < 0.3,
            },
            "attributes": [
                {"key": "department", "value": rng.choice(["sales", "eng", "ops"]), "type": "string"},
                {"key": "seats", "value": rng.randrange(1, 50), "type": "number"},
            ],
            "_schema": {
                "version": SCHEMA_VERSION,
                "createdAt": created,
                "lastMigrated": created,
                "migrationHistory": [],
            },
            "createdAt": created,
            "updatedAt": created,
        }
        if size.dirty and i % 10 == 3:
            del doc["email"]
            doc["account"]["type"] = "gold"
            doc["account"]["loginCount"] = -1
        yield as_version(doc, LEGACY_VERSIONS.get(i % 10, SCHEMA_VERSION))


def as_version(doc: Document, version: str) -> Document:
    """A generated 2.1.0 user in the shape of an older version, the one the migrations' ``up`` start from."""
    if version == SCHEMA_VERSION:
        return doc
    prefs = doc.pop("preferences")
    doc["user_preferences"] = {
        "theme": prefs["theme"],
        "lang": prefs["language"],
        "notifications": prefs["notifications"],
    }
    if version == "1.0.0":
        profile = doc.pop("profile")
        doc["full_name"] = f"{profile['firstName']} {profile['lastName']}"
    doc["_schema"]["version"] = version
    return doc


def activity_events(size: SampleSize, rng: random.Random) -> Iterator[Document]:
    n = 0
    for day in range(size.days):
        day_start = size.first + dt.timedelta(days=day)
        for u in range(size.users):
            session = f"sess_{u:04d}_{day:03d}"
            for _ in range(size.events_per_user_day):
                event_type = rng.choices(EVENT_TYPES, EVENT_WEIGHTS)[0]
                at = _ms(
                    day_start + dt.timedelta(seconds=rng.randrange(86400), milliseconds=rng.randrange(1000))
                )
                doc: Document = {
                    "_id": _oid(2, n),
                    "userId": _oid(1, u),
                    "timestamp": at,
                    "eventType": event_type,
                    "page": rng.choice(PAGES),
                    "sessionId": session,
                }
                if event_type == "click":
                    doc["element"] = rng.choice(["export_button", "nav_link", "save"])
                if event_type in ("page_view", "api_call"):
                    doc["responseTime"] = rng.randrange(40, 3000)
                if event_type in ("api_call", "error"):
                    doc["statusCode"] = 200 if event_type == "api_call" else rng.choice([400, 404, 500])
                if size.dirty and n % 97 == 5:
                    doc["responseTime"], doc["statusCode"], doc["eventType"] = -5, 999, "scroll"
                n += 1
                yield doc


def reviews(size: SampleSize, rng: random.Random) -> list[Document]:
    out: list[Document] = []
    for p in range(size.products):
        for r in range(size.reviews_per_product):
            rating = rng.choices([1, 2, 3, 4, 5], [3, 4, 10, 30, 53])[0]
            out.append(
                {
                    "_id": _oid(3, p * 1000 + r),
                    "productId": _oid(4, p),
                    "userId": _oid(1, rng.randrange(max(size.users, 1))),
                    "rating": rating,
                    "title": f"{rating} stars",
                    "body": "Works as described." if rating >= 4 else "Could be better.",
                    "createdAt": _ms(
                        size.first - dt.timedelta(days=rng.randrange(60), seconds=rng.randrange(86400))
                    ),
                }
            )
    return out


def products(size: SampleSize, rng: random.Random, all_reviews: list[Document]) -> list[Document]:
    out: list[Document] = []
    for p in range(size.products):
        mine = sorted((r for r in all_reviews if r["productId"] == _oid(4, p)), key=lambda r: r["createdAt"])
        recent = [
            {k: r[k] for k in ("userId", "rating", "title", "body", "createdAt")} | {"reviewId": r["_id"]}
            for r in reversed(mine[-3:])
        ]
        category = CATEGORIES[p % len(CATEGORIES)]
        doc: Document = {
            "_id": _oid(4, p),
            "name": f"{category.title()} item {p}",
            "sku": f"{category[:4].upper()}-{p:04d}",
            "category": category,
            "pricing": {"basePrice": money(round(rng.uniform(5, 500), 2)), "currency": "USD"},
            "inventory": {"quantity": rng.randrange(0, 200), "warehouse": "SFO-1"},
            "reviews": {"recent": recent},
            "isActive": True,
            "createdAt": size.first - dt.timedelta(days=90),
        }
        if size.dirty and p % 5 == 2:
            doc["sku"] = doc["sku"].lower()
        out.append(doc)
    return out


def orders(size: SampleSize, rng: random.Random, catalog: list[Document]) -> Iterator[Document]:
    n = 0
    for u in range(size.users):
        for _ in range(size.orders_per_user):
            items = []
            for product in rng.sample(catalog, k=min(len(catalog), rng.randrange(1, 4))):
                items.append(
                    {"productId": product["_id"], "sku": product["sku"], "qty": rng.randrange(1, 4),
                     "price": product["pricing"]["basePrice"]}
                )  # fmt: skip
            total = money(sum(item["qty"] * item["price"].to_decimal() for item in items))
            created = _ms(size.first + dt.timedelta(seconds=rng.randrange(size.days * 86400)))
            doc: Document = {
                "_id": _oid(5, n),
                "customerId": _oid(1, u),
                "status": rng.choices(ORDER_STATUSES, [30, 25, 30, 10, 5])[0],
                "items": items,
                "total": total,
                "currency": "USD",
                "shippingAddress": {"city": CITIES[u % len(CITIES)][0], "country": "US"},
                "createdAt": created,
                "updatedAt": created,
            }
            if size.dirty and n % 23 == 7:
                doc["total"], doc["items"] = money(-1), []
            n += 1
            yield doc


INDEXES: dict[str, list[list[tuple[str, Any]]]] = {
    "users": [[("username", ASCENDING)], [("_schema.version", ASCENDING), ("_id", ASCENDING)]],
    "activity_events": [[("timestamp", ASCENDING)], [("userId", ASCENDING), ("timestamp", ASCENDING)]],
    "reviews": [[("createdAt", ASCENDING)], [("productId", ASCENDING)]],
    "orders": [[("createdAt", ASCENDING)], [("customerId", ASCENDING), ("createdAt", DESCENDING)]],
}


def _insert(
    db: Database[Document], name: str, docs: Iterator[Document] | list[Document], batch: int = 5000
) -> int:
    pending: list[Document] = []
    count = 0
    for doc in docs:
        pending.append(doc)
        if len(pending) >= batch:
            db[name].insert_many(pending, ordered=False)
            count, pending = count + len(pending), []
    if pending:
        db[name].insert_many(pending, ordered=False)
        count += len(pending)
    return count


def seed(db: Database[Document], size: SampleSize | None = None) -> dict[str, int]:
    """Replace the sample collections; returns the number of documents per collection."""
    size = size or SampleSize()
    rng = random.Random(size.seed)
    for name in SOURCE_COLLECTIONS:
        db.drop_collection(name)
    db.drop_collection("_leaf_watermarks")
    db[CHANGELOG_COLLECTION].delete_many({"collection": {"$in": list(SOURCE_COLLECTIONS)}})
    for name, indexes in INDEXES.items():
        for keys in indexes:
            db[name].create_index(keys)
    all_reviews = reviews(size, rng)
    catalog = products(size, rng, all_reviews)
    return {
        "users": _insert(db, "users", users(size, rng)),
        "activity_events": _insert(db, "activity_events", activity_events(size, rng)),
        "reviews": _insert(db, "reviews", all_reviews),
        "products": _insert(db, "products", catalog),
        "orders": _insert(db, "orders", orders(size, rng, catalog)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = SampleSize()
    parser.add_argument("--users", type=int, default=defaults.users)
    parser.add_argument("--days", type=int, default=defaults.days)
    parser.add_argument("--events-per-user-day", type=int, default=defaults.events_per_user_day)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--dirty", action="store_true", help="inject schema violations")
    parser.add_argument("--uri", default=None)
    parser.add_argument("--db", default=None)
    args = parser.parse_args(argv)
    size = SampleSize(
        users=args.users,
        days=args.days,
        events_per_user_day=args.events_per_user_day,
        seed=args.seed,
        dirty=args.dirty,
    )
    counts = seed(get_database(args.uri, args.db), size)
    print(", ".join(f"{name}: {count}" for name, count in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
