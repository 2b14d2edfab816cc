"""Great Expectations suites generated from document schemas, run batch by batch with exact totals.

No Dagster import here (the asset checks live in :mod:`leaf_dagster.dagster.checks`). Nothing is
imported until a name is used: the runner brings pandas, and GX is imported on the first validation
only, so code that merely names a setting (:mod:`leaf_dagster.quality.options`) pays for neither.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leaf_dagster.quality.frames import Frames, FrameSpec, flatten, flatten_all, read_frames
    from leaf_dagster.quality.options import Severity
    from leaf_dagster.quality.render import print_report, render_report
    from leaf_dagster.quality.runner import RuleResult, ValidationReport, validate_collection
    from leaf_dagster.quality.suite import Rule, SuitePlan, build_plan, gx_suites

_HOMES = {
    "FrameSpec": "frames",
    "Frames": "frames",
    "flatten": "frames",
    "flatten_all": "frames",
    "read_frames": "frames",
    "Severity": "options",
    "print_report": "render",
    "render_report": "render",
    "RuleResult": "runner",
    "ValidationReport": "runner",
    "validate_collection": "runner",
    "Rule": "suite",
    "SuitePlan": "suite",
    "build_plan": "suite",
    "gx_suites": "suite",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
