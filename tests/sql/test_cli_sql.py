"""``leaf-dagster sql`` through click's CliRunner, against the real server."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from click.testing import CliRunner
from pymongo.database import Database

from leaf_dagster.cli import main


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, ["sql", *args], catch_exceptions=False)


def test_runs_a_query_and_prints_json(db: Database[Any], mongo_uri: str) -> None:
    db.orders.insert_many(
        [{"_id": i, "city": c, "total": t} for i, (c, t) in enumerate([("A", 5), ("B", 2), ("A", 1)])]
    )
    sql = "SELECT city, SUM(total) AS total FROM orders WHERE total >= :min GROUP BY city ORDER BY city"
    result = invoke(sql, "--uri", mongo_uri, "--db", db.name, "--param", "min=2", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"city": "A", "total": 5}, {"city": "B", "total": 2}]


def test_prints_a_table_by_default(db: Database[Any], mongo_uri: str) -> None:
    db.people.insert_many([{"_id": 1, "name": "Ann", "age": None}, {"_id": 2, "name": "Bob", "age": 40}])
    result = invoke("SELECT name, age FROM people ORDER BY name", "--uri", mongo_uri, "--db", db.name)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "Ann" in line or "Bob" in line]
    assert "NULL" in lines[0] and "40" in lines[1]
    assert "(2 rows)" in result.output


def test_uri_and_db_come_from_the_environment(db: Database[Any], mongo_uri: str, monkeypatch: Any) -> None:
    monkeypatch.setenv("LEAF_MONGODB_URI", mongo_uri)
    monkeypatch.setenv("LEAF_MONGODB_DB", db.name)
    db.t.insert_one({"_id": 1, "day": dt.datetime(2024, 1, 2)})
    result = invoke("SELECT _id FROM t WHERE day >= :d", "--param", "d=2024-01-01", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"_id": 1}]


def test_explain_prints_pasteable_extended_json_without_a_server() -> None:
    sql = "SELECT COUNT(*) AS n FROM events WHERE ts >= DATE '2024-01-01'"
    result = invoke(
        "--explain", sql, "--format", "json", "--uri", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100"
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["collection"] == "events"
    assert plan["pipeline"][0] == {"$match": {"ts": {"$gte": {"$date": "2024-01-01T00:00:00Z"}}}}
    assert plan["stages"][0] == {
        "stage": "1",
        "operator": "$match",
        "construct": "WHERE ts >= CAST('2024-01-01' AS DATE)",
    }


def test_explain_labels_each_stage_with_its_construct() -> None:
    sql = (
        "SELECT u.acct, COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*) DESC) AS r FROM orders o "
        "JOIN users u ON u._id = o.userId WHERE o.total > 10 GROUP BY u.acct HAVING COUNT(*) > 1 "
        "ORDER BY n DESC LIMIT 5"
    )
    result = invoke("--explain", sql)
    assert result.exit_code == 0, result.output
    labels = [
        line.split(None, 3)[2:]
        for line in result.output.splitlines()
        if line.startswith("-- ") and "$" in line.split()[2]
    ]
    assert labels == [
        ["$match", "WHERE o.total > 10"],
        ["$group", "GROUP BY u.acct: eager aggregation, grouped by the join key before the join"],
        ["$match", "INNER JOIN users AS u ON u._id = o.userId: NULL, array and regex keys never match"],
        ["$lookup", "INNER JOIN users AS u ON u._id = o.userId"],
        ["$unwind", "INNER JOIN users AS u ON u._id = o.userId: one row per match"],
        ["$group", "GROUP BY u.acct: COUNT(*)"],
        ["$match", "HAVING COUNT(*) > 1"],
        ["$setWindowFields", "window functions: RANK() OVER (ORDER BY COUNT(*) DESC)"],
        ["$set", "window function results: PostgreSQL's types"],
        ["$sort", "ORDER BY n DESC"],
        ["$limit", "LIMIT 5"],
        ["$project", "SELECT u.acct, COUNT(*) AS n, RANK() OVER (ORDER BY COUNT(*) DESC) AS r"],
    ]


def test_bad_query_exits_2_with_a_caret() -> None:
    result = CliRunner().invoke(main, ["sql", "--explain", "SELECT a FROM t\nWHERE BOGUS(a)"])
    assert result.exit_code == 2
    assert "unknown function BOGUS" in result.output
    assert "line 2, column 7" in result.output
    assert "WHERE BOGUS(a)\n      ^" in result.output


def test_bad_param_and_unreachable_server_exit_2() -> None:
    result = CliRunner().invoke(main, ["sql", "SELECT a FROM t", "--param", "oops"])
    assert result.exit_code == 2
    assert "NAME=VALUE" in result.output
    result = CliRunner().invoke(
        main, ["sql", "SELECT a FROM t", "--uri", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200"]
    )
    assert result.exit_code == 2
    assert "did not answer" in result.output
