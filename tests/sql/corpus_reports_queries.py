"""The fourth independent corpus: operational REPORTS and dashboards on the seed's domain
(``corpus_reports_data.py``: customers, orders, products, support tickets): time and dates (AT TIME
ZONE, DATE_TRUNC weeks/months/quarters, ISO weeks, EXTRACT DOW/ISODOW/EPOCH, intervals, date +
integer, DATE vs TIMESTAMP against quoted literals, BETWEEN on dates, TO_CHAR), arrays and nested
documents (ANY/ALL, @>, ARRAY_LENGTH/CARDINALITY, UNNEST of items, ARRAY_AGG ORDER BY, nested
paths), NULL semantics (IS DISTINCT FROM, NOT IN over NULLs, COALESCE chains, NULLIF, COUNT(col)),
set operations with ORDER BY/LIMIT, LEFT JOINs with aggregates, correlated and scalar subqueries,
string reporting (CONCAT/||, LPAD, INITCAP, POSITION, LIKE/ILIKE with escapes) and CASE buckets
with quoted literals. Written without looking at the other corpora's queries.

``C(...)``: PostgreSQL 15 answers and our rows must equal its rows. ``E(...)``: PostgreSQL rejects
it and so must we. ``refused=``: we refuse with a ``LeafSQLError`` naming the construct.
``xfail=``: a known wrong answer, with its reason.
"""

from __future__ import annotations

from tests.sql.corpus_case import Case, builders
from tests.sql.corpus_reports_data import NOW

C, E = builders(NOW)


# Known wrong answers (strict xfail), each a class the corpus found.
UNKNOWN_COLUMN = (
    "a column no document and no catalog entry has reads as NULL (documents have no fixed columns), "
    "where PostgreSQL says 'column does not exist'; also with the DDL catalog, which does not list "
    "every field a collection may hold"
)

TEXT_VS_DATE = (
    "without a catalog a field's type is unknown (a text field may hold dates in other documents), so "
    "text >= DATE '…' compares where PostgreSQL says 'operator does not exist: text >= date'; "
    "rejected like PostgreSQL with the DDL catalog"
)


