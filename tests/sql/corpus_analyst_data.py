"""Documents for the second independent corpus (``test_corpus_analyst.py``): BI-tool and analyst SQL
on the seed's domain, written without looking at the first corpus's data.

``users`` (a versioned ``_schema`` document, ``_migrationLock``, a ``profile`` that may be missing or
have no ``location``, an ``account`` with a login counter stored as int32 or int64, a Decimal128
monthly fee and a ``credits`` double that drivers store as int32 when whole, ``tags`` that may be
empty, NULL or missing, an engagement ``score``), ``orders`` (a Decimal128 ``total``, a shipping
cost that is a double or an int32, ``items`` documents with a nested ``pricing`` document,
currencies in mixed case) and ``events`` (a funnel: visit, signup, page_view, click, add_to_cart,
checkout, purchase; a ``durationMs`` stored as int32 or int64; a ``props`` document that may be
missing). Instants sit at month ends, on the leap day and on both 2024 DST changes of New York and
Berlin; text has stray spaces, mixed case and non-ASCII letters; scores tie on the segment
thresholds.

PostgreSQL gets the same documents through ``pgsql.loaded_pg`` with ``SCHEMAS`` (a field mixing
int32 and int64 is ``bigint``; one mixing int32 and double is ``double precision``).
"""

from __future__ import annotations

import contextlib
import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import duckdb
from bson import Decimal128, Int64
from pymongo import MongoClient

from tests.sql.datagen import Doc
from tests.sql.duck import ColType
from tests.sql.harness import Env, load_mongo
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import loaded_pg

SEED = 8675309
NOW = datetime(2024, 11, 4, 9, 15, 0)

NAMES = [
    ("Ana", "Souza"),
    ("ana", "souza"),
    ("Björn", "Öberg"),
    ("Chloé", "Dubois"),
    ("Dmitri", "Ivanov"),
    ("Emeka", "Okafor"),
    ("Fatima", "Zahra"),
    ("Grace", "Hopper"),
    ("Hiro", "Tanaka"),
    ("Ines", "Müller"),
]
CITIES = [
    ("Zürich", "CH", "Europe/Zurich"),
    ("zürich ", "CH", "Europe/Zurich"),
    ("Berlin", "DE", "Europe/Berlin"),
    ("New York", "US", "America/New_York"),
    ("new york", "US", "America/New_York"),
    ("São Paulo", "BR", "America/Sao_Paulo"),
    ("Lagos", "NG", "Africa/Lagos"),
]
PLANS = ["free", "basic", "pro", "enterprise"]
FEES = {"free": "0", "basic": "4.99", "pro": "19.90", "enterprise": "99.00"}
STATUSES = ["active", "active", "active", "trial", "churned", "Active "]
CHANNELS = ["organic", "paid_search", "referral", "Referral", "social", " organic"]
VERSIONS = ["1.0.0", "2.0.0", "2.1.0", "2.1.0", "2.1.0", "2.10.0"]
TAGS = ["beta", "vip", "power-user", "newsletter", "VIP", "ßeta"]
ORDER_STATUSES = ["completed", "completed", "completed", "pending", "refunded", "cancelled", "Completed"]
CURRENCIES = ["USD", "USD", "EUR", "usd", "BRL"]
SKUS = ["PRO-M", "PRO-Y", "ADDON-SEATS", "addon-storage", "ENT-Y"]
CARRIERS = ["UPS", "DHL", "fedex", None]
FUNNEL = ["visit", "signup", "page_view", "page_view", "click", "add_to_cart", "checkout", "purchase"]
PAGES = ["/", "/pricing", "/docs", "/docs/sql", "/checkout", "/Pricing", "/blog/schema-design"]
DEVICES = ["desktop", "mobile", "tablet", "Mobile"]

SPECIAL = [
    datetime(2024, 1, 31, 23, 59, 59, 999000),
    datetime(2024, 2, 29, 0, 0),
    datetime(2024, 2, 29, 23, 30),
    datetime(2024, 3, 10, 6, 59, 59),  # New York, before 02:00 EST -> EDT
    datetime(2024, 3, 10, 7, 0),
    datetime(2024, 3, 31, 0, 59, 59),  # Berlin, before 02:00 CET -> CEST
    datetime(2024, 3, 31, 1, 0),
    datetime(2024, 4, 30, 23, 59, 59),
    datetime(2024, 6, 30, 0, 0),
    datetime(2024, 9, 30, 23, 59, 59, 999000),
    datetime(2024, 10, 27, 0, 30),  # Berlin, the repeated hour's eve
    datetime(2024, 10, 31, 23, 0),
    datetime(2024, 11, 3, 5, 30),  # New York, the repeated 01:30
    datetime(2024, 11, 3, 6, 30),
    datetime(2023, 12, 31, 23, 59, 59),
]

USERS_N = 150
ORDERS_N = 220
EVENTS_N = 500


