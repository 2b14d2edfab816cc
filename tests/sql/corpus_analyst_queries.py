"""A second independent corpus on the seed's domain, in the styles other people write SQL in: the
SQL that BI tools generate (Metabase, Superset, Looker: every identifier quoted, a table alias on
every column, ``CAST(x AS date)``, ``date_trunc``, ``extract(dow …)``, ``LIMIT 2000``, a ``"source"``
subquery around the question), and the ad hoc SQL of analysts, product managers and the engineers
who run the migrations (``_schema.version``, ``_migrationLock``). PostgreSQL 15 is the oracle
(``corpus_analyst_data.py`` loads the same documents).

``C(...)`` must give PostgreSQL's rows; ``refused=`` is a construct PostgreSQL answers and we refuse
(a word of the ``LeafSQLError``); ``E(...)`` is a query PostgreSQL rejects, which we must reject too
with a one-line error. ``xfail=`` names a known wrong answer's class.
"""

from __future__ import annotations

from tests.sql.corpus_analyst_data import NOW
from tests.sql.corpus_case import Case, builders

C, E = builders(NOW)


# Known wrong answers and run-time refusals, each a class (the README's "Independent corpora").
INT32_DOUBLE = (
    "data typing: a whole double stored as int32 (as drivers store 25.0) is an integer under the written "
    "type mapping, so / truncates where PostgreSQL's double precision column divides; the catalog fixes it"
)
ARRAY_ELEMENT_INT32 = (
    "catalog: fields inside arrays (items[0].pricing.unitPrice) stay typed per value even with a catalog, "
    "so a whole double stored as int32 divides as an integer"
)
BIGINT_INT32 = (
    "no catalog: a bigint field holding int32 values (int32 and int64 mixed) overflows as int4 per value "
    "(loginCount * 1000000000: 'integer out of range'); with the schemas as catalog (bigint) it agrees"
)
UNTYPED_TS_DIFF = (
    "no catalog: ts - ts of fields of unknown type outside an interval context fails on the server with "
    "a one-line 'needs CAST(... AS TIMESTAMP) or a catalog' (with one, the interval column is refused "
    "at compile time: MongoDB cannot store an interval)"
)
CROSS_CATEGORY = (
    "no catalog: a field compared with a typed constant of another type category (boolean = 1) matches "
    "nothing where PostgreSQL says 'operator does not exist' (refused with the catalog)"
)
UNION_TYPES = (
    "fuzz-classes (set_operations.py), no catalog: UNION of an integer field and a text field answers "
    "where PostgreSQL says 'UNION types integer and text cannot be matched' (refused with the catalog)"
)


METABASE = [
    C(
        "mb_count_by_plan",
        """
        SELECT "users"."account"."type" AS "type", count(*) AS "count"
        FROM "users"
        GROUP BY "users"."account"."type"
        ORDER BY "users"."account"."type" ASC
        """,
    ),
    C(
        "mb_source_wrapper",
        """
        SELECT "source"."status" AS "status", "source"."count" AS "count"
        FROM (SELECT "orders"."status" AS "status", count(*) AS "count"
              FROM "orders" GROUP BY "orders"."status" ORDER BY "orders"."status" ASC) AS "source"
        ORDER BY "source"."count" DESC, "source"."status" ASC
        LIMIT 1048575
        """,
    ),
    C(
        "mb_month_trunc",
        """
        SELECT CAST(date_trunc('month', "orders"."createdAt") AS timestamp) AS "createdAt",
               count(*) AS "count"
        FROM "orders"
        GROUP BY CAST(date_trunc('month', "orders"."createdAt") AS timestamp)
        ORDER BY CAST(date_trunc('month', "orders"."createdAt") AS timestamp) ASC
        """,
    ),
    C(
        "mb_day_cast_date",
        """
        SELECT CAST("events"."ts" AS date) AS "ts", count(*) AS "count"
        FROM "events"
        WHERE ("events"."ts" >= CAST('2024-10-01' AS date) AND "events"."ts" < CAST('2024-10-08' AS date))
        GROUP BY CAST("events"."ts" AS date)
        ORDER BY CAST("events"."ts" AS date) ASC
        """,
    ),
    C(
        "mb_week_sunday",
        """
        SELECT (CAST(date_trunc('week', CAST(("events"."ts" + INTERVAL '1 day') AS timestamp)) AS timestamp)
                + (INTERVAL '-1 day')) AS "ts",
               count(distinct "events"."userId") AS "count"
        FROM "events"
        GROUP BY 1
        ORDER BY 1 ASC
        """,
    ),
    C(
        "mb_day_of_week",
        """
        SELECT CAST(extract(dow from "orders"."createdAt") AS integer) + 1 AS "createdAt", count(*) AS "count"
        FROM "orders"
        GROUP BY 1
        ORDER BY 1 ASC
        """,
    ),
    C(
        "mb_hour_of_day",
        """
        SELECT CAST(extract(hour from "events"."ts") AS integer) AS "ts", count(*) AS "count"
        FROM "events" GROUP BY 1 ORDER BY 1 ASC
        """,
    ),
    C(
        "mb_quarter",
        """
        SELECT CAST(date_trunc('quarter', "users"."createdAt") AS timestamp) AS "createdAt",
               count(*) AS "count"
        FROM "users" GROUP BY 1 ORDER BY 1 ASC
        """,
    ),
    C(
        "mb_year_extract",
        """
        SELECT CAST(extract(year from "users"."createdAt") AS integer) AS "createdAt", count(*) AS "count"
        FROM "users" GROUP BY 1 ORDER BY 1 ASC
        """,
    ),
    C(
        "mb_sum_total_by_status",
        """
        SELECT "orders"."status" AS "status", sum("orders"."total") AS "sum", avg("orders"."total") AS "avg"
        FROM "orders" GROUP BY "orders"."status" ORDER BY "sum" DESC NULLS LAST, "orders"."status" ASC
        """,
    ),
    C(
        "mb_filter_in_quoted_numbers",
        """
        SELECT "orders"."_id" AS "_id", "orders"."total" AS "total"
        FROM "orders"
        WHERE "orders"."userId" IN ('3', '7', '11', '42')
        ORDER BY "orders"."_id" ASC
        LIMIT 2000
        """,
    ),
    C(
        "mb_filter_between_dates",
        """
        SELECT count(*) AS "count" FROM "orders"
        WHERE "orders"."createdAt" BETWEEN '2024-02-01' AND '2024-02-29'
        """,
    ),
    C(
        "mb_filter_between_timestamps",
        """
        SELECT count(*) AS "count" FROM "orders"
        WHERE "orders"."createdAt" BETWEEN timestamp '2024-02-01 00:00:00.000' AND timestamp '2024-02-29 23:59:59.999'
        """,
    ),
    C(
        "mb_boolean_filter",
        """
        SELECT count(*) AS "count" FROM "users" WHERE "users"."account"."isEmailVerified" = TRUE
        """,
    ),
    C(
        "mb_boolean_not_true",
        """
        SELECT count(*) AS "count" FROM "users"
        WHERE ("users"."account"."isEmailVerified" = FALSE OR "users"."account"."isEmailVerified" IS NULL)
        """,
    ),
    C(
        "mb_is_empty_string",
        """
        SELECT count(*) AS "count" FROM "orders"
        WHERE ("orders"."couponCode" IS NULL OR "orders"."couponCode" = '')
        """,
    ),
    C(
        "mb_contains_ci",
        """
        SELECT "users"."_id" AS "_id", "users"."username" AS "username" FROM "users"
        WHERE lower("users"."username") LIKE '%ana%'
        ORDER BY "users"."_id" ASC LIMIT 2000
        """,
    ),
    C(
        "mb_starts_with",
        """
        SELECT count(*) AS "count" FROM "events" WHERE "events"."page" LIKE '/docs%'
        """,
    ),
    C(
        "mb_not_contains",
        """
        SELECT count(*) AS "count" FROM "events"
        WHERE ("events"."page" NOT LIKE '%pricing%' OR "events"."page" IS NULL)
        """,
    ),
    C(
        "mb_distinct_count_by_day",
        """
        SELECT CAST("events"."ts" AS date) AS "ts", count(distinct "events"."sessionId") AS "count"
        FROM "events" WHERE "events"."type" = 'page_view'
        GROUP BY CAST("events"."ts" AS date) ORDER BY CAST("events"."ts" AS date) DESC LIMIT 10
        """,
    ),
    C(
        "mb_binning",
        """
        SELECT ((floor((("users"."score" - 0.0) / 10.0)) * 10.0) + 0.0) AS "score", count(*) AS "count"
        FROM "users" GROUP BY 1 ORDER BY 1 ASC
        """,
    ),
    C(
        "mb_binning_credits",
        """
        SELECT (floor(("users"."account"."credits" / 12.5)) * 12.5) AS "credits", count(*) AS "count"
        FROM "users" GROUP BY 1 ORDER BY 1 ASC
        """,
    ),
    C(
        "mb_cumulative_count",
        """
        SELECT "source"."createdAt" AS "createdAt",
               sum("source"."count") OVER (ORDER BY "source"."createdAt" ASC ROWS UNBOUNDED PRECEDING) AS "count"
        FROM (SELECT CAST(date_trunc('month', "users"."createdAt") AS timestamp) AS "createdAt", count(*) AS "count"
              FROM "users" GROUP BY 1) AS "source"
        ORDER BY "source"."createdAt" ASC
        """,
    ),
    C(
        "mb_join_left",
        """
        SELECT "orders"."_id" AS "_id", "Users"."username" AS "Users__username", "Users"."account"."type" AS "Users__type"
        FROM "orders"
        LEFT JOIN "users" AS "Users" ON "orders"."userId" = "Users"."_id"
        WHERE "orders"."status" = 'completed'
        ORDER BY "orders"."_id" ASC LIMIT 2000
        """,
    ),
    C(
        "mb_join_group_by_plan",
        """
        SELECT "Users"."account"."type" AS "Users__type", sum("orders"."total") AS "sum"
        FROM "orders" LEFT JOIN "users" AS "Users" ON "orders"."userId" = "Users"."_id"
        GROUP BY "Users"."account"."type"
        ORDER BY "Users"."account"."type" ASC NULLS FIRST
        """,
    ),
    C(
        "mb_coalesce_zero",
        """
        SELECT "users"."account"."type" AS "type", COALESCE(sum("users"."account"."loginCount"), 0) AS "sum"
        FROM "users" GROUP BY "users"."account"."type" ORDER BY 1
        """,
    ),
    C(
        "mb_case_custom_column",
        """
        SELECT CASE WHEN "users"."score" >= 50 THEN 'High'
                    WHEN "users"."score" >= 20 THEN 'Medium'
                    WHEN "users"."score" >= 5 THEN 'Low'
                    ELSE 'Inactive' END AS "Segment",
               count(*) AS "count"
        FROM "users" GROUP BY 1 ORDER BY 1 ASC
        """,
    ),
    C(
        "mb_nulls_last_sort",
        """
        SELECT "users"."_id" AS "_id", "users"."score" AS "score" FROM "users"
        ORDER BY "users"."score" DESC NULLS LAST, "users"."_id" ASC LIMIT 15
        """,
    ),
    C(
        "mb_avg_round",
        """
        SELECT "users"."account"."type" AS "type", ROUND(CAST(avg("users"."score") AS numeric), 2) AS "avg"
        FROM "users" GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "mb_share_of_total",
        """
        SELECT "orders"."currency" AS "currency", count(*) AS "count",
               CAST(count(*) AS float) / sum(count(*)) OVER () AS "share"
        FROM "orders" GROUP BY 1 ORDER BY 2 DESC, 1 ASC NULLS LAST
        """,
    ),
    C(
        "mb_relative_last_30_days",
        """
        SELECT count(*) AS "count" FROM "events"
        WHERE ("events"."ts" >= CAST((CAST(now() AS timestamp) + (INTERVAL '-30 day')) AS date)
           AND "events"."ts" < CAST(CAST(now() AS timestamp) AS date))
        """,
    ),
    C(
        "mb_relative_previous_month",
        """
        SELECT count(*) AS "count" FROM "orders"
        WHERE ("orders"."createdAt" >= date_trunc('month', CAST((CAST(now() AS timestamp) + (INTERVAL '-1 month')) AS timestamp))
           AND "orders"."createdAt" < date_trunc('month', CAST(now() AS timestamp)))
        """,
    ),
    C(
        "mb_distinct_values",
        """
        SELECT "events"."props"."device" AS "device" FROM "events"
        GROUP BY "events"."props"."device" ORDER BY "events"."props"."device" ASC LIMIT 1000
        """,
    ),
    C(
        "mb_min_max",
        """
        SELECT min("orders"."createdAt") AS "min", max("orders"."createdAt") AS "max",
               min("orders"."total") AS "min_2", max("orders"."total") AS "max_2"
        FROM "orders"
        """,
    ),
    C(
        "mb_stddev",
        """
        SELECT "users"."account"."type" AS "type", stddev_pop("users"."score") AS "sd", var_pop("users"."score") AS "var"
        FROM "users" GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "mb_not_in",
        """
        SELECT count(*) AS "count" FROM "orders"
        WHERE ("orders"."status" <> 'cancelled' OR "orders"."status" IS NULL)
          AND ("orders"."status" <> 'refunded' OR "orders"."status" IS NULL)
        """,
    ),
    C(
        "mb_segment_filter_between_numbers",
        """
        SELECT count(*) AS "count" FROM "users" WHERE "users"."score" BETWEEN 20 AND 50
        """,
    ),
    C(
        "mb_quoted_number_ge",
        """
        SELECT count(*) AS "count" FROM "users" WHERE "users"."account"."loginCount" >= '10'
        """,
    ),
]

