"""A fuzzing session: generate from seeds, run each query on both sides, shrink and classify failures."""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pymongo.database import Database

from tests.sql.fuzz import data
from tests.sql.fuzz.grammar import Grammar
from tests.sql.fuzz.oracle import Catalog, Outcome, classify, run_one, shrink
from tests.sql.harness import load_mongo, scratch_database
from tests.sql.pg import PostgresAddress, PostgresServer
from tests.sql.pgsql import PgDatabase, loaded_pg

# The share of generated queries compiled with the collection's catalog (the rest without one).
CATALOG_SHARE = 0.25
CATALOG: Catalog = data.catalog()


@dataclass
class Failure:
    seed: int
    index: int
    sql: str
    minimal: str
    outcome: Outcome
    klass: str  # "catalog/…" for a query compiled with the catalog
    catalog: bool = False


@dataclass
class Tally:
    ran: int = 0
    passed: int = 0
    refused: int = 0
    failures: list[Failure] = field(default_factory=list)
    refusals: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    with_catalog: int = 0  # queries compiled with the catalog (``CATALOG_SHARE``)
    seconds: float = 0.0  # wall time
    shrink_seconds: float = 0.0  # summed over the workers
    workers: int = 1

    def merge(self, other: Tally) -> None:
        """Add a worker's counts (``seconds`` stays this run's wall time)."""
        self.ran += other.ran
        self.passed += other.passed
        self.refused += other.refused
        self.failures += other.failures
        self.refusals += other.refusals
        self.kinds += other.kinds
        self.with_catalog += other.with_catalog
        self.shrink_seconds += other.shrink_seconds

    @property
    def by_class(self) -> Counter[str]:
        return Counter(f.klass for f in self.failures)

    def summary(self) -> str:
        rate = self.ran / self.seconds if self.seconds else 0.0
        running = self.seconds * self.workers - self.shrink_seconds  # worker-seconds not shrinking
        raw = self.ran / running * self.workers if running > 0 else 0.0
        shrunk = sum(f.minimal != f.sql for f in self.failures)
        lines = [
            f"ran {self.ran}, passed {self.passed}, refused {self.refused}, failed {len(self.failures)} "
            f"in {self.seconds:.0f} s on {self.workers} worker(s) ({rate:.1f} queries/s; {raw:.1f}/s without "
            f"the {self.shrink_seconds:.0f} worker-s spent shrinking {shrunk} failures)"
        ]
        in_catalog = sum(f.catalog for f in self.failures)
        lines.append(
            f"  with the catalog: {self.with_catalog} ran, {in_catalog} failed; "
            f"without: {self.ran - self.with_catalog} ran, {len(self.failures) - in_catalog} failed"
        )
        lines += [f"  outcome {kind}: {n}" for kind, n in self.kinds.most_common()]
        lines += [f"  FAIL {klass}: {n}" for klass, n in self.by_class.most_common()]
        lines += [f"  refused: {n} x {msg}" for msg, n in self.refusals.most_common(8)]
        return "\n".join(lines)


@contextmanager
def fuzz_env(pg_server: PostgresServer | PostgresAddress, db: Database[Any]) -> Iterator[PgDatabase]:
    """The fuzz collection loaded into ``db`` and into a PostgreSQL schema of its own."""
    rows = data.datasets()
    load_mongo(db, rows)
    with loaded_pg(pg_server, {data.COLLECTION: data.SCHEMA}, rows) as pg:
        yield pg


def _refusal_key(detail: str) -> str:
    return detail.split(" at line")[0].split(":")[0][:80]


