"""``python -m tests.sql.fuzz --minutes N [--seed S] [--out FILE]``: the long fuzzing run.

Starts PostgreSQL 15 and (unless ``LEAF_MONGODB_URI`` is set) the embedded server, loads the fuzz
collection into both, and runs generated queries from seeds S, S+1, ... until N minutes have passed.
Every failing query is shrunk and written, with its class, PostgreSQL's answer and ours, to FILE
(Markdown); the counts (ran / passed / refused / failed by class) and the throughput are printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from tests.sql.fuzz.session import Tally, fuzz, fuzz_env
from tests.sql.harness import scratch_database
from tests.sql.pg import PostgresServer

PER_SEED = 500


def report(tally: Tally, seed: int, minutes: float) -> str:
    lines = [
        "# Fuzzer failures (python -m tests.sql.fuzz)",
        "",
        f"Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {minutes:g} min from seed {seed}: "
        + tally.summary().splitlines()[0],
        "",
        "## Counts",
        "",
        "```",
        tally.summary(),
        "```",
        "",
        "## Failures (minimized), grouped by class",
        "",
    ]
    for klass, _ in tally.by_class.most_common():
        group = [f for f in tally.failures if f.klass == klass]
        lines += [f"### {klass} ({len(group)})", ""]
        for f in group:
            lines += [
                f"- seed {f.seed} #{f.index}: `{f.minimal}`",
                f"  - {f.outcome.detail[:500]}",
                f"  - original: `{f.sql[:600]}`",
            ]
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="fuzz_failures.md")
    parser.add_argument("--depth", type=int, default=6, help="deepest expression nesting (1-6)")
    parser.add_argument("--shrink-budget", type=int, default=120, help="candidate runs per failure")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.minutes * 60
    seeds = list(range(args.seed, args.seed + 100_000))
    with PostgresServer() as pg_server, scratch_database("leaf_fuzz") as db, fuzz_env(pg_server, db) as pg:
        tally = fuzz(
            pg, db, seeds, PER_SEED, deadline=deadline, shrink_budget=args.shrink_budget, max_depth=args.depth
        )
    Path(args.out).write_text(report(tally, args.seed, args.minutes))
    print(tally.summary())
    print(f"failures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