TIME = [
    C(
        "t_orders_per_week",
        """
        SELECT DATE_TRUNC('week', placedAt) AS wk, COUNT(*) AS n
        FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_orders_per_month_revenue",
        """
        SELECT DATE_TRUNC('month', placedAt) AS m, COUNT(*) AS n, SUM(amount) AS revenue
        FROM orders WHERE LOWER(status) <> 'cancelled' GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_orders_per_quarter",
        """
        SELECT DATE_TRUNC('quarter', placedAt) AS q, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_iso_week_numbers",
        """
        SELECT EXTRACT(ISOYEAR FROM placedAt) AS y, EXTRACT(WEEK FROM placedAt) AS w, COUNT(*) AS n
        FROM orders GROUP BY 1, 2 ORDER BY 1, 2""",
    ),
    C(
        "t_dow_histogram",
        """
        SELECT EXTRACT(DOW FROM placedAt) AS dow, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_isodow_weekend",
        """
        SELECT CASE WHEN EXTRACT(ISODOW FROM placedAt) IN (6, 7) THEN 'weekend' ELSE 'weekday' END AS part,
               COUNT(*) AS n
        FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_hour_of_day",
        """
        SELECT EXTRACT(HOUR FROM placedAt) AS h, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5""",
    ),
    C(
        "t_epoch_seconds",
        """
        SELECT _id, EXTRACT(EPOCH FROM placedAt) AS epoch FROM orders ORDER BY _id LIMIT 10""",
    ),
    C(
        "t_ship_lag_hours",
        """
        SELECT _id, EXTRACT(EPOCH FROM (shippedAt - placedAt)) / 3600 AS hours
        FROM orders WHERE shippedAt IS NOT NULL ORDER BY _id LIMIT 15""",
    ),
    C(
        "t_avg_ship_lag_by_channel",
        """
        SELECT COALESCE(channel, 'unknown') AS ch,
               ROUND(AVG(EXTRACT(EPOCH FROM shippedAt - placedAt) / 3600)::numeric, 1) AS avg_h
        FROM orders WHERE shippedAt IS NOT NULL GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_delivery_days_bucket",
        """
        SELECT CASE WHEN deliveredAt - placedAt < INTERVAL '2 days' THEN 'fast'
                    WHEN deliveredAt - placedAt < INTERVAL '5 days' THEN 'normal'
                    ELSE 'slow' END AS speed, COUNT(*) AS n
        FROM orders WHERE deliveredAt IS NOT NULL GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_last_7_days",
        """
        SELECT COUNT(*) AS n FROM orders WHERE placedAt >= NOW() - INTERVAL '7 days'""",
    ),
    C(
        "t_last_30_days_by_status",
        """
        SELECT LOWER(status) AS s, COUNT(*) AS n FROM orders
        WHERE placedAt >= CURRENT_DATE - INTERVAL '30 days' GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_date_between_literals",
        """
        SELECT COUNT(*) AS n FROM orders WHERE placedAt BETWEEN '2024-10-01' AND '2024-10-31'""",
    ),
    C(
        "t_date_between_inclusive_end",
        """
        SELECT COUNT(*) AS n FROM orders
        WHERE CAST(placedAt AS DATE) BETWEEN '2024-10-01' AND '2024-10-31'""",
    ),
    C(
        "t_half_open_month",
        """
        SELECT COUNT(*) AS n FROM orders WHERE placedAt >= '2024-10-01' AND placedAt < '2024-11-01'""",
    ),
    C(
        "t_ts_literal_with_time",
        """
        SELECT _id FROM orders WHERE placedAt > '2024-09-30 23:00:00' AND placedAt <= '2024-10-01 00:00:00'
        ORDER BY _id""",
    ),
    C(
        "t_date_eq_literal",
        """
        SELECT _id FROM orders WHERE CAST(placedAt AS DATE) = '2024-10-01' ORDER BY _id""",
    ),
    C(
        "t_date_plus_int",
        """
        SELECT _id, CAST(placedAt AS DATE) + 7 AS due FROM orders ORDER BY _id LIMIT 8""",
    ),
    C(
        "t_date_minus_date",
        """
        SELECT _id, CAST(deliveredAt AS DATE) - CAST(placedAt AS DATE) AS days
        FROM orders WHERE deliveredAt IS NOT NULL ORDER BY _id LIMIT 12""",
    ),
    C(
        "t_avg_days_to_deliver",
        """
        SELECT ROUND(AVG(CAST(deliveredAt AS DATE) - CAST(placedAt AS DATE)), 2) AS avg_days
        FROM orders WHERE deliveredAt IS NOT NULL""",
    ),
    C(
        "t_to_char_month",
        """
        SELECT TO_CHAR(placedAt, 'YYYY-MM') AS ym, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_to_char_day_name",
        """
        SELECT TO_CHAR(placedAt, 'Dy') AS d, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 2 DESC, 1""",
    ),
    C(
        "t_to_char_iso_week",
        """
        SELECT TO_CHAR(placedAt, 'IYYY-"W"IW') AS wk, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_to_char_full",
        """
        SELECT _id, TO_CHAR(placedAt, 'YYYY-MM-DD HH24:MI:SS') AS ts FROM orders ORDER BY _id LIMIT 6""",
    ),
    C(
        "t_to_char_month_name",
        """
        SELECT TO_CHAR(placedAt, 'FMMonth YYYY') AS m, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1""",
        refused="TO_CHAR",
    ),
    C(
        "t_at_time_zone_day",
        """
        SELECT CAST((placedAt AT TIME ZONE 'UTC') AT TIME ZONE 'America/New_York' AS DATE) AS local_day,
               COUNT(*) AS n
        FROM orders WHERE placedAt >= '2024-11-01' AND placedAt < '2024-11-06' GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_at_time_zone_hour",
        """
        SELECT _id, EXTRACT(HOUR FROM (placedAt AT TIME ZONE 'UTC') AT TIME ZONE 'Europe/Paris') AS h
        FROM orders ORDER BY _id LIMIT 10""",
    ),
    C(
        "t_date_trunc_tz",
        """
        SELECT DATE_TRUNC('day', placedAt, 'Asia/Tokyo') AS d, COUNT(*) AS n
        FROM orders WHERE placedAt < '2024-09-05' GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_month_to_date",
        """
        SELECT COUNT(*) AS n, SUM(amount) AS s FROM orders
        WHERE placedAt >= DATE_TRUNC('month', NOW() - INTERVAL '1 month')
          AND placedAt < DATE_TRUNC('month', NOW())""",
    ),
    C(
        "t_week_to_date_monday",
        """
        SELECT COUNT(*) AS n FROM orders WHERE placedAt >= DATE_TRUNC('week', NOW()) - INTERVAL '7 days'""",
    ),
    C(
        "t_open_ticket_age_days",
        """
        SELECT _id, EXTRACT(DAY FROM NOW() - openedAt) AS age_days FROM tickets
        WHERE closedAt IS NULL ORDER BY openedAt, _id LIMIT 10""",
    ),
    C(
        "t_ticket_resolution_hours_avg",
        """
        SELECT priority, ROUND(AVG(EXTRACT(EPOCH FROM closedAt - openedAt)) / 3600, 1) AS avg_h,
               COUNT(closedAt) AS closed, COUNT(*) AS total
        FROM tickets GROUP BY priority ORDER BY priority""",
    ),
    C(
        "t_tickets_closed_within_day",
        """
        SELECT COUNT(*) FILTER (WHERE closedAt <= openedAt + INTERVAL '1 day') AS within_day,
               COUNT(*) AS n FROM tickets""",
    ),
    C(
        "t_signup_text_date_cast",
        """
        SELECT _id, CAST(signupDay AS DATE) AS d FROM customers
        WHERE CAST(signupDay AS DATE) >= '2024-06-01' ORDER BY _id""",
    ),
    C(
        "t_signup_text_vs_ts",
        """
        SELECT COUNT(*) AS n FROM customers WHERE CAST(signupDay AS DATE) = CAST(registeredAt AS DATE)""",
    ),
    C(
        "t_signup_text_range_text",
        """
        SELECT COUNT(*) AS n FROM customers WHERE signupDay >= '2024-01-01'""",
    ),
    C(
        "t_signup_text_like_month",
        """
        SELECT _id FROM customers WHERE signupDay LIKE '2024-03-%' ORDER BY _id""",
    ),
    C(
        "t_signup_year_from_text",
        """
        SELECT SUBSTRING(signupDay FROM 1 FOR 4) AS y, COUNT(*) AS n FROM customers GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_launch_text_to_date_diff",
        """
        SELECT sku, CAST('2024-12-01' AS DATE) - CAST(launchDay AS DATE) AS days_on_sale
        FROM products ORDER BY sku""",
    ),
    C(
        "t_registered_cohort_quarter",
        """
        SELECT TO_CHAR(DATE_TRUNC('quarter', registeredAt), 'YYYY-"Q"Q') AS cohort, COUNT(*) AS n
        FROM customers GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_customer_tenure_bucket",
        """
        SELECT CASE WHEN registeredAt < '2023-07-01' THEN 'veteran'
                    WHEN registeredAt < '2024-01-01' THEN 'established'
                    ELSE 'new' END AS tenure, COUNT(*) AS n
        FROM customers GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_interval_compare_literal",
        """
        SELECT COUNT(*) AS n FROM orders WHERE shippedAt - placedAt > INTERVAL '48 hours'""",
    ),
    C(
        "t_timestamp_plus_interval_filter",
        """
        SELECT _id FROM orders WHERE placedAt + INTERVAL '3 days' < shippedAt ORDER BY _id""",
    ),
    C(
        "t_date_trunc_compare",
        """
        SELECT _id FROM orders WHERE DATE_TRUNC('day', placedAt) = '2024-10-01' ORDER BY _id""",
    ),
    C(
        "t_extract_month_year",
        """
        SELECT EXTRACT(YEAR FROM placedAt) AS y, EXTRACT(MONTH FROM placedAt) AS m, SUM(amount) AS s
        FROM orders GROUP BY 1, 2 ORDER BY 1, 2""",
    ),
    C(
        "t_daily_series_cte",
        """
        WITH d AS (SELECT CAST(placedAt AS DATE) AS day, COUNT(*) AS n FROM orders GROUP BY 1)
        SELECT day, n, SUM(n) OVER (ORDER BY day) AS running FROM d ORDER BY day LIMIT 20""",
    ),
    C(
        "t_first_last_order_per_customer",
        """
        SELECT customerId, MIN(placedAt) AS first_at, MAX(placedAt) AS last_at,
               CAST(MAX(placedAt) AS DATE) - CAST(MIN(placedAt) AS DATE) AS span_days
        FROM orders GROUP BY customerId HAVING COUNT(*) > 3 ORDER BY customerId""",
    ),
    C(
        "t_date_part_fn",
        """
        SELECT DATE_PART('dow', placedAt) AS dow, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_make_date_cmp",
        """
        SELECT COUNT(*) AS n FROM orders WHERE placedAt >= MAKE_DATE(2024, 11, 1)""",
    ),
    C(
        "t_age_years",
        """
        SELECT _id, EXTRACT(YEAR FROM AGE(TIMESTAMP '2024-12-01', registeredAt)) AS years
        FROM customers ORDER BY _id LIMIT 10""",
    ),
    C(
        "t_interval_param",
        """
        SELECT COUNT(*) AS n FROM orders WHERE placedAt >= :since""",
        params={"since": NOW.replace(day=1)},
    ),
    C(
        "t_quarter_extract",
        """
        SELECT EXTRACT(QUARTER FROM placedAt) AS q, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "t_doy",
        """
        SELECT _id, EXTRACT(DOY FROM placedAt) AS doy FROM orders ORDER BY _id LIMIT 5""",
    ),
    C(
        "t_timestamp_literal_typed",
        """
        SELECT COUNT(*) AS n FROM orders WHERE placedAt < TIMESTAMP '2024-10-27 01:00:00'""",
    ),
    C(
        "t_date_literal_typed",
        """
        SELECT COUNT(*) AS n FROM orders WHERE placedAt >= DATE '2024-11-30'""",
    ),
    E(
        "t_bad_date_literal",
        """
        SELECT COUNT(*) FROM orders WHERE placedAt >= DATE '2024-13-01'""",
    ),
    E(
        "t_date_plus_date",
        """
        SELECT CAST(placedAt AS DATE) + CAST(placedAt AS DATE) FROM orders""",
    ),
    C(
        "t_shipped_same_day",
        """
        SELECT COUNT(*) AS n FROM orders WHERE CAST(shippedAt AS DATE) = CAST(placedAt AS DATE)""",
    ),
    C(
        "t_deliveries_per_weekday_name",
        """
        SELECT TO_CHAR(deliveredAt, 'FMDay') AS d, COUNT(*) AS n FROM orders
        WHERE deliveredAt IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1""",
        refused="TO_CHAR",
    ),
]

ARRAYS = [
    C(
        "a_tag_any",
        """
        SELECT _id FROM customers WHERE 'vip' = ANY(tags) ORDER BY _id""",
    ),
    C(
        "a_tag_not_any",
        """
        SELECT COUNT(*) AS n FROM customers WHERE NOT ('vip' = ANY(tags))""",
    ),
    C(
        "a_tag_all_ne",
        """
        SELECT COUNT(*) AS n FROM customers WHERE 'vip' <> ALL(tags)""",
    ),
    C(
        "a_contains",
        """
        SELECT _id FROM customers WHERE tags @> ARRAY['newsletter'] ORDER BY _id""",
    ),
    C(
        "a_contains_two",
        """
        SELECT _id FROM customers WHERE tags @> ARRAY['vip', 'b2b'] ORDER BY _id""",
    ),
    C(
        "a_overlap",
        """
        SELECT COUNT(*) AS n FROM customers WHERE tags && ARRAY['vip', 'wholesale']""",
    ),
    C(
        "a_array_length",
        """
        SELECT _id, ARRAY_LENGTH(tags, 1) AS n FROM customers ORDER BY _id LIMIT 20""",
    ),
    C(
        "a_cardinality",
        """
        SELECT _id, CARDINALITY(tags) AS n FROM customers ORDER BY _id LIMIT 20""",
    ),
    C(
        "a_cardinality_hist",
        """
        SELECT COALESCE(CARDINALITY(tags), -1) AS n, COUNT(*) AS c FROM customers GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "a_empty_vs_null",
        """
        SELECT COUNT(*) FILTER (WHERE tags IS NULL) AS null_tags,
               COUNT(*) FILTER (WHERE CARDINALITY(tags) = 0) AS empty_tags,
               COUNT(*) FILTER (WHERE ARRAY_LENGTH(tags, 1) IS NULL) AS no_length
        FROM customers""",
    ),
    C(
        "a_unnest_tags_count",
        """
        SELECT t AS tag, COUNT(*) AS n FROM customers CROSS JOIN UNNEST(tags) AS t GROUP BY t ORDER BY n DESC, tag""",
    ),
    C(
        "a_unnest_items_qty",
        """
        SELECT i.sku, SUM(i.qty) AS units FROM orders o CROSS JOIN UNNEST(o.items) AS i
        GROUP BY i.sku ORDER BY units DESC, i.sku LIMIT 10""",
    ),
    C(
        "a_unnest_items_revenue",
        """
        SELECT i.sku, SUM(i.qty * i.unitPrice) AS revenue FROM orders o CROSS JOIN UNNEST(o.items) AS i
        WHERE LOWER(o.status) = 'delivered' GROUP BY i.sku ORDER BY revenue DESC, i.sku LIMIT 10""",
    ),
    C(
        "a_unnest_items_join_products",
        """
        SELECT p.category, SUM(i.qty) AS units FROM orders o CROSS JOIN UNNEST(o.items) AS i
        JOIN products p ON p.sku = i.sku GROUP BY p.category ORDER BY p.category""",
    ),
    C(
        "a_left_join_unnest_empty",
        """
        SELECT o._id, COUNT(i.sku) AS lines FROM orders o LEFT JOIN UNNEST(o.items) AS i ON true
        GROUP BY o._id ORDER BY o._id LIMIT 20""",
    ),
    C(
        "a_items_length",
        """
        SELECT CARDINALITY(items) AS lines, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "a_empty_orders",
        """
        SELECT _id FROM orders WHERE CARDINALITY(items) = 0 ORDER BY _id LIMIT 10""",
    ),
    C(
        "a_array_agg_ordered",
        """
        SELECT customerId, ARRAY_AGG(_id ORDER BY placedAt, _id) AS ids FROM orders
        GROUP BY customerId HAVING COUNT(*) >= 4 ORDER BY customerId""",
    ),
    C(
        "a_array_agg_status_ordered",
        """
        SELECT customerId, ARRAY_AGG(LOWER(status) ORDER BY _id DESC) AS s FROM orders
        WHERE customerId <= 10 GROUP BY customerId ORDER BY customerId""",
    ),
    C(
        "a_array_agg_unordered",
        """
        SELECT category, ARRAY_AGG(sku) AS skus FROM products GROUP BY category ORDER BY category""",
        unordered={"skus": None},
    ),
    C(
        "a_string_agg_tags",
        """
        SELECT _id, ARRAY_TO_STRING(tags, ', ') AS t FROM customers ORDER BY _id LIMIT 15""",
        refused="ARRAY_TO_STRING",
    ),
    C(
        "a_string_agg_ordered",
        """
        SELECT category, STRING_AGG(sku, '|' ORDER BY sku) AS skus FROM products GROUP BY category ORDER BY category""",
    ),
    C(
        "a_tags_first_element",
        """
        SELECT _id, tags[1] AS first_tag FROM customers ORDER BY _id LIMIT 15""",
    ),
    C(
        "a_product_tags_any_param",
        """
        SELECT sku FROM products WHERE :tag = ANY(tags) ORDER BY sku""",
        params={"tag": "eco"},
    ),
    C(
        "a_ticket_labels_any",
        """
        SELECT COUNT(*) AS n FROM tickets WHERE 'urgent' = ANY(labels) AND closedAt IS NULL""",
    ),
    C(
        "a_ticket_labels_unnest",
        """
        SELECT l, COUNT(*) AS n, COUNT(closedAt) AS closed FROM tickets CROSS JOIN UNNEST(labels) AS l
        GROUP BY l ORDER BY l""",
        refused="ambiguous",
    ),
    C(
        "a_nested_city",
        """
        SELECT profile.location.city AS city, COUNT(*) AS n FROM customers GROUP BY 1 ORDER BY 1 NULLS FIRST""",
    ),
    C(
        "a_nested_city_clean",
        """
        SELECT INITCAP(TRIM(profile.location.city)) AS city, COUNT(*) AS n FROM customers
        WHERE profile.location.city IS NOT NULL GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "a_nested_country_coalesce",
        """
        SELECT COALESCE(profile.location.country, '??') AS c, COUNT(*) AS n FROM customers GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "a_nested_shipping_city",
        """
        SELECT o.shipping.address.city AS city, SUM(o.amount) AS s FROM orders o
        GROUP BY 1 ORDER BY 1 NULLS LAST""",
    ),
    C(
        "a_nested_ship_vs_home_city",
        """
        SELECT COUNT(*) AS n FROM orders o JOIN customers c ON c._id = o.customerId
        WHERE LOWER(o.shipping.address.city) <> LOWER(c.profile.location.city)""",
    ),
    C(
        "a_nested_phone_missing",
        """
        SELECT COUNT(*) FILTER (WHERE profile.location.city IS NULL) AS no_city,
               COUNT(*) FILTER (WHERE profile.phone IS NULL) AS no_phone FROM customers""",
    ),
    C(
        "a_shipping_cost_sum",
        """
        SELECT o.shipping.address.country AS country, SUM(o.shipping.cost) AS cost, COUNT(o.shipping.cost) AS n
        FROM orders o GROUP BY 1 ORDER BY 1 NULLS FIRST""",
    ),
    C(
        "a_items_max_qty",
        """
        SELECT o._id, MAX(i.qty) AS max_qty FROM orders o CROSS JOIN UNNEST(o.items) AS i
        GROUP BY o._id HAVING MAX(i.qty) >= 5 ORDER BY o._id""",
    ),
    C(
        "a_item_lines_per_order_avg",
        """
        SELECT ROUND(AVG(CARDINALITY(items)), 3) AS avg_lines FROM orders""",
    ),
    C(
        "a_array_contains_param_array",
        """
        SELECT COUNT(*) AS n FROM products WHERE tags @> ARRAY['eco', 'new']""",
    ),
    C(
        "a_ordinality",
        """
        SELECT c._id, u.pos, u.tag FROM customers c
        CROSS JOIN UNNEST(c.tags) WITH ORDINALITY AS u(tag, pos)
        WHERE c._id <= 30 ORDER BY c._id, u.pos""",
    ),
    C(
        "a_distinct_skus_per_customer",
        """
        SELECT o.customerId, COUNT(DISTINCT i.sku) AS skus FROM orders o CROSS JOIN UNNEST(o.items) AS i
        GROUP BY o.customerId ORDER BY skus DESC, o.customerId LIMIT 10""",
    ),
    C(
        "a_tag_in_list_unnest",
        """
        SELECT t, COUNT(DISTINCT c._id) AS n FROM customers c CROSS JOIN UNNEST(c.tags) AS t
        WHERE t IN ('vip', 'b2b', 'wholesale') GROUP BY t ORDER BY t""",
    ),
    C(
        "a_like_on_unnest",
        """
        SELECT COUNT(*) AS n FROM customers CROSS JOIN UNNEST(tags) AS t WHERE t LIKE '%\\_%' ESCAPE '\\'""",
    ),
]

NULLS = [
    C(
        "n_is_distinct_from",
        """
        SELECT COUNT(*) AS n FROM orders WHERE channel IS DISTINCT FROM 'web'""",
    ),
    C(
        "n_is_not_distinct_from_null",
        """
        SELECT COUNT(*) AS n FROM orders WHERE channel IS NOT DISTINCT FROM NULL""",
    ),
    C(
        "n_neq_drops_nulls",
        """
        SELECT COUNT(*) AS n FROM orders WHERE channel <> 'web'""",
    ),
    C(
        "n_not_in_with_null_subquery",
        """
        SELECT COUNT(*) AS n FROM customers WHERE _id NOT IN (SELECT referrerId FROM customers)""",
    ),
    C(
        "n_not_in_no_nulls",
        """
        SELECT COUNT(*) AS n FROM customers WHERE _id NOT IN
          (SELECT referrerId FROM customers WHERE referrerId IS NOT NULL)""",
    ),
    C(
        "n_not_in_list_null",
        """
        SELECT COUNT(*) AS n FROM orders WHERE channel NOT IN ('web', NULL)""",
    ),
    C(
        "n_in_list_null",
        """
        SELECT COUNT(*) AS n FROM orders WHERE channel IN ('web', NULL)""",
    ),
    C(
        "n_not_exists_referrer",
        """
        SELECT COUNT(*) AS n FROM customers c WHERE NOT EXISTS
          (SELECT 1 FROM customers r WHERE r.referrerId = c._id)""",
    ),
    C(
        "n_coalesce_chain",
        """
        SELECT _id, COALESCE(profile.location.city, profile.phone, email, 'anonymous') AS contact
        FROM customers ORDER BY _id LIMIT 25""",
    ),
    C(
        "n_coalesce_money",
        """
        SELECT _id, amount - COALESCE(discount, 0) AS net FROM orders ORDER BY _id LIMIT 20""",
    ),
    C(
        "n_coalesce_money_quoted",
        """
        SELECT _id, amount - COALESCE(discount, '0.00') AS net FROM orders ORDER BY _id LIMIT 20""",
    ),
    C(
        "n_nullif_division",
        """
        SELECT customerId, SUM(amount) / NULLIF(COUNT(*) FILTER (WHERE LOWER(status) = 'delivered'), 0) AS per_delivered
        FROM orders GROUP BY customerId ORDER BY customerId LIMIT 20""",
    ),
    C(
        "n_nullif_ratio_stock",
        """
        SELECT sku, ROUND(price / NULLIF(stock, 0), 4) AS price_per_unit FROM products ORDER BY sku""",
    ),
    C(
        "n_count_col_vs_star",
        """
        SELECT COUNT(*) AS all_rows, COUNT(discount) AS with_discount, COUNT(channel) AS with_channel,
               COUNT(shippedAt) AS shipped, COUNT(DISTINCT channel) AS channels FROM orders""",
    ),
    C(
        "n_count_nested",
        """
        SELECT COUNT(profile) AS p, COUNT(profile.location) AS l, COUNT(profile.location.city) AS c FROM customers""",
    ),
    C(
        "n_sum_all_null_group",
        """
        SELECT status, SUM(discount) AS d FROM orders GROUP BY status ORDER BY status""",
    ),
    C(
        "n_avg_ignores_null",
        """
        SELECT agent, AVG(satisfaction) AS avg_sat, COUNT(satisfaction) AS rated FROM tickets
        GROUP BY agent ORDER BY agent NULLS FIRST""",
    ),
    C(
        "n_null_order_default",
        """
        SELECT _id, satisfaction FROM tickets ORDER BY satisfaction, _id LIMIT 12""",
    ),
    C(
        "n_null_order_desc",
        """
        SELECT _id, satisfaction FROM tickets ORDER BY satisfaction DESC, _id LIMIT 12""",
    ),
    C(
        "n_null_order_desc_nulls_last",
        """
        SELECT _id, satisfaction FROM tickets ORDER BY satisfaction DESC NULLS LAST, _id LIMIT 12""",
    ),
    C(
        "n_bool_null",
        """
        SELECT active, COUNT(*) AS n FROM customers GROUP BY active ORDER BY active NULLS FIRST""",
    ),
    C(
        "n_is_not_true",
        """
        SELECT COUNT(*) AS n FROM customers WHERE active IS NOT TRUE""",
    ),
    C(
        "n_is_false",
        """
        SELECT COUNT(*) AS n FROM customers WHERE active IS FALSE""",
    ),
    C(
        "n_case_null_bucket",
        """
        SELECT CASE WHEN loyaltyPoints IS NULL THEN 'unknown'
                    WHEN loyaltyPoints >= '1000' THEN 'high'
                    WHEN loyaltyPoints >= '100' THEN 'mid' ELSE 'low' END AS band, COUNT(*) AS n
        FROM customers GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "n_greatest_with_null",
        """
        SELECT _id, GREATEST(shippedAt, deliveredAt) AS last_move FROM orders ORDER BY _id LIMIT 12""",
    ),
    C(
        "n_least_coalesce",
        """
        SELECT _id, LEAST(COALESCE(discount, 99), 3) AS d FROM orders ORDER BY _id LIMIT 12""",
    ),
    C(
        "n_null_concat_op",
        """
        SELECT _id, name || ' <' || email || '>' AS label FROM customers ORDER BY _id LIMIT 12""",
    ),
    C(
        "n_null_concat_fn",
        """
        SELECT _id, CONCAT(name, ' <', email, '>') AS label FROM customers ORDER BY _id LIMIT 12""",
    ),
    C(
        "n_distinct_on_nulls",
        """
        SELECT DISTINCT tier FROM customers ORDER BY tier NULLS FIRST""",
    ),
    C(
        "n_nullif_empty_string",
        """
        SELECT COUNT(NULLIF(TRIM(agent), '')) AS n FROM tickets""",
    ),
    C(
        "n_coalesce_int_mix",
        """
        SELECT SUM(COALESCE(loyaltyPoints, 0)) AS pts, AVG(COALESCE(loyaltyPoints, 0)) AS avg_pts FROM customers""",
    ),
    C(
        "n_referrer_self_left",
        """
        SELECT c._id, r.name AS referrer FROM customers c LEFT JOIN customers r ON r._id = c.referrerId
        ORDER BY c._id LIMIT 20""",
    ),
    C(
        "n_min_max_nullable_ts",
        """
        SELECT MIN(closedAt) AS first_close, MAX(closedAt) AS last_close, COUNT(closedAt) AS n FROM tickets""",
    ),
    C(
        "n_is_distinct_from_column",
        """
        SELECT COUNT(*) AS n FROM orders WHERE shippedAt IS DISTINCT FROM deliveredAt""",
    ),
    C(
        "n_is_distinct_from_quoted_int",
        """
        SELECT COUNT(*) AS n FROM tickets WHERE satisfaction IS DISTINCT FROM '5'""",
    ),
    C(
        "n_is_distinct_from_quoted_ts",
        """
        SELECT COUNT(*) AS n FROM orders WHERE placedAt IS NOT DISTINCT FROM '2024-10-01 00:00:00'""",
    ),
    E(
        "n_sum_text",
        """
        SELECT SUM(status) FROM orders""",
    ),
]

