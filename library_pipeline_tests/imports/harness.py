"""A real Dagster deployment of the project for end-to-end tests and the import benchmark.

    with import_stack(tmp_path, interval=5) as stack:     # qbittorrent-nox, stub ABS, dagster dev
        infohash = stack.add_finished_book("Brandon Sanderson", "The Final Empire", ...)
        run = stack.wait_for_import_run(infohash)
        stack.webserver_url                               # the UI (when webserver=True)

Pieces, all real except the internet services:
- qbittorrent-nox (the downloads part's fixture), its save dir on the same file system as the
  library (so the import hardlinks);
- the stub Audiobookshelf (the library part's stub) recording scan requests;
- `dagster dev` (webserver + daemon + code server) or `dagster-daemon run`, on the project's
  definitions, with a temp DAGSTER_HOME whose dagster.yaml the project writes
  (`defs.instance.write_dagster_yaml`: telemetry off, `library_db` pool limit 1, queued runs);
  the environment sets every `LIBRARY_PIPELINE_*` setting (temp DuckDB, qBittorrent, ABS,
  library roots) and points the metadata providers at a dead port (127.0.0.1:9), so enrichment
  fails fast and the import still completes.
Processes start in their own session with SIGINT at its default, and are stopped by PID:
SIGTERM to the process group, SIGKILL after a grace period.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from library_pipeline_tests.support.qbittorrent import (
    QbtServer,
    free_port,
    make_torrent,
    qbittorrent_server,
)
from library_pipeline_tests.support.stubs.audiobookshelf import AudiobookshelfStub

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
DEAD = "http://127.0.0.1:9"
CATEGORY = "library-pipeline"
INFOHASH_TAG = "library_pipeline/infohash"


def _sigint_default() -> None:
    # A shell that started us in the background may have set SIGINT to "ignore", and ignored
    # signals are inherited across exec: dagster dev's children would then never stop on it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def start_process(args: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen:
    out = log.open("ab")
    try:
        return subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_sigint_default,
        )
    finally:
        out.close()


def stop_process(process: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left of it."""
    if process.poll() is None:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # children that outlived the leader


