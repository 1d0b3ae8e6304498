"""Debian's Chromium for the guides crawler: found on PATH, started headless, stopped cleanly.

Started with background networking, component updates, sync and first-run off (the network
here is closed), `--no-sandbox` only as root; crawl4ai drives it over CDP. The browser dies
with the process that started it (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_HELP = (
    "Chromium was not found (looked for {names} on PATH{configured}): install Debian's "
    "`chromium` package (`apt-get install chromium`) or set the crawler's chromium_path"
)


class ChromiumMissing(RuntimeError):
    """No Chromium executable found (the message names the package to install)."""


def find_chromium(configured: str = "") -> str:
    """The Chromium executable, or `ChromiumMissing` naming the package to install."""
    if configured:
        path = shutil.which(configured) or (configured if os.access(configured, os.X_OK) else None)
        if path:
            return path
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    raise ChromiumMissing(
        CHROMIUM_HELP.format(
            names=", ".join(CHROMIUM_CANDIDATES),
            configured=f" and {configured!r}" if configured else "",
        )
    )


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Chromium gets SIGKILL when the crawling process dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def chromium_args(executable: str, profile: Path, user_agent: str) -> list[str]:
    args = [
        executable,
        "--headless=new",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile}",
        f"--user-agent={user_agent}",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--mute-audio",
        "--metrics-recording-only",
        "--password-store=basic",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    args.append("about:blank")
    return args


@contextlib.asynccontextmanager
async def chromium_browser(
    executable: str, work_dir: Path, user_agent: str, timeout: float = 30.0
) -> AsyncIterator[str]:
    """Start headless Chromium; yield its CDP WebSocket URL; stop it and remove its profile."""
    work_dir.mkdir(parents=True, exist_ok=True)
    # Profiles left by a crawl that was killed (crawls never run side by side: DB pool).
    for stale in work_dir.glob("chromium-profile-*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                stale.unlink()
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=work_dir))
    log_path = profile.parent / f"{profile.name}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen(
        chromium_args(executable, profile, user_agent),
        stdout=subprocess.DEVNULL,
        stderr=log,
        stdin=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while True:
            if port_file.exists():
                lines = port_file.read_text().split()
                if len(lines) >= 2:
                    break
            if process.poll() is not None:
                tail = log_path.read_bytes()[-600:].decode("utf-8", "replace")
                raise RuntimeError(
                    f"Chromium exited at start (code {process.returncode}): {tail.strip()}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"Chromium did not open its DevTools port within {timeout}s")
            await asyncio.sleep(0.05)
        yield f"ws://127.0.0.1:{lines[0]}{lines[1]}"
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                await asyncio.to_thread(process.wait, 5)
            except subprocess.TimeoutExpired:
                process.kill()
                await asyncio.to_thread(process.wait, 5)
        log.close()
        shutil.rmtree(profile, ignore_errors=True)
        with contextlib.suppress(OSError):
            log_path.unlink()
