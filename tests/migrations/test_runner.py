"""The engine against a real server: apply, roll back, resume, bad transforms, dry-run, status."""

from __future__ import annotations

import importlib
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
from tests.migrations.conftest import WriteRevision
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
    assert [r.would_migrate for r in reports] == [300, 300, 300]  # chained: 1.0.0 → 2.0.0 → 2.1.0 → 3.0.0
    changes = {str(c) for c in reports[0].samples[0].changes}
    assert "~ _schema.version: '1.0.0' -> '2.0.0'" in changes
    assert "- full_name (was 'Sarah Johnson')" in changes
    # the next revision's sample starts where the first left the document
    assert reports[1].samples[0].before == reports[0].samples[0].after
    assert "~ _schema.version: '2.0.0' -> '2.1.0'" in {str(c) for c in reports[1].samples[0].changes}


def test_dry_run_chains_pending_revisions_as_up_would_apply_them(
    db: Database[Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dry-run over v2 (client) → v21 (client) → v3 (SQL, server-side), on users at 1.0.0 and 2.1.0:
    its counts and the documents it predicts are those a real ``up`` then writes."""
    module = importlib.import_module("leaf_dagster.migrations.dry_run")
    monkeypatch.setattr(module, "MAX_AGGREGATE_BYTES", 4096)  # many aggregations per batch
    insert_users(db, 300)
    db.users.update_many({"_id": {"$gte": 200}}, {"$set": {"_schema.version": "2.1.0", "preferences": {}}})
    folder = copy_examples(tmp_path / "m", V2, V21, V3_SQL)
    run = runner(db, folder, MigrationOptions(batch_size=64))
    before = database_hash(db)
    reports = dry_run(db, run.plan(), samples=1000, batch_size=64)
    assert database_hash(db) == before
    assert [(r.revision_id, r.mode, r.would_migrate, r.would_fail) for r in reports] == [
        ("migration_20240815_v2", "client", 200, 0),
        ("migration_20240914_v21", "client", 200, 0),
        ("migrate_users_v2_to_v3", "server", 300, 0),  # the 200 migrated on the way, the 100 already there
    ]
    predicted = {p._id: p.after for p in reports[-1].samples}
    assert len(predicted) == 300

    results = run.up()
    assert [(r.revision_id, r.migrated) for r in results] == [
        (r.revision_id, r.would_migrate) for r in reports
    ]
    for doc in db.users.find():
        expected = predicted[doc["_id"]]
        # CURRENT_TIMESTAMP is evaluated when the pipeline runs: the only field that differs
        assert expected["_schema"].pop("lastMigrated") <= doc["_schema"].pop("lastMigrated")
        assert expected == doc


def test_dry_run_chain_skips_what_a_revision_fails_on_and_feeds_server_output_onwards(
    db: Database[Document], write_revision: WriteRevision, counting_revision: Callable[..., Path]
) -> None:
    insert_users(db, 300)
    counting_revision(fail_every=50)  # count_v2: 1.0.0 → 2.0.0, fails on _id % 50 == 7
    write_revision(
        "b_v3.py",
        """
        id = "b_v3"
        collection = "users"
        from_version = "2.0.0"
        to_version = "3.0.0"
        depends_on = ["count_v2"]
        up_pipeline = [{"$set": {"shout": {"$concat": ["$name_upper", "!"]}, "note": {"$literal": "$not_a_path"}}}]
        """,
    )
    folder = write_revision(
        "c_v4.py",
        """
        id = "c_v4"
        collection = "users"
        from_version = "3.0.0"
        to_version = "4.0.0"
        depends_on = ["b_v3"]

        def up(doc):
            doc["shout_length"] = len(doc["shout"])
            return doc
        """,
    )
    db.users.update_one({"_id": 299}, {"$set": {"_schema.version": "3.0.0", "shout": "already"}})
    db.users.update_one({"_id": 0}, {"$set": {"motto": "$money"}})  # a value, not a field path
    before = database_hash(db)
    reports = dry_run(db, runner(db, folder).plan(), samples=2, batch_size=100)
    assert database_hash(db) == before
    # 6 documents fail count_v2 (7, 57, …, 257) and stay at 1.0.0: the later revisions never see them
    assert [(r.revision_id, r.would_migrate, r.would_fail) for r in reports] == [
        ("count_v2", 293, 6),
        ("b_v3", 293, 0),
        ("c_v4", 294, 0),  # and the document already at 3.0.0
    ]
    assert [f["_id"] for f in reports[0].failures] == [7, 57, 107, 157, 207, 257]
    # c_v4 read what b_v3's pipeline computed, in memory, from what count_v2 computed, in memory
    first = reports[2].samples[0]
    assert first._id == 0 and first.before["shout"] == "SARAH JOHNSON!" and first.after["shout_length"] == 14
    assert first.before["note"] == "$not_a_path" and first.before["touches"] == 1
    assert first.before["motto"] == first.after["motto"] == "$money"


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


def test_prepare_accepts_an_existing_version_index_of_another_name(
    db: Database[Document], tmp_path: Path
) -> None:
    """A loader (pipelines.datagen) may create the {_schema.version, _id} index under its default name;
    the server refuses a second index on the same keys, so prepare uses the one there."""
    insert_users(db, 10)
    db.users.create_index([("_schema.version", 1), ("_id", 1)])
    results = runner(db, copy_examples(tmp_path / "m", V2)).up()
    assert [(r.revision_id, r.migrated) for r in results] == [("migration_20240815_v2", 10)]
    keys = [tuple(index["key"].items()) for index in db.users.list_indexes()]
    assert keys.count((("_schema.version", 1), ("_id", 1))) == 1
