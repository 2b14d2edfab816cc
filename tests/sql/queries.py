"""The differential corpus: every SQL construct of issue 2, read as PostgreSQL.

Collections: ``users`` (nested profile.location.geo, tags, items, NULL/missing everywhere),
``events`` (a time series), ``edge`` (hand-written boundary values) and ``nobody`` (empty, users'
shape). See ``datagen.py``.

``duck=`` gives the DuckDB spelling where DuckDB would not mean what PostgreSQL means:
- lists are 1-based in DuckDB, while our ``items[0]`` is 0-based (QueryLeaf convention);
- DuckDB's LIKE has no default escape character; PostgreSQL's is the backslash;
- DuckDB's FLOAT is 4-byte, PostgreSQL's FLOAT is double precision;
- EXTRACT(second) is an integer in DuckDB but keeps the fraction in PostgreSQL;
- ARRAY_LENGTH of an empty array is NULL in PostgreSQL, 0 in DuckDB.
Every query with LIMIT/OFFSET has an ORDER BY that is total (ties broken by _id or unique keys), so
the rows kept do not depend on the engine.
The harness sets DuckDB's integer division and PostgreSQL's NULL ordering (see ``duck.py``).
Strings compare bytewise, as in PostgreSQL with COLLATE "C" (and a UTF-8 ctype for LOWER/UPPER/ILIKE).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from tests.sql import oracle_cases
from tests.sql.harness import Query

NOW = datetime(2024, 6, 15, 13, 45, 30)


def one_based(sql: str) -> str:
    """The DuckDB spelling of 0-based ``name[i]`` list subscripts."""
    return re.sub(r"(?<=\w)\[(\d+)\]", lambda m: f"[{int(m.group(1)) + 1}]", sql)


def Q(id: str, sql: str, **kw: Any) -> Query:
    return Query(id=id, sql=" ".join(sql.split()), **kw)


def L(id: str, sql: str, **kw: Any) -> Query:
    """A query subscripting lists: the DuckDB variant is derived with 1-based subscripts."""
    text = " ".join(sql.split())
    return Query(id=id, sql=text, duck=one_based(text), **kw)


SELECT = [
    Q("select_star_users", "SELECT * FROM users"),
    Q("select_star_events", "SELECT * FROM events"),
    Q("select_star_where", "SELECT * FROM users WHERE age > 70"),
    Q("select_columns", "SELECT _id, username, age FROM users"),
    Q("select_aliases", "SELECT username AS name, age AS years FROM users"),
    Q("select_aliases_without_as", "SELECT username name, visits v FROM users"),
    Q("select_expression", "SELECT _id, visits * 2 + 1 AS x FROM users"),
    Q("select_literals", "SELECT _id, 'x' AS k, 42 AS n, 1.5 AS f, TRUE AS b FROM events WHERE _id <= 3"),
    Q("select_null_literal", "SELECT _id, NULL AS z FROM events WHERE _id <= 3"),
    Q("select_same_column_twice", "SELECT age AS a, age AS b FROM users"),
    Q("select_distinct", "SELECT DISTINCT status FROM users"),
    Q("select_distinct_two", "SELECT DISTINCT status, active FROM users"),
    Q("select_distinct_nested", "SELECT DISTINCT profile.location.city AS city FROM users"),
    Q("select_distinct_expression", "SELECT DISTINCT age / 10 AS decade FROM users"),
    Q("select_whole_lists", "SELECT _id, tags, items FROM users"),
    Q("select_whole_struct", "SELECT _id, profile.location AS loc FROM users"),
    Q("from_alias", "SELECT u.username, u.age FROM users u"),
    Q("from_as_alias", "SELECT u.username FROM users AS u WHERE u.age > 50"),
    Q("from_alias_mixed_qualification", "SELECT u._id, age FROM users u WHERE u.visits > 150"),
    Q("nested_path", "SELECT _id, profile.location.city FROM users"),
    Q("nested_path_aliased", "SELECT _id, profile.location.city AS city FROM users"),
    Q("nested_path_with_alias", "SELECT u._id, u.profile.location.city AS city FROM users u"),
    Q("nested_two_level", "SELECT _id, profile.first_name AS f, profile.rating AS r FROM users"),
    Q("nested_four_part", "SELECT _id, profile.location.geo.lat AS lat FROM users"),
    Q("nested_five_part_alias", "SELECT u._id, u.profile.location.geo.lng AS lng FROM users u"),
    Q("nested_five_part_where", "SELECT u._id FROM users u WHERE u.profile.location.geo.lat > 30"),
    Q("nested_events_device", "SELECT _id, device.os AS os, device.version AS v FROM events"),
    L("items0_price", "SELECT _id, items[0].price AS p FROM users"),
    L("items1_qty", "SELECT _id, items[1].qty AS q FROM users"),
    L("items_out_of_range", "SELECT _id, items[5].sku AS s FROM users"),
    L("tags0", "SELECT _id, tags[0] AS t FROM users"),
    L("items0_with_alias", "SELECT u._id, u.items[0].sku AS sku FROM users u"),
    L("where_items0_price", "SELECT _id FROM users WHERE items[0].price > 100"),
    L("items0_arithmetic", "SELECT _id, items[0].price * items[0].qty AS line FROM users"),
]

WHERE = [
    Q("where_eq_int", "SELECT _id FROM users WHERE age = 30"),
    Q("where_eq_id", "SELECT _id, username FROM users WHERE _id = 7"),
    Q("where_ne", "SELECT _id FROM users WHERE age <> 30"),
    Q("where_ne_bang", "SELECT _id FROM users WHERE status != 'active'"),
    Q("where_lt", "SELECT _id FROM users WHERE score < 0"),
    Q("where_le", "SELECT _id FROM users WHERE age <= 20"),
    Q("where_gt_float", "SELECT _id FROM users WHERE amount > 250.5"),
    Q("where_ge", "SELECT _id FROM users WHERE visits >= 190"),
    Q("where_eq_str", "SELECT _id FROM users WHERE status = 'Active'"),
    Q("where_eq_quote", "SELECT _id FROM users WHERE username = 'O''Brien'"),
    Q("where_eq_backslash", "SELECT _id FROM users WHERE username = 'back\\slash'"),
    Q("where_bool_eq", "SELECT _id FROM users WHERE active = TRUE"),
    Q("where_bool_column", "SELECT _id FROM users WHERE active"),
    Q("where_not_bool_column", "SELECT _id FROM users WHERE NOT active"),
    Q("where_bool_false", "SELECT _id FROM users WHERE active = FALSE"),
    Q("where_and", "SELECT _id FROM users WHERE age > 30 AND status = 'active'"),
    Q("where_or", "SELECT _id FROM users WHERE age < 20 OR score > 95"),
    Q("where_not_comparison", "SELECT _id FROM users WHERE NOT (age > 30)"),
    Q("where_not_eq", "SELECT _id FROM users WHERE NOT (status <> 'active')"),
    Q("where_not_and_3vl", "SELECT _id FROM users WHERE NOT (active AND age > 40)"),
    Q("where_or_3vl", "SELECT _id FROM users WHERE active OR age > 70"),
    Q(
        "where_nested_logic",
        "SELECT _id FROM users WHERE (age > 30 OR score < 10) AND NOT (status = 'active' OR visits < 20)",
    ),
    Q("where_eq_null_literal", "SELECT _id FROM users WHERE age = NULL"),
    Q("where_field_vs_field", "SELECT _id FROM users WHERE age > visits"),
    Q("where_float_vs_mixed", "SELECT _id FROM users WHERE score < amount"),
    Q("where_in_int", "SELECT _id FROM users WHERE age IN (20, 30, 40)"),
    Q("where_in_str", "SELECT _id FROM users WHERE status IN ('active', 'BANNED')"),
    Q("where_in_with_null", "SELECT _id FROM users WHERE age IN (20, 30, NULL)"),
    Q("where_not_in", "SELECT _id FROM users WHERE status NOT IN ('active', 'pending')"),
    Q("where_not_in_with_null", "SELECT _id FROM users WHERE age NOT IN (20, NULL)"),
    Q("where_not_in_parenthesized", "SELECT _id FROM users WHERE NOT (age IN (20, 30))"),
    Q("where_in_nested", "SELECT _id FROM users WHERE profile.location.city IN ('Paris', 'berlin')"),
    Q("where_between_int", "SELECT _id FROM users WHERE age BETWEEN 30 AND 40"),
    Q("where_not_between", "SELECT _id FROM users WHERE age NOT BETWEEN 30 AND 70"),
    Q("where_between_float", "SELECT _id FROM users WHERE score BETWEEN 10.5 AND 20"),
    Q("where_is_null", "SELECT _id FROM users WHERE age IS NULL"),
    Q("where_is_not_null", "SELECT _id FROM users WHERE age IS NOT NULL"),
    Q("where_nested_is_null", "SELECT _id FROM users WHERE profile.location.city IS NULL"),
    Q("where_struct_is_null", "SELECT _id FROM users WHERE profile IS NULL"),
    Q("where_list_is_null", "SELECT _id FROM users WHERE tags IS NULL"),
    L("where_item_is_null", "SELECT _id FROM users WHERE items[0].price IS NULL"),
    Q("where_arith_mul", "SELECT _id FROM users WHERE visits * 2 > 300"),
    Q("where_arith_add", "SELECT _id FROM users WHERE age + 10 >= 70"),
    Q("where_arith_sub_float", "SELECT _id FROM users WHERE score - 10 < 0"),
    Q("where_int_division", "SELECT _id, visits FROM users WHERE visits / 7 = 3"),
    Q("where_modulo", "SELECT _id FROM users WHERE visits % 10 = 0"),
    # Not amount / 2: amount is the mixed field, and a document holding an int there divides as integers.
    Q("where_float_division", "SELECT _id FROM users WHERE score / 2 > 20.5"),
    Q("where_negation", "SELECT _id FROM users WHERE -delta > 10"),
    Q("where_int_times_decimal", "SELECT _id FROM users WHERE age * 1.5 > 90"),
]

LIKE = [
    Q("like_exact_dot", "SELECT _id, username FROM users WHERE username LIKE 'a.b'"),
    Q("like_underscore", "SELECT _id, username FROM users WHERE username LIKE 'a_b'"),
    Q("like_prefix", "SELECT _id FROM users WHERE username LIKE 'alice%'"),
    Q("like_dollar", "SELECT _id FROM users WHERE username LIKE '%$%'"),
    Q("like_caret", "SELECT _id FROM users WHERE username LIKE '^%'"),
    Q("like_paren", "SELECT _id FROM users WHERE username LIKE '%(%'"),
    Q("like_bracket", "SELECT _id FROM users WHERE username LIKE '%[%]%'"),
    Q("like_star_plus", "SELECT _id FROM users WHERE username LIKE '%*%' OR username LIKE '%+%'"),
    Q("like_question_pipe", "SELECT _id FROM users WHERE username LIKE '%?' OR username LIKE '%|%'"),
    Q("like_curly", "SELECT _id FROM users WHERE username LIKE '%{2}'"),
    Q("like_dots", "SELECT _id FROM users WHERE username LIKE '%.%.%'"),
    Q("not_like", "SELECT _id FROM users WHERE username NOT LIKE '%.%'"),
    Q(
        "like_escaped_underscore",
        "SELECT _id, username FROM users WHERE username LIKE '%\\_%'",
        duck="SELECT _id, username FROM users WHERE username LIKE '%\\_%' ESCAPE '\\'",
    ),
    Q(
        "like_escaped_percent",
        "SELECT _id, username FROM users WHERE username LIKE '100\\%%'",
        duck="SELECT _id, username FROM users WHERE username LIKE '100\\%%' ESCAPE '\\'",
    ),
    Q("like_case_sensitive", "SELECT _id FROM users WHERE email LIKE '%@example.com'"),
    Q("like_null_field", "SELECT _id FROM users WHERE email LIKE '%'"),
    Q("like_empty_pattern", "SELECT _id FROM users WHERE notes LIKE ''"),
    Q("like_nested", "SELECT _id FROM users WHERE profile.first_name LIKE 'Jos_'"),
    Q("ilike_domain", "SELECT _id FROM users WHERE email ILIKE '%@example.com'"),
    Q("ilike_status", "SELECT _id FROM users WHERE status ILIKE 'active'"),
    Q("ilike_prefix", "SELECT _id FROM users WHERE username ILIKE 'BOB%'"),
    Q("ilike_metachar", "SELECT _id FROM users WHERE username ILIKE '%+%'"),
    Q("not_ilike", "SELECT _id FROM users WHERE username NOT ILIKE 'a%'"),
]

DATES = [
    Q("date_literal", "SELECT _id FROM users WHERE created_at >= DATE '2024-01-01'"),
    Q("timestamp_literal", "SELECT _id FROM users WHERE created_at < TIMESTAMP '2023-06-01 12:30:00'"),
    Q("iso_string", "SELECT _id FROM users WHERE created_at >= '2024-03-01'"),
    Q(
        "iso_string_t",
        "SELECT _id FROM users WHERE created_at BETWEEN '2023-03-01' AND '2023-03-31T23:59:59'",
    ),
    Q(
        "date_between",
        "SELECT _id FROM users WHERE created_at BETWEEN DATE '2024-01-01' AND DATE '2024-02-01'",
    ),
    Q(
        "timestamp_exact_ms",
        "SELECT _id FROM users WHERE created_at = TIMESTAMP '2024-05-16 17:28:10.072'",
    ),
    Q(
        "timestamp_range_events",
        "SELECT _id FROM events WHERE ts >= TIMESTAMP '2024-02-01 00:00:00' AND ts < TIMESTAMP '2024-02-02'",
    ),
    Q("now_minus_interval", "SELECT _id FROM users WHERE created_at > NOW() - INTERVAL '30 days'", now=NOW),
    Q(
        "current_date_minus_interval",
        "SELECT _id FROM users WHERE created_at >= CURRENT_DATE - INTERVAL '90 days'",
        now=NOW,
    ),
    Q(
        "current_timestamp_year",
        "SELECT _id FROM users WHERE created_at < CURRENT_TIMESTAMP - INTERVAL '1 year'",
        now=NOW,
    ),
    Q(
        "now_plus_interval",
        "SELECT _id FROM users WHERE last_login < NOW() + INTERVAL '36 hours' AND last_login > NOW() - INTERVAL '10 days'",
        now=NOW,
    ),
    Q("select_now", "SELECT _id, NOW() AS n, CURRENT_DATE AS d FROM events WHERE _id <= 2", now=NOW),
    Q("dates_field_vs_field", "SELECT _id FROM users WHERE last_login > created_at"),
    Q("cast_date_eq", "SELECT _id FROM users WHERE CAST(created_at AS DATE) = DATE '2024-05-16'"),
    Q("date_plus_day", "SELECT _id, created_at + INTERVAL '1 day' AS next_day FROM users"),
    Q("date_minus_hours", "SELECT _id, created_at - INTERVAL '3 hours' AS earlier FROM users"),
    Q("date_plus_month", "SELECT _id, created_at + INTERVAL '1 month' AS later FROM users"),
    Q(
        "date_plus_interval_where",
        "SELECT _id FROM users WHERE created_at + INTERVAL '7 days' > last_login",
    ),
]

GROUP = [
    Q("group_status", "SELECT status, COUNT(*) AS n FROM users GROUP BY status"),
    Q("group_bool_null_and_missing", "SELECT active, COUNT(*) AS n FROM users GROUP BY active"),
    Q(
        "group_nested",
        "SELECT profile.location.city AS city, COUNT(*) AS n FROM users GROUP BY profile.location.city",
    ),
    Q(
        "group_nested_with_alias",
        "SELECT u.profile.location.city AS city, COUNT(*) AS n FROM users u GROUP BY u.profile.location.city",
    ),
    Q("group_by_output_alias", "SELECT status AS s, COUNT(*) AS n FROM users GROUP BY s"),
    Q(
        "group_two_keys",
        "SELECT status, active, COUNT(*) AS n, SUM(visits) AS v FROM users GROUP BY status, active",
    ),
    Q("group_int_division", "SELECT age / 10 AS decade, COUNT(*) AS n FROM users GROUP BY age / 10"),
    Q("group_lower", "SELECT LOWER(status) AS s, COUNT(*) AS n FROM users GROUP BY LOWER(status)"),
    Q(
        "group_case",
        "SELECT CASE WHEN age < 40 THEN 'young' ELSE 'old' END AS bucket, COUNT(*) AS n FROM users "
        "GROUP BY CASE WHEN age < 40 THEN 'young' ELSE 'old' END",
    ),
    Q(
        "group_date_trunc_hour",
        "SELECT DATE_TRUNC('hour', ts) AS h, COUNT(*) AS n FROM events "
        "WHERE ts < TIMESTAMP '2024-01-04' GROUP BY DATE_TRUNC('hour', ts)",
    ),
    Q(
        "group_date_trunc_day",
        "SELECT DATE_TRUNC('day', ts) AS day, COUNT(*) AS n, SUM(value) AS total FROM events "
        "GROUP BY DATE_TRUNC('day', ts)",
    ),
    Q(
        "group_date_trunc_week",
        "SELECT DATE_TRUNC('week', ts) AS wk, COUNT(*) AS n, AVG(duration) AS d FROM events "
        "GROUP BY DATE_TRUNC('week', ts)",
    ),
    Q(
        "group_date_trunc_month",
        "SELECT DATE_TRUNC('month', created_at) AS m, COUNT(*) AS n, MAX(score) AS best FROM users "
        "GROUP BY DATE_TRUNC('month', created_at)",
    ),
    Q(
        "group_date_trunc_month_kind",
        "SELECT DATE_TRUNC('month', ts) AS m, kind, SUM(value) AS total FROM events "
        "GROUP BY DATE_TRUNC('month', ts), kind",
    ),
    Q(
        "group_extract_month",
        "SELECT EXTRACT(MONTH FROM created_at) AS m, COUNT(*) AS n FROM users "
        "GROUP BY EXTRACT(MONTH FROM created_at)",
        exact_types=False,
    ),
    Q(
        "group_kind_aggs",
        "SELECT kind, COUNT(*) AS n, COUNT(value) AS nv, SUM(value) AS s, AVG(value) AS a, "
        "MIN(duration) AS lo, MAX(duration) AS hi FROM events GROUP BY kind",
    ),
    Q(
        "group_device",
        "SELECT device.os AS os, kind, COUNT(*) AS n FROM events GROUP BY device.os, kind",
    ),
    Q("group_where", "SELECT status, COUNT(*) AS n FROM users WHERE age > 40 GROUP BY status"),
    Q("group_without_aggregate", "SELECT status FROM users GROUP BY status"),
    Q("having_selected", "SELECT status, COUNT(*) AS n FROM users GROUP BY status HAVING COUNT(*) > 60"),
    Q("having_unselected", "SELECT status FROM users GROUP BY status HAVING AVG(age) > 48"),
    Q("having_unselected_sum", "SELECT kind FROM events GROUP BY kind HAVING SUM(duration) > 325000"),
    Q(
        "having_two_aggregates",
        "SELECT user_id, COUNT(*) AS n FROM events GROUP BY user_id HAVING MAX(value) > 900 AND COUNT(*) > 14",
    ),
    Q(
        "having_group_key",
        "SELECT status, COUNT(*) AS n FROM users GROUP BY status HAVING status <> 'active'",
    ),
    Q(
        "having_aggregate_expression",
        "SELECT status, SUM(visits) AS v FROM users GROUP BY status HAVING SUM(visits) / COUNT(*) > 100",
    ),
    Q(
        "group_where_having_order",
        "SELECT kind, COUNT(*) AS n FROM events WHERE value > 100 GROUP BY kind HAVING COUNT(*) > 10 "
        "ORDER BY n DESC, kind",
    ),
    Q(
        "group_empty_input",
        "SELECT status, COUNT(*) AS n FROM users WHERE age > 1000 GROUP BY status",
    ),
]

AGGREGATES = [
    Q("agg_count_star", "SELECT COUNT(*) AS n FROM users"),
    Q(
        "agg_int",
        "SELECT COUNT(age) AS c, SUM(age) AS s, AVG(age) AS a, MIN(age) AS lo, MAX(age) AS hi FROM users",
    ),
    Q(
        "agg_float",
        "SELECT COUNT(score) AS c, SUM(score) AS s, AVG(score) AS a, MIN(score) AS lo, MAX(score) AS hi FROM users",
    ),
    Q(
        "agg_mixed_numeric",
        "SELECT SUM(amount) AS s, AVG(amount) AS a, MIN(amount) AS lo, MAX(amount) AS hi FROM users",
    ),
    Q("agg_sum_int_type", "SELECT SUM(visits) AS s FROM users"),
    Q("agg_min_max_str", "SELECT MIN(username) AS lo, MAX(username) AS hi FROM users"),
    Q("agg_min_max_date", "SELECT MIN(created_at) AS lo, MAX(created_at) AS hi FROM users"),
    Q("agg_max_nested", "SELECT MAX(profile.rating) AS r, COUNT(profile.rating) AS c FROM users"),
    Q("agg_count_distinct", "SELECT COUNT(DISTINCT status) AS n FROM users"),
    Q("agg_count_distinct_nested", "SELECT COUNT(DISTINCT profile.location.city) AS n FROM users"),
    Q(
        "agg_count_distinct_grouped",
        "SELECT kind, COUNT(DISTINCT user_id) AS users FROM events GROUP BY kind",
    ),
    # DISTINCT aggregates of one value beside decomposable ones run as two $group stages
    # (leaf_dagster/sql/eager.py: distinct_in_two_phases); NULL and missing values are in the data.
    Q(
        "agg_distinct_two_phases",
        "SELECT status, COUNT(DISTINCT age) AS d, SUM(DISTINCT age) AS sd, AVG(DISTINCT age) AS ad, "
        "COUNT(*) AS n, COUNT(age) AS c, SUM(score) AS s, AVG(age) AS a, MIN(score) AS lo, MAX(age) AS hi "
        "FROM users GROUP BY status",
    ),
    Q(
        "agg_distinct_two_phases_no_group",
        "SELECT COUNT(DISTINCT status) AS d, MIN(status) AS lo, COUNT(*) AS n, AVG(score) AS a FROM users",
    ),
    Q(
        "agg_distinct_two_phases_empty",
        "SELECT COUNT(DISTINCT status) AS d, SUM(age) AS s, AVG(age) AS a, COUNT(*) AS n FROM nobody",
    ),
    Q(
        "agg_distinct_two_phases_where_none",
        "SELECT status, COUNT(DISTINCT age) AS d, AVG(age) AS a FROM users WHERE age IS NULL GROUP BY status",
    ),
    Q(
        "agg_distinct_two_phases_array",
        "SELECT status, ARRAY_AGG(DISTINCT age ORDER BY age) AS ages, COUNT(DISTINCT age) AS d, COUNT(*) AS n "
        "FROM users GROUP BY status",
    ),
    Q(
        "agg_distinct_two_phases_expression_key",
        "SELECT age / 10 AS decade, COUNT(DISTINCT status) AS d, MAX(score) AS hi FROM users GROUP BY 1",
    ),
    Q(
        "agg_empty_where",
        "SELECT COUNT(*) AS n, COUNT(age) AS c, SUM(age) AS s, AVG(age) AS a, MIN(age) AS lo, MAX(age) AS hi "
        "FROM users WHERE age > 1000",
    ),
    Q("agg_empty_collection", "SELECT COUNT(*) AS n, COUNT(age) AS c, SUM(visits) AS s FROM nobody"),
    Q(
        "agg_empty_collection_more",
        "SELECT COUNT(DISTINCT status) AS d, STDDEV_POP(age) AS sp, BOOL_AND(active) AS ba, "
        "STRING_AGG(username, ',') AS names, ARRAY_AGG(age) AS ages FROM nobody",
    ),
    Q("agg_sum_all_null", "SELECT SUM(score) AS s, COUNT(score) AS c FROM users WHERE score IS NULL"),
    Q(
        "agg_array_agg",
        "SELECT status, ARRAY_AGG(age) AS ages FROM users GROUP BY status",
        unordered={"ages": None},
    ),
    Q(
        "agg_array_agg_str",
        "SELECT kind, ARRAY_AGG(device.os) AS oses FROM events WHERE user_id < 5 GROUP BY kind",
        unordered={"oses": None},
    ),
    Q(
        "agg_string_agg",
        "SELECT status, STRING_AGG(username, ',') AS names FROM users GROUP BY status",
        unordered={"names": ","},
    ),
    Q(
        "agg_string_agg_skips_null",
        "SELECT active, STRING_AGG(email, ';') AS emails FROM users GROUP BY active",
        unordered={"emails": ";"},
    ),
    Q("agg_stddev", "SELECT STDDEV_POP(age) AS p, STDDEV_SAMP(age) AS s FROM users"),
    Q(
        "agg_stddev_grouped",
        "SELECT kind, STDDEV_POP(value) AS p, STDDEV_SAMP(value) AS s FROM events GROUP BY kind",
    ),
    Q(
        "agg_stddev_single_row",
        "SELECT _id, STDDEV_SAMP(visits) AS s, STDDEV_POP(visits) AS p FROM users GROUP BY _id",
    ),
    Q(
        "agg_bool",
        "SELECT status, BOOL_AND(active) AS all_on, BOOL_OR(active) AS any_on FROM users GROUP BY status",
    ),
    Q("agg_bool_expression", "SELECT BOOL_AND(age > 17) AS a, BOOL_OR(age > 79) AS o FROM users"),
    Q("agg_sum_case", "SELECT SUM(CASE WHEN active THEN 1 ELSE 0 END) AS n_active FROM users"),
    L("agg_over_items0", "SELECT SUM(items[0].price * items[0].qty) AS revenue FROM users"),
    Q("agg_integer_division", "SELECT SUM(visits) / COUNT(*) AS avg_int FROM users"),
    Q("agg_spread", "SELECT status, MAX(age) - MIN(age) AS spread FROM users GROUP BY status"),
    Q("agg_round_avg_int", "SELECT status, ROUND(AVG(age)) AS a FROM users GROUP BY status"),
    Q("agg_ratio", "SELECT COUNT(age) * 1.0 / COUNT(*) AS ratio FROM users"),
]

SCALARS = [
    Q(
        "case_searched",
        "SELECT _id, CASE WHEN age < 30 THEN 'young' WHEN age < 60 THEN 'mid' ELSE 'old' END AS b FROM users",
    ),
    Q("case_no_else", "SELECT _id, CASE WHEN score > 50 THEN 'high' END AS b FROM users"),
    Q(
        "case_simple",
        "SELECT _id, CASE status WHEN 'active' THEN 1 WHEN 'inactive' THEN 0 ELSE -1 END AS s FROM users",
    ),
    Q(
        "case_simple_bool",
        "SELECT _id, CASE active WHEN TRUE THEN 'y' WHEN FALSE THEN 'n' END AS a FROM users",
    ),
    Q("case_in_where", "SELECT _id FROM users WHERE CASE WHEN age IS NULL THEN visits ELSE age END > 60"),
    Q("coalesce_int", "SELECT _id, COALESCE(age, 0) AS a FROM users"),
    Q("coalesce_str", "SELECT _id, COALESCE(email, username) AS contact FROM users"),
    Q(
        "coalesce_nested",
        "SELECT _id, COALESCE(profile.location.city, profile.location.state, 'unknown') AS place FROM users",
    ),
    Q("coalesce_float", "SELECT _id, COALESCE(score, amount, 0.0) AS v FROM users"),
    Q("nullif_str", "SELECT _id, NULLIF(status, 'active') AS s FROM users"),
    Q("nullif_int_division", "SELECT _id, visits / NULLIF(delta, 0) AS r FROM users"),
    Q("cast_int_to_text", "SELECT _id, CAST(age AS TEXT) AS t FROM users"),
    Q("cast_text_to_int", "SELECT _id, CAST(code AS INTEGER) AS c FROM users"),
    Q("cast_text_to_int_arith", "SELECT _id, CAST(code AS INT) + 1 AS c FROM users"),
    Q("cast_float_to_int", "SELECT _id, CAST(score AS INTEGER) AS i FROM users"),
    Q("cast_mixed_to_int", "SELECT _id, CAST(amount AS INTEGER) AS i FROM users"),
    Q("cast_bigint", "SELECT _id, CAST(age AS BIGINT) AS i FROM users"),
    Q(
        "cast_int_to_float",
        "SELECT _id, CAST(visits AS FLOAT) / 8 AS f FROM users",
        duck="SELECT _id, CAST(visits AS DOUBLE) / 8 AS f FROM users",
    ),
    Q("cast_double_precision", "SELECT _id, CAST(age AS DOUBLE PRECISION) / 3 AS f FROM users"),
    Q("cast_text_to_date", "SELECT _id, CAST('2024-03-05' AS DATE) AS d FROM events WHERE _id <= 2"),
    Q("cast_timestamp_to_date", "SELECT _id, CAST(created_at AS DATE) AS d FROM users"),
    Q(
        "cast_text_to_timestamp",
        "SELECT _id, CAST('2024-03-05 10:11:12' AS TIMESTAMP) AS t FROM events WHERE _id <= 2",
    ),
    Q("cast_timestamp_to_text", "SELECT _id, CAST(created_at AS TEXT) AS t FROM users"),
    Q("cast_bool_to_int", "SELECT _id, CAST(active AS INTEGER) AS i FROM users"),
    Q("cast_int_to_bool", "SELECT _id, CAST(delta AS BOOLEAN) AS b FROM users"),
    Q(
        "cast_text_to_bool",
        "SELECT _id, CAST('true' AS BOOLEAN) AS t, CAST('f' AS BOOLEAN) AS f FROM events WHERE _id <= 2",
    ),
    Q("cast_bool_to_text", "SELECT _id, CAST(visits > 100 AS TEXT) AS t FROM users"),
    Q("cast_colon_syntax", "SELECT _id, age::text AS t, code::int AS c FROM users"),
    Q("arith_add_sub", "SELECT _id, visits + delta AS a, visits - delta AS s FROM users"),
    Q("arith_mul", "SELECT _id, visits * delta AS m FROM users"),
    Q("arith_int_division", "SELECT _id, visits / 7 AS d FROM users"),
    Q("arith_int_division_negative", "SELECT _id, delta / 7 AS d FROM users"),
    Q("arith_modulo", "SELECT _id, visits % 7 AS m, delta % 7 AS n FROM users"),
    Q("arith_float_division", "SELECT _id, score / 4 AS q FROM users"),
    Q("arith_int_by_decimal", "SELECT _id, visits / 4.0 AS q FROM users"),
    Q("arith_mixed", "SELECT _id, amount * 2 AS twice FROM users"),
    Q("arith_unary_minus", "SELECT _id, -score AS neg FROM users"),
    Q("arith_precedence", "SELECT _id, visits + age * 2 AS p, (visits + 1) * (age - 1) AS q FROM users"),
    Q("arith_null_propagates", "SELECT _id, age + score AS s FROM users"),
    Q("round_float", "SELECT _id, ROUND(score) AS r FROM users"),
    # PostgreSQL spells this ROUND(score::numeric, 1); the data has no ties, so both readings agree.
    Q("round_float_digits", "SELECT _id, ROUND(score, 1) AS r FROM users"),
    Q(
        "round_ties_literal",
        "SELECT _id, ROUND(2.5) AS a, ROUND(-2.5) AS b, ROUND(0.125, 2) AS c FROM events WHERE _id = 1",
    ),
    Q("round_int_by_decimal", "SELECT _id, ROUND(age / 7.0, 2) AS r FROM users"),
    Q("abs", "SELECT _id, ABS(delta) AS a, ABS(score) AS b FROM users"),
    Q("floor_ceil", "SELECT _id, FLOOR(score) AS f, CEIL(score) AS c, CEILING(amount) AS c2 FROM users"),
    Q("lower_upper", "SELECT _id, LOWER(username) AS l, UPPER(username) AS u FROM users"),
    Q("concat_op", "SELECT _id, username || '!' AS x, status || '-' || username AS y FROM users"),
    Q("concat_op_null", "SELECT _id, username || email AS x FROM users"),
    Q("concat_op_int", "SELECT _id, 'n=' || age AS x FROM users"),
    Q("concat_function", "SELECT _id, CONCAT(status, '-', age) AS x FROM users"),
    Q("concat_function_nulls", "SELECT _id, CONCAT(email, NULL, '|') AS x FROM users"),
    Q("length", "SELECT _id, LENGTH(username) AS n, LENGTH(notes) AS m FROM users"),
    Q("length_unicode", "SELECT _id, LENGTH(profile.first_name) AS n FROM users"),
    Q("substring_args", "SELECT _id, SUBSTRING(username, 2, 3) AS s FROM users"),
    Q("substring_from_for", "SELECT _id, SUBSTRING(username FROM 1 FOR 4) AS s FROM users"),
    Q("substring_unicode_tail", "SELECT _id, SUBSTRING(profile.first_name, 2) AS s FROM users"),
    Q("substring_zero_start", "SELECT _id, SUBSTRING(username, 0, 3) AS s FROM users"),
    Q("trim", "SELECT _id, TRIM(notes) AS t FROM users"),
    Q("replace", "SELECT _id, REPLACE(username, '.', '-') AS r, REPLACE(email, '@', ' at ') AS e FROM users"),
    Q(
        "string_composition",
        "SELECT _id, UPPER(SUBSTRING(username, 1, 3)) || LOWER(status) AS x FROM users",
    ),
    Q(
        "string_function_in_where",
        "SELECT _id FROM users WHERE LOWER(status) = 'active' AND LENGTH(username) > 5",
    ),
    Q(
        "extract_parts",
        "SELECT _id, EXTRACT(YEAR FROM created_at) AS y, EXTRACT(MONTH FROM created_at) AS m, "
        "EXTRACT(DAY FROM created_at) AS d, EXTRACT(HOUR FROM created_at) AS h, "
        "EXTRACT(MINUTE FROM created_at) AS mi FROM users",
        exact_types=False,
    ),
    Q(
        "extract_dow_doy",
        "SELECT _id, EXTRACT(DOW FROM ts) AS dow, EXTRACT(DOY FROM ts) AS doy, EXTRACT(ISODOW FROM ts) AS idow "
        "FROM events",
        exact_types=False,
    ),
    Q(
        "extract_week_quarter",
        "SELECT _id, EXTRACT(WEEK FROM created_at) AS w, EXTRACT(QUARTER FROM created_at) AS q FROM users",
        exact_types=False,
    ),
    Q(
        "extract_second_fraction",
        "SELECT _id, EXTRACT(SECOND FROM ts) AS s FROM events",
        duck="SELECT _id, DATE_PART('millisecond', ts) / 1000.0 AS s FROM events",
    ),
    Q("extract_epoch", "SELECT _id, EXTRACT(EPOCH FROM ts) AS e FROM events"),
    # DATE_PART is double precision in PostgreSQL, an integer in DuckDB.
    Q(
        "date_part",
        "SELECT _id, DATE_PART('hour', ts) AS h, DATE_PART('day', ts) AS d FROM events",
        exact_types=False,
    ),
    Q("extract_in_where", "SELECT _id FROM events WHERE EXTRACT(DOW FROM ts) = 0"),
    Q(
        "date_trunc_select",
        "SELECT _id, DATE_TRUNC('hour', ts) AS h, DATE_TRUNC('day', ts) AS d, DATE_TRUNC('week', ts) AS w, "
        "DATE_TRUNC('month', ts) AS m FROM events",
    ),
    Q("date_trunc_where", "SELECT _id FROM events WHERE DATE_TRUNC('month', ts) = TIMESTAMP '2024-02-01'"),
    Q("cardinality", "SELECT _id, CARDINALITY(tags) AS n, CARDINALITY(items) AS m FROM users"),
    Q(
        "array_length_nonempty",
        "SELECT _id, ARRAY_LENGTH(tags, 1) AS n FROM users WHERE CARDINALITY(tags) > 0",
    ),
    Q(
        "array_length_empty_is_null",
        "SELECT _id, ARRAY_LENGTH(tags, 1) AS n FROM users",
        duck="SELECT _id, CASE WHEN len(tags) = 0 THEN NULL ELSE len(tags) END AS n FROM users",
    ),
    Q("cardinality_where", "SELECT _id FROM users WHERE CARDINALITY(tags) >= 3"),
    Q("cardinality_zero", "SELECT _id FROM users WHERE CARDINALITY(items) = 0"),
]

ORDER = [
    Q("order_asc_nulls_default", "SELECT _id, age FROM users ORDER BY age"),
    Q("order_desc_nulls_default", "SELECT _id, age FROM users ORDER BY age DESC"),
    Q("order_nulls_first", "SELECT _id, age FROM users ORDER BY age NULLS FIRST"),
    Q("order_desc_nulls_last", "SELECT _id, age FROM users ORDER BY age DESC NULLS LAST"),
    Q("order_total", "SELECT _id, age FROM users ORDER BY age, _id"),
    Q("order_alias", "SELECT _id, visits * 2 AS v2 FROM users ORDER BY v2 DESC, _id"),
    Q("order_expression", "SELECT _id, visits % 10 AS m FROM users ORDER BY visits % 10, _id"),
    Q(
        "order_nested_path",
        "SELECT _id, profile.location.city AS city FROM users ORDER BY profile.location.city, _id",
    ),
    Q("order_string_case", "SELECT _id, username FROM users ORDER BY username, _id"),
    Q("order_date_desc", "SELECT _id, created_at FROM users ORDER BY created_at DESC, _id"),
    Q("order_mixed_directions", "SELECT _id, status, age FROM users ORDER BY status ASC, age DESC, _id"),
    Q("order_boolean", "SELECT _id, active FROM users ORDER BY active, _id"),
    Q("order_float_desc", "SELECT _id, score FROM users ORDER BY score DESC, _id"),
    Q("order_mixed_numeric", "SELECT _id, amount FROM users ORDER BY amount, _id"),
    Q(
        "order_aggregate_alias",
        "SELECT status, COUNT(*) AS n FROM users GROUP BY status ORDER BY n DESC, status",
    ),
    Q(
        "order_aggregate_expression",
        "SELECT kind, SUM(value) AS s FROM events GROUP BY kind ORDER BY SUM(value) DESC",
    ),
    Q("order_distinct", "SELECT DISTINCT status FROM users ORDER BY status"),
    Q(
        "order_date_trunc_group",
        "SELECT DATE_TRUNC('week', ts) AS wk, COUNT(*) AS n FROM events GROUP BY DATE_TRUNC('week', ts) ORDER BY wk",
    ),
    Q("order_limit_nulls_first", "SELECT _id, score FROM users ORDER BY score DESC, _id LIMIT 10"),
    Q("order_limit_offset", "SELECT _id, username FROM users ORDER BY _id LIMIT 5 OFFSET 10"),
    Q("limit_zero", "SELECT _id FROM users ORDER BY _id LIMIT 0"),
    Q("offset_tail", "SELECT _id FROM users ORDER BY _id OFFSET 395"),
    Q("limit_beyond", "SELECT _id FROM events ORDER BY _id LIMIT 1000"),
    Q("limit_group", "SELECT status, COUNT(*) AS n FROM users GROUP BY status ORDER BY status LIMIT 3"),
    Q(
        "limit_group_offset",
        "SELECT kind, COUNT(*) AS n FROM events GROUP BY kind ORDER BY kind LIMIT 2 OFFSET 1",
    ),
    Q(
        "order_where_limit",
        "SELECT _id, age FROM users WHERE active ORDER BY age DESC NULLS LAST, _id LIMIT 7",
    ),
]

PARAMS = [
    Q("param_int", "SELECT _id FROM users WHERE age > :min_age", params={"min_age": 40}),
    Q("param_str", "SELECT _id FROM users WHERE status = :status", params={"status": "pending"}),
    Q(
        "param_datetime",
        "SELECT _id FROM users WHERE created_at >= :since",
        params={"since": datetime(2024, 5, 1)},
    ),
    Q(
        "param_injection_text",
        "SELECT _id FROM users WHERE username = :name",
        params={"name": "x' OR '1'='1"},
    ),
    Q("param_metachar_value", "SELECT _id FROM users WHERE username = :name", params={"name": "a.b"}),
    Q("param_like_pattern", "SELECT _id FROM users WHERE username LIKE :pat", params={"pat": "a_b"}),
    Q("param_in_list", "SELECT _id FROM users WHERE age IN (:a, :b)", params={"a": 25, "b": 50}),
    Q("param_float", "SELECT _id FROM users WHERE score > :x", params={"x": 80.5}),
    Q("param_bool", "SELECT _id FROM users WHERE active = :flag", params={"flag": False}),
    Q("param_in_select", "SELECT :label AS label, COUNT(*) AS n FROM users", params={"label": "all"}),
    Q(
        "param_and_now",
        "SELECT _id FROM users WHERE created_at > NOW() - INTERVAL '60 days' AND visits > :v",
        params={"v": 100},
        now=NOW,
    ),
]

# NULL through every kind of expression, in projections where no WHERE hides it (three-valued logic).
NULLS = [
    Q("null_comparison_in_select", "SELECT _id, age > 30 AS old, age = visits AS same FROM users"),
    Q("null_not_in_select", "SELECT _id, NOT active AS na FROM users"),
    Q("null_and_or_in_select", "SELECT _id, active AND age > 40 AS a, active OR age > 70 AS o FROM users"),
    Q(
        "null_predicates_in_select",
        "SELECT _id, age IN (20, 30) AS i, age IS NULL AS n, email LIKE '%.org' AS l, "
        "age BETWEEN 30 AND 40 AS b FROM users",
    ),
    Q("null_case_not", "SELECT _id, CASE WHEN NOT (age > 30) THEN 'le30' END AS c FROM users"),
    Q("null_coalesce_all_null", "SELECT _id, COALESCE(email, notes) AS c FROM users"),
    Q("null_substring", "SELECT _id, SUBSTRING(email, 1, 3) AS s FROM users"),
    Q("null_upper_lower", "SELECT _id, UPPER(email) AS u, LOWER(status) AS l FROM users"),
    Q("null_extract", "SELECT _id, EXTRACT(YEAR FROM last_login) AS y FROM users", exact_types=False),
    Q("null_date_trunc", "SELECT _id, DATE_TRUNC('day', last_login) AS d FROM users"),
    Q("null_date_plus_interval", "SELECT _id, last_login + INTERVAL '1 day' AS d FROM users"),
    Q(
        "null_round_floor_mixed",
        "SELECT _id, ROUND(amount) AS r, FLOOR(amount) AS f, CEIL(delta) AS c FROM users",
    ),
    Q("null_unary_minus_int", "SELECT _id, -age AS n FROM users"),
    Q("null_int_division_precedence", "SELECT _id, visits / 2 * 2 AS v, age / 3 + score AS w FROM users"),
    Q("where_not_like_null", "SELECT _id FROM users WHERE NOT (email LIKE '%@mail.org')"),
    Q("where_not_like_operator_null", "SELECT _id FROM users WHERE email NOT LIKE '%@mail.org'"),
    Q("where_not_between_null", "SELECT _id FROM users WHERE NOT (age BETWEEN 30 AND 40)"),
    Q("where_not_is_null", "SELECT _id FROM users WHERE NOT (age IS NULL)"),
    Q("where_not_in_single", "SELECT _id FROM users WHERE NOT (status IN ('active'))"),
    Q("where_bool_is_null", "SELECT _id FROM users WHERE active IS NULL"),
    Q("where_not_list_is_null", "SELECT _id FROM users WHERE NOT (tags IS NULL)"),
    Q("where_date_is_null", "SELECT _id FROM users WHERE created_at IS NULL"),
    Q("where_bool_equals_comparison", "SELECT _id FROM users WHERE (age > 50) = active"),
    Q("where_nested_ne", "SELECT _id FROM users WHERE profile.rating <> 3"),
    Q("where_literal_false", "SELECT COUNT(*) AS n FROM users WHERE 1 = 0"),
]

MORE = [
    L("where_tags0", "SELECT _id FROM users WHERE tags[0] = 'python'"),
    L("where_items0_like", "SELECT _id FROM users WHERE items[0].sku LIKE 'A%'"),
    L("agg_count_distinct_item", "SELECT COUNT(DISTINCT items[0].sku) AS n FROM users"),
    L("agg_max_item", "SELECT status, MAX(items[0].price) AS p FROM users GROUP BY status"),
    Q("where_in_metachars", "SELECT _id FROM users WHERE username IN ('a.b', 'x*y', '(paren)')"),
    Q("where_unicode_eq", "SELECT _id FROM users WHERE profile.first_name = 'José'"),
    Q("upper_non_ascii", "SELECT _id, UPPER(profile.first_name) AS u FROM users"),
    Q(
        "agg_conditional_avg",
        "SELECT status, AVG(CASE WHEN active THEN score END) AS a FROM users GROUP BY status",
    ),
    Q(
        "agg_count_case",
        "SELECT COUNT(CASE WHEN active THEN 1 END) AS n, MIN(CASE WHEN age > 60 THEN username END) AS m FROM users",
    ),
    Q("agg_nested_expression", "SELECT AVG(profile.rating * 2) AS r FROM users"),
    Q(
        "agg_count_list_and_struct",
        "SELECT COUNT(tags) AS t, COUNT(profile) AS p, COUNT(items) AS i FROM users",
    ),
    Q("having_count_distinct", "SELECT user_id FROM events GROUP BY user_id HAVING COUNT(DISTINCT kind) < 4"),
    Q("select_constant_expression", "SELECT _id, 1 + 1 AS two, 'a' || 'b' AS ab FROM events WHERE _id = 1"),
    Q(
        "select_date_literal",
        "SELECT _id, DATE '2024-01-01' AS d, TIMESTAMP '2024-01-01 10:11:12.5' AS t FROM events WHERE _id = 1",
    ),
    Q("select_distinct_list", "SELECT DISTINCT tags FROM users WHERE CARDINALITY(tags) = 1"),
    Q(
        "date_plus_date_literal",
        "SELECT _id FROM users WHERE created_at < DATE '2023-02-01' + INTERVAL '1 day'",
    ),
    Q(
        "extract_now",
        "SELECT _id, EXTRACT(YEAR FROM NOW()) AS y FROM events WHERE _id = 1",
        now=NOW,
        exact_types=False,
    ),
    Q(
        "extract_in_where_and",
        "SELECT _id FROM users WHERE EXTRACT(YEAR FROM created_at) = 2024 AND EXTRACT(MONTH FROM created_at) IN (1, 2)",
    ),
    Q("interval_compound", "SELECT _id, ts + INTERVAL '1 hour 30 minutes' AS t FROM events"),
    Q("interval_weeks", "SELECT _id, ts - INTERVAL '2 weeks' AS t FROM events"),
    Q("now_minus_month", "SELECT _id FROM users WHERE created_at >= NOW() - INTERVAL '1 month'", now=NOW),
    Q("order_unselected_key_limit", "SELECT _id FROM users ORDER BY age DESC, _id LIMIT 5"),
    Q(
        "order_count_limit",
        "SELECT status, COUNT(*) AS n FROM users GROUP BY status ORDER BY COUNT(*) DESC LIMIT 2",
    ),
    Q(
        "order_distinct_limit",
        "SELECT DISTINCT profile.location.city AS c FROM users ORDER BY c DESC LIMIT 3",
    ),
    Q(
        "order_nested_nulls_first_limit",
        "SELECT _id, profile.rating AS r FROM users ORDER BY profile.rating NULLS FIRST, _id LIMIT 60",
    ),
    Q(
        "order_date_trunc_limit",
        "SELECT DATE_TRUNC('day', ts) AS d, SUM(value) AS s FROM events GROUP BY DATE_TRUNC('day', ts) ORDER BY s DESC LIMIT 5",
    ),
    Q("order_case", "SELECT _id, CASE WHEN age > 50 THEN 1 ELSE 2 END AS g FROM users ORDER BY g, _id"),
    Q("order_boolean_expression", "SELECT _id, visits > 100 AS many FROM users ORDER BY many DESC, _id"),
    Q(
        "select_star_nested_order_limit",
        "SELECT * FROM users ORDER BY profile.location.city DESC, _id LIMIT 5",
    ),
    L("select_star_where_item", "SELECT * FROM users WHERE items[0].price > 250"),
    Q("select_star_order_limit", "SELECT * FROM events ORDER BY ts DESC LIMIT 5"),
    Q("param_in_arithmetic", "SELECT _id, visits * :k AS v FROM users", params={"k": 3}),
    Q("param_null", "SELECT _id FROM users WHERE age = :a", params={"a": None}),
    # Found by the hypothesis grammar; kept as fixed cases.
    Q(
        "group_constant_expression",
        "SELECT LOWER('X') AS k, COUNT(*) AS n FROM users GROUP BY LOWER('X')",
    ),
    Q(
        "group_constant_expression_empty",
        "SELECT LOWER('X') AS k, COUNT(*) AS n FROM users WHERE age > 1000 GROUP BY LOWER('X')",
    ),
    Q(
        "group_coalesce_constant_first",
        "SELECT COALESCE(12, score) AS k, COUNT(*) AS n FROM users GROUP BY COALESCE(12, score)",
    ),
    # GROUP BY a name prefers the input column over an output alias of the same name (PostgreSQL).
    Q(
        "group_by_name_prefers_input_column",
        "SELECT status AS k, COUNT(*) AS c, SUM(visits) AS status FROM users GROUP BY status",
    ),
    Q(
        "group_by_name_shadowed_by_alias",
        "SELECT LOWER(status) AS status, COUNT(*) AS c FROM users GROUP BY status",
    ),
    # WHERE and aggregate arguments read input columns, never output aliases.
    Q("where_ignores_output_alias", "SELECT _id, -age AS age FROM users WHERE age > 70"),
    Q("where_ignores_other_alias", "SELECT _id, visits * 2 AS age FROM users WHERE age > 70"),
    Q(
        "aggregate_ignores_output_alias",
        "SELECT status AS visits, SUM(visits) AS s FROM users GROUP BY status",
    ),
    # An element past the end of a list (or of no list) is NULL, one group with the NULL elements.
    L("group_by_list_element", "SELECT tags[1] AS k, COUNT(*) AS n FROM users GROUP BY tags[1]"),
    L(
        "group_by_nullif_list_element",
        "SELECT NULLIF(tags[3], 'zz') AS k, COUNT(*) AS n FROM users GROUP BY NULLIF(tags[3], 'zz')",
    ),
    L("distinct_list_element", "SELECT DISTINCT tags[2] AS t FROM users"),
    L("group_by_item_field", "SELECT items[1].sku AS k, COUNT(*) AS n FROM users GROUP BY items[1].sku"),
    # The same column, qualified on one side and not on the other.
    Q("group_qualified_select_plain_key", "SELECT u.status, COUNT(*) AS n FROM users u GROUP BY status"),
    Q("group_plain_select_qualified_key", "SELECT status, COUNT(*) AS n FROM users u GROUP BY u.status"),
    Q(
        "group_nested_mixed_qualification",
        "SELECT profile.location.city AS c, COUNT(*) AS n FROM users u GROUP BY u.profile.location.city",
    ),
    Q(
        "group_coalesce_field",
        "SELECT COALESCE(age, 0) AS k, COUNT(*) AS n FROM users GROUP BY COALESCE(age, 0)",
    ),
]

EDGES = [
    Q(
        "agg_all_null_group",
        "SELECT status, SUM(CASE WHEN age > 100 THEN visits END) AS s, AVG(CASE WHEN age > 100 THEN score END) AS a, "
        "MIN(CASE WHEN age > 100 THEN username END) AS lo, MAX(CASE WHEN age > 100 THEN created_at END) AS hi, "
        "STDDEV_POP(CASE WHEN age > 100 THEN score END) AS sd, COUNT(DISTINCT CASE WHEN age > 100 THEN age END) AS d "
        "FROM users GROUP BY status",
    ),
    Q(
        "agg_all_null_group_text_bool",
        "SELECT status, STRING_AGG(CASE WHEN age > 100 THEN username END, ',') AS names, "
        "BOOL_AND(CASE WHEN age > 100 THEN active END) AS b, BOOL_OR(CASE WHEN age > 100 THEN active END) AS o "
        "FROM users GROUP BY status",
    ),
    Q(
        "agg_arithmetic_of_aggregates",
        "SELECT SUM(visits) + SUM(delta) AS s, COUNT(*) - COUNT(age) AS missing FROM users",
    ),
    Q(
        "agg_date_arithmetic",
        "SELECT kind, MAX(ts) - INTERVAL '1 day' AS before_last, DATE_TRUNC('day', MIN(ts)) AS first_day "
        "FROM events GROUP BY kind",
    ),
    Q("group_key_not_selected", "SELECT status, COUNT(*) AS n FROM users GROUP BY status, active"),
    Q("group_key_inside_expression", "SELECT status || '!' AS s, COUNT(*) AS n FROM users GROUP BY status"),
    Q(
        "group_expression_inside_expression",
        "SELECT age / 10 * 10 AS decade, COUNT(*) AS n FROM users GROUP BY age / 10",
    ),
    Q("group_cast_date", "SELECT CAST(ts AS DATE) AS d, COUNT(*) AS n FROM events GROUP BY CAST(ts AS DATE)"),
    Q("count_distinct_expression", "SELECT COUNT(DISTINCT age / 10) AS n FROM users"),
    Q(
        "order_unselected_aggregate_limit",
        "SELECT status FROM users GROUP BY status ORDER BY COUNT(*) DESC, status LIMIT 3",
    ),
    Q("order_alias_shadows_column", "SELECT _id, -visits AS visits FROM users ORDER BY visits, _id"),
    Q(
        "order_expression_uses_input_column",
        "SELECT _id, -visits AS visits FROM users ORDER BY visits + 0, _id LIMIT 10",
    ),
    Q("order_string_desc_nulls", "SELECT _id, email FROM users ORDER BY email DESC, _id"),
    Q("like_three_underscores", "SELECT _id, username FROM users WHERE username LIKE '___'"),
    Q("like_unicode_underscore", "SELECT _id FROM users WHERE profile.first_name LIKE 'Zo_'"),
    Q("ilike_unicode_text", "SELECT _id FROM users WHERE profile.first_name ILIKE 'chlo%'"),
    Q("substring_from_only", "SELECT _id, SUBSTRING(username FROM 3) AS s FROM users"),
    Q("length_of_trim", "SELECT _id, LENGTH(TRIM(notes)) AS n FROM users"),
    Q("replace_percent", "SELECT _id, REPLACE(username, '%', ' pct ') AS r FROM users"),
    Q("concat_timestamp", "SELECT _id, CONCAT('d=', created_at) AS c FROM users"),
    Q("concat_bool_op", "SELECT _id, 'x' || active AS c FROM users"),
    Q("cast_float_to_text", "SELECT _id, CAST(score AS TEXT) AS t FROM users WHERE score <> FLOOR(score)"),
    Q(
        "cast_identity_timestamp",
        "SELECT _id, CAST(created_at AS TIMESTAMP) AS t, created_at::date AS d FROM users",
    ),
    Q("where_between_reversed", "SELECT _id FROM users WHERE age BETWEEN 40 AND 30"),
    Q("where_not_in_str_null", "SELECT _id FROM users WHERE status NOT IN ('active', NULL)"),
    Q("where_in_mixed_numbers", "SELECT _id FROM users WHERE score IN (53.56, 12, -12.29)"),
    Q("where_int_vs_float_literal", "SELECT _id FROM users WHERE age > 30.5"),
    Q("where_int_vs_string_literal", "SELECT _id FROM users WHERE age = '30'"),
    Q("where_bool_vs_string_literal", "SELECT _id FROM users WHERE active = 'true'"),
    Q("where_bool_ne_true", "SELECT _id FROM users WHERE active <> TRUE"),
    Q("where_float_equality", "SELECT _id FROM users WHERE score = 53.56"),
    Q("where_struct_member_is_null", "SELECT _id FROM users WHERE profile.location IS NULL"),
    Q("where_empty_list", "SELECT _id FROM users WHERE items IS NOT NULL AND CARDINALITY(items) = 0"),
    L("where_tags0_is_null", "SELECT _id FROM users WHERE tags[0] IS NULL"),
    Q("where_date_trunc_vs_date", "SELECT _id FROM events WHERE DATE_TRUNC('day', ts) = DATE '2024-02-01'"),
    Q("where_extract_between", "SELECT _id FROM events WHERE EXTRACT(HOUR FROM ts) BETWEEN 9 AND 17"),
    Q("select_id_alias", "SELECT _id AS id, username FROM users"),
    Q("select_whole_nested_struct", "SELECT _id, profile FROM users"),
    L("select_list_element_struct", "SELECT _id, items[0] AS first_item FROM users"),
    Q("select_quoted_identifier", 'SELECT "_id", "username" AS u FROM users'),
    Q("param_reused", "SELECT _id FROM users WHERE age > :x OR visits > :x", params={"x": 75}),
    Q("param_like_metachar", "SELECT _id FROM users WHERE username LIKE :pat", params={"pat": "%$%"}),
    Q("param_limit", "SELECT _id FROM users ORDER BY _id LIMIT :n", params={"n": 4}),
]

# The hand-written boundary collection (datagen.EDGE_*): n is BIGINT, f DOUBLE, s text, d timestamp.
BOUNDARY = [
    Q("edge_star", "SELECT * FROM edge"),
    Q(
        "edge_int_aggregates",
        "SELECT SUM(n) AS s, MIN(n) AS lo, MAX(n) AS hi, AVG(n) AS a, COUNT(DISTINCT n) AS d FROM edge",
    ),
    Q("edge_int_division", "SELECT _id, n / 7 AS q, n % 7 AS r, n / -2 AS h FROM edge"),
    # n holds int32 (integer) and int64 (bigint) values: integer arithmetic leaving int32 is an error
    # as in PostgreSQL (tests/sql/test_numeric_types.py), so the overflow is checked in bigint.
    Q(
        "edge_int_overflow_32",
        "SELECT _id, n::bigint + 1 AS a, n::bigint * 2 AS m, -(n::bigint) AS neg, n::bigint - 1 AS s FROM edge",
    ),
    Q("edge_int_bounds", "SELECT _id FROM edge WHERE n BETWEEN -2147483648 AND 2147483647"),
    Q("edge_int_beyond_32", "SELECT _id FROM edge WHERE n > 2147483647 OR n < -2147483648"),
    Q("edge_int_group_sum", "SELECT b, SUM(n) AS s, COUNT(*) AS c FROM edge GROUP BY b"),
    Q("edge_int_order", "SELECT _id, n FROM edge ORDER BY n DESC"),
    Q("edge_int_to_text", "SELECT _id, CAST(n AS TEXT) AS t, CONCAT(n, '|') AS c FROM edge"),
    Q("edge_float_zero", "SELECT _id FROM edge WHERE f = 0"),
    Q("edge_float_signs", "SELECT _id FROM edge WHERE f < 0 OR f > 1e299"),
    Q("edge_float_distinct", "SELECT COUNT(DISTINCT f) AS d, COUNT(f) AS c FROM edge"),
    Q("edge_float_group", "SELECT f, COUNT(*) AS c FROM edge GROUP BY f"),
    Q("edge_float_order", "SELECT _id, f FROM edge ORDER BY f, _id"),
    Q(
        "edge_float_functions",
        "SELECT _id, ABS(f) AS a, FLOOR(f) AS fl, CEIL(f) AS ce, ROUND(f) AS r FROM edge",
    ),
    Q("edge_float_min_max", "SELECT MIN(f) AS lo, MAX(f) AS hi FROM edge"),
    Q(
        "edge_string_functions",
        "SELECT _id, LOWER(s) AS l, LENGTH(s) AS n, SUBSTRING(s, 7, 1) AS c FROM edge",
    ),
    Q("edge_string_more", "SELECT _id, TRIM(s) AS t, s || '|' AS p, REPLACE(s, 'a', 'A') AS r FROM edge"),
    Q(
        "edge_string_empty",
        "SELECT _id, NULLIF(s, '') AS n, COALESCE(s, 'null') AS c FROM edge WHERE LENGTH(s) < 2",
    ),
    Q("edge_string_order", "SELECT _id, s FROM edge ORDER BY s, _id"),
    Q("edge_string_min_max", "SELECT MIN(s) AS lo, MAX(s) AS hi FROM edge"),
    Q("edge_like_newline", "SELECT _id FROM edge WHERE s LIKE 'a_b'"),
    Q("edge_like_percent_newline", "SELECT _id FROM edge WHERE s LIKE 'a%b'"),
    Q("edge_like_astral", "SELECT _id FROM edge WHERE s LIKE 'emoji _!'"),
    Q("edge_ilike_non_ascii", "SELECT _id FROM edge WHERE s ILIKE 'äöü%'"),
    Q("edge_string_eq_empty", "SELECT _id FROM edge WHERE s = ''"),
    Q(
        "edge_date_parts",
        "SELECT _id, EXTRACT(YEAR FROM d) AS y, EXTRACT(MONTH FROM d) AS m, EXTRACT(DAY FROM d) AS dd, "
        "EXTRACT(DOW FROM d) AS dow, EXTRACT(DOY FROM d) AS doy, EXTRACT(WEEK FROM d) AS w FROM edge",
        exact_types=False,
    ),
    Q("edge_date_epoch", "SELECT _id, EXTRACT(EPOCH FROM d) AS e FROM edge"),
    Q(
        "edge_date_trunc",
        "SELECT _id, DATE_TRUNC('week', d) AS w, DATE_TRUNC('month', d) AS m, DATE_TRUNC('day', d) AS dd, "
        "DATE_TRUNC('hour', d) AS h FROM edge",
    ),
    Q(
        "edge_date_intervals",
        "SELECT _id, d + INTERVAL '1 month' AS m, d + INTERVAL '1 year' AS y, d - INTERVAL '1 day' AS dd, "
        "d + INTERVAL '1 millisecond' AS ms FROM edge",
    ),
    Q("edge_date_casts", "SELECT _id, CAST(d AS DATE) AS dd, CAST(d AS TEXT) AS t FROM edge"),
    Q("edge_date_before_epoch", "SELECT _id FROM edge WHERE d < DATE '1970-01-01'"),
    Q("edge_date_last_ms", "SELECT _id FROM edge WHERE d >= TIMESTAMP '2024-12-31 23:59:59.999'"),
    Q("edge_date_order", "SELECT _id, d FROM edge ORDER BY d DESC"),
    Q(
        "edge_date_group_year",
        "SELECT DATE_TRUNC('month', d) AS m, COUNT(*) AS c FROM edge GROUP BY DATE_TRUNC('month', d)",
    ),
]

# Rollup-shaped queries, as the rollup assets write them; plus HAVING/LIMIT corners.
ROLLUPS = [
    Q(
        "rollup_daily_per_user",
        "SELECT user_id, DATE_TRUNC('day', ts) AS day, COUNT(*) AS events, SUM(value) AS total, "
        "AVG(duration) AS avg_duration FROM events WHERE ts >= NOW() - INTERVAL '120 days' "
        "GROUP BY user_id, DATE_TRUNC('day', ts) HAVING COUNT(*) > 1 ORDER BY day, user_id",
        now=NOW,
    ),
    Q(
        "rollup_hourly_kind",
        "SELECT DATE_TRUNC('hour', e.ts) AS hour, e.kind, COUNT(*) AS n, MIN(e.value) AS lo, MAX(e.value) AS hi, "
        "COUNT(DISTINCT e.user_id) AS users FROM events AS e WHERE e.ts < TIMESTAMP '2024-01-08' "
        "GROUP BY DATE_TRUNC('hour', e.ts), e.kind ORDER BY hour, e.kind",
    ),
    Q(
        "rollup_weekly_os",
        "SELECT DATE_TRUNC('week', ts) AS week, device.os AS os, SUM(CASE WHEN kind = 'purchase' THEN value ELSE 0 END) "
        "AS revenue, BOOL_OR(kind = 'signup') AS any_signup, STDDEV_SAMP(duration) AS sd "
        "FROM events GROUP BY DATE_TRUNC('week', ts), device.os ORDER BY week, os",
    ),
    Q("having_without_group_none", "SELECT COUNT(*) AS n FROM users HAVING COUNT(*) > 1000"),
    Q("having_without_group_one", "SELECT COUNT(*) AS n, SUM(visits) AS v FROM users HAVING COUNT(*) > 1"),
    Q(
        "order_group_key_not_selected_limit",
        "SELECT COUNT(*) AS n FROM users GROUP BY status ORDER BY status LIMIT 3",
    ),
    Q("offset_beyond", "SELECT _id FROM users ORDER BY _id LIMIT 5 OFFSET 1000"),
    Q("limit_single_aggregate_row", "SELECT COUNT(*) AS n FROM users LIMIT 1"),
    Q("limit_distinct_all", "SELECT DISTINCT status FROM users LIMIT 10"),
    Q(
        "param_iso_string_date",
        "SELECT _id FROM users WHERE created_at >= :since",
        params={"since": "2024-05-01"},
    ),
]

# Surface syntax users paste: comments, lower-case keywords, a trailing semicolon, quoted aliases,
# numeric literal forms, operator precedence. Built with Query() directly to keep the line breaks.
SYNTAX = [
    Query(
        id="syntax_comments",
        sql="SELECT _id -- the id\nFROM users /* every user,\n   old ones only */ WHERE age > 70",
    ),
    Q("syntax_lower_case_keywords", "select _id, count(*) as n from users where age > 70 group by _id"),
    Q("syntax_trailing_semicolon", "SELECT _id FROM users WHERE age > 75;"),
    Q("syntax_quoted_alias_with_space", 'SELECT status, COUNT(*) AS "user count" FROM users GROUP BY status'),
    Q(
        "syntax_numeric_literals",
        "SELECT _id, score * 1e1 AS a, score + .5 AS b FROM users WHERE score > 1e1",
    ),
    Q("syntax_not_precedence", "SELECT _id FROM users WHERE NOT status = 'active'"),
    Q("syntax_and_or_precedence", "SELECT _id FROM users WHERE age < 20 OR age > 70 AND active"),
    Q("syntax_division_chain", "SELECT _id, visits / 3 / 2 AS d, visits / (3 * 2) AS e FROM users"),
    Q("syntax_concat_int_empty", "SELECT _id, visits || '' AS t FROM users"),
]

ALL = (
    SELECT
    + WHERE
    + LIKE
    + DATES
    + GROUP
    + AGGREGATES
    + SCALARS
    + ORDER
    + PARAMS
    + NULLS
    + MORE
    + EDGES
    + BOUNDARY
    + ROLLUPS
    + SYNTAX
)

# Query id -> why it is expected to fail (compiler bug or missing construct), as reported by
# `python -m tests.sql.pg_report`. A fix makes the query XPASS, which fails (strict): drop it here.
_GROUP_BY_NAME = (
    "compiler bug: a GROUP BY name resolves to the output alias; PostgreSQL prefers the input column"
)
_MISSING_ELEMENT = (
    "compiler bug: GROUP BY tags[i] puts a missing element (past the end, or no list) and a NULL one "
    "in two groups; SQL has one NULL group"
)
# One mapping for every corpus: tests/sql/oracle_cases.py.
KNOWN_FAILURES = oracle_cases.KNOWN_FAILURES

QUERIES: list[Query] = ALL
