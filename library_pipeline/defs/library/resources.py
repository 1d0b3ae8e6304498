"""Where the library is: its folders and an optional Audiobookshelf server."""

from typing import TYPE_CHECKING

import dagster as dg
from pydantic import Field

from library_pipeline.defs.resources import secret, settings

if TYPE_CHECKING:
    from library_pipeline.clients.audiobookshelf import AudiobookshelfClient


class LibraryRootsResource(dg.ConfigurableResource):
    """The audiobook folders to scan (setting `library_roots`)."""

    roots: list[str] = Field(default_factory=list)


class AudiobookshelfResource(dg.ConfigurableResource):
    """An Audiobookshelf server (settings `abs_url`, `abs_api_key`, `abs_library_id`);
    an empty URL means none is used."""

    url: str = ""
    api_key: str = ""
    library_id: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.url.strip())

    def client(self) -> "AudiobookshelfClient":
        """A new client; use it as an async context manager."""
        from library_pipeline.clients.audiobookshelf import AudiobookshelfClient

        return AudiobookshelfClient(self.url, self.api_key)


@dg.definitions
def defs() -> dg.Definitions:
    config = settings()
    return dg.Definitions(
        resources={
            "library_roots": LibraryRootsResource(roots=[str(p) for p in config.library_roots]),
            "audiobookshelf": AudiobookshelfResource(
                url=config.abs_url,
                api_key=secret("abs_api_key"),
                library_id=config.abs_library_id,
            ),
        }
    )
