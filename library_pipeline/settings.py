"""Every setting of the pipeline, read from the environment (and an optional `.env`).

Each field maps to the environment variable `LIBRARY_PIPELINE_<FIELD NAME IN CAPITALS>`.
The README's configuration table is the user-facing copy of this file; keep them in step.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "LIBRARY_PIPELINE_"
METADATA_PROVIDERS = frozenset({"google_books", "open_library", "hardcover", "audnexus"})


def env_name(field: str) -> str:
    """The environment variable that holds `field`."""
    return f"{ENV_PREFIX}{field.upper()}"


class Settings(BaseSettings):
    """The pipeline's configuration; defaults run a local, embedded install."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    # --- storage -----------------------------------------------------------------------------
    data_dir: Path = Field(default=Path(".data"), description="Working data: DB, caches, state.")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL of the library DB; empty = DuckDB file in data_dir.",
    )

    # --- library -----------------------------------------------------------------------------
    library_roots: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Audiobook folders to scan (comma-separated in the environment).",
    )
    import_root: Path | None = Field(
        default=None, description="Where imports are placed; default: the first library root."
    )
    naming_template: str = Field(
        default="{author}/{series}/Vol. {position} - {title} {{{narrator}}}",
        description="Folder layout of imported books (Audiobookshelf's recommended one).",
    )

    # --- Audiobookshelf ----------------------------------------------------------------------
    abs_url: str = Field(default="", description="Audiobookshelf base URL; empty = not used.")
    abs_api_key: SecretStr = Field(default=SecretStr(""), description="Audiobookshelf API key.")
    abs_library_id: str = Field(default="", description="Audiobookshelf library id; empty = all.")

    # --- metadata providers ------------------------------------------------------------------
    google_books_url: str = "https://www.googleapis.com/books/v1"
    google_books_api_key: SecretStr = SecretStr("")
    open_library_url: str = "https://openlibrary.org"
    hardcover_url: str = "https://api.hardcover.app/v1/graphql"
    hardcover_token: SecretStr = SecretStr("")
    audnexus_url: str = "https://api.audnex.us"
    http_cache_dir: Path | None = Field(
        default=None, description="On-disk HTTP cache; default: data_dir/http-cache."
    )
    audnexus_region: str = Field(default="us", description="Audible region Audnexus asks.")
    open_library_contact: str = Field(
        default="",
        description="Contact e-mail sent in Open Library's User-Agent; identified apps may make "
        "3 requests/s (then set open_library_requests_per_minute to 180).",
    )
    # Published limits (requests per minute); each provider has its own limiter, all share one.
    google_books_requests_per_minute: float = Field(
        default=60.0, gt=0, description="Google Books: its per-user quota, 100 requests/100 s."
    )
    open_library_requests_per_minute: float = Field(
        default=60.0, gt=0, description="Open Library: 1 request/s (3/s with a contact set)."
    )
    hardcover_requests_per_minute: float = Field(
        default=60.0, gt=0, description="Hardcover: 60 requests/min per token."
    )
    audnexus_requests_per_minute: float = Field(
        default=100.0, gt=0, description="Audnexus: 100 requests/min per IP."
    )
    metadata_global_requests_per_minute: float = Field(
        default=600.0, gt=0, description="All metadata providers together (a global cap)."
    )
    metadata_provider_precedence: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["google_books", "open_library", "hardcover", "audnexus"],
        description="Providers, most trusted first (comma-separated); a provider left out is "
        "not asked. Audiobook fields (narrators, ASIN, series) put audnexus first.",
    )
    metadata_field_precedence: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per-field provider order overriding the default, JSON: "
        '{"description": ["audnexus", "google_books"]}.',
    )
    enrichment_min_confidence: float = Field(
        default=0.85,
        ge=0.0,
        le=1.0,
        description="A title+author match scoring below this is not used (nothing is taken).",
    )
    enrichment_freshness_days: float = Field(
        default=30.0, ge=0.0, description="Books enriched more recently are skipped."
    )
    enrichment_default_language: str = Field(
        default="en", description="Language assumed for books whose language is unknown."
    )
    http_cache_ttl_days: float = Field(
        default=30.0, gt=0, description="How long provider answers are reused from the cache."
    )

    # --- gap finding -------------------------------------------------------------------------
    gap_min_books: int = Field(
        default=2, description="Owned books by an author before their other books are wanted."
    )
    gap_languages: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Languages you read (ISO 639-1, comma-separated); empty: your books' own.",
    )
    gap_include_novellas: bool = Field(
        default=False, description="Count x.5 novellas and short stories between entries."
    )

    # --- MyAnonamouse ------------------------------------------------------------------------
    mam_url: str = "https://www.myanonamouse.net"
    mam_id: SecretStr = Field(default=SecretStr(""), description="MAM API-type session cookie.")
    mam_browser_mam_id: SecretStr = Field(
        default=SecretStr(""), description="MAM browser-type session cookie (guides crawler)."
    )
    mam_min_delay_seconds: float = Field(
        default=2.0, ge=1.0, description="Least pause between two MAM API requests."
    )
    mam_max_delay_seconds: float = Field(
        default=6.0, ge=1.0, description="Most pause between MAM requests (random in between)."
    )
    mam_top10_period: str = Field(
        default="week", pattern=r"^(day|week|month|all)$", description="Top-10 period."
    )
    mam_top10_queue_genres: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Genres whose top-10 books, if not owned, become wanted (comma-separated; "
        "'*' = every genre; empty = none).",
    )
    mam_top10_cron: str = Field(
        default="0 5 * * 1", description="When the MAM genres and top-10 lists refresh (cron)."
    )

    # --- indexers and downloads --------------------------------------------------------------
    prowlarr_url: str = ""
    prowlarr_api_key: SecretStr = SecretStr("")
    torznab_url: str = ""
    torznab_api_key: SecretStr = SecretStr("")
    qbittorrent_url: str = "http://127.0.0.1:8080"
    qbittorrent_username: str = "admin"
    qbittorrent_password: SecretStr = SecretStr("")
    qbittorrent_category: str = "library-pipeline"
    qbittorrent_tags: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["library-pipeline"],
        description="Tags on every torrent the pipeline adds (comma-separated), besides the "
        "per-book tag lp-missing-<id>; the completion sensor finds torrents by them.",
    )
    qbittorrent_save_path: str = Field(
        default="", description="Save path for added torrents; empty = qBittorrent's default."
    )
    torznab_name: str = Field(default="", description="Display name of the Torznab indexer.")
    download_mode: Literal["approve", "auto", "dry_run"] = Field(
        default="approve",
        description="approve: chosen releases wait for your approval in the UI (download_review) "
        "and nothing is sent before; auto: grab within the limits; dry_run: choose and record "
        "only.",
    )
    download_dry_run: bool = Field(
        default=False, description="Deprecated: true means download_mode=dry_run."
    )
    download_max_per_run: int = Field(default=10, ge=0, description="Most grabs per run.")
    download_max_per_day: int = Field(
        default=25, ge=0, description="Most grabs in any 24 hours (all runs together)."
    )
    download_min_score: float = Field(
        default=55.0, description="Releases scoring below this are never grabbed."
    )
    download_format_preference: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["m4b", "mp3"],
        description="Audio formats, best first (comma-separated).",
    )
    download_language: str = Field(
        default="en", description="Language wanted when a missing book does not say (ISO 639-1)."
    )
    download_preferred_narrators: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Narrators whose releases score higher (comma-sep.)."
    )
    download_indexer_priority: dict[str, float] = Field(
        default_factory=dict,
        description='Extra points per indexer name, JSON: {"MyAnonamouse": 10, "ABB": -5}.',
    )
    download_allow_packs: bool = Field(
        default=False,
        description="Allow series packs that hold the missing volume (penalised: a single "
        "release of the same format wins).",
    )
    download_allow_abridged: bool = Field(
        default=False, description="Allow (penalised) abridged releases."
    )
    download_allow_dramatisations: bool = Field(
        default=False,
        description="Allow dramatisations, full-cast and radio adaptations (rejected by default).",
    )
    download_healthy_seeders: int = Field(
        default=3,
        ge=0,
        description="Seeders a release needs for your format order to hold; a preferred format "
        "with fewer loses to a healthy release of the next format.",
    )
    download_min_seeders: int = Field(default=1, ge=0, description="Fewest seeders to grab.")
    download_categories: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [3030],
        description="Newznab categories searched on Prowlarr/Torznab (comma-separated).",
    )
    download_search_mam: bool = Field(
        default=True, description="Search MAM directly too (when mam_id is set)."
    )
    mam_unsatisfied_reserve: int = Field(
        default=1,
        ge=0,
        description="Unsatisfied-torrent slots on MAM always left free (grabs from MAM stop at "
        "limit minus this).",
    )

    # --- imports and automation (completion sensor, schedules) -------------------------------
    import_sensor_interval_seconds: int = Field(
        default=30, ge=5, description="How often the completion sensor polls qBittorrent (s)."
    )
    import_max_runs_per_tick: int = Field(
        default=10, ge=1, description="Most import runs one sensor tick launches (rest: next)."
    )
    import_hardlink: bool = Field(
        default=True,
        description="Hardlink into the library when it shares the download's file system "
        "(false = always copy).",
    )
    import_catchup_cron: str = Field(
        default="17 * * * *",
        description="Reconciling import run: imports finished torrents a sensor tick missed and "
        "retries a pending Audiobookshelf scan (cron).",
    )
    daily_refresh_cron: str = Field(
        default="0 3 * * *", description="Daily library scan + enrichment + gap finding (cron)."
    )
    schedule_timezone: str = Field(default="UTC", description="Time zone of every cron setting.")

    @field_validator("library_roots", "gap_languages", mode="before")
    @classmethod
    def _split_roots(cls, value: object) -> object:
        # Environment values arrive as one string; accept "a,b" and os.pathsep-separated.
        if isinstance(value, str):
            parts = value.replace(";", ",").split(",")
            return [p.strip() for p in parts if p.strip()]
        return value

    @field_validator("metadata_provider_precedence", mode="before")
    @classmethod
    def _split_providers(cls, value: object) -> object:
        if isinstance(value, str):
            return [p.strip() for p in value.split(",") if p.strip()]
        return value

    @field_validator("metadata_provider_precedence")
    @classmethod
    def _known_providers(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - METADATA_PROVIDERS)
        if unknown:
            raise ValueError(
                f"unknown metadata providers {unknown}; known: {sorted(METADATA_PROVIDERS)}"
            )
        return value

    @field_validator("mam_top10_queue_genres", mode="before")
    @classmethod
    def _split_genres(cls, value: object) -> object:
        # Genre names contain "/" ("Pol/Soc/Relig"), so only commas separate them.
        if isinstance(value, str):
            return [p.strip() for p in value.split(",") if p.strip()]
        return value

    @field_validator(
        "qbittorrent_tags",
        "download_format_preference",
        "download_preferred_narrators",
        "download_categories",
        mode="before",
    )
    @classmethod
    def _split_download_lists(cls, value: object) -> object:
        if isinstance(value, str):
            return [p.strip() for p in value.split(",") if p.strip()]
        return value

    @model_validator(mode="after")
    def _dry_run_alias(self) -> Settings:
        # The old flag still works: set, it wins (never sending is the safe reading).
        if self.download_dry_run:
            self.download_mode = "dry_run"
        return self

    @property
    def resolved_database_url(self) -> str:
        """The library DB URL; the embedded DuckDB file when none is configured."""
        if self.database_url:
            return self.database_url
        return f"duckdb:///{(self.data_dir / 'library.duckdb').resolve()}"

    @property
    def resolved_http_cache_dir(self) -> Path:
        return self.http_cache_dir or self.data_dir / "http-cache"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
