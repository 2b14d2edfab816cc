"""A fuzzing session: generate from seeds, run each query on both sides, shrink and classify failures."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pymongo.database import Database

from tests.sql.fuzz import data
from tests.sql.fuzz.grammar import Grammar
from tests.sql.fuzz.oracle import Outcome, classify, run_one, shrink
from tests.sql.harness import load_mongo
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase, loaded_pg


@dataclass
class Failure:
    seed: int
    index: int
    sql: str
    minimal: str
    outcome: Outcome
    klass: str


@dataclass
class Tally:
    ran: int = 0
    passed: int = 0
    refused: int = 0
    failures: list[Failure] = field(default_factory=list)
    refusals: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    shrink_seconds: float = 0.0

    @property
    def by_class(self) -> Counter[str]:
        return Counter(f.klass for f in self.failures)

    def summary(self) -> str:
        rate = self.ran / self.seconds if self.seconds else 0.0
        running = self.seconds - self.shrink_seconds
        raw = self.ran / running if running > 0 else 0.0
        lines = [
            f"ran {self.ran}, passed {self.passed}, refused {self.refused}, failed {len(self.failures)} "
            f"in {self.seconds:.0f} s ({rate:.1f} queries/s; {raw:.1f}/s without the "
            f"{self.shrink_seconds:.0f} s spent shrinking)"
        ]
        lines += [f"  outcome {kind}: {n}" for kind, n in self.kinds.most_common()]
        lines += [f"  FAIL {klass}: {n}" for klass, n in self.by_class.most_common()]
        lines += [f"  refused: {n} x {msg}" for msg, n in self.refusals.most_common(8)]
        return "\n".join(lines)


@contextmanager
def fuzz_env(pg_server: PostgresServer, db: Database[Any]) -> Iterator[PgDatabase]:
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
    max_depth: int = 6,
    shrink_crashes: bool = True,
) -> Tally:
    """Run ``per_seed`` queries from each seed (or until ``deadline``, a ``time.monotonic()``)."""
    tally = Tally()
    start = time.monotonic()
    for seed in seeds:
        grammar = Grammar(random.Random(seed), max_depth)
        for index in range(per_seed):
            if deadline is not None and time.monotonic() >= deadline:
                tally.seconds = time.monotonic() - start
                return tally
            sql = grammar.query()
            outcome = run_one(pg, db, sql)
            tally.ran += 1
            tally.kinds[outcome.kind] += 1
            if outcome.status == "pass":
                tally.passed += 1
            elif outcome.status == "refused":
                tally.refused += 1
                tally.refusals[_refusal_key(outcome.detail)] += 1
            elif outcome.kind == "crash" and not shrink_crashes:
                tally.failures.append(Failure(seed, index, sql, sql, outcome, classify(sql, outcome)))
            else:
                signature = outcome.signature

                def same_failure(candidate: str, signature: str = signature) -> bool:
                    return run_one(pg, db, candidate).signature == signature

                began = time.monotonic()
                minimal = shrink(sql, same_failure, shrink_budget)
                tally.shrink_seconds += time.monotonic() - began
                final = run_one(pg, db, minimal) if minimal != sql else outcome
                if final.signature != outcome.signature:  # flaky: keep the original
                    minimal, final = sql, outcome
                tally.failures.append(Failure(seed, index, sql, minimal, final, classify(minimal, final)))
    tally.seconds = time.monotonic() - start
    return tally
