"""The example code location's asset checks: one asset per schema'd collection, its checks wired,
and the code location's own jobs run against the test server on a clean and on a dirty sample.
The sample's users come at older schema versions; ``pending_migrations`` brings them to the version
``users.ddl`` describes before their checks run, as in ``make demo``."""

from __future__ import annotations

import datetime as dt
import random
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from pymongo.database import Database

from leaf_dagster.connection import ENV_DB, ENV_URI, Document
from leaf_dagster.dagster import COMPLIANCE_CHECK, QUALITY_CHECK, LeafProject
from leaf_dagster.dagster.component import RAW_CHECKS_JOB
from leaf_dagster.dagster.migrations import PENDING_JOB
from leaf_dagster.migrations import Revisions
from leaf_dagster.schema import DocumentSchema
from leaf_dagster.schema.stats import schema_stats
from pipelines import datagen
from pipelines.definitions import defs

PIPELINES = Path(__file__).resolve().parent.parent / "pipelines"
MIGRATIONS_DIR = PIPELINES / "migrations"


def document_schemas() -> list[DocumentSchema]:
    return LeafProject(schemas=str(PIPELINES / "schemas")).document_schemas


RAW = ("activity_events", "notifications", "orders", "products", "users")
SIZE = datagen.SampleSize(users=10, days=1, events_per_user_day=10, products=5, reviews_per_product=3)
HOUR = "2024-09-14-05:00"


def _checks_by_asset(definitions: dg.Definitions) -> dict[str, dict[str, dg.AssetCheckSpec]]:
    out: dict[str, dict[str, dg.AssetCheckSpec]] = {}
    for checks in definitions.asset_checks or []:
        assert isinstance(checks, dg.AssetsDefinition)  # the defs-folder loader re-wraps checks
        for spec in checks.check_specs:
            out.setdefault(spec.asset_key.to_user_string(), {})[spec.name] = spec
    return out


def test_the_users_schema_is_at_the_newest_revision_and_only_it_checks_versions() -> None:
    schemas = {schema.collection: schema for schema in document_schemas()}
    head = Revisions.load(MIGRATIONS_DIR).head("users")
    assert head is not None and head.to_version == "3.0.0"
    assert schemas["users"].version == head.to_version
    assert schemas["users"].field_at("detailed_analytics.preferences.frequencySettings.marketing")
    # the other collections' documents carry no _schema.version: their checks count no outdated ones
    assert {name for name, schema in schemas.items() if schema.version} == {"users"}
    # the sample's users are at versions the revisions start from, all older than the schema's
    rng = random.Random(0)
    versions = Counter(u["_schema"]["version"] for u in datagen.users(datagen.SampleSize(users=20), rng))
    assert versions == {"1.0.0": 2, "2.0.0": 2, "2.1.0": 16}
    assert set(versions) == {rev.from_version for rev in Revisions.load(MIGRATIONS_DIR)}


def test_every_schema_collection_has_its_checks_on_exactly_one_asset() -> None:
    collections = {schema.collection for schema in document_schemas()}
    assert collections == {*RAW, "user_activity_buckets"}
    keys = Counter(spec.key.to_user_string() for spec in defs.resolve_all_asset_specs())
    assert all(keys[name] == 1 for name in collections), keys
    checks = _checks_by_asset(defs)
    assert {name for name, by_name in checks.items() if COMPLIANCE_CHECK in by_name} == collections
    # a raw collection the rollups window on also gets a freshness check on its time field
    assert {name for name, by_name in checks.items() if "freshness" in by_name} == {
        "activity_events",
        "orders",
        "reviews",
    }
    for name in collections:
        assert set(checks[name]) - {"freshness"} == {COMPLIANCE_CHECK, QUALITY_CHECK}
        assert checks[name][COMPLIANCE_CHECK].blocking and not checks[name][QUALITY_CHECK].blocking

    buckets = next(
        a for a in defs.assets or []
        if isinstance(a, dg.AssetsDefinition) and a.keys == {dg.AssetKey("user_activity_buckets")}
    )  # fmt: skip
    assert isinstance(buckets.partitions_def, dg.HourlyPartitionsDefinition)
    for check in checks["user_activity_buckets"].values():
        assert check.partitions_def == buckets.partitions_def
    graph = defs.resolve_asset_graph()
    for name in RAW:
        assert all(check.partitions_def is None for check in checks[name].values())
        node = graph.get(dg.AssetKey(name))
        assert node.is_observable and not node.is_materializable  # written outside Dagster, observed

    job = defs.resolve_job_def(RAW_CHECKS_JOB)
    selected = job.asset_layer.asset_graph.asset_check_keys
    assert {(k.asset_key.to_user_string(), k.name) for k in selected} == {
        (name, check) for name in RAW for check in (COMPLIANCE_CHECK, QUALITY_CHECK)
    }
    assert job.asset_layer.asset_graph.executable_asset_keys == set()  # checks only, nothing materialized
    rollup_job = defs.resolve_job_def("user_activity_buckets_job")
    assert {k.asset_key.to_user_string() for k in rollup_job.asset_layer.asset_graph.asset_check_keys} == {
        "user_activity_buckets"
    }


