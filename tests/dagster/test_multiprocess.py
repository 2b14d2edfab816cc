"""The example code location under Dagster's multiprocess executor, and its resources pickled.

The multiprocess (and k8s, celery) executors run each step in a process of its own, which
reconstructs the job from its module and builds the resources again from their config: nothing of
the parent's memory travels but picklable definitions. ``execute_job(reconstructable(...))`` is what
``dagster job execute`` and the run launcher do."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import warnings
from pathlib import Path

import dagster as dg
import pytest
from pymongo.database import Database

from leaf_dagster.connection import ENV_DB, ENV_URI, Document
from leaf_dagster.dagster import COMPLIANCE_CHECK, QUALITY_CHECK, LeafProject, MongoResource
from pipelines import datagen

PIPELINES = Path(__file__).resolve().parents[2] / "pipelines"
KEY = dg.AssetKey("user_activity_buckets")
HOUR = "2024-09-14-07:00"
JOB = "multiprocess_buckets_and_quality"
SIZE = datagen.SampleSize(users=6, days=1, events_per_user_day=48, products=2, reviews_per_product=1)


def buckets_and_quality_check_job() -> dg.JobDefinition:
    """The example's bucket rollup and its two checks (the server-side report and the Great
    Expectations suite), as a job on the code location's default executor (in-process unless the
    run's config says ``multiprocess``; reconstructed in each step process from this function)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        location = dg.load_from_defs_folder(path_within_project=PIPELINES)
        job = dg.define_asset_job(
            JOB,
            selection=dg.AssetSelection.assets(KEY),  # with its checks
        )
        return dg.Definitions.merge(location, dg.Definitions(jobs=[job])).resolve_job_def(JOB)


def test_the_example_runs_under_the_multiprocess_executor(
    db: Database[Document], mongo_uri: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    datagen.seed(db, SIZE)
    monkeypatch.setenv(ENV_URI, mongo_uri)  # the step processes inherit the environment
    monkeypatch.setenv(ENV_DB, db.name)
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        result = dg.execute_job(
            dg.reconstructable(buckets_and_quality_check_job),
            instance=instance,
            tags={"dagster/partition": HOUR},
            run_config={
                "execution": {"config": {"multiprocess": {}}},  # the per-run switch, as in the launchpad
                "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
            },
        )
        assert result.success
        events = instance.all_logs(result.run_id)
    # each step in a process of its own, not the test's
    workers = {
        e.step_key
        for e in events
        if e.dagster_event and e.dagster_event.event_type_value == "STEP_WORKER_STARTED"
    }
    assert workers == {
        "user_activity_buckets",
        "user_activity_buckets_data_quality",
        "user_activity_buckets_schema_compliance",
    }
    step_pids = {
        e.step_key: e.dagster_event.pid
        for e in events
        if e.dagster_event and e.dagster_event.event_type_value == "STEP_START"
    }
    assert len(set(step_pids.values())) == 3 and all(pid != os.getpid() for pid in step_pids.values())

    start = dt.datetime(2024, 9, 14, 7)
    window = {"$gte": start, "$lt": start + dt.timedelta(hours=1)}
    users = db.activity_events.distinct("userId", {"timestamp": window})
    buckets = list(db.user_activity_buckets.find())
    assert sorted(b["userId"] for b in buckets) == sorted(users) and users
    assert {b["bucketDate"] for b in buckets} == {start}
    assert sum(b["eventCount"] for b in buckets) == db.activity_events.count_documents({"timestamp": window})
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == {QUALITY_CHECK, COMPLIANCE_CHECK}
    for evaluation in evaluations.values():
        assert (evaluation.partition, evaluation.passed) == (HOUR, True)
        assert evaluation.metadata["documents"].value == len(buckets)
    assert evaluations[COMPLIANCE_CHECK].metadata["failed_expectations"].value == 0
    (materialization,) = result.get_asset_materialization_events()
    assert materialization.materialization.metadata["documents_written"].value == len(buckets)


def test_every_resource_pickles_without_its_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "s3cr3t-Pa55"
    monkeypatch.setenv(ENV_URI, f"mongodb://leaf:{secret}@db.example.com:27017/?authSource=admin")
    monkeypatch.setenv(ENV_DB, "analytics")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        location = dg.load_from_defs_folder(path_within_project=PIPELINES)
    resources = dict(location.resources or {})
    assert set(resources) == {"mongo"}
    built = {"location": resources, "component": LeafProject().mongo.resource()}
    data = pickle.dumps(built)
    assert secret.encode() not in data and b"db.example.com" not in data
    back = pickle.loads(data)
    mongo = back["location"]["mongo"]
    assert isinstance(mongo, MongoResource)
    assert mongo.database == "analytics" and back["component"] == built["component"]
    # the URI stays a reference to the environment: each process reads it when it builds the resource
    assert isinstance(mongo.uri, dg.EnvVar) and mongo.uri.env_var_name == ENV_URI
    # a resource that has opened its client still pickles (clients live per process, outside it)
    direct = MongoResource(uri="mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100", timeout_ms=100)
    direct.get_client()
    assert pickle.loads(pickle.dumps(direct)) == direct


def test_the_project_puts_its_rollups_in_one_pool_per_mongodb_resource() -> None:
    """By default (``pool_by: resource``) every rollup of the project is in ``mongodb/<resource key>``,
    so a pool limit caps the aggregations open on that server, whatever the number of partitions
    queued; ``pool_by: target`` gives one pool per target."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        per_target = LeafProject(
            rollups=str(PIPELINES / "rollups"), schemas=None, migrations=None, pool_by="target"
        )
        per_resource = LeafProject(rollups=str(PIPELINES / "rollups"), schemas=None, migrations=None)
        pools = {
            name: {
                a.key.to_user_string(): a.op.pool
                for a in project.definitions().assets or []
                if isinstance(a, dg.AssetsDefinition) and a.is_materializable
            }
            for name, project in (("target", per_target), ("resource", per_resource))
        }
    assert pools["target"]["user_activity_buckets"] == "mongodb/mongo/user_activity_buckets"
    assert len(pools["resource"]) == 4 and set(pools["resource"].values()) == {"mongodb/mongo"}