def _when(rng: random.Random, start: datetime, days: int) -> datetime:
    roll = rng.random()
    if roll < 0.1:
        return rng.choice(SPECIAL)
    if roll < 0.18:
        return (start + timedelta(days=rng.randrange(days))).replace(hour=0, minute=0, second=0)
    return start + timedelta(seconds=rng.randrange(days * 86_400))


def _put(
    rng: random.Random, doc: Doc, key: str, value: object, missing: float = 0.05, null: float = 0.05
) -> None:
    roll = rng.random()
    if roll < missing:
        return
    doc[key] = None if roll < missing + null else value


def _double(rng: random.Random, low: float, high: float, digits: int = 2) -> float | int:
    """A double as a driver stores it: a whole value becomes int32."""
    value = round(rng.uniform(low, high), digits)
    if rng.random() < 0.25:
        value = float(round(value))
    if value == int(value):
        return int(value)
    # no ties at one decimal place: PostgreSQL rounds double precision half to even
    text = f"{value:.{digits}f}"
    if text.endswith("5"):
        value = float(text[:-1] + "6")
    return value


def make_users(seed: int = SEED) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, USERS_N + 1):
        first, last = rng.choice(NAMES)
        username = f"{first.lower()}.{last.lower()}{i}"
        if i % 17 == 0:
            username = f" {first}{i} "
        doc: Doc = {"_id": i, "username": username}
        _put(rng, doc, "email", f"{first}.{last}@{rng.choice(['Example.com', 'example.com', 'mail.de'])}")
        roll = rng.random()
        if roll > 0.06:
            profile: Doc = {"firstName": first}
            _put(rng, profile, "lastName", last)
            if rng.random() < 0.85:
                city, country, tz = rng.choice(CITIES)
                location: Doc = {"country": country, "timezone": tz}
                _put(rng, location, "city", city)
                profile["location"] = location
            doc["profile"] = profile
        elif roll > 0.03:
            doc["profile"] = None
        plan = rng.choice(PLANS)
        account: Doc = {"type": plan, "status": rng.choice(STATUSES)}
        logins = rng.choice([0, 1, 3, 10, 10, rng.randint(0, 900)])
        _put(rng, account, "loginCount", Int64(logins) if rng.random() < 0.3 else logins)
        _put(rng, account, "lastLoginAt", _when(rng, datetime(2024, 5, 1), 180), 0.08, 0.08)
        _put(rng, account, "isEmailVerified", rng.random() < 0.6, 0.06, 0.06)
        account["monthlyFee"] = Decimal128(FEES[plan])
        _put(rng, account, "credits", _double(rng, 0, 60), 0.05, 0.05)
        doc["account"] = account
        roll = rng.random()
        if roll < 0.12:
            doc["tags"] = []
        elif roll < 0.18:
            doc["tags"] = None
        elif roll < 0.8:
            doc["tags"] = sorted({rng.choice(TAGS) for _ in range(rng.randint(1, 3))})
        _put(rng, doc, "createdAt", _when(rng, datetime(2023, 11, 1), 360), 0.03, 0.03)
        score: float | int
        score = rng.choice([5, 20, 50, 50, 0, 20.5]) if rng.random() < 0.2 else _double(rng, 0, 95, 1)
        _put(rng, doc, "score", score, 0.05, 0.05)
        _put(rng, doc, "signupChannel", rng.choice(CHANNELS), 0.1, 0.05)
        version = rng.choice(VERSIONS)
        if rng.random() > 0.07:
            doc["_schema"] = {"version": version, "migratedAt": _when(rng, datetime(2024, 9, 1), 60)}
        _put(rng, doc, "_migrationLock", rng.random() < 0.08, 0.5, 0.1)
        docs.append(doc)
    return docs


def make_orders(seed: int = SEED + 1) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, ORDERS_N + 1):
        user = rng.randint(1, 120) if rng.random() < 0.93 else rng.choice([5000, 5001])
        doc: Doc = {"_id": 1000 + i, "status": rng.choice(ORDER_STATUSES)}
        _put(rng, doc, "userId", user, 0.03, 0.03)
        doc["createdAt"] = _when(rng, datetime(2024, 1, 1), 305)
        items = []
        for _ in range(rng.randint(0, 3)):
            item: Doc = {"sku": rng.choice(SKUS), "qty": rng.randint(1, 5)}
            pricing: Doc = {"unitPrice": _double(rng, 1, 150)}
            _put(rng, pricing, "discount", rng.choice([0, 0.1, 0.25, 5]), 0.3, 0.1)
            item["pricing"] = pricing
            items.append(item)
        if rng.random() < 0.9:
            doc["items"] = items
        cents = rng.randint(0, 90000)
        total = (
            rng.choice(["10.00", "19.90", "0.10", "0.20"]) if rng.random() < 0.15 else f"{cents / 100:.2f}"
        )
        _put(rng, doc, "total", Decimal128(total), 0.04, 0.04)
        _put(rng, doc, "shippingCost", _double(rng, 0, 30), 0.1, 0.05)
        _put(rng, doc, "currency", rng.choice(CURRENCIES), 0.05, 0.02)
        _put(rng, doc, "couponCode", rng.choice(["WELCOME10", "welcome10", "BF2024", ""]), 0.55, 0.1)
        _put(rng, doc, "isGift", rng.random() < 0.2, 0.3, 0.05)
        if rng.random() < 0.7:
            shipping: Doc = {"method": rng.choice(["standard", "express"])}
            _put(rng, shipping, "carrier", rng.choice(CARRIERS), 0.1, 0.0)
            doc["shipping"] = shipping
        docs.append(doc)
    return docs


