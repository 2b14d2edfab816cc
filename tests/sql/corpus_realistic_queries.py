"""A realistic analyst corpus on the seed's domain (users, orders, user activity buckets), written the
way a data team writes SQL: dashboards, cohorts, funnels, top-N per group, running totals, segments,
percentiles, date bucketing, text cleanup, arrays, NULL handling and quoted literals beside numbers,
dates and booleans. Keywords in either case, comments, ``::`` casts and trailing semicolons are
part of it. PostgreSQL 15 is the oracle (``corpus_realistic_data.py`` loads the same documents).

``C(...)`` is a query whose rows must equal PostgreSQL's. ``refused=`` marks one PostgreSQL answers
and we refuse with a ``LeafSQLError`` naming the construct and its position (the text is a word the
message must contain). ``E(...)`` is a query PostgreSQL rejects: we must reject it too, with a
one-line error, never an answer or a traceback. ``xfail=`` is a known wrong answer owned elsewhere.
"""

from __future__ import annotations

from tests.sql.corpus_case import Case, builders
from tests.sql.corpus_realistic_data import NOW

C, E = builders(NOW)


# Known wrong answers, each a class owned elsewhere or inherent to documents without a schema.
INT32_DOUBLE = (
    "data typing, not compiled semantics: a whole number stored as int32 in a field PostgreSQL types "
    "double precision is an integer here (the written type mapping), so / truncates; with a catalog "
    "the query agrees (num_total_over_qty_catalog)"
)
CROSS_CATEGORY = (
    "sql-literals/predicates: without a catalog a field compared with a typed constant of another type "
    "category (boolean = 1, timestamp > 20240101) stays a plain $match and matches nothing where "
    "PostgreSQL says 'operator does not exist' (with the schemas as catalog it is refused)"
)
SCHEMALESS = "no catalog: a field no document holds reads as NULL (PostgreSQL: column does not exist)"

CATALOG = {
    "orders": {"total": "double precision", "discount": "double precision", "status": "text"},
    "users": {"score": "double precision", "username": "text", "createdAt": "timestamp"},
}

DASHBOARD = [
    C(
        "dash_users_by_type",
        "SELECT account.type AS plan, COUNT(*) AS users FROM users GROUP BY account.type ORDER BY plan",
    ),
    C(
        "dash_active_share",
        """
        select account.type as plan,
               count(*) filter (where account.status = 'active') as active,
               count(*) as total,
               round(100.0 * count(*) filter (where account.status = 'active') / count(*), 1) as pct_active
        from users
        group by 1
        order by 1;
        """,
    ),
    C(
        "dash_revenue_by_status",
        """
        SELECT LOWER(TRIM(status)) AS status, COUNT(*) AS orders, SUM(total) AS revenue,
               ROUND(AVG(total)::numeric, 2) AS avg_order
        FROM orders
        GROUP BY LOWER(TRIM(status))
        ORDER BY revenue DESC NULLS LAST, status
        """,
    ),
    C("dash_orders_today", "SELECT COUNT(*) AS n FROM orders WHERE createdAt >= CURRENT_DATE"),
    C(
        "dash_last_30_days",
        "SELECT COUNT(*) AS orders, COALESCE(SUM(total), 0) AS revenue FROM orders "
        "WHERE createdAt >= CURRENT_DATE - INTERVAL '30 days'",
    ),
    C(
        "dash_kpis_one_row",
        """
        SELECT
          (SELECT COUNT(*) FROM users) AS users,
          (SELECT COUNT(*) FROM users WHERE account.status = 'active') AS active_users,
          (SELECT COUNT(*) FROM orders WHERE LOWER(status) = 'paid') AS paid_orders,
          (SELECT MAX(createdAt) FROM orders) AS last_order_at
        """,
    ),
    C(
        "dash_avg_logins",
        "SELECT account.type, AVG(account.loginCount) AS avg_logins, MAX(account.loginCount) AS max_logins "
        "FROM users GROUP BY account.type ORDER BY 1",
    ),
    C(
        "dash_verified_rate",
        """
        SELECT AVG(CASE WHEN account.isEmailVerified THEN 1 ELSE 0 END) AS verified_rate,
               COUNT(*) FILTER (WHERE account.isEmailVerified IS NULL) AS unknown
        FROM users
        """,
    ),
    C(
        "dash_mrr",
        "SELECT account.type, SUM(account.monthlyFee) AS mrr FROM users WHERE account.status = 'active' "
        "GROUP BY account.type ORDER BY mrr DESC",
    ),
    C(
        "dash_mrr_with_tax",
        "SELECT SUM(account.monthlyFee * 1.19) AS gross, ROUND(SUM(account.monthlyFee) * 0.19, 2) AS tax "
        "FROM users WHERE account.type <> 'free'",
    ),
    C(
        "dash_channel_mix",
        """
        SELECT COALESCE(channel, 'unknown') AS channel, COUNT(*) AS n,
               ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2) AS share
        FROM orders GROUP BY COALESCE(channel, 'unknown') ORDER BY n DESC, channel
        """,
    ),
    C(
        "dash_channel_share_int",
        "SELECT channel, COUNT(*) * 100 / SUM(COUNT(*)) OVER () AS pct FROM orders GROUP BY channel ORDER BY channel NULLS FIRST",
    ),
    C(
        "dash_bucket_totals",
        """
        SELECT bucketType, SUM(summary.pageViews) AS views, SUM(summary.clicks) AS clicks,
               SUM(summary.totalResponseTime) AS total_ms
        FROM user_activity_buckets GROUP BY bucketType ORDER BY bucketType
        """,
    ),
    C(
        "dash_ctr",
        """
        SELECT metadata.deviceType AS device,
               SUM(summary.clicks)::numeric / NULLIF(SUM(summary.pageViews), 0) AS ctr
        FROM user_activity_buckets GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "dash_ctr_int_div",
        "SELECT metadata.deviceType, SUM(summary.clicks) / SUM(summary.pageViews) AS ctr "
        "FROM user_activity_buckets GROUP BY metadata.deviceType ORDER BY 1",
    ),
    C("dash_distinct_customers", "SELECT COUNT(DISTINCT customerId) AS buyers FROM orders WHERE total > 0"),
    C("dash_null_customers", "SELECT COUNT(*) - COUNT(customerId) AS anonymous_orders FROM orders"),
]

SEGMENTS = [
    C(
        "seg_score_case",
        """
        SELECT CASE
                 WHEN score >= 50 THEN 'High Engagement'
                 WHEN score >= 20 THEN 'Medium Engagement'
                 WHEN score >= 5 THEN 'Low Engagement'
                 ELSE 'Inactive'
               END AS segment,
               COUNT(*) AS users
        FROM users
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "seg_quoted_thresholds",
        """
        SELECT _id, CASE WHEN score >= '50' THEN 'high' WHEN score >= '20' THEN 'mid' ELSE 'low' END AS seg
        FROM users ORDER BY _id
        """,
    ),
    C(
        "seg_engagement_score",
        """
        WITH e AS (
          SELECT userId,
                 SUM(summary.pageViews) * 0.1 + SUM(summary.clicks) * 0.3 + COUNT(DISTINCT bucketDate) * 0.6 AS engagement_score
          FROM user_activity_buckets
          WHERE userId IS NOT NULL
          GROUP BY userId
        )
        SELECT userId, engagement_score,
               CASE WHEN engagement_score >= 50 THEN 'High'
                    WHEN engagement_score >= 20 THEN 'Medium'
                    WHEN engagement_score >= 5 THEN 'Low' ELSE 'Inactive' END AS segment
        FROM e ORDER BY userId
        """,
    ),
    C(
        "seg_engagement_percent_rank",
        """
        WITH e AS (
          SELECT u._id, u.account.type AS account_type,
                 SUM(ab.summary.pageViews) * 0.1 + SUM(ab.summary.clicks) * 0.3 AS score
          FROM users u JOIN user_activity_buckets ab ON ab.userId = u._id
          GROUP BY u._id, u.account.type
        )
        SELECT _id, account_type, score,
               PERCENT_RANK() OVER (PARTITION BY account_type ORDER BY score) AS pr
        FROM e ORDER BY _id
        """,
    ),
    C(
        "seg_engagement_percentiles",
        """
        WITH e AS (
          SELECT userId, SUM(summary.pageViews) * 0.1 + SUM(summary.clicks) * 0.3 AS score
          FROM user_activity_buckets GROUP BY userId
        )
        SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY score) AS p50,
               PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY score) AS p95,
               PERCENTILE_DISC(0.25) WITHIN GROUP (ORDER BY score) AS p25_disc
        FROM e
        """,
    ),
    C(
        "seg_seed_full",
        """
        WITH user_engagement AS (
          SELECT u._id AS user_id, u.account.type AS account_type,
                 SUM(ab.summary.pageViews) AS total_page_views,
                 COUNT(DISTINCT ab.bucketDate) AS active_days,
                 (SUM(ab.summary.pageViews) * 0.1 + SUM(ab.summary.clicks) * 0.3 +
                  COUNT(DISTINCT ab.bucketDate) * 0.6) AS engagement_score
          FROM users u
          LEFT JOIN user_activity_buckets ab ON u._id = ab.userId
            AND ab.bucketDate >= CURRENT_DATE - INTERVAL '30 days'
          WHERE u.account.status = 'active'
          GROUP BY u._id, u.account.type
        ),
        engagement_segments AS (
          SELECT *,
            CASE WHEN engagement_score >= 50 THEN 'High Engagement'
                 WHEN engagement_score >= 20 THEN 'Medium Engagement'
                 WHEN engagement_score >= 5 THEN 'Low Engagement'
                 ELSE 'Inactive' END AS engagement_segment
          FROM user_engagement
        )
        SELECT engagement_segment, account_type, COUNT(*) AS user_count,
               AVG(engagement_score) AS avg_engagement_score, AVG(active_days) AS avg_active_days,
               PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY engagement_score) AS p50
        FROM engagement_segments
        GROUP BY engagement_segment, account_type
        ORDER BY engagement_segment, account_type;
        """,
    ),
    C(
        "seg_ntile_quartiles",
        "SELECT _id, score, NTILE(4) OVER (ORDER BY score NULLS FIRST, _id) AS quartile FROM users ORDER BY _id",
    ),
    C(
        "seg_login_buckets",
        """
        SELECT CASE WHEN account.loginCount IS NULL THEN 'unknown'
                    WHEN account.loginCount = 0 THEN 'never'
                    WHEN account.loginCount BETWEEN 1 AND 10 THEN 'light'
                    ELSE 'heavy' END AS bucket,
               COUNT(*) AS n
        FROM users GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "seg_login_quoted_between",
        "SELECT COUNT(*) AS n FROM users WHERE account.loginCount BETWEEN '1' AND '10'",
    ),
    C(
        "seg_login_ratio",
        "SELECT _id, account.loginCount * 0.1 <= 0.7 AS low FROM users WHERE account.loginCount IS NOT NULL ORDER BY _id",
    ),
    C(
        "seg_score_width",
        "SELECT FLOOR(score / 10) * 10 AS band, COUNT(*) AS n FROM users WHERE score IS NOT NULL GROUP BY 1 ORDER BY 1",
    ),
    C(
        "seg_age_band_int",
        "SELECT age / 10 * 10 AS decade, COUNT(*) FROM users GROUP BY age / 10 * 10 ORDER BY decade NULLS LAST",
    ),
    C(
        "seg_premium_or_heavy",
        """
        SELECT account.type, COUNT(*) AS n
        FROM users
        WHERE account.type IN ('premium', 'enterprise') OR account.loginCount > '100'
        GROUP BY account.type ORDER BY 1
        """,
    ),
    C(
        "seg_fee_band",
        """
        SELECT account.monthlyFee AS fee,
               CASE WHEN account.monthlyFee = 0 THEN 'free' WHEN account.monthlyFee < 10 THEN 'cheap' ELSE 'pricey' END AS band,
               COUNT(*) AS n
        FROM users GROUP BY 1, 2 ORDER BY 1
        """,
    ),
    C(
        "seg_fee_annual",
        "SELECT DISTINCT account.type, account.monthlyFee * 12 AS annual, account.monthlyFee * 12 * 0.85 AS discounted FROM users ORDER BY 1",
    ),
]

DATES = [
    C(
        "date_month_orders",
        "SELECT DATE_TRUNC('month', createdAt) AS month, COUNT(*) AS n, SUM(total) AS revenue "
        "FROM orders GROUP BY 1 ORDER BY 1",
    ),
    C(
        "date_week_orders",
        "SELECT date_trunc('week', createdAt) AS wk, count(*) FROM orders GROUP BY 1 ORDER BY 1",
    ),
    C(
        "date_day_signups_since",
        "SELECT createdAt::date AS day, COUNT(*) AS signups FROM users WHERE createdAt >= '2024-09-01' GROUP BY 1 ORDER BY 1",
    ),
    C(
        "date_extract_dow",
        "SELECT EXTRACT(DOW FROM createdAt) AS dow, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1",
    ),
    C(
        "date_extract_hour_int",
        "SELECT EXTRACT(HOUR FROM createdAt)::int AS hour, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1",
    ),
    C(
        "date_year_month",
        "SELECT EXTRACT(YEAR FROM createdAt) AS y, EXTRACT(MONTH FROM createdAt) AS m, COUNT(*) AS n "
        "FROM orders GROUP BY 1, 2 ORDER BY 1, 2",
    ),
    C(
        "date_at_time_zone_ny_day",
        """
        SELECT DATE_TRUNC('day', createdAt AT TIME ZONE 'UTC' AT TIME ZONE 'America/New_York') AS local_day,
               COUNT(*) AS n
        FROM orders WHERE createdAt BETWEEN '2024-03-09' AND '2024-03-12'
        GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "date_berlin_hour",
        """
        SELECT _id, createdAt AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Berlin' AS berlin
        FROM orders WHERE createdAt >= '2024-03-30' AND createdAt < '2024-04-01' ORDER BY _id
        """,
    ),
    C(
        "date_trunc_tz",
        "SELECT DATE_TRUNC('day', createdAt, 'America/New_York') AS d, COUNT(*) AS n FROM orders "
        "WHERE createdAt >= '2024-11-01' GROUP BY 1 ORDER BY 1",
    ),
    C(
        "date_month_end_window",
        "SELECT COUNT(*) AS n FROM orders WHERE createdAt >= '2024-01-01' AND createdAt < '2024-02-01'",
    ),
    C(
        "date_between_dates_inclusive_trap",
        "SELECT COUNT(*) AS n FROM orders WHERE createdAt BETWEEN '2024-01-01' AND '2024-01-31'",
    ),
    C(
        "date_between_date_cast",
        "SELECT COUNT(*) AS n FROM orders WHERE createdAt::date BETWEEN '2024-01-01' AND '2024-01-31'",
    ),
    C(
        "date_typed_literal",
        "SELECT COUNT(*) AS n FROM orders WHERE createdAt >= DATE '2024-06-01' AND createdAt < TIMESTAMP '2024-07-01 00:00:00'",
    ),
    C(
        "date_leap_day",
        "SELECT _id FROM orders WHERE createdAt::date = '2024-02-29' ORDER BY _id",
    ),
    C(
        "date_days_to_ship",
        """
        SELECT _id, EXTRACT(EPOCH FROM shippedAt - createdAt) / 3600 AS hours_to_ship
        FROM orders WHERE shippedAt IS NOT NULL ORDER BY _id
        """,
    ),
    C(
        "date_ship_sla",
        """
        SELECT COUNT(*) FILTER (WHERE shippedAt - createdAt <= INTERVAL '2 days') AS on_time,
               COUNT(*) FILTER (WHERE shippedAt - createdAt > INTERVAL '2 days') AS late
        FROM orders
        """,
    ),
    C(
        "date_days_since_login",
        "SELECT _id, CURRENT_DATE - account.lastLoginAt::date AS days_idle FROM users "
        "WHERE account.lastLoginAt IS NOT NULL ORDER BY days_idle DESC, _id LIMIT 10",
    ),
    C(
        "date_inactive_90",
        "SELECT COUNT(*) AS dormant FROM users WHERE account.lastLoginAt < NOW() - INTERVAL '90 days' "
        "OR account.lastLoginAt IS NULL",
    ),
    C(
        "date_to_char_month",
        "SELECT TO_CHAR(createdAt, 'YYYY-MM') AS month, COUNT(*) AS n FROM users GROUP BY 1 ORDER BY 1",
    ),
    C(
        "date_cast_text",
        "SELECT _id, CAST(CAST(createdAt AS DATE) AS TEXT) AS day FROM users WHERE _id <= 10 ORDER BY _id",
    ),
    C(
        "date_quarter",
        "SELECT EXTRACT(QUARTER FROM createdAt) AS q, COUNT(*) FROM orders GROUP BY 1 ORDER BY 1",
    ),
    C(
        "date_bucket_hourly",
        """
        SELECT date_trunc('hour', bucketDate) AS hour, SUM(summary.pageViews) AS views
        FROM user_activity_buckets WHERE bucketType = 'hourly' AND bucketDate >= '2024-09-01'
        GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "date_param_since",
        "SELECT COUNT(*) AS n FROM orders WHERE createdAt >= :since",
        params={"since": "2024-06-01"},
    ),
    C(
        "date_first_order_per_month_end",
        "SELECT _id, createdAt FROM orders WHERE createdAt = '2024-01-31 23:59:59.999' ORDER BY _id",
    ),
    C(
        "date_add_days",
        "SELECT _id, createdAt::date + 30 AS renewal FROM users WHERE _id BETWEEN 1 AND 8 ORDER BY _id",
    ),
    C(
        "date_age_years",
        "SELECT _id, DATE_PART('year', AGE(TIMESTAMP '2024-09-15', createdAt)) AS years FROM users "
        "WHERE createdAt IS NOT NULL ORDER BY _id LIMIT 15",
    ),
    C(
        "date_make_date",
        "SELECT MAKE_DATE(2024, EXTRACT(MONTH FROM createdAt)::int, 1) AS month_start, COUNT(*) "
        "FROM orders WHERE createdAt >= '2024-01-01' GROUP BY 1 ORDER BY 1",
    ),
]

COHORTS = [
    C(
        "cohort_signup_month",
        """
        WITH firsts AS (
          SELECT customerId, MIN(createdAt) AS first_order FROM orders WHERE customerId IS NOT NULL GROUP BY customerId
        )
        SELECT DATE_TRUNC('month', first_order) AS cohort, COUNT(*) AS customers
        FROM firsts GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "cohort_retention",
        """
        WITH firsts AS (
          SELECT customerId, DATE_TRUNC('month', MIN(createdAt)) AS cohort
          FROM orders WHERE customerId IS NOT NULL GROUP BY customerId
        ),
        activity AS (
          SELECT o.customerId, f.cohort, DATE_TRUNC('month', o.createdAt) AS month
          FROM orders o JOIN firsts f ON f.customerId = o.customerId
          WHERE o.customerId <= 40
        )
        SELECT cohort, month, COUNT(DISTINCT customerId) AS active
        FROM activity GROUP BY cohort, month ORDER BY cohort, month
        """,
    ),
    C(
        "cohort_months_since",
        """
        WITH firsts AS (
          SELECT customerId, MIN(createdAt) AS first_at FROM orders GROUP BY customerId
        )
        SELECT (EXTRACT(YEAR FROM o.createdAt) - EXTRACT(YEAR FROM f.first_at)) * 12
                 + EXTRACT(MONTH FROM o.createdAt) - EXTRACT(MONTH FROM f.first_at) AS month_number,
               COUNT(DISTINCT o.customerId) AS customers
        FROM orders o JOIN firsts f ON f.customerId = o.customerId
        WHERE o.customerId <= 40
        GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "cohort_users_signup_vs_orders",
        """
        SELECT DATE_TRUNC('quarter', u.createdAt) AS signup_q, COUNT(DISTINCT u._id) AS users,
               COUNT(o._id) AS orders
        FROM users u LEFT JOIN orders o ON o.customerId = u._id
        GROUP BY 1 ORDER BY 1 NULLS FIRST
        """,
    ),
    C(
        "cohort_repeat_buyers",
        """
        SELECT COUNT(*) AS repeaters FROM (
          SELECT customerId FROM orders WHERE customerId IS NOT NULL GROUP BY customerId HAVING COUNT(*) >= 2
        ) r
        """,
    ),
    C(
        "cohort_days_to_second_order",
        """
        WITH ranked AS (
          SELECT customerId, createdAt, ROW_NUMBER() OVER (PARTITION BY customerId ORDER BY createdAt, _id) AS rn
          FROM orders WHERE customerId IS NOT NULL
        )
        SELECT a.customerId, EXTRACT(DAY FROM b.createdAt - a.createdAt) AS days
        FROM ranked a JOIN ranked b ON a.customerId = b.customerId AND b.rn = 2
        WHERE a.rn = 1 AND a.customerId <= 30 ORDER BY a.customerId
        """,
    ),
]

FUNNEL = [
    C(
        "funnel_events",
        """
        SELECT e.eventType, COUNT(*) AS events, COUNT(DISTINCT ab.userId) AS users
        FROM user_activity_buckets ab CROSS JOIN UNNEST(ab.events) AS e
        GROUP BY e.eventType ORDER BY e.eventType
        """,
    ),
    C(
        "funnel_signup_to_order",
        """
        SELECT COUNT(*) AS signed_up,
               COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customerId = u._id)) AS ordered,
               COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customerId = u._id AND LOWER(o.status) = 'paid')) AS paid
        FROM users u
        """,
        refused="subquery",
    ),
    C(
        "funnel_stage_flags",
        """
        SELECT u._id,
               EXISTS (SELECT 1 FROM user_activity_buckets b WHERE b.userId = u._id) AS active,
               EXISTS (SELECT 1 FROM orders o WHERE o.customerId = u._id) AS buyer
        FROM users u WHERE u._id <= 25 ORDER BY u._id
        """,
    ),
    C(
        "funnel_checkout_pages",
        """
        SELECT LOWER(e.page) AS page, COUNT(*) AS hits
        FROM user_activity_buckets ab, UNNEST(ab.events) AS e
        WHERE e.eventType IN ('page_view', 'click')
        GROUP BY LOWER(e.page) ORDER BY hits DESC, page
        """,
    ),
    C(
        "funnel_error_rate",
        """
        SELECT ab.metadata.deviceType AS device,
               ROUND(AVG(CASE WHEN e.eventType = 'error' THEN 1.0 ELSE 0 END), 4) AS error_rate
        FROM user_activity_buckets ab JOIN UNNEST(ab.events) AS e ON true
        GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "funnel_slow_events",
        """
        SELECT e.page, MAX(e.responseTime) AS worst, AVG(e.responseTime) AS mean
        FROM user_activity_buckets ab CROSS JOIN UNNEST(ab.events) AS e
        WHERE e.responseTime > 1500 GROUP BY e.page ORDER BY e.page
        """,
    ),
]

