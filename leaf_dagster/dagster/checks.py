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
``partition_field == partition_key`` for other partitions. A ranged run (a backfill, or a schedule
re-running late partitions) validates each of its partitions apart and records one result per
partition, so the Checks tab shows passed or failed per partition, never "Skipped" for one it checked.
"""

import dataclasses
import datetime as dt
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import dagster as dg

from leaf_dagster.dagster.resources import MongoResource
from leaf_dagster.dagster.retries import TRANSIENT_RETRY_POLICY, fail_fast_unless_transient
from leaf_dagster.quality.options import DEFAULT_BATCH_SIZE, MAX_EXAMPLE_IDS, Severity
from leaf_dagster.schema import DocumentSchema

if TYPE_CHECKING:  # the runner imports pandas, and GX on first use: only a running check needs them
    from leaf_dagster.quality.runner import ValidationReport

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


def partitioned_asset_check(**kwargs: Any) -> Callable[[Callable[..., Any]], dg.AssetChecksDefinition]:
    """``dg.asset_check``, silencing the one warning of ``partitions_def`` on a check.

    Partitioned asset checks are a preview API in Dagster 1.13 (it warns on every definition, hence
    on every code-location load). They are what makes a check's result belong to one partition, so
    this module uses them, in this one place, until they are stable."""

    def decorate(fn: Callable[..., Any]) -> dg.AssetChecksDefinition:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=dg.PreviewWarning, message=".*partitions_def.*")
            return dg.asset_check(**kwargs)(fn)

    return decorate


def _window_filter(partitions_def: dg.PartitionsDefinition, key: str, partition_field: str) -> dict[str, Any]:
    if isinstance(partitions_def, dg.TimeWindowPartitionsDefinition):
        window = partitions_def.time_window_for_partition_key(key)
        return {partition_field: {"$gte": window.start, "$lt": window.end}}
    return {partition_field: key}


def evaluate_per_partition(
    context: dg.AssetCheckExecutionContext,
    partitions_def: dg.PartitionsDefinition | None,
    partition_field: str,
    evaluate: Callable[[dict[str, Any] | None], dg.AssetCheckResult],
    evaluate_range: Callable[[list[str]], Mapping[str, dg.AssetCheckResult]] | None = None,
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation | dg.Output[None]]:
    """The check's result for the run: one result, or, in a run over a range of partitions, one
    evaluation per partition (each about that partition's documents only): ``evaluate_range`` gives
    them all from one pass over the range, else ``evaluate`` runs once per partition.

    Dagster records an ``AssetCheckResult`` of a ranged run once, without a partition, and marks
    every partition of the range "Skipped"; an ``AssetCheckEvaluation`` carries its partition."""
    keys = (
        list(context.partition_keys) if partitions_def is not None and context.has_partition_key_range else []
    )
    if len(keys) <= 1:
        yield evaluate(partition_filter(context, partition_field) if partitions_def is not None else None)
        return
    assert partitions_def is not None
    (check_key,) = context.op_execution_context.selected_asset_check_keys
    spec = context.op_execution_context.assets_def.get_spec_for_check_key(check_key)
    results = (
        evaluate_range(keys)
        if evaluate_range is not None
        else {key: evaluate(_window_filter(partitions_def, key, partition_field)) for key in keys}
    )
    for key in keys:
        result = results[key]
        yield dg.AssetCheckEvaluation(
            asset_key=check_key.asset_key,
            check_name=check_key.name,
            passed=result.passed,
            metadata=result.metadata,
            severity=result.severity,
            description=result.description,
            blocking=spec.blocking,
            partition=key,
        )
    (output,) = context.op_execution_context.op_def.output_dict  # the check's one output
    yield dg.Output(None, output_name=output)


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
    @partitioned_asset_check(
        asset=key,
        name=COMPLIANCE_CHECK,
        description=f"{collection} conforms to its CREATE DOCUMENT_SCHEMA (Great Expectations suite)",
        blocking=blocking,
        required_resource_keys={resource_key},
        retry_policy=TRANSIENT_RETRY_POLICY,
        partitions_def=partitions_def,
        metadata={"collection": collection, "schema_version": schema.version or ""},
    )
    def _check(context: dg.AssetCheckExecutionContext) -> Iterator[Any]:
        mongo: MongoResource = getattr(context.resources, resource_key)
        yield from evaluate_per_partition(
            context,
            partitions_def,
            partition_field,
            lambda where: _result(_validate(mongo, where), where),
            lambda keys: _split(mongo, keys),
        )

    def _validate(
        mongo: MongoResource, where: dict[str, Any] | None, every_id: bool = False
    ) -> "ValidationReport":
        from leaf_dagster.quality.runner import validate_collection

        with fail_fast_unless_transient(f"validating {collection}", {"mongo": mongo.redacted_uri}):
            return validate_collection(
                mongo.get_database(),
                schema,
                collection=collection,
                batch_size=batch_size,
                sample=sample,
                filter=where,
                severity_overrides=severity_overrides,
                max_example_ids=None if every_id else MAX_EXAMPLE_IDS,
            )

    def _split(mongo: MongoResource, keys: list[str]) -> dict[str, dg.AssetCheckResult]:
        """One validation over the range (a Great Expectations pass costs the same for one hour
        as for a day), its offending documents then assigned to their partitions."""
        assert partitions_def is not None
        first = _window_filter(partitions_def, keys[0], partition_field)
        last = _window_filter(partitions_def, keys[-1], partition_field)
        if isinstance(first[partition_field], dict):
            where: dict[str, Any] = {
                partition_field: {"$gte": first[partition_field]["$gte"], "$lt": last[partition_field]["$lt"]}
            }
        else:
            where = {partition_field: {"$in": keys}}
        report = _validate(mongo, where, every_id=True)
        return partition_results(
            mongo.get_database()[collection], report, partitions_def, keys, partition_field
        )

    def _result(report: "ValidationReport", where: dict[str, Any] | None) -> dg.AssetCheckResult:
        return dg.AssetCheckResult(
            passed=report.success,
            severity=dg.AssetCheckSeverity.ERROR if report.blocking_failures else dg.AssetCheckSeverity.WARN,
            metadata=compliance_metadata(report, where),
            description=_describe(report),
        )

    return _check


def partition_results(
    collection: Any,
    report: "ValidationReport",
    partitions_def: dg.PartitionsDefinition,
    keys: Sequence[str],
    partition_field: str,
) -> dict[str, dg.AssetCheckResult]:
    """Per partition, the expectations that failed on its documents (from a report over the whole
    range that kept every offending ``_id``). An expectation that failed without naming documents
    (an error) fails every partition."""
    offending = {r.rule.id: list(r.example_ids) for r in report.results if not r.success}
    ids = {doc_id for found in offending.values() for doc_id in found}
    partition_of: dict[Any, str] = {}
    for doc in collection.find({"_id": {"$in": list(ids)}}, {partition_field: 1}):
        value = doc.get(partition_field)
        if isinstance(partitions_def, dg.TimeWindowPartitionsDefinition) and hasattr(value, "timestamp"):
            moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
            partition_of[doc["_id"]] = partitions_def.get_partition_key_for_timestamp(moment.timestamp())
        else:
            partition_of[doc["_id"]] = str(value)
    severity_of = {r.rule.id: r.severity for r in report.results}
    out: dict[str, dg.AssetCheckResult] = {}
    for key in keys:
        where = _window_filter(partitions_def, key, partition_field)
        mine = {
            rule: [i for i in found if partition_of.get(i) == key] if found else ["(no _id)"]
            for rule, found in offending.items()
        }
        failed = {rule: found for rule, found in mine.items() if found}
        blocking = sorted(rule for rule in failed if severity_of[rule] == "ERROR")
        documents = collection.count_documents(where)
        out[key] = dg.AssetCheckResult(
            passed=not failed,
            severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
            description=(
                f"{len(failed)} of {len(report.results)} expectations failed on {documents:,} documents"
                f" ({len(blocking)} blocking)"
                if failed
                else f"{len(report.results)} expectations passed on {documents:,} documents"
            ),
            metadata={
                "documents": dg.MetadataValue.int(documents),
                "expectations": dg.MetadataValue.int(len(report.results)),
                "failed_expectations": dg.MetadataValue.int(len(failed)),
                "blocking_failures": dg.MetadataValue.json(blocking),
                "unexpected_counts": dg.MetadataValue.json(  # offending documents in this partition
                    {rule: len(found) for rule, found in failed.items()}
                ),
                "offending_ids": dg.MetadataValue.json(
                    {rule: [str(i) for i in found[:MAX_EXAMPLE_IDS]] for rule, found in failed.items()}
                ),
                "filter": dg.MetadataValue.json(_jsonable(where)),
                "validated_range": dg.MetadataValue.text(f"{keys[0]} … {keys[-1]} (one pass)"),
            },
        )
    return out


def compliance_metadata(report: "ValidationReport", where: Mapping[str, Any] | None = None) -> dict[str, Any]:
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


def _describe(report: "ValidationReport") -> str:
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
    @partitioned_asset_check(
        asset=key,
        name=QUALITY_CHECK,
        description=f"{collection} data-quality report (DOCUMENT_SCHEMA_STATS)",
        blocking=False,
        required_resource_keys={resource_key},
        retry_policy=TRANSIENT_RETRY_POLICY,
        partitions_def=partitions_def,
    )
    def _check(context: dg.AssetCheckExecutionContext) -> Iterator[Any]:
        mongo: MongoResource = getattr(context.resources, resource_key)
        yield from evaluate_per_partition(
            context, partitions_def, partition_field, lambda where: _measure(mongo, where)
        )

    def _measure(mongo: MongoResource, where: dict[str, Any] | None) -> dg.AssetCheckResult:
        from leaf_dagster.schema.stats import schema_stats

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
