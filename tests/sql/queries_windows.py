"""Differential corpus for issue 3's aggregates and window functions, on the single-collection data.

Same conventions as ``queries.py``: PostgreSQL semantics, a ``duck=`` spelling where DuckDB differs,
total ORDER BYs wherever the row order or a row-dependent value (ROW_NUMBER, LAG…) matters.
"""

from __future__ import annotations

from typing import Any

from tests.sql import oracle_cases
from tests.sql.harness import Query


def Q(id: str, sql: str, **kw: Any) -> Query:
    return Query(id=id, sql=" ".join(sql.split()), **kw)


FILTERED = [
    Q(
        "filter_count_star",
        "SELECT status, COUNT(*) FILTER (WHERE age > 40) AS old, COUNT(*) AS n FROM users GROUP BY status",
    ),
    Q(
        "filter_sum_none_match",
        "SELECT status, SUM(age) FILTER (WHERE age > 79) AS s, AVG(score) FILTER (WHERE age > 79) AS a "
        "FROM users GROUP BY status",
    ),
    Q(
        "filter_every_aggregate",
        "SELECT COUNT(score) FILTER (WHERE active) AS c, SUM(amount) FILTER (WHERE active) AS s, "
        "MIN(username) FILTER (WHERE NOT active) AS lo, MAX(created_at) FILTER (WHERE active IS NULL) AS hi, "
        "AVG(visits) FILTER (WHERE visits BETWEEN 10 AND 20) AS a, "
        "COUNT(DISTINCT status) FILTER (WHERE age < 30) AS ds, BOOL_OR(active) FILTER (WHERE age > 70) AS b "
        "FROM users",
    ),
    Q(
        "filter_no_rows",
        "SELECT COUNT(*) FILTER (WHERE age > 0) AS c, SUM(age) FILTER (WHERE age > 0) AS s FROM nobody",
    ),
    Q(
        "filter_array_agg",
        "SELECT status, ARRAY_AGG(_id ORDER BY _id) FILTER (WHERE age > 75) AS ids FROM users GROUP BY status",
    ),
    Q(
        "filter_string_agg",
        "SELECT status, STRING_AGG(username, '|' ORDER BY _id DESC) FILTER (WHERE visits > 190) AS names "
        "FROM users GROUP BY status",
    ),
    Q(
        "filter_having",
        "SELECT status FROM users GROUP BY status HAVING COUNT(*) FILTER (WHERE active) > 20 ORDER BY status",
    ),
]

PERCENTILES = [
    Q(
        "percentile_cont_median",
        "SELECT status, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY score) AS med FROM users GROUP BY status",
    ),
    Q(
        "percentile_cont_quartiles",
        "SELECT PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY age) AS q1, "
        "PERCENTILE_CONT(0.75) WITHIN GROUP (ORDER BY age) AS q3, "
        "PERCENTILE_CONT(0) WITHIN GROUP (ORDER BY amount) AS lo, "
        "PERCENTILE_CONT(1) WITHIN GROUP (ORDER BY amount) AS hi FROM users",
    ),
    Q(
        "percentile_cont_desc",
        "SELECT status, PERCENTILE_CONT(0.3) WITHIN GROUP (ORDER BY visits DESC) AS p FROM users GROUP BY status",
    ),
    Q(
        "percentile_disc",
        "SELECT status, PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY age) AS med, "
        "PERCENTILE_DISC(0.7) WITHIN GROUP (ORDER BY username) AS u, "
        "PERCENTILE_DISC(0) WITHIN GROUP (ORDER BY created_at) AS first_at FROM users GROUP BY status",
    ),
    Q(
        "percentile_arrays",
        "SELECT status, PERCENTILE_CONT(ARRAY[0.1, 0.5, 0.9]) WITHIN GROUP (ORDER BY score) AS c, "
        "PERCENTILE_DISC(ARRAY[0.25, 0.75]) WITHIN GROUP (ORDER BY visits) AS d FROM users GROUP BY status",
    ),
    Q(
        "percentile_filter",
        "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY score) FILTER (WHERE active) AS m FROM users",
    ),
    Q(
        "percentile_no_values",
        "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY age) AS m, "
        "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY age) AS d FROM nobody",
    ),
    Q(
        "percentile_all_null_group",
        "SELECT age IS NULL AS missing, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY age) AS m "
        "FROM users GROUP BY age IS NULL",
    ),
]

