"""Retry only what is worth retrying.

Dagster's ``RetryPolicy`` retries any exception. Ops and assets wrap their MongoDB work in
:func:`fail_fast_unless_transient`, which turns logic errors into ``dg.Failure(allow_retries=False)``
so they fail at once, and lets transient errors (lost connection, timeouts) reach the policy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import dagster as dg

from leaf_dagster.connection import is_transient, redact_text

TRANSIENT_RETRY_POLICY = dg.RetryPolicy(
    max_retries=4, delay=1.0, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


@contextmanager
def fail_fast_unless_transient(what: str, metadata: Mapping[str, Any] | None = None) -> Iterator[None]:
    try:
        yield
    except dg.Failure:
        raise
    except Exception as exc:
        if is_transient(exc):
            raise
        raise dg.Failure(
            description=redact_text(f"{what} failed: {type(exc).__name__}: {exc}"),
            metadata=dict(metadata or {}),
            allow_retries=False,
        ) from exc
