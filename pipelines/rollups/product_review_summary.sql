/* leaf
description: >
  reviews.summary on each product (the seed's computed pattern): count, average rating and the
  rating distribution, maintained incrementally from the flat reviews collection. Only these
  fields are written; the rest of the product document (reviews.recent included) is untouched.
pattern: computed
target: products
write: update
on: _id
time_field: createdAt
incremental: true
schedule: "30 * * * *"
metadata_field: reviews.summary.computation
owners: [team:commerce]
tags: {domain: catalog, pattern: computed}
*/
-- The reviews are read from the flat `reviews` collection: "$reviews.recent.rating" only holds the
-- latest few, and UNNEST over an embedded array is a later compiler feature.
SELECT
  productId AS _id,
  COUNT(*) AS "reviews.summary.count",
  AVG(rating) AS "reviews.summary.averageRating",
  SUM(CASE WHEN rating = 1 THEN 1 ELSE 0 END) AS "reviews.summary.ratingDistribution.1",
  SUM(CASE WHEN rating = 2 THEN 1 ELSE 0 END) AS "reviews.summary.ratingDistribution.2",
  SUM(CASE WHEN rating = 3 THEN 1 ELSE 0 END) AS "reviews.summary.ratingDistribution.3",
  SUM(CASE WHEN rating = 4 THEN 1 ELSE 0 END) AS "reviews.summary.ratingDistribution.4",
  SUM(CASE WHEN rating = 5 THEN 1 ELSE 0 END) AS "reviews.summary.ratingDistribution.5",
  MAX(createdAt) AS "reviews.summary.lastReviewAt"
FROM reviews
GROUP BY productId
