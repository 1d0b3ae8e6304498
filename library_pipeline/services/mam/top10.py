"""Per-genre MAM top-10 lists, stored per day in `top10_entries` (for trends)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from library_pipeline.clients.http import ProviderError
from library_pipeline.clients.mam import MamClient
from library_pipeline.domain.mam_results import MamTorrent
from library_pipeline.services.mam.genres import load_genre_ids, now_iso
from library_pipeline.services.mam.results import Top10Book, Top10Result
from library_pipeline.storage.models import Top10Entry


def human_size(size: int | None) -> str | None:
    if size is None:
        return None
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return None  # pragma: no cover


def top10_book(torrent: MamTorrent, rank: int) -> Top10Book:
    series = torrent.first_series
    return Top10Book(
        rank=rank,
        title=torrent.title,
        author=", ".join(torrent.authors) or None,
        authors=list(torrent.authors),
        narrators=list(torrent.narrators),
        series=series.name if series else None,
        series_position=series.position if series else None,
        torrent_id=str(torrent.id),
        download_link=torrent.download_url,
        info_url=torrent.info_url,
        size=human_size(torrent.size_bytes),
        size_bytes=torrent.size_bytes,
        seeders=torrent.seeders,
        snatched=torrent.snatched,
        freeleech=torrent.freeleech,
        vip=torrent.vip,
        category=torrent.category_name,
        language=torrent.language_code,
        asin=torrent.asin,
    )


async def scrape_mam_top10(
    genre: str,
    session: Session,
    client: MamClient,
    *,
    period: str = "week",
    limit: int = 10,
    captured_on: date | None = None,
) -> Top10Result:
    """Fetch one genre's top-10 (most snatched in the period) and store it in `top10_entries`
    for `captured_on` (today).

    A failed fetch stores nothing (yesterday's rows and today's earlier rows stay intact); a
    successful one replaces today's rows of this genre and period.
    """
    result = Top10Result(
        genre=genre,
        period=period,
        captured_on=captured_on or datetime.now(UTC).date(),
        timestamp=now_iso(),
    )
    genre_id = load_genre_ids(session).get(genre)
    if genre_id is None:
        result.errors.append(
            f"genre {genre!r} no longer exists on MAM (not in the current audiobook categories); "
            "its partition can be removed"
        )
        return result
    try:
        found = await client.top10(genre_id, period, limit=limit)
    except (ProviderError, ValueError) as error:  # ValueError: an unknown period setting
        result.errors.append(str(error))
        result.fetch_failed = True  # MAM (or the period setting) failed, not an empty list
        return result
    result.warnings.extend(found.warnings)
    result.books = [top10_book(t, rank) for rank, t in enumerate(found.torrents, start=1)]
    if not result.books:
        hint = (
            "the category may no longer exist on MAM"
            if period == "all"
            else "nothing was added in this period, or the category is gone"
        )
        result.errors.append(f"MAM returned no torrents for {genre!r} ({period}): {hint}")
        return result
    _store(session, result, genre_id)
    return result


def _store(session: Session, result: Top10Result, genre_id: int) -> None:
    """Replace the day's rows of the genre and period with `result.books`."""
    session.execute(
        delete(Top10Entry).where(
            Top10Entry.genre == result.genre,
            Top10Entry.period == result.period,
            Top10Entry.captured_on == result.captured_on,
        )
    )
    for book in result.books:
        session.add(
            Top10Entry(
                genre=result.genre,
                genre_id=genre_id,
                period=result.period,
                captured_on=result.captured_on,
                rank=book.rank,
                title=book.title,
                authors=list(book.authors),
                narrators=list(book.narrators),
                series=book.series,
                series_position=book.series_position,
                torrent_id=book.torrent_id,
                asin=book.asin,
                download_link=book.download_link,
                size_bytes=book.size_bytes,
                seeders=book.seeders,
                snatched=book.snatched,
                freeleech=book.freeleech,
            )
        )
    session.commit()


def latest_top10(session: Session, genre: str, period: str) -> list[Top10Entry]:
    """The most recent stored top-10 list of a genre and period, by rank."""
    latest = session.scalar(
        select(func.max(Top10Entry.captured_on)).where(
            Top10Entry.genre == genre, Top10Entry.period == period
        )
    )
    if latest is None:
        return []
    return list(
        session.scalars(
            select(Top10Entry)
            .where(
                Top10Entry.genre == genre,
                Top10Entry.period == period,
                Top10Entry.captured_on == latest,
            )
            .order_by(Top10Entry.rank)
        )
    )


def stored_genres(session: Session, period: str) -> list[str]:
    return sorted(
        session.scalars(
            select(Top10Entry.genre).where(Top10Entry.period == period).distinct()
        ).all()
    )