SETOPS = [
    C(
        "s_union_contacts",
        """
        SELECT customerId AS id FROM orders WHERE amount > 500
        UNION SELECT customerId FROM tickets WHERE priority = 1
        ORDER BY id NULLS FIRST LIMIT 15""",
    ),
    C(
        "s_union_all_counts",
        """
        SELECT 'orders' AS src, COUNT(*) AS n FROM orders
        UNION ALL SELECT 'tickets', COUNT(*) FROM tickets
        UNION ALL SELECT 'customers', COUNT(*) FROM customers ORDER BY src""",
    ),
    C(
        "s_intersect_buyers_with_tickets",
        """
        SELECT customerId FROM orders INTERSECT SELECT customerId FROM tickets ORDER BY customerId""",
    ),
    C(
        "s_except_buyers_without_tickets",
        """
        SELECT customerId FROM orders EXCEPT SELECT customerId FROM tickets ORDER BY customerId""",
    ),
    C(
        "s_except_customers_no_orders",
        """
        SELECT _id FROM customers EXCEPT SELECT customerId FROM orders ORDER BY 1""",
    ),
    C(
        "s_union_desc_limit_offset",
        """
        SELECT _id, 'o' AS k FROM orders WHERE _id < 5 UNION SELECT _id, 't' FROM tickets WHERE _id < 5
        ORDER BY _id DESC, k LIMIT 4 OFFSET 2""",
    ),
    C(
        "s_union_dates",
        """
        SELECT CAST(placedAt AS DATE) AS d FROM orders WHERE placedAt < '2024-09-04'
        UNION SELECT CAST(openedAt AS DATE) FROM tickets WHERE openedAt < '2024-09-04' ORDER BY d""",
    ),
    C(
        "s_union_all_activity_feed",
        """
        SELECT placedAt AS at, 'order' AS kind, _id FROM orders WHERE customerId = 7
        UNION ALL SELECT openedAt, 'ticket', _id FROM tickets WHERE customerId = 7
        ORDER BY at DESC, kind, _id""",
    ),
    C(
        "s_intersect_all",
        """
        SELECT LOWER(status) FROM orders INTERSECT ALL SELECT 'delivered' FROM tickets ORDER BY 1""",
    ),
    C(
        "s_except_all",
        """
        SELECT priority FROM tickets EXCEPT ALL SELECT 3 FROM tickets WHERE _id < 40 ORDER BY 1""",
    ),
    C(
        "s_union_in_subquery",
        """
        SELECT COUNT(*) AS n FROM customers WHERE _id IN
          (SELECT customerId FROM orders UNION SELECT customerId FROM tickets)""",
    ),
    C(
        "s_union_cte",
        """
        WITH touch AS (SELECT customerId AS cid, placedAt AS at FROM orders
                       UNION ALL SELECT customerId, openedAt FROM tickets)
        SELECT cid, COUNT(*) AS touches, MAX(at) AS last_at FROM touch WHERE cid IS NOT NULL
        GROUP BY cid ORDER BY touches DESC, cid LIMIT 10""",
    ),
    C(
        "s_union_money_int",
        """
        SELECT amount AS v FROM orders WHERE _id <= 3 UNION SELECT priority FROM tickets WHERE _id <= 3 ORDER BY v""",
    ),
    E(
        "s_union_column_count",
        """
        SELECT _id, status FROM orders UNION SELECT _id FROM tickets""",
    ),
    E(
        "s_union_type_mismatch_literal",
        """
        SELECT placedAt FROM orders UNION SELECT 'x'::integer FROM tickets""",
    ),
    C(
        "s_union_null_dedupe",
        """
        SELECT channel FROM orders UNION SELECT NULL ORDER BY channel NULLS FIRST""",
    ),
]

