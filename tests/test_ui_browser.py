"""The Dagster UI on the example, driven in a real browser: headless Chromium (Debian's ``chromium``
and ``chromium-driver``) through Selenium, against ``dagster dev -w workspace.yaml``.

Skipped only when no browser is installed (``.ci/run`` installs it). Screenshots of every page
visited land in the test's tmp directory, for when an assertion fails.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from pymongo.database import Database

from leaf_dagster.connection import Document
from pipelines import datagen
from tests.dagster_home import dagster_env
from tests.test_ui_backfill import INSTANCE_YAML, DagsterDev, dagster_dev, step_processes

try:
    from selenium.webdriver.common.keys import Keys
except ImportError:  # the dev extra is not installed: the test is skipped below
    Keys = None

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER and Keys), reason="no browser: apt-get install chromium chromium-driver"
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1600,1000",
)
WAIT_S = 90
RUN_TIMEOUT_S = 240
RUNS = """
query { runsOrError { ... on Runs { results { runId status jobName tags { key value } } } } }
"""
CHECK_EXECUTIONS = """
query($key: AssetKeyInput!) {
  assetCheckExecutions(assetKey: $key, checkName: "schema_compliance", limit: 50) {
    status partition
  }
}
"""


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()


class Page:
    def __init__(self, driver: Any, server: DagsterDev, shots: Path) -> None:
        self.driver, self.server, self.shots, self.n = driver, server, shots, 0

    def open(self, path: str) -> None:
        self.driver.get(self.server.url + path)

    def shot(self, name: str) -> None:
        self.n += 1
        self.driver.save_screenshot(str(self.shots / f"{self.n:02d}-{name}.png"))

    def text(self) -> str:
        return str(self.driver.find_element("tag name", "body").text)

    def wait_for(self, what: str, ok: Callable[[], bool], timeout: float = WAIT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if ok():
                    return
            except Exception:  # the page is still rendering
                pass
            time.sleep(0.5)
        self.shot(f"timeout-{what}")
        raise AssertionError(f"{what}: not shown within {timeout:.0f}s; page text:\n{self.text()[:3000]}")

    def wait_text(self, *needles: str, timeout: float = WAIT_S) -> None:
        self.wait_for(f"text {needles}", lambda: all(n in self.text() for n in needles), timeout)

    def skip_welcome(self) -> None:
        """The first visit shows a "Join the Dagster community" dialog; skip it."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                for button in self.driver.find_elements("tag name", "button"):
                    if button.is_displayed() and button.text.strip() == "Skip":
                        button.click()
                        return
            except Exception:  # re-rendered under us: look again
                pass
            time.sleep(0.5)

    def click_button(self, label: str) -> None:
        def find() -> Any:
            try:
                for button in self.driver.find_elements("tag name", "button"):
                    if button.is_displayed() and button.text.strip() == label:
                        return button
            except Exception:  # re-rendered under us: look again
                return None
            return None

        self.wait_for(f"button {label!r}", lambda: find() is not None)
        self.wait_for(f"click {label!r}", lambda: find().click() is None)


def _runs(server: DagsterDev) -> list[dict[str, Any]]:
    return list(server.graphql(RUNS)["runsOrError"]["results"])