TOPN = [
    C(
        "top_customers",
        """
        SELECT customerId, SUM(total) AS spend FROM orders WHERE customerId IS NOT NULL
        GROUP BY customerId ORDER BY spend DESC NULLS LAST, customerId LIMIT 10
        """,
    ),
    C(
        "top_per_channel_row_number",
        """
        SELECT * FROM (
          SELECT channel, _id, total, ROW_NUMBER() OVER (PARTITION BY channel ORDER BY total DESC NULLS LAST, _id) AS rn
          FROM orders
        ) t WHERE rn <= 3 ORDER BY channel, rn
        """,
    ),
    C(
        "top_per_type_rank_ties",
        """
        WITH r AS (
          SELECT account.type AS t, _id, score, RANK() OVER (PARTITION BY account.type ORDER BY score DESC NULLS LAST) AS rk
          FROM users
        )
        SELECT t, _id, score, rk FROM r WHERE rk <= 2 ORDER BY t, rk, _id
        """,
    ),
    C(
        "top_dense_rank_scores",
        "SELECT _id, score, DENSE_RANK() OVER (ORDER BY score DESC) AS dr FROM users WHERE score IS NOT NULL ORDER BY dr, _id LIMIT 20",
    ),
    C(
        "top_distinct_on_latest",
        """
        SELECT DISTINCT ON (customerId) customerId, _id, createdAt, total
        FROM orders WHERE customerId IS NOT NULL
        ORDER BY customerId, createdAt DESC, _id
        """,
    ),
    C(
        "top_fetch_first",
        "SELECT _id, total FROM orders ORDER BY total DESC NULLS LAST, _id FETCH FIRST 5 ROWS ONLY",
    ),
    C(
        "top_offset_fetch",
        "SELECT _id, total FROM orders ORDER BY total DESC NULLS LAST, _id OFFSET 5 ROWS FETCH NEXT 5 ROWS ONLY",
    ),
    C(
        "top_with_ties",
        "SELECT _id, score FROM users WHERE score IS NOT NULL ORDER BY score DESC FETCH FIRST 3 ROWS WITH TIES",
    ),
    C(
        "top_limit_offset_page",
        "SELECT _id, username FROM users ORDER BY _id LIMIT 20 OFFSET 40",
    ),
    C(
        "top_pages",
        """
        SELECT e.page, COUNT(*) AS n FROM user_activity_buckets ab CROSS JOIN UNNEST(ab.events) e
        GROUP BY e.page ORDER BY n DESC, e.page LIMIT 3
        """,
    ),
    C(
        "top_max_per_group_subquery",
        """
        SELECT o._id, o.channel, o.total FROM orders o
        WHERE o.total = (SELECT MAX(o2.total) FROM orders o2 WHERE o2.channel = o.channel)
        ORDER BY o.channel, o._id
        """,
    ),
    C(
        "top_users_by_views_join",
        """
        SELECT u.username, SUM(ab.summary.pageViews) AS views
        FROM users u JOIN user_activity_buckets ab ON ab.userId = u._id
        GROUP BY u._id, u.username ORDER BY views DESC, u._id LIMIT 5
        """,
    ),
]

