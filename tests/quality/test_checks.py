"""Dagster asset checks from a document schema: pass, blocking ERROR failure, partitions."""

from __future__ import annotations

import datetime
from typing import Any

import dagster as dg
from bson import ObjectId
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.dagster import MongoResource
from leaf_dagster.dagster.checks import schema_asset_checks
from leaf_dagster.schema import DocumentSchema, parse_ddl

BUCKETS_DDL = """
CREATE DOCUMENT_SCHEMA buckets (
  _id OBJECTID PRIMARY KEY,
  bucketDate TIMESTAMP NOT NULL,
  count INTEGER NOT NULL CHECK (count >= 0)
);
"""


def _people_assets(docs: list[Document]) -> tuple[dg.AssetsDefinition, dg.AssetsDefinition]:
    @dg.asset(name="people")
    def people(mongo: MongoResource) -> None:
        coll = mongo.get_database().people
        coll.delete_many({})
        coll.insert_many([dict(d) for d in docs])

    @dg.asset(deps=[people])
    def people_report(mongo: MongoResource) -> int:
        return mongo.get_database().people.count_documents({})

    return people, people_report


def _run(db: Database[Document], mongo_uri: str, defs: list[Any], **kwargs: Any) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        defs,
        resources={"mongo": MongoResource(uri=mongo_uri, database=db.name)},
        raise_on_error=False,
        **kwargs,
    )


def _evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def test_passing_checks_let_downstream_run(
    db: Database[Document], mongo_uri: str, people_schema: DocumentSchema
) -> None:
    db.teams.insert_one({"_id": 1})
    people, report = _people_assets(
        [{"_id": ObjectId(), "name": f"p{i}", "role": "a", "_schema": {"version": "2.0"}} for i in range(3)]
    )
    checks = schema_asset_checks(people, people_schema)
    result = _run(db, mongo_uri, [people, report, *checks])
    assert result.success
    evals = _evaluations(result)
    compliance = evals["schema_compliance"]
    assert compliance.passed and compliance.severity == dg.AssetCheckSeverity.WARN
    assert compliance.metadata["documents"].value == 3
    assert compliance.metadata["failed_expectations"].value == 0
    assert compliance.metadata["schema_versions"].value == {"2.0": 3}
    assert evals["data_quality"].passed
    assert result.output_for_node("people_report") == 3


def test_failed_blocking_check_stops_downstream_assets(
    db: Database[Document], mongo_uri: str, people_schema: DocumentSchema
) -> None:
    bad = ObjectId()
    people, report = _people_assets([{"_id": ObjectId(), "name": "ok"}, {"_id": bad, "role": "zz"}])
    checks = schema_asset_checks(people, people_schema)
    result = _run(db, mongo_uri, [people, report, *checks])
    compliance = _evaluations(result)["schema_compliance"]
    assert not compliance.passed
    assert compliance.severity == dg.AssetCheckSeverity.ERROR
    meta: dict[str, Any] = {k: v.value for k, v in compliance.metadata.items()}
    assert meta["blocking_failures"] == ["name:not_null"]
    assert meta["unexpected_counts"]["name:not_null"] == 1
    assert meta["unexpected_percents"]["role:enum"] == 100.0  # of the values present
    assert meta["offending_ids"]["name:not_null"] == [str(bad)]
    assert not _evaluations(result)["data_quality"].passed  # the stats report the missing name too
    materialized = {
        str(e.asset_key.to_user_string()) for e in result.get_asset_materialization_events() if e.asset_key
    }
    assert materialized == {"people"}  # people_report was not materialized


def test_warn_only_failure_does_not_block(
    db: Database[Document], mongo_uri: str, people_schema: DocumentSchema
) -> None:
    people, report = _people_assets([{"_id": ObjectId(), "name": "ok", "role": "zz"}])
    checks = schema_asset_checks(people, people_schema, data_quality=False)
    assert len(checks) == 1
    result = _run(db, mongo_uri, [people, report, *checks])
    compliance = _evaluations(result)["schema_compliance"]
    assert not compliance.passed and compliance.severity == dg.AssetCheckSeverity.WARN
    assert result.output_for_node("people_report") == 1


def test_partitioned_check_validates_only_its_partition(db: Database[Document], mongo_uri: str) -> None:
    schema = parse_ddl(BUCKETS_DDL).only()
    daily = dg.DailyPartitionsDefinition(start_date="2024-01-01")
    day1, day2 = datetime.datetime(2024, 1, 1, 5), datetime.datetime(2024, 1, 2, 5)
    db.buckets.insert_many(
        [
            {"_id": ObjectId(), "bucketDate": day1, "count": 1},
            {"_id": ObjectId(), "bucketDate": day1, "count": 2},
            {"_id": ObjectId(), "bucketDate": day2, "count": -5},
        ]
    )

    @dg.asset(partitions_def=daily, name="buckets")
    def buckets() -> None:
        return None

    checks = schema_asset_checks(buckets, schema, partitioned=True)
    good = _run(db, mongo_uri, [buckets, *checks], partition_key="2024-01-01")
    compliance = _evaluations(good)["schema_compliance"]
    assert compliance.passed and compliance.metadata["documents"].value == 2
    assert compliance.partition == "2024-01-01"
    assert _evaluations(good)["data_quality"].metadata["documents"].value == 2
    bad = _run(db, mongo_uri, [buckets, *checks], partition_key="2024-01-02")
    compliance = _evaluations(bad)["schema_compliance"]
    assert not compliance.passed and compliance.severity == dg.AssetCheckSeverity.WARN
    assert compliance.metadata["documents"].value == 1
    counts: Any = compliance.metadata["unexpected_counts"].value
    assert counts["count:check"] == 1