ORDERED = [
    Q(
        "array_agg_order",
        "SELECT status, ARRAY_AGG(username ORDER BY _id) AS names FROM users WHERE age > 70 GROUP BY status",
    ),
    Q(
        "array_agg_order_nulls",
        "SELECT status, ARRAY_AGG(_id ORDER BY score, _id) AS asc_ids, "
        "ARRAY_AGG(_id ORDER BY score DESC, _id) AS desc_ids, "
        "ARRAY_AGG(_id ORDER BY score NULLS FIRST, _id DESC) AS nf_ids FROM users GROUP BY status",
    ),
    Q(
        "array_agg_keeps_nulls",
        "SELECT status, ARRAY_AGG(age ORDER BY _id) AS ages FROM users WHERE _id < 40 GROUP BY status",
    ),
    Q(
        "string_agg_order",
        "SELECT status, STRING_AGG(username, ', ' ORDER BY username DESC) AS names FROM users "
        "WHERE visits > 150 GROUP BY status",
    ),
    Q(
        "string_agg_order_skips_nulls",
        "SELECT STRING_AGG(notes, '/' ORDER BY _id) AS n FROM users WHERE _id < 30",
    ),
    Q(
        "array_agg_distinct",
        "SELECT status, ARRAY_AGG(DISTINCT age) AS ages FROM users WHERE _id < 60 GROUP BY status",
        unordered={"ages": None},
    ),
    Q("array_agg_order_no_rows", "SELECT ARRAY_AGG(age ORDER BY age) AS a FROM nobody"),
]

QUERIES: list[Query] = [*FILTERED, *PERCENTILES, *ORDERED]
# One mapping for every corpus: tests/sql/oracle_cases.py.
KNOWN_FAILURES = oracle_cases.KNOWN_FAILURES

DOCUMENTS = [
    Q(
        "json_build_object_scalars",
        "SELECT _id, JSON_BUILD_OBJECT('name', username, 'age', age, 'one', 1, 'city', profile.location.city) "
        "AS doc FROM users WHERE _id < 30",
        duck="SELECT _id, struct_pack(name := username, age := age, one := 1, city := profile.location.city) "
        "AS doc FROM users WHERE _id < 30",
    ),
    Q(
        "json_build_object_aggregates",
        "SELECT status, JSON_BUILD_OBJECT('min', MIN(score), 'p50', "
        "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY score), 'n', COUNT(*)) AS stats FROM users GROUP BY status",
        duck="SELECT status, struct_pack(min := MIN(score), p50 := "
        "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY score), n := COUNT(*)) AS stats FROM users GROUP BY status",
    ),
    Q(
        "row_constructor",
        "SELECT _id, ROW(age, status, 7) AS r FROM users WHERE _id < 20",
        duck="SELECT _id, struct_pack(f1 := age, f2 := status, f3 := 7) AS r FROM users WHERE _id < 20",
    ),
]

QUERIES += DOCUMENTS