WINDOWS = [
    C(
        "win_running_revenue",
        """
        SELECT DATE_TRUNC('month', createdAt) AS month, SUM(total) AS revenue,
               SUM(SUM(total)) OVER (ORDER BY DATE_TRUNC('month', createdAt)) AS running
        FROM orders GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "win_mom_growth",
        """
        WITH m AS (
          SELECT DATE_TRUNC('month', createdAt) AS month, COUNT(*) AS n FROM orders GROUP BY 1
        )
        SELECT month, n, LAG(n) OVER (ORDER BY month) AS prev,
               ROUND((n - LAG(n) OVER (ORDER BY month)) * 100.0 / LAG(n) OVER (ORDER BY month), 1) AS growth_pct
        FROM m ORDER BY month
        """,
    ),
    C(
        "win_mom_int_growth",
        """
        WITH m AS (SELECT date_trunc('month', createdAt) AS month, count(*) AS n FROM orders GROUP BY 1)
        SELECT month, n - LAG(n, 1, 0) OVER (ORDER BY month) AS delta FROM m ORDER BY month
        """,
    ),
    C(
        "win_moving_avg_7",
        """
        WITH d AS (
          SELECT bucketDate::date AS day, SUM(summary.pageViews) AS views
          FROM user_activity_buckets WHERE bucketType = 'daily' GROUP BY 1
        )
        SELECT day, views, AVG(views) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS ma7
        FROM d ORDER BY day
        """,
    ),
    C(
        "win_range_7_days",
        """
        WITH d AS (
          SELECT DATE_TRUNC('day', bucketDate) AS day, SUM(summary.clicks) AS clicks
          FROM user_activity_buckets GROUP BY 1
        )
        SELECT day, SUM(clicks) OVER (ORDER BY day RANGE BETWEEN INTERVAL '6 days' PRECEDING AND CURRENT ROW) AS clicks_7d
        FROM d ORDER BY day
        """,
    ),
    C(
        "win_cumulative_share",
        """
        SELECT customerId, SUM(total) AS spend,
               SUM(SUM(total)) OVER (ORDER BY SUM(total) DESC NULLS LAST, customerId) / SUM(SUM(total)) OVER () AS cum_share
        FROM orders WHERE customerId IS NOT NULL GROUP BY customerId ORDER BY spend DESC NULLS LAST, customerId
        """,
    ),
    C(
        "win_first_last_order",
        """
        SELECT DISTINCT customerId,
               FIRST_VALUE(_id) OVER w AS first_order,
               LAST_VALUE(_id) OVER (PARTITION BY customerId ORDER BY createdAt, _id
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_order
        FROM orders
        WHERE customerId <= 20
        WINDOW w AS (PARTITION BY customerId ORDER BY createdAt, _id)
        ORDER BY customerId
        """,
    ),
    C(
        "win_lead_gap",
        """
        SELECT customerId, _id, LEAD(createdAt) OVER (PARTITION BY customerId ORDER BY createdAt, _id) - createdAt < INTERVAL '30 days' AS quick_return
        FROM orders WHERE customerId BETWEEN 1 AND 15 ORDER BY customerId, _id
        """,
    ),
    C(
        "win_cume_dist",
        "SELECT _id, CUME_DIST() OVER (ORDER BY age) AS cd FROM users WHERE age IS NOT NULL ORDER BY _id",
    ),
    C(
        "win_count_over_partition",
        "SELECT _id, account.type, COUNT(*) OVER (PARTITION BY account.type) AS peers FROM users WHERE _id < 12 ORDER BY _id",
    ),
    C(
        "win_pct_of_type",
        """
        SELECT account.type AS t, profile.location.country AS country, COUNT(*) AS n,
               ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (PARTITION BY account.type), 2) AS pct
        FROM users GROUP BY 1, 2 ORDER BY 1, 2 NULLS LAST
        """,
    ),
    C(
        "win_running_count_users",
        """
        SELECT createdAt::date AS day, COUNT(*) AS signups,
               SUM(COUNT(*)) OVER (ORDER BY createdAt::date) AS cumulative
        FROM users WHERE createdAt IS NOT NULL GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "win_nth_value",
        """
        SELECT DISTINCT account.type,
               NTH_VALUE(score, 2) OVER (PARTITION BY account.type ORDER BY score DESC NULLS LAST, _id
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS second_best
        FROM users ORDER BY 1
        """,
    ),
]

TEXT = [
    C(
        "text_clean_username",
        "SELECT _id, LOWER(TRIM(username)) AS handle FROM users WHERE username <> TRIM(username) ORDER BY _id",
    ),
    C(
        "text_email_domain",
        "SELECT LOWER(SPLIT_PART(email, '@', 2)) AS domain, COUNT(*) AS n FROM users GROUP BY 1 ORDER BY 1 NULLS LAST",
    ),
    C(
        "text_email_local",
        "SELECT _id, SPLIT_PART(email, '@', 1) AS local_part FROM users WHERE email ILIKE '%@example.com' ORDER BY _id",
    ),
    C(
        "text_regex_domain",
        "SELECT COUNT(*) AS n FROM users WHERE email ~* '@(example|mail)\\.(com|org)$'",
    ),
    C(
        "text_regexp_replace",
        "SELECT _id, REGEXP_REPLACE(username, '[0-9]+$', '') AS base FROM users WHERE _id <= 12 ORDER BY _id",
    ),
    C(
        "text_initcap_name",
        "SELECT _id, INITCAP(profile.firstName || ' ' || COALESCE(profile.lastName, '')) AS name FROM users WHERE _id <= 10 ORDER BY _id",
    ),
    C(
        "text_full_name_null",
        "SELECT _id, profile.firstName || ' ' || profile.lastName AS full_name FROM users WHERE _id <= 20 ORDER BY _id",
    ),
    C(
        "text_concat_ws",
        "SELECT _id, CONCAT_WS(', ', profile.location.city, profile.location.state, profile.location.country) AS place "
        "FROM users WHERE _id <= 20 ORDER BY _id",
    ),
    C(
        "text_city_case_fold",
        "SELECT INITCAP(profile.location.city) AS city, COUNT(*) AS n FROM users GROUP BY 1 ORDER BY n DESC, city NULLS LAST",
    ),
    C(
        "text_like_prefix",
        "SELECT COUNT(*) FROM users WHERE username LIKE 'ada%'",
    ),
    C(
        "text_status_normalized",
        "SELECT UPPER(TRIM(status)) AS s, COUNT(*) FROM orders GROUP BY UPPER(TRIM(status)) ORDER BY s",
    ),
    C(
        "text_coupon_nullif",
        "SELECT UPPER(NULLIF(TRIM(couponCode), '')) AS coupon, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1 NULLS FIRST",
    ),
    C(
        "text_referral_blank",
        "SELECT COUNT(*) FILTER (WHERE NULLIF(TRIM(referralCode), '') IS NULL) AS no_ref, "
        "COUNT(referralCode) AS has_field FROM users",
    ),
    C(
        "text_sku_prefix",
        "SELECT LEFT(UPPER(i.sku), 3) AS family, SUM(i.qty) AS units FROM orders o CROSS JOIN UNNEST(o.items) AS i "
        "GROUP BY 1 ORDER BY 1",
    ),
    C(
        "text_length_stats",
        "SELECT MIN(LENGTH(username)) AS shortest, MAX(LENGTH(username)) AS longest, AVG(LENGTH(username)) AS mean FROM users",
    ),
    C(
        "text_position_at",
        "SELECT _id, POSITION('@' IN email) AS at FROM users WHERE _id <= 10 ORDER BY _id",
    ),
    C(
        "text_substring_year",
        "SELECT SUBSTRING(CAST(createdAt AS TEXT) FROM 1 FOR 4) AS y, COUNT(*) FROM orders GROUP BY 1 ORDER BY 1",
    ),
    C(
        "text_lpad_id",
        "SELECT LPAD(_id::text, 6, '0') AS code FROM users ORDER BY _id LIMIT 5",
    ),
    C(
        "text_regexp_match_number",
        "SELECT _id, (REGEXP_MATCH(username, '([0-9]+)'))[1] AS num FROM users WHERE _id <= 10 ORDER BY _id",
        refused="field reference",
    ),
    C(
        "text_not_like_any_case",
        "SELECT COUNT(*) FROM users WHERE email NOT ILIKE '%example%'",
    ),
    C(
        "text_string_agg_names",
        "SELECT account.type, STRING_AGG(profile.firstName, ', ' ORDER BY profile.firstName, _id) AS names "
        "FROM users WHERE _id <= 15 GROUP BY account.type ORDER BY 1",
    ),
    C(
        "text_replace_dash",
        "SELECT DISTINCT REPLACE(LOWER(i.sku), '-', '') AS sku FROM orders o CROSS JOIN UNNEST(o.items) i ORDER BY 1",
    ),
]

NESTED = [
    C(
        "nest_city_state",
        "SELECT profile.location.state AS state, profile.location.city AS city, COUNT(*) AS n "
        "FROM users GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2 NULLS LAST",
    ),
    C(
        "nest_alias_path",
        "SELECT u._id, u.profile.location.timezone AS tz FROM users u WHERE u.profile.location.country = 'DE' ORDER BY u._id",
    ),
    C(
        "nest_attributes_department",
        """
        SELECT ua.value AS department, COUNT(*) AS n
        FROM users u LEFT JOIN UNNEST(u.attributes) AS ua ON true
        WHERE ua.key = 'department'
        GROUP BY ua.value ORDER BY 1
        """,
    ),
    C(
        "nest_attributes_level_numeric",
        """
        SELECT u._id, CAST(ua.value AS INTEGER) AS level
        FROM users u CROSS JOIN UNNEST(u.attributes) AS ua
        WHERE ua.key = 'level' AND CAST(ua.value AS INTEGER) >= 3 ORDER BY u._id
        """,
    ),
    C(
        "nest_attributes_remote_bool",
        """
        SELECT COUNT(*) FILTER (WHERE ua.value::boolean) AS remote, COUNT(*) FILTER (WHERE NOT ua.value::boolean) AS onsite
        FROM users u CROSS JOIN UNNEST(u.attributes) ua WHERE ua.key = 'remote'
        """,
    ),
    C(
        "nest_seed_departments",
        """
        SELECT u._id,
               ARRAY_AGG(CASE WHEN ua.key = 'department' THEN ua.value END) FILTER (WHERE ua.key = 'department') AS departments
        FROM users u LEFT JOIN UNNEST(u.attributes) AS ua ON true
        WHERE u._id <= 30 GROUP BY u._id ORDER BY u._id
        """,
    ),
    C(
        "nest_first_item",
        "SELECT _id, items[0].sku AS first_sku, items[0].price AS first_price FROM orders WHERE _id <= 15 ORDER BY _id",
    ),
    C(
        "nest_item_revenue",
        """
        SELECT o._id, SUM(i.qty * i.price) AS item_total, COUNT(*) AS lines
        FROM orders o CROSS JOIN UNNEST(o.items) AS i GROUP BY o._id ORDER BY o._id LIMIT 20
        """,
    ),
    C(
        "nest_item_ordinality",
        """
        SELECT o._id, i.n, i.sku FROM orders o
        CROSS JOIN UNNEST(o.items) WITH ORDINALITY AS i(sku, qty, price, n)
        WHERE o._id <= 10 ORDER BY o._id, i.n
        """,
        refused="UNNEST",
    ),
    C(
        "nest_json_build",
        """
        SELECT _id, JSON_BUILD_OBJECT('city', profile.location.city, 'logins', account.loginCount) AS info
        FROM users WHERE _id <= 8 ORDER BY _id
        """,
    ),
    C(
        "nest_to_jsonb_path",
        "SELECT _id, TO_JSONB(u) #>> '{profile,firstName}' AS first FROM users u WHERE _id <= 5 ORDER BY _id",
    ),
    C(
        "nest_metadata_segment",
        "SELECT COALESCE(metadata.userSegment, 'n/a') AS seg, COUNT(*) AS n FROM user_activity_buckets GROUP BY 1 ORDER BY 1",
    ),
    C(
        "nest_whole_subdocument",
        "SELECT _id, account FROM users WHERE _id IN (1, 2, 3) ORDER BY _id",
    ),
]

ARRAYS = [
    C("arr_has_tag", "SELECT COUNT(*) AS vips FROM users WHERE 'vip' = ANY(tags)"),
    C("arr_tag_contains", "SELECT _id FROM users WHERE tags @> ARRAY['beta', 'vip'] ORDER BY _id"),
    C("arr_tag_overlap", "SELECT COUNT(*) FROM users WHERE tags && ARRAY['churn-risk', 'newsletter']"),
    C(
        "arr_tag_counts",
        "SELECT t AS tag, COUNT(*) AS n FROM users u CROSS JOIN UNNEST(u.tags) AS t GROUP BY t ORDER BY n DESC, tag",
    ),
    C(
        "arr_tag_counts_lower_distinct",
        "SELECT LOWER(t) AS tag, COUNT(DISTINCT u._id) AS users FROM users u CROSS JOIN UNNEST(u.tags) AS t GROUP BY 1 ORDER BY 1",
    ),
    C(
        "arr_cardinality",
        "SELECT COALESCE(CARDINALITY(tags), 0) AS n_tags, COUNT(*) AS users FROM users GROUP BY 1 ORDER BY 1",
    ),
    C(
        "arr_length_null_empty",
        "SELECT _id, ARRAY_LENGTH(tags, 1) AS n FROM users WHERE _id <= 20 ORDER BY _id",
    ),
    C(
        "arr_no_tags",
        "SELECT COUNT(*) AS untagged FROM users WHERE tags IS NULL OR CARDINALITY(tags) = 0",
    ),
    C(
        "arr_array_agg_distinct",
        "SELECT customerId, ARRAY_AGG(DISTINCT channel) AS channels FROM orders WHERE customerId <= 10 GROUP BY customerId ORDER BY 1",
    ),
    C(
        "arr_items_count",
        "SELECT COALESCE(CARDINALITY(items), -1) AS n_items, COUNT(*) FROM orders GROUP BY 1 ORDER BY 1",
    ),
    C(
        "arr_tag_position",
        "SELECT _id, ARRAY_POSITION(tags, 'vip') AS pos FROM users WHERE 'vip' = ANY(tags) ORDER BY _id",
    ),
    C(
        "arr_not_tagged_vip",
        "SELECT COUNT(*) FROM users WHERE NOT ('vip' = ANY(tags))",
    ),
    C(
        "arr_order_by_tags",
        "SELECT _id, tags FROM users WHERE tags IS NOT NULL ORDER BY tags, _id LIMIT 15",
    ),
]

