"""Fixtures for the quality tests: schemas parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaf_dagster.schema import DocumentSchema, SchemaSet, load_ddl, parse_ddl

FIXTURES = Path(__file__).parent / "fixtures"

PEOPLE_DDL = """
-- @version 2.0
CREATE DOCUMENT_SCHEMA people (
  _id OBJECTID PRIMARY KEY,
  name VARCHAR(5) NOT NULL UNIQUE,
  role ENUM('a', 'b'),
  age INTEGER CHECK (age >= 0),
  team OBJECTID REFERENCES teams(_id),
  address DOCUMENT { city VARCHAR(10) NOT NULL },
  pets ARRAY OF DOCUMENT { kind ENUM('cat', 'dog') NOT NULL } VALIDATE (ARRAY_LENGTH(pets) <= 2)
);
"""


@pytest.fixture(scope="session")
def people_schema() -> DocumentSchema:
    return parse_ddl(PEOPLE_DDL).only("people")


@pytest.fixture(scope="session")
def constructs() -> SchemaSet:
    return load_ddl(FIXTURES / "constructs.ddl")


@pytest.fixture(scope="session")
def seed() -> SchemaSet:
    """The seed article's schemas (users with its ALTER applied, notifications, activity buckets)."""
    return load_ddl(FIXTURES / "seed.ddl").merged()
