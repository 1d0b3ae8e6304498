"""Metadata enrichment: find each book at the providers, merge what they know, keep the trail.

    result = await correct_all_books(session, limit=None, filter_incomplete_only=True,
                                     batch_size=10, providers=None, force_refresh=False)
    result = await correct_book_metadata(book_id, session, force_refresh=False, providers=None)
    result = revert_run(session, run_id)

**Lookup, per book** (`lookup_book`). The primary provider (first in
`metadata_provider_precedence`, Google Books by default) and Audnexus (the audio edition) are
asked at once; each tries the book's identifier first (ISBN / ASIN) and then a title + author
search, and a record is used only if `domain.work_matching` accepts it (see there: confidence,
foreign editions, wrong volumes). The other providers are then asked in precedence order, each
only while a field it can give is still missing — so a provider that is down, refuses the key,
answers garbage or matches nothing is simply fallen back from, with the error kept.

**Merge** (`domain.metadata_merge`): field by field, precedence per field, locked fields never
touched, present values never replaced by empty or lower-confidence ones. Every change becomes a
`MetadataCorrection` (old and new value, old and new source, run id) and `books.metadata_source`
says where each field came from; `metadata_completeness_percent` is recomputed
(`domain.completeness`).

**Freshness.** Books enriched within `enrichment_freshness_days` are skipped unless
`force_refresh`. `last_enriched_at` is set only when every provider asked answered: a book that
met an outage is retried by the next run (and the answers that did arrive come from the cache).

**Concurrency.** Up to `batch_size` books are looked up at once (a sliding window, not
lock-step batches), so the providers' rate limiters are the only brake. Results are written by
one writer in short transactions — the books finished so far (every 2 s, or at 250) per commit,
in a thread, with no `await` inside the write, on one connection held for the run; if a group
fails it is retried book by book, so one bad book rolls back only itself. Statements are
columnar (`UNNEST` of array parameters): one UPDATE and one INSERT per group on both engines
(DuckDB binds row-wise parameters ~50x slower, and opens its file anew per transaction under
`NullPool`: groups of 10 cost 18 ms a book, groups of 500 on a held connection 0.4 ms).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session

from library_pipeline.clients.http import NotFound, ProviderError, redact
from library_pipeline.clients.providers import Providers, build_providers
from library_pipeline.clients.records import BookRecord
from library_pipeline.domain.completeness import completeness_percent
from library_pipeline.domain.metadata_merge import (
    MERGE_FIELDS,
    PROVIDER_FIELDS,
    FieldChange,
    apply_changes,
    field_precedence,
    is_empty,
    merge_records,
    same_value,
)
from library_pipeline.domain.normalize import split_authors
from library_pipeline.domain.work_matching import BookQuery, Match, best_match, isbn13
from library_pipeline.settings import Settings, get_settings
from library_pipeline.storage.bulk import unnest_select
from library_pipeline.storage.models import Book, MetadataCorrection, utcnow

log = logging.getLogger(__name__)

MAX_WRITE_GROUP = 500  # books per write transaction at most
WRITE_GROUP = 250  # the writer wakes when this many results wait...
WRITE_EVERY_SECONDS = 2.0  # ...or this often
MAX_ERRORS_KEPT = 200
MAX_TEXT = 500
READ_COLUMNS = (
    "id",
    *MERGE_FIELDS,
    "duration_seconds",
    "metadata_source",
    "locked_fields",
    "metadata_completeness_percent",
    "last_enriched_at",
)


# --- configuration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrichmentConfig:
    precedence: dict[str, tuple[str, ...]]
    order: tuple[str, ...]
    min_confidence: float = 0.85
    freshness: timedelta = timedelta(days=30)
    default_language: str | None = "en"

    @classmethod
    def from_settings(cls, settings: Settings) -> EnrichmentConfig:
        order = tuple(settings.metadata_provider_precedence)
        return cls(
            precedence=field_precedence(order, settings.metadata_field_precedence),
            order=order,
            min_confidence=settings.enrichment_min_confidence,
            freshness=timedelta(days=settings.enrichment_freshness_days),
            default_language=settings.enrichment_default_language or None,
        )


# --- per-book state ----------------------------------------------------------------------------


@dataclass
class BookSnapshot:
    """A book's columns as read at the start of the run."""

    id: int
    values: dict[str, Any]
    sources: dict[str, str]
    locked: list[str]
    stored_completeness: float
    last_enriched_at: datetime | None

    def own(self, name: str) -> Any:
        """The value unless a provider gave it (an identifier a provider derived from a title
        search is no independent evidence, and asking by it would change the requests of an
        otherwise unchanged re-run, which the HTTP cache could not answer)."""
        return None if self.sources.get(name) in PROVIDER_FIELDS else self.values.get(name)

    def query(self) -> BookQuery:
        v = self.values
        return BookQuery(
            title=v.get("title") or "",
            authors=tuple(v.get("authors") or ()),
            series=v.get("series"),
            series_position=v.get("series_position"),
            language=v.get("language"),
            isbn=self.own("isbn"),
            asin=self.own("asin"),
            duration_seconds=v.get("duration_seconds"),
        )


