"""Documents for the fourth independent corpus (``test_corpus_reports.py``): operational REPORTS and
dashboards over the seed's domain (an e-commerce catalogue, customers, orders and support tickets),
written without looking at the other corpora.

- ``customers``: a ``profile`` that may be missing or lack its ``location`` (cities in mixed case),
  ``tier`` text, a ``loyaltyPoints`` counter mixing int32 and int64 (missing for some), a Decimal128
  ``creditLimit``, ``tags`` that are empty, NULL or missing, ``signupDay`` an ISO date kept as TEXT
  (as an import wrote it), ``registeredAt`` a date, ``referrerId`` NULL for most.
- ``orders``: ``items`` documents (``sku``, ``qty`` int32, Decimal128 ``unitPrice``), possibly
  empty; ``amount`` Decimal128 money, ``discount`` Decimal128 or NULL, ``placedAt`` on month,
  week and DST edges, ``shippedAt``/``deliveredAt`` only for some, ``status`` in mixed case,
  ``channel`` NULL or missing now and then, ``shipping.address.city``.
- ``products``: ``price`` Decimal128, ``stock`` int32 or int64, ``tags``, ``category``, ``launchDay``
  TEXT ISO date, ``weightKg`` double.
- ``tickets``: support tickets with ``openedAt``/``closedAt`` (NULL while open), ``priority`` int32,
  ``customerId`` (some of nobody), ``labels`` arrays.
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

SEED = 20241206
NOW = datetime(2024, 12, 2, 9, 15, 0)  # a Monday
START = datetime(2024, 9, 1)
DAYS = 92

CUSTOMERS_N = 90
ORDERS_N = 240
PRODUCTS_N = 20
TICKETS_N = 150

CITIES = [
    ("Portland", "US"),
    ("portland", "US"),
    ("Lyon", "FR"),
    ("São Paulo", "BR"),
    ("Osaka", "JP"),
    ("Denver", "US"),
]
TIERS = ["bronze", "silver", "gold", "Gold", "platinum"]
CTAGS = ["wholesale", "vip", "newsletter", "b2b", "at_risk", "50%_off"]
STATUSES = ["new", "paid", "shipped", "delivered", "delivered", "cancelled", "Delivered", "returned"]
CHANNELS = ["web", "web", "app", "phone", "marketplace"]
CATEGORIES = ["kitchen", "garden", "office", "toys", "audio"]
PTAGS = ["eco", "bundle", "clearance", "new", "gift"]
LABELS = ["billing", "shipping", "refund", "bug", "urgent"]
EDGES = [
    datetime(2024, 9, 30, 23, 59, 59),
    datetime(2024, 10, 1, 0, 0, 0),
    datetime(2024, 10, 27, 0, 30, 0),  # the EU DST change night
    datetime(2024, 11, 3, 7, 0, 0),  # the US DST change (UTC)
    datetime(2024, 12, 1, 0, 0, 0),
    datetime(2024, 9, 29, 23, 0, 0),  # a Sunday night: ISO week 39
    datetime(2024, 9, 30, 0, 0, 0),  # the Monday after
    datetime(2024, 11, 30, 23, 59, 59),
]


def _when(rng: random.Random, start: datetime = START, days: int = DAYS) -> datetime:
    roll = rng.random()
    if roll < 0.1:
        return rng.choice(EDGES)
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


def _money(rng: random.Random, low: float, high: float) -> Decimal128:
    cents = rng.randrange(int(low * 100), int(high * 100) + 1)
    if rng.random() < 0.2:
        cents -= cents % 100
    return Decimal128(Decimal(cents).scaleb(-2))


def _int(rng: random.Random, value: int) -> int | Int64:
    return Int64(value) if rng.random() < 0.35 else value


def make_customers(seed: int = SEED) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, CUSTOMERS_N + 1):
        doc: Doc = {
            "_id": i,
            "name": rng.choice(["ana lima", "BOB STONE", "chloé dubois", "dan o'neil", "eve_adams", "Fay Wu"])
            + f" {i}",
        }
        _put(rng, doc, "email", f"user{i}@{rng.choice(['shop.io', 'Mail.com', 'corp.example'])}", 0.05, 0.05)
        if rng.random() > 0.1:
            profile: Doc = {"phone": None if rng.random() < 0.3 else f"+1-555-{i:04d}"}
            if rng.random() > 0.15:
                city, country = rng.choice(CITIES)
                profile["location"] = {"city": city, "country": country}
            doc["profile"] = profile
        _put(rng, doc, "tier", rng.choice(TIERS), 0.05, 0.05)
        _put(
            rng,
            doc,
            "loyaltyPoints",
            _int(rng, rng.choice([0, 10, 99, 100, 250, 999, 1000, 4200])),
            0.08,
            0.04,
        )
        _put(rng, doc, "creditLimit", _money(rng, 0, 5000), 0.05, 0.05)
        roll = rng.random()
        if roll < 0.1:
            pass
        elif roll < 0.18:
            doc["tags"] = None
        elif roll < 0.3:
            doc["tags"] = []
        else:
            doc["tags"] = rng.sample(CTAGS, rng.randint(1, 3))
        reg = _when(rng, datetime(2023, 1, 1), 600)
        doc["registeredAt"] = reg
        _put(rng, doc, "signupDay", reg.strftime("%Y-%m-%d"), 0.1, 0.05)
        _put(rng, doc, "referrerId", rng.randint(1, CUSTOMERS_N), 0.3, 0.4)
        _put(rng, doc, "active", rng.random() < 0.75, 0.05, 0.05)
        docs.append(doc)
    return docs


def make_products(seed: int = SEED + 1) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, PRODUCTS_N + 1):
        doc: Doc = {
            "_id": i,
            "sku": f"{CATEGORIES[i % 5][:3].upper()}-{i:03d}",
            "title": rng.choice(
                [
                    "Steel Kettle",
                    "garden hose 20m",
                    "Desk Lamp",
                    "toy_robot",
                    "Bluetooth SPEAKER",
                    "100% Cotton Apron",
                ]
            ),
            "category": CATEGORIES[i % 5],
            "price": _money(rng, 3, 400),
            "stock": _int(rng, rng.choice([0, 0, 5, 12, 80, 300])),
            "launchDay": (datetime(2024, 1, 1) + timedelta(days=rng.randrange(300))).strftime("%Y-%m-%d"),
        }
        _put(rng, doc, "tags", rng.sample(PTAGS, rng.randint(0, 3)), 0.1, 0.05)
        _put(rng, doc, "weightKg", round(rng.uniform(0.1, 12), 2) + 0.001, 0.1, 0.05)
        docs.append(doc)
    return docs


def make_orders(products: list[Doc], seed: int = SEED + 2) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, ORDERS_N + 1):
        placed = _when(rng)
        status = rng.choice(STATUSES)
        items = []
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            p = rng.choice(products)
            items.append({"sku": p["sku"], "qty": rng.choice([1, 1, 2, 5]), "unitPrice": p["price"]})
        amount = sum((it["unitPrice"].to_decimal() * it["qty"] for it in items), Decimal("0.00"))
        doc: Doc = {
            "_id": i,
            "customerId": rng.randint(1, CUSTOMERS_N) if i % 37 else CUSTOMERS_N + 5,
            "status": status,
            "items": items,
            "amount": Decimal128(amount),
            "placedAt": placed,
        }
        _put(
            rng,
            doc,
            "discount",
            Decimal128(rng.choice([Decimal("0.00"), Decimal("5.00"), Decimal("2.50")])),
            0.2,
            0.2,
        )
        _put(rng, doc, "channel", rng.choice(CHANNELS), 0.08, 0.07)
        if status.lower() in ("shipped", "delivered"):
            doc["shippedAt"] = placed + timedelta(hours=rng.randint(2, 80))
        if status.lower() == "delivered":
            doc["deliveredAt"] = placed + timedelta(days=rng.randint(1, 8), hours=rng.randint(0, 23))
        if rng.random() > 0.1:
            city, country = rng.choice(CITIES)
            doc["shipping"] = {"address": {"city": city, "country": country}, "cost": _money(rng, 0, 20)}
        docs.append(doc)
    return docs


def make_tickets(seed: int = SEED + 3) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, TICKETS_N + 1):
        opened = _when(rng)
        doc: Doc = {
            "_id": i,
            "customerId": None if i % 23 == 0 else rng.randint(1, CUSTOMERS_N),
            "subject": rng.choice(
                ["Late delivery", "refund request", "Wrong item", "login_issue", "Invoice 10% off?"]
            ),
            "priority": rng.choice([1, 2, 2, 3, 3, 3]),
            "openedAt": opened,
            "closedAt": None if rng.random() < 0.3 else opened + timedelta(hours=rng.randint(1, 300)),
        }
        _put(rng, doc, "labels", rng.sample(LABELS, rng.randint(0, 2)), 0.1, 0.05)
        _put(rng, doc, "agent", rng.choice(["kim", "lee", "Kim", "raj"]), 0.1, 0.1)
        _put(rng, doc, "satisfaction", rng.choice([1, 2, 3, 4, 5]), 0.3, 0.1)
        docs.append(doc)
    return docs


CUSTOMERS: dict[str, ColType] = {
    "_id": "INTEGER",
    "name": "VARCHAR",
    "email": "VARCHAR",
    "profile": {"phone": "VARCHAR", "location": {"city": "VARCHAR", "country": "VARCHAR"}},
    "tier": "VARCHAR",
    "loyaltyPoints": "BIGINT",
    "creditLimit": "DECIMAL",
    "tags": ["VARCHAR"],
    "registeredAt": "TIMESTAMP",
    "signupDay": "VARCHAR",
    "referrerId": "INTEGER",
    "active": "BOOLEAN",
}
PRODUCTS: dict[str, ColType] = {
    "_id": "INTEGER",
    "sku": "VARCHAR",
    "title": "VARCHAR",
    "category": "VARCHAR",
    "price": "DECIMAL",
    "stock": "BIGINT",
    "launchDay": "VARCHAR",
    "tags": ["VARCHAR"],
    "weightKg": "DOUBLE",
}
ORDERS: dict[str, ColType] = {
    "_id": "INTEGER",
    "customerId": "INTEGER",
    "status": "VARCHAR",
    "items": [{"sku": "VARCHAR", "qty": "INTEGER", "unitPrice": "DECIMAL"}],
    "amount": "DECIMAL",
    "discount": "DECIMAL",
    "placedAt": "TIMESTAMP",
    "shippedAt": "TIMESTAMP",
    "deliveredAt": "TIMESTAMP",
    "channel": "VARCHAR",
    "shipping": {"address": {"city": "VARCHAR", "country": "VARCHAR"}, "cost": "DECIMAL"},
}
TICKETS: dict[str, ColType] = {
    "_id": "INTEGER",
    "customerId": "INTEGER",
    "subject": "VARCHAR",
    "priority": "INTEGER",
    "openedAt": "TIMESTAMP",
    "closedAt": "TIMESTAMP",
    "labels": ["VARCHAR"],
    "agent": "VARCHAR",
    "satisfaction": "INTEGER",
}
SCHEMAS: dict[str, dict[str, ColType]] = {
    "customers": CUSTOMERS,
    "orders": ORDERS,
    "products": PRODUCTS,
    "tickets": TICKETS,
}

DDL = """
-- @version 1.0.0
CREATE DOCUMENT_SCHEMA customers (
  _id INTEGER PRIMARY KEY,
  name VARCHAR(80) NOT NULL,
  email VARCHAR(255),
  profile DOCUMENT {
    phone VARCHAR(30),
    location DOCUMENT {
      city VARCHAR(100),
      country VARCHAR(2)
    }
  },
  tier VARCHAR(20),
  loyaltyPoints BIGINT,
  creditLimit DECIMAL(12,2),
  tags ARRAY OF VARCHAR(30),
  registeredAt TIMESTAMP NOT NULL,
  signupDay VARCHAR(10),
  referrerId INTEGER,
  active BOOLEAN
);

