"""Scalar functions, arithmetic, CAST and dates with PostgreSQL's results, on the real server."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pymongo.database import Database
from pymongo.errors import OperationFailure

from leaf_dagster.sql import run_sql


@pytest.fixture
def one(db: Database[Any]) -> Database[Any]:
    db.one.insert_one(
        {
            "_id": 1,
            "i": 7,
            "n": -7,
            "f": 2.5,
            "z": 0,
            "s": "  héllo wörld ",
            "t": "42",
            "ts": dt.datetime(2024, 1, 31, 13, 45, 30, 250000),
            "sun": dt.datetime(2023, 12, 31, 8, 0),
            "tags": ["a", "b"],
            "none": [],
        }
    )
    return db


def row(db: Database[Any], select: str) -> dict[str, Any]:
    rows = run_sql(db, f"SELECT {select} FROM one")
    assert len(rows) == 1
    return rows[0]


def test_integer_division_and_modulo(one: Database[Any]) -> None:
    assert row(one, "7 / 2 AS a, -7 / 2 AS b, i / 2 AS c, n / 2 AS d, f / 2 AS e, i / 2.0 AS g") == {
        "a": 3, "b": -3, "c": 3, "d": -3, "e": 1.25, "g": 3.5
    }  # fmt: skip
    assert row(one, "i % 3 AS a, n % 3 AS b, -7 % -3 AS c, i * f AS d, i + NULL AS e") == {
        "a": 1, "b": -1, "c": -1, "d": 17.5, "e": None
    }  # fmt: skip


def test_division_by_zero_and_date_arithmetic_fail_on_the_server(one: Database[Any]) -> None:
    with pytest.raises(OperationFailure):
        run_sql(one, "SELECT i / z AS q FROM one")
    with pytest.raises(OperationFailure, match="date arithmetic"):
        run_sql(one, "SELECT ts - sun AS d FROM one")  # PostgreSQL gives an interval: not supported
    with pytest.raises(OperationFailure, match="date arithmetic"):
        run_sql(one, "SELECT ts + 1 AS d FROM one")


def test_round_follows_the_type_and_cast_rounds(one: Database[Any]) -> None:
    # f is a double: half to even; 2.345 and 1250 are numeric: half away from zero (as PostgreSQL).
    assert row(one, "ROUND(f) AS a, ROUND(-f) AS b, ROUND(2.345, 2) AS c, ROUND(1250, -2) AS d, ROUND(i) AS e") == {
        "a": 2.0, "b": -2.0, "c": Decimal("2.35"), "d": Decimal(1300), "e": 7.0
    }  # fmt: skip
    assert row(one, "CAST(f AS INT) AS a, CAST(-f AS INTEGER) AS b, CAST(t AS INT) + 1 AS c, t::bigint AS d") == {
        "a": 2, "b": -2, "c": 43, "d": 42
    }  # fmt: skip
    assert row(one, "CAST(i AS TEXT) AS a, CAST(f AS TEXT) AS b, CAST('t' AS BOOLEAN) AS c, CAST(t AS FLOAT) AS d") == {
        "a": "7", "b": "2.5", "c": True, "d": 42.0
    }  # fmt: skip
    assert row(one, "CAST(ts AS DATE) AS a, CAST(ts AS TEXT) AS b, CAST('2024-02-03' AS TIMESTAMP) AS c") == {
        "a": dt.datetime(2024, 1, 31), "b": "2024-01-31 13:45:30.25", "c": dt.datetime(2024, 2, 3)
    }  # fmt: skip


def test_strings(one: Database[Any]) -> None:
    assert row(one, "TRIM(s) AS a, LENGTH(s) AS b, UPPER(TRIM(s)) AS c, s || NULL AS d, CONCAT(t, NULL, i) AS e") == {
        "a": "héllo wörld", "b": 14, "c": "HÉLLO WÖRLD", "d": None, "e": "427"
    }  # fmt: skip
    assert row(one, "SUBSTRING(TRIM(s) FROM 2 FOR 3) AS a, SUBSTRING('hello' FROM 0 FOR 3) AS b, REPLACE(s, 'l', 'L') AS c") == {
        "a": "éll", "b": "he", "c": "  héLLo wörLd "
    }  # fmt: skip
    assert row(one, "LOWER(missing) AS a, LENGTH(missing) AS b, SUBSTRING(missing FROM 1 FOR 2) AS c") == {
        "a": None, "b": None, "c": None
    }  # fmt: skip


def test_conditionals(one: Database[Any]) -> None:
    assert row(one, "CASE WHEN i > 5 THEN 'big' ELSE 'small' END AS a, CASE i WHEN 1 THEN 'one' END AS b") == {
        "a": "big", "b": None
    }  # fmt: skip
    assert row(one, "COALESCE(missing, NULL, i) AS a, NULLIF(i, 7) AS b, NULLIF(i, 8) AS c, i > missing AS d") == {
        "a": 7, "b": None, "c": 7, "d": None
    }  # fmt: skip


def test_dates(one: Database[Any]) -> None:
    assert row(
        one,
        "EXTRACT(dow FROM sun) AS dow, EXTRACT(isodow FROM sun) AS iso, EXTRACT(year FROM ts) AS y, "
        "EXTRACT(epoch FROM sun) AS ep, DATE_PART('month', ts) AS m, EXTRACT(quarter FROM ts) AS q",
    ) == {"dow": 0, "iso": 7, "y": 2024, "ep": Decimal("1704009600"), "m": 1, "q": 1}
    assert row(
        one,
        "DATE_TRUNC('week', sun) AS w, DATE_TRUNC('month', ts) AS mo, ts + INTERVAL '1 month' AS next, "
        "sun - INTERVAL '1 day 2 hours' AS before",
    ) == {
        "w": dt.datetime(2023, 12, 25),
        "mo": dt.datetime(2024, 1, 1),
        "next": dt.datetime(2024, 2, 29, 13, 45, 30, 250000),
        "before": dt.datetime(2023, 12, 30, 6, 0),
    }


def test_arrays(one: Database[Any]) -> None:
    assert row(one, "CARDINALITY(tags) AS a, ARRAY_LENGTH(tags, 1) AS b, CARDINALITY(none) AS c, ARRAY_LENGTH(none, 1) AS d") == {
        "a": 2, "b": 2, "c": 0, "d": None
    }  # fmt: skip


def test_more_math_and_text_functions(one: Database[Any]) -> None:
    assert row(one, "GREATEST(i, missing, 3) AS g, LEAST(missing, NULL) AS l, POWER(i, 2) AS p, SIGN(n) AS s") == {
        "g": 7, "l": None, "p": 49, "s": -1
    }  # fmt: skip
    assert row(one, "TRUNC(-f) AS t, TRUNC(2.789, 2) AS t2, SQRT(16) AS q, LOG(10, 1000) AS lg") == {
        "t": -2, "t2": Decimal("2.78"), "q": 4.0, "lg": 3.0
    }  # fmt: skip
    assert row(one, "LEFT(t, 1) AS a, LEFT(t, -1) AS b, RIGHT(t, 1) AS c, RIGHT('hello', -2) AS d, STRPOS(t, '2') AS e") == {
        "a": "4", "b": "4", "c": "2", "d": "llo", "e": 2
    }  # fmt: skip


def test_extract_is_numeric_and_date_part_is_double_precision(one: Database[Any]) -> None:
    # PostgreSQL 14+: EXTRACT returns numeric, date_part double precision; neither divides as integers.
    got = row(
        one, "EXTRACT(HOUR FROM ts) / 2 AS e, date_part('hour', ts) / 2 AS p, EXTRACT(DAY FROM ts) AS d"
    )
    assert got == {"e": Decimal("6.5000000000000000"), "p": 6.5, "d": Decimal("31")}
    assert isinstance(got["p"], float) and isinstance(got["d"], Decimal)