JOINS = [
    C(
        "j_customers_order_counts",
        """
        SELECT c._id, c.name, COUNT(o._id) AS orders, COALESCE(SUM(o.amount), 0) AS spent
        FROM customers c LEFT JOIN orders o ON o.customerId = c._id
        GROUP BY c._id, c.name ORDER BY spent DESC, c._id LIMIT 15""",
    ),
    C(
        "j_customers_without_orders",
        """
        SELECT c._id FROM customers c LEFT JOIN orders o ON o.customerId = c._id
        WHERE o._id IS NULL ORDER BY c._id""",
    ),
    C(
        "j_left_join_filter_in_on",
        """
        SELECT c._id, COUNT(o._id) AS delivered FROM customers c
        LEFT JOIN orders o ON o.customerId = c._id AND LOWER(o.status) = 'delivered'
        GROUP BY c._id ORDER BY c._id LIMIT 20""",
    ),
    C(
        "j_left_join_tickets_open",
        """
        SELECT c.tier, COUNT(t._id) AS open_tickets FROM customers c
        LEFT JOIN tickets t ON t.customerId = c._id AND t.closedAt IS NULL
        GROUP BY c.tier ORDER BY c.tier NULLS LAST""",
    ),
    C(
        "j_orphan_orders",
        """
        SELECT o._id, o.customerId FROM orders o LEFT JOIN customers c ON c._id = o.customerId
        WHERE c._id IS NULL ORDER BY o._id""",
    ),
    C(
        "j_tier_revenue",
        """
        SELECT COALESCE(LOWER(c.tier), 'none') AS tier, SUM(o.amount) AS revenue, COUNT(*) AS n
        FROM orders o JOIN customers c ON c._id = o.customerId GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "j_avg_order_by_city",
        """
        SELECT INITCAP(c.profile.location.city) AS city, ROUND(AVG(o.amount), 2) AS avg_amount
        FROM orders o JOIN customers c ON c._id = o.customerId
        GROUP BY 1 ORDER BY 1 NULLS LAST""",
    ),
    C(
        "j_tickets_per_order_customer",
        """
        SELECT c._id, COUNT(DISTINCT o._id) AS orders, COUNT(DISTINCT t._id) AS tickets
        FROM customers c LEFT JOIN orders o ON o.customerId = c._id LEFT JOIN tickets t ON t.customerId = c._id
        GROUP BY c._id ORDER BY c._id LIMIT 20""",
    ),
    C(
        "j_left_join_count_star_trap",
        """
        SELECT c._id, COUNT(*) AS rows_, COUNT(t._id) AS tickets FROM customers c
        LEFT JOIN tickets t ON t.customerId = c._id GROUP BY c._id ORDER BY c._id LIMIT 15""",
    ),
    C(
        "j_products_never_sold",
        """
        SELECT p.sku FROM products p WHERE NOT EXISTS
          (SELECT 1 FROM orders o CROSS JOIN UNNEST(o.items) AS i WHERE i.sku = p.sku) ORDER BY p.sku""",
    ),
    C(
        "j_ticket_after_order",
        """
        SELECT COUNT(DISTINCT t._id) AS n FROM tickets t JOIN orders o ON o.customerId = t.customerId
        WHERE t.openedAt > o.placedAt AND t.openedAt < o.placedAt + INTERVAL '3 days'""",
    ),
    C(
        "j_join_on_nested",
        """
        SELECT o._id, c.profile.location.country AS home FROM orders o
        JOIN customers c ON c._id = o.customerId WHERE o.shipping.address.country = c.profile.location.country
        ORDER BY o._id LIMIT 15""",
    ),
    C(
        "j_left_join_having",
        """
        SELECT c._id, SUM(o.amount) AS s FROM customers c LEFT JOIN orders o ON o.customerId = c._id
        GROUP BY c._id HAVING SUM(o.amount) > '1000' ORDER BY c._id""",
    ),
    C(
        "j_left_join_coalesce_zero_having",
        """
        SELECT c._id FROM customers c LEFT JOIN orders o ON o.customerId = c._id
        GROUP BY c._id HAVING COALESCE(SUM(o.amount), 0) = 0 ORDER BY c._id""",
    ),
    C(
        "j_self_join_referrals",
        """
        SELECT r._id AS referrer, COUNT(c._id) AS referred FROM customers r
        JOIN customers c ON c.referrerId = r._id GROUP BY r._id ORDER BY referred DESC, r._id LIMIT 10""",
    ),
    C(
        "j_join_agg_subquery",
        """
        SELECT c._id, x.n FROM customers c
        JOIN (SELECT customerId, COUNT(*) AS n FROM tickets GROUP BY customerId) x ON x.customerId = c._id
        WHERE x.n >= 3 ORDER BY c._id""",
    ),
    C(
        "j_left_join_agg_subquery",
        """
        SELECT c._id, COALESCE(x.n, 0) AS n FROM customers c
        LEFT JOIN (SELECT customerId, COUNT(*) AS n FROM tickets GROUP BY customerId) x ON x.customerId = c._id
        ORDER BY c._id LIMIT 20""",
    ),
    C(
        "j_channel_share",
        """
        SELECT COALESCE(channel, '(none)') AS ch, COUNT(*) AS n,
               ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (), 2) AS pct
        FROM orders GROUP BY 1 ORDER BY 1""",
    ),
]

SUBQ = [
    C(
        "q_scalar_avg_compare",
        """
        SELECT _id, amount FROM orders WHERE amount > (SELECT AVG(amount) FROM orders) * 2 ORDER BY _id""",
    ),
    C(
        "q_scalar_in_select",
        """
        SELECT _id, amount, (SELECT MAX(amount) FROM orders) - amount AS gap FROM orders ORDER BY _id LIMIT 10""",
    ),
    C(
        "q_correlated_count",
        """
        SELECT c._id, (SELECT COUNT(*) FROM orders o WHERE o.customerId = c._id) AS n
        FROM customers c ORDER BY c._id LIMIT 20""",
    ),
    C(
        "q_correlated_last_order",
        """
        SELECT c._id, (SELECT MAX(o.placedAt) FROM orders o WHERE o.customerId = c._id) AS last_at
        FROM customers c ORDER BY c._id LIMIT 20""",
    ),
    C(
        "q_correlated_above_own_avg",
        """
        SELECT o._id FROM orders o WHERE o.amount >
          (SELECT AVG(o2.amount) FROM orders o2 WHERE o2.customerId = o.customerId) ORDER BY o._id LIMIT 30""",
    ),
    C(
        "q_exists_open_ticket",
        """
        SELECT c._id FROM customers c WHERE EXISTS
          (SELECT 1 FROM tickets t WHERE t.customerId = c._id AND t.closedAt IS NULL) ORDER BY c._id""",
    ),
    C(
        "q_in_subquery_vip",
        """
        SELECT COUNT(*) AS n, SUM(amount) AS s FROM orders WHERE customerId IN
          (SELECT _id FROM customers WHERE 'vip' = ANY(tags))""",
    ),
    C(
        "q_scalar_subquery_ratio",
        """
        SELECT LOWER(status) AS s, ROUND(COUNT(*) * 100.0 / (SELECT COUNT(*) FROM orders), 1) AS pct
        FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "q_derived_table_buckets",
        """
        SELECT bucket, COUNT(*) AS customers FROM
          (SELECT customerId, CASE WHEN COUNT(*) >= 5 THEN '5+' WHEN COUNT(*) >= 2 THEN '2-4' ELSE '1' END AS bucket
           FROM orders GROUP BY customerId) x GROUP BY bucket ORDER BY bucket""",
    ),
    C(
        "q_any_subquery",
        """
        SELECT COUNT(*) AS n FROM orders WHERE amount > ANY (SELECT creditLimit FROM customers WHERE tier = 'gold')""",
    ),
    C(
        "q_all_subquery",
        """
        SELECT _id FROM orders WHERE amount >= ALL (SELECT amount FROM orders) ORDER BY _id""",
    ),
    C(
        "q_max_per_group_correlated",
        """
        SELECT o._id, o.customerId, o.amount FROM orders o WHERE o.amount =
          (SELECT MAX(o2.amount) FROM orders o2 WHERE o2.customerId = o.customerId)
          AND o.customerId <= 15 ORDER BY o.customerId, o._id""",
    ),
    C(
        "q_cte_then_scalar",
        """
        WITH totals AS (SELECT customerId, SUM(amount) AS s FROM orders GROUP BY customerId)
        SELECT customerId, s FROM totals WHERE s > (SELECT AVG(s) FROM totals) ORDER BY s DESC, customerId LIMIT 10""",
    ),
    C(
        "q_scalar_empty_is_null",
        """
        SELECT c._id, (SELECT SUM(t.priority) FROM tickets t WHERE t.customerId = c._id) AS prio
        FROM customers c ORDER BY c._id LIMIT 10""",
    ),
    E(
        "q_scalar_many_rows",
        """
        SELECT _id, (SELECT _id FROM tickets) FROM orders""",
    ),
    C(
        "q_not_exists_recent",
        """
        SELECT COUNT(*) AS dormant FROM customers c WHERE NOT EXISTS
          (SELECT 1 FROM orders o WHERE o.customerId = c._id AND o.placedAt >= '2024-11-01')""",
    ),
    C(
        "q_in_tuple_free_subquery_dates",
        """
        SELECT COUNT(*) AS n FROM tickets WHERE CAST(openedAt AS DATE) IN
          (SELECT CAST(placedAt AS DATE) FROM orders WHERE amount > 800)""",
    ),
]

