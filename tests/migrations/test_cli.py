"""``leaf-dagster migrate`` commands, in process through click's runner."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pymongo.database import Database

from leaf_dagster.cli import main
from leaf_dagster.connection import Document
from tests.migrations.helpers import V2, V3_SQL, V21, copy_examples, database_hash, insert_users


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["migrate", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_plan_dry_run_up_status_down(db: Database[Document], mongo_uri: str, tmp_path: Path) -> None:
    insert_users(db, 120)
    folder = str(copy_examples(tmp_path / "m", V2, V21, V3_SQL))
    conn = ["--path", folder, "--uri", mongo_uri, "--db", db.name]

    code, out = invoke("plan", *conn)
    assert code == 0 and "migration_20240815_v2: users 1.0.0 → 2.0.0 (client-side transform)" in out
    assert "migrate_users_v2_to_v3: users 2.1.0 → 3.0.0 (server-side pipeline)" in out

    before = database_hash(db)
    code, out = invoke("up", "--dry-run", "--samples", "1", *conn)
    assert code == 0 and database_hash(db) == before
    assert "120 document(s) of users would go 1.0.0 → 2.0.0" in out
    assert "- full_name (was 'Sarah Johnson')" in out and "nothing was written" in out

    code, out = invoke("up", "--to", "migration_20240914_v21", "--batch-size", "50", *conn)
    assert code == 0, out
    assert "migration_20240914_v21: applied, 120 migrated" in out
    code, out = invoke("status", *conn)
    assert code == 0
    assert "applied" in out and "pending" in out and "users versions: 2.1.0: 120" in out

    code, out = invoke("down", "migration_20240815_v2", *conn)
    assert code == 1 and "roll back migration_20240914_v21 first" in out
    code, out = invoke("down", "migration_20240914_v21", *conn)
    assert code == 0 and "120 document(s) restored" in out


def test_bad_folder_exits_2_and_new_scaffolds(tmp_path: Path) -> None:
    code, out = invoke("plan", "--path", str(tmp_path / "missing"), "--uri", "mongodb://127.0.0.1:1")
    assert code == 2 and "does not exist" in out
    folder = tmp_path / "migs"
    code, out = invoke(
        "new",
        "split names",
        "--path",
        str(folder),
        "--collection",
        "users",
        "--from",
        "1.0.0",
        "--to",
        "2.0.0",
    )
    assert code == 0 and "created" in out
    created = next(folder.glob("m*_split_names.py"))
    assert 'from_version = "1.0.0"' in created.read_text()
    code, out = invoke("new", "orders", "--path", str(folder), "--collection", "orders", "--to", "2")
    assert code == 2 and "--from" in out
