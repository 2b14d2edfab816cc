-- DuckDB spelling of user_engagement.sql (same fixes, same meaning), the expected side of the
-- differential test (tests/sql/test_seed_queries.py). Differences from the PostgreSQL text:
-- - JSON_BUILD_OBJECT is JSON text in DuckDB: struct literals {'k': v} build the same documents.
-- - engagement_score is DECIMAL on both PostgreSQL (numeric) and DuckDB, but DuckDB's
--   PERCENTILE_CONT on a DECIMAL interpolates in the column's scale, while PostgreSQL's percentile_cont
--   is double precision: the ORDER BY key is cast to DOUBLE.
WITH user_engagement AS (
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

    -- User profile attributes (FIX 1)
    ARRAY_AGG(
      CASE WHEN ua.key = 'department'
           THEN ua.value
      END
    ) FILTER (WHERE ua.key = 'department') as departments,

    -- Location information
    u.profile.location.city as city,
    u.profile.location.state as state

  FROM users u
  LEFT JOIN user_activity_buckets ab ON u._id = ab.userId
    AND ab.bucketDate >= CURRENT_DATE - INTERVAL '30 days'
  LEFT JOIN UNNEST(u.attributes) as ua ON true

  WHERE u.account.status = 'active'
    AND u.createdAt >= CURRENT_DATE - INTERVAL '1 year'

  GROUP BY u._id, u.username, u.profile.firstName, u.profile.lastName,
           u.account.type, u.profile.location.city, u.profile.location.state
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
),

-- FIX 2: users per location in each segment, ranked
location_counts AS (
  SELECT
    engagement_segment,
    account_type,
    city,
    state,
    COUNT(*) as user_count,
    ROW_NUMBER() OVER (
      PARTITION BY engagement_segment, account_type
      ORDER BY COUNT(*) DESC, city, state
    ) as location_rank
  FROM engagement_segments
  GROUP BY engagement_segment, account_type, city, state
),

-- FIX 2: the top 5 locations of each segment, most users first
top_locations AS (
  SELECT
    engagement_segment,
    account_type,
    ARRAY_AGG(
      {'city': city, 'state': state, 'count': user_count} ORDER BY location_rank
    ) as top_locations
  FROM location_counts
  WHERE location_rank <= 5
  GROUP BY engagement_segment, account_type
),

-- FIX 2: the per-segment statistics of the original final SELECT
segment_stats AS (
  SELECT
    engagement_segment,
    account_type,
    COUNT(*) as user_count,
    AVG(engagement_score) as avg_engagement_score,
    AVG(total_page_views) as avg_page_views,
    AVG(active_days) as avg_active_days,

    -- Engagement distribution
    {
      'min': MIN(engagement_score),
      'p25': PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY engagement_score::DOUBLE),
      'p50': PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY engagement_score::DOUBLE),
      'p75': PERCENTILE_CONT(0.75) WITHIN GROUP (ORDER BY engagement_score::DOUBLE),
      'p95': PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY engagement_score::DOUBLE),
      'max': MAX(engagement_score)
    } as engagement_distribution

  FROM engagement_segments
  GROUP BY engagement_segment, account_type
)

SELECT
  s.engagement_segment,
  s.account_type,
  s.user_count,
  s.avg_engagement_score,
  s.avg_page_views,
  s.avg_active_days,

  -- Top cities by user count in each segment (FIX 2)
  t.top_locations,

  s.engagement_distribution

FROM segment_stats s
LEFT JOIN top_locations t ON t.engagement_segment = s.engagement_segment
  AND t.account_type = s.account_type
ORDER BY s.engagement_segment, s.account_type;