@dataclass
class ImportStack:
    tmp: Path
    qbt: QbtServer
    abs_stub: AudiobookshelfStub
    library: Path
    dagster_home: Path
    database_url: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None
    webserver_url: str | None = None
    added: dict[str, float] = field(default_factory=dict)  # infohash -> wall time completed

    # --- arranging -----------------------------------------------------------------------------

    def add_finished_book(
        self,
        author: str,
        title: str,
        *,
        series: str | None = None,
        position: str | None = None,
        files: int = 2,
        with_rows: bool = True,
        before_add: Callable[[int], None] | None = None,
    ) -> str:
        """Real tagged audio in qBittorrent's save dir, the rows the downloads part writes, and
        the torrent added in the pipeline's category; returns once qBittorrent says finished.
        `before_add(missing book id)` runs between the rows and the torrent (e.g. a decision
        taken while the book downloads)."""
        from library_pipeline_tests.support.audio import make_book

        name = f"{author} - {title}"
        folder = self.qbt.save_dir / name
        make_book(folder, "mp3", title=title, author=author, series=series, position=position,
                  files=files)  # fmt: skip
        (folder / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 cover")
        (folder / "Visit our site.url").write_bytes(b"[InternetShortcut]")
        torrent = make_torrent(folder)
        tags = ["library-pipeline"]
        if with_rows:
            missing_id = self._insert_rows(author, title, series, position, torrent.infohash, name)
            tags.append(f"lp-missing-{missing_id}")
            if before_add is not None:
                before_add(missing_id)
        self.qbt.api().torrents_add(
            torrent_files=torrent.data,
            save_path=str(self.qbt.save_dir),
            category=CATEGORY,
            tags=",".join(tags),
        )
        self.qbt.wait_for(torrent.infohash, lambda t: t["progress"] == 1 and t["completion_on"] > 0)
        self.added[torrent.infohash] = time.time()
        return torrent.infohash

    def _insert_rows(
        self, author: str, title: str, series: str | None, position: str | None, h: str, name: str
    ) -> int:
        from library_pipeline.storage.engine import make_engine, session_scope
        from library_pipeline.storage.models import Download, MissingBookRow

        engine = make_engine(self.database_url)
        try:
            with session_scope(engine) as session:
                missing = MissingBookRow(
                    match_key=f"{author}|{title}".lower(),
                    title=title,
                    authors=[author],
                    series=series,
                    series_position=position,
                    discovery_source="series_gaps" if series else "author_gaps",
                    status="queued",
                )
                session.add(missing)
                session.flush()
                session.add(
                    Download(
                        missing_book_id=missing.id,
                        release_title=name,
                        source="prowlarr",
                        infohash=h,
                        status="queued",
                    )
                )
                session.flush()
                return missing.id
        finally:
            engine.dispose()

    # --- observing -------------------------------------------------------------------------------

    def instance(self):  # -> DagsterInstance
        from dagster import DagsterInstance

        return DagsterInstance.from_config(str(self.dagster_home))

    def wait_for_import_run(self, infohash: str, timeout: float = 120.0) -> Any:
        """The finished import run launched for `infohash` (its DagsterRun)."""
        from dagster import DagsterRunStatus, RunsFilter

        instance = self.instance()
        deadline = time.monotonic() + timeout
        last = None
        try:
            while time.monotonic() < deadline:
                self.check_alive()
                runs = instance.get_runs(filters=RunsFilter(tags={INFOHASH_TAG: infohash}))
                if runs:
                    last = runs[0]
                    if last.status in (
                        DagsterRunStatus.SUCCESS,
                        DagsterRunStatus.FAILURE,
                        DagsterRunStatus.CANCELED,
                    ):
                        return last
                time.sleep(0.2)
        finally:
            instance.dispose()
        raise TimeoutError(
            f"no finished import run for {infohash} after {timeout}s (last: "
            f"{last.status if last else 'none'})\n{self.log_tail()}"
        )

    def run_metadata(self, run_id: str) -> dict[str, Any]:
        """The `imported_books` materialization metadata of a run, as plain values."""
        from dagster import AssetKey

        instance = self.instance()
        try:
            records = instance.fetch_materializations(AssetKey("imported_books"), limit=50)
            for record in records.records:
                if record.event_log_entry.run_id == run_id:
                    materialization = record.event_log_entry.asset_materialization
                    return {k: v.value for k, v in materialization.metadata.items()}
        finally:
            instance.dispose()
        return {}

    def scan_wall_times(self) -> list[float]:
        """Wall-clock times of the scan requests the stub Audiobookshelf received."""
        offset = time.time() - time.monotonic()
        return [r.time + offset for r in self.abs_stub.requests if r.path.endswith("/scan")]

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"dagster exited with {self.process.returncode}\n{self.log_tail()}")

    def log_tail(self, chars: int = 6000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def stack_env(stack_tmp: Path, qbt: QbtServer, abs_url: str, library: Path, interval: int):
    database_url = f"duckdb:///{stack_tmp / 'data' / 'library.duckdb'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIBRARY_PIPELINE_")}
    env.update(
        {
            "DAGSTER_HOME": str(stack_tmp / "dagster_home"),
            "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
            "LIBRARY_PIPELINE_DATA_DIR": str(stack_tmp / "data"),
            "LIBRARY_PIPELINE_DATABASE_URL": database_url,
            "LIBRARY_PIPELINE_LIBRARY_ROOTS": str(library),
            "LIBRARY_PIPELINE_IMPORT_ROOT": str(library),
            "LIBRARY_PIPELINE_QBITTORRENT_URL": qbt.url,
            "LIBRARY_PIPELINE_QBITTORRENT_USERNAME": qbt.username,
            "LIBRARY_PIPELINE_QBITTORRENT_PASSWORD": qbt.password,
            "LIBRARY_PIPELINE_QBITTORRENT_CATEGORY": CATEGORY,
            "LIBRARY_PIPELINE_ABS_URL": abs_url,
            "LIBRARY_PIPELINE_ABS_API_KEY": AudiobookshelfStub.API_KEY,
            "LIBRARY_PIPELINE_IMPORT_SENSOR_INTERVAL_SECONDS": str(interval),
            # nothing scheduled may fire during a test
            "LIBRARY_PIPELINE_IMPORT_CATCHUP_CRON": "0 0 1 1 *",
            "LIBRARY_PIPELINE_DAILY_REFRESH_CRON": "0 0 1 1 *",
            "LIBRARY_PIPELINE_MAM_TOP10_CRON": "0 0 1 1 *",
            # the internet is a dead port: enrichment fails fast, the import completes
            "LIBRARY_PIPELINE_GOOGLE_BOOKS_URL": DEAD,
            "LIBRARY_PIPELINE_OPEN_LIBRARY_URL": DEAD,
            "LIBRARY_PIPELINE_HARDCOVER_URL": DEAD,
            "LIBRARY_PIPELINE_AUDNEXUS_URL": DEAD,
            "LIBRARY_PIPELINE_MAM_URL": DEAD,
            "LIBRARY_PIPELINE_PROWLARR_URL": "",
            "LIBRARY_PIPELINE_TORZNAB_URL": "",
        }
    )
    return env, database_url