@dataclass
class Lookup:
    """What the providers said about one book."""

    records: dict[str, BookRecord] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)  # asked and answered (match or not)


@dataclass
class BookOutcome:
    """One book's result: the changes to write and what to report."""

    book_id: int
    changes: list[FieldChange]
    values: dict[str, Any]
    sources: dict[str, str]
    completeness_before: float
    completeness_after: float
    errors: list[str]
    notes: list[str]
    matched: list[str]
    complete: bool  # every provider asked answered: the book counts as enriched now
    failed: bool  # nothing could be learned: every provider failed or was skipped

    @property
    def sources_used(self) -> list[str]:
        return sorted({c.source for c in self.changes})

    def as_result(self, run_id: str, status: str) -> dict[str, Any]:
        return {
            "book_id": self.book_id,
            "fields_updated": [c.field for c in self.changes],
            "sources_used": self.sources_used,
            "completeness_before": self.completeness_before,
            "completeness_after": self.completeness_after,
            "errors": list(self.errors),
            "notes": list(self.notes),
            "matched": list(self.matched),
            "status": status,
            "run_id": run_id,
        }


# --- reading -----------------------------------------------------------------------------------


def _snapshot(row: Any) -> BookSnapshot:
    data = row._mapping
    values = {name: data[name] for name in (*MERGE_FIELDS, "duration_seconds")}
    return BookSnapshot(
        id=data["id"],
        values=values,
        sources=dict(data["metadata_source"] or {}),
        locked=list(data["locked_fields"] or []),
        stored_completeness=data["metadata_completeness_percent"] or 0.0,
        last_enriched_at=data["last_enriched_at"],
    )


def load_snapshots(session: Session, book_ids: Sequence[int] | None = None) -> list[BookSnapshot]:
    columns = [getattr(Book, name) for name in READ_COLUMNS]
    statement = select(*columns).where(Book.status == "active")
    if book_ids is not None:
        statement = statement.where(Book.id.in_(list(book_ids)))
    rows = session.execute(statement.order_by(Book.id)).all()
    session.commit()  # end the read transaction: nothing is held open during the lookups
    return [_snapshot(row) for row in rows]


def is_fresh(snapshot: BookSnapshot, config: EnrichmentConfig, now: datetime) -> bool:
    enriched = snapshot.last_enriched_at
    return enriched is not None and now - enriched < config.freshness


# --- lookup ------------------------------------------------------------------------------------


def _wanted(snapshot: BookSnapshot, records: dict[str, BookRecord]) -> set[str]:
    """Fields still worth asking another provider for (see `domain.completeness`)."""
    values = snapshot.values

    def missing(name: str) -> bool:
        return (
            name not in snapshot.locked
            and is_empty(values.get(name))
            and all(is_empty(getattr(r, name, None)) for r in records.values())
        )

    wanted = {
        name
        for name in (
            "title",
            "authors",
            "narrators",
            "description",
            "publisher",
            "published_date",
            "language",
            "genres",
            "cover",
        )
        if missing(name)
    }
    if missing("isbn") and missing("asin"):
        wanted |= {"isbn", "asin"}
    # A book Audnexus knows and gives no series is a standalone: no need to look further.
    if "audnexus" not in records and missing("series"):
        wanted.add("series")
    return wanted


