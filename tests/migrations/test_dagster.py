"""Migrations as Dagster jobs: ordering, observations, fail-fast, retries on contention and restarts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.dagster.migrations import PENDING_JOB, migration_definitions
from leaf_dagster.dagster.resources import MongoResource
from leaf_dagster.embedded import EmbeddedServer
from leaf_dagster.migrations import CHANGELOG_COLLECTION, Lease, MigrationOptions
from tests.migrations.helpers import V2, V3_SQL, V21, copy_examples, insert_users


def defs_for(folder: Path, uri: str, db: str, timeout_ms: int = 10_000, **options: object) -> dg.Definitions:
    return migration_definitions(
        folder,
        options=MigrationOptions(**options),  # type: ignore[arg-type]
        mongo=MongoResource(uri=uri, database=db, timeout_ms=timeout_ms),
    )


def events_of(result: dg.ExecuteInProcessResult, kind: str) -> list[dg.DagsterEvent]:
    return [e for e in result.all_events if e.event_type_value == kind]


def test_definitions_jobs_and_nightly_schedule(tmp_path: Path) -> None:
    folder = copy_examples(tmp_path / "m", V2, V21, V3_SQL)
    defs = migration_definitions(folder, mongo=MongoResource(uri="mongodb://127.0.0.1:1"))
    names = {job.name for job in defs.jobs or []}
    assert names == {
        PENDING_JOB,
        "migration_20240815_v2",
        "migration_20240914_v21",
        "migrate_users_v2_to_v3",  # named after the revision, no doubled prefix
    }
    schedule = next(iter(defs.schedules or []))
    assert isinstance(schedule, dg.ScheduleDefinition)
    assert schedule.cron_schedule == "0 2 * * *" and schedule.job_name == PENDING_JOB
    assert next(
        iter(migration_definitions(folder, schedule_cron="30 3 * * 1").schedules or [])
    ).cron_schedule == (  # type: ignore[union-attr]
        "30 3 * * 1"
    )
    job = defs.resolve_job_def(PENDING_JOB)
    assert all(node.definition.retry_policy is not None for node in job.nodes)  # type: ignore[attr-defined]


def test_pending_job_applies_in_order_and_observes_the_schema_version(
    db: Database[Document], mongo_uri: str, tmp_path: Path
) -> None:
    insert_users(db, 300)
    defs = defs_for(copy_examples(tmp_path / "m", V2, V21, V3_SQL), mongo_uri, db.name, batch_size=100)
    result = defs.resolve_job_def(PENDING_JOB).execute_in_process()
    assert result.success
    steps = [e.step_key for e in events_of(result, "STEP_SUCCESS")]
    assert steps.index("migration_20240815_v2__cleanup") < steps.index("migration_20240914_v21__prepare")
    assert steps.index("migration_20240914_v21__cleanup") < steps.index("migrate_users_v2_to_v3__prepare")
    observed = [e.event_specific_data.asset_observation for e in events_of(result, "ASSET_OBSERVATION")]  # type: ignore[union-attr]
    assert [(o.asset_key, o.metadata["schema_version"].value) for o in observed] == [
        (dg.AssetKey(["users"]), "2.0.0"),
        (dg.AssetKey(["users"]), "2.1.0"),
        (dg.AssetKey(["users"]), "3.0.0"),
    ]
    outputs = {e.step_key: e.event_specific_data.metadata for e in events_of(result, "STEP_OUTPUT")}  # type: ignore[union-attr]
    migrate_md = outputs["migration_20240815_v2__migrate"]
    assert migrate_md["migrated"].value == 300 and migrate_md["remaining"].value == 0
    assert float(migrate_md["rate_docs_per_s"].value) > 0  # type: ignore[arg-type]
    assert db.users.count_documents({"_schema.version": "3.0.0"}) == 300
    again = defs.resolve_job_def(PENDING_JOB).execute_in_process()
    assert again.success  # a no-op: only the head's observation (the collection is at 3.0.0) again
    again_observed = [e.event_specific_data.asset_observation for e in events_of(again, "ASSET_OBSERVATION")]  # type: ignore[union-attr]
    assert [o.metadata["schema_version"].value for o in again_observed] == ["3.0.0"]
    assert migrate_md["already_applied"].value is False
    # the migrate ops report what this run did (nothing), not the counts of the run that applied them
    again_outputs = {e.step_key: e.event_specific_data.metadata for e in events_of(again, "STEP_OUTPUT")}  # type: ignore[union-attr]
    for step in ("migration_20240815_v2__migrate", "migrate_users_v2_to_v3__migrate"):
        assert again_outputs[step]["already_applied"].value is True
        assert again_outputs[step]["migrated"].value == 0


def test_logic_errors_fail_at_once_without_retries(
    db: Database[Document], mongo_uri: str, counting_revision: Callable[..., Path]
) -> None:
    insert_users(db, 200)
    defs = defs_for(counting_revision(fail_every=100), mongo_uri, db.name)
    result = defs.resolve_job_def("migrate_count_v2").execute_in_process(raise_on_error=False)
    assert not result.success
    assert not events_of(result, "STEP_UP_FOR_RETRY")
    failure = events_of(result, "STEP_FAILURE")[0]
    assert failure.step_key == "count_v2__validate"
    assert "2 failed to transform" in str(failure.event_specific_data)


def test_lock_contention_is_retried(
    db: Database[Document], mongo_uri: str, counting_revision: Callable[..., Path]
) -> None:
    insert_users(db, 100)
    defs = defs_for(counting_revision(), mongo_uri, db.name)
    other_runner = Lease(db, "migrate:users", purpose="someone else").acquire()
    release = threading.Timer(1.5, other_runner.release)
    release.start()
    result = defs.resolve_job_def("migrate_count_v2").execute_in_process()
    release.join()
    assert result.success
    assert next(e.step_key for e in events_of(result, "STEP_UP_FOR_RETRY")) == "count_v2__prepare"
    assert db.users.count_documents({"_schema.version": "2.0.0", "touches": 1}) == 100


@pytest.mark.slow
def test_server_restart_mid_migration_the_op_retries_and_resumes(
    private_server: EmbeddedServer, counting_revision: Callable[..., Path]
) -> None:
    client: MongoClient[Document] = MongoClient(private_server.uri, serverSelectionTimeoutMS=30_000)
    db = client["restart"]
    insert_users(db, 2000)
    defs = defs_for(
        counting_revision(), private_server.uri, "restart", timeout_ms=1000, batch_size=50, batch_delay_ms=20
    )
    outcome: list[dg.ExecuteInProcessResult] = []
    job = threading.Thread(
        target=lambda: outcome.append(
            defs.resolve_job_def("migrate_count_v2").execute_in_process(raise_on_error=False)
        )
    )
    job.start()
    deadline = time.monotonic() + 60
    while ((db[CHANGELOG_COLLECTION].find_one({"_id": "count_v2"}) or {}).get("counts") or {}).get(
        "batches", 0
    ) < 5:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    private_server.kill()  # as a crash: journaled writes survive
    time.sleep(2.0)
    private_server.start()
    job.join(timeout=300)
    result = outcome[0]
    assert result.success
    retried = [e.step_key for e in events_of(result, "STEP_UP_FOR_RETRY")]
    assert "count_v2__migrate" in retried
    assert db.users.count_documents({"_schema.version": "2.0.0", "touches": 1}) == 2000
    record = db[CHANGELOG_COLLECTION].find_one({"_id": "count_v2"}) or {}
    assert record["status"] == "applied"
    # Resumed, not started over: a new pass would have reset the batch count below 2000 / 50.
    assert record["counts"]["batches"] in (39, 40) and record["counts"]["total"] == 2000
    client.close()
