"""The third independent corpus: rollup MODELS as a data team writes them for this product (the
dbt-style SELECTs behind computed and bucket rollups, ``pipelines/rollups/*.sql``), on the seed's
domain (``corpus_models_data.py``): CTE chains, window functions, CASE segmentation on thresholds,
engagement scores with decimal weights, date bucketing, text cleanup, NULL handling and quoted
defaults, money in NUMERIC, subqueries, and ``:partition_start``/``:partition_end`` filters bound as
a partitioned rollup binds them. Written without looking at the other corpora's queries.

``C(...)``: PostgreSQL 15 answers and our rows must equal its rows. ``E(...)``: PostgreSQL rejects
it and so must we (a one-line error). ``refused=``: we refuse with a ``LeafSQLError`` naming the
construct. ``xfail=``: a known wrong answer, with its reason.
"""

from __future__ import annotations

from datetime import datetime

from tests.sql.corpus_case import Case, builders
from tests.sql.corpus_models_data import NOW

C, E = builders(NOW)


# Known wrong answers and crashes (strict xfail), each a class the corpus found.
INT32_DOUBLE = (
    "data typing: a whole double stored as int32 (as drivers store 27.0) divides as an integer "
    "(27 / 2 = 13, PostgreSQL's double precision column: 13.5); with the DDL catalog (DOUBLE: "
    "double precision) it agrees"
)
INTERVAL_OUTPUT = (
    "timestamp - timestamp output as a column: without a catalog the server raises 'date "
    "arithmetic on fields of unknown type' at run time (SqlRuntimeError) where PostgreSQL returns "
    "an interval; with the catalog it is refused at compile time (MongoDB cannot store an interval)"
)
CROSS_CATEGORY = (
    "without a catalog, boolean = 1 stays a plain $match and matches nothing where PostgreSQL "
    "says 'operator does not exist: boolean = integer' (with the catalog it is rejected)"
)

# A monthly partition and a daily one, bound as the rollup engine binds them.
MONTH = {"partition_start": datetime(2024, 10, 1), "partition_end": datetime(2024, 11, 1)}
DAY = {"partition_start": datetime(2024, 11, 3), "partition_end": datetime(2024, 11, 4)}
DAY_EDGE = {"partition_start": datetime(2024, 10, 1), "partition_end": datetime(2024, 10, 2)}

USERS = [
    C(
        "u_segment_by_logins",
        """
        SELECT _id AS user_id,
               CASE
                 WHEN account.loginCount >= 50 THEN 'power'
                 WHEN account.loginCount >= 10 THEN 'regular'
                 WHEN account.loginCount > 0 THEN 'casual'
                 ELSE 'dormant'
               END AS login_segment
        FROM users
        """,
    ),
    C(
        "u_segment_counts",
        """
        SELECT CASE
                 WHEN account.loginCount >= 50 THEN 'power'
                 WHEN account.loginCount >= 10 THEN 'regular'
                 WHEN account.loginCount > 0 THEN 'casual'
                 ELSE 'dormant'
               END AS login_segment,
               COUNT(*) AS users
        FROM users
        GROUP BY 1
        ORDER BY users DESC, login_segment
        """,
    ),
    C(
        "u_login_default_quoted",
        "SELECT _id, COALESCE(account.loginCount, '0') AS logins FROM users ORDER BY logins DESC, _id LIMIT 15",
    ),
    C(
        "u_login_default_sum",
        "SELECT account.type AS account_type, SUM(COALESCE(account.loginCount, '0')) AS logins FROM users GROUP BY account.type",
    ),
    C(
        "u_city_clean",
        """
        SELECT _id,
               COALESCE(INITCAP(TRIM(profile.location.city)), 'Unknown') AS city
        FROM users
        """,
    ),
    C(
        "u_city_counts_clean",
        """
        SELECT LOWER(TRIM(profile.location.city)) AS city_key, COUNT(*) AS users
        FROM users
        WHERE profile.location.city IS NOT NULL
        GROUP BY LOWER(TRIM(profile.location.city))
        ORDER BY users DESC, city_key
        """,
    ),
    C(
        "u_country_state",
        """
        SELECT profile.location.country AS country,
               COALESCE(profile.location.state, 'n/a') AS state,
               COUNT(*) AS users
        FROM users
        GROUP BY profile.location.country, profile.location.state
        """,
    ),
    C(
        "u_email_domain",
        """
        SELECT LOWER(SPLIT_PART(email, '@', 2)) AS domain, COUNT(*) AS users
        FROM users
        WHERE email IS NOT NULL
        GROUP BY 1
        ORDER BY 2 DESC, 1
        """,
    ),
    C(
        "u_email_local_part",
        "SELECT _id, SPLIT_PART(LOWER(email), '@', 1) AS handle FROM users WHERE email LIKE '%@%'",
    ),
    C(
        "u_username_trim",
        "SELECT _id, TRIM(username) AS username, LENGTH(TRIM(username)) AS len FROM users WHERE username <> TRIM(username)",
    ),
    C(
        "u_full_name",
        """
        SELECT _id, profile.firstName || ' ' || profile.lastName AS full_name
        FROM users
        ORDER BY _id
        LIMIT 20
        """,
    ),
    C(
        "u_full_name_concat",
        "SELECT _id, CONCAT(profile.firstName, ' ', profile.lastName) AS full_name FROM users ORDER BY _id LIMIT 20",
    ),
    C(
        "u_tag_count",
        "SELECT _id, COALESCE(CARDINALITY(tags), 0) AS tag_count FROM users",
    ),
    C(
        "u_array_length",
        "SELECT _id, ARRAY_LENGTH(tags, 1) AS n FROM users WHERE tags IS NOT NULL",
    ),
    C(
        "u_vip_any",
        "SELECT _id FROM users WHERE 'vip' = ANY(tags)",
    ),
    C(
        "u_vip_any_case_insensitive",
        "SELECT COUNT(*) AS vips FROM users WHERE 'vip' = ANY(tags) OR 'VIP' = ANY(tags)",
    ),
    C(
        "u_tag_contains",
        "SELECT _id FROM users WHERE tags @> ARRAY['newsletter']",
    ),
    C(
        "u_tags_unnest",
        """
        SELECT LOWER(t.tag) AS tag, COUNT(*) AS users
        FROM users u
        CROSS JOIN UNNEST(u.tags) AS t(tag)
        GROUP BY LOWER(t.tag)
        ORDER BY users DESC, tag
        """,
    ),
    C(
        "u_tags_unnest_plain",
        "SELECT UNNEST(tags) AS tag, _id FROM users WHERE _id <= 30",
        refused="UNNEST",
    ),
    C(
        "u_ltv_tiers",
        """
        SELECT _id,
               CASE
                 WHEN lifetimeValue >= 1000 THEN 'gold'
                 WHEN lifetimeValue >= 250.50 THEN 'silver'
                 WHEN lifetimeValue > 0 THEN 'bronze'
                 WHEN lifetimeValue = 0 THEN 'zero'
                 ELSE 'unknown'
               END AS tier
        FROM users
        """,
    ),
    C(
        "u_ltv_tier_money",
        """
        WITH tiered AS (
          SELECT CASE WHEN lifetimeValue >= 1000 THEN 'gold' ELSE 'standard' END AS tier,
                 lifetimeValue
          FROM users
          WHERE lifetimeValue IS NOT NULL
        )
        SELECT tier, COUNT(*) AS users, SUM(lifetimeValue) AS total_ltv,
               ROUND(AVG(lifetimeValue), 2) AS avg_ltv
        FROM tiered
        GROUP BY tier
        ORDER BY tier
        """,
    ),
    C(
        "u_ltv_default",
        "SELECT _id, COALESCE(lifetimeValue, '0.00') AS ltv FROM users WHERE _id < 40",
    ),
    C(
        "u_ltv_share",
        """
        SELECT account.type AS account_type,
               SUM(lifetimeValue) AS ltv,
               ROUND(100 * SUM(lifetimeValue) / SUM(SUM(lifetimeValue)) OVER (), 2) AS pct_of_total
        FROM users
        GROUP BY account.type
        """,
    ),
    C(
        "u_credits_avg",
        "SELECT account.type AS t, AVG(credits) AS avg_credits, MAX(credits) AS max_credits FROM users GROUP BY account.type",
    ),
    C(
        "u_credits_round_numeric",
        "SELECT _id, ROUND(credits::numeric, 1) AS credits FROM users WHERE credits IS NOT NULL",
    ),
    C(
        "u_credits_whole",
        "SELECT _id, credits FROM users WHERE credits = 10 OR credits = '25'",
    ),
    C(
        "u_credits_half",
        "SELECT _id, credits / 2 AS half FROM users WHERE credits IS NOT NULL ORDER BY _id LIMIT 25",
        xfail=INT32_DOUBLE,
    ),
    C(
        "u_verified_rate",
        """
        SELECT account.type AS account_type,
               COUNT(*) FILTER (WHERE isVerified) AS verified,
               COUNT(*) AS users,
               ROUND(100.0 * COUNT(*) FILTER (WHERE isVerified) / COUNT(*), 1) AS verified_pct
        FROM users
        GROUP BY account.type
        """,
    ),
    C(
        "u_verified_default",
        "SELECT COALESCE(isVerified, 'false') AS verified, COUNT(*) AS n FROM users GROUP BY 1",
    ),
    C(
        "u_not_verified",
        "SELECT COUNT(*) AS n FROM users WHERE isVerified IS NOT TRUE",
    ),
    C(
        "u_status_normalized",
        """
        SELECT LOWER(TRIM(account.status)) AS status, COUNT(*) AS users
        FROM users
        GROUP BY LOWER(TRIM(account.status))
        """,
    ),
    C(
        "u_active_premium",
        """
        SELECT _id, username
        FROM users
        WHERE LOWER(account.status) = 'active'
          AND LOWER(account.type) IN ('premium', 'enterprise')
        """,
    ),
    C(
        "u_schema_versions",
        "SELECT _schema.version AS version, COUNT(*) AS docs FROM users GROUP BY _schema.version ORDER BY version",
    ),
    C(
        "u_schema_major",
        """
        SELECT CAST(SPLIT_PART(_schema.version, '.', 1) AS INTEGER) AS major, COUNT(*) AS docs
        FROM users
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "u_needs_migration",
        "SELECT COUNT(*) AS pending FROM users WHERE _schema.version < '3.0.0'",
    ),
    C(
        "u_referral_numeric",
        """
        SELECT _id, CAST(TRIM(referralCode) AS INTEGER) AS code
        FROM users
        WHERE TRIM(referralCode) ~ '^[0-9]+$'
        """,
    ),
    C(
        "u_referral_text_compare",
        "SELECT _id, referralCode FROM users WHERE referralCode = '42'",
    ),
    C(
        "u_referral_text_range",
        "SELECT _id, referralCode FROM users WHERE referralCode >= '1' ORDER BY referralCode, _id",
    ),
    C(
        "u_referral_lpad",
        "SELECT _id, LPAD(TRIM(referralCode), 6, '0') AS code FROM users WHERE referralCode IS NOT NULL",
    ),
    C(
        "u_birthdate_text",
        "SELECT _id, birthDate FROM users WHERE birthDate >= '1990-01-01' ORDER BY birthDate, _id",
    ),
    C(
        "u_birthdate_parse",
        """
        SELECT _id,
               CASE WHEN birthDate ~ '^\\d{4}-\\d{2}-\\d{2}$' THEN CAST(birthDate AS DATE) END AS dob
        FROM users
        WHERE birthDate IS NOT NULL
        """,
    ),
    E(
        "u_birthdate_bad_cast",
        "SELECT _id, CAST(birthDate AS DATE) AS dob FROM users WHERE birthDate IS NOT NULL",
    ),
    C(
        "u_birth_year",
        """
        SELECT LEFT(birthDate, 4) AS birth_year, COUNT(*) AS users
        FROM users
        WHERE birthDate LIKE '____-__-__'
        GROUP BY 1
        """,
    ),
    C(
        "u_signup_month",
        """
        SELECT DATE_TRUNC('month', createdAt) AS signup_month, COUNT(*) AS signups
        FROM users
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "u_signup_to_char",
        "SELECT TO_CHAR(createdAt, 'YYYY-MM') AS month, COUNT(*) AS signups FROM users GROUP BY 1 ORDER BY 1",
    ),
    C(
        "u_signup_quarter",
        """
        SELECT EXTRACT(YEAR FROM createdAt) AS yr, EXTRACT(QUARTER FROM createdAt) AS q, COUNT(*) AS n
        FROM users
        GROUP BY 1, 2
        ORDER BY 1, 2
        """,
    ),
    C(
        "u_tenure_days",
        "SELECT _id, CURRENT_DATE - CAST(createdAt AS DATE) AS tenure_days FROM users ORDER BY _id LIMIT 30",
    ),
    C(
        "u_tenure_bucket",
        """
        SELECT CASE
                 WHEN createdAt >= NOW() - INTERVAL '30 days' THEN 'new'
                 WHEN createdAt >= NOW() - INTERVAL '180 days' THEN 'recent'
                 ELSE 'established'
               END AS cohort,
               COUNT(*) AS users
        FROM users
        GROUP BY 1
        """,
    ),
    C(
        "u_last_login_recency",
        """
        SELECT _id,
               CASE
                 WHEN account.lastLoginAt IS NULL THEN 'never'
                 WHEN account.lastLoginAt >= CURRENT_DATE - 7 THEN 'this_week'
                 WHEN account.lastLoginAt >= CURRENT_DATE - 30 THEN 'this_month'
                 ELSE 'lapsed'
               END AS recency
        FROM users
        """,
    ),
    C(
        "u_last_login_default_ts",
        "SELECT _id, COALESCE(account.lastLoginAt, '1970-01-01') AS last_login FROM users ORDER BY last_login, _id LIMIT 10",
    ),
    C(
        "u_days_since_login",
        """
        SELECT _id, EXTRACT(DAY FROM NOW() - account.lastLoginAt) AS days_idle
        FROM users
        WHERE account.lastLoginAt IS NOT NULL
        """,
    ),
    C(
        "u_login_at_date_eq",
        "SELECT _id FROM users WHERE CAST(account.lastLoginAt AS DATE) = '2024-10-01'",
    ),
    C(
        "u_login_window_params",
        """
        SELECT _id FROM users
        WHERE account.lastLoginAt >= :partition_start AND account.lastLoginAt < :partition_end
        """,
        params=MONTH,
    ),
    C(
        "u_distinct_types",
        "SELECT DISTINCT account.type AS account_type FROM users ORDER BY account_type",
    ),
    C(
        "u_distinct_countries",
        "SELECT COUNT(DISTINCT profile.location.country) AS countries FROM users",
    ),
    C(
        "u_missing_profile",
        "SELECT _id FROM users WHERE profile IS NULL",
    ),
    C(
        "u_missing_location",
        "SELECT COUNT(*) AS no_location FROM users WHERE profile.location.city IS NULL",
    ),
    C(
        "u_nullif_empty_tags",
        "SELECT _id, NULLIF(CARDINALITY(tags), 0) AS tags FROM users WHERE _id <= 40",
    ),
    C(
        "u_greatest_logins",
        "SELECT _id, GREATEST(account.loginCount, '5') AS floor5 FROM users WHERE account.loginCount IS NOT NULL",
    ),
    C(
        "u_least_credits",
        "SELECT _id, LEAST(credits, 20) AS capped FROM users WHERE credits IS NOT NULL",
    ),
    C(
        "u_engagement_score_logins",
        """
        SELECT _id,
               account.loginCount * 0.1 + COALESCE(CARDINALITY(tags), 0) * 0.3 AS score
        FROM users
        WHERE account.loginCount IS NOT NULL
        """,
    ),
    C(
        "u_score_threshold_exact",
        """
        SELECT _id, account.loginCount
        FROM users
        WHERE account.loginCount * 0.1 >= 5.0
        ORDER BY _id
        """,
    ),
    C(
        "u_score_threshold_segment",
        """
        SELECT CASE WHEN account.loginCount * 0.1 >= 5 THEN 'high'
                    WHEN account.loginCount * 0.1 >= 0.7 THEN 'mid'
                    ELSE 'low' END AS seg,
               COUNT(*) AS n
        FROM users
        GROUP BY 1
        """,
    ),
    C(
        "u_logins_per_day",
        """
        SELECT _id,
               ROUND(account.loginCount::numeric / GREATEST(CURRENT_DATE - createdAt::date, 1), 3) AS logins_per_day
        FROM users
        WHERE account.loginCount IS NOT NULL
        """,
    ),
    C(
        "u_logins_int_div",
        "SELECT _id, account.loginCount / 7 AS weekly FROM users WHERE account.loginCount IS NOT NULL",
    ),
    C(
        "u_having_types",
        """
        SELECT account.type AS account_type, COUNT(*) AS users, AVG(account.loginCount) AS avg_logins
        FROM users
        GROUP BY account.type
        HAVING COUNT(*) >= 10
        """,
    ),
    C(
        "u_bool_or",
        "SELECT account.type AS t, BOOL_OR(isVerified) AS any_verified, BOOL_AND(isVerified) AS all_verified FROM users GROUP BY 1",
    ),
    C(
        "u_string_agg_cities",
        """
        SELECT profile.location.country AS country,
               STRING_AGG(DISTINCT TRIM(profile.location.city), ', ' ORDER BY TRIM(profile.location.city)) AS cities
        FROM users
        WHERE profile.location.country IS NOT NULL
        GROUP BY 1
        """,
    ),
    C(
        "u_array_agg_ids",
        """
        SELECT profile.location.state AS state, ARRAY_AGG(_id ORDER BY _id) AS ids
        FROM users
        WHERE profile.location.state IS NOT NULL
        GROUP BY 1
        """,
    ),
    C(
        "u_is_distinct_from",
        "SELECT COUNT(*) AS n FROM users WHERE account.type IS DISTINCT FROM 'free'",
    ),
    C(
        "u_between_quoted",
        "SELECT _id FROM users WHERE account.loginCount BETWEEN '10' AND '50'",
    ),
    C(
        "u_in_quoted",
        "SELECT _id FROM users WHERE account.loginCount IN ('0', '1', '342')",
    ),
    C(
        "u_regex_email",
        "SELECT _id FROM users WHERE email ~* '@example\\.com$'",
    ),
    C(
        "u_regex_replace_username",
        "SELECT _id, REGEXP_REPLACE(TRIM(username), '[0-9]+$', '') AS base_name FROM users WHERE _id < 30",
    ),
    C(
        "u_ilike",
        "SELECT _id FROM users WHERE profile.location.city ILIKE '%san%'",
    ),
    C(
        "u_position",
        "SELECT _id, POSITION('@' IN email) AS at_pos FROM users WHERE email IS NOT NULL AND _id < 30",
    ),
    C(
        "u_substring",
        "SELECT _id, SUBSTRING(username FROM 1 FOR 5) AS prefix FROM users WHERE _id < 30",
    ),
    C(
        "u_replace",
        "SELECT _id, REPLACE(LOWER(profile.location.city), ' ', '_') AS city_slug FROM users WHERE profile.location.city IS NOT NULL",
    ),
    C(
        "u_fetch_first",
        "SELECT _id, lifetimeValue FROM users WHERE lifetimeValue IS NOT NULL ORDER BY lifetimeValue DESC, _id FETCH FIRST 10 ROWS ONLY",
    ),
    C(
        "u_offset_fetch",
        "SELECT _id FROM users ORDER BY _id OFFSET 10 ROWS FETCH NEXT 5 ROWS ONLY",
    ),
    C(
        "u_limit_offset",
        "SELECT _id, username FROM users ORDER BY createdAt DESC, _id LIMIT 5 OFFSET 5",
    ),
    C(
        "u_nulls_last",
        "SELECT _id, lifetimeValue FROM users ORDER BY lifetimeValue DESC NULLS LAST, _id LIMIT 12",
    ),
    C(
        "u_nulls_first_default_desc",
        "SELECT _id, account.lastLoginAt AS last_login FROM users ORDER BY account.lastLoginAt DESC, _id LIMIT 12",
    ),
    C(
        "u_cast_logins_text",
        "SELECT _id, CAST(account.loginCount AS TEXT) || ' logins' AS label FROM users WHERE account.loginCount IS NOT NULL",
    ),
    C(
        "u_cast_ltv_text",
        "SELECT _id, lifetimeValue::text AS ltv_text FROM users WHERE lifetimeValue IS NOT NULL AND _id < 40",
    ),
    C(
        "u_created_date_text",
        "SELECT _id, CAST(CAST(createdAt AS DATE) AS TEXT) AS signup_day FROM users WHERE _id < 25",
    ),
    C(
        "u_created_ts_text",
        "SELECT _id, createdAt::text AS created FROM users WHERE _id < 10",
    ),
]

