"""A real, throwaway qBittorrent for tests: Debian's `qbittorrent-nox`, a temp profile, the WebUI on
127.0.0.1 at a free port, a real PBKDF2 password, and no way to reach the internet (DHT, PeX, LSD,
UPnP/NAT-PMP off; the BitTorrent listener bound to the loopback interface).

    from library_pipeline_tests.support.qbittorrent import (
        audiobook_torrent, make_torrent, qbittorrent_server, write_audiobook_files,
    )

    with qbittorrent_server(tmp_path) as qbt:          # QbtServer
        qbt.url, qbt.username, qbt.password, qbt.save_dir
        content = write_audiobook_files(qbt.save_dir, "Author - Title", {"01.mp3": 300_000})
        torrent = make_torrent(content)                   # TestTorrent(data, infohash, magnet...)
        # or both at once: torrent = audiobook_torrent(qbt.save_dir, "Author - Title")
        client = qbt.api()                                # a logged-in qbittorrentapi.Client
        client.torrents_add(torrent_files=torrent.data, save_path=str(qbt.save_dir))
        qbt.wait_for(torrent.infohash, lambda t: t["progress"] == 1)   # data present: < 1 s

Adding a torrent whose data already sits in its save path completes after the hash check, with
no peers. `reset()` deletes every torrent (not the files) so one server can serve many tests.
The process runs in its own process group and the whole group is killed on exit; on Linux it is
also told to die with the thread that started it (PR_SET_PDEATHSIG), so a killed test run leaves
nothing behind.

Version notes (4.5.2): the legal notice must be pre-accepted in the config; a duplicate add
answers HTTP 200 `Fails.`; bad credentials answer 200 `Fails.` (no IP ban here:
`MaxAuthenticationFailCount=0`); API calls without the SID cookie answer 403 `Forbidden`.
"""

from __future__ import annotations

import base64
import ctypes
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from library_pipeline_tests.support.slow import require_slow_mark

# An address nothing listens on: trackers are never reached, the announce just fails quietly.
DEAD_TRACKER = "http://127.0.0.1:1/announce"


