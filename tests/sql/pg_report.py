"""``python -m tests.sql.pg_report``: every differential corpus against PostgreSQL, in one report.

Starts its own PostgreSQL and (unless ``LEAF_MONGODB_URI`` is set) its own embedded server, runs the
single-collection, window and multi-collection corpora and the seed queries, and writes a Markdown
report (default ``pg_failures.md``) listing each failing query with its SQL, PostgreSQL's
answer and ours. ``--ids`` prints the failing ids only, to help keep ``oracle_cases`` current.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from tests.sql import duck, duck_multi
from tests.sql.datagen import datasets
from tests.sql.harness import Env, Query, diff, load_mongo, run_duck, run_mongo, run_oracle, scratch_database
from tests.sql.oracle_cases import DUCKDB_ONLY, KNOWN_FAILURES
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import loaded_pg
from tests.sql.test_differential_multi import compare_multi

DEFAULT_OUT = Path("pg_failures.md")


def _corpora() -> tuple[list[Query], list[Query]]:
    from tests.sql.queries import QUERIES
    from tests.sql.queries_multi import QUERIES as MULTI
    from tests.sql.queries_multi import SEED_QUERIES
    from tests.sql.queries_windows import QUERIES as WINDOWS

    engagement, product = SEED_QUERIES()
    seeds = [
        engagement,
        *(
            Query(id=f"{product.id}_{pid}", sql=product.sql, duck=product.duck, params={"product_id": pid})
            for pid in (30, 40, 7)
        ),
    ]
    return [*QUERIES, *WINDOWS], [*MULTI, *seeds]


def _answer(run: Any) -> str:
    try:
        rows = run()
    except Exception as exc:
        return f"error: {type(exc).__name__}: {str(exc).strip()[:400]}"
    if hasattr(rows, "rows"):
        rows = rows.rows
    text = repr(rows[:5])
    return f"{len(rows)} rows, first: {text[:600]}"


def run_all(env: Env, queries: Sequence[Query]) -> list[tuple[Query, str | None, str, str]]:
    out: list[tuple[Query, str | None, str, str]] = []
    for q in queries:
        try:
            difference = compare_multi(env, q)
        except Exception as exc:  # the oracle itself failed: the case belongs in DUCKDB_ONLY or is wrong
            difference = f"oracle error: {type(exc).__name__}: {str(exc).strip()[:300]}"
        if difference is None:
            out.append((q, None, "", ""))
            continue
        theirs = _answer(lambda q=q: run_oracle(env, q))
        ours = _answer(lambda q=q: run_mongo(env.db, q))
        out.append((q, difference, theirs, ours))
    return out


def duck_vs_pg(env: Env, queries: Sequence[Query]) -> list[tuple[str, str]]:
    """Where DuckDB (with the corpus's DuckDB spelling) and PostgreSQL disagree: PostgreSQL is right."""
    out = []
    for q in queries:
        if q.id in DUCKDB_ONLY or env.pg is None:
            continue
        try:
            expected = run_oracle(env, q)
            theirs = run_duck(env.duck, q)
        except Exception as exc:
            out.append((q.id, f"error: {type(exc).__name__}: {str(exc)[:200]}"))
            continue
        rows = [dict(zip(theirs.columns, r, strict=True)) for r in theirs.rows]
        try:
            difference = diff(q, expected, rows)
        except Exception as exc:
            difference = f"uncomparable: {exc}"
        if difference is not None:
            out.append((q.id, difference))
    return out


def report(results: list[tuple[Query, str | None, str, str]], elapsed: float) -> str:
    failing = [r for r in results if r[1] is not None]
    lines = [
        "# Differential corpus failures against PostgreSQL 15 (issue 10)",
        "",
        f"Written by `python -m tests.sql.pg_report` at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: "
        f"{len(results)} corpus queries, {len(results) - len(failing)} agree with the oracle, "
        f"{len(failing)} differ ({elapsed:.0f} s). The oracle is PostgreSQL except for the "
        f"{len(DUCKDB_ONLY)} `DUCKDB_ONLY` cases of `tests/sql/oracle_cases.py`.",
        "",
        "Marked in `KNOWN_FAILURES` (tests/sql/oracle_cases.py) as xfail(strict): delete an entry once "
        "its query passes.",
        "",
    ]
    for q, difference, theirs, ours in failing:
        reason = KNOWN_FAILURES.get(q.id, "(not marked)")
        lines += [f"## `{q.id}` — {reason}", "", "```sql", q.sql, "```", ""]
        if q.params:
            lines += [f"params: `{dict(q.params)!r}`", ""]
        if q.now:
            lines += [f"now: `{q.now.isoformat()}`", ""]
        oracle = "DuckDB" if q.id in DUCKDB_ONLY else "PostgreSQL"
        lines += [f"- difference: {difference}", f"- {oracle}: {theirs}", f"- ours: {ours}", ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    parser.add_argument("--ids", action="store_true", help="print the failing ids with their differences")
    parser.add_argument("-k", default="", help="only ids containing this text")
    parser.add_argument(
        "--duckdb", action="store_true", help="compare DuckDB's answers with PostgreSQL's instead"
    )
    args = parser.parse_args(argv)
    single, multi = _corpora()
    single = [q for q in single if args.k in q.id]
    multi = [q for q in multi if args.k in q.id]
    start = time.monotonic()
    results: list[tuple[Query, str | None, str, str]] = []
    with PostgresServer() as pg_server, scratch_database("leaf_pgreport") as mongo_db:
        data = datasets()
        load_mongo(mongo_db, data)
        con = duck.connect(data)
        disagreements: list[tuple[str, str]] = []
        with loaded_pg(pg_server, duck.SCHEMAS, data) as pg:
            if args.duckdb:
                disagreements += duck_vs_pg(Env(con, mongo_db, pg), single)
            else:
                results += run_all(Env(con, mongo_db, pg), single)
        con.close()
        client: MongoClient[Any] = mongo_db.client
        with duck_multi.loaded(client, pg_server) as env:
            if args.duckdb:
                disagreements += duck_vs_pg(env, multi)
            else:
                results += run_all(env, multi)
    if args.duckdb:
        for qid, disagreement in disagreements:
            print(f"{qid}\t{disagreement[:300]}")
        print(
            f"DuckDB disagrees with PostgreSQL on {len(disagreements)} of {len(single) + len(multi)} queries"
        )
        return 0
    elapsed = time.monotonic() - start
    for q, difference, _, _ in results:
        if difference is not None:
            print(f"{q.id}\t{difference[:300]}" if args.ids else f"FAIL {q.id}")
    failing = sum(d is not None for _, d, _, _ in results)
    print(f"{len(results) - failing}/{len(results)} agree with the oracle in {elapsed:.0f} s")
    if not args.k:
        Path(args.out).write_text(report(results, elapsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