RANKING = [
    Q(
        "row_number_partition",
        "SELECT _id, ROW_NUMBER() OVER (PARTITION BY status ORDER BY age, _id) AS rn FROM users",
    ),
    Q(
        "rank_dense_rank_ties",
        "SELECT _id, RANK() OVER (ORDER BY age) AS r, DENSE_RANK() OVER (ORDER BY age) AS d FROM users",
    ),
    Q(
        "rank_desc_nulls",
        "SELECT _id, RANK() OVER (PARTITION BY active ORDER BY score DESC) AS r, "
        "RANK() OVER (ORDER BY score NULLS FIRST) AS nf, RANK() OVER (ORDER BY score DESC NULLS LAST) AS dl "
        "FROM users",
    ),
    Q(
        "rank_multi_key_text",
        "SELECT _id, RANK() OVER (ORDER BY status, profile.location.city DESC) AS r, "
        "DENSE_RANK() OVER (PARTITION BY status, active ORDER BY created_at) AS d FROM users",
    ),
    Q(
        "rank_without_order",
        "SELECT _id, RANK() OVER () AS r, DENSE_RANK() OVER (PARTITION BY status) AS d, "
        "PERCENT_RANK() OVER () AS p, CUME_DIST() OVER (PARTITION BY status) AS c FROM users",
    ),
    Q(
        "percent_rank",
        "SELECT _id, PERCENT_RANK() OVER (PARTITION BY status ORDER BY age) AS p FROM users",
    ),
    Q(
        "percent_rank_single_row_partitions",
        "SELECT _id, PERCENT_RANK() OVER (PARTITION BY _id ORDER BY age) AS p FROM users WHERE _id < 10",
    ),
    Q(
        "cume_dist_ties",
        "SELECT _id, CUME_DIST() OVER (ORDER BY age) AS c, "
        "CUME_DIST() OVER (PARTITION BY status ORDER BY profile.rating DESC, active) AS c2 FROM users",
    ),
    Q(
        "window_order_by_window",
        "SELECT _id, age, ROW_NUMBER() OVER (ORDER BY age DESC, _id) AS rn FROM users ORDER BY rn LIMIT 15",
    ),
    Q(
        "window_order_by_rank_expression",
        "SELECT _id, RANK() OVER (ORDER BY visits) AS r FROM users "
        "ORDER BY RANK() OVER (ORDER BY visits) DESC, _id LIMIT 10",
    ),
    Q(
        "window_named",
        "SELECT _id, RANK() OVER w AS r, ROW_NUMBER() OVER (w) AS rn FROM users "
        "WINDOW w AS (PARTITION BY status ORDER BY visits, _id)",
    ),
]

OFFSETS = [
    Q(
        "ntile",
        "SELECT _id, NTILE(4) OVER (ORDER BY _id) AS q, NTILE(7) OVER (PARTITION BY status ORDER BY _id) AS s, "
        "NTILE(500) OVER (ORDER BY _id) AS big FROM users",
    ),
    Q(
        "lag_lead",
        "SELECT _id, LAG(age) OVER (ORDER BY _id) AS prev, LEAD(age) OVER (ORDER BY _id) AS next, "
        "LAG(age, 2, -1) OVER (PARTITION BY status ORDER BY _id) AS p2, "
        "LEAD(username, 3, 'none') OVER (PARTITION BY status ORDER BY _id DESC) AS n3, "
        "LAG(age, 0) OVER (ORDER BY _id) AS same FROM users",
    ),
    Q(
        "first_last_value_peers",
        "SELECT _id, FIRST_VALUE(_id) OVER (PARTITION BY status ORDER BY age, _id) AS f, "
        "LAST_VALUE(age) OVER (PARTITION BY status ORDER BY age) AS l, "
        "LAST_VALUE(_id) OVER (PARTITION BY status ORDER BY age, _id) AS lid FROM users",
    ),
    Q(
        "first_last_value_frames",
        "SELECT _id, FIRST_VALUE(age) OVER (ORDER BY _id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS f, "
        "LAST_VALUE(age) OVER (ORDER BY _id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS l, "
        "LAST_VALUE(_id) OVER (PARTITION BY status) AS whole FROM users",
        unordered={},
    ),
]