def fuzz(
    pg: PgDatabase,
    db: Database[Any],
    seeds: list[int],
    per_seed: int,
    *,
    deadline: float | None = None,
    shrink_budget: int = 200,
    shrink_first: int = 3,
    max_depth: int = 6,
    shrink_crashes: bool = True,
    extended: bool = True,
    catalog_share: float = CATALOG_SHARE,
    shrink_past_deadline: bool = False,
) -> Tally:
    """Run ``per_seed`` queries from each seed (or until ``deadline``, a ``time.monotonic()``).

    A ``catalog_share`` of the queries (chosen per seed and index, the same in every run) compile
    with the collection's catalog (``data.catalog()``): both modes must give PostgreSQL's answer.

    Shrinking costs dozens of runs per failure, so only the first ``shrink_first`` failures of each
    signature and class (the unminimized query's) are shrunk, each within ``shrink_budget`` candidate
    runs; the others are recorded as generated, with their class. With ``shrink_past_deadline`` the
    time spent shrinking moves the deadline, so the bound is on the generated queries alone.
    """
    tally = Tally()
    shrunk: Counter[tuple[str, str]] = Counter()
    start = time.monotonic()
    for seed in seeds:
        grammar = Grammar(random.Random(seed), max_depth, extended=extended)
        modes = random.Random(f"catalog {seed}")
        for index in range(per_seed):
            if deadline is not None and time.monotonic() >= deadline:
                tally.seconds = time.monotonic() - start
                return tally
            sql = grammar.query()
            catalog = CATALOG if modes.random() < catalog_share else None
            outcome = run_one(pg, db, sql, catalog)
            tally.ran += 1
            tally.with_catalog += catalog is not None
            tally.kinds[outcome.kind] += 1
            if outcome.status == "pass":
                tally.passed += 1
            elif outcome.status == "refused":
                tally.refused += 1
                tally.refusals[_refusal_key(outcome.detail)] += 1
            else:
                mode = "catalog/" if catalog else ""
                klass = mode + classify(sql, outcome)
                key = (outcome.signature, klass)
                worth = shrink_budget > 0 and shrunk[key] < shrink_first
                if not worth or (outcome.kind == "crash" and not shrink_crashes):
                    tally.failures.append(Failure(seed, index, sql, sql, outcome, klass, bool(catalog)))
                    continue
                shrunk[key] += 1
                began = time.monotonic()
                minimal, final = _shrink(pg, db, sql, outcome, shrink_budget, catalog)
                spent = time.monotonic() - began
                tally.shrink_seconds += spent
                if deadline is not None and shrink_past_deadline:
                    deadline += spent
                final_class = mode + classify(minimal, final)
                tally.failures.append(Failure(seed, index, sql, minimal, final, final_class, bool(catalog)))
    tally.seconds = time.monotonic() - start
    return tally


def _shrink(
    pg: PgDatabase, db: Database[Any], sql: str, outcome: Outcome, budget: int, catalog: Catalog | None
) -> tuple[str, Outcome]:
    """The smallest query found that fails with ``outcome``'s signature, and its outcome."""
    signature = outcome.signature

    def same_failure(candidate: str) -> bool:
        return run_one(pg, db, candidate, catalog).signature == signature

    minimal = shrink(sql, same_failure, budget)
    final = run_one(pg, db, minimal, catalog) if minimal != sql else outcome
    if final.signature != signature:  # flaky: keep the original
        return sql, outcome
    return minimal, final


@dataclass(frozen=True)
class Job:
    """One worker's share: picklable, for a process of its own."""

    pg: PostgresAddress
    mongo_uri: str
    seeds: list[int]
    per_seed: int
    deadline: float  # time.monotonic(), the same clock in every process of this machine
    shrink_budget: int
    shrink_first: int
    max_depth: int
    catalog_share: float = 0.0


def run_job(job: Job) -> Tally:
    with scratch_database("leaf_fuzz", job.mongo_uri) as db, fuzz_env(job.pg, db) as pg:
        return fuzz(
            pg,
            db,
            job.seeds,
            job.per_seed,
            deadline=job.deadline,
            shrink_budget=job.shrink_budget,
            shrink_first=job.shrink_first,
            max_depth=job.max_depth,
            catalog_share=job.catalog_share,
        )


def run(jobs: list[Job]) -> Tally:
    """The jobs in parallel (one process each; in this process if there is one), their tallies merged."""
    start = time.monotonic()
    if len(jobs) == 1:
        tallies = [run_job(jobs[0])]
    else:
        with ProcessPoolExecutor(len(jobs), mp_context=multiprocessing.get_context("spawn")) as pool:
            tallies = list(pool.map(run_job, jobs))
    tally = Tally(workers=len(jobs))
    for part in tallies:
        tally.merge(part)
    tally.seconds = time.monotonic() - start
    return tally
