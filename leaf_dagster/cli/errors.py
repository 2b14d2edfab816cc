"""The one error-translation layer of the ``leaf-dagster`` command.

Every command runs inside :class:`LeafGroup`; whatever it raises becomes two lines on stderr,
``error: <one line>`` and ``hint: <what to do>``, and an exit code: 2 for bad input (SQL, DDL,
revision files, names, URIs) or a server that cannot be reached or refuses the credentials, 1 for
work that ran and failed (a migration, a check, a refused write). No traceback reaches the user
(``LEAF_DEBUG=1`` re-raises, for developers), and no password: every message goes through
:func:`leaf_dagster.connection.redact_text`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import click
from pymongo.errors import (
    AutoReconnect,
    ConfigurationError,
    ConnectionFailure,
    InvalidName,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)

from leaf_dagster.connection import (
    AUTH_CODES,
    AUTH_HINT,
    ENV_URI,
    LeafConnectionError,
    describe_error,
    redact_text,
)

# Exit codes: 1 = the work ran and found a failure (validation failed, migration failed);
# 2 = bad input (bad SQL, bad DDL, bad URI, unreachable or unauthorized server).
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
DEBUG_ENV = "LEAF_DEBUG"


class CommandError(Exception):
    """A command's own refusal, with its exit code and hint (what :func:`fail` raises)."""

    def __init__(
        self, message: str, code: int = EXIT_FAILED, hint: str | None = None, *, details: str = ""
    ) -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint
        self.details = details  # shown after the hint, as is (a caret under the SQL)


@dataclass(frozen=True)
class Translated:
    message: str
    hint: str
    code: int


def _names_hint() -> str:
    return (
        'database names cannot hold / \\ . space " $ or NUL; collection names cannot start with '
        "'system.' or hold '$' or NUL, and neither may be empty"
    )


def translate(exc: BaseException) -> Translated:
    """The message, hint and exit code of any exception a command raises."""
    from leaf_dagster.migrations import LockHeld, MigrationError, MigrationValidationError, RevisionError
    from leaf_dagster.schema import LeafSchemaError
    from leaf_dagster.schema.apply import SchemaApplyError
    from leaf_dagster.sql import LeafSQLError

    text = f"{exc}"
    match exc:
        case CommandError():
            return Translated(text, exc.hint or "see the command's --help", exc.code)
        case LeafConnectionError():
            return Translated(text, exc.hint, EXIT_BAD_INPUT)
        case OperationFailure() if exc.code in AUTH_CODES or "requires authentication" in text:
            return Translated(
                f"the server refused the command: {describe_error(exc)}", AUTH_HINT, EXIT_BAD_INPUT
            )
        case ServerSelectionTimeoutError() | AutoReconnect() | ConnectionFailure():
            return Translated(
                f"lost the MongoDB server: {describe_error(exc)}",
                "is it running? start it again (make server) and rerun: migrations resume from their "
                f"checkpoint; check --uri or {ENV_URI}",
                EXIT_BAD_INPUT,
            )
        case InvalidName():
            return Translated(f"invalid name: {describe_error(exc)}", _names_hint(), EXIT_BAD_INPUT)
        case ConfigurationError():
            return Translated(
                f"invalid MongoDB configuration: {describe_error(exc)}",
                f"check --uri or {ENV_URI} and its options",
                EXIT_BAD_INPUT,
            )
        case SchemaApplyError():
            return Translated(
                text, "fix the cause above and apply again; nothing was left half-applied", EXIT_FAILED
            )
        case LeafSchemaError():
            return Translated(
                text,
                "fix the DDL at the place shown; `leaf-dagster schema show FILE` prints what parses",
                EXIT_BAD_INPUT,
            )
        case LeafSQLError():
            return Translated(text, "fix the SQL at the position shown", EXIT_BAD_INPUT)
        case RevisionError():
            return Translated(
                text, "fix the revision file; `leaf-dagster migrate plan` lists what loads", EXIT_BAD_INPUT
            )
        case LockHeld():
            return Translated(
                text, "wait for the other runner (--wait SECONDS), or let its lease expire", EXIT_FAILED
            )
        case MigrationValidationError():
            return Translated(
                text,
                "`leaf-dagster migrate status` lists the failing documents; fix them and rerun, "
                "or accept them with --quarantine",
                EXIT_FAILED,
            )
        case MigrationError():
            return Translated(
                text,
                "`leaf-dagster migrate status` shows the changelog's failures; rerun resumes",
                EXIT_FAILED,
            )
        case UnicodeDecodeError():
            return Translated(
                f"a file is not UTF-8 text: {text}", "save the file as UTF-8 and run again", EXIT_BAD_INPUT
            )
        case OSError():
            return Translated(text, "check the path and its permissions", EXIT_BAD_INPUT)
        case OperationFailure():
            return Translated(
                f"the server refused the operation: {describe_error(exc)}",
                "see the server's reason above; nothing after the refused step ran",
                EXIT_FAILED,
            )
        case PyMongoError():
            return Translated(
                f"MongoDB error: {describe_error(exc)}", "see the reason above and run again", EXIT_FAILED
            )
    return Translated(
        f"unexpected {type(exc).__name__}: {text}",
        f"this is a bug of leaf-dagster, please report it; {DEBUG_ENV}=1 shows the traceback",
        EXIT_FAILED,
    )


def one_line(text: str) -> str:
    return " ".join(redact_text(text).split())


def report(message: str, hint: str) -> None:
    click.echo(f"error: {one_line(message)}", err=True)
    click.echo(f"hint: {one_line(hint)}", err=True)


class LeafGroup(click.Group):
    """The top-level group: runs every (sub)command inside the error-translation layer."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            translated = translate(exc)
            report(translated.message, translated.hint)
            if isinstance(exc, CommandError) and exc.details:
                click.echo(redact_text(exc.details), err=True)
            ctx.exit(translated.code)