FRAMES = [
    Q(
        "running_sum_peers",
        "SELECT _id, SUM(age) OVER (ORDER BY visits) AS s, COUNT(age) OVER (ORDER BY visits) AS c, "
        "COUNT(*) OVER (ORDER BY visits) AS n FROM users",
    ),
    Q(
        "partition_totals",
        "SELECT _id, SUM(amount) OVER (PARTITION BY status) AS s, AVG(age) OVER (PARTITION BY status) AS a, "
        "MIN(username) OVER (PARTITION BY active) AS lo, MAX(created_at) OVER () AS hi, "
        "COUNT(*) OVER () AS n FROM users",
    ),
    Q(
        "sum_all_null_frame",
        "SELECT _id, SUM(age) OVER (ORDER BY _id ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS s, "
        "AVG(age) OVER (ORDER BY _id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS a FROM users",
    ),
    Q(
        "rows_frames",
        "SELECT _id, SUM(visits) OVER (PARTITION BY status ORDER BY _id ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING) AS s, "
        "MIN(age) OVER (ORDER BY _id ROWS 2 PRECEDING) AS m, "
        "MAX(score) OVER (ORDER BY _id ROWS BETWEEN UNBOUNDED PRECEDING AND 5 PRECEDING) AS mx, "
        "COUNT(*) OVER (ORDER BY _id ROWS BETWEEN 2 FOLLOWING AND 4 FOLLOWING) AS c FROM users",
    ),
    Q(
        "range_frames",
        "SELECT _id, SUM(visits) OVER (ORDER BY age RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS s, "
        "COUNT(*) OVER (ORDER BY status DESC RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n, "
        "MAX(_id) OVER (PARTITION BY active ORDER BY status, age RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) "
        "AS m, SUM(age) OVER (ORDER BY created_at RANGE CURRENT ROW) AS cur FROM users",
    ),
    Q(
        "window_filter",
        "SELECT _id, COUNT(*) FILTER (WHERE active) OVER (PARTITION BY status) AS n, "
        "SUM(age) FILTER (WHERE age > 60) OVER (ORDER BY _id) AS s FROM users",
    ),
]

OVER_AGGREGATES = [
    Q(
        "rank_over_sum",
        "SELECT status, SUM(visits) AS v, RANK() OVER (ORDER BY SUM(visits) DESC) AS r FROM users GROUP BY status",
    ),
    Q(
        "share_of_total",
        "SELECT status, COUNT(*) AS n, SUM(COUNT(*)) OVER () AS total, "
        "ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (), 2) AS pct FROM users GROUP BY status",
    ),
    Q(
        "running_total_by_group",
        "SELECT kind, DATE_TRUNC('month', ts) AS m, COUNT(*) AS n, "
        "SUM(COUNT(*)) OVER (PARTITION BY kind ORDER BY DATE_TRUNC('month', ts)) AS running "
        "FROM events GROUP BY kind, DATE_TRUNC('month', ts)",
    ),
    Q(
        "rank_over_aggregate_ordered",
        "SELECT status, AVG(age) AS a, DENSE_RANK() OVER (ORDER BY AVG(age)) AS d FROM users "
        "GROUP BY status ORDER BY d, status",
    ),
]

QUERIES += [*RANKING, *OFFSETS, *FRAMES, *OVER_AGGREGATES]

REVIEW_FIXES = [
    Q(
        "array_agg_distinct_ordered",
        "SELECT status, ARRAY_AGG(DISTINCT age ORDER BY age) AS up, "
        "ARRAY_AGG(DISTINCT age ORDER BY age DESC) AS down FROM users WHERE _id < 80 GROUP BY status",
    ),
    Q(
        "string_agg_distinct",
        "SELECT active, STRING_AGG(DISTINCT status, ',' ORDER BY status) AS s FROM users GROUP BY active",
    ),
    Q(
        "range_numeric_offsets",
        "SELECT _id, SUM(visits) OVER (ORDER BY age RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS s, "
        "COUNT(*) OVER (PARTITION BY status ORDER BY age DESC RANGE BETWEEN 3 PRECEDING AND CURRENT ROW) AS c, "
        "MIN(_id) OVER (ORDER BY score RANGE BETWEEN 0.5 PRECEDING AND 10 FOLLOWING) AS m FROM users",
    ),
]

