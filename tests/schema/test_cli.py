"""``leaf-dagster schema apply | show | stats`` against the real server."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from pymongo.database import Database
from pymongo.errors import WriteError

from leaf_dagster.cli import main
from leaf_dagster.connection import Document
from leaf_dagster.schema import parse_ddl
from tests.schema.conftest import FIXTURES, SCHEMAS

BAD_DDL = "CREATE DOCUMENT_SCHEMA users (\n  a INTEGER NOT NULL\n  VARCHAR(3)\n)\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_apply_sets_validator_and_indexes(mongo_uri: str, db: Database[Document]) -> None:
    code, out, _ = run(
        "schema", "apply", str(SCHEMAS / "orders.ddl"), "--uri", mongo_uri, "--db", db.name,
        "--validation-level", "moderate",
    )  # fmt: skip
    assert code == 0, out
    assert (
        "orders: created, validator: set (level moderate, action error; none before); indexes: 3 created"
        in out
    )
    options = db.command("listCollections", filter={"name": "orders"})["cursor"]["firstBatch"][0]["options"]
    assert options["validationLevel"] == "moderate"
    assert "idx_orders_customer_created" in db.orders.index_information()
    try:
        db.orders.insert_one({"status": "lost"})
        raise AssertionError("the validator should reject this order")
    except WriteError as exc:
        assert exc.code == 121
    code, out, _ = run("schema", "apply", str(SCHEMAS / "orders.ddl"), "--uri", mongo_uri, "--db", db.name)
    assert code == 0 and "validator: replace" in out and "0 created, 3 already present" in out
    code, out, _ = run("schema", "apply", str(SCHEMAS / "orders.ddl"), "--uri", mongo_uri, "--db", db.name)
    assert code == 0 and "validator: unchanged" in out and "0 created, 3 already present" in out


def test_apply_dry_run_prints_plan_and_touches_nothing(db: Database[Document]) -> None:
    code, out, _ = run(
        "schema", "apply", str(FIXTURES / "seed.ddl"), "-c", "notifications", "--dry-run", "--json"
    )
    assert code == 0
    plan = json.loads(out)
    assert plan["collection"] == "notifications"
    assert plan["validator"]["$jsonSchema"]["required"] == ["_id", "userId", "type", "title"]
    assert plan["validationAction"] == "error"
    every = json.loads(run("schema", "apply", str(FIXTURES / "seed.ddl"), "--dry-run", "--json")[1])
    assert [p["collection"] for p in every] == ["users", "notifications", "user_activity_buckets"]
    assert db.name not in db.client.list_database_names()


def test_bad_ddl_exits_2_with_the_position(tmp_path: Path) -> None:
    bad = tmp_path / "users.ddl"
    bad.write_text(BAD_DDL)
    for args in (["schema", "show", str(bad)], ["schema", "apply", str(bad), "--dry-run"]):
        code, _, err = run(*args)
        assert code == 2
        assert "users.ddl:3:3: expected ',' or ')' after field definition, found 'VARCHAR'" in err
    code, _, err = run("schema", "show", str(FIXTURES / "seed.ddl"), "-c", "nope")
    assert code == 2 and "no document schema for 'nope'" in err


def test_show_prints_ddl_or_json_schema() -> None:
    code, out, _ = run("schema", "show", str(SCHEMAS / "activity_events.ddl"))
    assert code == 0
    assert parse_ddl(out).only().collection == "activity_events"
    assert "eventType ENUM('page_view', 'click', 'api_call', 'error') NOT NULL" in out
    code, out, _ = run("schema", "show", str(SCHEMAS / "activity_events.ddl"), "--json-schema")
    validator = json.loads(out)
    assert validator["$jsonSchema"]["properties"]["statusCode"]["minimum"] == 100


def test_stats_report_and_check_flag(mongo_uri: str, db: Database[Document]) -> None:
    db.users.insert_many(
        [
            {"username": "a", "email": "a@x", "_schema": {"version": "2.1.0"}},
            {"email": "b@x", "_schema": {"version": "2.0.0"}, "_migrationLock": True},
        ]
    )
    schema_file = str(SCHEMAS / "users.ddl")
    base = ["schema", "stats", "users", "--schema", schema_file, "--uri", mongo_uri, "--db", db.name]
    code, out, _ = run(*base)
    assert code == 0
    assert "users: 2 documents" in out
    assert "schema versions: 2.0.0: 1, 2.1.0: 1 (current 3.0.0, 2 outdated)" in out
    assert "missing username: 1" in out and "migration locks: 1" in out
    code, out, _ = run(*base, "--json", "--check")
    assert code == 1
    report = json.loads(out)
    assert report["outdated"] == 2 and report["missingRequired"]["username"] == 1
    code, _, _ = run(*base, "--current-version", "2.0.0", "--json")
    assert code == 0


def test_apply_every_example_on_the_demo_sample(mongo_uri: str, db: Database[Document]) -> None:
    """The demo's sample data comes with indexes under the server's default names: the plan adopts
    them, the dry run says so, every file applies (exit 0), and a second apply changes nothing."""
    from pipelines import datagen

    datagen.seed(db, datagen.SampleSize(users=30, days=1, dirty=True))  # as make demo seeds it
    conn = ["--uri", mongo_uri, "--db", db.name]
    code, out, _ = run("schema", "apply", str(SCHEMAS / "orders.ddl"), "--dry-run", *conn)
    assert code == 0
    assert "index idx_orders_customer_created: adopt the equivalent index customerId_1_createdAt_-1" in out
    assert (
        "validator"
        not in db.command("listCollections", filter={"name": "orders"})["cursor"]["firstBatch"][0]["options"]
    )
    for ddl in sorted(SCHEMAS.glob("*.ddl")):
        code, out, err = run("schema", "apply", str(ddl), *conn)
        assert code == 0, (ddl.name, out, err)
        assert "Traceback" not in out + err
    for ddl in sorted(SCHEMAS.glob("*.ddl")):
        code, out, _ = run("schema", "apply", str(ddl), *conn)
        assert code == 0 and "validator: unchanged" in out and " 0 created" in out, out
    assert "customerId_1_createdAt_-1" in db.orders.index_information()
    assert "idx_orders_customer_created" not in db.orders.index_information()


def test_a_conflict_is_shown_by_the_dry_run_and_refused_by_apply(
    mongo_uri: str, db: Database[Document]
) -> None:
    db.products.create_index([("sku", 1)], name="my_sku_lookup")
    conn = ["--uri", mongo_uri, "--db", db.name]
    code, out, err = run("schema", "apply", str(SCHEMAS / "products.ddl"), "--dry-run", *conn)
    assert code == 2 and "CONFLICT index uq_products_sku: my_sku_lookup has the same keys" in out
    assert err.startswith("error: the plan has 1 conflict(s)") and "\nhint: " in err
    code, out, err = run("schema", "apply", str(SCHEMAS / "products.ddl"), *conn)
    assert code == 2 and "nothing applied" in err and out == ""
    options = db.command("listCollections", filter={"name": "products"})["cursor"]["firstBatch"][0]["options"]
    assert "validator" not in options
    assert set(db.products.index_information()) == {"_id_", "my_sku_lookup"}
