"""The downloads part's resources: qBittorrent, Prowlarr, a Torznab feed, the download policy."""

from typing import TYPE_CHECKING

import dagster as dg
from pydantic import Field

from library_pipeline.defs.resources import from_settings, secret, settings

if TYPE_CHECKING:
    from library_pipeline.clients.prowlarr import ProwlarrClient
    from library_pipeline.clients.qbittorrent import QBittorrentClient
    from library_pipeline.clients.torznab import TorznabClient
    from library_pipeline.services.downloads import DownloadPolicy

AUDIOBOOK_CATEGORIES = [3030]


class QBittorrentResource(dg.ConfigurableResource):
    """The user's qBittorrent WebUI, and where/how the pipeline's torrents are filed.

    The completion sensor finds the pipeline's torrents by `tags` (first tag) and reads the
    wanted book from the `lp-missing-<id>` tag; `category` is the default category of adds.
    """

    url: str = "http://127.0.0.1:8080"
    username: str = "admin"
    password: str = ""
    category: str = "library-pipeline"
    tags: list[str] = Field(default_factory=lambda: ["library-pipeline"])
    save_path: str = ""

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags if t.strip()]

    def get_client(self) -> "QBittorrentClient":
        from library_pipeline.clients.qbittorrent import QBittorrentClient

        return QBittorrentClient(self.url, self.username, self.password)


class ProwlarrResource(dg.ConfigurableResource):
    """Prowlarr (searches every indexer it manages); empty URL or key = not used."""

    url: str = ""
    api_key: str = ""
    categories: list[int] = Field(default_factory=lambda: list(AUDIOBOOK_CATEGORIES))

    @property
    def configured(self) -> bool:
        return bool(self.url and self.api_key)

    def get_client(self) -> "ProwlarrClient":
        from library_pipeline.clients.prowlarr import ProwlarrClient

        return ProwlarrClient(self.url, self.api_key, categories=self.categories)


class TorznabResource(dg.ConfigurableResource):
    """One Torznab feed (Jackett, a Prowlarr indexer's /api, ...); empty URL = not used."""

    url: str = ""
    api_key: str = ""
    name: str = ""
    categories: list[int] = Field(default_factory=lambda: list(AUDIOBOOK_CATEGORIES))

    @property
    def configured(self) -> bool:
        return bool(self.url)

    def get_client(self) -> "TorznabClient":
        from library_pipeline.clients.torznab import TorznabClient

        return TorznabClient(
            self.url, self.api_key, name=self.name or None, categories=self.categories
        )


class DownloadPolicyResource(dg.ConfigurableResource):
    """What to grab and how much: the mode, scoring preferences and limits (settings
    `download_*`). Mode: `approve` (choices wait for the user's approval), `auto` (grabbed
    within the limits) or `dry_run` (recorded only)."""

    mode: str = from_settings("download_mode")
    max_per_run: int = from_settings("download_max_per_run")
    max_per_day: int = from_settings("download_max_per_day")
    min_score: float = from_settings("download_min_score")
    format_preference: list[str] = from_settings("download_format_preference")
    language: str = from_settings("download_language")
    preferred_narrators: list[str] = from_settings("download_preferred_narrators")
    indexer_priority: dict[str, float] = from_settings("download_indexer_priority")
    allow_packs: bool = from_settings("download_allow_packs")
    allow_abridged: bool = from_settings("download_allow_abridged")
    allow_dramatisations: bool = from_settings("download_allow_dramatisations")
    min_seeders: int = from_settings("download_min_seeders")
    healthy_seeders: int = from_settings("download_healthy_seeders")
    search_mam: bool = from_settings("download_search_mam")
    mam_unsatisfied_reserve: int = from_settings("mam_unsatisfied_reserve")

    def policy(self, qbittorrent: QBittorrentResource, mode: str | None = None) -> "DownloadPolicy":
        """The service's policy; `mode` (run config) overrides the setting when given."""
        from library_pipeline.domain.releases.scoring import ScoringPolicy
        from library_pipeline.services.downloads import DownloadPolicy

        scoring = ScoringPolicy(
            min_score=self.min_score,
            format_preference=tuple(self.format_preference),
            language=self.language,
            preferred_narrators=tuple(self.preferred_narrators),
            indexer_priority=dict(self.indexer_priority),
            allow_packs=self.allow_packs,
            allow_abridged=self.allow_abridged,
            allow_dramatisations=self.allow_dramatisations,
            min_seeders=self.min_seeders,
            healthy_seeders=self.healthy_seeders,
        )
        return DownloadPolicy(
            scoring=scoring,
            mode=mode or self.mode,
            max_per_run=self.max_per_run,
            max_per_day=self.max_per_day,
            category=qbittorrent.category,
            tags=tuple(qbittorrent.tag_list),
            save_path=qbittorrent.save_path or None,
            mam_reserve=self.mam_unsatisfied_reserve,
        )


@dg.definitions
def defs() -> dg.Definitions:
    config = settings()
    categories = list(config.download_categories)
    return dg.Definitions(
        resources={
            "qbittorrent": QBittorrentResource(
                url=config.qbittorrent_url,
                username=config.qbittorrent_username,
                password=secret("qbittorrent_password"),
                category=config.qbittorrent_category,
                tags=list(config.qbittorrent_tags),
                save_path=config.qbittorrent_save_path,
            ),
            "prowlarr": ProwlarrResource(
                url=config.prowlarr_url,
                api_key=secret("prowlarr_api_key"),
                categories=categories,
            ),
            "torznab": TorznabResource(
                url=config.torznab_url,
                api_key=secret("torznab_api_key"),
                name=config.torznab_name,
                categories=categories,
            ),
            "download_policy": DownloadPolicyResource(),
        }
    )
