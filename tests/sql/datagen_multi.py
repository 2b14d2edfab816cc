"""Seeded documents for the multi-collection differential tests (issue 3): joins, UNNEST, windows.

Two families, both small (tens to a few hundred documents each) and deterministic:

- the seed article's document model: ``users`` with an embedded profile, account and an
  ``attributes`` array of ``{key, value, type}`` (empty, missing or NULL for some users), and
  ``user_activity_buckets`` whose ``userId`` references users (some dangling, some NULL), plus
  ``orders`` with ``customerId`` and an ``items`` array;
- the seed's relational product catalogue, flat with integer ids: ``products``, ``categories`` (with
  ``parent_category_id`` for the self-join), ``brands``, ``product_attributes``, ``product_images``,
  ``product_variants`` and ``product_reviews``.

``empty_orders`` has the orders' shape and no documents. Every document's ``_id`` is its integer
key, so ``SELECT *`` reads the same on both engines. Floats are whole hundredths that avoid rounding
ties at 0 and 1 decimals (see ``datagen.py``); datetimes are naive UTC with millisecond precision.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from tests.sql.datagen import Doc, _hundredths, _instant, _maybe

SEED = 20240901
# The corpus and the seed queries read CURRENT_DATE from here.
NOW = datetime(2024, 6, 15, 13, 45, 30)

USERS_N = 240
BUCKETS_N = 400
ORDERS_N = 200

FIRST_NAMES = ["Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances"]
LAST_NAMES = ["Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie"]
PLACES = [("Austin", "TX"), ("Dallas", "TX"), ("Boston", "MA"), ("Denver", "CO"), ("Seattle", "WA")]
ACCOUNT_TYPES = ["free", "premium", "enterprise"]
ACCOUNT_STATUSES = ["active", "active", "active", "suspended", "closed"]
ATTRIBUTE_KEYS = ["department", "team", "level", "remote"]
DEPARTMENTS = ["eng", "sales", "ops", "design"]
ORDER_STATUSES = ["new", "paid", "shipped", "returned"]

USERS_START = datetime(2022, 7, 1)
USERS_SPAN = timedelta(days=715)
BUCKETS_START = datetime(2024, 4, 1)
BUCKET_DAYS = 75  # up to 2024-06-14: the last 30 days before NOW hold about 40% of the buckets
ORDERS_START = datetime(2024, 1, 1)
ORDERS_SPAN = timedelta(days=160)


def _attribute(rng: random.Random, key: str) -> Doc:
    if key == "department":
        return {"key": key, "value": rng.choice(DEPARTMENTS), "type": "string"}
    if key == "level":
        return {"key": key, "value": str(rng.randint(1, 5)), "type": "number"}
    if key == "remote":
        return {"key": key, "value": rng.choice(["true", "false"]), "type": "boolean"}
    attr: Doc = {"key": key, "type": "string"}
    _maybe(rng, attr, "value", f"team-{rng.randint(1, 4)}", p_missing=0.1, p_null=0.1)
    return attr


def _attributes(rng: random.Random) -> list[Doc] | None:
    roll = rng.random()
    if roll < 0.1:
        return []
    if roll < 0.15:
        return None
    keys = rng.sample(ATTRIBUTE_KEYS, rng.randint(1, 3))
    return [_attribute(rng, k) for k in keys]


def make_users(n: int = USERS_N, seed: int = SEED) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, n + 1):
        doc: Doc = {"_id": i, "username": f"{rng.choice(FIRST_NAMES).lower()}{i}"}
        profile: Doc = {"firstName": rng.choice(FIRST_NAMES)}
        _maybe(rng, profile, "lastName", rng.choice(LAST_NAMES), p_missing=0.05, p_null=0.05)
        if rng.random() < 0.9:
            city, state = rng.choice(PLACES)
            location: Doc = {"state": state}
            _maybe(rng, location, "city", city, p_missing=0.05, p_null=0.05)
            profile["location"] = location
        doc["profile"] = profile
        # Always typed: the seed query's restructured top-locations CTE is joined back on it.
        doc["account"] = {"status": rng.choice(ACCOUNT_STATUSES), "type": rng.choice(ACCOUNT_TYPES)}
        _maybe(rng, doc, "createdAt", _instant(rng, USERS_START, USERS_SPAN), p_missing=0.03, p_null=0.03)
        attributes = _attributes(rng)
        if attributes is not None:
            doc["attributes"] = attributes
        elif rng.random() < 0.5:
            doc["attributes"] = None
        _maybe(rng, doc, "score", _hundredths(rng, 0, 100), p_missing=0.1, p_null=0.1)
        docs.append(doc)
    return docs


def make_buckets(n: int = BUCKETS_N, seed: int = SEED + 1) -> list[Doc]:
    """Activity buckets for the first ~90 users (a few for ids that do not exist, a few NULL)."""
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, n + 1):
        roll = rng.random()
        user: int | None = rng.randint(1, 90) if roll < 0.93 else rng.randint(9000, 9005)
        if roll > 0.98:
            user = None
        day = BUCKETS_START + timedelta(days=rng.randrange(BUCKET_DAYS))
        doc: Doc = {"_id": i, "bucketDate": day, "bucketType": rng.choice(["daily", "hourly"])}
        _maybe(rng, doc, "userId", user, p_missing=0.0, p_null=0.0)
        summary: Doc = {"pageViews": rng.randint(0, 120)}
        _maybe(rng, summary, "clicks", rng.randint(0, 40), p_missing=0.05, p_null=0.05)
        _maybe(rng, summary, "avgResponseTime", _hundredths(rng, 20, 900), p_missing=0.05, p_null=0.1)
        doc["summary"] = summary
        docs.append(doc)
    return docs


def make_orders(n: int = ORDERS_N, seed: int = SEED + 2) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, n + 1):
        roll = rng.random()
        customer: int | None = rng.randint(1, 120) if roll < 0.9 else rng.randint(5000, 5010)
        doc: Doc = {"_id": i, "status": rng.choice(ORDER_STATUSES)}
        _maybe(rng, doc, "customerId", customer, p_missing=0.03, p_null=0.03)
        _maybe(rng, doc, "total", _hundredths(rng, 1, 900), p_missing=0.05, p_null=0.05)
        doc["createdAt"] = _instant(rng, ORDERS_START, ORDERS_SPAN)
        doc["quantity"] = rng.randint(1, 9)
        if rng.random() < 0.9:
            doc["items"] = [
                {
                    "product_id": rng.randint(1, 62),
                    "qty": rng.randint(1, 5),
                    "price": _hundredths(rng, 1, 300),
                }
                for _ in range(rng.randint(0, 3))
            ]
        docs.append(doc)
    return docs


# ------------------------------------------------------------------------------ product catalogue

CATEGORY_NAMES = [
    "Electronics",
    "Home",
    "Outdoor",
    "Computers",
    "Phones",
    "Audio",
    "Kitchen",
    "Garden",
    "Laptops",
    "Tablets",
    "Headphones",
    "Camping",
    "Cookware",
    "Lost",
]
# index -> parent index (None: a root); "Lost" points at a category that does not exist.
CATEGORY_PARENTS: list[int | None] = [None, None, None, 1, 1, 1, 2, 3, 4, 4, 6, 3, 7, 99]
BRAND_NAMES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne"]
ATTRIBUTE_NAMES = ["color", "material", "size", "warranty", "weight_class"]
ATTRIBUTE_VALUES = ["red", "steel", "large", "2y", "light", "blue", "oak", "small"]


def _fraction(rng: random.Random, low: int, high: int) -> float:
    while True:
        x = _hundredths(rng, low, high)
        if x != int(x):
            return x


def make_categories() -> list[Doc]:
    docs: list[Doc] = []
    for i, (name, parent) in enumerate(zip(CATEGORY_NAMES, CATEGORY_PARENTS, strict=True), 1):
        doc: Doc = {"_id": i, "category_id": i, "category_name": name, "parent_category_id": parent}
        if i % 4 == 0:
            doc["description"] = f"All about {name.lower()}"
        docs.append(doc)
    return docs


def make_brands() -> list[Doc]:
    docs: list[Doc] = []
    for i, name in enumerate(BRAND_NAMES, 1):
        doc: Doc = {"_id": i, "brand_id": i, "brand_name": name}
        if i != 3:
            doc["brand_description"] = f"{name} makes things"
        docs.append(doc)
    return docs


def make_products(n: int = 60, seed: int = SEED + 3) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, n + 1):
        doc: Doc = {
            "_id": i,
            "product_id": i,
            "product_name": f"Product {i:02d}",
            "category_id": rng.randint(1, len(CATEGORY_NAMES) + 1),  # the last id does not exist
            "base_price": _hundredths(rng, 5, 2000),
            "is_active": rng.random() < 0.85,
        }
        _maybe(rng, doc, "brand_id", rng.randint(1, len(BRAND_NAMES)), p_missing=0.05, p_null=0.05)
        _maybe(rng, doc, "product_description", f"Description of product {i}", p_missing=0.1, p_null=0.1)
        if rng.random() < 0.7:
            # Never whole: CONCAT prints a double the same way in PostgreSQL and DuckDB then.
            doc["dimensions_length"] = _fraction(rng, 5, 80)
            doc["dimensions_width"] = _fraction(rng, 1, 60)
            doc["dimensions_height"] = _fraction(rng, 1, 40)
        docs.append(doc)
    return docs


def make_product_attributes(products: int = 60, seed: int = SEED + 4) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for product in range(1, products + 1):
        for name in rng.sample(ATTRIBUTE_NAMES, rng.randint(0, 4)):
            i = len(docs) + 1
            doc: Doc = {"_id": i, "attribute_id": i, "product_id": product, "attribute_name": name}
            doc["attribute_value"] = rng.choice(ATTRIBUTE_VALUES)
            doc["attribute_type"] = "string"
            docs.append(doc)
    return docs


def make_product_images(products: int = 60, seed: int = SEED + 5) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for product in range(1, products + 1):
        count = rng.randint(0, 3)
        primary = rng.randrange(count) if count and rng.random() < 0.8 else -1
        for k in range(count):
            i = len(docs) + 1
            doc: Doc = {"_id": i, "image_id": i, "product_id": product, "display_order": k}
            doc["image_url"] = f"https://img.example.com/p{product}/{k}.jpg"
            doc["is_primary"] = k == primary
            _maybe(rng, doc, "image_alt_text", f"view {k}", p_missing=0.2, p_null=0.1)
            docs.append(doc)
    return docs


def make_product_variants(products: int = 60, seed: int = SEED + 6) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for product in range(1, products + 1):
        for k in range(rng.randint(0, 4)):
            i = len(docs) + 1
            doc: Doc = {
                "_id": i,
                "variant_id": i,
                "product_id": product,
                "variant_name": f"V{k}",
                "sku": f"SKU-{product}-{k}",
                "price_adjustment": _hundredths(rng, -20, 50),
                "is_active": rng.random() < 0.8,
            }
            _maybe(rng, doc, "stock_quantity", rng.randint(0, 500), p_missing=0.05, p_null=0.1)
            docs.append(doc)
    return docs


def make_product_reviews(n: int = 300, seed: int = SEED + 7) -> list[Doc]:
    rng = random.Random(seed)
    docs: list[Doc] = []
    for i in range(1, n + 1):
        doc: Doc = {
            "_id": i,
            "review_id": i,
            "product_id": rng.randint(1, 64),  # 61..64 do not exist
            "customer_id": rng.randint(1, USERS_N),
            "helpful_votes": rng.randint(0, 30),
            "is_verified_purchase": rng.random() < 0.6,
            "created_at": _instant(rng, ORDERS_START, ORDERS_SPAN),
        }
        _maybe(rng, doc, "rating", rng.randint(1, 5), p_missing=0.05, p_null=0.05)
        _maybe(rng, doc, "review_title", f"Review {i}", p_missing=0.1, p_null=0.1)
        docs.append(doc)
    return docs


def datasets() -> dict[str, list[Doc]]:
    """Collection name -> documents."""
    return {
        "users": make_users(),
        "user_activity_buckets": make_buckets(),
        "orders": make_orders(),
        "empty_orders": [],
        "products": make_products(),
        "categories": make_categories(),
        "brands": make_brands(),
        "product_attributes": make_product_attributes(),
        "product_images": make_product_images(),
        "product_variants": make_product_variants(),
        "product_reviews": make_product_reviews(),
    }


# The join keys, indexed in MongoDB so that every $lookup is an index probe.
INDEXES: dict[str, list[str]] = {
    "users": ["account.type"],
    "user_activity_buckets": ["userId"],
    "orders": ["customerId"],
    "empty_orders": ["customerId"],
    "products": ["product_id", "category_id", "brand_id"],
    "categories": ["category_id", "parent_category_id"],
    "brands": ["brand_id"],
    "product_attributes": ["product_id"],
    "product_images": ["product_id"],
    "product_variants": ["product_id"],
    "product_reviews": ["product_id", "customer_id"],
}


def describe(data: dict[str, list[Doc]]) -> dict[str, Any]:
    """Counts per collection, for a quick look: ``python -m tests.sql.datagen_multi``."""
    return {name: len(docs) for name, docs in data.items()}


if __name__ == "__main__":
    print(describe(datasets()))
