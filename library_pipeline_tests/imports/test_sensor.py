"""The completion sensor: its tick planning (pure) and real ticks against qbittorrent-nox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from library_pipeline.clients.qbittorrent import QbtTorrent
from library_pipeline.defs.downloads.resources import QBittorrentResource
from library_pipeline.defs.imports import sensors as imports
from library_pipeline.defs.imports.resources import ImportOptionsResource
from library_pipeline.defs.imports.sensors import (
    plan_tick,
    qbittorrent_completion_sensor,
    read_cursor,
    write_cursor,
)
from library_pipeline_tests.support.qbittorrent import (
    QbtServer,
    find_qbittorrent_nox,
    make_torrent,
    qbittorrent_server,
    write_audiobook_files,
)

CATEGORY = "library-pipeline"
OPTIONS = ImportOptionsResource(max_runs_per_tick=10)


def torrent(h: str, completion_on: int = 100, progress: float = 1.0) -> QbtTorrent:
    return QbtTorrent(
        hash=h, name=f"t{h}", state="stalledUP", progress=progress, completion_on=completion_on
    )


def test_plan_tick_new_finished_oldest_first_and_capped() -> None:
    listed = [
        torrent("c", 300),
        torrent("a", 100),
        torrent("b", 200),
        torrent("d", 0, 0.5),  # still downloading
        torrent("e", 0, 1.0),  # progress 1 but never completed (a recheck): not yet
    ]
    new, cursor = plan_tick(listed, set(), max_runs=2)
    assert [t.hash for t in new] == ["a", "b"]
    assert cursor == {"a", "b"}
    new, cursor = plan_tick(listed, cursor, max_runs=2)
    assert [t.hash for t in new] == ["c"]
    assert cursor == {"a", "b", "c"}
    new, cursor = plan_tick(listed, cursor, max_runs=2)
    assert new == []
    assert cursor == {"a", "b", "c"}


def test_plan_tick_prunes_torrents_that_left() -> None:
    new, cursor = plan_tick([torrent("b")], {"a", "b"}, max_runs=10)
    assert new == []
    assert cursor == {"b"}


def test_cursor_round_trip_and_garbage() -> None:
    assert read_cursor(write_cursor({"AB", "cd"})) == {"ab", "cd"}
    assert json.loads(write_cursor({"x"}))["launched"] == ["x"]
    for bad in (None, "", "not json", "[1,2]", '{"launched": [1, null]}'):
        assert read_cursor(bad) == set()


def test_run_request_carries_the_infohash() -> None:
    request = imports.import_run_request(torrent("ABCDEF"))
    assert request.run_key == "abcdef"
    assert request.run_config == {"ops": {"imported_books": {"config": {"infohashes": ["abcdef"]}}}}
    assert request.tags[imports.INFOHASH_TAG] == "abcdef"


def test_sensor_is_running_by_default_with_the_settings_interval() -> None:
    from library_pipeline.settings import get_settings

    sensor = qbittorrent_completion_sensor
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    interval = get_settings().import_sensor_interval_seconds
    assert sensor.minimum_interval_seconds == imports.sensor_min_interval(interval)
    assert sensor.job_name == imports.IMPORT_JOB


def test_min_interval_leaves_slack_for_the_daemon_loop() -> None:
    # The daemon wakes every 5 s; a tick 5 s ago must count as due, and a shorter interval
    # must not be shortened further than the loop can honour anyway.
    assert imports.sensor_min_interval(5) == 4
    assert imports.sensor_min_interval(30) == 29
    assert imports.sensor_min_interval(1) == 1


def test_sensor_skips_when_qbittorrent_is_down() -> None:
    resource = QBittorrentResource(url="http://127.0.0.1:9", password="x", category=CATEGORY)
    with dg.build_sensor_context(
        resources={"qbittorrent": resource, "import_options": OPTIONS}
    ) as context:
        result = qbittorrent_completion_sensor(context)
    assert isinstance(result, dg.SkipReason)
    assert "not reachable at http://127.0.0.1:9" in result.skip_message
    assert "next tick" in result.skip_message


@pytest.fixture(scope="module")
def qbt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QbtServer]:
    if find_qbittorrent_nox() is None:
        pytest.skip("apt-get install qbittorrent-nox")
    with qbittorrent_server(tmp_path_factory.mktemp("qbt-sensor")) as server:
        yield server


def add(qbt: QbtServer, name: str, category: str, complete: bool = True) -> str:
    content = write_audiobook_files(qbt.save_dir, name, {"01.mp3": 40_000})
    made = make_torrent(content)
    save = qbt.save_dir if complete else qbt.save_dir / "elsewhere"  # no data there: stays at 0
    qbt.api().torrents_add(torrent_files=made.data, save_path=str(save), category=category)
    if complete:
        qbt.wait_for(made.infohash, lambda t: t["progress"] == 1 and t["completion_on"] > 0)
    else:
        qbt.wait_for(made.infohash)
    return made.infohash


@pytest.mark.slow
def test_sensor_ticks_against_real_qbittorrent(qbt: QbtServer, tmp_path: Path) -> None:
    qbt.reset()
    imports._clients.clear()
    finished = add(qbt, "Author - Finished", CATEGORY)
    add(qbt, "Author - Other Category", "movies")
    add(qbt, "Author - Incomplete", CATEGORY, complete=False)
    resource = QBittorrentResource(
        url=qbt.url, username=qbt.username, password=qbt.password, category=CATEGORY
    )
    with dg.build_sensor_context(
        resources={"qbittorrent": resource, "import_options": OPTIONS}
    ) as context:
        result = qbittorrent_completion_sensor(context)
    assert isinstance(result, dg.SensorResult)
    assert [r.run_key for r in result.run_requests] == [finished]
    assert read_cursor(result.cursor) == {finished}
    client = next(iter(imports._clients.values()))
    calls = client.stats.network_requests

    # next tick, with the cursor: nothing new, and exactly one API call
    with dg.build_sensor_context(
        resources={"qbittorrent": resource, "import_options": OPTIONS}, cursor=result.cursor
    ) as context:
        again = qbittorrent_completion_sensor(context)
    assert isinstance(again, dg.SkipReason)
    assert "1 finished torrent(s)" in again.skip_message
    assert "none new" in again.skip_message
    assert client.stats.network_requests == calls + 1

    # a second torrent finishes: only it is launched
    second = add(qbt, "Author - Second", CATEGORY)
    with dg.build_sensor_context(
        resources={"qbittorrent": resource, "import_options": OPTIONS}, cursor=result.cursor
    ) as context:
        third = qbittorrent_completion_sensor(context)
    assert [r.run_key for r in third.run_requests] == [second]
    assert read_cursor(third.cursor) == {finished, second}