NULLS = [
    C("null_coalesce_score", "SELECT _id, COALESCE(score, 0) AS score FROM users ORDER BY _id LIMIT 30"),
    C("null_coalesce_quoted", "SELECT _id, COALESCE(age, '0') AS age FROM users ORDER BY _id LIMIT 30"),
    C(
        "null_coalesce_quoted_math",
        "SELECT SUM(COALESCE(account.loginCount, '0')) AS logins, AVG(COALESCE(age, '0')) AS avg_age FROM users",
    ),
    C("null_is_distinct", "SELECT COUNT(*) FROM orders WHERE channel IS DISTINCT FROM 'web'"),
    C("null_not_equal_trap", "SELECT COUNT(*) FROM orders WHERE channel <> 'web'"),
    C("null_is_not_distinct_quoted", "SELECT COUNT(*) FROM users WHERE age IS NOT DISTINCT FROM '30'"),
    C(
        "null_nullif_div",
        "SELECT _id, total / NULLIF(quantity, 0) AS unit_price FROM orders ORDER BY _id LIMIT 25",
        xfail=INT32_DOUBLE,
    ),
    C(
        "null_count_variants",
        "SELECT COUNT(*) AS all_rows, COUNT(score) AS scored, COUNT(DISTINCT score) AS distinct_scores FROM users",
    ),
    C(
        "null_group_key",
        "SELECT profile.lastName AS last_name, COUNT(*) FROM users GROUP BY 1 ORDER BY 1 NULLS FIRST",
    ),
    C(
        "null_order_desc_nulls_last",
        "SELECT _id, account.lastLoginAt FROM users ORDER BY account.lastLoginAt DESC NULLS LAST, _id LIMIT 12",
    ),
    C(
        "null_order_default_desc",
        "SELECT _id, score FROM users ORDER BY score DESC, _id LIMIT 12",
    ),
    C(
        "null_verified_is_not_true",
        "SELECT COUNT(*) FROM users WHERE account.isEmailVerified IS NOT TRUE",
    ),
    C(
        "null_bool_quoted",
        "SELECT COUNT(*) FROM users WHERE account.isEmailVerified = 'true'",
    ),
    C(
        "null_bool_quoted_f",
        "SELECT COUNT(*) FROM users WHERE account.isEmailVerified = 'f' OR account.isEmailVerified = 'no'",
    ),
    C(
        "null_greatest_quoted",
        "SELECT _id, GREATEST(account.loginCount, '10') AS floor10, LEAST(age, '40') AS cap40 FROM users ORDER BY _id LIMIT 20",
    ),
    C(
        "null_case_else_quoted",
        "SELECT _id, CASE WHEN age IS NULL THEN '-1' ELSE age END AS age FROM users ORDER BY _id LIMIT 20",
    ),
    C(
        "null_avg_skips",
        "SELECT AVG(discount) AS avg_discount, AVG(COALESCE(discount, 0)) AS avg_with_zero FROM orders",
    ),
    C(
        "null_sum_empty",
        "SELECT SUM(total) AS s, COUNT(*) AS n, MAX(total) AS m FROM orders WHERE customerId = -1",
    ),
]

NUMBERS = [
    C(
        "num_discounted_price",
        "SELECT _id, total * (1 - discount) AS net FROM orders WHERE discount IS NOT NULL ORDER BY _id",
    ),
    C(
        "num_round_2",
        "SELECT _id, ROUND(total::numeric * 1.05, 2) AS with_fee FROM orders ORDER BY _id LIMIT 30",
    ),
    C(
        "num_price_markup",
        "SELECT i.sku, ROUND(AVG(1.05 * i.price)::numeric, 2) AS avg_price FROM orders o CROSS JOIN UNNEST(o.items) i GROUP BY 1 ORDER BY 1",
    ),
    C("num_decimal_sum", "SELECT SUM(0.1) AS tenth_each, SUM(0.1) = 32.0 AS exact FROM orders"),
    C(
        "num_int_div",
        "SELECT _id, quantity / 4 AS packs, quantity % 4 AS loose FROM orders ORDER BY _id LIMIT 20",
    ),
    C("num_avg_int", "SELECT AVG(quantity) AS avg_qty, SUM(quantity) / COUNT(*) AS int_avg FROM orders"),
    C(
        "num_avg_round",
        "SELECT channel, ROUND(AVG(quantity), 2) AS avg_qty FROM orders GROUP BY channel ORDER BY channel NULLS LAST",
    ),
    C(
        "num_round_double",
        "SELECT _id, ROUND(score) AS r, TRUNC(score) AS t, CEIL(score) AS c FROM users WHERE score IS NOT NULL ORDER BY _id LIMIT 30",
    ),
    C(
        "num_cast_int",
        "SELECT _id, CAST(score AS INTEGER) AS s FROM users WHERE score IS NOT NULL ORDER BY _id LIMIT 30",
    ),
    C(
        "num_cast_numeric_scale",
        "SELECT _id, total::numeric(10, 2) AS t FROM orders WHERE total IS NOT NULL ORDER BY _id LIMIT 30",
    ),
    C("num_quoted_number", "SELECT COUNT(*) FROM orders WHERE total > '100'"),
    C(
        "num_quoted_decimal",
        "SELECT COUNT(*) FROM orders WHERE total >= '19.99' AND total <= '250.00'",
    ),
    C("num_quoted_decimal_value", "SELECT _id, total < '100.5' AS under FROM orders ORDER BY _id LIMIT 40"),
    C("num_quoted_decimal_in", "SELECT COUNT(*) FROM orders WHERE total IN ('100.0', '19.99', '250')"),
    C("num_equal_decimal_literal", "SELECT COUNT(*) FROM orders WHERE total = 0.1 OR total = 19.99"),
    C("num_in_quoted", "SELECT COUNT(*) FROM users WHERE age IN ('30', '31', '32')"),
    C(
        "num_percentage_change",
        "SELECT _id, (total - 100) / 100 * 100 AS pct_vs_100 FROM orders WHERE total IS NOT NULL ORDER BY _id LIMIT 20",
        xfail=INT32_DOUBLE,
    ),
    C(
        "num_stddev",
        "SELECT channel, STDDEV(total) AS sd, VARIANCE(quantity) AS var_q FROM orders GROUP BY channel ORDER BY 1 NULLS LAST",
    ),
    C(
        "num_bigint_sum",
        "SELECT SUM(summary.totalResponseTime) AS total, AVG(summary.totalResponseTime) AS mean FROM user_activity_buckets",
    ),
    C(
        "num_abs_diff",
        "SELECT _id, ABS(score - 50) AS distance FROM users WHERE score IS NOT NULL ORDER BY distance, _id LIMIT 10",
    ),
    C(
        "num_power_sqrt",
        "SELECT _id, SQRT(quantity) AS root, POWER(quantity, 2) AS sq FROM orders ORDER BY _id LIMIT 10",
    ),
    C(
        "num_score_div_int",
        "SELECT _id, score / 3 AS third FROM users WHERE score IS NOT NULL ORDER BY _id LIMIT 25",
        xfail=INT32_DOUBLE,
    ),
    C(
        "num_total_over_qty",
        "SELECT _id, total / quantity AS unit FROM orders WHERE total IS NOT NULL ORDER BY _id LIMIT 25",
        xfail=INT32_DOUBLE,
    ),
    C(
        "num_total_over_qty_catalog",
        "SELECT _id, total / quantity AS unit FROM orders WHERE total IS NOT NULL ORDER BY _id LIMIT 25",
        catalog=CATALOG,
    ),
    C(
        "num_mixed_sum",
        "SELECT SUM(total) AS s, MIN(total) AS lo, MAX(total) AS hi, AVG(total) AS mean FROM orders",
    ),
    C(
        "num_fee_sum_decimal",
        "SELECT SUM(account.monthlyFee) AS fees, AVG(account.monthlyFee) AS avg_fee FROM users",
    ),
    C(
        "num_double_cast",
        "SELECT _id, CAST(account.monthlyFee AS DOUBLE PRECISION) / 3 AS third FROM users ORDER BY _id LIMIT 5",
    ),
]

JOINS = [
    C(
        "join_orders_users",
        "SELECT o._id, u.username, o.total FROM orders o JOIN users u ON u._id = o.customerId WHERE o.total > 400 ORDER BY o._id",
    ),
    C(
        "join_left_no_orders",
        "SELECT u._id FROM users u LEFT JOIN orders o ON o.customerId = u._id WHERE o._id IS NULL ORDER BY u._id",
    ),
    C(
        "join_left_counts",
        "SELECT u._id, COUNT(o._id) AS orders FROM users u LEFT JOIN orders o ON o.customerId = u._id "
        "GROUP BY u._id ORDER BY orders DESC, u._id LIMIT 15",
    ),
    C(
        "join_self_same_city",
        """
        SELECT a._id AS a_id, b._id AS b_id
        FROM users a JOIN users b ON a.profile.location.city = b.profile.location.city AND a._id < b._id
        WHERE a._id <= 10 ORDER BY 1, 2
        """,
    ),
    C(
        "join_three_way",
        """
        SELECT u.account.type, COUNT(DISTINCT o._id) AS orders, COUNT(DISTINCT ab._id) AS buckets
        FROM users u
        LEFT JOIN orders o ON o.customerId = u._id
        LEFT JOIN user_activity_buckets ab ON ab.userId = u._id
        GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "join_orphans",
        "SELECT o._id, o.customerId FROM orders o LEFT JOIN users u ON u._id = o.customerId WHERE u._id IS NULL ORDER BY o._id",
    ),
    C(
        "join_on_extra_condition",
        """
        SELECT u._id, COUNT(o._id) AS big_orders
        FROM users u LEFT JOIN orders o ON o.customerId = u._id AND o.total >= 300
        WHERE u._id <= 30 GROUP BY u._id ORDER BY u._id
        """,
    ),
    C(
        "join_cross_types_channels",
        """
        SELECT t.type, c.channel FROM (SELECT DISTINCT account.type AS type FROM users) t
        CROSS JOIN (SELECT DISTINCT channel FROM orders WHERE channel IS NOT NULL) c ORDER BY 1, 2
        """,
    ),
    C(
        "join_spend_by_country",
        """
        SELECT u.profile.location.country AS country, SUM(o.total) AS spend, COUNT(*) AS orders
        FROM orders o JOIN users u ON u._id = o.customerId
        GROUP BY 1 ORDER BY spend DESC NULLS LAST, country NULLS LAST
        """,
    ),
    C(
        "join_using",
        "SELECT COUNT(*) FROM orders o JOIN (SELECT _id AS customerId FROM users) u USING (customerId)",
    ),
    C(
        "join_full_outer",
        "SELECT COUNT(*) FROM users u FULL OUTER JOIN orders o ON o.customerId = u._id",
        refused="FULL",
    ),
]

SUBQUERIES = [
    C(
        "sub_in_big_spenders",
        "SELECT COUNT(*) FROM users WHERE _id IN (SELECT customerId FROM orders WHERE total > 500)",
    ),
    C(
        "sub_not_in_nulls",
        "SELECT COUNT(*) FROM users WHERE _id NOT IN (SELECT customerId FROM orders)",
    ),
    C(
        "sub_not_in_filtered",
        "SELECT COUNT(*) FROM users WHERE _id NOT IN (SELECT customerId FROM orders WHERE customerId IS NOT NULL)",
    ),
    C(
        "sub_not_exists",
        "SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customerId = u._id)",
    ),
    C(
        "sub_exists_recent",
        "SELECT u._id FROM users u WHERE EXISTS (SELECT * FROM user_activity_buckets b WHERE b.userId = u._id "
        "AND b.bucketDate >= '2024-09-10') ORDER BY u._id",
    ),
    C(
        "sub_scalar_correlated",
        "SELECT u._id, (SELECT COUNT(*) FROM orders o WHERE o.customerId = u._id) AS n_orders FROM users u WHERE u._id <= 20 ORDER BY u._id",
    ),
    C(
        "sub_scalar_max_date",
        "SELECT u._id, (SELECT MAX(o.createdAt) FROM orders o WHERE o.customerId = u._id) AS last_order FROM users u "
        "WHERE u._id BETWEEN 20 AND 40 ORDER BY u._id",
    ),
    C(
        "sub_above_average",
        "SELECT _id, total FROM orders WHERE total > (SELECT AVG(total) * 2 FROM orders) ORDER BY total DESC, _id",
    ),
    C(
        "sub_from_having",
        """
        SELECT n_orders, COUNT(*) AS customers FROM (
          SELECT customerId, COUNT(*) AS n_orders FROM orders GROUP BY customerId
        ) per GROUP BY n_orders ORDER BY n_orders
        """,
    ),
    C(
        "sub_in_tuple_list",
        "SELECT COUNT(*) FROM orders WHERE channel IN (SELECT channel FROM orders WHERE total > 550)",
    ),
    C(
        "sub_any_subquery",
        "SELECT COUNT(*) FROM users WHERE age > ALL (SELECT age FROM users WHERE account.type = 'enterprise' AND age IS NOT NULL)",
    ),
    C(
        "sub_correlated_avg",
        """
        SELECT o._id FROM orders o
        WHERE o.total > (SELECT AVG(o2.total) FROM orders o2 WHERE o2.customerId = o.customerId)
          AND o.customerId <= 20
        ORDER BY o._id
        """,
    ),
]

CTES = [
    C(
        "cte_chained_three",
        """
        WITH paid AS (
          SELECT * FROM orders WHERE LOWER(TRIM(status)) IN ('paid', 'shipped')
        ), per_customer AS (
          SELECT customerId, SUM(total) AS spend, COUNT(*) AS n FROM paid GROUP BY customerId
        ), tiers AS (
          SELECT customerId, spend, CASE WHEN spend >= 1000 THEN 'gold' WHEN spend >= 300 THEN 'silver' ELSE 'bronze' END AS tier
          FROM per_customer
        )
        SELECT tier, COUNT(*) AS customers, SUM(spend) AS spend FROM tiers GROUP BY tier ORDER BY tier
        """,
    ),
    C(
        "cte_reused_twice",
        """
        WITH monthly AS (
          SELECT DATE_TRUNC('month', createdAt) AS m, SUM(total) AS rev FROM orders GROUP BY 1
        )
        SELECT m, rev, rev - (SELECT AVG(rev) FROM monthly) AS vs_avg FROM monthly ORDER BY m
        """,
    ),
    C(
        "cte_join_back",
        """
        WITH spend AS (SELECT customerId, SUM(total) AS s FROM orders GROUP BY customerId)
        SELECT u.account.type, ROUND(AVG(s.s)::numeric, 2) AS avg_spend
        FROM users u JOIN spend s ON s.customerId = u._id GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "cte_dates_typed",
        """
        WITH spans AS (
          SELECT customerId, MIN(createdAt) AS first_at, MAX(createdAt) AS last_at FROM orders GROUP BY customerId
        )
        SELECT customerId, last_at - first_at > INTERVAL '90 days' AS long_lived FROM spans WHERE customerId <= 25 ORDER BY 1
        """,
    ),
    C(
        "cte_recursive",
        """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
        SELECT i FROM n
        """,
        refused="RECURSIVE",
    ),
    C(
        "cte_lowercase_style",
        """
        with recent as (select * from orders where createdAt >= '2024-09-01')
        select count(*) as n from recent
        """,
    ),
]

