"""The process-wide ephemeral Great Expectations context: no analytics, no progress bars, no files."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import great_expectations as gx
    import pandas as pd
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult

_lock = threading.RLock()
_batch_definition: BatchDefinition[Any] | None = None


def _definition() -> BatchDefinition[Any]:
    global _batch_definition
    with _lock:
        if _batch_definition is None:
            os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
            import great_expectations as gx
            from great_expectations.data_context.types.base import (
                DataContextConfig,
                InMemoryStoreBackendDefaults,
                ProgressBarsConfig,
            )

            # In-memory stores and no data-docs site: nothing is written to disk.
            config = DataContextConfig(
                store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
                analytics_enabled=False,
                progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            )
            context = gx.get_context(mode="ephemeral", project_config=config)
            source = context.data_sources.add_pandas("leaf_dagster")
            asset = source.add_dataframe_asset("frame")
            _batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        return _batch_definition


def ensure_context() -> None:
    """Create the process-wide context if it does not exist yet."""
    _definition()


def progress_bars_enabled() -> bool:
    """Whether GX would draw progress bars (False once the context exists)."""
    context = _definition().data_asset.datasource.data_context
    bars = context.progress_bars
    return bars is None or bool(bars.globally) or bool(bars.metric_calculations)


def validate_frame(
    frame: pd.DataFrame, suite: gx.ExpectationSuite, result_format: dict[str, Any]
) -> ExpectationSuiteValidationResult:
    """Run ``suite`` on one in-memory frame (whole-dataframe batch of the shared pandas source)."""
    definition = _definition()
    with _lock:
        batch = definition.get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(suite, result_format=result_format)