STRINGS = [
    C(
        "x_concat_label",
        """
        SELECT _id, CONCAT('#', _id, ' ', UPPER(status)) AS label FROM orders ORDER BY _id LIMIT 10""",
    ),
    C(
        "x_pipe_money",
        """
        SELECT _id, '$' || amount AS shown FROM orders ORDER BY _id LIMIT 10""",
    ),
    C(
        "x_lpad_order_no",
        """
        SELECT _id, 'ORD-' || LPAD(CAST(_id AS TEXT), 6, '0') AS no FROM orders ORDER BY _id LIMIT 10""",
    ),
    C(
        "x_rpad",
        """
        SELECT RPAD(sku, 10, '.') || '|' AS s FROM products ORDER BY sku""",
    ),
    C(
        "x_initcap_names",
        """
        SELECT _id, INITCAP(name) AS n FROM customers ORDER BY _id LIMIT 20""",
    ),
    C(
        "x_position_at",
        """
        SELECT _id, POSITION('@' IN email) AS at, SUBSTRING(email FROM POSITION('@' IN email) + 1) AS domain
        FROM customers ORDER BY _id LIMIT 20""",
    ),
    C(
        "x_email_domain_counts",
        """
        SELECT LOWER(SPLIT_PART(email, '@', 2)) AS domain, COUNT(*) AS n FROM customers
        WHERE email IS NOT NULL GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "x_like_percent_escape",
        """
        SELECT sku, title FROM products WHERE title LIKE '%100\\%%' ORDER BY sku""",
    ),
    C(
        "x_like_underscore_escape",
        """
        SELECT _id FROM customers WHERE name LIKE '%\\_%' ORDER BY _id""",
    ),
    C(
        "x_like_custom_escape",
        """
        SELECT _id, subject FROM tickets WHERE subject LIKE '%10!%%' ESCAPE '!' ORDER BY _id LIMIT 10""",
    ),
    C(
        "x_ilike",
        """
        SELECT COUNT(*) AS n FROM products WHERE title ILIKE '%speaker%'""",
    ),
    C(
        "x_not_ilike",
        """
        SELECT COUNT(*) AS n FROM tickets WHERE subject NOT ILIKE 'refund%'""",
    ),
    C(
        "x_like_underscore_wild",
        """
        SELECT sku FROM products WHERE sku LIKE 'AUD-__1' ORDER BY sku""",
    ),
    C(
        "x_upper_lower_group",
        """
        SELECT LOWER(status) AS s, COUNT(*) AS n, STRING_AGG(DISTINCT status, ',' ORDER BY status) AS spellings
        FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "x_length_names",
        """
        SELECT _id, LENGTH(name) AS len, CHAR_LENGTH(name) AS clen FROM customers ORDER BY _id LIMIT 10""",
    ),
    C(
        "x_replace",
        """
        SELECT DISTINCT REPLACE(LOWER(title), '_', ' ') AS t FROM products ORDER BY 1""",
    ),
    C(
        "x_left_right",
        """
        SELECT sku, LEFT(sku, 3) AS cat, RIGHT(sku, 3) AS num FROM products ORDER BY sku LIMIT 8""",
    ),
    C(
        "x_trim_both",
        """
        SELECT TRIM(BOTH '_' FROM title) AS t FROM products ORDER BY _id LIMIT 8""",
    ),
    C(
        "x_concat_ws",
        """
        SELECT _id, CONCAT_WS(' / ', profile.location.city, profile.location.country) AS place
        FROM customers ORDER BY _id LIMIT 15""",
    ),
    C(
        "x_to_char_in_label",
        """
        SELECT _id, 'placed ' || TO_CHAR(placedAt, 'DD Mon YYYY') AS label FROM orders ORDER BY _id LIMIT 8""",
    ),
    C(
        "x_cast_text_date",
        """
        SELECT _id, CAST(CAST(placedAt AS DATE) AS TEXT) AS d FROM orders ORDER BY _id LIMIT 8""",
    ),
    C(
        "x_cast_text_ts",
        """
        SELECT _id, CAST(placedAt AS TEXT) AS ts FROM orders ORDER BY _id LIMIT 8""",
    ),
    C(
        "x_cast_money_text",
        """
        SELECT _id, CAST(amount AS TEXT) AS a FROM orders ORDER BY _id LIMIT 8""",
    ),
    C(
        "x_starts_with",
        """
        SELECT COUNT(*) AS n FROM products WHERE STARTS_WITH(sku, 'KIT')""",
    ),
    C(
        "x_reverse_md5_free",
        """
        SELECT _id, REVERSE(sku) AS r FROM products ORDER BY _id LIMIT 5""",
    ),
    C(
        "x_repeat_bar",
        """
        SELECT priority, REPEAT('*', COUNT(*)::int / 5) AS bar FROM tickets GROUP BY priority ORDER BY priority""",
    ),
    C(
        "x_strpos",
        """
        SELECT _id, STRPOS(LOWER(subject), 'refund') AS p FROM tickets ORDER BY _id LIMIT 10""",
    ),
    C(
        "x_agent_initcap_group",
        """
        SELECT INITCAP(agent) AS a, COUNT(*) AS n FROM tickets GROUP BY 1 ORDER BY 1 NULLS FIRST""",
    ),
    C(
        "x_like_trailing_escape",
        """
        SELECT COUNT(*) FROM products WHERE title LIKE 'abc\\'""",
        refused="escape",
    ),
    C(
        "x_order_by_text_collation_free",
        """
        SELECT name FROM customers ORDER BY LOWER(name), _id LIMIT 10""",
    ),
]

