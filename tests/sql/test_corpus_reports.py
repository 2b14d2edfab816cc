"""The fourth independent corpus (``corpus_reports_queries.py``): operational reports and dashboards
on the seed's domain (dates and time zones, arrays and nested documents, NULL semantics, set
operations, LEFT JOINs with aggregates, subqueries, string formatting, CASE buckets with quoted
literals), each query run on PostgreSQL 15 and through ``leaf_dagster.sql`` on the same documents
(``corpus_reports_data.py``), once without a catalog and once with the catalog derived from the
collections' ``CREATE DOCUMENT_SCHEMA`` DDL (``corpus_reports_data.DDL``).

Outcomes are ``tests/sql/corpus.py``'s (agree, refused, rejected, wrong, crash, server error).
``python -m tests.sql.test_corpus_reports [id prefix] [--catalog]`` prints every query's outcome and
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
from tests.sql import corpus_reports_data
from tests.sql.corpus import expected_kind, outcome, params, report
from tests.sql.corpus_case import Case
from tests.sql.corpus_reports_queries import CASES, UNKNOWN_COLUMN
from tests.sql.harness import Env
from tests.sql.pg import PostgresServer

DDL_CATALOG = corpus_reports_data.ddl_catalog()

# Known wrong answers with the catalog, by id (without it: each case's own ``xfail``).
CATALOG_XFAIL: Mapping[str, str] = {"d_unknown_column": UNKNOWN_COLUMN}
# Refused without a catalog (a field's type unknown), answered with it: id -> a word of the refusal.
NO_CATALOG_REFUSED: Mapping[str, str] = {
    # COALESCE(closedAt, TIMESTAMP '…') - openedAt > CASE … INTERVAL … END: "numeric > interval".
    "b_sla_breach": "interval",
}


@pytest.fixture(scope="module")
def reports_env(mongo_client: MongoClient[Document], pg_server: PostgresServer) -> Iterator[Env]:
    with corpus_reports_data.loaded(mongo_client, pg_server) as env:
        yield env


def test_corpus_is_well_formed() -> None:
    ids = Counter(c.id for c in CASES)
    assert [i for i, n in ids.items() if n > 1] == []
    assert len(CASES) >= 200
    assert set(CATALOG_XFAIL) <= set(ids)
    assert set(NO_CATALOG_REFUSED) <= set(ids)


def test_the_catalog_comes_from_the_ddl() -> None:
    assert set(DDL_CATALOG) == set(corpus_reports_data.SCHEMAS)
    assert DDL_CATALOG["products"]["weightKg"] == SqlType.FLOAT
    assert DDL_CATALOG["customers"]["profile.location.city"] == SqlType.TEXT


@pytest.mark.parametrize("case", params(CASES, CATALOG_XFAIL, catalog=False))
def test_report_query(reports_env: Env, case: Case) -> None:
    kind, detail = outcome(reports_env, case)
    word = NO_CATALOG_REFUSED.get(case.id) or case.refused
    expected = "refused" if case.id in NO_CATALOG_REFUSED else expected_kind(case)
    assert kind == expected, f"{case.id} [{kind}]: {case.query.sql}\n{detail}"
    if word:
        assert word.lower() in detail.lower(), detail


@pytest.mark.parametrize("case", params(CASES, CATALOG_XFAIL, catalog=True))
def test_report_query_with_the_ddl_catalog(reports_env: Env, case: Case) -> None:
    kind, detail = outcome(reports_env, dataclasses.replace(case, catalog=DDL_CATALOG))
    assert kind == expected_kind(case), f"{case.id} [{kind}]: {case.query.sql}\n{detail}"


def main() -> None:  # pragma: no cover - a report for people
    report("reports", CASES, corpus_reports_data.loaded, DDL_CATALOG, want=_wanted)


def _wanted(case: Case, catalog: bool) -> str:
    return "refused" if case.id in NO_CATALOG_REFUSED and not catalog else expected_kind(case)


if __name__ == "__main__":
    main()
