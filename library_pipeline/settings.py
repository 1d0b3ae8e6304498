"""Every setting of the pipeline, read from the environment (and an optional `.env`).

Each field maps to the environment variable `LIBRARY_PIPELINE_<FIELD NAME IN CAPITALS>`.
The README's configuration table is the user-facing copy of this file; keep them in step.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "LIBRARY_PIPELINE_"


def env_name(field: str) -> str:
    """The environment variable that holds `field`."""
    return f"{ENV_PREFIX}{field.upper()}"


class Settings(BaseSettings):
    """The pipeline's configuration; defaults run a local, embedded install."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore"
    )

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

    # --- MyAnonamouse ------------------------------------------------------------------------
    mam_url: str = "https://www.myanonamouse.net"
    mam_id: SecretStr = Field(default=SecretStr(""), description="MAM API-type session cookie.")
    mam_browser_mam_id: SecretStr = Field(
        default=SecretStr(""), description="MAM browser-type session cookie (guides crawler)."
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

    @field_validator("library_roots", mode="before")
    @classmethod
    def _split_roots(cls, value: object) -> object:
        # Environment values arrive as one string; accept "a,b" and os.pathsep-separated.
        if isinstance(value, str):
            parts = value.replace(";", ",").split(",")
            return [p.strip() for p in parts if p.strip()]
        return value

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
