"""Random queries from a small grammar over the generated fields, compared with PostgreSQL.

``queries``: WHERE trees (comparisons, IN/NOT IN with NULLs, BETWEEN, LIKE, IS NULL, AND/OR/NOT),
GROUP BY keys and aggregates. ``expression_queries``: typed scalar expressions (integer, float, text,
timestamp) in projections, ORDER BY ... LIMIT, GROUP BY keys and aggregate arguments. Bounded and
derandomized, so CI sees the same 60 examples each time; raise max_examples locally to hunt.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sql.fuzz.oracle import KNOWN_CLASSES, Outcome, classify
from tests.sql.harness import Env, Query, compare

Pred = st.SearchStrategy[str]
Expr = st.SearchStrategy[str]

INT_FIELDS = ["age", "visits", "delta", "profile.rating"]
FLOAT_FIELDS = ["score", "amount", "profile.location.geo.lat"]
STR_FIELDS = {
    "status": ["active", "Active", "pending", "BANNED", "nope"],
    "profile.location.city": ["Paris", "berlin", "Berlin", "São Paulo", "Nowhere"],
    "username": ["a.b", "a_b", "x*y", "(paren)", "Bob84"],
}
LIKE_PATTERNS = ["a%", "%.%", "_._", "%$%", "%(%", "B%", "%[%", "%*%", "%1_", "%"]
GROUP_KEYS = [
    "status",
    "active",
    "profile.location.city",
    "age / 10",
    "LOWER(status)",
    "DATE_TRUNC('month', created_at)",
    "visits % 3",
]
NUMERIC = INT_FIELDS + FLOAT_FIELDS
AGGREGATES = (
    [f"SUM({f})" for f in NUMERIC]
    + [f"AVG({f})" for f in NUMERIC]
    + [f"MIN({f})" for f in [*NUMERIC, "status", "created_at"]]
    + [f"MAX({f})" for f in [*NUMERIC, "username", "created_at"]]
    + [f"COUNT({f})" for f in ["age", "score", "profile.location.city", "email"]]
    + ["COUNT(DISTINCT status)", "COUNT(DISTINCT age)", "COUNT(*)"]
)

ints = st.integers(min_value=-60, max_value=210).map(str)
floats = st.integers(min_value=-6000, max_value=50000).map(lambda h: f"{h / 100:.2f}")
dates = st.integers(min_value=0, max_value=729).map(
    lambda d: f"TIMESTAMP '2023-01-01 06:00:00' + INTERVAL '{d} days'"
)


def _literal_for(field: str) -> st.SearchStrategy[str]:
    if field in STR_FIELDS:
        return st.sampled_from(STR_FIELDS[field]).map(lambda s: "'" + s.replace("'", "''") + "'")
    return ints if field in INT_FIELDS else floats


def _comparison(field: str) -> Pred:
    ops = st.sampled_from(["=", "<>", "<", "<=", ">", ">="])
    return st.tuples(ops, _literal_for(field)).map(lambda t: f"{field} {t[0]} {t[1]}")


def _in_list(field: str) -> Pred:
    items = st.lists(st.one_of(_literal_for(field), st.just("NULL")), min_size=1, max_size=3)
    neg = st.sampled_from(["IN", "NOT IN"])
    return st.tuples(neg, items).map(lambda t: f"{field} {t[0]} ({', '.join(t[1])})")


def _between(field: str) -> Pred:
    lit = _literal_for(field)
    return st.tuples(st.sampled_from(["BETWEEN", "NOT BETWEEN"]), lit, lit).map(
        lambda t: f"{field} {t[0]} {t[1]} AND {t[2]}"
    )


def _atom() -> Pred:
    fields = st.sampled_from([*NUMERIC, *STR_FIELDS])
    return st.one_of(
        fields.flatmap(_comparison),
        fields.flatmap(_in_list),
        st.sampled_from(NUMERIC).flatmap(_between),
        st.tuples(fields, st.sampled_from(["IS NULL", "IS NOT NULL"])).map(" ".join),
        st.tuples(
            st.sampled_from(["username", "email", "status"]),
            st.sampled_from(["LIKE", "NOT LIKE", "ILIKE"]),
            st.sampled_from(LIKE_PATTERNS),
        ).map(lambda t: f"{t[0]} {t[1]} '{t[2]}'"),
        st.sampled_from(["active", "NOT active", "active = FALSE"]),
        st.tuples(st.sampled_from([">", "<", ">="]), dates).map(lambda t: f"created_at {t[0]} {t[1]}"),
        st.tuples(st.sampled_from(["visits + age", "visits - delta", "score * 2"]), floats).map(
            lambda t: f"{t[0]} > {t[1]}"
        ),
        st.tuples(st.integers(2, 5), st.integers(0, 4)).map(lambda t: f"visits % {t[0]} = {t[1] % t[0]}"),
        st.integers(0, 20).map(lambda k: f"visits / 10 = {k}"),
    )


predicates: Pred = st.recursive(
    _atom(),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["AND", "OR"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda p: f"NOT ({p})"),
    ),
    max_leaves=4,
)
where_clause = st.one_of(st.just(""), predicates.map(lambda p: f" WHERE {p}"))


@st.composite
def queries(draw: st.DrawFn) -> str:
    where = draw(where_clause)
    form = draw(st.sampled_from(["filter", "group", "total"]))
    if form == "filter":
        return f"SELECT _id FROM users{where}"
    aggs = draw(st.lists(st.sampled_from(AGGREGATES), min_size=1, max_size=3, unique=True))
    select = ", ".join(f"{a} AS a{i}" for i, a in enumerate(aggs))
    if form == "total":
        return f"SELECT {select} FROM users{where}"
    key = draw(st.sampled_from(GROUP_KEYS))
    having = draw(st.one_of(st.just(""), st.integers(1, 40).map(lambda n: f" HAVING COUNT(*) > {n}")))
    return f"SELECT {key} AS k, {select} FROM users{where} GROUP BY {key}{having}"


# Typed scalar expressions. `amount` (mixed int/float) stays out: a document holding an int there
# divides as integers on MongoDB, while the SQL column is double. ROUND and CAST AS INT apply to raw
# fields only (no ties in the data; an arithmetic result could land on one).
small_ints = st.integers(min_value=0, max_value=20).map(str)
int_atoms: Expr = st.one_of(
    st.sampled_from(
        ["age", "visits", "delta", "profile.rating", "LENGTH(username)", "EXTRACT(MONTH FROM created_at)"]
    ),
    small_ints,
    st.sampled_from(["score", "profile.location.geo.lat"]).map(lambda f: f"CAST({f} AS INTEGER)"),
)
float_atoms: Expr = st.one_of(
    st.sampled_from(["score", "profile.location.geo.lat", "ROUND(score)", "FLOOR(score)", "CEIL(score)"]),
    floats,
)
str_atoms: Expr = st.one_of(
    st.sampled_from(["username", "status", "email", "notes", "profile.location.state", "code"]),
    st.sampled_from(["'x'", "'A.b'", "''", "' pad '"]),
)


def _int_ops(inner: Expr) -> Expr:
    pair = st.tuples(inner, inner)
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, st.sampled_from(["/", "%"]), st.integers(1, 7)).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        pair.map(lambda t: f"({t[0]} / NULLIF({t[1]}, 0))"),
        inner.map(lambda e: f"ABS({e})"),
        inner.map(lambda e: f"-({e})"),
        pair.map(lambda t: f"COALESCE({t[0]}, {t[1]})"),
        st.tuples(inner, small_ints).map(lambda t: f"NULLIF({t[0]}, {t[1]})"),
        st.tuples(predicates, inner, inner).map(lambda t: f"CASE WHEN {t[0]} THEN {t[1]} ELSE {t[2]} END"),
    )


int_exprs: Expr = st.recursive(int_atoms, _int_ops, max_leaves=4)


def _float_ops(inner: Expr) -> Expr:
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*"]), st.one_of(inner, int_exprs)).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.one_of(inner, int_exprs), st.sampled_from(["4", "2.5", "-8"])).map(
            lambda t: f"({t[0]} / {t[1]})"
        ),
        int_exprs.map(lambda e: f"({e} * 1.5)"),
        inner.map(lambda e: f"ABS({e})"),
        st.tuples(inner, inner).map(lambda t: f"COALESCE({t[0]}, {t[1]})"),
    )


float_exprs: Expr = st.recursive(float_atoms, _float_ops, max_leaves=4)


def _str_ops(inner: Expr) -> Expr:
    return st.one_of(
        inner.map(lambda e: f"LOWER({e})"),
        inner.map(lambda e: f"UPPER({e})"),
        inner.map(lambda e: f"TRIM({e})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} || {t[1]})"),
        st.tuples(inner, inner, inner).map(lambda t: f"CONCAT({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(inner, st.integers(0, 4), st.integers(0, 5)).map(
            lambda t: f"SUBSTRING({t[0]}, {t[1]}, {t[2]})"
        ),
        inner.map(lambda e: f"REPLACE({e}, '.', '-')"),
        st.tuples(inner, inner).map(lambda t: f"COALESCE({t[0]}, {t[1]})"),
        int_exprs.map(lambda e: f"CAST({e} AS TEXT)"),
        st.tuples(predicates, inner, inner).map(lambda t: f"CASE WHEN {t[0]} THEN {t[1]} ELSE {t[2]} END"),
    )


str_exprs: Expr = st.recursive(str_atoms, _str_ops, max_leaves=3)

intervals = st.tuples(
    st.integers(1, 40), st.sampled_from(["days", "hours", "minutes", "weeks", "months"])
).map(lambda t: f"INTERVAL '{t[0]} {t[1]}'")
date_atoms: Expr = st.one_of(st.sampled_from(["created_at", "last_login"]), dates)


def _date_ops(inner: Expr) -> Expr:
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-"]), intervals).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["hour", "day", "week", "month"]), inner).map(
            lambda t: f"DATE_TRUNC('{t[0]}', {t[1]})"
        ),
        st.tuples(inner, inner).map(lambda t: f"COALESCE({t[0]}, {t[1]})"),
        st.tuples(predicates, inner, inner).map(lambda t: f"CASE WHEN {t[0]} THEN {t[1]} ELSE {t[2]} END"),
    )


date_exprs: Expr = st.recursive(date_atoms, _date_ops, max_leaves=3)
date_parts = st.sampled_from(["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "DOW", "DOY", "WEEK", "QUARTER"])
date_derived: Expr = st.one_of(
    st.tuples(date_parts, date_exprs).map(lambda t: f"EXTRACT({t[0]} FROM {t[1]})"),
    date_exprs.map(lambda e: f"CAST({e} AS TEXT)"),
    date_exprs.map(lambda e: f"CAST({e} AS DATE)"),
    st.tuples(date_exprs, st.sampled_from(["<", ">=", "=", "<>"]), date_exprs).map(" ".join),
)
any_expr: Expr = st.one_of(int_exprs, float_exprs, str_exprs, predicates, date_exprs, date_derived)


def _reads_a_field(expr: str) -> bool:
    """Field names are lower case in this grammar, keywords and functions upper case."""
    return re.search(r"[a-z]", re.sub(r"'[^']*'", "", expr)) is not None


@st.composite
def expression_queries(draw: st.DrawFn) -> str:
    where = draw(where_clause)
    form = draw(st.sampled_from(["project", "order", "group", "aggregate", "rollup"]))
    if form == "project":
        exprs = draw(st.lists(any_expr, min_size=1, max_size=3))
        select = ", ".join(f"{e} AS e{i}" for i, e in enumerate(exprs))
        return f"SELECT _id, {select} FROM users{where}"
    if form == "order":
        e = draw(any_expr)
        direction = draw(st.sampled_from(["", " ASC", " DESC", " NULLS FIRST", " DESC NULLS LAST"]))
        limit = draw(st.integers(1, 50))
        return f"SELECT _id, {e} AS e0 FROM users{where} ORDER BY e0{direction}, _id LIMIT {limit}"
    if form == "rollup":
        keys = draw(
            st.lists(
                st.one_of(int_exprs, str_exprs, date_exprs, date_derived).filter(_reads_a_field),
                min_size=1,
                max_size=2,
            )
        )
        measure = draw(st.one_of(int_exprs, float_exprs).filter(_reads_a_field))
        fn = draw(st.sampled_from(["SUM", "AVG", "MIN", "MAX", "COUNT"]))
        key_list = ", ".join(keys)
        select = ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys))
        order = ", ".join(f"k{i}" for i in range(len(keys)))
        page = draw(st.sampled_from(["", " LIMIT 5", " LIMIT 3 OFFSET 2"]))
        return (
            f"SELECT {select}, {fn}({measure}) AS m, COUNT(*) AS n FROM users{where} GROUP BY {key_list} "
            f"HAVING COUNT(*) > 1 ORDER BY {order}{page}"
        )
    if form == "group":
        # Keys must read a field: a bare literal is a position or an error in PostgreSQL, and DuckDB
        # folds constant expressions such as -(0) into positions too.
        key = draw(st.one_of(int_exprs, str_exprs, predicates).filter(_reads_a_field))
        return f"SELECT {key} AS k, COUNT(*) AS n FROM users{where} GROUP BY {key}"
    agg = draw(
        st.one_of(
            int_exprs.map(lambda e: f"SUM({e})"),
            st.one_of(int_exprs, float_exprs).map(lambda e: f"AVG({e})"),
            st.one_of(int_exprs, str_exprs).map(lambda e: f"MAX({e})"),
            st.one_of(int_exprs, float_exprs, str_exprs).map(lambda e: f"COUNT({e})"),
        )
    )
    return f"SELECT status, {agg} AS a FROM users{where} GROUP BY status"


BOUNDED = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _unknown_difference(env: Env, sql: str) -> str | None:
    """PostgreSQL's answer against ours; a difference in a class of the fuzzer's ``KNOWN_CLASSES``
    (issue 10's items still being fixed, e.g. AVG of integers in doubles) is tolerated, as there."""
    difference = compare(env, Query(id="hypothesis", sql=sql))
    if difference is None:
        return None
    kind = "crash" if "RecursionError" in difference else "wrong"
    klass = classify(sql, Outcome("fail", kind, difference))
    return None if klass in KNOWN_CLASSES else f"{klass}: {difference}"


@BOUNDED
@given(sql=queries())
def test_random_queries_agree(sql_env: Env, sql: str) -> None:
    difference = _unknown_difference(sql_env, sql)
    assert difference is None, f"{sql}\n{difference}"


@BOUNDED
@given(sql=expression_queries())
def test_random_expressions_agree(sql_env: Env, sql: str) -> None:
    difference = _unknown_difference(sql_env, sql)
    assert difference is None, f"{sql}\n{difference}"
