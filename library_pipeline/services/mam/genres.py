"""MAM's audiobook genres: the published list, what MAM reports now, the last list saved."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from library_pipeline.clients.http import ProviderError
from library_pipeline.clients.mam import MamClient, MamNotSignedIn
from library_pipeline.domain import mam_parsing as mp
from library_pipeline.domain.mam_results import MamSearch
from library_pipeline.services.mam.results import GenresResult
from library_pipeline.storage.app_state import get_state, set_state

GENRES_KEY = "mam.genres"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


async def get_available_genres(
    client: MamClient | None = None, *, probe: bool = True
) -> GenresResult:
    """MAM's audiobook genres.

    Starts from MAM's published audiobook categories and, with a client, probes one page of the
    newest audiobooks: a category MAM reports there under a new name or id replaces the known
    one (MAM has no category endpoint in its API).
    """
    by_id: dict[int, str] = dict(mp.AUDIOBOOK_CATEGORIES)
    errors: list[str] = []
    source = "built-in"
    if client is not None and probe:
        try:
            result = await client.search(MamSearch(sort_type="dateDesc", per_page=100))
        except MamNotSignedIn as error:
            errors.append(str(error))
        except ProviderError as error:
            errors.append(f"genre probe failed, using the known list: {error}")
        else:
            source = "mam"
            for torrent in result.torrents:
                if torrent.category_id is None or torrent.main_cat not in (
                    None,
                    mp.AUDIOBOOKS_MAIN_CAT,
                ):
                    continue
                name = mp.category_genre(torrent.category_name)
                if name:
                    by_id[torrent.category_id] = name
    genre_ids: dict[str, int] = {}
    for category_id, name in sorted(by_id.items(), key=lambda kv: kv[1].lower()):
        genre_ids.setdefault(name, category_id)
    return GenresResult(genre_ids=genre_ids, timestamp=now_iso(), source=source, errors=errors)


def save_genres(session: Session, genres: GenresResult) -> None:
    set_state(session, GENRES_KEY, {"genre_ids": genres.genre_ids, "timestamp": genres.timestamp})


def known_genres() -> list[str]:
    """MAM's published audiobook genres (the list a fresh install starts with), sorted."""
    return sorted(set(mp.AUDIOBOOK_CATEGORIES.values()), key=str.lower)


def saved_genres(session: Session) -> GenresResult | None:
    """The last genre list fetched from MAM (source "saved (MAM's list of <when>)"), or None
    before one was."""
    state = get_state(session, GENRES_KEY)
    if not (isinstance(state, dict) and isinstance(state.get("genre_ids"), dict)):
        return None
    timestamp = state.get("timestamp")
    return GenresResult(
        genre_ids={str(k): int(v) for k, v in state["genre_ids"].items()},
        timestamp=str(timestamp) if timestamp is not None else None,
        source=f"saved (MAM's list of {timestamp})",
    )


def load_genre_ids(session: Session) -> dict[str, int]:
    """The last saved genre list (`mam_genres`), or MAM's published list before the first run."""
    state = saved_genres(session)
    if state is not None:
        return state.genre_ids
    return {name: cid for cid, name in mp.AUDIOBOOK_CATEGORIES.items()}
