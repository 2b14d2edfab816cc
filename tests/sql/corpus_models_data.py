"""Documents for the third independent corpus (``test_corpus_models.py``): the rollup MODELS a data
team writes for this product, on the seed's domain, written without looking at the other corpora.

- ``users``: a ``profile`` that may be missing or lack its ``location`` (cities with stray spaces and
  mixed case), an ``account`` whose ``loginCount`` is int32 or int64 (and missing for some), a
  Decimal128 ``lifetimeValue``, ``credits`` that a driver stores as int32 when whole and as a double
  otherwise, ``tags`` that are empty, NULL or missing, a ``referralCode`` that looks like a number
  ("00042") and a ``birthDate`` that looks like a date but is text, a versioned ``_schema``.
- ``events``: ``eventType`` in mixed case with stray spaces, ``timestamp`` on month ends, midnights
  and the DST changes, ``responseTime`` int32 or int64 or NULL, a ``metadata`` document that may be
  missing, some events of no user or of a user that does not exist.
- ``orders``: ``items`` documents with a Decimal128 ``price``, ``totals`` of Decimal128 money (a
  NULL shipping amount now and then), statuses in mixed case, a ``deliveredAt`` only when delivered.
- ``products``: ``pricing`` with a Decimal128 base price and an optional sale price, an ``inventory``
  document, ``tags``.

``SCHEMAS`` types the PostgreSQL tables (a field mixing int32 and int64 is ``bigint``; one mixing
int32 and double is ``double precision``). ``DDL`` declares the same collections as a user writes
them in ``pipelines/schemas/*.ddl``; ``ddl_catalog()`` is the catalog the code location derives
from it (``leaf_dagster.schema.sql_catalog``), the second mode of the corpus.
"""

from __future__ import annotations

import contextlib
import random
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import duckdb
from bson import Decimal128, Int64
from pymongo import MongoClient

from tests.sql.datagen import Doc
from tests.sql.duck import ColType
from tests.sql.harness import Env, load_mongo
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import loaded_pg

SEED = 20241205
NOW = datetime(2024, 11, 15, 6, 30, 0)
START = datetime(2024, 9, 1)
DAYS = 75  # 2024-09-01 .. 2024-11-14

USERS_N = 120
EVENTS_N = 700
ORDERS_N = 260
PRODUCTS_N = 24

FIRST = ["Sarah", "sarah", "James", "Priya", "Lukas", "Mei", "Omar", "Zoë", "Tomás", "Ada"]
LAST = ["Johnson", "Smith", "Patel", "Weber", "Chen", "Haddad", "Brontë", "García", "Lovelace"]
CITIES = [
    ("San Francisco", "CA", "US"),
    ("san francisco ", "CA", "US"),
    ("Austin", "TX", "US"),
    ("  Austin", "TX", "US"),
    ("Berlin", None, "DE"),
    ("München", None, "DE"),
    ("Toronto", "ON", "CA"),
    ("Seattle", "WA", "US"),
]
ACCOUNT_TYPES = ["free", "free", "premium", "premium", "enterprise", "Premium"]
ACCOUNT_STATUSES = ["active", "active", "active", "inactive", "suspended", "Active"]
TAGS = ["early-adopter", "newsletter", "vip", "VIP", "beta", "churn-risk"]
EVENT_TYPES = [
    "page_view",
    "page_view",
    "page_view",
    "click",
    "click",
    "api_call",
    "error",
    "Page_View",
    " click",
]
PAGES = ["/", "/pricing", "/docs", "/docs/sql", "/Pricing/", "/checkout?step=2", "/blog/schema-design", None]
DEVICES = ["desktop", "mobile", "tablet", "Mobile", None]
BROWSERS = ["chrome", "firefox", "safari", "Chrome", "edge"]
CAMPAIGNS = ["fall_promotion_2024", "black_friday", "newsletter_10", None, "FALL_PROMOTION_2024"]
ORDER_STATUSES = [
    "pending",
    "paid",
    "shipped",
    "delivered",
    "delivered",
    "delivered",
    "cancelled",
    "refunded",
    "Delivered",
    " paid",
]
CURRENCIES = ["USD", "USD", "USD", "EUR", "GBP", "usd"]
SOURCES = ["web", "web", "mobile_app", "api", "Web"]
CATEGORIES = ["electronics", "books", "clothing", "home", "sports", "toys"]
PRODUCT_TAGS = ["sale", "new", "bestseller", "eco", "Sale", "gift"]
COUPONS = ["FALL10", "fall10", "WELCOME5", "", None, None, None]
SPECIAL = [
    datetime(2024, 9, 30, 23, 59, 59),
    datetime(2024, 10, 1, 0, 0, 0),
    datetime(2024, 10, 31, 23, 30, 0),
    datetime(2024, 11, 1, 0, 0, 0),
    datetime(2024, 11, 3, 6, 30, 0),  # the US DST change (UTC)
    datetime(2024, 10, 27, 1, 0, 0),  # the EU DST change (UTC)
    datetime(2024, 9, 2, 0, 0, 0),
    datetime(2024, 11, 14, 23, 59, 59),
]


