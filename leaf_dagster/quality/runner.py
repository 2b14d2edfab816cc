"""Validate a collection against its document schema, batch by batch, with exact totals.

Each batch is read as frames (:mod:`leaf_dagster.quality.frames`), given its computed columns,
validated with the GX suite of each frame, and the per-expectation counts are summed. UNIQUE and
REFERENCES are answered by the server (:mod:`leaf_dagster.quality.server`: a value is a duplicate
if it occurs twice anywhere in the collection; a reference exists if the referenced collection
holds it), so the totals are exact over the whole collection while one batch at a time is in
memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.quality.evaluate import as_length, as_number, as_scalar, as_string, bson_equal, evaluate
from leaf_dagster.quality.frames import ID, MISSING, ROOT, Frames, bson_type, read_frames
from leaf_dagster.quality.gxcontext import validate_frame
from leaf_dagster.quality.options import DEFAULT_BATCH_SIZE, MAX_EXAMPLE_IDS
from leaf_dagster.quality.server import ServerLookups
from leaf_dagster.quality.suite import Derived, Rule, Severity, SuitePlan, build_plan, gx_suites
from leaf_dagster.schema import DocumentSchema

NO_VERSION = "(none)"


@dataclass
class RuleResult:
    """One expectation's outcome over every batch."""

    rule: Rule
    element_count: int = 0
    missing_count: int = 0
    unexpected_count: int = 0
    example_ids: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def success(self) -> bool:
        return self.unexpected_count == 0 and not self.errors

    @property
    def unexpected_percent(self) -> float:
        """Percent of the non-null values checked (of all rows for not-null expectations)."""
        checked = self.element_count - self.missing_count
        return 100.0 * self.unexpected_count / checked if checked else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.rule.id,
            "kind": self.rule.kind,
            "path": self.rule.path,
            "frame": self.rule.frame or "(root)",
            "expectation": self.rule.expectation,
            "description": self.rule.description,
            "severity": self.severity,
            "success": self.success,
            "element_count": self.element_count,
            "missing_count": self.missing_count,
            "unexpected_count": self.unexpected_count,
            "unexpected_percent": round(self.unexpected_percent, 4),
            "example_ids": [str(i) for i in self.example_ids],
            **({"errors": list(self.errors)} if self.errors else {}),
        }


@dataclass
class ValidationReport:
    """The result of :func:`validate_collection`."""

    collection: str
    schema_version: str | None
    results: list[RuleResult]
    documents: int = 0
    batches: int = 0
    sample: int | None = None
    filter: Mapping[str, Any] | None = None
    version_distribution: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def success(self) -> bool:
        """Every expectation passed (WARN included)."""
        return all(r.success for r in self.results)

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.success]

    @property
    def blocking_failures(self) -> list[RuleResult]:
        """Failed ERROR-severity expectations: the ones that should stop downstream work."""
        return [r for r in self.failures if r.severity == "ERROR"]

    @property
    def outdated_documents(self) -> int | None:
        """Documents whose ``_schema.version`` differs from the schema's (None without a version)."""
        if self.schema_version is None:
            return None
        return sum(n for v, n in self.version_distribution.items() if v != self.schema_version)

    def result(self, rule_id: str) -> RuleResult:
        return next(r for r in self.results if r.rule.id == rule_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "schema_version": self.schema_version,
            "success": self.success,
            "documents": self.documents,
            "batches": self.batches,
            "sample": self.sample,
            "expectations": len(self.results),
            "failed": len(self.failures),
            "blocking_failures": [r.rule.id for r in self.blocking_failures],
            "version_distribution": dict(self.version_distribution),
            "outdated_documents": self.outdated_documents,
            "results": [r.to_dict() for r in self.results],
            "notes": list(self.notes),
        }


def validate_collection(
    db: Database[Document],
    schema: DocumentSchema,
    *,
    collection: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    sample: int | None = None,
    filter: Mapping[str, Any] | None = None,
    severity_overrides: Mapping[str, Severity] | None = None,
    max_example_ids: int | None = MAX_EXAMPLE_IDS,
    progress: Callable[[int], None] | None = None,
) -> ValidationReport:
    """Validate ``collection`` (default: the schema's) against ``schema``.

    ``sample`` validates a ``$sample`` of that many documents; ``filter`` restricts the documents
    (a partition's time window, say). ``max_example_ids=None`` keeps every offending ``_id``.
    ``progress`` is called with the number of documents validated so far after each batch.
    """
    plan = build_plan(schema, severity_overrides)
    coll = db[collection or schema.collection]
    suites: dict[Any, Any] | None = None  # built (and GX imported) on the first batch: none if no documents
    groups = plan.groups()
    results = {r.id: RuleResult(r) for r in plan.rules}
    result_format: dict[str, Any] = (
        {"result_format": "COMPLETE", "return_unexpected_index_query": False}
        if max_example_ids is None
        else {
            "result_format": "SUMMARY",
            "partial_unexpected_count": max_example_ids,
            "return_unexpected_index_query": False,
        }
    )
    report = ValidationReport(
        collection=coll.name,
        schema_version=schema.version,
        results=list(results.values()),
        sample=sample,
        filter=dict(filter) if filter else None,
        notes=plan.notes,
    )
    versions: Counter[str] = Counter()
    lookups = ServerLookups(db, coll.name, whole_collection=sample is None and not filter)
    for frames in read_frames(
        coll, _specs_with_version(plan, sample), batch_size=batch_size, sample=sample, filter=filter
    ):
        _add_derived(plan, frames, lookups)
        suites = gx_suites(plan) if suites is None else suites
        for (frame_path, conditions), suite in suites.items():
            rows = _rows(frames.frames.get(frame_path), conditions, groups[(frame_path, conditions)])
            if rows is None:
                continue
            outcome = validate_frame(rows, suite, result_format)
            for item in outcome.results:
                config = item.expectation_config
                assert config is not None and config.meta is not None
                _accumulate(results[config.meta["leaf_rule"]], item, rows, max_example_ids)
        if sample is not None:
            versions.update(_version_key(v) for v in frames.root["_schema.version"])
        report.documents += frames.documents
        report.batches += 1
        if progress is not None:
            progress(report.documents)
    report.version_distribution = dict(versions) if sample is not None else version_distribution(coll, filter)
    return report