@pytest.fixture
def location(db: Database[Document], mongo_uri: str, monkeypatch: pytest.MonkeyPatch) -> dg.Definitions:
    """The code location as ``workspace.yaml`` loads it, with the environment pointing at ``db``."""
    monkeypatch.setenv(ENV_URI, mongo_uri)
    monkeypatch.setenv(ENV_DB, db.name)
    return dg.load_from_defs_folder(path_within_project=PIPELINES)


def _run(location: dg.Definitions, job: str, **kwargs: Any) -> dg.ExecuteInProcessResult:
    run_config = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return location.resolve_job_def(job).execute_in_process(
            run_config=run_config, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, **kwargs
        )


def _evaluations(result: dg.ExecuteInProcessResult) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (e.asset_key.to_user_string(), e.check_name): {
            "passed": e.passed,
            "severity": e.severity.value,
            **{key: value.value for key, value in e.metadata.items()},
        }
        for e in result.get_asset_check_evaluations()
    }


def _migrate(location: dg.Definitions, db: Database[Document]) -> None:
    assert _run(location, PENDING_JOB).success
    assert db.users.distinct("_schema.version") == ["3.0.0"]


def test_clean_sample_passes_every_check(db: Database[Document], location: dg.Definitions) -> None:
    counts = datagen.seed(db, SIZE)
    assert Counter(u["_schema"]["version"] for u in db.users.find()) == {"1.0.0": 1, "2.0.0": 1, "2.1.0": 8}
    users = next(schema for schema in document_schemas() if schema.collection == "users")
    assert schema_stats(db, users).outdated == 10  # not at 3.0.0 until the migrations ran
    _migrate(location, db)
    raw = _run(location, RAW_CHECKS_JOB)
    assert raw.success
    evaluations = _evaluations(raw)
    assert set(evaluations) == {(name, check) for name in RAW for check in (COMPLIANCE_CHECK, QUALITY_CHECK)}
    assert {key: e["passed"] for key, e in evaluations.items()} == dict.fromkeys(evaluations, True)
    for name in RAW:
        assert evaluations[(name, COMPLIANCE_CHECK)]["documents"] == counts.get(name, 0)
        assert evaluations[(name, COMPLIANCE_CHECK)]["failed_expectations"] == 0
    assert evaluations[("users", COMPLIANCE_CHECK)]["schema_versions"] == {"3.0.0": 10}
    assert evaluations[("users", QUALITY_CHECK)]["outdated_documents"] == 0

    buckets = _run(location, "user_activity_buckets_job", partition_key=HOUR)
    assert buckets.success
    evaluations = _evaluations(buckets)
    hour = dt.datetime(2024, 9, 14, 5)
    expected = db.user_activity_buckets.count_documents(
        {"bucketDate": {"$gte": hour, "$lt": hour + dt.timedelta(hours=1)}}
    )
    assert expected == db.user_activity_buckets.count_documents({}) > 0  # only this partition was rolled up
    compliance = evaluations[("user_activity_buckets", COMPLIANCE_CHECK)]
    assert compliance["passed"] and compliance["documents"] == expected
    assert compliance["filter"]["bucketDate"]["$gte"].startswith("2024-09-14 05:00:00")
    assert evaluations[("user_activity_buckets", QUALITY_CHECK)]["passed"]
    assert [e.partition for e in buckets.get_asset_check_evaluations()] == [HOUR, HOUR]