SUPERSET = [
    C(
        "ss_timeseries_day",
        """
        SELECT DATE_TRUNC('day', ts) AS __timestamp, COUNT(*) AS count
        FROM events
        WHERE ts >= TO_TIMESTAMP('2024-09-01 00:00:00.000000', 'YYYY-MM-DD HH24:MI:SS.US')
          AND ts < TO_TIMESTAMP('2024-09-15 00:00:00.000000', 'YYYY-MM-DD HH24:MI:SS.US')
        GROUP BY DATE_TRUNC('day', ts)
        ORDER BY count DESC, __timestamp
        LIMIT 10000
        """,
    ),
    C(
        "ss_timeseries_week_by_type",
        """
        SELECT DATE_TRUNC('week', ts) AS __timestamp, type AS type, COUNT(*) AS count
        FROM events
        GROUP BY DATE_TRUNC('week', ts), type
        ORDER BY __timestamp, type
        LIMIT 50000
        """,
    ),
    C(
        "ss_big_number",
        'SELECT COUNT(DISTINCT "userId") AS "COUNT_DISTINCT(userId)" FROM events WHERE type = \'purchase\'',
    ),
    C(
        "ss_pie",
        """
        SELECT "signupChannel" AS "signupChannel", COUNT(*) AS count
        FROM users GROUP BY "signupChannel" ORDER BY count DESC, "signupChannel" NULLS LAST LIMIT 100
        """,
    ),
    C(
        "ss_table_metrics",
        """
        SELECT currency AS currency, SUM(total) AS "SUM(total)", AVG("shippingCost") AS "AVG(shippingCost)",
               MAX(total) AS "MAX(total)"
        FROM orders
        WHERE status IN ('completed', 'Completed')
        GROUP BY currency
        ORDER BY "SUM(total)" DESC
        LIMIT 10000
        """,
    ),
    C(
        "ss_series_limit_subquery",
        """
        SELECT DATE_TRUNC('month', "createdAt") AS __timestamp, status AS status, SUM(total) AS "SUM(total)"
        FROM orders
        JOIN (SELECT status AS status__, SUM(total) AS mme_inner__
              FROM orders GROUP BY status ORDER BY mme_inner__ DESC LIMIT 3) AS series_limit
          ON status = status__
        GROUP BY DATE_TRUNC('month', "createdAt"), status
        ORDER BY __timestamp, status
        """,
    ),
    C(
        "ss_filter_in_strings",
        """
        SELECT type, COUNT(*) AS count FROM events
        WHERE type IN ('add_to_cart', 'checkout', 'purchase') AND "props"."device" IS NOT NULL
        GROUP BY type ORDER BY type
        """,
    ),
    C(
        "ss_heatmap",
        """
        SELECT EXTRACT(DOW FROM ts) AS dow, EXTRACT(HOUR FROM ts) AS hour, COUNT(*) AS count
        FROM events GROUP BY EXTRACT(DOW FROM ts), EXTRACT(HOUR FROM ts) ORDER BY dow, hour
        """,
    ),
    C(
        "ss_histogram_raw",
        'SELECT "durationMs" AS "durationMs" FROM events WHERE "durationMs" IS NOT NULL ORDER BY _id LIMIT 10000',
    ),
    C(
        "ss_pivot_avg",
        """
        SELECT "account"."type" AS plan, "account"."status" AS status, AVG("score") AS "AVG(score)",
               COUNT(*) AS count
        FROM users GROUP BY "account"."type", "account"."status" ORDER BY plan, status LIMIT 10000
        """,
    ),
    C(
        "ss_time_grain_hour_tz_free",
        """
        SELECT DATE_TRUNC('hour', ts) AS __timestamp, COUNT(*) AS count FROM events
        WHERE ts >= '2024-11-03 04:00:00' AND ts < '2024-11-03 08:00:00'
        GROUP BY DATE_TRUNC('hour', ts) ORDER BY __timestamp
        """,
    ),
    C(
        "ss_rolling_7",
        """
        SELECT __timestamp, AVG(count) OVER (ORDER BY __timestamp ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS rolling
        FROM (SELECT DATE_TRUNC('day', ts) AS __timestamp, COUNT(*) AS count FROM events GROUP BY 1) AS daily
        ORDER BY __timestamp
        """,
    ),
    C(
        "ss_period_over_period",
        """
        SELECT month, revenue, LAG(revenue) OVER (ORDER BY month) AS prev,
               ROUND((revenue - LAG(revenue) OVER (ORDER BY month)) / NULLIF(LAG(revenue) OVER (ORDER BY month), 0) * 100, 1) AS pct
        FROM (SELECT DATE_TRUNC('month', "createdAt") AS month, SUM(total) AS revenue FROM orders GROUP BY 1) AS m
        ORDER BY month
        """,
    ),
    C(
        "ss_adhoc_where_clause",
        """
        SELECT COUNT(*) AS count FROM users
        WHERE (lower(trim("signupChannel")) = 'organic') AND ("createdAt" >= '2024-01-01T00:00:00')
        """,
    ),
]

LOOKER = [
    C(
        "lk_created_date",
        """
        SELECT
            (DATE(users."createdAt")) AS "users_created_date",
            COUNT(DISTINCT users._id) AS "users_count"
        FROM users AS users
        GROUP BY (DATE(users."createdAt"))
        ORDER BY 1 DESC
        FETCH NEXT 500 ROWS ONLY
        """,
    ),
    C(
        "lk_created_month_text",
        """
        SELECT
            (TO_CHAR(DATE_TRUNC('month', users."createdAt"), 'YYYY-MM')) AS "users_created_month",
            COUNT(DISTINCT users._id) AS "users_count"
        FROM users AS users
        GROUP BY (DATE_TRUNC('month', users."createdAt"))
        ORDER BY 1 DESC
        """,
    ),
    C(
        "lk_tier",
        """
        SELECT
            CASE
              WHEN orders.total < 0 THEN '0'
              WHEN orders.total >= 0 AND orders.total < 50 THEN '1'
              WHEN orders.total >= 50 AND orders.total < 200 THEN '2'
              WHEN orders.total >= 200 THEN '3'
              ELSE '4'
            END AS "orders_total_tier__sort_",
            COUNT(*) AS "orders_count"
        FROM orders AS orders
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "lk_sum_distinct_fanout",
        """
        SELECT
            users."account"."type" AS "users_plan",
            COALESCE(SUM(orders.total), 0) AS "orders_total_revenue",
            COUNT(DISTINCT orders._id) AS "orders_count",
            COUNT(DISTINCT users._id) AS "users_count"
        FROM users AS users
        LEFT JOIN orders AS orders ON users._id = orders."userId"
        GROUP BY 1
        ORDER BY 2 DESC
        FETCH NEXT 500 ROWS ONLY
        """,
    ),
    C(
        "lk_yesno",
        """
        SELECT
            (CASE WHEN orders."isGift" THEN 'Yes' ELSE 'No' END) AS "orders_is_gift",
            COUNT(*) AS "orders_count"
        FROM orders AS orders
        GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "lk_duration_days",
        """
        SELECT orders._id AS "orders_id",
               (DATE(orders."createdAt") - DATE(users."createdAt")) AS "days_to_order"
        FROM orders AS orders JOIN users AS users ON orders."userId" = users._id
        WHERE users."createdAt" IS NOT NULL
        ORDER BY 1
        FETCH NEXT 20 ROWS ONLY
        """,
    ),
    C(
        "lk_having_quoted",
        """
        SELECT orders."userId" AS "orders_user_id", COUNT(*) AS "orders_count"
        FROM orders AS orders
        GROUP BY 1
        HAVING COUNT(*) >= '4'
        ORDER BY 1
        """,
    ),
    C(
        "lk_having_sum_quoted",
        """
        SELECT orders."userId" AS "orders_user_id", SUM(orders.total) AS "orders_total"
        FROM orders AS orders GROUP BY 1 HAVING SUM(orders.total) > '1500.50' ORDER BY 1
        """,
    ),
    C(
        "lk_derived_table",
        """
        WITH user_facts AS (SELECT
                orders."userId" AS user_id,
                COUNT(*) AS lifetime_orders,
                SUM(orders.total) AS lifetime_revenue,
                MIN(orders."createdAt") AS first_order_at
            FROM orders AS orders
            WHERE orders."userId" IS NOT NULL
            GROUP BY 1)
        SELECT
            CASE WHEN user_facts.lifetime_orders = 1 THEN 'One-time' ELSE 'Repeat' END AS "user_facts_type",
            COUNT(*) AS "user_facts_count",
            AVG(user_facts.lifetime_revenue) AS "user_facts_avg_revenue"
        FROM user_facts
        GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "lk_percentile_measure",
        """
        SELECT users."account"."type" AS "users_plan",
               PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY users.score) AS "users_median_score",
               PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY users.score) AS "users_p90_score"
        FROM users AS users GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "lk_dotted_alias",
        """
        SELECT users."account"."type" AS "users.plan", COUNT(*) AS "users.count"
        FROM users AS users GROUP BY 1 ORDER BY 1
        """,
    ),
]

