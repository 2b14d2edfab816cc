"""Options and helpers shared by every CLI command."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
from pymongo.database import Database

from leaf_dagster.cli.errors import EXIT_BAD_INPUT, EXIT_FAILED, CommandError
from leaf_dagster.connection import ENV_DB, ENV_URI, Document, get_database

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILED", "connection_options", "fail", "open_database"]


def connection_options(func: F) -> F:
    """Adds ``--uri`` and ``--db`` to a command."""

    @click.option("--uri", envvar=ENV_URI, default=None, help=f"MongoDB URI [default: ${ENV_URI}]")
    @click.option(
        "--db", "db_name", envvar=ENV_DB, default=None, help=f"Database [default: ${ENV_DB}, URI, 'leaf']"
    )
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def open_database(uri: str | None, db_name: str | None) -> Database[Document]:
    """The database for a command; a missing, malformed or unreachable server raises
    :class:`~leaf_dagster.connection.LeafConnectionError`, which the error layer reports (exit 2)."""
    return get_database(uri, db_name)


def fail(message: str, code: int = EXIT_FAILED, hint: str | None = None) -> NoReturn:
    """Stop the command: the error layer prints ``message`` and ``hint`` and exits with ``code``."""
    raise CommandError(message, code, hint)
