"""The qBittorrent client and the test fixture, against a real qbittorrent-nox 4.5.2."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from library_pipeline.clients.http import AuthError, NotFound, ProviderUnavailable
from library_pipeline.clients.qbittorrent import (
    AddOutcome,
    QBittorrentClient,
    TorrentRejected,
)
from library_pipeline.domain.releases import TorrentPayload
from library_pipeline_tests.support.qbittorrent import (
    QbtServer,
    audiobook_torrent,
    find_qbittorrent_nox,
    free_port,
    qbittorrent_server,
)


def client_for(qbt: QbtServer, password: str | None = None) -> QBittorrentClient:
    return QBittorrentClient(qbt.url, qbt.username, qbt.password if password is None else password)


@pytest.mark.slow
def test_fixture_starts_an_isolated_server_and_kills_it(tmp_path: Path) -> None:
    if find_qbittorrent_nox() is None:
        pytest.skip("qbittorrent-nox missing: apt-get install qbittorrent-nox")
    with qbittorrent_server(tmp_path, password="another-secret-pw") as qbt:
        api = qbt.api()
        assert api.app_version() == "v4.5.2"
        prefs = api.app_preferences()
        assert (prefs["dht"], prefs["pex"], prefs["lsd"], prefs["upnp"]) == (False,) * 4
        assert prefs["web_ui_address"] == "127.0.0.1"
        assert prefs["web_ui_port"] == qbt.port
        assert prefs["bypass_local_auth"] is False  # the password is really checked
        assert Path(prefs["save_path"]) == qbt.save_dir
        pid = qbt.pid
        group = os.getpgid(pid)
        assert group == pid != os.getpgid(0)  # its own process group
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("qbittorrent-nox still running after the context manager exited")


@pytest.mark.slow
def test_login_version_and_wrong_password(qbt: QbtServer) -> None:
    client = client_for(qbt)
    assert client.login() == "v4.5.2"
    wrong = client_for(qbt, password="not-the-password")
    with pytest.raises(AuthError, match="wrong username or password") as caught:
        wrong.login()
    assert "not-the-password" not in str(caught.value)
    assert "not-the-password" not in str(wrong.status())
    # Twice more: no IP ban in the fixture, and the right password still works afterwards.
    with pytest.raises(AuthError):
        wrong.torrents()
    assert client_for(qbt).login() == "v4.5.2"


def test_down_is_provider_unavailable() -> None:
    client = QBittorrentClient(f"http://127.0.0.1:{free_port()}", "admin", "pw-123456", timeout=2)
    with pytest.raises(ProviderUnavailable, match="cannot reach qBittorrent"):
        client.login()
    assert client.status()["failures"] == 1


@pytest.mark.slow
def test_add_torrent_completes_and_carries_category_tags(qbt: QbtServer) -> None:
    torrent = audiobook_torrent(qbt.save_dir, "Brandon Sanderson - The Final Empire")
    client = client_for(qbt)
    payload = TorrentPayload.from_torrent(torrent.data)
    result = client.add_torrent(
        payload,
        category="library-pipeline",
        tags=["library-pipeline", "lp-missing-7"],
        save_path=str(qbt.save_dir),
    )
    assert result.outcome is AddOutcome.ADDED
    assert result.infohash == torrent.infohash
    assert result.torrent is not None
    assert result.torrent.category == "library-pipeline"
    info = qbt.wait_for(torrent.infohash, lambda t: t["progress"] == 1, timeout=10)
    assert info["state"] in ("stalledUP", "uploading", "pausedUP", "queuedUP", "checkingUP")
    listed = client.torrents(category="library-pipeline")
    assert [t.hash for t in listed] == [torrent.infohash]
    assert sorted(listed[0].tags) == ["library-pipeline", "lp-missing-7"]
    assert listed[0].is_complete
    assert listed[0].has_metadata
    assert [t.hash for t in client.torrents(tag="lp-missing-7")] == [torrent.infohash]
    assert client.torrents(category="other") == []
    assert client.categories()["library-pipeline"] == ""
    files = client.files(torrent.infohash)
    assert [f.name for f in files] == [
        "Brandon Sanderson - The Final Empire/01 - Chapter 1.mp3",
        "Brandon Sanderson - The Final Empire/02 - Chapter 2.mp3",
    ]
    assert files[0].is_seed is True
    assert files[1].is_seed is None
    with pytest.raises(NotFound):
        client.files("0" * 40)

    # A duplicate add: qBittorrent says "Fails."; the torrent is linked and gets our tags.
    again = client.add_torrent(payload, category="library-pipeline", tags=["lp-missing-8"])
    assert again.outcome is AddOutcome.ALREADY_PRESENT
    assert again.torrent is not None
    assert "lp-missing-8" in again.torrent.tags
    assert len(client.torrents()) == 1
    # The user's own torrent (no category) joins the category; one in another category stays.
    mine = audiobook_torrent(qbt.save_dir, "Someone - Added By Hand")
    other = audiobook_torrent(qbt.save_dir, "Someone - Filed Elsewhere")
    qbt.api().torrents_add(torrent_files=mine.data, save_path=str(qbt.save_dir))
    qbt.api().torrents_add(torrent_files=other.data, save_path=str(qbt.save_dir), category="x")
    qbt.wait_for(mine.infohash)
    qbt.wait_for(other.infohash)
    linked = client.add_torrent(TorrentPayload.from_torrent(mine.data), category="library-pipeline")
    assert linked.torrent is not None
    assert linked.torrent.category == "library-pipeline"
    kept = client.add_torrent(TorrentPayload.from_torrent(other.data), category="library-pipeline")
    assert kept.outcome is AddOutcome.ALREADY_PRESENT
    assert kept.torrent is not None
    assert kept.torrent.category == "x"


@pytest.mark.slow
def test_magnets_and_rejections(qbt: QbtServer) -> None:
    client = client_for(qbt)
    magnet = TorrentPayload.from_magnet(
        "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=Some.Audiobook"
    )
    result = client.add_torrent(magnet, category="library-pipeline", tags=["lp-missing-1"])
    assert result.outcome is AddOutcome.ADDED
    assert result.torrent is not None
    assert not result.torrent.has_metadata
    assert client.files(magnet.infohash) == []
    # A magnet qBittorrent refuses: "Fails." and nothing with that hash appears.
    bogus = TorrentPayload(infohash="f" * 40, magnet="magnet:?xt=urn:btih:zzzz")
    with pytest.raises(TorrentRejected, match="refused the magnet"):
        client.add_torrent(bogus, category="library-pipeline")
    # A .torrent our parser accepts but libtorrent does not (pieces not a multiple of 20).
    broken = b"d4:infod6:lengthi5e4:name5:a.mp312:piece lengthi16384e6:pieces7:xxxxxxxee"
    payload = TorrentPayload.from_torrent(broken)
    with pytest.raises(TorrentRejected):
        client.add_torrent(payload, category="library-pipeline")
    assert {t.hash for t in client.torrents()} == {magnet.infohash}
