"""An independent corpus of realistic analyst queries (``corpus_realistic_queries.py``), each run on
PostgreSQL 15 and on MongoDB through ``leaf_dagster.sql``, on the same documents.

Each query has one of these outcomes (``outcome``):
- ``agree``: the same rows as PostgreSQL (the differential harness's comparison);
- ``refused``: PostgreSQL answers, we raise a ``LeafSQLError`` naming the construct and its position;
- ``rejected``: PostgreSQL rejects the query and so do we, with a one-line error (``LeafSQLError`` at
  compile time, ``SqlRuntimeError`` from the server);
- ``wrong``: other rows, or an answer where PostgreSQL raises an error (the worst outcome);
- ``crash``: any other exception (a traceback a user would see, a raw server error).

``python -m tests.sql.test_corpus_realistic`` prints every query's outcome and the totals.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient

from leaf_dagster.connection import Document
from tests.sql import corpus_realistic_data
from tests.sql.corpus import expected_kind, outcome, report, schema_catalog
from tests.sql.corpus_case import Case
from tests.sql.corpus_realistic_queries import CASES, NULLS, NUMBERS
from tests.sql.harness import Env
from tests.sql.pg import PostgresServer


@pytest.fixture(scope="module")
def corpus_env(mongo_client: MongoClient[Document], pg_server: PostgresServer) -> Iterator[Env]:
    with corpus_realistic_data.loaded(mongo_client, pg_server) as env:
        yield env


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


def test_corpus_is_well_formed() -> None:
    ids = Counter(c.id for c in CASES)
    assert [i for i, n in ids.items() if n > 1] == []
    assert len([c for c in CASES if not c.error]) >= 150


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_realistic_query(corpus_env: Env, case: Case) -> None:
    kind, detail = outcome(corpus_env, case)
    assert kind == expected_kind(case), f"{case.id} [{kind}]: {case.query.sql}\n{detail}"
    if case.refused:
        assert case.refused.lower() in detail.lower(), detail


# The data set's schemas as a catalog (``compile_sql(catalog=…)``), as ``leaf-dagster sql --schemas``
# gives one: every typed field compares and computes as its declared type.
SCHEMA_CATALOG = schema_catalog(corpus_realistic_data.SCHEMAS)
CATALOG_XFAIL: dict[str, str] = {}
# A str parameter is untyped, as psycopg sends it: with a catalog it takes the field's type too.
# With a catalog, a typed constant of another type category is refused at compile time.
CATALOG_PARAMETER_CASES = {"date_param_since", "err_bool_vs_int", "err_date_vs_int"}
CATALOG_CASES = [
    *NUMBERS,
    *NULLS,
    *(c for c in CASES if c.id in CATALOG_PARAMETER_CASES | CATALOG_XFAIL.keys()),
]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c.id,
            marks=[pytest.mark.xfail(strict=True, reason=CATALOG_XFAIL[c.id])]
            if c.id in CATALOG_XFAIL
            else [],
        )
        for c in CATALOG_CASES
    ],
)
def test_realistic_query_with_the_schemas_as_catalog(corpus_env: Env, case: Case) -> None:
    """With declared types the whole-number-as-int32 answers agree too (int32 in a double field)."""
    kind, detail = outcome(corpus_env, dataclasses.replace(case, catalog=SCHEMA_CATALOG))
    assert kind == expected_kind(case), f"{case.id} [{kind}]: {case.query.sql}\n{detail}"


def main() -> None:  # pragma: no cover - a report for people
    report("corpus", CASES, corpus_realistic_data.loaded)


if __name__ == "__main__":
    main()
