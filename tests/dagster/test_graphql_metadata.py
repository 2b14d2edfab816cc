"""Column schemas, column lineage, table names and row counts, read back as the UI reads them: through
Dagster's GraphQL API over ``workspace.yaml`` (the code location in its own code-server process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from dagster_graphql.test.utils import define_out_of_process_context, execute_dagster_graphql
from pymongo.database import Database

from leaf_dagster.connection import ENV_DB, ENV_URI, Document
from pipelines import datagen

ROOT = Path(__file__).resolve().parents[2]
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
ENTRY = """
  __typename label
  ... on IntMetadataEntry { intValue }
  ... on TextMetadataEntry { text }
  ... on TableSchemaMetadataEntry { schema { columns { name type constraints { nullable } } } }
  ... on TableColumnLineageMetadataEntry { lineage { columnName columnDeps { assetKey { path } columnName } } }
"""
ASSET_NODES = f"""
query {{
  assetNodes {{
    assetKey {{ path }}
    metadataEntries {{ {ENTRY} }}
    assetMaterializations(limit: 1) {{ metadataEntries {{ {ENTRY} }} }}
    assetObservations(limit: 1) {{ metadataEntries {{ {ENTRY} }} }}
  }}
}}
"""


def _entries(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {entry["label"]: entry for entry in entries}


def test_the_ui_reads_column_schemas_lineage_table_names_and_row_counts(
    db: Database[Document], mongo_uri: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_URI, mongo_uri)
    monkeypatch.setenv(ENV_DB, db.name)
    counts = datagen.seed(db, datagen.SampleSize(users=5, days=1, events_per_user_day=4, products=3))
    location = dg.load_from_defs_folder(path_within_project=ROOT / "pipelines")
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        assert (
            location.resolve_job_def("customer_daily_orders_job")
            .execute_in_process(run_config=QUIET, instance=instance, partition_key="2024-09-14")
            .success
        )
        observe = location.resolve_job_def("observe_sources_job")
        assert observe.execute_in_process(run_config=QUIET, instance=instance, raise_on_error=False).success

        with define_out_of_process_context(str(ROOT / "workspace.yaml"), None, instance) as context:
            result = execute_dagster_graphql(context, ASSET_NODES)
        assert not result.errors, result.errors
        nodes = {"/".join(n["assetKey"]["path"]): n for n in result.data["assetNodes"]}

    for name, node in nodes.items():  # every collection asset names its collection
        target = "products" if name == "product_review_summary" else name
        assert _entries(node["metadataEntries"])["dagster/table_name"]["text"] == f"{db.name}.{target}"

    orders = _entries(nodes["customer_daily_orders"]["metadataEntries"])
    columns = {c["name"]: c["type"] for c in orders["dagster/column_schema"]["schema"]["columns"]}
    assert columns["customerId"] == "objectid" and columns["orders"] == "bigint"
    lineage = {e["columnName"]: e["columnDeps"] for e in orders["dagster/column_lineage"]["lineage"]}
    assert lineage["total_spent"] == [
        {"assetKey": {"path": ["orders"]}, "columnName": "status"},
        {"assetKey": {"path": ["orders"]}, "columnName": "total"},
    ]
    materialized = _entries(nodes["customer_daily_orders"]["assetMaterializations"][0]["metadataEntries"])
    assert materialized["dagster/row_count"]["intValue"] == db.customer_daily_orders.count_documents({}) > 0

    users = _entries(nodes["users"]["metadataEntries"])
    email = next(c for c in users["dagster/column_schema"]["schema"]["columns"] if c["name"] == "email")
    assert email["constraints"]["nullable"] is False
    observed = _entries(nodes["users"]["assetObservations"][0]["metadataEntries"])
    assert observed["dagster/row_count"]["intValue"] == counts["users"]
