"""Documents for the realistic analyst corpus (``test_corpus_realistic*.py``), on the seed's domain.

``users`` (profile, account with login counters and a Decimal128 fee, ``tags`` text arrays,
``attributes`` key/value documents, an engagement ``score``), ``orders`` (``items`` arrays of
documents, a ``total`` stored as int32 or double as drivers do for whole numbers) and
``user_activity_buckets`` (daily and hourly buckets with a ``summary`` document, an int64 counter
and an ``events`` array).

The quirks an analyst meets in real collections: NULL and missing fields side by side, empty and
NULL arrays, duplicate tags, ties on every ranking key and on segment thresholds (scores of exactly
5, 20 and 50), whole numbers stored as int32 in a double field, text with stray spaces and mixed
case, customers that do not exist, instants at midnight, at the last millisecond of a month, on a
leap day and next to the 2024 DST changes in New York and Berlin.

The same documents go to MongoDB and to a PostgreSQL schema typed by ``SCHEMAS`` (see ``pgsql.py``).
"""

from __future__ import annotations

import contextlib
import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import duckdb
from bson import Decimal128, Int64
from pymongo import ASCENDING, MongoClient

from tests.sql.datagen import Doc
from tests.sql.duck import ColType
from tests.sql.harness import Env, load_mongo
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import loaded_pg

SEED = 20240915
NOW = datetime(2024, 9, 15, 10, 30, 0)

