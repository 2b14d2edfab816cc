"""Both engines loaded with the multi-collection data set (``datagen_multi``).

DuckDB: one typed table per collection through ``duck.load_table`` (STRUCT/LIST/TIMESTAMP, missing
-> NULL) with ``duck.SESSION_SETTINGS`` (PostgreSQL's integer division and NULL ordering).
MongoDB: the same documents, with the join keys indexed (``datagen_multi.INDEXES``).

The report over every corpus, PostgreSQL first, is ``python -m tests.sql.pg_report``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Mapping

import duckdb
from pymongo import ASCENDING, MongoClient
from pymongo.database import Database

from tests.sql import duck
from tests.sql.datagen import Doc
from tests.sql.datagen_multi import INDEXES, datasets
from tests.sql.duck import ColType
from tests.sql.harness import Env, load_mongo
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import loaded_pg

ATTRIBUTE: dict[str, ColType] = {"key": "VARCHAR", "value": "VARCHAR", "type": "VARCHAR"}
USERS: dict[str, ColType] = {
    "_id": "INTEGER",
    "username": "VARCHAR",
    "profile": {
        "firstName": "VARCHAR",
        "lastName": "VARCHAR",
        "location": {"city": "VARCHAR", "state": "VARCHAR"},
    },
    "account": {"type": "VARCHAR", "status": "VARCHAR"},
    "createdAt": "TIMESTAMP",
    "attributes": [ATTRIBUTE],
    "score": "DOUBLE",
}
BUCKETS: dict[str, ColType] = {
    "_id": "INTEGER",
    "userId": "INTEGER",
    "bucketDate": "TIMESTAMP",
    "bucketType": "VARCHAR",
    "summary": {"pageViews": "INTEGER", "clicks": "INTEGER", "avgResponseTime": "DOUBLE"},
}
ORDERS: dict[str, ColType] = {
    "_id": "INTEGER",
    "customerId": "INTEGER",
    "status": "VARCHAR",
    "total": "DOUBLE",
    "createdAt": "TIMESTAMP",
    "quantity": "INTEGER",
    "items": [{"product_id": "INTEGER", "qty": "INTEGER", "price": "DOUBLE"}],
}
PRODUCTS: dict[str, ColType] = {
    "_id": "INTEGER",
    "product_id": "INTEGER",
    "product_name": "VARCHAR",
    "product_description": "VARCHAR",
    "category_id": "INTEGER",
    "brand_id": "INTEGER",
    "base_price": "DOUBLE",
    "dimensions_length": "DOUBLE",
    "dimensions_width": "DOUBLE",
    "dimensions_height": "DOUBLE",
    "is_active": "BOOLEAN",
}
CATEGORIES: dict[str, ColType] = {
    "_id": "INTEGER",
    "category_id": "INTEGER",
    "category_name": "VARCHAR",
    "parent_category_id": "INTEGER",
    "description": "VARCHAR",
}
BRANDS: dict[str, ColType] = {
    "_id": "INTEGER",
    "brand_id": "INTEGER",
    "brand_name": "VARCHAR",
    "brand_description": "VARCHAR",
}
PRODUCT_ATTRIBUTES: dict[str, ColType] = {
    "_id": "INTEGER",
    "attribute_id": "INTEGER",
    "product_id": "INTEGER",
    "attribute_name": "VARCHAR",
    "attribute_value": "VARCHAR",
    "attribute_type": "VARCHAR",
}
PRODUCT_IMAGES: dict[str, ColType] = {
    "_id": "INTEGER",
    "image_id": "INTEGER",
    "product_id": "INTEGER",
    "image_url": "VARCHAR",
    "image_alt_text": "VARCHAR",
    "display_order": "INTEGER",
    "is_primary": "BOOLEAN",
}
PRODUCT_VARIANTS: dict[str, ColType] = {
    "_id": "INTEGER",
    "variant_id": "INTEGER",
    "product_id": "INTEGER",
    "variant_name": "VARCHAR",
    "sku": "VARCHAR",
    "price_adjustment": "DOUBLE",
    "stock_quantity": "INTEGER",
    "is_active": "BOOLEAN",
}
PRODUCT_REVIEWS: dict[str, ColType] = {
    "_id": "INTEGER",
    "review_id": "INTEGER",
    "product_id": "INTEGER",
    "customer_id": "INTEGER",
    "rating": "INTEGER",
    "review_title": "VARCHAR",
    "helpful_votes": "INTEGER",
    "is_verified_purchase": "BOOLEAN",
    "created_at": "TIMESTAMP",
}
SCHEMAS: dict[str, dict[str, ColType]] = {
    "users": USERS,
    "user_activity_buckets": BUCKETS,
    "orders": ORDERS,
    "empty_orders": ORDERS,
    "products": PRODUCTS,
    "categories": CATEGORIES,
    "brands": BRANDS,
    "product_attributes": PRODUCT_ATTRIBUTES,
    "product_images": PRODUCT_IMAGES,
    "product_variants": PRODUCT_VARIANTS,
    "product_reviews": PRODUCT_REVIEWS,
}


def connect(data: Mapping[str, list[Doc]]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one table per collection, read like PostgreSQL (see ``duck.py``)."""
    con = duckdb.connect(":memory:")
    for setting in duck.SESSION_SETTINGS:
        con.execute(setting)
    for name, docs in data.items():
        duck.load_table(con, name, SCHEMAS[name], docs)
    return con


@contextlib.contextmanager
def loaded(client: MongoClient[Doc], pg_server: PostgresServer | None = None) -> Iterator[Env]:
    """Every engine holding the data set (PostgreSQL too when given); all dropped afterwards."""
    data = datasets()
    name = f"leaf_sqlmulti_{uuid.uuid4().hex[:12]}"
    load(client[name], data)
    con = connect(data)
    try:
        if pg_server is None:
            yield Env(con, client[name])
        else:
            with loaded_pg(pg_server, SCHEMAS, data) as pg:
                yield Env(con, client[name], pg)
    finally:
        con.close()
        client.drop_database(name)


def load(db: Database[Doc], data: Mapping[str, list[Doc]]) -> None:
    """The documents into MongoDB, with every join key indexed."""
    load_mongo(db, data)
    for name, keys in INDEXES.items():
        if name in data:
            for key in keys:
                db[name].create_index([(key, ASCENDING)])
