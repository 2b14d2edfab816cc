/* leaf
description: >
  The seed's user-engagement query (computed pattern), one document per active user and day: the
  30-day engagement as of the end of the partition day, from users joined to the hourly activity
  buckets, with the user's departments, the seed's engagement score and segment, and the
  percentile rank of the score within the account type.
pattern: computed
target: user_engagement
on: [user_id, day]
partition: daily
time_column: day
upstream_lookback: 30 days
start: 2024-09-01
owners: [team:analytics]
tags: {domain: activity, pattern: computed}
*/
-- The seed article's engagement query ("Complex analytics queries with document modeling",
-- shared/seed/000_801031b24ae6e88b.txt line 2131): WITH user_engagement AS (...),
-- engagement_segments AS (...) SELECT ... . The two CTEs are the PostgreSQL-valid copy in
-- tests/sql/seed_queries/user_engagement.sql (FIX 1 there: `ua.attributes->key` is `ua.key`, the
-- field of the unnested attribute). Adapted to a daily partition, and to count each bucket once:
--
-- WINDOW: the seed's CURRENT_DATE becomes :partition_end, the end of the partition day, bound by the
--   engine (the partition window is [:partition_start, :partition_end)). The buckets read are the
--   30 days before it, bounded above too (`< :partition_end`) so that re-running an old partition
--   gives the same result; for the same reason a user counts from the moment they were created
--   (`u.createdAt < :partition_end`). No time_field: the base collection is `users`, the time is
--   `bucketDate` on the joined buckets, so the SQL filters the join itself instead of the engine
--   filtering `users` (upstream_lookback tells Dagster those 30 days of hourly partitions are read).
-- DEPARTMENTS: the seed's `LEFT JOIN UNNEST(u.attributes) ua ON true` next to the buckets pairs every
--   bucket with every attribute of the user, so its SUMs and score count each bucket once per
--   attribute (twice for the sample's users) and `departments` repeats the department once per
--   bucket. Here the departments come from their own CTE (`user_departments`: the same UNNEST and
--   the seed's `ua.key = 'department'` filter), joined once per user, so every metric counts each
--   bucket once. (tests/sql/seed_queries keeps the seed's form, fan-out included.)
-- OUTPUT: the seed's final SELECT summarises engagement_segments per segment and account type (and
--   needs FIX 2 of the test copy to be valid PostgreSQL). A daily rollup keeps the per-user rows of
--   engagement_segments, keyed by user_id and the partition's day (`:partition_start AS day`), from
--   which the seed's summary is one GROUP BY engagement_segment, account_type away.
--
-- Kept as the seed has it:
-- - `active_days` counts distinct bucketDate values: with hourly buckets, active hours.
-- - the seed's AVG(summary.avgResponseTime) is an average of per-bucket averages.
WITH user_departments AS (
  SELECT u._id AS user_id, ARRAY_AGG(ua.value) AS departments
  FROM users u
  CROSS JOIN UNNEST(u.attributes) AS ua
  WHERE ua.key = 'department'
  GROUP BY u._id
),

user_engagement AS (
  SELECT
    u._id as user_id,
    u.username,
    u.profile.firstName || ' ' || u.profile.lastName as full_name,
    u.account.type as account_type,

    -- Aggregate metrics from activity buckets
    SUM(ab.summary.pageViews) as total_page_views,
    SUM(ab.summary.clicks) as total_clicks,
    AVG(ab.summary.avgResponseTime) as avg_response_time,
    COUNT(DISTINCT ab.bucketDate) as active_days,

    -- Calculate engagement score
    (SUM(ab.summary.pageViews) * 0.1 +
     SUM(ab.summary.clicks) * 0.3 +
     COUNT(DISTINCT ab.bucketDate) * 0.6) as engagement_score,

    -- User profile attributes
    d.departments,

    -- Location information
    u.profile.location.city as city,
    u.profile.location.state as state

  FROM users u
  -- joined before the buckets, so its lookup runs once per user, not once per bucket
  LEFT JOIN user_departments d ON d.user_id = u._id
  LEFT JOIN user_activity_buckets ab ON u._id = ab.userId
    AND ab.bucketDate >= :partition_end - INTERVAL '30 days'
    AND ab.bucketDate < :partition_end

  WHERE u.account.status = 'active'
    AND u.createdAt >= :partition_end - INTERVAL '1 year'
    AND u.createdAt < :partition_end

  GROUP BY u._id, u.username, u.profile.firstName, u.profile.lastName,
           u.account.type, u.profile.location.city, u.profile.location.state,
           d.departments
),

engagement_segments AS (
  SELECT *,
    CASE
      WHEN engagement_score >= 50 THEN 'High Engagement'
      WHEN engagement_score >= 20 THEN 'Medium Engagement'
      WHEN engagement_score >= 5 THEN 'Low Engagement'
      ELSE 'Inactive'
    END as engagement_segment,

    -- Percentile ranking within account type
    PERCENT_RANK() OVER (
      PARTITION BY account_type
      ORDER BY engagement_score
    ) as engagement_percentile

  FROM user_engagement
)

SELECT
  user_id,
  :partition_start AS day,
  username,
  full_name,
  account_type,
  city,
  state,
  departments,
  total_page_views,
  total_clicks,
  avg_response_time,
  active_days,
  engagement_score,
  engagement_segment,
  engagement_percentile
FROM engagement_segments
