"""``python -m tests.sql.fuzz --minutes N [--seed S] [--workers W] [--out FILE]``: the long fuzzing run.

Starts PostgreSQL 15 and (unless ``LEAF_MONGODB_URI`` is set) the embedded server, and runs
generated queries from seeds S, S+1, ... until N minutes (or ``--queries`` queries) have passed.
With W workers, worker k runs seeds S+k, S+k+W, ... in its own process, database and schema.
Failing queries are written, with their class, PostgreSQL's answer and ours, to FILE (Markdown);
the first ``--shrink-first`` of each class are minimized first. The counts (ran / passed / refused /
failed by class) and the throughput are printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from tests.sql.fuzz.session import CATALOG_SHARE, Job, Tally, run
from tests.sql.harness import mongo_uri
from tests.sql.pg import PostgresServer

PER_SEED = 500


def report(tally: Tally, seed: int) -> str:
    lines = [
        "# Fuzzer failures (python -m tests.sql.fuzz)",
        "",
        f"Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC from seed {seed}: " + tally.summary().splitlines()[0],
        "",
        "## Counts",
        "",
        "```",
        tally.summary(),
        "```",
        "",
        "## Failures, grouped by class (the first of each class minimized)",
        "",
    ]
    for klass, _ in tally.by_class.most_common():
        group = [f for f in tally.failures if f.klass == klass]
        lines += [f"### {klass} ({len(group)})", ""]
        for f in group:
            mode = " (with the catalog)" if f.catalog else ""
            lines += [f"- seed {f.seed} #{f.index}{mode}: `{f.minimal}`", f"  - {f.outcome.detail[:500]}"]
            if f.minimal != f.sql:
                lines.append(f"  - original: `{f.sql[:600]}`")
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, help="stop after N minutes (default 5; none with --queries)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="fuzz_failures.md")
    parser.add_argument("--depth", type=int, default=6, help="deepest expression nesting (1-6)")
    parser.add_argument(
        "--queries", type=int, default=0, help="stop after this many queries (0: only --minutes)"
    )
    parser.add_argument("--workers", type=int, default=1, help="processes, each with its own seeds")
    parser.add_argument("--shrink-budget", type=int, default=60, help="candidate runs per failure")
    parser.add_argument(
        "--shrink-first", type=int, default=3, help="failures minimized per class (the rest as generated)"
    )
    parser.add_argument(
        "--catalog-share",
        type=float,
        default=CATALOG_SHARE,
        help="share of the queries compiled with the collection's catalog (0-1)",
    )
    args = parser.parse_args(argv)
    workers = max(1, args.workers)
    # --queries Q: ceil(Q / PER_SEED) seeds of PER_SEED queries (one of Q if Q is smaller), dealt round-robin.
    seed_count = -(-args.queries // PER_SEED) if args.queries else 100_000
    per_seed = min(PER_SEED, args.queries) if args.queries else PER_SEED
    seeds = list(range(args.seed, args.seed + seed_count))
    with PostgresServer() as pg_server, mongo_uri("leaf_fuzz") as uri:
        minutes = args.minutes if args.minutes is not None else (0 if args.queries else 5.0)
        deadline = time.monotonic() + minutes * 60 if minutes else float("inf")
        jobs = [
            Job(
                pg_server.address,
                uri,
                seeds[k::workers],
                per_seed,
                deadline,
                args.shrink_budget,
                args.shrink_first,
                args.depth,
                args.catalog_share,
            )
            for k in range(workers)
            if seeds[k::workers]
        ]
        tally = run(jobs)
    Path(args.out).write_text(report(tally, args.seed))
    print(tally.summary())
    print(f"failures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
