"""One rollup run in a process of its own, for the overlap tests: ``python -m tests.rollups.overlap_worker JSON``.

The JSON names the server (``uri``, ``db``), the rollup file, the window (ISO start/end, or none for a
full/incremental run), a ``delay_s`` before starting, and optionally ``stop_after_check``: the
process stops itself (SIGSTOP) right after its last lease check before the merge, so the test can
play a zombie whose lease expires while it is paused. It prints one JSON line: the result, or the error's type and text.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import time
from typing import Any

from pymongo import MongoClient

from leaf_dagster.rollups import TimeWindow, load_rollup_file, run_bucket_rollup, run_computed_rollup


def main(raw: str) -> int:
    args: dict[str, Any] = json.loads(raw)
    client: MongoClient[dict[str, Any]] = MongoClient(args["uri"], serverSelectionTimeoutMS=10_000)
    db = client[args["db"]]
    spec = load_rollup_file(args["rollup"])
    window = (
        TimeWindow(dt.datetime.fromisoformat(args["start"]), dt.datetime.fromisoformat(args["end"]))
        if args.get("start")
        else None
    )
    kwargs: dict[str, Any] = {}

    if args.get("stop_after_check"):
        # A pause exactly between the pre-merge lease check and the merge cannot be timed from outside:
        # the check runs for real, then the process stops itself.
        from leaf_dagster.rollups.fencing import TargetLease

        verify = TargetLease.verify
        calls = []

        def verify_then_stop(self: TargetLease) -> None:
            verify(self)
            calls.append(1)
            if len(calls) == 2:  # the first check is at acquisition, the second just before the merge
                print("stopping", flush=True)
                os.kill(os.getpid(), signal.SIGSTOP)

        TargetLease.verify = verify_then_stop  # type: ignore[method-assign]
    time.sleep(float(args.get("delay_s", 0)))
    try:
        if spec.pattern == "bucket":
            assert window is not None
            result = run_bucket_rollup(db, spec, window, **kwargs)
        else:
            result = run_computed_rollup(
                db, spec, window=window, full_refresh=bool(args.get("full")), **kwargs
            )
    except Exception as exc:
        print(json.dumps({"error": type(exc).__name__, "message": str(exc)}), flush=True)
        return 1
    finally:
        client.close()
    print(json.dumps({"written": result.documents_written, "mode": result.mode, "run_id": result.run_id}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
