"""``make ui``: the Dagster UI on this code location, against the embedded server.

Uses ``LEAF_MONGODB_URI`` if set; otherwise reuses a server answering on port 27117 or starts
the embedded one (data in ``.leaf/server``) and stops it when the UI exits. Telemetry is off and
Dagster's data stays in the project-local ``DAGSTER_HOME`` (``.dagster_home``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType

from leaf_dagster.connection import ENV_URI
from pipelines.demo import mongodb

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    extra = list(sys.argv[1:] if argv is None else argv)
    home = Path(os.environ.get("DAGSTER_HOME", ROOT / ".dagster_home")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    with mongodb() as uri:
        env = {
            **os.environ,
            ENV_URI: uri,
            "DAGSTER_HOME": str(home),
            "DAGSTER_DISABLE_TELEMETRY": "1",
            "GX_ANALYTICS_ENABLED": "false",
        }
        dagster = Path(sys.executable).parent / "dagster"
        command = [str(dagster), "dev", "-w", str(ROOT / "workspace.yaml"), *extra]
        print(f"MongoDB: {uri}\nDAGSTER_HOME: {home}\n$ {' '.join(command)}", flush=True)
        # A child process rather than exec, so that a server started here is stopped on exit.
        process = subprocess.Popen(command, env=env, cwd=ROOT)
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            return process.wait()
        except (KeyboardInterrupt, SystemExit):
            return 0
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(60)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


if __name__ == "__main__":
    raise SystemExit(main())