def version_distribution(coll: Any, filter: Mapping[str, Any] | None = None) -> dict[str, int]:
    """Documents per ``_schema.version`` (server-side), most common first."""
    pipeline: list[dict[str, Any]] = []
    if filter:
        pipeline.append({"$match": dict(filter)})
    pipeline += [
        {"$group": {"_id": "$_schema.version", "n": {"$sum": 1}}},
        {"$sort": {"n": -1, "_id": 1}},
    ]
    return {_version_key(row["_id"]): int(row["n"]) for row in coll.aggregate(pipeline)}


def _version_key(value: Any) -> str:
    return NO_VERSION if value is None or value is MISSING else str(value)


def _specs_with_version(plan: SuitePlan, sample: int | None) -> list[Any]:
    if sample is None:
        return list(plan.frames)
    from dataclasses import replace

    return [replace(s, columns=(*s.columns, "_schema.version")) if s.path == ROOT else s for s in plan.frames]


def _rows(
    frame: pd.DataFrame | None, conditions: tuple[tuple[str, Any], ...], rules: tuple[Rule, ...]
) -> pd.DataFrame | None:
    """The rows (original index labels kept) and columns one suite needs; None when no row matches.

    Filtering here instead of with GX ``row_condition`` keeps a 5000-row batch fast: GX evaluates
    each row condition with ``DataFrame.query`` once per metric.
    """
    if frame is None or frame.empty:
        return None
    columns = list(dict.fromkeys([ID, *(r.column for r in rules)]))
    if not conditions:
        return frame[columns]
    mask = pd.Series(True, index=frame.index)
    for column, value in conditions:
        mask &= pd.Series([bson_equal(v, value) for v in frame[column]], index=frame.index)
    rows = frame.loc[mask, columns]
    return None if rows.empty else rows


def _accumulate(result: RuleResult, item: Any, frame: pd.DataFrame, max_ids: int | None) -> None:
    info = item.exception_info or {}
    if info.get("raised_exception"):
        result.errors.append(str(info.get("exception_message")))
        return
    data = item.result
    result.element_count += int(data.get("element_count") or 0)
    result.missing_count += int(data.get("missing_count") or 0)
    result.unexpected_count += int(data.get("unexpected_count") or 0)
    key = "unexpected_index_list" if max_ids is None else "partial_unexpected_index_list"
    indexes = data.get(key) or []
    if max_ids is not None and len(result.example_ids) >= max_ids:
        return
    ids = frame[ID]
    seen = set(map(repr, result.example_ids))
    for index in indexes:
        doc_id = ids.loc[index]
        if repr(doc_id) not in seen:
            seen.add(repr(doc_id))
            result.example_ids.append(doc_id)
            if max_ids is not None and len(result.example_ids) >= max_ids:
                return


_VIEWS: dict[str, Callable[[Any], Any]] = {
    "type": bson_type,
    "str": as_string,
    "num": as_number,
    "len": as_length,
    "scalar": as_scalar,
}


def _add_derived(plan: SuitePlan, frames: Frames, lookups: ServerLookups) -> None:
    for derived in plan.derived:
        frame = frames.frames.get(derived.frame)
        if frame is None:
            continue
        source = frame[derived.source].tolist()
        values: list[Any]
        if derived.view in _VIEWS:
            fn = _VIEWS[derived.view]
            values = [fn(v) for v in source]
        elif derived.view == "check":
            values = _check_column(derived, frame)
        else:
            values = lookups.column(derived, source)
        frame[derived.name] = pd.Series(values, dtype=object, index=frame.index)


def _check_column(derived: Derived, frame: pd.DataFrame) -> list[Any]:
    assert derived.check is not None
    columns = {p: frame[p].tolist() for p in derived.check.paths() if p in frame.columns}
    out: list[Any] = []
    for i in range(len(frame)):

        def row(path: str, i: int = i) -> Any:
            return columns[path][i] if path in columns else MISSING

        out.append(evaluate(derived.check.condition, row) is not False)
    return out
