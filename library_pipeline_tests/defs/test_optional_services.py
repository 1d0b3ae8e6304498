"""'Not set up' is decided once: qBittorrent left at its default URL, without a password, with
nothing answering there is skipped (naming the settings); anything the user configured is not."""

from __future__ import annotations

import socket

import pytest

from library_pipeline.defs.downloads.resources import QBittorrentResource
from library_pipeline.defs.optional_services import (
    OPTIONAL_SERVICES,
    qbittorrent_not_set_up,
    skipped_metadata,
)
from library_pipeline.settings import Settings, env_name

DEFAULT_URL = Settings.model_fields["qbittorrent_url"].default


def _default_port_answers() -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", 8080)) == 0


def test_every_optional_service_names_real_settings() -> None:
    for key, service in OPTIONAL_SERVICES.items():
        for field in service.settings:
            assert field in Settings.model_fields, (key, field)
        note = skipped_metadata(key)["skipped"]
        assert env_name(service.settings[0]) in note


def test_qbittorrent_left_at_its_unanswered_default_is_skipped() -> None:
    if _default_port_answers():
        pytest.skip("something listens on 127.0.0.1:8080 on this machine")
    skipped = qbittorrent_not_set_up(QBittorrentResource(url=DEFAULT_URL))
    assert skipped is not None
    assert "LIBRARY_PIPELINE_QBITTORRENT_URL" in skipped["skipped"]


def test_a_configured_qbittorrent_is_never_skipped() -> None:
    # A URL the user chose (even one nothing answers at): its failures are real.
    assert qbittorrent_not_set_up(QBittorrentResource(url="http://127.0.0.1:9")) is None
    # The default URL with a password set: the user set it up.
    assert qbittorrent_not_set_up(QBittorrentResource(url=DEFAULT_URL, password="x")) is None
