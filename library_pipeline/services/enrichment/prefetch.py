"""Answers for many books at once, asked before any per-book request (issue 22).

A first enrichment of a big library is bound by the providers' published rates, so the number
of requests is what counts. In order:

1. **Author listings** of the primary provider (Google Books `inauthor:` pages): one request
   serves every book of an author. They are the very requests the gap catalogue asks
   (`author_books` is built on `author_listing`), so one cached answer serves both assets.
2. **Hardcover batches**: up to 50 titles per GraphQL query (`title: {_in: ...}`), each book
   matched against the books of its exact title; the audio edition gives ASIN and narrators.
3. **Open Library author listings**, only for authors with at least two books that still lack
   something Open Library gives (one listing must save requests, not add one).

Every record is accepted only by `domain.work_matching` (the same confident-match rule as a
per-book search) and remembers the request it came from (`Known.via`). A book missing from a
*complete* listing is settled for that provider: it has nothing else of the author (a book
credited there under another name is the price of asking per author). A listing or batch that fails
settles nothing: its books are looked up one by one afterwards, and nothing stored is touched.
"""

from __future__ import annotations

import asyncio
import logging
import time
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

CONCURRENT_REQUESTS = 48  # in flight per provider; the rate limiters are the real brake
BATCH_TITLES = 50  # titles per Hardcover query
MIN_BOOKS_PER_LISTING = 2  # a secondary listing must serve at least this many books
MAX_TEXT = 300
# What a batch gives beyond a per-book search: its books come with their editions, and the
# audio edition names the narrators, the ASIN and the publisher.
BATCH_FIELDS = {"hardcover": PROVIDER_FIELDS["hardcover"] | {"narrators", "asin", "publisher"}}


@dataclass(frozen=True)
class Known:
    """A provider's answer for one book, found by a request that served many books.

    `match`: the accepted record, or a rejected match (its reason says why) when the provider's
    complete listing has no such book — nothing left to ask it. `via`: the request.
    """

    match: Match | None
    via: str

    @property
    def accepted(self) -> bool:
        return self.match is not None and self.match.accepted


@dataclass
class StageReport:
    """One stage's requests and results (for the run's metadata and the benchmark)."""

    queries: int = 0  # listings or batches asked (a listing may take several pages)
    books_matched: int = 0
    books_settled: int = 0  # not at this provider: no per-book request
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


def by_author(snapshots: Iterable[BookSnapshot]) -> dict[str, list[BookSnapshot]]:
    """Books grouped by first author (one listing each), keyed by the name as asked."""
    groups: dict[str, list[BookSnapshot]] = {}
    names: dict[str, str] = {}
    for snapshot in snapshots:
        name = first_author(snapshot)
        if name is None:
            continue
        asked = names.setdefault(normalize_author(name), name)
        groups.setdefault(asked, []).append(snapshot)
    return groups


