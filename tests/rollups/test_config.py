"""Rollup files: the config block, and every mistake reported with its file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from leaf_dagster.rollups import LeafRollupConfigError, load_rollup_file, load_rollup_folder, parse_rollup
from leaf_dagster.rollups.cron import cron_error

PIPELINES_ROLLUPS = Path(__file__).resolve().parents[2] / "pipelines" / "rollups"

DAILY = """/* leaf
pattern: computed
target: customer_daily_orders
on: [customerId, day]
partition: daily
time_field: createdAt
time_column: day
start: 2024-09-01
schedule: "15 6 * * *"
owners: [team:commerce, alice@example.com]
tags: {domain: orders}
*/
SELECT customerId, DATE_TRUNC('day', createdAt) AS day, COUNT(*) AS orders, SUM(total) AS total
FROM orders
GROUP BY customerId, DATE_TRUNC('day', createdAt)
"""


def test_config_block_parses_into_a_spec() -> None:
    spec = parse_rollup(DAILY, name="cdo", source="cdo.sql")
    assert spec.name == "cdo"
    assert spec.target == "customer_daily_orders"
    assert spec.on == ("customerId", "day")
    assert (spec.pattern, spec.partition, spec.time_field, spec.time_column) == (
        "computed",
        "daily",
        "createdAt",
        "day",
    )
    assert spec.start == "2024-09-01"
    assert spec.schedule == "15 6 * * *"
    assert spec.owners == ("team:commerce", "alice@example.com")
    assert spec.tags == {"domain": "orders"}
    assert spec.sources == ("orders",)
    assert spec.columns == ("customerId", "day", "orders", "total")
    assert spec.sql.startswith("SELECT customerId")
    assert spec.lookback_partitions == 0


def test_on_is_a_key_not_a_yaml_boolean() -> None:
    spec = parse_rollup(DAILY.replace("on: [customerId, day]", "on: customerId").replace(
        "SELECT customerId", "SELECT customerId"), name="x")  # fmt: skip
    assert spec.on == ("customerId",)


def _error(text: str) -> LeafRollupConfigError:
    with pytest.raises(LeafRollupConfigError) as info:
        parse_rollup(text, name="r", source="r.sql")
    return info.value


def test_unknown_key_names_file_line_and_closest_key() -> None:
    error = _error(DAILY.replace("partition: daily", "partiton: daily"))
    assert error.source == "r.sql" and error.line == 5
    assert "unknown key 'partiton'" in str(error) and "did you mean 'partition'" in str(error)
    assert str(error).startswith("r.sql:5:")


def test_unknown_bucket_key() -> None:
    text = DAILY.replace("pattern: computed", "pattern: bucket").replace(
        "tags: {domain: orders}", "bucket:\n  max_event: 10"
    )
    error = _error(text)
    assert "unknown bucket key 'max_event'" in str(error) and "'max_events'" in str(error)
    assert error.line == 12


def test_missing_merge_key() -> None:
    error = _error(DAILY.replace("on: [customerId, day]\n", ""))
    assert "missing merge key 'on'" in str(error)
    assert error.line == 2


def test_merge_key_must_be_produced() -> None:
    error = _error(DAILY.replace("on: [customerId, day]", "on: [customerId, dayz]"))
    assert "merge key 'dayz' is not a column the SQL produces" in str(error) and error.line == 4


def test_time_field_the_sql_does_not_produce() -> None:
    error = _error(DAILY.replace("time_column: day", "time_column: bucket_day"))
    assert "time_column 'bucket_day' is not a column the SQL produces" in str(error)
    assert error.line == 7


def test_bad_cron_pattern_and_partition() -> None:
    assert "must have 5 fields" in str(_error(DAILY.replace('"15 6 * * *"', '"15 6 * *"')))
    assert "hour '25' is outside 0-23" in str(_error(DAILY.replace('"15 6 * * *"', '"15 25 * * *"')))
    error = _error(DAILY.replace("pattern: computed", "pattern: computd"))
    assert "pattern must be one of computed, bucket" in str(error) and "did you mean 'computed'" in str(error)
    assert error.line == 2
    assert "partition must be one of" in str(_error(DAILY.replace("partition: daily", "partition: weekly")))


def test_no_config_block_and_bad_yaml() -> None:
    assert "no config block" in str(_error("SELECT a FROM b"))
    assert "never closed" in str(_error("/* leaf\non: a\nSELECT a FROM b"))
    assert "not valid YAML" in str(_error("/* leaf\non: [a\n*/\nSELECT a FROM b"))


def test_sql_errors_point_at_the_file_line() -> None:
    error = _error(DAILY.replace("FROM orders", "FROM orders WHERE total >>> 3"))
    assert "SQL does not compile" in str(error)
    assert error.line == 14


def test_incremental_needs_combinable_aggregates() -> None:
    text = """/* leaf
on: customerId
time_field: createdAt
incremental: true
*/
SELECT customerId, COUNT(DISTINCT status) AS statuses FROM orders GROUP BY customerId
"""
    error = _error(text)
    assert "COUNT(DISTINCT" in str(error) and error.line == 4
    partitioned = DAILY.replace("tags: {domain: orders}", "incremental: true")
    assert "unpartitioned" in str(_error(partitioned))


def test_bucket_sql_selects_events_only() -> None:
    text = """/* leaf
pattern: bucket
on: userId
partition: hourly
time_field: timestamp
*/
SELECT userId, MAX(timestamp) AS timestamp FROM events GROUP BY userId
"""
    assert "no GROUP BY or aggregates" in str(_error(text))
    missing = text.replace("MAX(timestamp) AS timestamp FROM events GROUP BY userId", "page FROM events")
    assert "time_field: 'timestamp' is not a column the SQL produces" in str(_error(missing))


def test_folder_loading_and_duplicate_names(rollup_file: Callable[[str, str], Path], tmp_path: Path) -> None:
    rollup_file("a", DAILY)
    rollup_file("b", DAILY.replace("pattern: computed", "name: a\npattern: computed"))
    with pytest.raises(LeafRollupConfigError, match="rollup name 'a' is also used by"):
        load_rollup_folder(tmp_path)
    assert load_rollup_file(tmp_path / "a.sql").path == str(tmp_path / "a.sql")


def test_example_rollups_load() -> None:
    specs = {spec.name: spec for spec in load_rollup_folder(PIPELINES_ROLLUPS)}
    assert set(specs) == {
        "user_activity_buckets",
        "user_engagement",
        "product_review_summary",
        "customer_daily_orders",
    }
    assert specs["user_activity_buckets"].pattern == "bucket"
    assert specs["user_activity_buckets"].lookback_partitions == 1
    assert specs["user_engagement"].sources == ("users", "user_activity_buckets")
    assert specs["user_engagement"].window_params == ("partition_start", "partition_end")
    assert specs["user_engagement"].time_field is None
    assert specs["product_review_summary"].incremental


def test_cron_validation() -> None:
    assert cron_error("*/15 * * * *") is None
    assert cron_error("0 6 * * mon-fri") is None
    assert cron_error("0 6 1,15 jan *") is None
    assert cron_error("*/0 * * * *") is not None
    assert cron_error("0 6 * * 8") is not None


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("orders$daily", "contains '\\$'"),
        ("system.daily", "starts with 'system.'"),
        ("daily.", "starts or ends with '.'"),
        ("x" * 254, "254 bytes long"),
        ("é" * 127, "254 bytes long"),
        ('"nul\\0here"', "NUL"),
    ],
)
def test_target_names_follow_mongodb_naming_rules_and_point_at_the_line(target: str, problem: str) -> None:
    text = DAILY.replace("target: customer_daily_orders", f"target: {target}")
    with pytest.raises(
        LeafRollupConfigError,
        match=f"^cdo.sql:3: target .* not a valid MongoDB collection name: it .*{problem}",
    ):
        parse_rollup(text, name="cdo", source="cdo.sql")


def test_target_named_after_the_file_is_checked_too() -> None:
    text = DAILY.replace("target: customer_daily_orders\n", "")
    with pytest.raises(LeafRollupConfigError, match=r"^bad\$name.sql:2: target \(the file name"):
        parse_rollup(text, name="bad$name", source="bad$name.sql")
    assert (
        parse_rollup(DAILY.replace("x", "x"), name="x" * 253, source="ok.sql").target
        == "customer_daily_orders"
    )


def test_targets_are_unique_across_the_folder(
    rollup_file: Callable[[str, str], Path], tmp_path: Path
) -> None:
    first = rollup_file("a", DAILY)
    second = rollup_file("b", "-- another rollup, same target\n" + DAILY)
    with pytest.raises(LeafRollupConfigError) as caught:
        load_rollup_folder(tmp_path)
    assert str(caught.value).startswith(
        f"{second}:4: target 'customer_daily_orders' is also written by {first}:3"
    )
