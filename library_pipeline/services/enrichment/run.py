"""The service functions: enrich every book (`correct_all_books`) or one (`correct_book_metadata`).

**Freshness.** Books enriched within the options' `freshness` are skipped unless
`force_refresh`. `last_enriched_at` is set only when every provider asked answered: a book that
met an outage is retried by the next run (and the answers that did arrive come from the cache).

**Concurrency.** Up to `batch_size` books are looked up at once (a sliding window, not
lock-step batches), so the providers' rate limiters are the only brake. Results are written by
one writer in short transactions — the books finished so far (every 2 s, or at 250) per commit,
in a thread, with no `await` inside the write, on one connection held for the run; if a group
fails it is retried book by book, so one bad book rolls back only itself (`writing`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from library_pipeline.clients.providers import Providers
from library_pipeline.domain.completeness import completeness_percent
from library_pipeline.services.enrichment import lookup as lookup_stage
from library_pipeline.services.enrichment import writing
from library_pipeline.services.enrichment.books import (
    BookOutcome,
    BookSnapshot,
    is_fresh,
    load_snapshots,
)
from library_pipeline.services.enrichment.options import EnrichmentOptions
from library_pipeline.services.enrichment.prefetch import Known, Prefetch, Prefetched
from library_pipeline.services.enrichment.results import (
    MAX_ROWS_KEPT,
    BookError,
    BookResult,
    BookStatus,
    BookUpdate,
    EnrichmentResult,
    Unmatched,
)
from library_pipeline.storage.models import utcnow

log = logging.getLogger(__name__)

MAX_WRITE_GROUP = 500  # books per write transaction at most
WRITE_GROUP = 250  # the writer wakes when this many results wait...
WRITE_EVERY_SECONDS = 2.0  # ...or this often
MAX_PREVIEW = 50


async def process_book(
    snapshot: BookSnapshot,
    providers: Providers,
    options: EnrichmentOptions,
    known: dict[str, Known] | None = None,
) -> BookOutcome:
    """One book's lookup and merge; an unexpected error fails this book only."""
    try:
        found = await lookup_stage.lookup_book(snapshot, providers, options, known)
        return lookup_stage.build_outcome(snapshot, found, options)
    except Exception as error:  # a bug must not end the run: recorded with the book
        log.exception("enrichment: book %s failed", snapshot.id)
        message = lookup_stage.describe_error(error, lookup_stage.provider_secrets(providers))
        return BookOutcome.failure(snapshot, message)


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


def _skipped(snapshot: BookSnapshot, run_id: str) -> BookResult:
    completeness = completeness_percent(snapshot.values)
    return BookResult(
        snapshot.id,
        "skipped",
        run_id,
        completeness_before=completeness,
        completeness_after=completeness,
        notes=[f"enriched at {snapshot.last_enriched_at:%Y-%m-%d %H:%M}; use force_refresh"],
    )


async def correct_book_metadata(
    book_id: int,
    session: Session,
    *,
    providers: Providers,
    options: EnrichmentOptions,
    force_refresh: bool = False,
    run_id: str | None = None,
) -> BookResult:
    """Look one book up and store what the providers add (one transaction)."""
    run_id = run_id or uuid.uuid4().hex
    snapshots = load_snapshots(session, [book_id])
    if not snapshots:
        return BookResult(
            book_id, "not_found", run_id, errors=[f"book {book_id} not found (or removed)"]
        )
    snapshot = snapshots[0]
    if not force_refresh and is_fresh(snapshot, options, utcnow()):
        return _skipped(snapshot, run_id)
    found = await lookup_stage.lookup_book(snapshot, providers, options)
    outcome = lookup_stage.build_outcome(snapshot, found, options)
    failures = writing.write_outcomes(session, [outcome], run_id)
    if failures:
        outcome.errors.append(failures[book_id])
    status: BookStatus
    if failures or outcome.failed:
        status = "failed"
    else:
        status = "updated" if outcome.changes else "unchanged"
    return outcome.as_result(run_id, status)


@dataclass
class _Selection:
    todo: list[BookSnapshot]
    total: int
    skipped: int


