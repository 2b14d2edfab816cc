"""``leaf_dagster.LeafProject``: the example code location as the Component builds it, the translator
hooks, and the columns, lineage and sources it describes."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import dagster as dg
import pytest

from leaf_dagster.dagster import LeafAsset, LeafProject
from leaf_dagster.dagster.migrations import PENDING_JOB
from pipelines import datagen
from pipelines.definitions import defs

PIPELINES = Path(__file__).resolve().parents[2] / "pipelines"
ROLLUPS = ("customer_daily_orders", "product_review_summary", "user_activity_buckets", "user_engagement")
SOURCES = ("activity_events", "notifications", "orders", "products", "reviews", "users")


def _project(**kwargs: object) -> LeafProject:
    return LeafProject(
        rollups=str(PIPELINES / "rollups"),
        schemas=str(PIPELINES / "schemas"),
        migrations=str(PIPELINES / "migrations"),
        **kwargs,  # type: ignore[arg-type]
    )


def _specs(definitions: dg.Definitions) -> dict[str, dg.AssetSpec]:
    return {spec.key.to_user_string(): spec for spec in definitions.resolve_all_asset_specs()}


def test_the_example_is_the_component() -> None:
    specs = _specs(defs)
    assert set(specs) == {*ROLLUPS, *SOURCES}
    graph = defs.resolve_asset_graph()
    for name in SOURCES:
        node = graph.get(dg.AssetKey(name))
        assert node.is_observable and not node.is_materializable, name
    assert {k.to_user_string() for k in graph.get(dg.AssetKey("user_engagement")).parent_keys} == {
        "users",
        "user_activity_buckets",
    }
    jobs = {job.name for job in defs.jobs or []}
    # named after the revisions, without a doubled prefix
    assert {"migrate_users_v2_to_v3", "migration_20240815_v2", "migration_20240914_v21", PENDING_JOB} <= jobs
    assert not any(name.startswith("migrate_migrat") for name in jobs)
    assert {f"{name}_job" for name in ROLLUPS} | {"raw_collection_checks_job", "observe_sources_job"} <= jobs


def test_every_collection_asset_has_a_table_name_and_a_column_schema() -> None:
    specs = _specs(defs)
    for name, spec in specs.items():
        target = "products" if name == "product_review_summary" else name
        assert spec.metadata["dagster/table_name"] == f"leaf.{target}", name
        if name == "reviews":  # no schema describes it and no rollup writes it
            continue
        schema = spec.metadata["dagster/column_schema"]
        assert isinstance(schema, dg.TableSchema) and schema.columns, name
    users = {c.name: c for c in specs["users"].metadata["dagster/column_schema"].columns}
    assert users["username"].type == "varchar(30)" and not users["username"].constraints.nullable
    assert users["profile.location.city"].type == "varchar(100)"  # nested fields by dotted path
    orders = {
        c.name: c.type for c in specs["customer_daily_orders"].metadata["dagster/column_schema"].columns
    }
    assert orders["customerId"] == "objectid"  # copied from orders.customerId (the DDL's type)
    assert orders["orders"] == "bigint"  # COUNT(*), typed by sqlglot
    assert orders["day"] == "timestamp"  # the partition's day


def test_column_lineage_is_traced_through_ctes_joins_and_unnest() -> None:
    lineage = _specs(defs)["user_engagement"].metadata["dagster/column_lineage"]
    assert isinstance(lineage, dg.TableColumnLineage)

    def deps(column: str) -> set[tuple[str, str]]:
        return {(d.asset_key.to_user_string(), d.column_name) for d in lineage.deps_by_column[column]}

    assert deps("user_id") == {("users", "_id")}
    assert deps("full_name") == {("users", "profile.firstName"), ("users", "profile.lastName")}
    assert deps("departments") == {("users", "attributes")}  # through the CTE and UNNEST
    assert deps("total_clicks") == {("user_activity_buckets", "summary.clicks")}  # through the join
    assert ("users", "account.type") in deps("engagement_percentile")  # PARTITION BY
    buckets = _specs(defs)["user_activity_buckets"].metadata["dagster/column_lineage"]
    assert {d.column_name for d in buckets.deps_by_column["userId"]} == {"userId"}


def test_translator_hooks_change_keys_groups_and_metadata_everywhere() -> None:
    class Prefixed(LeafProject):
        def get_asset_spec(self, base: dg.AssetSpec, asset: LeafAsset) -> dg.AssetSpec:
            spec = super().get_asset_spec(base, asset)
            return spec.replace_attributes(
                key=spec.key.with_prefix("mongo"),
                group_name="raw" if asset.role == "source" else "marts",
            ).merge_attributes(metadata={"collection": asset.collection})

    built = Prefixed(
        rollups=str(PIPELINES / "rollups"), schemas=str(PIPELINES / "schemas"), migrations=None
    ).definitions()
    specs = _specs(built)
    assert set(specs) == {f"mongo/{name}" for name in (*ROLLUPS, *SOURCES)}
    assert specs["mongo/users"].group_name == "raw" and specs["mongo/user_engagement"].group_name == "marts"
    assert specs["mongo/user_engagement"].metadata["collection"] == "user_engagement"
    graph = built.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get(dg.AssetKey(["mongo", "user_engagement"])).parent_keys} == {
        "mongo/users",
        "mongo/user_activity_buckets",
    }
    checked = {key.asset_key.to_user_string() for key in graph.asset_check_keys}
    assert {"mongo/users", "mongo/user_activity_buckets"} <= checked
    lineage = specs["mongo/user_engagement"].metadata["dagster/column_lineage"]
    assert {d.asset_key for d in lineage.deps_by_column["user_id"]} == {dg.AssetKey(["mongo", "users"])}
    job = built.resolve_job_def("user_engagement_job")
    assert job.asset_layer.asset_graph.executable_asset_keys == {dg.AssetKey(["mongo", "user_engagement"])}


def test_key_prefix_groups_and_partition_start_from_attributes() -> None:
    built = _project(
        key_prefix=["shop"], rollup_group="marts", source_group="raw", partitions_start="2026-01-01"
    ).definitions()
    specs = _specs(built)
    assert (
        specs["shop/users"].group_name == "raw" and specs["shop/customer_daily_orders"].group_name == "marts"
    )
    assets = {
        a.key.to_user_string(): a
        for a in built.assets or []
        if isinstance(a, dg.AssetsDefinition) and len(a.keys) == 1
    }
    partitions = assets["shop/customer_daily_orders"].partitions_def
    assert isinstance(partitions, dg.DailyPartitionsDefinition)
    assert partitions.get_first_partition_key() == "2026-01-01"


def test_the_sample_is_live_by_default_and_anchored_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datagen.ENV_START, raising=False)
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    size = datagen.SampleSize(users=4, events_per_user_day=3)
    assert size.first == today - dt.timedelta(days=14) and size.days == 14
    events = list(datagen.activity_events(size, random.Random(size.seed)))
    assert min(e["timestamp"] for e in events) >= size.first
    assert max(e["timestamp"] for e in events) < today  # it ends where today begins
    assert events == list(
        datagen.activity_events(datagen.SampleSize(users=4, events_per_user_day=3), random.Random(size.seed))
    )
    assert datagen.sample_start() == size.first.strftime("%Y-%m-%d")  # where the partitions start
    monkeypatch.setenv(datagen.ENV_START, "2024-09-14")
    assert datagen.SampleSize().first == datagen.ANCHOR
