"""A new user's first run: the run command's launcher with default settings and no network,
then "Materialize all" (every asset, every partition, one backfill through the webserver's
GraphQL, as the UI's button launches it) ends green, every unconfigured optional service says in
its asset's metadata which setting turns it on, and the sample library's gaps appear.

"No network": the internet services' URLs point at a closed port on 127.0.0.1 (this is what a
machine without a connection sees: refused connections); every other setting is its default
(qBittorrent at its default URL, nothing listening there).
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from library_pipeline_tests.imports.harness import start_process, stop_process
from library_pipeline_tests.support.postgres import free_port

ROOT = Path(__file__).resolve().parent.parent
DEAD = "http://127.0.0.1:9"
GENRES = "mam_top10_genre"
LAUNCH = """
mutation Launch($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message stack }
    ... on InvalidSubsetError { message }
    ... on PartitionSetNotFoundError { message }
    ... on UnauthorizedError { message }
  }
}
"""
ASSETS = "{ assetNodes { assetKey { path } } }"


@dataclass
class FirstRun:
    url: str
    home: Path
    data: Path
    log: Path

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer: dict[str, Any] = json.loads(response.read())
        assert "errors" not in answer, answer
        return answer["data"]

    def instance(self) -> Any:
        from dagster import DagsterInstance

        return DagsterInstance.from_config(str(self.home))


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIBRARY_PIPELINE_")}
    env.update(
        {
            "DAGSTER_HOME": str(tmp / "dagster_home"),
            "PYTHONUNBUFFERED": "1",
            "LIBRARY_PIPELINE_DATA_DIR": str(tmp / "data"),
            # no network: the internet's services refuse connections
            "LIBRARY_PIPELINE_GOOGLE_BOOKS_URL": DEAD,
            "LIBRARY_PIPELINE_OPEN_LIBRARY_URL": DEAD,
            "LIBRARY_PIPELINE_HARDCOVER_URL": DEAD,
            "LIBRARY_PIPELINE_AUDNEXUS_URL": DEAD,
            "LIBRARY_PIPELINE_MAM_URL": DEAD,
        }
    )
    return env


def _wait(what: str, ready: Any, process: Any, log: Path, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-4000:]
            raise AssertionError(f"dagster exited early:\n{tail}")
        try:
            value = ready()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what}: not after {timeout}s\n{log.read_text(errors='replace')[-4000:]}")


@contextmanager
def first_run(tmp: Path) -> Iterator[FirstRun]:
    """The launcher (what `scripts/run` execs after set-up) on a fresh DAGSTER_HOME and data dir."""
    port = free_port()
    log = tmp / "dagster.log"
    run = FirstRun(f"http://127.0.0.1:{port}", tmp / "dagster_home", tmp / "data", log)
    args = [sys.executable, "-m", "library_pipeline.launcher", "--port", str(port)]
    process = start_process(args, _env(tmp), log, ROOT)
    try:
        _wait("the web UI", lambda: urllib.request.urlopen(f"{run.url}/server_info", timeout=2),
              process, log, 120)  # fmt: skip
        _wait("the daemon", lambda: "SensorDaemon" in log.read_text(errors="replace"),
              process, log, 120)  # fmt: skip
        yield run
    finally:
        stop_process(process)


def _materialize_all(run: FirstRun) -> str:
    keys = [n["assetKey"] for n in run.graphql(ASSETS)["assetNodes"]]
    params = {"assetSelection": keys, "allPartitions": True, "title": "Materialize all"}
    answer = run.graphql(LAUNCH, {"params": params})["launchPartitionBackfill"]
    assert answer["__typename"] == "LaunchBackfillSuccess", answer
    return str(answer["backfillId"])


def _latest_metadata(instance: Any, key: str) -> dict[str, Any]:
    from dagster import AssetKey

    records = instance.fetch_materializations(AssetKey(key), limit=1).records
    assert records, f"{key} was not materialized"
    materialization = records[0].event_log_entry.asset_materialization
    return {k: v.value for k, v in materialization.metadata.items()}


# Each optional service nobody configured: the asset that would use it, and the variable its
# `skipped` metadata must name.
SKIPPED = {
    "mam_genres": "LIBRARY_PIPELINE_MAM_ID",
    "top10_lists": "LIBRARY_PIPELINE_MAM_ID",
    "top10_wanted_books": "LIBRARY_PIPELINE_MAM_TOP10_QUEUE_GENRES",
    "mam_guides": "LIBRARY_PIPELINE_MAM_BROWSER_MAM_ID",
    "download_requests": "LIBRARY_PIPELINE_PROWLARR_URL",
    "imported_books": "LIBRARY_PIPELINE_QBITTORRENT_URL",
    "enriched_metadata": "LIBRARY_PIPELINE_HARDCOVER_TOKEN",
    "library_books": "LIBRARY_PIPELINE_ABS_URL",
}
# The sample library's gaps, from its offline sample catalogue.
SAMPLE_GAPS = {"Morning Star", "The Well of Ascension", "Artemis"}


def _check(instance: Any, asset: str, name: str) -> Any:
    from dagster import AssetCheckKey, AssetKey

    key = AssetCheckKey(AssetKey(asset), name)
    (record,) = instance.event_log_storage.get_asset_check_execution_history(key, limit=1)
    return record.event.dagster_event.event_specific_data


def _missing_titles(data: Path) -> set[str]:
    from sqlalchemy import select

    from library_pipeline.storage.engine import make_engine, session_scope
    from library_pipeline.storage.models import MissingBookRow

    engine = make_engine(f"duckdb:///{data / 'library.duckdb'}")
    try:
        with session_scope(engine) as session:
            return set(session.scalars(select(MissingBookRow.title)))
    finally:
        engine.dispose()


@pytest.mark.slow
def test_materialize_all_on_a_fresh_install_is_green_and_says_what_was_skipped(
    tmp_path: Path,
) -> None:
    from dagster import DagsterRunStatus, RunsFilter
    from dagster._core.execution.backfill import BULK_ACTION_TERMINAL_STATUSES, BulkActionStatus

    started = time.monotonic()
    with first_run(tmp_path) as run:
        instance = run.instance()
        try:
            # The genre partitions exist before anyone has materialised anything.
            genres = _wait("genre partitions", lambda: instance.get_dynamic_partitions(GENRES),
                           _Alive(), run.log, 60)  # fmt: skip
            assert "Fantasy" in genres
            ready = time.monotonic() - started
            launched = time.time()
            backfill_id = _materialize_all(run)

            def done() -> Any:
                backfill = instance.get_backfill(backfill_id)
                return backfill if backfill.status in BULK_ACTION_TERMINAL_STATUSES else None

            backfill = _wait("the backfill", done, _Alive(), run.log, 240)
            elapsed = time.monotonic() - started
            runs = instance.get_runs(filters=RunsFilter(tags={"dagster/backfill": backfill_id}))
            failed = [r.run_id for r in runs if r.status != DagsterRunStatus.SUCCESS]
            assert backfill.status == BulkActionStatus.COMPLETED_SUCCESS, (
                backfill.status,
                failed,
                run.log.read_text(errors="replace")[-6000:],
            )
            assert runs
            assert not failed
            records = [instance.get_run_record_by_id(r.run_id) for r in runs]
            green = max(r.end_time for r in records if r.end_time) - launched
            metadata = {key: _latest_metadata(instance, key) for key in SKIPPED}
            series_gaps = _latest_metadata(instance, "series_gaps")
            enrichment_check = _check(instance, "enriched_metadata", "metadata_providers_healthy")
        finally:
            instance.dispose()
    print(
        f"\nfirst run: UI up with partitions after {ready:.0f} s; 'Materialize all': its "
        f"{len(runs)} runs done after {green:.0f} s, the backfill marked done after "
        f"{elapsed - ready:.0f} s"
    )
    for asset, variable in SKIPPED.items():
        assert variable in str(metadata[asset].get("skipped")), (asset, metadata[asset])
    # Offline, the providers fail: the enrichment says so, naming them, in its check.
    assert not enrichment_check.passed
    assert "open_library" in (enrichment_check.description or "")
    # The sample gaps appear, explained.
    missing = _missing_titles(run.data)
    assert missing >= SAMPLE_GAPS, missing
    assert "Morning Star" in str(series_gaps["top_gaps"]) or "Morning Star" in str(
        series_gaps["gap_sources"]
    )
    assert "owned #1-2, #4" in str(series_gaps["gap_sources"])


class _Alive:
    """A stand-in process for `_wait` when the launcher is checked elsewhere."""

    def poll(self) -> None:
        return None