class BookLookup:
    """Asks the providers about one book (see the module doc for the order)."""

    def __init__(
        self, snapshot: BookSnapshot, providers: Providers, config: EnrichmentConfig
    ) -> None:
        self.snapshot = snapshot
        self.query = snapshot.query()
        # Searches name people "First Last" ("Brown, Pierce" → "Pierce Brown").
        self.authors = [name for credit in self.query.authors for name in split_authors(credit)]
        self.providers = providers
        self.config = config
        self.result = Lookup()
        self.secrets = _secrets(providers)

    async def run(self) -> Lookup:
        order = [p for p in self.config.order if self.providers.get(p) is not None]
        if not order:
            self.result.notes.append("no metadata provider is configured")
            return self.result
        first = [order[0]] + (["audnexus"] if "audnexus" in order[1:] else [])
        await asyncio.gather(*(self.ask(name) for name in first))
        for name in order:
            if name in first:
                continue
            if _wanted(self.snapshot, self.result.records) & PROVIDER_FIELDS.get(name, set()):
                await self.ask(name)
        return self.result

    async def ask(self, name: str) -> None:
        if not self.providers.available(name):
            client = self.providers.get(name)
            if client is not None:  # configured, but its circuit is open
                reason = str(client.status()["last_error"] or "").removeprefix(f"{name}: ")
                self.result.errors.append(self._clean(f"{name}: skipped (circuit open): {reason}"))
            return
        self.result.asked.append(name)
        try:
            match = await getattr(self, f"_ask_{name}")()
        except ProviderError as error:
            self.result.errors.append(self._clean(str(error)))
            return
        except Exception as error:  # a bug must not end the run: record it with the book
            log.exception("enrichment: unexpected error from %s", name)
            self.result.errors.append(self._clean(f"{name}: {type(error).__name__}: {error}"))
            return
        self.result.answered.append(name)
        if match is None:
            return
        if match.accepted:
            self.result.records[name] = match.record  # type: ignore[assignment]
        else:
            self.result.notes.append(f"{name}: {match.reason}")

    def _match(self, records: Iterable[BookRecord]) -> Match:
        return best_match(
            self.query,
            list(records),
            threshold=self.config.min_confidence,
            default_language=self.config.default_language,
        )

    async def _identify(self, by_id: Any, by_search: Any) -> Match | None:
        """Identifier lookup first; the title search only if that found nothing usable."""
        match: Match | None = None
        if by_id is not None:
            try:
                match = self._match(await by_id())
            except NotFound:
                match = None
            if match is not None and match.accepted:
                return match
        if self.query.title and by_search is not None:
            searched = self._match(await by_search())
            if searched.accepted or match is None:
                return searched
        return match

    async def _ask_google_books(self) -> Match | None:
        client = self.providers.google_books
        isbn = isbn13(self.query.isbn)
        return await self._identify(
            (lambda: client.find_by_isbn(isbn)) if isbn else None,
            lambda: client.search_title_author(self.query.title, self.authors),
        )

    async def _ask_open_library(self) -> Match | None:
        client = self.providers.open_library
        isbn = isbn13(self.query.isbn)
        match = await self._identify(
            (lambda: client.find_by_isbn(isbn)) if isbn else None,
            lambda: client.search(self.query.title, self.authors),
        )
        wanted = _wanted(self.snapshot, self.result.records)
        if match is not None and match.accepted and wanted & {"description", "genres"}:
            record = match.record
            assert isinstance(record, BookRecord)
            try:
                detailed = await client.with_details(record)
            except NotFound:
                detailed = record
            except ProviderError as error:  # keep what the search gave; retry the rest later
                self.result.errors.append(self._clean(str(error)))
                detailed = record
            match = Match(detailed, match.confidence, match.method, match.reason)
        return match

    async def _ask_hardcover(self) -> Match | None:
        client = self.providers.hardcover
        isbn = isbn13(self.query.isbn)
        return await self._identify(
            (lambda: client.find_by_isbn(isbn)) if isbn else None,
            lambda: client.search_title_author(self.query.title, self.authors),
        )

    async def _ask_audnexus(self) -> Match | None:
        client = self.providers.audnexus
        asin = self.query.asin

        async def by_asin() -> list[BookRecord]:
            record = await client.book(asin or "")
            return [record] if record else []

        return await self._identify(
            by_asin if asin else None,
            lambda: client.search_title_author(self.query.title, self.authors),
        )

    def _clean(self, message: str) -> str:
        return redact(message, self.secrets)[:MAX_TEXT]


def _secrets(providers: Providers) -> list[str]:
    return [secret for client in providers for secret in client.http.secrets]


