"""Raw collections as observable source assets, with a freshness check each.

One observation (the "Observe sources" button, or ``observe_sources_job`` on its schedule) records per
collection ``dagster/row_count`` (the collection's metadata count, no scan) and the newest value of
the time field the rollups read (``find().sort(field, -1).limit(1)``: one index entry when the field
is indexed) as ``newest_event`` and ``dagster/last_updated_timestamp``. The ``freshness`` check fails
(WARN) when that newest event is older than the collection's ``max_age``.
"""

# No ``from __future__ import annotations``: Dagster reads the op functions' annotations.

import datetime as dt
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg
from pymongo.collection import Collection

from leaf_dagster.connection import Document
from leaf_dagster.dagster.resources import MongoResource
from leaf_dagster.dagster.retries import TRANSIENT_RETRY_POLICY, fail_fast_unless_transient

FRESHNESS_CHECK = "freshness"
OBSERVE_OP = "observe_sources"


@dataclass(frozen=True)
class SourceCollection:
    spec: dg.AssetSpec
    collection: str
    time_field: str | None  # the field the rollups window on; None: only the count is observed
    max_age: dt.timedelta


def newest_value(collection: Collection[Document], field: str) -> dt.datetime | None:
    """The newest ``field`` value: the last entry of its index (no scan when ``field`` is indexed).
    No filter, so the sort alone picks the index; a missing value sorts lowest, after any date."""
    doc = collection.find_one({}, {field: 1, "_id": 0}, sort=[(field, -1)])
    value: Any = doc
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _observation(source: SourceCollection, mongo: MongoResource) -> dict[str, Any]:
    collection = mongo.get_database()[source.collection]
    metadata: dict[str, Any] = {
        "dagster/row_count": dg.MetadataValue.int(collection.estimated_document_count())
    }
    if source.time_field:
        newest = newest_value(collection, source.time_field)
        metadata["time_field"] = source.time_field
        if newest is not None:
            metadata["newest_event"] = dg.MetadataValue.timestamp(newest)
            metadata["dagster/last_updated_timestamp"] = dg.MetadataValue.timestamp(newest)
    return metadata


def source_observation(
    sources: Sequence[SourceCollection], *, resource_key: str = "mongo"
) -> tuple[dg.AssetsDefinition, list[dg.AssetChecksDefinition]]:
    """The observable source assets of ``sources`` (one op, subsettable) and their freshness checks."""
    by_key = {source.spec.key: source for source in sources}
    # multi_observable_source_asset is beta in Dagster 1.13; it is the one API for observable
    # sources that takes AssetSpecs (descriptions, groups, column schemas), so it is used here only.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)

        @dg.multi_observable_source_asset(
            name=OBSERVE_OP,
            specs=[source.spec for source in sources],
            can_subset=True,
            required_resource_keys={resource_key},
            description="Count the documents of the raw collections and read their newest event time.",
        )
        def observe(context: dg.AssetExecutionContext) -> Iterator[dg.ObserveResult]:
            mongo: MongoResource = getattr(context.resources, resource_key)
            with fail_fast_unless_transient("observing the raw collections", {"mongo": mongo.redacted_uri}):
                for key in sorted(context.selected_asset_keys, key=lambda k: k.to_user_string()):
                    yield dg.ObserveResult(asset_key=key, metadata=_observation(by_key[key], mongo))

    checks = [_freshness_check(source, resource_key) for source in sources if source.time_field]
    return observe, checks


def _age(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"


def _freshness_check(source: SourceCollection, resource_key: str) -> dg.AssetChecksDefinition:
    field = source.time_field
    assert field is not None

    @dg.asset_check(
        asset=source.spec.key,
        name=FRESHNESS_CHECK,
        description=f"The newest `{field}` in {source.collection} is at most {_age(source.max_age)} old.",
        required_resource_keys={resource_key},
        retry_policy=TRANSIENT_RETRY_POLICY,
        metadata={"time_field": field, "max_age_hours": source.max_age.total_seconds() / 3600},
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        mongo: MongoResource = getattr(context.resources, resource_key)
        with fail_fast_unless_transient(f"reading the newest {field}", {"mongo": mongo.redacted_uri}):
            newest = newest_value(mongo.get_database()[source.collection], field)
        if newest is None:
            return dg.AssetCheckResult(
                passed=False, severity=dg.AssetCheckSeverity.WARN, description=f"no document has a `{field}`"
            )
        age = dt.datetime.now(dt.UTC) - newest
        return dg.AssetCheckResult(
            passed=age <= source.max_age,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"newest `{field}` is {_age(age)} old (limit {_age(source.max_age)})",
            metadata={
                "newest_event": dg.MetadataValue.timestamp(newest),
                "age_hours": round(age.total_seconds() / 3600, 2),
            },
        )

    return _check