def _select(
    snapshots: list[BookSnapshot],
    options: EnrichmentOptions,
    *,
    now: datetime,
    limit: int | None,
    filter_incomplete_only: bool,
    force_refresh: bool,
) -> _Selection:
    """The books to look up: incomplete (if asked), not fresh, least recently enriched first."""
    if filter_incomplete_only:
        snapshots = [s for s in snapshots if completeness_percent(s.values) < 100.0]
    fresh = set() if force_refresh else {s.id for s in snapshots if is_fresh(s, options, now)}
    todo = [s for s in snapshots if s.id not in fresh]
    todo.sort(key=lambda s: (s.last_enriched_at is not None, s.last_enriched_at or now, s.id))
    if limit is not None:
        todo = todo[: max(0, limit)]
    return _Selection(todo, total=len(todo) + len(fresh), skipped=len(fresh))


@dataclass
class _Writer:
    """Collects finished books and stores them in groups (see the module doc)."""

    session: Session
    run_id: str
    outcomes: list[BookOutcome] = field(default_factory=list)
    failures: dict[int, str] = field(default_factory=dict)
    queue: asyncio.Queue[BookOutcome | None] = field(default_factory=asyncio.Queue)
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    async def put(self, outcome: BookOutcome) -> None:
        await self.queue.put(outcome)
        if self.queue.qsize() >= WRITE_GROUP:
            self.wake.set()

    async def close(self) -> None:
        await self.queue.put(None)
        self.wake.set()

    def _drain(self) -> tuple[list[BookOutcome], bool]:
        group: list[BookOutcome] = []
        while not self.queue.empty():
            item = self.queue.get_nowait()
            if item is None:
                return group, True
            group.append(item)
        return group, False

    async def run(self) -> None:
        done = False
        while not done:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), WRITE_EVERY_SECONDS)
            self.wake.clear()
            group, done = self._drain()
            for start in range(0, len(group), MAX_WRITE_GROUP):
                chunk = group[start : start + MAX_WRITE_GROUP]
                self.outcomes.extend(chunk)
                self.failures.update(
                    await asyncio.to_thread(
                        writing.write_outcomes, self.session, chunk, self.run_id
                    )
                )


@contextlib.contextmanager
def _held_connection(session: Session) -> Iterator[Session]:
    writer_session, connection = _writer_session(session)
    try:
        yield writer_session
    finally:
        if connection is not None:
            writer_session.close()
            connection.close()


async def _look_up_all(
    todo: list[BookSnapshot],
    providers: Providers,
    options: EnrichmentOptions,
    writer: _Writer,
    batch_size: int,
) -> None:
    """Every book on its own (the way before issue 22; the benchmark's reference)."""
    items: Iterator[BookSnapshot] = iter(todo)

    async def worker(queue: Iterable[BookSnapshot]) -> None:
        for snapshot in queue:
            await writer.put(await process_book(snapshot, providers, options))

    await asyncio.gather(*(worker(items) for _ in range(max(1, batch_size))))


async def _listings_then_books(
    todo: list[BookSnapshot],
    providers: Providers,
    options: EnrichmentOptions,
    writer: _Writer,
    batch_size: int,
) -> Prefetched:
    """Listings and batches first (`prefetch`); each author's books are looked up as soon as
    their listings are in, at most `batch_size` books at once."""
    started = time.monotonic()
    stages = Prefetch(todo, providers, options)
    books_at_once = asyncio.Semaphore(max(1, batch_size))

    async def book(snapshot: BookSnapshot) -> None:
        async with books_at_once:
            outcome = await process_book(snapshot, providers, options, stages.known_for(snapshot))
        await writer.put(outcome)

    async def author(name: str | None, group: list[BookSnapshot]) -> None:
        await stages.author(name, group)
        await asyncio.gather(*(book(snapshot) for snapshot in group))

    await asyncio.gather(*(author(name, group) for name, group in stages.groups.items()))
    stages.result.seconds = time.monotonic() - started
    return stages.result


@contextlib.asynccontextmanager
async def _writing(session: Session, run_id: str) -> AsyncIterator[_Writer]:
    """A writer storing results while the lookups run (see the module doc)."""
    with _held_connection(session) as writer_session:
        writer = _Writer(writer_session, run_id)
        task = asyncio.create_task(writer.run())
        try:
            yield writer
        finally:
            await writer.close()
            await task


