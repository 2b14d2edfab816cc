"""Both engines loaded with the multi-collection data set (``datagen_multi``), and the report script.

DuckDB: one typed table per collection through ``duck.load_table`` (STRUCT/LIST/TIMESTAMP, missing
-> NULL) with ``duck.SESSION_SETTINGS`` (PostgreSQL's integer division and NULL ordering).
MongoDB: the same documents, with the join keys indexed (``datagen_multi.INDEXES``).

Also a script: ``python -m tests.sql.duck_multi`` runs the issue-3 corpus (``queries_multi``) and the
seed queries against the current compiler and rewrites ``tests/sql/failing_queries_multi.md``;
``--duck-only`` checks the DuckDB side alone; ``-k TEXT`` runs only ids containing TEXT.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from pymongo import ASCENDING, MongoClient
from pymongo.database import Database

from tests.sql import duck
from tests.sql.datagen import Doc
from tests.sql.datagen_multi import INDEXES, datasets
from tests.sql.duck import ColType
from tests.sql.harness import Env, Query, load_mongo
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


# -------------------------------------------------------------------------------------- script


def _construct(q: Query) -> str:
    return q.id.split("_", 1)[0]


# Performance notes for the compiler engineers (SecantusDB 0.7.0b3, measured 2026-11-26).
NOTES = [
    "Performance notes (not failures; SecantusDB 0.7.0b3):",
    "",
    "- A `$lookup` whose pipeline matches only with `let` + `$expr` (no `localField`/`foreignField`)",
    "  scans the whole joined collection for every input document: 300 inputs x 5000 joined documents",
    "  take 12.8 s, against 24 ms with `localField`/`foreignField` (alone or with a `pipeline`). The",
    "  compiled IN/EXISTS/scalar subqueries use the `$expr` form, so they are quadratic here (the corpus",
    "  keeps their outer sides small for that reason).",
    "- An uncorrelated subquery (`IN (SELECT ... ORDER BY ... LIMIT 5)`) compiled into a `$lookup` is",
    "  re-run for every outer document (MongoDB caches uncorrelated `$lookup` pipelines; this server",
    "  does not seem to): 240 users took 12.7 s before the corpus restricted the outer side.",
    "- `explain` with executionStats reports only the `$cursor` stage (no `$lookup` counters), and",
    "  `$indexStats` access counters stay at 0.",
    "",
]


def report(results: list[tuple[Query, str | None]], path: Path, elapsed: float) -> None:
    from tests.sql.queries_multi import GROUPS, KNOWN_FAILURES

    failing = [(q, d) for q, d in results if d is not None]
    lines = [
        "# Failing differential queries: issue 3 (joins, subqueries, aggregates, windows)",
        "",
        "Generated by `python -m tests.sql.duck_multi` from `tests/sql/queries_multi.py` and",
        "`tests/sql/seed_queries/` (expected = DuckDB read as PostgreSQL, got = MongoDB through",
        "`leaf_dagster.sql`). Grouped by construct; within a group: id, SQL, DuckDB variant where it",
        "differs, and expected vs got or the LeafSQLError. Entries marked (xfail) are in",
        "`KNOWN_FAILURES`; once the compiler passes them they XPASS and must be dropped from it.",
        "",
        f"Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {len(results)} queries, "
        f"{len(results) - len(failing)} pass, {len(failing)} fail ({elapsed:.1f} s).",
        "",
    ]
    fixed = [q.id for q, d in results if d is None and q.id in KNOWN_FAILURES]
    if fixed:
        lines += ["Marked xfail but passing now (drop from `KNOWN_FAILURES`): " + ", ".join(fixed), ""]
    by_group: dict[str, list[tuple[Query, str]]] = {}
    for q, d in failing:
        by_group.setdefault(_construct(q), []).append((q, d))
    lines += NOTES
    if not failing:
        lines += ["No failing queries.", ""]
    else:
        lines += ["| construct | owner | failing |", "| --- | --- | --- |"]
    for prefix, (title, owner) in GROUPS.items():
        if prefix in by_group:
            lines.append(f"| {title} (`{prefix}_*`) | {owner} | {len(by_group[prefix])} |")
    if failing:
        lines.append("")
    for prefix, (title, owner) in GROUPS.items():
        entries = by_group.get(prefix)
        if not entries:
            continue
        lines += [f"# {title} ({owner})", ""]
        for q, d in entries:
            lines += [f"## `{q.id}`" + (" (xfail)" if q.id in KNOWN_FAILURES else ""), ""]
            lines += ["```sql", q.sql.strip(), "```", ""]
            if q.duck:
                lines += ["DuckDB variant: `" + " ".join(q.duck.split()) + "`", ""]
            if q.params:
                lines += [f"params: `{dict(q.params)!r}`", ""]
            lines += [f"- {d}", ""]
    path.write_text("\n".join(lines))


KNOWN_MARKER = "KNOWN_FAILURES: dict[str, str] = {"


def _reason(difference: str) -> str:
    text = " ".join(difference.split()).replace("LeafSQLError: ", "")
    text = text.split(" ('", 1)[0].split(' ("', 1)[0].split("; expected", 1)[0]
    return "compiler: " + (text if len(text) <= 70 else text[:67] + "...")


def mark_known_failures(results: list[tuple[Query, str | None]]) -> None:
    """Rewrite ``KNOWN_FAILURES`` (the end of ``queries_multi.py``) to this run's failures."""
    path = Path(__file__).with_name("queries_multi.py")
    text = path.read_text()
    head = text[: text.index(KNOWN_MARKER)]
    entries = [f"    {json.dumps(q.id)}: {json.dumps(_reason(d))},\n" for q, d in results if d is not None]
    body = "\n" + "".join(entries) if entries else ""
    path.write_text(head + KNOWN_MARKER + body + "}\n")


def main(argv: Sequence[str] | None = None) -> int:
    from tests.sql.queries_multi import QUERIES, SEED_QUERIES
    from tests.sql.test_differential_multi import compare_multi

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(Path(__file__).with_name("failing_queries_multi.md")))
    parser.add_argument("--duck-only", action="store_true")
    parser.add_argument("-k", default="", help="only ids containing this text")
    parser.add_argument("--mark", action="store_true", help="rewrite KNOWN_FAILURES from this run")
    args = parser.parse_args(argv)
    queries = [q for q in [*QUERIES, *SEED_QUERIES()] if args.k in q.id]
    data = datasets()
    con = connect(data)
    from tests.sql.harness import run_duck_only, scratch_database

    if args.duck_only:
        return run_duck_only(con, queries)

    with scratch_database("leaf_diff_multi") as mongo_db:
        load(mongo_db, data)
        start = time.monotonic()
        results: list[tuple[Query, str | None]] = []
        for q in queries:
            began = time.monotonic()
            results.append((q, compare_multi(Env(con, mongo_db), q)))  # DuckDB as oracle
            if time.monotonic() - began > 1.0:
                print(f"SLOW {q.id}: {time.monotonic() - began:.1f} s")
        elapsed = time.monotonic() - start
        for q, d in results:
            if d:
                print(f"FAIL {q.id}: {d[:200]}")
        print(f"{sum(d is None for _, d in results)}/{len(results)} pass in {elapsed:.1f} s")
        if not args.k:
            report(results, Path(args.out), elapsed)
            if args.mark:
                mark_known_failures(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