CASES_ = [
    C(
        "b_amount_buckets_quoted",
        """
        SELECT CASE WHEN amount < '50' THEN 'small' WHEN amount < '250.00' THEN 'medium' ELSE 'large' END AS b,
               COUNT(*) AS n, SUM(amount) AS s
        FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "b_amount_between_quoted",
        """
        SELECT COUNT(*) AS n FROM orders WHERE amount BETWEEN '100' AND '200'""",
    ),
    C(
        "b_date_bucket_quoted",
        """
        SELECT CASE WHEN placedAt < '2024-10-01' THEN 'Sep' WHEN placedAt < '2024-11-01' THEN 'Oct'
                    WHEN placedAt < '2024-12-01' THEN 'Nov' ELSE 'Dec' END AS m, COUNT(*) AS n
        FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "b_case_in_sum",
        """
        SELECT SUM(CASE WHEN LOWER(status) = 'returned' THEN amount ELSE 0 END) AS returned,
               SUM(CASE WHEN LOWER(status) = 'delivered' THEN amount ELSE 0 END) AS delivered FROM orders""",
    ),
    C(
        "b_case_count_filter",
        """
        SELECT COUNT(CASE WHEN priority = 1 THEN 1 END) AS p1, COUNT(*) FILTER (WHERE priority = 2) AS p2,
               COUNT(*) FILTER (WHERE priority = '3') AS p3 FROM tickets""",
    ),
    C(
        "b_stock_status",
        """
        SELECT sku, CASE WHEN stock = 0 THEN 'out' WHEN stock < 10 THEN 'low' ELSE 'ok' END AS st
        FROM products ORDER BY sku""",
    ),
    C(
        "b_weight_class",
        """
        SELECT CASE WHEN weightKg IS NULL THEN 'n/a' WHEN weightKg < '1.5' THEN 'light'
                    WHEN weightKg < 5 THEN 'medium' ELSE 'heavy' END AS w, COUNT(*) AS n
        FROM products GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "b_sla_breach",
        """
        SELECT priority,
               COUNT(*) FILTER (WHERE COALESCE(closedAt, TIMESTAMP '2024-12-02 09:15:00') - openedAt >
                                CASE priority WHEN 1 THEN INTERVAL '4 hours' WHEN 2 THEN INTERVAL '1 day'
                                     ELSE INTERVAL '3 days' END) AS breached
        FROM tickets GROUP BY priority ORDER BY priority""",
    ),
    C(
        "b_simple_case_tier",
        """
        SELECT CASE LOWER(tier) WHEN 'gold' THEN 3 WHEN 'platinum' THEN 4 WHEN 'silver' THEN 2 ELSE 1 END AS rank_,
               COUNT(*) AS n FROM customers GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "b_case_else_null",
        """
        SELECT _id, CASE WHEN discount > 0 THEN 'discounted' END AS d FROM orders ORDER BY _id LIMIT 15""",
    ),
    C(
        "b_loyalty_between_quoted",
        """
        SELECT COUNT(*) AS n FROM customers WHERE loyaltyPoints BETWEEN '100' AND '999'""",
    ),
    C(
        "b_loyalty_int64_arith",
        """
        SELECT _id, loyaltyPoints * 2 + 1 AS x FROM customers WHERE loyaltyPoints IS NOT NULL ORDER BY _id LIMIT 15""",
    ),
    C(
        "b_loyalty_int_div",
        """
        SELECT _id, loyaltyPoints / 100 AS hundreds, loyaltyPoints % 100 AS rest FROM customers
        WHERE loyaltyPoints IS NOT NULL ORDER BY _id LIMIT 15""",
    ),
    C(
        "b_credit_utilization",
        """
        SELECT c._id, ROUND(100 * COALESCE(SUM(o.amount), 0) / NULLIF(c.creditLimit, 0), 1) AS util_pct
        FROM customers c LEFT JOIN orders o ON o.customerId = c._id
        GROUP BY c._id, c.creditLimit ORDER BY c._id LIMIT 25""",
    ),
    C(
        "b_net_after_discount_round",
        """
        SELECT _id, ROUND(amount * 0.92 - COALESCE(discount, 0), 2) AS net FROM orders ORDER BY _id LIMIT 15""",
    ),
    C(
        "b_avg_amount_numeric",
        """
        SELECT LOWER(status) AS s, AVG(amount) AS avg_amount FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "b_ship_cost_share",
        """
        SELECT SUM(o.shipping.cost) / NULLIF(SUM(o.amount), 0) AS share FROM orders o""",
    ),
    C(
        "b_in_quoted_ints",
        """
        SELECT COUNT(*) AS n FROM tickets WHERE priority IN ('1', '2')""",
    ),
    C(
        "b_not_between_dates",
        """
        SELECT COUNT(*) AS n FROM tickets WHERE openedAt NOT BETWEEN '2024-10-01' AND '2024-10-31 23:59:59'""",
    ),
    C(
        "b_case_returns_date",
        """
        SELECT _id, CASE WHEN deliveredAt IS NOT NULL THEN CAST(deliveredAt AS DATE)
                         ELSE CAST(placedAt AS DATE) + 10 END AS eta
        FROM orders ORDER BY _id LIMIT 15""",
    ),
    C(
        "b_greatest_quoted",
        """
        SELECT _id, GREATEST(priority, '2') AS p FROM tickets ORDER BY _id LIMIT 10""",
    ),
    C(
        "b_bool_case",
        """
        SELECT CASE WHEN active THEN 'active' WHEN NOT active THEN 'inactive' ELSE 'unknown' END AS a, COUNT(*) AS n
        FROM customers GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "b_satisfaction_avg_round",
        """
        SELECT agent, ROUND(AVG(satisfaction), 2) AS csat FROM tickets WHERE agent IS NOT NULL
        GROUP BY agent ORDER BY agent""",
    ),
    C(
        "b_csat_share_positive",
        """
        SELECT ROUND(100.0 * COUNT(*) FILTER (WHERE satisfaction >= 4) / NULLIF(COUNT(satisfaction), 0), 2) AS pct
        FROM tickets""",
    ),
    E(
        "b_case_type_mismatch",
        """
        SELECT CASE WHEN priority = 1 THEN 'high' ELSE priority END FROM tickets""",
    ),
    E(
        "b_division_by_zero",
        """
        SELECT SUM(amount) / 0 FROM orders""",
    ),
    C(
        "b_mod_buckets",
        """
        SELECT _id % 4 AS shard, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "b_weight_round_double",
        """
        SELECT sku, ROUND(weightKg) AS w, CEIL(weightKg) AS c, FLOOR(weightKg) AS f FROM products ORDER BY sku""",
    ),
]

DASH = [
    C(
        "d_kpi_tiles",
        """
        SELECT COUNT(*) AS orders, COUNT(DISTINCT customerId) AS buyers, SUM(amount) AS gmv,
               ROUND(AVG(amount), 2) AS aov, MAX(placedAt) AS last_order FROM orders
        WHERE LOWER(status) NOT IN ('cancelled', 'returned')""",
    ),
    C(
        "d_week_over_week",
        """
        WITH w AS (SELECT DATE_TRUNC('week', placedAt) AS wk, SUM(amount) AS s FROM orders GROUP BY 1)
        SELECT wk, s, s - LAG(s) OVER (ORDER BY wk) AS delta FROM w ORDER BY wk""",
    ),
    C(
        "d_month_over_month_pct",
        """
        WITH m AS (SELECT DATE_TRUNC('month', placedAt) AS mo, COUNT(*) AS n FROM orders GROUP BY 1)
        SELECT mo, n, ROUND(100.0 * (n - LAG(n) OVER (ORDER BY mo)) / LAG(n) OVER (ORDER BY mo), 1) AS pct
        FROM m ORDER BY mo""",
    ),
    C(
        "d_top_customers_rank",
        """
        SELECT customerId, SUM(amount) AS s, RANK() OVER (ORDER BY SUM(amount) DESC) AS r FROM orders
        GROUP BY customerId ORDER BY r, customerId LIMIT 10""",
    ),
    C(
        "d_status_pivot_by_month",
        """
        SELECT TO_CHAR(placedAt, 'YYYY-MM') AS m,
               COUNT(*) FILTER (WHERE LOWER(status) = 'delivered') AS delivered,
               COUNT(*) FILTER (WHERE LOWER(status) = 'cancelled') AS cancelled,
               COUNT(*) FILTER (WHERE LOWER(status) IN ('new', 'paid', 'shipped')) AS open_
        FROM orders GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "d_ticket_backlog_by_week",
        """
        SELECT DATE_TRUNC('week', openedAt) AS wk, COUNT(*) AS opened, COUNT(*) FILTER (WHERE closedAt IS NULL) AS still_open
        FROM tickets GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "d_repeat_buyers",
        """
        SELECT COUNT(*) FILTER (WHERE n > 1) AS repeat_, COUNT(*) AS buyers FROM
          (SELECT customerId, COUNT(*) AS n FROM orders GROUP BY customerId) x""",
    ),
    C(
        "d_days_since_last_order",
        """
        SELECT customerId, CAST('2024-12-02' AS DATE) - CAST(MAX(placedAt) AS DATE) AS days_since
        FROM orders GROUP BY customerId ORDER BY days_since DESC, customerId LIMIT 10""",
    ),
    C(
        "d_inventory_value",
        """
        SELECT category, SUM(price * stock) AS value, SUM(stock) AS units FROM products GROUP BY category ORDER BY category""",
    ),
    C(
        "d_low_stock_alert",
        """
        SELECT sku, stock, CONCAT(sku, ': ', stock, ' left') AS msg FROM products WHERE stock < 10 ORDER BY stock, sku""",
    ),
    C(
        "d_agent_leaderboard",
        """
        SELECT LOWER(agent) AS agent, COUNT(*) FILTER (WHERE closedAt IS NOT NULL) AS closed,
               ROUND(AVG(satisfaction), 2) AS csat
        FROM tickets WHERE agent IS NOT NULL GROUP BY 1 ORDER BY closed DESC, agent""",
    ),
    C(
        "d_first_order_cohort_month",
        """
        WITH f AS (SELECT customerId, MIN(placedAt) AS first_at FROM orders GROUP BY customerId)
        SELECT DATE_TRUNC('month', first_at) AS cohort, COUNT(*) AS n FROM f GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "d_daily_revenue_7d_avg",
        """
        WITH d AS (SELECT CAST(placedAt AS DATE) AS day, SUM(amount) AS s FROM orders GROUP BY 1)
        SELECT day, s, ROUND(AVG(s) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW), 2) AS avg7
        FROM d ORDER BY day LIMIT 20""",
    ),
    C(
        "d_channel_by_week_dow",
        """
        SELECT EXTRACT(ISODOW FROM placedAt) AS d, COALESCE(channel, '-') AS ch, COUNT(*) AS n
        FROM orders GROUP BY 1, 2 ORDER BY 1, 2""",
    ),
    C(
        "d_open_orders_age",
        """
        SELECT _id, NOW() - placedAt > INTERVAL '14 days' AS stale FROM orders
        WHERE LOWER(status) IN ('new', 'paid') ORDER BY _id""",
    ),
    C(
        "d_orders_per_customer_hist",
        """
        SELECT n, COUNT(*) AS customers FROM (SELECT customerId, COUNT(*) AS n FROM orders GROUP BY 1) x
        GROUP BY n ORDER BY n""",
    ),
    C(
        "d_discount_usage",
        """
        SELECT COUNT(*) FILTER (WHERE discount > 0) AS used, COUNT(*) FILTER (WHERE discount = 0) AS zero,
               COUNT(*) FILTER (WHERE discount IS NULL) AS unknown FROM orders""",
    ),
    C(
        "d_top_skus_share",
        """
        WITH s AS (SELECT i.sku, SUM(i.qty * i.unitPrice) AS rev FROM orders o CROSS JOIN UNNEST(o.items) AS i GROUP BY i.sku)
        SELECT sku, rev, ROUND(100 * rev / SUM(rev) OVER (), 2) AS pct FROM s ORDER BY rev DESC, sku LIMIT 5""",
    ),
    C(
        "d_row_number_latest_per_customer",
        """
        SELECT customerId, _id, placedAt FROM (
          SELECT customerId, _id, placedAt, ROW_NUMBER() OVER (PARTITION BY customerId ORDER BY placedAt DESC, _id) AS rn
          FROM orders) x WHERE rn = 1 ORDER BY customerId LIMIT 20""",
    ),
    C(
        "d_distinct_on_latest",
        """
        SELECT DISTINCT ON (customerId) customerId, _id, amount FROM orders
        ORDER BY customerId, placedAt DESC, _id LIMIT 20""",
    ),
    C(
        "d_tickets_per_customer_tier",
        """
        SELECT COALESCE(c.tier, 'unknown') AS tier, COUNT(t._id) AS tickets,
               ROUND(COUNT(t._id)::numeric / NULLIF(COUNT(DISTINCT c._id), 0), 2) AS per_customer
        FROM customers c LEFT JOIN tickets t ON t.customerId = c._id GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "d_time_to_first_ticket",
        """
        SELECT c._id, MIN(t.openedAt) - c.registeredAt > INTERVAL '365 days' AS late
        FROM customers c JOIN tickets t ON t.customerId = c._id GROUP BY c._id, c.registeredAt ORDER BY c._id LIMIT 15""",
    ),
    C(
        "d_grouping_rollup_month_channel",
        """
        SELECT DATE_TRUNC('month', placedAt) AS m, channel, COUNT(*) AS n FROM orders
        GROUP BY ROLLUP (1, 2) ORDER BY 1 NULLS LAST, 2 NULLS LAST""",
    ),
    C(
        "d_offset_paging",
        """
        SELECT _id, amount FROM orders ORDER BY amount DESC, _id LIMIT 10 OFFSET 10""",
    ),
    C(
        "d_fetch_first",
        """
        SELECT _id FROM orders ORDER BY placedAt DESC, _id FETCH FIRST 5 ROWS ONLY""",
    ),
    C(
        "d_having_count_quoted",
        """
        SELECT customerId, COUNT(*) AS n FROM orders GROUP BY customerId HAVING COUNT(*) >= '5' ORDER BY customerId""",
    ),
    E(
        "d_ungrouped_column",
        """
        SELECT customerId, status, COUNT(*) FROM orders GROUP BY customerId""",
    ),
    E(
        "d_unknown_column",
        """
        SELECT shipped_at FROM orders""",
        xfail=UNKNOWN_COLUMN,
    ),
]

# Added after the first run (not in its figures): the edges of the same report classes.
EDGES = [
    C(
        "e_date_vs_ts_literal_with_time",
        """
        SELECT COUNT(*) AS n FROM orders WHERE CAST(placedAt AS DATE) < '2024-10-01 12:00'""",
    ),
    C(
        "e_date_eq_typed_timestamp",
        """
        SELECT COUNT(*) AS n FROM orders WHERE CAST(placedAt AS DATE) = TIMESTAMP '2024-10-01 00:00:00'""",
    ),
    C(
        "e_date_plus_interval",
        """
        SELECT _id, CAST(placedAt AS DATE) + INTERVAL '1 day' AS next_day FROM orders ORDER BY _id LIMIT 6""",
    ),
    C(
        "e_date_minus_int",
        """
        SELECT _id, CAST(placedAt AS DATE) - 1 AS prev_day FROM orders ORDER BY _id LIMIT 6""",
    ),
    C(
        "e_current_date_minus_date",
        """
        SELECT _id, CURRENT_DATE - CAST(placedAt AS DATE) AS age_days FROM orders ORDER BY _id LIMIT 6""",
    ),
    C(
        "e_epoch_of_date",
        """
        SELECT _id, EXTRACT(EPOCH FROM CAST(placedAt AS DATE)) AS e FROM orders ORDER BY _id LIMIT 6""",
    ),
    C(
        "e_interval_times_int",
        """
        SELECT COUNT(*) AS n FROM tickets WHERE closedAt - openedAt > priority * INTERVAL '1 day'""",
        refused="interval",
    ),
    C(
        "e_epoch_of_interval_literal",
        """
        SELECT _id, EXTRACT(EPOCH FROM INTERVAL '1 day') * priority AS budget FROM tickets ORDER BY _id LIMIT 5""",
    ),
    C(
        "e_to_char_quarter_week",
        """
        SELECT _id, TO_CHAR(placedAt, 'YYYY"Q"Q') AS q, TO_CHAR(placedAt, 'IW') AS iw FROM orders ORDER BY _id LIMIT 8""",
    ),
    C(
        "e_date_trunc_week_sunday",
        """
        SELECT _id, DATE_TRUNC('week', placedAt) AS wk FROM orders
        WHERE EXTRACT(DOW FROM placedAt) = 0 ORDER BY _id LIMIT 8""",
    ),
    C(
        "e_at_time_zone_dst_instant",
        """
        SELECT _id, (placedAt AT TIME ZONE 'UTC') AT TIME ZONE 'America/Los_Angeles' AS local_ts FROM orders
        WHERE placedAt BETWEEN '2024-11-03 00:00' AND '2024-11-03 23:59' ORDER BY _id""",
    ),
    C(
        "e_all_empty_array_true",
        """
        SELECT COUNT(*) FILTER (WHERE 'vip' = ALL(tags)) AS all_vip,
               COUNT(*) FILTER (WHERE NOT ('vip' = ALL(tags))) AS not_all_vip FROM customers""",
    ),
    C(
        "e_ne_all_array_literal",
        """
        SELECT COUNT(*) AS n FROM customers WHERE tier <> ALL(ARRAY['gold', 'Gold'])""",
    ),
    C(
        "e_array_position",
        """
        SELECT _id, ARRAY_POSITION(tags, 'vip') AS p FROM customers ORDER BY _id LIMIT 20""",
    ),
    C(
        "e_tags_second_and_zero",
        """
        SELECT _id, tags[2] AS second, tags[0] AS zeroth FROM customers ORDER BY _id LIMIT 20""",
    ),
    C(
        "e_empty_array_literal_eq",
        """
        SELECT COUNT(*) AS n FROM customers WHERE tags = '{}'""",
    ),
    C(
        "e_cardinality_null_case",
        """
        SELECT CASE WHEN tags IS NULL THEN 'null' WHEN CARDINALITY(tags) = 0 THEN 'empty' ELSE 'some' END AS k,
               COUNT(*) AS n FROM customers GROUP BY 1 ORDER BY 1""",
    ),
    C(
        "e_any_subquery_nulls",
        """
        SELECT COUNT(*) AS n FROM customers WHERE _id = ANY (SELECT referrerId FROM customers)""",
    ),
    C(
        "e_not_in_empty_subquery",
        """
        SELECT COUNT(*) AS n FROM customers WHERE _id NOT IN (SELECT referrerId FROM customers WHERE _id < 0)""",
    ),
    C(
        "e_count_distinct_nullable",
        """
        SELECT COUNT(DISTINCT tier) AS tiers, COUNT(DISTINCT LOWER(tier)) AS tiers_ci FROM customers""",
    ),
    C(
        "e_avg_int_mix",
        """
        SELECT AVG(loyaltyPoints) AS a, SUM(loyaltyPoints) AS s FROM customers""",
    ),
    C(
        "e_except_with_nulls",
        """
        SELECT channel FROM orders EXCEPT SELECT channel FROM orders WHERE _id > 1000 ORDER BY 1 NULLS FIRST""",
    ),
    C(
        "e_intersect_nulls",
        """
        SELECT channel FROM orders WHERE _id < 60 INTERSECT SELECT channel FROM orders WHERE _id >= 60
        ORDER BY 1 NULLS LAST""",
    ),
    C(
        "e_union_parenthesized_limits",
        """
        (SELECT _id FROM orders ORDER BY amount DESC, _id LIMIT 3)
        UNION ALL (SELECT _id FROM orders ORDER BY amount, _id LIMIT 3) ORDER BY 1""",
    ),
    C(
        "e_like_empty_escape",
        """
        SELECT COUNT(*) AS n FROM customers WHERE name LIKE '%\\_%' ESCAPE ''""",
    ),
    C(
        "e_ilike_non_ascii",
        """
        SELECT COUNT(*) AS n FROM customers WHERE profile.location.city ILIKE 'SÃO%'""",
    ),
    C(
        "e_lpad_truncates",
        """
        SELECT sku, LPAD(sku, 3) AS short, LPAD(sku, 9, 'ab') AS long FROM products ORDER BY sku LIMIT 5""",
    ),
    C(
        "e_initcap_punct",
        """
        SELECT DISTINCT INITCAP(SPLIT_PART(name, ' ', 1) || ' ' || SPLIT_PART(name, ' ', 2)) AS n FROM customers ORDER BY 1""",
    ),
    C(
        "e_position_empty",
        """
        SELECT _id, POSITION('' IN sku) AS p FROM products ORDER BY _id LIMIT 3""",
    ),
    C(
        "e_length_non_ascii",
        """
        SELECT DISTINCT profile.location.city AS c, LENGTH(profile.location.city) AS n FROM customers
        WHERE profile.location.city IS NOT NULL ORDER BY 1""",
    ),
    C(
        "e_substring_zero_start",
        """
        SELECT sku, SUBSTRING(sku, 0, 3) AS s FROM products ORDER BY sku LIMIT 5""",
    ),
    C(
        "e_concat_typed_values",
        """
        SELECT _id, CONCAT(amount, '|', placedAt, '|', discount) AS s FROM orders ORDER BY _id LIMIT 6""",
    ),
    C(
        "e_concat_bool_double",
        """
        SELECT _id, CONCAT(active, '/', loyaltyPoints) AS s FROM customers ORDER BY _id LIMIT 10""",
    ),
    C(
        "e_pipe_date",
        """
        SELECT _id, 'due ' || (CAST(placedAt AS DATE) + 14) AS s FROM orders ORDER BY _id LIMIT 5""",
    ),
    C(
        "e_pipe_double",
        """
        SELECT sku, weightKg || ' kg' AS w FROM products ORDER BY sku LIMIT 8""",
    ),
    C(
        "e_case_money_quoted_then",
        """
        SELECT _id, CASE WHEN discount IS NULL THEN '0.00' ELSE discount END AS d FROM orders ORDER BY _id LIMIT 10""",
    ),
    C(
        "e_coalesce_quoted_date",
        """
        SELECT _id, COALESCE(deliveredAt, '2099-01-01') AS d FROM orders ORDER BY _id LIMIT 10""",
    ),
    C(
        "e_nullif_quoted_date",
        """
        SELECT COUNT(NULLIF(placedAt, '2024-10-01 00:00:00')) AS n FROM orders""",
    ),
    C(
        "e_between_symmetric",
        """
        SELECT COUNT(*) AS n FROM orders WHERE amount BETWEEN SYMMETRIC 500 AND 100""",
    ),
    C(
        "e_scalar_subquery_in_case",
        """
        SELECT _id, CASE WHEN amount > (SELECT AVG(amount) FROM orders) THEN 'above' ELSE 'below' END AS v
        FROM orders ORDER BY _id LIMIT 10""",
    ),
    C(
        "e_left_join_count_filter",
        """
        SELECT c._id, COUNT(o._id) FILTER (WHERE o.amount > 100) AS big FROM customers c
        LEFT JOIN orders o ON o.customerId = c._id GROUP BY c._id ORDER BY c._id LIMIT 20""",
    ),
    C(
        "e_sum_interval_epoch",
        """
        SELECT agent, EXTRACT(EPOCH FROM SUM(closedAt - openedAt)) / 3600 AS hours FROM tickets
        WHERE agent IS NOT NULL GROUP BY agent ORDER BY agent""",
    ),
    E(
        "e_text_date_vs_typed_date",
        """
        SELECT COUNT(*) AS n FROM customers WHERE signupDay >= DATE '2024-01-01'""",
        xfail=TEXT_VS_DATE,
    ),
    C(
        "e_trunc_month_text_date",
        """
        SELECT DATE_TRUNC('month', CAST(signupDay AS DATE)) AS m, COUNT(*) AS n FROM customers GROUP BY 1 ORDER BY 1 NULLS FIRST""",
    ),
    C(
        "e_to_char_text_date",
        """
        SELECT TO_CHAR(CAST(signupDay AS DATE), 'YYYY-MM') AS m, COUNT(*) AS n FROM customers GROUP BY 1 ORDER BY 1 NULLS FIRST""",
    ),
    C(
        "e_text_date_minus_ts_date",
        """
        SELECT _id, CAST(signupDay AS DATE) - CAST(registeredAt AS DATE) AS d FROM customers ORDER BY _id LIMIT 15""",
    ),
    C(
        "e_dow_text_date",
        """
        SELECT EXTRACT(DOW FROM CAST(signupDay AS DATE)) AS d, COUNT(*) AS n FROM customers GROUP BY 1 ORDER BY 1 NULLS FIRST""",
    ),
    C(
        "e_between_text_date_cast",
        """
        SELECT _id FROM customers WHERE CAST(signupDay AS DATE) BETWEEN '2024-01-01' AND '2024-03-31' ORDER BY _id""",
    ),
    C(
        "e_text_ts_plus_interval",
        """
        SELECT _id, CAST(signupDay AS TIMESTAMP) + INTERVAL '12 hours' AS t FROM customers ORDER BY _id LIMIT 10""",
    ),
    C(
        "e_yesterday",
        """
        SELECT COUNT(*) AS n FROM orders WHERE placedAt::date = CURRENT_DATE - 1""",
    ),
    C(
        "e_date_plus_30_vs_literal",
        """
        SELECT _id, placedAt::date + 30 > '2024-11-15' AS late FROM orders ORDER BY _id LIMIT 10""",
    ),
    C(
        "e_array_agg_distinct",
        """
        SELECT tier, ARRAY_AGG(DISTINCT LOWER(tier)) AS t FROM customers GROUP BY tier ORDER BY tier NULLS LAST""",
    ),
    C(
        "e_items_first_sku",
        """
        SELECT _id, ARRAY_LENGTH(items, 1) AS n, items[1].sku AS first_sku FROM orders ORDER BY _id LIMIT 10""",
    ),
    C(
        "e_any_array_constant",
        """
        SELECT _id FROM orders WHERE 5 = ANY(ARRAY[1, 5]) AND _id < 3 ORDER BY _id""",
    ),
]

CASES: list[Case] = [*TIME, *ARRAYS, *NULLS, *SETOPS, *JOINS, *SUBQ, *STRINGS, *CASES_, *DASH, *EDGES]
