"""The engine against a real server: apply, roll back, resume, bad transforms, dry-run, status."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.migrations import (
    CHANGELOG_COLLECTION,
    LOCKS_COLLECTION,
    BatchProgress,
    ChecksumMismatch,
    IrreversibleMigration,
    MigrationOptions,
    MigrationRunner,
    MigrationValidationError,
    Revisions,
    ValidatorResult,
    dry_run,
    migration_status,
)
from tests.migrations.helpers import (
    V2,
    V3_PIPELINE,
    V3_SQL,
    V21,
    collection_hashes,
    copy_examples,
    database_hash,
    insert_users,
)

SMALL = MigrationOptions(batch_size=100)


def runner(db: Database[Document], folder: Path, options: MigrationOptions = SMALL) -> MigrationRunner:
    return MigrationRunner(db, Revisions.load(folder), options)


def test_up_then_down_restores_every_document_exactly(db: Database[Document], tmp_path: Path) -> None:
    insert_users(db, 300)
    original = collection_hashes(db, "users")
    folder = copy_examples(tmp_path / "m", V2, V21, V3_SQL)
    run = runner(db, folder)
    results = run.up()
    assert [(r.revision_id, r.migrated) for r in results] == [
        ("migration_20240815_v2", 300),
        ("migration_20240914_v21", 300),
        ("migrate_users_v2_to_v3", 300),
    ]
    doc = db.users.find_one({"_id": 3})
    assert doc is not None
    assert doc["_schema"]["version"] == "3.0.0" and "lastMigrated" in doc["_schema"]
    assert doc["profile"] == {"firstName": "Grace", "lastName": "Hopper"}
    assert doc["_deprecated"]["full_name"] == "Grace Hopper"
    assert doc["preferences"] == {"theme": "dark", "language": "fr", "notifications": {"email": True}}
    assert doc["detailed_analytics"]["preferences"]["communicationChannels"] == ["email"]
    assert collection_hashes(db, "users") != original
    assert run.up() == []  # nothing pending
    for rid in ("migrate_users_v2_to_v3", "migration_20240914_v21", "migration_20240815_v2"):
        assert run.down(rid).migrated == 300
    assert collection_hashes(db, "users") == original
    assert {m.status for m in migration_status(db, run.revisions).migrations} == {"rolled_back"}


def test_down_refuses_while_a_dependent_is_applied_and_after_cleanup(
    db: Database[Document], tmp_path: Path
) -> None:
    insert_users(db, 50)
    run = runner(
        db, copy_examples(tmp_path / "m", V2, V21), MigrationOptions(batch_size=100, cleanup_now=True)
    )
    run.up()
    with pytest.raises(Exception, match="roll back migration_20240914_v21 first"):
        run.down("migration_20240815_v2")
    with pytest.raises(IrreversibleMigration, match="cleanup removed"):
        run.down("migration_20240914_v21")
    assert db.users.count_documents({"_deprecated.full_name": {"$exists": True}}) == 0


def test_cleanup_later_keeps_deprecated_fields_until_asked(db: Database[Document], tmp_path: Path) -> None:
    insert_users(db, 50)
    run = runner(db, copy_examples(tmp_path / "m", V2))
    run.up()
    assert db.users.count_documents({"_deprecated.full_name": {"$exists": True}}) == 50
    assert (run.changelog.get("migration_20240815_v2") or {})["cleanup"]["state"] == "scheduled"
    assert run.cleanup("migration_20240815_v2", force=True) == 50
    assert db.users.count_documents({"_deprecated.full_name": {"$exists": True}}) == 0


def test_bad_transforms_are_quarantined_and_reported(
    db: Database[Document], counting_revision: Callable[..., Path]
) -> None:
    insert_users(db, 1000)
    folder = counting_revision(fail_every=100)  # _id % 100 == 7: 10 documents, 1%
    bad_ids = [i for i in range(1000) if i % 100 == 7]
    before = collection_hashes(db, "users")
    run = runner(db, folder)
    with pytest.raises(MigrationValidationError) as failure:
        run.up()
    message = str(failure.value)
    assert "10 document(s) of users still at 1.0.0" in message
    assert "10 failed to transform" in message and "cannot split 7" in message
    record = run.changelog.get("count_v2") or {}
    assert record["status"] == "failed"
    assert sorted(f["_id"] for f in record["failures"]) == bad_ids
    assert record["counts"]["failed"] == 10
    after = collection_hashes(db, "users")
    assert all(after[i] == before[i] for i in bad_ids)  # untouched at the old version
    assert db.users.count_documents({"touches": 1}) == 990  # every other document migrated once
    assert db.users.count_documents({"touches": {"$gt": 1}}) == 0
    state = migration_status(db, run.revisions).get("count_v2")
    assert state.status == "failed" and state.failed == 10 and "cannot split" in (state.last_error or "")

    # A new run with a 1% quarantine retries the 10, which still fail, and accepts them.
    tolerant = runner(db, folder, MigrationOptions(batch_size=100, quarantine_threshold=0.01))
    result = tolerant.up()[0]
    assert result.validation is not None and result.validation.ok
    assert result.validation.left_behind == 10 and "10 quarantined" in result.message
    assert db.users.count_documents({"touches": {"$gt": 1}}) == 0


def test_validator_hook_can_fail_the_migration(db: Database[Document], tmp_path: Path) -> None:
    insert_users(db, 20)
    seen: list[str] = []

    def validator(coll: object, rev: object) -> ValidatorResult:
        seen.append(getattr(rev, "id", ""))
        return ValidatorResult(False, "3 documents lack profile.lastName")

    run = runner(db, copy_examples(tmp_path / "m", V2), MigrationOptions(validator=validator))
    with pytest.raises(MigrationValidationError, match="validator: 3 documents lack"):
        run.up()
    assert seen == ["migration_20240815_v2"]


def test_migrate_resumes_from_the_checkpoint(
    db: Database[Document], counting_revision: Callable[..., Path]
) -> None:
    insert_users(db, 1000)
    folder = counting_revision()
    run = runner(db, folder)
    seen: list[BatchProgress] = []

    def stop_after_three(p: BatchProgress) -> None:
        seen.append(p)
        if p.batch == 3:
            raise KeyboardInterrupt  # the process is going away

    assert run.prepare("count_v2")
    with pytest.raises(KeyboardInterrupt):
        run.migrate("count_v2", stop_after_three)
    record = run.changelog.get("count_v2") or {}
    assert record["checkpoint"] == {"direction": "up", "last_id": 299, "pass_complete": False}
    assert seen[-1].remaining == 700
    resumed: list[BatchProgress] = []
    run.migrate("count_v2", resumed.append)
    assert resumed[0].batch == 4 and resumed[-1].migrated == 1000
    run.validate("count_v2")
    assert db.users.count_documents({"touches": 1, "_schema.version": "2.0.0"}) == 1000
    assert db[LOCKS_COLLECTION].count_documents({}) == 0  # every lease released


def test_changed_checksum_of_an_applied_migration_is_refused(db: Database[Document], tmp_path: Path) -> None:
    insert_users(db, 10)
    folder = copy_examples(tmp_path / "m", V2)
    runner(db, folder).up()
    path = folder / V2
    path.write_text(path.read_text() + "\n# edited after it ran\n")
    with pytest.raises(ChecksumMismatch, match="must not change"):
        runner(db, folder).up()
    assert migration_status(db, Revisions.load(folder)).get("migration_20240815_v2").checksum_changed


def test_dry_run_writes_nothing(
    db: Database[Document], tmp_path: Path, counting_revision: Callable[..., Path]
) -> None:
    insert_users(db, 300)
    db.users.create_index("email")
    folder = copy_examples(tmp_path / "m", V2, V21, V3_SQL)
    before = database_hash(db)
    collections = sorted(db.list_collection_names())
    run = runner(db, folder)
    reports = dry_run(db, run.plan(), samples=2)
    assert database_hash(db) == before
    assert sorted(db.list_collection_names()) == collections  # no changelog, no lock collection
    assert CHANGELOG_COLLECTION not in collections
    assert [r.would_migrate for r in reports] == [300, 0, 0]
    changes = {str(c) for c in reports[0].samples[0].changes}
    assert "~ _schema.version: '1.0.0' -> '2.0.0'" in changes
    assert "- full_name (was 'Sarah Johnson')" in changes


def test_dry_run_reports_failures_and_server_side_samples(
    db: Database[Document], tmp_path: Path, counting_revision: Callable[..., Path]
) -> None:
    insert_users(db, 200)
    report = dry_run(db, list(Revisions.load(counting_revision(fail_every=100))))[0]
    assert (report.would_migrate, report.would_fail) == (198, 2)
    assert [f["_id"] for f in report.failures] == [7, 107]
    db.users.update_many({}, {"$set": {"_schema.version": "2.1.0"}})
    before = database_hash(db)
    server = dry_run(
        db, [Revisions.load(copy_examples(tmp_path / "m", V2, V21, V3_PIPELINE)).get("migration_20241001_v3")]
    )[0]
    assert database_hash(db) == before
    assert server.mode == "server" and server.would_migrate == 200
    assert "+ detailed_analytics" in [str(c)[:20] for c in server.samples[0].changes]