FIRST = ["Sarah", "Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "José", "Zoë", "Dennis"]
LAST = ["Chen", "Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "García"]
PLACES = [
    ("New York", "NY", "US", "America/New_York"),
    ("Austin", "TX", "US", "America/Chicago"),
    ("Seattle", "WA", "US", "America/Los_Angeles"),
    ("Berlin", "BE", "DE", "Europe/Berlin"),
    ("berlin", "BE", "DE", "Europe/Berlin"),
    ("São Paulo", "SP", "BR", "America/Sao_Paulo"),
]
DOMAINS = ["example.com", "Example.COM", "mail.org", "corp.io"]
TAGS = ["beta", "vip", "churn-risk", "newsletter", "mobile", "Beta"]
ACCOUNT_TYPES = ["free", "premium", "enterprise"]
STATUSES = ["active", "active", "active", "inactive", "suspended"]
FEES = {"free": "0.00", "premium": "9.99", "enterprise": "49.90"}
ORDER_STATUSES = ["paid", "paid", "shipped", "new", "returned", "PAID", " shipped ", "cancelled"]
CHANNELS = ["web", "ios", "android"]
SKUS = ["SKU-001", "SKU-002", "sku-003", "SKU-010", "BND-100"]
EVENT_TYPES = ["page_view", "click", "api_call", "error"]
PAGES = ["/home", "/pricing", "/docs/intro", "/docs/api", "/checkout", "/Home"]

# Instants an analyst's date logic trips over (UTC, naive: a BSON date).
SPECIAL_INSTANTS = [
    datetime(2024, 1, 31, 23, 59, 59, 999000),  # last millisecond of a month
    datetime(2024, 2, 1, 0, 0),  # midnight, first of the month
    datetime(2024, 2, 29, 12, 0),  # leap day
    datetime(2024, 3, 10, 6, 59, 59),  # New York: just before 02:00 EST -> EDT
    datetime(2024, 3, 10, 7, 0, 0),  # New York: just after
    datetime(2024, 3, 31, 0, 59, 59),  # Berlin: just before 02:00 CET -> CEST
    datetime(2024, 3, 31, 1, 0, 0),  # Berlin: just after
    datetime(2024, 6, 30, 23, 59, 59, 999000),  # end of a quarter
    datetime(2024, 8, 31, 0, 0),  # midnight at a month end
    datetime(2024, 9, 1, 0, 0),  # the seed's '2024-09-01'
    datetime(2024, 10, 27, 0, 30),  # Berlin: the repeated hour's eve (outside NOW, in the future)
    datetime(2024, 11, 3, 5, 30),  # New York: the repeated 01:30
    datetime(2023, 12, 31, 23, 0),  # New Year's Eve
]

USERS_N = 120
ORDERS_N = 180
BUCKETS_N = 280


def _money(rng: random.Random, low: int, high: int) -> float | int:
    """A price in cents; whole amounts are stored as int32, as the Node driver stores them."""
    cents = rng.randint(low * 100, high * 100)
    if rng.random() < 0.2:
        return cents // 100
    # never a tie at 0 or 1 decimal places: PostgreSQL rounds doubles half to even
    if cents % 10 == 5:
        cents += 1
    return cents / 100


def _instant(rng: random.Random, start: datetime, days: int) -> datetime:
    if rng.random() < 0.08:
        return rng.choice(SPECIAL_INSTANTS)
    if rng.random() < 0.1:  # midnight sharp
        return (start + timedelta(days=rng.randrange(days))).replace(hour=0, minute=0, second=0)
    return start + timedelta(milliseconds=rng.randrange(days * 86_400_000))


def _maybe(rng: random.Random, doc: Doc, key: str, value: object, p_missing: float, p_null: float) -> None:
    roll = rng.random()
    if roll < p_missing:
        return
    doc[key] = None if roll < p_missing + p_null else value


def make_users(seed: int = SEED) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, USERS_N + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        username = f"{first.lower()}_{last.lower()}{i}"
        if i % 23 == 0:
            username = f"  {first}.{last}{i} "  # stray spaces and capitals
        doc: Doc = {"_id": i, "username": username}
        _maybe(rng, doc, "email", f"{first}.{last}{i}@{rng.choice(DOMAINS)}", 0.04, 0.04)
        profile: Doc = {"firstName": first}
        _maybe(rng, profile, "lastName", last, 0.05, 0.05)
        if rng.random() < 0.9:
            city, state, country, tz = rng.choice(PLACES)
            location: Doc = {"state": state, "country": country, "timezone": tz}
            _maybe(rng, location, "city", city, 0.05, 0.05)
            profile["location"] = location
        doc["profile"] = profile
        kind = rng.choice(ACCOUNT_TYPES)
        account: Doc = {"status": rng.choice(STATUSES), "type": kind}
        _maybe(rng, account, "loginCount", rng.choice([0, 1, 7, 7, 12, 30, rng.randint(0, 400)]), 0.05, 0.05)
        _maybe(rng, account, "lastLoginAt", _instant(rng, datetime(2024, 6, 1), 106), 0.1, 0.1)
        _maybe(rng, account, "isEmailVerified", rng.random() < 0.7, 0.05, 0.05)
        account["monthlyFee"] = Decimal128(FEES[kind])
        doc["account"] = account
        roll = rng.random()
        if roll < 0.1:
            doc["tags"] = []
        elif roll < 0.15:
            doc["tags"] = None
        elif roll < 0.85:
            doc["tags"] = [rng.choice(TAGS) for _ in range(rng.randint(1, 3))]  # duplicates too
        attributes = []
        for key in rng.sample(["department", "level", "remote", "team"], rng.randint(0, 3)):
            value = {
                "department": rng.choice(["eng", "sales", "ops"]),
                "level": str(rng.randint(1, 5)),
                "remote": rng.choice(["true", "false"]),
                "team": f"team-{rng.randint(1, 3)}",
            }[key]
            attributes.append({"key": key, "value": value, "type": "string"})
        if attributes or rng.random() < 0.5:
            doc["attributes"] = attributes
        _maybe(rng, doc, "createdAt", _instant(rng, datetime(2023, 9, 1), 380), 0.03, 0.03)
        score: float | int = (
            rng.choice([5, 20, 50, 20.0, 0]) if rng.random() < 0.15 else round(rng.uniform(0, 90), 1)
        )
        if isinstance(score, float) and score == int(score) and rng.random() < 0.5:
            score = int(score)
        _maybe(rng, doc, "score", score, 0.06, 0.06)
        _maybe(rng, doc, "age", rng.randint(18, 70), 0.1, 0.05)
        _maybe(rng, doc, "referralCode", rng.choice(["", "SPRING24", "friend-10", "  "]), 0.4, 0.2)
        docs.append(doc)
    return docs


def make_orders(seed: int = SEED + 1) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, ORDERS_N + 1):
        roll = rng.random()
        customer = rng.randint(1, 90) if roll < 0.92 else rng.randint(9000, 9003)
        doc: Doc = {"_id": i, "status": rng.choice(ORDER_STATUSES)}
        _maybe(rng, doc, "customerId", customer, 0.03, 0.03)
        items = [
            {"sku": rng.choice(SKUS), "qty": rng.randint(1, 4), "price": _money(rng, 1, 120)}
            for _ in range(rng.randint(0, 3))
        ]
        if rng.random() < 0.92:
            doc["items"] = items
        total = _money(rng, 5, 600) if rng.random() < 0.8 else rng.choice([100, 19.99, 250.0, 0.1, 0.2])
        _maybe(rng, doc, "total", total, 0.04, 0.04)
        _maybe(rng, doc, "discount", rng.choice([0, 0.1, 0.15, 0.25, 5]), 0.4, 0.2)
        created = _instant(rng, datetime(2023, 12, 1), 288)
        doc["createdAt"] = created
        if doc["status"].strip().lower() in ("shipped", "returned"):
            _maybe(rng, doc, "shippedAt", created + timedelta(hours=rng.randint(2, 200)), 0.1, 0.1)
        doc["quantity"] = rng.randint(1, 6)
        _maybe(rng, doc, "channel", rng.choice(CHANNELS), 0.1, 0.05)
        _maybe(rng, doc, "couponCode", rng.choice(["SAVE10", "save10", "WELCOME", ""]), 0.6, 0.1)
        docs.append(doc)
    return docs


def make_buckets(seed: int = SEED + 2) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, BUCKETS_N + 1):
        user: int | None = rng.randint(1, 80) if rng.random() < 0.95 else rng.choice([None, 7777])
        hourly = rng.random() < 0.3
        day = datetime(2024, 7, 1) + timedelta(days=rng.randrange(76))
        if hourly:
            day += timedelta(hours=rng.randrange(24))
        doc: Doc = {"_id": i, "bucketDate": day, "bucketType": "hourly" if hourly else "daily"}
        _maybe(rng, doc, "userId", user, 0.0, 0.0)
        summary: Doc = {"pageViews": rng.choice([0, 10, 10, rng.randint(0, 150)])}
        _maybe(rng, summary, "clicks", rng.randint(0, 40), 0.05, 0.05)
        summary["errors"] = rng.choice([0, 0, 0, 1, 2, 5])
        _maybe(rng, summary, "avgResponseTime", round(rng.uniform(20, 900), 2), 0.05, 0.08)
        summary["totalResponseTime"] = Int64(rng.randint(0, 5_000_000))
        doc["summary"] = summary
        metadata: Doc = {"deviceType": rng.choice(["desktop", "mobile", "tablet"])}
        _maybe(rng, metadata, "userSegment", rng.choice(["new", "active", "power"]), 0.1, 0.1)
        doc["metadata"] = metadata
        events = []
        for k in range(rng.randint(0, 3)):
            event: Doc = {
                "timestamp": day + timedelta(minutes=rng.randrange(60 if hourly else 1440)),
                "eventType": rng.choice(EVENT_TYPES),
                "page": rng.choice(PAGES),
            }
            event["responseTime"] = rng.randint(5, 2000) if k != 1 else None
            events.append(event)
        if events or rng.random() < 0.5:
            doc["events"] = events
        docs.append(doc)
    return docs