async def correct_all_books(
    session: Session,
    *,
    providers: Providers,
    options: EnrichmentOptions,
    limit: int | None = None,
    filter_incomplete_only: bool = True,
    batch_size: int = 10,
    force_refresh: bool = False,
    run_id: str | None = None,
    use_listings: bool = True,
) -> EnrichmentResult:
    """Enrich every active book (or the incomplete ones), `batch_size` at a time, after the
    author listings and batches of `prefetch` (`use_listings=False`: per book only, as before
    issue 22 — the benchmark's reference)."""
    started = time.monotonic()
    run_id = run_id or uuid.uuid4().hex
    selection = _select(
        load_snapshots(session),
        options,
        now=utcnow(),
        limit=limit,
        filter_incomplete_only=filter_incomplete_only,
        force_refresh=force_refresh,
    )
    requests_before = providers.network_requests
    found = Prefetched()
    async with _writing(session, run_id) as writer:
        if use_listings:
            found = await _listings_then_books(
                selection.todo, providers, options, writer, batch_size
            )
        else:
            await _look_up_all(selection.todo, providers, options, writer, batch_size)
    result = summarize(
        run_id,
        selection=selection,
        writer=writer,
        providers=providers,
        requests=providers.network_requests - requests_before,
        seconds=time.monotonic() - started,
    )
    result.prefetch = found.as_dict()
    # A failed listing or batch is no book's error: its books were looked up one by one.
    result.add_run_errors(found.failures())
    return result


def _preview(outcome: BookOutcome) -> BookUpdate:
    return BookUpdate(
        book_id=outcome.book_id,
        title=outcome.values.get("title"),
        fields=", ".join(c.field for c in outcome.changes),
        sources=", ".join(f"{p} ({outcome.via.get(p, '?')})" for p in outcome.sources_used),
        completeness=f"{outcome.completeness_before:g} → {outcome.completeness_after:g}",
    )


def _average(values: list[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


@dataclass
class _Tally:
    errors: list[BookError] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    updates: list[BookUpdate] = field(default_factory=list)
    before: list[float] = field(default_factory=list)
    after: list[float] = field(default_factory=list)
    failed: int = 0
    succeeded: int = 0
    fields: int = 0
    updated: int = 0

    def add(self, outcome: BookOutcome, write_error: str | None) -> None:
        self.errors += [BookError(outcome.book_id, m) for m in outcome.errors]
        if write_error:
            self.errors.append(BookError(outcome.book_id, write_error))
        self.before.append(outcome.completeness_before)
        if write_error or outcome.failed:
            self.failed += 1
            self.after.append(outcome.completeness_before)
            return
        self.succeeded += 1
        self.after.append(outcome.completeness_after)
        self.fields += len(outcome.changes)
        if outcome.changes:
            self.updated += 1
            if len(self.updates) < MAX_PREVIEW:
                self.updates.append(_preview(outcome))
        if not outcome.matched and outcome.notes and not outcome.errors:
            self.unmatched.append(Unmatched(outcome.book_id, "; ".join(outcome.notes)))


def summarize(
    run_id: str,
    *,
    selection: _Selection,
    writer: _Writer,
    providers: Providers,
    requests: int,
    seconds: float,
) -> EnrichmentResult:
    tally = _Tally()
    for outcome in writer.outcomes:
        tally.add(outcome, writer.failures.get(outcome.book_id))
    status = providers.status()
    return EnrichmentResult(
        run_id=run_id,
        total_processed=selection.total,
        succeeded=tally.succeeded,
        failed=tally.failed,
        skipped=selection.skipped,
        total_fields_updated=tally.fields,
        books_updated=tally.updated,
        average_completeness_before=_average(tally.before),
        average_completeness_after=_average(tally.after),
        errors=tally.errors[:MAX_ROWS_KEPT],
        errors_total=len(tally.errors),
        unmatched=tally.unmatched[:MAX_ROWS_KEPT],
        unmatched_total=len(tally.unmatched),
        updates=tally.updates,
        provider_status=status,
        # Said once per run, not per book (e.g. a server without title search).
        provider_notes=[f"{name}: {s['note']}" for name, s in status.items() if s.get("note")],
        network_requests=requests,
        seconds=round(seconds, 2),
    )