def _when(rng: random.Random, start: datetime = START, days: int = DAYS) -> datetime:
    roll = rng.random()
    if roll < 0.08:
        return rng.choice(SPECIAL)
    if roll < 0.15:
        return (start + timedelta(days=rng.randrange(days))).replace(hour=0, minute=0, second=0)
    return start + timedelta(seconds=rng.randrange(days * 86_400))


def _put(
    rng: random.Random, doc: Doc, key: str, value: object, missing: float = 0.05, null: float = 0.05
) -> None:
    roll = rng.random()
    if roll < missing:
        return
    doc[key] = None if roll < missing + null else value


def _money(rng: random.Random, low: float, high: float) -> Decimal128:
    cents = rng.randrange(int(low * 100), int(high * 100) + 1)
    if rng.random() < 0.15:
        cents -= cents % 100  # whole amounts: 20.00
    return Decimal128(Decimal(cents).scaleb(-2))


def _int(rng: random.Random, value: int) -> int | Int64:
    """int32 or int64, as different drivers and migrations wrote the same counter."""
    return Int64(value) if rng.random() < 0.4 else value


def _double(rng: random.Random, low: float, high: float) -> float | int:
    value = round(rng.uniform(low, high), 2)
    if rng.random() < 0.2:
        value = float(round(value))
    if value == int(value):
        return int(value)  # a whole double comes back from the driver as int32
    text = f"{value:.2f}"
    if text.endswith("5"):  # no half-way ties: PostgreSQL rounds a double half to even
        value = float(text[:-1] + "6")
    return value


def make_users(seed: int = SEED) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, USERS_N + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        doc: Doc = {"_id": i, "username": f"{first.lower()}_{last.lower()}{i}"}
        if i % 17 == 0:
            doc["username"] = f"  {first}{last}{i} "
        _put(
            rng,
            doc,
            "email",
            f"{first}.{last}{i}@Example.COM" if i % 5 == 0 else f"{first.lower()}{i}@example.com",
        )
        if rng.random() > 0.08:
            profile: Doc = {"firstName": first, "lastName": last}
            if rng.random() > 0.12:
                city, state, country = rng.choice(CITIES)
                location: Doc = {"city": city, "country": country}
                if state is not None:
                    location["state"] = state
                profile["location"] = location
            elif rng.random() < 0.5:
                profile["location"] = None
            doc["profile"] = profile
        account: Doc = {
            "type": rng.choice(ACCOUNT_TYPES),
            "status": rng.choice(ACCOUNT_STATUSES),
        }
        if rng.random() > 0.06:
            account["loginCount"] = _int(rng, rng.choice([0, 1, 2, 5, 7, 10, 20, 49, 50, 51, 120, 342]))
        account["lastLoginAt"] = None if rng.random() < 0.1 else _when(rng)
        doc["account"] = account
        doc["createdAt"] = _when(rng, datetime(2023, 6, 1), 520)
        roll = rng.random()
        if roll < 0.1:
            pass
        elif roll < 0.18:
            doc["tags"] = None
        elif roll < 0.28:
            doc["tags"] = []
        else:
            doc["tags"] = rng.sample(TAGS, rng.randint(1, 3))
        _put(rng, doc, "lifetimeValue", _money(rng, 0, 2500), missing=0.06, null=0.04)
        _put(rng, doc, "credits", _double(rng, 0, 40))
        _put(rng, doc, "referralCode", rng.choice(["00042", "42", "0042", "1e3", "REF-7", "  17"]), 0.3, 0.1)
        _put(
            rng,
            doc,
            "birthDate",
            rng.choice(["1990-05-17", "1985-12-01", "2001-02-28", "17/05/1990"]),
            0.2,
            0.1,
        )
        _put(rng, doc, "isVerified", rng.random() < 0.6, 0.1, 0.05)
        doc["_schema"] = {"version": rng.choice(["1.0.0", "2.0.0", "2.1.0", "3.0.0", "3.0.0"])}
        docs.append(doc)
    return docs


