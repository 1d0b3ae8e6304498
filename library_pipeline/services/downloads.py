"""Turning wanted books (`missing_books`) into torrents in the user's qBittorrent, safely.

Entry points (result dicts, see `DownloadRun.result`):

    download_missing_series_books(session, batch_size=10, max_priority=None, ...)
    download_missing_author_books(session, batch_size=10, max_priority=None, ...)
    download_missing_top10_books(session, batch_size=10, max_priority=None, ...)

Each takes `pending` rows of its `discovery_source` (series_gaps / author_gaps / top10), highest
priority first (only priority >= `max_priority` when given), searches every release source
(Prowlarr, a Torznab feed, MAM), scores the hits (`domain.release_scoring`) and grabs the best
acceptable one. Clients default to ones built from `Settings`; pass `run=DownloadRun(...)` to
share one run's limits and clients across the three calls (the Dagster asset does).

Order of a grab — why it is idempotent and crash-safe:
 1. fetch the .torrent (or take the magnet) and compute the infohash from it, before anything
    is added anywhere;
 2. commit a complete `downloads` row with status `adding` (release, indexer, score, infohash);
 3. add the torrent to qBittorrent with category + tags (`library-pipeline`, `lp-missing-<id>`);
    `Fails.` for a torrent it already has links the row instead of adding a duplicate;
 4. commit the row as `queued` (with `queued_at`) and the wanted book as `queued`, together.
A crash after 2 leaves an `adding` row: the next run's `reconcile_downloads` asks qBittorrent
for the infohash — present: finish step 4; absent: mark the row `failed` and the book is
searched again. A torrent with our `lp-missing-<id>` tag but no row at all (e.g. a restored DB)
is adopted as `queued`. The same book is never queued twice: books with an active download row
(adding/queued/downloading/completed/imported) are not selected, and an infohash is unique.

Limits: `download_max_per_run` (across the calls sharing a run), `download_max_per_day` (rows
queued in the last 24 hours), and MAM's unsatisfied-torrent limit read once per run from MAM's
user data (grabs from MAM, directly or through Prowlarr/Torznab, stop at limit minus
`mam_unsatisfied_reserve`; if MAM's count cannot be read, nothing from MAM is grabbed).
Dry run (`download_dry_run`): releases are chosen and recorded as `chosen` rows (one per book,
updated on every dry run), nothing is fetched or sent.
Faults are per book: an indexer down, a 401, a Torznab error, no results, a release without a
link, qBittorrent down or refusing credentials, a rejected magnet — the reason is recorded
(result `errors`, a `failed` row when a release was attempted) and the batch goes on. Secrets
never reach errors, rows or metadata (`_redact` + `redact_link`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from library_pipeline.clients.http import AuthError, ProviderError, redact
from library_pipeline.clients.qbittorrent import (
    AddOutcome,
    AddResult,
    QbtTorrent,
    TorrentRejected,
)
from library_pipeline.clients.release_fetch import fetch_release
from library_pipeline.domain.discovery import AUTHOR_GAPS, SERIES_GAPS, TOP10
from library_pipeline.domain.normalize import clean_title
from library_pipeline.domain.release_scoring import (
    Choice,
    ReleaseScore,
    ScoringPolicy,
    WantedBook,
    choose_release,
)
from library_pipeline.domain.releases import Release, TorrentPayload, redact_link
from library_pipeline.settings import Settings, get_settings
from library_pipeline.storage.models import Download, MissingBook, utcnow

BOOK_TAG_PREFIX = "lp-missing-"
ACTIVE_STATUSES = ("adding", "queued", "downloading", "completed", "imported")
COUNTED_STATUSES = ("queued", "downloading", "completed", "imported")
MAM_NAMES = ("mam", "myanonamouse")


def book_tag(missing_book_id: int) -> str:
    """The qBittorrent tag that ties a torrent to its wanted book: `lp-missing-<id>`."""
    return f"{BOOK_TAG_PREFIX}{missing_book_id}"


def book_id_from_tags(tags: Sequence[str]) -> int | None:
    for tag in tags:
        if tag.startswith(BOOK_TAG_PREFIX) and tag[len(BOOK_TAG_PREFIX) :].isdigit():
            return int(tag[len(BOOK_TAG_PREFIX) :])
    return None


def is_mam_release(release: Release) -> bool:
    names = {release.source.lower(), (release.indexer or "").lower().replace(" ", "")}
    return bool(names & set(MAM_NAMES))


# --- what the service needs from its collaborators ------------------------------------------------


@runtime_checkable
class ReleaseSource(Protocol):
    """A place to search releases (Prowlarr, Torznab, MAM) and fetch what it found."""

    name: str

    async def search(self, title: str, author: str | None = None) -> list[Release]: ...

    async def fetch(self, release: Release) -> TorrentPayload: ...

    def status(self) -> dict[str, Any]: ...


@runtime_checkable
class UnsatisfiedLimit(Protocol):
    """MAM's unsatisfied-torrent count and limit (from its user-data endpoint)."""

    async def unsatisfied(self) -> tuple[int, int | None]: ...