def test_dirty_sample_fails_the_checks_it_should(db: Database[Document], location: dg.Definitions) -> None:
    datagen.seed(db, datagen.SampleSize(**{**SIZE.__dict__, "dirty": True}))
    _migrate(location, db)
    raw = _run(location, RAW_CHECKS_JOB)
    # a blocking check failing with ERROR fails the run; the other checks still ran
    assert not raw.success
    assert raw.get_failed_step_keys() == {"users_schema_compliance"}
    evaluations = _evaluations(raw)
    outcome = {key: (e["passed"], e["severity"]) for key, e in evaluations.items()}
    assert outcome == {
        ("users", COMPLIANCE_CHECK): (False, "ERROR"),
        ("users", QUALITY_CHECK): (False, "WARN"),
        ("activity_events", COMPLIANCE_CHECK): (False, "WARN"),
        ("activity_events", QUALITY_CHECK): (True, "WARN"),
        ("orders", COMPLIANCE_CHECK): (False, "WARN"),
        ("orders", QUALITY_CHECK): (True, "WARN"),
        ("products", COMPLIANCE_CHECK): (False, "WARN"),
        ("products", QUALITY_CHECK): (True, "WARN"),
        ("notifications", COMPLIANCE_CHECK): (True, "WARN"),
        ("notifications", QUALITY_CHECK): (True, "WARN"),
    }
    users = evaluations[("users", COMPLIANCE_CHECK)]
    no_email = sorted(str(doc["_id"]) for doc in db.users.find({"email": {"$exists": False}}))
    assert len(no_email) == 1  # user 3 of 10
    assert users["blocking_failures"] == ["email:not_null"]
    assert users["offending_ids"]["email:not_null"] == no_email
    assert users["unexpected_counts"]["email:not_null"] == 1
    assert users["unexpected_counts"]["account.loginCount:check"] == 1
    assert users["offending_ids"]["account.type:enum"] == no_email
    missing = evaluations[("users", QUALITY_CHECK)]["missing_required"]
    assert {path: n for path, n in missing.items() if n} == {"email": 1}

    scroll = sorted(str(doc["_id"]) for doc in db.activity_events.find({"eventType": "scroll"}))
    events = evaluations[("activity_events", COMPLIANCE_CHECK)]
    assert events["offending_ids"]["eventType:enum"] == scroll and len(scroll) == 1  # event 5 of 100
    assert events["blocking_failures"] == []
    lower_sku = sorted(str(doc["_id"]) for doc in db.products.find({"sku": {"$regex": "[a-z]"}}))
    assert evaluations[("products", COMPLIANCE_CHECK)]["offending_ids"] == {"sku:check": lower_sku}
    negative = sorted(str(doc["_id"]) for doc in db.orders.find({"total": {"$lt": 0}}))
    assert evaluations[("orders", COMPLIANCE_CHECK)]["offending_ids"]["total:check"] == negative

    # the buckets of an hour holding a 'scroll' event fail WARN: the rollup and its run still succeed
    hour = db.activity_events.find_one({"eventType": "scroll"}, sort=[("timestamp", 1)])
    assert hour is not None
    key = hour["timestamp"].strftime("%Y-%m-%d-%H:00")
    buckets = _run(location, "user_activity_buckets_job", partition_key=key)
    assert buckets.success
    compliance = _evaluations(buckets)[("user_activity_buckets", COMPLIANCE_CHECK)]
    assert (compliance["passed"], compliance["severity"]) == (False, "WARN")
    assert set(compliance["unexpected_counts"]) >= {"events.eventType:enum"}
    assert compliance["unexpected_counts"]["events.eventType:enum"] >= 1


def test_a_failed_blocking_source_check_skips_the_rollup_in_the_same_run(
    db: Database[Document], location: dg.Definitions
) -> None:
    datagen.seed(db, SIZE)
    event = db.activity_events.find_one(sort=[("_id", 1)])  # the source check covers the whole collection
    assert event is not None
    db.activity_events.update_one({"_id": event["_id"]}, {"$unset": {"userId": ""}})  # NOT NULL: ERROR
    selection = dg.AssetSelection.assets("user_activity_buckets") | dg.AssetSelection.checks_for_assets(
        "activity_events"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = dg.materialize(
            [*(location.assets or []), *(location.asset_checks or [])],  # type: ignore[list-item]
            selection=selection,
            partition_key=HOUR,
            resources=location.resources,
            instance=dg.DagsterInstance.ephemeral(),
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
            raise_on_error=False,
        )
    compliance = _evaluations(result)[("activity_events", COMPLIANCE_CHECK)]
    assert (compliance["passed"], compliance["severity"]) == (False, "ERROR")
    assert compliance["offending_ids"]["userId:not_null"] == [str(event["_id"])]
    assert result.get_asset_materialization_events() == []  # the rollup did not run
    assert db.user_activity_buckets.count_documents({}) == 0
