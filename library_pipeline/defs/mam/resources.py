"""The `mam` resource: the user's MAM session cookies and how politely to pace requests."""

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import dagster as dg
from pydantic import Field
from sqlalchemy import Engine

from library_pipeline.defs.resources import secret, settings
from library_pipeline.settings import env_name

if TYPE_CHECKING:
    from library_pipeline.clients.mam import MamClient

NO_COOKIE = (
    "MAM session cookie not set ({var}): MAM is off. Create an API-type session on MAM "
    "(Preferences → Security) and set {var} to its mam_id to enable the weekly refresh."
)


def no_cookie_message() -> str:
    return NO_COOKIE.format(var=env_name("mam_id"))


class MamResource(dg.ConfigurableResource):
    """MyAnonamouse access: the user's session cookies and how politely to pace requests.

    Other parts (downloads) use it too:

        async with mam.client(library_db.get_engine()) as client:
            hits = await client.search_text("The Final Empire")
            limits = (await client.user_data()).unsat
    """

    url: str = "https://www.myanonamouse.net"
    mam_id: str = ""
    browser_mam_id: str = ""
    min_delay_seconds: float = 2.0
    max_delay_seconds: float = 6.0
    top10_period: str = "week"
    top10_queue_genres: list[str] = Field(default_factory=list)
    data_dir: str = ".data"

    @property
    def configured(self) -> bool:
        return bool(self.mam_id.strip())

    @property
    def min_delay(self) -> float:
        # Only a local stub (tests) may be asked faster than once a second.
        host = urlsplit(self.url).hostname or ""
        local = host in ("127.0.0.1", "localhost", "::1")
        return self.min_delay_seconds if local else max(1.0, self.min_delay_seconds)

    @property
    def max_delay(self) -> float:
        return max(self.min_delay, self.max_delay_seconds)

    @property
    def queue_genres(self) -> list[str]:
        return [g.strip() for g in self.top10_queue_genres if g.strip()]

    def wants_queue(self, genre: str) -> bool:
        genres = self.queue_genres
        return "*" in genres or genre.lower() in {g.lower() for g in genres}

    def client(self, engine: Engine | None = None) -> "MamClient":
        """A MAM client; with the library DB's engine, a rotated cookie and the time of the
        last request are kept in `app_state` (so the session survives, and separate runs stay
        spaced)."""
        from library_pipeline.clients.mam import MamClient
        from library_pipeline.services.mam import AppStateCookieStore

        return MamClient(
            self.url,
            self.mam_id,
            cookie_store=AppStateCookieStore(engine) if engine is not None else None,
            min_delay=self.min_delay,
            max_delay=self.max_delay,
        )


def mam_resource() -> MamResource:
    config = settings()
    return MamResource(
        url=config.mam_url,
        mam_id=secret("mam_id"),
        browser_mam_id=secret("mam_browser_mam_id"),
        min_delay_seconds=config.mam_min_delay_seconds,
        max_delay_seconds=config.mam_max_delay_seconds,
        top10_period=config.mam_top10_period,
        top10_queue_genres=list(config.mam_top10_queue_genres),
        data_dir=str(config.data_dir),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources={"mam": mam_resource()})
