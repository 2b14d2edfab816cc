"""Great Expectations suites generated from document schemas, run batch by batch with exact totals.

No Dagster import here (the asset checks live in :mod:`leaf_dagster.dagster.checks`); GX itself is
imported lazily, on the first validation.
"""

from leaf_dagster.quality.frames import Frames, FrameSpec, flatten, flatten_all, read_frames
from leaf_dagster.quality.render import print_report, render_report
from leaf_dagster.quality.runner import RuleResult, ValidationReport, validate_collection
from leaf_dagster.quality.suite import Rule, Severity, SuitePlan, build_plan, gx_suites

__all__ = [
    "FrameSpec",
    "Frames",
    "Rule",
    "RuleResult",
    "Severity",
    "SuitePlan",
    "ValidationReport",
    "build_plan",
    "flatten",
    "flatten_all",
    "gx_suites",
    "print_report",
    "read_frames",
    "render_report",
    "validate_collection",
]
