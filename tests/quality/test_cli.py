"""``leaf-dagster validate``: readable report, exit 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

from bson import ObjectId
from click.testing import CliRunner
from pymongo.database import Database

from leaf_dagster.cli import main
from leaf_dagster.connection import Document
from tests.quality.conftest import PEOPLE_DDL


def _run(args: list[str], uri: str, db: Database[Document]) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args, "--uri", uri, "--db", db.name])
    return result.exit_code, result.output


def test_validate_prints_a_table_and_exits_1_on_failure(
    tmp_path: Path, mongo_uri: str, db: Database[Document]
) -> None:
    ddl = tmp_path / "people.ddl"
    ddl.write_text(PEOPLE_DDL)
    bad = ObjectId()
    db.people.insert_many([{"_id": ObjectId(), "name": "ok"}, {"_id": bad, "name": "far too long"}])
    code, out = _run(["people", "--schema", str(ddl), "--batch-size", "1"], mongo_uri, db)
    assert code == 1, out
    assert "FAILED (1 failed, 0 blocking)" in out
    assert "2 documents validated (all documents) in 2 batch(es)" in out
    line = next(row for row in out.splitlines() if "≤ 5 chars" in row)
    assert "FAIL" in line and "WARN" in line and str(bad) in line and "50.00" in line
    # WARN failures only: --fail-on error lets it pass.
    code, _ = _run(["people", "--schema", str(ddl), "--fail-on", "error"], mongo_uri, db)
    assert code == 0
    args = ["people", "--schema", str(ddl), "--fail-on", "error", "--severity", "max_length=ERROR"]
    code, out = _run(args, mongo_uri, db)
    assert code == 1 and "FAILED (1 failed, 1 blocking)" in out
    code, out = _run(["people", "--schema", str(ddl), "--json", "--sample", "2"], mongo_uri, db)
    data = json.loads(out)
    assert code == 1 and data["documents"] == 2 and data["sample"] == 2
    assert next(r for r in data["results"] if r["id"] == "name:max_length")["example_ids"] == [str(bad)]


def test_validate_passes_with_exit_0(tmp_path: Path, mongo_uri: str, db: Database[Document]) -> None:
    ddl = tmp_path / "people.ddl"
    ddl.write_text(PEOPLE_DDL)
    db.people.insert_one({"_id": ObjectId(), "name": "ok"})
    code, out = _run(["people", "--schema", str(ddl), "--failures-only"], mongo_uri, db)
    assert code == 0, out
    assert "PASSED" in out and "not null" not in out


def test_bad_input_exits_2(tmp_path: Path, mongo_uri: str, db: Database[Document]) -> None:
    ddl = tmp_path / "bad.ddl"
    ddl.write_text("CREATE DOCUMENT_SCHEMA people (\n  name VARCHAR(5) NOT NULL,\n  age INTEGR\n);")
    code, out = _run(["people", "--schema", str(ddl)], mongo_uri, db)
    assert code == 2 and "bad.ddl:3" in out
    good = tmp_path / "two.ddl"
    good.write_text(PEOPLE_DDL + "\nCREATE DOCUMENT_SCHEMA other (x INTEGER);")
    code, out = _run(["nobody", "--schema", str(good)], mongo_uri, db)
    assert code == 2 and "no document schema for 'nobody'" in out
    code, out = _run(["people", "--schema", str(tmp_path / "missing.ddl")], mongo_uri, db)
    assert code == 2
    code, out = _run(["people", "--schema", str(good), "--severity", "nmae=WARN"], mongo_uri, db)
    assert code == 2 and "unknown severity override" in out
    code, out = _run(["people", "--schema", str(good), "--severity", "unique=FATAL"], mongo_uri, db)
    assert code == 2 and "expected KEY=ERROR" in out
    result = CliRunner().invoke(
        main, ["validate", "people", "--schema", str(good), "--uri", "mongodb://bad:x:y"]
    )
    assert result.exit_code == 2 and "invalid MongoDB URI" in result.output
