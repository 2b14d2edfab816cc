"""What one scheduled hourly partition costs end to end, against its aggregation.

    python benchmarks/run_overhead.py             # 100 users x 240 events of one day, 3 repeats
    python benchmarks/run_overhead.py --repeat 5 --events-per-user-day 960

Uses ``LEAF_MONGODB_URI`` if set, else a temporary embedded server; a temporary ``DAGSTER_HOME``.
One ``user_activity_buckets`` partition of the example code location (the rollup, its
``schema_compliance`` Great Expectations check and its ``data_quality`` check) is launched as a
fresh process, the way the daemon's run launcher starts a run, three ways side by side:

- ``job``: ``dagster job execute -j user_activity_buckets_job`` with the partition's tag, the job
  the schedule launches;
- ``materialize``: ``dagster asset materialize --select user_activity_buckets --partition …``, the
  implicit asset job a UI "Materialize" or backfill of the asset launches, on the code location's
  default executor (``LeafProject(executor="in_process")``: steps in the run's process);
- ``multiprocess``: the same with ``execution: config: multiprocess: {}``, one process per step: what
  every one of these runs paid before the rollup jobs, then the code location, ran steps in-process.

Launch to exit is broken down from the run's event log (step start and success timestamps) and the
rollup's own ``duration_s`` metadata: process start and imports before the first event, step
processes' start (multiprocess only), the aggregation, the check steps, and the bookkeeping (the
rest: run and step events, the rollup engine's lease and run log, process exit). Imports are also
timed apart, in fresh processes. The overhead is printed as a ratio to the aggregation.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pymongo import MongoClient

from leaf_dagster.connection import ENV_DB, ENV_URI, Document
from leaf_dagster.embedded import server_uri as server
from pipelines import datagen

ROOT = Path(__file__).resolve().parent.parent
PARTITION = "2024-09-14-10:00"
SAMPLE_START = "2024-09-14"
ROLLUP = "user_activity_buckets"

# name: (set-up not timed, the statement timed)
IMPORTS = {
    "interpreter": ("", "pass"),
    "dagster": ("", "import dagster"),
    "code location (imports + load)": ("", "import pipelines.definitions"),
    "great_expectations": ("", "import great_expectations"),
    # what the schema_compliance check pays in a run's process, where dagster and pandas are loaded
    "GX in a check (after dagster, pandas; + context)": (
        "import dagster, pandas, sqlalchemy",
        "from leaf_dagster.quality.gxcontext import ensure_context; ensure_context()",
    ),
}


@dataclass
class Breakdown:
    """One run, in seconds."""

    wall: float
    startup: float  # launch → the run's first event: interpreter, imports, code location load
    step_processes: float  # step workers' start and imports (multiprocess executor)
    aggregation: float  # the rollup engine's duration_s (lease, aggregation, $merge, run log)
    checks: float  # the check steps, start to success
    steps: dict[str, float] = field(default_factory=dict)
    cpu: float = 0.0  # user + system CPU of the run's processes (the server's apart): steady under load

    @property
    def bookkeeping(self) -> float:
        return max(self.wall - self.startup - self.step_processes - self.aggregation - self.checks, 0.0)

    @property
    def overhead(self) -> float:
        return (self.wall - self.aggregation) / self.aggregation if self.aggregation else float("nan")


def _environment(uri: str, database: str, home: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            ENV_URI: uri,
            ENV_DB: database,
            "DAGSTER_HOME": home,
            "DAGSTER_DISABLE_TELEMETRY": "1",
            "GX_ANALYTICS_ENABLED": "false",
            datagen.ENV_START: SAMPLE_START,
            "PYTHONWARNINGS": "ignore",
        }
    )
    return env


def time_imports(env: Mapping[str, str], repeat: int) -> dict[str, tuple[float, float]]:
    """Median seconds of each import in a fresh process (the interpreter's own start apart): wall
    clock and the process's CPU time."""
    out: dict[str, tuple[float, float]] = {}
    for name, (setup, statement) in IMPORTS.items():
        code = (
            f"{setup}\nimport time; t, c = time.perf_counter(), time.process_time(); {statement}\n"
            "print(time.perf_counter() - t, time.process_time() - c)"
        )
        runs = []
        cpus = []
        for _ in range(repeat):
            clock = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", code],
                env=dict(env),
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            total = time.perf_counter() - clock
            wall, cpu = map(float, done.stdout.strip().splitlines()[-1].split())
            runs.append(total if name == "interpreter" else wall)
            cpus.append(cpu)
        out[name] = (statistics.median(runs), statistics.median(cpus))
    return out


MODES = ("job", "materialize", "multiprocess")
MULTIPROCESS = {"execution": {"config": {"multiprocess": {}}}}


def command(mode: str) -> list[str]:
    dagster = str(Path(sys.executable).with_name("dagster"))
    if mode == "job":
        tags = json.dumps({"dagster/partition": PARTITION})
        return [
            dagster,
            "job",
            "execute",
            "-m",
            "pipelines.definitions",
            "-j",
            f"{ROLLUP}_job",
            "--tags",
            tags,
        ]
    materialize = [
        dagster,
        "asset",
        "materialize",
        "-m",
        "pipelines.definitions",
        "--select",
        ROLLUP,
        "--partition",
        PARTITION,
    ]
    return (
        [*materialize, "--config-json", json.dumps(MULTIPROCESS)] if mode == "multiprocess" else materialize
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def launch(mode: str, env: Mapping[str, str]) -> tuple[float, float, float]:
    """Run one partition; returns (launch wall clock, seconds to exit, CPU seconds of its processes)."""
    argv = command(mode)
    started = time.time()
    clock, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(argv, env=dict(env), cwd=ROOT, capture_output=True, text=True)
    elapsed, cpu = time.perf_counter() - clock, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"{mode} run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return started, elapsed, cpu


def _measure(intervals: list[tuple[float, float]]) -> float:
    """Seconds covered by the union of ``intervals``."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(intervals):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def breakdown(home: str, started: float, wall: float, cpu: float = 0.0) -> Breakdown:
    """The newest run of the instance at ``home``, read from its event log.

    Steps can overlap (the multiprocess executor runs both checks at once), so each second of the
    run is counted once: in a step's body if any step is running, else in a step process's start if
    one is starting, else in the start-up (before the first event) or the bookkeeping."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = home
    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        assert run.status == dg.DagsterRunStatus.SUCCESS, run.status
        first: float | None = None
        step_first: dict[str, float] = {}
        step_start: dict[str, float] = {}
        step_end: dict[str, float] = {}
        aggregation = 0.0
        for entry in instance.all_logs(run.run_id):
            if entry.dagster_event is None:
                continue
            first = entry.timestamp if first is None else first
            step = entry.step_key
            kind = entry.dagster_event.event_type_value
            if step is None:
                continue
            if kind in ("STEP_WORKER_STARTING", "STEP_WORKER_STARTED"):
                step_first.setdefault(step, entry.timestamp)
            elif kind == "STEP_START":
                step_start[step] = entry.timestamp
            elif kind == "STEP_SUCCESS":
                step_end[step] = entry.timestamp
            elif kind == "ASSET_MATERIALIZATION":
                materialization = entry.asset_materialization
                assert materialization is not None
                aggregation += float(materialization.metadata["duration_s"].value)  # type: ignore[arg-type]
    assert first is not None
    bodies = {step: (step_start[step], step_end[step]) for step in step_start}
    checks = [span for step, span in bodies.items() if step != ROLLUP]
    launching = [(step_first[s], step_start[s]) for s in step_first if s in step_start]
    in_steps = _measure(list(bodies.values()))
    return Breakdown(
        wall=wall,
        startup=first - started,
        step_processes=_measure([*launching, *bodies.values()]) - in_steps,
        aggregation=aggregation,
        # check steps while no rollup runs; the rollup step beyond its engine time is bookkeeping
        checks=in_steps - _measure([bodies[ROLLUP]]) if checks else 0.0,
        steps={step: end - start for step, (start, end) in bodies.items()},
        cpu=cpu,
    )


def median_breakdown(runs: list[Breakdown]) -> Breakdown:
    return sorted(runs, key=lambda b: b.wall)[len(runs) // 2]


def report(mode: str, b: Breakdown) -> None:
    print(f"\n{mode}: launch to exit {b.wall:6.2f} s (the median run)")
    rows = [
        ("process start + imports + code location load", b.startup),
        ("step processes' start + imports", b.step_processes),
        ("aggregation (the rollup engine, duration_s)", b.aggregation),
        ("checks (check steps, start to success)", b.checks),
        ("bookkeeping (events, run log, exit; the rest)", b.bookkeeping),
    ]
    for label, seconds in rows:
        print(f"  {label:<48} {seconds:6.2f} s  {100 * seconds / b.wall:5.1f}%")
    for step, seconds in sorted(b.steps.items()):
        print(f"    step {step:<43} {seconds:6.2f} s")
    print(f"  overhead / aggregation: x{b.overhead:.1f}  ((launch to exit - aggregation) / aggregation)")
    print(f"  CPU of the run's processes (user + system)         {b.cpu:6.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--events-per-user-day", type=int, default=240)
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}")
    args = parser.parse_args(argv)
    modes = [mode for mode in MODES if mode in args.modes.split(",")]
    with server() as uri, tempfile.TemporaryDirectory(prefix="leaf_overhead_") as home:
        Path(home, "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        client: MongoClient[Document] = MongoClient(uri)
        database = f"leaf_bench_{os.getpid()}"
        env = _environment(uri, database, home)
        os.environ[datagen.ENV_START] = SAMPLE_START
        try:
            size = datagen.SampleSize(
                users=args.users,
                days=1,
                events_per_user_day=args.events_per_user_day,
                products=5,
                reviews_per_product=2,
                orders_per_user=1,
            )
            counts = datagen.seed(client[database], size)
            hour_events = args.users * args.events_per_user_day // 24
            print(
                f"partition {PARTITION} of {ROLLUP}: ~{hour_events:,} events of {counts['activity_events']:,},"
                f" {counts['users']} users; repeat={args.repeat}"
            )
            imports = time_imports(env, args.repeat)
            print("\nimports in a fresh process (median wall; CPU):")
            for name, (seconds, cpu) in imports.items():
                print(f"  {name:<48} {seconds:6.2f} s; CPU {cpu:6.2f} s")
            runs: dict[str, list[Breakdown]] = {mode: [] for mode in modes}
            for _ in range(args.repeat):  # the modes interleaved: the machine's load hits them alike
                for mode in modes:
                    started, wall, cpu = launch(mode, env)
                    runs[mode].append(breakdown(home, started, wall, cpu))
            results = {mode: median_breakdown(found) for mode, found in runs.items()}
            for mode in modes:
                report(mode, results[mode])
            print("\nlaunch to exit, min / median of each mode; CPU of its processes, min / median:")
            for mode in modes:
                walls = sorted(b.wall for b in runs[mode])
                cpus = sorted(b.cpu for b in runs[mode])
                print(
                    f"  {mode:<14} {walls[0]:6.2f} s / {statistics.median(walls):6.2f} s;"
                    f" CPU {cpus[0]:6.2f} s / {statistics.median(cpus):6.2f} s"
                )
            multi = results.get("multiprocess")
            for mode in ("job", "materialize"):
                b = results.get(mode)
                if b is None or multi is None:
                    continue
                print(
                    f"{mode} / multiprocess: launch to exit x{b.wall / multi.wall:.2f}, "
                    f"overhead x{b.overhead:.1f} vs x{multi.overhead:.1f} the aggregation"
                )
        finally:
            client.drop_database(database)
            client.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