USERS: dict[str, ColType] = {
    "_id": "INTEGER",
    "username": "VARCHAR",
    "email": "VARCHAR",
    "profile": {
        "firstName": "VARCHAR",
        "lastName": "VARCHAR",
        "location": {"city": "VARCHAR", "state": "VARCHAR", "country": "VARCHAR", "timezone": "VARCHAR"},
    },
    "account": {
        "status": "VARCHAR",
        "type": "VARCHAR",
        "loginCount": "INTEGER",
        "lastLoginAt": "TIMESTAMP",
        "isEmailVerified": "BOOLEAN",
        "monthlyFee": "DECIMAL",
    },
    "tags": ["VARCHAR"],
    "attributes": [{"key": "VARCHAR", "value": "VARCHAR", "type": "VARCHAR"}],
    "createdAt": "TIMESTAMP",
    "score": "DOUBLE",
    "age": "INTEGER",
    "referralCode": "VARCHAR",
}
ORDERS: dict[str, ColType] = {
    "_id": "INTEGER",
    "customerId": "INTEGER",
    "status": "VARCHAR",
    "items": [{"sku": "VARCHAR", "qty": "INTEGER", "price": "DOUBLE"}],
    "total": "DOUBLE",
    "discount": "DOUBLE",
    "createdAt": "TIMESTAMP",
    "shippedAt": "TIMESTAMP",
    "quantity": "INTEGER",
    "channel": "VARCHAR",
    "couponCode": "VARCHAR",
}
BUCKETS: dict[str, ColType] = {
    "_id": "INTEGER",
    "userId": "INTEGER",
    "bucketDate": "TIMESTAMP",
    "bucketType": "VARCHAR",
    "summary": {
        "pageViews": "INTEGER",
        "clicks": "INTEGER",
        "errors": "INTEGER",
        "avgResponseTime": "DOUBLE",
        "totalResponseTime": "BIGINT",
    },
    "metadata": {"deviceType": "VARCHAR", "userSegment": "VARCHAR"},
    "events": [
        {"timestamp": "TIMESTAMP", "eventType": "VARCHAR", "page": "VARCHAR", "responseTime": "INTEGER"}
    ],
}
SCHEMAS: dict[str, dict[str, ColType]] = {"users": USERS, "orders": ORDERS, "user_activity_buckets": BUCKETS}
INDEXES = {"orders": ["customerId"], "user_activity_buckets": ["userId"]}


def datasets() -> dict[str, list[Doc]]:
    return {"users": make_users(), "orders": make_orders(), "user_activity_buckets": make_buckets()}


@contextlib.contextmanager
def loaded(client: MongoClient[Doc], pg_server: PostgresServer) -> Iterator[Env]:
    """The documents in a MongoDB database and a PostgreSQL schema of their own, dropped afterwards."""
    data = datasets()
    name = f"leaf_corpus_{uuid.uuid4().hex[:12]}"
    db = client[name]
    load_mongo(db, data)
    for collection, keys in INDEXES.items():
        for key in keys:
            db[collection].create_index([(key, ASCENDING)])
    con = duckdb.connect(":memory:")  # unused: every query here has PostgreSQL as its oracle
    try:
        with loaded_pg(pg_server, SCHEMAS, data) as pg:
            yield Env(con, db, pg)
    finally:
        con.close()
        client.drop_database(name)
