"""The second independent corpus (``corpus_analyst_queries.py``): BI-tool and analyst SQL on the seed's
domain, each query run on PostgreSQL 15 and through ``leaf_dagster.sql`` on the same documents,
once without a catalog and once with the data set's schemas as the catalog.

Outcomes are ``tests/sql/corpus.py``'s (agree, refused, rejected, wrong, crash, server error).
``python -m tests.sql.test_corpus_analyst [id prefix] [--catalog]`` prints every query's outcome and
the totals.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Mapping

import pytest
from pymongo import MongoClient

from leaf_dagster.connection import Document
from tests.sql import corpus_analyst_data
from tests.sql.corpus import expected_kind, outcome, params, report, schema_catalog
from tests.sql.corpus_analyst_queries import ARRAY_ELEMENT_INT32, CASES
from tests.sql.corpus_case import Case
from tests.sql.harness import Env
from tests.sql.pg import PostgresServer

SCHEMA_CATALOG = schema_catalog(corpus_analyst_data.SCHEMAS)

# Known wrong answers with the catalog, by id (without it: each case's own ``xfail``).
CATALOG_XFAIL: Mapping[str, str] = {
    "q_unit_price_half": ARRAY_ELEMENT_INT32,
}


@pytest.fixture(scope="module")
def analyst_env(mongo_client: MongoClient[Document], pg_server: PostgresServer) -> Iterator[Env]:
    with corpus_analyst_data.loaded(mongo_client, pg_server) as env:
        yield env


def test_corpus_is_well_formed() -> None:
    ids = Counter(c.id for c in CASES)
    assert [i for i, n in ids.items() if n > 1] == []
    assert len(CASES) >= 250
    assert set(CATALOG_XFAIL) <= set(ids)


@pytest.mark.parametrize("case", params(CASES, CATALOG_XFAIL, catalog=False))
def test_analyst_query(analyst_env: Env, case: Case) -> None:
    kind, detail = outcome(analyst_env, case)
    assert kind == expected_kind(case), f"{case.id} [{kind}]: {case.query.sql}\n{detail}"
    if case.refused:
        assert case.refused.lower() in detail.lower(), detail


@pytest.mark.parametrize("case", params(CASES, CATALOG_XFAIL, catalog=True))
def test_analyst_query_with_the_schemas_as_catalog(analyst_env: Env, case: Case) -> None:
    kind, detail = outcome(analyst_env, dataclasses.replace(case, catalog=SCHEMA_CATALOG))
    assert kind == expected_kind(case), f"{case.id} [{kind}]: {case.query.sql}\n{detail}"


def main() -> None:  # pragma: no cover - a report for people
    report("analyst", CASES, corpus_analyst_data.loaded, SCHEMA_CATALOG)


if __name__ == "__main__":
    main()
