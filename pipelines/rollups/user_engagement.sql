/* leaf
description: >
  Daily engagement per user from the hourly activity buckets (computed pattern). The score
  follows the seed: page views x 0.1 + clicks x 0.3 + active periods x 0.6.
pattern: computed
target: user_engagement
on: [userId, day]
partition: daily
time_field: bucketDate
time_column: day
start: 2024-09-01
owners: [team:analytics]
tags: {domain: activity, pattern: computed}
*/
-- The seed's full engagement query (around line 2130 of the article) joins users, UNNESTs their
-- attributes and ranks with PERCENT_RANK/PERCENTILE_CONT. Joins, UNNEST and windows arrive with
-- a later compiler issue; this rollup keeps the single-collection part: the per-user metrics
-- from user_activity_buckets, one document per user and day.
SELECT
  userId,
  DATE_TRUNC('day', bucketDate) AS day,
  SUM(summary.pageViews) AS total_page_views,
  SUM(summary.clicks) AS total_clicks,
  SUM(summary.apiCalls) AS total_api_calls,
  SUM(summary.errors) AS total_errors,
  SUM(eventCount) AS total_events,
  CASE WHEN SUM(summary.countResponseTime) > 0
       THEN SUM(summary.totalResponseTime) * 1.0 / SUM(summary.countResponseTime)
  END AS avg_response_time,
  COUNT(DISTINCT bucketDate) AS active_hours,
  SUM(summary.pageViews) * 0.1 + SUM(summary.clicks) * 0.3 + COUNT(DISTINCT bucketDate) * 0.6 AS engagement_score,
  CASE
    WHEN SUM(summary.pageViews) * 0.1 + SUM(summary.clicks) * 0.3 + COUNT(DISTINCT bucketDate) * 0.6 >= 5
      THEN 'High Engagement'
    WHEN SUM(summary.pageViews) * 0.1 + SUM(summary.clicks) * 0.3 + COUNT(DISTINCT bucketDate) * 0.6 >= 2
      THEN 'Medium Engagement'
    ELSE 'Low Engagement'
  END AS engagement_segment
FROM user_activity_buckets
WHERE bucketType = 'hourly'
GROUP BY userId, DATE_TRUNC('day', bucketDate)