QUIRKS = [
    # whole doubles stored as int32 next to doubles
    C("q_score_sum", "SELECT SUM(score) AS s, AVG(score) AS a, COUNT(score) AS n FROM users"),
    C(
        "q_score_half",
        "SELECT _id, score / 2 AS half FROM users WHERE score IS NOT NULL ORDER BY _id LIMIT 40",
        xfail=INT32_DOUBLE,
    ),
    C(
        "q_score_div_float",
        "SELECT _id, score / 2.0 AS half FROM users WHERE score IS NOT NULL ORDER BY _id LIMIT 40",
    ),
    C(
        "q_score_cast_float",
        "SELECT _id, score::float / 3 AS third FROM users WHERE score IS NOT NULL ORDER BY _id LIMIT 40",
    ),
    C("q_score_eq_int", "SELECT COUNT(*) AS n FROM users WHERE score = 50"),
    C("q_score_eq_float", "SELECT COUNT(*) AS n FROM users WHERE score = 50.0"),
    C("q_score_eq_quoted", "SELECT COUNT(*) AS n FROM users WHERE score = '20.5'"),
    C("q_score_in_mixed", "SELECT COUNT(*) AS n FROM users WHERE score IN (5, 20.0, '50')"),
    C("q_score_distinct", "SELECT COUNT(DISTINCT score) AS n FROM users"),
    C(
        "q_score_group",
        "SELECT score, COUNT(*) AS n FROM users WHERE score IN (0, 5, 20, 50) GROUP BY score ORDER BY score",
    ),
    C(
        "q_score_round",
        "SELECT _id, ROUND(score) AS r FROM users WHERE score IS NOT NULL ORDER BY _id LIMIT 50",
    ),
    C(
        "q_score_round_numeric",
        "SELECT _id, ROUND(score::numeric, 0) AS r FROM users WHERE score IS NOT NULL ORDER BY _id LIMIT 50",
    ),
    C(
        "q_score_int_cast",
        "SELECT _id, score::int AS i, CAST(score AS integer) AS j FROM users WHERE score IS NOT NULL ORDER BY _id LIMIT 50",
    ),
    C(
        "q_score_text",
        "SELECT _id, score::text AS t FROM users WHERE score IS NOT NULL ORDER BY _id LIMIT 30",
    ),
    C(
        "q_credits_text",
        "SELECT _id, CAST(account.credits AS text) AS t FROM users WHERE account.credits IS NOT NULL ORDER BY _id LIMIT 30",
    ),
    C("q_credits_mul", "SELECT _id, account.credits * 3 AS c3 FROM users ORDER BY _id LIMIT 40"),
    C(
        "q_credits_mod",
        "SELECT _id, MOD(account.credits::int, 7) AS m FROM users WHERE account.credits IS NOT NULL ORDER BY _id LIMIT 40",
    ),
    C(
        "q_shipping_avg",
        'SELECT shipping.method, AVG("shippingCost") AS a, SUM("shippingCost") AS s FROM orders GROUP BY 1 ORDER BY 1 NULLS LAST',
    ),
    C("q_unit_price_items", "SELECT _id, items[0].pricing.unitPrice AS p FROM orders ORDER BY _id LIMIT 40"),
    C(
        "q_unit_price_half",
        "SELECT _id, items[0].pricing.unitPrice / 2 AS p FROM orders WHERE items[0].pricing.unitPrice IS NOT NULL ORDER BY _id LIMIT 40",
        xfail=ARRAY_ELEMENT_INT32,
    ),
    # int32 and int64 in one bigint field
    C(
        "q_logins_sum",
        "SELECT account.type, SUM(account.loginCount) AS s, AVG(account.loginCount) AS a FROM users GROUP BY 1 ORDER BY 1",
    ),
    C(
        "q_logins_div",
        "SELECT _id, account.loginCount / 3 AS d, account.loginCount % 3 AS m FROM users ORDER BY _id LIMIT 40",
    ),
    C("q_logins_eq_quoted", "SELECT COUNT(*) AS n FROM users WHERE account.loginCount = '10'"),
    C(
        "q_logins_text",
        "SELECT _id, account.loginCount::text || ' logins' AS t FROM users ORDER BY _id LIMIT 30",
    ),
    C(
        "q_duration_stats",
        'SELECT type, SUM("durationMs") AS s, MAX("durationMs") AS mx, AVG("durationMs")::int AS a FROM events GROUP BY type ORDER BY type',
    ),
    C(
        "q_duration_seconds",
        'SELECT _id, "durationMs" / 1000 AS s, "durationMs" / 1000.0 AS s2 FROM events ORDER BY _id LIMIT 40',
    ),
    # Decimal128 money
    C("q_total_sum_exact", "SELECT SUM(total) AS s, AVG(total) AS a, MIN(total) AS mn FROM orders"),
    C("q_total_tenth", "SELECT COUNT(*) AS n FROM orders WHERE total = 0.1 OR total = 0.2"),
    C("q_total_add", "SELECT COUNT(*) AS n FROM orders WHERE total + 0.1 = 0.3"),
    C(
        "q_total_tax",
        "SELECT _id, ROUND(total * 0.19, 2) AS tax, total * 1.19 AS gross FROM orders ORDER BY _id LIMIT 40",
    ),
    C(
        "q_total_text",
        "SELECT _id, total::text AS t FROM orders WHERE total IS NOT NULL ORDER BY _id LIMIT 30",
    ),
    C(
        "q_total_float",
        "SELECT _id, total::float AS f FROM orders WHERE total IS NOT NULL ORDER BY _id LIMIT 30",
    ),
    C("q_total_int", "SELECT _id, total::int AS i FROM orders WHERE total IS NOT NULL ORDER BY _id LIMIT 60"),
    C(
        "q_total_plus_shipping",
        'SELECT _id, total + "shippingCost" AS grand FROM orders ORDER BY _id LIMIT 40',
    ),
    C(
        "q_fee_sum",
        "SELECT account.type, SUM(account.monthlyFee) AS mrr, SUM(account.monthlyFee) * 12 AS arr FROM users GROUP BY 1 ORDER BY 1",
    ),
    C("q_fee_eq_quoted", "SELECT COUNT(*) AS n FROM users WHERE account.monthlyFee = '19.9'"),
    # NULL vs missing
    C(
        "q_null_email",
        "SELECT COUNT(*) AS n, COUNT(email) AS with_email, COUNT(*) FILTER (WHERE email IS NULL) AS without FROM users",
    ),
    C(
        "q_null_profile",
        "SELECT COUNT(*) FILTER (WHERE profile IS NULL) AS no_profile, COUNT(profile.location.city) AS cities FROM users",
    ),
    C(
        "q_null_location_group",
        "SELECT profile.location.country AS country, COUNT(*) AS n FROM users GROUP BY 1 ORDER BY 1 NULLS FIRST",
    ),
    C(
        "q_null_coalesce_chain",
        "SELECT _id, COALESCE(profile.location.city, profile.location.country, 'unknown') AS place FROM users ORDER BY _id LIMIT 60",
    ),
    C(
        "q_null_lock",
        'SELECT COUNT(*) FILTER (WHERE "_migrationLock") AS locked, COUNT(*) FILTER (WHERE "_migrationLock" IS NOT TRUE) AS free FROM users',
    ),
    C(
        "q_null_isdistinct",
        "SELECT COUNT(*) AS n FROM users WHERE account.isEmailVerified IS DISTINCT FROM TRUE",
    ),
    C("q_null_not_in_null", 'SELECT COUNT(*) AS n FROM orders WHERE "userId" NOT IN (SELECT _id FROM users)'),
    C("q_null_gift", 'SELECT "isGift", COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1 NULLS LAST'),
    # text: case, whitespace, unicode
    C(
        "q_text_trim_group",
        "SELECT TRIM(LOWER(profile.location.city)) AS city, COUNT(*) AS n FROM users GROUP BY 1 ORDER BY 1 NULLS LAST",
    ),
    C(
        "q_text_upper_unicode",
        "SELECT DISTINCT UPPER(profile.firstName) AS f FROM users ORDER BY 1 NULLS LAST",
    ),
    C(
        "q_text_length_unicode",
        "SELECT DISTINCT profile.lastName, LENGTH(profile.lastName) AS len FROM users ORDER BY 1 NULLS LAST",
    ),
    C(
        "q_text_initcap",
        'SELECT DISTINCT INITCAP(TRIM("signupChannel")) AS c FROM users ORDER BY 1 NULLS LAST',
    ),
    C("q_text_order_unicode", "SELECT DISTINCT profile.location.city AS c FROM users ORDER BY 1 NULLS LAST"),
    C(
        "q_text_email_domain",
        "SELECT LOWER(SPLIT_PART(email, '@', 2)) AS domain, COUNT(*) AS n FROM users WHERE email IS NOT NULL GROUP BY 1 ORDER BY 1",
    ),
    C("q_text_like_ci", "SELECT COUNT(*) AS n FROM users WHERE username ILIKE 'ANA%'"),
    C("q_text_tag_case", "SELECT COUNT(*) AS n FROM users WHERE 'vip' = ANY(tags)"),
    C("q_text_tag_lower_any", "SELECT _id, tags FROM users WHERE tags && ARRAY['VIP', 'vip'] ORDER BY _id"),
    # arrays: empty, NULL, missing
    C(
        "q_arr_cardinality",
        "SELECT _id, CARDINALITY(tags) AS n, ARRAY_LENGTH(tags, 1) AS len FROM users ORDER BY _id LIMIT 40",
    ),
    C(
        "q_arr_empty_vs_null",
        "SELECT COUNT(*) FILTER (WHERE tags = '{}') AS empty, COUNT(*) FILTER (WHERE tags IS NULL) AS null_or_missing FROM users",
    ),
    C(
        "q_arr_items_count",
        "SELECT _id, COALESCE(CARDINALITY(items), 0) AS n FROM orders ORDER BY _id LIMIT 40",
    ),
    C(
        "q_arr_unnest_tags",
        "SELECT t AS tag, COUNT(*) AS n FROM users, UNNEST(tags) AS t GROUP BY t ORDER BY n DESC, tag",
    ),
    C(
        "q_arr_unnest_items",
        "SELECT i.sku, SUM(i.qty) AS units FROM orders, UNNEST(items) AS i GROUP BY i.sku ORDER BY i.sku",
    ),
    # ties on thresholds and ranks
    C(
        "q_tie_rank",
        "SELECT _id, score, RANK() OVER (ORDER BY score DESC NULLS LAST) AS r, DENSE_RANK() OVER (ORDER BY score DESC NULLS LAST) AS dr FROM users ORDER BY r, _id LIMIT 40",
    ),
    C(
        "q_tie_threshold",
        "SELECT COUNT(*) FILTER (WHERE score >= 50) AS high, COUNT(*) FILTER (WHERE score > 50) AS above, COUNT(*) FILTER (WHERE score = 20) AS at20 FROM users",
    ),
    C(
        "q_tie_ntile",
        "SELECT _id, NTILE(4) OVER (ORDER BY score, _id) AS q FROM users WHERE score IS NOT NULL ORDER BY _id",
    ),
    C(
        "q_tie_percent_rank",
        "SELECT _id, PERCENT_RANK() OVER (ORDER BY score) AS pr, CUME_DIST() OVER (ORDER BY score) AS cd FROM users WHERE score IS NOT NULL ORDER BY _id",
    ),
    # dates at month ends and DST
    C(
        "q_date_month_end",
        "SELECT _id FROM orders WHERE \"createdAt\" >= '2024-01-31' AND \"createdAt\" < '2024-02-01' ORDER BY _id",
    ),
    C("q_date_leap", "SELECT COUNT(*) AS n FROM orders WHERE CAST(\"createdAt\" AS date) = '2024-02-29'"),
    C(
        "q_date_plus_month",
        'SELECT _id, "createdAt" + INTERVAL \'1 month\' AS next FROM orders WHERE EXTRACT(DAY FROM "createdAt") >= 29 ORDER BY _id',
    ),
    C(
        "q_date_tz_ny",
        "SELECT _id, (ts AT TIME ZONE 'UTC') AT TIME ZONE 'America/New_York' AS local FROM events WHERE ts BETWEEN '2024-11-03 04:00' AND '2024-11-03 08:00' ORDER BY _id",
    ),
    C(
        "q_date_tz_day",
        "SELECT DATE_TRUNC('day', ts, 'Europe/Berlin') AS d, COUNT(*) AS n FROM events WHERE ts >= '2024-10-26' AND ts < '2024-10-29' GROUP BY 1 ORDER BY 1",
    ),
    C(
        "q_date_age",
        'SELECT _id, AGE(TIMESTAMP \'2024-11-04\', "createdAt") AS age FROM users WHERE "createdAt" IS NOT NULL ORDER BY _id LIMIT 30',
        refused="interval",
    ),
    C(
        "q_date_diff_days",
        'SELECT _id, EXTRACT(EPOCH FROM (account.lastLoginAt - "createdAt")) / 86400 AS days FROM users WHERE account.lastLoginAt IS NOT NULL ORDER BY _id LIMIT 30',
    ),
    C(
        "q_date_date_minus",
        'SELECT _id, CURRENT_DATE - CAST("createdAt" AS date) AS days_since FROM users ORDER BY _id LIMIT 30',
    ),
    C(
        "q_date_text",
        'SELECT _id, CAST("createdAt" AS date)::text AS d, "createdAt"::text AS ts FROM users ORDER BY _id LIMIT 20',
    ),
    C(
        "q_date_to_char",
        "SELECT _id, TO_CHAR(ts, 'YYYY-MM-DD HH24:MI') AS t, TO_CHAR(ts, 'Dy') AS dow FROM events ORDER BY _id LIMIT 30",
    ),
]