SETS = [
    C(
        "set_union_ids",
        "SELECT customerId AS id FROM orders WHERE total > 500 UNION SELECT userId FROM user_activity_buckets WHERE summary.errors >= 5 ORDER BY 1",
    ),
    C(
        "set_union_all_labels",
        """
        SELECT 'order' AS kind, COUNT(*) AS n FROM orders
        UNION ALL
        SELECT 'user', COUNT(*) FROM users
        UNION ALL
        SELECT 'bucket', COUNT(*) FROM user_activity_buckets
        ORDER BY kind
        """,
    ),
    C(
        "set_intersect_buyers_active",
        "SELECT customerId FROM orders INTERSECT SELECT userId FROM user_activity_buckets ORDER BY 1",
    ),
    C(
        "set_except_never_active",
        "SELECT _id FROM users EXCEPT SELECT userId FROM user_activity_buckets ORDER BY 1",
    ),
    C(
        "set_except_all",
        "SELECT channel FROM orders EXCEPT ALL SELECT channel FROM orders WHERE total > 100 ORDER BY 1",
    ),
    C(
        "set_union_null_dedup",
        "SELECT channel FROM orders UNION SELECT NULL ORDER BY 1 NULLS FIRST",
    ),
]

GROUPING = [
    C(
        "grp_rollup_type_status",
        """
        SELECT account.type AS t, account.status AS s, COUNT(*) AS n
        FROM users GROUP BY ROLLUP (account.type, account.status)
        ORDER BY t NULLS LAST, s NULLS LAST
        """,
    ),
    C(
        "grp_sets_channel_month",
        """
        SELECT channel, DATE_TRUNC('month', createdAt) AS m, SUM(total) AS revenue, GROUPING(channel, DATE_TRUNC('month', createdAt)) AS g
        FROM orders GROUP BY GROUPING SETS ((channel), (DATE_TRUNC('month', createdAt)), ())
        ORDER BY g, channel NULLS LAST, m NULLS LAST
        """,
    ),
    C(
        "grp_cube_device",
        """
        SELECT metadata.deviceType AS d, bucketType AS b, SUM(summary.pageViews) AS views
        FROM user_activity_buckets GROUP BY CUBE (metadata.deviceType, bucketType) ORDER BY 1 NULLS LAST, 2 NULLS LAST
        """,
    ),
    C(
        "grp_having_multi",
        "SELECT customerId, COUNT(*) AS n, SUM(total) AS s FROM orders GROUP BY customerId "
        "HAVING COUNT(*) > 3 AND SUM(total) > 500 ORDER BY customerId",
    ),
    C(
        "grp_having_quoted",
        "SELECT channel, COUNT(*) FROM orders GROUP BY channel HAVING COUNT(*) > '90' ORDER BY 1",
    ),
    C(
        "grp_having_avg_decimal",
        "SELECT account.type, AVG(score) AS s FROM users GROUP BY account.type HAVING AVG(score) > 40.5 ORDER BY 1",
    ),
    C(
        "grp_by_expression_alias",
        "SELECT CASE WHEN total >= 100 THEN 'big' ELSE 'small' END AS size, COUNT(*) FROM orders GROUP BY size ORDER BY size NULLS LAST",
    ),
    C(
        "grp_bool_and",
        "SELECT account.type, BOOL_AND(account.isEmailVerified) AS all_verified, BOOL_OR(account.isEmailVerified) AS any_verified "
        "FROM users GROUP BY 1 ORDER BY 1",
    ),
    C(
        "grp_mode",
        "SELECT MODE() WITHIN GROUP (ORDER BY channel) AS common_channel FROM orders",
    ),
    C(
        "grp_filter_multi",
        """
        SELECT DATE_TRUNC('month', createdAt) AS m,
               COUNT(*) FILTER (WHERE channel = 'web') AS web,
               COUNT(*) FILTER (WHERE channel IN ('ios', 'android')) AS mobile,
               SUM(total) FILTER (WHERE createdAt >= '2024-09-02') AS sept_tail
        FROM orders GROUP BY 1 ORDER BY 1
        """,
    ),
]

MISC = [
    C("misc_select_star_limit", "SELECT * FROM orders ORDER BY _id LIMIT 3;"),
    C("misc_distinct_statuses", "SELECT DISTINCT status FROM orders ORDER BY status"),
    C(
        "misc_count_distinct_pair",
        "SELECT COUNT(DISTINCT (channel, status)) FROM orders",
        refused="row values",
    ),
    C(
        "misc_comments",
        """
        -- daily active users, last week
        SELECT bucketDate::date AS day, /* distinct people */ COUNT(DISTINCT userId) AS dau
        FROM user_activity_buckets
        WHERE bucketDate >= CURRENT_DATE - 7  -- a week
        GROUP BY 1
        ORDER BY 1;
        """,
    ),
    C(
        "misc_mixed_case_keywords",
        "Select Count(*) As N From users Where account.status = 'active' And score Is Not Null",
    ),
    C("misc_quoted_identifier", 'SELECT "_id", "createdAt" FROM users WHERE "_id" < 4 ORDER BY "_id"'),
    C(
        "misc_bool_column",
        "SELECT _id, account.isEmailVerified AND score > 10 AS engaged FROM users WHERE _id <= 15 ORDER BY _id",
    ),
    C(
        "misc_order_by_position_desc",
        "SELECT account.type, COUNT(*) FROM users GROUP BY 1 ORDER BY 2 DESC, 1",
    ),
    C("misc_not_between", "SELECT COUNT(*) FROM orders WHERE quantity NOT BETWEEN 2 AND 4"),
    C("misc_in_list_numbers", "SELECT COUNT(*) FROM orders WHERE quantity IN (1, 3, 5)"),
    C(
        "misc_case_simple",
        "SELECT CASE channel WHEN 'web' THEN 'desktop' WHEN 'ios' THEN 'mobile' WHEN 'android' THEN 'mobile' END AS surface, COUNT(*) FROM orders GROUP BY 1 ORDER BY 1 NULLS LAST",
    ),
    C("misc_now_diff_days", "SELECT COUNT(*) FROM orders WHERE createdAt > NOW() - INTERVAL '1 week'"),
    C("misc_limit_all", "SELECT _id FROM users WHERE _id > 150 ORDER BY _id LIMIT ALL"),
    C(
        "misc_distinct_on_type",
        "SELECT DISTINCT ON (account.type) account.type, _id, score FROM users ORDER BY account.type, score DESC NULLS LAST, _id",
    ),
    C("misc_tablesample", "SELECT COUNT(*) FROM orders TABLESAMPLE SYSTEM (50)", refused="TABLESAMPLE"),
    C("misc_generate_series", "SELECT generate_series(1, 3) AS n", refused="generate_series"),
    C("misc_having_no_group", "SELECT COUNT(*) FROM orders HAVING COUNT(*) > 5"),
    C(
        "misc_bool_literal_where",
        "SELECT COUNT(*) FROM users WHERE account.isEmailVerified = true AND account.status = 'active'",
    ),
]

