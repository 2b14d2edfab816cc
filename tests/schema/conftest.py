"""Fixtures for the schema tests: parsed example DDL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from leaf_dagster.connection import ENV_URI
from leaf_dagster.schema import SchemaSet, load_ddl

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMAS = Path(__file__).resolve().parents[2] / "pipelines" / "schemas"
EMBEDDED = not os.environ.get(ENV_URI)


@pytest.fixture(scope="session")
def seed() -> SchemaSet:
    return load_ddl(FIXTURES / "seed.ddl")


@pytest.fixture(scope="session")
def constructs() -> SchemaSet:
    return load_ddl(FIXTURES / "constructs.ddl")