CREATE DOCUMENT_SCHEMA orders (
  _id INTEGER PRIMARY KEY,
  customerId INTEGER NOT NULL,
  status VARCHAR(20) NOT NULL,
  items ARRAY OF DOCUMENT {
    sku VARCHAR(20) NOT NULL,
    qty INTEGER NOT NULL,
    unitPrice DECIMAL(10,2) NOT NULL
  },
  amount DECIMAL(12,2) NOT NULL,
  discount DECIMAL(10,2),
  placedAt TIMESTAMP NOT NULL,
  shippedAt TIMESTAMP,
  deliveredAt TIMESTAMP,
  channel VARCHAR(20),
  shipping DOCUMENT {
    address DOCUMENT {
      city VARCHAR(100),
      country VARCHAR(2)
    },
    cost DECIMAL(8,2)
  }
);

CREATE DOCUMENT_SCHEMA products (
  _id INTEGER PRIMARY KEY,
  sku VARCHAR(20) NOT NULL,
  title VARCHAR(100) NOT NULL,
  category VARCHAR(20) NOT NULL,
  price DECIMAL(10,2) NOT NULL,
  stock BIGINT,
  launchDay VARCHAR(10),
  tags ARRAY OF VARCHAR(20),
  weightKg DOUBLE
);

CREATE DOCUMENT_SCHEMA tickets (
  _id INTEGER PRIMARY KEY,
  customerId INTEGER,
  subject VARCHAR(200) NOT NULL,
  priority INTEGER NOT NULL,
  openedAt TIMESTAMP NOT NULL,
  closedAt TIMESTAMP,
  labels ARRAY OF VARCHAR(20),
  agent VARCHAR(20),
  satisfaction INTEGER
);
"""


def ddl_catalog() -> Mapping[str, Mapping[str, Any]]:
    """The catalog the code location builds from ``DDL`` (as ``leaf-dagster sql --schemas`` does)."""
    from leaf_dagster.schema import parse_ddl, sql_catalog

    return sql_catalog(parse_ddl(DDL, source="corpus_reports.ddl").merged().schemas.values())


def datasets() -> dict[str, list[Doc]]:
    products = make_products()
    return {
        "customers": make_customers(),
        "orders": make_orders(products),
        "products": products,
        "tickets": make_tickets(),
    }


@contextlib.contextmanager
def loaded(client: MongoClient[Doc], pg_server: PostgresServer) -> Iterator[Env]:
    """The documents in a MongoDB database and a PostgreSQL schema of their own, dropped afterwards."""
    data = datasets()
    name = f"leaf_reports_{uuid.uuid4().hex[:12]}"
    db = client[name]
    load_mongo(db, data)
    con = duckdb.connect(":memory:")  # unused: PostgreSQL is the only oracle here
    try:
        with loaded_pg(pg_server, SCHEMAS, data) as pg:
            yield Env(con, db, pg)
    finally:
        con.close()
        client.drop_database(name)