MORE = [
    C(
        "more_month_add_clamp",
        "SELECT _id, createdAt + INTERVAL '1 month' AS next_month FROM orders WHERE createdAt::date IN ('2024-01-31', '2024-08-31') ORDER BY _id",
    ),
    C(
        "more_date_trunc_now",
        "SELECT COUNT(*) FROM orders WHERE createdAt >= DATE_TRUNC('month', NOW()) - INTERVAL '1 month' AND createdAt < DATE_TRUNC('month', NOW())",
    ),
    C(
        "more_ts_literal_time",
        "SELECT COUNT(*) FROM orders WHERE createdAt >= '2024-03-10 07:00:00' AND createdAt < '2024-03-11'",
    ),
    C("more_ts_literal_iso_t", "SELECT COUNT(*) FROM orders WHERE createdAt < '2024-02-01T00:00:00'"),
    C(
        "more_date_eq_cast",
        "SELECT _id FROM orders WHERE CAST(createdAt AS DATE) = DATE '2024-09-01' ORDER BY _id",
    ),
    C("more_in_with_null", "SELECT COUNT(*) FROM orders WHERE channel IN ('web', NULL)"),
    C("more_not_in_with_null", "SELECT COUNT(*) FROM orders WHERE channel NOT IN ('web', NULL)"),
    C("more_not_in_list", "SELECT COUNT(*) FROM orders WHERE channel NOT IN ('web', 'ios')"),
    C(
        "more_coalesce_chain",
        "SELECT _id, COALESCE(profile.location.city, profile.location.state, 'unknown') AS where_ FROM users WHERE _id <= 25 ORDER BY _id",
    ),
    C(
        "more_case_mixed_numeric",
        "SELECT _id, CASE WHEN discount IS NULL THEN 0 ELSE discount END * 100 AS pct FROM orders ORDER BY _id LIMIT 30",
    ),
    C(
        "more_case_int_decimal",
        "SELECT _id, CASE WHEN quantity > 3 THEN quantity * 0.9 ELSE quantity END AS billed FROM orders ORDER BY _id LIMIT 20",
    ),
    C(
        "more_bool_select",
        "SELECT _id, total > 100 AS big, channel = 'web' AS is_web FROM orders ORDER BY _id LIMIT 20",
    ),
    C("more_bool_group", "SELECT total > 100 AS big, COUNT(*) FROM orders GROUP BY 1 ORDER BY 1 NULLS FIRST"),
    C(
        "more_order_by_alias_expr",
        "SELECT _id, quantity * 2 AS dbl FROM orders ORDER BY dbl DESC, _id LIMIT 10",
    ),
    C(
        "more_order_by_expression",
        "SELECT _id FROM orders ORDER BY quantity * total DESC NULLS LAST, _id LIMIT 10",
    ),
    C(
        "more_having_alias_count",
        "SELECT customerId, COUNT(*) AS n FROM orders GROUP BY customerId HAVING COUNT(*) >= 4 ORDER BY n DESC, customerId",
    ),
    C("more_limit_param", "SELECT _id FROM orders ORDER BY _id LIMIT :n", params={"n": 3}),
    C(
        "more_param_in_where",
        "SELECT COUNT(*) FROM orders WHERE channel = :c AND total > :t",
        params={"c": "web", "t": 100},
    ),
    C("more_count_distinct_expr", "SELECT COUNT(DISTINCT LOWER(TRIM(status))) AS statuses FROM orders"),
    C(
        "more_sum_case",
        "SELECT SUM(CASE WHEN channel = 'web' THEN total ELSE 0 END) AS web_rev, SUM(CASE WHEN channel <> 'web' THEN total END) AS other FROM orders",
    ),
    C(
        "more_avg_filter_decimal",
        "SELECT AVG(total) FILTER (WHERE discount >= 0.1) AS discounted_avg FROM orders",
    ),
    C(
        "more_round_avg_numeric",
        "SELECT account.type, ROUND(AVG(account.loginCount)::numeric, 1) AS avg_logins FROM users GROUP BY 1 ORDER BY 1",
    ),
    C(
        "more_div_numeric_cast",
        "SELECT _id, quantity::numeric / 3 AS third FROM orders ORDER BY _id LIMIT 10",
    ),
    C("more_float_cast", "SELECT _id, quantity::float / 4 AS q FROM orders ORDER BY _id LIMIT 10"),
    C(
        "more_int_cast_round",
        "SELECT _id, (total * 1.1)::int AS approx FROM orders WHERE total IS NOT NULL ORDER BY _id LIMIT 20",
    ),
    C("more_mod_even", "SELECT _id % 2 = 0 AS even, COUNT(*) FROM orders GROUP BY 1 ORDER BY 1"),
    C(
        "more_string_concat_number",
        "SELECT _id, 'Order #' || _id || ' (' || quantity || ' items)' AS label FROM orders ORDER BY _id LIMIT 5",
    ),
    C(
        "more_concat_func_null",
        "SELECT _id, CONCAT(profile.firstName, ' ', profile.lastName) AS name FROM users WHERE _id <= 12 ORDER BY _id",
    ),
    C(
        "more_length_trim",
        "SELECT _id, LENGTH(TRIM(referralCode)) AS n FROM users WHERE referralCode IS NOT NULL ORDER BY _id",
    ),
    C("more_upper_like", "SELECT COUNT(*) FROM orders WHERE UPPER(couponCode) LIKE 'SAVE%'"),
    C(
        "more_ilike_any",
        "SELECT COUNT(*) FROM users WHERE email ILIKE ANY (ARRAY['%@example.com', '%@mail.org'])",
        refused="LIKE ANY",
    ),
    C("more_similar_to", "SELECT COUNT(*) FROM orders WHERE status SIMILAR TO '(paid|PAID)'"),
    C("more_regex_not", "SELECT COUNT(*) FROM users WHERE username !~ '^[a-z_]+[0-9]+$'"),
    C(
        "more_split_part_neg",
        "SELECT _id, SPLIT_PART(profile.location.timezone, '/', -1) AS zone FROM users WHERE _id <= 10 ORDER BY _id",
    ),
    C(
        "more_substr_func",
        "SELECT _id, SUBSTR(username, 1, 3) AS prefix FROM users WHERE _id <= 10 ORDER BY _id",
    ),
    C("more_right_left", "SELECT _id, RIGHT(email, 4) AS tld FROM users WHERE _id <= 10 ORDER BY _id"),
    C(
        "more_extract_epoch_ts",
        "SELECT _id, EXTRACT(EPOCH FROM createdAt) AS epoch FROM orders ORDER BY _id LIMIT 5",
    ),
    C(
        "more_date_part_dow",
        "SELECT DATE_PART('dow', createdAt) AS dow, COUNT(*) FROM orders GROUP BY 1 ORDER BY 1",
    ),
    C(
        "more_to_char_day",
        "SELECT TO_CHAR(createdAt, 'Dy') AS day, COUNT(*) FROM orders GROUP BY 1 ORDER BY 2 DESC, 1",
    ),
    C(
        "more_week_iso",
        "SELECT TO_CHAR(createdAt, 'IYYY-IW') AS wk, COUNT(*) FROM orders WHERE createdAt >= '2024-08-01' GROUP BY 1 ORDER BY 1",
    ),
    C(
        "more_now_minus_created_days",
        "SELECT _id, EXTRACT(DAY FROM NOW() - createdAt) AS age_days FROM users WHERE createdAt IS NOT NULL ORDER BY _id LIMIT 10",
    ),
    C(
        "more_current_date_minus_date",
        "SELECT _id, CURRENT_DATE - createdAt::date AS days FROM orders ORDER BY _id LIMIT 10",
    ),
    C(
        "more_age_interval_compare",
        "SELECT COUNT(*) FROM users WHERE AGE(NOW(), createdAt) > INTERVAL '6 months'",
    ),
    C(
        "more_window_sum_partition_order",
        "SELECT _id, customerId, SUM(total) OVER (PARTITION BY customerId ORDER BY createdAt, _id) AS running FROM orders WHERE customerId <= 12 ORDER BY customerId, _id",
    ),
    C(
        "more_window_rows_following",
        "SELECT _id, AVG(quantity) OVER (ORDER BY _id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS smooth FROM orders ORDER BY _id LIMIT 20",
    ),
    C(
        "more_window_lag_default",
        "SELECT _id, quantity - LAG(quantity, 1, quantity) OVER (ORDER BY _id) AS delta FROM orders ORDER BY _id LIMIT 15",
    ),
    C(
        "more_window_rank_desc_nulls",
        "SELECT _id, RANK() OVER (ORDER BY total DESC) AS r FROM orders ORDER BY _id LIMIT 30",
    ),
    C(
        "more_window_row_number_no_partition",
        "SELECT ROW_NUMBER() OVER (ORDER BY createdAt DESC, _id) AS rn, _id FROM orders ORDER BY rn LIMIT 5",
    ),
    C(
        "more_window_in_cte_filter",
        "WITH r AS (SELECT _id, total, PERCENT_RANK() OVER (ORDER BY total) AS pr FROM orders WHERE total IS NOT NULL) SELECT COUNT(*) FROM r WHERE pr >= 0.9",
    ),
    C(
        "more_json_agg",
        "SELECT customerId, JSON_AGG(_id ORDER BY _id) AS ids FROM orders WHERE customerId <= 5 GROUP BY customerId ORDER BY 1",
    ),
    C(
        "more_array_agg_order",
        "SELECT customerId, ARRAY_AGG(total ORDER BY createdAt DESC, _id) AS totals FROM orders WHERE customerId <= 6 GROUP BY 1 ORDER BY 1",
    ),
    C(
        "more_string_agg_distinct",
        "SELECT STRING_AGG(DISTINCT channel, ',' ORDER BY channel) AS channels FROM orders",
    ),
    C(
        "more_exists_uncorrelated",
        "SELECT COUNT(*) FROM users WHERE EXISTS (SELECT 1 FROM orders WHERE total > 10000)",
    ),
    C(
        "more_scalar_sub_in_where_date",
        "SELECT COUNT(*) FROM orders WHERE createdAt > (SELECT MAX(bucketDate) FROM user_activity_buckets) - INTERVAL '30 days'",
    ),
    C(
        "more_in_subquery_cte",
        "WITH vip AS (SELECT _id FROM users WHERE 'vip' = ANY(tags)) SELECT COUNT(*) FROM orders WHERE customerId IN (SELECT _id FROM vip)",
    ),
    C(
        "more_left_join_coalesce_zero",
        "SELECT u._id, COALESCE(SUM(o.total), 0) AS spend FROM users u LEFT JOIN orders o ON o.customerId = u._id WHERE u._id <= 20 GROUP BY u._id ORDER BY u._id",
    ),
    C(
        "more_join_filter_right_where",
        "SELECT COUNT(*) FROM users u LEFT JOIN orders o ON o.customerId = u._id WHERE o.channel = 'web'",
    ),
    C(
        "more_union_all_dates",
        "SELECT createdAt AS at, 'order' AS kind FROM orders WHERE _id <= 3 UNION ALL SELECT createdAt, 'user' FROM users WHERE _id <= 3 ORDER BY at, kind",
    ),
    C("more_distinct_multi", "SELECT DISTINCT account.type, account.status FROM users ORDER BY 1, 2"),
    C(
        "more_group_by_two_paths_rollup_grouping",
        "SELECT account.type, GROUPING(account.type) AS g, COUNT(*) FROM users GROUP BY ROLLUP (account.type) ORDER BY g, 1",
    ),
    C("more_nullif_zero_avg", "SELECT AVG(NULLIF(account.loginCount, 0)) AS avg_active_logins FROM users"),
    C(
        "more_greatest_dates",
        "SELECT _id, GREATEST(createdAt, shippedAt) AS last_touch FROM orders ORDER BY _id LIMIT 15",
    ),
    C("more_least_numbers", "SELECT _id, LEAST(total, 100) AS capped FROM orders ORDER BY _id LIMIT 15"),
    C("more_between_symmetric", "SELECT COUNT(*) FROM orders WHERE quantity BETWEEN SYMMETRIC 5 AND 2"),
    C(
        "more_is_true_false",
        "SELECT COUNT(*) FILTER (WHERE account.isEmailVerified IS TRUE) AS t, COUNT(*) FILTER (WHERE account.isEmailVerified IS FALSE) AS f, COUNT(*) FILTER (WHERE account.isEmailVerified IS UNKNOWN) AS u FROM users",
    ),
    C("more_bool_quoted_yes", "SELECT COUNT(*) FROM users WHERE account.isEmailVerified = 'yes'"),
    C("more_not_bool", "SELECT COUNT(*) FROM users WHERE NOT account.isEmailVerified"),
    C(
        "more_cast_bool_text",
        "SELECT account.isEmailVerified::text AS v, COUNT(*) FROM users GROUP BY 1 ORDER BY 1",
    ),
    C("more_cast_num_text", "SELECT _id, total::text AS t FROM orders WHERE _id <= 10 ORDER BY _id"),
    C("more_fee_text", "SELECT DISTINCT account.monthlyFee::text AS fee FROM users ORDER BY 1"),
    C(
        "more_numeric_round_half",
        "SELECT ROUND(2.5) AS a, ROUND(-2.5) AS b, ROUND(0.125, 2) AS c, ROUND(2.5::float8) AS d FROM users LIMIT 1",
    ),
    C(
        "more_trunc_numeric",
        "SELECT TRUNC(account.monthlyFee) AS whole, account.monthlyFee % 1 AS cents FROM users GROUP BY 1, 2 ORDER BY 1",
    ),
    C(
        "more_percentile_by_group",
        "SELECT channel, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY total) AS median, PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY quantity) AS p90q FROM orders GROUP BY channel ORDER BY 1 NULLS LAST",
    ),
    C(
        "more_percentile_fee",
        "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY account.monthlyFee) AS med, MODE() WITHIN GROUP (ORDER BY account.monthlyFee) AS common FROM users",
    ),
    C("more_array_agg_distinct_fee", "SELECT ARRAY_AGG(DISTINCT account.monthlyFee) AS fees FROM users"),
    C("more_corr", "SELECT CORR(quantity, total) AS c FROM orders"),
    C(
        "more_count_filter_quoted_date",
        "SELECT COUNT(*) FILTER (WHERE createdAt >= '2024-09-02') AS recent FROM orders",
    ),
    C(
        "more_case_between_quoted",
        "SELECT CASE WHEN age BETWEEN '20' AND '29' THEN '20s' WHEN age BETWEEN '30' AND '39' THEN '30s' ELSE 'other' END AS band, COUNT(*) FROM users GROUP BY 1 ORDER BY 1",
    ),
    C("more_select_eq_quoted", "SELECT _id, age = '30' AS thirty FROM users ORDER BY _id LIMIT 20"),
    C("more_count_nullif_quoted", "SELECT COUNT(NULLIF(age, '30')) AS not_thirty FROM users"),
    C(
        "more_or_with_arith",
        "SELECT COUNT(*) FROM orders WHERE createdAt >= '2024-09-01' OR quantity * 2 > 10",
    ),
]