ANALYST = [
    C(
        "an_engagement_score",
        """
        WITH activity AS (
          SELECT "userId" AS user_id,
                 COUNT(*) FILTER (WHERE type = 'page_view') AS page_views,
                 COUNT(*) FILTER (WHERE type = 'click') AS clicks,
                 COUNT(DISTINCT CAST(ts AS date)) AS active_days
          FROM events WHERE "userId" IS NOT NULL GROUP BY "userId"
        )
        SELECT user_id, page_views * 0.1 + clicks * 0.3 + active_days * 0.6 AS engagement_score
        FROM activity ORDER BY engagement_score DESC, user_id LIMIT 25
        """,
    ),
    C(
        "an_engagement_segments",
        """
        WITH activity AS (
          SELECT "userId" AS user_id,
                 COUNT(*) FILTER (WHERE type = 'page_view') * 0.1 + COUNT(*) FILTER (WHERE type = 'click') * 0.3
                   + COUNT(DISTINCT CAST(ts AS date)) * 0.6 AS score
          FROM events GROUP BY "userId"
        )
        SELECT CASE WHEN score >= 3 THEN 'High' WHEN score >= 1.5 THEN 'Medium' WHEN score >= 0.6 THEN 'Low' ELSE 'Inactive' END AS segment,
               COUNT(*) AS users, MIN(score) AS min_score, MAX(score) AS max_score
        FROM activity GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "an_engagement_percentile_by_plan",
        """
        WITH e AS (
          SELECT u._id, u.account.type AS plan,
                 COUNT(ev._id) * 0.1 + COUNT(DISTINCT ev."sessionId") * 0.3 AS score
          FROM users u LEFT JOIN events ev ON ev."userId" = u._id
          GROUP BY u._id, u.account.type
        )
        SELECT _id, plan, score, PERCENT_RANK() OVER (PARTITION BY plan ORDER BY score) AS pct
        FROM e ORDER BY _id
        """,
    ),
    C(
        "an_stored_score_segments",
        """
        SELECT account.type AS plan,
               COUNT(*) FILTER (WHERE score >= 50) AS high,
               COUNT(*) FILTER (WHERE score >= 20 AND score < 50) AS medium,
               COUNT(*) FILTER (WHERE score >= 5 AND score < 20) AS low,
               COUNT(*) FILTER (WHERE score < 5 OR score IS NULL) AS inactive
        FROM users GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "an_funnel_filter",
        """
        SELECT COUNT(DISTINCT "userId") FILTER (WHERE type = 'visit') AS visited,
               COUNT(DISTINCT "userId") FILTER (WHERE type = 'signup') AS signed_up,
               COUNT(DISTINCT "userId") FILTER (WHERE type = 'add_to_cart') AS carted,
               COUNT(DISTINCT "userId") FILTER (WHERE type = 'checkout') AS checked_out,
               COUNT(DISTINCT "userId") FILTER (WHERE type = 'purchase') AS purchased
        FROM events
        """,
    ),
    C(
        "an_funnel_conversion",
        """
        WITH f AS (
          SELECT COUNT(DISTINCT "sessionId") FILTER (WHERE type = 'add_to_cart') AS carts,
                 COUNT(DISTINCT "sessionId") FILTER (WHERE type = 'purchase') AS purchases
          FROM events
        )
        SELECT carts, purchases, ROUND(purchases::numeric / NULLIF(carts, 0) * 100, 2) AS conversion_pct,
               purchases * 100 / NULLIF(carts, 0) AS int_pct
        FROM f
        """,
    ),
    C(
        "an_funnel_ordered",
        """
        WITH firsts AS (
          SELECT "userId",
                 MIN(ts) FILTER (WHERE type = 'visit') AS visit_at,
                 MIN(ts) FILTER (WHERE type = 'add_to_cart') AS cart_at,
                 MIN(ts) FILTER (WHERE type = 'purchase') AS purchase_at
          FROM events WHERE "userId" IS NOT NULL GROUP BY "userId"
        )
        SELECT COUNT(*) FILTER (WHERE visit_at IS NOT NULL) AS step1,
               COUNT(*) FILTER (WHERE cart_at > visit_at) AS step2,
               COUNT(*) FILTER (WHERE purchase_at > cart_at AND cart_at > visit_at) AS step3
        FROM firsts
        """,
    ),
    C(
        "an_cohort_monthly",
        """
        WITH cohorts AS (
          SELECT _id AS user_id, DATE_TRUNC('month', "createdAt") AS cohort FROM users WHERE "createdAt" IS NOT NULL
        ), activity AS (
          SELECT DISTINCT "userId" AS user_id, DATE_TRUNC('month', ts) AS month FROM events
        )
        SELECT c.cohort, a.month, COUNT(DISTINCT c.user_id) AS active
        FROM cohorts c JOIN activity a ON a.user_id = c.user_id
        GROUP BY c.cohort, a.month ORDER BY c.cohort, a.month
        """,
    ),
    C(
        "an_cohort_size_and_retention",
        """
        WITH c AS (
          SELECT DATE_TRUNC('quarter', u."createdAt") AS cohort, u._id,
                 EXISTS (SELECT 1 FROM events e WHERE e."userId" = u._id AND e.type = 'purchase') AS bought
          FROM users u
        )
        SELECT cohort, COUNT(*) AS size, COUNT(*) FILTER (WHERE bought) AS buyers,
               ROUND(100.0 * COUNT(*) FILTER (WHERE bought) / COUNT(*), 1) AS pct
        FROM c GROUP BY cohort ORDER BY cohort NULLS LAST
        """,
    ),
    C(
        "an_lag_retention",
        """
        WITH monthly AS (
          SELECT "userId", DATE_TRUNC('month', ts) AS m FROM events WHERE "userId" IS NOT NULL GROUP BY 1, 2
        ), seq AS (
          SELECT "userId", m, LAG(m) OVER (PARTITION BY "userId" ORDER BY m) AS prev_m FROM monthly
        )
        SELECT m, COUNT(*) AS active,
               COUNT(*) FILTER (WHERE prev_m = m - INTERVAL '1 month') AS retained,
               COUNT(*) FILTER (WHERE prev_m IS NULL) AS new_users
        FROM seq GROUP BY m ORDER BY m
        """,
    ),
    C(
        "an_days_between_sessions",
        """
        WITH s AS (
          SELECT "userId", "sessionId", MIN(ts) AS started FROM events WHERE "userId" IS NOT NULL GROUP BY 1, 2
        )
        SELECT "userId", "sessionId", started,
               started - LAG(started) OVER (PARTITION BY "userId" ORDER BY started, "sessionId") AS gap
        FROM s ORDER BY "userId", started, "sessionId" LIMIT 60
        """,
        refused="interval",
        xfail=UNTYPED_TS_DIFF,
    ),
    C(
        "an_running_revenue",
        """
        SELECT DATE_TRUNC('month', "createdAt") AS month, SUM(total) AS revenue,
               SUM(SUM(total)) OVER (ORDER BY DATE_TRUNC('month', "createdAt")) AS running
        FROM orders WHERE status ILIKE 'completed' GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "an_pct_of_total_window",
        """
        SELECT account.type AS plan, COUNT(*) AS users,
               ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2) AS pct
        FROM users GROUP BY account.type ORDER BY plan
        """,
    ),
    C(
        "an_pct_of_total_partition",
        """
        SELECT account.type AS plan, account.status AS status, COUNT(*) AS n,
               ROUND((COUNT(*)::numeric / SUM(COUNT(*)) OVER (PARTITION BY account.type)) * 100, 1) AS pct_in_plan
        FROM users GROUP BY 1, 2 ORDER BY 1, 2
        """,
    ),
    C(
        "an_top_n_per_group",
        """
        SELECT * FROM (
          SELECT u.account.type AS plan, u._id, u.score,
                 ROW_NUMBER() OVER (PARTITION BY u.account.type ORDER BY u.score DESC NULLS LAST, u._id) AS rn
          FROM users u
        ) ranked WHERE rn <= 3 ORDER BY plan, rn
        """,
    ),
    C(
        "an_dense_rank_spenders",
        """
        SELECT "userId", SUM(total) AS spent, DENSE_RANK() OVER (ORDER BY SUM(total) DESC NULLS LAST) AS dr
        FROM orders WHERE "userId" IS NOT NULL GROUP BY "userId" ORDER BY dr, "userId" LIMIT 20
        """,
    ),
    C(
        "an_ntile_deciles",
        """
        WITH spend AS (SELECT "userId", COALESCE(SUM(total), 0) AS spent FROM orders WHERE "userId" IS NOT NULL GROUP BY 1)
        SELECT NTILE(10) OVER (ORDER BY spent, "userId") AS decile, "userId", spent FROM spend ORDER BY "userId"
        """,
    ),
    C(
        "an_first_last_order",
        """
        SELECT DISTINCT "userId",
               FIRST_VALUE(_id) OVER w AS first_order,
               LAST_VALUE(_id) OVER (PARTITION BY "userId" ORDER BY "createdAt", _id
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_order
        FROM orders
        WINDOW w AS (PARTITION BY "userId" ORDER BY "createdAt", _id)
        ORDER BY "userId" NULLS LAST
        """,
    ),
    C(
        "an_scalar_subquery_avg",
        """
        SELECT _id, total, total - (SELECT AVG(total) FROM orders) AS vs_avg
        FROM orders WHERE total > (SELECT AVG(total) FROM orders) ORDER BY _id LIMIT 30
        """,
    ),
    C(
        "an_correlated_last_order",
        """
        SELECT u._id, u.username,
               (SELECT MAX(o."createdAt") FROM orders o WHERE o."userId" = u._id) AS last_order_at,
               (SELECT COUNT(*) FROM orders o WHERE o."userId" = u._id) AS orders
        FROM users u ORDER BY u._id LIMIT 40
        """,
    ),
    C(
        "an_exists_buyers",
        "SELECT COUNT(*) AS n FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.\"userId\" = u._id AND o.status = 'completed')",
    ),
    C(
        "an_not_exists_never_ordered",
        """
        SELECT u._id FROM users u
        WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o."userId" = u._id)
        ORDER BY u._id
        """,
    ),
    C(
        "an_in_subquery_active",
        """
        SELECT account.type, COUNT(*) AS n FROM users
        WHERE _id IN (SELECT "userId" FROM events WHERE ts >= NOW() - INTERVAL '14 days')
        GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "an_union_all_metrics",
        """
        SELECT 'users' AS metric, COUNT(*)::numeric AS value FROM users
        UNION ALL SELECT 'orders', COUNT(*) FROM orders
        UNION ALL SELECT 'revenue', SUM(total) FROM orders WHERE status = 'completed'
        UNION ALL SELECT 'avg_score', ROUND(AVG(score)::numeric, 3) FROM users
        """,
    ),
    C(
        "an_union_all_dates",
        """
        SELECT 'signup' AS kind, "createdAt" AS at FROM users WHERE "createdAt" >= '2024-10-01'
        UNION ALL
        SELECT 'order', "createdAt" FROM orders WHERE "createdAt" >= '2024-10-01'
        ORDER BY at, kind
        """,
    ),
    C(
        "an_nested_cte_chain",
        """
        WITH o AS (SELECT "userId", total, "createdAt" FROM orders WHERE total IS NOT NULL),
             per_user AS (SELECT "userId", COUNT(*) AS n, SUM(total) AS spent FROM o GROUP BY "userId"),
             tiers AS (SELECT "userId", spent, CASE WHEN spent >= 1000 THEN 'gold' WHEN spent >= 300 THEN 'silver' ELSE 'bronze' END AS tier FROM per_user),
             summary AS (SELECT tier, COUNT(*) AS users, SUM(spent) AS revenue FROM tiers GROUP BY tier)
        SELECT tier, users, revenue, ROUND(revenue / SUM(revenue) OVER () * 100, 2) AS share FROM summary ORDER BY tier
        """,
    ),
    C(
        "an_strings_concat",
        """
        SELECT _id, profile.firstName || ' ' || COALESCE(profile.lastName, '') AS full_name,
               CONCAT(profile.firstName, ' (', account.type, ')') AS label
        FROM users ORDER BY _id LIMIT 30
        """,
    ),
    C(
        "an_strings_position_left",
        """
        SELECT _id, LEFT(email, POSITION('@' IN email) - 1) AS local_part, RIGHT(email, 3) AS tld
        FROM users WHERE email IS NOT NULL ORDER BY _id LIMIT 30
        """,
    ),
    C(
        "an_strings_left_right_per_row",
        """
        SELECT _id, LEFT(username, LENGTH(username) - 3) AS l, RIGHT(username, 3 - _id % 7) AS r,
               LEFT(username, -(_id % 5)) AS lneg, RIGHT(email, POSITION('@' IN email)) AS dom
        FROM users ORDER BY _id LIMIT 60
        """,
    ),
    C(
        "an_strings_split_version",
        """
        SELECT SPLIT_PART(_schema.version, '.', 1)::int AS major, SPLIT_PART(_schema.version, '.', 2)::int AS minor,
               COUNT(*) AS n
        FROM users WHERE _schema.version IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
        """,
    ),
    C(
        "an_strings_replace_regex",
        """
        SELECT DISTINCT REGEXP_REPLACE(LOWER(TRIM("signupChannel")), '[^a-z]', '', 'g') AS ch
        FROM users ORDER BY 1 NULLS LAST
        """,
    ),
    C(
        "an_interval_age_buckets",
        """
        SELECT CASE WHEN "createdAt" >= NOW() - INTERVAL '30 days' THEN '0-30d'
                    WHEN "createdAt" >= NOW() - INTERVAL '90 days' THEN '31-90d'
                    WHEN "createdAt" >= NOW() - INTERVAL '1 year' THEN '91-365d'
                    ELSE 'older' END AS tenure,
               COUNT(*) AS n
        FROM users GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "an_date_part_month",
        "SELECT DATE_PART('month', \"createdAt\") AS m, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1",
    ),
    C(
        "an_avg_order_gap",
        """
        SELECT "userId", AVG(gap) AS avg_gap FROM (
          SELECT "userId", "createdAt" - LAG("createdAt") OVER (PARTITION BY "userId" ORDER BY "createdAt", _id) AS gap
          FROM orders WHERE "userId" IS NOT NULL
        ) g GROUP BY "userId" HAVING COUNT(gap) >= 2 ORDER BY "userId"
        """,
        refused="interval",
        xfail=UNTYPED_TS_DIFF,
    ),
    C(
        "an_items_revenue",
        """
        SELECT i.sku, SUM(i.qty) AS units, COUNT(DISTINCT o._id) AS orders, MAX(o.total) AS biggest
        FROM orders o, UNNEST(o.items) AS i
        WHERE o.status <> 'cancelled'
        GROUP BY i.sku ORDER BY i.sku
        """,
    ),
    C(
        "an_items_upper_sku",
        """
        SELECT UPPER(i.sku) AS sku, COUNT(DISTINCT o._id) AS orders
        FROM orders o CROSS JOIN UNNEST(o.items) AS i GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "an_bool_and_or",
        """
        SELECT account.type, BOOL_AND(account.isEmailVerified) AS all_verified,
               BOOL_OR(account.isEmailVerified) AS any_verified
        FROM users GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "an_string_agg_tags",
        """
        SELECT account.type, STRING_AGG(DISTINCT t, ',' ORDER BY t) AS tags
        FROM users, UNNEST(tags) AS t GROUP BY 1 ORDER BY 1
        """,
        refused="ambiguous",
    ),
    C(
        "an_array_agg_ordered",
        """
        SELECT "userId", ARRAY_AGG(_id ORDER BY "createdAt", _id) AS orders
        FROM orders WHERE "userId" BETWEEN 1 AND 15 GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "an_median_gap_hours",
        """
        SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM account.lastLoginAt - "createdAt") / 3600) AS median_hours
        FROM users WHERE account.lastLoginAt > "createdAt"
        """,
    ),
    C(
        "an_mode_plan",
        "SELECT MODE() WITHIN GROUP (ORDER BY account.type) AS top_plan FROM users",
    ),
    C(
        "an_greatest_least",
        """
        SELECT _id, GREATEST("createdAt", account.lastLoginAt) AS last_seen,
               LEAST(score, 50) AS capped
        FROM users ORDER BY _id LIMIT 40
        """,
    ),
    C(
        "an_nullif_div",
        """
        SELECT account.type, SUM(account.loginCount) / NULLIF(COUNT(account.loginCount), 0) AS per_user,
               SUM(account.loginCount)::float / NULLIF(COUNT(*), 0) AS per_user_f
        FROM users GROUP BY 1 ORDER BY 1
        """,
    ),
]

