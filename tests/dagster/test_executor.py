"""The code location's default executor: a rollup and its checks share the run's process.

The UI's "Materialize" and its backfills launch Dagster's implicit asset job, which takes the code
location's executor. ``LeafProject`` sets it to Dagster's ``multi_or_in_process_executor`` with
``in_process`` as the default (``executor: in_process``), so a run of a rollup with its checks pays
one process start and one code-location load, not one per step; a run's config can still ask for
``multiprocess`` (``test_multiprocess.py``)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from dagster._core.definitions.reconstruct import ReconstructableJob, ReconstructableRepository
from pymongo.database import Database

from leaf_dagster.connection import ENV_DB, ENV_URI, Document
from leaf_dagster.dagster import COMPLIANCE_CHECK, QUALITY_CHECK, LeafProject
from leaf_dagster.dagster.executors import in_process_or_multiprocess_executor
from pipelines import datagen

PIPELINES = Path(__file__).resolve().parents[2] / "pipelines"
KEY = dg.AssetKey("user_activity_buckets")
HOUR = "2024-09-14-09:00"
IMPLICIT_ASSET_JOB = "__ASSET_JOB"
SIZE = datagen.SampleSize(users=5, days=1, events_per_user_day=48, products=2, reviews_per_product=1)


def _location() -> dg.Definitions:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dg.load_from_defs_folder(path_within_project=PIPELINES)


def implicit_asset_job() -> dg.JobDefinition:
    """What the UI's Materialize launches: the location's implicit asset job."""
    return _location().resolve_implicit_global_asset_job_def()


@dg.definitions
def location() -> dg.Definitions:
    """The example's definitions, built again on each load (``pipelines.definitions`` builds them
    once per process, with the database of the first test that imported it)."""
    return _location()


def reconstructable_implicit_asset_job() -> ReconstructableJob:
    """That job as the run launcher loads it: by name, from the code location's definitions."""
    repository = ReconstructableRepository.for_module(__name__, "location", str(PIPELINES.parent))
    return repository.get_reconstructable_job(IMPLICIT_ASSET_JOB)


def test_every_job_of_the_example_defaults_to_in_process_steps() -> None:
    defs = _location()
    assert defs.executor is in_process_or_multiprocess_executor
    repository = defs.get_repository_def()
    jobs = {job.name: job.executor_def.name for job in repository.get_all_jobs()}
    assert IMPLICIT_ASSET_JOB in jobs and "user_activity_buckets_job" in jobs and "pending_migrations" in jobs
    assert set(jobs.values()) == {"in_process_or_multiprocess"}, jobs
    execution = implicit_asset_job().executor_def.config_schema.as_field()
    assert execution.default_value == {"in_process": {}}


def test_the_project_sets_the_executor_it_is_told() -> None:
    def project(**attributes: Any) -> LeafProject:
        return LeafProject(rollups=str(PIPELINES / "rollups"), schemas=None, migrations=None, **attributes)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert project().definitions().executor is in_process_or_multiprocess_executor
        assert project(executor="multiprocess").definitions().executor is dg.multi_or_in_process_executor
        assert project(executor=None).definitions().executor is None


def test_a_materialize_of_a_rollup_and_its_checks_runs_in_one_process(
    db: Database[Document], mongo_uri: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    datagen.seed(db, SIZE)
    monkeypatch.setenv(ENV_URI, mongo_uri)
    monkeypatch.setenv(ENV_DB, db.name)
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        result = dg.execute_job(
            reconstructable_implicit_asset_job(),
            instance=instance,
            asset_selection=[KEY],
            tags={"dagster/partition": HOUR},
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        )
        assert result.success
        events = [e.dagster_event for e in instance.all_logs(result.run_id) if e.dagster_event]
    kinds = {e.event_type_value for e in events}
    assert "STEP_WORKER_STARTED" not in kinds and "STEP_WORKER_STARTING" not in kinds
    pids = {e.step_key: e.pid for e in events if e.event_type_value == "STEP_START"}
    assert set(pids) == {
        "user_activity_buckets",
        f"user_activity_buckets_{COMPLIANCE_CHECK}",
        f"user_activity_buckets_{QUALITY_CHECK}",
    }
    assert set(pids.values()) == {os.getpid()}  # the run's own process (here: the test's)
    evaluations = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert evaluations == {COMPLIANCE_CHECK: True, QUALITY_CHECK: True}
    assert db.user_activity_buckets.count_documents({}) > 0
