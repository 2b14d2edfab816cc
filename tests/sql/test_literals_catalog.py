"""The catalog of declared field types: from DDL, through compile_sql, run_sql and ``leaf-dagster sql``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pymongo.database import Database

from leaf_dagster.cli import main
from leaf_dagster.schema import load_ddl, parse_ddl, sql_catalog
from leaf_dagster.sql import LeafSQLError, compile_sql, run_sql
from leaf_dagster.sql.values import SqlType

DDL = """
CREATE DOCUMENT_SCHEMA logins (
  _id OBJECTID PRIMARY KEY,
  username VARCHAR(30) NOT NULL,
  age INTEGER,
  at TIMESTAMP,
  ok BOOLEAN,
  kind ENUM('web', 'app'),
  profile DOCUMENT { city VARCHAR(50), since DATE },
  tags ARRAY OF VARCHAR(10),
  extra MIXED
);
"""


def test_sql_catalog_maps_declared_types() -> None:
    catalog = sql_catalog(parse_ddl(DDL).schemas.values())
    assert dict(catalog["logins"]) == {
        "username": SqlType.TEXT,
        "age": SqlType.INT,
        "at": SqlType.DATE,
        "ok": SqlType.BOOL,
        "kind": SqlType.TEXT,
        "profile.city": SqlType.TEXT,
        "profile.since": SqlType.DATE,
    }


def test_the_example_schemas_build_a_catalog() -> None:
    files = sorted(Path("pipelines/schemas").glob("*.ddl"))
    catalog = sql_catalog(s for f in files for s in load_ddl(f).merged().schemas.values())
    assert catalog["users"]["username"] == SqlType.TEXT


def _data(db: Database[Any]) -> None:
    db.logins.insert_many(
        [
            {"_id": 1, "username": "2024-02-01", "age": 30, "at": dt.datetime(2024, 3, 1)},
            {"_id": 2, "username": "2023-12-31", "age": None, "at": dt.datetime(2023, 1, 1)},
            {"_id": 3, "username": "zed", "age": 41},
        ]
    )


def test_a_catalog_types_literals_and_keeps_plain_matches(db: Database[Any]) -> None:
    _data(db)
    catalog = sql_catalog(parse_ddl(DDL).schemas.values())
    sql = "SELECT _id FROM logins WHERE username >= '2024-01-01' ORDER BY _id"
    assert compile_sql(sql, catalog=catalog).pipeline[0] == {"$match": {"username": {"$gte": "2024-01-01"}}}
    assert run_sql(db, sql, catalog=catalog) == [{"_id": 1}, {"_id": 3}]
    assert run_sql(db, sql) == [{"_id": 1}, {"_id": 3}]  # without one: per BSON type, the same rows
    got = run_sql(db, "SELECT _id, COALESCE(age, '0') AS a FROM logins ORDER BY _id", catalog=catalog)
    assert got == [{"_id": 1, "a": 30}, {"_id": 2, "a": 0}, {"_id": 3, "a": 41}]


def test_the_cli_reads_schemas_from_a_directory(db: Database[Any], mongo_uri: str, tmp_path: Path) -> None:
    _data(db)
    (tmp_path / "logins.ddl").write_text(DDL)
    sql = "SELECT _id FROM logins WHERE username >= '2024-01-01' ORDER BY _id"
    runner = CliRunner()
    explain = runner.invoke(
        main,
        ["sql", sql, "--schemas", str(tmp_path), "--explain", "--format", "json"],
        catch_exceptions=False,
    )
    assert explain.exit_code == 0, explain.output
    assert json.loads(explain.output)["pipeline"][0] == {"$match": {"username": {"$gte": "2024-01-01"}}}
    args = ["sql", sql, "--schemas", str(tmp_path), "--uri", mongo_uri, "--db", db.name, "--format", "json"]
    result = runner.invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"_id": 1}, {"_id": 3}]
    empty = runner.invoke(main, ["sql", sql, "--schemas", str(tmp_path / "none"), "--explain"])
    assert empty.exit_code == 2 and "no *.ddl files" in empty.output


CROSS = {"users": {"flag": "boolean", "ts": "timestamp", "age": "integer", "name": "text"}}


@pytest.mark.parametrize(
    ("where", "reason"),
    [("flag = 1", "boolean = integer"), ("1 = flag", "integer = boolean"), ("ts > 20240101", "timestamp without time zone > integer"),
     ("name = 1", "text = integer"), ("age <> TRUE", "integer <> boolean"), ("NOT (flag = 1)", "boolean = integer"),
     ("age BETWEEN 1 AND DATE '2024-01-01'", "integer <= date")],
)  # fmt: skip
def test_a_catalog_refuses_a_typed_constant_of_another_category_in_a_match(where: str, reason: str) -> None:
    """PostgreSQL has no operator across type categories: the $match form refuses it like $expr does."""
    with pytest.raises(LeafSQLError, match=f"operator does not exist: {reason}"):
        compile_sql(f"SELECT _id FROM users WHERE {where}", catalog=CROSS)
    compile_sql(f"SELECT _id FROM users WHERE {where}")  # without a catalog: a plain filter


def test_a_catalog_still_reads_quoted_literals_and_str_parameters_as_the_field() -> None:
    sql = "SELECT _id FROM users WHERE ts > '2024-01-01' AND flag = 't' AND age > :n AND name = :s"
    compiled = compile_sql(sql, catalog=CROSS, params={"n": "3", "s": "x"})
    assert compiled.pipeline[0] == {
        "$match": {"ts": {"$gt": dt.datetime(2024, 1, 1)}, "flag": True, "age": {"$gt": 3}, "name": "x"}
    }