MIGRATIONS = [
    C(
        "mg_versions",
        "SELECT _schema.version AS version, COUNT(*) AS n FROM users GROUP BY _schema.version ORDER BY version NULLS FIRST",
    ),
    C("mg_outdated", "SELECT COUNT(*) AS outdated FROM users WHERE _schema.version != '2.1.0'"),
    C(
        "mg_outdated_or_missing",
        "SELECT COUNT(*) AS n FROM users WHERE _schema.version IS DISTINCT FROM '2.1.0'",
    ),
    C("mg_version_text_compare", "SELECT COUNT(*) AS n FROM users WHERE _schema.version < '2.1.0'"),
    C(
        "mg_version_array_compare",
        """
        SELECT _schema.version AS v, COUNT(*) AS n FROM users
        WHERE STRING_TO_ARRAY(_schema.version, '.')::int[] < ARRAY[2, 1, 0]
        GROUP BY 1 ORDER BY 1
        """,
        refused="STRING_TO_ARRAY",
    ),
    C("mg_locks", 'SELECT COUNT(*) AS locks FROM users WHERE "_migrationLock" = true'),
    C(
        "mg_stale_locks",
        """
        SELECT _id, _schema.migratedAt FROM users
        WHERE "_migrationLock" AND _schema.migratedAt < NOW() - INTERVAL '1 day' ORDER BY _id
        """,
    ),
    C(
        "mg_quality_seed",
        """
        SELECT
          (SELECT COUNT(*) FROM users WHERE username IS NULL) AS missing_usernames,
          (SELECT COUNT(*) FROM users WHERE email IS NULL) AS missing_emails,
          (SELECT COUNT(*) FROM users WHERE profile IS NULL) AS missing_profiles,
          (SELECT COUNT(*) FROM users WHERE _schema.version != '2.1.0') AS outdated_schema,
          (SELECT COUNT(*) FROM users WHERE "_migrationLock" = true) AS migration_locks
        """,
    ),
    C(
        "mg_progress_by_day",
        """
        SELECT CAST(_schema.migratedAt AS date) AS day, _schema.version AS v, COUNT(*) AS n
        FROM users WHERE _schema.migratedAt IS NOT NULL
        GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 30
        """,
    ),
    C(
        "mg_progress_pct",
        """
        SELECT ROUND(100.0 * COUNT(*) FILTER (WHERE _schema.version = '2.1.0') / COUNT(*), 2) AS pct_done,
               COUNT(*) FILTER (WHERE _schema IS NULL) AS unversioned
        FROM users
        """,
    ),
    C(
        "mg_invalid_docs",
        """
        SELECT _id FROM users
        WHERE username IS NULL OR TRIM(username) <> username OR email NOT LIKE '%@%' OR account.monthlyFee < 0
        ORDER BY _id
        """,
    ),
    C(
        "mg_required_fields",
        """
        SELECT COUNT(*) FILTER (WHERE profile.firstName IS NULL) AS no_first,
               COUNT(*) FILTER (WHERE profile.location IS NULL) AS no_location,
               COUNT(*) FILTER (WHERE "createdAt" > NOW()) AS future
        FROM users
        """,
    ),
]