async def lookup_book(
    snapshot: BookSnapshot, providers: Providers, config: EnrichmentConfig
) -> Lookup:
    return await BookLookup(snapshot, providers, config).run()


def build_outcome(snapshot: BookSnapshot, lookup: Lookup, config: EnrichmentConfig) -> BookOutcome:
    changes = merge_records(
        snapshot.values, snapshot.sources, snapshot.locked, lookup.records, config.precedence
    )
    values, sources = apply_changes(snapshot.values, snapshot.sources, changes)
    failed = bool(lookup.errors) and not lookup.answered
    return BookOutcome(
        book_id=snapshot.id,
        changes=changes,
        values=values,
        sources=sources,
        completeness_before=completeness_percent(snapshot.values),
        completeness_after=completeness_percent(values),
        errors=list(lookup.errors),
        notes=list(lookup.notes),
        matched=sorted(lookup.records),
        complete=not lookup.errors,
        failed=failed,
    )


# --- writing -----------------------------------------------------------------------------------

_JSON_FIELDS = frozenset({"authors", "narrators", "genres"})


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _update_books(session: Session, outcomes: Sequence[BookOutcome], now: datetime) -> None:
    columns: dict[str, tuple[str, list[Any]]] = {"id": ("INTEGER", [o.book_id for o in outcomes])}
    assignments = []
    for name in MERGE_FIELDS:
        new_values, flags = [], []
        for outcome in outcomes:
            change = next((c for c in outcome.changes if c.field == name), None)
            value = change.new if change else None
            new_values.append(_json(value) if name in _JSON_FIELDS else value)
            flags.append(change is not None)
        if not any(flags):
            continue
        columns[f"v_{name}"] = ("VARCHAR", new_values)
        columns[f"s_{name}"] = ("BOOLEAN", flags)
        assignments.append(f"{name} = CASE WHEN u.s_{name} THEN u.v_{name} ELSE books.{name} END")
    changed = [bool(o.changes) for o in outcomes]
    columns["v_sources"] = ("VARCHAR", [_json(o.sources) for o in outcomes])
    columns["s_sources"] = ("BOOLEAN", changed)
    columns["v_completeness"] = ("FLOAT8", [o.completeness_after for o in outcomes])
    columns["v_touch"] = ("BOOLEAN", [o.complete for o in outcomes])
    columns["v_error"] = ("VARCHAR", [_error_summary(o) for o in outcomes])
    columns["v_now"] = ("TIMESTAMP", [now] * len(outcomes))
    assignments += [
        "metadata_source = CASE WHEN u.s_sources THEN u.v_sources ELSE books.metadata_source END",
        "metadata_completeness_percent = u.v_completeness",
        "last_enriched_at = CASE WHEN u.v_touch THEN u.v_now ELSE books.last_enriched_at END",
        "enrichment_error = u.v_error",
        "updated_at = CASE WHEN u.s_sources THEN u.v_now ELSE books.updated_at END",
    ]
    selects, params = unnest_select(columns)
    session.execute(
        text(
            f"UPDATE books SET {', '.join(assignments)} FROM (SELECT {selects}) AS u "
            "WHERE books.id = u.id"
        ),
        params,
    )


def _insert_corrections(
    session: Session, outcomes: Sequence[BookOutcome], run_id: str, now: datetime
) -> None:
    rows = [(o.book_id, c) for o in outcomes for c in o.changes]
    if not rows:
        return
    columns = {
        "book_id": ("INTEGER", [book_id for book_id, _ in rows]),
        "field": ("VARCHAR", [c.field for _, c in rows]),
        "old_value": ("VARCHAR", [_json(c.old) for _, c in rows]),
        "new_value": ("VARCHAR", [_json(c.new) for _, c in rows]),
        "source": ("VARCHAR", [c.source for _, c in rows]),
        "old_source": ("VARCHAR", [c.old_source for _, c in rows]),
        "run_id": ("VARCHAR", [run_id] * len(rows)),
        "created_at": ("TIMESTAMP", [now] * len(rows)),
    }
    selects, params = unnest_select(columns)
    names = ", ".join(columns)
    session.execute(
        text(
            f"INSERT INTO metadata_corrections (id, {names}) "
            f"SELECT nextval('metadata_corrections_id_seq'), {names} FROM (SELECT {selects}) AS u"
        ),
        params,
    )


