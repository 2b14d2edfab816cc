"""``make ui``: the Dagster UI (``dg dev``) on this code location, against the embedded server.

Uses ``LEAF_MONGODB_URI`` if set; otherwise reuses a server answering on port 27117 or starts
the embedded one (data in ``.leaf/server``) and stops it when the UI exits. Telemetry is off and
Dagster's data stays in the project-local ``DAGSTER_HOME`` (``.dagster_home``). The webserver
listens on ``$DAGSTER_UI_PORT`` (default 3000); extra arguments go to ``dg dev``.

Stopping: Ctrl-C, SIGINT or SIGTERM (``make`` passes SIGTERM on) stops ``dg dev`` and every process
it started (webserver, daemon, code servers), which run in their own process group: the group gets
the signal, then SIGKILL if anything is left after a few seconds. Within 10 s, the port is free.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from leaf_dagster.connection import ENV_URI
from pipelines.demo import mongodb

ROOT = Path(__file__).resolve().parent.parent
ENV_PORT = "DAGSTER_UI_PORT"
GRACE_S = 4.0  # then SIGKILL: the whole stop stays inside 10 s, on a loaded machine too
# Dagster's defs-folder loader warns about its own re-wrapping of asset checks in every process it
# starts (see leaf_dagster/dagster/component.py); the filter goes to them all through the environment.
# (-W takes only a builtin category at startup; the message prefix is what makes it this one warning.)
QUIET_WARNINGS = (
    "ignore:Parameter `execution_type` of function `AssetsDefinition.__init__` is currently in beta:Warning"
)


class _Stop(KeyboardInterrupt):
    """A stop signal arrived (SIGINT or SIGTERM): the embedded server may have got it too."""


def main(argv: list[str] | None = None) -> int:
    extra = list(sys.argv[1:] if argv is None else argv)
    home = Path(os.environ.get("DAGSTER_HOME", ROOT / ".dagster_home")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _raise_stop)
    try:
        with mongodb() as uri:
            env = {
                **os.environ,
                ENV_URI: uri,
                "DAGSTER_HOME": str(home),
                "DAGSTER_DISABLE_TELEMETRY": "1",
                "GX_ANALYTICS_ENABLED": "false",
                "VIRTUAL_ENV": sys.prefix,  # dg warns when the project's .venv is not the active one
                "PYTHONWARNINGS": ",".join(filter(None, [os.environ.get("PYTHONWARNINGS"), QUIET_WARNINGS])),
            }
            command = [
                str(Path(sys.executable).parent / "dg"),
                "dev",
                "--port",
                os.environ.get(ENV_PORT, "3000"),
            ]
            command += extra
            print(f"MongoDB: {uri}\nDAGSTER_HOME: {home}\n$ {' '.join(command)}", flush=True)
            # Its own process group, so that one signal reaches dg dev and everything it started.
            process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
            try:
                return process.wait()
            except _Stop:
                return 0
            finally:
                stop_group(process)
    except _Stop:  # while the embedded server was starting
        return 0


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    signal.signal(signum, signal.SIG_IGN)  # one stop at a time
    raise _Stop


def stop_group(process: subprocess.Popen[bytes], grace_s: float = GRACE_S) -> None:
    """SIGINT to the process group (what Ctrl-C sends: dagster dev shuts its children down), then
    SIGKILL to whatever of the group is left after ``grace_s``."""
    try:
        os.killpg(process.pid, signal.SIGINT)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        if process.poll() is not None and not _group_alive(process.pid):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(5)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