def make_events(seed: int = SEED + 1) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, EVENTS_N + 1):
        doc: Doc = {"_id": i}
        roll = rng.random()
        doc["userId"] = None if roll < 0.03 else (USERS_N + 7 if roll < 0.05 else rng.randint(1, USERS_N))
        doc["eventType"] = rng.choice(EVENT_TYPES)
        doc["timestamp"] = _when(rng)
        _put(rng, doc, "page", rng.choice(PAGES), 0.05, 0.02)
        doc["sessionId"] = f"sess_{rng.randrange(90):03d}"
        _put(
            rng,
            doc,
            "responseTime",
            _int(rng, rng.choice([12, 45, 80, 120, 250, 500, 999, 1500, 3000])),
            0.05,
            0.08,
        )
        _put(rng, doc, "statusCode", rng.choice([200, 200, 200, 201, 304, 404, 500, 503]), 0.1, 0.0)
        if rng.random() > 0.1:
            metadata: Doc = {"browser": rng.choice(BROWSERS)}
            _put(rng, metadata, "device", rng.choice(DEVICES), 0.05, 0.05)
            _put(rng, metadata, "campaign", rng.choice(CAMPAIGNS), 0.2, 0.1)
            _put(rng, metadata, "durationMs", _double(rng, 0, 9000), 0.1, 0.05)
            doc["metadata"] = metadata
        docs.append(doc)
    return docs


def make_products(seed: int = SEED + 2) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, PRODUCTS_N + 1):
        category = CATEGORIES[i % len(CATEGORIES)]
        base = _money(rng, 5, 900)
        pricing: Doc = {"basePrice": base, "discountPercent": rng.choice([0, 0, 10, 15, 25, 50])}
        if rng.random() < 0.4:
            pricing["salePrice"] = Decimal128((base.to_decimal() * Decimal("0.85")).quantize(Decimal("0.01")))
        doc: Doc = {
            "_id": i,
            "name": f"{category.title()} item {i}" if i % 7 else f" {category} ITEM {i} ",
            "sku": f"{category[:3].upper()}-{i:04d}",
            "category": category if i % 9 else category.upper(),
            "pricing": pricing,
            "inventory": {
                "quantity": rng.choice([0, 0, 3, 12, 40, 250]),
                "warehouse": rng.choice(["SFO-1", "AUS-2", "BER-1"]),
            },
            "createdAt": _when(rng, datetime(2024, 1, 1), 300),
        }
        _put(rng, doc, "tags", rng.sample(PRODUCT_TAGS, rng.randint(0, 3)), 0.1, 0.05)
        _put(rng, doc, "rating", _double(rng, 1, 5), 0.1, 0.1)
        _put(rng, doc, "isActive", rng.random() < 0.8, 0.05, 0.0)
        docs.append(doc)
    return docs