def _error_summary(outcome: BookOutcome) -> str | None:
    if outcome.errors:
        return "; ".join(outcome.errors)[:MAX_TEXT]
    if not outcome.matched and outcome.notes:
        return "; ".join(outcome.notes)[:MAX_TEXT]
    return None


def _db_error(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    first = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"database: {type(original).__name__}: {first}"[:MAX_TEXT]


def write_outcomes(
    session: Session, outcomes: Sequence[BookOutcome], run_id: str, now: datetime | None = None
) -> dict[int, str]:
    """Store a group of results in one short transaction; if it fails, book by book.

    Synchronous on purpose (no `await` inside a transaction). Returns book id → error for the
    books that could not be written (their rows are left as they were).
    """
    if not outcomes:
        return {}
    now = now or utcnow()

    def write(group: Sequence[BookOutcome]) -> None:
        _update_books(session, group, now)
        _insert_corrections(session, group, run_id, now)
        session.commit()

    try:
        write(outcomes)
        return {}
    except Exception as error:
        session.rollback()
        if len(outcomes) == 1:
            return {outcomes[0].book_id: _db_error(error)}
    failures: dict[int, str] = {}
    for outcome in outcomes:
        try:
            write([outcome])
        except Exception as error:
            session.rollback()
            failures[outcome.book_id] = _db_error(error)
    return failures


# --- the service functions ---------------------------------------------------------------------


async def _process(
    snapshot: BookSnapshot, providers: Providers, config: EnrichmentConfig
) -> BookOutcome:
    """One book's lookup and merge; an unexpected error fails this book only."""
    try:
        return build_outcome(snapshot, await lookup_book(snapshot, providers, config), config)
    except Exception as error:
        log.exception("enrichment: book %s failed", snapshot.id)
        message = redact(f"{type(error).__name__}: {error}", _secrets(providers))[:MAX_TEXT]
        before = completeness_percent(snapshot.values)
        return BookOutcome(
            book_id=snapshot.id,
            changes=[],
            values=snapshot.values,
            sources=snapshot.sources,
            completeness_before=before,
            completeness_after=before,
            errors=[message],
            notes=[],
            matched=[],
            complete=False,
            failed=True,
        )


def _writer_session(session: Session) -> tuple[Session, Connection | None]:
    """A session on one connection held for the whole run (its transactions stay short).

    With DuckDB's `NullPool` every transaction would otherwise open the database file anew
    (tens of milliseconds); with PostgreSQL it simply keeps one pooled connection.
    """
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        return session, None
    connection = bind.connect()
    return Session(bind=connection, expire_on_commit=False), connection


def _config(settings: Settings | None) -> tuple[Settings, EnrichmentConfig]:
    s = settings or get_settings()
    return s, EnrichmentConfig.from_settings(s)


async def correct_book_metadata(
    book_id: int,
    session: Session,
    force_refresh: bool = False,
    *,
    providers: Providers | None = None,
    run_id: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Look one book up and store what the providers add (one transaction).

    Returns `{book_id, fields_updated, sources_used, completeness_before, completeness_after,
    errors}` plus `notes` (why a provider's record was not used), `matched`, `status`
    (updated | unchanged | skipped | failed | not_found) and `run_id`.
    """
    settings, config = _config(settings)
    run_id = run_id or uuid.uuid4().hex
    snapshots = load_snapshots(session, [book_id])
    if not snapshots:
        return {
            "book_id": book_id,
            "fields_updated": [],
            "sources_used": [],
            "completeness_before": None,
            "completeness_after": None,
            "errors": [f"book {book_id} not found (or removed)"],
            "notes": [],
            "matched": [],
            "status": "not_found",
            "run_id": run_id,
        }
    snapshot = snapshots[0]
    if not force_refresh and is_fresh(snapshot, config, utcnow()):
        completeness = completeness_percent(snapshot.values)
        return {
            "book_id": book_id,
            "fields_updated": [],
            "sources_used": [],
            "completeness_before": completeness,
            "completeness_after": completeness,
            "errors": [],
            "notes": [f"enriched at {snapshot.last_enriched_at:%Y-%m-%d %H:%M}; use force_refresh"],
            "matched": [],
            "status": "skipped",
            "run_id": run_id,
        }
    owned = providers is None
    providers = providers or build_providers(settings)
    try:
        outcome = build_outcome(snapshot, await lookup_book(snapshot, providers, config), config)
    finally:
        if owned:
            await providers.aclose()
    failures = write_outcomes(session, [outcome], run_id)
    if failures:
        outcome.errors.append(failures[book_id])
        status = "failed"
    elif outcome.failed:
        status = "failed"
    else:
        status = "updated" if outcome.changes else "unchanged"
    return outcome.as_result(run_id, status)


async def correct_all_books(
    session: Session,
    limit: int | None = None,
    filter_incomplete_only: bool = True,
    batch_size: int = 10,
    *,
    providers: Providers | None = None,
    force_refresh: bool = False,
    run_id: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Enrich every active book (or the incomplete ones), `batch_size` at a time.

    Returns `{total_processed, succeeded, failed, skipped, total_fields_updated,
    average_completeness_before, average_completeness_after, errors}` where `total_processed`
    counts every book selected (succeeded + failed + skipped) and `errors` lists
    `{book_id, error}` (at most 200; `errors_total` has the count). Also: `run_id`,
    `books_updated`, `unmatched` (`{book_id, reason}`, no confident match anywhere),
    `provider_status` (each client's `status()`), `network_requests`, `seconds`, `updates`
    (a preview of changed books).
    """
    started = time.monotonic()
    settings, config = _config(settings)
    run_id = run_id or uuid.uuid4().hex
    now = utcnow()
    snapshots = load_snapshots(session)
    if filter_incomplete_only:
        snapshots = [s for s in snapshots if completeness_percent(s.values) < 100.0]
    fresh = [] if force_refresh else [s for s in snapshots if is_fresh(s, config, now)]
    fresh_ids = {s.id for s in fresh}
    todo = [s for s in snapshots if s.id not in fresh_ids]
    todo.sort(key=lambda s: (s.last_enriched_at is not None, s.last_enriched_at or now, s.id))
    if limit is not None:
        todo = todo[: max(0, limit)]

    owned = providers is None
    providers = providers or build_providers(settings)
    requests_before = providers.network_requests
    outcomes: list[BookOutcome] = []
    write_failures: dict[int, str] = {}
    queue: asyncio.Queue[BookOutcome | None] = asyncio.Queue()
    wake = asyncio.Event()
    writer_session, connection = _writer_session(session)

    async def worker(items: Iterable[BookSnapshot]) -> None:
        for snapshot in items:
            await queue.put(await _process(snapshot, providers, config))
            if queue.qsize() >= WRITE_GROUP:
                wake.set()

    async def writer() -> None:
        done = False
        while not done:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), WRITE_EVERY_SECONDS)
            wake.clear()
            group: list[BookOutcome] = []
            while not queue.empty():
                item = queue.get_nowait()
                if item is None:
                    done = True
                    break
                group.append(item)
            for start in range(0, len(group), MAX_WRITE_GROUP):
                chunk = group[start : start + MAX_WRITE_GROUP]
                outcomes.extend(chunk)
                failures = await asyncio.to_thread(write_outcomes, writer_session, chunk, run_id)
                write_failures.update(failures)

    try:
        items = iter(todo)
        writing = asyncio.create_task(writer())
        try:
            await asyncio.gather(*(worker(items) for _ in range(max(1, batch_size))))
        finally:
            await queue.put(None)
            wake.set()
            await writing
    finally:
        if owned:
            await providers.aclose()
        if connection is not None:
            writer_session.close()
            connection.close()

    return _summary(
        run_id,
        snapshots_total=len(todo) + len(fresh),
        skipped=len(fresh),
        outcomes=outcomes,
        write_failures=write_failures,
        providers=providers,
        requests=providers.network_requests - requests_before,
        seconds=time.monotonic() - started,
    )


def _summary(
    run_id: str,
    *,
    snapshots_total: int,
    skipped: int,
    outcomes: list[BookOutcome],
    write_failures: dict[int, str],
    providers: Providers,
    requests: int,
    seconds: float,
) -> dict[str, Any]:
    errors: list[dict[str, Any]] = []
    unmatched: list[dict[str, Any]] = []
    failed = succeeded = fields = updated = 0
    before: list[float] = []
    after: list[float] = []
    updates: list[dict[str, Any]] = []
    for outcome in outcomes:
        write_error = write_failures.get(outcome.book_id)
        for message in outcome.errors:
            errors.append({"book_id": outcome.book_id, "error": message})
        if write_error:
            errors.append({"book_id": outcome.book_id, "error": write_error})
        before.append(outcome.completeness_before)
        if write_error or outcome.failed:
            failed += 1
            after.append(outcome.completeness_before)
            continue
        succeeded += 1
        after.append(outcome.completeness_after)
        fields += len(outcome.changes)
        if outcome.changes:
            updated += 1
            if len(updates) < 50:
                updates.append(
                    {
                        "book_id": outcome.book_id,
                        "title": outcome.values.get("title"),
                        "fields": ", ".join(c.field for c in outcome.changes),
                        "sources": ", ".join(outcome.sources_used),
                        "completeness": f"{outcome.completeness_before:g} → "
                        f"{outcome.completeness_after:g}",
                    }
                )
        if not outcome.matched and outcome.notes and not outcome.errors:
            unmatched.append({"book_id": outcome.book_id, "reason": "; ".join(outcome.notes)})

    def average(values: list[float]) -> float:
        return round(sum(values) / len(values), 1) if values else 0.0

    return {
        "total_processed": snapshots_total,
        "succeeded": succeeded,
        "failed": failed,
        "skipped": skipped,
        "total_fields_updated": fields,
        "average_completeness_before": average(before),
        "average_completeness_after": average(after),
        "errors": errors[:MAX_ERRORS_KEPT],
        "errors_total": len(errors),
        "run_id": run_id,
        "books_updated": updated,
        "unmatched": unmatched[:MAX_ERRORS_KEPT],
        "unmatched_total": len(unmatched),
        "provider_status": providers.status(),
        "network_requests": requests,
        "seconds": round(seconds, 2),
        "updates": updates,
    }


# --- revert ------------------------------------------------------------------------------------


def revert_run(session: Session, run_id: str) -> dict[str, Any]:
    """Undo the corrections of run `run_id`, newest first, one book per transaction.

    A field is put back only if it still holds what the run wrote and is not locked now (a value
    changed since — by the user, a scan or a later run — is kept and reported as skipped).
    Its `metadata_source` entry is restored too and completeness recomputed.
    Returns `{run_id, corrections_reverted, corrections_skipped, books_reverted, skipped,
    errors}`.
    """
    corrections = session.scalars(
        select(MetadataCorrection)
        .where(MetadataCorrection.run_id == run_id, MetadataCorrection.reverted_at.is_(None))
        .order_by(MetadataCorrection.id.desc())
    ).all()
    by_book: dict[int, list[int]] = {}
    for correction in corrections:
        by_book.setdefault(correction.book_id, []).append(correction.id)
    session.commit()
    reverted = skipped_count = books = 0
    skipped: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for book_id, ids in by_book.items():
        try:
            done, passed = _revert_book(session, book_id, ids)
            session.commit()
        except Exception as error:
            session.rollback()
            errors.append({"book_id": book_id, "error": _db_error(error)})
            continue
        reverted += done
        skipped_count += len(passed)
        books += 1 if done else 0
        skipped.extend(passed)
    return {
        "run_id": run_id,
        "corrections_reverted": reverted,
        "corrections_skipped": skipped_count,
        "books_reverted": books,
        "skipped": skipped[:MAX_ERRORS_KEPT],
        "errors": errors,
    }


def _revert_book(
    session: Session, book_id: int, correction_ids: list[int]
) -> tuple[int, list[dict[str, Any]]]:
    book = session.get(Book, book_id)
    if book is None:
        return 0, [{"book_id": book_id, "field": "*", "reason": "book no longer exists"}]
    now = utcnow()
    sources = dict(book.metadata_source or {})
    locked = set(book.locked_fields or [])
    done = 0
    passed: list[dict[str, Any]] = []
    for correction_id in correction_ids:
        correction = session.get(MetadataCorrection, correction_id)
        assert correction is not None
        name = correction.field
        current = getattr(book, name)
        if name in locked:
            passed.append({"book_id": book_id, "field": name, "reason": "locked since"})
            continue
        if not (current == correction.new_value or same_value(name, current, correction.new_value)):
            passed.append({"book_id": book_id, "field": name, "reason": "changed since the run"})
            continue
        setattr(book, name, correction.old_value)
        if correction.old_source:
            sources[name] = correction.old_source
        else:
            sources.pop(name, None)
        correction.reverted_at = now
        done += 1
    if done:
        book.metadata_source = sources
        values = {name: getattr(book, name) for name in MERGE_FIELDS}
        book.metadata_completeness_percent = completeness_percent(values)
    return done, passed