class TorrentClient(Protocol):
    """What is used of `clients.qbittorrent.QBittorrentClient` (sync; run in a thread)."""

    def login(self) -> str: ...

    def add_torrent(
        self,
        payload: TorrentPayload,
        *,
        category: str | None = None,
        tags: Sequence[str] = (),
        save_path: str | None = None,
    ) -> AddResult: ...

    def torrents(
        self,
        *,
        category: str | None = None,
        tag: str | None = None,
        hashes: Sequence[str] | None = None,
    ) -> list[QbtTorrent]: ...

    def status(self) -> dict[str, Any]: ...


class MamApi(Protocol):
    """The part of `clients.mam.MamClient` used here."""

    http: Any

    async def search_text(self, text: str, **kwargs: Any) -> Any: ...

    async def user_data(self) -> Any: ...

    def status(self) -> dict[str, Any]: ...


class MamReleaseSource:
    """MAM's own search as a `ReleaseSource` + `UnsatisfiedLimit` (adapts `MamClient`).

    Grabs use the per-user download link MAM returns with `dlLink` (`/tor/download.php/<dl>`),
    which needs no cookie; a row without a usable `dl` has no link and is never grabbed. The
    `dl` value is registered as a secret of the client so it never shows in errors.
    """

    name = "mam"

    def __init__(self, client: MamApi, *, languages: Sequence[int] = ()) -> None:
        self.client = client
        self.languages = tuple(languages)

    async def search(self, title: str, author: str | None = None) -> list[Release]:
        text = " ".join(x for x in (title, author or "") if x)
        result = await self.client.search_text(text, languages=self.languages)
        if not result.torrents and author:
            result = await self.client.search_text(title, languages=self.languages)
        return [self.to_release(t) for t in result.torrents]

    def to_release(self, torrent: Any) -> Release:
        if torrent.dl_hash and torrent.dl_hash not in self.client.http.secrets:
            self.client.http.secrets.append(torrent.dl_hash)
        file_types = tuple((torrent.filetype or "").lower().replace(",", " ").split())
        return Release(
            title=torrent.title,
            source="mam",
            indexer="MyAnonamouse",
            indexer_id=None,
            guid=torrent.info_url,
            link=torrent.download_url if torrent.dl_hash else None,
            size_bytes=torrent.size_bytes,
            seeders=torrent.seeders,
            leechers=torrent.leechers,
            grabs=torrent.snatched,
            files=torrent.num_files,
            published=torrent.added,
            freeleech=bool(torrent.freeleech),
            vip=bool(torrent.vip or torrent.fl_vip),
            info_url=torrent.info_url,
            authors=tuple(torrent.authors),
            narrators=tuple(torrent.narrators),
            book_title=torrent.title,
            series=tuple((s.name, s.position) for s in torrent.series),
            language=torrent.language_code,
            file_types=file_types,
            description=torrent.description,
            tags=torrent.tags,
            source_id=str(torrent.id),
        )

    async def fetch(self, release: Release) -> TorrentPayload:
        return await fetch_release(self.client.http, release)

    async def unsatisfied(self) -> tuple[int, int | None]:
        unsat = (await self.client.user_data()).unsat
        return int(unsat.count), (int(unsat.limit) if unsat.limit is not None else None)

    def status(self) -> dict[str, Any]:
        return self.client.status()