MORE2 = [
    C(
        "more2_local_hour_by_user_tz",
        """
        SELECT o._id, EXTRACT(HOUR FROM o.createdAt AT TIME ZONE 'UTC' AT TIME ZONE u.profile.location.timezone) AS local_hour
        FROM orders o JOIN users u ON u._id = o.customerId
        WHERE u.profile.location.timezone IS NOT NULL AND o._id <= 60 ORDER BY o._id
        """,
        refused="time zone must be a constant",
    ),
    C(
        "more2_week_date",
        "SELECT DATE_TRUNC('week', createdAt)::date AS wk, COUNT(*) FROM orders WHERE createdAt >= '2024-08-01' GROUP BY 1 ORDER BY 1",
    ),
    C("more2_tags_empty_literal", "SELECT COUNT(*) FROM users WHERE tags = '{}'"),
    C("more2_tags_array_literal", "SELECT COUNT(*) FROM users WHERE tags = '{vip}'"),
    C("more2_tags_not_empty_literal", "SELECT COUNT(*) FROM users WHERE tags <> '{}'"),
    C("more2_tags_literal_left", "SELECT _id, '{vip}' = tags AS vip_only FROM users ORDER BY _id LIMIT 20"),
    C("more2_yesterday", "SELECT COUNT(*) FROM orders WHERE createdAt::date = CURRENT_DATE - 1"),
    C(
        "more2_interval_times",
        "SELECT COUNT(*) FROM orders WHERE createdAt > NOW() - INTERVAL '1 day' * 30",
        refused="interval",
    ),
    C("more2_text_cast_like", "SELECT COUNT(*) FROM users WHERE account.loginCount::text LIKE '1%'"),
    C("more2_float_ratio", "SELECT SUM(quantity)::float / COUNT(*) AS avg_q FROM orders"),
    C(
        "more2_count_distinct_filter",
        "SELECT COUNT(DISTINCT userId) FILTER (WHERE summary.errors > 0) AS users_with_errors FROM user_activity_buckets",
    ),
    C(
        "more2_distinct_on_total_desc",
        "SELECT DISTINCT ON (customerId) customerId, _id, total FROM orders WHERE customerId <= 30 ORDER BY customerId, total DESC, _id",
    ),
    C(
        "more2_first_value_desc_nulls",
        "SELECT DISTINCT customerId, FIRST_VALUE(total) OVER (PARTITION BY customerId ORDER BY total DESC) AS best FROM orders WHERE customerId <= 30 ORDER BY 1",
    ),
    C(
        "more2_having_quoted_sum",
        "SELECT customerId, SUM(total) FROM orders GROUP BY customerId HAVING SUM(total) > '900' ORDER BY 1",
    ),
    C(
        "more2_filter_date_between",
        "SELECT SUM(quantity) FILTER (WHERE createdAt::date BETWEEN '2024-01-01' AND '2024-01-31') AS jan_units FROM orders",
    ),
    C(
        "more2_exists_extra_cond",
        "SELECT COUNT(*) FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customerId = u._id AND o.total > u.score * 5)",
    ),
    C(
        "more2_in_subquery_null_left",
        "SELECT COUNT(*) FROM orders WHERE customerId IN (SELECT _id FROM users WHERE account.type = 'premium')",
    ),
    C(
        "more2_not_in_subquery_null_left",
        "SELECT COUNT(*) FROM orders WHERE customerId NOT IN (SELECT _id FROM users WHERE account.type = 'premium')",
    ),
    C(
        "more2_having_zero",
        "SELECT account.type, COUNT(*) FILTER (WHERE age > 100) AS n FROM users GROUP BY 1 HAVING COUNT(*) FILTER (WHERE age > 100) = 0 ORDER BY 1",
    ),
    C(
        "more2_array_in_select",
        "SELECT _id, ARRAY[channel, LOWER(status)] AS pair FROM orders WHERE _id <= 8 ORDER BY _id",
    ),
    C(
        "more2_unnest_in_select",
        "SELECT UNNEST(tags) AS tag FROM users WHERE _id <= 20",
        unordered={},
        refused="CROSS JOIN UNNEST",
    ),
    C("more2_profile_is_null", "SELECT COUNT(*) FROM users WHERE profile.location IS NULL"),
    C(
        "more2_date_plus_int",
        "SELECT DATE '2024-09-01' + 7 AS d, DATE '2024-09-01' - DATE '2024-01-01' AS days FROM users LIMIT 1",
    ),
    C(
        "more2_date_minus_dates",
        "SELECT _id, createdAt::date - '2024-01-01'::date AS day_of_span FROM orders ORDER BY _id LIMIT 10",
    ),
    C(
        "more2_extract_variants",
        "SELECT _id, EXTRACT(ISODOW FROM createdAt) AS isodow, EXTRACT(WEEK FROM createdAt) AS wk, EXTRACT(DOY FROM createdAt) AS doy FROM orders ORDER BY _id LIMIT 20",
    ),
    C(
        "more2_trunc_quarter_year",
        "SELECT DATE_TRUNC('quarter', createdAt) AS q, DATE_TRUNC('year', createdAt) AS y, COUNT(*) FROM orders GROUP BY 1, 2 ORDER BY 1",
    ),
    C("more2_now_date", "SELECT COUNT(*) FROM orders WHERE createdAt::date >= NOW()::date - 14"),
    C(
        "more2_current_ts_hour",
        "SELECT COUNT(*) FROM user_activity_buckets WHERE bucketDate > CURRENT_TIMESTAMP - INTERVAL '36 hours'",
    ),
    C("more2_quoted_int_eq_decimal", "SELECT COUNT(*) FROM orders WHERE quantity = '3'"),
    C(
        "more2_string_agg_plain",
        "SELECT customerId, STRING_AGG(channel, ',') AS chans FROM orders WHERE customerId <= 10 GROUP BY 1 ORDER BY 1",
        unordered={"chans": ","},
    ),
    C(
        "more2_coalesce_dates",
        "SELECT _id, COALESCE(shippedAt, createdAt) AS touched FROM orders ORDER BY _id LIMIT 20",
    ),
    C(
        "more2_case_dates",
        "SELECT _id, CASE WHEN shippedAt IS NULL THEN 'pending' WHEN shippedAt - createdAt > INTERVAL '3 days' THEN 'slow' ELSE 'fast' END AS speed FROM orders ORDER BY _id LIMIT 40",
    ),
    C(
        "more2_avg_interval_hours",
        "SELECT AVG(EXTRACT(EPOCH FROM shippedAt - createdAt)) / 3600 AS avg_hours FROM orders",
    ),
    C("more2_max_gap_days", "SELECT MAX(DATE_PART('day', shippedAt - createdAt)) AS max_days FROM orders"),
    C(
        "more2_lead_minus_cte",
        """
        WITH o AS (SELECT customerId, createdAt, LEAD(createdAt) OVER (PARTITION BY customerId ORDER BY createdAt, _id) AS next_at FROM orders)
        SELECT customerId, COUNT(*) FILTER (WHERE next_at - createdAt < INTERVAL '14 days') AS quick FROM o WHERE customerId <= 20 GROUP BY 1 ORDER BY 1
        """,
    ),
    C(
        "more2_sum_over_empty_group",
        "SELECT channel, SUM(total) FILTER (WHERE total > 10000) AS huge FROM orders GROUP BY channel ORDER BY 1 NULLS FIRST",
    ),
    C("more2_min_max_text", "SELECT MIN(username) AS first, MAX(LOWER(username)) AS last FROM users"),
    C("more2_order_text_case", "SELECT username FROM users ORDER BY username LIMIT 10"),
    C(
        "more2_group_lower_email_dupes",
        "SELECT LOWER(TRIM(email)) AS e, COUNT(*) FROM users GROUP BY 1 HAVING COUNT(*) > 1 ORDER BY 1",
    ),
    C(
        "more2_cte_star_join",
        "WITH big AS (SELECT * FROM orders WHERE total > 300) SELECT u.account.type, COUNT(*) FROM big b JOIN users u ON u._id = b.customerId GROUP BY 1 ORDER BY 1",
    ),
    C(
        "more2_subquery_star",
        "SELECT COUNT(*), SUM(t.quantity) FROM (SELECT * FROM orders WHERE channel = 'ios') t",
    ),
    C(
        "more2_kpi_ratio",
        "SELECT (SELECT COUNT(*) FROM orders)::numeric / (SELECT COUNT(*) FROM users) AS orders_per_user",
    ),
    C(
        "more2_ilike_any_refused",
        "SELECT COUNT(*) FROM users WHERE email LIKE ANY (ARRAY['%.org', '%.io'])",
        refused="LIKE ANY",
    ),
]

MORE3 = [
    C(
        "more3_latest_channel",
        """
        SELECT u._id,
               (SELECT o.channel FROM orders o WHERE o.customerId = u._id ORDER BY o.createdAt DESC, o._id LIMIT 1) AS last_channel
        FROM users u WHERE u._id <= 40 ORDER BY u._id
        """,
    ),
    C(
        "more3_pct_of_partition",
        "SELECT DISTINCT channel, SUM(total) OVER (PARTITION BY channel) / SUM(total) OVER () AS share FROM orders ORDER BY 1 NULLS LAST",
    ),
    C(
        "more3_case_on_count",
        "SELECT customerId, CASE WHEN COUNT(*) > 3 THEN 'many' ELSE 'few' END AS freq FROM orders GROUP BY customerId ORDER BY 1 NULLS LAST",
    ),
    C(
        "more3_age_one_arg",
        "SELECT _id, EXTRACT(YEAR FROM AGE(NOW(), createdAt)) AS years FROM users WHERE createdAt IS NOT NULL ORDER BY _id LIMIT 10",
    ),
    C(
        "more3_month_end",
        "SELECT DISTINCT DATE_TRUNC('month', createdAt) + INTERVAL '1 month' - INTERVAL '1 day' AS month_end FROM orders ORDER BY 1",
    ),
    C(
        "more3_date_plus_interval",
        "SELECT _id, createdAt::date + INTERVAL '1 day' AS next_day FROM orders ORDER BY _id LIMIT 5",
    ),
    C(
        "more3_to_char_minutes",
        "SELECT _id, TO_CHAR(createdAt, 'YYYY-MM-DD HH24:MI') AS at FROM orders ORDER BY _id LIMIT 10",
    ),
    C(
        "more3_lpad_month",
        "SELECT DISTINCT LPAD(EXTRACT(MONTH FROM createdAt)::text, 2, '0') AS mm FROM orders ORDER BY 1",
    ),
    C(
        "more3_pct_nullif",
        "SELECT channel, ROUND(100.0 * COUNT(*) FILTER (WHERE discount > 0) / NULLIF(COUNT(*), 0), 1) AS pct_discounted FROM orders GROUP BY 1 ORDER BY 1 NULLS LAST",
    ),
    C(
        "more3_percentile_array",
        "SELECT PERCENTILE_CONT(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY quantity) AS qs FROM orders",
    ),
    C(
        "more3_row_in",
        "SELECT COUNT(*) FROM orders WHERE (channel, status) IN (('web', 'paid'), ('ios', 'paid'))",
        refused="row values",
    ),
    C("more3_between_mixed", "SELECT COUNT(*) FROM orders WHERE total BETWEEN 10 AND 20.5"),
    C(
        "more3_churned",
        "SELECT customerId FROM orders WHERE customerId IS NOT NULL GROUP BY customerId HAVING MAX(createdAt) < NOW() - INTERVAL '60 days' ORDER BY 1",
    ),
    C("more3_interval_cast", "SELECT COUNT(*) FROM orders WHERE createdAt >= NOW() - '30 days'::interval"),
    C(
        "more3_consecutive_days",
        """
        SELECT COUNT(*) FROM user_activity_buckets a
        JOIN user_activity_buckets b ON b.userId = a.userId AND b.bucketDate = a.bucketDate + INTERVAL '1 day'
        WHERE a.bucketType = 'daily' AND b.bucketType = 'daily'
        """,
    ),
    C(
        "more3_count_distinct_day",
        "SELECT userId, COUNT(DISTINCT DATE_TRUNC('day', bucketDate)) AS days FROM user_activity_buckets WHERE userId <= 15 GROUP BY 1 ORDER BY 1",
    ),
    C(
        "more3_float_ratio_case",
        "SELECT SUM(CASE WHEN summary.errors > 0 THEN 1 ELSE 0 END)::float / COUNT(*) AS error_bucket_rate FROM user_activity_buckets",
    ),
    C(
        "more3_union_int_double",
        "SELECT quantity AS v FROM orders WHERE _id <= 5 UNION SELECT total FROM orders WHERE _id <= 5 ORDER BY 1 NULLS LAST",
    ),
    C("more3_constant_column", "SELECT 'orders' AS source, COUNT(*) AS n, 1.5 AS weight FROM orders"),
    C(
        "more3_any_untyped_array",
        "SELECT COUNT(*) FROM orders WHERE status = ANY('{paid,shipped}')",
        refused="ANY needs an array",
    ),
    C("more3_any_array", "SELECT COUNT(*) FROM orders WHERE status = ANY(ARRAY['paid', 'shipped'])"),
    C("more3_id_quoted", "SELECT _id, username FROM users WHERE _id = '5'"),
    C(
        "more3_param_list_any",
        "SELECT COUNT(*) FROM orders WHERE customerId = ANY(:ids)",
        params={"ids": [1, 2, 3, 4]},
    ),
    C(
        "more3_window_having",
        "SELECT customerId, COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*) DESC) AS r FROM orders GROUP BY customerId HAVING COUNT(*) >= 3 ORDER BY r, customerId",
    ),
    C(
        "more3_nested_cte_window_filter",
        """
        WITH daily AS (
          SELECT userId, bucketDate::date AS day, SUM(summary.pageViews) AS views
          FROM user_activity_buckets WHERE userId IS NOT NULL GROUP BY 1, 2
        ), ranked AS (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY userId ORDER BY views DESC, day) AS rn FROM daily
        )
        SELECT userId, day AS best_day, views FROM ranked WHERE rn = 1 AND userId <= 25 ORDER BY userId
        """,
    ),
    C(
        "more3_group_by_date_cast_quoted",
        "SELECT createdAt::date AS d, COUNT(*) FROM orders WHERE createdAt::date >= '2024-09-01' GROUP BY 1 ORDER BY 1",
    ),
    C("more3_sum_bool_cast", "SELECT SUM(account.isEmailVerified::int) AS verified FROM users"),
    C(
        "more3_count_bool_filter",
        "SELECT COUNT(*) FILTER (WHERE account.isEmailVerified) AS verified FROM users",
    ),
    C(
        "more3_exists_not_exists_mix",
        "SELECT COUNT(*) FROM users u WHERE EXISTS (SELECT 1 FROM user_activity_buckets b WHERE b.userId = u._id) AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customerId = u._id)",
    ),
    C(
        "more3_left_join_is_null_count",
        "SELECT COUNT(*) FILTER (WHERE o._id IS NULL) AS without_orders, COUNT(DISTINCT u._id) AS users FROM users u LEFT JOIN orders o ON o.customerId = u._id",
    ),
]