class Prefetch:
    """The stages of the module doc for the books of one run, as a pipeline: Hardcover's
    batches run beside the author listings, and each author's books can be looked up one by
    one as soon as their listings and the batches are in (`author`, `known_for`)."""

    def __init__(
        self, books: Sequence[BookSnapshot], providers: Providers, options: EnrichmentOptions
    ) -> None:
        self.books = list(books)
        self.groups = by_author(self.books)
        grouped = {s.id for group in self.groups.values() for s in group}
        self.loose = [s for s in self.books if s.id not in grouped]  # no author to list by
        self.providers = providers
        self.options = options
        self.result = Prefetched()
        self.secrets = [s for client in providers for s in client.http.secrets]
        # Per provider: a provider slow to answer must not hold another's turn.
        self.gates: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(CONCURRENT_REQUESTS)
        )
        self.batched = asyncio.Event()
        self._unbatched: dict[int, tuple[str, Known, StageReport]] = {}
        self._probe_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._probed: set[str] = set()
        order = [p for p in options.order if providers.get(p) is not None]
        self.listed_first = "google_books" if order and order[0] == "google_books" else None
        self.batching = "hardcover" if "hardcover" in order else None
        self.listed_after = "open_library" if "open_library" in order else None

    async def run(self) -> Prefetched:
        """Every stage for every book (without looking any book up)."""
        started = time.monotonic()
        await asyncio.gather(
            self.batches(), *(self.author(name, group) for name, group in self.groups.items())
        )
        self.result.seconds = time.monotonic() - started
        return self.result

    def known_for(self, snapshot: BookSnapshot) -> dict[str, Known]:
        """What the listings and batches said about one book (once its author is done)."""
        known = self.result.known.get(snapshot.id, {})
        unbatched = self._unbatched.pop(snapshot.id, None)
        if unbatched is not None and self._records(snapshot):
            # A batch answered without the book, and a listing matched it: no per-book search
            # at Hardcover (a book nothing matched is still searched there).
            provider, rejected, stage = unbatched
            known = self.result.known[snapshot.id]
            known.setdefault(provider, rejected)
            stage.books_settled += 1
        return dict(known)

    # --- stages ----------------------------------------------------------------------------

    async def batches(self) -> None:
        """Hardcover: every title once, `BATCH_TITLES` per query."""
        try:
            if self.batching is not None:
                await self._batches(self.batching)
        finally:
            self.batched.set()

    async def author(self, name: str, group: list[BookSnapshot]) -> None:
        """One author's listings: the primary's, then (after the batches) Open Library's when
        it would serve at least two of the author's books."""
        if self.listed_first is not None:
            await self._listing(self.listed_first, name, group)
        await self.batched.wait()
        if self.listed_after is not None:
            wanting = self._wanting(self.listed_after, group)
            if len(wanting) >= MIN_BOOKS_PER_LISTING:
                await self._listing(self.listed_after, name, wanting)

    # --- helpers ---------------------------------------------------------------------------

    def _records(self, snapshot: BookSnapshot) -> dict[str, BookRecord]:
        known = self.result.known.get(snapshot.id, {})
        return {
            name: k.match.record
            for name, k in known.items()
            if k.accepted and k.match is not None and isinstance(k.match.record, BookRecord)
        }

    def _wanting(self, provider: str, books: Iterable[BookSnapshot]) -> list[BookSnapshot]:
        """Books this provider could still add a completeness field to."""
        fields = BATCH_FIELDS.get(provider, PROVIDER_FIELDS.get(provider, frozenset()))
        return [
            s
            for s in books
            if provider not in self.result.known.get(s.id, {})
            and wanted_fields(s, self._records(s), series=False) & fields
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
        stage = self.result.report.setdefault(f"{provider} author listings", StageReport())
        client = self.providers.get(provider)
        if client is None or not hasattr(client, "author_listing"):
            return
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

    async def _batches(self, provider: str) -> None:
        stage = self.result.report.setdefault(f"{provider} batches", StageReport())
        by_title: dict[str, list[BookSnapshot]] = defaultdict(list)
        for snapshot in self._wanting(provider, self.books):
            if snapshot.values.get("title"):
                by_title[str(snapshot.values["title"])].append(snapshot)
        titles = sorted(by_title)
        client = self.providers.hardcover

        async def one(chunk: list[str]) -> None:
            records: list[BookRecord] | None = await self._call(
                provider, stage, f"{provider} batch of {len(chunk)} titles",
                lambda: client.books_by_titles(chunk),
            )  # fmt: skip
            if records is None:
                return
            via = f"batch of {len(chunk)} titles ('{chunk[0]}' …)"
            found: dict[str, list[BookRecord]] = defaultdict(list)
            for record in records:
                found[record.title].append(record)
            for title in chunk:
                for snapshot in by_title[title]:
                    self._take_batch(provider, snapshot, found.get(title, []), via, stage)

        chunks = [titles[i : i + BATCH_TITLES] for i in range(0, len(titles), BATCH_TITLES)]
        await asyncio.gather(*(one(chunk) for chunk in chunks))

    def _take_batch(
        self,
        provider: str,
        snapshot: BookSnapshot,
        records: list[BookRecord],
        via: str,
        stage: StageReport,
    ) -> None:
        match = self._match(snapshot, records)
        if match.accepted:
            self.result.known[snapshot.id][provider] = Known(match, via)
            stage.books_matched += 1
        else:
            reason = f"not in {via}" + (f" ({match.reason})" if records else "")
            rejected = Match(None, match.confidence, match.method, reason[:MAX_TEXT])
            self._unbatched[snapshot.id] = (provider, Known(rejected, via), stage)


async def prefetch(
    books: Sequence[BookSnapshot], providers: Providers, options: EnrichmentOptions
) -> Prefetched:
    """Listings and batches for `books` (see the module doc), before any book is looked up."""
    return await Prefetch(books, providers, options).run()