def make_orders(products: list[Doc], seed: int = SEED + 3) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, ORDERS_N + 1):
        created = _when(rng)
        status = rng.choice(ORDER_STATUSES)
        items = []
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            product = rng.choice(products)
            price = product["pricing"].get("salePrice") or product["pricing"]["basePrice"]
            items.append(
                {
                    "productId": product["_id"],
                    "sku": product["sku"],
                    "qty": rng.choice([1, 1, 2, 3, 10]),
                    "price": price,
                }
            )
        subtotal = sum((it["price"].to_decimal() * it["qty"] for it in items), Decimal("0.00"))
        tax = (subtotal * Decimal("0.08")).quantize(Decimal("0.01"))
        discount = rng.choice([Decimal("0.00"), Decimal("0.00"), Decimal("5.00"), Decimal("12.50")])
        shipping: Decimal | None = rng.choice([Decimal("0.00"), Decimal("4.99"), Decimal("15.99"), None])
        total = subtotal + tax - discount + (shipping or Decimal("0.00"))
        totals: Doc = {
            "subtotal": Decimal128(subtotal),
            "taxAmount": Decimal128(tax),
            "discountAmount": Decimal128(discount),
            "shippingAmount": None if shipping is None else Decimal128(shipping),
            "totalAmount": Decimal128(total),
            "currency": rng.choice(CURRENCIES),
        }
        doc: Doc = {
            "_id": i,
            "orderNumber": f"ORD-{created:%Y-%m%d}{i:02d}",
            "customerId": rng.randint(1, USERS_N) if i % 41 else USERS_N + 3,
            "status": status,
            "items": items,
            "totals": totals,
            "createdAt": created,
        }
        if status.strip().lower() == "delivered":
            doc["deliveredAt"] = created + timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 20))
        _put(rng, doc, "couponCode", rng.choice(COUPONS), 0.2, 0.1)
        if rng.random() > 0.1:
            doc["metadata"] = {"source": rng.choice(SOURCES), "campaign": rng.choice(CAMPAIGNS)}
        docs.append(doc)
    return docs


USERS: dict[str, ColType] = {
    "_id": "INTEGER",
    "username": "VARCHAR",
    "email": "VARCHAR",
    "profile": {
        "firstName": "VARCHAR",
        "lastName": "VARCHAR",
        "location": {"city": "VARCHAR", "state": "VARCHAR", "country": "VARCHAR"},
    },
    "account": {"type": "VARCHAR", "status": "VARCHAR", "loginCount": "BIGINT", "lastLoginAt": "TIMESTAMP"},
    "createdAt": "TIMESTAMP",
    "tags": ["VARCHAR"],
    "lifetimeValue": "DECIMAL",
    "credits": "DOUBLE",
    "referralCode": "VARCHAR",
    "birthDate": "VARCHAR",
    "isVerified": "BOOLEAN",
    "_schema": {"version": "VARCHAR"},
}
EVENTS: dict[str, ColType] = {
    "_id": "INTEGER",
    "userId": "INTEGER",
    "eventType": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "page": "VARCHAR",
    "sessionId": "VARCHAR",
    "responseTime": "BIGINT",
    "statusCode": "INTEGER",
    "metadata": {"browser": "VARCHAR", "device": "VARCHAR", "campaign": "VARCHAR", "durationMs": "DOUBLE"},
}
PRODUCTS: dict[str, ColType] = {
    "_id": "INTEGER",
    "name": "VARCHAR",
    "sku": "VARCHAR",
    "category": "VARCHAR",
    "pricing": {"basePrice": "DECIMAL", "salePrice": "DECIMAL", "discountPercent": "INTEGER"},
    "inventory": {"quantity": "INTEGER", "warehouse": "VARCHAR"},
    "createdAt": "TIMESTAMP",
    "tags": ["VARCHAR"],
    "rating": "DOUBLE",
    "isActive": "BOOLEAN",
}
ORDERS: dict[str, ColType] = {
    "_id": "INTEGER",
    "orderNumber": "VARCHAR",
    "customerId": "INTEGER",
    "status": "VARCHAR",
    "items": [{"productId": "INTEGER", "sku": "VARCHAR", "qty": "INTEGER", "price": "DECIMAL"}],
    "totals": {
        "subtotal": "DECIMAL",
        "taxAmount": "DECIMAL",
        "discountAmount": "DECIMAL",
        "shippingAmount": "DECIMAL",
        "totalAmount": "DECIMAL",
        "currency": "VARCHAR",
    },
    "createdAt": "TIMESTAMP",
    "deliveredAt": "TIMESTAMP",
    "couponCode": "VARCHAR",
    "metadata": {"source": "VARCHAR", "campaign": "VARCHAR"},
}
SCHEMAS: dict[str, dict[str, ColType]] = {
    "users": USERS,
    "events": EVENTS,
    "products": PRODUCTS,
    "orders": ORDERS,
}

