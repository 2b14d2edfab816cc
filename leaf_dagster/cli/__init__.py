"""The ``leaf-dagster`` command: what people do by hand.

Each capability registers its own command group from a module of this package; every command
takes ``--uri`` (default ``LEAF_MONGODB_URI``) and ``--db`` (default ``LEAF_MONGODB_DB``, then the
database in the URI, then ``leaf``) through :func:`leaf_dagster.cli.common.connection_options`.
Errors go through one layer, :class:`leaf_dagster.cli.errors.LeafGroup`: a one-line message, a
hint, exit 2 for bad input or an unreachable server, 1 for failed work; never a traceback.
"""

from __future__ import annotations

import click

from leaf_dagster import __version__
from leaf_dagster.cli.errors import LeafGroup


@click.group(cls=LeafGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="leaf-dagster")
def main() -> None:
    """Compile SQL to MongoDB pipelines, apply schemas, validate collections, run migrations."""


def _register() -> None:
    # One import per capability; each module defines a click command or group.
    from leaf_dagster.cli.migrate_cmd import migrate
    from leaf_dagster.cli.schema_cmd import schema
    from leaf_dagster.cli.sql_cmd import sql
    from leaf_dagster.cli.validate_cmd import validate

    for command in (sql, schema, validate, migrate):
        main.add_command(command)


_register()