EVENTS = [
    C(
        "e_daily_counts",
        """
        SELECT DATE_TRUNC('day', timestamp) AS day, COUNT(*) AS events
        FROM events
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "e_hourly_bucket_partition",
        """
        SELECT userId,
               DATE_TRUNC('hour', timestamp) AS bucket,
               COUNT(*) AS event_count,
               COUNT(*) FILTER (WHERE LOWER(TRIM(eventType)) = 'page_view') AS page_views,
               COUNT(*) FILTER (WHERE LOWER(TRIM(eventType)) = 'click') AS clicks,
               COUNT(DISTINCT page) AS unique_pages
        FROM events
        WHERE timestamp >= :partition_start AND timestamp < :partition_end
          AND userId IS NOT NULL
        GROUP BY userId, DATE_TRUNC('hour', timestamp)
        """,
        params=DAY,
    ),
    C(
        "e_daily_bucket_edge",
        """
        SELECT userId, COUNT(*) AS events, MIN(timestamp) AS first_seen, MAX(timestamp) AS last_seen
        FROM events
        WHERE timestamp >= :partition_start AND timestamp < :partition_end
        GROUP BY userId
        """,
        params=DAY_EDGE,
    ),
    C(
        "e_month_partition_types",
        """
        SELECT LOWER(TRIM(eventType)) AS event_type, COUNT(*) AS n
        FROM events
        WHERE timestamp BETWEEN :partition_start AND :partition_end
        GROUP BY 1
        """,
        params=MONTH,
    ),
    C(
        "e_partition_start_as_day",
        """
        SELECT userId, :partition_start AS day, COUNT(*) AS events
        FROM events
        WHERE timestamp >= :partition_start AND timestamp < :partition_end AND userId IS NOT NULL
        GROUP BY userId
        """,
        params=DAY,
    ),
    C(
        "e_lookback_30d",
        """
        SELECT userId, COUNT(*) AS events_30d
        FROM events
        WHERE timestamp >= :partition_end - INTERVAL '30 days' AND timestamp < :partition_end
        GROUP BY userId
        """,
        params=DAY,
    ),
    C(
        "e_event_type_clean",
        "SELECT LOWER(TRIM(eventType)) AS event_type, COUNT(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC, 1",
    ),
    C(
        "e_event_type_raw",
        "SELECT eventType, COUNT(*) AS n FROM events GROUP BY eventType ORDER BY eventType",
    ),
    C(
        "e_weekday",
        """
        SELECT EXTRACT(DOW FROM timestamp) AS dow, COUNT(*) AS events
        FROM events
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "e_isodow_name",
        "SELECT TO_CHAR(timestamp, 'Dy') AS weekday, EXTRACT(ISODOW FROM timestamp) AS d, COUNT(*) AS n FROM events GROUP BY 1, 2 ORDER BY 2",
    ),
    C(
        "e_hour_of_day",
        "SELECT EXTRACT(HOUR FROM timestamp) AS hour, COUNT(*) AS events FROM events GROUP BY 1 ORDER BY 1",
    ),
    C(
        "e_week_trunc",
        "SELECT DATE_TRUNC('week', timestamp) AS week, COUNT(DISTINCT userId) AS wau FROM events GROUP BY 1 ORDER BY 1",
    ),
    C(
        "e_iso_week_label",
        "SELECT TO_CHAR(timestamp, 'IYYY-IW') AS iso_week, COUNT(*) AS n FROM events GROUP BY 1 ORDER BY 1",
    ),
    C(
        "e_month_trunc_users",
        "SELECT DATE_TRUNC('month', timestamp) AS month, COUNT(DISTINCT userId) AS mau FROM events GROUP BY 1",
    ),
    C(
        "e_day_cast",
        "SELECT CAST(timestamp AS DATE) AS day, COUNT(*) AS n FROM events GROUP BY CAST(timestamp AS DATE) ORDER BY day",
    ),
    C(
        "e_day_colon_cast",
        "SELECT timestamp::date AS day, COUNT(*) AS n FROM events WHERE timestamp::date >= '2024-10-30' GROUP BY 1 ORDER BY 1",
    ),
    C(
        "e_date_fn",
        "SELECT DATE(timestamp) AS day, COUNT(*) AS n FROM events WHERE DATE(timestamp) = DATE '2024-11-01' GROUP BY 1",
    ),
    C(
        "e_date_literal_compare",
        "SELECT COUNT(*) AS n FROM events WHERE timestamp >= DATE '2024-10-01' AND timestamp < DATE '2024-10-01' + 1",
    ),
    C(
        "e_unknown_literal_compare",
        "SELECT COUNT(*) AS n FROM events WHERE timestamp < '2024-10-01'",
    ),
    C(
        "e_timestamp_literal_compare",
        "SELECT COUNT(*) AS n FROM events WHERE timestamp > TIMESTAMP '2024-09-30 23:59:59'",
    ),
    C(
        "e_month_end_inclusive",
        "SELECT _id FROM events WHERE timestamp BETWEEN '2024-09-30' AND '2024-09-30 23:59:59' ORDER BY _id",
    ),
    C(
        "e_last_7_days",
        "SELECT COUNT(*) AS n FROM events WHERE timestamp >= NOW() - INTERVAL '7 days'",
    ),
    C(
        "e_current_date_minus",
        "SELECT COUNT(*) AS n FROM events WHERE timestamp >= CURRENT_DATE - INTERVAL '1 day'",
    ),
    C(
        "e_age_days",
        "SELECT _id, CURRENT_DATE - timestamp::date AS days_ago FROM events WHERE _id <= 30",
    ),
    C(
        "e_interval_hours",
        "SELECT _id, timestamp + INTERVAL '2 hours' AS shifted FROM events WHERE _id <= 20",
    ),
    C(
        "e_at_time_zone_day",
        """
        SELECT DATE_TRUNC('day', timestamp AT TIME ZONE 'UTC' AT TIME ZONE 'America/New_York') AS local_day,
               COUNT(*) AS n
        FROM events
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "e_date_trunc_zone",
        "SELECT DATE_TRUNC('day', timestamp, 'Europe/Berlin') AS berlin_day, COUNT(*) AS n FROM events GROUP BY 1 ORDER BY 1",
    ),
    C(
        "e_response_stats",
        """
        SELECT LOWER(TRIM(eventType)) AS event_type,
               COUNT(responseTime) AS with_rt,
               AVG(responseTime) AS avg_rt,
               MIN(responseTime) AS min_rt,
               MAX(responseTime) AS max_rt,
               SUM(responseTime) AS total_rt
        FROM events
        GROUP BY 1
        """,
    ),
    C(
        "e_response_round",
        "SELECT userId, ROUND(AVG(responseTime), 2) AS avg_rt FROM events WHERE userId IS NOT NULL GROUP BY userId",
    ),
    C(
        "e_response_p50",
        """
        SELECT LOWER(TRIM(eventType)) AS event_type,
               PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY responseTime) AS p50,
               PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY responseTime) AS p90
        FROM events
        GROUP BY 1
        """,
    ),
    C(
        "e_response_stddev",
        "SELECT statusCode, STDDEV_SAMP(responseTime) AS sd, VAR_POP(responseTime) AS var FROM events GROUP BY statusCode",
    ),
    C(
        "e_slow_share",
        """
        SELECT DATE_TRUNC('day', timestamp) AS day,
               ROUND(100.0 * SUM(CASE WHEN responseTime > 1000 THEN 1 ELSE 0 END) / COUNT(*), 2) AS slow_pct
        FROM events
        GROUP BY 1
        """,
    ),
    C(
        "e_slow_share_filter",
        """
        SELECT statusCode,
               COUNT(*) FILTER (WHERE responseTime >= 500)::numeric / NULLIF(COUNT(responseTime), 0) AS slow_ratio
        FROM events
        GROUP BY statusCode
        """,
    ),
    C(
        "e_rt_default_quoted",
        "SELECT _id, COALESCE(responseTime, '-1') AS rt FROM events WHERE _id <= 40",
    ),
    C(
        "e_rt_case_quoted",
        "SELECT _id, CASE WHEN responseTime IS NULL THEN '0' ELSE responseTime END AS rt FROM events WHERE _id <= 40",
    ),
    C(
        "e_rt_bucket",
        """
        SELECT CASE
                 WHEN responseTime < 100 THEN 'fast'
                 WHEN responseTime < 1000 THEN 'ok'
                 WHEN responseTime >= 1000 THEN 'slow'
                 ELSE 'unknown'
               END AS latency, COUNT(*) AS n
        FROM events
        GROUP BY 1
        """,
    ),
    C(
        "e_rt_seconds",
        "SELECT _id, responseTime / 1000.0 AS seconds FROM events WHERE responseTime IS NOT NULL AND _id <= 50",
    ),
    C(
        "e_rt_int_seconds",
        "SELECT _id, responseTime / 1000 AS whole_seconds FROM events WHERE responseTime IS NOT NULL AND _id <= 50",
    ),
    C(
        "e_error_rate",
        """
        SELECT DATE_TRUNC('day', timestamp) AS day,
               COUNT(*) FILTER (WHERE statusCode >= 500) AS errors,
               COUNT(*) AS requests,
               ROUND(COUNT(*) FILTER (WHERE statusCode >= 500) * 100.0 / COUNT(*), 3) AS error_pct
        FROM events
        GROUP BY 1
        HAVING COUNT(*) FILTER (WHERE statusCode >= 500) > 0
        ORDER BY 1
        """,
    ),
    C(
        "e_status_class",
        "SELECT statusCode / 100 AS class, COUNT(*) AS n FROM events WHERE statusCode IS NOT NULL GROUP BY 1 ORDER BY 1",
    ),
    C(
        "e_status_text_compare",
        "SELECT COUNT(*) AS n FROM events WHERE statusCode = '404'",
    ),
    C(
        "e_page_clean",
        """
        SELECT LOWER(RTRIM(REGEXP_REPLACE(page, '\\?.*$', ''), '/')) AS path, COUNT(*) AS views
        FROM events
        WHERE page IS NOT NULL
        GROUP BY 1
        ORDER BY views DESC, path
        """,
    ),
    C(
        "e_page_section",
        "SELECT SPLIT_PART(page, '/', 2) AS section, COUNT(*) AS n FROM events WHERE page LIKE '/%' GROUP BY 1 ORDER BY 1",
    ),
    C(
        "e_page_null_default",
        "SELECT COALESCE(page, '(none)') AS page, COUNT(*) AS n FROM events GROUP BY 1",
    ),
    C(
        "e_page_regex_match",
        "SELECT COUNT(*) AS docs_views FROM events WHERE page ~ '^/docs(/|$)'",
    ),
    C(
        "e_page_not_like",
        "SELECT COUNT(*) AS n FROM events WHERE page NOT LIKE '/docs%'",
    ),
    C(
        "e_device_clean",
        """
        SELECT COALESCE(LOWER(metadata.device), 'unknown') AS device, COUNT(*) AS events
        FROM events
        GROUP BY 1
        ORDER BY 2 DESC, 1
        """,
    ),
    C(
        "e_browser_session",
        "SELECT INITCAP(metadata.browser) AS browser, COUNT(DISTINCT sessionId) AS sessions FROM events GROUP BY 1",
    ),
    C(
        "e_campaign_attribution",
        """
        SELECT UPPER(COALESCE(metadata.campaign, 'direct')) AS campaign,
               COUNT(*) AS events,
               COUNT(DISTINCT userId) AS users
        FROM events
        GROUP BY 1
        """,
    ),
    C(
        "e_duration_avg",
        "SELECT metadata.device AS device, AVG(metadata.durationMs) AS avg_ms FROM events GROUP BY 1",
    ),
    C(
        "e_duration_seconds_round",
        "SELECT _id, ROUND((metadata.durationMs / 1000)::numeric, 2) AS secs FROM events WHERE metadata.durationMs IS NOT NULL AND _id <= 60",
        xfail=INT32_DOUBLE,
    ),
    C(
        "e_session_length",
        """
        SELECT sessionId,
               MIN(timestamp) AS started,
               MAX(timestamp) AS ended,
               COUNT(*) AS events
        FROM events
        GROUP BY sessionId
        HAVING COUNT(*) >= 10
        """,
    ),
    C(
        "e_session_seconds",
        """
        SELECT sessionId, EXTRACT(EPOCH FROM MAX(timestamp) - MIN(timestamp)) AS span_seconds
        FROM events
        GROUP BY sessionId
        HAVING COUNT(*) > 8
        """,
    ),
    C(
        "e_session_interval",
        "SELECT sessionId, MAX(timestamp) - MIN(timestamp) AS span FROM events GROUP BY sessionId HAVING COUNT(*) > 9",
        refused="interval",
        xfail=INTERVAL_OUTPUT,
    ),
    C(
        "e_orphan_events",
        "SELECT COUNT(*) AS orphans FROM events e WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u._id = e.userId)",
    ),
    C(
        "e_known_users_in",
        "SELECT COUNT(*) AS n FROM events WHERE userId IN (SELECT _id FROM users WHERE LOWER(account.type) = 'premium')",
    ),
    C(
        "e_users_without_events_not_in",
        "SELECT COUNT(*) AS n FROM users WHERE _id NOT IN (SELECT userId FROM events)",
    ),
    C(
        "e_users_without_events_not_in_filtered",
        "SELECT _id FROM users WHERE _id NOT IN (SELECT userId FROM events WHERE userId IS NOT NULL AND eventType = 'error') ORDER BY _id",
    ),
    C(
        "e_engagement_score",
        """
        SELECT userId,
               COUNT(*) FILTER (WHERE LOWER(TRIM(eventType)) = 'page_view') * 0.1
                 + COUNT(*) FILTER (WHERE LOWER(TRIM(eventType)) = 'click') * 0.3
                 + COUNT(DISTINCT CAST(timestamp AS DATE)) * 0.6 AS engagement_score
        FROM events
        WHERE userId IS NOT NULL
        GROUP BY userId
        """,
    ),
    C(
        "e_engagement_segment",
        """
        WITH per_user AS (
          SELECT userId,
                 SUM(CASE WHEN LOWER(TRIM(eventType)) = 'page_view' THEN 1 ELSE 0 END) AS page_views,
                 SUM(CASE WHEN LOWER(TRIM(eventType)) = 'click' THEN 1 ELSE 0 END) AS clicks,
                 COUNT(DISTINCT DATE_TRUNC('day', timestamp)) AS active_days
          FROM events
          WHERE userId IS NOT NULL
          GROUP BY userId
        ), scored AS (
          SELECT userId, page_views * 0.1 + clicks * 0.3 + active_days * 0.6 AS score
          FROM per_user
        )
        SELECT userId, score,
               CASE WHEN score >= 5 THEN 'High'
                    WHEN score >= 3.5 THEN 'Medium'
                    WHEN score >= 1.2 THEN 'Low'
                    ELSE 'Inactive' END AS segment
        FROM scored
        """,
    ),
    C(
        "e_engagement_percentile",
        """
        WITH s AS (
          SELECT userId,
                 COUNT(*) * 0.1 + COUNT(DISTINCT sessionId) * 0.6 AS score
          FROM events
          WHERE userId IS NOT NULL
          GROUP BY userId
        )
        SELECT userId, score,
               PERCENT_RANK() OVER (ORDER BY score) AS pct,
               CUME_DIST() OVER (ORDER BY score) AS cume
        FROM s
        """,
    ),
    C(
        "e_engagement_segment_counts",
        """
        WITH s AS (
          SELECT userId, COUNT(*) * 0.1 + COUNT(DISTINCT page) * 0.3 AS score
          FROM events
          WHERE userId IS NOT NULL
          GROUP BY userId
        )
        SELECT CASE WHEN score >= 1.5 THEN 'engaged' WHEN score >= 0.9 THEN 'warm' ELSE 'cold' END AS seg,
               COUNT(*) AS users, MIN(score) AS min_score, MAX(score) AS max_score
        FROM s
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "e_engagement_median",
        """
        WITH s AS (
          SELECT userId, COUNT(*) * 0.1 + COUNT(DISTINCT sessionId) * 0.3 AS score
          FROM events WHERE userId IS NOT NULL GROUP BY userId
        )
        SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY score) AS median_score,
               PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY score) AS median_disc
        FROM s
        """,
    ),
    C(
        "e_first_event_per_user_distinct_on",
        """
        SELECT DISTINCT ON (userId) userId, _id AS first_event_id, timestamp AS first_seen
        FROM events
        WHERE userId IS NOT NULL
        ORDER BY userId, timestamp, _id
        """,
    ),
    C(
        "e_first_event_row_number",
        """
        WITH ranked AS (
          SELECT userId, eventType, timestamp,
                 ROW_NUMBER() OVER (PARTITION BY userId ORDER BY timestamp, _id) AS rn
          FROM events
          WHERE userId IS NOT NULL
        )
        SELECT userId, LOWER(TRIM(eventType)) AS first_event_type, timestamp
        FROM ranked
        WHERE rn = 1
        """,
    ),
    C(
        "e_gap_lag",
        """
        SELECT _id, userId,
               LAG(timestamp) OVER (PARTITION BY userId ORDER BY timestamp, _id) AS prev_ts
        FROM events
        WHERE userId <= 20
        """,
    ),
    C(
        "e_gap_minutes",
        """
        SELECT _id, userId,
               EXTRACT(EPOCH FROM timestamp - LAG(timestamp) OVER (PARTITION BY userId ORDER BY timestamp, _id)) / 60 AS gap_min
        FROM events
        WHERE userId <= 15
        """,
    ),
    C(
        "e_sessionize",
        """
        WITH gaps AS (
          SELECT _id, userId, timestamp,
                 CASE WHEN timestamp - LAG(timestamp) OVER (PARTITION BY userId ORDER BY timestamp, _id)
                           > INTERVAL '30 minutes'
                        OR LAG(timestamp) OVER (PARTITION BY userId ORDER BY timestamp, _id) IS NULL
                      THEN 1 ELSE 0 END AS new_session
          FROM events
          WHERE userId IS NOT NULL
        )
        SELECT userId, SUM(new_session) AS sessions
        FROM gaps
        GROUP BY userId
        """,
    ),
    C(
        "e_lead_next_type",
        """
        SELECT _id, LOWER(TRIM(eventType)) AS t,
               LEAD(LOWER(TRIM(eventType)), 1, 'end') OVER (PARTITION BY userId ORDER BY timestamp, _id) AS next_t
        FROM events
        WHERE userId BETWEEN 1 AND 10
        """,
    ),
    C(
        "e_running_count",
        """
        SELECT day, n, SUM(n) OVER (ORDER BY day) AS cumulative
        FROM (SELECT DATE_TRUNC('day', timestamp) AS day, COUNT(*) AS n FROM events GROUP BY 1) d
        ORDER BY day
        """,
    ),
    C(
        "e_moving_avg_7d",
        """
        WITH daily AS (
          SELECT CAST(timestamp AS DATE) AS day, COUNT(*) AS n FROM events GROUP BY 1
        )
        SELECT day, n,
               AVG(n) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS ma7
        FROM daily
        ORDER BY day
        """,
    ),
    C(
        "e_dod_change",
        """
        WITH daily AS (
          SELECT DATE_TRUNC('day', timestamp) AS day, COUNT(*) AS n FROM events GROUP BY 1
        )
        SELECT day, n, n - LAG(n) OVER (ORDER BY day) AS delta,
               ROUND(100.0 * (n - LAG(n) OVER (ORDER BY day)) / LAG(n) OVER (ORDER BY day), 1) AS pct_change
        FROM daily
        ORDER BY day
        """,
    ),
    C(
        "e_rank_pages",
        """
        SELECT page, COUNT(*) AS views,
               RANK() OVER (ORDER BY COUNT(*) DESC) AS rnk,
               DENSE_RANK() OVER (ORDER BY COUNT(*) DESC) AS drnk
        FROM events
        WHERE page IS NOT NULL
        GROUP BY page
        """,
    ),
    C(
        "e_top_page_per_user",
        """
        WITH pv AS (
          SELECT userId, page, COUNT(*) AS views
          FROM events
          WHERE userId IS NOT NULL AND page IS NOT NULL
          GROUP BY userId, page
        ), ranked AS (
          SELECT userId, page, views,
                 ROW_NUMBER() OVER (PARTITION BY userId ORDER BY views DESC, page) AS rn
          FROM pv
        )
        SELECT userId, page AS top_page, views FROM ranked WHERE rn = 1
        """,
    ),
    C(
        "e_ntile_users",
        """
        WITH c AS (SELECT userId, COUNT(*) AS n FROM events WHERE userId IS NOT NULL GROUP BY userId)
        SELECT userId, n, NTILE(4) OVER (ORDER BY n, userId) AS quartile FROM c
        """,
    ),
    C(
        "e_quartile_summary",
        """
        WITH c AS (SELECT userId, COUNT(*) AS n FROM events WHERE userId IS NOT NULL GROUP BY userId),
             q AS (SELECT userId, n, NTILE(4) OVER (ORDER BY n DESC, userId) AS quartile FROM c)
        SELECT quartile, COUNT(*) AS users, SUM(n) AS events, MIN(n) AS min_n, MAX(n) AS max_n
        FROM q
        GROUP BY quartile
        ORDER BY quartile
        """,
    ),
    C(
        "e_share_of_day",
        """
        SELECT DATE_TRUNC('day', timestamp) AS day, LOWER(TRIM(eventType)) AS t, COUNT(*) AS n,
               COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (PARTITION BY DATE_TRUNC('day', timestamp)) AS pct
        FROM events
        WHERE timestamp >= '2024-11-01'
        GROUP BY 1, 2
        """,
    ),
    C(
        "e_share_integer_percent",
        """
        SELECT LOWER(TRIM(eventType)) AS t, COUNT(*) * 100 / SUM(COUNT(*)) OVER () AS pct
        FROM events
        GROUP BY 1
        """,
    ),
    C(
        "e_rollup_day_type",
        """
        SELECT DATE_TRUNC('month', timestamp) AS month, LOWER(TRIM(eventType)) AS t, COUNT(*) AS n
        FROM events
        GROUP BY ROLLUP (DATE_TRUNC('month', timestamp), LOWER(TRIM(eventType)))
        """,
    ),
    C(
        "e_grouping_sets",
        """
        SELECT metadata.device AS device, statusCode, COUNT(*) AS n
        FROM events
        GROUP BY GROUPING SETS ((metadata.device), (statusCode), ())
        """,
    ),
    C(
        "e_cube_grouping",
        """
        SELECT LOWER(metadata.browser) AS browser, LOWER(TRIM(eventType)) AS t, COUNT(*) AS n,
               GROUPING(LOWER(metadata.browser), LOWER(TRIM(eventType))) AS g
        FROM events
        GROUP BY CUBE (LOWER(metadata.browser), LOWER(TRIM(eventType)))
        """,
    ),
    C(
        "e_exists_clicker",
        """
        SELECT u._id
        FROM users u
        WHERE EXISTS (
          SELECT 1 FROM events e WHERE e.userId = u._id AND LOWER(TRIM(e.eventType)) = 'click'
        )
        ORDER BY u._id
        """,
    ),
    C(
        "e_scalar_subquery_count",
        """
        SELECT u._id,
               (SELECT COUNT(*) FROM events e WHERE e.userId = u._id) AS events
        FROM users u
        WHERE u._id <= 25
        """,
    ),
    C(
        "e_scalar_subquery_last",
        """
        SELECT u._id, (SELECT MAX(e.timestamp) FROM events e WHERE e.userId = u._id) AS last_event
        FROM users u
        WHERE u._id <= 25
        """,
    ),
    C(
        "e_union_activity",
        """
        SELECT userId AS user_id, timestamp AS at, 'event' AS source FROM events WHERE userId = 7
        UNION ALL
        SELECT customerId, createdAt, 'order' FROM orders WHERE customerId = 7
        ORDER BY at, source
        """,
    ),
    C(
        "e_union_distinct_users",
        """
        SELECT userId AS user_id FROM events WHERE timestamp >= '2024-11-10'
        UNION
        SELECT customerId FROM orders WHERE createdAt >= '2024-11-10'
        """,
    ),
    C(
        "e_intersect",
        """
        SELECT userId FROM events WHERE LOWER(TRIM(eventType)) = 'error'
        INTERSECT
        SELECT customerId FROM orders WHERE LOWER(TRIM(status)) = 'cancelled'
        """,
    ),
    C(
        "e_except",
        """
        SELECT _id FROM users
        EXCEPT
        SELECT userId FROM events WHERE LOWER(TRIM(eventType)) IN ('error', 'api_call')
        """,
    ),
    C(
        "e_count_distinct_pairs",
        "SELECT COUNT(DISTINCT (userId, sessionId)) AS pairs FROM events",
        refused="row values",
    ),
    C(
        "e_distinct_users_sessions",
        "SELECT COUNT(*) AS pairs FROM (SELECT DISTINCT userId, sessionId FROM events) d",
    ),
    C(
        "e_mode_page",
        "SELECT userId, MODE() WITHIN GROUP (ORDER BY page) AS fav_page FROM events WHERE userId <= 10 GROUP BY userId",
    ),
    C(
        "e_array_agg_types",
        """
        SELECT userId, ARRAY_AGG(DISTINCT LOWER(TRIM(eventType)) ORDER BY LOWER(TRIM(eventType))) AS types
        FROM events
        WHERE userId <= 20
        GROUP BY userId
        """,
    ),
    C(
        "e_string_agg_sessions",
        "SELECT userId, STRING_AGG(DISTINCT sessionId, ',' ORDER BY sessionId) AS sessions FROM events WHERE userId <= 20 GROUP BY userId",
    ),
    C(
        "e_coalesce_userid_text",
        "SELECT COALESCE(CAST(userId AS TEXT), 'anonymous') AS who, COUNT(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5",
    ),
    C(
        "e_nullif_status",
        "SELECT NULLIF(statusCode, 200) AS non_ok, COUNT(*) AS n FROM events GROUP BY 1",
    ),
    C(
        "e_count_nullif_quoted",
        "SELECT COUNT(NULLIF(statusCode, '200')) AS non_ok FROM events",
    ),
    C(
        "e_filter_ts_quoted",
        "SELECT userId, COUNT(*) FILTER (WHERE timestamp >= '2024-11-01') AS november FROM events GROUP BY userId",
    ),
    C(
        "e_case_ts_quoted",
        """
        SELECT CASE WHEN timestamp < '2024-10-01' THEN 'sep'
                    WHEN timestamp < '2024-11-01' THEN 'oct'
                    ELSE 'nov' END AS month, COUNT(*) AS n
        FROM events GROUP BY 1
        """,
    ),
    C(
        "e_epoch_bucket_15min",
        """
        SELECT TO_TIMESTAMP(FLOOR(EXTRACT(EPOCH FROM timestamp) / 900) * 900) AT TIME ZONE 'UTC' AS slot,
               COUNT(*) AS n
        FROM events
        WHERE timestamp >= '2024-11-03' AND timestamp < '2024-11-04'
        GROUP BY 1
        """,
        refused="TO_TIMESTAMP",
    ),
    C(
        "e_date_bin",
        """
        SELECT DATE_BIN(INTERVAL '6 hours', timestamp, TIMESTAMP '2024-01-01') AS slot, COUNT(*) AS n
        FROM events
        WHERE timestamp >= '2024-11-01'
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "e_make_date",
        "SELECT MAKE_DATE(CAST(EXTRACT(YEAR FROM timestamp) AS INT), CAST(EXTRACT(MONTH FROM timestamp) AS INT), 1) AS month_start, COUNT(*) AS n FROM events GROUP BY 1",
    ),
    C(
        "e_calendar_spine",
        """
        SELECT d::date AS day, COUNT(e._id) AS events
        FROM generate_series(DATE '2024-11-01', DATE '2024-11-14', INTERVAL '1 day') AS d
        LEFT JOIN events e ON CAST(e.timestamp AS DATE) = d::date
        GROUP BY 1
        ORDER BY 1
        """,
        refused="generate_series",
    ),
    C(
        "e_date_part",
        "SELECT DATE_PART('month', timestamp) AS m, COUNT(*) AS n FROM events GROUP BY 1 ORDER BY 1",
    ),
    C(
        "e_extract_epoch",
        "SELECT _id, EXTRACT(EPOCH FROM timestamp) AS epoch FROM events WHERE _id <= 10",
    ),
    C(
        "e_weekend_flag",
        """
        SELECT EXTRACT(ISODOW FROM timestamp) IN (6, 7) AS weekend, COUNT(*) AS n
        FROM events
        GROUP BY 1
        """,
    ),
    C(
        "e_hour_bucket_label",
        """
        SELECT CASE WHEN EXTRACT(HOUR FROM timestamp) BETWEEN 6 AND 11 THEN 'morning'
                    WHEN EXTRACT(HOUR FROM timestamp) BETWEEN 12 AND 17 THEN 'afternoon'
                    WHEN EXTRACT(HOUR FROM timestamp) BETWEEN 18 AND 22 THEN 'evening'
                    ELSE 'night' END AS daypart,
               COUNT(*) AS n
        FROM events GROUP BY 1
        """,
    ),
]

ORDERS = [
    C(
        "o_daily_revenue",
        """
        SELECT DATE_TRUNC('day', createdAt) AS day,
               COUNT(*) AS orders,
               SUM(totals.totalAmount) AS revenue,
               ROUND(AVG(totals.totalAmount), 2) AS aov
        FROM orders
        WHERE LOWER(TRIM(status)) NOT IN ('cancelled', 'refunded')
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "o_customer_daily_partition",
        """
        SELECT customerId,
               DATE_TRUNC('day', createdAt) AS day,
               COUNT(*) AS orders,
               SUM(CASE WHEN LOWER(TRIM(status)) <> 'cancelled' THEN totals.totalAmount ELSE 0 END) AS total_spent,
               SUM(CASE WHEN LOWER(TRIM(status)) = 'cancelled' THEN 1 ELSE 0 END) AS cancelled_orders,
               AVG(totals.totalAmount) AS avg_order_value,
               MAX(totals.totalAmount) AS largest_order
        FROM orders
        WHERE createdAt >= :partition_start AND createdAt < :partition_end
        GROUP BY customerId, DATE_TRUNC('day', createdAt)
        """,
        params=MONTH,
    ),
    C(
        "o_monthly_currency",
        """
        SELECT TO_CHAR(createdAt, 'YYYY-MM') AS month, UPPER(totals.currency) AS currency,
               SUM(totals.totalAmount) AS gross, SUM(totals.discountAmount) AS discounts
        FROM orders
        GROUP BY 1, 2
        ORDER BY 1, 2
        """,
    ),
    C(
        "o_net_revenue",
        """
        SELECT customerId,
               SUM(totals.subtotal - totals.discountAmount) AS net,
               SUM(totals.taxAmount) AS tax
        FROM orders
        GROUP BY customerId
        """,
    ),
    C(
        "o_shipping_default",
        "SELECT _id, COALESCE(totals.shippingAmount, '0.00') AS shipping FROM orders WHERE _id <= 40",
    ),
    C(
        "o_shipping_sum_default",
        "SELECT UPPER(totals.currency) AS c, SUM(COALESCE(totals.shippingAmount, 0)) AS shipping FROM orders GROUP BY 1",
    ),
    C(
        "o_shipping_free_flag",
        """
        SELECT _id,
               CASE WHEN totals.shippingAmount = 0 THEN 'free'
                    WHEN totals.shippingAmount IS NULL THEN 'unknown'
                    ELSE 'paid' END AS shipping_kind
        FROM orders
        """,
    ),
    C(
        "o_discount_rate",
        """
        SELECT UPPER(totals.currency) AS currency,
               ROUND(SUM(totals.discountAmount) / NULLIF(SUM(totals.subtotal), 0) * 100, 2) AS discount_pct
        FROM orders
        GROUP BY 1
        """,
    ),
    C(
        "o_tax_ratio_exact",
        "SELECT _id, totals.taxAmount / NULLIF(totals.subtotal, 0) AS tax_rate FROM orders WHERE _id <= 50",
    ),
    C(
        "o_money_round_half",
        "SELECT _id, ROUND(totals.totalAmount / 3, 2) AS third FROM orders WHERE _id <= 60",
    ),
    C(
        "o_money_multiply",
        "SELECT _id, totals.totalAmount * 1.2 AS with_vat, totals.totalAmount * 0.85 AS after_fee FROM orders WHERE _id <= 40",
    ),
    C(
        "o_money_compare_literal",
        "SELECT _id FROM orders WHERE totals.totalAmount >= 100.10 AND totals.totalAmount < 500 ORDER BY _id",
    ),
    C(
        "o_money_compare_quoted",
        "SELECT _id FROM orders WHERE totals.totalAmount > '250.00' ORDER BY _id",
    ),
    C(
        "o_money_in_quoted",
        "SELECT _id FROM orders WHERE totals.discountAmount IN ('5', '12.5')",
    ),
    C(
        "o_money_between",
        "SELECT COUNT(*) AS n FROM orders WHERE totals.totalAmount BETWEEN 0 AND 49.99",
    ),
    C(
        "o_zero_total",
        "SELECT _id, totals.totalAmount FROM orders WHERE totals.totalAmount <= 0 ORDER BY _id",
    ),
    C(
        "o_aov_bucket",
        """
        SELECT CASE
                 WHEN totals.totalAmount >= 1000 THEN '1000+'
                 WHEN totals.totalAmount >= 250 THEN '250-999.99'
                 WHEN totals.totalAmount >= 50 THEN '50-249.99'
                 ELSE '<50'
               END AS bucket,
               COUNT(*) AS orders,
               SUM(totals.totalAmount) AS revenue
        FROM orders
        GROUP BY 1
        ORDER BY MIN(totals.totalAmount)
        """,
    ),
    C(
        "o_status_clean",
        "SELECT LOWER(TRIM(status)) AS status, COUNT(*) AS n FROM orders GROUP BY 1 ORDER BY 1",
    ),
    C(
        "o_status_pivot",
        """
        SELECT customerId,
               COUNT(*) FILTER (WHERE LOWER(TRIM(status)) = 'delivered') AS delivered,
               COUNT(*) FILTER (WHERE LOWER(TRIM(status)) IN ('cancelled', 'refunded')) AS lost,
               COUNT(*) AS total
        FROM orders
        GROUP BY customerId
        HAVING COUNT(*) > 2
        """,
    ),
    C(
        "o_cancel_rate",
        """
        SELECT DATE_TRUNC('week', createdAt) AS week,
               ROUND(AVG(CASE WHEN LOWER(TRIM(status)) = 'cancelled' THEN 1.0 ELSE 0.0 END) * 100, 2) AS cancel_pct
        FROM orders
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "o_delivery_hours",
        """
        SELECT _id, EXTRACT(EPOCH FROM deliveredAt - createdAt) / 3600 AS hours
        FROM orders
        WHERE deliveredAt IS NOT NULL
        """,
    ),
    C(
        "o_delivery_days_avg",
        """
        SELECT UPPER(totals.currency) AS c,
               AVG(CAST(deliveredAt AS DATE) - CAST(createdAt AS DATE)) AS avg_days
        FROM orders
        WHERE deliveredAt IS NOT NULL
        GROUP BY 1
        """,
    ),
    C(
        "o_delivery_interval",
        "SELECT _id, deliveredAt - createdAt AS took FROM orders WHERE deliveredAt IS NOT NULL AND _id <= 80",
        refused="interval",
        xfail=INTERVAL_OUTPUT,
    ),
    C(
        "o_delivery_sla",
        """
        SELECT COUNT(*) FILTER (WHERE deliveredAt <= createdAt + INTERVAL '5 days') AS on_time,
               COUNT(*) FILTER (WHERE deliveredAt > createdAt + INTERVAL '5 days') AS late
        FROM orders
        WHERE deliveredAt IS NOT NULL
        """,
    ),
    C(
        "o_delivery_date_part",
        "SELECT _id, DATE_PART('day', deliveredAt - createdAt) AS days FROM orders WHERE deliveredAt IS NOT NULL",
    ),
    C(
        "o_coupon_clean",
        """
        SELECT COALESCE(NULLIF(UPPER(TRIM(couponCode)), ''), 'NONE') AS coupon, COUNT(*) AS n
        FROM orders
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "o_coupon_empty_vs_null",
        """
        SELECT couponCode IS NULL AS is_null, couponCode = '' AS is_empty, COUNT(*) AS n
        FROM orders GROUP BY 1, 2
        """,
    ),
    C(
        "o_order_number_parse",
        "SELECT _id, SPLIT_PART(orderNumber, '-', 2) AS yr, RIGHT(orderNumber, 2) AS seq FROM orders WHERE _id <= 20",
    ),
    C(
        "o_order_number_regex",
        "SELECT _id, SUBSTRING(orderNumber FROM '^ORD-(\\d{4})') AS yr FROM orders WHERE _id <= 20",
    ),
    C(
        "o_source_campaign",
        """
        SELECT LOWER(metadata.source) AS source, LOWER(COALESCE(metadata.campaign, 'none')) AS campaign,
               COUNT(*) AS orders, SUM(totals.totalAmount) AS revenue
        FROM orders
        GROUP BY 1, 2
        """,
    ),
    C(
        "o_items_count",
        "SELECT _id, CARDINALITY(items) AS lines FROM orders ORDER BY _id LIMIT 30",
    ),
    C(
        "o_empty_orders",
        "SELECT _id FROM orders WHERE CARDINALITY(items) = 0 ORDER BY _id",
    ),
    C(
        "o_first_item_sku",
        "SELECT _id, items[0].sku AS first_sku FROM orders WHERE _id <= 30",
    ),
    C(
        "o_line_items_unnest",
        """
        SELECT it.sku, SUM(it.qty) AS units, SUM(it.qty * it.price) AS revenue
        FROM orders o
        CROSS JOIN UNNEST(o.items) AS it
        WHERE LOWER(TRIM(o.status)) NOT IN ('cancelled', 'refunded')
        GROUP BY it.sku
        ORDER BY revenue DESC, it.sku
        """,
    ),
    C(
        "o_line_items_product_join",
        """
        SELECT p.category, SUM(it.qty) AS units, SUM(it.qty * it.price) AS revenue
        FROM orders o
        CROSS JOIN UNNEST(o.items) AS it
        JOIN products p ON p._id = it.productId
        GROUP BY p.category
        """,
    ),
    C(
        "o_items_subtotal_check",
        """
        WITH lines AS (
          SELECT o._id, SUM(it.qty * it.price) AS computed
          FROM orders o CROSS JOIN UNNEST(o.items) AS it
          GROUP BY o._id
        )
        SELECT o._id
        FROM orders o JOIN lines l ON l._id = o._id
        WHERE l.computed <> o.totals.subtotal
        """,
    ),
    C(
        "o_big_qty_lines",
        "SELECT o._id, it.sku, it.qty FROM orders o CROSS JOIN UNNEST(o.items) AS it WHERE it.qty >= 10 ORDER BY o._id, it.sku",
    ),
    C(
        "o_customer_ltv",
        """
        SELECT customerId,
               COUNT(*) AS orders,
               SUM(totals.totalAmount) AS lifetime_revenue,
               MIN(createdAt) AS first_order_at,
               MAX(createdAt) AS last_order_at
        FROM orders
        WHERE LOWER(TRIM(status)) <> 'cancelled'
        GROUP BY customerId
        """,
    ),
    C(
        "o_repeat_customers",
        """
        SELECT COUNT(*) AS repeaters
        FROM (SELECT customerId FROM orders GROUP BY customerId HAVING COUNT(*) >= 3) r
        """,
    ),
    C(
        "o_customer_rank",
        """
        SELECT customerId, SUM(totals.totalAmount) AS revenue,
               RANK() OVER (ORDER BY SUM(totals.totalAmount) DESC) AS revenue_rank
        FROM orders
        GROUP BY customerId
        ORDER BY revenue_rank, customerId
        LIMIT 10
        """,
    ),
    C(
        "o_running_total_customer",
        """
        SELECT _id, customerId, createdAt, totals.totalAmount AS amount,
               SUM(totals.totalAmount) OVER (PARTITION BY customerId ORDER BY createdAt, _id) AS running_total
        FROM orders
        WHERE customerId <= 20
        """,
    ),
    C(
        "o_running_total_rows",
        """
        SELECT day, revenue,
               SUM(revenue) OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative
        FROM (
          SELECT DATE_TRUNC('day', createdAt) AS day, SUM(totals.totalAmount) AS revenue
          FROM orders GROUP BY 1
        ) d
        ORDER BY day
        """,
    ),
    C(
        "o_order_sequence",
        """
        SELECT _id, customerId,
               ROW_NUMBER() OVER (PARTITION BY customerId ORDER BY createdAt, _id) AS order_seq
        FROM orders
        """,
    ),
    C(
        "o_first_order_flag",
        """
        WITH seq AS (
          SELECT _id, customerId, createdAt,
                 ROW_NUMBER() OVER (PARTITION BY customerId ORDER BY createdAt, _id) AS n
          FROM orders
        )
        SELECT DATE_TRUNC('month', createdAt) AS month,
               COUNT(*) FILTER (WHERE n = 1) AS new_customers,
               COUNT(*) FILTER (WHERE n > 1) AS repeat_orders
        FROM seq
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "o_days_between_orders",
        """
        SELECT _id, customerId,
               CAST(createdAt AS DATE) - LAG(CAST(createdAt AS DATE)) OVER (PARTITION BY customerId ORDER BY createdAt, _id) AS days_since_prev
        FROM orders
        WHERE customerId <= 30
        """,
    ),
    C(
        "o_next_order_lead",
        """
        SELECT _id, customerId,
               LEAD(createdAt) OVER (PARTITION BY customerId ORDER BY createdAt, _id) AS next_order_at
        FROM orders
        WHERE customerId <= 30
        """,
    ),
    C(
        "o_lag_amount_delta",
        """
        SELECT _id, totals.totalAmount - LAG(totals.totalAmount, 1, 0) OVER (PARTITION BY customerId ORDER BY createdAt, _id) AS delta
        FROM orders
        WHERE customerId <= 30
        """,
    ),
    C(
        "o_first_last_value",
        """
        SELECT DISTINCT customerId,
               FIRST_VALUE(totals.totalAmount) OVER w AS first_amount,
               LAST_VALUE(totals.totalAmount) OVER w AS last_amount
        FROM orders
        WINDOW w AS (PARTITION BY customerId ORDER BY createdAt, _id
                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        """,
    ),
    C(
        "o_first_value_inline",
        """
        SELECT _id, FIRST_VALUE(_id) OVER (PARTITION BY customerId ORDER BY createdAt, _id) AS first_order_id
        FROM orders
        """,
    ),
    C(
        "o_percent_rank_amount",
        """
        SELECT _id, totals.totalAmount,
               PERCENT_RANK() OVER (PARTITION BY UPPER(totals.currency) ORDER BY totals.totalAmount) AS pr
        FROM orders
        """,
    ),
    C(
        "o_ntile_deciles",
        """
        SELECT _id, NTILE(10) OVER (ORDER BY totals.totalAmount DESC, _id) AS decile
        FROM orders
        """,
    ),
    C(
        "o_top_order_per_customer",
        """
        SELECT customerId, _id, amount
        FROM (
          SELECT customerId, _id, totals.totalAmount AS amount,
                 RANK() OVER (PARTITION BY customerId ORDER BY totals.totalAmount DESC, _id) AS r
          FROM orders
        ) x
        WHERE r = 1
        """,
    ),
    C(
        "o_share_of_customer",
        """
        SELECT _id, customerId,
               ROUND(totals.totalAmount / NULLIF(SUM(totals.totalAmount) OVER (PARTITION BY customerId), 0), 4) AS share
        FROM orders
        WHERE customerId <= 25
        """,
    ),
    C(
        "o_moving_sum_3",
        """
        SELECT _id, SUM(totals.totalAmount) OVER (ORDER BY createdAt, _id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS last3
        FROM orders
        """,
    ),
    C(
        "o_count_window_range",
        """
        SELECT _id, COUNT(*) OVER (PARTITION BY customerId) AS customer_orders,
               AVG(totals.totalAmount) OVER (PARTITION BY customerId) AS customer_avg
        FROM orders
        """,
    ),
    C(
        "o_mom_growth",
        """
        WITH m AS (
          SELECT DATE_TRUNC('month', createdAt) AS month, SUM(totals.totalAmount) AS revenue
          FROM orders
          WHERE LOWER(TRIM(status)) NOT IN ('cancelled', 'refunded')
          GROUP BY 1
        )
        SELECT month, revenue,
               LAG(revenue) OVER (ORDER BY month) AS prev,
               ROUND((revenue - LAG(revenue) OVER (ORDER BY month)) / LAG(revenue) OVER (ORDER BY month) * 100, 2) AS growth_pct
        FROM m
        ORDER BY month
        """,
    ),
    C(
        "o_customer_join_users",
        """
        SELECT u._id, u.username, COUNT(o._id) AS orders, COALESCE(SUM(o.totals.totalAmount), 0) AS spent
        FROM users u
        LEFT JOIN orders o ON o.customerId = u._id
        GROUP BY u._id, u.username
        ORDER BY spent DESC, u._id
        LIMIT 15
        """,
    ),
    C(
        "o_orders_by_city",
        """
        SELECT COALESCE(TRIM(u.profile.location.city), 'Unknown') AS city,
               COUNT(*) AS orders, SUM(o.totals.totalAmount) AS revenue
        FROM orders o
        JOIN users u ON u._id = o.customerId
        GROUP BY 1
        """,
    ),
    C(
        "o_orders_by_account_type",
        """
        SELECT LOWER(u.account.type) AS account_type, ROUND(AVG(o.totals.totalAmount), 2) AS aov
        FROM orders o
        LEFT JOIN users u ON u._id = o.customerId
        GROUP BY 1
        """,
    ),
    C(
        "o_orphan_orders",
        "SELECT o._id FROM orders o LEFT JOIN users u ON u._id = o.customerId WHERE u._id IS NULL ORDER BY o._id",
    ),
    C(
        "o_customers_no_orders",
        "SELECT COUNT(*) AS n FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customerId = u._id)",
    ),
    C(
        "o_buyers_in",
        "SELECT COUNT(*) AS buyers FROM users WHERE _id IN (SELECT customerId FROM orders WHERE LOWER(TRIM(status)) = 'delivered')",
    ),
    C(
        "o_above_avg",
        "SELECT _id FROM orders WHERE totals.totalAmount > (SELECT AVG(totals.totalAmount) FROM orders) ORDER BY _id",
    ),
    C(
        "o_above_customer_avg",
        """
        SELECT o._id
        FROM orders o
        WHERE o.totals.totalAmount > (SELECT AVG(o2.totals.totalAmount) FROM orders o2 WHERE o2.customerId = o.customerId)
        ORDER BY o._id
        """,
    ),
    C(
        "o_cohort_retention",
        """
        WITH firsts AS (
          SELECT customerId, DATE_TRUNC('month', MIN(createdAt)) AS cohort
          FROM orders GROUP BY customerId
        )
        SELECT f.cohort,
               DATE_TRUNC('month', o.createdAt) AS active_month,
               COUNT(DISTINCT o.customerId) AS customers
        FROM orders o JOIN firsts f ON f.customerId = o.customerId
        GROUP BY 1, 2
        ORDER BY 1, 2
        """,
    ),
    C(
        "o_cohort_month_offset",
        """
        WITH firsts AS (
          SELECT customerId, MIN(createdAt) AS first_at FROM orders GROUP BY customerId
        )
        SELECT (EXTRACT(YEAR FROM o.createdAt) - EXTRACT(YEAR FROM f.first_at)) * 12
                 + EXTRACT(MONTH FROM o.createdAt) - EXTRACT(MONTH FROM f.first_at) AS month_offset,
               COUNT(DISTINCT o.customerId) AS customers
        FROM orders o JOIN firsts f USING (customerId)
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "o_rfm",
        """
        WITH rfm AS (
          SELECT customerId,
                 CURRENT_DATE - MAX(createdAt)::date AS recency_days,
                 COUNT(*) AS frequency,
                 SUM(totals.totalAmount) AS monetary
          FROM orders
          WHERE LOWER(TRIM(status)) NOT IN ('cancelled', 'refunded')
          GROUP BY customerId
        )
        SELECT customerId,
               NTILE(3) OVER (ORDER BY recency_days DESC, customerId) AS r,
               NTILE(3) OVER (ORDER BY frequency, customerId) AS f,
               NTILE(3) OVER (ORDER BY monetary, customerId) AS m
        FROM rfm
        """,
    ),
    C(
        "o_partition_day_edge",
        """
        SELECT _id, createdAt
        FROM orders
        WHERE createdAt >= :partition_start AND createdAt < :partition_end
        ORDER BY createdAt, _id
        """,
        params=DAY_EDGE,
    ),
    C(
        "o_partition_prev_period",
        """
        SELECT COUNT(*) FILTER (WHERE createdAt >= :partition_start) AS this_period,
               COUNT(*) FILTER (WHERE createdAt < :partition_start) AS prev_period
        FROM orders
        WHERE createdAt >= :partition_start - INTERVAL '1 month' AND createdAt < :partition_end
        """,
        params=MONTH,
    ),
    C(
        "o_partition_day_of",
        """
        SELECT CAST(:partition_start AS DATE) AS day, COUNT(*) AS orders, SUM(totals.totalAmount) AS revenue
        FROM orders
        WHERE createdAt >= :partition_start AND createdAt < :partition_end
        """,
        params=DAY,
    ),
    C(
        "o_string_param_since",
        "SELECT COUNT(*) AS n FROM orders WHERE createdAt >= :since",
        params={"since": "2024-11-01"},
    ),
    C(
        "o_numeric_param",
        "SELECT COUNT(*) AS n FROM orders WHERE totals.totalAmount >= :min_total",
        params={"min_total": 300},
    ),
    C(
        "o_status_param_in",
        "SELECT COUNT(*) AS n FROM orders WHERE LOWER(TRIM(status)) IN (:s1, :s2)",
        params={"s1": "paid", "s2": "shipped"},
    ),
    C(
        "o_quarter_label",
        "SELECT 'Q' || EXTRACT(QUARTER FROM createdAt) AS q, COUNT(*) AS n FROM orders GROUP BY 1",
    ),
    C(
        "o_month_name",
        "SELECT TO_CHAR(createdAt, 'Mon YYYY') AS month, COUNT(*) AS n FROM orders GROUP BY 1, DATE_TRUNC('month', createdAt) ORDER BY DATE_TRUNC('month', createdAt)",
    ),
    C(
        "o_sum_int_numeric",
        "SELECT customerId, SUM(CARDINALITY(items)) AS lines, SUM(CARDINALITY(items)) / COUNT(*) AS lines_per_order FROM orders GROUP BY customerId",
    ),
    C(
        "o_avg_lines",
        "SELECT AVG(CARDINALITY(items)) AS avg_lines FROM orders",
    ),
    C(
        "o_count_distinct_customers_month",
        "SELECT DATE_TRUNC('month', createdAt) AS m, COUNT(DISTINCT customerId) AS customers FROM orders GROUP BY 1 ORDER BY 1",
    ),
    C(
        "o_fetch_with_ties",
        "SELECT _id, totals.discountAmount FROM orders ORDER BY totals.discountAmount DESC FETCH FIRST 3 ROWS WITH TIES",
    ),
    C(
        "o_offset_only",
        "SELECT _id FROM orders ORDER BY _id OFFSET 250",
    ),
    C(
        "o_max_text_status",
        "SELECT customerId, MAX(status) AS max_status, MIN(orderNumber) AS first_number FROM orders GROUP BY customerId HAVING COUNT(*) > 3",
    ),
    C(
        "o_total_numeric_cast_double",
        "SELECT _id, CAST(totals.totalAmount AS DOUBLE PRECISION) AS total_f FROM orders WHERE _id <= 20",
    ),
    C(
        "o_total_cast_int",
        "SELECT _id, CAST(totals.totalAmount AS INTEGER) AS total_int FROM orders WHERE _id <= 60",
    ),
    C(
        "o_total_floor_ceil",
        "SELECT _id, FLOOR(totals.totalAmount) AS f, CEIL(totals.totalAmount) AS c, TRUNC(totals.totalAmount, 1) AS t FROM orders WHERE _id <= 40",
    ),
    C(
        "o_total_text",
        "SELECT _id, '$' || totals.totalAmount::text AS label FROM orders WHERE _id <= 20",
    ),
    C(
        "o_to_char_money",
        "SELECT _id, TO_CHAR(totals.totalAmount, 'FM999990.00') AS label FROM orders WHERE _id <= 20",
        refused="TO_CHAR",
    ),
    C(
        "o_abs_delta",
        "SELECT _id, ABS(totals.totalAmount - 100) AS dist FROM orders ORDER BY dist, _id LIMIT 10",
    ),
    C(
        "o_avg_numeric_int_mix",
        "SELECT AVG(totals.totalAmount) AS a, SUM(totals.totalAmount) / COUNT(*) AS b FROM orders",
    ),
    C(
        "o_sum_filter_status_quoted",
        """
        SELECT SUM(totals.totalAmount) FILTER (WHERE status = 'delivered') AS delivered,
               SUM(totals.totalAmount) FILTER (WHERE status = 'Delivered') AS delivered_cased
        FROM orders
        """,
    ),
    C(
        "o_having_revenue",
        "SELECT customerId, SUM(totals.totalAmount) AS revenue FROM orders GROUP BY customerId HAVING SUM(totals.totalAmount) > 2000 ORDER BY revenue DESC",
    ),
    C(
        "o_having_alias_order",
        "SELECT customerId AS c, COUNT(*) AS n FROM orders GROUP BY c HAVING COUNT(*) BETWEEN 2 AND 3 ORDER BY n DESC, c",
    ),
    C(
        "o_gift_coupon_bool",
        "SELECT couponCode IS NOT NULL AND couponCode <> '' AS has_coupon, ROUND(AVG(totals.totalAmount), 2) AS aov FROM orders GROUP BY 1",
    ),
    C(
        "o_nested_case_money",
        """
        SELECT _id,
               CASE WHEN UPPER(totals.currency) = 'EUR' THEN ROUND(totals.totalAmount * 1.08, 2)
                    WHEN UPPER(totals.currency) = 'GBP' THEN ROUND(totals.totalAmount * 1.27, 2)
                    ELSE totals.totalAmount END AS total_usd
        FROM orders
        """,
    ),
    C(
        "o_total_usd_sum",
        """
        SELECT DATE_TRUNC('month', createdAt) AS month,
               SUM(CASE UPPER(totals.currency) WHEN 'EUR' THEN totals.totalAmount * 1.08
                                               WHEN 'GBP' THEN totals.totalAmount * 1.27
                                               ELSE totals.totalAmount END) AS revenue_usd
        FROM orders
        GROUP BY 1
        ORDER BY 1
        """,
    ),
]

PRODUCTS = [
    C(
        "p_effective_price",
        "SELECT _id, COALESCE(pricing.salePrice, pricing.basePrice) AS price FROM products",
    ),
    C(
        "p_discount_price",
        "SELECT _id, ROUND(pricing.basePrice * (1 - pricing.discountPercent / 100.0), 2) AS discounted FROM products",
    ),
    C(
        "p_discount_int_div",
        "SELECT _id, pricing.discountPercent / 100 AS frac FROM products",
    ),
    C(
        "p_savings_pct",
        """
        SELECT _id, ROUND((pricing.basePrice - pricing.salePrice) / pricing.basePrice * 100, 1) AS savings_pct
        FROM products WHERE pricing.salePrice IS NOT NULL
        """,
    ),
    C(
        "p_category_clean",
        "SELECT LOWER(category) AS category, COUNT(*) AS products, AVG(pricing.basePrice) AS avg_price FROM products GROUP BY 1 ORDER BY 1",
    ),
    C(
        "p_name_clean",
        "SELECT _id, INITCAP(TRIM(name)) AS name FROM products",
    ),
    C(
        "p_sku_prefix",
        "SELECT SPLIT_PART(sku, '-', 1) AS prefix, COUNT(*) AS n FROM products GROUP BY 1 ORDER BY 1",
    ),
    C(
        "p_sku_number",
        "SELECT _id, CAST(SPLIT_PART(sku, '-', 2) AS INTEGER) AS n FROM products ORDER BY n",
    ),
    C(
        "p_stock_status",
        """
        SELECT _id,
               CASE WHEN inventory.quantity = 0 THEN 'out_of_stock'
                    WHEN inventory.quantity < 10 THEN 'low'
                    ELSE 'in_stock' END AS stock
        FROM products
        """,
    ),
    C(
        "p_stock_value",
        "SELECT inventory.warehouse AS wh, SUM(inventory.quantity * pricing.basePrice) AS stock_value FROM products GROUP BY 1",
    ),
    C(
        "p_rating_round",
        "SELECT _id, ROUND(rating::numeric, 1) AS stars FROM products WHERE rating IS NOT NULL",
    ),
    C(
        "p_rating_default",
        "SELECT _id, COALESCE(rating, '0') AS rating FROM products",
    ),
    C(
        "p_rating_band",
        "SELECT WIDTH_BUCKET(rating, 1, 5, 4) AS band, COUNT(*) AS n FROM products GROUP BY 1 ORDER BY 1",
        refused="WIDTH_BUCKET",
    ),
    C(
        "p_active_bool",
        "SELECT COUNT(*) FILTER (WHERE isActive) AS active, COUNT(*) FILTER (WHERE NOT isActive) AS inactive FROM products",
    ),
    C(
        "p_tag_sale_any",
        "SELECT _id FROM products WHERE 'sale' = ANY(tags) OR 'Sale' = ANY(tags) ORDER BY _id",
    ),
    C(
        "p_tags_unnest_counts",
        "SELECT LOWER(tag) AS tag, COUNT(*) AS n FROM products, UNNEST(tags) AS tag GROUP BY 1 ORDER BY 2 DESC, 1",
    ),
    C(
        "p_price_rank_in_category",
        """
        SELECT _id, LOWER(category) AS cat, pricing.basePrice AS price,
               DENSE_RANK() OVER (PARTITION BY LOWER(category) ORDER BY pricing.basePrice DESC) AS price_rank
        FROM products
        """,
    ),
    C(
        "p_top2_per_category",
        """
        WITH r AS (
          SELECT _id, LOWER(category) AS cat,
                 ROW_NUMBER() OVER (PARTITION BY LOWER(category) ORDER BY pricing.basePrice DESC, _id) AS rn
          FROM products
        )
        SELECT cat, _id FROM r WHERE rn <= 2 ORDER BY cat, _id
        """,
    ),
    C(
        "p_price_vs_category_avg",
        """
        SELECT _id, pricing.basePrice - AVG(pricing.basePrice) OVER (PARTITION BY LOWER(category)) AS vs_avg
        FROM products
        """,
    ),
    C(
        "p_units_sold",
        """
        SELECT p._id, p.sku, COALESCE(s.units, 0) AS units_sold
        FROM products p
        LEFT JOIN (
          SELECT it.productId, SUM(it.qty) AS units
          FROM orders o CROSS JOIN UNNEST(o.items) AS it
          GROUP BY it.productId
        ) s ON s.productId = p._id
        ORDER BY units_sold DESC, p._id
        """,
    ),
    C(
        "p_never_sold",
        """
        SELECT p._id FROM products p
        WHERE NOT EXISTS (
          SELECT 1 FROM orders o CROSS JOIN UNNEST(o.items) AS it WHERE it.productId = p._id AND it.qty >= 3
        )
        """,
    ),
    C(
        "p_created_month",
        "SELECT DATE_TRUNC('month', createdAt)::date AS month, COUNT(*) AS n FROM products GROUP BY 1 ORDER BY 1",
    ),
    C(
        "p_age_days",
        "SELECT _id, CAST(NOW() AS DATE) - CAST(createdAt AS DATE) AS age_days FROM products",
    ),
    C(
        "p_price_greatest",
        "SELECT _id, GREATEST(pricing.basePrice, '100') AS floor_price, LEAST(pricing.salePrice, pricing.basePrice) AS best FROM products",
    ),
    C(
        "p_price_text_sort",
        "SELECT _id, pricing.basePrice FROM products ORDER BY pricing.basePrice::text, _id LIMIT 8",
    ),
    C(
        "p_inventory_total",
        "SELECT SUM(inventory.quantity) AS units, AVG(inventory.quantity) AS avg_units, COUNT(DISTINCT inventory.warehouse) AS warehouses FROM products",
    ),
]

MODELS = [
    C(
        "m_user_engagement_seed",
        """
        WITH activity AS (
          SELECT userId,
                 COUNT(*) FILTER (WHERE LOWER(TRIM(eventType)) = 'page_view') AS page_views,
                 COUNT(*) FILTER (WHERE LOWER(TRIM(eventType)) = 'click') AS clicks,
                 AVG(responseTime) AS avg_response_time,
                 COUNT(DISTINCT DATE_TRUNC('day', timestamp)) AS active_days
          FROM events
          WHERE timestamp >= :partition_end - INTERVAL '30 days' AND timestamp < :partition_end
          GROUP BY userId
        ),
        user_engagement AS (
          SELECT u._id AS user_id,
                 u.username,
                 u.profile.firstName || ' ' || u.profile.lastName AS full_name,
                 u.account.type AS account_type,
                 COALESCE(a.page_views, 0) AS total_page_views,
                 COALESCE(a.clicks, 0) AS total_clicks,
                 a.avg_response_time,
                 COALESCE(a.active_days, 0) AS active_days,
                 COALESCE(a.page_views, 0) * 0.1 + COALESCE(a.clicks, 0) * 0.3 + COALESCE(a.active_days, 0) * 0.6 AS engagement_score,
                 u.profile.location.city AS city
          FROM users u
          LEFT JOIN activity a ON a.userId = u._id
          WHERE LOWER(u.account.status) = 'active'
        ),
        engagement_segments AS (
          SELECT *,
                 CASE WHEN engagement_score >= 5 THEN 'High Engagement'
                      WHEN engagement_score >= 2 THEN 'Medium Engagement'
                      WHEN engagement_score >= 0.6 THEN 'Low Engagement'
                      ELSE 'Inactive' END AS engagement_segment,
                 PERCENT_RANK() OVER (PARTITION BY account_type ORDER BY engagement_score) AS engagement_percentile
          FROM user_engagement
        )
        SELECT user_id, :partition_start AS day, username, full_name, account_type, city,
               total_page_views, total_clicks, avg_response_time, active_days,
               engagement_score, engagement_segment, engagement_percentile
        FROM engagement_segments
        """,
        params=DAY,
    ),
    C(
        "m_engagement_summary",
        """
        WITH scores AS (
          SELECT u._id, LOWER(u.account.type) AS account_type,
                 COUNT(e._id) * 0.1 + COUNT(DISTINCT e.sessionId) * 0.3 AS score
          FROM users u LEFT JOIN events e ON e.userId = u._id
          GROUP BY u._id, LOWER(u.account.type)
        ), seg AS (
          SELECT account_type,
                 CASE WHEN score >= 3 THEN 'high' WHEN score >= 1.5 THEN 'medium' ELSE 'low' END AS segment,
                 score
          FROM scores
        )
        SELECT segment, account_type, COUNT(*) AS users, ROUND(AVG(score), 3) AS avg_score
        FROM seg
        GROUP BY segment, account_type
        ORDER BY segment, account_type
        """,
    ),
    C(
        "m_customer_360",
        """
        WITH o AS (
          SELECT customerId, COUNT(*) AS orders, SUM(totals.totalAmount) AS revenue, MAX(createdAt) AS last_order_at
          FROM orders WHERE LOWER(TRIM(status)) NOT IN ('cancelled', 'refunded')
          GROUP BY customerId
        ), e AS (
          SELECT userId, COUNT(*) AS events, MAX(timestamp) AS last_seen_at
          FROM events GROUP BY userId
        )
        SELECT u._id AS user_id,
               LOWER(TRIM(u.email)) AS email,
               COALESCE(o.orders, 0) AS orders,
               COALESCE(o.revenue, 0.00) AS revenue,
               COALESCE(e.events, 0) AS events,
               GREATEST(o.last_order_at, e.last_seen_at) AS last_active_at,
               CASE WHEN o.revenue >= 1000 THEN 'whale'
                    WHEN o.orders >= 2 THEN 'repeat'
                    WHEN o.orders = 1 THEN 'one_time'
                    WHEN e.events > 0 THEN 'browser'
                    ELSE 'ghost' END AS lifecycle
        FROM users u
        LEFT JOIN o ON o.customerId = u._id
        LEFT JOIN e ON e.userId = u._id
        """,
    ),
    C(
        "m_funnel_daily",
        """
        WITH steps AS (
          SELECT CAST(timestamp AS DATE) AS day, userId,
                 MAX(CASE WHEN LOWER(TRIM(eventType)) = 'page_view' THEN 1 ELSE 0 END) AS viewed,
                 MAX(CASE WHEN LOWER(TRIM(eventType)) = 'click' THEN 1 ELSE 0 END) AS clicked,
                 MAX(CASE WHEN LOWER(TRIM(eventType)) = 'api_call' THEN 1 ELSE 0 END) AS called
          FROM events
          WHERE userId IS NOT NULL
          GROUP BY 1, 2
        )
        SELECT day, SUM(viewed) AS viewers, SUM(clicked) AS clickers, SUM(called) AS callers,
               ROUND(SUM(clicked)::numeric / NULLIF(SUM(viewed), 0), 4) AS click_through
        FROM steps
        GROUP BY day
        ORDER BY day
        """,
    ),
    C(
        "m_conversion_by_campaign",
        """
        WITH touched AS (
          SELECT DISTINCT userId, LOWER(metadata.campaign) AS campaign
          FROM events
          WHERE metadata.campaign IS NOT NULL AND userId IS NOT NULL
        ), bought AS (
          SELECT DISTINCT customerId FROM orders WHERE LOWER(TRIM(status)) IN ('paid', 'shipped', 'delivered')
        )
        SELECT t.campaign, COUNT(*) AS touched_users, COUNT(b.customerId) AS buyers,
               ROUND(100.0 * COUNT(b.customerId) / COUNT(*), 2) AS conversion_pct
        FROM touched t LEFT JOIN bought b ON b.customerId = t.userId
        GROUP BY t.campaign
        ORDER BY t.campaign
        """,
    ),
    C(
        "m_daily_kpis_partition",
        """
        WITH ev AS (
          SELECT COUNT(*) AS events, COUNT(DISTINCT userId) AS dau
          FROM events
          WHERE timestamp >= :partition_start AND timestamp < :partition_end
        ), od AS (
          SELECT COUNT(*) AS orders, COALESCE(SUM(totals.totalAmount), 0) AS revenue
          FROM orders
          WHERE createdAt >= :partition_start AND createdAt < :partition_end
        )
        SELECT :partition_start AS day, ev.events, ev.dau, od.orders, od.revenue,
               CASE WHEN ev.dau = 0 THEN NULL ELSE ROUND(od.revenue / ev.dau, 2) END AS arpdau
        FROM ev CROSS JOIN od
        """,
        params=DAY,
    ),
    C(
        "m_bucket_summary",
        """
        SELECT userId,
               DATE_TRUNC('hour', timestamp) AS bucketDate,
               COUNT(*) AS eventCount,
               SUM(CASE WHEN LOWER(TRIM(eventType)) = 'error' THEN 1 ELSE 0 END) AS errors,
               SUM(responseTime) AS totalResponseTime,
               ROUND(AVG(responseTime), 2) AS avgResponseTime,
               MAX(responseTime) AS maxResponseTime,
               MIN(responseTime) AS minResponseTime
        FROM events
        WHERE userId IS NOT NULL AND timestamp >= :partition_start AND timestamp < :partition_end
        GROUP BY userId, DATE_TRUNC('hour', timestamp)
        """,
        params=MONTH,
    ),
    C(
        "m_rolling_7d_active",
        """
        WITH daily AS (
          SELECT CAST(timestamp AS DATE) AS day, COUNT(DISTINCT userId) AS dau
          FROM events GROUP BY 1
        )
        SELECT day, dau,
               MAX(dau) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS peak_7d,
               SUM(dau) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS sum_7d
        FROM daily
        ORDER BY day
        """,
    ),
    C(
        "m_churn_risk",
        """
        WITH last_seen AS (
          SELECT userId, MAX(timestamp) AS last_at FROM events WHERE userId IS NOT NULL GROUP BY userId
        )
        SELECT u._id,
               CASE
                 WHEN l.last_at IS NULL THEN 'never_active'
                 WHEN l.last_at < NOW() - INTERVAL '30 days' THEN 'churned'
                 WHEN l.last_at < NOW() - INTERVAL '14 days' THEN 'at_risk'
                 ELSE 'healthy'
               END AS health,
               'churn-risk' = ANY(u.tags) AS tagged_risk
        FROM users u LEFT JOIN last_seen l ON l.userId = u._id
        """,
    ),
    C(
        "m_product_performance",
        """
        WITH lines AS (
          SELECT it.productId, it.qty, it.price, o.createdAt
          FROM orders o CROSS JOIN UNNEST(o.items) AS it
          WHERE LOWER(TRIM(o.status)) NOT IN ('cancelled', 'refunded')
        )
        SELECT p._id AS product_id, TRIM(p.name) AS name, LOWER(p.category) AS category,
               COUNT(l.productId) AS order_lines,
               COALESCE(SUM(l.qty), 0) AS units,
               COALESCE(SUM(l.qty * l.price), 0) AS revenue,
               RANK() OVER (PARTITION BY LOWER(p.category) ORDER BY COALESCE(SUM(l.qty * l.price), 0) DESC) AS rank_in_category
        FROM products p LEFT JOIN lines l ON l.productId = p._id
        GROUP BY p._id, p.name, p.category
        """,
    ),
    C(
        "m_weekly_cohort_ltv",
        """
        WITH cohorts AS (
          SELECT _id AS user_id, DATE_TRUNC('week', createdAt) AS cohort_week FROM users
        )
        SELECT c.cohort_week, COUNT(DISTINCT c.user_id) AS users,
               COALESCE(SUM(o.totals.totalAmount), 0) AS revenue,
               ROUND(COALESCE(SUM(o.totals.totalAmount), 0) / COUNT(DISTINCT c.user_id), 2) AS revenue_per_user
        FROM cohorts c LEFT JOIN orders o ON o.customerId = c.user_id
        WHERE c.cohort_week >= '2024-06-01'
        GROUP BY c.cohort_week
        ORDER BY c.cohort_week
        """,
    ),
    C(
        "m_latency_slo",
        """
        WITH per_hour AS (
          SELECT DATE_TRUNC('hour', timestamp) AS hour,
                 COUNT(*) AS requests,
                 COUNT(*) FILTER (WHERE responseTime <= 500) AS good
          FROM events
          WHERE LOWER(TRIM(eventType)) = 'api_call'
          GROUP BY 1
        )
        SELECT DATE_TRUNC('day', hour) AS day,
               SUM(requests) AS requests,
               SUM(good) AS good,
               ROUND(SUM(good) * 100.0 / SUM(requests), 2) AS slo_pct
        FROM per_hour
        GROUP BY 1
        HAVING SUM(requests) >= 2
        ORDER BY 1
        """,
    ),
    C(
        "m_user_daily_activity_partition",
        """
        SELECT e.userId AS user_id,
               CAST(:partition_start AS DATE) AS day,
               LOWER(u.account.type) AS account_type,
               COUNT(*) AS events,
               COUNT(DISTINCT e.sessionId) AS sessions,
               MIN(e.timestamp) AS first_event_at,
               ARRAY_AGG(DISTINCT LOWER(TRIM(e.eventType)) ORDER BY LOWER(TRIM(e.eventType))) AS event_types
        FROM events e
        JOIN users u ON u._id = e.userId
        WHERE e.timestamp >= :partition_start AND e.timestamp < :partition_end
        GROUP BY e.userId, u.account.type
        """,
        params=DAY,
    ),
    C(
        "m_ranked_cities_revenue",
        """
        WITH city_rev AS (
          SELECT LOWER(TRIM(u.profile.location.city)) AS city, SUM(o.totals.totalAmount) AS revenue
          FROM orders o JOIN users u ON u._id = o.customerId
          WHERE u.profile.location.city IS NOT NULL
          GROUP BY 1
        )
        SELECT city, revenue,
               ROUND(100 * revenue / SUM(revenue) OVER (), 2) AS share_pct,
               SUM(revenue) OVER (ORDER BY revenue DESC, city) AS cumulative
        FROM city_rev
        ORDER BY revenue DESC, city
        """,
    ),
    C(
        "m_migration_progress",
        """
        SELECT _schema.version AS version,
               COUNT(*) AS docs,
               ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (), 1) AS pct,
               COUNT(*) FILTER (WHERE _schema.version = '3.0.0') > 0 AS is_current
        FROM users
        GROUP BY _schema.version
        ORDER BY version
        """,
    ),
    C(
        "m_data_quality",
        """
        SELECT COUNT(*) AS docs,
               COUNT(*) - COUNT(email) AS missing_email,
               COUNT(*) FILTER (WHERE profile.location.city IS NULL) AS missing_city,
               COUNT(*) FILTER (WHERE account.loginCount IS NULL) AS missing_logins,
               COUNT(*) FILTER (WHERE tags IS NULL OR CARDINALITY(tags) = 0) AS no_tags,
               COUNT(*) FILTER (WHERE username <> TRIM(username)) AS untrimmed_usernames
        FROM users
        """,
    ),
    C(
        "m_orders_quality",
        """
        SELECT COUNT(*) FILTER (WHERE totals.totalAmount <> totals.subtotal + totals.taxAmount - totals.discountAmount + COALESCE(totals.shippingAmount, 0)) AS bad_totals,
               COUNT(*) FILTER (WHERE status <> LOWER(TRIM(status))) AS unnormalized_status,
               COUNT(*) FILTER (WHERE UPPER(totals.currency) NOT IN ('USD', 'EUR', 'GBP')) AS bad_currency
        FROM orders
        """,
    ),
    C(
        "m_nested_ctes_deep",
        """
        WITH a AS (SELECT customerId, totals.totalAmount AS amt, createdAt FROM orders),
             b AS (SELECT customerId, DATE_TRUNC('month', createdAt) AS m, SUM(amt) AS rev FROM a GROUP BY 1, 2),
             c AS (SELECT customerId, m, rev, LAG(rev) OVER (PARTITION BY customerId ORDER BY m) AS prev FROM b),
             d AS (SELECT customerId, m, rev, prev, CASE WHEN prev IS NULL THEN 'new' WHEN rev > prev THEN 'expansion' WHEN rev < prev THEN 'contraction' ELSE 'flat' END AS motion FROM c)
        SELECT m, motion, COUNT(*) AS customers, SUM(rev) AS revenue
        FROM d
        GROUP BY m, motion
        ORDER BY m, motion
        """,
    ),
    C(
        "m_subquery_in_from_join",
        """
        SELECT x.account_type, x.users, y.orders
        FROM (SELECT LOWER(account.type) AS account_type, COUNT(*) AS users FROM users GROUP BY 1) x
        LEFT JOIN (
          SELECT LOWER(u.account.type) AS account_type, COUNT(*) AS orders
          FROM orders o JOIN users u ON u._id = o.customerId GROUP BY 1
        ) y ON y.account_type = x.account_type
        ORDER BY x.account_type
        """,
    ),
    C(
        "m_tag_revenue",
        """
        SELECT LOWER(t) AS tag, COUNT(DISTINCT u._id) AS users, SUM(o.totals.totalAmount) AS revenue
        FROM users u
        CROSS JOIN UNNEST(u.tags) AS t
        JOIN orders o ON o.customerId = u._id
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "m_login_vs_orders",
        """
        SELECT CASE WHEN u.account.loginCount >= 50 THEN '50+'
                    WHEN u.account.loginCount >= 10 THEN '10-49'
                    ELSE '<10' END AS login_band,
               COUNT(DISTINCT u._id) AS users,
               COUNT(o._id) AS orders,
               ROUND(COUNT(o._id)::numeric / COUNT(DISTINCT u._id), 2) AS orders_per_user
        FROM users u LEFT JOIN orders o ON o.customerId = u._id
        GROUP BY 1
        ORDER BY 1
        """,
    ),
    C(
        "m_sessions_per_user_percentiles",
        """
        WITH s AS (SELECT userId, COUNT(DISTINCT sessionId) AS sessions FROM events WHERE userId IS NOT NULL GROUP BY userId)
        SELECT PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY sessions) AS p25,
               PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY sessions) AS p50,
               PERCENTILE_CONT(0.75) WITHIN GROUP (ORDER BY sessions) AS p75,
               AVG(sessions) AS mean
        FROM s
        """,
    ),
    C(
        "m_window_named_multi",
        """
        SELECT _id, customerId,
               ROW_NUMBER() OVER w AS rn,
               SUM(totals.totalAmount) OVER w AS running,
               COUNT(*) OVER (PARTITION BY customerId) AS total_orders
        FROM orders
        WINDOW w AS (PARTITION BY customerId ORDER BY createdAt, _id)
        """,
    ),
    C(
        "m_values_lookup",
        """
        SELECT o._id, f.rate, ROUND(o.totals.totalAmount * f.rate, 2) AS usd
        FROM orders o
        JOIN (VALUES ('USD', 1.00), ('EUR', 1.08), ('GBP', 1.27)) AS f(code, rate) ON f.code = UPPER(o.totals.currency)
        WHERE o._id <= 40
        """,
        refused="VALUES",
    ),
    C(
        "m_lateral_latest_order",
        """
        SELECT u._id, l.last_total
        FROM users u
        CROSS JOIN LATERAL (
          SELECT o.totals.totalAmount AS last_total FROM orders o
          WHERE o.customerId = u._id ORDER BY o.createdAt DESC, o._id DESC LIMIT 1
        ) l
        WHERE u._id <= 30
        """,
        refused="LATERAL",
    ),
    C(
        "m_any_subquery",
        "SELECT COUNT(*) AS n FROM orders WHERE totals.totalAmount > ALL (SELECT pricing.basePrice FROM products WHERE LOWER(category) = 'books')",
    ),
    C(
        "m_case_searched_null",
        """
        SELECT _id, CASE account.type WHEN 'free' THEN 0 WHEN 'premium' THEN 9.99 WHEN 'enterprise' THEN 49.00 END AS monthly_fee
        FROM users
        """,
    ),
    C(
        "m_fee_sum",
        """
        SELECT SUM(CASE LOWER(account.type) WHEN 'free' THEN 0 WHEN 'premium' THEN 9.99 ELSE 49.00 END) AS mrr
        FROM users WHERE LOWER(account.status) = 'active'
        """,
    ),
    C(
        "m_comment_and_semicolon",
        """
        -- monthly active users, a dashboard tile
        SELECT DATE_TRUNC('month', timestamp) AS month, /* distinct people */ COUNT(DISTINCT userId) AS mau
        FROM events
        GROUP BY 1
        ORDER BY 1;
        """,
    ),
    C(
        "m_lowercase_keywords",
        "select lower(trim(eventType)) as t, count(*) as n from events group by 1 order by 1",
    ),
    C(
        "m_quoted_identifiers",
        'SELECT "userId", COUNT(*) AS n FROM "events" WHERE "eventType" = \'click\' GROUP BY "userId"',
    ),
    C(
        "m_dotted_output_alias",
        """
        SELECT customerId AS _id, COUNT(*) AS "stats.orders", SUM(totals.totalAmount) AS "stats.revenue"
        FROM orders GROUP BY customerId
        """,
    ),
]

ERRORS = [
    E("x_missing_group_by", "SELECT customerId, COUNT(*) FROM orders"),
    E("x_having_without_group_column", "SELECT status, COUNT(*) FROM orders GROUP BY customerId"),
    E("x_timestamp_plus_timestamp", "SELECT createdAt + deliveredAt FROM orders"),
    E("x_text_times_int", "SELECT username * 2 FROM users"),
    E("x_bad_date_literal", "SELECT COUNT(*) FROM events WHERE timestamp >= '2024-13-01'"),
    E("x_bad_numeric_literal", "SELECT COUNT(*) FROM orders WHERE totals.totalAmount > 'abc'"),
    E("x_window_in_where", "SELECT _id FROM orders WHERE ROW_NUMBER() OVER (ORDER BY _id) = 1"),
    E(
        "x_aggregate_in_where",
        "SELECT customerId FROM orders WHERE SUM(totals.totalAmount) > 10 GROUP BY customerId",
    ),
    E("x_division_by_zero", "SELECT _id, totals.totalAmount / 0 FROM orders"),
    E(
        "x_int_cast_bad_text",
        "SELECT CAST(referralCode AS INTEGER) FROM users WHERE referralCode IS NOT NULL",
    ),
    E("x_unknown_function", "SELECT ISNULL(email, 'none') FROM users"),
    E("x_iff", "SELECT IFF(credits > 10, 1, 0) FROM users"),
    E("x_ambiguous_column", "SELECT _id FROM orders o JOIN users u ON u._id = o.customerId"),
    E("x_bool_vs_int", "SELECT COUNT(*) FROM users WHERE isVerified = 1", xfail=CROSS_CATEGORY),
    E("x_union_column_count", "SELECT _id, username FROM users UNION ALL SELECT _id FROM orders"),
    E("x_nested_aggregate", "SELECT SUM(COUNT(*)) FROM orders"),
]

CASES: list[Case] = [*USERS, *EVENTS, *ORDERS, *PRODUCTS, *MODELS, *ERRORS]