DATES = [
    C(
        "dt_week_trunc_monday",
        "SELECT DATE_TRUNC('week', ts) AS wk, COUNT(*) AS n FROM events GROUP BY 1 ORDER BY 1",
    ),
    C("dt_isodow", "SELECT EXTRACT(ISODOW FROM ts) AS d, COUNT(*) AS n FROM events GROUP BY 1 ORDER BY 1"),
    C(
        "dt_week_of_year",
        'SELECT EXTRACT(WEEK FROM "createdAt") AS w, COUNT(*) AS n FROM orders WHERE "createdAt" < \'2024-02-15\' GROUP BY 1 ORDER BY 1',
    ),
    C("dt_epoch", "SELECT _id, EXTRACT(EPOCH FROM ts)::bigint AS epoch FROM events ORDER BY _id LIMIT 20"),
    C(
        "dt_month_name",
        "SELECT TO_CHAR(\"createdAt\", 'Mon YYYY') AS m, COUNT(*) AS n FROM orders GROUP BY 1, DATE_TRUNC('month', \"createdAt\") ORDER BY DATE_TRUNC('month', \"createdAt\")",
    ),
    C(
        "dt_interval_hours",
        "SELECT COUNT(*) AS n FROM events WHERE ts > TIMESTAMP '2024-11-03 00:00' - INTERVAL '36 hours'",
    ),
    C(
        "dt_end_of_month",
        "SELECT _id, (DATE_TRUNC('month', \"createdAt\") + INTERVAL '1 month - 1 day')::date AS eom FROM orders ORDER BY _id LIMIT 30",
    ),
    C(
        "dt_between_strings",
        "SELECT COUNT(*) AS n FROM events WHERE ts BETWEEN '2024-10-01' AND '2024-10-31 23:59:59'",
    ),
    C(
        "dt_date_add_int",
        'SELECT _id, CAST("createdAt" AS date) + 7 AS due FROM orders ORDER BY _id LIMIT 20',
    ),
    C(
        "dt_interval_text",
        'SELECT _id, (account.lastLoginAt - "createdAt")::text AS gap FROM users WHERE account.lastLoginAt IS NOT NULL AND "createdAt" IS NOT NULL ORDER BY _id LIMIT 15',
        refused="interval",
        xfail=UNTYPED_TS_DIFF,
    ),
    C(
        "dt_justify",
        "SELECT _id, DATE_PART('day', account.lastLoginAt - \"createdAt\") AS days FROM users WHERE account.lastLoginAt IS NOT NULL ORDER BY _id LIMIT 20",
    ),
    C(
        "dt_make_date",
        'SELECT COUNT(*) AS n FROM orders WHERE "createdAt" >= MAKE_DATE(2024, 3, 1) AND "createdAt" < MAKE_DATE(2024, 4, 1)',
    ),
    C(
        "dt_date_bin",
        "SELECT DATE_BIN(INTERVAL '6 hours', ts, TIMESTAMP '2024-01-01') AS slot, COUNT(*) AS n FROM events WHERE ts >= '2024-11-01' GROUP BY 1 ORDER BY 1",
    ),
    C("dt_current_date_cmp", "SELECT COUNT(*) AS n FROM events WHERE CAST(ts AS date) = CURRENT_DATE - 1"),
    C(
        "dt_age_years",
        'SELECT _id, EXTRACT(YEAR FROM AGE(NOW(), "createdAt")) AS y, EXTRACT(MONTH FROM AGE(NOW(), "createdAt")) AS mo FROM users WHERE "createdAt" IS NOT NULL ORDER BY _id LIMIT 20',
    ),
    C(
        "dt_to_date_string",
        "SELECT COUNT(*) AS n FROM orders WHERE \"createdAt\" >= TO_DATE('2024-06-01', 'YYYY-MM-DD')",
    ),
    C(
        "dt_generate_series_like",
        "SELECT DATE_TRUNC('day', \"createdAt\")::date AS d, COUNT(*) AS n FROM orders WHERE \"createdAt\" >= '2024-10-25' GROUP BY 1 ORDER BY 1",
    ),
    C(
        "dt_overlaps_window",
        "SELECT COUNT(*) AS n FROM users WHERE account.lastLoginAt >= \"createdAt\" + INTERVAL '30 days'",
    ),
    C(
        "dt_extract_quarter",
        'SELECT EXTRACT(QUARTER FROM "createdAt") AS q, SUM(total) AS rev FROM orders GROUP BY 1 ORDER BY 1',
    ),
    C(
        "dt_timestamp_literal_cmp",
        "SELECT COUNT(*) AS n FROM orders WHERE \"createdAt\" > '2024-06-30 00:00:00'::timestamp",
    ),
]

