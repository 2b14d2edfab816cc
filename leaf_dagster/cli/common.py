"""Options and helpers shared by every CLI command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
from pymongo.database import Database

from leaf_dagster.connection import (
    ENV_DB,
    ENV_URI,
    Document,
    LeafConnectionError,
    get_database,
)

F = TypeVar("F", bound=Callable[..., Any])

# Exit codes: 1 = the work ran and found a failure (validation failed, migration failed);
# 2 = bad input (bad SQL, bad DDL, bad URI, unreachable server).
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


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
    """The database for a command, or a clean exit 2 naming what is wrong."""
    try:
        return get_database(uri, db_name)
    except LeafConnectionError as exc:
        fail(str(exc), EXIT_BAD_INPUT)


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)
