/* leaf
description: Order totals per customer and day (computed pattern), cancelled orders counted apart.
pattern: computed
target: customer_daily_orders
on: [customerId, day]
partition: daily
time_field: createdAt
time_column: day
start: 2024-09-01
owners: [team:commerce]
tags: {domain: orders, pattern: computed}
*/
SELECT
  customerId,
  DATE_TRUNC('day', createdAt) AS day,
  COUNT(*) AS orders,
  SUM(CASE WHEN status <> 'cancelled' THEN total ELSE 0 END) AS total_spent,
  SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled_orders,
  AVG(total) AS avg_order_value,
  MAX(total) AS largest_order
FROM orders
GROUP BY customerId, DATE_TRUNC('day', createdAt)
