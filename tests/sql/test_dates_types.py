"""DATE and TIMESTAMP are distinct types: casts, text, arithmetic and comparisons, on the real server."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pymongo.database import Database
from pymongo.errors import OperationFailure

from leaf_dagster.sql import LeafSQLError, compile_sql, run_sql

D = dt.datetime
NOW = D(2024, 9, 5, 10, 30)


@pytest.fixture
def events(db: Database[Any]) -> Database[Any]:
    db.ev.insert_many(
        [
            {"_id": 1, "ts": D(2024, 9, 2, 13, 45, 30), "end": D(2024, 9, 4, 1, 0), "n": 3, "name": "abcdef"},
            {"_id": 2, "ts": D(2024, 9, 3), "end": D(2024, 9, 3), "n": -2, "name": "xy"},
            {"_id": 3, "ts": None, "n": None},
        ]
    )
    return db


def rows(db: Database[Any], sql: str) -> list[dict[str, Any]]:
    return run_sql(db, sql, now=NOW)


def test_a_date_prints_without_a_time(events: Database[Any]) -> None:
    got = rows(
        events,
        "SELECT CAST(CAST(ts AS DATE) AS TEXT) AS d, ts::date::text AS e, CAST(ts AS TEXT) AS t FROM ev ORDER BY _id",
    )
    assert got == [
        {"d": "2024-09-02", "e": "2024-09-02", "t": "2024-09-02 13:45:30"},
        {"d": "2024-09-03", "e": "2024-09-03", "t": "2024-09-03 00:00:00"},
        {"d": None, "e": None, "t": None},
    ]
    assert rows(
        events, "SELECT CAST(DATE '2024-01-31' AS TEXT) AS a, CURRENT_DATE::text AS b FROM ev LIMIT 1"
    ) == [{"a": "2024-01-31", "b": "2024-09-05"}]


def test_date_arithmetic_keeps_postgresql_types(events: Database[Any]) -> None:
    got = rows(
        events,
        "SELECT CAST(ts AS DATE) + 1 AS plus, CAST(ts AS DATE) - 2 AS minus, 7 + CAST(ts AS DATE) AS left_plus,"
        " CAST(end AS DATE) - CAST(ts AS DATE) AS days, CAST(ts AS DATE) + INTERVAL '1 hour' AS stamp,"
        " CAST(ts AS DATE) + n AS by_n, CAST((CAST(ts AS DATE) + 1) AS TEXT) AS text"
        " FROM ev ORDER BY _id",
    )
    assert got == [
        {"plus": D(2024, 9, 3), "minus": D(2024, 8, 31), "left_plus": D(2024, 9, 9), "days": 2,
         "stamp": D(2024, 9, 2, 1), "by_n": D(2024, 9, 5), "text": "2024-09-03"},
        {"plus": D(2024, 9, 4), "minus": D(2024, 9, 1), "left_plus": D(2024, 9, 10), "days": 0,
         "stamp": D(2024, 9, 3, 1), "by_n": D(2024, 9, 1), "text": "2024-09-04"},
        {"plus": None, "minus": None, "left_plus": None, "days": None, "stamp": None, "by_n": None, "text": None},
    ]  # fmt: skip
    constant = "SELECT DATE '2024-03-01' - DATE '2024-02-01' AS d, CURRENT_DATE - 5 AS c FROM ev LIMIT 1"
    assert rows(events, constant) == [{"d": 29, "c": D(2024, 8, 31)}]
    with pytest.raises(LeafSQLError, match="operator does not exist"):
        compile_sql("SELECT 1 - CAST(ts AS DATE) AS x FROM ev")


def test_dates_compare_with_timestamps(events: Database[Any]) -> None:
    got = rows(
        events, "SELECT _id FROM ev WHERE CAST(ts AS DATE) = DATE '2024-09-02' OR ts::date > '2024-09-02'"
    )
    assert sorted(r["_id"] for r in got) == [1, 2]
    assert rows(events, "SELECT _id FROM ev WHERE ts >= CURRENT_DATE - 3 ORDER BY _id") == [
        {"_id": 1},
        {"_id": 2},
    ]


def test_negative_substring_length_and_a_trailing_like_escape_fail_as_in_postgresql(
    events: Database[Any],
) -> None:
    with pytest.raises(OperationFailure, match="negative substring length not allowed"):
        rows(events, "SELECT SUBSTRING(name FROM 1 FOR n) AS s FROM ev")
    assert rows(events, "SELECT SUBSTRING(name FROM 2 FOR n) AS s FROM ev WHERE n > 0") == [{"s": "bcd"}]
    with pytest.raises(LeafSQLError, match="negative substring length not allowed"):
        compile_sql("SELECT SUBSTRING(name FROM 1 FOR -1) AS s FROM ev")
    for pattern in ("'ab\\'", "'a#' ESCAPE '#'"):
        with pytest.raises(LeafSQLError, match="LIKE pattern must not end with escape character"):
            compile_sql(f"SELECT _id FROM ev WHERE name LIKE {pattern}")


def test_timestamp_minus_timestamp_is_an_interval_also_on_cte_columns(events: Database[Any]) -> None:
    cte = (
        'WITH spans AS (SELECT _id, CAST(ts AS TIMESTAMP) AS started, CAST("end" AS TIMESTAMP) AS ended'
        " FROM ev WHERE ts IS NOT NULL)"
    )
    got = rows(
        events,
        f"{cte} SELECT _id, EXTRACT(EPOCH FROM ended - started) AS secs, EXTRACT(DAY FROM ended - started) AS d,"
        " EXTRACT(HOUR FROM ended - started) AS h, ended - started > INTERVAL '1 day' AS long,"
        " ended - started >= '11 hours' AS over FROM spans ORDER BY _id",
    )
    assert got == [
        {"_id": 1, "secs": Decimal("126870"), "d": 1, "h": 11, "long": True, "over": True},
        {"_id": 2, "secs": Decimal("0"), "d": 0, "h": 0, "long": False, "over": False},
    ]
    stamped = rows(events, "SELECT _id FROM ev WHERE \"end\" - CAST(ts AS TIMESTAMP) < INTERVAL '1 hour'")
    assert stamped == [{"_id": 2}]
    with pytest.raises(LeafSQLError, match="is an interval"):
        compile_sql(f"{cte} SELECT ended - started AS span FROM spans")


def test_a_catalog_types_cte_columns_of_declared_timestamps(events: Database[Any]) -> None:
    catalog = {"ev": {"ts": "timestamp", "end": "timestamp"}}
    sql = (
        'WITH spans AS (SELECT _id, ts AS started, "end" AS ended FROM ev WHERE ts IS NOT NULL)'
        " SELECT _id, EXTRACT(EPOCH FROM ended - started) AS secs FROM spans ORDER BY _id"
    )
    assert run_sql(events, sql, catalog=catalog) == [
        {"_id": 1, "secs": Decimal("126870")},
        {"_id": 2, "secs": Decimal("0")},
    ]
    # Without types, a difference of two dates would have to be output as a number: refused on the server.
    with pytest.raises(OperationFailure, match="timestamp - timestamp"):
        run_sql(events, 'SELECT "end" - ts AS d FROM ev')
