"""Answers for many books at once, asked before any per-book request (issue 22).

A first enrichment of a big library is bound by the providers' published rates, so the number
of requests is what counts. Each author's books go through these steps in turn, and a step asks
only for the books still wanting a field its provider gives (`wanted_fields`, the same rule the
per-book lookup follows):

1. **Audnexus book search by the author's name**: Audnexus passes it to Audible's keyword
   search, which answers up to ten of the author's audio editions — narrators, series, ASIN and
   nearly every other field — in one request. It goes first because it leaves the least to ask.
2. **Hardcover batches**: the titles still wanting something, gathered across authors, up to
   `BATCH_TITLES` per GraphQL query (`title: {_in: ...}`); the audio edition gives the ASIN,
   narrators and publisher.
3. **Google Books author listing** (`inauthor:` pages — the gap catalogue's `author_books` asks
   the same requests, so one cached answer serves both assets).
4. **Open Library author listing**.

A listing is asked only when it would serve at least `MIN_BOOKS_PER_LISTING` of the author's
books: for a single book the per-book lookup costs the same one request and asks more exactly
(by identifier, else by title and author). Google Books' and Open Library's listings are the gap
catalogue's too (it lists every author of two or more books, from the same HTTP cache), so for
such an author one wanting book is enough: the request is made once for both assets, and it
settles the book where a per-book lookup may take two (identifier, then title). Steps of
providers left out of the run's order are skipped.

Every record is accepted only by `domain.work_matching` (the same confident-match rule as a
per-book search) and remembers the request it came from (`Known.via`). A book missing from a
*complete* listing is settled for that provider: the provider has nothing else of the author (a
book credited there under another name is the price of asking per author). A listing or batch
that fails settles nothing: its books are looked up one by one afterwards, and nothing stored is
touched.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from library_pipeline.clients.http import ProviderError, redact
from library_pipeline.clients.providers import Providers
from library_pipeline.clients.records import BookRecord, Listing
from library_pipeline.domain.metadata_merge import PROVIDER_FIELDS
from library_pipeline.domain.normalize import normalize_author, split_authors
from library_pipeline.domain.work_matching import Match, best_match
from library_pipeline.services.enrichment.books import BookSnapshot, wanted_fields
from library_pipeline.services.enrichment.options import EnrichmentOptions

log = logging.getLogger(__name__)

STEPS = ("audnexus", "hardcover", "google_books", "open_library")  # see the module doc
BATCHED = "hardcover"  # the step that asks by title for many authors at once
CONCURRENT_REQUESTS = 48  # in flight per provider; the rate limiters are the real brake
BATCH_TITLES = 50  # titles per Hardcover query
MIN_BOOKS_PER_LISTING = 2  # a listing must serve at least this many books
# Listings the gap catalogue asks for every author of two or more books (`services.gaps`), from
# the same HTTP cache: asking one for a single wanting book costs the pipeline nothing more.
GAP_CATALOGUE_LISTINGS = frozenset({"google_books", "open_library"})
MAX_TEXT = 300
# What a listing or batch gives beyond a per-book search: Hardcover's books come with their
# editions, and the audio edition names the narrators, the ASIN and the publisher.
STEP_FIELDS = {
    **PROVIDER_FIELDS,
    "hardcover": PROVIDER_FIELDS["hardcover"] | {"narrators", "asin", "publisher"},
}


@dataclass(frozen=True)
class Known:
    """A provider's answer for one book, found by a request that served many books.

    `match`: the accepted record, or a rejected match (its reason says why) when the provider's
    complete listing has no such book — nothing left to ask it. `via`: the request.
    `tentative`: a rejection that stands only once other providers have checked the title — a
    batch asks by exact title, so its silence says little when the library's title is not the
    real one (see `lookup.BookLookup._title_checked`).
    """

    match: Match | None
    via: str
    tentative: bool = False

    @property
    def accepted(self) -> bool:
        return self.match is not None and self.match.accepted


@dataclass
class StageReport:
    """One step's requests and results (for the run's metadata and the benchmark)."""

    queries: int = 0  # listings or batches asked (a listing may take several pages)
    books_matched: int = 0
    books_settled: int = 0  # not at this provider (a batch: not under this exact title)
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "queries": self.queries,
            "books_matched": self.books_matched,
            "books_settled": self.books_settled,
            "failures": len(self.failures),
            "failure_samples": self.failures[:5],
        }


@dataclass
class Prefetched:
    """Per book id, per provider, what the listings and batches said."""

    known: dict[int, dict[str, Known]] = field(default_factory=lambda: defaultdict(dict))
    report: dict[str, StageReport] = field(default_factory=dict)
    seconds: float = 0.0

    def failures(self) -> list[str]:
        return [failure for stage in self.report.values() for failure in stage.failures]

    def as_dict(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 2),
            **{name: stage.as_dict() for name, stage in self.report.items()},
        }


def first_author(snapshot: BookSnapshot) -> str | None:
    """The name a listing is asked by: the first credited person, "First Last"."""
    for credit in snapshot.values.get("authors") or ():
        for name in split_authors(credit):
            if name.strip():
                return name.strip()
    return None


def by_author(snapshots: Iterable[BookSnapshot]) -> dict[str | None, list[BookSnapshot]]:
    """Books grouped by first author (one listing each), keyed by the name as asked; books with
    no author are grouped under None (batched, never listed)."""
    groups: dict[str | None, list[BookSnapshot]] = {}
    names: dict[str, str] = {}
    for snapshot in snapshots:
        name = first_author(snapshot)
        asked = None if name is None else names.setdefault(normalize_author(name), name)
        groups.setdefault(asked, []).append(snapshot)
    return groups


class TitleBatches:
    """Titles from many authors gathered into queries of `BATCH_TITLES`: a query is sent as soon
    as it is full, the last one when no author is left to add titles. Every author takes part
    once (`ask`, with no titles if it has none), so the last query is never waited for in vain."""

    def __init__(self, authors: int, send: Callable[[list[str]], Awaitable[None]]) -> None:
        self.authors_left = authors
        self.send = send
        self.pending: list[str] = []
        self.answered: dict[str, asyncio.Event] = {}
        self.sending: set[asyncio.Task[None]] = set()

    async def ask(self, titles: Iterable[str]) -> None:
        """One author's titles (a title already asked is not asked again); returns when every
        one of them has its answer (or its batch failed)."""
        waits = []
        for title in titles:
            if title not in self.answered:
                self.answered[title] = asyncio.Event()
                self.pending.append(title)
            waits.append(self.answered[title])
        self.authors_left -= 1
        while len(self.pending) >= BATCH_TITLES or (self.pending and not self.authors_left):
            chunk, self.pending = self.pending[:BATCH_TITLES], self.pending[BATCH_TITLES:]
            task = asyncio.create_task(self._send(chunk))
            self.sending.add(task)
            task.add_done_callback(self.sending.discard)
        for wait in waits:
            await wait.wait()

    async def _send(self, chunk: list[str]) -> None:
        try:
            await self.send(chunk)
        finally:
            for title in chunk:
                self.answered[title].set()


class Prefetch:
    """The steps of the module doc for the books of one run. Authors go through them side by
    side, and each author's books can be looked up one by one as soon as the author is through
    (`author`, then `known_for`)."""

    def __init__(
        self, books: Sequence[BookSnapshot], providers: Providers, options: EnrichmentOptions
    ) -> None:
        self.groups = by_author(books)
        self.providers = providers
        self.options = options
        self.result = Prefetched()
        self.secrets = [s for client in providers for s in client.http.secrets]
        # Per provider: a provider slow to answer must not hold another's turn.
        self.gates: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(CONCURRENT_REQUESTS)
        )
        self._probe_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._probed: set[str] = set()
        self._batch_answers: dict[str, tuple[list[BookRecord], str]] = {}
        self.steps = [p for p in STEPS if p in options.order and providers.get(p) is not None]
        self.batches = TitleBatches(len(self.groups), self._batch)
        self._batch_stage = StageReport()
        if BATCHED in self.steps:
            self.result.report[f"{BATCHED} batches"] = self._batch_stage

    async def author(self, name: str | None, group: list[BookSnapshot]) -> None:
        """One author's steps, in order (see the module doc)."""
        batched = False
        try:
            for provider in self.steps:
                wanting = self._wanting(provider, group)
                if provider == BATCHED:
                    batched = True
                    await self._ask_batch(wanting)
                elif name is not None and self._worth_listing(provider, group, wanting):
                    await self._listing(provider, name, wanting)
        except Exception as error:  # a bug must not end the run: the books are looked up one by one
            log.exception("enrichment prefetch: author %r failed", name)
            stage = self.result.report.setdefault("steps", StageReport())
            message = f"author '{name}': {type(error).__name__}: {error}"
            stage.failures.append(redact(message, self.secrets)[:MAX_TEXT])
        finally:
            if not batched:  # no Hardcover step, or a step failed before it
                await self.batches.ask(())

    def known_for(self, snapshot: BookSnapshot) -> dict[str, Known]:
        """What the listings and batches said about one book (once its author is through)."""
        return dict(self.result.known.get(snapshot.id, {}))

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _worth_listing(
        provider: str, group: list[BookSnapshot], wanting: list[BookSnapshot]
    ) -> bool:
        """Whether a listing saves requests (see the module doc)."""
        if provider in GAP_CATALOGUE_LISTINGS:
            return bool(wanting) and len(group) >= MIN_BOOKS_PER_LISTING
        return len(wanting) >= MIN_BOOKS_PER_LISTING

    def _records(self, snapshot: BookSnapshot) -> dict[str, BookRecord]:
        known = self.result.known.get(snapshot.id, {})
        return {
            name: k.match.record
            for name, k in known.items()
            if k.accepted and k.match is not None and isinstance(k.match.record, BookRecord)
        }

    def _wanting(self, provider: str, books: Iterable[BookSnapshot]) -> list[BookSnapshot]:
        """Books this provider could still add a wanted field to."""
        fields = STEP_FIELDS.get(provider, frozenset())
        return [
            s
            for s in books
            if provider not in self.result.known.get(s.id, {})
            and wanted_fields(s, self._records(s)) & fields
        ]

    def _match(self, snapshot: BookSnapshot, records: list[BookRecord]) -> Match:
        return best_match(
            snapshot.query(),
            records,
            threshold=self.options.min_confidence,
            default_language=self.options.default_language,
        )

    async def _call(
        self, provider: str, stage: StageReport, what: str, call: Callable[[], Awaitable[Any]]
    ) -> Any | None:
        """One listing or batch. A provider's first call goes alone: if it opens the circuit
        (a refused key) nothing more is sent. A failure is recorded and settles nothing."""
        if provider not in self._probed:
            async with self._probe_locks[provider]:
                if provider not in self._probed:
                    try:
                        return await self._guarded(provider, stage, what, call)
                    finally:
                        self._probed.add(provider)
        if not self.providers.available(provider):
            return None
        return await self._guarded(provider, stage, what, call)

    async def _guarded(
        self, provider: str, stage: StageReport, what: str, call: Callable[[], Awaitable[Any]]
    ) -> Any | None:
        async with self.gates[provider]:
            stage.queries += 1
            try:
                return await call()
            except ProviderError as error:
                stage.failures.append(redact(f"{what}: {error}", self.secrets)[:MAX_TEXT])
            except Exception as error:  # a bug must not end the run: per-book lookups follow
                log.exception("enrichment prefetch: %s failed", what)
                message = f"{what}: {type(error).__name__}: {error}"
                stage.failures.append(redact(message, self.secrets)[:MAX_TEXT])
            return None

    # --- author listings -------------------------------------------------------------------

    async def _listing(self, provider: str, author: str, group: list[BookSnapshot]) -> None:
        client = self.providers.get(provider)
        if client is None or not hasattr(client, "author_listing"):
            return
        stage = self.result.report.setdefault(f"{provider} author listings", StageReport())
        listing: Listing | None = await self._call(
            provider, stage, f"{provider} author listing '{author}'",
            lambda: client.author_listing(author),
        )  # fmt: skip
        if listing is not None:
            self._take_listing(provider, listing, group, stage)

    def _take_listing(
        self, provider: str, listing: Listing, group: list[BookSnapshot], stage: StageReport
    ) -> None:
        for snapshot in group:
            match = self._match(snapshot, listing.records)
            if match.accepted:
                self.result.known[snapshot.id][provider] = Known(match, listing.request)
                stage.books_matched += 1
            elif listing.complete:
                reason = f"not in {listing.request}" + (
                    f" ({match.reason})" if listing.records else ""
                )
                rejected = Match(None, match.confidence, match.method, reason[:MAX_TEXT])
                self.result.known[snapshot.id][provider] = Known(rejected, listing.request)
                stage.books_settled += 1

    # --- Hardcover batches -----------------------------------------------------------------

    async def _ask_batch(self, books: list[BookSnapshot]) -> None:
        """The author's wanting books through the shared batches, then matched against the
        books of their title (nothing, when their batch failed)."""
        titled = [s for s in books if s.values.get("title")]
        await self.batches.ask(str(s.values["title"]) for s in titled)
        for snapshot in titled:
            answer = self._batch_answers.get(str(snapshot.values["title"]))
            if answer is not None:
                self._take_batch(snapshot, *answer)

    async def _batch(self, chunk: list[str]) -> None:
        """One query for `chunk`; its answer is kept per title (see `_ask_batch`)."""
        client = self.providers.hardcover
        records: list[BookRecord] | None = await self._call(
            BATCHED, self._batch_stage, f"{BATCHED} batch of {len(chunk)} titles",
            lambda: client.books_by_titles(chunk),
        )  # fmt: skip
        if records is None:
            return
        via = f"batch of {len(chunk)} titles ('{chunk[0]}' …)"
        found: dict[str, list[BookRecord]] = defaultdict(list)
        for record in records:
            found[record.title].append(record)
        for title in chunk:
            self._batch_answers[title] = (found.get(title, []), via)

    def _take_batch(self, snapshot: BookSnapshot, records: list[BookRecord], via: str) -> None:
        match = self._match(snapshot, records)
        if match.accepted:
            self.result.known[snapshot.id][BATCHED] = Known(match, via)
            self._batch_stage.books_matched += 1
        else:
            reason = f"not in {via}" + (f" ({match.reason})" if records else "")
            rejected = Match(None, match.confidence, match.method, reason[:MAX_TEXT])
            self.result.known[snapshot.id][BATCHED] = Known(rejected, via, tentative=True)
            self._batch_stage.books_settled += 1
