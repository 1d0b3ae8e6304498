"""The optional outside services: which setting turns each on, and what it enables.

An asset whose service is not configured succeeds and says so in its metadata, under one key
(`skipped`), naming the setting: `skipped_metadata("qbittorrent")`. A service that is configured
and fails is a red run or a failing check naming the service (each part decides which).
The README's "Optional services" table is this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from library_pipeline.settings import Settings, env_name

SKIPPED = "skipped"  # the metadata key every part uses


@dataclass(frozen=True)
class OptionalService:
    name: str
    settings: tuple[str, ...]  # Settings fields; the first turns the service on
    enables: str

    @property
    def variables(self) -> str:
        return " / ".join(env_name(field) for field in self.settings)

    def skipped(self, detail: str = "") -> str:
        """'<name> not configured (<why>): set <VARIABLE> to enable <what>'."""
        why = f" ({detail})" if detail else ""
        return f"{self.name} not configured{why}: set {self.variables} to enable {self.enables}"


OPTIONAL_SERVICES: dict[str, OptionalService] = {
    "mam": OptionalService(
        "MyAnonamouse (MAM)",
        ("mam_id",),
        "MAM's genre list and weekly per-genre top-10 lists, and MAM as a download source "
        "(an API-type session's mam_id cookie)",
    ),
    "mam_crawler": OptionalService(
        "MAM guides crawler",
        ("mam_browser_mam_id",),
        "saving MAM's guides as Markdown (a browser-type session's mam_id; the run command "
        "then installs the crawler's Chromium stack)",
    ),
    "indexers": OptionalService(
        "Release search (Prowlarr or a Torznab indexer)",
        ("prowlarr_url", "torznab_url"),
        "searching releases for the wanted books (with its API key)",
    ),
    "qbittorrent": OptionalService(
        "qBittorrent",
        ("qbittorrent_url", "qbittorrent_password"),
        "grabbing approved releases and importing finished downloads into the library",
    ),
    "audiobookshelf": OptionalService(
        "Audiobookshelf",
        ("abs_url", "abs_api_key"),
        "Audiobookshelf's view of the library in the scan, and a library scan after each import",
    ),
    "hardcover": OptionalService(
        "Hardcover",
        ("hardcover_token",),
        "Hardcover as a metadata provider (series and author listings)",
    ),
}


def skipped_metadata(service: str, detail: str = "") -> dict[str, str]:
    """The metadata of an asset (or part of one) skipped because `service` is not configured."""
    return {SKIPPED: OPTIONAL_SERVICES[service].skipped(detail)}


class QBittorrentAccess(Protocol):
    url: str
    password: str

    def get_client(self) -> Any: ...


def qbittorrent_not_set_up(qbittorrent: QBittorrentAccess) -> dict[str, str] | None:
    """The `skipped` metadata when qBittorrent was left at its default URL without a password
    and nothing answers there (the user never set one up); None when it was configured or
    something answers (then its failures are real and shown as such)."""
    from library_pipeline.clients.http import ProviderUnavailable

    default = Settings.model_fields["qbittorrent_url"].default
    if qbittorrent.url.rstrip("/") != default.rstrip("/") or qbittorrent.password:
        return None
    client = qbittorrent.get_client()
    try:
        client.version()
    except ProviderUnavailable:
        return skipped_metadata("qbittorrent", f"nothing answers at the default {default}")
    finally:
        client.close()
    return None
