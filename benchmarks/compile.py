"""Median compile time of a 30-query corpus, warm (parse cache filled). Target: < 2 ms per query.

Also the share of the guard that refuses what the compiler does not read (``sql.coverage``).

Usage: .venv/bin/python benchmarks/compile.py [--rounds N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from leaf_dagster.sql import compile_sql
from leaf_dagster.sql.coverage import check_consumed
from leaf_dagster.sql.parsing import parse_statement

NOW = dt.datetime(2024, 6, 1)
PARAMS = {"since": dt.datetime(2024, 1, 1), "status": "active", "ids": [1, 2, 3], "n": 10}

CORPUS = [
    "SELECT * FROM users",
    "SELECT _id, username FROM users WHERE account.status = :status",
    "SELECT u.profile.location.city AS city, COUNT(*) AS n FROM users u GROUP BY city ORDER BY n DESC LIMIT 10",
    "SELECT username FROM users WHERE createdAt >= CURRENT_DATE - INTERVAL '30 days' ORDER BY createdAt DESC",
    "SELECT DATE_TRUNC('day', ts) AS day, SUM(amount) AS total, AVG(amount) AS avg FROM orders GROUP BY 1 ORDER BY 1",
    "SELECT DATE_TRUNC('hour', ts) AS h, COUNT(DISTINCT userId) AS users FROM events WHERE ts >= :since GROUP BY h",
    "SELECT status, COUNT(*) FROM orders GROUP BY status HAVING COUNT(*) > 5",
    "SELECT _id, items[0].price AS first_price FROM orders WHERE items[0].price > 10",
    "SELECT name FROM products WHERE name ILIKE '%phone%' AND price BETWEEN 100 AND 500",
    "SELECT name FROM products WHERE category NOT IN ('a', 'b') AND NOT (price > 100)",
    "SELECT CASE WHEN price > 100 THEN 'high' ELSE 'low' END AS band, COUNT(*) FROM products GROUP BY 1",
    "SELECT COALESCE(nickname, username) AS who, LENGTH(username) AS len FROM users",
    "SELECT UPPER(username) || ' ' || LOWER(email) AS label FROM users WHERE email IS NOT NULL",
    "SELECT ROUND(AVG(rating), 2) AS avg_rating, STDDEV_SAMP(rating) AS sd FROM reviews",
    "SELECT productId, ARRAY_AGG(rating) AS ratings, STRING_AGG(comment, '; ') AS comments FROM reviews GROUP BY productId",
    "SELECT EXTRACT(dow FROM ts) AS dow, COUNT(*) FROM events GROUP BY 1 ORDER BY 1",
    "SELECT CAST(price AS INT) AS p, CAST(qty AS TEXT) AS q FROM order_items",
    "SELECT _id FROM users WHERE _id IN (:ids)",
    "SELECT DISTINCT account.type FROM users ORDER BY 1",
    "SELECT username FROM users ORDER BY lastLogin DESC NULLS LAST, username LIMIT :n OFFSET 5",
    "SELECT SUBSTRING(username FROM 1 FOR 3) AS prefix, COUNT(*) FROM users GROUP BY 1",
    "SELECT BOOL_AND(active) AS all_active, BOOL_OR(active) AS any_active FROM users",
    "SELECT userId, SUM(summary.pageViews) AS views, SUM(summary.clicks) AS clicks FROM user_activity_buckets GROUP BY userId",
    "SELECT qty * price AS line, qty / 2 AS half, qty % 3 AS rest FROM order_items",
    "SELECT TRIM(name) AS name, REPLACE(name, ' ', '_') AS slug FROM products",
    "SELECT NULLIF(discount, 0) AS d FROM orders WHERE discount IS NOT NULL",
    "SELECT ts + INTERVAL '1 month' AS next_bill FROM subscriptions WHERE ts < NOW()",
    "SELECT DATE_TRUNC('week', createdAt) AS week, COUNT(*) AS signups FROM users GROUP BY 1 ORDER BY 1 DESC",
    "SELECT CARDINALITY(tags) AS ntags, ARRAY_LENGTH(tags, 1) AS len FROM posts",
    "SELECT _schema.version AS v, COUNT(*) FROM users WHERE _schema.version <> '2.1.0' GROUP BY 1",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    assert len(CORPUS) == 30
    cold = []
    for sql in CORPUS:
        start = time.perf_counter()
        compile_sql(sql, params=PARAMS, now=NOW)
        cold.append(time.perf_counter() - start)
    per_query: list[float] = []
    for sql in CORPUS:
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            compile_sql(sql, params=PARAMS, now=NOW)
            times.append(time.perf_counter() - start)
        per_query.append(statistics.median(times))
    warm = statistics.median(per_query) * 1000
    guard: list[float] = []
    for sql in CORPUS:
        parsed = parse_statement(sql)
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            check_consumed(parsed.tree, parsed.source)
            times.append(time.perf_counter() - start)
        guard.append(statistics.median(times))
    print(f"queries: {len(CORPUS)}, rounds: {args.rounds}")
    print(f"cold (first compile, parse included): median {statistics.median(cold) * 1000:.3f} ms/query")
    print(f"warm: median {warm:.3f} ms/query, slowest {max(per_query) * 1000:.3f} ms (target < 2 ms)")
    print(f"of which the consumed-arguments guard: median {statistics.median(guard) * 1000:.3f} ms/query")
    print("PASS" if warm < 2 else "FAIL")


if __name__ == "__main__":
    main()
