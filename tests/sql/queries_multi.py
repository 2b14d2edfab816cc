"""The issue-3 differential corpus: joins, UNNEST, CTEs, subqueries, UNION, FILTER, percentiles,
ordered aggregates, JSON_BUILD_OBJECT/ROW and window functions, read as PostgreSQL.

Data: ``datagen_multi.py`` (users/user_activity_buckets/orders and the product catalogue).
The id's first word is its construct group (``GROUPS``, each with its owner).

``duck=`` gives the DuckDB spelling where DuckDB would not mean what PostgreSQL means:
- JSON_BUILD_OBJECT is JSON text in DuckDB: the variant builds a struct (``{'k': v}``), which is how
  the result compares as a document;
- ROW(a, b) is an unnamed tuple in DuckDB; PostgreSQL names a record's fields f1, f2, ... so the
  variant is ``{'f1': a, 'f2': b}``;
- ROUND(AVG(int), 2): AVG of integers is numeric in PostgreSQL (exact, half away from zero), double
  in DuckDB; the variant rounds a DECIMAL.
The harness sets PostgreSQL's integer division and NULL ordering on DuckDB (``duck.SESSION_SETTINGS``).
Every LIMIT, ROW_NUMBER, NTILE, LAG/LEAD, ROWS frame and FIRST/LAST_VALUE has a total order (ties
broken by ``_id``), so results do not depend on the engine's choice among peers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.sql import oracle_cases
from tests.sql.datagen_multi import NOW
from tests.sql.harness import Query

# id prefix -> (construct, who owns it in the compiler)
JOINS = "joins/UNNEST/CTEs/subqueries/UNION engineer"
AGGS = "FILTER/percentiles/ordered aggregates/JSON/windows engineer"
GROUPS: dict[str, tuple[str, str]] = {
    "join": ("JOIN (inner, left, compound, self, several)", JOINS),
    "jwhere": ("WHERE on joined vs base fields", JOINS),
    "unnest": ("LEFT/CROSS JOIN UNNEST", JOINS),
    "cte": ("WITH (CTEs)", JOINS),
    "fromsub": ("subqueries in FROM", JOINS),
    "insub": ("IN / NOT IN (SELECT ...)", JOINS),
    "exists": ("EXISTS / NOT EXISTS", JOINS),
    "scalar": ("scalar subqueries", JOINS),
    "union": ("UNION / UNION ALL", JOINS),
    "filter": ("aggregate FILTER (WHERE ...)", AGGS),
    "pct": ("PERCENTILE_CONT / PERCENTILE_DISC", AGGS),
    "ordagg": ("ARRAY_AGG / STRING_AGG ... ORDER BY", AGGS),
    "json": ("JSON_BUILD_OBJECT / ROW", AGGS),
    "win": ("window functions", AGGS),
    "eager": ("GROUP BY over an INNER join to _id (aggregated before the join)", JOINS),
    "seed": ("the seed article's queries (tests/sql/seed_queries)", "both"),
}


def Q(id: str, sql: str, **kw: Any) -> Query:
    duck = kw.pop("duck", None)
    return Query(id=id, sql=" ".join(sql.split()), duck=" ".join(duck.split()) if duck else None, **kw)


OU = "FROM orders o JOIN users u ON o.customerId = u._id"

JOIN = [
    Q("join_inner_basic", f"SELECT o._id, o.total, u.username {OU}"),
    Q(
        "join_inner_keyword",
        "SELECT o._id, u.username FROM orders o INNER JOIN users u ON o.customerId = u._id",
    ),
    Q(
        "join_reversed_condition",
        "SELECT o._id, u.username FROM orders o JOIN users u ON u._id = o.customerId",
    ),
    Q("join_left_basic", "SELECT o._id, u.username FROM orders o LEFT JOIN users u ON o.customerId = u._id"),
    Q(
        "join_left_outer_keyword",
        "SELECT o._id, u.username FROM orders o LEFT OUTER JOIN users u ON o.customerId = u._id",
    ),
    Q(
        "join_one_to_many",
        "SELECT u._id, o._id AS order_id FROM users u JOIN orders o ON o.customerId = u._id",
    ),
    Q(
        "join_left_one_to_many",
        "SELECT u._id, o._id AS order_id, o.total FROM users u LEFT JOIN orders o ON o.customerId = u._id",
    ),
    Q(
        "join_null_keys_never_match",
        "SELECT a._id, b._id AS other FROM orders a JOIN orders b ON a.customerId = b.customerId "
        "WHERE a.customerId IS NULL OR b.customerId IS NULL",
    ),
    Q(
        "join_null_keys_left",
        "SELECT b._id, u._id AS uid FROM user_activity_buckets b LEFT JOIN users u ON b.userId = u._id "
        "WHERE b.userId IS NULL OR b.userId > 1000",
    ),
    Q(
        "join_null_keys_count",
        "SELECT COUNT(*) AS n FROM user_activity_buckets b JOIN orders o ON b.userId = o.customerId",
    ),
    Q(
        "join_compound_on_constant",
        "SELECT pi.image_id, p.product_name FROM product_images pi JOIN products p "
        "ON pi.product_id = p.product_id AND pi.is_primary = true",
    ),
    Q(
        "join_compound_two_keys",
        "SELECT a._id, b._id AS other FROM orders a JOIN orders b "
        "ON a.customerId = b.customerId AND a.status = b.status AND a._id < b._id",
    ),
    Q(
        "join_nested_path_keys",
        "SELECT a._id, b._id AS other FROM users a JOIN users b "
        "ON a.profile.location.city = b.profile.location.city AND a.account.type = b.account.type "
        "AND a._id < b._id WHERE a._id <= 30",
    ),
    Q(
        "join_nested_fields_selected",
        "SELECT b._id, b.summary.pageViews AS views, u.profile.location.city AS city "
        "FROM user_activity_buckets b JOIN users u ON b.userId = u._id",
    ),
    Q(
        "join_extra_nonequality",
        "SELECT o._id, u.username FROM orders o JOIN users u ON o.customerId = u._id AND o.total > 500",
    ),
    Q(
        "join_left_extra_condition",
        "SELECT u._id, o._id AS order_id FROM users u LEFT JOIN orders o "
        "ON o.customerId = u._id AND o.status = 'paid'",
    ),
    Q(
        "join_left_condition_on_left_side",
        "SELECT u._id, o._id AS order_id FROM users u LEFT JOIN orders o "
        "ON o.customerId = u._id AND u.account.type = 'premium'",
    ),
    Q(
        "join_three_tables",
        "SELECT p.product_id, c.category_name, b.brand_name FROM products p "
        "JOIN categories c ON p.category_id = c.category_id JOIN brands b ON p.brand_id = b.brand_id",
    ),
    Q(
        "join_three_tables_left",
        "SELECT p.product_id, c.category_name, b.brand_name FROM products p "
        "LEFT JOIN categories c ON p.category_id = c.category_id LEFT JOIN brands b ON p.brand_id = b.brand_id",
    ),
    Q(
        "join_self_parent_left",
        "SELECT c.category_name, parent.category_name AS parent_name FROM categories c "
        "LEFT JOIN categories parent ON c.parent_category_id = parent.category_id",
    ),
    Q(
        "join_self_parent_inner",
        "SELECT c.category_id, parent.category_id AS parent_id FROM categories c "
        "JOIN categories parent ON c.parent_category_id = parent.category_id",
    ),
    Q(
        "join_self_grandparent",
        "SELECT c.category_name, p.category_name AS parent_name, g.category_name AS grand_name "
        "FROM categories c JOIN categories p ON c.parent_category_id = p.category_id "
        "LEFT JOIN categories g ON p.parent_category_id = g.category_id",
    ),
    Q(
        "join_rollup_by_account_type",
        f"SELECT u.account.type AS account_type, COUNT(*) AS n, SUM(o.total) AS spent {OU} "
        "GROUP BY u.account.type",
    ),
    Q(
        "join_left_count_zero",
        "SELECT u._id, COUNT(o._id) AS n FROM users u LEFT JOIN orders o ON o.customerId = u._id GROUP BY u._id",
    ),
    Q(
        "join_left_sum_null",
        "SELECT u._id, SUM(o.total) AS spent, MAX(o.createdAt) AS last_order FROM users u "
        "LEFT JOIN orders o ON o.customerId = u._id GROUP BY u._id",
    ),
    Q(
        "join_order_limit",
        f"SELECT o._id, o.total, u.username {OU} ORDER BY o.total DESC NULLS LAST, o._id LIMIT 10",
    ),
    Q(
        "join_order_by_joined_field",
        f"SELECT o._id, u.username {OU} ORDER BY u.username, o._id DESC LIMIT 25",
    ),
    Q(
        "join_qualified_star",
        "SELECT b.* FROM brands b JOIN products p ON p.brand_id = b.brand_id WHERE p.product_id <= 8",
    ),
    Q("join_empty_right", "SELECT u._id FROM users u JOIN empty_orders e ON e.customerId = u._id"),
    Q(
        "join_empty_right_left",
        "SELECT u._id, e._id AS order_id FROM users u LEFT JOIN empty_orders e ON e.customerId = u._id",
    ),
    Q("join_cross_tables", "SELECT b.brand_id, c.category_id FROM brands b CROSS JOIN categories c"),
    Q("join_distinct", f"SELECT DISTINCT u.account.type AS t, o.status {OU}"),
    Q(
        "join_having",
        f"SELECT u._id, COUNT(*) AS n {OU} GROUP BY u._id HAVING COUNT(*) >= 4",
    ),
    Q(
        "join_reviews_round_avg",
        "SELECT p.product_id, COUNT(r.review_id) AS n, ROUND(AVG(r.rating), 2) AS avg_rating "
        "FROM products p LEFT JOIN product_reviews r ON r.product_id = p.product_id GROUP BY p.product_id",
        duck="SELECT p.product_id, COUNT(r.review_id) AS n, "
        "ROUND(AVG(r.rating)::DECIMAL(18, 9), 2)::DOUBLE AS avg_rating "
        "FROM products p LEFT JOIN product_reviews r ON r.product_id = p.product_id GROUP BY p.product_id",
    ),
    Q(
        "join_expression_both_sides",
        f"SELECT o._id, o.total * u.score AS weighted, o.quantity + u._id AS s {OU}",
    ),
    Q(
        "join_coalesce_left",
        "SELECT o._id, COALESCE(u.username, 'unknown') AS who FROM orders o "
        "LEFT JOIN users u ON o.customerId = u._id",
    ),
    Q(
        "join_fanout_count",
        "SELECT p.product_id, COUNT(*) AS n, COUNT(v.variant_id) AS variants, COUNT(i.image_id) AS images "
        "FROM products p LEFT JOIN product_variants v ON v.product_id = p.product_id "
        "LEFT JOIN product_images i ON i.product_id = p.product_id GROUP BY p.product_id",
    ),
    Q(
        "join_left_then_inner",
        "SELECT u._id, o._id AS order_id, b._id AS bucket FROM users u "
        "LEFT JOIN orders o ON o.customerId = u._id JOIN user_activity_buckets b ON b.userId = o.customerId "
        "WHERE u._id <= 15",
    ),
    Q(
        "join_anti_left_is_null",
        "SELECT u._id FROM users u LEFT JOIN orders o ON o.customerId = u._id WHERE o._id IS NULL",
    ),
    Q(
        "join_whole_struct_from_right",
        f"SELECT o._id, u.profile.location AS loc, u.attributes {OU} WHERE o._id <= 40",
    ),
    Q(
        "join_seven_way_rows",
        "SELECT p.product_id, c.category_name, pc.category_name AS parent, b.brand_name, "
        "pa.attribute_name, pi.image_url, pv.sku, pr.review_id FROM products p "
        "JOIN categories c ON p.category_id = c.category_id "
        "LEFT JOIN categories pc ON c.parent_category_id = pc.category_id "
        "JOIN brands b ON p.brand_id = b.brand_id "
        "LEFT JOIN product_attributes pa ON p.product_id = pa.product_id "
        "LEFT JOIN product_images pi ON p.product_id = pi.product_id AND pi.is_primary = true "
        "LEFT JOIN product_variants pv ON p.product_id = pv.product_id AND pv.is_active = true "
        "LEFT JOIN product_reviews pr ON p.product_id = pr.product_id WHERE p.product_id IN (3, 7, 11)",
    ),
    Q(
        "join_left_order_nulls_first_limit",
        "SELECT o._id, u.username FROM orders o LEFT JOIN users u ON o.customerId = u._id "
        "ORDER BY u.username NULLS FIRST, o._id LIMIT 15",
    ),
    Q(
        "join_right_nested_key",
        "SELECT b._id, u._id AS uid FROM user_activity_buckets b JOIN users u "
        "ON u.profile.location.state = 'TX' AND u._id = b.userId WHERE b._id <= 120",
    ),
    Q(
        "join_group_having_joined",
        f"SELECT u.profile.location.city AS city, COUNT(DISTINCT u._id) AS buyers, SUM(o.quantity) AS units {OU} "
        "GROUP BY u.profile.location.city HAVING SUM(o.quantity) > 50",
    ),
    Q(
        "join_top_spenders_limit",
        f"SELECT u._id, u.username, SUM(o.total) AS spent {OU} GROUP BY u._id, u.username "
        "ORDER BY spent DESC NULLS LAST, u._id LIMIT 7",
    ),
    Q(
        "join_left_count_distinct_dates",
        "SELECT u._id, COUNT(DISTINCT b.bucketDate) AS days, COUNT(b._id) AS buckets FROM users u "
        "LEFT JOIN user_activity_buckets b ON u._id = b.userId AND b.bucketDate >= CURRENT_DATE - INTERVAL '30 days' "
        "WHERE u._id <= 100 GROUP BY u._id",
        now=NOW,
    ),
    Q(
        "join_left_cross_condition_nulls",
        "SELECT o._id, u._id AS uid FROM orders o LEFT JOIN users u ON o.customerId = u._id AND o.total > u.score * 5",
    ),
]

JWHERE = [
    Q("jwhere_base_only", f"SELECT o._id, u.username {OU} WHERE o.status = 'paid'"),
    Q(
        "jwhere_left_is_not_null",
        "SELECT u._id, o._id AS order_id FROM users u LEFT JOIN orders o ON o.customerId = u._id "
        "WHERE o.total IS NOT NULL AND u._id <= 50",
    ),
    Q("jwhere_joined_only", f"SELECT o._id {OU} WHERE u.account.type = 'premium'"),
    Q(
        "jwhere_mixed_and",
        f"SELECT o._id, u._id AS uid {OU} WHERE o.total > 300 AND u.account.status = 'active'",
    ),
    Q("jwhere_mixed_or", f"SELECT o._id {OU} WHERE o.total > 800 OR u.account.type = 'enterprise'"),
    Q(
        "jwhere_left_joined_is_null",
        "SELECT o._id FROM orders o LEFT JOIN users u ON o.customerId = u._id WHERE u.username IS NULL",
    ),
    Q(
        "jwhere_left_joined_value",
        "SELECT o._id FROM orders o LEFT JOIN users u ON o.customerId = u._id WHERE u.account.type = 'free'",
    ),
    Q("jwhere_param", f"SELECT o._id, u.username {OU} WHERE o.customerId = :cid", params={"cid": 17}),
    Q(
        "jwhere_date_window",
        "SELECT b._id, u.username FROM user_activity_buckets b JOIN users u ON b.userId = u._id "
        "WHERE b.bucketDate >= CURRENT_DATE - INTERVAL '30 days'",
        now=NOW,
    ),
    Q("jwhere_compare_two_sides", f"SELECT o._id {OU} WHERE o.total > u.score * 5"),
    Q(
        "jwhere_in_list_joined",
        "SELECT p.product_id FROM products p JOIN categories c ON p.category_id = c.category_id "
        "WHERE c.category_name IN ('Laptops', 'Phones', 'Audio')",
    ),
    Q(
        "jwhere_not_joined",
        f"SELECT o._id {OU} WHERE NOT (u.account.status = 'active') AND o.quantity > 3",
    ),
]

UA = "FROM users u LEFT JOIN UNNEST(u.attributes) AS ua ON true"

UNNEST = [
    Q("unnest_left_basic", f"SELECT u._id, ua.key, ua.value {UA}"),
    Q(
        "unnest_cross_basic",
        "SELECT u._id, ua.key, ua.type FROM users u CROSS JOIN UNNEST(u.attributes) AS ua",
    ),
    Q("unnest_left_count", f"SELECT COUNT(*) AS n, COUNT(ua.key) AS with_key {UA}"),
    Q("unnest_where_key", f"SELECT u._id, ua.value {UA} WHERE ua.key = 'department'"),
    Q("unnest_group_key", f"SELECT ua.key, COUNT(*) AS n, COUNT(ua.value) AS vals {UA} GROUP BY ua.key"),
    Q("unnest_count_per_user", f"SELECT u._id, COUNT(ua.key) AS n {UA} GROUP BY u._id"),
    Q(
        "unnest_value_is_null",
        f"SELECT u._id, ua.key {UA} WHERE ua.value IS NULL",
    ),
    Q(
        "unnest_orders_items",
        "SELECT o._id, i.product_id, i.qty * i.price AS line FROM orders o CROSS JOIN UNNEST(o.items) AS i",
    ),
    Q(
        "unnest_items_sum_by_status",
        "SELECT o.status, SUM(i.qty) AS units, COUNT(*) AS lines FROM orders o "
        "CROSS JOIN UNNEST(o.items) AS i GROUP BY o.status",
    ),
    Q(
        "unnest_left_items",
        "SELECT o._id, i.qty FROM orders o LEFT JOIN UNNEST(o.items) AS i ON true WHERE o._id <= 60",
    ),
    Q(
        "unnest_then_join",
        "SELECT o._id, i.product_id, p.product_name FROM orders o CROSS JOIN UNNEST(o.items) AS i "
        "JOIN products p ON p.product_id = i.product_id",
    ),
    Q(
        "unnest_with_join_and_group",
        "SELECT u._id, COUNT(DISTINCT b._id) AS buckets, COUNT(ua.key) AS attrs FROM users u "
        "LEFT JOIN user_activity_buckets b ON u._id = b.userId LEFT JOIN UNNEST(u.attributes) AS ua ON true "
        "GROUP BY u._id",
    ),
    Q(
        "unnest_group_with_rank",
        "SELECT ua.key, COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*) DESC) AS r FROM users u "
        "CROSS JOIN UNNEST(u.attributes) AS ua GROUP BY ua.key",
    ),
]

CTE = [
    Q(
        "cte_single",
        "WITH big AS (SELECT _id, total FROM orders WHERE total > 500) SELECT COUNT(*) AS n, MIN(total) AS lo FROM big",
    ),
    Q(
        "cte_two_joined",
        "WITH spend AS (SELECT customerId, SUM(total) AS spent FROM orders WHERE customerId <= 40 GROUP BY customerId), "
        "act AS (SELECT userId, SUM(summary.pageViews) AS views FROM user_activity_buckets GROUP BY userId) "
        "SELECT s.customerId, s.spent, a.views FROM spend s JOIN act a ON a.userId = s.customerId",
    ),
    Q(
        "cte_chained",
        "WITH per_user AS (SELECT customerId, SUM(total) AS spent FROM orders GROUP BY customerId), "
        "big AS (SELECT customerId, spent FROM per_user WHERE spent > 1500) "
        "SELECT u.username, b.spent FROM big b JOIN users u ON u._id = b.customerId",
    ),
    Q(
        "cte_three_chained",
        "WITH a AS (SELECT _id, status, total FROM orders WHERE total IS NOT NULL AND _id <= 100), "
        "b AS (SELECT status, AVG(total) AS mean FROM a GROUP BY status), "
        "c AS (SELECT a._id, a.total - b.mean AS diff FROM a JOIN b ON a.status = b.status) "
        "SELECT COUNT(*) AS n, SUM(CASE WHEN diff > 0 THEN 1 ELSE 0 END) AS above FROM c",
    ),
    Q(
        "cte_left_join_base",
        "WITH spend AS (SELECT customerId, SUM(total) AS spent FROM orders GROUP BY customerId) "
        "SELECT u._id, s.spent FROM users u LEFT JOIN spend s ON s.customerId = u._id WHERE u._id <= 60",
    ),
    Q(
        "cte_aggregate_of_aggregate",
        "WITH t AS (SELECT status, COUNT(*) AS n FROM orders GROUP BY status) "
        "SELECT MAX(n) AS most, SUM(n) AS total FROM t",
    ),
    Q(
        "cte_used_twice",
        "WITH t AS (SELECT status, COUNT(*) AS n FROM orders GROUP BY status) "
        "SELECT a.status, b.status AS other FROM t a JOIN t b ON a.n < b.n",
    ),
    Q("cte_star", "WITH t AS (SELECT _id, status FROM orders) SELECT * FROM t WHERE status = 'new'"),
    Q(
        "cte_order_limit",
        "WITH t AS (SELECT customerId, COUNT(*) AS n FROM orders GROUP BY customerId) "
        "SELECT customerId, n FROM t ORDER BY n DESC, customerId NULLS FIRST LIMIT 5",
    ),
    Q(
        "cte_window_then_join",
        "WITH ranked AS (SELECT _id, customerId, total, RANK() OVER (PARTITION BY customerId ORDER BY total DESC) "
        "AS r FROM orders) SELECT r._id, r.r, u.username FROM ranked r JOIN users u ON u._id = r.customerId "
        "WHERE r.r = 1",
    ),
    Q(
        "cte_shadows_collection",
        # Inside its own (non-recursive) definition, `orders` is the collection; after it, the CTE.
        "WITH orders AS (SELECT _id, total FROM orders WHERE total > 500) SELECT COUNT(*) AS n, MIN(total) AS lo "
        "FROM orders",
    ),
]

FROMSUB = [
    Q(
        "fromsub_basic",
        "SELECT s.status, s.n FROM (SELECT status, COUNT(*) AS n FROM orders GROUP BY status) AS s WHERE s.n > 50",
    ),
    Q(
        "fromsub_join",
        "SELECT u.username, s.n FROM users u JOIN (SELECT customerId, COUNT(*) AS n FROM orders "
        "GROUP BY customerId) s ON s.customerId = u._id WHERE s.n >= 3 AND u._id <= 80",
    ),
    Q(
        "fromsub_nested",
        "SELECT MAX(n) AS m FROM (SELECT customerId, n FROM (SELECT customerId, COUNT(*) AS n FROM orders "
        "GROUP BY customerId) a WHERE customerId IS NOT NULL) b",
    ),
    Q(
        "fromsub_limit_inside",
        "SELECT t._id, t.total FROM (SELECT _id, total FROM orders ORDER BY total DESC NULLS LAST, _id LIMIT 5) t "
        "ORDER BY t._id",
    ),
]

INSUB = [
    Q(
        "insub_basic",
        "SELECT _id FROM users WHERE _id <= 80 AND _id IN (SELECT customerId FROM orders WHERE total > 800)",
    ),
    Q(
        "insub_correlated_not_in",
        "SELECT u._id FROM users u WHERE u._id <= 60 AND 'paid' NOT IN "
        "(SELECT o.status FROM orders o WHERE o.customerId = u._id)",
    ),
    Q(
        "insub_not_in_with_null",
        "SELECT _id FROM users WHERE _id <= 60 AND _id NOT IN (SELECT customerId FROM orders)",
    ),
    Q(
        "insub_not_in_without_null",
        "SELECT _id FROM users WHERE _id > 180 AND _id NOT IN (SELECT customerId FROM orders WHERE customerId IS NOT NULL)",
    ),
    Q(
        "insub_null_lhs",
        "SELECT _id FROM user_activity_buckets WHERE _id <= 80 AND userId IN (SELECT _id FROM users)",
    ),
    Q(
        "insub_not_in_null_lhs",
        "SELECT _id FROM user_activity_buckets WHERE _id <= 80 AND userId NOT IN (SELECT _id FROM users)",
    ),
    Q(
        "insub_not_in_empty",
        "SELECT _id FROM user_activity_buckets WHERE userId NOT IN (SELECT customerId FROM empty_orders)",
    ),
    Q(
        "insub_correlated",
        "SELECT u._id FROM users u WHERE u._id <= 80 AND 'returned' IN "
        "(SELECT o.status FROM orders o WHERE o.customerId = u._id)",
    ),
    Q(
        "insub_in_select_list",
        "SELECT _id, _id IN (SELECT customerId FROM orders) AS has_order FROM users WHERE _id % 8 = 0",
    ),
    Q(
        "insub_nested_path",
        "SELECT _id FROM users WHERE _id <= 60 AND account.type IN (SELECT u2.account.type FROM users u2 WHERE u2.score > 97)",
    ),
    Q(
        "insub_no_duplication",
        "SELECT _id FROM users WHERE _id % 3 = 0 AND _id IN (SELECT customerId FROM orders)",
    ),
    Q(
        "insub_from_cte",
        "WITH big AS (SELECT customerId FROM orders WHERE total > 700) "
        "SELECT _id FROM users WHERE _id <= 80 AND _id IN (SELECT customerId FROM big)",
    ),
    Q(
        "insub_expression",
        "SELECT _id FROM users WHERE _id <= 60 AND _id IN (SELECT customerId + 1 FROM orders)",
    ),
    Q(
        "insub_with_order_limit",
        "SELECT _id FROM users WHERE _id <= 60 AND _id IN "
        "(SELECT customerId FROM orders ORDER BY total DESC NULLS LAST, _id LIMIT 5)",
    ),
]

EXISTS = [
    Q(
        "exists_correlated",
        "SELECT u._id FROM users u WHERE u._id <= 50 AND EXISTS (SELECT 1 FROM orders o WHERE o.customerId = u._id)",
    ),
    Q(
        "exists_not_correlated",
        "SELECT u._id FROM users u WHERE u._id > 160 AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customerId = u._id)",
    ),
    Q(
        "exists_uncorrelated_true",
        "SELECT COUNT(*) AS n FROM users WHERE EXISTS (SELECT 1 FROM orders WHERE total > 800)",
    ),
    Q("exists_uncorrelated_empty", "SELECT _id FROM users WHERE EXISTS (SELECT 1 FROM empty_orders)"),
    Q(
        "exists_not_uncorrelated_empty",
        "SELECT COUNT(*) AS n FROM users WHERE NOT EXISTS (SELECT 1 FROM empty_orders)",
    ),
    Q(
        "exists_correlated_extra",
        "SELECT u._id FROM users u WHERE u._id <= 60 AND EXISTS (SELECT 1 FROM orders o WHERE o.customerId = u._id "
        "AND o.status = 'returned' AND o.total > 100)",
    ),
    Q(
        "exists_in_select",
        "SELECT u._id, EXISTS (SELECT 1 FROM orders o WHERE o.customerId = u._id) AS has_orders FROM users u "
        "WHERE u._id % 4 = 1",
    ),
    Q(
        "exists_products_variants",
        "SELECT p.product_id FROM products p WHERE EXISTS (SELECT 1 FROM product_variants v "
        "WHERE v.product_id = p.product_id AND v.is_active AND v.stock_quantity > 300)",
    ),
    Q(
        "exists_and_base_condition",
        "SELECT u._id FROM users u WHERE u.account.type = 'premium' AND u._id <= 100 AND NOT EXISTS "
        "(SELECT 1 FROM user_activity_buckets b WHERE b.userId = u._id)",
    ),
    Q(
        "exists_not_null_key",
        "SELECT b._id FROM user_activity_buckets b WHERE b._id <= 80 AND NOT EXISTS "
        "(SELECT 1 FROM users u WHERE u._id = b.userId)",
    ),
    Q(
        "exists_aggregate_always_one_row",
        "SELECT COUNT(*) AS n FROM users WHERE EXISTS (SELECT COUNT(*) FROM empty_orders)",
    ),
    Q(
        "exists_unqualified_inner_scope",
        # `_id` resolves to the innermost FROM that has it: orders._id, not users._id.
        "SELECT _id FROM users WHERE _id <= 60 AND EXISTS (SELECT 1 FROM orders WHERE customerId = _id)",
    ),
]

SCALAR = [
    Q(
        "scalar_select_count",
        "SELECT u._id, (SELECT COUNT(*) FROM orders o WHERE o.customerId = u._id) AS n FROM users u WHERE u._id <= 60",
    ),
    Q(
        "scalar_select_sum_null",
        "SELECT u._id, (SELECT SUM(o.total) FROM orders o WHERE o.customerId = u._id) AS spent FROM users u "
        "WHERE u._id > 100 AND u._id <= 150",
    ),
    Q("scalar_select_uncorrelated", "SELECT _id, total, (SELECT AVG(total) FROM orders) AS mean FROM orders"),
    Q("scalar_where_uncorrelated", "SELECT _id FROM orders WHERE total > (SELECT AVG(total) FROM orders)"),
    Q(
        "scalar_where_correlated",
        "SELECT o._id FROM orders o WHERE o._id <= 60 AND o.total > "
        "(SELECT AVG(o2.total) FROM orders o2 WHERE o2.status = o.status)",
    ),
    Q(
        "scalar_only_subquery",
        # One row per user, not one aggregate row: the COUNT belongs to the subquery.
        "SELECT (SELECT COUNT(*) FROM orders) AS n FROM users WHERE _id <= 3",
    ),
    Q(
        "scalar_empty_is_null",
        "SELECT _id, (SELECT MAX(total) FROM empty_orders) AS m FROM orders WHERE _id <= 5",
    ),
    Q(
        "scalar_arithmetic",
        "SELECT _id, total - (SELECT MIN(total) FROM orders) AS above_min FROM orders WHERE _id <= 60",
    ),
    Q(
        "scalar_lookup_value",
        "SELECT p.product_id, (SELECT c.category_name FROM categories c WHERE c.category_id = p.category_id) "
        "AS category FROM products p",
    ),
    Q(
        "scalar_in_having",
        "SELECT status, COUNT(*) AS n FROM orders GROUP BY status "
        "HAVING COUNT(*) > (SELECT COUNT(*) FROM orders) / 4",
    ),
    Q(
        "scalar_where_null_result",
        "SELECT _id FROM orders WHERE total > (SELECT MAX(total) FROM empty_orders)",
    ),
    Q(
        "scalar_shadowed_alias",
        "SELECT o._id FROM orders o WHERE o.total > (SELECT AVG(o.total) FROM orders o WHERE o.status = 'paid')",
    ),
]

UNION = [
    Q(
        "union_all_basic",
        "SELECT customerId AS id FROM orders UNION ALL SELECT userId FROM user_activity_buckets",
    ),
    Q("union_distinct", "SELECT customerId AS id FROM orders UNION SELECT userId FROM user_activity_buckets"),
    Q(
        "union_order_limit",
        "SELECT customerId AS id FROM orders UNION SELECT userId FROM user_activity_buckets "
        "ORDER BY id DESC LIMIT 12",
    ),
    Q(
        "union_all_order_two_columns",
        "SELECT 'order' AS kind, _id FROM orders WHERE total > 850 UNION ALL "
        "SELECT 'bucket', _id FROM user_activity_buckets WHERE summary.pageViews > 117 ORDER BY kind, _id",
    ),
    Q(
        "union_three_branches",
        "SELECT status AS s FROM orders UNION SELECT account.type FROM users UNION SELECT bucketType "
        "FROM user_activity_buckets",
    ),
    Q(
        "union_dedups_nulls",
        "SELECT profile.location.city AS c FROM users UNION SELECT profile.location.city FROM users WHERE _id < 50",
    ),
    Q(
        "union_all_with_group",
        "SELECT status, COUNT(*) AS n FROM orders GROUP BY status UNION ALL SELECT 'all', COUNT(*) FROM orders",
    ),
    Q(
        "union_in_cte",
        "WITH ids AS (SELECT customerId AS id FROM orders UNION SELECT userId FROM user_activity_buckets) "
        "SELECT COUNT(*) AS n, COUNT(id) AS non_null FROM ids",
    ),
    Q(
        "union_all_empty",
        "SELECT _id, status FROM orders WHERE _id <= 3 UNION ALL SELECT _id, status FROM empty_orders",
    ),
    Q(
        "union_all_limit_offset",
        "SELECT _id FROM orders UNION ALL SELECT _id FROM user_activity_buckets ORDER BY _id DESC LIMIT 5 OFFSET 3",
    ),
    Q(
        "union_int_and_float_dedup",
        "SELECT quantity AS x FROM orders UNION SELECT total FROM orders WHERE total < 10",
    ),
]

FILTER = [
    Q(
        "filter_count_star",
        "SELECT COUNT(*) FILTER (WHERE status = 'paid') AS paid, COUNT(*) AS n FROM orders",
    ),
    Q(
        "filter_count_col",
        "SELECT status, COUNT(total) FILTER (WHERE quantity > 5) AS n FROM orders GROUP BY status",
    ),
    Q(
        "filter_count_distinct",
        "SELECT status, COUNT(DISTINCT customerId) FILTER (WHERE total > 100) AS n FROM orders GROUP BY status",
    ),
    Q(
        "filter_sum",
        "SELECT status, SUM(total) FILTER (WHERE quantity >= 5) AS s FROM orders GROUP BY status",
    ),
    Q(
        "filter_sum_int",
        "SELECT status, SUM(quantity) FILTER (WHERE total < 300) AS s FROM orders GROUP BY status",
    ),
    Q(
        "filter_avg",
        "SELECT status, AVG(total) FILTER (WHERE customerId < 60) AS a FROM orders GROUP BY status",
    ),
    Q(
        "filter_min_max",
        "SELECT status, MIN(total) FILTER (WHERE quantity = 1) AS lo, MAX(createdAt) FILTER (WHERE quantity = 9) "
        "AS last9 FROM orders GROUP BY status",
    ),
    Q(
        "filter_array_agg",
        "SELECT status, ARRAY_AGG(_id) FILTER (WHERE total > 700) AS ids FROM orders GROUP BY status",
        unordered={"ids": None},
    ),
    Q(
        "filter_string_agg_ordered",
        "SELECT status, STRING_AGG(CAST(_id AS TEXT), ',' ORDER BY _id) FILTER (WHERE total > 750) AS ids "
        "FROM orders GROUP BY status",
    ),
    Q(
        "filter_stddev",
        "SELECT status, STDDEV_POP(total) FILTER (WHERE quantity > 2) AS sp, "
        "STDDEV_SAMP(total) FILTER (WHERE quantity > 2) AS ss FROM orders GROUP BY status",
    ),
    Q(
        "filter_bool_and_or",
        "SELECT u.account.type AS t, BOOL_AND(u.score > 20) FILTER (WHERE u.account.status = 'active') AS all_hi, "
        "BOOL_OR(u.score > 95) FILTER (WHERE u.account.status <> 'active') AS any_top FROM users u "
        "GROUP BY u.account.type",
    ),
    Q(
        "filter_no_rows_match",
        "SELECT COUNT(*) FILTER (WHERE total > 10000) AS c, SUM(total) FILTER (WHERE total > 10000) AS s, "
        "AVG(total) FILTER (WHERE total > 10000) AS a FROM orders",
    ),
    Q(
        "filter_null_condition",
        "SELECT COUNT(*) FILTER (WHERE customerId > 50) AS c, COUNT(*) FILTER (WHERE NOT (customerId > 50)) AS d "
        "FROM orders",
    ),
    Q(
        "filter_on_joined_field",
        f"SELECT o.status, COUNT(*) FILTER (WHERE u.account.type = 'premium') AS premium, "
        f"SUM(o.total) FILTER (WHERE u.account.type = 'free') AS free_spent {OU} GROUP BY o.status",
    ),
    Q(
        "filter_in_having",
        "SELECT customerId, COUNT(*) AS n FROM orders GROUP BY customerId "
        "HAVING COUNT(*) FILTER (WHERE status = 'paid') >= 2",
    ),
    Q(
        "filter_percentile",
        "SELECT status, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY total) FILTER (WHERE quantity > 3) AS med "
        "FROM orders GROUP BY status",
    ),
    Q(
        "filter_unnest_departments",
        f"SELECT u._id, ARRAY_AGG(ua.value) FILTER (WHERE ua.key = 'department') AS deps {UA} GROUP BY u._id",
        unordered={"deps": None},
    ),
    Q("filter_empty_input", "SELECT COUNT(*) FILTER (WHERE total > 1) AS c FROM empty_orders"),
    Q(
        "filter_aggregates_of_nothing",
        "SELECT ARRAY_AGG(_id ORDER BY _id) FILTER (WHERE total > 10000) AS a, "
        "STRING_AGG(status, ',') FILTER (WHERE total > 10000) AS s, "
        "MAX(total) FILTER (WHERE total > 10000) AS m FROM orders",
    ),
    Q(
        "filter_string_agg_all_null_values",
        "SELECT STRING_AGG(profile.location.city, ',' ORDER BY _id) FILTER (WHERE profile.location.city IS NULL) "
        "AS s, COUNT(*) FILTER (WHERE profile.location.city IS NULL) AS n FROM users",
    ),
]

PCT = [
    Q("pct_cont_median", "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY total) AS med FROM orders"),
    Q("pct_disc_median", "SELECT PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY total) AS med FROM orders"),
    Q(
        "pct_cont_array",
        "SELECT PERCENTILE_CONT(ARRAY[0.25, 0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY total) AS qs FROM orders",
    ),
    Q(
        "pct_disc_array",
        "SELECT PERCENTILE_DISC(ARRAY[0.1, 0.5, 0.99]) WITHIN GROUP (ORDER BY quantity) AS qs FROM orders",
    ),
    Q(
        "pct_group_by",
        "SELECT status, PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY total) AS p25, "
        "PERCENTILE_DISC(0.75) WITHIN GROUP (ORDER BY total) AS p75 FROM orders GROUP BY status",
    ),
    Q(
        "pct_all_null",
        "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY total) AS c, "
        "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY total) AS d FROM orders WHERE total IS NULL",
    ),
    Q(
        "pct_empty_input",
        "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY total) AS c FROM empty_orders",
    ),
    Q(
        "pct_extremes",
        "SELECT PERCENTILE_CONT(0) WITHIN GROUP (ORDER BY total) AS c0, "
        "PERCENTILE_CONT(1) WITHIN GROUP (ORDER BY total) AS c1, "
        "PERCENTILE_DISC(0) WITHIN GROUP (ORDER BY total) AS d0, "
        "PERCENTILE_DISC(1) WITHIN GROUP (ORDER BY total) AS d1 FROM orders",
    ),
    Q(
        "pct_desc",
        "SELECT PERCENTILE_CONT(0.3) WITHIN GROUP (ORDER BY total DESC) AS c, "
        "PERCENTILE_DISC(0.3) WITHIN GROUP (ORDER BY total DESC) AS d FROM orders",
    ),
    Q(
        "pct_cont_integer",
        "SELECT status, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY quantity) AS med FROM orders GROUP BY status",
        # PostgreSQL's percentile_cont is always double precision.
        duck="SELECT status, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY quantity::DOUBLE) AS med "
        "FROM orders GROUP BY status",
    ),
    Q(
        "pct_disc_integer",
        "SELECT status, PERCENTILE_DISC(0.4) WITHIN GROUP (ORDER BY quantity) AS d FROM orders GROUP BY status",
    ),
    Q(
        "pct_disc_timestamp",
        "SELECT status, PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY createdAt) AS mid FROM orders GROUP BY status",
    ),
    Q(
        "pct_after_join",
        f"SELECT u.account.type AS t, PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY o.total) AS p90 {OU} "
        "GROUP BY u.account.type",
    ),
    Q(
        "pct_small_groups",
        "SELECT customerId, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY total) AS med, "
        "PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY total) AS p95 FROM orders GROUP BY customerId",
    ),
    Q(
        "pct_with_other_aggregates",
        "SELECT status, COUNT(*) AS n, MIN(total) AS lo, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY total) AS med, "
        "MAX(total) AS hi FROM orders GROUP BY status ORDER BY status",
    ),
    Q(
        "pct_disc_exact_boundaries",
        "SELECT PERCENTILE_DISC(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY category_id) AS d14, "
        "PERCENTILE_CONT(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY category_id) AS c14 FROM categories",
        duck="SELECT PERCENTILE_DISC(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY category_id) AS d14, "
        "PERCENTILE_CONT(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY category_id::DOUBLE) AS c14 "
        "FROM categories",
    ),
    Q(
        "pct_disc_twelve_rows",
        "SELECT PERCENTILE_DISC(0.25) WITHIN GROUP (ORDER BY category_id) AS q1, "
        "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY category_id) AS q2 FROM categories WHERE category_id <= 12",
    ),
    Q(
        "pct_left_join_unmatched",
        "SELECT u._id, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY o.total) AS med FROM users u "
        "LEFT JOIN orders o ON o.customerId = u._id WHERE u._id <= 40 GROUP BY u._id",
    ),
    Q(
        "pct_param_fraction",
        "SELECT status, PERCENTILE_CONT(:p) WITHIN GROUP (ORDER BY total) AS q FROM orders GROUP BY status",
        params={"p": 0.4},
    ),
]

ORDAGG = [
    Q("ordagg_array_asc", "SELECT status, ARRAY_AGG(_id ORDER BY _id) AS ids FROM orders GROUP BY status"),
    Q(
        "ordagg_array_desc",
        "SELECT status, ARRAY_AGG(_id ORDER BY _id DESC) AS ids FROM orders GROUP BY status",
    ),
    Q(
        "ordagg_array_null_keys_last",
        "SELECT status, ARRAY_AGG(_id ORDER BY total, _id) AS ids FROM orders GROUP BY status",
    ),
    Q(
        "ordagg_array_null_keys_desc_first",
        "SELECT status, ARRAY_AGG(_id ORDER BY total DESC, _id) AS ids FROM orders GROUP BY status",
    ),
    Q(
        "ordagg_array_nulls_first",
        "SELECT status, ARRAY_AGG(_id ORDER BY customerId NULLS FIRST, _id) AS ids FROM orders GROUP BY status",
    ),
    Q(
        "ordagg_array_null_values_kept",
        "SELECT customerId, ARRAY_AGG(total ORDER BY _id) AS totals FROM orders GROUP BY customerId",
    ),
    Q(
        "ordagg_string_asc",
        "SELECT account.type AS t, STRING_AGG(username, ',' ORDER BY username) AS names FROM users GROUP BY account.type",
    ),
    Q(
        "ordagg_string_desc",
        "SELECT account.type AS t, STRING_AGG(username, ';' ORDER BY username DESC) AS names FROM users "
        "GROUP BY account.type",
    ),
    Q(
        "ordagg_string_other_key",
        "SELECT customerId, STRING_AGG(status, '|' ORDER BY total DESC, _id) AS s FROM orders GROUP BY customerId",
    ),
    Q(
        "ordagg_string_skips_null_values",
        "SELECT account.type AS t, STRING_AGG(profile.location.city, ',' ORDER BY _id) AS cities FROM users "
        "GROUP BY account.type",
    ),
    Q(
        "ordagg_array_after_join",
        f"SELECT u._id, ARRAY_AGG(o._id ORDER BY o.createdAt) AS orders {OU} GROUP BY u._id",
    ),
    Q(
        "ordagg_array_of_structs",
        "SELECT account.type AS t, ARRAY_AGG(profile.location ORDER BY _id) AS locs FROM users "
        "WHERE _id <= 40 GROUP BY account.type",
    ),
    Q(
        "ordagg_array_distinct",
        "SELECT customerId, ARRAY_AGG(DISTINCT status ORDER BY status) AS statuses FROM orders GROUP BY customerId",
    ),
    Q(
        "ordagg_two_keys",
        "SELECT profile.location.state AS st, ARRAY_AGG(_id ORDER BY account.type DESC, _id DESC) AS ids "
        "FROM users GROUP BY profile.location.state",
    ),
    Q(
        "ordagg_string_concat_seed",
        "SELECT product_id, STRING_AGG(CONCAT(attribute_name, ': ', attribute_value), ', ' "
        "ORDER BY attribute_name) AS attrs FROM product_attributes GROUP BY product_id",
    ),
    Q(
        "ordagg_no_group",
        "SELECT ARRAY_AGG(brand_name ORDER BY brand_name DESC) AS names, "
        "STRING_AGG(brand_name, '+' ORDER BY brand_id) AS joined FROM brands",
    ),
    Q(
        "ordagg_left_join_null_element",
        "SELECT u._id, ARRAY_AGG(o._id ORDER BY o._id) AS orders, STRING_AGG(o.status, ',' ORDER BY o._id) AS st "
        "FROM users u LEFT JOIN orders o ON o.customerId = u._id WHERE u._id <= 40 GROUP BY u._id",
    ),
    Q(
        "ordagg_order_by_expression",
        "SELECT status, ARRAY_AGG(_id ORDER BY quantity * -1, _id) AS ids, "
        "STRING_AGG(CAST(quantity AS TEXT), '' ORDER BY _id DESC) AS qs FROM orders GROUP BY status",
    ),
]

JSON = [
    Q(
        "json_build_basic",
        "SELECT _id, JSON_BUILD_OBJECT('s', status, 't', total) AS j FROM orders WHERE _id <= 30",
        duck="SELECT _id, {'s': status, 't': total} AS j FROM orders WHERE _id <= 30",
    ),
    Q(
        "json_build_nested",
        "SELECT _id, JSON_BUILD_OBJECT('user', username, 'loc', JSON_BUILD_OBJECT('city', profile.location.city, "
        "'state', profile.location.state)) AS j FROM users",
        duck="SELECT _id, {'user': username, 'loc': {'city': profile.location.city, "
        "'state': profile.location.state}} AS j FROM users",
    ),
    Q(
        "json_build_aggregates",
        "SELECT status, JSON_BUILD_OBJECT('n', COUNT(*), 'max', MAX(total)) AS j FROM orders GROUP BY status",
        duck="SELECT status, {'n': COUNT(*), 'max': MAX(total)} AS j FROM orders GROUP BY status",
    ),
    Q(
        "json_in_array_agg",
        "SELECT customerId, ARRAY_AGG(JSON_BUILD_OBJECT('id', _id, 'total', total) ORDER BY _id) AS js "
        "FROM orders GROUP BY customerId",
        duck="SELECT customerId, ARRAY_AGG({'id': _id, 'total': total} ORDER BY _id) AS js "
        "FROM orders GROUP BY customerId",
    ),
    Q(
        "json_percentile_distribution",
        "SELECT status, JSON_BUILD_OBJECT('min', MIN(total), 'p50', PERCENTILE_CONT(0.5) WITHIN GROUP "
        "(ORDER BY total), 'max', MAX(total)) AS dist FROM orders GROUP BY status",
        duck="SELECT status, {'min': MIN(total), 'p50': PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY total), "
        "'max': MAX(total)} AS dist FROM orders GROUP BY status",
    ),
    Q(
        "json_row_basic",
        "SELECT _id, ROW(status, quantity) AS r FROM orders WHERE _id <= 30",
        # PostgreSQL names an anonymous record's fields f1, f2, ...
        duck="SELECT _id, {'f1': status, 'f2': quantity} AS r FROM orders WHERE _id <= 30",
    ),
    Q(
        "json_row_with_nulls",
        "SELECT _id, ROW(customerId, total, 'x') AS r FROM orders",
        duck="SELECT _id, {'f1': customerId, 'f2': total, 'f3': 'x'} AS r FROM orders",
    ),
    Q(
        "json_build_after_join",
        f"SELECT o._id, JSON_BUILD_OBJECT('order', o._id, 'who', u.username, 'type', u.account.type) AS j {OU}",
        duck=f"SELECT o._id, {{'order': o._id, 'who': u.username, 'type': u.account.type}} AS j {OU}",
    ),
    Q(
        "json_row_in_array_agg",
        "SELECT status, ARRAY_AGG(ROW(_id, quantity) ORDER BY _id) AS rs FROM orders WHERE _id <= 40 GROUP BY status",
        duck="SELECT status, ARRAY_AGG({'f1': _id, 'f2': quantity} ORDER BY _id) AS rs FROM orders "
        "WHERE _id <= 40 GROUP BY status",
    ),
    Q(
        "json_build_with_array_agg",
        "SELECT customerId, JSON_BUILD_OBJECT('ids', ARRAY_AGG(_id ORDER BY _id), 'n', COUNT(*)) AS j "
        "FROM orders GROUP BY customerId",
        duck="SELECT customerId, {'ids': ARRAY_AGG(_id ORDER BY _id), 'n': COUNT(*)} AS j "
        "FROM orders GROUP BY customerId",
    ),
    Q(
        "json_row_nested_paths",
        "SELECT _id, ROW(profile.firstName, profile.location.city, account.type) AS r FROM users",
        duck="SELECT _id, {'f1': profile.firstName, 'f2': profile.location.city, 'f3': account.type} AS r "
        "FROM users",
    ),
    Q(
        "json_build_booleans_ints",
        "SELECT _id, JSON_BUILD_OBJECT('active', is_active, 'cat', category_id, 'none', NULL) AS j FROM products",
        duck="SELECT _id, {'active': is_active, 'cat': category_id, 'none': NULL} AS j FROM products",
    ),
]

OV = "FROM orders"

WIN = [
    Q("win_row_number_global", "SELECT _id, ROW_NUMBER() OVER (ORDER BY total DESC, _id) AS rn FROM orders"),
    Q(
        "win_row_number_partition",
        "SELECT _id, ROW_NUMBER() OVER (PARTITION BY status ORDER BY total, _id) AS rn FROM orders",
    ),
    Q("win_rank_ties", "SELECT _id, RANK() OVER (ORDER BY quantity) AS r FROM orders"),
    Q(
        "win_dense_rank_partition",
        "SELECT _id, DENSE_RANK() OVER (PARTITION BY status ORDER BY quantity DESC) AS r FROM orders",
    ),
    Q("win_rank_null_keys_last", "SELECT _id, RANK() OVER (ORDER BY customerId) AS r FROM orders"),
    Q("win_rank_null_keys_desc_first", "SELECT _id, RANK() OVER (ORDER BY customerId DESC) AS r FROM orders"),
    Q(
        "win_rank_nulls_first_explicit",
        "SELECT _id, DENSE_RANK() OVER (ORDER BY total NULLS FIRST) AS r FROM orders",
    ),
    Q(
        "win_percent_rank",
        "SELECT _id, PERCENT_RANK() OVER (PARTITION BY status ORDER BY quantity) AS pr FROM orders",
    ),
    Q(
        "win_percent_rank_single_row",
        "SELECT _id, PERCENT_RANK() OVER (PARTITION BY customerId ORDER BY total) AS pr FROM orders",
    ),
    Q(
        "win_cume_dist",
        "SELECT _id, CUME_DIST() OVER (PARTITION BY status ORDER BY quantity) AS cd FROM orders",
    ),
    Q("win_cume_dist_nulls", "SELECT _id, CUME_DIST() OVER (ORDER BY total DESC) AS cd FROM orders"),
    Q("win_ntile_global", "SELECT _id, NTILE(4) OVER (ORDER BY total, _id) AS q FROM orders"),
    Q(
        "win_ntile_uneven_partition",
        "SELECT _id, NTILE(3) OVER (PARTITION BY customerId ORDER BY _id) AS q FROM orders",
    ),
    Q(
        "win_lag_basic",
        "SELECT _id, LAG(total) OVER (PARTITION BY customerId ORDER BY createdAt, _id) AS prev FROM orders",
    ),
    Q(
        "win_lag_offset_default",
        "SELECT _id, LAG(quantity, 2, 0) OVER (PARTITION BY status ORDER BY _id) AS prev2 FROM orders",
    ),
    Q(
        "win_lead_default",
        "SELECT _id, LEAD(status, 1, 'none') OVER (PARTITION BY customerId ORDER BY createdAt, _id) AS nxt "
        "FROM orders",
    ),
    Q("win_lead_offset", "SELECT _id, LEAD(_id, 3) OVER (ORDER BY _id) AS ahead FROM orders"),
    Q(
        "win_first_value_default_frame",
        "SELECT _id, FIRST_VALUE(_id) OVER (PARTITION BY status ORDER BY quantity, _id) AS first_id FROM orders",
    ),
    Q(
        "win_last_value_default_frame",
        # The default frame ends at the current row's last peer: LAST_VALUE is (nearly) the row itself.
        "SELECT _id, LAST_VALUE(_id) OVER (PARTITION BY status ORDER BY quantity, _id) AS l, "
        "LAST_VALUE(quantity) OVER (PARTITION BY status ORDER BY quantity) AS lq FROM orders",
    ),
    Q(
        "win_last_value_full_frame",
        "SELECT _id, LAST_VALUE(_id) OVER (PARTITION BY status ORDER BY quantity, _id "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS l FROM orders",
    ),
    Q(
        "win_sum_running",
        "SELECT _id, SUM(total) OVER (PARTITION BY customerId ORDER BY createdAt) AS running FROM orders",
    ),
    Q("win_sum_range_ties", "SELECT _id, SUM(quantity) OVER (ORDER BY quantity) AS s FROM orders"),
    Q(
        "win_sum_rows_ties",
        "SELECT _id, SUM(quantity) OVER (ORDER BY quantity, _id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) "
        "AS s FROM orders",
    ),
    Q(
        "win_sum_rows_sliding",
        "SELECT _id, SUM(total) OVER (ORDER BY _id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS s FROM orders",
    ),
    Q(
        "win_avg_rows_sliding_partition",
        "SELECT _id, AVG(quantity) OVER (PARTITION BY status ORDER BY _id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) "
        "AS a FROM orders",
    ),
    Q("win_avg_partition_no_order", "SELECT _id, AVG(total) OVER (PARTITION BY status) AS a FROM orders"),
    Q("win_count_star_partition", "SELECT _id, COUNT(*) OVER (PARTITION BY status) AS n FROM orders"),
    Q(
        "win_count_col_running",
        "SELECT _id, COUNT(total) OVER (PARTITION BY status ORDER BY _id) AS n FROM orders",
    ),
    Q("win_count_null_order_keys", "SELECT _id, COUNT(*) OVER (ORDER BY total) AS n FROM orders"),
    Q(
        "win_min_max_running",
        "SELECT _id, MIN(total) OVER (ORDER BY _id) AS lo, MAX(total) OVER (ORDER BY _id) AS hi FROM orders",
    ),
    Q(
        "win_range_numeric_offset",
        "SELECT _id, SUM(quantity) OVER (ORDER BY quantity RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s "
        "FROM orders",
    ),
    Q(
        "win_range_to_unbounded_following",
        "SELECT _id, COUNT(*) OVER (ORDER BY quantity RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS n "
        "FROM orders",
    ),
    Q(
        "win_empty_over",
        "SELECT _id, SUM(total) OVER () AS grand, COUNT(*) OVER () AS n FROM orders WHERE _id <= 120",
    ),
    Q("win_sum_integer_type", "SELECT _id, SUM(quantity) OVER (PARTITION BY status) AS s FROM orders"),
    Q(
        "win_over_aggregate",
        "SELECT status, SUM(total) AS s, RANK() OVER (ORDER BY SUM(total) DESC) AS r FROM orders GROUP BY status",
    ),
    Q(
        "win_over_aggregate_partition",
        "SELECT customerId, status, COUNT(*) AS n, "
        "RANK() OVER (PARTITION BY status ORDER BY COUNT(*) DESC) AS r FROM orders GROUP BY customerId, status",
    ),
    Q(
        "win_share_of_total",
        "SELECT status, SUM(total) / SUM(SUM(total)) OVER () AS share FROM orders GROUP BY status",
    ),
    Q(
        "win_after_join",
        f"SELECT o._id, RANK() OVER (PARTITION BY u.account.type ORDER BY o.total DESC) AS r {OU}",
    ),
    Q(
        "win_top_n_per_group",
        "WITH r AS (SELECT _id, status, total, ROW_NUMBER() OVER (PARTITION BY status ORDER BY total DESC, _id) "
        "AS rn FROM orders) SELECT status, _id, rn FROM r WHERE rn <= 3 ORDER BY status, rn",
    ),
    Q(
        "win_order_by_rank",
        "SELECT _id, RANK() OVER (ORDER BY quantity DESC) AS r FROM orders ORDER BY r, _id LIMIT 20",
    ),
    Q(
        "win_several_windows",
        "SELECT _id, ROW_NUMBER() OVER (ORDER BY _id) AS rn, RANK() OVER (PARTITION BY status ORDER BY quantity) "
        "AS r, SUM(quantity) OVER (PARTITION BY customerId) AS s FROM orders",
    ),
    Q(
        "win_lag_null_values",
        "SELECT _id, LAG(customerId) OVER (ORDER BY _id) AS prev, LEAD(total) OVER (ORDER BY _id) AS nxt "
        "FROM orders",
    ),
    Q("win_expression_argument", "SELECT _id, SUM(quantity * 2) OVER (PARTITION BY status) AS s FROM orders"),
    Q(
        "win_partition_nested_path",
        "SELECT _id, RANK() OVER (PARTITION BY profile.location.city ORDER BY score DESC) AS r FROM users",
    ),
    Q(
        "win_dense_rank_month",
        "SELECT _id, DENSE_RANK() OVER (ORDER BY DATE_TRUNC('month', createdAt)) AS m FROM orders",
    ),
    Q(
        "win_percent_rank_over_unnest",
        f"SELECT u._id, ua.key, PERCENT_RANK() OVER (PARTITION BY ua.key ORDER BY u.score) AS pr {UA}",
    ),
    Q(
        "win_lag_default_vs_null_value",
        # The default only replaces a row outside the partition; a NULL value stays NULL.
        "SELECT _id, LAG(total, 1, -1.0) OVER (ORDER BY _id) AS prev FROM orders",
    ),
    Q(
        "win_first_value_null",
        "SELECT _id, FIRST_VALUE(total) OVER (PARTITION BY status ORDER BY customerId NULLS FIRST, _id) AS f "
        "FROM orders",
    ),
    Q(
        "win_sum_frame_all_null",
        "SELECT _id, SUM(total) OVER (ORDER BY _id ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS s, "
        "AVG(total) OVER (ORDER BY _id ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS a FROM orders",
    ),
    Q(
        "win_empty_frame",
        "SELECT _id, SUM(quantity) OVER (ORDER BY _id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS s, "
        "COUNT(*) OVER (ORDER BY _id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS n FROM orders",
    ),
    Q("win_rank_string_key", "SELECT _id, RANK() OVER (ORDER BY username) AS r FROM users"),
    Q(
        "win_partition_expression",
        "SELECT _id, ROW_NUMBER() OVER (PARTITION BY quantity % 3 ORDER BY _id DESC) AS rn FROM orders",
    ),
    Q(
        "win_range_interval",
        "SELECT _id, COUNT(*) OVER (ORDER BY createdAt RANGE BETWEEN INTERVAL '7 days' PRECEDING AND CURRENT ROW) "
        "AS week FROM orders",
    ),
    Q(
        "win_ntile_more_buckets_than_rows",
        "SELECT _id, NTILE(5) OVER (PARTITION BY customerId ORDER BY _id) AS q FROM orders WHERE customerId <= 20",
    ),
    Q(
        "win_over_aggregate_having",
        "SELECT customerId, SUM(total) AS s, DENSE_RANK() OVER (ORDER BY SUM(total) DESC NULLS LAST) AS r "
        "FROM orders GROUP BY customerId HAVING COUNT(*) >= 3",
    ),
    Q(
        "win_filter_over",
        "SELECT _id, SUM(total) FILTER (WHERE quantity > 4) OVER (PARTITION BY status) AS s, "
        "COUNT(*) FILTER (WHERE quantity > 4) OVER (PARTITION BY status ORDER BY _id) AS n FROM orders",
    ),
    Q("win_rank_date_nulls", "SELECT _id, RANK() OVER (ORDER BY createdAt DESC) AS r FROM users"),
    Q(
        "win_min_max_strings",
        "SELECT _id, MIN(username) OVER (PARTITION BY account.type) AS lo, "
        "MAX(profile.location.city) OVER (PARTITION BY account.type) AS hi FROM users",
    ),
    Q(
        "win_avg_range_full",
        "SELECT _id, AVG(total) OVER (ORDER BY quantity RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) "
        "AS a FROM orders",
    ),
    Q(
        "win_cume_dist_over_aggregate",
        "SELECT customerId, COUNT(*) AS n, CUME_DIST() OVER (ORDER BY COUNT(*)) AS cd FROM orders GROUP BY customerId",
    ),
    Q(
        "win_row_number_desc_nulls_last",
        "SELECT _id, ROW_NUMBER() OVER (PARTITION BY status ORDER BY customerId DESC NULLS LAST, _id) AS rn "
        "FROM orders",
    ),
    Q(
        "win_over_left_join",
        "SELECT u._id, o._id AS order_id, COUNT(o._id) OVER (PARTITION BY u._id) AS n FROM users u "
        "LEFT JOIN orders o ON o.customerId = u._id WHERE u._id <= 60",
    ),
    Q(
        "win_rows_following_only",
        "SELECT _id, SUM(quantity) OVER (ORDER BY _id ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING) AS s FROM orders",
    ),
    Q(
        "win_lag_offset_zero",
        "SELECT _id, LAG(quantity, 0) OVER (ORDER BY _id) AS same, LEAD(quantity, 2, -1) OVER (ORDER BY _id) AS l2 "
        "FROM orders",
    ),
]

# GROUP BY over an INNER join to ``_id``: the compiler may aggregate the base rows per join key
# before the join (``leaf_dagster/sql/eager.py``). NULL/missing/dangling keys and NULL totals are in
# the data; the last queries take the plain plan (mixed keys, joined-side or DISTINCT aggregates).
EAGER = [
    Q(
        "eager_all_decomposable",
        f"SELECT u.account.type AS t, COUNT(*) AS n, COUNT(o.total) AS nt, SUM(o.total) AS s, "
        f"MIN(o.total) AS lo, MAX(o.total) AS hi, AVG(o.total) AS mean {OU} GROUP BY u.account.type",
    ),
    Q(
        "eager_integers",
        f"SELECT u.account.status AS st, SUM(o.quantity) AS q, AVG(o.quantity) AS mq, "
        f"MIN(o.createdAt) AS first_at, MAX(o.createdAt) AS last_at {OU} GROUP BY 1",
    ),
    Q("eager_no_group_by", f"SELECT COUNT(*) AS n, SUM(o.total) AS s, AVG(o.total) AS mean {OU}"),
    Q(
        "eager_where_on_base",
        f"SELECT u.account.type AS t, COUNT(*) AS n, SUM(o.total) AS s {OU} "
        "WHERE o.status = 'shipped' AND o.quantity > 2 GROUP BY 1",
    ),
    Q(
        "eager_where_kills_everything",
        f"SELECT COUNT(*) AS n, SUM(o.total) AS s, MAX(o.total) AS hi {OU} WHERE o.quantity > 100",
    ),
    Q(
        "eager_having_order_limit",
        f"SELECT u.account.type AS t, u.account.status AS st, SUM(o.total) AS s {OU} "
        "GROUP BY 1, 2 HAVING COUNT(*) > 5 ORDER BY s DESC LIMIT 4",
    ),
    Q(
        "eager_filter",
        f"SELECT u.account.type AS t, SUM(o.total) FILTER (WHERE o.status = 'returned') AS returned, "
        f"COUNT(*) FILTER (WHERE o.total > 500) AS big {OU} GROUP BY 1",
    ),
    Q(
        "eager_computed_key",
        f"SELECT UPPER(u.account.type) || '/' || u.account.status AS k, SUM(o.quantity) AS q {OU} GROUP BY 1",
    ),
    Q(
        "eager_on_filters_joined_side",
        "SELECT u.account.type AS t, COUNT(*) AS n, SUM(o.total) AS s FROM orders o "
        "JOIN users u ON o.customerId = u._id AND u.account.status = 'active' GROUP BY 1",
    ),
    Q(
        "eager_all_null_sums",
        f"SELECT u.account.type AS t, SUM(o.total) AS s, AVG(o.total) AS mean {OU} "
        "WHERE o.total IS NULL GROUP BY 1",
    ),
    Q(
        "eager_second_join_keyed_by_joined_row",
        "SELECT pc.category_name AS parent, COUNT(*) AS n, SUM(p.base_price) AS s, MAX(c.category_id) AS top "
        "FROM products p JOIN categories c ON p.category_id = c._id "
        "JOIN categories pc ON c.parent_category_id = pc._id GROUP BY pc.category_name",
    ),
    Q(
        "eager_buckets_by_city",
        "SELECT u.profile.location.city AS city, SUM(b.summary.clicks) AS clicks, "
        "AVG(b.summary.avgResponseTime) AS rt FROM user_activity_buckets b JOIN users u ON b.userId = u._id "
        "GROUP BY 1",
    ),
    Q(
        "eager_empty_base",
        "SELECT COUNT(*) AS n, SUM(o.total) AS s FROM empty_orders o JOIN users u ON o.customerId = u._id",
    ),
    Q(
        "eager_keys_from_both_sides",
        f"SELECT o.status, u.account.type AS t, SUM(o.total) AS s {OU} GROUP BY 1, 2",
    ),
    Q(
        "eager_day_and_type",
        f"SELECT DATE_TRUNC('day', o.createdAt) AS day, u.account.type AS t, COUNT(*) AS n, "
        f"AVG(o.total) AS mean {OU} GROUP BY 1, 2",
    ),
    Q("eager_join_only_filters", f"SELECT o.status, COUNT(*) AS n, MAX(o.total) AS hi {OU} GROUP BY 1"),
    Q(
        "eager_nullable_computed_base_key",
        f"SELECT o.total > 500 AS big, u.account.type AS t, COUNT(*) AS n {OU} GROUP BY 1, 2",
    ),
    Q(
        "eager_not_mixed_key",
        f"SELECT o.status || '/' || u.account.type AS k, SUM(o.total) AS s {OU} GROUP BY 1",
    ),
    Q("eager_not_joined_side_sum", f"SELECT o.status, SUM(u.score) AS s {OU} GROUP BY 1"),
    Q(
        "eager_not_distinct",
        f"SELECT u.account.type AS t, COUNT(DISTINCT o.status) AS statuses {OU} GROUP BY 1",
    ),
    Q(
        "eager_not_left_join",
        "SELECT u.account.type AS t, COUNT(*) AS n, SUM(o.total) AS s FROM orders o "
        "LEFT JOIN users u ON o.customerId = u._id GROUP BY 1",
    ),
]

QUERIES: list[Query] = [
    *JOIN,
    *JWHERE,
    *UNNEST,
    *CTE,
    *FROMSUB,
    *INSUB,
    *EXISTS,
    *SCALAR,
    *UNION,
    *FILTER,
    *PCT,
    *ORDAGG,
    *JSON,
    *WIN,
    *EAGER,
]

SEED_DIR = Path(__file__).with_name("seed_queries")
# The seed's product query looks one product up; this one has several attributes (fanned out by the
# reviews and variants), a primary image, active variants with stock, and reviews.
SEED_PRODUCT_ID = 30


def SEED_QUERIES() -> list[Query]:
    """The seed article's two queries (``seed_queries/*.sql``), with their DuckDB variants."""

    def read(name: str) -> str:
        return (SEED_DIR / name).read_text().strip().rstrip(";")

    return [
        Query(
            id="seed_user_engagement",
            sql=read("user_engagement.sql"),
            duck=read("user_engagement.duckdb.sql"),
            now=NOW,
            unordered={},
        ),
        Query(
            id="seed_product_details",
            sql=read("product_details.sql"),
            duck=read("product_details.duckdb.sql"),
            params={"product_id": SEED_PRODUCT_ID},
        ),
    ]


# id -> reason: queries the compiler does not pass yet (strict xfail: a fix makes them XPASS).
# One mapping for every corpus: tests/sql/oracle_cases.py.
KNOWN_FAILURES = oracle_cases.KNOWN_FAILURES
