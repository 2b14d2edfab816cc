"""Quoted (untyped) literals take the type of what they meet, in every position, on the real server.

Generated: every column kind × literals of that kind × every position a literal can stand in. Each
collection is one PostgreSQL column type (int32, double, text, timestamp, boolean, with NULL and
missing values); the expected rows come from the literal read as that type, as PostgreSQL reads it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from pymongo.database import Database
from pymongo.errors import OperationFailure

from leaf_dagster.sql import LeafSQLError, compile_sql, run_sql

D = dt.datetime
COLUMNS: dict[str, list[Any]] = {
    "ints": [10, 30, 45, -5, None],
    "doubles": [10.5, 30.0, 45.25, None],
    "texts": ["10", "30", "2024-09-02", "abc", "", None],
    "stamps": [D(2024, 9, 1), D(2024, 9, 2), D(2024, 9, 2, 12), D(2024, 9, 3, 8, 30), None],
    "flags": [True, False, None],
}
MISSING = "missing"  # one more document per collection has no field v at all

# Literals of each column kind, and how PostgreSQL reads them as that column's type.
LITERALS: dict[str, dict[str, Any]] = {
    "ints": {"30": 30, " 30 ": 30, "-5": -5, "+45": 45},
    "doubles": {"30": 30.0, "30.0": 30.0, "1e1": 10.0, "45.25": 45.25},
    "texts": {"30": "30", "2024-09-02": "2024-09-02", "abc": "abc", "": ""},
    "stamps": {
        "2024-09-02": D(2024, 9, 2),
        "2024-09-02 12:00:00": D(2024, 9, 2, 12),
        "2024-09-02T12:00": D(2024, 9, 2, 12),
    },
    "flags": {"true": True, "yes": True, "on": True, "f": False, "1": True, "n": False, "off": False},
}


@pytest.fixture(scope="module")
def typed(mongo_client: Any) -> Any:
    import uuid

    name = f"leaf_literals_{uuid.uuid4().hex[:10]}"
    db = mongo_client[name]
    for kind, values in COLUMNS.items():
        docs = [{"_id": i, "v": v} for i, v in enumerate(values)]
        db[kind].insert_many([*docs, {"_id": len(docs)}])
    yield db
    mongo_client.drop_database(name)


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def values(kind: str) -> list[tuple[int, Any]]:
    return [*enumerate(COLUMNS[kind]), (len(COLUMNS[kind]), None)]


def cmp(op: str, a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    return {"=": a == b, "<>": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


# Positions: SQL with {lit}, and the expected value for one row (v) given the literal's reading r.
Expect = Callable[[Any, Any], Any]
WHERE_POSITIONS: dict[str, tuple[str, Callable[[Any, Any], bool]]] = {
    "eq": ("v = {lit}", lambda v, r: cmp("=", v, r) is True),
    "ne": ("v <> {lit}", lambda v, r: cmp("<>", v, r) is True),
    "ge": ("v >= {lit}", lambda v, r: cmp(">=", v, r) is True),
    "lt_mirrored": ("{lit} > v", lambda v, r: cmp("<", v, r) is True),
    "in": ("v IN ({lit}, {lit})", lambda v, r: cmp("=", v, r) is True),
    "not_in": ("v NOT IN ({lit})", lambda v, r: cmp("<>", v, r) is True),
    "between": ("v BETWEEN {lit} AND {lit}", lambda v, r: cmp("=", v, r) is True),
    "not_distinct": ("v IS NOT DISTINCT FROM {lit}", lambda v, r: v == r),
    "distinct": ("v IS DISTINCT FROM {lit}", lambda v, r: v != r),
    "in_or_expr": ("(v <= {lit} AND _id >= 0) OR _id * 2 < -10", lambda v, r: cmp("<=", v, r) is True),
    "not": ("NOT (v <> {lit})", lambda v, r: cmp("=", v, r) is True),
    "case_in_where": ("CASE WHEN v > {lit} THEN TRUE ELSE FALSE END", lambda v, r: cmp(">", v, r) is True),
}
VALUE_POSITIONS: dict[str, tuple[str, Expect]] = {
    "eq_value": ("v = {lit}", lambda v, r: cmp("=", v, r)),
    "le_value": ("v <= {lit}", lambda v, r: cmp("<=", v, r)),
    "case": ("CASE WHEN v >= {lit} THEN 1 ELSE 0 END", lambda v, r: 1 if cmp(">=", v, r) else 0),
    "simple_case": ("CASE v WHEN {lit} THEN 'y' ELSE 'n' END", lambda v, r: "y" if cmp("=", v, r) else "n"),
    "between_case": (
        "CASE WHEN v BETWEEN {lit} AND {lit} THEN 1 END",
        lambda v, r: 1 if cmp("=", v, r) else None,
    ),
    "coalesce": ("COALESCE(v, {lit})", lambda v, r: r if v is None else v),
    "case_branch": ("CASE WHEN v IS NULL THEN {lit} ELSE v END", lambda v, r: r if v is None else v),
    "nullif": ("NULLIF(v, {lit})", lambda v, r: None if v == r else v),
    "not_distinct_value": ("v IS NOT DISTINCT FROM {lit}", lambda v, r: v == r),
}
EXTREMA: dict[str, tuple[str, Expect]] = {
    "greatest": ("GREATEST(v, {lit})", lambda v, r: r if v is None else max(v, r)),
    "least": ("LEAST(v, {lit})", lambda v, r: r if v is None else min(v, r)),
}


def cases() -> list[tuple[str, str, Any]]:
    return [(kind, text, reading) for kind, lits in LITERALS.items() for text, reading in lits.items()]


def same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (a is None and b is None)
    return (a == b and type(a) in (type(b), int, float)) or (a is None and b is None)


@pytest.mark.parametrize(("kind", "text", "reading"), cases())
def test_where_positions(typed: Database[Any], kind: str, text: str, reading: Any) -> None:
    for name, (template, expect) in WHERE_POSITIONS.items():
        sql = f"SELECT _id FROM {kind} WHERE " + template.format(lit=quoted(text))
        got = sorted(r["_id"] for r in run_sql(typed, sql))
        want = sorted(i for i, v in values(kind) if expect(v, reading))
        assert got == want, (name, sql)


CATALOG = {
    "ints": {"v": "integer"},
    "doubles": {"v": "double precision"},
    "texts": {"v": "text"},
    "stamps": {"v": "timestamp"},
    "flags": {"v": "boolean"},
}
# Without a catalog, a literal standing for a NULL value of a field (COALESCE(v, '30') where v is
# NULL) takes the field's type probed from the collection (``leaf_dagster.sql.probes``): PostgreSQL's
# answer for every column type, with or without a catalog.


@pytest.mark.parametrize("with_catalog", [False, True])
@pytest.mark.parametrize(("kind", "text", "reading"), cases())
def test_value_positions(
    typed: Database[Any], kind: str, text: str, reading: Any, with_catalog: bool
) -> None:
    positions = {**VALUE_POSITIONS, **EXTREMA}
    catalog = CATALOG if with_catalog else None
    for name, (template, expect) in positions.items():
        sql = f"SELECT _id, {template.format(lit=quoted(text))} AS x FROM {kind} ORDER BY _id"
        got = [r["x"] for r in run_sql(typed, sql, catalog=catalog)]
        want = [expect(v, reading) for _, v in values(kind)]
        assert all(same(g, w) for g, w in zip(got, want, strict=True)), (name, sql, got, want)


@pytest.mark.parametrize(("kind", "text", "reading"), cases())
def test_filtered_aggregates(typed: Database[Any], kind: str, text: str, reading: Any) -> None:
    lit = quoted(text)
    sql = (
        f"SELECT COUNT(*) FILTER (WHERE v >= {lit}) AS a, COUNT(NULLIF(v, {lit})) AS b,"
        f" SUM(CASE WHEN v = {lit} THEN 1 ELSE 0 END) AS c FROM {kind}"
    )
    got = run_sql(typed, sql)[0]
    vs = [v for _, v in values(kind)]
    assert got["a"] == sum(1 for v in vs if cmp(">=", v, reading))
    assert got["b"] == sum(1 for v in vs if v is not None and v != reading)
    assert got["c"] == sum(1 for v in vs if cmp("=", v, reading))


UNREADABLE = {"ints": ["abc", "2024-09-02", "true"], "doubles": ["abc", "true"], "stamps": ["abc", "30"],
              "flags": ["abc", "30", "maybe"]}  # fmt: skip


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, texts in UNREADABLE.items() for t in texts])
def test_a_literal_the_column_type_cannot_read_fails_like_postgresql(
    typed: Database[Any], kind: str, text: str
) -> None:
    lit = quoted(text)
    templates = [
        f"SELECT _id FROM {kind} WHERE v = {lit}",
        f"SELECT _id FROM {kind} WHERE v >= {lit}",
        f"SELECT _id FROM {kind} WHERE v IN ({lit})",
        f"SELECT _id FROM {kind} WHERE v = {lit} OR _id * 2 < -1",
        f"SELECT v = {lit} AS b FROM {kind}",
        f"SELECT CASE WHEN v <= {lit} THEN 1 END AS b FROM {kind}",
        f"SELECT GREATEST(v, {lit}) AS b FROM {kind}",
        f"SELECT _id FROM {kind} WHERE v IS NOT DISTINCT FROM {lit}",
        f"SELECT _id FROM {kind} WHERE v <> {lit}",
        f"SELECT _id FROM {kind} WHERE v NOT IN ({lit})",
        f"SELECT COALESCE(v, {lit}) AS b FROM {kind}",
        f"SELECT CASE WHEN v IS NULL THEN {lit} ELSE v END AS b FROM {kind}",
    ]
    for sql in templates:
        with pytest.raises(OperationFailure, match=r"invalid input syntax|out of range"):
            run_sql(typed, sql)


def test_with_a_catalog_the_declared_type_decides_at_compile_time() -> None:
    catalog = {"users": {"age": "integer", "username": "text", "createdAt": "timestamp"}}
    plain = compile_sql("SELECT _id FROM users WHERE username >= '2024-01-01'", catalog=catalog)
    assert plain.pipeline[0] == {"$match": {"username": {"$gte": "2024-01-01"}}}
    stamp = compile_sql("SELECT _id FROM users WHERE createdAt >= '2024-01-01'", catalog=catalog)
    assert stamp.pipeline[0] == {"$match": {"createdAt": {"$gte": D(2024, 1, 1)}}}
    assert compile_sql("SELECT COALESCE(age, '0') AS a FROM users", catalog=catalog).pipeline[-1] == {
        "$project": {"_id": 0, "a": {"$ifNull": ["$age", 0]}}
    }
    for sql in ("SELECT _id FROM users WHERE age = 'abc'", "SELECT GREATEST(age, '4x') AS g FROM users"):
        with pytest.raises(LeafSQLError, match="invalid input syntax for type"):
            compile_sql(sql, catalog=catalog)


def test_literals_next_to_literals_are_text(typed: Database[Any]) -> None:
    assert run_sql(typed, "SELECT COALESCE(NULL, '7') AS a, '10' < '9' AS b FROM ints WHERE _id = 0") == [
        {"a": "7", "b": True}
    ]


def test_every_kind_and_position_compiles_without_recursion() -> None:
    lits = ["'2024-09-02'", "'30'", "'on'", "'yes'", "'1'", "'abc'", "'2024-09-02T10:00:00Z'"]
    shapes = [
        "SELECT COUNT(*) FILTER (WHERE x >= {l}) AS n FROM t",
        "SELECT CASE WHEN x >= {l} THEN 1 END AS c FROM t",
        "SELECT x FROM t WHERE x >= {l} OR y * 2 > 9900",
        "SELECT COUNT(NULLIF(x, {l})) AS n FROM t",
        "SELECT x = {l} AS b FROM t",
        "SELECT CASE WHEN x BETWEEN {l} AND {l} THEN 1 END AS b FROM t",
        "SELECT x FROM t WHERE (x = {l} OR y = {l}) AND NOT (x IN ({l}, {l}) OR x IS DISTINCT FROM {l})",
    ]
    for lit, template in itertools.product(lits, shapes):
        compile_sql(template.format(l=lit))


FUNCTIONS = [
    "LENGTH({l})", "UPPER({l})", "SUBSTRING(name FROM {l} FOR {l})", "SUBSTRING(name, {l})", "LEFT(name, {l})",
    "RIGHT(name, {l})", "ROUND(x, {l})", "ABS({l})", "x + {l}", "{l} + x", "x * {l}", "x / {l}", "x % {l}",
    "DATE_TRUNC('day', {l})", "DATE_TRUNC({l}, ts)", "EXTRACT(year FROM {l})", "POSITION({l} IN name)",
    "REPLACE(name, {l}, {l})", "TRIM({l})", "CONCAT(name, {l})", "name || {l}", "CAST({l} AS INTEGER)", "{l}::date",
    "POWER(x, {l})", "ts + INTERVAL '1 day' > {l}", "COALESCE({l}, {l})", "GREATEST({l}, {l})", "NULLIF({l}, x)",
    "CASE {l} WHEN x THEN 1 END", "tags[{l}]", "x IN ({l}, 1.5)", "{l} LIKE name", "ts - ts > {l}",
]  # fmt: skip


def test_function_arguments_compile_or_raise_leaf_errors_only() -> None:
    for template, lit in itertools.product(
        FUNCTIONS, ["'2'", "'abc'", "'2024-01-01'", "'1.5'", "'on'", "''"]
    ):
        with contextlib.suppress(LeafSQLError):  # anything else (TypeError, ...) fails the test
            compile_sql(f"SELECT {template.format(l=lit)} AS v FROM t")


def test_integer_arguments_read_quoted_literals_as_integers(typed: Database[Any]) -> None:
    got = run_sql(typed, "SELECT LEFT(v, '1') AS l, RIGHT(v, ' 2 ') AS r FROM texts WHERE _id = 3")
    assert got == [{"l": "a", "r": "bc"}]
    with pytest.raises(LeafSQLError, match='invalid input syntax for type integer: "x"'):
        compile_sql("SELECT LEFT(v, 'x') AS s FROM texts")
    # PostgreSQL reads a quoted SUBSTRING position as substring(text, text), a regular expression.
    with pytest.raises(LeafSQLError, match="regular expression"):
        compile_sql("SELECT SUBSTRING(v FROM '2' FOR '2') AS s FROM texts")


def test_a_case_or_coalesce_used_as_a_condition_reads_its_literals_as_booleans(typed: Database[Any]) -> None:
    def ids(where: str) -> list[int]:
        return sorted(r["_id"] for r in run_sql(typed, f"SELECT _id FROM flags WHERE {where}"))

    assert ids("COALESCE(v, 'yes')") == [0, 2, 3]
    assert ids("NOT COALESCE(CASE WHEN v THEN v END, '0')") == [1, 2, 3]
    assert ids("CASE WHEN _id = 1 THEN 'on' ELSE v END") == [0, 1]
    with pytest.raises(LeafSQLError, match="invalid input syntax for type boolean"):
        compile_sql("SELECT _id FROM flags WHERE COALESCE(v, 'abc')")


@pytest.mark.parametrize(
    "where",
    ["CASE WHEN v THEN 'on' END", "COALESCE('t', 'f')", "v AND CASE WHEN _id = 1 THEN 'yes' ELSE 'no' END"],
)
def test_a_condition_of_only_quoted_results_is_text_and_refused(where: str) -> None:
    # PostgreSQL: "argument of WHERE must be type boolean, not type text" (found by the fuzzer)
    with pytest.raises(LeafSQLError, match="a condition must be boolean, not text"):
        compile_sql(f"SELECT _id FROM flags WHERE {where}")