def make_events(seed: int = SEED + 2) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, EVENTS_N + 1):
        user: int | None = rng.randint(1, 110) if rng.random() < 0.95 else None
        doc: Doc = {"_id": i, "type": rng.choice(FUNNEL)}
        _put(rng, doc, "userId", user, 0.02, 0.0)
        doc["ts"] = _when(rng, datetime(2024, 8, 1), 95)
        doc["sessionId"] = f"s{rng.randint(1, 160):04d}"
        _put(rng, doc, "page", rng.choice(PAGES), 0.1, 0.05)
        duration = rng.choice([0, 250, 1000, rng.randint(1, 120_000)])
        _put(rng, doc, "durationMs", Int64(duration) if rng.random() < 0.25 else duration)
        if rng.random() < 0.8:
            props: Doc = {"device": rng.choice(DEVICES)}
            _put(rng, props, "referrer", rng.choice(["google", "newsletter", "", "Google"]), 0.3, 0.1)
            doc["props"] = props
        _put(rng, doc, "value", _double(rng, 0, 500), 0.5, 0.1)
        docs.append(doc)
    return docs


USERS: dict[str, ColType] = {
    "_id": "INTEGER",
    "username": "VARCHAR",
    "email": "VARCHAR",
    "profile": {
        "firstName": "VARCHAR",
        "lastName": "VARCHAR",
        "location": {"city": "VARCHAR", "country": "VARCHAR", "timezone": "VARCHAR"},
    },
    "account": {
        "type": "VARCHAR",
        "status": "VARCHAR",
        "loginCount": "BIGINT",
        "lastLoginAt": "TIMESTAMP",
        "isEmailVerified": "BOOLEAN",
        "monthlyFee": "DECIMAL",
        "credits": "DOUBLE",
    },
    "tags": ["VARCHAR"],
    "createdAt": "TIMESTAMP",
    "score": "DOUBLE",
    "signupChannel": "VARCHAR",
    "_schema": {"version": "VARCHAR", "migratedAt": "TIMESTAMP"},
    "_migrationLock": "BOOLEAN",
}
ORDERS: dict[str, ColType] = {
    "_id": "INTEGER",
    "userId": "INTEGER",
    "status": "VARCHAR",
    "createdAt": "TIMESTAMP",
    "items": [{"sku": "VARCHAR", "qty": "INTEGER", "pricing": {"unitPrice": "DOUBLE", "discount": "DOUBLE"}}],
    "total": "DECIMAL",
    "shippingCost": "DOUBLE",
    "currency": "VARCHAR",
    "couponCode": "VARCHAR",
    "isGift": "BOOLEAN",
    "shipping": {"method": "VARCHAR", "carrier": "VARCHAR"},
}
EVENTS: dict[str, ColType] = {
    "_id": "INTEGER",
    "type": "VARCHAR",
    "userId": "INTEGER",
    "ts": "TIMESTAMP",
    "sessionId": "VARCHAR",
    "page": "VARCHAR",
    "durationMs": "BIGINT",
    "props": {"device": "VARCHAR", "referrer": "VARCHAR"},
    "value": "DOUBLE",
}
SCHEMAS: dict[str, dict[str, ColType]] = {"users": USERS, "orders": ORDERS, "events": EVENTS}


def datasets() -> dict[str, list[Doc]]:
    return {"users": make_users(), "orders": make_orders(), "events": make_events()}


@contextlib.contextmanager
def loaded(client: MongoClient[Doc], pg_server: PostgresServer) -> Iterator[Env]:
    """The documents in a MongoDB database and a PostgreSQL schema of their own, dropped afterwards."""
    data = datasets()
    name = f"leaf_analyst_{uuid.uuid4().hex[:12]}"
    db = client[name]
    load_mongo(db, data)
    con = duckdb.connect(":memory:")  # unused: PostgreSQL is the only oracle here
    try:
        with loaded_pg(pg_server, SCHEMAS, data) as pg:
            yield Env(con, db, pg)
    finally:
        con.close()
        client.drop_database(name)
