"""Fixtures for the schema tests: parsed example DDL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pymongo.database import Database

from leaf_dagster.schema import SchemaSet, load_ddl

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMAS = Path(__file__).resolve().parents[2] / "pipelines" / "schemas"


def is_embedded(db: Database[Any]) -> bool:
    """Whether the server is SecantusDB (started here or named by LEAF_MONGODB_URI): its buildInfo says so."""
    return "secantusVersion" in db.client.admin.command("buildInfo")


@pytest.fixture(scope="session")
def seed() -> SchemaSet:
    return load_ddl(FIXTURES / "seed.ddl")


@pytest.fixture(scope="session")
def constructs() -> SchemaSet:
    return load_ddl(FIXTURES / "constructs.ddl")
