"""Where to find MongoDB: URI and database resolution, shared by every entry point.

The URI comes from an explicit argument or ``LEAF_MONGODB_URI``. The database comes from an
explicit argument, then ``LEAF_MONGODB_DB``, then the database named in the URI, then ``leaf``.
"""

from __future__ import annotations

import os
import re
import threading
from typing import Any
from urllib.parse import quote, quote_plus, unquote, unquote_plus

from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import ConfigurationError, InvalidURI, OperationFailure, PyMongoError
from pymongo.uri_parser import parse_uri

ENV_URI = "LEAF_MONGODB_URI"
ENV_DB = "LEAF_MONGODB_DB"
DEFAULT_DB = "leaf"
DEFAULT_TIMEOUT_MS = 5000

Document = dict[str, Any]


class LeafConnectionError(RuntimeError):
    """The URI is missing or malformed, or the server does not answer or refuses the credentials."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint or f"check --uri or {ENV_URI}; `make server` starts the embedded server"


def resolve_uri(uri: str | None = None) -> str:
    resolved = uri or os.environ.get(ENV_URI)
    if not resolved:
        raise LeafConnectionError(
            f"no MongoDB URI: pass --uri or set {ENV_URI} (for example mongodb://127.0.0.1:27117)"
        )
    remember_secrets(resolved)
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
        raise LeafConnectionError(invalid_uri_message(uri, exc)) from None
    return named or DEFAULT_DB


# -- secrets ------------------------------------------------------------------------------------
#
# A URI's password may hold any character; percent-encoded as RFC 3986 asks, or raw in a malformed
# URI ("user:Sl4sh/Pw88@host"). The userinfo is therefore everything between the scheme and the
# LAST "@" of the URI (a host list never holds one), and the password everything after the first ":"
# of it. Over-redacting an odd URI is fine; showing a piece of a password is not.

_SCHEME_RE = re.compile(r"^\s*(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)?", re.S)
REDACTED = "***"
# Every password seen by resolve_uri in this process, so that redact_text can scrub it from any
# message (a server's or a driver's), wherever it was echoed.
_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def _userinfo(uri: str) -> tuple[str, str, str | None, str] | None:
    """(scheme, user, password or None, after "@") of a URI with a userinfo part, else None."""
    scheme = _SCHEME_RE.match(uri)
    head = scheme.group(0) if scheme else ""
    rest = uri[len(head) :]
    if "@" not in rest:
        return None
    userinfo, _, after = rest.rpartition("@")
    user, colon, password = userinfo.partition(":")
    return head, user, password if colon else None, after


def redact_uri(uri: str) -> str:
    """The URI with any password replaced by ``***``, safe for logs, metadata and errors."""
    parts = _userinfo(uri)
    if parts is None:
        return uri
    head, user, password, after = parts
    return f"{head}{user}{':' + REDACTED if password is not None else ''}@{after}"


def _password_forms(password: str) -> set[str]:
    """The password as written in the URI, decoded, and re-encoded the ways drivers print it."""
    forms = {password}
    for decoded in (unquote(password), unquote_plus(password)):
        forms |= {decoded, quote(decoded, safe=""), quote_plus(decoded), quote(decoded)}
    return {f for f in forms if f}


def remember_secrets(uri: str) -> None:
    """Remember ``uri``'s password so that :func:`redact_text` removes it from any text later."""
    parts = _userinfo(uri)
    if parts is None or not parts[2]:
        return
    with _secrets_lock:
        _secrets.update(_password_forms(parts[2]))


def redact_text(text: str, *uris: str | None) -> str:
    """``text`` with the passwords of ``uris`` and of every URI resolved so far replaced by ``***``,
    and the userinfo of any MongoDB URI in it redacted."""
    with _secrets_lock:
        secrets = set(_secrets)
    for uri in uris:
        parts = _userinfo(uri) if uri else None
        if parts is not None and parts[2]:
            secrets |= _password_forms(parts[2])
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _URI_IN_TEXT.sub(lambda m: redact_uri(m.group(0)), text)


_URI_IN_TEXT = re.compile(r"mongodb(?:\+srv)?://[^\s'\"]*@[^\s'\"]*", re.I)


def invalid_uri_message(uri: str, exc: BaseException) -> str:
    """Why ``uri`` is invalid, without any piece of its password.

    The driver's message may quote a fragment of a malformed URI (a port "Sl4sh" cut out of the
    password "Sl4sh/Pw88"), so it is never shown for a URI holding a password: the same check runs
    on the redacted URI instead, and if that one parses, the password itself was the problem.
    """
    redacted = redact_uri(uri)
    if redacted == uri:
        return f"invalid MongoDB URI {uri!r}: {exc}"
    try:
        parse_uri(redacted)
    except (InvalidURI, ConfigurationError, ValueError) as again:
        return f"invalid MongoDB URI {redacted!r}: {redact_text(str(again), uri)}"
    return (
        f"invalid MongoDB URI {redacted!r}: the user name or password holds a character that must be "
        "percent-encoded (RFC 3986: ':', '/', '?', '#', '[', ']', '@' and '%'; "
        "urllib.parse.quote_plus(password) does it)"
    )


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
        raise LeafConnectionError(invalid_uri_message(resolved, exc)) from None
    except OSError as exc:  # tlsCertificateKeyFile, tlsCAFile: missing or unreadable
        raise LeafConnectionError(
            f"MongoDB URI {redact_uri(resolved)!r} names a file that cannot be read: "
            + redact_text(f"{exc.strerror or exc}", resolved),
            hint="check the paths and permissions of tlsCertificateKeyFile and tlsCAFile",
        ) from None
    if ping:
        try:
            client.admin.command("ping")
        except OperationFailure as exc:
            client.close()
            raise LeafConnectionError(
                f"MongoDB at {redact_uri(resolved)} refused the connection: {describe_error(exc, resolved)}",
                hint=AUTH_HINT if exc.code in AUTH_CODES else None,
            ) from None
        except PyMongoError as exc:
            client.close()
            raise LeafConnectionError(
                f"MongoDB at {redact_uri(resolved)} did not answer within {timeout_ms} ms: "
                + describe_error(exc, resolved)
            ) from None
    return client


AUTH_CODES = {13, 18}  # Unauthorized, AuthenticationFailed
AUTH_HINT = (
    "put the credentials of a user the server knows in the URI, as USER:PASSWORD@ before the host "
    f"(percent-encode the password; add authSource=admin if the user lives there), in --uri or {ENV_URI}"
)


def describe_error(exc: BaseException, uri: str | None = None) -> str:
    """A driver error as one short line: no topology dump, no raw reply, no secret."""
    if isinstance(exc, OperationFailure):
        details = exc.details or {}
        text = str(details.get("errmsg") or exc).split(", full error:")[0]
    else:
        text = str(exc).split(" (configured timeouts")[0].split(", Timeout:")[0]
    text = " ".join(text.split())
    if len(text) > 300:
        text = text[:297] + "..."
    return redact_text(text, uri)


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