# The same collections as a data team declares them (pipelines/schemas/*.ddl style).
DDL = """
-- @version 3.0.0
CREATE DOCUMENT_SCHEMA users (
  _id INTEGER PRIMARY KEY,
  username VARCHAR(40) NOT NULL,
  email VARCHAR(255),
  profile DOCUMENT {
    firstName VARCHAR(50),
    lastName VARCHAR(50),
    location DOCUMENT {
      city VARCHAR(100),
      state VARCHAR(50),
      country VARCHAR(2)
    }
  },
  account DOCUMENT {
    type VARCHAR(20),
    status VARCHAR(20),
    loginCount BIGINT CHECK (loginCount >= 0),
    lastLoginAt TIMESTAMP
  },
  createdAt TIMESTAMP NOT NULL,
  tags ARRAY OF VARCHAR(50),
  lifetimeValue DECIMAL(12,2),
  credits DOUBLE,
  referralCode VARCHAR(20),
  birthDate VARCHAR(10),
  isVerified BOOLEAN,
  _schema DOCUMENT {
    version VARCHAR(20) NOT NULL
  }
);

CREATE DOCUMENT_SCHEMA events (
  _id INTEGER PRIMARY KEY,
  userId INTEGER,
  eventType VARCHAR(20) NOT NULL,
  timestamp TIMESTAMP NOT NULL,
  page VARCHAR(500),
  sessionId VARCHAR(100),
  responseTime BIGINT,
  statusCode INTEGER,
  metadata DOCUMENT {
    browser VARCHAR(50),
    device VARCHAR(50),
    campaign VARCHAR(100),
    durationMs DOUBLE
  }
);

CREATE DOCUMENT_SCHEMA products (
  _id INTEGER PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  sku VARCHAR(50) NOT NULL,
  category VARCHAR(20) NOT NULL,
  pricing DOCUMENT {
    basePrice DECIMAL(10,2) NOT NULL,
    salePrice DECIMAL(10,2),
    discountPercent INTEGER
  },
  inventory DOCUMENT {
    quantity INTEGER,
    warehouse VARCHAR(50)
  },
  createdAt TIMESTAMP,
  tags ARRAY OF VARCHAR(50),
  rating DOUBLE,
  isActive BOOLEAN
);

CREATE DOCUMENT_SCHEMA orders (
  _id INTEGER PRIMARY KEY,
  orderNumber VARCHAR(30) NOT NULL,
  customerId INTEGER NOT NULL,
  status VARCHAR(20) NOT NULL,
  items ARRAY OF DOCUMENT {
    productId INTEGER NOT NULL,
    sku VARCHAR(50),
    qty INTEGER NOT NULL,
    price DECIMAL(10,2) NOT NULL
  },
  totals DOCUMENT {
    subtotal DECIMAL(12,2),
    taxAmount DECIMAL(12,2),
    discountAmount DECIMAL(12,2),
    shippingAmount DECIMAL(12,2),
    totalAmount DECIMAL(12,2) NOT NULL,
    currency VARCHAR(3)
  },
  createdAt TIMESTAMP NOT NULL,
  deliveredAt TIMESTAMP,
  couponCode VARCHAR(20),
  metadata DOCUMENT {
    source VARCHAR(20),
    campaign VARCHAR(100)
  }
);
"""


def ddl_catalog() -> Mapping[str, Mapping[str, Any]]:
    """The catalog the code location builds from ``DDL`` (as ``leaf-dagster sql --schemas`` does)."""
    from leaf_dagster.schema import parse_ddl, sql_catalog

    return sql_catalog(parse_ddl(DDL, source="corpus_models.ddl").merged().schemas.values())


def datasets() -> dict[str, list[Doc]]:
    products = make_products()
    return {
        "users": make_users(),
        "events": make_events(),
        "products": products,
        "orders": make_orders(products),
    }


@contextlib.contextmanager
def loaded(client: MongoClient[Doc], pg_server: PostgresServer) -> Iterator[Env]:
    """The documents in a MongoDB database and a PostgreSQL schema of their own, dropped afterwards."""
    data = datasets()
    name = f"leaf_models_{uuid.uuid4().hex[:12]}"
    db = client[name]
    load_mongo(db, data)
    con = duckdb.connect(":memory:")  # unused: PostgreSQL is the only oracle here
    try:
        with loaded_pg(pg_server, SCHEMAS, data) as pg:
            yield Env(con, db, pg)
    finally:
        con.close()
        client.drop_database(name)
