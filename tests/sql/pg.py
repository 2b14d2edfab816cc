"""PostgreSQL 15 as the differential tests' oracle: a throwaway server run as its own process.

Started the way the embedded MongoDB is (``leaf_dagster.embedded``): ``initdb`` into a temporary
directory, ``postgres`` in the foreground of a child process, stopped by PID (SIGINT, PostgreSQL's
fast shutdown, then wait, then SIGKILL). initdb refuses to run as root, so as root both run as the
``postgres`` OS user (created if missing). The server listens on a unix socket in its own
directory only (``listen_addresses=''``): nothing on the network, no port to collide on.

The cluster is bytewise-collated (``C``) with a UTF-8 ctype and UTC time zone, as the corpora
assume; fsync is off because the data is thrown away.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import psycopg

OS_USER = "postgres"
PORT = 5432  # only names the socket file: nothing listens on TCP


class PostgresError(RuntimeError):
    pass


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise PostgresError(f"{name} not found: install PostgreSQL 15 (Debian: apt-get install postgresql)")


def _run_as() -> str | None:
    """The OS user to run as: ``postgres`` when we are root (created if missing), else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(OS_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", OS_USER], check=True)
    return OS_USER


@dataclass(frozen=True)
class PostgresAddress:
    """Where a running server listens: picklable, so worker processes can connect to it."""

    socket_dir: Path

    def connect(self, dbname: str = "postgres", **kwargs: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(
            f"host={self.socket_dir} port={PORT} user=postgres dbname={dbname}", autocommit=True, **kwargs
        )


class PostgresServer:
    """One ``postgres`` process on a unix socket, with its own data directory."""

    def __init__(self, startup_timeout: float = 60.0) -> None:
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._tmp: Path | None = None

    @property
    def socket_dir(self) -> Path:
        assert self._tmp is not None
        return self._tmp / "socket"

    @property
    def conninfo(self) -> str:
        return f"host={self.socket_dir} port={PORT} user=postgres dbname=postgres"

    @property
    def address(self) -> PostgresAddress:
        return PostgresAddress(self.socket_dir)

    def connect(self, dbname: str = "postgres", **kwargs: Any) -> psycopg.Connection[Any]:
        return self.address.connect(dbname, **kwargs)

    def start(self) -> PostgresServer:
        if self.process is not None and self.process.poll() is None:
            return self
        user = _run_as()
        self._tmp = Path(tempfile.mkdtemp(prefix="leaf-pg-"))
        data, log = self._tmp / "data", self._tmp / "postgres.log"
        self.socket_dir.mkdir()
        if user is not None:
            entry = pwd.getpwnam(user)
            for path in (self._tmp, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        initdb = subprocess.run(
            [
                _binary("initdb"),
                "--pgdata",
                str(data),
                "--username",
                "postgres",
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--lc-collate",
                "C",
                "--lc-ctype",
                "C.UTF-8",
                "--no-sync",
            ],
            user=user,
            capture_output=True,
            check=False,
        )
        if initdb.returncode != 0:
            self._cleanup()
            raise PostgresError(f"initdb failed: {initdb.stderr.decode(errors='replace')[-2000:]}")
        settings = {
            "listen_addresses": "",
            "unix_socket_directories": str(self.socket_dir),
            "port": str(PORT),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "TimeZone": "UTC",
            "max_connections": "20",
            "shared_buffers": "32MB",
        }
        cmd = [_binary("postgres"), "-D", str(data)]
        for key, value in settings.items():
            cmd += ["-c", f"{key}={value}"]
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, user=user
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = log.read_text(errors="replace")[-2000:]
                self._cleanup()
                raise PostgresError(f"postgres exited with code {self.process.returncode}: {tail}")
            with contextlib.suppress(psycopg.OperationalError):
                self.connect(connect_timeout=2).close()
                return self
            time.sleep(0.1)
        self.stop()
        raise PostgresError(f"postgres did not accept connections within {self.startup_timeout:.0f}s")

    def stop(self, timeout: float = 20.0) -> None:
        """Fast shutdown by PID, wait, and kill only this PID if it hangs."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        self._cleanup()

    def _cleanup(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