def _wait_runs(
    server: DagsterDev, select: Callable[[dict[str, Any]], bool], count: int
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    runs: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        server.check_alive()
        runs = [r for r in _runs(server) if select(r)]
        if len(runs) >= count and all(r["status"] in ("SUCCESS", "FAILURE", "CANCELED") for r in runs):
            return runs
        time.sleep(2)
    raise AssertionError(f"runs not finished in {RUN_TIMEOUT_S}s: {runs}")


def test_the_ui_in_a_real_browser(
    browser: Any, db: Database[Document], mongo_uri: str, tmp_path: Path
) -> None:
    # the live sample, as make ui shows it: its last days within the dialog's default "last 90 days"
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - dt.timedelta(days=3)
    datagen.seed(
        db, datagen.SampleSize(users=6, days=3, events_per_user_day=6, products=4, dirty=True, start=start)
    )
    home, env = dagster_env(tmp_path, INSTANCE_YAML, mongo_uri, db.name)
    env.pop(datagen.ENV_START, None)  # partitions start where the live sample does
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with dagster_dev(env, home) as server:
        page = Page(browser, server, shots)

        # lineage: the rollups downstream of their sources
        page.open("/assets/activity_events?view=lineage&lineageScope=downstream")
        page.skip_welcome()
        page.wait_text("activity_events", "user_activity_buckets", "Never observed")
        page.shot("lineage-downstream")
        page.open("/assets/user_engagement?view=lineage&lineageScope=upstream")
        page.wait_text("users", "user_activity_buckets", "user_engagement")
        page.shot("lineage-upstream")

        # a rollup's page: its SQL and its column schema
        page.open("/assets/customer_daily_orders")
        page.wait_text("SELECT", "FROM orders", "customerId", "total_spent", "objectid", "bigint")
        page.shot("rollup-overview")

        # Materialize, clicked, on an unpartitioned rollup
        page.open("/assets/product_review_summary")
        page.click_button("Materialize")
        page.shot("materialize-clicked")
        [run] = _wait_runs(server, lambda r: True, 1)  # the instance's first run
        assert run["status"] == "SUCCESS", run
        assert db.products.count_documents({"reviews.summary.count": {"$gt": 0}}) == 4

        # a 2-partition backfill, launched from the partition dialog: two hours of buckets, one
        # ranged run (the rollup's backfill policy), with the hour of the seeded bad event
        bad = db.activity_events.find_one({"eventType": "scroll"}, sort=[("timestamp", 1)])
        assert bad is not None
        first = bad["timestamp"].replace(minute=0, second=0, microsecond=0)
        hours = [(first + dt.timedelta(hours=h)).strftime("%Y-%m-%d-%H:%M") for h in range(2)]
        page.open("/assets/user_activity_buckets")
        page.click_button("Materialize…")
        page.wait_text("Launch")
        page.shot("backfill-dialog")
        field = _partition_field(browser)
        field.click()
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(f"[{hours[0]}...{hours[1]}]", Keys.ENTER)
        page.wait_text("2 partitions")
        page.shot("backfill-range")
        page.click_button("Launch backfill")
        runs = _wait_runs(server, lambda r: any(t["key"] == "dagster/backfill" for t in r["tags"]), 1)
        assert [r["status"] for r in runs] == ["SUCCESS"], runs
        assert {m.partition_key for m in _materializations(home, "user_activity_buckets")} == set(hours)
        # the rollup and both its checks ran in the run's one process: no process start per step
        steps = step_processes(home, runs[0]["runId"])
        assert set(steps) == {
            "user_activity_buckets",
            "user_activity_buckets_schema_compliance",
            "user_activity_buckets_data_quality",
        }, steps
        assert len(set(steps.values())) == 1, steps

        # the Checks tab: each partition passed or failed, none "Skipped"
        executions = server.graphql(CHECK_EXECUTIONS, {"key": {"path": ["user_activity_buckets"]}})
        status = {e["partition"]: e["status"] for e in executions["assetCheckExecutions"]}
        assert status == {hours[0]: "FAILED", hours[1]: "SUCCEEDED"}, status
        page.open("/assets/user_activity_buckets?view=checks")
        page.wait_text("schema_compliance", "data_quality")
        page.shot("checks")
        assert "Skipped" not in page.text()
        page.driver.find_element("xpath", "//*[text()='schema_compliance']").click()
        page.wait_text("Partition")
        page.shot("check-detail")
        assert hours[0] in page.text() and "Skipped" not in page.text()


def _partition_field(browser: Any) -> Any:
    """The dialog's partition-selection text field."""
    for element in browser.find_elements("css selector", "[role=dialog] input, .bp5-dialog input, input"):
        kind = element.get_attribute("type") or "text"
        if (
            element.is_displayed()
            and kind == "text"
            and "filter" not in (element.get_attribute("placeholder") or "").lower()
        ):
            return element
    raise AssertionError("no partition selection field in the dialog")


def _materializations(home: Path, asset: str) -> list[Any]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return list(instance.fetch_materializations(dg.AssetKey(asset), limit=10).records)