QUERIES += REVIEW_FIXES

MORE = [
    Q(
        "window_in_expression",
        "SELECT _id, RANK() OVER (ORDER BY visits) * 10 + 1 AS r10, "
        "CASE WHEN ROW_NUMBER() OVER (PARTITION BY status ORDER BY _id) = 1 THEN 'first' ELSE 'other' END AS tag "
        "FROM users",
    ),
    Q(
        "window_with_where_and_limit",
        "SELECT _id, SUM(visits) OVER (ORDER BY _id) AS running FROM users WHERE age > 30 "
        "ORDER BY _id LIMIT 20 OFFSET 5",
    ),
    Q(
        "window_then_distinct",
        "SELECT DISTINCT status, COUNT(*) OVER (PARTITION BY status) AS n FROM users",
    ),
    Q(
        "window_group_having",
        "SELECT status, COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*) DESC, status) AS r FROM users "
        "GROUP BY status HAVING COUNT(*) > 10",
    ),
    Q(
        "window_over_group_key_partition",
        "SELECT active, status, MAX(visits) AS m, "
        "ROW_NUMBER() OVER (PARTITION BY active ORDER BY MAX(visits) DESC, status) AS rn "
        "FROM users GROUP BY active, status",
    ),
    Q(
        "window_no_group_by_aggregate",
        "SELECT COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*)) AS r FROM users",
    ),
    Q(
        "window_min_max_text_dates",
        "SELECT _id, MIN(username) OVER (PARTITION BY status ORDER BY _id) AS lo, "
        "MAX(created_at) OVER (PARTITION BY status ORDER BY _id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS hi "
        "FROM users",
    ),
    Q(
        "window_avg_amount_mixed",
        "SELECT _id, AVG(amount) OVER (PARTITION BY active ORDER BY created_at, _id) AS a FROM users",
    ),
    Q(
        "window_order_by_date_peers",
        "SELECT _id, COUNT(*) OVER (ORDER BY DATE_TRUNC('month', created_at)) AS upto_month, "
        "CUME_DIST() OVER (ORDER BY DATE_TRUNC('month', created_at) DESC) AS cd FROM users",
    ),
    Q(
        "window_events_partitions",
        "SELECT _id, kind, LAG(ts) OVER (PARTITION BY user_id ORDER BY ts, _id) AS prev_ts, "
        "DENSE_RANK() OVER (PARTITION BY kind ORDER BY user_id) AS d FROM events",
    ),
    Q(
        "window_lead_nested_path",
        "SELECT _id, LEAD(profile.location.city, 1, 'end') OVER (ORDER BY _id) AS nxt, "
        "FIRST_VALUE(profile.rating) OVER (PARTITION BY profile.location.country ORDER BY _id) AS f FROM users",
    ),
    Q(
        "window_ntile_rows_fewer_than_buckets",
        "SELECT _id, NTILE(3) OVER (PARTITION BY status ORDER BY _id) AS t FROM users WHERE _id < 12",
    ),
    Q(
        "window_edge_collection",
        "SELECT _id, SUM(n) OVER (ORDER BY _id) AS s, RANK() OVER (ORDER BY d) AS r, "
        "LAST_VALUE(s) OVER (ORDER BY _id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS l "
        "FROM edge",
    ),
    Q("window_empty_collection", "SELECT _id, ROW_NUMBER() OVER (ORDER BY _id) AS rn FROM nobody"),
    Q(
        "filter_distinct_and_bool",
        "SELECT status, COUNT(DISTINCT age) FILTER (WHERE active) AS ages, "
        "SUM(DISTINCT visits) FILTER (WHERE age IS NULL) AS v, "
        "BOOL_AND(active) FILTER (WHERE visits > 100) AS b FROM users GROUP BY status",
    ),
    Q(
        "filter_order_by_aggregate",
        "SELECT status, COUNT(*) FILTER (WHERE age > 50) AS n FROM users GROUP BY status "
        "ORDER BY COUNT(*) FILTER (WHERE age > 50) DESC, status",
    ),
    Q(
        "filter_in_expression",
        "SELECT status, ROUND(100.0 * COUNT(*) FILTER (WHERE active) / COUNT(*), 2) AS pct_active "
        "FROM users GROUP BY status",
    ),
    Q(
        "percentile_disc_dates_text",
        "SELECT PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY created_at) AS mid_at, "
        "PERCENTILE_DISC(ARRAY[0.1, 0.9]) WITHIN GROUP (ORDER BY username DESC) AS names FROM users",
    ),
    Q(
        "percentile_expression",
        "SELECT active, PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY visits * 2 + COALESCE(age, 0)) AS p "
        "FROM users GROUP BY active",
    ),
    Q(
        "percentile_having_order",
        "SELECT status, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY visits) AS m FROM users GROUP BY status "
        "HAVING PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY visits) > 50 ORDER BY m, status",
    ),
    Q(
        "array_agg_order_expression",
        "SELECT status, ARRAY_AGG(username ORDER BY LOWER(username), _id) AS names FROM users "
        "WHERE visits > 170 GROUP BY status",
    ),
    Q(
        "array_agg_order_dates_desc_nulls_last",
        "SELECT active, ARRAY_AGG(_id ORDER BY last_login DESC NULLS LAST, _id) AS ids FROM users "
        "WHERE _id < 50 GROUP BY active",
    ),
    Q(
        "string_agg_order_no_group",
        "SELECT STRING_AGG(status, ';' ORDER BY _id) AS s FROM users WHERE _id <= 25",
    ),
    Q(
        "json_build_object_nested",
        "SELECT _id, JSON_BUILD_OBJECT('who', JSON_BUILD_OBJECT('name', username, 'age', age), "
        "'tags', tags) AS doc FROM users WHERE _id < 15",
        duck="SELECT _id, struct_pack(who := struct_pack(name := username, age := age), tags := tags) AS doc "
        "FROM users WHERE _id < 15",
    ),
    Q(
        "array_agg_of_documents_ordered",
        "SELECT status, ARRAY_AGG(JSON_BUILD_OBJECT('id', _id, 'v', visits) ORDER BY visits DESC, _id) AS top "
        "FROM users WHERE _id < 40 GROUP BY status",
        duck="SELECT status, ARRAY_AGG(struct_pack(id := _id, v := visits) ORDER BY visits DESC, _id) AS top "
        "FROM users WHERE _id < 40 GROUP BY status",
    ),
]

