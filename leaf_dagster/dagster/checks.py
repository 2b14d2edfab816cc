"""Document schemas as Dagster asset checks: GX schema compliance and the data-quality report.

:func:`schema_asset_checks` gives two checks per collection asset:

- ``schema_compliance`` runs the schema's Great Expectations suite over the collection (batched,
  exact totals). It fails with severity ERROR when a NOT NULL, UNIQUE or REFERENCES expectation
  fails (or any expectation overridden to ERROR), WARN otherwise. It is blocking by default, so an
  ERROR stops the downstream assets of the same run.
- ``data_quality`` reports :func:`leaf_dagster.schema.stats.schema_stats` (missing required fields,
  version distribution, migration locks, sizes, arrays over their limit); it warns, never blocks.

Partitioned assets get partitioned checks (Dagster 1.13 supports ``partitions_def`` on asset checks,
as a preview): each run validates only the documents of its partition, the time window of a
time-partitioned asset on ``partition_field`` (``bucketDate`` for rollup buckets), or
``partition_field == partition_key`` for other partitions.
"""

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg

from leaf_dagster.dagster.resources import MongoResource
from leaf_dagster.dagster.retries import TRANSIENT_RETRY_POLICY, fail_fast_unless_transient
from leaf_dagster.quality.runner import DEFAULT_BATCH_SIZE, MAX_EXAMPLE_IDS, ValidationReport
from leaf_dagster.quality.suite import Severity
from leaf_dagster.schema import DocumentSchema

COMPLIANCE_CHECK = "schema_compliance"
QUALITY_CHECK = "data_quality"

AssetRef = dg.AssetsDefinition | dg.AssetKey | str | Sequence[str]


def schema_asset_checks(
    asset: AssetRef,
    schema: DocumentSchema,
    *,
    collection: str | None = None,
    partitioned: bool = False,
    partitions_def: dg.PartitionsDefinition | None = None,
    partition_field: str = "bucketDate",
    blocking: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
    sample: int | None = None,
    severity_overrides: Mapping[str, Severity] | None = None,
    data_quality: bool = True,
    resource_key: str = "mongo",
) -> list[dg.AssetChecksDefinition]:
    """The schema-compliance check (and the data-quality check) for a collection asset.

    ``asset`` is the asset (or its key) whose materialization writes ``collection`` (default: the
    schema's collection). With ``partitioned=True`` the checks take the asset's partitions (or
    ``partitions_def``) and validate one partition's documents per run.
    """
    key = asset.key if isinstance(asset, dg.AssetsDefinition) else dg.AssetKey.from_coercible(asset)
    if partitioned and partitions_def is None and isinstance(asset, dg.AssetsDefinition):
        partitions_def = asset.partitions_def
    if partitioned and partitions_def is None:
        raise ValueError(f"partitioned checks for {key.to_user_string()} need the asset's partitions_def")
    parts = partitions_def if partitioned else None
    target = collection or schema.collection
    checks = [
        _compliance_check(
            key,
            schema,
            target,
            parts,
            partition_field,
            blocking,
            batch_size,
            sample,
            severity_overrides,
            resource_key,
        )
    ]
    if data_quality:
        checks.append(_quality_check(key, schema, target, parts, partition_field, resource_key))
    return checks


def partition_filter(context: dg.AssetCheckExecutionContext, partition_field: str) -> dict[str, Any] | None:
    """The documents of the run's partition: a time window on ``partition_field``, or equality."""
    if not (context.has_partition_key or context.has_partition_key_range):
        return None
    try:
        window = context.partition_time_window
    except Exception:  # not a time-window partition
        return {partition_field: context.partition_key}
    return {partition_field: {"$gte": window.start, "$lt": window.end}}


def _compliance_check(
    key: dg.AssetKey,
    schema: DocumentSchema,
    collection: str,
    partitions_def: dg.PartitionsDefinition | None,
    partition_field: str,
    blocking: bool,
    batch_size: int,
    sample: int | None,
    severity_overrides: Mapping[str, Severity] | None,
    resource_key: str,
) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=key,
        name=COMPLIANCE_CHECK,
        description=f"{collection} conforms to its CREATE DOCUMENT_SCHEMA (Great Expectations suite)",
        blocking=blocking,
        required_resource_keys={resource_key},
        retry_policy=TRANSIENT_RETRY_POLICY,
        partitions_def=partitions_def,
        metadata={"collection": collection, "schema_version": schema.version or ""},
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        from leaf_dagster.quality.runner import validate_collection

        mongo: MongoResource = getattr(context.resources, resource_key)
        where = partition_filter(context, partition_field) if partitions_def is not None else None
        with fail_fast_unless_transient(f"validating {collection}", {"mongo": mongo.redacted_uri}):
            report = validate_collection(
                mongo.get_database(),
                schema,
                collection=collection,
                batch_size=batch_size,
                sample=sample,
                filter=where,
                severity_overrides=severity_overrides,
            )
        return dg.AssetCheckResult(
            passed=report.success,
            severity=dg.AssetCheckSeverity.ERROR if report.blocking_failures else dg.AssetCheckSeverity.WARN,
            metadata=compliance_metadata(report, where),
            description=_describe(report),
        )

    return _check


