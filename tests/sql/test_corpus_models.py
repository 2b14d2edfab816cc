"""The third independent corpus (``corpus_models_queries.py``): rollup models as a data team writes
them (CTE chains, windows, segmentation, date bucketing, money, partition filters) on the seed's
domain, each query run on PostgreSQL 15 and through ``leaf_dagster.sql`` on the same documents
(``corpus_models_data.py``), once without a catalog and once with the catalog the code location
derives from the collections' ``CREATE DOCUMENT_SCHEMA`` DDL (``corpus_models_data.DDL``).

Outcomes are ``tests/sql/corpus.py``'s (agree, refused, rejected, wrong, crash, server error).
``python -m tests.sql.test_corpus_models [id prefix] [--catalog]`` prints every query's outcome and
the totals.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Mapping

import pytest
from pymongo import MongoClient

from leaf_dagster.connection import Document
from leaf_dagster.sql.values import SqlType
from tests.sql import corpus_models_data
from tests.sql.corpus import expected_kind, outcome, params, report
from tests.sql.corpus_case import Case
from tests.sql.corpus_models_queries import CASES
from tests.sql.harness import Env
from tests.sql.pg import PostgresServer

DDL_CATALOG = corpus_models_data.ddl_catalog()

# Known wrong answers with the catalog, by id (without it: each case's own ``xfail``).
CATALOG_XFAIL: Mapping[str, str] = {}


@pytest.fixture(scope="module")
def models_env(mongo_client: MongoClient[Document], pg_server: PostgresServer) -> Iterator[Env]:
    with corpus_models_data.loaded(mongo_client, pg_server) as env:
        yield env


def test_corpus_is_well_formed() -> None:
    ids = Counter(c.id for c in CASES)
    assert [i for i, n in ids.items() if n > 1] == []
    assert len(CASES) >= 250
    assert set(CATALOG_XFAIL) <= set(ids)


def test_the_catalog_comes_from_the_ddl() -> None:
    assert set(DDL_CATALOG) == set(corpus_models_data.SCHEMAS)
    # DOUBLE is double precision (a whole double stored as int32 divides as a double); DECIMAL is
    # numeric, each value read as numeric (paths.numeric_read); BIGINT and INTEGER are integers.
    assert DDL_CATALOG["users"]["credits"] == SqlType.FLOAT
    assert DDL_CATALOG["events"]["metadata.durationMs"] == SqlType.FLOAT
    assert DDL_CATALOG["orders"]["totals.totalAmount"] == SqlType.DECIMAL
    assert DDL_CATALOG["users"]["account.loginCount"] == SqlType.INT


@pytest.mark.parametrize("case", params(CASES, CATALOG_XFAIL, catalog=False))
def test_model_query(models_env: Env, case: Case) -> None:
    kind, detail = outcome(models_env, case)
    assert kind == expected_kind(case), f"{case.id} [{kind}]: {case.query.sql}\n{detail}"
    if case.refused:
        assert case.refused.lower() in detail.lower(), detail


@pytest.mark.parametrize("case", params(CASES, CATALOG_XFAIL, catalog=True))
def test_model_query_with_the_ddl_catalog(models_env: Env, case: Case) -> None:
    kind, detail = outcome(models_env, dataclasses.replace(case, catalog=DDL_CATALOG))
    assert kind == expected_kind(case), f"{case.id} [{kind}]: {case.query.sql}\n{detail}"


def main() -> None:  # pragma: no cover - a report for people
    report("models", CASES, corpus_models_data.loaded, DDL_CATALOG)


if __name__ == "__main__":
    main()