BI_MORE = [
    C(
        "bi_case_when_null_bucket",
        """
        SELECT CASE WHEN "o"."total" IS NULL THEN 'n/a'
                    WHEN "o"."total" < 100 THEN '<100'
                    WHEN "o"."total" < 500 THEN '100-499'
                    ELSE '500+' END AS "bucket",
               COUNT(*) AS "orders", COALESCE(SUM("o"."total"), 0) AS "revenue"
        FROM "orders" AS "o" GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "bi_count_distinct_nulls",
        'SELECT COUNT(DISTINCT "u"."profile"."location"."country") AS "countries" FROM "users" "u"',
    ),
    C(
        "bi_alias_quoted_mixed_case",
        'SELECT "u"."signupChannel" AS "Signup Channel", COUNT(*) AS "Users" FROM "users" "u" GROUP BY 1 ORDER BY 2 DESC, 1 NULLS LAST',
    ),
    C(
        "bi_numeric_casts",
        """
        SELECT "o"."_id", "o"."total"::float AS "f", "o"."total"::int AS "i", "o"."shippingCost"::numeric AS "n",
               ROUND("o"."shippingCost"::numeric, 1) AS "r"
        FROM "orders" "o" WHERE "o"."total" IS NOT NULL ORDER BY 1 LIMIT 40
        """,
    ),
    C(
        "bi_text_cast_id",
        'SELECT "e"."_id"::text AS "id", "e"."type" FROM "events" "e" WHERE "e"."_id"::text LIKE \'1%\' ORDER BY "e"."_id" LIMIT 30',
    ),
    C(
        "bi_in_quoted_ids",
        'SELECT "u"."_id", "u"."username" FROM "users" "u" WHERE "u"."_id" IN (\'1\', \'2\', \'3\', \'17\', \'34\') ORDER BY 1',
    ),
    C(
        "bi_not_in_quoted_ids",
        'SELECT COUNT(*) AS "n" FROM "orders" "o" WHERE "o"."userId" NOT IN (\'1\', \'2\', \'3\')',
    ),
    C(
        "bi_having_count_distinct",
        """
        SELECT "e"."sessionId", COUNT(DISTINCT "e"."type") AS "types"
        FROM "events" "e" GROUP BY 1 HAVING COUNT(DISTINCT "e"."type") > '2' ORDER BY 1
        """,
    ),
    C(
        "bi_having_avg",
        """
        SELECT "u"."profile"."location"."country" AS "country", AVG("u"."score") AS "avg_score"
        FROM "users" "u" GROUP BY 1 HAVING AVG("u"."score") >= '40' ORDER BY 1 NULLS LAST
        """,
    ),
    C(
        "bi_rank_window_quoted",
        """
        SELECT "t"."country", "t"."n", RANK() OVER (ORDER BY "t"."n" DESC) AS "rank"
        FROM (SELECT "u"."profile"."location"."country" AS "country", COUNT(*) AS "n" FROM "users" "u" GROUP BY 1) "t"
        ORDER BY "rank", "t"."country" NULLS LAST
        """,
    ),
    C(
        "bi_ratio_float",
        """
        SELECT "e"."props"."device" AS "device",
               COUNT(*) FILTER (WHERE "e"."type" = 'click')::float / NULLIF(COUNT(*) FILTER (WHERE "e"."type" = 'page_view'), 0) AS "ctr"
        FROM "events" "e" GROUP BY 1 ORDER BY 1 NULLS LAST
        """,
    ),
    C(
        "bi_ratio_numeric_round",
        """
        SELECT "e"."props"."device" AS "device",
               ROUND(COUNT(*) FILTER (WHERE "e"."type" = 'click')::numeric / NULLIF(COUNT(*), 0), 4) AS "click_share"
        FROM "events" "e" GROUP BY 1 ORDER BY 1 NULLS LAST
        """,
    ),
    C(
        "bi_coalesce_zero_join",
        """
        SELECT "u"."_id", COALESCE("s"."orders", 0) AS "orders", COALESCE("s"."spent", 0) AS "spent"
        FROM "users" "u"
        LEFT JOIN (SELECT "o"."userId", COUNT(*) AS "orders", SUM("o"."total") AS "spent" FROM "orders" "o" GROUP BY 1) "s"
          ON "s"."userId" = "u"."_id"
        ORDER BY "u"."_id" LIMIT 50
        """,
    ),
    C(
        "bi_limit_offset_page",
        'SELECT "e"."_id", "e"."ts" FROM "events" "e" ORDER BY "e"."ts" DESC, "e"."_id" DESC LIMIT 25 OFFSET 50',
    ),
    C(
        "bi_date_filter_string_ts",
        'SELECT COUNT(*) AS "n" FROM "events" "e" WHERE "e"."ts" >= \'2024-10-27T00:00:00.000Z\' AND "e"."ts" < \'2024-10-28T00:00:00.000Z\'',
    ),
    C(
        "bi_extract_dow_name",
        """
        SELECT CASE CAST(extract(dow from "o"."createdAt") AS integer)
                 WHEN 0 THEN 'Sun' WHEN 1 THEN 'Mon' WHEN 2 THEN 'Tue' WHEN 3 THEN 'Wed'
                 WHEN 4 THEN 'Thu' WHEN 5 THEN 'Fri' ELSE 'Sat' END AS "dow",
               COUNT(*) AS "n"
        FROM "orders" "o" GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "bi_boolean_is_true",
        'SELECT COUNT(*) FILTER (WHERE "o"."isGift" IS TRUE) AS "t", COUNT(*) FILTER (WHERE "o"."isGift" IS NOT FALSE) AS "nf" FROM "orders" "o"',
    ),
    C(
        "bi_boolean_quoted",
        'SELECT COUNT(*) AS "n" FROM "orders" "o" WHERE "o"."isGift" = \'true\'',
    ),
    C(
        "bi_boolean_quoted_t",
        'SELECT COUNT(*) AS "n" FROM "users" "u" WHERE "u"."account"."isEmailVerified" = \'t\'',
    ),
    C(
        "bi_sum_case_pivot",
        """
        SELECT "o"."currency",
               SUM(CASE WHEN "o"."status" = 'completed' THEN "o"."total" ELSE 0 END) AS "completed",
               SUM(CASE WHEN "o"."status" = 'refunded' THEN "o"."total" ELSE 0 END) AS "refunded"
        FROM "orders" "o" GROUP BY 1 ORDER BY 1 NULLS LAST
        """,
    ),
    C(
        "bi_upper_currency_group",
        'SELECT UPPER("o"."currency") AS "cur", SUM("o"."total") AS "total" FROM "orders" "o" GROUP BY UPPER("o"."currency") ORDER BY 1 NULLS LAST',
    ),
    C(
        "bi_round_avg_float",
        'SELECT ROUND(AVG("e"."value")::numeric, 2) AS "avg", ROUND(SUM("e"."value")::numeric, 2) AS "sum" FROM "events" "e"',
    ),
    C(
        "bi_avg_value_raw",
        'SELECT "e"."type", AVG("e"."value") AS "avg", SUM("e"."value") AS "sum" FROM "events" "e" GROUP BY 1 ORDER BY 1',
    ),
    C(
        "bi_value_int_div",
        'SELECT "e"."_id", "e"."value" / 4 AS "q" FROM "events" "e" WHERE "e"."value" IS NOT NULL ORDER BY 1 LIMIT 40',
        xfail=INT32_DOUBLE,
    ),
    C(
        "bi_lateral_top_order",
        """
        SELECT "u"."_id", "t"."total"
        FROM "users" "u"
        CROSS JOIN LATERAL (SELECT "o"."total" FROM "orders" "o" WHERE "o"."userId" = "u"."_id"
                            ORDER BY "o"."total" DESC NULLS LAST, "o"."_id" LIMIT 1) "t"
        ORDER BY "u"."_id" LIMIT 30
        """,
        refused="LATERAL",
    ),
    C(
        "bi_exists_in_where_case",
        """
        SELECT "u"."_id",
               CASE WHEN EXISTS (SELECT 1 FROM "events" "e" WHERE "e"."userId" = "u"."_id" AND "e"."type" = 'purchase')
                    THEN 'buyer' ELSE 'browser' END AS "kind"
        FROM "users" "u" ORDER BY 1 LIMIT 40
        """,
    ),
    C(
        "bi_distinct_on_latest",
        """
        SELECT DISTINCT ON ("e"."userId") "e"."userId", "e"."type", "e"."ts"
        FROM "events" "e" WHERE "e"."userId" IS NOT NULL
        ORDER BY "e"."userId", "e"."ts" DESC, "e"."_id" DESC
        """,
    ),
    C(
        "bi_grouping_rollup",
        """
        SELECT "u"."account"."type" AS "plan", "u"."account"."status" AS "status", COUNT(*) AS "n"
        FROM "users" "u" GROUP BY ROLLUP (1, 2) ORDER BY 1 NULLS LAST, 2 NULLS LAST
        """,
    ),
    C(
        "bi_intersect",
        """
        SELECT "userId" FROM "orders" WHERE "status" = 'completed'
        INTERSECT
        SELECT "userId" FROM "events" WHERE "type" = 'purchase'
        ORDER BY 1
        """,
    ),
    C(
        "bi_except",
        'SELECT "_id" FROM "users" EXCEPT SELECT "userId" FROM "events" ORDER BY 1',
    ),
    C(
        "bi_position_strpos",
        'SELECT "u"."_id", POSITION(\'.\' IN "u"."username") AS "p", STRPOS("u"."username", \'.\') AS "q" FROM "users" "u" ORDER BY 1 LIMIT 30',
    ),
    C(
        "bi_substring_from",
        'SELECT "e"."_id", SUBSTRING("e"."page" FROM 2 FOR 4) AS "s", SUBSTR("e"."page", 2) AS "rest" FROM "events" "e" ORDER BY 1 LIMIT 30',
    ),
    C(
        "bi_length_trim",
        'SELECT "u"."_id", LENGTH("u"."username") AS "raw", LENGTH(TRIM("u"."username")) AS "trimmed", LTRIM("u"."username") AS "l" FROM "users" "u" WHERE "u"."username" LIKE \' %\' ORDER BY 1',
    ),
    C(
        "bi_concat_ws",
        'SELECT "u"."_id", CONCAT_WS(\', \', "u"."profile"."location"."city", "u"."profile"."location"."country") AS "place" FROM "users" "u" ORDER BY 1 LIMIT 40',
    ),
    C(
        "bi_md5_like_hash_free",
        'SELECT "u"."_id", REPLACE(LOWER("u"."username"), \'.\', \'_\') AS "slug", REVERSE("u"."username") AS "rev" FROM "users" "u" ORDER BY 1 LIMIT 20',
    ),
    C(
        "bi_lpad_ids",
        'SELECT LPAD("o"."_id"::text, 8, \'0\') AS "order_no", "o"."status" FROM "orders" "o" ORDER BY 1 LIMIT 20',
    ),
    C(
        "bi_count_star_vs_col",
        'SELECT COUNT(*) AS "rows", COUNT("o"."total") AS "with_total", COUNT(DISTINCT "o"."currency") AS "currencies", COUNT(DISTINCT UPPER("o"."currency")) AS "currencies_ci" FROM "orders" "o"',
    ),
    C(
        "bi_avg_interval",
        'SELECT AVG("u"."account"."lastLoginAt" - "u"."createdAt") AS "avg_gap" FROM "users" "u" WHERE "u"."account"."lastLoginAt" > "u"."createdAt"',
        refused="interval",
        xfail=UNTYPED_TS_DIFF,
    ),
    C(
        "bi_max_interval_by_plan",
        """
        SELECT "u"."account"."type", MAX("u"."account"."lastLoginAt" - "u"."createdAt") AS "longest"
        FROM "users" "u" GROUP BY 1 ORDER BY 1
        """,
        refused="interval",
        xfail=UNTYPED_TS_DIFF,
    ),
    C(
        "bi_date_trunc_day_count_distinct",
        """
        SELECT date_trunc('day', "e"."ts") AS "day",
               count(distinct "e"."userId") AS "dau",
               count(distinct "e"."sessionId") AS "sessions"
        FROM "events" "e" WHERE "e"."ts" >= '2024-10-20' GROUP BY 1 ORDER BY 1 DESC LIMIT 2000
        """,
    ),
    C(
        "bi_wau_over_mau",
        """
        WITH w AS (SELECT COUNT(DISTINCT "userId") AS wau FROM events WHERE ts >= NOW() - INTERVAL '7 days'),
             m AS (SELECT COUNT(DISTINCT "userId") AS mau FROM events WHERE ts >= NOW() - INTERVAL '30 days')
        SELECT wau, mau, ROUND(wau::numeric / NULLIF(mau, 0), 3) AS stickiness FROM w CROSS JOIN m
        """,
    ),
    C(
        "bi_session_length",
        """
        SELECT "sessionId", MAX(ts) - MIN(ts) AS length, COUNT(*) AS events
        FROM events GROUP BY "sessionId" HAVING COUNT(*) > 4 ORDER BY "sessionId"
        """,
        refused="interval",
        xfail=UNTYPED_TS_DIFF,
    ),
    C(
        "bi_events_per_user_hist",
        """
        SELECT n AS events_per_user, COUNT(*) AS users FROM (
          SELECT "userId", COUNT(*) AS n FROM events WHERE "userId" IS NOT NULL GROUP BY 1
        ) x GROUP BY n ORDER BY n
        """,
    ),
    C(
        "bi_device_share_window",
        """
        SELECT COALESCE(props.device, '(none)') AS device, COUNT(*) AS n,
               100.0 * COUNT(*) / SUM(COUNT(*)) OVER () AS pct
        FROM events GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "bi_referrer_lower_empty",
        """
        SELECT NULLIF(LOWER(props.referrer), '') AS ref, COUNT(*) AS n FROM events GROUP BY 1 ORDER BY 1 NULLS FIRST
        """,
    ),
    C(
        "bi_running_users_signups",
        """
        SELECT CAST("createdAt" AS date) AS d, COUNT(*) AS signups,
               SUM(COUNT(*)) OVER (ORDER BY CAST("createdAt" AS date)) AS cumulative
        FROM users WHERE "createdAt" >= '2024-10-01' GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "bi_moving_avg_range",
        """
        SELECT d, n, AVG(n) OVER (ORDER BY d RANGE BETWEEN INTERVAL '2 days' PRECEDING AND CURRENT ROW) AS avg3
        FROM (SELECT CAST(ts AS date) AS d, COUNT(*) AS n FROM events GROUP BY 1) daily ORDER BY d
        """,
    ),
    C(
        "bi_lead_next_event",
        """
        SELECT _id, type, LEAD(type) OVER (PARTITION BY "sessionId" ORDER BY ts, _id) AS next_type
        FROM events WHERE "sessionId" < 's0020' ORDER BY "sessionId", ts, _id
        """,
    ),
    C(
        "bi_lag_default",
        """
        SELECT _id, total, LAG(total, 1, 0) OVER (ORDER BY _id) AS prev_total FROM orders ORDER BY _id LIMIT 30
        """,
    ),
]