MORE4 = [
    C(
        "more4_double_to_numeric",
        "SELECT _id, total::numeric AS t, (total * 3)::numeric(12, 3) AS t3 FROM orders WHERE total IS NOT NULL ORDER BY _id LIMIT 30",
    ),
    C(
        "more4_avg_int_scale",
        "SELECT channel, AVG(quantity) AS a, AVG(quantity)::numeric(6, 2) AS a2 FROM orders GROUP BY 1 ORDER BY 1 NULLS LAST",
    ),
    C(
        "more4_fee_times_logins",
        "SELECT _id, account.monthlyFee * account.loginCount AS value FROM users WHERE account.loginCount IS NOT NULL ORDER BY _id LIMIT 30",
    ),
    C(
        "more4_fee_div",
        "SELECT DISTINCT account.monthlyFee / 3 AS third, account.monthlyFee / 30 AS per_day FROM users ORDER BY 1",
    ),
    C(
        "more4_round_numeric_half",
        "SELECT _id, ROUND(account.monthlyFee / 2, 2) AS half FROM users WHERE _id <= 12 ORDER BY _id",
    ),
    C("more4_sum_double_precision", "SELECT SUM(total) AS s, SUM(total)::numeric(14, 2) AS s2 FROM orders"),
    C("more4_decimal_compare", "SELECT COUNT(*) FROM users WHERE account.monthlyFee = 9.99"),
    C("more4_decimal_compare_quoted", "SELECT COUNT(*) FROM users WHERE account.monthlyFee = '49.9'"),
    C("more4_mixed_avg", "SELECT AVG(score) AS a, SUM(score) AS s, MIN(score) AS lo FROM users"),
    C(
        "more4_score_round",
        "SELECT _id, ROUND(score::numeric, 1) AS r FROM users WHERE score IS NOT NULL ORDER BY _id LIMIT 40",
    ),
    C("more4_score_eq_int", "SELECT COUNT(*) FROM users WHERE score = 20"),
    C("more4_score_in_decimal", "SELECT COUNT(*) FROM users WHERE score IN (5, 20.0, 50)"),
    C(
        "more4_bigint_div",
        "SELECT _id, summary.totalResponseTime / 1000 AS secs, summary.totalResponseTime / 1000.0 AS secs_exact FROM user_activity_buckets ORDER BY _id LIMIT 20",
    ),
    C(
        "more4_bigint_avg_round",
        "SELECT bucketType, ROUND(AVG(summary.totalResponseTime) / 1000, 3) AS avg_secs FROM user_activity_buckets GROUP BY 1 ORDER BY 1",
    ),
    C(
        "more4_avg_response_weighted",
        "SELECT SUM(summary.avgResponseTime * summary.pageViews) / NULLIF(SUM(summary.pageViews), 0) AS weighted FROM user_activity_buckets",
    ),
    C(
        "more4_int_overflow_safe",
        "SELECT SUM(summary.totalResponseTime * 1000) AS micro FROM user_activity_buckets",
    ),
    C(
        "more4_percent_int_numeric",
        "SELECT account.type, 100 * COUNT(*) / (SELECT COUNT(*) FROM users) AS pct_int, ROUND(100.0 * COUNT(*) / (SELECT COUNT(*) FROM users), 2) AS pct FROM users GROUP BY 1 ORDER BY 1",
    ),
    C("more4_stddev_int", "SELECT STDDEV_POP(quantity) AS sd, VAR_SAMP(quantity) AS v FROM orders"),
    C(
        "more4_ceil_floor_numeric",
        "SELECT DISTINCT CEIL(account.monthlyFee) AS c, FLOOR(account.monthlyFee) AS f FROM users ORDER BY 1",
    ),
    C(
        "more4_abs_neg_mod",
        "SELECT _id, -quantity % 4 AS m, ABS(-quantity) AS a FROM orders ORDER BY _id LIMIT 10",
    ),
]

MORE5 = [
    C(
        "more5_join_having_joined",
        """
        SELECT u.account.type, COUNT(o._id) AS orders FROM users u JOIN orders o ON o.customerId = u._id
        GROUP BY u.account.type HAVING AVG(o.total) > 200 ORDER BY 1
        """,
    ),
    C(
        "more5_subquery_join_inside",
        """
        SELECT t.type, MAX(t.spend) AS top_spend FROM (
          SELECT u.account.type AS type, u._id, SUM(o.total) AS spend
          FROM users u JOIN orders o ON o.customerId = u._id GROUP BY u.account.type, u._id
        ) t GROUP BY t.type ORDER BY 1
        """,
    ),
    C(
        "more5_union_aggregates_limit",
        """
        (SELECT 'web' AS ch, COUNT(*) AS n FROM orders WHERE channel = 'web')
        UNION ALL
        (SELECT 'app', COUNT(*) FROM orders WHERE channel IN ('ios', 'android'))
        ORDER BY n DESC, ch LIMIT 1
        """,
    ),
    C(
        "more5_cte_self_join",
        """
        WITH m AS (SELECT DATE_TRUNC('month', createdAt) AS month, SUM(total) AS rev FROM orders GROUP BY 1)
        SELECT cur.month, cur.rev, prev.rev AS prev_rev
        FROM m cur LEFT JOIN m prev ON prev.month = cur.month - INTERVAL '1 month'
        ORDER BY cur.month
        """,
    ),
    C(
        "more5_join_on_lower",
        """
        SELECT COUNT(*) FROM users a JOIN users b ON LOWER(a.profile.location.city) = LOWER(b.profile.location.city) AND a._id < b._id
        WHERE a._id <= 30 AND b._id <= 30
        """,
    ),
    C(
        "more5_group_case_quoted",
        """
        SELECT CASE WHEN age < '30' THEN 'young' WHEN age >= '30' THEN 'older' END AS bucket, COUNT(*)
        FROM users GROUP BY 1 ORDER BY 1 NULLS LAST
        """,
    ),
    C(
        "more5_having_correlated",
        """
        SELECT o.customerId, COUNT(*) AS n FROM orders o WHERE o.customerId IS NOT NULL GROUP BY o.customerId
        HAVING COUNT(*) > (SELECT COUNT(*) / 60 FROM orders) ORDER BY 1
        """,
    ),
    C(
        "more5_order_by_not_selected",
        "SELECT username FROM users ORDER BY createdAt DESC NULLS LAST, _id LIMIT 5",
    ),
    E("more5_distinct_order_by_not_selected", "SELECT DISTINCT channel FROM orders ORDER BY total"),
    C(
        "more5_window_over_union",
        """
        SELECT kind, n, SUM(n) OVER () AS total FROM (
          SELECT 'orders' AS kind, COUNT(*) AS n FROM orders
          UNION ALL SELECT 'users', COUNT(*) FROM users
        ) t ORDER BY kind
        """,
    ),
    C(
        "more5_scalar_in_case",
        """
        SELECT _id, CASE WHEN total > (SELECT AVG(total) FROM orders) THEN 'above' ELSE 'below' END AS vs_avg
        FROM orders WHERE _id <= 20 ORDER BY _id
        """,
    ),
    C(
        "more5_left_join_unnest_count",
        """
        SELECT u._id, COUNT(t) AS n_tags FROM users u LEFT JOIN UNNEST(u.tags) AS t ON true
        WHERE u._id <= 20 GROUP BY u._id ORDER BY u._id
        """,
    ),
    C(
        "more5_items_total_vs_total",
        """
        SELECT o._id, o.total, SUM(i.qty * i.price) AS lines_total
        FROM orders o JOIN UNNEST(o.items) AS i ON true
        GROUP BY o._id, o.total HAVING SUM(i.qty * i.price) > o.total ORDER BY o._id
        """,
    ),
    C(
        "more5_exists_unnest",
        "SELECT COUNT(*) FROM orders o WHERE EXISTS (SELECT 1 FROM UNNEST(o.items) AS i WHERE i.sku LIKE 'BND%')",
        refused="UNNEST as the first FROM item",
    ),
    C(
        "more5_array_agg_in_cte",
        """
        WITH t AS (SELECT customerId, ARRAY_AGG(DISTINCT channel) AS chans FROM orders WHERE customerId <= 30 GROUP BY 1)
        SELECT customerId, CARDINALITY(chans) AS n FROM t ORDER BY 1
        """,
    ),
    C(
        "more5_nested_case_coalesce",
        """
        SELECT _id, COALESCE(CASE WHEN discount > 0.2 THEN 'big' WHEN discount > 0 THEN 'small' END, 'none') AS d
        FROM orders ORDER BY _id LIMIT 30
        """,
    ),
    C(
        "more5_bool_and_grouped_date",
        "SELECT createdAt::date AS d, BOOL_OR(total > 500) AS any_big FROM orders WHERE createdAt >= '2024-09-01' GROUP BY 1 ORDER BY 1",
    ),
    C(
        "more5_count_over_distinct",
        "SELECT DISTINCT account.type, COUNT(*) OVER (PARTITION BY account.type) AS n FROM users ORDER BY 1",
    ),
    C(
        "more5_in_empty_result",
        "SELECT COUNT(*) FROM users WHERE _id IN (SELECT customerId FROM orders WHERE total > 100000)",
    ),
    C(
        "more5_not_in_empty_result",
        "SELECT COUNT(*) FROM users WHERE _id NOT IN (SELECT customerId FROM orders WHERE total > 100000)",
    ),
]

MORE6 = [
    C("more6_upper_non_ascii", "SELECT DISTINCT UPPER(profile.firstName) AS first FROM users ORDER BY 1"),
    C(
        "more6_lower_city_accent",
        "SELECT COUNT(*) FROM users WHERE LOWER(profile.location.city) = 'são paulo'",
    ),
    C(
        "more6_ilike_accent",
        "SELECT COUNT(*) FROM users WHERE profile.firstName ILIKE 'JOSÉ' OR profile.lastName ILIKE 'garcía'",
    ),
    C(
        "more6_upper_email_domain",
        "SELECT DISTINCT UPPER(SPLIT_PART(email, '@', 2)) AS d FROM users ORDER BY 1 NULLS LAST",
    ),
    C("more6_order_mixed_case", "SELECT DISTINCT profile.location.city FROM users ORDER BY 1 NULLS LAST"),
    C("more6_text_range", "SELECT COUNT(*) FROM users WHERE username >= 'grace' AND username < 'ken'"),
    C(
        "more6_length_accents",
        "SELECT DISTINCT profile.firstName, LENGTH(profile.firstName) AS n FROM users ORDER BY 1",
    ),
    C(
        "more6_reverse_left",
        "SELECT DISTINCT LEFT(profile.lastName, 2) AS l2, REVERSE(profile.lastName) AS r FROM users WHERE profile.lastName IS NOT NULL ORDER BY 1, 2",
    ),
    C("more6_regex_accent_ci", "SELECT COUNT(*) FROM users WHERE profile.firstName ~* '^zo'"),
    C(
        "more6_initcap_upper_mix",
        "SELECT DISTINCT INITCAP(UPPER(profile.location.city)) AS c FROM users ORDER BY 1 NULLS LAST",
    ),
    C(
        "more6_trim_chars",
        "SELECT DISTINCT TRIM(BOTH '-' FROM LOWER(i.sku)) AS s FROM orders o CROSS JOIN UNNEST(o.items) i ORDER BY 1",
    ),
    C("more6_position_zero", "SELECT COUNT(*) FROM users WHERE POSITION('.' IN username) > 0"),
    C(
        "more6_translate",
        "SELECT DISTINCT TRANSLATE(LOWER(profile.firstName), 'éë', 'ee') AS ascii_first FROM users ORDER BY 1",
    ),
]

ERRORS = [
    E("err_text_plus_int", "SELECT username + 1 FROM users"),
    E("err_sum_text", "SELECT SUM(username) FROM users"),
    E("err_bad_month", "SELECT COUNT(*) FROM orders WHERE createdAt >= '2024-13-01'"),
    E("err_feb_30", "SELECT COUNT(*) FROM orders WHERE createdAt < '2024-02-30'"),
    E("err_quoted_not_number", "SELECT COUNT(*) FROM orders WHERE total > 'abc'"),
    E("err_cast_text_int", "SELECT CAST(username AS INTEGER) FROM users"),
    E("err_missing_group_by", "SELECT channel, COUNT(*) FROM orders"),
    E("err_aggregate_in_where", "SELECT channel FROM orders WHERE COUNT(*) > 1 GROUP BY channel"),
    E("err_order_by_position", "SELECT channel FROM orders ORDER BY 2"),
    E("err_division_by_zero", "SELECT SUM(total) / 0 FROM orders"),
    E("err_trunc_unit", "SELECT DATE_TRUNC('fortnight', createdAt) FROM orders"),
    E("err_negative_limit", "SELECT _id FROM orders LIMIT -1"),
    E("err_distinct_on_order", "SELECT DISTINCT ON (channel) channel, _id FROM orders ORDER BY _id"),
    E("err_extract_text", "SELECT EXTRACT(YEAR FROM username) FROM users"),
    E(
        "err_bool_vs_int",
        "SELECT COUNT(*) FROM users WHERE account.isEmailVerified = 1",
        xfail=CROSS_CATEGORY,
    ),
    E("err_date_vs_int", "SELECT COUNT(*) FROM orders WHERE createdAt > 20240101", xfail=CROSS_CATEGORY),
    E("err_ambiguous_id", "SELECT _id FROM orders o JOIN users u ON u._id = o.customerId"),
    E("err_group_by_nonagg", "SELECT channel, total FROM orders GROUP BY channel"),
    E("err_unknown_column", "SELECT usernme FROM users", xfail=SCHEMALESS),
    E("err_bad_interval", "SELECT COUNT(*) FROM orders WHERE createdAt > NOW() - INTERVAL '3 fortnights'"),
]

GROUPS: dict[str, list[Case]] = {
    "dashboards": DASHBOARD,
    "segments": SEGMENTS,
    "dates": DATES,
    "cohorts": COHORTS,
    "funnels": FUNNEL,
    "top-N": TOPN,
    "windows": WINDOWS,
    "text": TEXT,
    "nested paths": NESTED,
    "arrays": ARRAYS,
    "NULLs and untyped literals": NULLS,
    "numbers": NUMBERS,
    "joins": JOINS,
    "subqueries": SUBQUERIES,
    "CTEs": CTES,
    "set operations": SETS,
    "grouping": GROUPING,
    "style and clauses": MISC,
    "more": MORE,
    "more2": MORE2,
    "more3": MORE3,
    "more4": MORE4,
    "more5": MORE5,
    "more6": MORE6,
    "user errors": ERRORS,
}
CASES: list[Case] = [case for cases in GROUPS.values() for case in cases]