# --- policy ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DownloadPolicy:
    scoring: ScoringPolicy = field(default_factory=ScoringPolicy)
    dry_run: bool = False
    max_per_run: int = 10
    max_per_day: int = 25
    category: str = "library-pipeline"
    tags: tuple[str, ...] = ("library-pipeline",)
    save_path: str | None = None
    mam_reserve: int = 1
    max_attempts_per_book: int = 3

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> DownloadPolicy:
        scoring = ScoringPolicy(
            min_score=settings.download_min_score,
            format_preference=tuple(settings.download_format_preference),
            language=settings.download_language,
            preferred_narrators=tuple(settings.download_preferred_narrators),
            indexer_priority=dict(settings.download_indexer_priority),
            allow_packs=settings.download_allow_packs,
            allow_abridged=settings.download_allow_abridged,
            min_seeders=settings.download_min_seeders,
        )
        policy = cls(
            scoring=scoring,
            dry_run=settings.download_dry_run,
            max_per_run=settings.download_max_per_run,
            max_per_day=settings.download_max_per_day,
            category=settings.qbittorrent_category,
            tags=tuple(settings.qbittorrent_tags),
            save_path=settings.qbittorrent_save_path or None,
            mam_reserve=settings.mam_unsatisfied_reserve,
        )
        return replace(policy, **overrides) if overrides else policy


def settings_secrets(settings: Settings) -> list[str]:
    return [
        s.get_secret_value()
        for s in (
            settings.prowlarr_api_key,
            settings.torznab_api_key,
            settings.qbittorrent_password,
            settings.mam_id,
        )
        if s.get_secret_value()
    ]


def build_sources(settings: Settings, engine: Any = None) -> list[ReleaseSource]:
    """Release sources configured in `settings`: Prowlarr, Torznab, MAM (`mam_id` set and
    `download_search_mam`; with `engine`, the rotated cookie is kept in `app_state`)."""
    from library_pipeline.clients.mam import MamClient
    from library_pipeline.clients.prowlarr import ProwlarrClient
    from library_pipeline.clients.torznab import TorznabClient

    sources: list[ReleaseSource] = []
    if settings.prowlarr_url and settings.prowlarr_api_key.get_secret_value():
        sources.append(
            ProwlarrClient(
                settings.prowlarr_url,
                settings.prowlarr_api_key.get_secret_value(),
                categories=settings.download_categories,
            )
        )
    if settings.torznab_url:
        sources.append(
            TorznabClient(
                settings.torznab_url,
                settings.torznab_api_key.get_secret_value(),
                name=settings.torznab_name or None,
                categories=settings.download_categories,
            )
        )
    if settings.mam_id.get_secret_value() and settings.download_search_mam:
        store = None
        if engine is not None:
            from library_pipeline.services.mam import AppStateCookieStore

            store = AppStateCookieStore(engine)
        client = MamClient(
            settings.mam_url,
            settings.mam_id.get_secret_value(),
            cookie_store=store,
            min_delay=settings.mam_min_delay_seconds,
            max_delay=settings.mam_max_delay_seconds,
        )
        sources.append(MamReleaseSource(client))
    return sources


def build_qbittorrent(settings: Settings) -> TorrentClient:
    from library_pipeline.clients.qbittorrent import QBittorrentClient

    return QBittorrentClient(
        settings.qbittorrent_url,
        settings.qbittorrent_username,
        settings.qbittorrent_password.get_secret_value(),
    )


# --- one run --------------------------------------------------------------------------------------


