"""Where to find MongoDB: URI and database resolution, shared by every entry point.

The URI comes from an explicit argument or ``LEAF_MONGODB_URI``. The database comes from an
explicit argument, then ``LEAF_MONGODB_DB``, then the database named in the URI, then ``leaf``.
"""

from __future__ import annotations

import os
import re
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import ConfigurationError, InvalidURI, PyMongoError
from pymongo.uri_parser import parse_uri

ENV_URI = "LEAF_MONGODB_URI"
ENV_DB = "LEAF_MONGODB_DB"
DEFAULT_DB = "leaf"
DEFAULT_TIMEOUT_MS = 5000

Document = dict[str, Any]


class LeafConnectionError(RuntimeError):
    """The URI is missing or malformed, or the server does not answer."""


def resolve_uri(uri: str | None = None) -> str:
    resolved = uri or os.environ.get(ENV_URI)
    if not resolved:
        raise LeafConnectionError(
            f"no MongoDB URI: pass --uri or set {ENV_URI} (for example mongodb://127.0.0.1:27117)"
        )
    return resolved


def resolve_db_name(uri: str, db: str | None = None) -> str:
    if db:
        return db
    env_db = os.environ.get(ENV_DB)
    if env_db:
        return env_db
    try:
        named = parse_uri(uri).get("database")
    except (InvalidURI, ConfigurationError, ValueError) as exc:
        raise LeafConnectionError(f"invalid MongoDB URI {redact_uri(uri)!r}: {exc}") from exc
    return named or DEFAULT_DB


_PASSWORD_RE = re.compile(r"^(?P<scheme>mongodb(?:\+srv)?://)(?P<user>[^:@/]+):(?P<pw>[^@/]*)@")


def redact_uri(uri: str) -> str:
    """The URI with any password replaced, safe for logs and metadata."""
    return _PASSWORD_RE.sub(lambda m: f"{m['scheme']}{m['user']}:***@", uri)


def connect(
    uri: str | None = None, *, timeout_ms: int = DEFAULT_TIMEOUT_MS, ping: bool = True
) -> MongoClient[Document]:
    """A client for ``uri`` (or ``LEAF_MONGODB_URI``), checked with ``ping`` unless told not to."""
    resolved = resolve_uri(uri)
    try:
        client: MongoClient[Document] = MongoClient(
            resolved,
            serverSelectionTimeoutMS=timeout_ms,
            connectTimeoutMS=timeout_ms,
            appname="leaf-dagster",
        )
    except (InvalidURI, ConfigurationError, ValueError, TypeError) as exc:
        raise LeafConnectionError(f"invalid MongoDB URI {redact_uri(resolved)!r}: {exc}") from exc
    if ping:
        try:
            client.admin.command("ping")
        except PyMongoError as exc:
            client.close()
            raise LeafConnectionError(
                f"MongoDB at {redact_uri(resolved)} did not answer within {timeout_ms} ms: {exc}"
            ) from exc
    return client


def get_database(
    uri: str | None = None, db: str | None = None, *, timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> Database[Document]:
    resolved = resolve_uri(uri)
    name = resolve_db_name(resolved, db)
    return connect(resolved, timeout_ms=timeout_ms)[name]


def is_transient(exc: BaseException) -> bool:
    """True for failures worth retrying: lost connections, timeouts, retryable server labels.

    Logic errors (bad pipelines, schema violations, duplicate keys) are not transient.
    """
    from pymongo.errors import (
        AutoReconnect,
        ConnectionFailure,
        ExecutionTimeout,
        NetworkTimeout,
        OperationFailure,
        ServerSelectionTimeoutError,
        WTimeoutError,
    )

    if isinstance(
        exc,
        AutoReconnect
        | NetworkTimeout
        | ConnectionFailure
        | ServerSelectionTimeoutError
        | ExecutionTimeout
        | WTimeoutError,
    ):
        return True
    if isinstance(exc, PyMongoError) and (
        exc.has_error_label("RetryableWriteError") or exc.has_error_label("TransientTransactionError")
    ):
        return True
    # Interrupted / shutting down / not primary: the server is going away or stepping down.
    return isinstance(exc, OperationFailure) and exc.code in {11600, 11602, 91, 189, 10107, 13435, 13436}
