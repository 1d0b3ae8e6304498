"""The README's run command starts the web UI, whose GraphQL lists the pipeline's assets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from library_pipeline_tests.support.postgres import free_port

ROOT = Path(__file__).resolve().parent.parent
EXPECTED_ASSETS = {"library_books"}


def _get(url: str, body: dict | None = None, timeout: float = 5.0) -> bytes:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def _wait_for_ui(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"run command exited early with {process.returncode}")
        try:
            _get(f"{url}/server_info", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("the web UI did not answer in time")


@pytest.mark.slow
def test_run_command_serves_ui_listing_assets(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIBRARY_PIPELINE_")}
    env.update(
        DAGSTER_HOME=str(tmp_path / "dagster_home"),
        LIBRARY_PIPELINE_DATA_DIR=str(tmp_path / "data"),
    )
    log = (tmp_path / "run.log").open("wb")
    # A new session: SIGINT is not inherited as ignored, and the group can be checked after.
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "run"), "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_ui(url, process)
        query = "{ assetNodes { assetKey { path } } }"
        answer = json.loads(_get(f"{url}/graphql", {"query": query}, timeout=30))
        keys = {"/".join(n["assetKey"]["path"]) for n in answer["data"]["assetNodes"]}
        assert keys >= EXPECTED_ASSETS, keys
        assert (tmp_path / "dagster_home" / "dagster.yaml").exists()
        assert list((tmp_path / "data" / "sample-library").rglob("*.m4b"))
    finally:
        process.send_signal(signal.SIGTERM)  # stop it by its own PID
        try:
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()
    deadline = time.monotonic() + 30  # children finish their own shutdown
    while True:
        lingering = subprocess.run(
            ["pgrep", "-g", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        if not lingering or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if lingering:
        os.killpg(process.pid, signal.SIGKILL)
    assert not lingering, f"children still running 30 s after SIGTERM: {lingering}"
