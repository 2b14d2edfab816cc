"""Dates and times against PostgreSQL 15 itself: AGE and intervals, EXTRACT, AT TIME ZONE, DATE_TRUNC
in a zone, TO_CHAR, MAKE_DATE, MAKE_TIMESTAMP and DATE_BIN, on the same documents in both servers.

The documents hold NULL and missing values, equal timestamps (ties), month ends, leap days, the DST
transitions of several zones (a skipped and a repeated hour, a 30-minute shift, a skipped midnight),
and seeded random instants with milliseconds.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.sql import LeafSQLError, run_sql
from leaf_dagster.sql.runner import SqlRuntimeError
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import loaded_pg

D = dt.datetime
SCHEMA = {
    "_id": "INTEGER",
    "k": "INTEGER",
    "a": "TIMESTAMP",
    "b": "TIMESTAMP",
    "y": "INTEGER",
    "mo": "INTEGER",
    "d": "INTEGER",
    "hh": "INTEGER",
    "mi": "INTEGER",
    "sec": "DOUBLE",
}
CATALOG = {"ev": {"a": "timestamp", "b": "timestamp"}}

# Instants around DST transitions (UTC): Paris spring forward and fall back, New York, Lord Howe
# (a 30-minute shift), Sao Paulo 2018 (midnight skipped), and a month end / leap day.
EDGES = [
    D(2024, 3, 31, 0, 59, 59, 999000),
    D(2024, 3, 31, 1, 0),
    D(2024, 3, 31, 1, 30),
    D(2024, 10, 27, 0, 30),
    D(2024, 10, 27, 1, 30),
    D(2024, 10, 26, 22, 0),
    D(2024, 3, 10, 7, 0),
    D(2024, 11, 3, 5, 30),
    D(2024, 11, 3, 6, 30),
    D(2024, 4, 6, 15, 15),
    D(2024, 10, 5, 15, 45),
    D(2018, 11, 4, 2, 30),
    D(2018, 11, 4, 3, 0),
    D(2018, 11, 3, 23, 0),
    D(2024, 2, 29, 23, 59, 59, 999000),
    D(2024, 1, 31, 12, 0),
    D(2023, 12, 31, 23, 0),
    D(2000, 2, 29),
    D(2001, 1, 1),
]


def _documents() -> list[dict[str, Any]]:
    rng = random.Random(11)
    docs: list[dict[str, Any]] = []

    def stamp() -> D:
        return D(1995, 1, 1) + dt.timedelta(milliseconds=rng.randrange(35 * 365 * 86_400_000))

    pairs: list[tuple[Any, Any]] = [(e, rng.choice(EDGES)) for e in EDGES]
    pairs += [
        (D(2024, 3, 31), D(2024, 1, 31)),
        (D(2024, 1, 31), D(2024, 3, 31)),
        (D(2024, 3, 1), D(2024, 1, 31)),
    ]
    pairs += [
        (D(2024, 3, 1, 1), D(2023, 2, 28, 2)),
        (D(2023, 3, 1), D(2024, 2, 29)),
        (D(2020, 5, 5), D(2020, 5, 5)),
    ]
    pairs += [(stamp(), stamp()) for _ in range(60)]
    for a, _ in pairs[:20]:
        pairs.append(
            (a, a + dt.timedelta(milliseconds=rng.choice([1, -1, 1800_000, -86_400_001, 90_061_001])))
        )
    pairs += [
        (None, D(2024, 1, 1)),
        (D(2024, 1, 1), None),
        ("missing", D(2024, 1, 1)),
        (D(2024, 1, 1), "missing"),
    ]
    parts = [
        (2024, 2, 29, 23, 59, 59.999),
        (2023, 12, 31, 24, 0, 0.0),
        (1, 1, 1, 0, 0, 60.0),
        (9999, 12, 31, 0, 0, 5.5),
    ]
    for i, (a, b) in enumerate(pairs):
        doc: dict[str, Any] = {"_id": i, "k": i % 5}
        if a != "missing":
            doc["a"] = a
        if b != "missing":
            doc["b"] = b
        if i < len(parts):
            doc.update(zip(("y", "mo", "d", "hh", "mi", "sec"), parts[i], strict=True))
        elif i % 7 == 0:
            doc.update(y=None, mo=3, d=None, hh=1, mi=None, sec=None)
        else:
            day = rng.randrange(1, 29)
            doc.update(y=rng.randrange(1990, 2030), mo=rng.randrange(1, 13), d=day, hh=rng.randrange(24))
            doc.update(mi=rng.randrange(60), sec=rng.randrange(60_000) / 1000)
        docs.append(doc)
    return docs


DOCS = _documents()


@pytest.fixture(scope="module")
def both(mongo_client: MongoClient[Any], pg_server: PostgresServer) -> Iterator[tuple[Database[Any], Any]]:
    db = mongo_client[f"leaf_dates_{random.randrange(1 << 30)}"]
    db.ev.insert_many([dict(d) for d in DOCS])
    with loaded_pg(pg_server, {"ev": SCHEMA}, {"ev": DOCS}) as pg:
        pg.conn.execute("SET TimeZone = 'UTC'")
        yield db, pg
    mongo_client.drop_database(db.name)


def _same(expected: Any, got: Any) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(expected, D):
        if expected.tzinfo is not None:
            expected = expected.astimezone(dt.UTC).replace(tzinfo=None)
        return isinstance(got, D) and expected == got
    if isinstance(expected, dt.date):
        return isinstance(got, D) and got == D(expected.year, expected.month, expected.day)
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    if isinstance(expected, Decimal | int | float):
        return isinstance(got, Decimal | int | float) and Decimal(str(got)) == Decimal(str(expected))
    return bool(expected == got)


def check(both: tuple[Database[Any], Any], sql: str) -> int:
    db, pg = both
    cur = pg.conn.execute(sql)
    names = [c.name for c in cur.description or []]
    expected = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    got = run_sql(db, sql, catalog=CATALOG)
    assert len(got) == len(expected), sql
    for e, g in zip(expected, got, strict=True):
        for name in names:
            assert _same(e[name], g.get(name)), (
                f"{sql}\n{name}: PostgreSQL {e[name]!r}, ours {g.get(name)!r} in {e}"
            )
    return len(expected)


def test_age_fields_and_comparisons(both: tuple[Database[Any], Any]) -> None:
    fields = ", ".join(
        f"EXTRACT({p} FROM AGE(a, b)) AS {p}"
        for p in ("year", "month", "day", "hour", "minute", "second", "millisecond", "epoch", "quarter")
    )
    assert check(both, f"SELECT _id, {fields} FROM ev ORDER BY _id") == len(DOCS)
    check(
        both,
        "SELECT _id, AGE(a, b) > INTERVAL '1 year' AS c1, AGE(a, b) < INTERVAL '-1 month -3 days' AS c2,"
        " AGE(a, b) = a - b AS c3, AGE(a, b) >= INTERVAL '30 days' AS c4, date_part('year', AGE(b, a)) AS y"
        " FROM ev ORDER BY _id",
    )


def test_age_of_one_timestamp_counts_from_midnight_today(both: tuple[Database[Any], Any]) -> None:
    check(
        both, "SELECT _id, EXTRACT(YEAR FROM AGE(a)) AS y, EXTRACT(DAY FROM AGE(a)) AS d FROM ev ORDER BY _id"
    )


def test_timestamp_differences_as_intervals(both: tuple[Database[Any], Any]) -> None:
    parts = ("epoch", "day", "hour", "minute", "second", "millisecond", "year", "month")
    fields = ", ".join(f"EXTRACT({p} FROM a - b) AS {p}" for p in parts)
    check(
        both,
        f"SELECT _id, {fields}, date_part('epoch', a - b) AS dp, a - b > INTERVAL '1 day 2 hours' AS c1,"
        " a - b >= INTERVAL '25 hours' AS c2, a - b < INTERVAL '1 month' AS c3 FROM ev ORDER BY _id",
    )


def test_intervals_of_aggregates_and_windows(both: tuple[Database[Any], Any]) -> None:
    check(
        both,
        "WITH x AS (SELECT k, MAX(a) - MIN(a) AS span FROM ev GROUP BY k)"
        " SELECT k, EXTRACT(EPOCH FROM span) AS e, EXTRACT(DAY FROM span) AS d,"
        " span > INTERVAL '30 days' AS big FROM x ORDER BY k",
    )
    check(
        both,
        "SELECT _id, a - LAG(a) OVER (PARTITION BY k ORDER BY a, _id) > INTERVAL '30 minutes' AS new_session,"
        " EXTRACT(EPOCH FROM a - LAG(a) OVER (PARTITION BY k ORDER BY a, _id)) AS gap FROM ev ORDER BY _id",
    )


def test_interval_literals_keep_their_fields(both: tuple[Database[Any], Any]) -> None:
    check(
        both,
        "SELECT _id, EXTRACT(DAY FROM INTERVAL '25 hours') AS a1, EXTRACT(HOUR FROM INTERVAL '25 hours') AS a2,"
        " EXTRACT(EPOCH FROM INTERVAL '1 year 1 month') AS a3, EXTRACT(MONTH FROM INTERVAL '14 months') AS a4,"
        " EXTRACT(YEAR FROM INTERVAL '-14 months') AS a5, EXTRACT(SECOND FROM INTERVAL '-90.5 seconds') AS a6,"
        " EXTRACT(EPOCH FROM INTERVAL '1 day -1 hour') AS a7 FROM ev WHERE _id < 2 ORDER BY _id",
    )


def test_time_zones(both: tuple[Database[Any], Any]) -> None:
    check(
        both,
        "SELECT _id, a AT TIME ZONE 'Europe/Paris' AS p, a AT TIME ZONE 'America/New_York' AS ny,"
        " a AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris' AS local_p,"
        " CAST(a AS TIMESTAMPTZ) AT TIME ZONE 'Australia/Lord_Howe' AS lh,"
        " a AT TIME ZONE 'Australia/Lord_Howe' AS lh2, a AT TIME ZONE 'america/sao_paulo' AS sp"
        " FROM ev ORDER BY _id",
    )
    check(
        both,
        "SELECT _id, DATE_TRUNC('day', a, 'Europe/Paris') AS dp, DATE_TRUNC('hour', a, 'Asia/Kolkata') AS hk,"
        " DATE_TRUNC('month', a, 'America/Sao_Paulo') AS ms, DATE_TRUNC('day', a, 'America/Sao_Paulo') AS ds,"
        " DATE_TRUNC('week', a, 'America/New_York') AS wk, DATE_TRUNC('hour', a, 'Europe/Paris') AS hp,"
        " DATE_TRUNC('minute', a, 'Australia/Lord_Howe') AS ml, DATE_TRUNC('year', a, 'UTC') AS yu,"
        " DATE_TRUNC('day', a, 'Europe/Paris') AT TIME ZONE 'Europe/Paris' AS local_midnight"
        " FROM ev ORDER BY _id",
    )


def test_to_char(both: tuple[Database[Any], Any]) -> None:
    check(
        both,
        "SELECT _id, TO_CHAR(a, 'YYYY-MM-DD HH24:MI:SS') AS t1,"
        " TO_CHAR(a, 'Dy DD Mon YYYY \"week\" IW IYYY Q') AS t2, TO_CHAR(a, 'DY mon dy MON yyyy, iw-iyyy') AS t3,"
        " TO_CHAR(CAST(a AS DATE), 'YYYY/MM/DD') AS t4, TO_CHAR(a, '\"Q\"Q \"it''s\" HH24\"h\"') AS t5"
        " FROM ev ORDER BY _id",
    )


def test_make_date_and_make_timestamp(both: tuple[Database[Any], Any]) -> None:
    check(
        both,
        "SELECT _id, MAKE_DATE(y, mo, d) AS md, MAKE_TIMESTAMP(y, mo, d, hh, mi, sec) AS mt FROM ev ORDER BY _id",
    )
    check(
        both,
        "SELECT _id, MAKE_DATE(2024, 2, 29) AS a1, MAKE_TIMESTAMP(2023, 12, 31, 24, 0, 0) AS a2,"
        " MAKE_TIMESTAMP(2024, 1, 1, 23, 59, 60) AS a3, MAKE_TIMESTAMP(2024, 1, 1, 0, 0, 1.001) AS a4"
        " FROM ev WHERE _id < 2 ORDER BY _id",
    )


def test_date_bin(both: tuple[Database[Any], Any]) -> None:
    check(
        both,
        "SELECT _id, DATE_BIN(INTERVAL '15 minutes', a, TIMESTAMP '2001-01-01') AS b1,"
        " DATE_BIN(INTERVAL '1 day 2 hours', a, b) AS b2, DATE_BIN(INTERVAL '7 days', a, TIMESTAMP '2030-01-01') AS b3,"
        " DATE_BIN(INTERVAL '1 hour', a, TIMESTAMP '2024-03-31 01:00:00.001') AS b4 FROM ev ORDER BY _id",
    )


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT MAKE_DATE(2023, 2, 29) AS x FROM ev",
        "SELECT MAKE_DATE(y, mo + 1, 31) AS x FROM ev",
        "SELECT MAKE_TIMESTAMP(2024, 1, 1, 24, 0, 1) AS x FROM ev",
        "SELECT MAKE_TIMESTAMP(y, mo, d, hh + 30, mi, sec) AS x FROM ev",
    ],
)
def test_invalid_dates_fail_as_in_postgresql(both: tuple[Database[Any], Any], sql: str) -> None:
    db, pg = both
    import psycopg

    with pytest.raises(psycopg.errors.DatetimeFieldOverflow):
        pg.conn.execute(sql).fetchall()
    with pytest.raises((LeafSQLError, SqlRuntimeError), match="out of range"):
        run_sql(db, sql, catalog=CATALOG)


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("SELECT TO_CHAR(a, 'FMDay') AS x FROM ev", "'FMDay'"),
        ("SELECT TO_CHAR(a, 'HH12:MI AM') AS x FROM ev", "'HH12'"),
        ("SELECT TO_CHAR(a, 'YYYY T') AS x FROM ev", "'T'"),
        ("SELECT TO_CHAR(a, 'DDD') AS x FROM ev", "'DDD'"),
        ("SELECT a AT TIME ZONE 'CET' AS x FROM ev", "unknown or unsupported time zone 'CET'"),
        ("SELECT a AT TIME ZONE 'Mars/Olympus' AS x FROM ev", "time zone"),
        ("SELECT DATE_TRUNC('day', a, 'UTC+2') AS x FROM ev", "time zone"),
        ("SELECT DATE_BIN(INTERVAL '1 month', a, b) AS x FROM ev", "containing months"),
        ("SELECT DATE_BIN(INTERVAL '0 minutes', a, b) AS x FROM ev", "greater than zero"),
        (
            "WITH x AS (SELECT a AT TIME ZONE 'UTC' AS u FROM ev) SELECT u AT TIME ZONE 'Europe/Paris' AS v FROM x",
            "CAST",
        ),
        ("SELECT CAST(a AS DATE) AT TIME ZONE 'UTC' AS x FROM ev", "AT TIME ZONE"),
        (
            "SELECT d FROM generate_series(DATE '2024-01-01', DATE '2024-02-01', INTERVAL '1 day') AS g(d)",
            "GENERATE_SERIES",
        ),
    ],
)
def test_refusals_name_the_construct(both: tuple[Database[Any], Any], sql: str, words: str) -> None:
    with pytest.raises(LeafSQLError, match=words.replace("(", r"\(").replace("+", r"\+")):
        run_sql(both[0], sql, catalog=CATALOG)


def test_extract_from_a_month_interval_through_a_cte_fails_loudly(both: tuple[Database[Any], Any]) -> None:
    sql = "WITH x AS (SELECT _id, AGE(a, b) AS g FROM ev) SELECT _id, EXTRACT(DAY FROM g) AS d FROM x"
    with pytest.raises(SqlRuntimeError, match="only supported directly on AGE"):
        run_sql(both[0], sql, catalog=CATALOG)
    # Comparing it stays exact.
    check(
        both,
        "WITH x AS (SELECT _id, AGE(a, b) AS g FROM ev) SELECT _id, g > INTERVAL '1 mon' AS c FROM x ORDER BY _id",
    )


# Generated: instants and wall-clock times around every UTC-offset change of zones with unusual
# rules (negative DST in Dublin, 30-minute shifts, DST at midnight, a 2-hour summer shift, Ramadan
# suspensions), 2016-2025, found with zoneinfo and checked against PostgreSQL.
ZONES = [
    "Europe/Paris",
    "America/New_York",
    "Europe/Dublin",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Asia/Tehran",
    "Pacific/Chatham",
    "America/St_Johns",
    "Africa/Casablanca",
    "Antarctica/Troll",
]


def _offset(zone: zoneinfo.ZoneInfo, instant: D) -> dt.timedelta:
    offset = instant.replace(tzinfo=dt.UTC).astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def _transitions(zone: zoneinfo.ZoneInfo) -> Iterator[tuple[D, dt.timedelta, dt.timedelta]]:
    t, step = D(2016, 1, 1), dt.timedelta(days=1)
    while t < D(2026, 1, 1):
        before, after = _offset(zone, t), _offset(zone, t + step)
        if before != after:
            lo, hi = t, t + step
            while hi - lo > dt.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if _offset(zone, mid) == before else (lo, mid)
            yield hi.replace(second=0, microsecond=0), before, after
        t += step


def _zone_documents() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for zone_name in ZONES:
        zone = zoneinfo.ZoneInfo(zone_name)
        for moment, before, after in _transitions(zone):
            for base in (moment, moment + before, moment + after):
                for minutes in (-61, -31, -1, 0, 1, 30, 60, 90):
                    ts = base + dt.timedelta(minutes=minutes)
                    docs.append(
                        {"_id": len(docs), "z": zone_name, "ts": ts, "ms": ts + dt.timedelta(milliseconds=1)}
                    )
    return docs


ZONE_DOCS: list[dict[str, Any]] = []


@pytest.fixture(scope="module")
def zoned(mongo_client: MongoClient[Any], pg_server: PostgresServer) -> Iterator[tuple[Database[Any], Any]]:
    if not ZONE_DOCS:
        ZONE_DOCS.extend(_zone_documents())
    db = mongo_client[f"leaf_zones_{random.randrange(1 << 30)}"]
    db.ev.insert_many([dict(d) for d in ZONE_DOCS])
    schema = {"_id": "INTEGER", "z": "VARCHAR", "ts": "TIMESTAMP", "ms": "TIMESTAMP"}
    with loaded_pg(pg_server, {"ev": schema}, {"ev": ZONE_DOCS}) as pg:
        pg.conn.execute("SET TimeZone = 'UTC'")
        yield db, pg
    mongo_client.drop_database(db.name)


@pytest.mark.parametrize("zone", ZONES)
def test_time_zones_around_every_transition(zoned: tuple[Database[Any], Any], zone: str) -> None:
    assert len(ZONE_DOCS) > 2000
    checked = check(
        zoned,
        f"SELECT _id, ts AT TIME ZONE '{zone}' AS instant, ms AT TIME ZONE '{zone}' AS instant_ms,"
        f" CAST(ts AS TIMESTAMPTZ) AT TIME ZONE '{zone}' AS wall,"
        f" DATE_TRUNC('day', ts, '{zone}') AS day, DATE_TRUNC('hour', ms, '{zone}') AS hour,"
        f" DATE_TRUNC('week', ts, '{zone}') AS week, DATE_TRUNC('minute', ms, '{zone}') AS minute,"
        f" TO_CHAR(ts AT TIME ZONE 'UTC' AT TIME ZONE '{zone}', 'IYYY-IW Dy HH24:MI:SS') AS text"
        f" FROM ev WHERE z = '{zone}' ORDER BY _id",
    )
    assert checked > 50


def test_quoted_literals_take_the_declared_argument_types(both: tuple[Database[Any], Any]) -> None:
    check(
        both,
        "SELECT _id, EXTRACT(DAY FROM AGE(a, '2024-01-31')) AS d, AGE('2024-03-01', b) > INTERVAL '1 mon' AS c,"
        " MAKE_DATE('2024', 2, '29') AS m, MAKE_TIMESTAMP(2024, 2, 29, 1, 2, '3.5') AS t,"
        " DATE_BIN(INTERVAL '1 hour', a, '2024-01-01 00:30') AS b FROM ev ORDER BY _id",
    )
