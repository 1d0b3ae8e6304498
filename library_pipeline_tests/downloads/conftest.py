"""Fixtures of the downloads tests: one real qbittorrent-nox for the session, reset per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from library_pipeline_tests.support.qbittorrent import (
    QbtServer,
    find_qbittorrent_nox,
    qbittorrent_server,
)
from library_pipeline_tests.support.stubs.prowlarr import ProwlarrStub
from library_pipeline_tests.support.stubs.torznab import TorznabStub


@pytest.fixture(scope="session")
def qbt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QbtServer]:
    if find_qbittorrent_nox() is None:
        pytest.skip("qbittorrent-nox missing: apt-get install qbittorrent-nox")
    with qbittorrent_server(tmp_path_factory.mktemp("qbt")) as server:
        yield server


@pytest.fixture
def qbt(qbt_server: QbtServer) -> Iterator[QbtServer]:
    """The shared qBittorrent with no torrents, categories or tags left from other tests."""
    qbt_server.reset()
    yield qbt_server
    assert qbt_server.is_running(), "qbittorrent-nox died during the test"


@pytest.fixture(scope="session")
def prowlarr_server() -> Iterator[ProwlarrStub]:
    with ProwlarrStub() as stub:
        yield stub


@pytest.fixture
def prowlarr(prowlarr_server: ProwlarrStub) -> ProwlarrStub:
    """The shared Prowlarr stub, reset to the recorded sample (stopping a stub costs 0.5 s)."""
    prowlarr_server.reset()
    return prowlarr_server


@pytest.fixture(scope="session")
def torznab_server() -> Iterator[TorznabStub]:
    with TorznabStub() as stub:
        yield stub


@pytest.fixture
def feed(torznab_server: TorznabStub) -> TorznabStub:
    torznab_server.reset()
    return torznab_server