QUERIES += MORE

INTERVAL_FRAMES = [
    Q(
        "range_interval_days",
        "SELECT _id, COUNT(*) OVER (ORDER BY created_at RANGE BETWEEN INTERVAL '30 days' PRECEDING AND CURRENT ROW) "
        "AS month_before, SUM(visits) OVER (PARTITION BY status ORDER BY last_login DESC "
        "RANGE BETWEEN INTERVAL '10 days' PRECEDING AND INTERVAL '2 days 12 hours' FOLLOWING) AS s FROM users",
    ),
    Q(
        "range_interval_events",
        "SELECT _id, COUNT(*) OVER (PARTITION BY kind ORDER BY ts RANGE BETWEEN INTERVAL '1 hour' PRECEDING "
        "AND INTERVAL '1 hour' FOLLOWING) AS near FROM events",
    ),
]

QUERIES += INTERVAL_FRAMES

SPREADS = [
    Q(
        "window_stddev_variance",
        "SELECT _id, STDDEV(score) OVER (PARTITION BY status) AS sd, STDDEV_POP(age) OVER (ORDER BY _id "
        "ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS sp, VARIANCE(visits) OVER (PARTITION BY active ORDER BY visits) "
        "AS v, VAR_POP(amount) OVER () AS vp FROM users",
    ),
]

QUERIES += SPREADS
