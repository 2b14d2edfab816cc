"""The process-wide ephemeral Great Expectations context: no analytics, no progress bars, no files.

Importing GX is most of what a ``schema_compliance`` check costs in a scheduled run. About 40% of
that import is two libraries GX imports at module level for what leaf_dagster never runs: SciPy's
``stats`` (the KL-divergence and KS-test expectations) and Altair (their charts). :func:`import_gx`
puts a stand-in for each in ``sys.modules`` first, which imports the real module on the first read of
one of its attributes, so an expectation that does use them still works (``tests/quality/test_runner.py``).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import threading
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import great_expectations as gx
    import pandas as pd
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult

_lock = threading.RLock()
_batch_definition: BatchDefinition[Any] | None = None
DEFERRED_MODULES = ("scipy.stats", "altair")


class _Deferred(types.ModuleType):
    """Stands in for a module in ``sys.modules`` until one of its attributes is read; then the real
    module is imported (replacing the stand-in) and every read is forwarded to it."""

    def __getattr__(self, attribute: str) -> Any:
        with _lock:
            real = sys.modules.get(self.__name__)
            if real is None or real is self:
                parent, _, child = self.__name__.rpartition(".")
                sys.modules.pop(self.__name__, None)
                if parent and getattr(sys.modules[parent], child, None) is self:
                    delattr(sys.modules[parent], child)
                real = importlib.import_module(self.__name__)
        return getattr(real, attribute)


def _defer(name: str) -> None:
    if name in sys.modules:
        return
    parent, _, child = name.rpartition(".")
    if parent:
        importlib.import_module(parent)  # a package's import sets its submodules as attributes
    if importlib.util.find_spec(name) is None:
        return
    stand_in = _Deferred(name)
    sys.modules[name] = stand_in
    if parent:
        setattr(sys.modules[parent], child, stand_in)


def import_gx() -> types.ModuleType:
    """``great_expectations``, imported without the modules it needs only for what we never run."""
    with _lock:
        if "great_expectations" not in sys.modules:
            os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
            for name in DEFERRED_MODULES:
                _defer(name)
        return importlib.import_module("great_expectations")


def _definition() -> BatchDefinition[Any]:
    global _batch_definition
    with _lock:
        if _batch_definition is None:
            gx = import_gx()
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