def find_qbittorrent_nox() -> str | None:
    """The qbittorrent-nox binary, or None (tests skip naming `apt-get install qbittorrent-nox`)."""
    return shutil.which("qbittorrent-nox") or (
        "/usr/bin/qbittorrent-nox" if Path("/usr/bin/qbittorrent-nox").exists() else None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pbkdf2_password_value(password: str, salt: bytes | None = None) -> str:
    """The `WebUI\\Password_PBKDF2` config value qBittorrent itself writes for `password`."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 100_000, 64)
    return f"@ByteArray({base64.b64encode(salt).decode()}:{base64.b64encode(digest).decode()})"


@dataclass
class QbtServer:
    """A running qbittorrent-nox. `url` is the WebUI base (no trailing slash)."""

    url: str
    username: str
    password: str
    save_dir: Path
    profile_dir: Path
    port: int
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def api(self, **kwargs: Any):  # -> qbittorrentapi.Client (imported lazily)
        """A logged-in `qbittorrentapi.Client` for arranging and inspecting test state."""
        import qbittorrentapi

        client = qbittorrentapi.Client(
            host=self.url,
            username=self.username,
            password=self.password,
            REQUESTS_ARGS={"timeout": (5, 15)},
            VERIFY_WEBUI_CERTIFICATE=False,
            **kwargs,
        )
        client.auth_log_in()
        return client

    def torrents(self, **filters: Any) -> list[dict[str, Any]]:
        """`torrents/info` as plain dicts (filters as in the API: category, tag, hashes...)."""
        return [dict(t) for t in self.api().torrents_info(**filters)]

    def wait_for(
        self,
        infohash: str,
        condition: Callable[[dict[str, Any]], bool] = lambda t: True,
        timeout: float = 15.0,
    ) -> dict[str, Any]:
        """Poll until the torrent `infohash` exists and `condition(info)` holds; return its info."""
        client = self.api()
        deadline = time.monotonic() + timeout
        last: dict[str, Any] | None = None
        while time.monotonic() < deadline:
            found = client.torrents_info(torrent_hashes=infohash.lower())
            if found:
                last = dict(found[0])
                if condition(last):
                    return last
            time.sleep(0.1)
        state = last["state"] if last else "absent"
        raise TimeoutError(f"torrent {infohash} not ready after {timeout}s (state {state})")

    def reset(self) -> None:
        """Delete every torrent (keeping files) and every category/tag: a clean client again."""
        client = self.api()
        hashes = [t["hash"] for t in client.torrents_info()]
        if hashes:
            client.torrents_delete(delete_files=False, torrent_hashes=hashes)
            deadline = time.monotonic() + 10
            while client.torrents_info() and time.monotonic() < deadline:
                time.sleep(0.05)
        categories = list(client.torrents_categories())
        if categories:
            client.torrents_remove_categories(categories=categories)
        tags = list(client.torrents_tags())
        if tags:
            client.torrents_delete_tags(tags=tags)

    def log_text(self) -> str:
        """qBittorrent's own log (useful in assertion messages)."""
        log = self.profile_dir / "qBittorrent" / "data" / "logs" / "qbittorrent.log"
        return log.read_text(errors="replace") if log.exists() else ""

    def is_running(self) -> bool:
        return self.process.poll() is None


def _config_text(web_port: int, bt_port: int, username: str, password: str, save_dir: Path) -> str:
    save = save_dir.as_posix()
    return "\n".join(
        [
            "[LegalNotice]",
            "Accepted=true",
            "",
            "[BitTorrent]",
            "Session\\DHTEnabled=false",
            "Session\\PeXEnabled=false",
            "Session\\LSDEnabled=false",
            "Session\\Encryption=0",
            "Session\\AnonymousModeEnabled=false",
            f"Session\\Port={bt_port}",
            "Session\\Interface=lo",
            "Session\\InterfaceName=lo",
            "Session\\InterfaceAddress=127.0.0.1",
            f"Session\\DefaultSavePath={save}",
            "Session\\TempPathEnabled=false",
            "Session\\RefreshInterval=100",
            "Session\\QueueingSystemEnabled=false",
            "Session\\AddTorrentPaused=false",
            "Session\\DisableAutoTMMByDefault=true",
            "Session\\AddTrackersEnabled=false",
            "",
            "[Network]",
            "PortForwardingEnabled=false",
            "",
            "[Preferences]",
            "Connection\\UPnP=false",
            f"Connection\\PortRangeMin={bt_port}",
            "General\\Locale=en",
            "Downloads\\SavePath=" + save,
            "WebUI\\Enabled=true",
            "WebUI\\Address=127.0.0.1",
            f"WebUI\\Port={web_port}",
            "WebUI\\UseUPnP=false",
            "WebUI\\LocalHostAuth=true",
            f"WebUI\\Username={username}",
            f'WebUI\\Password_PBKDF2="{pbkdf2_password_value(password)}"',
            "WebUI\\MaxAuthenticationFailCount=0",
            "WebUI\\BanDuration=0",
            "WebUI\\SessionTimeout=3600",
            "WebUI\\CSRFProtection=false",
            "WebUI\\HostHeaderValidation=false",
            "WebUI\\ClickjackingProtection=false",
            "WebUI\\SecureCookie=false",
            "",
        ]
    )


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to SIGKILL the child when the starting thread dies."""
    if not hasattr(os, "sched_getaffinity"):  # not Linux
        return None
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return None

    def preexec() -> None:
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG

    return preexec


def _kill_group(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    # Children that outlived the leader still belong to the group.
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"qbittorrent-nox exited with {process.returncode} during start-up:\n{output}"
            )
        try:
            # Unauthenticated: 403 Forbidden proves the WebUI answers.
            response = httpx.get(f"{url}/api/v2/app/version", timeout=1.0)
            if response.status_code in (200, 403):
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"qbittorrent-nox WebUI not answering on {url} after {timeout}s")


@contextmanager
def qbittorrent_server(
    tmp_dir: Path,
    *,
    username: str = "admin",
    password: str = "correct-horse-battery-staple",
    save_dir: Path | None = None,
    start_timeout: float = 30.0,
) -> Iterator[QbtServer]:
    """Start qbittorrent-nox with a fresh profile under `tmp_dir`; stop it (whole group) after.

    `save_dir` (default `tmp_dir/downloads`) is the default save path; put test data there (or in
    any folder you pass as `save_path` when adding) to get instant completion.
    """
    require_slow_mark("qbittorrent-nox")
    binary = find_qbittorrent_nox()
    if binary is None:
        raise RuntimeError("qbittorrent-nox not found (apt-get install qbittorrent-nox)")
    tmp_dir = Path(tmp_dir)
    profile = tmp_dir / "qbt-profile"
    save = Path(save_dir) if save_dir is not None else tmp_dir / "downloads"
    save.mkdir(parents=True, exist_ok=True)
    config_dir = profile / "qBittorrent" / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    web_port, bt_port = free_port(), free_port()
    (config_dir / "qBittorrent.conf").write_text(
        _config_text(web_port, bt_port, username, password, save), encoding="utf-8"
    )
    stdout_log = profile / "stdout.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QBT_")}
    env["HOME"] = str(profile)  # nothing lands in the real home (XDG dirs hang off HOME)
    env.pop("DISPLAY", None)
    preexec = _die_with_parent() if threading.current_thread() is threading.main_thread() else None
    with stdout_log.open("wb") as out:
        process = subprocess.Popen(
            [binary, f"--profile={profile}", f"--webui-port={web_port}"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # own process group: killed as a whole at teardown
            preexec_fn=preexec,
        )
    url = f"http://127.0.0.1:{web_port}"
    server = QbtServer(url, username, password, save, profile, web_port, process)
    try:
        _wait_ready(url, process, start_timeout, stdout_log)
        yield server
    finally:
        _kill_group(process)


# --- test torrents -------------------------------------------------------------------------


@dataclass(frozen=True)
class TestTorrent:
    """A .torrent made with torf from real files."""

    __test__ = False  # not a pytest test class

    data: bytes  # the bencoded .torrent
    infohash: str  # v1, lower-case hex
    name: str  # the torrent's top-level name (file or folder name)
    content_path: Path  # the file or folder it describes
    size: int

    @property
    def magnet(self) -> str:
        """A magnet link for the same torrent (no metadata: qBittorrent stays in metaDL)."""
        return f"magnet:?xt=urn:btih:{self.infohash}&dn={quote(self.name)}"

    def write(self, path: Path) -> Path:
        path.write_bytes(self.data)
        return path


def write_audiobook_files(
    parent: Path, name: str, files: Mapping[str, int] | None = None, seed: int = 0
) -> Path:
    """A folder `parent/name` of generated files (`{relative name: size}`) with varied bytes.

    The bytes depend on `name`, the file name and `seed`, so two books never share an infohash.
    """
    files = files or {"01 - Chapter 1.mp3": 200_000, "02 - Chapter 2.mp3": 150_000}
    folder = parent / name
    for relative, size in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        block = hashlib.sha256(f"{seed}:{name}:{relative}".encode()).digest()
        path.write_bytes((block * (size // len(block) + 1))[:size])
    return folder


def make_torrent(
    content: Path,
    *,
    trackers: tuple[str, ...] = (DEAD_TRACKER,),
    private: bool = False,
    comment: str | None = None,
    piece_size: int | None = 16 * 1024,
) -> TestTorrent:
    """A v1 .torrent of `content` (a file or a folder) made with torf."""
    import torf

    torrent = torf.Torrent(
        path=content,
        trackers=list(trackers) or None,
        private=private,
        comment=comment,
        created_by="library_pipeline tests",
        creation_date=None,
    )
    if piece_size:
        torrent.piece_size = piece_size  # torf's minimum is 16 KiB
    torrent.generate()
    return TestTorrent(
        data=torrent.dump(),
        infohash=torrent.infohash.lower(),
        name=torrent.name,
        content_path=Path(content),
        size=torrent.size,
    )


_seeds = iter(range(1, 10**9))


def audiobook_torrent(
    parent: Path, name: str, files: Mapping[str, int] | None = None, seed: int | None = None
) -> TestTorrent:
    """`write_audiobook_files` + `make_torrent` in one: a small generated book folder under
    `parent/name` (put it in the server's `save_dir` for instant completion) and its .torrent.
    Each call gets fresh bytes (a new seed) unless `seed` is given, so infohashes never clash."""
    content = write_audiobook_files(
        parent,
        name,
        files or {"01 - Chapter 1.mp3": 40_000, "02 - Chapter 2.mp3": 30_000},
        seed=next(_seeds) if seed is None else seed,
    )
    return make_torrent(content)
