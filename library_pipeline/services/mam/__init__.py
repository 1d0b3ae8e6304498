"""MyAnonamouse services, by stage: the audiobook genre list (`genres`), per-genre top-10 lists
(`top10`), and queueing the top-10 books the user does not own as wanted (`queue`, into
`missing_books`, reason `top10`). Each returns a dataclass of `results`.

Every call goes through `clients.mam.MamClient` (polite pacing, cookie rotation, one clear
not-signed-in error). Writes are short transactions committed per item.
"""

from library_pipeline.services.mam.cookies import COOKIE_KEY, AppStateCookieStore
from library_pipeline.services.mam.genres import (
    GENRES_KEY,
    get_available_genres,
    known_genres,
    load_genre_ids,
    save_genres,
    saved_genres,
)
from library_pipeline.services.mam.queue import (
    TOP10_REASON,
    TOP10_SOURCE,
    owned_entry_ids,
    queue_top10_downloads,
)
from library_pipeline.services.mam.results import (
    GenresResult,
    QueuedBook,
    QueueResult,
    Top10Book,
    Top10Result,
)
from library_pipeline.services.mam.top10 import (
    human_size,
    latest_top10,
    scrape_mam_top10,
    stored_genres,
    top10_book,
)

__all__ = [
    "COOKIE_KEY",
    "GENRES_KEY",
    "TOP10_REASON",
    "TOP10_SOURCE",
    "AppStateCookieStore",
    "GenresResult",
    "QueueResult",
    "QueuedBook",
    "Top10Book",
    "Top10Result",
    "get_available_genres",
    "human_size",
    "known_genres",
    "latest_top10",
    "load_genre_ids",
    "owned_entry_ids",
    "queue_top10_downloads",
    "save_genres",
    "saved_genres",
    "scrape_mam_top10",
    "stored_genres",
    "top10_book",
]
