/* leaf
description: >
  Raw activity events rolled into one document per user and hour (the seed's bucket pattern),
  with the events embedded (at most 1000 per document, overflow in numbered follow-on buckets)
  and a pre-computed summary per document.
pattern: bucket
target: user_activity_buckets
on: userId
partition: hourly
time_field: timestamp
start: 2024-09-01
owners: [team:analytics]
tags: {domain: activity, pattern: bucket}
bucket:
  max_events: 1000
  measures: [responseTime]
  count_by:
    eventType: {page_view: pageViews, click: clicks, api_call: apiCalls, error: errors}
  distinct: {uniquePages: page, sessions: sessionId}
*/
SELECT userId, timestamp, eventType, page, element, sessionId, responseTime, statusCode
FROM activity_events
WHERE userId IS NOT NULL