@dataclass
class DownloadRun:
    """State shared by the calls of one run: clients, limits, counters and outcomes."""

    policy: DownloadPolicy
    sources: list[ReleaseSource]
    qbittorrent: TorrentClient | None
    mam_limit: UnsatisfiedLimit | None = None
    secrets: list[str] = field(default_factory=list)
    now: datetime | None = None
    owned: list[Any] = field(default_factory=list)  # clients this run built and must close

    grabbed: int = 0  # torrents sent this run (new or linked)
    mam_grabbed: int = 0
    day_count: int | None = None
    mam_unsat: tuple[int, int | None] | None = None
    mam_error: str | None = None
    qbt_checked: bool = False
    qbt_error: str | None = None
    reconciled: dict[str, int] | None = None
    items: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_settings(
        cls,
        settings: Settings | None = None,
        *,
        sources: list[ReleaseSource] | None = None,
        qbittorrent: TorrentClient | None = None,
        mam_limit: UnsatisfiedLimit | None = None,
        policy: DownloadPolicy | None = None,
        now: datetime | None = None,
        engine: Any = None,
    ) -> DownloadRun:
        """Clients not passed are built from `settings`: Prowlarr, Torznab and MAM (with its
        rotated cookie kept in `app_state` when `engine` is given) when configured."""
        settings = settings or get_settings()
        policy = policy or DownloadPolicy.from_settings(settings)
        owned: list[Any] = []
        if sources is None:
            sources = build_sources(settings, engine)
            owned.extend(s.client if isinstance(s, MamReleaseSource) else s for s in sources)
        if qbittorrent is None and not policy.dry_run:
            qbittorrent = build_qbittorrent(settings)
        if mam_limit is None:
            mam_limit = next((s for s in sources if isinstance(s, UnsatisfiedLimit)), None)
        return cls(
            policy=policy,
            sources=list(sources),
            qbittorrent=qbittorrent,
            mam_limit=mam_limit,
            secrets=settings_secrets(settings),
            now=now,
            owned=owned,
        )

    def clock(self) -> datetime:
        return self.now or utcnow()

    def redact(self, text: str) -> str:
        secrets = list(self.secrets)
        for source in self.sources:
            http = getattr(source, "http", None) or getattr(
                getattr(source, "client", None), "http", None
            )
            secrets.extend(getattr(http, "secrets", []) or [])
        secrets.extend(getattr(self.qbittorrent, "secrets", []) or [])
        return redact(text, secrets)

    async def aclose(self) -> None:
        for client in self.owned:
            with contextlib.suppress(Exception):
                await client.aclose()
        self.owned.clear()

    def provider_status(self) -> dict[str, Any]:
        status = {source.name: source.status() for source in self.sources}
        if self.qbittorrent is not None:
            status["qbittorrent"] = self.qbittorrent.status()
        if self.mam_unsat is not None:
            status["mam_unsatisfied"] = {"count": self.mam_unsat[0], "limit": self.mam_unsat[1]}
        return status

    def result(self, items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """`{download_queued_count, success_count, failed_count, skipped_count, errors, ...}`:
        queued = new torrents added to qBittorrent; success = books that now have a download
        (added, linked to a torrent qBittorrent already had, or chosen in a dry run)."""
        items = self.items if items is None else items
        outcomes = [i["outcome"] for i in items]
        return {
            "download_queued_count": outcomes.count("queued"),
            "success_count": sum(o in ("queued", "linked", "chosen") for o in outcomes),
            "failed_count": outcomes.count("failed"),
            "skipped_count": outcomes.count("skipped"),
            "linked_count": outcomes.count("linked"),
            "chosen_count": outcomes.count("chosen"),
            "dry_run": self.policy.dry_run,
            "errors": [
                {"missing_book_id": i["missing_book_id"], "title": i["title"], "error": i["reason"]}
                for i in items
                if i["outcome"] == "failed"
            ],
            # Sources that failed while others answered (e.g. a 401 from one indexer).
            "source_errors": sorted({e for i in items for e in i.get("source_errors", [])}),
            "items": items,
            "reconciled": dict(self.reconciled or {}),
        }


def _item(book: MissingBook, outcome: str, reason: str | None = None, **extra: Any) -> dict:
    return {
        "missing_book_id": book.id,
        "title": book.title,
        "author": (book.authors or [None])[0],
        "source": book.discovery_source,
        "outcome": outcome,
        "reason": reason,
        **extra,
    }


def _release_fields(score: ReleaseScore) -> dict[str, Any]:
    release = score.release
    return {
        "release": release.title,
        "indexer": release.indexer or release.source,
        "score": score.total,
        "score_summary": score.explain(),
        "size_bytes": release.size_bytes,
        "seeders": release.seeders,
    }


# --- selection and limits -------------------------------------------------------------------------


def select_books(
    session: Session,
    discovery_source: str,
    batch_size: int,
    max_priority: int | None = None,
) -> list[MissingBook]:
    """Pending wanted books of one discovery source without an active download, best first."""
    active = exists().where(
        and_(
            Download.missing_book_id == MissingBook.id,
            Download.status.in_(ACTIVE_STATUSES),
        )
    )
    query = select(MissingBook).where(
        MissingBook.status == "pending",
        MissingBook.discovery_source == discovery_source,
        ~active,
    )
    if max_priority is not None:
        query = query.where(MissingBook.priority >= max_priority)
    query = query.order_by(MissingBook.priority.desc(), MissingBook.id).limit(max(0, batch_size))
    return list(session.scalars(query))


def queued_in_last_day(session: Session, now: datetime) -> int:
    return int(
        session.scalar(
            select(func.count(Download.id)).where(
                Download.status.in_(COUNTED_STATUSES),
                Download.queued_at.is_not(None),
                Download.queued_at >= now - timedelta(hours=24),
            )
        )
        or 0
    )


def _limit_reason(session: Session, run: DownloadRun) -> str | None:
    policy = run.policy
    if run.grabbed >= policy.max_per_run:
        return f"per-run limit reached ({policy.max_per_run})"
    if policy.dry_run:
        return None
    if run.day_count is None:
        run.day_count = queued_in_last_day(session, run.clock())
    if run.day_count >= policy.max_per_day:
        return f"daily limit reached ({policy.max_per_day} in 24 h)"
    return None


async def _mam_block(run: DownloadRun) -> str | None:
    """Why MAM releases may not be grabbed now (None = they may)."""
    if run.mam_limit is None:
        return None
    if run.mam_unsat is None and run.mam_error is None:
        try:
            run.mam_unsat = await run.mam_limit.unsatisfied()
        except Exception as error:  # noqa: BLE001 - any failure means "unknown": be safe
            run.mam_error = run.redact(str(error))
    if run.mam_error is not None:
        return f"MAM unsatisfied count unknown ({run.mam_error}): not grabbing from MAM"
    assert run.mam_unsat is not None
    count, limit = run.mam_unsat
    if limit is None:
        return None
    allowed = limit - run.policy.mam_reserve
    if count + run.mam_grabbed >= allowed:
        return (
            f"MAM unsatisfied limit: {count + run.mam_grabbed}/{limit} "
            f"(keeping {run.policy.mam_reserve} free)"
        )
    return None


async def _check_qbittorrent(run: DownloadRun) -> str | None:
    if run.policy.dry_run:
        return None
    if run.qbittorrent is None:
        return "qBittorrent not configured"
    if not run.qbt_checked:
        run.qbt_checked = True
        try:
            await asyncio.to_thread(run.qbittorrent.login)
        except ProviderError as error:
            run.qbt_error = run.redact(str(error))
        except Exception as error:  # noqa: BLE001
            run.qbt_error = run.redact(f"qbittorrent: {type(error).__name__}: {error}")
    return run.qbt_error


# --- reconciliation -------------------------------------------------------------------------------


async def reconcile_downloads(session: Session, run: DownloadRun) -> dict[str, int]:
    """Finish or undo grabs a crash interrupted, and adopt tagged torrents without a row.

    `adding` rows: in qBittorrent → `queued` (+ book `queued`); absent → `failed`.
    Torrents tagged `lp-missing-<id>` (and our first tag) with no row → a `queued` row.
    """
    counts = {"confirmed": 0, "abandoned": 0, "adopted": 0}
    if run.reconciled is not None or run.policy.dry_run or run.qbittorrent is None:
        return counts
    run.reconciled = counts
    if await _check_qbittorrent(run):
        return counts
    try:
        await _reconcile(session, run, counts)
    except ProviderError as error:
        session.rollback()
        run.qbt_error = run.redact(str(error))
    return counts


async def _reconcile(session: Session, run: DownloadRun, counts: dict[str, int]) -> None:
    assert run.qbittorrent is not None
    adding = list(session.scalars(select(Download).where(Download.status == "adding")))
    filter_tag = run.policy.tags[0] if run.policy.tags else None
    torrents = await asyncio.to_thread(
        run.qbittorrent.torrents,
        tag=filter_tag,
        category=None if filter_tag else run.policy.category,
    )
    by_hash = {t.hash.lower(): t for t in torrents}
    now = run.clock()
    for row in adding:
        torrent = by_hash.get((row.infohash or "").lower())
        if torrent is None and row.infohash:
            found = await asyncio.to_thread(run.qbittorrent.torrents, hashes=[row.infohash])
            torrent = found[0] if found else None
        book = session.get(MissingBook, row.missing_book_id) if row.missing_book_id else None
        if torrent is not None:
            row.status, row.queued_at, row.error = "queued", now, None
            row.save_path = torrent.save_path or row.save_path
            if book is not None and book.status == "pending":
                book.status = "queued"
            counts["confirmed"] += 1
        else:
            row.status = "failed"
            row.error = "not in qBittorrent after an interrupted run; the book will be retried"
            counts["abandoned"] += 1
        session.commit()
    known = set(
        h.lower()
        for h in session.scalars(select(Download.infohash).where(Download.infohash.is_not(None)))
    )
    for torrent in torrents:
        book_id = book_id_from_tags(torrent.tags)
        if book_id is None or torrent.hash.lower() in known:
            continue
        book = session.get(MissingBook, book_id)
        if book is None:
            continue
        session.add(
            Download(
                missing_book_id=book.id,
                release_title=torrent.name,
                indexer=None,
                source="reconciled",
                score=None,
                score_details={"note": "adopted from qBittorrent by its lp-missing tag"},
                link=redact_link(torrent.magnet_uri) or None,
                infohash=torrent.hash.lower(),
                size_bytes=torrent.total_size if torrent.total_size >= 0 else None,
                category=torrent.category or None,
                status="queued",
                save_path=torrent.save_path or None,
                queued_at=now,
            )
        )
        if book.status == "pending":
            book.status = "queued"
        session.commit()
        counts["adopted"] += 1


# --- one book -------------------------------------------------------------------------------------


def _wanted(book: MissingBook) -> WantedBook:
    return WantedBook(
        title=book.title,
        authors=tuple(book.authors or ()),
        series=book.series,
        series_position=book.series_position,
        language=book.language,
    )


async def _search(
    run: DownloadRun, book: MissingBook
) -> tuple[list[Release], dict[str, ReleaseSource], list[str], int]:
    """(releases, release key -> the source that found it, per-source errors, sources that
    answered)."""
    title = clean_title(book.title, book.series)
    author = (book.authors or [None])[0]
    releases: list[Release] = []
    origin: dict[str, ReleaseSource] = {}
    errors: list[str] = []
    answered = 0
    for source in run.sources:
        try:
            found = await source.search(title, author)
        except ProviderError as error:
            errors.append(run.redact(str(error)))
            continue
        except Exception as error:  # noqa: BLE001 - a broken source must not stop the batch
            errors.append(run.redact(f"{source.name}: {type(error).__name__}: {error}"))
            continue
        answered += 1
        for release in found:
            origin.setdefault(release.key, source)
        releases.extend(found)
    return releases, origin, errors, answered


def _row_values(score: ReleaseScore, run: DownloadRun, infohash: str | None) -> dict[str, Any]:
    release = score.release
    return {
        "release_title": release.title,
        "indexer": release.indexer,
        "source": release.source[:16],
        "score": score.total,
        "score_details": score.as_dict(),
        "link": redact_link(release.link or release.magnet),
        "infohash": infohash,
        "size_bytes": release.size_bytes,
        "category": run.policy.category,
        "error": None,
    }


def _chosen_row(session: Session, book: MissingBook) -> Download | None:
    return session.scalar(
        select(Download)
        .where(Download.missing_book_id == book.id, Download.status == "chosen")
        .order_by(Download.id)
        .limit(1)
    )


def _record_chosen(
    session: Session, book: MissingBook, score: ReleaseScore, run: DownloadRun
) -> Download:
    """The book's one `chosen` row (dry run), created or updated. The advertised infohash is
    kept unless another row holds it (infohashes are unique)."""
    row = _chosen_row(session, book)
    infohash = score.release.infohash
    if infohash:
        holder = session.scalar(select(Download).where(Download.infohash == infohash))
        if holder is not None and (row is None or holder.id != row.id):
            infohash = None
    values = _row_values(score, run, infohash)
    if row is None:
        row = Download(missing_book_id=book.id, status="chosen", **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    session.commit()
    return row


async def _grab(
    session: Session,
    run: DownloadRun,
    book: MissingBook,
    choice: Choice,
    origin: dict[str, ReleaseSource],
) -> dict[str, Any]:
    """Try the accepted releases best first; return the book's outcome item."""
    attempts: list[str] = []
    assert run.qbittorrent is not None
    for score in choice.accepted[: run.policy.max_attempts_per_book]:
        release = score.release
        source = origin.get(release.key)
        label = f"{release.title[:60]} ({release.indexer or release.source})"
        if source is None:
            attempts.append(f"{label}: no client for source {release.source}")
            continue
        # 1. payload and infohash first
        try:
            payload = await source.fetch(release)
        except ProviderError as error:
            attempts.append(f"{label}: {run.redact(str(error))}")
            continue
        infohash = payload.infohash.lower()
        # 2. a complete `adding` row, committed
        holder = session.scalar(select(Download).where(Download.infohash == infohash))
        if holder is not None and holder.missing_book_id != book.id:
            attempts.append(f"{label}: already used for wanted book #{holder.missing_book_id}")
            continue
        if holder is not None and holder.status in ACTIVE_STATUSES:
            row = holder  # a previous run got this far: just finish below
        else:
            row = holder or _chosen_row(session, book)
            values = _row_values(score, run, infohash)
            if row is None:
                row = Download(missing_book_id=book.id, status="adding", **values)
                session.add(row)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                row.status = "adding"
            session.commit()
        # 3. qBittorrent
        try:
            result = await asyncio.to_thread(
                run.qbittorrent.add_torrent,
                payload,
                category=run.policy.category,
                tags=[*run.policy.tags, book_tag(book.id)],
                save_path=run.policy.save_path,
            )
        except TorrentRejected as error:
            row.status, row.error = "failed", run.redact(str(error))
            session.commit()
            attempts.append(f"{label}: {row.error}")
            continue
        except AuthError as error:
            run.qbt_error = run.redact(str(error))
            row.status, row.error = "failed", run.qbt_error
            session.commit()
            return _item(book, "failed", run.qbt_error, **_release_fields(score))
        except ProviderError as error:
            # Ambiguous (it may have been added): the `adding` row is reconciled next run.
            run.qbt_error = run.redact(str(error))
            return _item(
                book,
                "failed",
                f"{run.qbt_error} (left 'adding': reconciled by infohash on the next run)",
                **_release_fields(score),
            )
        # 4. queued, together with the book
        now = run.clock()
        row.status, row.queued_at, row.error = "queued", now, None
        if result.torrent is not None and result.torrent.save_path:
            row.save_path = result.torrent.save_path
        details = dict(row.score_details or {})
        details["qbittorrent"] = result.outcome.value
        row.score_details = details
        book.status = "queued"
        for stale in session.scalars(
            select(Download).where(
                Download.missing_book_id == book.id,
                Download.status == "chosen",
                Download.id != row.id,
            )
        ):
            session.delete(stale)  # a dry run's preview, superseded by the real grab
        session.commit()
        run.grabbed += 1
        if run.day_count is not None:
            run.day_count += 1
        if is_mam_release(release) and result.outcome is AddOutcome.ADDED:
            run.mam_grabbed += 1
        outcome = "linked" if result.outcome is AddOutcome.ALREADY_PRESENT else "queued"
        reason = "qBittorrent already had this torrent: linked" if outcome == "linked" else None
        return _item(
            book,
            outcome,
            reason,
            infohash=infohash,
            download_id=row.id,
            kind=payload.kind,
            **_release_fields(score),
        )
    reason = (
        "every acceptable release failed: " + " | ".join(attempts)
        if attempts
        else ("no acceptable release")
    )
    return _item(book, "failed", reason, **_release_fields(choice.accepted[0]))


async def _process_book(session: Session, run: DownloadRun, book: MissingBook) -> dict[str, Any]:
    limit = _limit_reason(session, run)
    if limit:
        return _item(book, "skipped", limit)
    qbt_error = await _check_qbittorrent(run)
    if qbt_error:
        return _item(book, "failed", qbt_error)
    if not run.sources:
        return _item(book, "failed", "no release source configured (Prowlarr, Torznab or MAM)")
    releases, origin, errors, answered = await _search(run, book)
    if answered == 0:
        return _item(book, "failed", "every release source failed: " + " | ".join(errors))
    policy = run.policy.scoring
    if any(is_mam_release(r) for r in releases):
        block = await _mam_block(run)
        if block:
            policy = replace(policy, blocked={**policy.blocked, **dict.fromkeys(MAM_NAMES, block)})
    choice = choose_release(releases, _wanted(book), policy)
    rejected = [
        {
            "release": s.release.title,
            "indexer": s.release.indexer,
            "score": s.total,
            "reasons": s.rejections,
        }
        for s in choice.scored
        if not s.accepted
    ][:10]
    extra: dict[str, Any] = {"rejected": rejected, "source_errors": errors}
    if choice.best is None:
        reason = choice.rejection_summary()
        if errors:
            reason += " (some sources failed: " + " | ".join(errors) + ")"
        return _item(book, "skipped", run.redact(reason), **extra)
    if run.policy.dry_run:
        row = _record_chosen(session, book, choice.best, run)
        run.grabbed += 1
        if is_mam_release(choice.best.release):
            run.mam_grabbed += 1
        return _item(
            book, "chosen", None, download_id=row.id, **_release_fields(choice.best), **extra
        )
    item = await _grab(session, run, book, choice, origin)
    item.update(extra)
    return item


async def download_missing_books(
    session: Session,
    discovery_source: str,
    batch_size: int = 10,
    max_priority: int | None = None,
    *,
    run: DownloadRun | None = None,
    settings: Settings | None = None,
    sources: list[ReleaseSource] | None = None,
    qbittorrent: TorrentClient | None = None,
    mam_limit: UnsatisfiedLimit | None = None,
    policy: DownloadPolicy | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Grab releases for up to `batch_size` pending wanted books of `discovery_source`."""
    own_run = run is None
    if run is None:
        run = DownloadRun.from_settings(
            settings,
            sources=sources,
            qbittorrent=qbittorrent,
            mam_limit=mam_limit,
            policy=policy,
            now=now,
            engine=session.get_bind(),
        )
    items: list[dict[str, Any]] = []
    try:
        await reconcile_downloads(session, run)
        for book in select_books(session, discovery_source, batch_size, max_priority):
            book_id, title = book.id, book.title
            try:
                item = await _process_book(session, run, book)
            except Exception as error:  # noqa: BLE001 - one bad book never stops the batch
                session.rollback()
                item = {
                    "missing_book_id": book_id,
                    "title": title,
                    "author": None,
                    "source": discovery_source,
                    "outcome": "failed",
                    "reason": run.redact(f"internal error: {type(error).__name__}: {error}"),
                }
            items.append(item)
            run.items.append(item)
    finally:
        if own_run:
            await run.aclose()
    result = run.result(items)
    result["provider_status"] = run.provider_status()
    return result


async def download_missing_series_books(
    session: Session, batch_size: int = 10, max_priority: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    """Series gaps → torrents (see `download_missing_books` for the keyword arguments)."""
    return await download_missing_books(session, SERIES_GAPS, batch_size, max_priority, **kwargs)


async def download_missing_author_books(
    session: Session, batch_size: int = 10, max_priority: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    """Author gaps → torrents."""
    return await download_missing_books(session, AUTHOR_GAPS, batch_size, max_priority, **kwargs)


async def download_missing_top10_books(
    session: Session, batch_size: int = 10, max_priority: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    """Wanted MAM top-10 books → torrents."""
    return await download_missing_books(session, TOP10, batch_size, max_priority, **kwargs)


__all__ = [
    "ACTIVE_STATUSES",
    "BOOK_TAG_PREFIX",
    "DownloadPolicy",
    "DownloadRun",
    "MamReleaseSource",
    "ReleaseSource",
    "TorrentClient",
    "UnsatisfiedLimit",
    "book_id_from_tags",
    "book_tag",
    "download_missing_author_books",
    "download_missing_books",
    "download_missing_series_books",
    "download_missing_top10_books",
    "reconcile_downloads",
    "select_books",
]