def compliance_metadata(report: ValidationReport, where: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Check metadata: totals, per-expectation counts and percents, offending ``_id``s, versions."""
    results = [r.to_dict() for r in report.results]
    failed = [r for r in results if not r["success"]]
    rows = [
        f"| {r['id']} | {r['severity']} | {'pass' if r['success'] else 'FAIL'} | {r['unexpected_count']} "
        f"| {r['unexpected_percent']:.2f} | {', '.join(r['example_ids'][:5])} |"
        for r in sorted(results, key=lambda r: (r["success"], r["severity"] != "ERROR"))
    ]
    table = "\n".join(
        [
            "| expectation | severity | result | unexpected | % | example _ids |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    metadata: dict[str, Any] = {
        "documents": dg.MetadataValue.int(report.documents),
        "expectations": dg.MetadataValue.int(len(results)),
        "failed_expectations": dg.MetadataValue.int(len(failed)),
        "blocking_failures": dg.MetadataValue.json([r.rule.id for r in report.blocking_failures]),
        "unexpected_counts": dg.MetadataValue.json({r["id"]: r["unexpected_count"] for r in results}),
        "unexpected_percents": dg.MetadataValue.json({r["id"]: r["unexpected_percent"] for r in results}),
        "offending_ids": dg.MetadataValue.json({r["id"]: r["example_ids"][:MAX_EXAMPLE_IDS] for r in failed}),
        "schema_versions": dg.MetadataValue.json(dict(report.version_distribution)),
        "results": dg.MetadataValue.md(table),
    }
    if report.outdated_documents is not None:
        metadata["outdated_documents"] = dg.MetadataValue.int(report.outdated_documents)
    if where is not None:
        metadata["filter"] = dg.MetadataValue.json(_jsonable(where))
    return metadata


def _describe(report: ValidationReport) -> str:
    if report.success:
        return f"{len(report.results)} expectations passed on {report.documents:,} documents"
    blocking = len(report.blocking_failures)
    return (
        f"{len(report.failures)} of {len(report.results)} expectations failed on {report.documents:,} "
        f"documents ({blocking} blocking)"
    )


def _quality_check(
    key: dg.AssetKey,
    schema: DocumentSchema,
    collection: str,
    partitions_def: dg.PartitionsDefinition | None,
    partition_field: str,
    resource_key: str,
) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=key,
        name=QUALITY_CHECK,
        description=f"{collection} data-quality report (DOCUMENT_SCHEMA_STATS)",
        blocking=False,
        required_resource_keys={resource_key},
        retry_policy=TRANSIENT_RETRY_POLICY,
        partitions_def=partitions_def,
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        from leaf_dagster.schema.stats import schema_stats

        mongo: MongoResource = getattr(context.resources, resource_key)
        where = partition_filter(context, partition_field) if partitions_def is not None else None
        target = (
            schema if collection == schema.collection else dataclasses.replace(schema, collection=collection)
        )
        with fail_fast_unless_transient(f"measuring {collection}", {"mongo": mongo.redacted_uri}):
            stats = schema_stats(mongo.get_database(), target, match=where)
        problems = stats.problems()
        data = stats.to_dict()
        return dg.AssetCheckResult(
            passed=not problems,
            severity=dg.AssetCheckSeverity.WARN,
            description="; ".join(problems)
            if problems
            else f"{stats.document_count:,} documents, no problems",
            metadata={
                "documents": dg.MetadataValue.int(stats.document_count),
                "missing_required": dg.MetadataValue.json(data["missingRequired"]),
                "schema_versions": dg.MetadataValue.json(
                    {str(v): n for v, n in stats.version_counts.items()}
                ),
                "outdated_documents": dg.MetadataValue.int(stats.outdated or 0),
                "migration_locks": dg.MetadataValue.int(stats.migration_locks),
                "avg_size_bytes": dg.MetadataValue.float(stats.avg_size_bytes),
                "max_size_bytes": dg.MetadataValue.int(stats.max_size_bytes),
                "near_size_limit": dg.MetadataValue.int(stats.near_size_limit),
                "arrays_over_limit": dg.MetadataValue.json(data["arraysOverLimit"]),
                "size_histogram": dg.MetadataValue.json(data["sizeHistogram"]),
                "problems": dg.MetadataValue.json(problems),
            },
        )

    return _check


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)