def _write_instance(home: Path, env: dict[str, str], dequeue_interval: int | None) -> None:
    """The project's own dagster.yaml writer, run with the stack's settings; plus `nux` off
    (the UI's first-visit "join the community" dialog would cover the screenshot) and,
    optionally, a shorter run-queue interval (benchmark comparison)."""
    subprocess.run(
        [sys.executable, "-m", "library_pipeline.defs.instance"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    path = home / "dagster.yaml"
    config = yaml.safe_load(path.read_text())
    config.setdefault("nux", {"enabled": False})
    if dequeue_interval is not None:
        coordinator = config.setdefault("run_coordinator", {})
        coordinator.setdefault("config", {})["dequeue_interval_seconds"] = dequeue_interval
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def _wait_http(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dagster exited early:\n{log.read_text(errors='replace')[-4000:]}")
        with suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise TimeoutError(f"{url} not up after {timeout}s:\n{log.read_text(errors='replace')[-4000:]}")


def _wait_log(
    needle: str, process: subprocess.Popen, log: Path, timeout: float, times: int = 1
) -> None:
    """Wait until `needle` is in the log `times` times."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dagster exited early:\n{log.read_text(errors='replace')[-4000:]}")
        if log.exists() and log.read_text(errors="replace").count(needle) >= times:
            return
        time.sleep(0.3)
    raise TimeoutError(f"{needle!r} not {times} time(s) in the log after {timeout}s")


@contextmanager
def import_stack(
    tmp: Path,
    *,
    interval: int = 5,
    webserver: bool = True,
    start_timeout: float = 90.0,
    dequeue_interval: int | None = None,
) -> Iterator[ImportStack]:
    """qbittorrent-nox + stub ABS + `dagster dev` (or the daemon alone) on the project."""
    tmp = Path(tmp)
    library = tmp / "library"
    library.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        qbt = stack.enter_context(qbittorrent_server(tmp / "qbt", save_dir=tmp / "downloads"))
        abs_stub = stack.enter_context(AudiobookshelfStub())
        env, database_url = stack_env(tmp, qbt, abs_stub.url, library, interval)
        home = Path(env["DAGSTER_HOME"])
        _write_instance(home, env, dequeue_interval)
        from library_pipeline.storage.engine import migrate

        migrate(database_url)  # the rows a test arranges need the schema before any run
        log = tmp / "dagster.log"
        result = ImportStack(tmp, qbt, abs_stub, library, home, database_url, env, log)
        workspace = str(ROOT / "workspace.yaml")  # code location "library_pipeline"
        if webserver:
            port = free_port()
            args = ["dagster", "dev", "-w", workspace, "-h", "127.0.0.1", "-p", str(port)]
            result.webserver_url = f"http://127.0.0.1:{port}"
        else:
            args = ["dagster-daemon", "run", "-w", workspace]
        args[0] = str(VENV_BIN / args[0])
        process = start_process(args, env, log, ROOT)
        result.process = process
        stack.callback(stop_process, process)
        if webserver:
            _wait_http(f"{result.webserver_url}/server_info", process, log, start_timeout)
        _wait_log("SensorDaemon", process, log, start_timeout)
        yield result


def measure_import_latency(
    work: Path, *, interval: int = 5, runs: int = 3, dequeue_interval: int | None = None
) -> dict[str, Any]:
    """Completion → imported-and-scan-requested latency over `runs` torrents (bench)."""
    from dagster import DagsterEventType

    from library_pipeline.defs.imports.sensors import qbittorrent_completion_sensor

    sensor_name = qbittorrent_completion_sensor.name

    samples = []
    stack_dir = work / f"stack-{dequeue_interval or 'default'}"
    started = time.monotonic()
    with import_stack(
        stack_dir, interval=interval, webserver=False, dequeue_interval=dequeue_interval
    ) as stack:
        # Steady state, as in use: the daemon has loaded the code location and ticked once.
        # Its boot (code server start, first tick) is reported apart, not as import latency.
        assert stack.process is not None
        # The second tick's start means the first (the cold one) has ended.
        _wait_log(f"runs for sensor: {sensor_name}", stack.process, stack.log, 120.0, times=2)
        first_tick_s = round(time.monotonic() - started, 2)
        coordinator = yaml.safe_load((stack.dagster_home / "dagster.yaml").read_text())[
            "run_coordinator"
        ]
        dequeue_s = coordinator.get("config", {}).get("dequeue_interval_seconds", 5)
        for i in range(runs):
            # Completions land at spread phases of the sensor's tick cycle.
            time.sleep(interval * i / max(1, runs))
            infohash = stack.add_finished_book(f"Bench Author {i}", f"Bench Book {i}")
            done_at = stack.added[infohash]
            run = stack.wait_for_import_run(infohash)
            instance = stack.instance()
            try:
                stats = instance.get_run_stats(run.run_id)
                record = instance.get_run_record_by_id(run.run_id)
                step_starts = [
                    e.timestamp
                    for e in instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_START)
                ]
            finally:
                instance.dispose()
            scans = [t for t in stack.scan_wall_times() if t >= done_at]
            samples.append(
                {
                    "status": str(run.status.value),
                    "completion_to_run_created_s": round(
                        record.create_timestamp.timestamp() - done_at, 2
                    ),
                    "completion_to_run_launched_s": round((stats.launch_time or 0) - done_at, 2),
                    "completion_to_step_start_s": (
                        round(step_starts[0] - done_at, 2) if step_starts else None
                    ),
                    "completion_to_scan_requested_s": round(scans[0] - done_at, 2)
                    if scans
                    else None,
                    "completion_to_run_end_s": round((stats.end_time or 0) - done_at, 2),
                    "run_duration_s": round((stats.end_time or 0) - (stats.start_time or 0), 2),
                }
            )
    latencies = [
        s["completion_to_scan_requested_s"] for s in samples if s["completion_to_scan_requested_s"]
    ]
    return {
        "run_queue_dequeue_interval_s": dequeue_s,  # as the stack's dagster.yaml says
        "sensor_interval_s": interval,
        "goal_s": interval + 5,
        # qbittorrent-nox, the stub, the schema, the daemon and its first (cold) tick
        "stack_start_to_second_tick_s": first_tick_s,
        "samples": samples,
        "max_completion_to_scan_s": max(latencies) if latencies else None,
        "mean_completion_to_scan_s": round(sum(latencies) / len(latencies), 2)
        if latencies
        else None,
    }