EDGE = [
    C(
        "ed_count_filter_quoted_date",
        "SELECT COUNT(*) FILTER (WHERE ts >= '2024-10-01') AS oct, COUNT(*) FILTER (WHERE ts < '2024-10-01') AS before FROM events",
    ),
    C(
        "ed_case_quoted_number",
        "SELECT _id, CASE WHEN account.loginCount > '100' THEN 'heavy' ELSE 'light' END AS k FROM users ORDER BY _id LIMIT 40",
    ),
    C(
        "ed_coalesce_quoted",
        "SELECT _id, COALESCE(account.loginCount, '0') + 1 AS l FROM users ORDER BY _id LIMIT 40",
    ),
    C("ed_coalesce_score_quoted", "SELECT _id, COALESCE(score, '0') AS s FROM users ORDER BY _id LIMIT 40"),
    C("ed_nullif_quoted", "SELECT COUNT(NULLIF(account.loginCount, '0')) AS n FROM users"),
    C("ed_greatest_quoted", "SELECT _id, GREATEST(score, '10') AS g FROM users ORDER BY _id LIMIT 40"),
    C("ed_between_quoted_numbers", "SELECT COUNT(*) AS n FROM users WHERE score BETWEEN '20' AND '50'"),
    C("ed_in_quoted_text", "SELECT COUNT(*) AS n FROM users WHERE account.type IN ('pro', 'enterprise')"),
    C(
        "ed_bool_text",
        "SELECT account.isEmailVerified::text AS v, COUNT(*) AS n FROM users GROUP BY 1 ORDER BY 1 NULLS LAST",
    ),
    C("ed_int_overflow", "SELECT SUM(account.loginCount * 1000000000) AS big FROM users", xfail=BIGINT_INT32),
    C("ed_sum_int_cast", "SELECT SUM(\"durationMs\")::int AS s FROM events WHERE type = 'visit'"),
    C("ed_avg_int_exact", 'SELECT type, AVG("durationMs") AS a FROM events GROUP BY 1 ORDER BY 1'),
    C(
        "ed_numeric_div_scale",
        "SELECT SUM(total) / COUNT(*) AS per_order, SUM(total) / 3 AS third FROM orders",
    ),
    C("ed_float_eq_point_one", "SELECT COUNT(*) AS n FROM events WHERE value * 10 = 1"),
    C("ed_decimal_literal_cmp", "SELECT COUNT(*) AS n FROM users WHERE score * 0.1 >= 5"),
    C("ed_modulo_negative", "SELECT _id, (_id - 200) % 7 AS m FROM orders ORDER BY _id LIMIT 10"),
    C(
        "ed_abs_sign",
        "SELECT _id, ABS(score - 50) AS dist, SIGN(score - 50) AS side FROM users ORDER BY _id LIMIT 40",
    ),
    C(
        "ed_ceil_floor",
        "SELECT _id, CEIL(total) AS c, FLOOR(total) AS f, TRUNC(total, 1) AS t FROM orders ORDER BY _id LIMIT 40",
    ),
    C(
        "ed_power_sqrt",
        "SELECT _id, SQRT(ABS(score)) AS r, POWER(account.loginCount, 2) AS p FROM users ORDER BY _id LIMIT 30",
    ),
    C(
        "ed_round_half",
        "SELECT ROUND(2.5) AS a, ROUND(-2.5) AS b, ROUND(2.5::float) AS c, ROUND(0.125, 2) AS d",
        refused="without a FROM",
    ),
    C(
        "ed_select_no_from",
        "SELECT 1 + 1 AS two, 'x' || 'y' AS xy, 7 / 2 AS i, 7 / 2.0 AS n",
        refused="without a FROM",
    ),
    C(
        "ed_order_by_alias_expr",
        "SELECT _id, score * 2 AS dbl FROM users ORDER BY dbl DESC NULLS LAST, _id LIMIT 10",
    ),
    C(
        "ed_group_by_expr_ordinal",
        "SELECT LOWER(TRIM(status)) AS s, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 2 DESC, 1",
    ),
    C("ed_having_no_group", "SELECT COUNT(*) AS n FROM orders HAVING COUNT(*) > 10"),
    C(
        "ed_empty_result_agg",
        "SELECT COUNT(*) AS n, SUM(total) AS s, MAX(\"createdAt\") AS m FROM orders WHERE status = 'nope'",
    ),
    C("ed_like_underscore", "SELECT COUNT(*) AS n FROM events WHERE page LIKE '/docs_%'"),
    C("ed_like_escape", "SELECT COUNT(*) AS n FROM events WHERE type LIKE 'add\\_%'"),
    C("ed_similar_regex", "SELECT COUNT(*) AS n FROM users WHERE username ~ '^[a-z]+\\.[a-z]+[0-9]+$'"),
    C("ed_regex_ci", "SELECT COUNT(*) AS n FROM users WHERE email ~* 'example\\.com$'"),
    C("ed_array_contains", "SELECT COUNT(*) AS n FROM users WHERE tags @> ARRAY['beta']"),
    C(
        "ed_array_any_quoted",
        "SELECT COUNT(*) AS n FROM users WHERE 'newsletter' = ANY(tags) AND NOT ('vip' = ANY(tags))",
    ),
    C(
        "ed_array_index",
        "SELECT _id, tags[0] AS first_tag FROM users WHERE CARDINALITY(tags) > 0 ORDER BY _id LIMIT 20",
    ),
    C(
        "ed_order_by_array_len",
        "SELECT _id, tags FROM users WHERE tags IS NOT NULL ORDER BY CARDINALITY(tags) DESC, _id LIMIT 15",
    ),
    C("ed_distinct_multi", "SELECT DISTINCT account.type, account.status FROM users ORDER BY 1, 2"),
    C(
        "ed_count_distinct_pair",
        'SELECT COUNT(DISTINCT ("userId", type)) AS n FROM events',
        refused="row values",
    ),
    C(
        "ed_nested_case",
        "SELECT _id, CASE WHEN profile IS NULL THEN 'no profile' WHEN profile.location IS NULL THEN 'no location' ELSE CASE WHEN profile.location.country = 'US' THEN 'domestic' ELSE 'intl' END END AS k FROM users ORDER BY _id LIMIT 60",
    ),
    C("ed_not_between", "SELECT COUNT(*) AS n FROM users WHERE score NOT BETWEEN 5 AND 50"),
    C("ed_in_null_list", "SELECT COUNT(*) AS n FROM users WHERE score IN (5, NULL)"),
    C("ed_not_in_null_list", "SELECT COUNT(*) AS n FROM users WHERE score NOT IN (5, NULL)"),
    C("ed_unicode_literal", "SELECT COUNT(*) AS n FROM users WHERE profile.location.city = 'Zürich'"),
    C(
        "ed_unicode_trim_cmp",
        "SELECT COUNT(*) AS n FROM users WHERE LOWER(TRIM(profile.location.city)) = 'zürich'",
    ),
    C("ed_text_ordering_case", "SELECT DISTINCT status FROM orders ORDER BY status"),
    C("ed_text_min_max", "SELECT MIN(username) AS mn, MAX(username) AS mx FROM users"),
    C("ed_text_gt_literal", "SELECT COUNT(*) AS n FROM users WHERE username > 'm'"),
    C("ed_text_date_shaped", "SELECT COUNT(*) AS n FROM users WHERE _schema.version >= '2.1'"),
    C(
        "ed_count_star_join_dup",
        'SELECT COUNT(*) AS n FROM users u JOIN orders o ON o."userId" = u._id JOIN events e ON e."userId" = u._id WHERE e.type = \'purchase\'',
    ),
    C(
        "ed_full_outer",
        'SELECT COALESCE(u._id, o."userId") AS uid, COUNT(o._id) AS orders FROM users u FULL OUTER JOIN orders o ON o."userId" = u._id GROUP BY 1 ORDER BY 1 NULLS LAST LIMIT 40',
        refused="FULL JOIN",
    ),
    C(
        "ed_self_join",
        "SELECT a._id, b._id AS other FROM users a JOIN users b ON a.username = b.username AND a._id < b._id ORDER BY 1, 2",
    ),
    C(
        "ed_join_on_lower",
        "SELECT COUNT(*) AS n FROM users a JOIN users b ON LOWER(a.profile.firstName) = LOWER(b.profile.firstName) AND a._id <> b._id",
    ),
    C(
        "ed_values_cte",
        "WITH plans(name, fee) AS (VALUES ('free', 0), ('basic', 4.99), ('pro', 19.9)) SELECT p.name, COUNT(u._id) AS n FROM plans p LEFT JOIN users u ON u.account.type = p.name GROUP BY p.name ORDER BY p.name",
        refused="VALUES",
    ),
]

SEED_STYLE = [
    C(
        "x_seed_json_distribution",
        """
        SELECT account.type AS plan,
               JSON_BUILD_OBJECT('min', MIN(score), 'p50', PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY score),
                                 'max', MAX(score)) AS dist
        FROM users GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "x_seed_array_agg_filter",
        """
        SELECT account.type, ARRAY_AGG(profile.location.city ORDER BY _id) FILTER (WHERE profile.location.country = 'CH') AS swiss
        FROM users GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "x_grouping_sets",
        """
        SELECT account.type AS plan, "signupChannel" AS ch, COUNT(*) AS n, GROUPING(account.type, "signupChannel") AS g
        FROM users GROUP BY GROUPING SETS ((account.type), ("signupChannel"), ()) ORDER BY g, plan NULLS LAST, ch NULLS LAST
        """,
    ),
    C(
        "x_cube_currency_gift",
        'SELECT currency, "isGift", SUM(total) AS s FROM orders GROUP BY CUBE (currency, "isGift") ORDER BY 1 NULLS LAST, 2 NULLS LAST',
    ),
    C(
        "x_week_dst_berlin",
        """
        SELECT DATE_TRUNC('week', ts AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Berlin') AS wk, COUNT(*) AS n
        FROM events WHERE ts >= '2024-10-20' GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "x_mb_case_in_quoted",
        """
        SELECT CASE WHEN "orders"."userId" IN ('1', '2', '3') THEN 'vip' ELSE 'other' END AS "seg", count(*) AS "count"
        FROM "orders" GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "x_quoted_numeric_having_avg",
        "SELECT currency, AVG(total) AS a FROM orders GROUP BY 1 HAVING AVG(total) BETWEEN '100' AND '600.5' ORDER BY 1 NULLS LAST",
    ),
    C(
        "x_exists_not_exists_mix",
        """
        SELECT COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o."userId" = u._id)) AS buyers,
               COUNT(*) AS users
        FROM users u
        """,
        refused="subquery",
    ),
    C(
        "x_string_agg_order_desc",
        "SELECT \"sessionId\", STRING_AGG(type, ' > ' ORDER BY ts, _id) AS path FROM events WHERE \"sessionId\" < 's0015' GROUP BY 1 ORDER BY 1",
    ),
    C(
        "x_coalesce_nullif_trim",
        "SELECT COALESCE(NULLIF(TRIM(\"couponCode\"), ''), '(none)') AS coupon, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1",
    ),
    C(
        "x_epoch_ms_bucket",
        "SELECT FLOOR(EXTRACT(EPOCH FROM ts) / 86400)::bigint AS day_no, COUNT(*) AS n FROM events WHERE ts >= '2024-11-01' GROUP BY 1 ORDER BY 1",
    ),
    C(
        "x_interval_compare_avg",
        "SELECT account.type, COUNT(*) AS n FROM users GROUP BY 1 HAVING AVG(account.lastLoginAt - \"createdAt\") > INTERVAL '100 days' ORDER BY 1",
    ),
    C(
        "x_sum_interval_epoch",
        'SELECT EXTRACT(EPOCH FROM SUM(account.lastLoginAt - "createdAt")) AS secs FROM users WHERE account.lastLoginAt > "createdAt"',
    ),
    C(
        "x_round_score_div_count",
        "SELECT ROUND(SUM(score)::numeric / COUNT(*), 3) AS r, ROUND((SUM(score) / COUNT(*))::numeric, 3) AS r2 FROM users",
    ),
    C(
        "x_lower_in_list",
        "SELECT COUNT(*) AS n FROM orders WHERE LOWER(status) IN ('completed', 'pending') AND UPPER(currency) = 'USD'",
    ),
    C(
        "x_rank_partition_ties",
        """
        SELECT _id, account.type, score, RANK() OVER (PARTITION BY account.type ORDER BY score DESC) AS r
        FROM users WHERE score IN (5, 20, 50) ORDER BY account.type, r, _id
        """,
    ),
]

ERRORS = [
    E("err_text_plus_int", "SELECT username + 1 FROM users"),
    E("err_bad_date_literal", "SELECT COUNT(*) FROM orders WHERE \"createdAt\" > '2024-13-45'"),
    E("err_bad_int_literal", "SELECT COUNT(*) FROM users WHERE account.loginCount = 'ten'"),
    E("err_group_by_missing", "SELECT account.type, score FROM users GROUP BY account.type"),
    E("err_div_zero", "SELECT SUM(total) / 0 FROM orders"),
    E("err_agg_in_where", "SELECT COUNT(*) FROM users WHERE COUNT(*) > 1"),
    E("err_unknown_function", "SELECT FOO_BAR(score) FROM users"),
    E("err_bool_vs_int", 'SELECT COUNT(*) FROM orders WHERE "isGift" = 1', xfail=CROSS_CATEGORY),
    E("err_window_in_where", "SELECT _id FROM users WHERE ROW_NUMBER() OVER () = 1"),
    E("err_cast_text_int", "SELECT username::int FROM users"),
    E("err_union_type_mismatch", "SELECT _id FROM users UNION SELECT username FROM users", xfail=UNION_TYPES),
    E("err_negative_substring", "SELECT SUBSTRING(username FROM 1 FOR -1) FROM users"),
]

GROUPS: dict[str, list[Case]] = {
    "Metabase": METABASE,
    "Superset": SUPERSET,
    "Looker": LOOKER,
    "data quirks": QUIRKS,
    "analysts": ANALYST,
    "migrations": MIGRATIONS,
    "dates": DATES,
    "BI, more": BI_MORE,
    "edges": EDGE,
    "seed style": SEED_STYLE,
    "user errors": ERRORS,
}
CASES: list[Case] = [case for cases in GROUPS.values() for case in cases]
